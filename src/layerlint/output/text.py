"""The default text format: ``path:line:col: CODE message``, then a summary line."""

from __future__ import annotations

from typing import Iterable

from layerlint.diagnostics import Diagnostic


def format_line(d: Diagnostic) -> str:
    return f"{d.path}:{d.line}:{d.col}: {d.code} {d.message}"


def render(diagnostics: Iterable[Diagnostic]) -> str:
    return "".join(format_line(d) + "\n" for d in diagnostics)


def summary(found: int, files_with: int, files_checked: int) -> str:
    if not found:
        return f"All checks passed ({files_checked} file{'s' if files_checked != 1 else ''} checked)."
    return (
        f"Found {found} finding{'s' if found != 1 else ''} in {files_with} "
        f"file{'s' if files_with != 1 else ''} ({files_checked} checked)."
    )

"""The default text format: ``path:line:col: CODE message``, then a summary line.

Coloured when asked (the CLI asks on a terminal, unless ``NO_COLOR`` is set).
"""

from __future__ import annotations

from typing import Iterable

import click

from layerlint.diagnostics import Diagnostic


def format_line(d: Diagnostic, color: bool = False) -> str:
    if not color:
        return f"{d.path}:{d.line}:{d.col}: {d.code} {d.message}"
    sep = click.style(":", fg="cyan")
    return (
        f"{click.style(d.path, bold=True)}{sep}{d.line}{sep}{d.col}{sep} "
        f"{click.style(d.code, fg='red', bold=True)} {d.message}"
    )


def render(diagnostics: Iterable[Diagnostic], sources: object = None, *, color: bool = False) -> str:
    return "".join(format_line(d, color) + "\n" for d in diagnostics)


def summary(found: int, files_with: int, files_checked: int, baselined: int = 0) -> str:
    hidden = f", {baselined} baselined" if baselined else ""
    if not found:
        return f"All checks passed ({files_checked} file{'s' if files_checked != 1 else ''} checked{hidden})."
    return (
        f"Found {found} finding{'s' if found != 1 else ''} in {files_with} "
        f"file{'s' if files_with != 1 else ''} ({files_checked} checked{hidden})."
    )

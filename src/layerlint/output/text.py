"""The default text format: ``path:line:col: CODE message``, then a summary line.

Coloured when asked (the CLI asks on a terminal, unless ``NO_COLOR`` is set). A
finding that ``--fix`` would rewrite is marked ``[*]`` before its message (an unsafe
fix only with ``--unsafe-fixes``), as ruff does.
"""

from __future__ import annotations

from typing import Iterable

import click

from layerlint.diagnostics import FIX_UNSAFE, Diagnostic
from layerlint.fixes import is_applicable

FIX_MARK = "[*] "


def format_line(d: Diagnostic, color: bool = False, unsafe_fixes: bool = False) -> str:
    mark = FIX_MARK if d.fix and is_applicable(d, unsafe_fixes) else ""
    if not color:
        return f"{d.path}:{d.line}:{d.col}: {d.code} {mark}{d.message}"
    sep = click.style(":", fg="cyan")
    return (
        f"{click.style(d.path, bold=True)}{sep}{d.line}{sep}{d.col}{sep} "
        f"{click.style(d.code, fg='red', bold=True)} {click.style(mark, fg='cyan')}{d.message}"
    )


def render(
    diagnostics: Iterable[Diagnostic], sources: object = None, *, color: bool = False, unsafe_fixes: bool = False
) -> str:
    return "".join(format_line(d, color, unsafe_fixes) + "\n" for d in diagnostics)


def summary(found: int, files_with: int, files_checked: int, baselined: int = 0, errors: int = 0) -> str:
    """The last line of a check; with ``errors`` (a file not read, a rule that failed: told
    on stderr) it never says all checks passed."""
    hidden = f", {baselined} baselined" if baselined else ""
    failed = f"; {errors} error{'s' if errors != 1 else ''}, see below" if errors else ""
    if not found:
        if errors:
            return f"No findings ({files_checked} file{'s' if files_checked != 1 else ''} checked{hidden}{failed})."
        return f"All checks passed ({files_checked} file{'s' if files_checked != 1 else ''} checked{hidden})."
    return (
        f"Found {found} finding{'s' if found != 1 else ''} in {files_with} "
        f"file{'s' if files_with != 1 else ''} ({files_checked} checked{hidden}{failed})."
    )


def fix_hint(diagnostics: Iterable[Diagnostic], unsafe_fixes: bool = False) -> str | None:
    """``[*] N fixable with `layerlint check --fix` ...``, or None when nothing is fixable."""
    diagnostics = list(diagnostics)
    fixable = sum(1 for d in diagnostics if is_applicable(d, unsafe_fixes))
    hidden = 0 if unsafe_fixes else sum(
        1 for d in diagnostics if d.fix == FIX_UNSAFE and is_applicable(d, True)
    )
    if not fixable and not hidden:
        return None
    parts = []
    if fixable:
        option = "--fix --unsafe-fixes" if unsafe_fixes else "--fix"
        parts.append(f"[*] {fixable} fixable with `layerlint check {option}`")
    if hidden:
        parts.append(f"{hidden} more with `--unsafe-fixes`" if fixable else
                     f"{hidden} fixable with `layerlint check --fix --unsafe-fixes`")
    text = parts[0] + (f" ({parts[1]})" if len(parts) == 2 else "")
    return text + "."


def fix_summary(fixed: int, remaining: int, files_fixed: int, files_checked: int) -> str:
    """The ``--fix`` summary: Found N findings, fixed M, K remaining."""
    found = fixed + remaining
    if not found:
        return summary(0, 0, files_checked)
    return (
        f"Found {found} finding{'s' if found != 1 else ''}, fixed {fixed}, {remaining} remaining "
        f"({files_fixed} file{'s' if files_fixed != 1 else ''} fixed, {files_checked} checked)."
    )


def diff_summary(fixable: int, files: int, remaining: int) -> str:
    """The ``--diff`` summary (printed to stderr, after the diff)."""
    if not fixable:
        return "No fixes to apply."
    return (
        f"Would fix {fixable} finding{'s' if fixable != 1 else ''} in {files} "
        f"file{'s' if files != 1 else ''} ({remaining} would remain)."
    )

"""``full``: each finding with its source line, a caret under the reported span,
and the fix suggestion when the finding has one.

    app/routes/admin.py:9:1: LL101 routes module imports repositories module ...
       |
     9 | from app.repositories.user_repo import UserRepository
       | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ LL101
       |
       = help: <fix suggestion>
"""

from __future__ import annotations

from typing import Iterable

import click

from layerlint.diagnostics import Diagnostic
from layerlint.output.common import fix_message
from layerlint.output.text import format_line
from layerlint.sources import SourceLines

TAB = 4


def _block(d: Diagnostic, sources: SourceLines, color: bool) -> list[str]:
    out = [format_line(d, color)]
    source = sources.line(d.path, d.line)
    gutter = len(str(d.line))
    bar = click.style("|", fg="blue", bold=True) if color else "|"
    pad = " " * (gutter + 1)
    if source:
        start = len(source[: max(d.col - 1, 0)].expandtabs(TAB))
        end_col = d.end_col if d.end_line == d.line else len(source) + 1
        end = len(source[: max(end_col - 1, 0)].expandtabs(TAB))
        shown = source.expandtabs(TAB)
        width = max(end - start, 1)
        carets = "^" * width + " " + d.code
        if color:
            carets = click.style(carets, fg="red", bold=True)
        number = click.style(str(d.line), fg="blue", bold=True) if color else str(d.line)
        out += [f"{pad}{bar}", f"{number} {bar} {shown.rstrip()}", f"{pad}{bar} {' ' * start}{carets}", f"{pad}{bar}"]
    help_text = fix_message(d)
    if help_text:
        label = click.style("help", bold=True) if color else "help"
        out.append(f"{pad}= {label}: {help_text}")
    return out


def render(diagnostics: Iterable[Diagnostic], sources: SourceLines, *, color: bool = False) -> str:
    blocks = ["\n".join(_block(d, sources, color)) + "\n" for d in diagnostics]
    return "\n".join(blocks) + ("\n" if blocks else "")

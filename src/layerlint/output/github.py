"""``github``: GitHub Actions workflow commands, shown as annotations on the pull
request's diff::

    ::error title=layerlint (LL101),file=app/routes/admin.py,line=9,col=1,endLine=9,endColumn=54::LL101 routes ...

Paths are relative to ``$GITHUB_WORKSPACE`` (the repository root) when set, else
to the working folder. Property and message values are escaped as the runner
expects (``%``, CR, LF; plus ``:`` and ``,`` in properties).
"""

from __future__ import annotations

import os
from typing import Iterable

from layerlint.diagnostics import Diagnostic
from layerlint.output.common import relative_to


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_line(d: Diagnostic, base: str | None = None) -> str:
    path = relative_to(d.path, base or os.environ.get("GITHUB_WORKSPACE"))
    props = [
        ("title", f"layerlint ({d.code})"),
        ("file", path),
        ("line", str(d.line)),
        ("col", str(d.col)),
        ("endLine", str(max(d.end_line, d.line))),
        ("endColumn", str(d.end_col)),
    ]
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::error {joined}::{escape_data(f'{d.code} {d.message}')}"


def render(diagnostics: Iterable[Diagnostic], sources: object = None, *, color: bool = False) -> str:
    return "".join(format_line(d) + "\n" for d in diagnostics)

"""``os.path.abspath`` without the work when the path already is one.

Each linted file's path is made absolute several times (settings, module name, display,
cache key); on Python before 3.12 ``normpath`` is written in Python, and those calls added
up to about 2% of a run. The CLI makes each path absolute once; the rest come here.
"""

from __future__ import annotations

import os


def folder_above(folder: str, levels: int) -> str:
    """The folder ``levels`` folders up from ``folder`` (``folder`` itself for 0 or less)."""
    for _ in range(levels):
        folder = os.path.dirname(folder)
    return folder


def absolute(path: str | os.PathLike[str]) -> str:
    """``os.path.abspath(path)``: returned as it is when already absolute and normal."""
    text = os.fspath(path)
    # no "." or ".." component, no doubled or trailing separator: normpath would return it
    if (
        os.sep == "/"
        and text.startswith("/")
        and "/." not in text
        and "//" not in text
        and not text.endswith("/")
    ):
        return text
    return os.path.abspath(text)

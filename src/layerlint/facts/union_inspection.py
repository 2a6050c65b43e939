"""Does the project's own code tell ``Optional[X]`` from ``X | None`` at run time?

A safe LL501/LL502 fix in an annotation changes what ``inspect.signature``,
``typing.get_type_hints`` or a Pydantic field's ``annotation`` give: a
``types.UnionType`` instead of a ``typing.Union``. Pydantic, FastAPI and SQLAlchemy read
both alike; code that tests ``get_origin(t) is Union`` (or ``t.__origin__ is Union``)
does not (letta builds its tools' JSON schemas so). Where a file of the project does
that and never names ``UnionType`` (which code handling both forms names), the fixes
in annotations are unsafe.

The project's files are read once per process, as text (``project.project_scan_folders``:
its ``pyproject.toml`` folder, or else the working folder holding the file, or else the
top package with the files beside it and a ``tests`` folder there);
hidden folders, virtual environments and ``node_modules`` skipped, and past 50,000
files the reading stops (then nothing is presumed: the fixes keep their safety).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from layerlint.external import clear_too
from layerlint.project import project_python_files, project_scan_folders

# `get_origin(t) is Union`, `getattr(t, "__origin__", None) is typing.Union`, `t.__origin__ == Union`
_TEST_RE = re.compile(rb"(?:get_origin\(|__origin__)[^\n]{0,80}?(?:\bis|==)[ \t]+(?:typing\.|t\.|typing_extensions\.)?Union\b")
_MAX_FILES = 50_000


def project_inspects_unions(path: str, module_root: Path | None) -> bool:
    """Does a file of the project holding ``path`` test for ``typing.Union`` by origin,
    without naming ``UnionType``?"""
    return _inspects(project_scan_folders(os.path.abspath(path), module_root))


@lru_cache(maxsize=64)
def _inspects(folders: tuple[tuple[str, bool], ...]) -> bool:
    for read, path in enumerate(project_python_files(folders), 1):
        if read > _MAX_FILES:
            return False
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        if (b"get_origin(" in data or b"__origin__" in data) and b"UnionType" not in data and _TEST_RE.search(data):
            return True
    return False


clear_too(_inspects.cache_clear)

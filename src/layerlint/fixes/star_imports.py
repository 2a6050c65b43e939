"""Which project files another project file star-imports (``from app.common import *``).

A fix that leaves an import unused removes it; but a module without ``__all__`` exports
every public name it binds, imports included, to a module that star-imports it, which
may use ``Optional`` without importing it: removing the import there would raise a
``NameError`` at import time in the other module. So, before removing an import, the
fixer asks whether the project star-imports the file being fixed.

The project is read once per process, as text (never run): every ``.py`` file under its
``pyproject.toml`` folder; without one, under the working folder when the file is
inside it, or else the top package's files, the files beside that package and those of
a ``tests`` (or ``test``) folder there (for a module of no package: the files of its
folder); hidden folders, virtual environments and ``node_modules`` skipped. A star
import names the file it reads by path, not by module name (which depends on
``sys.path``): ``from .common import *`` the ``common`` beside the importing file, and
``from app.common import *`` any file whose path ends with ``app/common.py`` (or
``app/common/__init__.py``). Past 50,000 files the reading stops, and every file counts
as star-imported: its imports stay.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

from layerlint.external import clear_too
from layerlint.project import project_python_files

_STAR_IMPORT_RE = re.compile(rb"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t(]*\*", re.MULTILINE)


def star_imported(path: str, folders: tuple[tuple[str, bool], ...]) -> bool:
    """Does a ``.py`` file in ``folders`` ((folder, recursive) pairs) star-import the file
    ``path`` (absolute)?"""
    stem = path[: -len("/__init__.py")] if path.endswith(os.sep + "__init__.py") else path[: -len(".py")]
    found = _star_imports(folders)
    if found is None:
        return True  # (too many files to read: as if it were)
    relative, absolute = found
    if stem in relative:
        return True
    parts = stem.split(os.sep)
    return any(".".join(parts[-size:]) in absolute for size in range(1, len(parts)))


@lru_cache(maxsize=16)
def _star_imports(folders: tuple[tuple[str, bool], ...]) -> tuple[frozenset[str], frozenset[str]] | None:
    """(the paths, without ``.py``, that relative star imports name; the dotted names that
    absolute ones name) in the ``.py`` files of ``folders``; None past :data:`MAX_FILES`
    files (a working folder far above any project)."""
    relative: set[str] = set()
    absolute: set[str] = set()
    for read, path in enumerate(project_python_files(folders), 1):
        if read > MAX_FILES:
            return None
        _read_star_imports(path, relative, absolute)
    return frozenset(relative), frozenset(absolute)


MAX_FILES = 50_000


def _read_star_imports(path: str, relative: set[str], absolute: set[str]) -> None:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return
    if b"*" not in data:
        return
    for match in _STAR_IMPORT_RE.finditer(data):
        dots, module = len(match.group(1)), match.group(2).decode("ascii", "replace")
        if not dots:
            if module:
                absolute.add(module)
            continue
        base = os.path.dirname(path)
        for _ in range(dots - 1):
            base = os.path.dirname(base)
        relative.add(os.path.join(base, *module.split(".")) if module else base)


clear_too(_star_imports.cache_clear)

"""Which project files another project file star-imports (``from app.common import *``),
and which names other project files import from a file by name (``from app.orm import
declarative_base``, the orm module's own import of it from SQLAlchemy).

A fix that leaves an import unused removes it; but a module without ``__all__`` exports
every public name it binds, imports included, to a module that star-imports it, which
may use ``Optional`` without importing it: removing the import there would raise a
``NameError`` at import time in the other module. So, before removing an import, the
fixer asks whether the project star-imports the file being fixed.

The project is read once per process, as text (never run; projecttext.py). A star
import names the file it reads by path, not by module name (which depends on
``sys.path``): ``from .common import *`` the ``common`` beside the importing file, and
``from app.common import *`` any file whose path ends with ``app/common.py`` (or
``app/common/__init__.py``). Past 50,000 files the reading stops, and every file counts
as star-imported: its imports stay.

A name another module imports from the file by name stays bound too, whatever
``__all__`` says. Those imports are read only when a fix would remove an import (once per
process, the project's files read as text with a pattern: no parse), and only from
modules that are not the libraries the fixes remove names of.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

from layerlint.external import clear_too
from layerlint.project import project_python_files
from layerlint.projecttext import MAX_FILES, project_text

# `from <dots><module> import <names>`, the names in parentheses or continued by backslashes
_FROM_IMPORT_RE = re.compile(
    rb"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]*(\([^)]*\)|(?:[^\n\\]|\\[\s\S])*)", re.MULTILINE
)
_COMMENT_RE = re.compile(rb"#[^\n]*")
# where the names the fixes remove come from: importing them from there says nothing of a project file
_LIBRARIES = frozenset({"typing", "typing_extensions", "pydantic", "sqlalchemy", "sqlmodel", "__future__"})


def star_imported(path: str, folders: tuple[tuple[str, bool], ...]) -> bool:
    """Does a ``.py`` file in ``folders`` ((folder, recursive) pairs) star-import the file
    ``path`` (absolute)?"""
    stem = path[: -len("/__init__.py")] if path.endswith(os.sep + "__init__.py") else path[: -len(".py")]
    found = project_text(folders)
    if found is None:
        return True  # (too many files to read: as if it were)
    if stem in found.star_imported_paths:
        return True
    parts = stem.split(os.sep)
    return any(".".join(parts[-size:]) in found.star_imported_modules for size in range(1, len(parts)))


def names_imported_from(path: str, folders: tuple[tuple[str, bool], ...]) -> frozenset[str] | None:
    """The names ``.py`` files in ``folders`` import by name from the file ``path``
    (absolute), matched by path as star imports are; None past :data:`MAX_FILES` files
    (any may be)."""
    found = _named_imports(folders)
    if found is None:
        return None
    by_path, by_module = found
    stem = path[: -len("/__init__.py")] if path.endswith(os.sep + "__init__.py") else path[: -len(".py")]
    names = set(by_path.get(stem, ()))
    parts = stem.split(os.sep)
    for size in range(1, len(parts)):
        names.update(by_module.get(".".join(parts[-size:]), ()))
    return frozenset(names)


@lru_cache(maxsize=16)
def _named_imports(
    folders: tuple[tuple[str, bool], ...],
) -> tuple[dict[str, set[str]], dict[str, set[str]]] | None:
    """(path without ``.py`` -> names imported from it by relative imports, module -> names
    imported from it by absolute ones)."""
    by_path: dict[str, set[str]] = {}
    by_module: dict[str, set[str]] = {}
    for read, path in enumerate(project_python_files(folders), 1):
        if read > MAX_FILES:
            return None
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        for match in _FROM_IMPORT_RE.finditer(data):
            dots, module = len(match.group(1)), match.group(2).decode("ascii", "replace")
            if not dots and module.partition(".")[0] in _LIBRARIES:
                continue
            names = {
                item.split()[0].decode("ascii", "replace")
                for item in _COMMENT_RE.sub(b"", match.group(3)).strip(b"()").replace(b"\\", b" ").split(b",")
                if item.split()
            }
            if dots:
                base = os.path.dirname(path)
                for _ in range(dots - 1):
                    base = os.path.dirname(base)
                by_path.setdefault(os.path.join(base, *module.split(".")) if module else base, set()).update(names)
            elif module:
                by_module.setdefault(module, set()).update(names)
    return by_path, by_module


clear_too(_named_imports.cache_clear)

"""Which project modules another project module star-imports (``from app.common import *``).

A fix that leaves an import unused removes it; but a module without ``__all__`` exports
every public name it binds, imports included, to a module that star-imports it, which
may use ``Optional`` without importing it: removing the import there would raise a
``NameError`` at import time in the other module. So, before removing an import, the
fixer asks whether the project star-imports the module being fixed.

The project is read once per process, as text (never run): every ``.py`` file under its
``pyproject.toml`` folder; without one, its top package's files, the files beside that
package and those of a ``tests`` (or ``test``) folder there (for a module of no
package: the files of its folder); hidden folders, virtual environments and
``node_modules`` skipped.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

from layerlint.external import clear_too
from layerlint.project import module_name

_STAR_IMPORT_RE = re.compile(rb"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t(]*\*", re.MULTILINE)
_SKIPPED = frozenset({"node_modules", "site-packages", "__pycache__", "venv", "env"})


def star_imported(module: str, folders: tuple[tuple[str, bool], ...], module_root: Path | None) -> bool:
    """Does a ``.py`` file in ``folders`` ((folder, recursive) pairs) star-import ``module``
    (its names given from ``module_root``, as the rules give them)?"""
    return module in _star_imported_modules(folders, module_root)


@lru_cache(maxsize=16)
def _star_imported_modules(folders: tuple[tuple[str, bool], ...], module_root: Path | None) -> frozenset[str]:
    found: set[str] = set()
    for top, recursive in folders:
        for folder, subfolders, files in os.walk(top):
            if not recursive:
                subfolders.clear()
            subfolders[:] = [
                name for name in subfolders
                if not name.startswith(".") and name not in _SKIPPED
                and not os.path.isfile(os.path.join(folder, name, "pyvenv.cfg"))
            ]
            for name in files:
                if name.endswith(".py"):
                    found.update(_star_imports_of(os.path.join(folder, name), module_root))
    return frozenset(found)


def _star_imports_of(path: str, module_root: Path | None) -> list[str]:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return []
    if b"*" not in data:
        return []
    targets = (
        _absolute(match.group(1).decode(), match.group(2).decode("ascii", "replace"), path, module_root)
        for match in _STAR_IMPORT_RE.finditer(data)
    )
    return [target for target in targets if target]


def _absolute(dots: str, module: str, path: str, module_root: Path | None) -> str | None:
    """The module ``from <dots><module> import *`` in the file ``path`` names."""
    if not dots:
        return module or None
    own, is_package = module_name(path, module_root)
    parts = own.split(".") if own else []
    package = parts if is_package else parts[:-1]
    if len(dots) - 1 > len(package):
        return None
    base = package[: len(package) - (len(dots) - 1)]
    return ".".join(base + ([module] if module else [])) or None


clear_too(_star_imported_modules.cache_clear)

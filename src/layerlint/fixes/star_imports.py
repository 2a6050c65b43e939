"""Which project files another project file star-imports (``from app.common import *``).

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
"""

from __future__ import annotations

import os

from layerlint.projecttext import project_text


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

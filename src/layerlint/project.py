"""Where a file sits: its project root, settings, dotted module name and package.

A file's project root is the folder of the nearest ``pyproject.toml``; its module
name is its path relative to that root, or to the deepest source folder holding it
(``Settings.sources``: ``src`` in the settings, else those the build configuration
declares), with a leading ``src/`` dropped unless ``src`` is a package itself (or,
with no pyproject, the chain of folders holding ``__init__.py``).
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from layerlint.config import Settings, load_settings
from layerlint.external import clear_too, outer_folders, package_chain, package_span
from layerlint.pathnames import absolute as absolute_path
from layerlint.pathnames import folder_above

PY_SUFFIXES = (".py", ".pyi")
STDLIB_NAMES = frozenset(sys.stdlib_module_names)


@lru_cache(maxsize=16384)
def _nearest_holding(folder: str, names: tuple[str, ...]) -> Path | None:
    """The nearest folder at or above ``folder`` holding a file of ``names``, memoized
    folder by folder so a tree walk checks each folder once."""
    if any(os.path.isfile(os.path.join(folder, name)) for name in names):
        return Path(folder)
    parent = os.path.dirname(folder)
    if parent == folder:
        return None
    return _nearest_holding(parent, names)


def _root_for_dir(folder: str) -> Path | None:
    """The nearest folder at or above ``folder`` holding a pyproject.toml (config.find_project_root)."""
    return _nearest_holding(folder, ("pyproject.toml",))


def project_root(path: str | os.PathLike[str]) -> Path | None:
    return _root_for_dir(os.path.dirname(absolute_path(path)))


def _metadata_dir(folder: str) -> Path | None:
    """The nearest folder at or above ``folder`` holding a setup.cfg or setup.py (for a
    project without pyproject.toml: its ``python_requires`` gives the target version)."""
    return _nearest_holding(folder, ("setup.cfg", "setup.py"))


@lru_cache(maxsize=256)
def _settings_for(root: Path | None, config_file: Path | None, metadata: Path | None, cwd: str | None) -> Settings:
    return load_settings(root, config_file, metadata, Path(cwd) if cwd is not None else None)


def settings_for(path: str | os.PathLike[str], config_file: Path | None = None) -> Settings:
    """Settings of the project holding ``path`` (``config_file`` overrides the root's
    settings, not the root: relative paths in it start from the working folder)."""
    cwd = os.getcwd() if config_file is not None else None
    return _settings_for_dir(os.path.dirname(absolute_path(path)), config_file, cwd)


@lru_cache(maxsize=16384)
def _settings_for_dir(folder: str, config_file: Path | None, cwd: str | None) -> Settings:
    root = _root_for_dir(folder)
    return _settings_for(root, config_file, None if root is not None else _metadata_dir(folder), cwd)


def forget_settings() -> None:
    """Read the settings and project roots again (a long-lived process whose files changed;
    tests that run the CLI several times in one process)."""
    for cached in (_settings_for, _settings_for_dir, _nearest_holding):
        cached.cache_clear()


def module_name(path: str | os.PathLike[str], root: Path | None) -> tuple[str, bool]:
    """(dotted module name, is_package) for a file path."""
    folder, name = os.path.split(absolute_path(path))
    parts = [*_folder_module_parts(folder, root), name]
    last = name
    for suffix in PY_SUFFIXES:
        if last.endswith(suffix):
            last = last[: -len(suffix)]
            break
    parts[-1] = last
    is_package = last == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join(p for p in parts if p), is_package


@lru_cache(maxsize=4096)
def _folder_module_parts(folder: str, root: Path | None) -> tuple[str, ...]:
    """The dotted-name parts of the modules in ``folder`` (a leading ``src`` dropped, unless
    ``src`` is itself a package: ``from src.models import Base``)."""
    below = folder_parts(folder, root)
    if below is None:
        return _package_chain(folder)
    if below[:1] == ("src",) and root is not None and not os.path.isfile(os.path.join(root, "src", "__init__.py")):
        return below[1:]
    return below


clear_too(_folder_module_parts.cache_clear)  # (the __init__.py chain is read from the disk)


@lru_cache(maxsize=4096)
def folder_parts(folder: str, root: Path | None) -> tuple[str, ...] | None:
    """The parts of an absolute folder below ``root``; None when there is no root or the
    folder is not below it (the module name then comes from the ``__init__.py`` chain,
    a fact about other files)."""
    if root is None:
        return None
    try:
        return Path(folder).relative_to(root).parts
    except ValueError:
        return None


def _package_chain(folder: str) -> tuple[str, ...]:
    return package_chain(folder)


@lru_cache(maxsize=1024)
def first_party_names(root: Path | None, folder: str) -> frozenset[str]:
    """Top-level names that belong to the project: packages and modules at the root
    (and under ``src/``; not an Alembic script folder), and the top package holding
    ``folder`` (with a root, also the outermost folder holding an ``__init__.py`` above
    it: external.package_span); with no root, the packages and modules beside that top
    package too (``ckanext/`` beside ``ckan/``: the folder above the top package stands for the root),
    and when that top package is a namespace package (no ``__init__.py``), the packages in
    it (``service_a/app/`` beside ``shared/``: ``from app.db import ...``, run from there),
    and the packages of the folders above (:func:`external.outer_folders`); with neither a
    root nor a package, the packages and modules beside the file and those above."""
    names: set[str] = set()
    if root is not None:
        for base in (root, root / "src"):
            names.update(_entry_names(base, packages_only=False))
        # the outermost package holding the file (`app` of `services/user_service/app/`,
        # imported by that name where a namespace package above it is read into the chain)
        span = package_span(folder, str(root))
        if span:
            names.add(os.path.basename(folder_above(folder, span - 1)))
    chain = _package_chain(folder)
    if chain:
        names.add(chain[0])
        if root is None:
            top = folder_above(folder, len(chain) - 1)
            names.update(_entry_names(Path(os.path.dirname(top)), packages_only=True))
            if not os.path.isfile(os.path.join(top, "__init__.py")):
                names.update(_entry_names(Path(top), packages_only=True))
            names.update(_outer_packages(os.path.dirname(top)))
    elif root is None:  # (`main.py` beside `app/`: run from there, its folder is on the path)
        names.update(_entry_names(Path(folder), packages_only=True))
        names.update(_outer_packages(folder))
    return frozenset(names)


def _outer_packages(folder: str) -> set[str]:
    """The packages of the folders above ``folder`` (:func:`external.outer_folders`), the
    standard library's names aside (Python finds its own first)."""
    return {
        name for outer in outer_folders(folder) for name in _entry_names(Path(outer), packages_only=True)
        if is_package(outer, name) and name not in STDLIB_NAMES
    }


def is_package(folder: str, name: str) -> bool:
    """Is ``name`` a package (a folder with an ``__init__.py``) in ``folder``?"""
    return os.path.isfile(os.path.join(folder, name, "__init__.py"))


def _entry_names(base: Path, *, packages_only: bool) -> set[str]:
    """The importable names of the folders (packages only, or any) and modules in ``base``,
    Alembic script folders aside."""
    try:
        entries = list(os.scandir(base))
    except OSError:
        return set()
    names: set[str] = set()
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        if entry.is_dir() and name.isidentifier():
            if packages_only and not os.path.isfile(os.path.join(entry.path, "__init__.py")):
                continue
            if not is_alembic_script_folder(entry.path):
                names.add(name)
        elif name.endswith(".py") and name[:-3].isidentifier():
            names.add(name[:-3])
    return names


def project_scan_folders(
    path: str, module_root: Path | None, *, working_folder: bool = True
) -> tuple[tuple[str, bool], ...]:
    """The folders ((folder, recursive) pairs) whose ``.py`` files are the project of the
    file ``path`` (absolute), for a fact read from all of them as text: its
    ``pyproject.toml`` folder; without one, the nearest folder holding a ``setup.py``,
    ``setup.cfg`` or ``requirements.txt`` (a project's other packages beside this one),
    at or below the working folder; without one, the working folder when it holds the
    file (unless ``working_folder`` is false: a check run from far above the project
    would read everything there); else the files beside the top package, that package's
    and those of a ``tests`` (or ``test``) folder there (for a module of no package: the
    files of its folder)."""
    own, is_package = module_name(path, module_root)
    depth = len(own.split(".")) - (0 if is_package else 1) if own else 0
    above = os.path.dirname(path)
    for _ in range(depth):
        above = os.path.dirname(above)  # the folder above the top package
    cwd = os.getcwd()
    project = project_root(path)
    if project is None:
        # (one at or below the working folder: a stray ~/requirements.txt is no project's)
        project = _nearest_holding(above, _PROJECT_MARKERS)
        if project is not None and not os.path.join(str(project), "").startswith(os.path.join(cwd, "")):
            project = None
    if project is not None and (above + os.sep).startswith(os.path.join(str(project), "")):
        return ((str(project), True),)  # (tests/ beside src/ too)
    if working_folder and path.startswith(os.path.join(cwd, "")):
        return ((cwd, True),)  # (module names may be cut short: folders without __init__.py)
    trees = ((own.split(".")[0],) if depth else ()) + ("tests", "test")
    return ((above, False),) + tuple(
        (os.path.join(above, name), True) for name in trees if os.path.isdir(os.path.join(above, name))
    )


# what marks a project's folder without a pyproject.toml
_PROJECT_MARKERS = ("setup.py", "setup.cfg", "requirements.txt")

_SCAN_SKIPPED = frozenset({"node_modules", "site-packages", "__pycache__", "venv", "env"})


def project_python_files(folders: tuple[tuple[str, bool], ...]) -> Iterator[str]:
    """The ``.py`` files of ``folders`` ((folder, recursive) pairs, as
    :func:`project_scan_folders` gives them): hidden folders, virtual environments and
    ``node_modules`` skipped."""
    for top, recursive in folders:
        for folder, subfolders, files in os.walk(top):
            if not recursive:
                subfolders.clear()
            subfolders[:] = [
                name for name in subfolders
                if not name.startswith(".") and name not in _SCAN_SKIPPED
                and not os.path.isfile(os.path.join(folder, name, "pyvenv.cfg"))
            ]
            for name in files:
                if name.endswith(".py"):
                    yield os.path.join(folder, name)


def is_alembic_script_folder(path: str) -> bool:
    """An Alembic script folder (``env.py`` beside ``versions/``) that is no package: its
    name (``alembic``, after ``alembic init alembic``) is not the project's, and
    ``from alembic import op`` there is the library (a namespace folder loses to it)."""
    return (
        os.path.isfile(os.path.join(path, "env.py"))
        and os.path.isdir(os.path.join(path, "versions"))
        and not os.path.isfile(os.path.join(path, "__init__.py"))
    )


def is_migration_path(path: str | os.PathLike[str]) -> bool:
    """A file under ``*/versions/`` beside an Alembic ``env.py``."""
    folder = os.path.dirname(absolute_path(path))
    if os.path.basename(folder) != "versions":
        return False
    return os.path.isfile(os.path.join(os.path.dirname(folder), "env.py"))

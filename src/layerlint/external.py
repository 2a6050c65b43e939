"""Facts from outside the file being linted, recorded so the cache can re-check them.

A file's findings are cached (cache.py) under its bytes, the settings and the
tool's version; but some findings also depend on other files: whether
``app/repositories`` is a package of this project, whether ``pkg/name.py``
exists, whether an Alembic ``env.py`` sits beside a ``versions/`` folder. Every
such fact is read through a named provider here, with
``ctx.external(kind, *args)``, which returns the value and records
``(kind, args, value)`` on the file's result. A cached result is reused only if
every recorded fact still has the same value.

To add a cross-file fact (say, "classes known to be models" from another
module), write a provider::

    @provider("model_classes")
    def _model_classes(module: str) -> list[str]: ...

Providers take and return plain JSON values (str, int, bool, None, lists);
they may memoize for the length of one process (a run assumes the tree does not
change under it); call :func:`clear` to forget.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any, Callable

_PROVIDERS: dict[str, Callable[..., Any]] = {}


def provider(kind: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        cached = functools.lru_cache(maxsize=65536)(func)
        _PROVIDERS[kind] = cached
        return cached

    return register


def lookup(kind: str, *args: Any) -> Any:
    return _PROVIDERS[kind](*args)


def still_true(facts: list[list[Any]]) -> bool:
    """Do recorded ``[kind, args, value]`` facts still hold? Unknown kinds do not."""
    try:
        for kind, args, value in facts:
            func = _PROVIDERS.get(kind)
            if func is None or jsonable(func(*args)) != value:
                return False
    except Exception:  # noqa: BLE001 - a malformed record is a miss, never an error
        return False
    return True


def clear() -> None:
    for func in _PROVIDERS.values():
        func.cache_clear()  # type: ignore[attr-defined]
    _chain.cache_clear()
    _holds_package.cache_clear()
    for forget in _CLEAR_TOO:
        forget()


# other per-run memos of facts about other files (e.g. parsed modules), cleared with the providers
_CLEAR_TOO: list[Callable[[], None]] = []


def jsonable(value: Any) -> Any:
    """The JSON form a value is recorded and compared in."""
    if isinstance(value, (frozenset, set)):
        return sorted(jsonable(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


# -- the providers --------------------------------------------------------------


@provider("first_party")
def first_party(root: str | None, folder: str) -> frozenset[str]:
    """Top-level names of the project (see project.first_party_names)."""
    from layerlint.project import first_party_names

    return first_party_names(Path(root) if root is not None else None, folder)


@provider("module_file")
def module_file(base: str) -> bool:
    """Is ``base`` (a path without suffix) a module ``base.py`` or a package folder?"""
    return os.path.isfile(base + ".py") or os.path.isdir(base)


@provider("isfile")
def isfile(path: str) -> bool:
    return os.path.isfile(path)


@provider("file_digest")
def file_digest(path: str) -> str | None:
    """Digest of the bytes of a file another file's findings were computed from
    (hashing it again on a warm run is much cheaper than parsing it again)."""
    import hashlib

    try:
        with open(path, "rb") as fh:
            return hashlib.sha256(fh.read()).hexdigest()[:32]
    except OSError:
        return None


@provider("reexport")
def reexport(path: str, module: str, name: str) -> str | None:
    """What the project module ``module`` (its file ``path``) re-exports as ``name``: the
    fully qualified name of its only top-level binding, an import; else None (reexports.py)."""
    from layerlint.reexports import reexported

    return reexported(path, module, name)


@provider("binds_value")
def binds_value(path: str, name: str) -> bool:
    """Does the module file ``path`` bind ``name`` to a value rather than a class (a string,
    number or None, a lambda, a ``def``), at any level (facts/typing.py)?"""
    from layerlint.facts.typing import binds_to_value
    from layerlint.reexports import read_source

    source = read_source(path)
    return source is not None and binds_to_value(source, name)


@provider("alembic_script_folder")
def alembic_script_folder(path: str) -> bool:
    """Is the folder an Alembic script folder that is no package (project.py)?"""
    from layerlint.project import is_alembic_script_folder

    return is_alembic_script_folder(path)


@provider("isdir")
def isdir(path: str) -> bool:
    return os.path.isdir(path)


@provider("package_chain")
def package_chain(folder: str) -> tuple[str, ...]:
    """Names of the packages that end at ``folder``, outermost first: folders with an
    ``__init__.py``, and folders without one (implicit namespace packages, by an
    importable name) inside such a package (``open_webui/routers/``, imported as
    ``open_webui.routers``) or at the top beside one, holding packages themselves
    (``ckanext/`` beside ``ckan/``, its plugins inside); () when no folder at or above
    ``folder`` is a package."""
    return _chain(folder)


@functools.lru_cache(maxsize=65536)
def _chain(folder: str) -> tuple[str, ...]:
    parent, name = os.path.split(folder)
    if not name:
        return ()
    above = _chain(parent) if parent != folder else ()
    if os.path.isfile(os.path.join(folder, "__init__.py")):
        return (*above, name)
    if not name.isidentifier():
        return ()
    if above:
        return (*above, name)
    return (name,) if _holds_package(parent) and _holds_package(folder) else ()


@provider("package_span")
def package_span(folder: str, root: str) -> int:
    """How many folders from ``folder`` up (below ``root``) reach the outermost one holding
    an ``__init__.py``, ``folder`` counted: the packages a module there sits in, folders
    without one inside them included (``app/services/integrations/`` under
    ``app/services/__init__.py``: a namespace package in a package); 0 when none does. A
    folder whose name is no identifier ends the chain (``user-service/``: not importable)."""
    span = depth = 0
    prefix = os.path.join(root, "")
    while folder.startswith(prefix):
        depth += 1
        if not os.path.basename(folder).isidentifier():
            break
        if os.path.isfile(os.path.join(folder, "__init__.py")):
            span = depth
        folder = os.path.dirname(folder)
    return span


@provider("layered_app_folder")
def layered_app_folder(folder: str) -> bool:
    """Does ``folder`` hold a folder named like a layer (``routes/``), itself or in a folder
    of its own (``api/routes/``): is it the package of a layered application? (A module
    named like one, ``models.py``, is no sign: any package may hold one.)"""
    from layerlint.layers import names_a_layer

    def layer_folders(path: str, depth: int) -> bool:
        try:
            with os.scandir(path) as scan:
                folders = [entry.name for entry in scan if entry.is_dir()]
        except OSError:
            return False
        return any(names_a_layer(name) for name in folders) or depth > 0 and any(
            name.isidentifier() and layer_folders(os.path.join(path, name), depth - 1) for name in folders
        )

    return layer_folders(folder, 1)


# files that make a folder a deployable service of its own
_SERVICE_FILES = ("Dockerfile", "Containerfile", "Procfile", "alembic.ini", "setup.py", "setup.cfg", "Pipfile")


@provider("service_folder")
def service_folder(folder: str) -> bool:
    """Does ``folder`` hold what a service deployed on its own holds: a ``Dockerfile``, its
    requirements (``requirements*.txt``, a ``Pipfile``, a lock file), ``alembic.ini``, a
    ``Procfile``, ``setup.py``/``setup.cfg``?"""
    try:
        names = os.listdir(folder)
    except OSError:
        return False
    return any(
        name.startswith(_SERVICE_FILES) or (name.startswith("requirements") and name.endswith((".txt", ".in")))
        or name.endswith(".lock")
        for name in names
    )


@provider("outer_folders")
def outer_folders(folder: str) -> tuple[str, ...]:
    """The folders above ``folder`` (the one above a file's top package, when there is no
    ``pyproject.toml``) whose packages the project's code may import too, nearest first: up
    to the repository's (a folder holding ``.git``), ten levels at most; outside a
    repository, up to two. ``user-service/app/`` or ``services/user_service/app/`` beside a
    ``shared/`` package, ``tests/api/v1/`` below the repository's ``app/``: the folder is no
    package by its name or its place, yet its code imports ``shared...`` or ``app...``, as it
    runs with the repository's folder on the path."""
    if os.path.exists(os.path.join(folder, ".git")):  # (a folder, or a submodule's file)
        return ()
    found: list[str] = []
    current = folder
    for _ in range(_REPOSITORY_LEVELS):
        parent = os.path.dirname(current)
        if parent == current:
            break
        found.append(parent)
        if os.path.exists(os.path.join(parent, ".git")):
            return tuple(found)
        current = parent
    return tuple(found[:_OUTER_LEVELS])  # (no repository found: no farther than two)


_OUTER_LEVELS = 2
_REPOSITORY_LEVELS = 10


@functools.lru_cache(maxsize=16384)
def _holds_package(folder: str) -> bool:
    """Does a folder directly hold a package (a folder with an ``__init__.py``)?"""
    try:
        with os.scandir(folder) as entries:
            return any(
                entry.is_dir() and os.path.isfile(os.path.join(entry.path, "__init__.py")) for entry in entries
            )
    except OSError:
        return False


def clear_too(forget: Callable[[], None]) -> None:
    """Have :func:`clear` also call ``forget`` (a memo of facts read from other files)."""
    _CLEAR_TOO.append(forget)

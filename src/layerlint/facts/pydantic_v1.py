"""Which classes of first-party modules are ``pydantic.v1`` models.

A class imported from a schemas-layer module is presumed a (v2) Pydantic model
(facts/pydantic.py). A project still on the ``pydantic.v1`` shim breaks that
presumption: its models have no ``model_dump()``, so v2 advice (and a fix) on
them is wrong. The module a class comes from is therefore read (parsed, never
run) to see whether the class is built on ``pydantic.v1``, following its bases,
re-exports (``from .alert import Event``) and star imports into other project
modules, a few hops at most. Each module read is recorded as a cross-file fact,
so a cached result is dropped when that module changes.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache

from layerlint.context import FileContext
from layerlint.external import clear_too as external_clear_too

_MAX_HOPS = 6  # re-exports and base classes followed from module to module


def is_pydantic_v1(qualified: str) -> bool:
    return qualified == "pydantic.v1" or qualified.startswith("pydantic.v1.")


def is_v1_class(module: str, name: str, ctx: FileContext) -> bool:
    """Is ``module.name``, a class of a project module, built on ``pydantic.v1``?"""
    return _find(module, name, ctx, 0) is True


@dataclass(frozen=True)
class _Module:
    bases: dict[str, tuple[str, ...]]  # top-level class -> its bases, fully qualified
    imports: dict[str, str]  # top-level imported name -> fully qualified
    stars: tuple[str, ...]  # the modules of `from module import *`


def _find(module: str, name: str, ctx: FileContext, hops: int) -> bool | None:
    """True: a ``pydantic.v1`` class; False: a class here, not built on it; None: not
    known here (not a project module, not defined or imported in it, too far)."""
    if hops > _MAX_HOPS:
        return None
    path = ctx.module_source_path(module)
    if path is None or ctx.external("file_digest", path) is None:
        return None
    read = _read(path, module)
    if read is None:
        return None
    if name in read.bases:
        return any(is_pydantic_v1(base) or _found_elsewhere(base, ctx, hops) for base in read.bases[name])
    if name in read.imports:
        qualified = read.imports[name]
        return True if is_pydantic_v1(qualified) else _found_elsewhere(qualified, ctx, hops)
    for star in read.stars:
        found = _find(star, name, ctx, hops + 1)
        if found is not None:
            return found
    return None


def _found_elsewhere(qualified: str, ctx: FileContext, hops: int) -> bool | None:
    module, _, name = qualified.rpartition(".")
    return _find(module, name, ctx, hops + 1) if module else None


@lru_cache(maxsize=1024)
def _read(path: str, module: str) -> _Module | None:
    """The classes, imports and star imports at the top level of a module's file."""
    try:
        with open(path, "rb") as handle:
            tree = ast.parse(handle.read(), filename=path)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
    imports: dict[str, str] = {}
    stars: list[str] = []
    classes: list[ast.ClassDef] = []
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                top = alias.name.partition(".")[0]
                imports[alias.asname or top] = alias.name if alias.asname else top
        elif isinstance(stmt, ast.ImportFrom):
            source = _absolute(stmt, package)
            for alias in stmt.names if source else ():
                if alias.name == "*":
                    stars.append(source)
                else:
                    imports[alias.asname or alias.name] = f"{source}.{alias.name}"
        elif isinstance(stmt, ast.ClassDef):
            classes.append(stmt)
    local = {node.name: f"{module}.{node.name}" for node in classes}
    bases: dict[str, tuple[str, ...]] = {}
    for node in classes:
        resolved = (_qualified(base, imports, local) for base in node.bases)
        bases[node.name] = tuple(name for name in resolved if name)
    return _Module(bases, imports, tuple(stars))


def _absolute(stmt: ast.ImportFrom, package: str) -> str | None:
    """The module a ``from ... import`` reads from, relative ones resolved against ``package``."""
    if not stmt.level:
        return stmt.module
    parts = package.split(".") if package else []
    if stmt.level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (stmt.level - 1)]
    return ".".join(base + ([stmt.module] if stmt.module else [])) or None


def _qualified(node: ast.expr, imports: dict[str, str], local: dict[str, str]) -> str | None:
    """``pydantic.v1.BaseModel`` for ``v1.BaseModel`` after ``from pydantic import v1``."""
    if isinstance(node, ast.Subscript):  # ``GenericModel[T]``
        node = node.value
    attrs: list[str] = []
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    head = imports.get(node.id) or local.get(node.id)
    return ".".join([head, *reversed(attrs)]) if head else None


external_clear_too(_read.cache_clear)

"""Facts about the classes of other project modules, read (parsed, never run) from them.

A class imported from a schemas-layer module is presumed a (v2) Pydantic model
(facts/pydantic.py), and what it defines itself is unknown. Its module is read to
know better, following its bases, re-exports (``from .alert import Event``) and
star imports into other project modules, a few hops at most:

- a project still on the ``pydantic.v1`` shim breaks the presumption: its models
  have no ``model_dump()``, so v2 advice (and a fix) on them is wrong
  (:func:`is_v1_class`);
- a class that defines ``json()`` or ``dict()`` itself (returning a dict, say) is
  no v1 call to rename (:func:`class_defines`).

Each module read is recorded as a cross-file fact, so a cached result is dropped
when that module changes.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from layerlint.context import FileContext
from layerlint.external import clear_too as external_clear_too

_MAX_HOPS = 6  # re-exports and base classes followed from module to module


def is_pydantic_v1(qualified: str) -> bool:
    return qualified == "pydantic.v1" or qualified.startswith("pydantic.v1.")


def is_v1_class(module: str, name: str, ctx: FileContext) -> bool:
    """Is ``module.name``, a class of a project module, built on ``pydantic.v1``?"""
    return _find(module, name, ctx, 0) is True


def class_defines(qualified: str, ctx: FileContext) -> frozenset[str]:
    """The names a project class (``app.schemas.item.Item``) defines in its own body or
    in those of its project bases; empty when not known."""
    module, _, name = qualified.rpartition(".")
    if not module:
        return frozenset()
    return ctx.memo(("project_classes.defines", qualified), lambda: _defines(module, name, ctx, 0) or frozenset())


@dataclass(frozen=True)
class _Module:
    bases: dict[str, tuple[str, ...]]  # top-level class -> its bases, fully qualified
    own: dict[str, frozenset[str]]  # top-level class -> the names its body defines
    imports: dict[str, str]  # top-level imported name -> fully qualified
    stars: tuple[str, ...]  # the modules of `from module import *`


def _defines(module: str, name: str, ctx: FileContext, hops: int) -> frozenset[str] | None:
    """None: not known here (as :func:`_find`)."""
    read = _module(module, ctx, hops)
    if read is None:
        return None
    if name in read.bases:
        names = set(read.own[name])
        for base in read.bases[name]:
            base_module, _, base_name = base.rpartition(".")
            names |= (_defines(base_module, base_name, ctx, hops + 1) if base_module else None) or frozenset()
        return frozenset(names)
    if name in read.imports:
        target_module, _, target = read.imports[name].rpartition(".")
        return _defines(target_module, target, ctx, hops + 1) if target_module else None
    for star in read.stars:
        found = _defines(star, name, ctx, hops + 1)
        if found is not None:
            return found
    return None


def _module(module: str, ctx: FileContext, hops: int) -> _Module | None:
    """The module's top level, read from its file (recorded for the cache); None when it is
    not a project module, cannot be read, or is too many hops away."""
    if hops > _MAX_HOPS:
        return None
    path = ctx.module_source_path(module)
    if path is None or ctx.external("file_digest", path) is None:
        return None
    return _read(path, module)


def _find(module: str, name: str, ctx: FileContext, hops: int) -> bool | None:
    """True: a ``pydantic.v1`` class; False: a class here, not built on it; None: not
    known here (not a project module, not defined or imported in it, too far)."""
    read = _module(module, ctx, hops)
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
    own: dict[str, frozenset[str]] = {}
    for node in classes:
        resolved = (_qualified(base, imports, local) for base in node.bases)
        bases[node.name] = tuple(name for name in resolved if name)
        own[node.name] = frozenset(class_own_names(node))
    return _Module(bases, own, imports, tuple(stars))


def class_own_names(node: ast.ClassDef) -> set[str]:
    """The names a class body defines: methods, nested classes, assigned and annotated names."""
    names: set[str] = set()
    for stmt in module_level_statements(node.body):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(stmt.name)
        elif isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    names.add(target.id)
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            names.add(stmt.target.id)
    return names


def module_level_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements that run at module level, looking into if/try/with blocks."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.If, ast.Try, ast.With, ast.AsyncWith, ast.For, ast.While)) or (
            type(stmt).__name__ == "TryStar"
        ):
            for name in ("body", "orelse", "finalbody"):
                yield from module_level_statements(getattr(stmt, name, []))
            for handler in getattr(stmt, "handlers", []):
                yield from module_level_statements(handler.body)


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

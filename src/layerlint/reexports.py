"""Names a project module re-exports: bound at its top level by an import and nothing else.

``app/sqlkit.py`` holding ``from sqlalchemy import select`` makes ``app.sqlkit.select``
another name of ``sqlalchemy.select``; :meth:`FileContext.resolve_reexported
<layerlint.context.FileContext.resolve_reexported>` follows it (through the ``reexport`` provider
of external.py, so a cached result is dropped when the module changes). The module is
parsed, never imported, once per process.

A name counts as re-exported only when every top-level binding of it is the same
import, directly in the module body or in the body of a ``try:``. An ``except
ImportError:`` handler may rebind it to ``None`` or to a stub ``def``/``class``: that
is the "not installed" case, which the linted code cannot run in anyway. An alias
(``Column = sql.Column``, directly in the module body, where ``sql`` is such an import)
is that import's name too. Any other binding (another assignment, a ``def``, a second,
different import, one under ``if`` such as ``if TYPE_CHECKING:``, a ``global`` in a
function, a ``del``) leaves the name unknown.

A star import makes every name the module binds unknown; a name it does not bind comes
from the star import when there is exactly one, directly in the module body
(``app/common/sql/__init__.py`` holding ``from app.common.sql.core import *``: its
``Column`` is ``app.common.sql.core.Column``, followed from there), and the module
defines no ``__getattr__``.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from typing import NamedTuple

from layerlint.external import clear_too as external_clear_too
from layerlint.facts.fallbacks import catches_import_error
from layerlint.facts.project_classes import absolute_module
from layerlint.facts.typing import dotted_text
from layerlint.parse import parse_quietly
from layerlint.spelling import line_heads

_OTHER = ""  # a binding that is not an import (or not the plain kind)
_FALLBACK = None  # `name = None` / a stub in an `except ImportError:` handler


def reexported(path: str, module: str, name: str) -> str | None:
    """The fully qualified name ``name`` is imported as at the top level of the module
    ``module`` (its file ``path``), when that import is its only binding there (or it
    comes from the module's one star import); else None."""
    source = read_source(path)
    if source is None:
        return None
    spelled = name.encode()
    if spelled not in source:
        if _STAR_RE.search(source) is None:
            return None
    elif _rebound(source, spelled):
        return None
    names = _import_only_names(path, module)
    if name in names.bound:
        return names.imported.get(name)
    return f"{names.star}.{name}" if names.star else None


def _rebound(source: bytes, name: bytes) -> bool:
    """Does a line start with a ``class``/``def`` of ``name`` or an assignment to it other
    than an alias (a top-level binding other than an import)? A cheap look that spares
    parsing the module for most names (a class or function of the project)."""
    for head, end in line_heads(source, name):
        if head:
            if head[:1] not in b" \t" and head.split() in _DEFINING_WORDS:
                return True
        elif _ASSIGNED.match(source, end) and not _ALIASED.match(source, end):
            return True
    return False


_ASSIGNED = re.compile(rb"[ \t]*(?:=(?!=)|:)")
_ALIASED = re.compile(rb"[ \t]*=[ \t]*[A-Za-z_]\w*(?:[ \t]*\.[ \t]*[A-Za-z_]\w*)*[ \t]*(?:#[^\r\n]*)?(?:\r?\n|\r|$)")
_STAR_RE = re.compile(rb"\bimport[ \t(]*\*")
_DEFINING_WORDS = ([b"def"], [b"class"], [b"async", b"def"])


@lru_cache(maxsize=256)
def read_source(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


class _ModuleNames(NamedTuple):
    imported: dict[str, str]  # name -> what it re-exports
    bound: frozenset[str]  # every name the module binds at its top level
    star: str | None  # the module its one star import reads, if that is all it has


class _Alias(str):
    """A top-level ``name = dotted.name`` binding: the dotted name, resolved at the end."""


_STAR = "*"  # the key of star imports among the bindings


@lru_cache(maxsize=1024)
def _import_only_names(path: str, module: str) -> _ModuleNames:
    source = read_source(path)
    try:
        tree = parse_quietly(source or b"", filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return _ModuleNames({}, frozenset(), None)
    package = module if path.endswith("__init__.py") else module.rpartition(".")[0]
    bindings: dict[str, list[str | None]] = {}
    # (without `:=`, only a statement's targets can bind: its expressions need no walk)
    _scan(tree.body, package, bindings, b":=" in (source or b""), top=True)
    if _GLOBAL_RE.search(source or b""):
        for node in ast.walk(tree):
            if isinstance(node, ast.Global):
                for name in node.names:
                    bindings.setdefault(name, []).append(_OTHER)
    stars = bindings.pop(_STAR, None)
    out: dict[str, str] = {}
    aliases: dict[str, str] = {}
    if not stars:  # (a star import: any name the module binds may be rebound)
        for name, found in bindings.items():
            targets = {target for target in found if target is not _FALLBACK}
            if len(targets) == 1 and _OTHER not in targets:
                target = targets.pop()
                if isinstance(target, _Alias):
                    aliases[name] = target
                else:
                    out[name] = target  # type: ignore[assignment]
    for name, dotted in aliases.items():
        head, dot, rest = dotted.partition(".")
        if head in out:
            out[name] = out[head] + dot + rest
    star = stars[0] if stars and len(stars) == 1 and "__getattr__" not in bindings else None
    return _ModuleNames(out, frozenset(bindings), star or None)


def _scan(
    body: list[ast.stmt], package: str, bindings: dict[str, list[str | None]], walrus: bool, top: bool = False
) -> None:
    """Record each top-level binding of ``body``: an import's target, an alias directly in
    the module body (``top``), or :data:`_OTHER`; a star import under :data:`_STAR` (the
    module it reads when directly in the module body and absolute, else :data:`_OTHER`)."""
    for stmt in body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            for local, target in _import_bindings(stmt, package):
                if local == _STAR:
                    star = target[:-2] if top and target else _OTHER
                    bindings.setdefault(_STAR, []).append(star)
                else:
                    bindings.setdefault(local, []).append(target)
        elif (
            top
            and isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and (dotted := dotted_text(stmt.value)) is not None
        ):
            bindings.setdefault(stmt.targets[0].id, []).append(_Alias(dotted))
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            _scan(stmt.body, package, bindings, walrus)  # type: ignore[attr-defined]
            for handler in stmt.handlers:  # type: ignore[attr-defined]
                fallback = catches_import_error(handler)
                for inner in handler.body:
                    stub = _stub_name(inner) if fallback else None
                    if stub is not None:
                        bindings.setdefault(stub, []).append(_FALLBACK)
                    else:
                        _other_bindings(inner, bindings, walrus)
                if handler.name:
                    bindings.setdefault(handler.name, []).append(_OTHER)
            for inner in [*stmt.orelse, *stmt.finalbody]:  # type: ignore[attr-defined]
                _other_bindings(inner, bindings, walrus)
        else:
            _other_bindings(stmt, bindings, walrus)


def _other_bindings(stmt: ast.stmt, bindings: dict[str, list[str | None]], walrus: bool) -> None:
    """Record every name ``stmt`` binds in the module scope as :data:`_OTHER` (function and
    class bodies aside; a star import under :data:`_STAR`). ``walrus``: expressions may
    bind too."""
    todo: list[ast.AST] = [stmt]
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bindings.setdefault(node.name, []).append(_OTHER)
            continue  # (its body is a scope of its own)
        if isinstance(node, ast.Lambda):
            continue
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                bindings.setdefault(alias.asname or alias.name.partition(".")[0], []).append(_OTHER)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bindings.setdefault(node.id, []).append(_OTHER)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bindings.setdefault(node.name, []).append(_OTHER)
        elif type(node).__name__ in ("MatchAs", "MatchStar") and getattr(node, "name", None):
            bindings.setdefault(node.name, []).append(_OTHER)  # type: ignore[attr-defined]
        elif type(node).__name__ == "MatchMapping" and getattr(node, "rest", None):
            bindings.setdefault(node.rest, []).append(_OTHER)  # type: ignore[attr-defined]
        if walrus or isinstance(node, (ast.expr, ast.pattern)):
            todo.extend(ast.iter_child_nodes(node))
        else:  # a statement (or a handler, `with` item, `case`): its targets and inner statements
            for field in _BINDING_FIELDS:
                value = getattr(node, field, None)
                if isinstance(value, list):
                    todo.extend(value)
                elif isinstance(value, ast.AST):
                    todo.append(value)


_BINDING_FIELDS = (
    "targets", "target", "optional_vars", "pattern", "items", "body", "orelse", "finalbody", "handlers", "cases",
)
_GLOBAL_RE = re.compile(rb"^[ \t]+global[ \t]", re.MULTILINE)


def _import_bindings(stmt: ast.Import | ast.ImportFrom, package: str) -> list[tuple[str, str]]:
    """(local name, fully qualified name) of each name an import binds (``*`` for a star)."""
    if isinstance(stmt, ast.Import):
        return [
            (alias.asname, alias.name) if alias.asname else (alias.name.partition(".")[0],) * 2
            for alias in stmt.names
        ]
    source = absolute_module(stmt, package)
    return [(alias.asname or alias.name, f"{source}.{alias.name}" if source else _OTHER) for alias in stmt.names]


def _stub_name(stmt: ast.stmt) -> str | None:
    """The name an ``except ImportError:`` statement rebinds to a stand-in: ``name = None``
    (also annotated), or a ``def``/``class`` of it; else None."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return stmt.name
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target, value = stmt.targets[0], stmt.value
    elif isinstance(stmt, ast.AnnAssign):
        target, value = stmt.target, stmt.value
    else:
        return None
    if isinstance(target, ast.Name) and isinstance(value, ast.Constant) and value.value is None:
        return target.id
    return None


external_clear_too(read_source.cache_clear)
external_clear_too(_import_only_names.cache_clear)

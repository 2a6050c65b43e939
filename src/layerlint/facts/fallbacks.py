"""Code for an older version of a library: the ``except ImportError:`` handlers.

``try: from sqlalchemy.orm import DeclarativeBase`` / ``except ImportError: ...``,
``try: from pydantic import field_validator`` / ``except ImportError: from pydantic
import validator``: what such a handler does runs only where the newer API is
missing, so advice to use that API is no advice there.
"""

from __future__ import annotations

import ast

from layerlint.context import FUNCTION_TYPES, FileContext
from layerlint.walk import statements

_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})


def in_import_fallback(ctx: FileContext, line: int) -> bool:
    """Is ``line`` in an ``except ImportError:`` handler: code for a version that lacks what
    the ``try`` imported (``declarative_base()`` where ``DeclarativeBase`` is missing)?"""
    return any(
        handler.lineno <= line <= (handler.end_lineno or handler.lineno) for handler in _import_fallbacks(ctx)
    )


def bound_in_import_fallback(node: ast.expr, ctx: FileContext) -> bool:
    """Is ``node`` a name an import binds in an ``except ImportError:`` handler: the old
    version's spelling of what the ``try`` binds (``from sqlalchemy import Column as
    _Column`` where ``_Column = mapped_column`` failed)? Not an import inside a function the
    handler defines: that binds the function's own name (flask-appbuilder's fallback
    ``def mapped_column(...)`` imports ``Column`` in its body)."""
    return isinstance(node, ast.Name) and node.id in ctx.memo("fallback_import_names", lambda: {
        local
        for handler in _import_fallbacks(ctx)
        for stmt in statements(handler.body, descend=_not_a_definition)
        if isinstance(stmt, (ast.Import, ast.ImportFrom))
        for local, _qualified in ctx.import_bindings(stmt)
    })


def tried_with_fallback(node: ast.Import | ast.ImportFrom, ctx: FileContext) -> bool:
    """Is ``node`` an import of a ``try`` whose ``except ImportError:`` handler (or a broader
    one: ``except Exception:``, a bare ``except:``; not ``except ModuleNotFoundError:`` alone,
    see :data:`_IMPORT_ERROR_AND_BROADER`) binds one of its names otherwise (``try:
    from pydantic import BaseSettings`` / ``except ImportError: from pydantic_settings import
    BaseSettings``, or ``GenericModel = BaseModel``): one side of a shim that runs on either
    version?"""
    return id(node) in ctx.memo("tried_with_fallback", lambda: _tried_with_fallback(ctx))


def _tried_with_fallback(ctx: FileContext) -> set[int]:
    found: set[int] = set()
    handlers = {id(handler) for handler in _catching_import_errors(ctx)}
    for stmt in ctx.all_statements:
        fallbacks = [h for h in getattr(stmt, "handlers", ()) if id(h) in handlers]
        if not fallbacks:
            continue
        rebound = {
            name
            for handler in fallbacks
            for inner in statements(handler.body, descend=_not_a_definition)
            for name in _names_bound_by(inner, ctx)
        }
        for inner in statements(stmt.body, descend=_not_a_definition):
            if isinstance(inner, (ast.Import, ast.ImportFrom)) and not rebound.isdisjoint(_names_bound_by(inner, ctx)):
                found.add(id(inner))
    return found


def in_guarded_try(node: ast.AST, ctx: FileContext) -> bool:
    """Is ``node`` in the body of a ``try`` whose handler catches a failed import (``except
    ImportError:``, or broader: ``except Exception:``, a bare ``except:``)? Code there is
    written to survive a version that lacks what it reads (``try: Base =
    pydantic.BaseSettings`` / ``except Exception: Base = pydantic.BaseModel``)."""
    line = getattr(node, "lineno", 0)
    return any(
        stmt.body[0].lineno <= line <= (stmt.body[-1].end_lineno or stmt.body[-1].lineno)
        for stmt in ctx.memo("guarded_tries", lambda: _guarded_tries(ctx))
    )


def _guarded_tries(ctx: FileContext) -> list[ast.stmt]:
    handlers = {id(handler) for handler in _catching_import_errors(ctx)}
    return [
        stmt for stmt in ctx.all_statements
        if any(id(h) in handlers for h in getattr(stmt, "handlers", ())) and stmt.body  # type: ignore[attr-defined]
    ]


def _catching_import_errors(ctx: FileContext) -> list[ast.ExceptHandler]:
    """The handlers that catch a failed import: ``except ImportError:`` and those broader,
    ``except Exception:``, ``except BaseException:``, a bare ``except:``."""
    return ctx.memo("handlers_of_import_errors", lambda: [
        handler
        for stmt in ctx.all_statements
        for handler in getattr(stmt, "handlers", ())
        if handler.type is None or any(
            _is_builtin(name, ctx, _IMPORT_ERROR_AND_BROADER)
            for name in (handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type])
        )
    ])


# (not ModuleNotFoundError alone: Pydantic 2 raises PydanticImportError, an ImportError, for
# the names it moved: `except ModuleNotFoundError:` lets it through)
_IMPORT_ERROR_AND_BROADER = frozenset({"ImportError", "Exception", "BaseException"})


def _is_builtin(node: ast.expr, ctx: FileContext, names: frozenset[str]) -> bool:
    if isinstance(node, ast.Name):
        return node.id in names and node.id not in ctx.imports and node.id not in ctx.top_level_names
    return (ctx.resolve(node) or "").partition("builtins.")[2] in names


def _names_bound_by(stmt: ast.stmt, ctx: FileContext) -> list[str]:
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return [local for local, _qualified in ctx.import_bindings(stmt)]
    if isinstance(stmt, (*FUNCTION_TYPES, ast.ClassDef)):
        return [stmt.name]
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
    return [target.id for target in targets if isinstance(target, ast.Name)]


def _not_a_definition(stmt: ast.stmt) -> bool:
    return not isinstance(stmt, (*FUNCTION_TYPES, ast.ClassDef))


def _import_fallbacks(ctx: FileContext) -> list[ast.ExceptHandler]:
    """Every ``except ImportError:`` (or ``ModuleNotFoundError``) handler, at any depth."""
    return ctx.memo("import_fallbacks", lambda: [
        handler
        for stmt in ctx.all_statements
        for handler in getattr(stmt, "handlers", ())  # (try and try*)
        if any(
            _is_import_error(name, ctx)
            for name in (handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type])
            if name is not None
        )
    ])


def catches_import_error(handler: ast.ExceptHandler) -> bool:
    """``except ImportError:`` / ``except (ImportError, X):`` by the builtin's bare name (for
    code read without a FileContext: another module, a module-level scan)."""
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(kind, ast.Name) and kind.id in _IMPORT_ERRORS for kind in kinds)


def _is_import_error(node: ast.expr, ctx: FileContext) -> bool:
    return _is_builtin(node, ctx, _IMPORT_ERRORS)

"""FastAPI facts: HTTPException classes, router objects, endpoints, responses."""

from __future__ import annotations

import ast

from layerlint.context import FUNCTION_TYPES, FileContext
from layerlint.walk import nodes_of

HTTP_EXCEPTIONS = frozenset({
    "fastapi.HTTPException",
    "fastapi.exceptions.HTTPException",
    "starlette.exceptions.HTTPException",
})
ROUTER_CLASSES = frozenset({
    "fastapi.FastAPI",
    "fastapi.applications.FastAPI",
    "fastapi.APIRouter",
    "fastapi.routing.APIRouter",
})
ROUTE_METHODS = frozenset({
    "get", "post", "put", "patch", "delete", "options", "head", "trace", "api_route", "websocket",
})
HTTP_PACKAGES = ("fastapi", "starlette")


def is_http_package(module: str) -> bool:
    return module.partition(".")[0] in HTTP_PACKAGES


def _local_http_exceptions(ctx: FileContext) -> frozenset[str]:
    """Classes of this module that subclass HTTPException, transitively."""
    classes = nodes_of(ctx.tree, ast.ClassDef)
    known: set[str] = set()
    changed = True
    while changed:
        changed = False
        for cls in classes:
            if cls.name in known:
                continue
            for base in cls.bases:
                if ctx.resolve(base) in HTTP_EXCEPTIONS or (isinstance(base, ast.Name) and base.id in known):
                    known.add(cls.name)
                    changed = True
                    break
    return frozenset(known)


def local_http_exceptions(ctx: FileContext) -> frozenset[str]:
    if not ctx.mentions("HTTPException"):
        return frozenset()
    return ctx.memo("fastapi.local_http_exceptions", lambda: _local_http_exceptions(ctx))


def http_exception_name(expr: ast.AST | None, ctx: FileContext) -> str | None:
    """The HTTPException class a ``raise`` raises (``raise X`` or ``raise X(...)``), else None."""
    if isinstance(expr, ast.Call):
        expr = expr.func
    if expr is None:
        return None
    name = ctx.resolve(expr)
    if name in HTTP_EXCEPTIONS:
        return name
    if isinstance(expr, ast.Name) and expr.id not in ctx.imports and expr.id in local_http_exceptions(ctx):
        return expr.id
    return None


def _router_names(ctx: FileContext) -> frozenset[str]:
    names: set[str] = set()
    for stmt in nodes_of(ctx.tree, ast.Assign, ast.AnnAssign):
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, ast.Call):
            if ctx.resolve(stmt.value.func) in ROUTER_CLASSES:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                names.update(t.id for t in targets if isinstance(t, ast.Name))
    # a router imported from a routes module (``from .base import router``)
    for local, qualified in ctx.imports.items():
        module = qualified.rpartition(".")[0]
        if module and ctx.layer_of(module) == "routes" and local not in names:
            last = qualified.rpartition(".")[2]
            if last in ("router", "app", "api_router") or last.endswith("_router"):
                names.add(local)
    return frozenset(names)


def router_names(ctx: FileContext) -> frozenset[str]:
    return ctx.memo("fastapi.router_names", lambda: _router_names(ctx))


def endpoint_decorator(func: ast.AST, ctx: FileContext) -> ast.Call | None:
    """The ``@router.<method>(...)`` call that makes ``func`` an endpoint, else None."""
    if not isinstance(func, FUNCTION_TYPES):
        return None
    for decorator in func.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr in ROUTE_METHODS
            and isinstance(decorator.func.value, ast.Name)
            and decorator.func.value.id in router_names(ctx)
        ):
            return decorator
    return None


def enclosing_endpoint(ctx: FileContext) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The innermost enclosing function that is an endpoint, during the walk."""
    for scope in reversed(ctx.scopes):
        if isinstance(scope, FUNCTION_TYPES) and endpoint_decorator(scope, ctx) is not None:
            return scope
    return None


def is_response_class(name: str | None) -> bool:
    """``fastapi.responses.JSONResponse``, ``starlette.responses.Response``, ``fastapi.Response`` ..."""
    return bool(name) and is_http_package(name) and name.rpartition(".")[2].endswith("Response")

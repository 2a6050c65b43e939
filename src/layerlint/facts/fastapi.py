"""FastAPI facts: HTTPException classes, router objects, endpoints, responses."""

from __future__ import annotations

import ast
import http
import re
from typing import Callable

from layerlint.context import FUNCTION_TYPES, FileContext
from layerlint.external import provider
from layerlint.facts.names import name_index, resolve_in
from layerlint.facts.project_classes import (
    UNKNOWN_BASE,
    AssignedValue,
    ClassAttributes,
    aliased_name,
    class_attributes,
    class_own_names,
    function_returns_call_of,
    instance_class,
    module_level_statements,
    outside_bases,
    parsed_annotation,
    project_class_bases,
    provided_class,
    statement_attributes,
    takes_arguments_of,
)
from layerlint.facts.pydantic import locally_rebound
from layerlint.facts.sessions import classes_by_name, imports_settled, qualified_here, top_level_binding_counts
from layerlint.facts.typing import ANNOTATED_NAMES, flat_union, is_none_constant
from layerlint.spelling import line_numbers, names_text
from layerlint.walk import Lines, nodes_of, statements, statements_on

HTTP_EXCEPTIONS = frozenset({
    "fastapi.HTTPException",
    "fastapi.exceptions.HTTPException",
    "starlette.exceptions.HTTPException",
})
# what schedules work to run after the response (LL603, LL604)
BACKGROUND_TASK = frozenset({"starlette.background.BackgroundTask", "fastapi.background.BackgroundTask"})
CREATE_TASK = frozenset({"asyncio.create_task", "asyncio.ensure_future", "asyncio.tasks.create_task"})
EVENT_LOOPS = frozenset({"asyncio.get_event_loop", "asyncio.get_running_loop"})
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
# FastAPI's parameter functions (and the classes they build): a function with a parameter
# declared by one (`q: str = Query(None)`, `Annotated[str, Query()]`) is an endpoint or a
# dependency, whose signature FastAPI evaluates when it registers it
PARAM_FUNCTIONS = frozenset(
    f"{module}.{name}"
    for module in ("fastapi", "fastapi.param_functions", "fastapi.params")
    for name in ("Body", "Query", "Path", "Header", "Cookie", "Form", "File", "Depends", "Security")
)


def is_http_package(module: str) -> bool:
    return module.partition(".")[0] in HTTP_PACKAGES


def _local_subclasses(ctx: FileContext, roots: frozenset[str]) -> frozenset[str]:
    """Classes of this module that subclass one of ``roots`` (qualified names), transitively."""
    classes = nodes_of(ctx.tree, ast.ClassDef)
    known: set[str] = set()
    changed = True
    while changed:
        changed = False
        for cls in classes:
            if cls.name in known:
                continue
            for base in cls.bases:
                if ctx.resolve(base) in roots or (isinstance(base, ast.Name) and base.id in known):
                    known.add(cls.name)
                    changed = True
                    break
    return frozenset(known)


def _local_http_exceptions(ctx: FileContext) -> frozenset[str]:
    return _local_subclasses(ctx, HTTP_EXCEPTIONS)


def local_http_exceptions(ctx: FileContext) -> frozenset[str]:
    if not ctx.mentions("HTTPException"):
        return frozenset()
    return ctx.memo_of(_local_http_exceptions)


def status_first_http_exceptions(ctx: FileContext) -> frozenset[str]:
    """The module's HTTPException subclasses that take the status first, as HTTPException
    does: one base (HTTPException, or such a class), no ``__init__`` or ``__new__`` of their
    own, no decorator (``@dataclass`` writes an ``__init__``) and no metaclass
    (``class LoginError(HTTPException): ...`` raised as ``LoginError(401, "...")``)."""
    local = local_http_exceptions(ctx)
    if not local:
        return frozenset()
    return ctx.memo("fastapi.status_first_http_exceptions", lambda: _status_first(ctx, local))


def _status_first(ctx: FileContext, local: frozenset[str]) -> frozenset[str]:
    classes = [cls for cls in nodes_of(ctx.tree, ast.ClassDef) if cls.name in local]
    counts: dict[str, int] = {}
    for cls in classes:
        counts[cls.name] = counts.get(cls.name, 0) + 1
    known: set[str] = set()
    changed = True
    while changed:
        changed = False
        for cls in classes:
            if cls.name in known or counts[cls.name] > 1 or cls.decorator_list or cls.keywords or len(cls.bases) != 1:
                continue
            if {"__init__", "__new__"} & class_own_names(cls):
                continue
            base = cls.bases[0]
            if ctx.resolve(base) in HTTP_EXCEPTIONS or (isinstance(base, ast.Name) and base.id in known):
                known.add(cls.name)
                changed = True
    return frozenset(known)


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


def raised_http_exception(expr: ast.AST | None, ctx: FileContext) -> str | None:
    """:func:`http_exception_name`, and a class of another project module that is FastAPI's
    or Starlette's ``HTTPException`` (re-exported) or derives from it: ``raise NotFound()``
    after ``from app.errors import NotFound`` where ``app/errors.py`` has ``class
    NotFound(HTTPException)`` (read, never imported; unknown bases: not one), or a class of
    this module derived from such a class."""
    name = http_exception_name(expr, ctx)
    if name is not None:
        return name
    if isinstance(expr, ast.Call):
        expr = expr.func
    if expr is None:
        return None
    if isinstance(expr, ast.Name) and expr.id not in ctx.imports:
        # (most raised names are builtins: only a class this module defines is looked at)
        if f"class {expr.id}" not in ctx.source:
            return None
        found = ctx.memo(("fastapi.local_http_class", expr.id), lambda: _local_http_class(expr.id, ctx))
        return expr.id if found else None
    return _project_http_exception(expr, ctx)


def _project_http_exception(expr: ast.expr, ctx: FileContext) -> str | None:
    """The qualified name of a class of another project module that is (or derives from) an
    HTTPException, or ``HTTPException`` itself re-exported by one; else None."""
    qualified = ctx.resolve(expr)
    return _project_http_class(qualified, ctx) if qualified is not None else None


def _project_http_class(qualified: str, ctx: FileContext, hops: int = 0) -> str | None:
    """:func:`_project_http_exception` of a qualified name."""
    if not ctx.is_first_party(qualified):
        return None
    target = ctx.through_reexports(qualified)
    if target in HTTP_EXCEPTIONS:
        return target
    # only a class statement of a project module, or another name for one (`Missing =
    # NotFound`): not a name bound some other way (a guarded `except ImportError:` fallback,
    # another assignment), which through_reexports leaves as it is
    bases = project_class_bases(qualified, ctx)
    if bases is None:
        aliased = aliased_name(target, ctx) if hops < 4 else None
        if aliased is None:
            return None
        if aliased in HTTP_EXCEPTIONS:  # `HTTPError = HTTPException`
            return aliased
        return qualified if _project_http_class(aliased, ctx, hops + 1) is not None else None
    return qualified if bases & HTTP_EXCEPTIONS else None


def project_http_exception(func: ast.expr, ctx: FileContext) -> tuple[str, bool] | None:
    """(the class, does it take the status first as HTTPException does) when ``func`` names a
    class of another project module derived from an HTTPException (read there: ``from
    app.errors import NotRegistered``), or a class of this module derived from such a class
    (its status first: not known); None otherwise."""
    found = raised_http_exception(func, ctx)
    if found is None or found in HTTP_EXCEPTIONS:
        return None
    return found, "." in found and takes_arguments_of(found, HTTP_EXCEPTIONS, ctx)


def raised_helper_http_exception(expr: ast.AST | None, ctx: FileContext) -> str | None:
    """The HTTPException class that ``raise f(...)`` raises when ``f`` is a function that
    returns one: annotated ``-> HTTPException`` (or a project subclass of it), or whose body
    is only ``return HTTPException(...)``. ``f`` is a plain ``def`` at the top level of this
    module, bound by nothing else and not shadowed where the ``raise`` is, or a top-level
    function of another project module (read, never imported; re-exports followed, and for
    the body form one of no parameters). Else None: a method, a lambda, a value, a
    function returning something else or whose return is not known."""
    if not isinstance(expr, ast.Call):
        return None
    func = expr.func
    if isinstance(func, ast.Name) and func.id not in ctx.imports:
        if f"def {func.id}" not in ctx.source or locally_rebound(func.id, ctx):
            return None
        helper = _module_functions(ctx).get(func.id)
        return _local_helper_http_class(helper, ctx) if helper is not None else None
    qualified = ctx.resolve(func)
    if qualified is None or not ctx.is_first_party(qualified):
        return None
    for returned in (provided_class(qualified, ctx), function_returns_call_of(qualified, ctx)):
        if returned is not None:
            found = returned if returned in HTTP_EXCEPTIONS else _project_http_class(returned, ctx)
            if found is not None:
                return found
    return None


def _local_helper_http_class(helper: ast.FunctionDef, ctx: FileContext) -> str | None:
    if helper.returns is not None:
        returns = helper.returns
        if isinstance(returns, ast.Name) and returns.id not in ctx.imports:
            found = ctx.memo(("fastapi.local_http_class", returns.id), lambda: _local_http_class(returns.id, ctx))
            return returns.id if found else None
        qualified = ctx.resolve(returns)
        if qualified is None:
            return None
        return qualified if qualified in HTTP_EXCEPTIONS else _project_http_class(qualified, ctx)
    body = helper.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # (a docstring)
    if len(body) == 1 and isinstance(body[0], ast.Return) and isinstance(body[0].value, ast.Call):
        return raised_http_exception(body[0].value, ctx)
    return None


def _module_functions(ctx: FileContext) -> dict[str, ast.FunctionDef]:
    """The plain ``def`` functions of the module's top level (also in if/try blocks) whose
    name nothing else there binds, by name."""
    return ctx.memo("fastapi.module_functions", lambda: _find_module_functions(ctx))


def _find_module_functions(ctx: FileContext) -> dict[str, ast.FunctionDef]:
    counts = top_level_binding_counts(ctx)
    return {
        stmt.name: stmt for stmt in module_level_statements(ctx.tree.body)
        if isinstance(stmt, ast.FunctionDef) and counts.get(stmt.name) == 1
    }


def _local_http_class(name: str, ctx: FileContext) -> bool:
    """Is ``name`` a class of this module derived, at any depth, from an HTTPException (or
    from a class of another project module that is one: ``class OrderGone(NotFound)`` after
    ``from app.errors import NotFound``)? Only its own chain of bases is followed."""
    return _local_class_derives(
        name, ctx, lambda base: http_exception_name(base, ctx) is not None or _project_http_exception(base, ctx) is not None
    )


def _local_class_derives(name: str, ctx: FileContext, outside: Callable[[ast.expr], bool]) -> bool:
    """Does the class ``name`` of this module have, at any depth through classes of the
    module, a base that is no class of the module and for which ``outside(base)`` holds?"""
    classes = classes_by_name(ctx)
    seen = {name}
    pending = [name]  # (a loop, not a recursive closure: that would be a cycle holding ctx)
    while pending:
        for cls in classes.get(pending.pop(), ()):
            for base in cls.bases:
                if isinstance(base, ast.Name) and base.id not in ctx.imports and base.id in classes:
                    if base.id not in seen:
                        seen.add(base.id)
                        pending.append(base.id)
                elif outside(base):
                    return True
    return False


def _router_like(name: str) -> bool:
    """The last part of an imported router's name: ``router``, ``app``, ``api_router``, ``*_router``."""
    return name in ("router", "app", "api_router") or name.endswith("_router")


def _router_names(ctx: FileContext) -> frozenset[str]:
    names = {name for stmt in router_assignments(ctx) for name in assigned_names(stmt)} | _router_parameters(ctx)
    # a router imported from a routes module (``from .base import router``): the import
    # spells ``router`` or the word ``app`` (a cheap scan that spares most files the import
    # table), and the name is tested before its layer
    source = ctx.source
    if "router" in source or _APP_WORD_RE.search(source) is not None:
        names.update(local for local in ctx.imports if local not in names and imports_routes_router(local, ctx))
    if "@" in source:  # (`@api.post(...)` on `from app.routes.base import api`, whatever it is named)
        heads = set(_DECORATOR_HEAD_RE.findall(source)) - names
        imports = ctx.imports
        names.update(head for head in heads if head in imports and imports_routes_router(head, ctx))
    return frozenset(names)


# the name a decorator reads an attribute of (`@api.post(...)`: `api`)
_DECORATOR_HEAD_RE = re.compile(r"@[ \t]*([A-Za-z_]\w*)\.")


def imports_routes_router(local: str, ctx: FileContext) -> bool:
    """Does the import table bind ``local`` to a router of a routes module (``from .base import router``)?"""
    return routes_module_router(ctx.imports.get(local, ""), ctx)


def routes_module_router(qualified: str, ctx: FileContext) -> bool:
    """Is ``qualified`` the router of a routes module: a name spelled like one (``router``,
    ``app``) there, not an instance of a class known to be no router (``app =
    Blueprint(...)``, read in that module), or any name that module binds to a router
    (``api = APIRouter(prefix="/api")``)?"""
    module, _, last = qualified.rpartition(".")
    if not (module and ctx.layer_of(module) == "routes"):
        return False
    if not _router_like(last):  # (`api = APIRouter(...)` there: a router by what it is, not its name)
        cls = instance_class(qualified, ctx)
        return cls is not None and (cls in ROUTER_CLASSES or _project_router_class(cls, ctx))
    cls = instance_class(qualified, ctx)
    return cls is None or cls in ROUTER_CLASSES or _project_router_class(cls, ctx)


# an annotation spelling a router class (`router: APIRouter`, `app: "fastapi.FastAPI"`,
# `app: Annotated[FastAPI, ...]`, `router: FastAPI | APIRouter`)
_ROUTER_ANNOTATION_RE = re.compile(r":[ \t]*[\"']?[\w.\[| \t,]*(?:APIRouter|FastAPI)\b")


def _router_parameters(ctx: FileContext) -> set[str]:
    """Parameters annotated with a router class (``def attach_routes(router: APIRouter):``,
    whose body declares the endpoints). By name, as the module's routers are: a function
    whose parameter shadows another name is not told apart."""
    # (the pattern spells a router class: a file that spells none, known already, skips its search)
    if not ctx.mentions("fastapi") or not spells_router_class(ctx) or _ROUTER_ANNOTATION_RE.search(ctx.source) is None:
        return set()
    names = set()
    for func in nodes_of(ctx.tree, *FUNCTION_TYPES):
        args = func.args  # type: ignore[attr-defined]
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
            if arg.annotation is not None and router_annotation(arg.annotation, ctx):
                names.add(arg.arg)
    return names


def router_annotation(annotation: ast.expr, ctx: FileContext) -> bool:
    """Does the annotation say a router class: ``APIRouter``, ``Annotated[FastAPI, ...]``, or a
    union of them (``FastAPI | APIRouter``, ``Optional[APIRouter]``), also quoted
    (``app: "fastapi.FastAPI"``)?"""
    if isinstance(annotation, ast.Constant):
        parsed = parsed_annotation(annotation)
        return parsed is not None and not isinstance(parsed, ast.Constant) and router_annotation(parsed, ctx)
    if isinstance(annotation, ast.Subscript) and ctx.resolve(annotation.value) in ANNOTATED_NAMES:
        inner = annotation.slice
        first = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
        return router_annotation(first, ctx)
    members = [m for m in flat_union([annotation], ctx.resolve) if not is_none_constant(m)]
    if members == [annotation]:
        return not isinstance(annotation, ast.Subscript) and ctx.resolve(annotation) in ROUTER_CLASSES
    return bool(members) and all(router_annotation(member, ctx) for member in members)


_APP_WORD_RE = re.compile(r"app(?!\w)")  # a literal start: the regex engine scans for it fast


def router_names(ctx: FileContext) -> frozenset[str]:
    return ctx.memo_of(_router_names)


def may_have_endpoints(ctx: FileContext) -> bool:
    """Gate of the rules that act only inside endpoints: the file has a router, and an
    ``@`` or a registration by call (an endpoint is decorated, or registered with
    ``router.add_api_route(...)`` or ``router.get(...)(handler)``; half the files have no
    decorator at all, and these are cheaper to look for than a router)."""
    return (ctx.mentions("@") or _may_register_by_call(ctx)) and (
        bool(router_names(ctx)) or bool(attribute_routes(ctx))
    )


def _may_register_by_call(ctx: FileContext) -> bool:
    return ctx.mentions("add_api_route", ")(")


def is_route_decorator(decorator: ast.expr, ctx: FileContext) -> bool:
    """``@<router>.<method>(...)``: on a router name (:func:`router_names`), or on a router
    held as an attribute of a project object (:func:`attribute_routes`)."""
    if not (
        isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and decorator.func.attr in ROUTE_METHODS
    ):
        return False
    receiver = decorator.func.value
    if isinstance(receiver, ast.Name):
        return is_router_name(receiver.id, ctx)
    return isinstance(receiver, ast.Attribute) and id(decorator) in attribute_routes(ctx)


def is_router_name(name: str, ctx: FileContext) -> bool:
    """Is ``name``, at the current point of the walk, a router (:func:`router_names`)? Not
    where a function around it has a parameter of that name annotated with another class
    (``def mount(router: MockRouter)`` beside ``def mount_api(router: APIRouter)``: the
    module's router names are by name)."""
    if name not in router_names(ctx):
        return False
    for scope in reversed(ctx.scopes):
        if isinstance(scope, FUNCTION_TYPES):
            args = scope.args
            for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
                if arg.arg == name:
                    return arg.annotation is None or router_annotation(arg.annotation, ctx)
    return True


def endpoint_decorator(func: ast.AST, ctx: FileContext) -> ast.Call | None:
    """The ``@router.<method>(...)`` call that makes ``func`` an endpoint (or the call that
    registers it: :func:`registered_endpoints`), else None."""
    if not isinstance(func, FUNCTION_TYPES):
        return None
    for decorator in func.decorator_list:
        if is_route_decorator(decorator, ctx):
            return decorator  # type: ignore[return-value]
    registered = registered_endpoints(ctx).get(id(func))
    return registered[0] if registered else None


# -- endpoints registered by a call ------------------------------------------------------


def registration(stmt: ast.stmt) -> tuple[ast.Call, str, ast.expr] | None:
    """(the call carrying the route's keywords, the router's name, the handler) of a
    statement that registers an endpoint by a call on a name: ``router.add_api_route(path,
    handler, ...)`` (or ``endpoint=handler``), ``router.get(path, ...)(handler)``."""
    if not isinstance(stmt, ast.Expr) or not isinstance(stmt.value, ast.Call):
        return None
    call = stmt.value
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "add_api_route" and isinstance(func.value, ast.Name):
        handler = call.args[1] if len(call.args) >= 2 else keyword(call, "endpoint")
        return (call, func.value.id, handler) if handler is not None else None
    if (
        isinstance(func, ast.Call)
        and isinstance(func.func, ast.Attribute)
        and func.func.attr in ROUTE_METHODS
        and isinstance(func.func.value, ast.Name)
        and len(call.args) == 1
        and not call.keywords
    ):
        return func, func.func.value.id, call.args[0]
    return None


def registered_endpoints(ctx: FileContext) -> dict[int, list[ast.Call]]:
    """The functions of the module registered as endpoints by a call on a router name
    (:func:`registration`, :func:`router_names`), by id -> the calls carrying their
    routes' keywords (``response_model=``, ``status_code=``). The handler is a name bound
    once in the module, by a ``def`` at module level or in a function, whose scope holds
    the registration; any other handler (``self.root``, a name bound twice) is not known."""
    if not _may_register_by_call(ctx):
        return {}
    return ctx.memo_of(_find_registered_endpoints)


def _find_registered_endpoints(ctx: FileContext) -> dict[int, list[ast.Call]]:
    routers = router_names(ctx)
    if not routers:
        return {}
    found: list[tuple[ast.Call, str, int]] = []  # (route call, handler name, line)
    for stmt in statements(ctx.tree.body):
        registered = registration(stmt)
        if registered is not None and registered[1] in routers and isinstance(registered[2], ast.Name):
            found.append((registered[0], registered[2].id, stmt.lineno))
    if not found:
        return {}
    defs: dict[str, list[ast.AST]] = {}
    for stmt in statements(ctx.tree.body, descend=lambda s: not isinstance(s, ast.ClassDef)):
        if isinstance(stmt, FUNCTION_TYPES):
            defs.setdefault(stmt.name, []).append(stmt)
    index = name_index(ctx.tree)
    out: dict[int, list[ast.Call]] = {}
    for call, name, line in found:
        bindings = index.bindings.get(name, ())
        handlers = defs.get(name, ())
        if len(bindings) == 1 and len(handlers) == 1 and bindings[0].reaches(line):
            out.setdefault(id(handlers[0]), []).append(call)
    return out


def enclosing_endpoint(ctx: FileContext) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The innermost enclosing function that is an endpoint, during the walk."""
    for scope in reversed(ctx.scopes):
        if isinstance(scope, FUNCTION_TYPES) and endpoint_decorator(scope, ctx) is not None:
            return scope
    return None


def in_route_code(ctx: FileContext) -> bool:
    """During the walk: is the position inside an endpoint, or inside a handler Starlette's
    routing calls (:func:`route_handlers`)? Route code, whatever its module's folder says."""
    if enclosing_endpoint(ctx) is not None:
        return True
    handlers = route_handlers(ctx)
    return bool(handlers) and any(id(scope) in handlers for scope in ctx.scopes)


def defines_endpoints(ctx: FileContext) -> bool:
    """Does the module declare an endpoint, or a handler Starlette's routing calls? Such a
    module is route code wherever its folder puts it (a feature package named ``service``,
    piccolo-api's ``crud``): the rules of the layers below routes stay silent on what its
    endpoints do, and on its HTTP imports."""
    return ctx.memo(
        "fastapi.defines_endpoints",
        lambda: (
            may_have_endpoints(ctx)
            and any(endpoint_decorator(func, ctx) is not None for func in nodes_of(ctx.tree, *FUNCTION_TYPES))
        ) or bool(route_handlers(ctx)),
    )


def imported_route_code(module: str, ctx: FileContext) -> bool:
    """Does the first-party module ``module`` declare endpoints (:func:`defines_endpoints`,
    read there: its file parsed, never imported)? Route code whatever its name says
    (piccolo-api's ``crud/endpoints.py`` holds its REST handlers)."""
    path = ctx.module_source_path(module)
    return path is not None and bool(ctx.external("defines_route_code", path))


@provider("defines_route_code")
def module_defines_route_code(path: str) -> bool:
    import tokenize

    from layerlint.parse import parse_quietly
    from layerlint.project import settings_for

    try:
        with tokenize.open(path) as handle:  # (decoded as Python does: BOM, coding cookie)
            source = handle.read()
        tree = parse_quietly(source, filename=path)
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError, LookupError, RecursionError, MemoryError):
        return False
    ctx = FileContext(path, source, tree, settings_for(path))
    try:
        return defines_endpoints(ctx)
    finally:
        ctx.release()


# Starlette's routes (FastAPI's own take the same path and endpoint) and class-based endpoints
_ROUTE_CLASSES = frozenset({
    "starlette.routing.Route", "starlette.routing.WebSocketRoute",
    "fastapi.routing.APIRoute", "fastapi.routing.APIWebSocketRoute",
})
_ENDPOINT_CLASSES = frozenset({"starlette.endpoints.HTTPEndpoint", "starlette.endpoints.WebSocketEndpoint"})
_ADD_ROUTE = frozenset({"add_route", "add_websocket_route"})


def route_handlers(ctx: FileContext) -> frozenset[int]:
    """The functions of the module Starlette's routing calls, by id: the handler of a
    ``Route(path, handler)`` (``endpoint=``; also ``WebSocketRoute``, FastAPI's ``APIRoute``)
    or of ``<app>.add_route(path, handler)`` (``add_websocket_route``), a function of the
    module bound once by that name, or ``self.<method>`` of the class whose method makes the
    route (piccolo-api's ``Route(path="/", endpoint=self.root)``); and the methods of a
    subclass of ``HTTPEndpoint``/``WebSocketEndpoint``."""
    if not ctx.mentions("Route(", "add_route(", "add_websocket_route(", "Endpoint"):
        return frozenset()
    return ctx.memo_of(_find_route_handlers)


def _find_route_handlers(ctx: FileContext) -> frozenset[int]:
    found: set[int] = set()
    functions: dict[str, list[ast.AST]] = {}
    for func in nodes_of(ctx.tree, *FUNCTION_TYPES):
        functions.setdefault(func.name, []).append(func)  # type: ignore[attr-defined]
    for cls in nodes_of(ctx.tree, ast.ClassDef):
        methods = {stmt.name: stmt for stmt in cls.body if isinstance(stmt, FUNCTION_TYPES)}  # type: ignore[attr-defined]
        if any(ctx.resolve(base) in _ENDPOINT_CLASSES for base in cls.bases):  # type: ignore[attr-defined]
            found.update(id(method) for method in methods.values())
        for call in nodes_of(cls, ast.Call):
            handler = _route_handler(call, ctx)  # type: ignore[arg-type]
            if (
                isinstance(handler, ast.Attribute) and isinstance(handler.value, ast.Name)
                and handler.value.id == "self" and handler.attr in methods
            ):
                found.add(id(methods[handler.attr]))
    for call in nodes_of(ctx.tree, ast.Call):
        handler = _route_handler(call, ctx)  # type: ignore[arg-type]
        if isinstance(handler, ast.Name) and len(functions.get(handler.id, ())) == 1:
            found.add(id(functions[handler.id][0]))
    return frozenset(found)


def _route_handler(call: ast.Call, ctx: FileContext) -> ast.expr | None:
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in _ADD_ROUTE:
        path = call.args[0] if call.args else keyword(call, "path")
        if (
            isinstance(path, ast.Constant) and not (isinstance(path.value, str) and path.value.startswith("/"))
        ) or (path is not None and (ctx.resolve(path) or "").startswith("aiohttp.")):
            # not Starlette's, whose paths start with "/": aiohttp's `add_route("GET", handler)`,
            # `add_route(hdrs.METH_GET, handler)`
            return None
        return call.args[1] if len(call.args) >= 2 else keyword(call, "route")
    if isinstance(func, (ast.Name, ast.Attribute)) and ctx.resolve(func) in _ROUTE_CLASSES:
        return call.args[1] if len(call.args) >= 2 else keyword(call, "endpoint")
    return None


def is_response_class(name: str | None) -> bool:
    """``fastapi.responses.JSONResponse``, ``starlette.responses.Response``, ``fastapi.Response`` ..."""
    return bool(name) and is_http_package(name) and name.rpartition(".")[2].endswith("Response")


def response_subclass_call(call: ast.Call, ctx: FileContext) -> bool:
    """Is ``call`` a call of a project subclass of a FastAPI or Starlette response: a class of
    this module derived from one (through classes of the module, or of another project
    module), or a class of another project module deriving from one (read there, never
    imported): langgraph-api's ``ApiResponse(JSONResponse)``?"""
    func = call.func
    if isinstance(func, ast.Name) and func.id not in ctx.imports:
        if f"class {func.id}" not in ctx.source:
            return False  # (most called names are functions and builtins)
        return ctx.memo(
            ("fastapi.local_response_class", func.id),
            lambda: _local_class_derives(
                func.id, ctx, lambda base: is_response_class(ctx.resolve(base)) or _project_response(ctx.resolve(base), ctx)
            ),
        )
    return isinstance(func, (ast.Name, ast.Attribute)) and _project_response(ctx.resolve(func), ctx)


def _project_response(qualified: str | None, ctx: FileContext) -> bool:
    """Is ``qualified`` a class statement of another project module deriving from a response class?"""
    bases = project_class_bases(qualified, ctx) if qualified is not None else None
    return bases is not None and any(is_response_class(base) for base in bases)


def response_spellings(ctx: FileContext) -> set[str]:
    """The words that can name a response class (:func:`is_response_class`) in this file, as
    needles (found at the end of a word): ``Response``, which ends each of their names, and
    each other local name an import binds to one (``JR`` in ``from ... import JSONResponse as JR``)."""
    if not ctx.may_rename(("Response",)):
        return {"Response"}  # (each import binds its own name, which ends with `Response`)
    return {"Response"} | ctx.imported_names(is_response_class)


def _may_change_http_facts(qualified: str) -> bool:
    """Could a binding to ``qualified`` change :func:`router_names` or :func:`local_http_exceptions`?"""
    return is_http_package(qualified) or _router_like(qualified.rpartition(".")[2])


def http_facts_settled(ctx: FileContext) -> bool:
    """Before the walk: :func:`router_names` and :func:`local_http_exceptions` (memoized from
    the import table) are the same whenever they are first asked for."""
    return imports_settled(ctx, lambda _local, qualified: _may_change_http_facts(qualified))


def _find_router_assignments(ctx: FileContext) -> list[ast.Assign | ast.AnnAssign]:
    assignments = _spelled_router_assignments(ctx)
    # a project's router class may have a name of its own (`router = ShopRouter()`), which
    # neither the call nor the import spells: looked for only for the receivers of the
    # route decorators (`@router.get(`) that no router found above binds, and then for what
    # includes routers too (`app.include_router(router)`: LL602 asks whether `app` gives them
    # a default response class)
    bound = {name for stmt in assignments for name in assigned_names(stmt)}
    unbound = route_receivers(ctx) - bound
    if not unbound:
        return assignments
    if "include_router" in ctx.source:
        unbound |= _including_names(ctx.source) - bound
    candidates = [
        stmt for stmt in nodes_of(ctx.tree, ast.Assign, ast.AnnAssign) if isinstance(stmt, (ast.Assign, ast.AnnAssign))
    ]
    found = {id(stmt) for stmt in assignments}
    more = [
        stmt
        for stmt in candidates
        if id(stmt) not in found
        and isinstance(stmt.value, ast.Call)
        and not unbound.isdisjoint(assigned_names(stmt))
        and (_calls_router_subclass(stmt.value.func, ctx) or calls_router_factory(stmt.value.func, ctx))
    ]
    if not more:
        return assignments
    found.update(map(id, more))
    return [stmt for stmt in candidates if id(stmt) in found]  # (in pre-order)


# what follows the `@` of a route decorator on a plain name (`@router.get(`)
_NAME_ROUTE_RE = re.compile(r"[ \t]*(\w+)[ \t]*\.[ \t]*(?:" + "|".join(sorted(ROUTE_METHODS)) + r")[ \t]*\(")
_RECEIVER_RE = re.compile(r"(\w+)[ \t]*\.[ \t]*\Z")  # (searched in the few characters before a method's name)


def _including_names(source: str) -> set[str]:
    """The names ``include_router`` is called on in the text (``app`` of ``app.include_router(``).
    (Each occurrence is looked for literally first: a pattern starting with a name would
    try every position of the text.)"""
    names = set()
    at = source.find("include_router")
    while at != -1:
        match = _RECEIVER_RE.search(source, max(0, at - 80), at)
        if match is not None:
            names.add(names_text(match.group(1)))
        at = source.find("include_router", at + 1)
    return names


def route_receivers(ctx: FileContext) -> frozenset[str]:
    """The names route decorators are called on in the text (``router`` of ``@router.get(``)."""
    if not ctx.mentions("@"):
        return frozenset()
    return ctx.memo("fastapi.route_receivers", lambda: _route_receivers(ctx.source))


def _route_receivers(source: str) -> frozenset[str]:
    # (the few `@` found first, as a string search finds them faster than a pattern would;
    # each name as Python reads it: the whole text is not normalized for so few words)
    names = set()
    at = source.find("@")
    while at != -1:
        match = _NAME_ROUTE_RE.match(source, at + 1)
        if match is not None:
            names.add(names_text(match.group(1)))
        at = source.find("@", at + 1)
    return frozenset(names)


def _calls_router_subclass(func: ast.expr, ctx: FileContext) -> bool:
    """Is ``func`` a project class derived, through its chain of bases, from FastAPI's router
    or application: imported from a project module (re-exports followed), or a class of this
    module whose bases lead to one? Not when a base cannot be followed."""
    qualified = ctx.resolve(func)
    if qualified is not None:
        return ctx.is_first_party(qualified) and _project_router_class(qualified, ctx)
    if not isinstance(func, ast.Name) or f"class {func.id}" not in ctx.source:
        return False
    return ctx.memo(("fastapi.local_router_class", func.id), lambda: _local_router_class(func.id, ctx))


def calls_router_factory(func: ast.expr, ctx: FileContext) -> bool:
    """Is ``func`` a project function (imported, or of this module) that gives a router or
    application: annotated to return FastAPI's class or a project subclass of it (``def
    create_api_router(prefix: str) -> APIRouter``), or whose body returns a call of one
    (review 123: deepsel-cms makes every router so)? An outside package's factory is not
    read, nor what the factory passes to the router it makes."""
    qualified = qualified_here(func, ctx)
    if qualified is None or not ctx.is_first_party(qualified):
        return False
    returned = provided_class(qualified, ctx) or function_returns_call_of(qualified, ctx, lenient=True)
    return returned is not None and (returned in ROUTER_CLASSES or _project_router_class(returned, ctx))


def _local_router_class(name: str, ctx: FileContext) -> bool:
    """Is ``name`` a class of this module derived, at any depth, from FastAPI's router or
    application, or from a project class that is (``class AdminRouter(ShopRouter)`` after
    ``from app.routing import ShopRouter``)?"""
    return _local_class_derives(
        name, ctx, lambda base: ctx.resolve(base) in ROUTER_CLASSES or _calls_router_subclass(base, ctx)
    )


def _spelled_router_assignments(ctx: FileContext) -> list[ast.Assign | ast.AnnAssign]:
    """The router calls of a class whose name the file spells ``FastAPI``/``APIRouter``."""
    assignments: list[ast.Assign | ast.AnnAssign] = []
    source = ctx.source
    # such a name for a router class (an alias too, a project's subclass imported from its
    # module: `from app.routing import APIRouter`) is spelled ``FastAPI``/``APIRouter`` in an
    # import or at the call
    if not spells_router_class(ctx):
        return assignments
    lines = _router_lines(ctx)
    # `class App(FastAPI): ...` then `app = App(...)`: the call spells neither word (a class
    # statement spells one in its bases, unless an import renames it: then lines is None)
    maybe_subclass = _ROUTER_SUBCLASS_RE.search(source) if lines is not None else "class" in source
    subclasses = _local_subclasses(ctx, ROUTER_CLASSES) if maybe_subclass else frozenset()
    if subclasses:
        lines = None
    found = (
        nodes_of(ctx.tree, ast.Assign, ast.AnnAssign)
        if lines is None
        else statements_on(ctx.tree.body, Lines(ctx.line_count, lines))
    )
    for stmt in found:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, ast.Call):
            func = stmt.value.func
            qualified = ctx.resolve(func)
            if (
                qualified in ROUTER_CLASSES
                or (isinstance(func, ast.Name) and func.id in subclasses and func.id not in ctx.imports)
                or (qualified is not None and _project_router_class(qualified, ctx))
            ):
                assignments.append(stmt)
    return assignments


def spells_router_class(ctx: FileContext) -> bool:
    """Does the file spell ``APIRouter`` or ``FastAPI`` (as every router call or the import
    of its class does, but a call of a project's class of another name)?"""
    return ctx.mentions("APIRouter", "FastAPI")  # (memoized: several gates ask)


def _project_router_class(qualified: str, ctx: FileContext) -> bool:
    """A class of another project module that derives from FastAPI's router or application
    (``from polar.routing import APIRouter``, a subclass with the project's route class)."""
    module, _, name = qualified.rpartition(".")
    if not module or not name[:1].isupper() or is_http_package(qualified):
        return False
    return bool(outside_bases(qualified, ctx) & ROUTER_CLASSES)


_ROUTER_WORDS = ("FastAPI", "APIRouter")
_ROUTER_SUBCLASS_RE = re.compile(r"class\s+\w+\s*\([^)]*(?:FastAPI|APIRouter)")  # a class statement's bases


def _router_lines(ctx: FileContext) -> list[int] | None:
    """The lines (sorted) that spell ``FastAPI`` or ``APIRouter``: the statement of every
    router call spells one, unless an import renames the class (``APIRouter as R``) or lone
    CRs end lines (counting ``\\n`` would misnumber them): then None."""
    if ctx.has_lone_cr:
        return None
    words = ctx.words  # (the file's own index: needles may look for the same words)
    if words.may_rename(_ROUTER_WORDS):
        return None
    return line_numbers(words.text, sorted(at for word in _ROUTER_WORDS for at in words.occurrences(word)))



def router_assignments(ctx: FileContext) -> list[ast.Assign | ast.AnnAssign]:
    """The assignments of a ``FastAPI(...)``/``APIRouter(...)`` call (of a subclass too, of
    this module or of another project module, whatever its name) in this module, in any
    scope, in pre-order."""
    return ctx.memo_of(_find_router_assignments)


def assigned_names(stmt: ast.Assign | ast.AnnAssign) -> list[str]:
    """The plain names an assignment binds (``a = b = ...``; not unpacked or attribute targets)."""
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    return [target.id for target in targets if isinstance(target, ast.Name)]


def endpoint_decorators(func: ast.AST, ctx: FileContext) -> list[ast.Call]:
    """Every ``@router.<method>(...)`` call that makes ``func`` an endpoint, and every call
    that registers it (:func:`registered_endpoints`): a handler may have several."""
    if not isinstance(func, FUNCTION_TYPES):
        return []
    decorators = [decorator for decorator in func.decorator_list if is_route_decorator(decorator, ctx)]
    return decorators + registered_endpoints(ctx).get(id(func), [])  # type: ignore[operator]


# -- routers held as attributes of project objects (``@module.router.get(...)``) ---------

# a route decorator on an attribute of a name (`@holder.router.get(`): a literal start
_ATTRIBUTE_ROUTE_RE = re.compile(
    r"@[ \t]*\w+[ \t]*\.[ \t]*\w+[ \t]*\.[ \t]*(?:" + "|".join(sorted(ROUTE_METHODS)) + r")[ \t]*\("
)
_MAX_CLASSES = 8  # a class and its project bases, read for one attribute
# a router made with one of these may have a default response class (LL602 exempts it)
_DEFAULT_CLASS_KEYWORDS = frozenset({"default_response_class", "**"})


def attribute_routes(ctx: FileContext) -> dict[int, bool]:
    """The route decorators of the module-level functions that are on a router held as an
    attribute of a project object: ``@holder.router.get(...)``, ``holder`` a module-level
    name bound once, to a call of a project class (of this module or imported from
    another), which (or a project base of which) annotates ``router: APIRouter`` in its
    body, or assigns ``self.router`` only router calls in ``__init__`` (``APIRouter(...)``,
    or ``router or APIRouter(...)`` of a parameter ``router: APIRouter | None = None``).
    Also ``@shop.router.get(...)``, ``shop`` a routes module imported whole (no default class
    known). By id of the decorator -> may the router have a default response class? (Looked for
    only in a file whose text spells such a decorator.)"""
    return ctx.memo_of(_find_attribute_routes)


def _find_attribute_routes(ctx: FileContext) -> dict[int, bool]:
    if not ctx.mentions("@") or _ATTRIBUTE_ROUTE_RE.search(ctx.source) is None:
        return {}  # (the gates of most files: one scan of the text)
    return _calls_on_router_attributes(ctx, ROUTE_METHODS, decorators_only=True)


def attribute_registrations(ctx: FileContext) -> frozenset[int]:
    """The calls that register on a router or application held as an attribute, as
    :func:`attribute_routes` finds those: ``self.router.add_api_route(...)``,
    ``@self.app.exception_handler(500)`` in a method, ``holder.app.add_api_route(...)``
    at module level (by id)."""
    return ctx.memo_of(_find_attribute_registrations)


_REGISTRATIONS = frozenset({"add_api_route", "add_api_websocket_route", "exception_handler"})


def _find_attribute_registrations(ctx: FileContext) -> frozenset[int]:
    if not ctx.mentions("add_api_route", "exception_handler"):
        return frozenset()
    return frozenset(_calls_on_router_attributes(ctx, _REGISTRATIONS, decorators_only=False))


def _calls_on_router_attributes(ctx: FileContext, methods: frozenset[str], decorators_only: bool) -> dict[int, bool]:
    """The calls of ``methods`` on a router held as an attribute (:func:`attribute_routes`),
    as decorators of functions (and, unless ``decorators_only``, as statements of their own)
    at module level and in the methods of the module's classes."""
    decorators: list[tuple[ast.Call, str, str]] = []  # (call, instance, attribute)
    for stmt in module_level_statements(ctx.tree.body):
        for call in _calls_of(stmt, decorators_only):
            held = _route_on_attribute(call, methods)
            if held is not None:
                decorators.append((call, *held))  # type: ignore[arg-type]
    index = name_index(ctx.tree)

    def bound_once(name: str) -> bool:  # at module level (a `global` declaration counts)
        return sum(binding.scope is None for binding in index.bindings.get(name, ())) == 1

    # `@self.router.get(...)` on a function nested in a method of a class of the module
    on_self = [
        (decorator, cls, attr)
        for cls in module_level_statements(ctx.tree.body)
        if isinstance(cls, ast.ClassDef) and bound_once(cls.name)
        for decorator, attr in _self_route_decorators(cls, methods, decorators_only)
    ]
    if not decorators and not on_self:
        return {}

    # names as the module body binds them (not imports inside functions, met during the walk)
    bound: dict[str, str] = {}
    classes: dict[str, ClassAttributes] = {}  # this module's classes, by qualified name
    statements = list(module_level_statements(ctx.tree.body))
    for stmt in statements:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            bound.update(ctx.import_bindings(stmt))
    local = {stmt.name: stmt for stmt in statements if isinstance(stmt, ast.ClassDef) and bound_once(stmt.name)}
    bound = {**{name: f"{ctx.module}.{name}" for name in local}, **bound}
    for name, node in local.items():
        classes[f"{ctx.module}.{name}"] = statement_attributes(node, bound)
    instances: dict[str, ast.Call] = {}  # module-level name bound once to a call (of a class)
    for stmt in statements:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, ast.Call):
            for target in stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]:
                if isinstance(target, ast.Name) and bound_once(target.id):
                    instances[target.id] = stmt.value
    verdicts: dict[tuple[str, str], bool | None] = {}
    found: dict[int, bool] = {}
    for decorator, instance, attr in decorators:
        call = instances.get(instance)
        cls = resolve_in(call.func, bound) if call is not None else None
        if cls is None:
            # `@shop.router.get(...)`, `shop` a routes module imported (its router, as a
            # router imported by name is: no default response class known)
            module = bound.get(instance) if call is None and instance not in local else None
            if module and bound_once(instance) and routes_module_router(f"{module}.{attr}", ctx):
                found[id(decorator)] = False
            continue
        key = (instance, attr)
        if key not in verdicts:
            default_class = _router_attribute(cls, attr, classes, ctx)
            if default_class is False:  # (unless this module hands it one)
                default_class = _default_class_here(instance, attr, call, ctx)  # type: ignore[arg-type]
            verdicts[key] = default_class
        if verdicts[key] is not None:
            found[id(decorator)] = bool(verdicts[key])
    for decorator, cls_node, attr in on_self:
        default_class = _router_attribute(f"{ctx.module}.{cls_node.name}", attr, classes, ctx)
        if default_class is not None:
            found[id(decorator)] = default_class
    return found


def _self_route_decorators(
    cls: ast.ClassDef, methods: frozenset[str], decorators_only: bool
) -> list[tuple[ast.Call, str]]:
    """(decorator, attribute) of each ``@<self>.<attribute>.<method>(...)`` on a function
    nested in a method of ``cls`` (r2r declares its endpoints so, in ``_setup_routes``),
    ``<self>`` the method's first parameter (and, unless ``decorators_only``, each such call
    as a statement of its own: ``self.router.add_api_route(...)``); not in a staticmethod or
    classmethod, nor below a nested function that binds the same name as a parameter."""
    found: list[tuple[ast.Call, str]] = []
    for method in module_level_statements(cls.body):
        if not isinstance(method, FUNCTION_TYPES) or any(
            isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod") for d in method.decorator_list
        ):
            continue
        positional = method.args.posonlyargs + method.args.args
        if not positional:
            continue
        this = positional[0].arg

        def keeps_self(stmt: ast.stmt) -> bool:
            if isinstance(stmt, ast.ClassDef):
                return False
            if isinstance(stmt, FUNCTION_TYPES):
                args = stmt.args
                return this not in {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
            return True

        for stmt in statements(method.body, descend=keeps_self):
            for call in _calls_of(stmt, decorators_only):
                held = _route_on_attribute(call, methods)
                if held is not None and held[0] == this:
                    found.append((call, held[1]))  # type: ignore[arg-type]
    return found


def _calls_of(stmt: ast.stmt, decorators_only: bool) -> list[ast.expr]:
    """A function's decorators, or (unless ``decorators_only``) the call a statement of its
    own makes (``self.router.add_api_route(...)``)."""
    if isinstance(stmt, FUNCTION_TYPES):
        return stmt.decorator_list
    if not decorators_only and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        return [stmt.value]
    return []


def _route_on_attribute(call: ast.expr, methods: frozenset[str]) -> tuple[str, str] | None:
    """(name, attribute) of ``<name>.<attribute>.<method>(...)``, one of ``methods``, else None."""
    if (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr in methods
        and isinstance(call.func.value, ast.Attribute)
        and isinstance(call.func.value.value, ast.Name)
    ):
        return call.func.value.value.id, call.func.value.attr
    return None


def _default_class_here(instance: str, attr: str, call: ast.Call, ctx: FileContext) -> bool:
    """May this module give the router ``<instance>.<attr>`` a default response class: in the
    call that makes the instance (a router it passes), or including it (``include_router``)?"""
    if "default_response_class" not in ctx.source:
        return False
    if any(isinstance(node, ast.keyword) and node.arg in (None, "default_response_class") for node in ast.walk(call)):
        return True
    for node in nodes_of(ctx.tree, ast.Call):
        if (
            isinstance(node.func, ast.Attribute)
            and node.func.attr == "include_router"
            and node.args
            and isinstance(node.args[0], ast.Attribute)
            and node.args[0].attr == attr
            and isinstance(node.args[0].value, ast.Name)
            and node.args[0].value.id == instance
        ):
            return True
    return False


def _router_attribute(cls: str, attr: str, classes: dict[str, ClassAttributes], ctx: FileContext) -> bool | None:
    """Is ``attr`` of an instance of ``cls`` (qualified) a router, as the class and its project
    bases annotate or assign it? None when not known to be one, else whether a call that
    makes it may pass a default response class."""
    values: list[AssignedValue] = []
    annotations: list[str] = []
    pending, seen = [cls], set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        if len(seen) > _MAX_CLASSES:
            return None
        facts = classes.get(name) or class_attributes(name, ctx)
        if facts is None:
            module = name.rpartition(".")[0]
            if name == UNKNOWN_BASE or name == cls or ctx.module_source_path(module) is not None:
                return None  # a project class out of reach may assign it anything
            continue  # a class outside the project (a library's base)
        bases, assigned, annotated = facts
        values.extend(assigned.get(attr, ()))
        if attr in annotated:
            annotations.append(annotated[attr])
        pending.extend(bases)
    if annotations and all(_is_router_class(name, classes, ctx) for name in annotations):
        return any(_DEFAULT_CLASS_KEYWORDS & value.keywords for value in values)
    if values and all(
        value.classes and all(_is_router_class(name, classes, ctx) for name in value.classes) for value in values
    ):
        return any(_DEFAULT_CLASS_KEYWORDS & value.keywords for value in values)
    return None


def _is_router_class(qualified: str, classes: dict[str, ClassAttributes], ctx: FileContext) -> bool:
    """FastAPI's router or application, or a project class derived from one (of this module too)."""
    if qualified in ROUTER_CLASSES:
        return True
    if qualified in classes:
        return qualified.rpartition(".")[2] in _local_subclasses(ctx, ROUTER_CLASSES)
    return _project_router_class(qualified, ctx)


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


# -- HTTP status constants (``fastapi.status`` re-exports ``starlette.status``) ------------

STATUS_NAMES: dict[int, str] = {
    100: "HTTP_100_CONTINUE",
    101: "HTTP_101_SWITCHING_PROTOCOLS",
    102: "HTTP_102_PROCESSING",
    103: "HTTP_103_EARLY_HINTS",
    200: "HTTP_200_OK",
    201: "HTTP_201_CREATED",
    202: "HTTP_202_ACCEPTED",
    203: "HTTP_203_NON_AUTHORITATIVE_INFORMATION",
    204: "HTTP_204_NO_CONTENT",
    205: "HTTP_205_RESET_CONTENT",
    206: "HTTP_206_PARTIAL_CONTENT",
    207: "HTTP_207_MULTI_STATUS",
    208: "HTTP_208_ALREADY_REPORTED",
    226: "HTTP_226_IM_USED",
    300: "HTTP_300_MULTIPLE_CHOICES",
    301: "HTTP_301_MOVED_PERMANENTLY",
    302: "HTTP_302_FOUND",
    303: "HTTP_303_SEE_OTHER",
    304: "HTTP_304_NOT_MODIFIED",
    305: "HTTP_305_USE_PROXY",
    306: "HTTP_306_RESERVED",
    307: "HTTP_307_TEMPORARY_REDIRECT",
    308: "HTTP_308_PERMANENT_REDIRECT",
    400: "HTTP_400_BAD_REQUEST",
    401: "HTTP_401_UNAUTHORIZED",
    402: "HTTP_402_PAYMENT_REQUIRED",
    403: "HTTP_403_FORBIDDEN",
    404: "HTTP_404_NOT_FOUND",
    405: "HTTP_405_METHOD_NOT_ALLOWED",
    406: "HTTP_406_NOT_ACCEPTABLE",
    407: "HTTP_407_PROXY_AUTHENTICATION_REQUIRED",
    408: "HTTP_408_REQUEST_TIMEOUT",
    409: "HTTP_409_CONFLICT",
    410: "HTTP_410_GONE",
    411: "HTTP_411_LENGTH_REQUIRED",
    412: "HTTP_412_PRECONDITION_FAILED",
    413: "HTTP_413_CONTENT_TOO_LARGE",
    414: "HTTP_414_URI_TOO_LONG",
    415: "HTTP_415_UNSUPPORTED_MEDIA_TYPE",
    416: "HTTP_416_RANGE_NOT_SATISFIABLE",
    417: "HTTP_417_EXPECTATION_FAILED",
    418: "HTTP_418_IM_A_TEAPOT",
    421: "HTTP_421_MISDIRECTED_REQUEST",
    422: "HTTP_422_UNPROCESSABLE_CONTENT",
    423: "HTTP_423_LOCKED",
    424: "HTTP_424_FAILED_DEPENDENCY",
    425: "HTTP_425_TOO_EARLY",
    426: "HTTP_426_UPGRADE_REQUIRED",
    428: "HTTP_428_PRECONDITION_REQUIRED",
    429: "HTTP_429_TOO_MANY_REQUESTS",
    431: "HTTP_431_REQUEST_HEADER_FIELDS_TOO_LARGE",
    451: "HTTP_451_UNAVAILABLE_FOR_LEGAL_REASONS",
    500: "HTTP_500_INTERNAL_SERVER_ERROR",
    501: "HTTP_501_NOT_IMPLEMENTED",
    502: "HTTP_502_BAD_GATEWAY",
    503: "HTTP_503_SERVICE_UNAVAILABLE",
    504: "HTTP_504_GATEWAY_TIMEOUT",
    505: "HTTP_505_HTTP_VERSION_NOT_SUPPORTED",
    506: "HTTP_506_VARIANT_ALSO_NEGOTIATES",
    507: "HTTP_507_INSUFFICIENT_STORAGE",
    508: "HTTP_508_LOOP_DETECTED",
    510: "HTTP_510_NOT_EXTENDED",
    511: "HTTP_511_NETWORK_AUTHENTICATION_REQUIRED",
}
# Starlette 0.48 renamed four constants after RFC 9110; the old names still exist but warn.
RENAMED_STATUS_VERSION = (0, 48)
RENAMED_STATUS_NAMES: dict[int, str] = {
    413: "HTTP_413_REQUEST_ENTITY_TOO_LARGE",
    414: "HTTP_414_REQUEST_URI_TOO_LONG",
    416: "HTTP_416_REQUESTED_RANGE_NOT_SATISFIABLE",
    422: "HTTP_422_UNPROCESSABLE_ENTITY",
}
STATUS_VALUES: dict[str, int] = {name: code for code, name in STATUS_NAMES.items()} | {
    name: code for code, name in RENAMED_STATUS_NAMES.items()
}


def status_value(expr: ast.AST | None, ctx: FileContext) -> int | None:
    """The status an expression spells: an int literal, ``status.HTTP_204_NO_CONTENT`` or
    ``HTTPStatus.NO_CONTENT`` (resolved; also its ``.value``)."""
    if isinstance(expr, ast.Constant) and type(expr.value) is int:
        return expr.value
    name = ctx.resolve(expr) if expr is not None else None
    if not name:
        return None
    if is_http_package(name) and ".status." in name:
        return STATUS_VALUES.get(name.rpartition(".")[2])
    if name.startswith("http.HTTPStatus."):
        member = getattr(http.HTTPStatus, name.split(".")[2], None)
        if name.count(".") > 2 + name.endswith(".value"):
            return None  # (an attribute of the member other than its value: `.phrase`)
        return int(member) if isinstance(member, http.HTTPStatus) else None
    return None

"""LL602 missing-response-model: an endpoint with neither `response_model=` nor a return annotation.

## What it does
Flags an endpoint (a function decorated with `@<router>.get/post/put/patch/
delete/options/head/trace/api_route(...)` of a `FastAPI()`/`APIRouter()`
object, or of a subclass of them at any depth (in the module, or in another
project module, read there, re-exports followed: `from app.routing import
APIRouter`; of any name: `router = ShopRouter()` after `from app.web import
ShopRouter`, found for a name that receives a route decorator in the module
or includes such a router; a class whose bases cannot be followed is not known
to be one; or made by a project function annotated to return one, or returning
a call of one: `router = create_api_router("items")`), defined in the module, imported from a
routes module (spelled like a router, `router`, `app`, `*_router`, or, read there, bound
to a router whatever its name: `api = APIRouter(prefix="/api")`), or a parameter annotated `APIRouter`/`FastAPI` of a function that
declares its endpoints on it; or a router held as an attribute of a project
object: `@section.router.get(...)` on a module-level function, `section` a
module-level name bound once to a call of a project class (of the module or
imported from another project module) that, or a project base of which,
annotates `router: APIRouter` in its body, or assigns `self.router` only in
`__init__` and only `APIRouter(...)` or `router or APIRouter(...)` (the
parameter annotated `APIRouter | None` or unannotated with the default None);
an attribute assigned anything else, or an instance made inside a function, is
not known to be a router; also `@self.router.get(...)` on a function nested in a
method of a class of the module, `self` the method's first parameter, when the
class's `router` is one so: r2r declares its endpoints in `_setup_routes`; or the router of a
routes module imported whole, `@shop.router.get(...)` after `from app.routes import shop`) whose
decorators pass no `response_model=` (`response_model=None` counts: it is a
decision) and whose function has no return annotation. A function registered by a
call on a router name is an endpoint too, the call's keywords read as a
decorator's: `router.add_api_route(path, handler, ...)` (or `endpoint=handler`),
`router.get(path, ...)(handler)`, where the handler is a name bound once in the
module, by a `def` at module level or in a function whose body holds the
registration (`self.root`, or a name bound twice, is not known). Exempt: a decorator
with `response_class=`, a router created with `default_response_class=` (or
unpacking `**`: `FastAPI(**app_kwargs)` may pass one), a router made by a project
function (`router = create_api_router("items")`, annotated `-> APIRouter`: the router
call inside it is not read), or
included (in the same module) with one or into such a router (a router held by
an object: a call that makes it passes `default_response_class=` or unpacks
`**`, or the module passes one in the call that makes the object, or includes
the router and spells `default_response_class`), a
status 204 endpoint (`status_code=status.HTTP_204_NO_CONTENT`, `204` or
`HTTPStatus.NO_CONTENT`, also its `.value`, which has no body), a HEAD-only endpoint (`@router.head(...)`: no body either), a
decorator that unpacks `**kwargs`, and websocket endpoints. A router name (of a
decorator, of an `include_router` call) means the binding its scope sees: the
function's own, then the enclosing functions', then the module's, so another
function's local `app` is not this one's; when that binding is not a router
call, a parameter annotated as a router or (at module level) a router imported
from a routes module (`app = make_app()`), what it holds is not known: exempt
too. The finding is on the `def` line. When every `return` of the endpoint builds a response of
FastAPI or Starlette (`RedirectResponse(...)`, `FileResponse(...)`, or
`templates.TemplateResponse(...)` of a module-level `Jinja2Templates`, of this module
or imported from the project module that makes it, or of a project subclass that does
not define its own `TemplateResponse`), and
its body cannot end without a `return` or `raise` (an implicit `return None`), the
message says to annotate that class (`-> RedirectResponse`; `-> HTMLResponse`
for templates), which FastAPI takes as the response class.

## Why is this bad?
FastAPI builds the OpenAPI schema and filters the response from the response
model or the return annotation. Without either, the documented response is an
untyped object, clients cannot be generated from it, and whatever the handler
returns (an ORM object with every column, a password hash included) is
serialised as is.

## Example
```python
@router.get("/{user_id}")
async def get_user(user_id: int, session: SessionDep):
    return await UserService(session).get_user(user_id)
```

## Use instead
```python
@router.get("/{user_id}", response_model=UserResponse)
async def get_user(user_id: int, session: SessionDep) -> UserResponse:
    user = await UserService(session).get_user(user_id)
    return UserResponse.model_validate(user)
```

## Fix safety
No fix: the response schema has to be chosen.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field

from layerlint.context import FileContext
from layerlint.facts.fastapi import (
    assigned_names,
    attribute_routes,
    calls_router_factory,
    endpoint_decorators,
    imports_routes_router,
    is_response_class,
    keyword,
    may_have_endpoints,
    registration,
    router_annotation,
    router_assignments,
    status_value,
)
from layerlint.facts.project_classes import (
    UNKNOWN_BASE,
    class_facts,
    instance_class,
    module_level_statements,
    read_outside_bases,
    scope_bindings,
)
from layerlint.facts.positions import def_line_node
from layerlint.rule import Rule
from layerlint.walk import statements

NO_BODY = 204
TEMPLATE_CLASSES = frozenset({"fastapi.templating.Jinja2Templates", "starlette.templating.Jinja2Templates"})


class MissingResponseModel(Rule):
    code = "LL602"
    name = "missing-response-model"
    summary = "endpoint with neither response_model= nor a return annotation"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return may_have_endpoints(ctx)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if node.returns is not None:
            return
        decorators = endpoint_decorators(node, self.ctx)
        if not decorators or any(self._exempt(d, node) for d in decorators):
            return
        if all(d.func.attr == "head" for d in decorators):  # type: ignore[attr-defined]
            return  # a HEAD response has no body, as a 204 has none
        message = f"endpoint `{node.name}` has neither `response_model=` nor a return annotation"
        returned = self._returned_response(node)
        if returned is not None:
            message += f": it returns a response (`{returned}`): annotate `-> {returned}` (or pass `response_class=`)"
        self.report(def_line_node(node), message)

    visit_AsyncFunctionDef = visit_FunctionDef

    def _exempt(self, decorator: ast.Call, node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        func = decorator.func
        assert isinstance(func, ast.Attribute)
        if func.attr == "websocket":
            return True
        if any(kw.arg in (None, "response_model", "response_class") for kw in decorator.keywords):
            return True
        if status_value(keyword(decorator, "status_code"), self.ctx) == NO_BODY:
            return True
        if not isinstance(func.value, ast.Name):  # a router held by a project object
            return attribute_routes(self.ctx)[id(decorator)]  # (may it have a default response class?)
        if not self.ctx.scopes and decorator in node.decorator_list and self._module_router_without_default(func.value.id):
            return False  # (the common case, decided without the scan below; a registration
            # by call may sit in a function with a router of its own)
        verdicts = self.ctx.memo("fastapi.default_response_class", self._receivers_with_default_class)
        return verdicts.get(id(decorator), True)  # (one the scan did not meet: not known)

    def _module_router_without_default(self, name: str) -> bool:
        """For an endpoint defined at module level: is ``name`` bound there only by router
        calls, in a file that spells neither ``default_response_class`` nor ``global`` (so
        no router has a default class, and no function rebinds the module's name)?"""
        source = self.ctx.source
        if "default_response_class" in source or "global" in source:
            return False
        bindings = self.ctx.memo("fastapi.module_bindings", lambda: _module_bindings(self.ctx.tree))
        found = bindings.get(name)
        if not found:
            return False
        routers = {id(stmt) for stmt in router_assignments(self.ctx)}
        return all(
            id(stmt) in routers and not _may_have_default_class(stmt.value, self.ctx)  # type: ignore[arg-type]
            for stmt in found
        )

    def _returned_response(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
        """The response class every ``return`` of the endpoint builds (``RedirectResponse(...)``,
        ``templates.TemplateResponse(...)``: an ``HTMLResponse``), ``Response`` when they differ,
        or None when some return is anything else, or there is none, or the body may end
        without one (an implicit ``return None``)."""
        if _may_fall_through(node.body):
            return None
        classes: set[str] = set()
        nested = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        for stmt in statements(node.body, descend=lambda s: not isinstance(s, nested)):
            if not isinstance(stmt, ast.Return):
                continue
            value = stmt.value
            if not isinstance(value, ast.Call):
                return None
            qualified = self.ctx.resolve(value.func)
            if is_response_class(qualified):
                classes.add(qualified.rpartition(".")[2])  # type: ignore[union-attr]
            elif (
                isinstance(value.func, ast.Attribute)
                and value.func.attr == "TemplateResponse"
                and isinstance(value.func.value, ast.Name)
                and self._is_template_object(value.func.value.id)
            ):
                classes.add("HTMLResponse")
            else:
                return None
        if not classes:
            return None
        return classes.pop() if len(classes) == 1 else "Response"

    def _is_template_object(self, name: str) -> bool:
        """Is ``name`` a module-level ``Jinja2Templates`` of FastAPI or Starlette (or of a project
        subclass that keeps its ``TemplateResponse``), made in this module or imported from
        a project module that makes it there (read, never imported)?"""
        ctx = self.ctx
        if name in ctx.memo("fastapi.templates", self._template_objects):
            return True
        qualified = ctx.imports.get(name)
        if qualified is None or not ctx.is_first_party(qualified):
            return False
        made = instance_class(qualified, ctx)
        return made is not None and self._template_class(made)

    def _template_objects(self) -> frozenset[str]:
        """Module-level names bound to a ``Jinja2Templates(...)`` (or a project subclass's)."""
        names: set[str] = set()
        for stmt in self.ctx.tree.body:
            if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call):
                made = self.ctx.resolve(stmt.value.func)
                if made is not None and self._template_class(made):
                    names.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
        return frozenset(names)

    def _template_class(self, qualified: str) -> bool:
        """FastAPI's or Starlette's ``Jinja2Templates``, or a class of another project module
        deriving from it whose chain of bases is all known and defines no ``TemplateResponse``."""
        if qualified in TEMPLATE_CLASSES:
            return True
        if not self.ctx.is_first_party(qualified):
            return False
        bases = read_outside_bases(qualified, self.ctx)
        return (
            bases is not None
            and UNKNOWN_BASE not in bases
            and bool(bases & TEMPLATE_CLASSES)
            and "TemplateResponse" not in class_facts(qualified, self.ctx)[1]
        )

    def _receivers_with_default_class(self) -> dict[int, bool]:
        """By id of each ``@<name>.<method>(...)`` decorator: may the router it registers on
        give its endpoints a default response class? The name means the binding its scope
        sees (the function's own, then the enclosing functions', then the module's): a router
        made there with ``default_response_class=``, or included (``include_router``, whose
        names are resolved so too) with one or into one: yes; a router made there without
        one, a parameter annotated as a router, a router imported from a routes module: no;
        any other binding (``app = make_app()``) is not known to be a router: yes (silent)."""
        scopes = _scan_scopes(self.ctx)
        routers: dict[_Binding, bool] = {}  # a binding known to be a router -> made with a default class
        for name, chain, has_default in scopes.routers:
            binding = scopes.resolve(name, chain)
            if binding is not None:
                routers[binding] = routers.get(binding, False) or has_default
        with_default = {binding for binding, has_default in routers.items() if has_default}
        includes = [
            (scopes.resolve(parent, chain), scopes.resolve(child, chain), passes)
            for parent, child, passes, chain in scopes.includes
        ]
        changed = True
        while changed:
            changed = False
            for parent, child, passes in includes:
                if child is not None and child not in with_default and (passes or parent in with_default):
                    with_default.add(child)
                    changed = True
        verdicts: dict[int, bool] = {}
        for decorator, name, chain in scopes.receivers:
            binding = scopes.resolve(name, chain)
            verdicts[id(decorator)] = binding in with_default or binding not in routers
        return verdicts


def _module_bindings(tree: ast.Module) -> dict[str, list[ast.stmt]]:
    """Each name bound at module level -> the statements that bind it."""
    found: dict[str, list[ast.stmt]] = {}
    for stmt in module_level_statements(tree.body):
        for name in scope_bindings(stmt):
            found.setdefault(name, []).append(stmt)
    return found


def _has_default_class(call: ast.Call) -> bool:
    """Does a call making or including a router pass ``default_response_class=``, or may it
    (``FastAPI(**app_kwargs)``, where gradio sets it: what the dict holds is not read)?"""
    return any(kw.arg is None or kw.arg == "default_response_class" for kw in call.keywords)


def _may_have_default_class(call: ast.Call, ctx: FileContext) -> bool:
    """May the router a call makes have a default response class: passed to it, or made by a
    project's factory function, whose router call is not read (review 123)?"""
    return _has_default_class(call) or calls_router_factory(call.func, ctx)


_Chain = tuple[ast.AST, ...]  # the scopes a statement runs in, the module first
_Binding = tuple[int, str]  # (id of the scope that binds the name, the name)
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass
class _Scopes:
    """Per scope (by id), the names it binds and those it declares ``global``/``nonlocal``;
    the router bindings, the ``include_router`` calls and the route decorators, each with
    the scopes it is in."""

    bound: dict[int, set[str]] = field(default_factory=dict)
    declared_global: dict[int, set[str]] = field(default_factory=dict)
    declared_nonlocal: dict[int, set[str]] = field(default_factory=dict)
    routers: list[tuple[str, _Chain, bool]] = field(default_factory=list)  # (name, chain, made with a default class)
    includes: list[tuple[str, str, bool, _Chain]] = field(default_factory=list)  # (parent, child, passes one, chain)
    receivers: list[tuple[ast.Call, str, _Chain]] = field(default_factory=list)  # (decorator, its router, chain)

    def resolve(self, name: str, chain: _Chain) -> _Binding | None:
        """The binding ``name`` means in the innermost scope of ``chain`` (a class body's
        names are seen only from the class body itself), or None when no scope binds it."""
        module = chain[0]
        for depth, scope in enumerate(reversed(chain)):
            if isinstance(scope, ast.ClassDef) and depth:
                continue
            if name in self.declared_global.get(id(scope), ()):
                break
            if name in self.declared_nonlocal.get(id(scope), ()):
                continue
            if name in self.bound[id(scope)]:
                return (id(scope), name)
        return (id(module), name) if name in self.bound[id(module)] else None


def _scan_scopes(ctx: FileContext) -> _Scopes:
    """One pass over the statements, scope by scope. Not told apart: a lambda's or a
    comprehension's own names, and names bound inside an expression (``:=``): rare for a
    router, and resolving one of them to another binding only makes it unknown (silent)."""
    found = _Scopes()
    router_statements = {id(stmt) for stmt in router_assignments(ctx)}
    tree = ctx.tree
    pending: list[_Chain] = [(tree,)]
    while pending:
        chain = pending.pop()
        scope = chain[-1]
        bound = found.bound[id(scope)] = set()
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = scope.args
            for arg in (*args.posonlyargs, *args.args, args.vararg, *args.kwonlyargs, args.kwarg):
                if arg is not None:
                    bound.add(arg.arg)
                    if arg.annotation is not None and router_annotation(arg.annotation, ctx):
                        found.routers.append((arg.arg, chain, False))  # (what callers pass is not known)
        for stmt in statements(scope.body, descend=lambda s: not isinstance(s, _DEFS)):  # type: ignore[attr-defined]
            names = scope_bindings(stmt)
            bound |= names
            if isinstance(stmt, ast.Global):
                found.declared_global.setdefault(id(scope), set()).update(stmt.names)
            elif isinstance(stmt, ast.Nonlocal):
                found.declared_nonlocal.setdefault(id(scope), set()).update(stmt.names)
            elif id(stmt) in router_statements:
                assignment: ast.Assign | ast.AnnAssign = stmt  # type: ignore[assignment]
                has_default = _may_have_default_class(assignment.value, ctx)  # type: ignore[arg-type]
                found.routers.extend((name, chain, has_default) for name in assigned_names(assignment))
            elif isinstance(stmt, (ast.Import, ast.ImportFrom)) and scope is tree:
                found.routers.extend((name, chain, False) for name in names if imports_routes_router(name, ctx))
            elif isinstance(stmt, ast.Expr) and _is_include(stmt.value):
                call: ast.Call = stmt.value  # type: ignore[assignment]
                parent, child = call.func.value.id, call.args[0].id  # type: ignore[attr-defined]
                found.includes.append((parent, child, _has_default_class(call), chain))
            elif (registered := registration(stmt)) is not None:  # `router.add_api_route(path, handler)`
                found.receivers.append((registered[0], registered[1], chain))
            elif isinstance(stmt, _DEFS):
                if not isinstance(stmt, ast.ClassDef):
                    found.receivers.extend(
                        (decorator, decorator.func.value.id, chain)
                        for decorator in stmt.decorator_list
                        if isinstance(decorator, ast.Call)
                        and isinstance(decorator.func, ast.Attribute)
                        and isinstance(decorator.func.value, ast.Name)
                    )
                pending.append((*chain, stmt))
    # a name a function declares global binds at module level
    for names in found.declared_global.values():
        found.bound[id(tree)] |= names
    return found


def _is_include(node: ast.expr) -> bool:
    """``<name>.include_router(<name>, ...)``."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "include_router"
        and isinstance(node.func.value, ast.Name)
        and bool(node.args)
        and isinstance(node.args[0], ast.Name)
    )


def _may_fall_through(body: list[ast.stmt]) -> bool:
    """May running ``body`` reach its end (return None implicitly)? Only a last
    ``return``/``raise``, or an ``if``/``with``/``try`` whose every way out ends so, says no."""
    last = body[-1] if body else None
    if isinstance(last, (ast.Return, ast.Raise)):
        return False
    if isinstance(last, ast.If):
        return not last.orelse or _may_fall_through(last.body) or _may_fall_through(last.orelse)
    if isinstance(last, (ast.With, ast.AsyncWith)):
        return _may_fall_through(last.body)
    if isinstance(last, _TRY_TYPES):
        if last.finalbody and not _may_fall_through(last.finalbody):
            return False
        completes = _may_fall_through(last.body) and (not last.orelse or _may_fall_through(last.orelse))
        return completes or any(_may_fall_through(handler.body) for handler in last.handlers)
    return True


_TRY_TYPES = (ast.Try, ast.TryStar) if sys.version_info >= (3, 11) else (ast.Try,)

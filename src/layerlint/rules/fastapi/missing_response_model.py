"""LL602 missing-response-model: an endpoint with neither `response_model=` nor a return annotation.

## What it does
Flags an endpoint (a function decorated with `@<router>.get/post/put/patch/
delete/options/head/trace/api_route(...)` of a `FastAPI()`/`APIRouter()`
object, or of a subclass of them (in the module, or in another project module:
`from app.routing import APIRouter`), defined in the module, imported from a
routes module, or a parameter annotated `APIRouter`/`FastAPI` of a function that
declares its endpoints on it; or a router held as an attribute of a project
object: `@section.router.get(...)` on a module-level function, `section` a
module-level name bound once to a call of a project class (of the module or
imported from another project module) that, or a project base of which,
annotates `router: APIRouter` in its body, or assigns `self.router` only in
`__init__` and only `APIRouter(...)` or `router or APIRouter(...)` (the
parameter annotated `APIRouter | None` or unannotated with the default None);
an attribute assigned anything else, or an instance made inside a function, is
not known to be a router) whose
decorators pass no `response_model=` (`response_model=None` counts: it is a
decision) and whose function has no return annotation. Exempt: a decorator
with `response_class=`, a router created with `default_response_class=` or
included (in the same module) with one or into such a router (a router held by
an object: a call that makes it passes `default_response_class=` or unpacks
`**`, or the module passes one in the call that makes the object, or includes
the router and spells `default_response_class`), a
status 204 endpoint (`status_code=status.HTTP_204_NO_CONTENT` or `204`, which
has no body), a HEAD-only endpoint (`@router.head(...)`: no body either), a
decorator that unpacks `**kwargs`, and websocket endpoints. The finding is on
the `def` line. When every `return` of the endpoint builds a response of
FastAPI or Starlette (`RedirectResponse(...)`, `FileResponse(...)`, or
`templates.TemplateResponse(...)` of a module-level `Jinja2Templates`), and
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

from layerlint.context import FileContext
from layerlint.facts.fastapi import (
    attribute_routes,
    endpoint_decorators,
    is_response_class,
    keyword,
    may_have_endpoints,
    router_call,
    router_names,
    status_value,
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
        if not decorators or any(self._exempt(d) for d in decorators):
            return
        if all(d.func.attr == "head" for d in decorators):  # type: ignore[attr-defined]
            return  # a HEAD response has no body, as a 204 has none
        message = f"endpoint `{node.name}` has neither `response_model=` nor a return annotation"
        returned = self._returned_response(node)
        if returned is not None:
            message += f": it returns a response (`{returned}`): annotate `-> {returned}` (or pass `response_class=`)"
        self.report(def_line_node(node), message)

    visit_AsyncFunctionDef = visit_FunctionDef

    def _exempt(self, decorator: ast.Call) -> bool:
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
        return func.value.id in self.ctx.memo("fastapi.default_response_class", self._routers_with_default_class)

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
                and value.func.value.id in self.ctx.memo("fastapi.templates", self._template_objects)
            ):
                classes.add("HTMLResponse")
            else:
                return None
        if not classes:
            return None
        return classes.pop() if len(classes) == 1 else "Response"

    def _template_objects(self) -> frozenset[str]:
        """Module-level names bound to a ``Jinja2Templates(...)`` of FastAPI or Starlette."""
        names: set[str] = set()
        for stmt in self.ctx.tree.body:
            if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call):
                if self.ctx.resolve(stmt.value.func) in TEMPLATE_CLASSES:
                    names.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
        return frozenset(names)

    def _routers_with_default_class(self) -> frozenset[str]:
        """Routers whose endpoints get a default response class: created with
        ``default_response_class=``, or included (``include_router``) with one or into one."""
        if "default_response_class" not in self.ctx.source:
            return frozenset()
        names = {name for name in router_names(self.ctx) if _has_default_class(router_call(name, self.ctx))}
        includes: list[tuple[str, str, bool]] = []  # (parent, child, passes a default class)
        for node in ast.walk(self.ctx.tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "include_router"
                and isinstance(node.func.value, ast.Name)
                and node.args
                and isinstance(node.args[0], ast.Name)
            ):
                includes.append((node.func.value.id, node.args[0].id, _has_default_class(node)))
        changed = True
        while changed:
            changed = False
            for parent, child, passes in includes:
                if child not in names and (passes or parent in names):
                    names.add(child)
                    changed = True
        return frozenset(names)


def _has_default_class(call: ast.Call | None) -> bool:
    return call is not None and keyword(call, "default_response_class") is not None


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

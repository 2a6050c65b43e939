"""LL603 route-opens-session: a route handler that creates its own database session.

## What it does
Inside an endpoint (a function decorated with `@<router>.get/post/...` of a
`FastAPI()`/`APIRouter()` object, as LL602 finds them: a router held as an
attribute of a project object too, `@section.router.get(...)`, and a function
registered by a call, `router.add_api_route(path, handler)`), flags a call that creates a session:
`AsyncSession(...)`/`Session(...)` (SQLAlchemy's or SQLModel's), or a call of a
session factory — a name bound to `async_sessionmaker(...)`/`sessionmaker(...)`
in the module, imported from a project module that binds it so (or from one
that re-exports it, a few modules away), `self.<attr>`
that the class assigns one (or a parameter annotated as one:
`session_factory: async_sessionmaker[AsyncSession]`, or `Callable[[], AsyncSession]`), a
name the handler binds once to `async_sessionmaker(...)` or to one of those factories (also
behind an override named like one: `factory = getattr(request.app.state,
"session_factory", None) or AsyncSessionLocal`), or a name or attribute named by the usual
conventions (`SessionLocal`, `AsyncSessionLocal`, `*session_factory`,
`*session_maker`: `request.app.state.session_factory()`, a handler's own
`db_session_factory`), or an `@(async)contextmanager` function of the module or of a
project module that opens a session from one and yields it (the target of a `with`, or a
name bound to it: the `session_scope()` recipe; not something made from it, `yield
UnitOfWork(session)`; a name it binds itself decides: its own import of a factory, a
parameter annotated (also `| None`), named or defaulting as one, an assignment of one
(made there, the module's, or a fallback: `maker or SessionLocal`) is one; another
parameter or assignment of a factory's name is not) or from such a method of a class of its module (`with
get_engine().session() as s: yield s`, by the function's annotation, also through a
name it binds once to that call; on a top-level instance bound once; on the class called), imported or read through its module
(`db_manager.session()`), or such a method of a class, called on a top-level instance
of the module or of a project module (letta's `db_registry.async_session()`, also read through
the module: `db.db_registry.async_session()`; also opening it
from a factory kept as an attribute, `self._factory = async_sessionmaker(...)` (also taken
into a local name first, or its `.begin()`, or the session it makes bound to a name
then entered: `s = self._factory()`, `async with s as session`), which the instance's
class and its bases bind to nothing but a session maker (called, the module's factory, a
parameter annotated or named as one, or an unannotated one with a session maker as its
fallback: `factory or async_sessionmaker(...)`; in a method or the class body) or None (as the `DatabaseSessionManager`
recipe's `close()` does); the class's own method or the nearest base's, re-exports
followed, `ABC`/`Generic` bases aside), or on an
instance of such a class that the handler binds once (`db_engine = get_relational_engine()`,
a project function annotated to return it, or the class called) or takes as a parameter
annotated with it (from `Depends(...)` too: the handler still opens the session itself),
that the module binds once or imports (a module-level instance of a project module,
whatever module defines its class), or that such a call gives inline
(`get_engine().session()`, `(await get_engine()).session()`), or a
function of no parameters, of the module or of a
project module, whose body only returns a new session (`def new_session() -> AsyncSession:
return AsyncSession(engine)`, `return SessionLocal()`; an `async def` too, awaited:
`session = await new_session()`; not a decorated one, which may cache
it) — including `factory.begin()`; or the first value of a
dependency that yields a session, taken by hand (`db = next(get_db())`, `await
anext(get_session())`, also through a name the handler binds once: `gen = get_db()`, then
`next(gen)`; or a loop over it: `async for session in get_session():`);
`sessionmaker(...)` itself makes a factory, not a session. A function or lambda nested in
the handler (a background job that opens its own session, as it should: `add_task(lambda:
...)`) is not the handler and is not flagged, but for a lambda it runs during the request:
called at once (`(lambda: ...)()`, also through a name bound to it), given to
`map`/`filter`/`sorted`/`min`/`max`, or run in a worker thread and awaited
(`run_in_threadpool`, `asyncio.to_thread`, `anyio.to_thread.run_sync`, a loop's
`run_in_executor`; directly, through `functools.partial` or a name the handler binds to it).

A websocket endpoint (`@router.websocket(...)`, `add_api_websocket_route`) is not flagged:
a session from `Depends(...)` would stay open, holding a pooled connection, for as long
as the client stays connected; opening one as each message needs it is the usual way.

## Why is this bad?
A session opened by hand bypasses the request's dependency: tests cannot
override it, the transaction boundary and the cleanup live in each handler,
and two sessions in one request see different transactions. Take the session
from `Depends(get_async_session)` (one session per request).

## Example
```python
@router.get("/{user_id}", response_model=UserResponse)
async def get_user(user_id: int) -> UserResponse:
    async with async_session_factory() as session:
        user = await UserService(session).get_user(user_id)
    return UserResponse.model_validate(user)
```

## Use instead
```python
@router.get("/{user_id}", response_model=UserResponse)
async def get_user(user_id: int, session: SessionDep) -> UserResponse:
    user = await UserService(session).get_user(user_id)
    return UserResponse.model_validate(user)
```

## Fix safety
No fix: the dependency has to be added to the signature and the handler body
reshaped.
"""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.facts.fastapi import endpoint_decorator, may_have_endpoints
from layerlint.facts.sessions import (
    SESSION_TYPES,
    awaits_new_session,
    calls_local_factory,
    factory_spellings,
    iterates_provider,
    opens_session,
    opens_through_method,
    own_nodes,
    session_factories_settled,
)
from layerlint.rule import Rule


class RouteOpensSession(Rule):
    code = "LL603"
    name = "route-opens-session"
    summary = "route handler creates its own session instead of Depends(...)"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return may_have_endpoints(ctx)

    def needles(self) -> set[str] | None:
        # a call that opens a session names a session class or a factory (`.begin()`
        # included). None when an import inside a def/class could change the factories,
        # which this rule asks for on every call in an endpoint.
        if not session_factories_settled(self.ctx):
            return None
        # (`with`: a project class's method may open one, `async with engine.session() as s`)
        return self.ctx.spellings(SESSION_TYPES) | factory_spellings(self.ctx) | {"with"}

    def visit_With(self, node: ast.With) -> None:
        self._entered(node)

    def visit_AsyncWith(self, node: ast.AsyncWith) -> None:
        self._entered(node)

    def _entered(self, node: ast.With | ast.AsyncWith) -> None:
        """``async with db_engine.get_async_session() as session``: a method of a project
        class (the receiver's, as far as it is known) that opens a session."""
        handler = self._http_handler()
        if handler is None:
            return
        for item in node.items:
            call = item.context_expr
            if (
                isinstance(call, ast.Call) and not opens_session(call, self.ctx)
                and not calls_local_factory(call, handler, self.ctx) and opens_through_method(call, handler, self.ctx)
            ):
                self._report_opened(call, handler)

    def visit_For(self, node: ast.For) -> None:
        self._iterated_by_hand(node)

    def visit_AsyncFor(self, node: ast.AsyncFor) -> None:
        self._iterated_by_hand(node)

    def _iterated_by_hand(self, node: ast.For | ast.AsyncFor) -> None:
        """``async for session in get_session():`` in a handler: the dependency's first value,
        taken by hand, as ``next(get_db())`` takes it."""
        handler = self._http_handler()
        if handler is None:
            return
        call = iterates_provider(node, self.ctx)
        if call is not None:
            self.report(
                call, f"route handler `{handler.name}` opens its own session with `{ast.unparse(call)}`: "
                      "take it from `Depends(...)`",
            )

    def visit_Await(self, node: ast.Await) -> None:
        """``session = await new_session()``: an ``async def`` that returns a new session."""
        call = node.value
        if not isinstance(call, ast.Call) or _calls_next(call):
            return  # (`await anext(get_session())`: the call is the finding, below)
        handler = self._http_handler()
        if handler is None:
            return
        if awaits_new_session(node, self.ctx):
            self._report_opened(call, handler)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "begin" and isinstance(func.value, ast.Call):
            return  # ``factory().begin()``: the inner ``factory()`` is the finding
        handler = self._http_handler()
        if handler is None:
            return
        innermost = self.ctx.scopes[-1]
        if isinstance(innermost, ast.Lambda) and id(innermost) not in self.ctx.memo(
            ("fastapi.run_now_lambdas", id(handler)), lambda: _lambdas_run_now(handler, self.ctx)
        ):
            return  # (`add_task(lambda: cleanup(SessionLocal()))`: a job, as a nested def is)
        if opens_session(node, self.ctx) or calls_local_factory(node, handler, self.ctx):
            self._report_opened(node, handler)

    def _http_handler(self) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The function being walked, when it is an endpoint of HTTP requests: not one of a
        websocket, which holds its connection open as long as the client stays, and whose
        sessions are better opened, and closed, as each message needs one."""
        handler = self.ctx.enclosing_function()
        if handler is None:
            return None
        decorator = endpoint_decorator(handler, self.ctx)
        if decorator is None or (isinstance(decorator.func, ast.Attribute) and decorator.func.attr in _WEBSOCKET):
            return None
        return handler

    def _report_opened(self, call: ast.Call, handler: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        # (`next(get_db())`: the dependency's first value, taken by hand)
        spelled = ast.unparse(call) if _calls_next(call) else f"{ast.unparse(call.func)}()"
        self.report(
            call, f"route handler `{handler.name}` opens its own session with `{spelled}`: take it from `Depends(...)`"
        )


def _lambdas_run_now(handler: ast.AST, ctx: FileContext) -> frozenset[int]:
    """The lambdas of the handler it runs during the request (by id): called at once
    (``(lambda: ...)()``), given to a builtin that calls it (``map``, ``sorted(key=...)``), or
    run in a worker thread and awaited: given to ``run_in_threadpool``, ``asyncio.to_thread``,
    ``anyio.to_thread.run_sync`` or a loop's ``run_in_executor``, directly, through
    ``functools.partial`` or a name the handler binds to it. Any other lambda, as a nested
    ``def``, is a job of its own (``add_task(lambda: ...)``, a scheduler's, a thread's)."""
    # (the handler's own code: a call in a nested def or lambda runs when that does)
    own = list(own_nodes(handler, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)))
    named: dict[str, ast.Lambda] = {}  # `work = lambda: ...` (`work: Callable = lambda: ...`)
    for stmt in own:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, ast.Lambda):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if len(targets) == 1 and isinstance(targets[0], ast.Name):
                named[targets[0].id] = stmt.value

    found = set()
    for call in own:
        if not isinstance(call, ast.Call):
            continue
        func = call.func
        if isinstance(func, ast.Lambda):
            found.add(id(func))
        elif isinstance(func, ast.Name) and func.id in named:  # `open_session = lambda: ...`, then `open_session()`
            found.add(id(named[func.id]))
        elif (
            ctx.resolve(func) in _RUN_NOW or (isinstance(func, ast.Attribute) and func.attr == "run_in_executor")
            or (isinstance(func, ast.Name) and func.id in _CALLING_BUILTINS and func.id not in ctx.imports
                and func.id not in ctx.top_level_names)
        ):
            for arg in (*call.args, *(kw.value for kw in call.keywords)):  # type: ignore[attr-defined]
                run = _lambda_given(arg, named, ctx)
                if run is not None:
                    found.add(id(run))
    return frozenset(found)


def _lambda_given(arg: ast.expr, named: dict[str, ast.Lambda], ctx: FileContext) -> ast.Lambda | None:
    """The lambda an argument hands over: itself, the one a name is bound to, or the one a
    ``functools.partial(...)`` wraps. (A plain function: a nested recursive one would be a
    reference cycle holding the context.)"""
    while isinstance(arg, ast.Call) and ctx.resolve(arg.func) == "functools.partial" and arg.args:
        arg = arg.args[0]
    if isinstance(arg, ast.Name):
        return named.get(arg.id)
    return arg if isinstance(arg, ast.Lambda) else None


# what makes or registers a websocket endpoint (`@router.websocket(...)`)
_WEBSOCKET = frozenset({"websocket", "add_api_websocket_route", "add_websocket_route"})
# builtins that call the function they are given before they return
_CALLING_BUILTINS = frozenset({"map", "filter", "sorted", "min", "max"})
# what runs a function in a worker thread during the request
_RUN_NOW = frozenset({
    "fastapi.concurrency.run_in_threadpool", "starlette.concurrency.run_in_threadpool", "asyncio.to_thread",
    "anyio.to_thread.run_sync",
})


def _calls_next(call: ast.Call) -> bool:
    return (
        isinstance(call.func, ast.Name) and call.func.id in ("next", "anext") and bool(call.args)
        and isinstance(call.args[0], (ast.Call, ast.Name))
    )

"""LL604 session-in-background-task: a route handler hands its request session to a background task.

## What it does
Inside an endpoint (as LL602 finds them: `@router.post(...)`, also on a
router held as an attribute of a project object, `@section.router.post(...)`,
and a function registered by a call, `router.add_api_route(path, handler)`),
flags a call that schedules work to run after (or beside)
the request and passes it a session:

- `background_tasks.add_task(func, session, ...)` (the session as any argument
  after the function, positional or keyword);
- `BackgroundTask(func, session)` (Starlette's, for a response's `background=`);
- `asyncio.create_task(func(session))`, `asyncio.ensure_future(...)`, and
  `loop.create_task(...)` on `asyncio.get_event_loop()`/`get_running_loop()` (also held
  in a name the handler, or the module's top level, binds to it: `loop =
  asyncio.get_running_loop()`); the coroutine of a method holds its object
  (`create_task(service.notify(uid))`, `create_task(session.commit())`);
- `group.create_task(f(session))` on an `asyncio.TaskGroup()` the handler enters (`async
  with ... as group`, or `group = asyncio.TaskGroup()` then `async with group`; a name the
  handler binds to nothing else), and `tg.start_soon(f, session)` or `await tg.start(f,
  session)` on an anyio task group: the tasks run beside each other and the block's code.

A session is what the engine knows as one: a parameter annotated
`AsyncSession`/`Session` or defaulting to `Depends(<session provider>)` (as LL106
reads it: not when the parameter's type or the provider's return annotation names
another class), an
`Annotated[AsyncSession, Depends(...)]` alias (or `Annotated[Any, Depends(<session
provider>)]`), or a session the handler opened
(also with a project's context manager annotated to yield one, or a function annotated
to return one: `async with engine.core_session() as session`, as LL305 finds them).
The session also counts when it is passed inside the scheduled call
(`add_task(UserService(session).notify, ...)`, `add_task(partial(f, session))`,
`add_task(lambda: f(session))`; also an object the handler binds to a name first:
`service = UserService(session)`, then `add_task(service.notify, ...)`, in each branch of
an `if`; and a name bound to what holds one: `notify = service.notify`, `coro =
f(session)` then `create_task(coro)`; in either branch of a conditional expression:
`create_task(f(session) if urgent else f(None))`), not through a function whose result is computed then
(`add_task(send_email, get_user(session, uid).email)`, `create_task(audit(str(session)))`).
A task the handler awaits where it makes it (`await asyncio.create_task(...)`, also through
`asyncio.wait_for(...)`) is done before the handler goes on and is not flagged; one bound
to a name and awaited later runs beside the handler meanwhile, and is, as is one given to
`asyncio.shield(...)`, which goes on when the handler is cancelled.

## Why is this bad?
The request's session is closed when the response is sent (the dependency's
`async with` exits), so the background task works on a closed session, or worse
on one still in use by the request: `AsyncSession` is not safe for concurrent
use. Background work opens its own session from the factory.

## Example
```python
@router.post("/{user_id}/welcome", status_code=status.HTTP_202_ACCEPTED)
async def send_welcome(user_id: int, tasks: BackgroundTasks, session: SessionDep) -> None:
    tasks.add_task(send_welcome_email, session, user_id)
```

## Use instead
```python
async def send_welcome_email(user_id: int) -> None:
    async with async_session_factory() as session:
        ...


@router.post("/{user_id}/welcome", status_code=status.HTTP_202_ACCEPTED)
async def send_welcome(user_id: int, tasks: BackgroundTasks) -> None:
    tasks.add_task(send_welcome_email, user_id)
```

## Fix safety
No fix: the task has to be rewritten to open its own session.
"""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.facts.fastapi import BACKGROUND_TASK, CREATE_TASK, EVENT_LOOPS, enclosing_endpoint, may_have_endpoints
from layerlint.facts.project_classes import assigned_values
from layerlint.facts.sessions import is_session, locally_bound, top_level_assignment
from layerlint.rule import Rule
from layerlint.walk import statements



# builtins whose value holds none of their arguments
_VALUE_BUILTINS = frozenset({"str", "repr", "ascii", "format", "int", "float", "bool", "len", "id", "hash", "type",
                             "isinstance", "hasattr", "callable"})


class SessionInBackgroundTask(Rule):
    code = "LL604"
    name = "session-in-background-task"
    summary = "route handler hands its request session to a background task"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return may_have_endpoints(ctx)

    def needles(self) -> set[str]:
        # a scheduling call spells `add_task`, `create_task` or (an alias of) BackgroundTask,
        # create_task or ensure_future; sessions are looked for only under such a call
        return {"add_task", "create_task", "start_soon", "start"} | self.ctx.spellings(
            BACKGROUND_TASK | CREATE_TASK
        )

    def visit_Call(self, node: ast.Call) -> None:
        if enclosing_endpoint(self.ctx) is None:
            return
        func = node.func
        resolved = self.ctx.resolve(func)
        carried: list[ast.AST] = []
        what = None
        scheduled = False  # (given a coroutine, which holds its arguments: `send_welcome(db, ...)`)
        if isinstance(func, ast.Attribute) and func.attr == "add_task":
            what, carried = "a background task", [*node.args, *(kw.value for kw in node.keywords)]
        elif resolved in BACKGROUND_TASK:
            what, carried = "a background task", [*node.args, *(kw.value for kw in node.keywords)]
        elif resolved in CREATE_TASK or (
            isinstance(func, ast.Attribute)
            and func.attr == "create_task"
            and isinstance(func.value, (ast.Call, ast.Name))
            and (
                any(
                    isinstance(value, ast.Call) and self.ctx.resolve(value.func) in EVENT_LOOPS
                    for value in self._values_of(func.value)
                )
                or self._task_group(func.value) == "asyncio.TaskGroup"
            )
        ):
            what, scheduled = "a task that runs beside the handler or after it", True
            carried = [*node.args[:1], *(kw.value for kw in node.keywords if kw.arg == "coro")]
        elif (
            isinstance(func, ast.Attribute) and func.attr in ("start_soon", "start")
            and self._task_group(func.value) == "anyio.create_task_group"
        ):  # `tg.start_soon(f, session)`: the function and its arguments, as `add_task` takes them
            # (`await tg.start(...)` returns once the task has started: it runs on beside)
            what, carried = "a task that runs beside the handler or after it", [*node.args]
        if what is None:
            return
        if scheduled and id(node) in self._awaited_at_once():
            return  # `await asyncio.create_task(...)`: done before the handler goes on
        session = next(
            (s for s in (self._session_in(e, scheduled=scheduled) for e in carried) if s is not None), None
        )
        if session is not None:
            self.report(node, f"route handler hands its session `{session}` to {what}: let the task open its own")

    def _task_group(self, receiver: ast.expr) -> str | None:
        """What made the task group a name holds: ``asyncio.TaskGroup`` or
        ``anyio.create_task_group``, bound by ``async with ... as group`` in the handler."""
        handler = self.ctx.enclosing_function()
        if handler is None or not isinstance(receiver, ast.Name):
            return None
        groups = self.ctx.memo(("LL604.task_groups", id(handler)), lambda: _task_groups(handler, self.ctx))
        return groups.get(receiver.id)

    def _awaited_at_once(self) -> frozenset[int]:
        """The calls the handler awaits where it makes them (by id): ``await create_task(...)``,
        also through ``asyncio.wait_for(...)``."""
        handler = self.ctx.enclosing_function()
        if handler is None:
            return frozenset()
        return self.ctx.memo(("LL604.awaited", id(handler)), lambda: _awaited_at_once(handler, self.ctx))

    def _values_of(self, expr: ast.expr) -> list[ast.expr]:
        """What an expression is: itself, or for a name the handler binds only by assignment,
        the values it assigns (``loop = asyncio.get_running_loop()``); for a name it does not
        bind, the value the module's top level binds it to once (``loop =
        asyncio.get_event_loop()``)."""
        if not isinstance(expr, ast.Name):
            return [expr]
        handler = self.ctx.enclosing_function()
        if handler is None:
            return []
        found = self.ctx.memo(
            ("LL604.assigned", id(handler)),
            lambda: assigned_values(handler, list(statements(handler.body, descend=_own_statement))),
        )
        values = found.get(expr.id)
        if values is not None:
            return values
        if locally_bound(expr.id, self.ctx):
            return []  # (a parameter, a loop variable, a name of a function around the handler)
        stmt = top_level_assignment(expr.id, self.ctx)
        return [stmt.value] if isinstance(stmt, ast.Assign) else []

    def _holds_arguments(self, call: ast.Call) -> bool:
        """Does the value of ``call`` hold its arguments: ``functools.partial(...)``, or an object
        built by a class (a name spelled as one, ``MailService(session)``)?"""
        if self.ctx.resolve(call.func) == "functools.partial":
            return True
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name[:1].isupper()

    def _gives_plain_value(self, call: ast.Call) -> bool:
        """Is ``call`` one of the builtins that make a value holding none of their arguments
        (``str(session)``, ``len(...)``, ``id(...)``), not rebound by the module?"""
        func = call.func
        return (
            isinstance(func, ast.Name) and func.id in _VALUE_BUILTINS
            and func.id not in self.ctx.imports and func.id not in self.ctx.top_level_names
        )

    def _session_in(self, expr: ast.AST, depth: int = 0, scheduled: bool = False) -> str | None:
        """The session an argument carries: itself, or inside what it builds that holds it: a
        ``partial``, an object (``Service(session)``, ``Service(session).method``), a lambda;
        or, ``scheduled``, the coroutine ``create_task`` is given. A function's result, made
        now (``get_user(session, uid).email``), carries none."""
        if depth > 8:  # (an object holding one holding the session, each bound to a name first)
            return None
        if isinstance(expr, (ast.Name, ast.Attribute)) and is_session(expr, self.ctx):
            return ast.unparse(expr)
        if isinstance(expr, ast.Name):
            # what a name holds (`notify = service.notify`, `job = partial(f, session)`, `coro =
            # f(session)` given to `create_task`), when every value it is given holds one
            held = [self._session_in(value, depth + 1, scheduled) for value in self._values_of(expr)]
            return held[0] if held and None not in held else None
        if isinstance(expr, ast.Starred):
            return self._session_in(expr.value, depth + 1)
        if isinstance(expr, ast.IfExp):  # (`work(session) if flag else work(None)`: on one path)
            return self._session_in(expr.body, depth + 1, scheduled) or self._session_in(
                expr.orelse, depth + 1, scheduled
            )
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            # (`service = UserService(session)`, then `add_task(service.notify, uid)`; in each
            # branch of an `if` too: when every value the name is given holds one)
            built = self._values_of(expr.value)
            held = [
                self._session_in(value, depth + 1)
                if isinstance(value, ast.Call) and self._holds_arguments(value) else None
                for value in built
            ]
            if held and None not in held:
                return held[0]
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Call):
            if not self._holds_arguments(expr.value):
                return None  # (`get_user(session, uid).email`: a value, made now)
            return self._session_in(expr.value, depth + 1)  # ``Service(session).method``
        if scheduled and isinstance(expr, ast.Call) and isinstance(expr.func, (ast.Attribute, ast.Name)):
            # the coroutine of a method holds its object: `service.notify(1)`, `session.commit()`,
            # `notify(1)` after `notify = service.notify`
            receiver = expr.func.value if isinstance(expr.func, ast.Attribute) else None
            if isinstance(receiver, ast.Name) and is_session(receiver, self.ctx):
                return receiver.id
            found = self._session_in(expr.func, depth + 1)
            if found is not None:
                return found
        if isinstance(expr, ast.Call) and (self._gives_plain_value(expr) or not (
            scheduled or self._holds_arguments(expr)
        )):
            return None  # (`audit(str(session))`, `email_of(session, uid)`: the task gets a value, made now)
        if isinstance(expr, ast.Call):
            for arg in [*expr.args, *(kw.value for kw in expr.keywords)]:
                found = self._session_in(arg, depth + 1)
                if found is not None:
                    return found
        if isinstance(expr, ast.Lambda):
            for sub in ast.walk(expr.body):
                if isinstance(sub, ast.Name) and is_session(sub, self.ctx):
                    return sub.id
        return None


def _task_groups(handler: ast.AST, ctx: FileContext) -> dict[str, str]:
    """The names the handler binds only to task groups (``async with asyncio.TaskGroup() as
    group``, or ``group = asyncio.TaskGroup()`` then ``async with group``) -> what made them."""
    made_at: dict[int, str | None] = {}  # a binding (its Name node) -> what made the group bound there
    bindings: list[ast.Name] = []
    for node in ast.walk(handler):
        if isinstance(node, ast.AsyncWith):
            for item in node.items:
                if isinstance(item.optional_vars, ast.Name):
                    made_at[id(item.optional_vars)] = _group_maker(item.context_expr, ctx)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            made_at[id(node.targets[0])] = _group_maker(node.value, ctx)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bindings.append(node)
    # (a name bound any other way too, a loop's, an unpacking's or a parameter, is not known to be one)
    makers: dict[str, set[str | None]] = {}
    for name in bindings:
        makers.setdefault(name.id, set()).add(made_at.get(id(name)))
    arguments = getattr(handler, "args", None)
    parameters = {arg.arg for arg in ast.walk(arguments) if isinstance(arg, ast.arg)} if arguments else set()
    return {
        name: next(iter(made)) for name, made in makers.items()
        if len(made) == 1 and None not in made and name not in parameters
    }


def _group_maker(value: ast.expr, ctx: FileContext) -> str | None:
    made = ctx.resolve(value.func) if isinstance(value, ast.Call) else None
    return made if made in _TASK_GROUPS else None


# what makes a task group, whose tasks run beside the code of its `async with` block
_TASK_GROUPS = frozenset({"asyncio.TaskGroup", "anyio.create_task_group"})


def _awaited_at_once(handler: ast.AST, ctx: FileContext) -> frozenset[int]:
    found = set()
    for node in ast.walk(handler):
        if isinstance(node, ast.Await) and isinstance(node.value, ast.Call):
            call = node.value
            found.add(id(call))
            if ctx.resolve(call.func) in _AWAITING_WRAPPERS and call.args:
                found.add(id(call.args[0]))
    return frozenset(found)


# what awaits the task it is given, in the awaiting handler (not `asyncio.shield`: a shielded
# task goes on when the handler is cancelled, after the session is closed)
_AWAITING_WRAPPERS = frozenset({"asyncio.wait_for"})


def _own_statement(stmt: ast.stmt) -> bool:
    return not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))

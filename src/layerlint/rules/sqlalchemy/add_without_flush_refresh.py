"""LL310 add-without-flush-refresh: a repository adds an object and returns it unflushed.

## What it does
In a repositories module, flags `session.add(obj)` (on a known session, see
LL305) when the enclosing function does not, after the `add`, call
`flush()` (or `commit()`, which flushes; or the end of a `with session.begin()` /
`begin_nested()` block holding the `add`, which commits or releases the savepoint; or a
method of the same class that calls one of them on every way it returns, `await
self._commit()`) on the
session and then `refresh(obj)` for that same object. Not flagged: an `obj` handed on after the
`add` to another function or method that may do the flushing
(`await self._save(obj)`), or returned by a private helper to its caller
(`def _attach(self, obj): self.session.add(obj); return obj`); an `obj`
detached on purpose after the `add` (`expunge(obj)`, `expunge_all()`: a
scratch session that only collects what the `add` cascades to); an object built
in the call itself (`session.add(Event(kind="login"))`: nothing holds it, so
nothing can read its values), or in a local the function binds to it and never
reads after the `add` (`event = Event(...)`; `session.add(event)`; a
parameter is still flagged: its caller holds the object); an object last bound, before the `add`, to a row
read from the database (`await session.get(...)`, a `session.execute(...)`
result, also through a name holding it: `result = await session.execute(...)` then `user =
result.scalars().first()`, or unpacked from a row, `(user,) = result.one()`, or SQLModel's
`session.exec(...)`, the repository's own getter
`await self.get_by_id(...)` (`get_*`, `find_*`, `fetch_*`, `list_*`), or a loop over such rows:
`for order in result.scalars()`, `for i, (order,) in enumerate(result)`): it exists,
with its values, and the `add` is a no-op; and a function with no such call at all when the
session is not known to be one. In a plain `def` (a sync `Session`: an `AsyncSession`'s
`flush()` must be awaited) the flush (or commit) is enough: what it leaves unloaded, or
expires, loads on attribute access.

## Why is this bad?
Until the session is flushed the new row does not exist: `obj.id` is `None`,
server defaults (`created_at`) and database-generated values are missing, and
a constraint violation surfaces later, far from the repository, at whatever
point autoflush or commit happens to run. After the flush, `refresh(obj)` loads
the server-generated columns, which with `AsyncSession` cannot be lazy-loaded on
attribute access. A repository's `create()` returns a complete object.

## Example
```python
class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create(self, email: str) -> User:
        user = User(email=email)
        self._session.add(user)
        return user
```

## Use instead
```python
class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create(self, email: str) -> User:
        user = User(email=email)
        self._session.add(user)
        await self._session.flush()
        await self._session.refresh(user)
        return user
```

## Fix safety
No fix.
"""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.facts.sessions import holds_session
from layerlint.rule import Rule

_FLUSHES = frozenset({"flush", "commit"})
# session methods that read rows, and the names of a repository's own getters
_LOADS = frozenset({  # (exec: SQLModel's)
    "get", "get_one", "execute", "exec", "scalar", "scalars", "stream", "stream_scalars",
})
_GETTER_PREFIXES = ("get_", "find_", "fetch_", "list_")
_SESSION_METHODS = frozenset({
    "add", "add_all", "flush", "commit", "refresh", "expunge", "merge", "delete", "rollback",
    "begin", "begin_nested", "close", "expire", "execute", "exec", "scalar", "scalars", "get", "expunge_all",
})


def _position(node: ast.AST) -> tuple[int, int]:
    return (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))


def _same(a: ast.AST, b: ast.AST) -> bool:
    """The same expression, whatever its load/store context (``user := ...`` vs ``user``)."""
    if isinstance(a, ast.Name) or isinstance(b, ast.Name):
        return isinstance(a, ast.Name) and isinstance(b, ast.Name) and a.id == b.id
    return type(a) is type(b) and ast.unparse(a) == ast.unparse(b)


class AddWithoutFlushRefresh(Rule):
    code = "LL310"
    name = "add-without-flush-refresh"
    summary = "repository calls session.add(obj) without flush() then refresh(obj)"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return ctx.layer == "repositories" and ".add(" in ctx.source and not ctx.in_migration_scripts

    def needles(self) -> set[str]:
        # only `<session>.add(obj)` calls are visited (flushes and refreshes are read from the
        # enclosing function's tree on demand): their lines spell the attribute
        return {"add"}

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "add" and len(node.args) == 1 and not node.keywords):
            return
        obj = node.args[0]
        if isinstance(obj, ast.Starred) or not holds_session(func.value, self.ctx):
            return
        function = self.ctx.enclosing_function()
        if function is None:
            return
        if isinstance(obj, ast.NamedExpr):  # ``session.add(user := User(...))``
            obj = obj.target
        elif not isinstance(obj, (ast.Name, ast.Attribute, ast.Subscript)):
            return  # ``session.add(Event(...))``: nothing holds the object, nothing can read its values
        receiver = func.value
        start = _position(node)
        if isinstance(obj, ast.Name) and self._loaded_before(function, obj.id, start):
            return  # a row read from the database: `add` is a no-op, it has its values
        if isinstance(obj, ast.Name) and _built_here(function, obj.id, start) and not _read_after(function, obj.id, node):
            return  # `event = Event(...)`, added, never read again: nothing reads its values
        # `async with session.begin():` around the add commits (a savepoint's release flushes)
        # when the block ends
        flushed_at: tuple[int, int] | None = self._block_commit_after(function, node, receiver)
        refreshes: list[tuple[int, int]] = []
        for call in sorted((n for n in ast.walk(function) if isinstance(n, ast.Call)), key=_position):
            if _position(call) <= start or call is node:
                continue
            callee = call.func
            on_session = isinstance(callee, ast.Attribute) and (
                _same(callee.value, receiver) or holds_session(callee.value, self.ctx)
            )
            if on_session and callee.attr in _FLUSHES:
                if flushed_at is None or _position(call) < flushed_at:
                    flushed_at = _position(call)
            elif on_session and callee.attr == "refresh" and call.args and _same(call.args[0], obj):
                refreshes.append(_position(call))
            elif on_session and (
                callee.attr == "expunge_all" or (callee.attr == "expunge" and call.args and _same(call.args[0], obj))
            ):
                return  # detached on purpose (a scratch session that collects what `add` cascades to)
            elif not (on_session and callee.attr in _SESSION_METHODS) and any(
                _same(arg, obj) for arg in (*call.args, *(kw.value for kw in call.keywords))
            ):
                if isinstance(obj, (ast.Name, ast.Attribute)):
                    return  # handed on: the callee may flush and refresh it
            elif _called_on_self(callee) and self._method_flushes(callee.attr, receiver):
                if flushed_at is None or _position(call) < flushed_at:
                    flushed_at = _position(call)  # `await self._commit()`: the class's own helper
        if flushed_at is not None and (
            not isinstance(function, ast.AsyncFunctionDef) or any(position > flushed_at for position in refreshes)
        ):
            return  # (in a plain `def`, a sync session: what the flush expired loads on access)
        shown = ast.unparse(obj)
        if len(shown) > 40 or "\n" in shown:
            shown = "obj"
        returned = any(
            isinstance(n, ast.Return) and n.value is not None and _same(n.value, obj) for n in ast.walk(function)
        )
        if returned and function.name.startswith("_") and not function.name.endswith("__"):
            return  # a private helper hands it back: its caller in the repository may flush and refresh it
        outcome = "the repository returns an object" if returned else "the object is left"
        self.report(node, f"`session.add({shown})` without `flush()` then `refresh({shown})`: "
                          f"{outcome} without its database-generated values")

    def _method_flushes(self, name: str, receiver: ast.expr, depth: int = 0) -> bool:
        """Does the enclosing class's own method ``name`` flush (or commit) the session on
        every way it returns: the call as a statement, awaited, returned or assigned; in both
        branches of an ``if``; in a ``with`` or ``try`` body or a ``finally``; directly or
        through another such method of the class (review 122: not in a branch that may not
        run, nor in a nested function; review 124: not after an early ``return``)?"""
        method = self._own_method(name)
        return method is not None and self._outcome(method.body, name, receiver, depth) == _FLUSHED

    def _own_method(self, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The enclosing class's own method of that name."""
        cls = self.ctx.enclosing_class()
        if cls is None:
            return None
        return next(
            (stmt for stmt in cls.body if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == name),
            None,
        )

    def _outcome(self, body: list[ast.stmt], name: str, receiver: ast.expr, depth: int, in_loop: bool = False) -> str:
        """:data:`_FLUSHED` when every way through ``body`` flushes before it ends (or
        raises), :data:`_LEAVES` when one may return without a flush, else :data:`_FALLS`."""
        returned_flushed = False  # (the returns met so far came after a flush)
        for stmt in body:
            # (what falls off the end of a loop's body goes round again: only its last statement)
            tail = in_loop and stmt is body[-1]
            if isinstance(stmt, (ast.Expr, ast.Return, ast.Assign, ast.AnnAssign)) and self._flushing_call(
                stmt.value, name, receiver, depth
            ):
                return _FLUSHED
            if isinstance(stmt, (ast.Expr, ast.Return)) and self._raising_call(stmt.value, name, receiver, depth):
                return _RAISES  # (`self._conflict(exc)`, a helper that always raises: review 129)
            if isinstance(stmt, ast.Return):
                return _LEAVES
            if isinstance(stmt, ast.Raise):
                return _FLUSHED if returned_flushed else _RAISES
            if isinstance(stmt, ast.If):
                outcomes = {
                    self._outcome(stmt.body, name, receiver, depth, tail),
                    self._outcome(stmt.orelse, name, receiver, depth, tail),
                }
                if outcomes <= {_FLUSHED, _RAISES}:
                    return _FLUSHED if _FLUSHED in outcomes else _RAISES
                if _LEAVES in outcomes:
                    return _LEAVES
            elif isinstance(stmt, ast.Try):
                outcome = self._try_outcome(stmt, name, receiver, depth, tail, in_loop)
                if outcome != _FALLS:
                    return outcome
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                outcome = self._outcome(stmt.body, name, receiver, depth, tail)
                if outcome in (_FLUSHED, _LEAVES):
                    return outcome  # (not _RAISES: the context manager may swallow it, `suppress`)
            elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
                # (a retry loop: each pass flushes before it returns, or goes round again)
                # (an outcome other than _LEAVES means no return is reached before a flush)
                outcome = self._outcome(stmt.body, name, receiver, depth, in_loop=True)
                if outcome == _LEAVES or self._outcome(stmt.orelse, name, receiver, depth, in_loop) == _LEAVES:
                    return _LEAVES
            elif isinstance(stmt, ast.Match):
                outcomes = {self._outcome(case.body, name, receiver, depth, tail) for case in stmt.cases}
                if _LEAVES in outcomes:
                    return _LEAVES
                if outcomes <= {_FLUSHED, _RAISES} and _exhaustive(stmt):
                    return _FLUSHED if _FLUSHED in outcomes else _RAISES
            elif _returns_in([stmt]):
                return _LEAVES
            # (what returns in a statement that does not leave unflushed returns after a flush:
            # `if active: commit(); return`, then `raise`: review 130)
            returned_flushed = returned_flushed or (isinstance(stmt, _COMPOUND) and _returns_in([stmt]))
        return _FALLS

    def _try_outcome(
        self, stmt: ast.Try, name: str, receiver: ast.expr, depth: int, in_loop: bool, looping: bool
    ) -> str:
        """A ``try``: its ``finally`` flushing is enough; a handler that returns may leave
        without the flush; the body (or, when the body falls through, its ``else``) flushing
        counts when no handler swallows what it raised and falls through (review 128; at the
        end of a loop's pass, ``in_loop``, or by ``continue`` in any loop, ``looping``, a
        handler goes round again: a retry)."""
        final = self._outcome(stmt.finalbody, name, receiver, depth, in_loop)
        if final in (_FLUSHED, _LEAVES):
            return final  # (a return in `finally` overrides whatever came before)
        handlers = [self._outcome(handler.body, name, receiver, depth, in_loop) for handler in stmt.handlers]
        if _LEAVES in handlers:
            return _LEAVES
        outcome = self._outcome(stmt.body, name, receiver, depth, in_loop)
        if outcome == _FALLS:
            outcome = self._outcome(stmt.orelse, name, receiver, depth, in_loop)  # (runs once the body ends)
        if outcome == _LEAVES:
            return _LEAVES
        accepted = (_FLUSHED, _RAISES, _FALLS) if in_loop else (_FLUSHED, _RAISES)
        if outcome in (_FLUSHED, _RAISES) and all(
            result in accepted or (looping and handler.body and isinstance(handler.body[-1], ast.Continue))
            for handler, result in zip(stmt.handlers, handlers)
        ):
            return outcome
        return _FALLS

    def _raising_call(self, value: ast.expr | None, name: str, receiver: ast.expr, depth: int) -> bool:
        """A call of the class's own method that raises on every way through it."""
        awaited = isinstance(value, ast.Await)
        call = value.value if awaited else value  # type: ignore[union-attr]
        if not (isinstance(call, ast.Call) and _called_on_self(call.func)) or depth >= 2:
            return False
        method_name = call.func.attr  # type: ignore[union-attr]
        method = self._own_method(method_name) if method_name != name else None
        if method is None or (isinstance(method, ast.AsyncFunctionDef) and not awaited):
            return False  # (an async helper not awaited only makes a coroutine: review 130)
        return self._outcome(method.body, method_name, receiver, depth + 1) == _RAISES

    def _flushing_call(self, value: ast.expr | None, name: str, receiver: ast.expr, depth: int) -> bool:
        call = value.value if isinstance(value, ast.Await) else value
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
            return False
        callee = call.func
        if callee.attr in _FLUSHES and (_same(callee.value, receiver) or holds_session(callee.value, self.ctx)):
            return True
        return _called_on_self(callee) and callee.attr != name and depth < 2 and self._method_flushes(
            callee.attr, receiver, depth + 1
        )

    def _block_commit_after(self, function: ast.AST, add: ast.Call, receiver: ast.expr) -> tuple[int, int] | None:
        """Where the innermost ``with <session>.begin()`` (``begin_nested()``) block holding
        the ``add`` ends: leaving it commits (or releases the savepoint), which flushes."""
        found = None
        for stmt in ast.walk(function):
            if not isinstance(stmt, (ast.With, ast.AsyncWith)) or not _holds(stmt, add):
                continue
            for item in stmt.items:
                call = item.context_expr
                if (
                    isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and call.func.attr in ("begin", "begin_nested")
                    and (_same(call.func.value, receiver) or holds_session(call.func.value, self.ctx))
                ):
                    end = (getattr(stmt, "end_lineno", 0) or 0, getattr(stmt, "end_col_offset", 0) or 0)
                    found = end if found is None or end < found else found
        return found

    def _loaded_before(self, function: ast.AST, name: str, start: tuple[int, int], depth: int = 0) -> bool:
        """Was ``name`` last bound, before ``start``, to a row read through the session
        (``await session.get(...)``, ``(await session.execute(...)).scalar_one()``, or from a
        result held in a name so bound: ``result = await session.execute(...)`` then
        ``user = result.scalars().first()``) or a repository getter (``await self.get(...)``,
        ``self.get_by_email(...)``)?"""
        assignments = _assignments_before(function, name, start)
        if not assignments or assignments[-1][1] is None:
            return False
        at, value = assignments[-1]
        # (`order, _count = row` with `row = result.one()`; `for order in rows:`: what the name holds)
        holder = value.id if isinstance(value, ast.Name) else _result_holder(value)
        if holder is not None and holder != name and depth < 3 and self._loaded_before(
            function, holder, at, depth + 1
        ):
            return True
        for call in ast.walk(value):
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute):
                owner, method = call.func.value, call.func.attr
                if method in _LOADS and holds_session(owner, self.ctx):
                    return True
                if isinstance(owner, ast.Name) and owner.id == "self" and (
                    method == "get" or method.startswith(_GETTER_PREFIXES)
                ):
                    return True
        return False


# how a helper's body ends (:meth:`AddWithoutFlushRefresh._outcome`)
_FLUSHED, _LEAVES, _RAISES, _FALLS = "flushed", "leaves", "raises", "falls"


def _exhaustive(match: ast.Match) -> bool:
    """Does a ``match`` end with a case that takes anything (``case _:``, ``case other:``)?"""
    last = match.cases[-1] if match.cases else None
    return last is not None and last.guard is None and isinstance(last.pattern, ast.MatchAs) and last.pattern.pattern is None


_COMPOUND = (ast.If, ast.Try, ast.With, ast.AsyncWith, ast.Match, ast.For, ast.AsyncFor, ast.While)


def _returns_in(body: list) -> bool:
    """Does a ``return`` of the function itself lie among these statements (not in a
    nested function or class)?"""
    pending = list(body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Return):
            return True
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            pending.extend(ast.iter_child_nodes(node))
    return False


def _called_on_self(callee: ast.expr) -> bool:
    return isinstance(callee, ast.Attribute) and isinstance(callee.value, ast.Name) and callee.value.id == "self"


def _holds(stmt: ast.stmt, node: ast.AST) -> bool:
    """Is ``node`` inside the body of the compound statement ``stmt``?"""
    return any(node is inner for child in getattr(stmt, "body", []) for inner in ast.walk(child))


def _result_holder(value: ast.expr) -> str | None:
    """The name a value reads a row from through a result's own methods, items and
    ``next(iter(...))`` (``result`` of ``result.scalars().first()``, ``result.first()[0]``,
    ``next(iter(result.scalars()))``; ``rows`` of ``rows.one()``), else None. (Any other call,
    ``parent.make_child()``, makes another object.)"""
    node = value.value if isinstance(value, ast.Await) else value
    steps = 0
    while True:
        if (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _RESULT_METHODS
        ):
            node = node.func.value
        elif isinstance(node, (ast.Subscript, ast.Attribute)):
            node = node.value  # (an item or an attribute of a row read: `row[0]`, `row.User`)
        elif (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("next", "iter")
            and len(node.args) >= 1
        ):
            node = node.args[0]
        else:
            break
        steps += 1
    return node.id if isinstance(node, ast.Name) and steps else None


# a result's methods that give its rows (or another result of them)
_RESULT_METHODS = frozenset({
    "scalars", "scalar", "scalar_one", "scalar_one_or_none", "one", "one_or_none", "first", "all", "unique",
    "fetchone", "fetchall", "fetchmany", "mappings", "tuples", "partitions",
})


def _read_after(function: ast.AST, name: str, add: ast.Call) -> bool:
    """Is ``name`` read after the ``add`` call, other than as the argument of a session
    method (``session.refresh(name)``, ``session.expunge(name)``)?"""
    start = _position(add)
    handed: set[int] = set()
    for call in ast.walk(function):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in _SESSION_METHODS:
            handed.update(id(arg) for arg in call.args)
    return any(
        isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)
        and _position(node) > start and id(node) not in handed
        for node in ast.walk(function)
    )


def _built_here(function: ast.AST, name: str, start: tuple[int, int]) -> bool:
    """Is ``name`` a local the function binds, before ``start``, only to calls (``Event(...)``),
    never a parameter (the caller holds that object, and may read it)?"""
    args = function.args  # type: ignore[attr-defined]
    if name in {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if a}:
        return False
    values = [value for _, value in _assignments_before(function, name, start)]
    return bool(values) and all(isinstance(value, ast.Call) for value in values)


def _assignments_before(
    function: ast.AST, name: str, start: tuple[int, int]
) -> list[tuple[tuple[int, int], ast.expr | None]]:
    """Where, before ``start``, the function binds ``name`` by assignment, and to what, in
    source order: ``name = v`` and ``name: T = v`` give ``v`` (``None`` for a bare
    annotation); an unpacking gives the matching item of a tuple written out
    (``user, event = User(), Event()``), else the whole value (``(user,) = result.one()``
    unpacks a row)."""
    found = []
    for stmt in ast.walk(function):
        if isinstance(stmt, (ast.For, ast.AsyncFor)) and _position(stmt) < start:
            # (`for order in result.scalars():`, `for order, _count in result:`: a row of what
            # it iterates; the loop's bindings count as one, at the loop)
            if any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(stmt.target)):
                found.append((_position(stmt), _iterated_row(stmt.iter)))
            continue
        if not isinstance(stmt, (ast.Assign, ast.AnnAssign)) or _position(stmt) >= start:
            continue
        for target in stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]:
            if isinstance(target, ast.Name) and target.id == name:
                found.append((_position(stmt), stmt.value))
            elif isinstance(target, (ast.Tuple, ast.List)):
                value = _unpacked(target, name, stmt.value)
                if value is not None:
                    found.append((_position(stmt), value))
    return sorted(found, key=lambda pair: pair[0])


def _unpacked(target: ast.Tuple | ast.List, name: str, value: ast.expr | None) -> ast.expr | None:
    """What the unpacking ``target = value`` binds to ``name``, if ``name`` is one of its
    plain items: the matching item of a tuple or list written out with as many items and no
    ``*``; the whole value when that is a row read by a result's method (``(user,) =
    result.one()``: an item of the row); else None (``user, created = await
    self.get_or_create(...)`` may give a new object)."""
    items = target.elts
    if not any(isinstance(item, ast.Name) and item.id == name for item in items):
        return None
    if (
        isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(items)
        and not any(isinstance(v, ast.Starred) for v in (*items, *value.elts))
    ):
        return next(v for item, v in zip(items, value.elts) if isinstance(item, ast.Name) and item.id == name)
    row = value.value if isinstance(value, ast.Await) else value
    if isinstance(row, ast.Call) and isinstance(row.func, ast.Attribute) and row.func.attr in _RESULT_METHODS:
        return value
    if isinstance(row, ast.Name):
        return row  # (`order, _count = row`: what `row` holds, read in turn)
    return None


def _iterated_row(iterated: ast.expr) -> ast.expr | None:
    """What a loop over ``iterated`` binds, as :meth:`_loaded_before` reads it: a name's rows
    (``for row in result``), a result method's (``result.scalars()``: its holder), a call
    (``await session.scalars(...)``, read for the session); else None."""
    while (  # (`enumerate(result)`, `reversed(orders)`: the rows of what they are given)
        isinstance(iterated, ast.Call) and isinstance(iterated.func, ast.Name)
        and iterated.func.id in _ROW_WRAPPERS and len(iterated.args) == 1
    ):
        iterated = iterated.args[0]
    if isinstance(iterated, (ast.Name, ast.Call, ast.Await)):
        return iterated
    return None


# builtins that give the items of what they are given (with an index: enumerate)
_ROW_WRAPPERS = frozenset({"enumerate", "reversed", "sorted", "list", "tuple", "iter"})

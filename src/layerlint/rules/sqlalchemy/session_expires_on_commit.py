"""LL306 session-expires-on-commit: an async session factory without `expire_on_commit=False`.

## What it does
Flags `async_sessionmaker(...)`, and `sessionmaker(..., class_=AsyncSession)`
(SQLAlchemy's or SQLModel's `AsyncSession`, or a class deriving from it, of the module or
of a project module: `class RoutingSession(AsyncSession)`), that do not pass
`expire_on_commit=False` (missing, or a literal `True`). A non-literal value, or
`*args`/`**kwargs` that may hold it, is not flagged, nor a factory assigned to a name the
module later configures with it (`SessionLocal.configure(bind=engine,
expire_on_commit=False)` at startup), or that another module of the project (not a test
module: a fixture's `configure` is for the tests) imports and so configures (`from app.db
import SessionLocal`, also through a package that re-exports it, or `from app import db`
then `db.SessionLocal.configure(...)`). Also flags `factory.configure(expire_on_commit=True)` on
such a factory of the module, there rather than at the factory, which it overrides. A name
a function binds is that function's: another function's `factory.configure(...)` is
another factory's.
Nothing in an Alembic script folder is checked (a migration, or a module beside
the revisions: `migrations/shared/utils.py`, whose frozen models belong to the
migration history).

## Why is this bad?
With the default `expire_on_commit=True` every loaded object is expired by
`commit()`, and the next attribute access reloads it from the database. Under
`AsyncSession` that reload is an implicit I/O the attribute access cannot await:
returning `user.email` after `await session.commit()` raises `MissingGreenlet`.
SQLAlchemy's asyncio documentation recommends `expire_on_commit=False`.

## Example
```python
async_session_factory = async_sessionmaker(engine)
```

## Use instead
```python
async_session_factory = async_sessionmaker(engine, expire_on_commit=False)
```

## Fix safety
Every finding has a fix, and it is unsafe: `expire_on_commit=True` (a keyword,
also of `configure(...)`, or the fifth positional argument of SQLAlchemy 1.4's
`sessionmaker`) becomes `False`, and a factory without the argument gets `expire_on_commit=False` as its
last argument. It changes what
the program does: after a commit, objects keep the values they had instead of
being reloaded on the next attribute access, so code that relied on the reload
(to see column values computed by the database at commit time, such as
`server_default`/`onupdate` values or trigger results, or rows changed by
another transaction) reads stale values unless it calls
`await session.refresh(obj)` (see LL310). Review the code that uses objects
after `commit()` before applying it with `--unsafe-fixes`.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass

from layerlint.context import FUNCTION_TYPES, FileContext
from layerlint.diagnostics import FIX_UNSAFE
from layerlint.facts.names import scope_locals
from layerlint.facts.project_classes import project_class_bases
from layerlint.facts.sessions import SESSION_TYPES, own_nodes
from layerlint.facts.sqlalchemy import has_star_kwargs, keyword, sa_call, sa_spellings, uses_sqlalchemy
from layerlint.facts.union_inspection import file_scan_spec
from layerlint.rule import Rule

_FACTORIES = frozenset({"async_sessionmaker", "sessionmaker"})
_ASYNC_SESSIONS = frozenset(t for t in SESSION_TYPES if t.endswith(".AsyncSession"))
# SQLAlchemy 1.4: sessionmaker(bind, class_, autoflush, autocommit, expire_on_commit, info);
# 2.0 takes only `bind` positionally
_EXPIRE_POSITION = 4


class SessionExpiresOnCommit(Rule):
    code = "LL306"
    name = "session-expires-on-commit"
    summary = "async session factory without expire_on_commit=False"
    fix_availability = "always"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return uses_sqlalchemy(ctx) and "sessionmaker" in ctx.source

    def needles(self) -> set[str]:
        # the callee of a reported call spells the factory or an import alias of it, or `configure`
        return sa_spellings(self.ctx, _FACTORIES) | ({"configure"} if ".configure(" in self.ctx.source else set())

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Attribute) and node.func.attr == "configure":
            self._check_configure(node)
            return
        factory = self._async_factory(node)
        if factory is None:
            return
        kw = keyword(node, "expire_on_commit")
        value = kw.value if kw is not None else None
        if value is None and len(node.args) > _EXPIRE_POSITION:
            value = node.args[_EXPIRE_POSITION]
        if value is None:
            if has_star_kwargs(node) or any(isinstance(arg, ast.Starred) for arg in node.args):
                return
            if self._configured(node):
                return
        elif not (isinstance(value, ast.Constant) and value.value is True):
            return
        # (review 120: "without" read wrongly where the argument is written, as True)
        shown = "without `expire_on_commit=False`" if value is None else "with `expire_on_commit=True`"
        self.report(node, f"`{factory}()` {shown}: objects expire on commit and "
                          "reloading them on attribute access fails under AsyncSession", fix=FIX_UNSAFE)

    def _async_factory(self, node: ast.Call) -> str | None:
        """The factory ``node`` calls, when it makes async sessions."""
        factory = sa_call(node, self.ctx, _FACTORIES)
        if factory == "sessionmaker" and not self._makes_async_sessions(node):
            return None
        return factory

    def _makes_async_sessions(self, node: ast.Call) -> bool:
        kw = keyword(node, "class_")
        value = kw.value if kw is not None else node.args[1] if len(node.args) > 1 else None
        return value is not None and self._async_session_class(value, 0)

    def _async_session_class(self, value: ast.expr, depth: int) -> bool:
        """``AsyncSession`` (SQLAlchemy's or SQLModel's), or a class deriving from it: one of
        the module (``class RoutingSession(AsyncSession)``) or of a project module (read there)."""
        qualified = self.ctx.resolve(value)
        if qualified in _ASYNC_SESSIONS:
            return True
        if isinstance(value, ast.Name) and qualified is None and depth < 8:
            classes = [
                stmt for stmt in self.ctx.tree.body if isinstance(stmt, ast.ClassDef) and stmt.name == value.id
            ]
            return len(classes) == 1 and any(self._async_session_class(base, depth + 1) for base in classes[0].bases)
        if qualified is not None and self.ctx.is_first_party(qualified):
            return bool((project_class_bases(qualified, self.ctx) or frozenset()) & _ASYNC_SESSIONS)
        return False

    def _configured(self, node: ast.Call) -> bool:
        """Is the factory call (without the argument) assigned to a name configured later with
        it, in this module or, imported, in another (``SessionLocal.configure(bind=engine,
        expire_on_commit=False)`` at startup), or with a literal True in this module (reported
        there instead, where the fix cures it)?"""
        facts = _scoped_names(self.ctx)
        assigned = facts.assigned.get(id(node))
        if assigned is None:
            return False
        if assigned in facts.configured:
            return True
        scope, name = assigned
        if scope != id(self.ctx.tree):
            return False  # (a function's own factory: no other module configures it)
        stem = os.path.abspath(self.ctx.path)
        stem = os.path.dirname(stem) if stem.endswith(os.sep + "__init__.py") else stem[: -len(".py")]
        spec = file_scan_spec(self.ctx)
        if self.ctx.external("factory_configured", stem, name, *spec):
            return True
        # (configured through a package that re-exports it: `from app.db import SessionLocal`)
        own = f"{self.ctx.module}.{name}"
        for entry in self.ctx.external("factory_configurers", name, *spec):
            module = entry[2:] if entry.startswith("m:") else self.ctx.module_at(entry[2:])
            if module and any(hop == own for hop, _ in self.ctx.reexport_hops(f"{module}.{name}", 4)):
                return True
        return False

    def _check_configure(self, node: ast.Call) -> None:
        """``factory.configure(expire_on_commit=True)`` on an async session factory of the module."""
        kw = keyword(node, "expire_on_commit")
        receiver = node.func.value  # type: ignore[attr-defined]
        if kw is None or not (isinstance(kw.value, ast.Constant) and kw.value.value is True):
            return
        facts = _scoped_names(self.ctx)
        target = facts.configuring.get(id(node))  # (the scope and name the call configures)
        if target is None or not any(
            facts.assigned.get(id(call)) == target and self._async_factory(call) is not None
            for call in facts.calls
        ):
            return
        self.report(node, f"`{receiver.id}.configure(expire_on_commit=True)`: objects expire on commit and "
                          "reloading them on attribute access fails under AsyncSession", fix=FIX_UNSAFE)


@dataclass(frozen=True)
class _ScopedNames:
    assigned: dict[int, tuple[int, str]]  # a call (by id) assigned to a name -> (its scope's id, the name)
    calls: tuple[ast.Call, ...]  # those calls
    configured: frozenset[tuple[int, str]]  # (scope id, name) configured with expire_on_commit= or **kwargs
    configuring: dict[int, tuple[int, str]]  # a `.configure(...)` call (by id) -> (scope id, name) it configures


def _scoped_names(ctx: FileContext) -> _ScopedNames:
    """The calls the module assigns to plain names and the ``name.configure(...)`` calls, each
    name taken in the scope that binds it: the innermost function around that binds the name
    (a closure configuring its enclosing function's ``factory``), else the module's
    (``init_db()`` configuring the module's ``SessionLocal``); a class body's own names are its
    own. Two functions' ``factory`` are two names."""
    return ctx.memo("sqlalchemy.scoped_factory_names", lambda: _read_scoped_names(ctx.tree))


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _class_body_names(cls: ast.ClassDef) -> set[str]:
    return {
        target.id for stmt in cls.body if isinstance(stmt, (ast.Assign, ast.AnnAssign))
        for target in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]) if isinstance(target, ast.Name)
    }


def _read_scoped_names(tree: ast.Module) -> _ScopedNames:
    assigned: dict[int, tuple[int, str]] = {}
    calls: list[ast.Call] = []
    configured: set[tuple[int, str]] = set()
    configuring: dict[int, tuple[int, str]] = {}
    module = id(tree)
    # each scope with the functions around it, innermost first, and the names each binds
    scopes: list[tuple[ast.AST, tuple[tuple[int, frozenset[str]], ...]]] = [(tree, ())]
    while scopes:
        scope, around = scopes.pop()
        if isinstance(scope, (*FUNCTION_TYPES, ast.Lambda)):
            chain = ((id(scope), scope_locals(scope)), *around)
        elif isinstance(scope, ast.ClassDef):
            chain = ((id(scope), frozenset(_class_body_names(scope))), *around)
        else:
            chain = around

        def owner(name: str, chain: tuple[tuple[int, frozenset[str]], ...] = chain) -> int:
            # (a class body's names are not seen from the functions inside it)
            return next((key for key, bound in chain if name in bound), module)

        for node in own_nodes(scope, _SCOPES):
            if isinstance(node, _SCOPES):
                inner = tuple(
                    entry for entry in chain if not isinstance(scope, ast.ClassDef) or entry[0] != id(scope)
                )
                scopes.append((node, inner))
            elif isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Call):
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    if isinstance(target, ast.Name):
                        assigned[id(node.value)] = (owner(target.id), target.id)
                        calls.append(node.value)
            elif (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "configure"
                and isinstance(node.func.value, ast.Name)
            ):
                key = (owner(node.func.value.id), node.func.value.id)
                configuring[id(node)] = key
                if any(kw.arg is None or kw.arg == "expire_on_commit" for kw in node.keywords):
                    configured.add(key)  # (a literal True too: reported at that call)
    return _ScopedNames(assigned, tuple(calls), frozenset(configured), configuring)

"""LL107 service-runs-queries: a service builds or executes SQL itself.

## What it does
In a services module, flags SQLAlchemy statement constructors (`select`,
`insert`, `update`, `delete`, `text`, resolved through imports, also through
a project module that re-exports them: `from app.sqlkit import select`) and calls of
`execute`, `scalar`, `scalars` or `stream` on a session (and SQLModel's
`exec`, and the legacy `query`, which run queries as `execute` does; see LL106
for what counts as a session). Transaction control (`commit`, `rollback`, `begin`) is
allowed: a service owns the unit of work.

A constructor inside a table definition is not a query and is not flagged: an
argument, at any depth, of SQLAlchemy's `Column`, `mapped_column`,
`column_property`, `deferred`, `Table`, `Index`, `Computed` or a constraint, or
of SQLModel's `Field` (`server_default=text("0")`, `Index("ix", text("lower(name)"))`,
`postgresql_where=text("active")`), or the value of `__table__` in a class body
(a class mapped onto a SELECT): a model kept under a services folder
defines its schema there, and a repository cannot take it. Nor is a query
inside an endpoint (`@router.get(...)`, or a handler Starlette's routing calls, as
LL108 reads it): route code (LL106's subject), even in a
module whose folder reads as services (a feature package named `service`).

One query is one finding: a constructor in the arguments of a flagged session
call (`session.execute(select(User))`), or anywhere in a statement being built
(`select(User).where(User.id.in_(select(Ban.user_id)))`, `.where(text(...))`),
is part of that finding. A statement built first and run later
(`stmt = select(User)`, then `session.execute(stmt)`) is two lines to move, and
two findings.

## Why is this bad?
Services hold business logic and call repositories. A query in a service
duplicates data access that belongs in one place, and makes the service
impossible to test with a fake repository.

## Example
```python
class UserService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def active_users(self):
        result = await self.session.execute(select(User).where(User.is_active))
        return result.scalars().all()
```

## Use instead
```python
class UserService:
    def __init__(self, session: AsyncSession) -> None:
        self.repo = UserRepository(session)

    async def active_users(self):
        return await self.repo.list_active()
```

## Fix safety
No fix.
"""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.facts.fastapi import in_route_code
from layerlint.facts.sessions import STATEMENT_BUILDERS, call_ids, imports_project_statement_builder, query_at
from layerlint.facts.sqlalchemy import sa_name, sa_spellings
from layerlint.rule import Rule

# (exec: SQLModel's execute; query: the legacy Query API)
QUERY_METHODS = frozenset({"execute", "scalar", "scalars", "stream", "exec", "query"})
_SESSION_CALLS = tuple(f".{method}(" for method in sorted(QUERY_METHODS))
# calls whose arguments define a table (DDL: defaults, index expressions, mapped subqueries)
TABLE_DEFINITIONS = frozenset({
    "Column", "mapped_column", "column_property", "deferred", "Table", "Index", "Computed",
    "CheckConstraint", "UniqueConstraint", "PrimaryKeyConstraint", "ForeignKeyConstraint", "Field",
})


class ServiceRunsQueries(Rule):
    code = "LL107"
    name = "service-runs-queries"
    summary = "service builds or executes SQL itself"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        # a session may be typed by a project class alone (`session: AsyncReadSession`, a
        # subclass of AsyncSession in app/db.py): a session method call lets the file in too
        # and a builder may come from a project module that re-exports it (`app/sqlkit.py`)
        return ctx.layer == "services" and (
            ctx.mentions("sqlalchemy", "sqlmodel") or any(call in ctx.source for call in _SESSION_CALLS)
            or imports_project_statement_builder(ctx)
        )

    def needles(self) -> set[str]:
        # a finding calls a session method by name, or (an alias of) a statement builder;
        # session facts are asked for only at such a method call
        return QUERY_METHODS | sa_spellings(self.ctx, STATEMENT_BUILDERS)

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        # ids of the calls not to report: inside a table definition, or part of a reported
        # query (one finding for `session.execute(select(User).where(User.id.in_(select(...))))`)
        self._covered: set[int] = set()

    def visit_Assign(self, node: ast.Assign) -> None:
        # `__table__ = select(...).subquery()` in a class body maps the class onto a SELECT
        scopes = self.ctx.scopes
        if scopes and isinstance(scopes[-1], ast.ClassDef) and any(
            isinstance(t, ast.Name) and t.id == "__table__" for t in node.targets
        ):
            self._covered |= call_ids(node.value)

    def visit_Call(self, node: ast.Call) -> None:
        if id(node) in self._covered:
            return
        if sa_name(node.func, self.ctx) in TABLE_DEFINITIONS:
            self._covered |= call_ids(node)
            return
        query = query_at(node, QUERY_METHODS, self.ctx)
        if query is None:
            return
        target, spelled, on_session = query
        if in_route_code(self.ctx):
            return  # an endpoint is route code (LL106's business), whatever its module's folder
        if on_session:
            self.report(target, f"service calls `{spelled}()` on a session: move queries to a repository")
        else:
            self.report(target, f"service builds a SQL statement with `{spelled}()`: move queries to a repository")
        self._covered |= call_ids(node)

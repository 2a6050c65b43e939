"""LL107 service-runs-queries: a service builds or executes SQL itself.

## What it does
In a services module, flags SQLAlchemy statement constructors (`select`,
`insert`, `update`, `delete`, `text`, resolved through imports) and calls of
`execute`, `scalar`, `scalars` or `stream` on a session (see LL106 for what
counts as a session). Transaction control (`commit`, `rollback`, `begin`) is
allowed: a service owns the unit of work.

A constructor inside a table definition is not a query and is not flagged: an
argument, at any depth, of SQLAlchemy's `Column`, `mapped_column`,
`column_property`, `deferred`, `Table`, `Index`, `Computed` or a constraint, or
of SQLModel's `Field` (`server_default=text("0")`, `Index("ix", text("lower(name)"))`,
`postgresql_where=text("active")`): a model kept under a services folder
defines its schema there, and a repository cannot take it.

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
from layerlint.facts.sessions import STATEMENT_BUILDERS, session_method_call, statement_builder
from layerlint.facts.sqlalchemy import sa_name, sa_spellings
from layerlint.rule import Rule
from layerlint.walk import nodes_of

QUERY_METHODS = frozenset({"execute", "scalar", "scalars", "stream"})
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
        return ctx.layer == "services" and ctx.mentions("sqlalchemy", "sqlmodel")

    def needles(self) -> set[str]:
        # a finding calls a session method by name, or (an alias of) a statement builder;
        # session facts are asked for only at such a method call
        return QUERY_METHODS | sa_spellings(self.ctx, STATEMENT_BUILDERS)

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._in_definitions: set[int] = set()  # ids of the calls inside a table definition

    def visit_Call(self, node: ast.Call) -> None:
        if id(node) in self._in_definitions:
            return
        if sa_name(node.func, self.ctx) in TABLE_DEFINITIONS:
            # (the walk enters a call before its arguments, and the definition's lines hold theirs)
            for argument in (*node.args, *(k.value for k in node.keywords)):
                self._in_definitions.update(id(call) for call in nodes_of(argument, ast.Call))
            return
        method = session_method_call(node, QUERY_METHODS, self.ctx)
        if method is not None:
            receiver = ast.unparse(node.func.value)  # type: ignore[attr-defined]
            self.report(node, f"service calls `{receiver}.{method}()` on a session: move queries to a repository")
            return
        builder = statement_builder(node, self.ctx)
        if builder is not None:
            self.report(node, f"service builds a SQL statement with `{builder}()`: move queries to a repository")

"""LL302 column-instead-of-mapped-column: `Column()` as an attribute of a declarative model.

## What it does
Flags `Column(...)` (from `sqlalchemy`, however imported: `sa.Column`,
`from sqlalchemy import Column as C`) assigned as a class attribute of a
declarative class: a model (a class with `__tablename__`, or a subclass of a
`DeclarativeBase` subclass, `declarative_base()` or `registry` base of the
module), its declarative base, an `__abstract__` class, or a mixin of the module
that such a class inherits from.

Not flagged: `Column` inside `Table(...)` (Core tables are not models), inside
`Field(sa_column=...)` of SQLModel, inside Alembic `op.*` calls, anywhere in a
migration, or a `Column` that does not come from SQLAlchemy.

## Why is this bad?
`Column` is the Core construct; SQLAlchemy 2.0's ORM declares attributes with
`mapped_column()`, which takes the same arguments plus ORM-only ones (`init=`,
`deferred=`, ...), derives type and nullability from the `Mapped[...]`
annotation, and is what type checkers understand. A model mixing the two styles
is harder to read and to type-check.

## Example
```python
class User(Base):
    __tablename__ = "users"

    id = Column(Integer, primary_key=True)
    email = Column(String(255), nullable=False)
```

## Use instead
```python
class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255))
```

## Fix safety
No fix is implemented yet. A rewrite `Column(...)` -> `mapped_column(...)` is
planned for the cases where it keeps the meaning (it will be available
"sometimes"); until then the finding is reported without a fix.
"""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.facts.sqlalchemy import class_attribute_values, declarative_class, is_column_call, uses_sqlalchemy
from layerlint.rule import Rule


class ColumnInsteadOfMappedColumn(Rule):
    code = "LL302"
    name = "column-instead-of-mapped-column"
    summary = "Column() as a class attribute of a declarative model; use mapped_column()"
    fix_availability = "sometimes"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return uses_sqlalchemy(ctx) and "Column" in ctx.source

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        info = declarative_class(node, self.ctx)
        if info is None or info.is_sqlmodel:
            return
        for stmt, _annotation, value in class_attribute_values(node):
            if is_column_call(value, self.ctx):
                self.report(value, f"`Column()` in declarative class `{node.name}`: use `mapped_column()`")

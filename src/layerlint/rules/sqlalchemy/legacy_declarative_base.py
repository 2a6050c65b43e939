"""LL304 legacy-declarative-base: `declarative_base()` instead of a `DeclarativeBase` subclass.

## What it does
Flags calls of `declarative_base()` from `sqlalchemy.orm` or the older
`sqlalchemy.ext.declarative` (however imported or aliased). Nothing in an
Alembic migration is checked.

## Why is this bad?
`declarative_base()` is the legacy API, kept in SQLAlchemy 2.0 for
compatibility. Its result is a dynamically created class that type checkers
cannot see through, so models built on it lose `Mapped[...]` typing; the 2.0
way is an ordinary class `class Base(DeclarativeBase)`, which also takes
`metadata`, `type_annotation_map` and mixins (`AsyncAttrs`) as plain class
attributes and bases.

## Example
```python
from sqlalchemy.orm import declarative_base

Base = declarative_base()
```

## Use instead
```python
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
```

## Fix safety
No fix is implemented yet. A rewrite of `Base = declarative_base()` into
`class Base(DeclarativeBase)` is planned for the simple cases (it will be
available "sometimes": not with `cls=`, `metaclass=` or a non-trivial target);
until then the finding is reported without a fix.
"""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.facts.sqlalchemy import sa_call, uses_sqlalchemy
from layerlint.rule import Rule


class LegacyDeclarativeBase(Rule):
    code = "LL304"
    name = "legacy-declarative-base"
    summary = "legacy declarative_base(); subclass DeclarativeBase"
    fix_availability = "sometimes"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return uses_sqlalchemy(ctx) and "declarative_base" in ctx.source

    def visit_Call(self, node: ast.Call) -> None:
        if sa_call(node, self.ctx, {"declarative_base"}):
            self.report(node, "legacy `declarative_base()`: define `class Base(DeclarativeBase)` instead")

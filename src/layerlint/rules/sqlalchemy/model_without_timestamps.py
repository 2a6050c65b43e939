"""LL309 model-without-timestamps: a model without `created_at`/`updated_at` columns (opt-in).

## What it does
Flags a declarative model class (as LL302 and LL303 read them: a class with
`__tablename__`, a subclass of a `DeclarativeBase`/`declarative_base()` base of
the module or of a class declared `metaclass=DeclarativeMeta`, a
`@registry.mapped` class, or a SQLModel `table=True` class) that neither defines
nor inherits (from classes of the same module) every configured timestamp
column, by default `created_at` and `updated_at`. Any binding of the name counts: an annotated
field, a `Column`/`mapped_column` assignment or a `@declared_attr` method, also
under an `if` or `try` of the class body.

No finding where a base class or mixin from outside the module may provide the
columns (a `Base` or `TimestampMixin` imported from another module, or a
function's parameter: a test fixture's `Base`, even when another function binds
a local `Base = declarative_base()`), or a metaclass other than SQLAlchemy's
`DeclarativeMeta` (`class Base(metaclass=ABCMeta)`: it may add them), for
`__abstract__` classes, declarative bases themselves, classes mapped to an
explicit `__table__`, and a class with `__tablename__` whose bases can never
map it (none, `Generic[...]`, `ABC`: a library's mixin, mapped through the model
that also inherits a declarative base). A subclass of a model of the module is
not reported either: it inherits the model's columns (and, without a
`__tablename__`, shares its table), so the finding is on the model. Nothing in
an Alembic migration is checked.

The rule is opt-in: enable it with `extend-select = ["LL309"]` (or select `ALL`).

## Why is this bad?
Knowing when a row was created and last changed is the first thing needed when
debugging data, syncing to other systems or auditing; adding the columns later
leaves every existing row without history. Projects that want every table to
carry them enforce it here.

## Example
```python
class Base(DeclarativeBase):
    pass


class Invoice(Base):
    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
```

## Use instead
```python
class Base(DeclarativeBase):
    pass


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class Invoice(TimestampMixin, Base):
    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
```

## Options
- `[tool.layerlint.sqlalchemy] timestamp-columns`: the column names every model
  must have (a list of strings; default `["created_at", "updated_at"]`).

## Fix safety
No fix: the columns need a migration.
"""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.facts.sqlalchemy import (
    base_expr,
    class_body_statements,
    declarative_classes,
    provided_names,
    uses_sqlalchemy,
)
from layerlint.rule import Option, Rule


class ModelWithoutTimestamps(Rule):
    code = "LL309"
    name = "model-without-timestamps"
    summary = "declarative model without created_at/updated_at columns"
    default_enabled = False
    options = (
        Option("sqlalchemy", "timestamp-columns", list, ("created_at", "updated_at"),
               "columns LL309 requires on every declarative model"),
    )

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return uses_sqlalchemy(ctx) and ("__tablename__" in ctx.source or "table=True" in ctx.source
                                         or "Base" in ctx.source or "mapped" in ctx.source)

    def finish(self) -> None:
        required = tuple(self.ctx.settings.option("sqlalchemy", "timestamp-columns"))
        if not required:
            return
        classes = declarative_classes(self.ctx)
        models = {info.node.name for info in classes if info.is_concrete_model}
        for info in classes:
            if not info.is_concrete_model or _has_explicit_table(info.node):
                continue
            if any(self._is_local(base, models) for base in info.node.bases):
                continue  # the finding, if any, is on the model it inherits from
            names = provided_names(info.node, self.ctx)
            if names is None:
                continue
            missing = [name for name in required if name not in names]
            if missing:
                listed = ", ".join(f"`{name}`" for name in missing)
                plural = "s" if len(missing) > 1 else ""
                self.report(info.node, f"model `{info.node.name}` has no {listed} column{plural}")


    def _is_local(self, base: ast.expr, models: set[str]) -> bool:
        """Is ``base`` (``Model`` or ``Model[T]``) a model defined in this module?"""
        base = base_expr(base)
        return isinstance(base, ast.Name) and base.id in models and base.id not in self.ctx.imports


def _has_explicit_table(cls: ast.ClassDef) -> bool:
    for stmt in class_body_statements(cls):
        if isinstance(stmt, ast.Assign):
            targets = stmt.targets
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            targets = [stmt.target]
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == "__table__" for t in targets):
            return True
    return False

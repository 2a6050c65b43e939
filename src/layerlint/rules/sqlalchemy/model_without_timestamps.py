"""LL309 model-without-timestamps: a model without `created_at`/`updated_at` columns (opt-in).

## What it does
Flags a declarative model class (as LL302 and LL303 read them: a class with
`__tablename__`, a subclass of a `DeclarativeBase`/`declarative_base()` base of
the module or of a class declared `metaclass=DeclarativeMeta`, a
`@registry.mapped` class, or a SQLModel `table=True` class) that neither defines
nor inherits every configured timestamp column, by default `created_at` and
`updated_at`. Any binding of the name counts: an annotated field, a
`Column`/`mapped_column` assignment (also `created_at, updated_at = ...`) or a
`@declared_attr` method, also under an `if` or `try` of the class body.

What a model inherits is read in its module and, for a base or mixin imported
from another project module (`from app.models.base import Base`, a
`TimestampMixin` of `app/models/mixins.py`, also through a package that
re-exports it), in that module and those of its own bases (read, never
imported; only for a model that lacks a column otherwise). That chain must end
in classes outside the project known to add no column: SQLAlchemy's
`DeclarativeBase`, `DeclarativeBaseNoMeta`, `MappedAsDataclass` and `AsyncAttrs`,
a `declarative_base()` (or `registry().generate_base()`, `@as_declarative()`,
`metaclass=DeclarativeMeta`) base, `Generic` and `ABC`, and SQLModel's `SQLModel`
for a SQLModel table.

No finding where a base class or mixin may provide the columns unseen: a class
of a library or of a module that cannot be found, a function's parameter (a test
fixture's `Base`, even when another function binds a local `Base =
declarative_base()`), a metaclass other than SQLAlchemy's `DeclarativeMeta`
(`class Base(metaclass=ABCMeta)`: it may add them); and, for a base read in
another module, a class decorator other than SQLAlchemy's `@as_declarative()`
and `@declarative_mixin`, an `__init_subclass__`, a `setattr()` on it, a
`declarative_base(cls=...)` (its class is not followed there), or a name bound
by anything but a class statement, an import or another name (`Model = Base`),
or bound twice. Nor for `__abstract__` classes, declarative bases themselves,
classes mapped to an explicit `__table__`, and a class with `__tablename__` whose
bases can never map it (none, `Generic[...]`, `ABC`, or plain classes of the
module or of another project module, read there, whose own bases are such: a
library's mixin, mapped through the model that also inherits a declarative base). A subclass of a model
is not reported either (of the module, or of another module: a class there that
gives `__tablename__` or `__table__` a value, or that derives from a declarative
base without being `__abstract__`): it inherits the model's columns (and,
without a `__tablename__`, shares its table), so the finding is on the model;
nor is a class defined in an `except ImportError:` handler (the older
SQLAlchemy's spelling of a model the `try` defines too: the finding is on that).
Nothing in an Alembic script folder is checked (a migration, or a module beside
the revisions: `migrations/shared/utils.py`, whose frozen models belong to the
migration history).

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
from layerlint.facts.fallbacks import in_import_fallback
from layerlint.facts.project_classes import gives_value
from layerlint.facts.sqlalchemy import (
    base_expr,
    declarative_classes,
    project_bases_names,
    provided_names_and_imports,
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
            if not info.is_concrete_model or gives_value(info.node, ("__table__",)):
                continue
            if in_import_fallback(self.ctx, info.node.lineno):
                continue  # the older SQLAlchemy's spelling of a model the `try` defines too
            if any(self._is_local(base, models) for base in info.node.bases):
                continue  # the finding, if any, is on the model it inherits from
            found = provided_names_and_imports(info.node, self.ctx)
            if found is None:
                continue
            names, imported = found
            missing = [name for name in required if name not in names]
            if missing and imported:
                # read the bases from other project modules only for a model missing a column here
                inherited = project_bases_names(imported, self.ctx, sqlmodel=info.is_sqlmodel)
                if inherited is None:
                    continue
                missing = [name for name in missing if name not in inherited]
            if missing:
                listed = ", ".join(f"`{name}`" for name in missing)
                plural = "s" if len(missing) > 1 else ""
                self.report(info.node, f"model `{info.node.name}` has no {listed} column{plural}")

    def _is_local(self, base: ast.expr, models: set[str]) -> bool:
        """Is ``base`` (``Model`` or ``Model[T]``) a model defined in this module?"""
        base = base_expr(base)
        return isinstance(base, ast.Name) and base.id in models and base.id not in self.ctx.imports

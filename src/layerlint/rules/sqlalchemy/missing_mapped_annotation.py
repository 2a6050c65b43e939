"""LL303 missing-mapped-annotation: a mapped attribute without a `Mapped[...]` annotation.

## What it does
Flags `mapped_column()` and `relationship()` (from `sqlalchemy.orm`, however
imported) assigned as a class attribute of a declarative class (see LL302) with
no annotation, or with an annotation that is not `Mapped[...]`
(`WriteOnlyMapped[...]`, `DynamicMapped[...]` and the subclasses of `Mapped`,
such as `MappedColumn[...]` and `Relationship[...]`, are accepted too). SQLModel
tables, which declare fields with plain annotations, are not checked.
Nothing in an Alembic script folder is checked (a migration, or a module beside
the revisions: `migrations/shared/utils.py`, whose frozen models belong to the
migration history).

## Why is this bad?
In SQLAlchemy 2.0 the `Mapped[...]` annotation is where the attribute's Python
type, and a column's nullability, come from; without it type checkers see the
attribute as a `MappedColumn`/`Relationship` object instead of an `int` or a
`list[Post]`, and a non-`Mapped` annotation is an error at mapping time unless
`__allow_unmapped__` is set.

## Example
```python
class Post(Base):
    __tablename__ = "posts"

    title = mapped_column(String(200))
    author = relationship("User", back_populates="posts", lazy="selectin")
```

## Use instead
```python
class Post(Base):
    __tablename__ = "posts"

    title: Mapped[str] = mapped_column(String(200))
    author: Mapped["User"] = relationship(back_populates="posts", lazy="selectin")
```

## Fix safety
The fix annotates `name = mapped_column(...)` with the `Mapped[...]` that keeps
the column as it is: the Python type of the column type given (`Integer` ->
`int`, `String`/`Text` -> `str`, `Boolean` -> `bool`, `DateTime`/`Date`/`Time`/
`Interval` -> `datetime.datetime`/`date`/`time`/`timedelta`, `Numeric` ->
`Decimal` and `Float` -> `float` (the other way round with `asdecimal=`), `Uuid`
-> `uuid.UUID` (`str` with `as_uuid=False`), `LargeBinary` -> `bytes`,
`Enum(Status)` -> `Status`, `Enum("a", "b")` -> `str`; from `sqlalchemy` or its
PostgreSQL dialect), with `| None` where the column is nullable by `Column`'s
rule (unless `nullable=False`, a primary key, also one named in the class's
`__table_args__` `PrimaryKeyConstraint`, or an `Identity()`): with an annotation,
`mapped_column` takes nullability from it. Below a 3.10 target a nullable column
gets `Optional[...]` instead (`typing.Optional`, imported if need be): SQLAlchemy
evaluates the annotation when the class is mapped, a string one too, and
`X | None` fails there before Python 3.10. The table is unchanged (the same
`CREATE TABLE`). Names are written as the module imports them, else imported
(`from sqlalchemy.orm import Mapped`, `from decimal import Decimal`).

No fix for `relationship()` (its annotation depends on the other side), for
another annotation (`x: int = mapped_column(...)`), a column without a type (a
`ForeignKey` only: the type comes from the other table), any other type (`JSON`,
a `TypeDecorator`, a dialect's own type such as Oracle's `DATE`, which holds a
datetime, `.with_variant(...)`), a `nullable=`, `primary_key=`, `asdecimal=` or
`as_uuid=` that is not a literal, an argument after the type that is not
SQLAlchemy's (`ident()`, a name: it may be an `Identity()`, which makes the
column NOT NULL), `a = b = mapped_column(...)`, when the class
body binds a name the annotation needs (a column named `datetime`) or the module
rebinds `int`/`str`/..., or when the project may run SQLAlchemy 1.x (as for
LL302).

Safe when every base of the class is known in the module (a base declared
`metaclass=DeclarativeMeta` is; one with another metaclass is not). Unsafe on a
mixin, a decorated class, a class with a base from another module, or where the
module uses `MappedAsDataclass`/`mapped_as_dataclass` (under a dataclass mapping the
annotated attribute becomes an `__init__` argument); on `Enum(Name)` with an
imported `Name` (taken for an enum class); and where SQLAlchemy comes through
another package, or no dependency file names any dependency and the module uses
no name only SQLAlchemy 2 has (as for LL302). Type checkers see the new types: code that relied on the
attribute being untyped may need a change.
"""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.facts.sqlalchemy import (
    class_attribute_values,
    declarative_class,
    is_mapped_annotation,
    is_mapped_column_call,
    is_relationship_call,
    uses_sqlalchemy,
)
from layerlint.facts.sqlalchemy_fix import mapped_annotation_fix
from layerlint.rule import Rule


class MissingMappedAnnotation(Rule):
    code = "LL303"
    name = "missing-mapped-annotation"
    summary = "mapped_column()/relationship() attribute without a Mapped[...] annotation"
    fix_availability = "sometimes"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return uses_sqlalchemy(ctx) and ("mapped_column" in ctx.source or "relation" in ctx.source)

    def needles(self) -> set[str]:
        # only classes are visited, and each spells `class` on its first line: every class is
        # still visited (the walk just skips what holds none)
        return {"class"}

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        info = declarative_class(node, self.ctx)
        if info is None or info.is_sqlmodel:
            return
        for stmt, annotation, value in class_attribute_values(node):
            if is_mapped_column_call(value, self.ctx):
                what = "mapped_column()"
            elif is_relationship_call(value, self.ctx):
                what = "relationship()"
            else:
                continue
            if annotation is None:
                fix = mapped_annotation_fix(info, stmt, value, self.ctx) if what == "mapped_column()" else None
                self.report(stmt, f"`{what}` attribute of `{node.name}` without a `Mapped[...]` annotation", fix=fix)
            elif not is_mapped_annotation(annotation):
                self.report(stmt, f"`{what}` attribute of `{node.name}` annotated without `Mapped[...]`")

"""LL303 missing-mapped-annotation: a mapped attribute without a `Mapped[...]` annotation.

## What it does
Flags `mapped_column()` and `relationship()` (from `sqlalchemy.orm`, however
imported) assigned as a class attribute of a declarative class (see LL302) with
no annotation, or with an annotation that is not `Mapped[...]`
(`WriteOnlyMapped[...]`, `DynamicMapped[...]` and the subclasses of `Mapped`,
such as `MappedColumn[...]` and `Relationship[...]`, are accepted too). SQLModel
tables, which declare fields with plain annotations, are not checked.

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
No fix: the annotation's type cannot be known reliably from the column.
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
from layerlint.rule import Rule


class MissingMappedAnnotation(Rule):
    code = "LL303"
    name = "missing-mapped-annotation"
    summary = "mapped_column()/relationship() attribute without a Mapped[...] annotation"

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
                self.report(stmt, f"`{what}` attribute of `{node.name}` without a `Mapped[...]` annotation")
            elif not is_mapped_annotation(annotation):
                self.report(stmt, f"`{what}` attribute of `{node.name}` annotated without `Mapped[...]`")

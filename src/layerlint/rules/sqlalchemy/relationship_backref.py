"""LL307 relationship-backref: `relationship(..., backref=...)` instead of `back_populates`.

## What it does
Flags the `backref=` argument of `relationship()` (from `sqlalchemy.orm`,
however imported), whether a string or a `backref(...)` call; `backref=None` is
not flagged. SQLModel's `Relationship(sa_relationship_kwargs={"backref": ...})` (or
`dict(backref=...)`) is flagged too.
Nothing in an Alembic script folder is checked (a migration, or a module beside
the revisions: `migrations/shared/utils.py`, whose frozen models belong to the
migration history).

## Why is this bad?
`backref` creates the reverse attribute on the other class implicitly, at
mapping time: reading the other model you cannot see it, type checkers do not
know it exists, and it carries no `Mapped[...]` annotation or loader strategy of
its own. `back_populates` declares both sides explicitly.

## Example
```python
class User(Base):
    __tablename__ = "users"

    posts: Mapped[list["Post"]] = relationship(backref="author", lazy="selectin")
```

## Use instead
```python
class User(Base):
    __tablename__ = "users"

    posts: Mapped[list["Post"]] = relationship(back_populates="author", lazy="selectin")


class Post(Base):
    __tablename__ = "posts"

    author: Mapped["User"] = relationship(back_populates="posts", lazy="selectin")
```

## Fix safety
No fix: the other side of the relationship has to be written.
"""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.facts.sqlalchemy import (
    RELATIONSHIP_NAMES,
    is_relationship_call,
    is_sqlmodel_relationship_call,
    keyword,
    literal_mapping,
    sa_spellings,
    uses_sqlalchemy,
)
from layerlint.rule import Rule


class RelationshipBackref(Rule):
    code = "LL307"
    name = "relationship-backref"
    summary = "relationship(backref=...); use back_populates on both sides"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return uses_sqlalchemy(ctx) and "backref" in ctx.source

    def needles(self) -> set[str]:
        # a reported call's callee spells relationship/relation/Relationship or an import alias of one
        return sa_spellings(self.ctx, RELATIONSHIP_NAMES)

    def visit_Call(self, node: ast.Call) -> None:
        target: ast.AST | None = None
        if is_relationship_call(node, self.ctx):
            kw = keyword(node, "backref")
            target = kw if kw is not None and not _is_none(kw.value) else None
        elif is_sqlmodel_relationship_call(node, self.ctx):
            kw = keyword(node, "sa_relationship_kwargs")
            mapping = literal_mapping(kw.value, self.ctx) if kw is not None else None
            value = mapping.get("backref") if mapping else None
            if value is not None and not _is_none(value.value if isinstance(value, ast.keyword) else value):
                target = value
        if target is not None:
            self.report(target, "`backref=` creates the reverse relationship implicitly: declare both sides "
                                "with `back_populates=`")


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None

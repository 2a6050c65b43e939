"""LL301 async-unsafe-relationship-loading: a relationship that lazy-loads on attribute access.

## What it does
Flags a `relationship()` (from `sqlalchemy.orm`, however imported or aliased)
whose loader strategy is not async-safe: no `lazy=` at all (the default
`"select"` loads on first attribute access), or `lazy="select"`, `lazy=True`
(the same as `"select"`) or `lazy="dynamic"`. SQLModel's
`Relationship()` is checked the same way, through its `sa_relationship_kwargs`
(a `{...}` display or a `dict(...)` call).

Accepted by default: `"selectin"`, `"joined"`, `"subquery"`, `"immediate"`,
`"raise"`, `"raise_on_sql"`, `"noload"`, `"write_only"` (and `lazy=False`, which
means `"joined"`, and `lazy=None`, which means `"noload"`). A `lazy=` that is not
a literal, or a call with `**kwargs`, is not flagged. Without `lazy=`, an
attribute annotated `WriteOnlyMapped[...]` loads `"write_only"` and one
annotated `DynamicMapped[...]` loads `"dynamic"`, as SQLAlchemy reads them.
Nothing in an Alembic script folder is checked (a migration, or a module beside
the revisions: `migrations/shared/utils.py`, whose frozen models belong to the
migration history).

Nothing is flagged in a project that cannot run an `AsyncSession`: its dependency
files (`pyproject.toml` dependencies, `requirements*.txt` and the files they include, `uv.lock`,
`poetry.lock`, `pdm.lock`, `Pipfile.lock`, `Pipfile`, `install_requires` of setup.cfg and
setup.py, in the project root and up to the repository root) name SQLAlchemy, SQLModel or Flask-SQLAlchemy but no
driver the asyncio extension can use (`asyncpg`, `aiosqlite`, `aiomysql`,
`asyncmy`, `aioodbc`, `psycopg` 3, `oracledb`) and no asyncio extra
(`sqlalchemy[asyncio]`, `sqlalchemy[postgresql_asyncpg]` ...), and the module
imports nothing from `sqlalchemy.ext.asyncio` or `sqlmodel.ext.asyncio`. Lazy
loading works under a plain `Session`. Without dependency files, or when they do
not name SQLAlchemy, relationships are checked.

## Why is this bad?
Under `AsyncSession` an attribute access cannot await, so a lazy load raises
`MissingGreenlet` (`greenlet_spawn has not been called`) the first time
`user.posts` is read outside an explicit eager load. The failure only shows at
run time, on the code path that happens to touch the attribute. Choosing the
strategy on the relationship (`"selectin"`, or `"raise"` to force explicit
`selectinload(...)` in queries) makes the behaviour visible and safe.

## Example
```python
class User(Base):
    __tablename__ = "users"

    posts: Mapped[list["Post"]] = relationship(back_populates="author")
```

## Use instead
```python
class User(Base):
    __tablename__ = "users"

    posts: Mapped[list["Post"]] = relationship(back_populates="author", lazy="selectin")
```

## Options
- `[tool.layerlint.sqlalchemy] allowed-lazy`: the loader strategies accepted
  (a list of strings). `True`/`False`/`None` count as `"select"`/`"joined"`/
  `"noload"`, and a missing `lazy=` as `"select"`; so adding `"select"` accepts
  relationships without `lazy=`.
- `[tool.layerlint.sqlalchemy] check-sync-projects`: `true` checks relationships
  in a project judged sync-only as well (default `false`).

## Fix safety
No fix: the right strategy depends on how the relationship is queried.
"""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.facts import dependencies as deps
from layerlint.facts.sqlalchemy import (
    RELATIONSHIP_NAMES,
    has_star_kwargs,
    is_relationship_call,
    is_sqlmodel_relationship_call,
    keyword,
    literal_mapping,
    sa_name,
    sa_spellings,
    unquoted,
    uses_sqlalchemy,
)
from layerlint.rule import Option, Rule

DEFAULT_ALLOWED = ("selectin", "joined", "subquery", "immediate", "raise", "raise_on_sql", "noload", "write_only")
_LITERAL_MEANING = {True: "select", False: "joined", None: "noload"}
_ASYNC_MODULES = ("sqlalchemy.ext.asyncio", "sqlmodel.ext.asyncio")
_MISSING = object()
_UNKNOWN = object()
# the strategy a relationship takes from its attribute's annotation when it sets no lazy=
_ANNOTATION_STRATEGIES = {"WriteOnlyMapped": "write_only", "DynamicMapped": "dynamic"}


def _lazy_value(node: ast.AST) -> object:
    """The strategy a literal ``lazy=`` names, or ``_UNKNOWN``."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):
            return node.value
        if node.value is None or isinstance(node.value, bool):
            return _LITERAL_MEANING[node.value]
    return _UNKNOWN


class AsyncUnsafeRelationshipLoading(Rule):
    code = "LL301"
    name = "async-unsafe-relationship-loading"
    summary = "relationship() whose loading is not async-safe"
    options = (
        Option("sqlalchemy", "allowed-lazy", list, DEFAULT_ALLOWED,
               "loader strategies (`lazy=`) that LL301 accepts"),
        Option("sqlalchemy", "check-sync-projects", bool, False,
               "check relationships in projects whose dependencies rule out `AsyncSession` too"),
    )

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return uses_sqlalchemy(ctx) and ("relation" in ctx.source or "Relationship" in ctx.source)

    def needles(self) -> set[str]:
        # a reported call's callee spells relationship/relation/Relationship or an import alias of one
        return sa_spellings(self.ctx, RELATIONSHIP_NAMES)

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._annotated: dict[int, tuple[str, str]] = {}  # id of a call -> (strategy, annotation)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        # (the walk enters the assignment before the call it holds)
        if isinstance(node.value, ast.Call):
            annotation = unquoted(node.annotation)
            if isinstance(annotation, ast.Subscript):
                name = sa_name(annotation.value, self.ctx)
                if name in _ANNOTATION_STRATEGIES:
                    self._annotated[id(node.value)] = (_ANNOTATION_STRATEGIES[name], name)

    def visit_Call(self, node: ast.Call) -> None:
        if is_relationship_call(node, self.ctx):
            written = self._from_call(node)
            shown = "relationship()"
        elif is_sqlmodel_relationship_call(node, self.ctx):
            written = self._from_sqlmodel(node)
            shown = "Relationship()"
        else:
            return
        lazy = written if written is _MISSING else _lazy_value(written)
        if lazy is _UNKNOWN:
            return
        allowed = self.ctx.settings.option("sqlalchemy", "allowed-lazy")
        annotated = self._annotated.get(id(node)) if lazy is _MISSING else None
        strategy = annotated[0] if annotated else "select" if lazy is _MISSING else lazy
        if strategy in allowed or self._sync_only():
            return
        setting = 'sa_relationship_kwargs={"lazy": "selectin"}' if shown == "Relationship()" else 'lazy="selectin"'
        if annotated:
            self.report(
                node,
                f'{shown} of a `{annotated[1]}[...]` attribute loads with "{strategy}", which is not '
                'async-safe: annotate it `WriteOnlyMapped[...]`, or `Mapped[...]` with `lazy="selectin"`',
            )
        elif lazy is _MISSING:
            self.report(
                node,
                f'{shown} without `lazy=` lazy-loads on attribute access (default "select"), which fails '
                f'under AsyncSession: set `{setting}` (or `"raise"` and load it explicitly)',
            )
        else:
            # (`lazy=True` is written so, and named with what it means)
            value = written.value if isinstance(written, ast.Constant) else None
            spelled = (
                f'`lazy="{strategy}"`' if isinstance(value, str) else f'`lazy={value!r}` (that is, `"{strategy}"`)'
            )
            self.report(
                node, f'{shown} with {spelled} is not async-safe: use `"selectin"`, `"joined"` or `"raise"`'
            )

    def _sync_only(self) -> bool:
        """Can the project not run an AsyncSession (see the docstring)? Asked only for a
        relationship about to be reported, so only such files depend on the answer."""
        ctx = self.ctx
        if ctx.settings.option("sqlalchemy", "check-sync-projects"):
            return False
        if any(target.startswith(_ASYNC_MODULES) for target in ctx.imports.values()):
            return False
        return bool(ctx.external("sqlalchemy_sync_only", str(deps.start_folder(ctx.path, ctx.settings.root))))

    @staticmethod
    def _from_call(node: ast.Call) -> object:
        """The ``lazy=`` value of a ``relationship()``, :data:`_MISSING` or :data:`_UNKNOWN`."""
        kw = keyword(node, "lazy")
        if kw is not None:
            return kw.value
        return _UNKNOWN if has_star_kwargs(node) else _MISSING

    def _from_sqlmodel(self, node: ast.Call) -> object:
        if keyword(node, "sa_relationship") is not None or has_star_kwargs(node):
            return _UNKNOWN  # a relationship() given whole is checked on its own
        kw = keyword(node, "sa_relationship_kwargs")
        if kw is None:
            return _MISSING
        mapping = literal_mapping(kw.value, self.ctx)
        if mapping is None:
            return _UNKNOWN
        if "lazy" not in mapping:
            return _MISSING
        value = mapping["lazy"]
        return value.value if isinstance(value, ast.keyword) else value

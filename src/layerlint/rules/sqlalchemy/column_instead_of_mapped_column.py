"""LL302 column-instead-of-mapped-column: `Column()` as an attribute of a declarative model.

## What it does
Flags `Column(...)` (from `sqlalchemy`, however imported: `sa.Column`,
`from sqlalchemy import Column as C`, or through a project module that
re-exports it, `from app.compat import sa`; there an alias, `Column = sa.Column`,
re-exports too, and so does a package's one star import of such a module: keystone's
`sql.Column`) assigned as a class attribute (also under
an `if` or `try` of the class body) of a declarative class: a model (a class
with `__tablename__`, or a subclass of a `DeclarativeBase` subclass,
`declarative_base()` or `registry` base of the module, or of a class declared
`metaclass=DeclarativeMeta` (SQLAlchemy's), or of such a base imported from
another project module, read there, when the class maps an attribute), its
declarative base, an `__abstract__` class, or a mixin of the module that such a
class inherits from; also set on such a class at the module's top level
below it (`Execution.task_id = Column(...)`, also annotated, in a tuple or in
an `if`/`try` block there; not when the module binds the class's name again),
without a fix; and each `Column(...)` of a tuple the class body unpacks into names
(`created_at, updated_at = Column(DateTime), Column(DateTime)`), without a fix. A base bound inside a function (`Base =
declarative_base()` in a test) counts only in that function: a parameter of the
same name in another (a fixture's `Base`) is an unknown class. A `Column` wrapped
in `deferred(...)` is flagged too (SQLAlchemy 2.0 writes `mapped_column(...,
deferred=True)`), without a fix.

Not flagged: `Column` inside `Table(...)` (Core tables are not models), inside
`Field(sa_column=...)` of SQLModel, inside Alembic `op.*` calls, anywhere in an
Alembic script folder (a migration, or a module beside the revisions:
`migrations/shared/utils.py`, whose frozen models belong to the migration
history), a `Column` that does not come from SQLAlchemy, or one that an
`except ImportError:` handler imports (the older SQLAlchemy's spelling, where the
`try` imports `mapped_column`: `from sqlalchemy import Column as _Column`).

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
The fix renames the call, `Column(...)` -> `mapped_column(...)`, keeping every
argument (`mapped_column` accepts all of `Column`'s), and imports
`mapped_column` from `sqlalchemy.orm` (or reuses `from sqlalchemy import orm`).
It is offered only where `mapped_column` builds the same column:

- unannotated (`id = Column(Integer, primary_key=True)`): when a type or a
  `ForeignKey` is visible among the arguments (`mapped_column` without an
  annotation refuses a column with neither; `Column()` makes a `NullType` one;
  a type class of another project module counts, read there, called or not:
  `Column(types.Json)`). Safe.
- annotated `Mapped[X]`: `mapped_column` reads nullability from the annotation
  (`Column` is nullable unless a primary key or given an `Identity()`, whatever
  the annotation says; an argument after the type that is not SQLAlchemy's,
  `ident()`, may be one: no fix then), and
  the type when none is given. So the fix needs a visible type or `ForeignKey`,
  and an explicit `nullable=` or an `X` whose `Optional`-ness gives the same
  nullability (`Mapped[str] = Column(String)` is nullable today and would become
  `NOT NULL`: no fix), and an `X` built from builtins, standard-library types
  and classes of the module (an imported name may be an `Annotated` alias whose
  `mapped_column()` arguments would be merged in). Safe when every base of the
  class is known in the module (a function's parameter is not, nor a class with
  a metaclass other than `DeclarativeMeta`); unsafe otherwise, or on a mixin,
  or where the module uses `MappedAsDataclass`, because under a dataclass
  mapping the attribute becomes an `__init__` argument.
- no fix with any other annotation (`x: int = Column(...)`), for `a = b =
  Column(...)`, when the class body reads a `Column`-only attribute of it
  (`code.type`; operators such as `code.desc()` work on both) or hands it to a
  call that is not SQLAlchemy's (`generic_relationship(kind, key)`,
  `upper_of(name)`: a helper may read `.key` or test `isinstance(c, Column)`,
  which a `MappedColumn` fails; SQLAlchemy's constructs such as `Index(...)`,
  `relationship(foreign_keys=[...])` or `func.lower(...)`, a column's operator
  methods and `dict(...)`/`list(...)` take either, but not `composite(Point, x,
  y)`, which gives a `mapped_column` without `nullable=` the nullability of the
  dataclass's field: `x: int` makes it `NOT NULL`), when the name
  `mapped_column` is bound to something else in the module, or when the
  project's dependency files let it run SQLAlchemy 1.x, which has no
  `mapped_column` (a pin below 2.0, or a range such as `>=1.4` that also allows
  it; a lock file that lists SQLAlchemy decides instead), or when the module
  keeps an older SQLAlchemy working itself (an `except ImportError:` handler
  importing from `sqlalchemy`, or guarding an import from it: `async_sessionmaker =
  None` for a SQLAlchemy without it; or an `if` on the SQLAlchemy version:
  `if sqlalchemy.__version__.startswith("1."):`, a flag named for it such as
  `SQLALCHEMY_2`, `hasattr(orm, "DeclarativeBase")`) or needs one (it calls
  `select([...])` with a list, `update(t, values=...)`, `MetaData(bind=...)`,
  or another form 2.0 removed), or when `mapped_column` must be imported anew in
  a module that imports SQLAlchemy only inside functions or under a `try` (an
  optional dependency: a new top-level import would fail without it), or when
  `Column` comes through a project module that re-exports it (often the shim
  that keeps SQLAlchemy optional, which a new import from the package would
  bypass).
- unsafe when the dependency files list the project's dependencies but not
  SQLAlchemy: it comes through another package (`kombu[sqlalchemy]`), at a
  version the project does not choose; and when no dependency file names any
  dependency (a copied folder, an unpacked wheel) unless the module already uses
  a name only SQLAlchemy 2 has (`mapped_column`, `DeclarativeBase`, `WriteOnlyMapped`,
  `async_sessionmaker` ...): a SQLAlchemy 1.4 project would fail on the import.

Adding the `Mapped[...]` annotation is LL303's fix, applied in the next pass of
the same `--fix` where it can be.
"""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.facts.project_classes import module_level_statements, rebound_at_top
from layerlint.facts.sqlalchemy import (
    class_attribute_values,
    declarative_class,
    is_column_call,
    sa_name,
    uses_sqlalchemy,
)
from layerlint.facts.sqlalchemy_fix import column_fix
from layerlint.rule import Rule


class ColumnInsteadOfMappedColumn(Rule):
    code = "LL302"
    name = "column-instead-of-mapped-column"
    summary = "Column() as a class attribute of a declarative model; use mapped_column()"
    fix_availability = "sometimes"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return uses_sqlalchemy(ctx) and "Column" in ctx.source

    def needles(self) -> set[str]:
        # only classes are visited, and each spells `class` on its first line: every class is
        # still visited (the walk just skips what holds none)
        return {"class"}

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        info = declarative_class(node, self.ctx)
        if info is None or info.is_sqlmodel:
            return
        kind = "mixin" if info.kind == "mixin" else "declarative class"
        for stmt, annotation, value in class_attribute_values(node):
            if is_column_call(value, self.ctx):
                assert isinstance(value, ast.Call)
                self.report(
                    value,
                    f"`Column()` in {kind} `{node.name}`: use `mapped_column()`",
                    fix=column_fix(info, stmt, annotation, value, self.ctx),
                )
            elif (
                isinstance(value, ast.Call)
                and value.args
                and is_column_call(value.args[0], self.ctx)
                and sa_name(value.func, self.ctx) == "deferred"
            ):
                self.report(
                    value.args[0],
                    f"`Column()` in `deferred()` in {kind} `{node.name}`: use `mapped_column(..., deferred=True)`",
                )
            elif isinstance(value, ast.Tuple) and _unpacked_one_by_one(stmt, value):
                for item in value.elts:  # `created_at, updated_at = Column(...), Column(...)`
                    if is_column_call(item, self.ctx):
                        self.report(item, f"`Column()` in {kind} `{node.name}`: use `mapped_column()`")
        if self.ctx.scopes:
            return
        # `Task.owner_id = Column(...)` below the class, at the module's top level
        for value in self.ctx.memo("sqlalchemy.attributes_set_later", lambda: _attributes_set_later(self.ctx)).get(
            node.name, ()
        ):
            if is_column_call(value, self.ctx):
                self.report(value, f"`Column()` set on {kind} `{node.name}`: use `mapped_column()`")


def _unpacked_one_by_one(stmt: ast.stmt, value: ast.Tuple) -> bool:
    """Does ``a, b = x, y`` bind each name its own item (every target a tuple of as many
    plain names, no ``*``)?"""
    return isinstance(stmt, ast.Assign) and all(
        isinstance(target, (ast.Tuple, ast.List)) and len(target.elts) == len(value.elts)
        and all(isinstance(item, ast.Name) for item in target.elts)
        and not any(isinstance(item, ast.Starred) for item in value.elts)
        for target in stmt.targets
    )


def _attributes_set_later(ctx: FileContext) -> dict[str, list[ast.expr]]:
    """The values the module's top level (its if/try blocks too) assigns to an attribute of a
    name (``Task.owner_id = Column(...)``, annotated or in a tuple too), by that name, each once;
    none for a name bound twice there (``Task = Plain`` after the class: which one is set is
    not known)."""
    found: dict[str, dict[int, ast.expr]] = {}
    rebound = rebound_at_top(ctx)  # (as a project module's summary reads them)
    for stmt in module_level_statements(ctx.tree.body):
        if isinstance(stmt, ast.Assign):
            pairs = [(target, stmt.value) for target in stmt.targets]
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            pairs = [(stmt.target, stmt.value)]
        else:
            continue
        for target, value in pairs:
            if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts):
                pairs.extend(zip(target.elts, value.elts))
            elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                if isinstance(value, ast.Call):
                    found.setdefault(target.value.id, {})[id(value)] = value
    return {name: list(values.values()) for name, values in found.items() if name not in rebound}

"""LL308 client-side-timestamp-default: a timestamp column whose default is computed by the client.

## What it does
Flags `Column(...)` and `mapped_column(...)` (from SQLAlchemy, however imported)
whose `default=` (or `insert_default=`, or the `default_factory=` of a
`MappedAsDataclass` model's `mapped_column`) is a "now": `func.now()` (or another
current-time SQL function: `current_timestamp`, `localtimestamp`,
`utc_timestamp`, `sysdate`, ...), `datetime.now`/`datetime.utcnow`/
`datetime.today` passed or called (`datetime.now(timezone.utc)`, also with
`.replace(...)` or `.astimezone(...)` called on the result), a
`lambda: datetime.now(...)`, `functools.partial(datetime.now, ...)`, or a
function whose body only returns `datetime.now(...)` (whatever its parameters:
`def utcnow(tz=UTC)`), of the module or imported from another project module
(read there: `from app.core.clock import utc_now`, or its `utcnow =
partial(datetime.now, UTC)`), passed or called in a lambda
(`lambda: utils.utcnow()`), or a name bound once to one of
these, in the class body or at the module's top level (`NOW = func.now()`,
sqlalchemy-mixins' `__datetime_func__ = sa.func.now()`). In a
SQLModel table (`table=True`), and in a class of the module that such a table
derives from (`class Hero(HeroBase, table=True)`: `HeroBase`'s fields are the
table's columns; not a field every such table, or a class between, defines again),
`Field(default_factory=...)`/`Field(default=...)`
with such a value is flagged too, and so is a `"default"` key of its
`sa_column_kwargs={...}`. A primary-key or `unique=True` column (also through
`sa_column_kwargs`, or named in a `PrimaryKeyConstraint`, `UniqueConstraint` or unique
`Index` of the class's `__table_args__`, also a `@declared_attr.directive` method) is left alone:
the server's `now()` is the transaction's start time (whole seconds on SQLite),
so `server_default=func.now()` would give two rows the same key. `onupdate=` is not checked; nothing in an
Alembic script folder is checked (a migration, or a module beside
the revisions: `migrations/shared/utils.py`, whose frozen models belong to the
migration history). When the column also has a `server_default=`
(on the call, or on a SQLModel field's `sa_column=Column(...)` or in its
`sa_column_kwargs={"server_default": ...}`) that is the
current time (`func.now()`, `text("CURRENT_TIMESTAMP")`, `text("now()")`), the
message says to drop the client default (and to `refresh()` the object after the
flush, as LL310 asks, to read the server's value): the ORM sends the client's
time on every insert, so the server's default only serves other writers. When
that `server_default` is something else (a fixed back-fill date), dropping the
client default alone would stamp every new row with it: the message says to make
the server's default `func.now()` first.

## Why is this bad?
A `default=` is applied by SQLAlchemy when it builds the `INSERT`, not by the
database: rows written by another service, by raw SQL or by a migration get no
value; the timestamp comes from the application server's clock (and timezone)
instead of one shared clock; and `datetime.now()` *called* in the column
definition is evaluated once, at import time, stamping every row with the same
instant. `server_default=func.now()` puts the default in the table's DDL.

## Example
```python
class User(Base):
    __tablename__ = "users"

    created_at: Mapped[datetime] = mapped_column(default=datetime.utcnow)
```

## Use instead
```python
class User(Base):
    __tablename__ = "users"

    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
```

## Fix safety
No fix: moving the default to the server needs a migration of the table.
"""

from __future__ import annotations

import ast
import re

from layerlint.context import FileContext
from layerlint.facts.project_classes import statement_bindings
from layerlint.facts.sqlalchemy import (
    class_attribute_values,
    class_body_statements,
    client_timestamp_default,
    declarative_class,
    is_sqlmodel_field_call,
    sa_call,
    sa_qualified,
    sa_spellings,
    sql_now,
    table_key_columns,
    uses_sqlalchemy,
)
from layerlint.rule import Rule
from layerlint.walk import nodes_of

# default_factory: a dataclass-mapped column's factory, run by the model's __init__
_DEFAULT_KEYS = ("default", "insert_default", "default_factory")
_FIELD_KEYS = ("default_factory", "default")


class ClientSideTimestampDefault(Rule):
    code = "LL308"
    name = "client-side-timestamp-default"
    summary = "timestamp column with a client-side default; use server_default=func.now()"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return uses_sqlalchemy(ctx) and "default" in ctx.source and (
            "now" in ctx.source or "timestamp" in ctx.source or "today" in ctx.source or "sysdate" in ctx.source
            or "getdate" in ctx.source or "localtime" in ctx.source
        )

    def needles(self) -> set[str]:
        # a reported default sits in a Column()/mapped_column() call, or in a SQLModel Field() call
        # of the class body visited (whose lines hold the call): each spelled so or by an alias.
        # "class" keeps every class visited, as before: the declarative analysis is then made at
        # the first class, with the same imports (nested ones join the table during the walk)
        return sa_spellings(self.ctx, {"Column", "mapped_column", "Field"}) | {"class"}

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._found_table_bases: dict[int, list[frozenset[str]]] | None = None  # (see _table_bases)

    def visit_Call(self, node: ast.Call) -> None:
        if sa_call(node, self.ctx, {"Column", "mapped_column"}):
            self._check(node, _DEFAULT_KEYS)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        info = declarative_class(node, self.ctx)
        table = info is not None and info.is_sqlmodel
        overridden = None if table else self._table_bases().get(id(node))
        if not table and overridden is None:
            return
        for stmt, _annotation, value in class_attribute_values(node):
            if overridden is not None and all(_target_name(stmt) in names for names in overridden):
                continue  # (every table below redefines the field: its column is the table's own)
            if isinstance(value, ast.Call) and is_sqlmodel_field_call(value, self.ctx):
                self._check(value, _FIELD_KEYS)
                self._check_column_kwargs(value)

    def _table_bases(self) -> dict[int, list[frozenset[str]]]:
        """The classes of the module (by id) that a SQLModel table of the module derives from,
        by name, at any depth (``class Hero(HeroBase, table=True)``): their fields are the
        table's columns; with, for each way a table reaches one, the names the classes on the
        way (the table included) define themselves."""
        found = self._found_table_bases
        if found is None:
            classes = list(nodes_of(self.ctx.tree, ast.ClassDef))
            by_name: dict[str, list[ast.ClassDef]] = {}
            for cls in classes:
                by_name.setdefault(cls.name, []).append(cls)
            infos = [(cls, declarative_class(cls, self.ctx)) for cls in classes]
            pending = [
                (cls, _own_fields(cls), frozenset({id(cls)}))
                for cls, info in infos
                if info is not None and info.is_sqlmodel
            ]
            found = {}
            while pending:
                cls, below, path = pending.pop()
                for base in cls.bases:
                    if isinstance(base, ast.Name) and base.id not in self.ctx.imports:
                        for candidate in by_name.get(base.id, ()):
                            if id(candidate) not in path:
                                found.setdefault(id(candidate), []).append(below)
                                pending.append((candidate, below | _own_fields(candidate), path | {id(candidate)}))
            self._found_table_bases = found
        return found

    def _check_column_kwargs(self, field: ast.Call) -> None:
        """``Field(sa_column_kwargs={"default": func.now()})``: the column's own default."""
        if _is_key(field):
            return
        for kw in field.keywords:
            if kw.arg == "sa_column_kwargs" and isinstance(kw.value, ast.Dict):
                for key, value in zip(kw.value.keys, kw.value.values):
                    if isinstance(key, ast.Constant) and key.value in _DEFAULT_KEYS and value is not None:
                        self._check_default(key, key.value, value)

    def _check(self, call: ast.Call, keys: tuple[str, ...]) -> None:
        if _is_key(call) or self._in_table_key(call):
            return  # (a key stamped by the server: rows of one transaction, or one second, would clash)
        for kw in call.keywords:
            if kw.arg in keys:
                self._check_default(kw, kw.arg, kw.value, server_default=_server_default(call))

    def _check_default(
        self, node: ast.AST, key: str, value: ast.expr, *, server_default: ast.expr | None = None
    ) -> None:
        """Report ``key=value`` at ``node`` when the value is a client-side "now"."""
        spelled = client_timestamp_default(value, self.ctx)
        if not spelled:
            return
        # a SQL function is evaluated by the database, but only in the ORM's own INSERTs
        where = "applied by the ORM, not by the table" if sql_now(value, self.ctx) else "computed by the client"
        if server_default is None:
            self.report(node, f"timestamp default `{key}={spelled}` is {where}: use `server_default=func.now()`")
        elif self._current_time(server_default):
            self.report(node, f"timestamp default `{key}={spelled}` is {where}, and "
                              "every ORM insert sends it instead of the column's `server_default`: drop it "
                              "(and `refresh()` the object after the flush to read the server's value)")
        else:  # (a fixed back-fill value, say: dropping the client's "now" would stamp new rows with it)
            self.report(node, f"timestamp default `{key}={spelled}` is {where}, and the column's "
                              "`server_default` is not the current time: make it `func.now()` (a migration), "
                              "then drop the client default")

    def _in_table_key(self, call: ast.Call) -> bool:
        """Is the column, a class attribute, part of a key its class's ``__table_args__``
        declares: ``PrimaryKeyConstraint("sensor_id", "recorded_at")``, ``UniqueConstraint``,
        a unique ``Index``? (By its attribute name or its own name, ``Column("at", ...)``.)"""
        cls = self.ctx.enclosing_class()
        if cls is None or "__table_args__" not in self.ctx.source:
            return False
        keyed = table_key_columns(cls, self.ctx)
        if not keyed:
            return False
        names = {
            name for stmt in cls.body
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is call
            for name in statement_bindings(stmt)
        }
        if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
            names.add(call.args[0].value)
        return bool(names & keyed)

    def _current_time(self, server_default: ast.expr) -> bool:
        """``server_default=func.now()``, or ``text("CURRENT_TIMESTAMP")`` / ``text("now()")``."""
        if sql_now(server_default, self.ctx):
            return True
        if (
            isinstance(server_default, ast.Call)
            and len(server_default.args) == 1
            and isinstance(server_default.args[0], ast.Constant)
            and isinstance(server_default.args[0].value, str)
            and sa_qualified(server_default.func, self.ctx) in _TEXT_FUNCTIONS
        ):
            return _SQL_NOW_RE.fullmatch(server_default.args[0].value.strip()) is not None
        return False


_TEXT_FUNCTIONS = frozenset({"sqlalchemy.text", "sqlalchemy.sql.text", "sqlalchemy.sql.expression.text", "sqlmodel.text"})
# the current time in SQL text: `now()`, `CURRENT_TIMESTAMP`, `(datetime('now'))`, `timezone('utc', now())`
_SQL_NOW_RE = re.compile(
    r"\(?\s*(?:(?:now|current_timestamp|localtimestamp|transaction_timestamp|statement_timestamp|clock_timestamp"
    r"|getdate|getutcdate|sysdate|sysdatetime|utc_timestamp|localtime)\s*(?:\(\s*\d*\s*\))?"
    r"|datetime\s*\(\s*'now'\s*\)|timezone\s*\(\s*'utc'\s*,\s*now\s*\(\s*\)\s*\))\s*\)?",
    re.IGNORECASE,
)


def _is_key(call: ast.Call) -> bool:
    """``primary_key=True`` or ``unique=True`` on the column (or SQLModel field, also in its
    ``sa_column_kwargs={...}``)."""
    for kw in call.keywords:
        if kw.arg in ("primary_key", "unique") and isinstance(kw.value, ast.Constant) and kw.value.value is True:
            return True
        if kw.arg != "sa_column_kwargs":
            continue
        value = kw.value
        if isinstance(value, ast.Dict):
            pairs = [
                (key.value if isinstance(key, ast.Constant) else None, item) for key, item in zip(value.keys, value.values)
            ]
        elif isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict":
            pairs = [(item.arg, item.value) for item in value.keywords]  # `dict(unique=True)`
        else:
            continue
        if any(
            key in ("primary_key", "unique") and isinstance(item, ast.Constant) and item.value is True
            for key, item in pairs
        ):
            return True
    return False


def _own_fields(cls: ast.ClassDef) -> frozenset[str]:
    """The names a class body binds itself: its fields, assigned or only annotated
    (`created_at: datetime` redefines the field too)."""
    return frozenset(name for stmt in class_body_statements(cls) if (name := _target_name(stmt)))


def _target_name(stmt: ast.stmt) -> str | None:
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        return stmt.target.id
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
        return stmt.targets[0].id
    return None


def _server_default(call: ast.Call) -> ast.expr | None:
    """The ``server_default=`` of the column (the call, or a SQLModel field's ``sa_column=Column(...)``
    or ``sa_column_kwargs={"server_default": ...}``, ``dict(server_default=...)``)."""
    found = None
    for kw in call.keywords:
        if kw.arg == "server_default":
            found = kw.value
            break
        if kw.arg == "sa_column" and isinstance(kw.value, ast.Call):
            found = next((inner.value for inner in kw.value.keywords if inner.arg == "server_default"), None)
            break
        if kw.arg == "sa_column_kwargs" and isinstance(kw.value, ast.Dict):
            found = next((
                value for key, value in zip(kw.value.keys, kw.value.values)
                if isinstance(key, ast.Constant) and key.value == "server_default"
            ), None)
        elif (
            kw.arg == "sa_column_kwargs" and isinstance(kw.value, ast.Call) and not kw.value.args
            and isinstance(kw.value.func, ast.Name) and kw.value.func.id == "dict"
        ):  # (`dict(server_default=func.now())`)
            found = next((inner.value for inner in kw.value.keywords if inner.arg == "server_default"), None)
        if found is not None:
            break
    # (`server_default=None` is none)
    return None if isinstance(found, ast.Constant) and found.value is None else found

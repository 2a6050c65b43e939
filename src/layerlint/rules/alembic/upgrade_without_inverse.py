"""LL403 upgrade-without-inverse: an `upgrade()` operation with no inverse in `downgrade()`.

## What it does
Reads the schema operations of a migration's `upgrade()` and `downgrade()`
(`op.<operation>(...)`, and `<batch>.<operation>(...)` inside
`with op.batch_alter_table(...) as <batch>:` blocks, following calls of helper
functions defined in the migration, their parameters bound to the call's literal
arguments and batch object) and flags an upgrade operation that the
downgrade does not undo:

| upgrade | undone by |
|---|---|
| `create_table(t)` | `drop_table(t)` |
| `add_column(t, Column(c))` | `drop_column(t, c)` (under any name an `alter_column(..., new_column_name=)` of the upgrade gave it), a rename of it, or `drop_table(t)` |
| `create_index(n, t)` | `drop_index(n)` (or `drop_constraint(n)`), or `drop_table(t)` / dropping an indexed column |
| `create_foreign_key(n, t)`, `create_unique_constraint(n, t)`, `create_check_constraint(n, t)`, `create_primary_key(n, t)`, `create_exclude_constraint(n, t)` | `drop_constraint(n)` (or `drop_index(n)`: MySQL keeps unique constraints as indexes), or `drop_table(t)` / dropping a constrained column |
| `rename_table(a, b)` | `rename_table(b, a)`, or `drop_table(b)` (a table rebuilt and swapped in) |

Tables are followed through renames: an index, constraint or column is also
undone on its table under the name a later `rename_table` of the upgrade gave
it, and a downgrade operation acts on the table under the name it has at that
point of the downgrade (`rename_table("boxes", "crates")` then
`drop_column("crates", "colour")` drops the column added to `boxes`; a
`drop_column("boxes", ...)` after that rename drops nothing the upgrade added).
This holds for `batch_alter_table` blocks too. After a downgrade rename whose
names are not literal, any table may match.

A table or view is also dropped by raw SQL in the downgrade that drops it by
name (`op.execute("DROP MATERIALIZED VIEW IF EXISTS recent_topics")`: one the
upgrade made with raw SQL and indexed with `create_index`), and with it its
columns, indexes and constraints. A column is also dropped by raw SQL in the
downgrade that names it next to `drop` (`op.execute("ALTER TABLE boxes DROP
COLUMN colour")`). A constrained or
indexed column is one the constraint or index lists, or one its SQL text names
(`"picture IS NULL OR length(picture) > 0"`, `sa.text("lower(email)")`): the
database drops the constraint or index with it, whether `op.drop_column` or raw
SQL drops it. A constraint is also undone by a `drop_constraint` on its table
whose name ends with `_<name>`: the name a naming convention such as
`ck_%(table_name)s_%(constraint_name)s` (the one LL404 asks for) gave it.

Names match case-insensitively by table, column, index and constraint name;
`op.f("...")`/`batch_op.f("...")` and module-level string constants count as
their text. A table of one schema is not the table of that name in another:
with `schema=` (`source_schema=` for a foreign key, or the schema of its
`batch_alter_table` block) given on both sides, the schemas must match too
(`add_column("tokens", ..., schema="users")` is not undone by
`drop_column("tokens", ..., schema="oauth")`); a side that names no schema, or
names it by no literal, matches any. Precision comes first, so nothing is reported when a name is not
literal (a variable, an f-string, `None`), when the downgrade drops something
of the same kind under a name that is not literal (a loop over names), when
raw SQL in the downgrade (`op.execute("DROP INDEX ...")`, a module constant
or `sa.text(...)` of one) drops it (SQL that names it and drops: a rename is not
enough), when the downgrade runs SQL that
is no literal (an f-string, `.format(...)`, a variable), or when it hands the
name (or the table's) to a call it does not read into: a helper of another
module (`drop_index("ix_t_a", "t")`), `op.invoke(ops.DropIndexOp("ix_t_a"))`,
`sa.Index("ix_t_a", ...).drop(op.get_bind())`, a DDL construct run,
`op.execute(DropTable(sa.table("t")))`, a module-level `Table` or `Index` of that name
dropped (`audit.drop(bind)`, `meta.drop_all(bind, tables=[audit])`), a class's static method,
or when the upgrade itself drops or renames what it created (a temporary
table or index) or drops the table it added to (a column added, the data
copied into another table, the old table dropped), or dropped the object before
making it again (a rebuild: `drop_index("ix")` then `create_index("ix", ...)`;
`create_table("counter_new")`, `drop_table("counter")`, then
`rename_table("counter_new", "counter")`, a table the upgrade built swapped in, in
the same schema): it existed before the upgrade. Nor is an operation the upgrade
runs only on what the database holds of its object: under an `if` (or after an `if
...: return`) whose test reads that object's name (the table, column, index or
constraint it makes; for a column, index or constraint, also the table a
`create_table` in the same branch of that test makes) through an inspector (`has_table("t")`,
`get_columns("t")` ...), a name bound to what one gave (`"c" not in columns`, or
compared in a comprehension: `any(c["name"] == "c" for c in ...)`), a query of the
catalog (`information_schema`, `sqlite_master`, `pg_indexes` ...: its quoted names and
bound parameters) or a function of the migration that reads one and returns (names given
as module-level constants count too): the object may have existed
before the upgrade (an older database made by `create_all()`), and the downgrade
rightly leaves it (a test of another table's existence guards nothing); unless
the downgrade undoes some operation so guarded, which makes them the migration's own
(a downgrade dropping eight of the twelve columns its upgrade adds each behind
`if "x" not in columns:` forgot the other four). A migration whose
`downgrade()` is missing or reverses nothing (as LL402 reads it: an early
`return` behind an `if`, then `raise NotImplementedError`) is left to LL401/LL402. An autogenerated migration, whose downgrade mirrors its
upgrade, yields nothing.

## Why is this bad?
A downgrade that forgets part of the upgrade leaves tables, columns, indexes or
constraints behind: the next `alembic upgrade` then fails on an object that
already exists, and the schema after a rollback is one no revision describes.

## Example
```python
def upgrade() -> None:
    op.add_column("users", sa.Column("bio", sa.Text(), nullable=True))
    op.create_index("ix_users_bio", "users", ["bio"])


def downgrade() -> None:
    op.drop_index("ix_users_bio", table_name="users")
```

## Use instead
```python
def upgrade() -> None:
    op.add_column("users", sa.Column("bio", sa.Text(), nullable=True))
    op.create_index("ix_users_bio", "users", ["bio"])


def downgrade() -> None:
    op.drop_index("ix_users_bio", table_name="users")
    op.drop_column("users", "bio")
```

## Fix safety
No fix: the inverse operation needs the right arguments (types for a column to
restore, the order of drops), which a reviewer should write.
"""

from __future__ import annotations

import ast
import copy
import re
from typing import Iterable, Sequence

from layerlint.context import FileContext
from layerlint.facts.alembic import UNKNOWN, FunctionOps, Operation, changes_nothing, function_ops, module_functions
from layerlint.rule import Rule

CONSTRAINTS = frozenset({
    "create_foreign_key",
    "create_unique_constraint",
    "create_check_constraint",
    "create_primary_key",
    "create_exclude_constraint",
})
CREATES = frozenset({"create_table", "add_column", "create_index", "rename_table"}) | CONSTRAINTS


def _same(a: str | None, b: str | None) -> bool:
    """Tables match when equal, or when either is unknown."""
    return a is None or b is None or a == b


def _on(down_table: str | None, up_tables: Sequence[str | None]) -> bool:
    """A downgrade operation's table is one of the names the upgrade's table goes by
    (either side unknown matches)."""
    return down_table is None or None in up_tables or down_table in up_tables


_RENAMED_AWAY = "<renamed away>"  # matches no table name


def _downgrade_tables(ops: list[Operation]) -> list[str | None]:
    """For each downgrade operation, the name its table had when the downgrade began: its
    name followed back through the downgrade's earlier ``rename_table`` calls
    (``rename_table("boxes", "crates")`` then ``drop_column("crates", ...)`` drops from
    ``boxes``; a later ``drop_column("boxes", ...)`` drops from no table the downgrade began
    with). None when unknown: no table, or after a rename whose names are not literal."""
    original: dict[str, str] = {}  # current name -> name at the start of the downgrade
    renamed_unknown = False
    out: list[str | None] = []
    for op in ops:
        out.append(None if op.table is None or renamed_unknown else original.get(op.table, op.table))
        if op.method == "rename_table":
            if not (isinstance(op.name, str) and isinstance(op.new_name, str)):
                renamed_unknown = True
            elif op.name != op.new_name:
                original[op.new_name] = original.get(op.name, op.name)
                original[op.name] = _RENAMED_AWAY
    return out


class _Downgrade:
    """What a downgrade removes, indexed for matching."""

    def __init__(self, ops: FunctionOps) -> None:
        self.ops = list(zip(ops.operations, _downgrade_tables(ops.operations)))
        self.sql = ops.sql
        self.handed = ops.handed
        self.opaque_sql = ops.opaque_sql
        self._schemas: dict[str, _Downgrade] = {}

    def in_schema(self, schema: object) -> _Downgrade:
        """The downgrade as seen from an operation on a table of ``schema``: without the
        operations on a table of another literal schema (``tokens`` of ``oauth`` is not
        ``tokens`` of ``users``). No schema, or one that is no literal, may be any."""
        if not isinstance(schema, str):
            return self
        view = self._schemas.get(schema)
        if view is None:
            view = copy.copy(self)
            view.ops = [(op, table) for op, table in self.ops if not isinstance(op.schema, str) or op.schema == schema]
            self._schemas[schema] = view
        return view

    def may_undo(self, names: Iterable[object]) -> bool:
        """Does the downgrade run SQL that is no literal, or hand one of ``names`` to a call
        it is not read into (a helper of another module, ``op.invoke(ops.DropIndexOp(...))``,
        ``sa.Index(name, ...).drop(bind)``)? Then it may undo it: not known."""
        return self.opaque_sql or any(isinstance(name, str) and name in self.handed for name in names)

    def drops(self, method: str, name: object, tables: Sequence[str | None] = (None,)) -> bool:
        """A ``method`` op with this name (or a name that is not literal) on a matching table."""
        for op, op_table in self.ops:
            if op.method == method and (op.name is UNKNOWN or op.name == name):
                if method in ("drop_column", "alter_column") and not _on(op_table, tables):
                    continue
                if method == "alter_column" and op.new_name is None:
                    continue  # not a rename
                return True
        return False

    def drops_table(self, tables: Sequence[str | None]) -> bool:
        """A ``drop_table`` of one of ``tables`` (unknown ones never match), by the name it has
        there, or raw SQL that drops it (``DROP TABLE t``, ``DROP MATERIALIZED VIEW IF EXISTS t``:
        a table or view the upgrade made with raw SQL, then indexed with ``create_index``)."""
        known = {table for table in tables if table is not None}
        return bool(known) and (
            any(op.method == "drop_table" and (op_table is None or op_table in known) for op, op_table in self.ops)
            or any(isinstance(table, str) and _sql_drops_table(text, table) for text in self.sql for table in known)
        )

    def drops_column(self, column: object, tables: Sequence[str | None]) -> bool:
        """``drop_column`` on a matching table, or raw SQL that drops a column so named."""
        return self.drops("drop_column", column, tables) or (isinstance(column, str) and self.mentions(column, "drop"))

    def drops_any_column(self, tables: Sequence[str | None], columns: Iterable[str]) -> bool:
        return any(self.drops_column(column, tables) for column in columns)

    def drops_constraint_named_by_convention(self, name: object, tables: Sequence[str | None]) -> bool:
        """``drop_constraint("ck_users_valid_age", "users")`` for a constraint created as
        ``valid_age``: the name a naming convention gave it (``ck_%(table_name)s_%(constraint_name)s``)."""
        return isinstance(name, str) and any(
            op.method == "drop_constraint" and isinstance(op.name, str) and op.name.endswith("_" + name)
            and _on(op_table, tables)
            for op, op_table in self.ops
        )

    def renames_table(self, old: object, new: object) -> bool:
        for op, _ in self.ops:
            if op.method == "rename_table" and (
                op.name is UNKNOWN or op.new_name is UNKNOWN or (op.name == old and op.new_name == new)
            ):
                return True
        return False

    def mentions(self, name: str, *verbs: str) -> bool:
        """Raw SQL in the downgrade that names ``name`` next to one of ``verbs``."""
        pattern = re.compile(r"(?<![\w$])" + re.escape(name) + r"(?![\w$])")
        return any(pattern.search(text) and any(v in text for v in verbs) for text in self.sql)


def _sql_drops_table(text: str, table: str) -> bool:
    """Does raw SQL (lower case) drop the table or view ``table`` (also schema-qualified,
    quoted, or among others: ``drop table if exists a, "public"."boxes"``)?"""
    name = r"(?:[\w$\"`\[\]]+\.)?[\"`\[]?"
    pattern = (
        r"\bdrop\s+(?:materialized\s+)?(?:table|view)\s+(?:if\s+exists\s+)?(?:[\w$.\"`\[\]]+\s*,\s*)*"
        + name + re.escape(table) + r"[\"`\]]?(?![\w$])"
    )
    return re.search(pattern, text) is not None


def _column_names(op: Operation, upgrade: list[Operation]) -> set[object]:
    """The names an added column goes by in the upgrade: ``alter_column(new_column_name=)`` renames."""
    names: set[object] = {op.name}
    after = False
    for other in upgrade:
        if other is op:
            after = True
        elif after and other.method == "alter_column" and other.new_name is not None:
            if other.name in names and _same(other.table, op.table):
                names.add(other.new_name)
    return names


def _table_names(op: Operation, upgrade: list[Operation]) -> list[str | None]:
    """The names the table of ``op`` goes by in the upgrade: ``rename_table`` after it
    (a table rebuilt under a new name, then swapped in)."""
    names: list[str | None] = [op.table]
    after = False
    for other in upgrade:
        if other is op:
            after = True
        elif after and other.method == "rename_table" and other.name in names and isinstance(other.new_name, str):
            names.append(other.new_name)
    return names


def _inverted(op: Operation, down: _Downgrade, upgrade: list[Operation]) -> bool:
    method, name = op.method, op.name
    down = down.in_schema(op.schema)
    if down.may_undo((name, op.new_name, *_table_names(op, upgrade), *_column_names(op, upgrade))):
        return True
    if method == "create_table":
        return down.drops_table([name]) or down.mentions(name, "drop")
    if method == "rename_table":
        new = op.new_name
        return (
            down.renames_table(new, name)
            or down.drops_table([new])
            or (isinstance(new, str) and down.mentions(new, "rename", "drop"))
        )
    # its table, also under the names later renames of the upgrade give it
    tables = _table_names(op, upgrade)
    if down.drops_table(tables):
        return True
    if method == "add_column":
        names = _column_names(op, upgrade)
        if UNKNOWN in names:
            return True  # renamed to something we cannot read
        return any(down.drops_column(n, tables) or down.drops("alter_column", n, tables) for n in names)
    if method == "create_index":
        return (
            down.drops("drop_index", name)
            or down.drops("drop_constraint", name)
            or down.drops_any_column(tables, (*op.columns, *op.expression_words))
            or down.mentions(name, "drop")
        )
    if method in CONSTRAINTS:
        return (
            down.drops("drop_constraint", name)
            or down.drops("drop_index", name)
            or down.drops_constraint_named_by_convention(name, tables)
            or down.drops_any_column(tables, (*op.columns, *op.expression_words))
            or down.mentions(name, "drop")
        )
    return True


def _undone_in_upgrade(op: Operation, upgrade_ops: FunctionOps) -> bool:
    """The upgrade itself drops or renames away what it created (a temporary object), or
    drops the table it added a column, index or constraint to (its data moved elsewhere); or
    it dropped the object before creating it again (a rebuild: `drop_index("ix")`, then
    `create_index("ix", ...)` with other columns; or a table renamed into its name,
    swapped in): it existed before the upgrade, and the downgrade must not remove it
    (prefect's rebuilt foreign keys, privacyidea's swapped table)."""
    upgrade = upgrade_ops.operations
    name, table = op.name, op.table
    after = False
    for other in upgrade:
        if other is op:
            after = True
            continue
        if after and op.method != "create_table" and other.method == "drop_table" and table is not None:
            if other.name == table:
                return True
        if op.method == "create_table":
            if other.method in ("drop_table", "rename_table") and other.name == name:
                return True
        elif op.method == "add_column":
            if other.method == "drop_column" and other.name in _column_names(op, upgrade) and _same(other.table, table):
                return True
        elif op.method == "create_index":
            if other.method == "drop_index" and other.name == name:
                return True
        elif op.method in CONSTRAINTS:
            if other.method == "drop_constraint" and other.name == name:
                return True
        elif op.method == "rename_table":
            if other.method == "rename_table" and other.name == op.new_name:
                return True
            # `create_table("counter_new")`, `drop_table("counter")`, then `rename_table("counter_new",
            # "counter")`: a table the upgrade built, swapped in for one that existed before it
            if (
                not after and other.method == "drop_table" and other.name == op.new_name
                and _same_schema(other.schema, op.schema) and _created_before(op, upgrade_ops)
            ):
                return True
    return False


def _created_before(op: Operation, upgrade: FunctionOps) -> bool:
    """Does the upgrade make the table ``op`` renames before it: ``create_table`` (in a schema
    that may be the rename's), a rename into that name, or, where it cannot be read, raw SQL
    that creates it (``CREATE TABLE counter_new AS SELECT ...``), a call handed its name
    (``sa.Table("counter_new", ...).create(bind)``) or SQL that is no literal?"""
    for other in upgrade.operations:
        if other is op:
            break
        if other.method == "create_table" and other.name == op.name and _same_schema(other.schema, op.schema):
            return True
        if other.method == "rename_table" and other.new_name == op.name:
            return True
    name = str(op.name)
    pattern = re.compile(r"(?<![\w$])" + re.escape(name) + r"(?![\w$])")
    return (
        upgrade.opaque_sql or name in upgrade.handed
        or any("create" in text and pattern.search(text) for text in upgrade.sql)
    )


def _guarded(op: Operation, upgrade: list[Operation]) -> bool:
    """Does the upgrade run ``op`` only on what the database holds of the object it makes: a
    test reading that object's own name (the column of an ``add_column``, the index, the
    table; a ``rename_table``'s new name), or the table of an operation a ``create_table``
    so guarded makes in the same block (its columns, indexes, constraints; not those of
    the ``else``, which runs when the table was there)? A test of another table's existence
    guards nothing this operation makes."""
    own = op.new_name if op.method == "rename_table" else op.name
    if isinstance(own, str) and own in op.guard and (
        op.method != "add_column" or op.table is None or op.table in op.guard or op.guard <= {own}
    ):
        return True  # (a column: of the table tested where the test names one, not one of that name in another)
    table = op.table
    return table is not None and table in op.guard and any(
        other.method == "create_table" and other.name == table and table in other.guard
        and other.guard_block == op.guard_block
        for other in upgrade
    )


def _same_schema(a: object, b: object) -> bool:
    """Schemas match when equal, or when either is not given or not literal (it may be any)."""
    return a is None or b is None or a is UNKNOWN or b is UNKNOWN or a == b


def _table_source(op: Operation) -> str:
    """The text of an operation's table argument, for a table named by no literal (``t`` of
    ``for t in TABLES: op.add_column(t, ...)``)."""
    node = op.node.args[0] if op.node.args else None
    return ast.unparse(node) if node is not None else "..."


def _describe(op: Operation) -> tuple[str, str]:
    """(the upgrade call, the expected inverse), in backticks, for the message."""
    func = op.node.func
    # (`add_column(...)` after `from alembic.op import add_column`: the inverse by its name too)
    receiver = ast.unparse(func.value) + "." if isinstance(func, ast.Attribute) else ""
    name = op.shown_name or str(op.name)
    literal = op.shown_table or op.table
    table = f'"{literal}"' if literal else _table_source(op)
    if op.method == "create_table":
        call, inverse = f'{receiver}create_table("{name}")', f'{receiver}drop_table("{name}")'
    elif op.method == "add_column" and op.batch:
        call, inverse = f'{receiver}add_column(Column("{name}"))', f'{receiver}drop_column("{name}")'
        if op.shown_table:  # which table: the downgrade's batch blocks may be on others
            return f"`{call}`", f'`{inverse}` in a `batch_alter_table({table})` block'
    elif op.method == "add_column":
        call, inverse = f'{receiver}add_column({table}, Column("{name}"))', f'{receiver}drop_column({table}, "{name}")'
    elif op.method == "create_index":
        call, inverse = f'{receiver}create_index("{name}")', f'{receiver}drop_index("{name}")'
    elif op.method == "rename_table":
        new = op.shown_new_name or str(op.new_name)
        call, inverse = f'{receiver}rename_table("{name}", "{new}")', f'{receiver}rename_table("{new}", "{name}")'
    else:
        call, inverse = f'{receiver}{op.method}("{name}")', f'{receiver}drop_constraint("{name}")'
    schema = next(
        (kw.value.value for kw in op.node.keywords if kw.arg in ("schema", "source_schema")
         and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str)),
        None,
    )
    if schema is not None and inverse.endswith(")"):  # (the table of that schema: `schema="oauth"`)
        inverse = f'{inverse[:-1]}, schema="{schema}")'
    return f"`{call}`", f"`{inverse}`"


class UpgradeWithoutInverse(Rule):
    code = "LL403"
    name = "upgrade-without-inverse"
    summary = "upgrade() operation with no inverse in downgrade()"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return ctx.is_migration and "upgrade" in ctx.source and "downgrade" in ctx.source

    def finish(self) -> None:
        functions = module_functions(self.ctx)
        downgrade_def = functions.get("downgrade")
        if "upgrade" not in functions or downgrade_def is None or changes_nothing(downgrade_def.body, self.ctx):
            return  # LL401 / LL402 territory
        upgrade = function_ops("upgrade", self.ctx)
        downgrade = function_ops("downgrade", self.ctx)
        if upgrade is None or downgrade is None:
            return
        down = _Downgrade(downgrade)
        reported: set[int] = set()
        # guarded operations are the migration's own to undo where its downgrade undoes one
        guarded = {
            id(op) for op in upgrade.operations
            if op.guard and op.method in CREATES and isinstance(op.name, str) and _guarded(op, upgrade.operations)
        }
        guarded_kept = not any(_inverted(op, down, upgrade.operations) for op in upgrade.operations if id(op) in guarded)
        for op in upgrade.operations:
            if op.method not in CREATES or not isinstance(op.name, str) or (guarded_kept and id(op) in guarded):
                continue
            if op.method == "rename_table" and not isinstance(op.new_name, str):
                continue
            if (
                id(op.node) in reported
                or _undone_in_upgrade(op, upgrade)
                or _inverted(op, down, upgrade.operations)
            ):
                continue
            reported.add(id(op.node))
            call, inverse = _describe(op)
            self.report(op.node, f"{call} has no inverse in `downgrade()`: expected {inverse}")

"""LL403's message names an inverse the downgrade can write where it is: a column added in
a `batch_alter_table` block is named with the batch object, which says nothing of the
table: the message names the block's table (found on buildbot, whose downgrade dropped
a misspelt column with `op.drop_column`)."""

from __future__ import annotations

import textwrap

from layerlint.config import Settings
from layerlint.engine import lint_source

MIGRATION = textwrap.dedent("""\
    from alembic import op
    import sqlalchemy as sa

    revision = "b2"
    down_revision = "b1"


    def upgrade():
        with op.batch_alter_table("shelves") as shelf_ops:
            shelf_ops.add_column(sa.Column("owner_id", sa.Integer, nullable=True))
        with op.batch_alter_table(TABLE_NAME) as unknown_ops:
            unknown_ops.add_column(sa.Column("colour", sa.String(20)))


    def downgrade():
        op.drop_column("shelves", "owner")
""")


def test_a_batch_column_without_inverse_names_its_table():
    result = lint_source(MIGRATION, "alembic/versions/b2_owner.py", Settings(), codes=frozenset({"LL403"}))
    assert [(d.line, d.message) for d in result.diagnostics] == [
        (10, '`shelf_ops.add_column(Column("owner_id"))` has no inverse in `downgrade()`:'
             ' expected `shelf_ops.drop_column("owner_id")` in a `batch_alter_table("shelves")` block'),
        # a table named by a variable: the batch form alone
        (12, '`unknown_ops.add_column(Column("colour"))` has no inverse in `downgrade()`:'
             ' expected `unknown_ops.drop_column("colour")`'),
    ]


# rucio: operations imported by name are named so in the message, not as `op.<name>`
IMPORTED_BY_NAME = textwrap.dedent("""\
    import sqlalchemy as sa
    from alembic.op import add_column, drop_column

    revision = "c3"
    down_revision = "c2"


    def upgrade():
        add_column("shelves", sa.Column("colour", sa.String(20)))


    def downgrade():
        drop_column("shelves", "owner")
""")


def test_an_operation_imported_by_name_is_named_so():
    result = lint_source(IMPORTED_BY_NAME, "alembic/versions/c3_colour.py", Settings(), codes=frozenset({"LL403"}))
    assert [(d.line, d.message) for d in result.diagnostics] == [
        (9, '`add_column("shelves", Column("colour"))` has no inverse in `downgrade()`:'
            ' expected `drop_column("shelves", "colour")`'),
    ]


SCHEMAS = textwrap.dedent("""\
    from alembic import op
    import sqlalchemy as sa

    revision = "c2"
    down_revision = "c1"


    def upgrade():
        op.add_column("tokens", sa.Column("use_count", sa.Integer()), schema="users")
        op.add_column("tokens", sa.Column("use_count", sa.Integer()), schema="oauth")


    def downgrade():
        op.drop_column("tokens", "use_count", schema="oauth")
""")


def test_the_inverse_of_an_operation_in_a_schema_names_the_schema():
    result = lint_source(SCHEMAS, "alembic/versions/c2_tokens.py", Settings(), codes=frozenset({"LL403"}))
    assert [(d.line, d.message) for d in result.diagnostics] == [
        (9, '`op.add_column("tokens", Column("use_count"))` has no inverse in `downgrade()`:'
            ' expected `op.drop_column("tokens", "use_count", schema="users")`'),
    ]


# review 113: a table named by a variable was shown as "None"
LOOPED = textwrap.dedent("""\
    import sqlalchemy as sa
    from alembic import op

    revision = "d4"
    down_revision = "d3"
    TABLES = ("folder", "file")


    def upgrade():
        for table in TABLES:
            op.add_column(table, sa.Column("deleted_at", sa.DateTime()))


    def downgrade():
        op.drop_table("audit")
""")


def test_a_table_named_by_a_variable_is_shown_as_written():
    result = lint_source(LOOPED, "alembic/versions/d4_deleted.py", Settings(), codes=frozenset({"LL403"}))
    assert [(d.line, d.message) for d in result.diagnostics] == [
        (11, '`op.add_column(table, Column("deleted_at"))` has no inverse in `downgrade()`:'
             ' expected `op.drop_column(table, "deleted_at")`'),
    ]

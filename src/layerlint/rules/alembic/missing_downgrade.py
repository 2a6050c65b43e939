"""LL401 missing-downgrade: a migration module without a `downgrade()` function.

## What it does
Flags an Alembic migration that defines `upgrade()` but no `downgrade()`. A
module is a migration when it assigns both `revision` and `down_revision` at top
level, or lives in a `versions/` folder beside an Alembic `env.py`. A
`downgrade` bound any other way at module level (an assignment, an import) counts
as defined, as does a star import that may bind it: of a project module that
binds it (read there, its own star imports followed), or of a module that is not
found (SQLAlchemy's and Alembic's bind no migration function). The finding is on the `def upgrade` line.

## Why is this bad?
`alembic downgrade` fails on a migration without `downgrade()`, so a bad deploy
cannot be rolled back past it, and the migration chain cannot be tested both
ways. Every migration should carry a working `downgrade()`.

## Example
```python
revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.add_column("users", sa.Column("bio", sa.Text(), nullable=True))
```

## Use instead
```python
revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.add_column("users", sa.Column("bio", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "bio")
```

## Fix safety
No fix: the inverse operations have to be written.
"""

from __future__ import annotations

from layerlint.context import FileContext
from layerlint.facts.alembic import defines, module_functions
from layerlint.facts.positions import def_line_node
from layerlint.rule import Rule


class MissingDowngrade(Rule):
    code = "LL401"
    name = "missing-downgrade"
    summary = "migration module without a downgrade() function"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return ctx.is_migration

    def finish(self) -> None:
        if defines("downgrade", self.ctx):
            return
        upgrade = module_functions(self.ctx).get("upgrade")
        if upgrade is None:
            return  # not a migration script (a helper module under versions/)
        self.report(def_line_node(upgrade), "migration has no `downgrade()`: write one that reverses `upgrade()`")

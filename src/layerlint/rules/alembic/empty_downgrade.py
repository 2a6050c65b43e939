"""LL402 empty-downgrade: a `downgrade()` that reverses nothing while `upgrade()` does something.

## What it does
Flags a migration's `downgrade()` whose body is only `pass`, `...`, a
docstring, comments, a bare `return`, `raise NotImplementedError`, the raise
of another exception (`raise IrreversibleMigration("...")`: a refusal too,
which the catalogue's list does not spell) or an assertion that always fails
(`assert False, "irreversible"`), give or take a connection fetched
(`connection = op.get_bind()`, `inspector = inspect(op.get_bind())`), `if` statements doing nothing either way
(`if settings.uses_postgres: return` before `raise NotImplementedError`) and log
lines (`logger.info("downgrade not supported")` on a `logging.getLogger(...)`,
loguru's or structlog's logger, `logging.warning(...)`, `print(...)`), when its
`upgrade()` does something (its body is not one of those itself). A migration
whose `upgrade()` is also empty (a merge point, a placeholder revision) is
clean, as is one whose `upgrade()` only fetches the connection
(`connection = op.get_bind()`) and does nothing with it, or only has an `if`
doing nothing either way (`if skip_legacy(op): return`, then `pass`: an
emptied revision kept in the chain). The finding is on the `def downgrade`
line.

## Why is this bad?
An empty `downgrade()` looks reversible but is not: `alembic downgrade` reports
success and leaves the schema as `upgrade()` made it, so the database and the
revision table disagree. If a migration really cannot be reversed, say so where
reviewers see it (`# noqa: LL402` with a reason), but most can: write the inverse.

## Example
```python
def upgrade() -> None:
    op.create_index("ix_users_email", "users", ["email"], unique=True)


def downgrade() -> None:
    pass
```

## Use instead
```python
def upgrade() -> None:
    op.create_index("ix_users_email", "users", ["email"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_users_email", table_name="users")
```

## Fix safety
No fix: the inverse operations have to be written.
"""

from __future__ import annotations

from layerlint.context import FileContext
from layerlint.facts.alembic import changes_nothing, module_functions
from layerlint.facts.positions import def_line_node
from layerlint.rule import Rule


class EmptyDowngrade(Rule):
    code = "LL402"
    name = "empty-downgrade"
    summary = "downgrade() reverses nothing while upgrade() does something"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return ctx.is_migration

    def finish(self) -> None:
        functions = module_functions(self.ctx)
        upgrade, downgrade = functions.get("upgrade"), functions.get("downgrade")
        if upgrade is None or downgrade is None:
            return
        if changes_nothing(downgrade.body, self.ctx) and not changes_nothing(upgrade.body, self.ctx):
            self.report(def_line_node(downgrade), "`downgrade()` reverses nothing while `upgrade()` changes the database")

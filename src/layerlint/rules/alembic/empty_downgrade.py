"""LL402 empty-downgrade: a `downgrade()` that reverses nothing while `upgrade()` does something.

## What it does
Flags a migration's `downgrade()` whose body is only `pass`, `...`, a
docstring, comments, a bare `return`, `raise NotImplementedError`, the raise
of another exception (`raise IrreversibleMigration("...")`: a refusal too,
which the catalogue's list does not spell) or an assertion that always fails
(`assert False, "irreversible"`), when its
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

import ast

from layerlint.context import FileContext
from layerlint.facts.alembic import is_trivial_body, module_functions
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
        if is_trivial_body(downgrade.body) and not self._changes_nothing(upgrade.body):
            self.report(def_line_node(downgrade), "`downgrade()` reverses nothing while `upgrade()` changes the database")

    def _changes_nothing(self, body: list[ast.stmt]) -> bool:
        """A trivial body, give or take names bound to ``op.get_bind()``/``op.get_context()``
        (a template's leftover: ``connection = op.get_bind()`` and nothing done with it) and
        ``if`` statements doing nothing either way (``if skip_legacy(op): return`` before a
        ``pass``: an emptied revision kept in the chain)."""
        return is_trivial_body([
            stmt for stmt in body if not (self._fetches_connection(stmt) or self._idle_if(stmt))
        ])

    def _idle_if(self, stmt: ast.stmt) -> bool:
        return isinstance(stmt, ast.If) and self._changes_nothing(stmt.body) and self._changes_nothing(stmt.orelse)

    def _fetches_connection(self, stmt: ast.stmt) -> bool:
        if not isinstance(stmt, (ast.Assign, ast.AnnAssign)) or not isinstance(stmt.value, ast.Call):
            return False
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        if not all(isinstance(target, ast.Name) for target in targets):
            return False
        return self.ctx.resolve(stmt.value.func) in _CONNECTION_GETTERS


_CONNECTION_GETTERS = frozenset({"alembic.op.get_bind", "alembic.op.get_context"})

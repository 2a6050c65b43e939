"""Shared base of the LL2xx rules: no fix in a project that pins Pydantic below 2.0."""

from __future__ import annotations

import ast
from pathlib import Path

from layerlint.external import provider
from layerlint.facts import dependencies as deps
from layerlint.rule import Rule

PYDANTIC_2 = (2, 0)


class PydanticRule(Rule):
    def report(self, node: ast.AST, message: str, *, fix: str | None = None) -> None:
        # every LL2xx fix writes the Pydantic 2 API, which a project held on 1.x lacks:
        # the finding stays, as a reminder for the upgrade, without a fix
        if fix is not None and self._pydantic_below_2():
            fix = None
        super().report(node, message, fix=fix)

    def _pydantic_below_2(self) -> bool:
        ctx = self.ctx
        folder = str(deps.start_folder(ctx.path, ctx.settings.root))
        return bool(ctx.external("pydantic_below_2", folder))


@provider("pydantic_below_2")
def pydantic_below_2(folder: str) -> bool:
    """Do the dependency files around ``folder`` pin Pydantic below 2.0?"""
    return deps.version_side(deps.project_constraints(Path(folder)), "pydantic", PYDANTIC_2) == deps.BELOW

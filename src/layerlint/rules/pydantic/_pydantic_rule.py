"""Shared base of the LL2xx rules: no fix in a project that pins Pydantic below 2.0."""

from __future__ import annotations

import ast

from layerlint.facts import dependencies as deps
from layerlint.rule import Rule


class PydanticRule(Rule):
    def report(self, node: ast.AST, message: str, *, fix: str | None = None) -> None:
        # every LL2xx fix writes the Pydantic 2 API, which a project held on 1.x lacks:
        # the finding stays, as a reminder for the upgrade, without a fix
        if fix is not None and self._pydantic_below_2():
            fix = None
        super().report(node, message, fix=fix)

    def _pydantic_below_2(self) -> bool:
        ctx = self.ctx
        return bool(ctx.external("pinned_below", str(deps.start_folder(ctx.path, ctx.settings.root)), "pydantic", 2))

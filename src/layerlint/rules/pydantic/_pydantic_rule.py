"""Shared base of the LL2xx rules: no fix in a project that may run Pydantic 1.x."""

from __future__ import annotations

import ast

from layerlint.facts import dependencies as deps
from layerlint.rule import Rule


class PydanticRule(Rule):
    def report(self, node: ast.AST, message: str, *, fix: str | None = None) -> None:
        # every LL2xx fix writes the Pydantic 2 API, which a project that runs (or also
        # supports) 1.x lacks: the finding stays, as a reminder for the upgrade, without a fix
        if fix is not None and self._pydantic_1_allowed():
            fix = None
        super().report(node, message, fix=fix)

    def _pydantic_1_allowed(self) -> bool:
        ctx = self.ctx
        return bool(ctx.external("allows_below", str(deps.start_folder(ctx.path, ctx.settings.root)), "pydantic", 2))

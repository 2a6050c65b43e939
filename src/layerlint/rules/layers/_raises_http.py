"""Shared check of LL103 and LL104: ``raise HTTPException`` in a given layer."""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.facts.fastapi import (
    HTTP_EXCEPTIONS,
    enclosing_endpoint,
    http_exception_name,
    http_facts_settled,
    local_http_exceptions,
)
from layerlint.rule import Rule


class RaisesHTTPExceptionIn(Rule):
    layer = ""

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return ctx.layer == cls.layer and ctx.mentions("HTTPException")

    def needles(self) -> set[str] | None:
        # a raise of an HTTP exception spells (an alias of) HTTPException or a subclass defined
        # here. None when an import inside a def/class could change those subclasses, which
        # this rule asks for on every raise.
        if not http_facts_settled(self.ctx):
            return None
        return self.ctx.spellings(HTTP_EXCEPTIONS) | local_http_exceptions(self.ctx)

    def visit_Raise(self, node: ast.Raise) -> None:
        name = http_exception_name(node.exc, self.ctx)
        # an endpoint is route code, where the HTTP error belongs, whatever its module's folder
        if name is not None and enclosing_endpoint(self.ctx) is None:
            self.report(
                node,
                f"{self.ctx.layer} module raises HTTP exception `{name}`: raise a domain exception "
                "and translate it to HTTP in the route",
            )

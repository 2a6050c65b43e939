"""Shared check of LL103 and LL104: ``raise HTTPException`` in a given layer."""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.facts.fastapi import (
    HTTP_EXCEPTIONS,
    in_route_code,
    raised_helper_http_exception,
    raised_http_exception,
)
from layerlint.facts.names import dotted_root
from layerlint.facts.sessions import locally_bound, single_bindings
from layerlint.rule import Rule


class RaisesHTTPExceptionIn(Rule):
    layer = ""

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        # (an HTTPException subclass from another project module is raised by a name the
        # file imports, which need not spell the word)
        return ctx.layer == cls.layer and (ctx.mentions("HTTPException") or ctx.mentions("raise"))

    def needles(self) -> set[str]:
        # every raise statement spells `raise` on its first line (the class raised may be
        # any name imported from a project module)
        return {"raise"}

    def visit_Raise(self, node: ast.Raise) -> None:
        exc = node.exc
        if isinstance(exc, ast.Name):  # `err = QueryError()` earlier, the function's one binding of `err`
            exc = self._assigned_call(exc.id) or exc
        raised = exc.func if isinstance(exc, ast.Call) else exc
        root = dotted_root(raised) if isinstance(raised, ast.expr) else None
        if root is not None and locally_bound(root, self.ctx):
            return  # (`def fail(NotFound): raise NotFound()`: a parameter, not the imported class)
        name = raised_http_exception(exc, self.ctx)
        if name is not None:
            # (a project's class is named in full, with what makes it an HTTP exception)
            shown = f"`{name}`" if name in HTTP_EXCEPTIONS or "." not in name else f"`{name}` (an HTTPException)"
        else:
            returned = raised_helper_http_exception(exc, self.ctx)
            if returned is None:
                return
            helper = exc.func  # type: ignore[union-attr]
            shown = f"`{ast.unparse(helper)}()` (returns `{returned}`)"
        # an endpoint is route code, where the HTTP error belongs, whatever its module's folder
        if not in_route_code(self.ctx):
            self.report(
                node,
                f"{self.ctx.layer} module raises HTTP exception {shown}: raise a domain exception "
                "and translate it to HTTP in the route",
            )

    def _assigned_call(self, name: str) -> ast.Call | None:
        """The call a local name holds: the one binding of ``name`` in the enclosing
        function, ``name = <call>`` (not a parameter, nor bound twice or otherwise)."""
        func = self.ctx.enclosing_function()
        binding = single_bindings(func, self.ctx).get(name) if func is not None else None
        value = binding.value if isinstance(binding, (ast.Assign, ast.AnnAssign)) else None
        return value if isinstance(value, ast.Call) else None

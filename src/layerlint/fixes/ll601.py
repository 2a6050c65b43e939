"""LL601 fixer: a bare status code -> ``status.HTTP_...``, importing ``status`` when needed.

The decision (which constant, spelled how, whether at all) is
:class:`layerlint.facts.status_fix.StatusFixFacts`, the one the rule used to
mark the finding fixable.
"""

from __future__ import annotations

from typing import Sequence

import libcst as cst

from layerlint.diagnostics import Diagnostic
from layerlint.facts.status_fix import StatusFixFacts
from layerlint.fixes._dotted import dotted_expression
from layerlint.fixes.base import Fixer
from layerlint.fixes.imports import add_import_from
from layerlint.layers import HTTP_FREE_LAYERS


class StatusCodeFixer(Fixer):
    code = "LL601"
    node_types = (cst.Integer,)

    _facts: StatusFixFacts | None = None

    def facts(self) -> StatusFixFacts:
        if self._facts is None:
            self._facts = StatusFixFacts(
                self.ctx.tree, self.ctx.path, self.ctx.settings.root, may_import=self.ctx.layer not in HTTP_FREE_LAYERS
            )
            self.imports: set[tuple[str, str, str | None]] = set()
        return self._facts

    def fix_node(
        self, original: cst.CSTNode, updated: cst.CSTNode, diagnostic: Diagnostic, parents: Sequence[cst.CSTNode]
    ) -> cst.CSTNode | None:
        if not isinstance(updated, cst.Integer):
            return None
        try:
            value = int(updated.value, 0)
        except ValueError:
            return None
        plan = self.facts().plan(value, diagnostic.line)
        if plan is None:
            return None
        expr, reference = plan
        if reference.add_import is not None:
            self.imports.add(reference.add_import)
        return dotted_expression(expr).with_changes(lpar=updated.lpar, rpar=updated.rpar)

    def finalize(self, module: cst.Module) -> cst.Module:
        for from_module, name, asname in sorted(getattr(self, "imports", ()), key=repr):
            module = add_import_from(module, from_module, name, asname, near=True, first_party=self.ctx.is_first_party)
        return module

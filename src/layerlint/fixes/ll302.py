"""LL302 fixer: ``Column(...)`` -> ``mapped_column(...)`` with the same arguments.

Which findings are fixed, and how safely, is decided by the rule with
:func:`layerlint.facts.sqlalchemy_fix.column_fix`; the spelling of
``mapped_column`` (an existing import, ``orm.mapped_column``, or a new ``from
sqlalchemy.orm import mapped_column``) by :class:`SqlaFixFacts.reference`, the
same call the rule made.
"""

from __future__ import annotations

from typing import Sequence

import libcst as cst

from layerlint.diagnostics import Diagnostic
from layerlint.facts.sqlalchemy import SA_PACKAGES
from layerlint.facts.sqlalchemy_fix import COLUMN_NAMES, SqlaFixFacts
from layerlint.fixes._dotted import dotted_expression
from layerlint.fixes.base import Fixer
from layerlint.fixes.imports import add_import_from


class MappedColumnFixer(Fixer):
    code = "LL302"
    node_types = (cst.Call,)
    # (and the modules of those names: `from sqlalchemy import schema` whose only use was `schema.Column`)
    removable_imports = COLUMN_NAMES | frozenset(name.rpartition(".")[0] for name in COLUMN_NAMES)

    _facts: SqlaFixFacts | None = None

    def facts(self) -> SqlaFixFacts:
        if self._facts is None:
            self._facts = SqlaFixFacts(self.ctx.tree, self.ctx.path, self.ctx.settings.root)
            self.imports: set[tuple[str, str, str | None]] = set()
        return self._facts

    def fix_node(
        self, original: cst.CSTNode, updated: cst.CSTNode, diagnostic: Diagnostic, parents: Sequence[cst.CSTNode]
    ) -> cst.CSTNode | None:
        if not isinstance(updated, cst.Call):
            return None
        qualified = self.ctx.resolve(updated.func) or ""
        if qualified.partition(".")[0] not in SA_PACKAGES or qualified.rpartition(".")[2] != "Column":
            return None  # not the Column the rule saw
        reference = self.facts().reference("mapped_column", diagnostic.line)
        if reference is None:
            return None
        if reference.add_import is not None:
            self.imports.add(reference.add_import)
        func = dotted_expression(reference.expr)
        return updated.with_changes(func=func.with_changes(lpar=updated.func.lpar, rpar=updated.func.rpar))

    def finalize(self, module: cst.Module) -> cst.Module:
        for from_module, name, asname in sorted(getattr(self, "imports", ()), key=repr):
            module = add_import_from(module, from_module, name, asname, near=True, first_party=self.ctx.is_first_party)
        return module

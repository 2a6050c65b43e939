"""LL303 fixer: ``name = mapped_column(...)`` -> ``name: Mapped[X] = mapped_column(...)``.

The rule decides which statements are annotated, and how safely
(:func:`layerlint.facts.sqlalchemy_fix.mapped_annotation_fix`); the annotation
and the imports it needs come from the same plan, made again here on the rule's
view of the file.
"""

from __future__ import annotations

import ast
from typing import Sequence

import libcst as cst

from layerlint.diagnostics import Diagnostic
from layerlint.facts.sqlalchemy_fix import mapped_annotation
from layerlint.fixes._astview import AstViewFixer
from layerlint.fixes.imports import add_import_from


class MappedAnnotationFixer(AstViewFixer):
    code = "LL303"
    node_types = (cst.Assign,)

    def fix_node(
        self, original: cst.CSTNode, updated: cst.CSTNode, diagnostic: Diagnostic, parents: Sequence[cst.CSTNode]
    ) -> cst.CSTNode | None:
        if not isinstance(updated, cst.Assign) or len(updated.targets) != 1:
            return None
        target = updated.targets[0]
        stmt = self.reported(diagnostic, ast.Assign)
        cls = self.index.enclosing_scope(stmt) if stmt is not None else None
        if not isinstance(stmt, ast.Assign) or not isinstance(stmt.value, ast.Call) or not isinstance(cls, ast.ClassDef):
            return None
        plan = mapped_annotation(stmt, stmt.value, cls, self.fctx)
        if plan is None:
            return None
        self.__dict__.setdefault("imports", set()).update(plan.imports)
        return cst.AnnAssign(
            target=target.target,
            annotation=cst.Annotation(cst.parse_expression(plan.text)),
            value=updated.value,
            equal=cst.AssignEqual(
                whitespace_before=target.whitespace_before_equal, whitespace_after=target.whitespace_after_equal
            ),
            semicolon=updated.semicolon,
        )

    def finalize(self, module: cst.Module) -> cst.Module:
        for from_module, name, asname in sorted(self.__dict__.get("imports", ()), key=repr):
            module = add_import_from(module, from_module, name, asname, near=True, first_party=self.ctx.is_first_party)
        return module

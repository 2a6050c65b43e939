"""LL205 fixer: v1 arguments of ``Field``/``constr``/``conlist``/``conset`` -> their
v2 names (:func:`layerlint.facts.pydantic_fixes.field_argument_fix`)."""

from __future__ import annotations

import ast
from typing import Sequence

import libcst as cst

from layerlint.diagnostics import Diagnostic
from layerlint.facts.pydantic_fixes import field_argument_fix
from layerlint.fixes._pydantic import PydanticFixer


class FieldArgumentFixer(PydanticFixer):
    code = "LL205"
    node_types = (cst.Arg,)

    def fix_node(
        self, original: cst.CSTNode, updated: cst.CSTNode, diagnostic: Diagnostic, parents: Sequence[cst.CSTNode]
    ) -> cst.CSTNode | None:
        if not isinstance(updated, cst.Arg) or updated.keyword is None:
            return None
        keyword = self.reported(diagnostic, ast.keyword, lambda n: n.arg == updated.keyword.value)
        call = self.index.parent(keyword) if keyword is not None else None
        if not isinstance(keyword, ast.keyword) or not isinstance(call, ast.Call):
            return None
        plan = field_argument_fix(keyword, call, self.fctx)
        if plan is None or not self.agrees(plan[2], diagnostic):
            return None
        new_name, new_value, _safety = plan
        value = cst.parse_expression(new_value) if new_value is not None else updated.value
        return updated.with_changes(keyword=cst.Name(new_name), value=value)

"""LL203 fixer: v1 model methods and attributes -> the ``model_*`` API.

A rename rewrites the attribute's name (the finding's range); ``from_orm`` and
``schema_json`` rewrite the call (their finding covers it). The plan is
:func:`layerlint.facts.pydantic_fixes.method_fix`, the rule's; whether the
receiver is a model the rule alone knows (it made the finding unsafe when it
only guessed).
"""

from __future__ import annotations

import ast
from typing import Sequence

import libcst as cst

from layerlint.diagnostics import Diagnostic
from layerlint.facts.pydantic_fixes import method_fix
from layerlint.fixes._pydantic import PydanticFixer, add_plain_import, append_arg, keyword_arg, with_commas

_SCHEMA_KEYWORDS = frozenset({"by_alias", "ref_template"})


class ModelMethodFixer(PydanticFixer):
    code = "LL203"
    node_types = (cst.Name, cst.Call)

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.needs_json = False

    def fix_node(
        self, original: cst.CSTNode, updated: cst.CSTNode, diagnostic: Diagnostic, parents: Sequence[cst.CSTNode]
    ) -> cst.CSTNode | None:
        if isinstance(updated, cst.Name):
            return self._rename(original, diagnostic, parents)
        if isinstance(updated, cst.Call):
            return self._rewrite_call(original, updated, diagnostic)
        return None

    def _rename(self, original: cst.CSTNode, d: Diagnostic, parents: Sequence[cst.CSTNode]) -> cst.CSTNode | None:
        owner = parents[-1] if parents else None
        if not isinstance(owner, cst.Attribute) or owner.attr is not original:
            return None
        name = owner.attr.value
        attr = self._attribute(d, name)
        if attr is None:
            return None
        parent = self.index.parent(attr)
        call = parent if isinstance(parent, ast.Call) and parent.func is attr else None
        plan = method_fix(name, call, isinstance(attr.ctx, ast.Load), self.fctx, self._code(call))
        if plan is None or plan.kind != "rename" or not self.agrees(plan.safety, d):
            return None
        return cst.Name(plan.new_name)

    def _attribute(self, d: Diagnostic, name: str) -> ast.Attribute | None:
        """The ast attribute whose name the finding covers (it ends where the name ends)."""
        found = [
            n for n in self.index.ends.get((d.end_line, d.end_col - 1), ())
            if isinstance(n, ast.Attribute) and n.attr == name
        ]
        return found[0] if len(found) == 1 else None  # type: ignore[return-value]

    def _code(self, node: ast.AST | None) -> str | None:
        return ast.get_source_segment(self.fctx.source, node) if node is not None else None

    def _rewrite_call(self, original: cst.CSTNode, updated: cst.Call, d: Diagnostic) -> cst.CSTNode | None:
        func = updated.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in ("from_orm", "schema_json"):
            return None
        call = self.reported(
            d, ast.Call, lambda n: isinstance(n.func, ast.Attribute) and n.func.attr == func.attr.value
        )
        if not isinstance(call, ast.Call):
            return None
        plan = method_fix(func.attr.value, call, True, self.fctx, self._code(call))
        if plan is None or plan.kind != func.attr.value or not self.agrees(plan.safety, d):
            return None
        if plan.kind == "from_orm":
            renamed = updated.with_changes(func=func.with_changes(attr=cst.Name("model_validate")))
            return append_arg(renamed, keyword_arg("from_attributes", cst.Name("True")))
        # schema_json(by_alias=..., indent=2) -> json.dumps(M.model_json_schema(by_alias=...), indent=2)
        schema_args = [a for a in updated.args if a.keyword is not None and a.keyword.value in _SCHEMA_KEYWORDS]
        dumps_args = [a for a in updated.args if not any(a is s for s in schema_args)]
        schema = cst.Call(
            func=func.with_changes(attr=cst.Name("model_json_schema")),
            args=with_commas(schema_args),
        ) if schema_args else cst.Call(func=func.with_changes(attr=cst.Name("model_json_schema")))
        self.needs_json = True
        return cst.Call(
            func=cst.Attribute(value=cst.Name("json"), attr=cst.Name("dumps")),
            args=with_commas([cst.Arg(value=schema), *dumps_args], updated.args[-1] if updated.args else None),
            lpar=updated.lpar,
            rpar=updated.rpar,
        )

    def finalize(self, module: cst.Module) -> cst.Module:
        if self.needs_json and self.fctx.imports.get("json") != "json":
            module = add_plain_import(module, "json")
        return module

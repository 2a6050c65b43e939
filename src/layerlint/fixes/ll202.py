"""LL202 fixer: a v1 config key -> its v2 name, in ``ConfigDict(...)`` or a
``model_config`` dict (:func:`layerlint.facts.pydantic_fixes.config_key_fix`)."""

from __future__ import annotations

import ast
from typing import Sequence

import libcst as cst

from layerlint.diagnostics import Diagnostic
from layerlint.facts.pydantic_fixes import config_key_fix, dict_keys
from layerlint.fixes._pydantic import PydanticFixer


class ConfigKeyFixer(PydanticFixer):
    code = "LL202"
    node_types = (cst.Arg, cst.DictElement)

    def fix_node(
        self, original: cst.CSTNode, updated: cst.CSTNode, diagnostic: Diagnostic, parents: Sequence[cst.CSTNode]
    ) -> cst.CSTNode | None:
        if isinstance(updated, cst.Arg) and updated.keyword is not None:
            keyword = self.reported(diagnostic, ast.keyword, lambda n: n.arg == updated.keyword.value)
            call = self.index.parent(keyword) if keyword is not None else None
            if not isinstance(keyword, ast.keyword) or not isinstance(call, ast.Call):
                return None
            others = {k.arg or "**" for k in call.keywords if k is not keyword}
            plan = config_key_fix(keyword.arg or "", keyword.value, others)
            if plan is None or not self.agrees(plan[2], diagnostic):
                return None
            new_key, new_value, _safety = plan
            value = cst.parse_expression(new_value) if new_value is not None else updated.value
            return updated.with_changes(keyword=cst.Name(new_key), value=value)
        if isinstance(updated, cst.DictElement):
            key = self.reported(diagnostic, ast.Constant, lambda n: isinstance(n.value, str))
            mapping = self.index.parent(key) if key is not None else None
            if not isinstance(key, ast.Constant) or not isinstance(mapping, ast.Dict) or key not in mapping.keys:
                return None
            value_node = mapping.values[mapping.keys.index(key)]
            plan = config_key_fix(key.value, value_node, dict_keys(mapping) - {key.value})
            if plan is None or not self.agrees(plan[2], diagnostic):
                return None
            new_key, new_value, _safety = plan
            value = cst.parse_expression(new_value) if new_value is not None else updated.value
            return updated.with_changes(key=_string_like(updated.key, new_key), value=value)
        return None


def _string_like(old: cst.BaseExpression, text: str) -> cst.SimpleString:
    """A string literal of ``text`` (an identifier) in ``old``'s quotes."""
    if isinstance(old, cst.SimpleString) and "b" not in old.prefix.lower():
        return old.with_changes(value=f"{old.prefix}{old.quote}{text}{old.quote}")
    return cst.SimpleString(f'"{text}"', lpar=getattr(old, "lpar", ()), rpar=getattr(old, "rpar", ()))

"""LL204 fixer: ``@validator(...)`` -> ``@field_validator(...)`` + ``@classmethod``,
``@root_validator(pre=True)`` -> ``@model_validator(mode="before")`` + ``@classmethod``.

The finding covers the decorator's call, which the fix rewrites (name,
``pre=True`` -> ``mode="before"``, arguments v2 dropped); ``@classmethod`` and
the import of the new decorator are added after the pass. The plan is
:func:`layerlint.facts.pydantic_fixes.validator_fix`, the rule's.
"""

from __future__ import annotations

import ast
from typing import Sequence

import libcst as cst

from layerlint.diagnostics import Diagnostic
from layerlint.facts.pydantic_fixes import V1_ROOT_VALIDATOR, V1_VALIDATOR, ValidatorPlan, validator_fix
from layerlint.fixes._pydantic import PydanticFixer, map_statements, with_commas
from layerlint.fixes.imports import add_import_from


class ValidatorFixer(PydanticFixer):
    code = "LL204"
    node_types = (cst.Call,)
    removable_imports = V1_VALIDATOR | V1_ROOT_VALIDATOR

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.rewritten: dict[int, tuple[cst.Call, ValidatorPlan]] = {}  # id(new call) -> (it, its plan)

    def fix_node(
        self, original: cst.CSTNode, updated: cst.CSTNode, diagnostic: Diagnostic, parents: Sequence[cst.CSTNode]
    ) -> cst.CSTNode | None:
        if not isinstance(updated, cst.Call) or not parents or not isinstance(parents[-1], cst.Decorator):
            return None
        call = self.reported(diagnostic, ast.Call)
        func = self.index.parent(call) if call is not None else None
        if not isinstance(call, ast.Call) or not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return None
        if not any(d is call for d in func.decorator_list):
            return None
        position = next(i for i, d in enumerate(func.decorator_list) if d is call)
        qualified = self.fctx.resolve(call.func) or ""
        code = ast.get_source_segment(self.fctx.source, call)
        plan = validator_fix(call, func, position, qualified, self.fctx, code)
        if plan is None or not self.agrees(plan.safety, diagnostic):
            return None
        callee = updated.func
        if isinstance(callee, cst.Attribute):
            new_func: cst.BaseExpression = callee.with_changes(attr=cst.Name(plan.new_name))
        else:
            new_func = cst.Name(plan.new_name, lpar=getattr(callee, "lpar", ()), rpar=getattr(callee, "rpar", ()))
        quote = _quote_of(updated)
        kept: list[cst.Arg] = []
        for arg in updated.args:
            name = arg.keyword.value if arg.keyword is not None else None
            if name in plan.dropped:
                continue
            if name == "pre" and plan.mode_before:
                arg = arg.with_changes(keyword=cst.Name("mode"), value=cst.SimpleString(f"{quote}before{quote}"))
            kept.append(arg)
        args = with_commas(kept, updated.args[-1]) if len(kept) != len(updated.args) and kept else kept
        new = updated.with_changes(func=new_func, args=args)
        self.rewritten[id(new)] = (new, plan)
        return new

    def finalize(self, module: cst.Module) -> cst.Module:
        if not self.rewritten:
            return module

        def add_classmethod(stmt: cst.BaseStatement) -> cst.BaseStatement:
            if not isinstance(stmt, cst.FunctionDef) or not stmt.decorators:
                return stmt
            found = self.rewritten.get(id(stmt.decorators[0].decorator))
            if found is None or found[0] is not stmt.decorators[0].decorator or not found[1].add_classmethod:
                return stmt
            decorator = cst.Decorator(decorator=cst.Name("classmethod"))
            return stmt.with_changes(decorators=[stmt.decorators[0], decorator, *stmt.decorators[1:]])

        module = map_statements(module, add_classmethod)  # type: ignore[assignment]
        for name in sorted({plan.new_name for _, plan in self.rewritten.values() if not plan.attribute}):
            plan = next(p for _, p in self.rewritten.values() if p.new_name == name)
            if self.fctx.imports.get(name) not in plan.import_names:  # not imported at module level
                module = add_import_from(module, "pydantic", name)
        return module


def _quote_of(call: cst.Call) -> str:
    """The quote the decorator's strings use (the field names), else a double quote."""
    for arg in call.args:
        if isinstance(arg.value, cst.SimpleString):
            return arg.value.quote if len(arg.value.quote) == 1 else '"'
    return '"'

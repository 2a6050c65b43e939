"""LL201 pydantic-v1-config-class: `class Config:` inside a Pydantic model or settings class.

## What it does
Flags a nested `class Config:` in a class known to be a Pydantic model: a
subclass, transitively within the module, of `BaseModel`, `RootModel` or
`BaseSettings` (from `pydantic` or `pydantic_settings`, however imported or
aliased), or of a class imported from a schemas module.

A `class Config` in any other class is not flagged, nor one in a model built on
`pydantic.v1` (a deliberate v1 shim), nor one in a class whose bases are not
known to be Pydantic.

## Why is this bad?
Pydantic v2 configures a model with `model_config = ConfigDict(...)` (settings:
`SettingsConfigDict(...)`). The nested `Config` class still works in v2 but is
deprecated, warns on import, and is removed in v3; many of its keys were also
renamed (`orm_mode` -> `from_attributes`), and a misspelt v1 key in a `Config`
class is silently ignored.

## Example
```python
from pydantic import BaseModel


class UserResponse(BaseModel):
    id: int

    class Config:
        orm_mode = True
```

## Use instead
```python
from pydantic import BaseModel, ConfigDict


class UserResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
```

## Fix safety
No fix yet. A fix is planned for the cases where it keeps the meaning: when
every statement of the `Config` class is a `key = <literal>` with a known v2
meaning, it becomes `model_config = ConfigDict(...)` (`SettingsConfigDict` for
settings classes) with the keys renamed as LL202 describes, importing the
name. A `Config` class with methods, computed values or keys without a v2
equivalent will stay unfixed.
"""

from __future__ import annotations

import ast
import re

from layerlint.context import FileContext
from layerlint.diagnostics import FIX_SAFE
from layerlint.facts.pydantic import module_facts
from layerlint.facts.pydantic_fixes import config_class_plan
from layerlint.rule import Rule

_CONFIG_CLASS = re.compile(r"^[ \t]+class[ \t]+Config\b", re.MULTILINE)


class V1ConfigClass(Rule):
    code = "LL201"
    name = "pydantic-v1-config-class"
    summary = "`class Config:` in a Pydantic model (use `model_config = ConfigDict(...)`)"
    fix_availability = "sometimes"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return "Config" in ctx.source and _CONFIG_CLASS.search(ctx.source) is not None

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if node.name != "Config" or not self.ctx.scopes:
            return
        outer = self.ctx.scopes[-1]
        if not isinstance(outer, ast.ClassDef):
            return
        info = module_facts(self.ctx).classes.get(outer.name)
        if info is None or info.kind != "model":
            return
        replacement = "SettingsConfigDict" if info.settings else "ConfigDict"
        plan = config_class_plan(node, outer, self.ctx, info.settings)
        self.report(
            node,
            f"`class Config` is Pydantic v1: use `model_config = {replacement}(...)`",
            fix=FIX_SAFE if plan is not None else None,
        )

"""LL204 pydantic-v1-validator: `@validator` / `@root_validator` imported from pydantic.

## What it does
Flags each use of Pydantic v1's `validator` and `root_validator` (as a
decorator, or called to build a reusable validator), resolved through the
import table: `from pydantic import validator`, `import pydantic as pd;
@pd.root_validator(pre=True)`, an aliased import, or a project module that
re-exports it under its own name (`from app.compat import validator`, where
`app/compat.py` holds `from pydantic import validator` and binds the name no
other way; one that gives `pydantic.v1`'s where it exists, `try: from
pydantic.v1 import validator` / `except ImportError: from pydantic import
validator`, is v1 code whose name stays unknown; so is a name this module
imports from two places or in an `except ImportError:` handler, such as
`validator as field_validator` beside `from pydantic import field_validator`
in a shim). The same names from
`pydantic.v1` (a deliberate v1 shim) and functions of your own that happen to
be called `validator` are not flagged, nor is a decorator on a method of a
`pydantic.v1` model (v1 code, where `@field_validator` is no advice: a validator
from `pydantic` does not run on such a model at all; it needs `pydantic.v1`'s).

## Why is this bad?
v2 replaced them with `@field_validator` and `@model_validator`, whose
signatures differ: `pre=True` became `mode="before"`, `each_item` and
`always` are gone, a root validator receives the model (or raw data in `before`
mode) instead of a `values` dict, and the validator must be a `@classmethod`.
The v1 decorators still run in v2 with a deprecation warning, and
`@root_validator` without `skip_on_failure=True` fails at import time.

## Example
```python
from pydantic import BaseModel, validator


class UserCreate(BaseModel):
    email: str

    @validator("email")
    def lower_email(cls, value):
        return value.lower()
```

## Use instead
```python
from pydantic import BaseModel, field_validator


class UserCreate(BaseModel):
    email: str

    @field_validator("email")
    @classmethod
    def lower_email(cls, value: str) -> str:
        return value.lower()
```

## Fix safety
The fix rewrites the decorator of a validator whose signature keeps its
meaning, adds `@classmethod` below it and imports the new decorator (or writes
`pd.field_validator` after `pd.validator`):

- `@validator("a", "b")` -> `@field_validator("a", "b")` for a method
  `(cls, value)`: safe. `pre=True` becomes `mode="before"`; `pre=False`,
  `always=False`, `each_item=False` and `allow_reuse` (v2 has no such check)
  are dropped; `check_fields` is kept. Unsafe where the validators of a field
  would run in another order: Pydantic 2 runs a field's `@field_validator`s
  before its v1 `@validator`s, so a validator sharing a field (`"*"`: all of
  them) with one that stays v1 (no fix, or an unsafe one; a reusable one, or
  what a project function builds in the class body: `_strip = stripped("name")`)
  or that is a `@field_validator` already, in its class or another class of
  its hierarchy in the module, may come to run before it; and unsafe where
  another class of its hierarchy (a base or a subclass of the module, a base
  of another project module) defines a method of the same name: v2 lets a
  validator override one of its own kind only, so a subclass's v1 validator
  of that name and its base's new one would both run. A subclass in another
  module is read as text: where a file deriving a class from this one spells
  `validator(`, the fix is unsafe (its validators may share a field or a name);
- `@root_validator(pre=True)` -> `@model_validator(mode="before")` for a
  method `(cls, values)`, dropping `allow_reuse` and `skip_on_failure`: unsafe.
  v1 gave a pre root validator a dict of the input; v2 gives a `before` model
  validator the raw input: the ORM object under `from_attributes`, whatever
  `model_validate` received.

No fix, the finding stays:

- a validator taking `values`, `field`, `config` or `**kwargs` (v2 passes a
  `ValidationInfo` instead), or whose first parameter is not `cls`;
- `each_item=True`, `always=True`, `whole=`, or a flag that is not a literal;
- a post root validator (`@root_validator`, `@root_validator(skip_on_failure=True)`):
  v1 gives it the `values` dict, v2's `mode="after"` the model instance;
- another decorator between the validator and the function, or above it, an
  `async def`, a comment an argument removed would take along, a name
  `field_validator`/`model_validator`/`classmethod` bound to something else;
- a validator built without decorating (`check("name", allow_reuse=True)(str.strip)`),
  and a module that keeps Pydantic v1 working (see LL201);
- a validator imported through a project module that re-exports it: the new
  decorator would be imported from `pydantic` past that module, and its import
  of the v1 one left unused.

No fix in a project whose dependency files let it run Pydantic 1.x (when they do not name
Pydantic: a SQLModel older than 0.0.14, a FastAPI older than 0.100, a Beanie
older than 1.21 or an ODMantic older than 1.0, which require it), nor in a module that runs
on 1.x only, and only unsafe ones where no dependency file names Pydantic or a package
that brings it and the module uses nothing only Pydantic 2 has (see LL201).
No finding in code gated on the Pydantic version (see LL201).
"""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.diagnostics import FIX_SAFE, FIX_UNSAFE
from layerlint.facts.pydantic import (
    binds_v1,
    built_on_v1,
    class_info,
    kin_define,
    last_names,
    locally_rebound,
    method_class,
    module_kin,
    pydantic_gate,
    resolve_function,
)
from layerlint.facts.pydantic_fixes import FIELD_VALIDATOR, V1_VALIDATOR, validated_subclass_elsewhere, validator_fix
from layerlint.rules.pydantic._pydantic_rule import PydanticRule

V1_VALIDATORS = {
    "pydantic.validator": "`@validator` is Pydantic v1: use `@field_validator` (a `@classmethod`)",
    "pydantic.class_validators.validator": "`@validator` is Pydantic v1: use `@field_validator` (a `@classmethod`)",
    "pydantic.root_validator": "`@root_validator` is Pydantic v1: use `@model_validator` (a `@classmethod`)",
    "pydantic.class_validators.root_validator": (
        "`@root_validator` is Pydantic v1: use `@model_validator` (a `@classmethod`)"
    ),
}
_NAMES = last_names(frozenset(V1_VALIDATORS))


class V1Validator(PydanticRule):
    code = "LL204"
    name = "pydantic-v1-validator"
    summary = "Pydantic v1 `@validator` / `@root_validator` (use `@field_validator` / `@model_validator`)"
    fix_availability = "sometimes"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return pydantic_gate(ctx, _NAMES, "validator")  # (also in root_validator)

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        # the name (or attribute) a decorator calls -> (the decorator, the function, its position)
        self._decorators: dict[int, tuple[ast.expr, ast.AST, int]] = {}

    def needles(self) -> set[str]:
        # the names and attributes acted upon spell `validator`, `root_validator` or an
        # import's alias of one; a decorator's lines bring its function into the walk
        return self.ctx.spellings(V1_VALIDATORS)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for position, decorator in enumerate(node.decorator_list):
            callee = decorator.func if isinstance(decorator, ast.Call) else decorator
            self._decorators[id(callee)] = (decorator, node, position)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load) and node.id in self.ctx.imports:
            message = V1_VALIDATORS.get(resolve_function(node, self.ctx, _NAMES) or "")
            if (
                message
                and not binds_v1(node, self.ctx)
                and not locally_rebound(node.id, self.ctx)
            ):
                self._report(node, message)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in _NAMES and isinstance(node.ctx, ast.Load):
            message = V1_VALIDATORS.get(resolve_function(node, self.ctx, _NAMES) or "")
            if message:
                root = node.value
                while isinstance(root, ast.Attribute):
                    root = root.value
                if isinstance(root, ast.Name) and not locally_rebound(root.id, self.ctx) and not binds_v1(root, self.ctx):
                    self._report(node, message)

    def _report(self, node: ast.Name | ast.Attribute, message: str) -> None:
        found = self._decorators.get(id(node))
        if found is None:
            self.report(node, message)  # a call building a reusable validator, a re-export ...
            return
        decorator, func, position = found
        owner = method_class(func, self.ctx)
        info = class_info(owner, self.ctx) if owner is not None else None
        if info is not None and (info.kind == "v1" or built_on_v1(info, self.ctx)):
            # a `pydantic.v1` model's code: v2's names are no advice there (and this
            # decorator from `pydantic` does not run on such a model at all)
            return
        code = self.ctx.source_segment(decorator)
        # (the name as this module's imports give it: one a project module re-exports gets no fix)
        plan = validator_fix(decorator, func, position, self.ctx.resolve(node) or "", self.ctx, code)
        fix = plan.safety if plan is not None else None
        if fix == FIX_SAFE and owner is not None and plan.new_name == "field_validator" and (
            id(func) not in _fixed_together(owner, self.ctx) or func.name in kin_define(owner, self.ctx)
            or validated_subclass_elsewhere(owner.name, self.ctx)
        ):
            fix = FIX_UNSAFE
        # the whole decorator: the fix rewrites its arguments
        self.report(decorator, message, fix=fix)


def _fixed_together(cls: ast.ClassDef, ctx: FileContext) -> frozenset[int]:
    """The field validators of a class whose safe fix keeps the order they run in (ids of their
    functions). Pydantic 2 runs a field's `@field_validator`s before its v1 `@validator`s: a
    v1 validator fixed while another validator of one of its fields stays as it is (taking
    `values`: no fix), or is a `@field_validator` already, may run before it where it ran
    after. So each must share its fields (`"*"`: all) only with validators fixed safely too,
    in the class and in the classes of its hierarchy in the module (a base's validators run
    on the subclass's fields). (Those of classes of other modules are not read.)"""
    return ctx.memo(("pydantic.fixed_together", id(cls)), lambda: _find_fixed_together(cls, ctx))


def _find_fixed_together(cls: ast.ClassDef, ctx: FileContext) -> frozenset[int]:
    # (the function, or the statement building a reusable one; its fields, None: any; fixed safely)
    validators: list[tuple[ast.stmt, frozenset[str] | None, bool]] = []
    for family in (cls, *module_kin(cls, ctx)):
        validators.extend(_validators_of(family, ctx))
    together = {id(func) for func, _fields, fixable in validators if fixable}
    changed = True
    while changed:
        changed = False
        for func, fields, _fixable in validators:
            if id(func) not in together:
                continue
            for other, other_fields, _ in validators:
                if other is func or id(other) in together:
                    continue
                if fields is None or other_fields is None or fields & other_fields:
                    together.discard(id(func))
                    changed = True
                    break
    return frozenset(together)


def _validators_of(cls: ast.ClassDef, ctx: FileContext) -> list[tuple[ast.stmt, frozenset[str] | None, bool]]:
    """(the function or the statement building one, its fields or None for any, fixed safely)
    of each validator a class body declares: decorated methods, reusable ones (`_strip =
    validator("name", allow_reuse=True)(str.strip)`), and assignments from a call of a project
    function, which may build one (`_strip = stripped("name")`: fields unknown)."""
    validators: list[tuple[ast.stmt, frozenset[str] | None, bool]] = []
    local_functions = {s.name for s in ctx.tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
    for stmt in cls.body:
        if isinstance(stmt, ast.FunctionDef):
            found = [(d, position) for position, d in enumerate(stmt.decorator_list) if isinstance(d, ast.Call)]
        elif isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call):
            # `_normalize = validator("name", allow_reuse=True)(str.strip)`: never fixed
            inner = stmt.value.func
            if isinstance(inner, ast.Call):
                found = [(inner, -1)]
            else:
                qualified = ctx.resolve(inner) if isinstance(inner, (ast.Name, ast.Attribute)) else None
                if (
                    isinstance(inner, ast.Name) and inner.id in local_functions and inner.id not in ctx.imports
                    or qualified is not None and ctx.is_first_party(qualified)
                ):
                    validators.append((stmt, None, False))  # a project function's product: may be a validator
                found = []
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.value, ast.Call):
            found = [(stmt.value.func, -1)] if isinstance(stmt.value.func, ast.Call) else []
        else:
            continue
        for decorator, position in found:
            qualified = ctx.resolve(decorator.func) or ""
            if qualified in V1_VALIDATOR:
                plan = (
                    validator_fix(decorator, stmt, position, qualified, ctx, ctx.source_segment(decorator))
                    if position >= 0 else None
                )
                fixable = plan is not None and plan.safety == FIX_SAFE
            elif qualified in FIELD_VALIDATOR:
                fixable = False
            else:
                continue
            fields = frozenset(
                a.value for a in decorator.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
            )
            known = len(fields) == len(decorator.args) and "*" not in fields
            validators.append((stmt, fields if known else None, fixable))
    return validators

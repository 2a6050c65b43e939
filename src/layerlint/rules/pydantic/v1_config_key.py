"""LL202 pydantic-v1-config-key: a Pydantic v1 config key in `ConfigDict(...)` or a `model_config` dict.

## What it does
Flags a v1 configuration key passed to `ConfigDict(...)` or
`SettingsConfigDict(...)` (resolved through imports, also through a project
module that re-exports it: see LL204), or written in a
`model_config = {...}` / `model_config = dict(...)` in the body of a Pydantic
model: `orm_mode`, `allow_population_by_field_name`, `anystr_strip_whitespace`,
`anystr_lower`, `anystr_upper`, `min_anystr_length`, `max_anystr_length`,
`schema_extra`, `validate_all`, `keep_untouched`, `allow_mutation`,
`smart_union`, `underscore_attrs_are_private`, `copy_on_model_validation`,
`fields`, `getter_dict`, `json_loads`, `json_dumps`. The message names the v2
key, or says the key is gone.

Keys inside a v1 `class Config:` are LL201's business, not this rule's.

## Why is this bad?
Pydantic v2 renamed or removed these keys. It warns about a renamed key and
ignores it, so `ConfigDict(orm_mode=True)` leaves `from_attributes` off and
`model_validate(orm_object)` fails at run time, far from the mistake.

## Example
```python
from pydantic import BaseModel, ConfigDict


class UserResponse(BaseModel):
    model_config = ConfigDict(orm_mode=True, allow_population_by_field_name=True)
```

## Use instead
```python
from pydantic import BaseModel, ConfigDict


class UserResponse(BaseModel):
    model_config = ConfigDict(from_attributes=True, populate_by_name=True)
```

## Fix safety
The fix renames the key (`orm_mode=True` -> `from_attributes=True`, in a call
or as a dict key, keeping its quotes) and is safe: v2 ignores the v1 key (it
warns), so the fix restores the meaning the code had in v1.
`allow_mutation=<True|False>` becomes `frozen=<the opposite>` when the value is
a literal `True`/`False` (else no fix): safe for `True`, unsafe for `False`, as
v2's `frozen=True` also makes the instances hashable, which v1's
`allow_mutation = False` did not. `schema_extra` becomes
`json_schema_extra`: safe for a dict; unsafe for a function, which v2 then
calls with its own JSON schema, laid out differently from v1's (`$defs`,
`anyOf` for optional fields), where v2 ignored it before.

No fix when the v2 key is already there (`orm_mode=True,
from_attributes=False`), when a `**spread` may hold it, or for a key v2 removed
(`smart_union`, `underscore_attrs_are_private`, `copy_on_model_validation`,
`fields`, `getter_dict`, `json_loads`, `json_dumps`): deleting it is left to
you, as is re-expressing what it did.

No fix in a project whose dependency files let it run Pydantic 1.x (when they do not name
Pydantic: a SQLModel older than 0.0.14, a FastAPI older than 0.100, a Beanie
older than 1.21 or an ODMantic older than 1.0, which require it), nor in a module that runs
on 1.x only, and only unsafe ones where no dependency file names Pydantic or a package
that brings it and the module uses nothing only Pydantic 2 has (see LL201).
No finding in code gated on the Pydantic version (see LL201).
"""

from __future__ import annotations

import ast
from types import SimpleNamespace

from layerlint.context import FileContext
from layerlint.facts.pydantic import built_on_v1, has_word, last_names, module_facts, resolve_function, uses_pydantic
from layerlint.facts.pydantic_fixes import CONFIG_RENAMES, config_key_fix, dict_keys
from layerlint.rules.pydantic._pydantic_rule import PydanticRule

CONFIG_DICTS = frozenset({
    "pydantic.ConfigDict",
    "pydantic.config.ConfigDict",
    "pydantic_settings.SettingsConfigDict",
    "pydantic_settings.main.SettingsConfigDict",
})
_CONFIG_DICT_NAMES = last_names(CONFIG_DICTS)
RENAMED = CONFIG_RENAMES
REMOVED = {
    "allow_mutation": ": use `frozen` (inverted: `allow_mutation=False` is `frozen=True`)",
    "smart_union": " removed in v2 (smart union is the default): drop it",
    "underscore_attrs_are_private": " removed in v2 (underscore attributes are always private): drop it",
    "copy_on_model_validation": " removed in v2: use `revalidate_instances`",
    "fields": " removed in v2: declare aliases and constraints with `Field(...)` on the fields",
    "getter_dict": " removed in v2: use `from_attributes` (and validators)",
    "json_loads": " removed in v2: use `model_validate_json`",
    "json_dumps": " removed in v2: use `model_dump_json` and serializers",
}

_KEYS = tuple(RENAMED) + tuple(REMOVED)


def v1_key_message(key: str) -> str | None:
    if key in RENAMED:
        return f"`{key}` is a Pydantic v1 config key: use `{RENAMED[key]}`"
    if key in REMOVED:
        return f"`{key}` is a Pydantic v1 config key{REMOVED[key]}"
    return None


class V1ConfigKey(PydanticRule):
    code = "LL202"
    name = "pydantic-v1-config-key"
    summary = "Pydantic v1 config key in `ConfigDict(...)` or `model_config` (use the v2 key)"
    fix_availability = "sometimes"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        # (one scan for "onfig", in both words, rules out most files)
        return ctx.mentions("onfig") and ctx.mentions("ConfigDict", "model_config") and has_word(ctx.source, _KEYS)

    def needles(self) -> set[str]:
        # a ConfigDict call spells the callee (or an import's alias of it); a model_config
        # assignment its target; keys are read from those nodes, never visited themselves
        return self.ctx.spellings(CONFIG_DICTS) | {"model_config"}

    def visit_Call(self, node: ast.Call) -> None:
        if resolve_function(node.func, self.ctx, _CONFIG_DICT_NAMES) in CONFIG_DICTS:
            self._keywords(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        if any(isinstance(t, ast.Name) and t.id == "model_config" for t in node.targets):
            self._model_config(node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if isinstance(node.target, ast.Name) and node.target.id == "model_config" and node.value is not None:
            self._model_config(node.value)

    def _model_config(self, value: ast.expr) -> None:
        scopes = self.ctx.scopes
        if not scopes or not isinstance(scopes[-1], ast.ClassDef):
            return
        info = module_facts(self.ctx).classes.get(scopes[-1].name)
        kind = info.kind if info else "unknown"
        if not (kind == "model" or (kind == "unknown" and uses_pydantic(self.ctx))):
            return
        if info is not None and built_on_v1(info, self.ctx):
            return  # a v1 model of another module's (presumed v2 for coming from a schemas module)
        if isinstance(value, ast.Dict):
            keys = dict_keys(value)
            for key, item in zip(value.keys, value.values):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    message = v1_key_message(key.value)
                    if message:
                        plan = config_key_fix(key.value, item, keys - {key.value})
                        # the entry, key to value: the fix may rewrite both
                        entry = SimpleNamespace(
                            lineno=key.lineno, col_offset=key.col_offset,
                            end_lineno=item.end_lineno, end_col_offset=item.end_col_offset,
                        )
                        self.report(entry, message, fix=plan[2] if plan else None)  # type: ignore[arg-type]
        elif (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id == "dict"
            and "dict" not in self.ctx.imports
        ):
            self._keywords(value)

    def _keywords(self, call: ast.Call) -> None:
        for keyword in call.keywords:
            if keyword.arg:
                message = v1_key_message(keyword.arg)
                if message:
                    others = {k.arg or "**" for k in call.keywords if k is not keyword}
                    plan = config_key_fix(keyword.arg, keyword.value, others)
                    self.report(keyword, message, fix=plan[2] if plan else None)

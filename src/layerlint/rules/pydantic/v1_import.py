"""LL206 pydantic-v1-import: an import of a Pydantic v1-only name.

## What it does
Flags imports (and `pydantic.<name>` attribute uses) of names that Pydantic v2
moved or removed: `BaseSettings` from `pydantic`, `parse_obj_as`,
`parse_raw_as`, `schema_of`, `schema_json_of`, `validate_arguments`, and the
`pydantic.generics` module (`GenericModel`). Imports from `pydantic.v1` (a
deliberate v1 shim) are not flagged, nor one side of a compatibility shim that
supports both versions: an import in an `except ImportError:` block, an import
in the `try` whose `except ImportError:` (or broader: `except Exception:`, a bare
`except:`; not `except ModuleNotFoundError:`, which Pydantic 2's
`PydanticImportError` passes through) binds the same name otherwise (`from
pydantic_settings import BaseSettings`, `GenericModel = BaseModel`,
`BaseSettings = None`), or one in
one branch of an `if`/`else` whose other branch imports the same name. A project
module that re-exports one of these names (`from pydantic import parse_obj_as`
in `app/compat.py`) is flagged at that import, not at each import from it.

## Why is this bad?
In v2, `from pydantic import BaseSettings` raises at import time (it lives in
the `pydantic-settings` package now), and the other names are deprecated
aliases that warn and will go: `TypeAdapter` replaces the `*_as`/`*_of`
helpers, `validate_call` replaces `validate_arguments`, and a generic model is
a plain `BaseModel` subclass that also derives from `typing.Generic`.

## Example
```python
from pydantic import BaseSettings, parse_obj_as


class Settings(BaseSettings):
    database_url: str


users = parse_obj_as(list[UserResponse], rows)
```

## Use instead
```python
from pydantic import TypeAdapter
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    database_url: str


users = TypeAdapter(list[UserResponse]).validate_python(rows)
```

## Fix safety
The fix moves `BaseSettings` to `pydantic_settings` (the project must depend on
`pydantic-settings`):

- `from pydantic import BaseModel, BaseSettings` -> `from pydantic import
  BaseModel` and `from pydantic_settings import BaseSettings` on the next line
  (joined with an existing `from pydantic_settings import ...`), keeping an
  `as` name and the alias's comment;
- `from pydantic.env_settings import BaseSettings` -> `from pydantic_settings
  import BaseSettings`;
- `pydantic.BaseSettings` -> `BaseSettings`, imported from `pydantic_settings`
  (dropping `import pydantic` when unused), when nothing else in the module
  binds the name `BaseSettings` and the use is not in the body of a `try` whose
  handler survives a failed import (`except ImportError:`, `except Exception:`,
  a bare `except:`): `try: Base = pydantic.BaseSettings` / `except Exception:
  Base = pydantic.BaseModel` runs on both versions, where a new top-level
  import would take the settings class in v2.

It is safe: the old import raises in v2. It is unsafe when the module passes
`env=` or `alias=` to `Field(...)` (also one a project module re-exports), or a `class Config`
of the module (or a class it derives from: one the module does not define may hold anything)
maps fields to variables (`fields = {"url": {"env": "DATABASE_URL"}}`), names them by an
`alias_generator`, or reads them its own way (`parse_env_var`, `customise_sources`,
`prepare_field`): pydantic-settings ignores those, or names the variables by the alias where
v1 used the field's name, so a setting would silently read another variable. It is unsafe
too when a `Config` names an `env_file` without `extra = "ignore"`, or the module hands
one to a constructor (`Settings(_env_file=".env")`): v1 read only the fields' variables
from it, pydantic-settings validates every entry, so an entry that is no field fails
at startup. And it is unsafe when a class of another project module derives, at any depth,
from one of the module's classes and does any of these (read as text: `class
Settings(AppSettings)` with `Field("sqlite://", env="DB_URL")`), or when another module
hands one of them, or such a subclass, a dotenv file (`Settings(_env_file=".env")`).
Imports in a v1 compatibility shim are not flagged, so never rewritten.

The other names (`parse_obj_as`, `schema_of`, `validate_arguments`,
`GenericModel` ...) need their call sites or classes rewritten: no fix.

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
from layerlint.facts.fallbacks import in_guarded_try, tried_with_fallback
from layerlint.facts.pydantic import binds_v1, has_word
from layerlint.walk import statements
from layerlint.facts.pydantic_fixes import settings_attribute_fix, settings_import_fix
from layerlint.rules.pydantic._pydantic_rule import PydanticRule

_SETTINGS = "`BaseSettings` moved to `pydantic-settings` in Pydantic v2: import it from `pydantic_settings`"
_ENV_SETTINGS = (
    "`pydantic.env_settings` is Pydantic v1: settings and their sources moved to `pydantic-settings` "
    "(`pydantic_settings`)"
)
_GENERICS = (
    "`pydantic.generics` is Pydantic v1: a generic model is a `BaseModel` subclass that also "
    "derives from `typing.Generic`"
)
V1_ONLY = {
    "pydantic.BaseSettings": _SETTINGS,
    "pydantic.env_settings.BaseSettings": _SETTINGS,
    "pydantic.env_settings": _ENV_SETTINGS,
    "pydantic.parse_obj_as": "`parse_obj_as` is Pydantic v1: use `TypeAdapter(T).validate_python(...)`",
    "pydantic.tools.parse_obj_as": "`parse_obj_as` is Pydantic v1: use `TypeAdapter(T).validate_python(...)`",
    "pydantic.parse_raw_as": "`parse_raw_as` is Pydantic v1: use `TypeAdapter(T).validate_json(...)`",
    "pydantic.tools.parse_raw_as": "`parse_raw_as` is Pydantic v1: use `TypeAdapter(T).validate_json(...)`",
    "pydantic.parse_file_as": "`parse_file_as` is Pydantic v1: use `TypeAdapter(T).validate_json(...)`",
    "pydantic.tools.parse_file_as": "`parse_file_as` is Pydantic v1: use `TypeAdapter(T).validate_json(...)`",
    "pydantic.schema_of": "`schema_of` is Pydantic v1: use `TypeAdapter(T).json_schema()`",
    "pydantic.tools.schema_of": "`schema_of` is Pydantic v1: use `TypeAdapter(T).json_schema()`",
    "pydantic.schema_json_of": "`schema_json_of` is Pydantic v1: use `json.dumps(TypeAdapter(T).json_schema())`",
    "pydantic.tools.schema_json_of": (
        "`schema_json_of` is Pydantic v1: use `json.dumps(TypeAdapter(T).json_schema())`"
    ),
    "pydantic.validate_arguments": "`validate_arguments` is Pydantic v1: use `validate_call`",
    "pydantic.decorator.validate_arguments": "`validate_arguments` is Pydantic v1: use `validate_call`",
    "pydantic.generics": _GENERICS,
}
_NAMES = (
    "BaseSettings", "parse_obj_as", "parse_raw_as", "parse_file_as", "schema_of", "schema_json_of",
    "validate_arguments", "generics", "env_settings",
)
# the names a `pydantic.<name>` attribute may be flagged for
_ATTRIBUTES = frozenset(q.partition(".")[2] for q in V1_ONLY if q.count(".") == 1)


def v1_only_message(qualified: str) -> str | None:
    if qualified in V1_ONLY:
        return V1_ONLY[qualified]
    if qualified.startswith("pydantic.generics."):
        return _GENERICS
    return None


class V1Import(PydanticRule):
    code = "LL206"
    name = "pydantic-v1-import"
    summary = "import of a Pydantic v1-only name (`BaseSettings` from pydantic, `parse_obj_as` ...)"
    fix_availability = "sometimes"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return ctx.mentions("pydantic") and has_word(ctx.source, _NAMES)

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._fallbacks: set[int] | None = None

    def needles(self) -> set[str]:
        # a flagged `pydantic.<name>` spells the name; imports are walked everywhere anyway
        return set(_ATTRIBUTES)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = self.ctx.absolute_module(node.module, node.level)
        if not base or base.partition(".")[0] != "pydantic":
            return
        if message := v1_only_message(base):
            if base == "pydantic.env_settings" and all(alias.name == "BaseSettings" for alias in node.names):
                message = _SETTINGS  # (another name, `SettingsSourceCallable`: the module's message)
            if not self._is_fallback(node):
                self.report(node, message, fix=settings_import_fix(node, base, None, self.ctx))
            return
        for alias in node.names:
            if (message := v1_only_message(f"{base}.{alias.name}")) and not self._is_fallback(node):
                # aliases carry their position (3.10+)
                self.report(alias, message, fix=settings_import_fix(node, base, alias, self.ctx))

    def visit_Import(self, node: ast.Import) -> None:
        # ``import pydantic.generics`` binds ``pydantic``: its uses are flagged instead
        for alias in node.names:
            if alias.asname and (message := v1_only_message(alias.name)) and not self._is_fallback(node):
                self.report(node, message)
                return

    def visit_Attribute(self, node: ast.Attribute) -> None:
        value = node.value
        if isinstance(value, ast.Name) and self.ctx.imports.get(value.id) == "pydantic" and not binds_v1(value, self.ctx):
            message = v1_only_message(f"pydantic.{node.attr}")
            if message:
                # (in a `try` that survives a failed import, `except Exception:` included, the
                # code may be one side of a shim: a new top-level import would bypass it)
                fix = None if in_guarded_try(node, self.ctx) else settings_attribute_fix(node, self.ctx)
                self.report(node, message, fix=fix)

    def _is_fallback(self, node: ast.Import | ast.ImportFrom) -> bool:
        """Is the import one side of a v1/v2 compatibility shim: in one branch of an
        ``if``/``else`` whose other branch imports the same name, or in a ``try`` whose
        ``except ImportError:`` handler binds it otherwise? (One in such a handler is never
        reported: see PydanticRule.report.)
        """
        if tried_with_fallback(node, self.ctx):
            return True
        if self._fallbacks is None:
            self._fallbacks = set()
            for block in self.ctx.all_statements:
                if isinstance(block, ast.If) and block.orelse:
                    body, orelse = _imports_in(block.body), _imports_in(block.orelse)
                    shared = _bound_names(body) & _bound_names(orelse)
                    for imp in body + orelse:
                        if _bound_names([imp]) & shared:
                            self._fallbacks.add(id(imp))
        return id(node) in self._fallbacks


def _imports_in(body: list[ast.stmt]) -> list[ast.Import | ast.ImportFrom]:
    return [n for n in statements(body) if isinstance(n, (ast.Import, ast.ImportFrom))]


def _bound_names(imports: list[ast.Import | ast.ImportFrom]) -> set[str]:
    return {alias.asname or alias.name.partition(".")[0] for imp in imports for alias in imp.names}


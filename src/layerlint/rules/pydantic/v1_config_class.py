"""LL201 pydantic-v1-config-class: `class Config:` inside a Pydantic model or settings class.

## What it does
Flags a nested `class Config:` in a class known to be a Pydantic model: a
subclass, transitively within the module, of `BaseModel`, `RootModel` or
`BaseSettings` (from `pydantic` or `pydantic_settings`, however imported or
aliased), of SQLModel's `SQLModel` (a Pydantic model too), of a class
imported from a schemas module, or of a class of another project module whose
bases, read from its module, are Pydantic's (a `models.py` holding Pydantic
classes). A project module may re-export Pydantic's classes (`from app.compat
import BaseModel`): by name, or by its one star import from outside the project
(`from pydantic import *`) when nothing else there, a star import from the
project included, may bind the name.

A `class Config` in any other class is not flagged, nor one in a model built on
`pydantic.v1` (a deliberate v1 shim; a class imported from a schemas module is
one when that module, read through its re-exports and bases, builds it on
`pydantic.v1`), nor one in a class whose bases are not known to be Pydantic.

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
The fix replaces the `class Config:` with `model_config = ConfigDict(...)`
(`SettingsConfigDict(...)` in a settings class) in its place, importing the
name, and is safe (unsafe in a settings class and where a base may read the
`Config`, see below, and where a key's v2 meaning differs, as LL202 says: a
function as `schema_extra`, `allow_mutation = False`): it gives each key the meaning it
had in v1, which v2 ignores in a `class Config` (it only warns about renamed
keys). Keys are
renamed as LL202 describes (`orm_mode` -> `from_attributes`,
`allow_mutation = False` -> `frozen=True`, `extra = Extra.forbid` ->
`extra="forbid"`, dropping the `Extra` import when unused);
`smart_union = True` and `underscore_attrs_are_private = True`, which v2 always
does, are dropped. The body's comments and docstring become comments of the
call (one key a line), and the values keep their layout.

There is no fix, and the finding stays, when some statement has no known v2
meaning, or cannot be moved without changing it:

- a method (`schema_extra` as a staticmethod, `customise_sources`), a computed
  value (`json_encoders = {datetime: lambda ...}`, `frozen = not DEBUG`), a
  value reading a name the model's body defines (a field called like the
  `alias_generator` function) or an earlier key: only literals and names of the
  module move;
- a key v2 removed or changed (`fields`, `getter_dict`, `json_loads`,
  `copy_on_model_validation`, `smart_union = False`), a settings key
  (`env_prefix`) outside a settings class, or a key given twice under its v1
  and v2 names;
- a `Config` with bases or decorators (when a base makes it another kind of
  class, `class Config(Enum)`, a model, a named tuple or typed dict, a builtin
  collection or exception, the message says to rename it: Pydantic reads any
  nested class of that name as the model's config), a model that also assigns
  `model_config`, a module that reads some `X.Config` (`class Config(Base.Config)`),
  a file of the project that reads the `Config` of a class of the model's name
  (read as text: `class Config(UserBase.Config):` in another module, also under
  an import's other name or through `getattr`), or a name `ConfigDict` bound to
  something else; and the fix is unsafe where a file reads the `Config` of
  another class (`UserOut.Config`), which may be a subclass inheriting it;
- a module that keeps Pydantic v1 working (Pydantic imported in a `try` /
  `except ImportError:` or in both branches of an `if`, or a branch on a
  Pydantic version flag anywhere, as below): its v1 side needs the `Config` class.

A `Model.Config` read outside the project (a library, another repository) is
not seen: it breaks after the fix. In a settings class the fix is therefore
unsafe: settings are commonly specialised per environment by inheriting their
`Config` (`class Config(AppSettings.Config):`), which the fix removes. It is unsafe too
in a class that derives, through classes of other project modules, from a
class of a library other than Pydantic's (nor the standard library's): a model
by a schemas module's presumption only, whose library may read the `Config`.

No fix at all in a project whose dependency files (lock files, `Pipfile`,
`requirements*.txt` and the files they include, `pyproject.toml`, setup.cfg, setup.py) let it run Pydantic 1.x (when they do not name
Pydantic: a SQLModel older than 0.0.14, a FastAPI older than 0.100, a Beanie
older than 1.21 or an ODMantic older than 1.0, which require it): a pin below 2.0,
or a range that also allows 1.x (`pydantic>=1.10`, as a library supporting both
declares; a lock file that lists Pydantic decides instead). Every LL2xx fix
writes the v2 API, which 1.x lacks. The findings stay, for the upgrade. Where
no dependency file names Pydantic, pydantic-settings, or a package that brings it (FastAPI,
SQLModel, Beanie, ODMantic): none at all (a copied folder, an unpacked wheel), or only
others, whose own requirements decide (a Poetry table of `python` alone names none),
the Pydantic is not known: fixes are unsafe, unless the module uses a name only
Pydantic 2 has (`field_validator`, `model_validator`, `computed_field`,
`TypeAdapter`, `pydantic_settings` ...; not `ConfigDict`, which 1.10 has too).
Fixes are unsafe too in a project one of whose modules reads Pydantic's version (`from
pydantic.version import VERSION`, `pydantic.VERSION`, `pydantic.__version__`,
`version("pydantic")`, a `PYDANTIC_V2` flag, FastAPI's or SQLModel's included): it is written
for both versions, and a v2-only spelling breaks its 1.x side, even in a module that
tests no version itself. Where the files do not require Pydantic 2 (they name nothing, or
Pydantic with no version; not `pydantic>=2`, nor pydantic-settings), a module that does at its top level what Pydantic
2 rejects at import, and no fix rewrites, runs on 1.x only, fixed or not: it gets
no fix. That is a `@root_validator` bare or without `pre=True` or
`skip_on_failure=True`, a model with a `__root__` field, an import of `ConstrainedStr`, `NoneStr`, `parse_raw_as`
or another name Pydantic 2 no longer gives (of `pydantic` or any of its 1.x
modules: `pydantic.types`, `pydantic.errors`, `pydantic.validators`,
`pydantic.main.ModelMetaclass` ...), or such a name read at the top level (`class
Name(pydantic.ConstrainedStr)`); not `BaseSettings`, which LL206 moves. Not in a
module that imports a name only Pydantic 2 has at its top level: that one runs on
neither, and the fixes carry its migration on.

No finding at all, in every LL2xx rule, in code gated on the Pydantic version:
either branch of an `if` (or of a conditional expression) whose test reads a
version flag (`PYDANTIC_V1`, `IS_PYDANTIC_V2`, `pydantic.VERSION`,
`PYDANTIC_VERSION.startswith("1.")`, `is_pydantic_v2()`: a name with "pydantic"
and "v1", "v2", "version" or "major" in it, or imported from such a name:
`from app.compat import PYDANTIC_V2 as V2`) or tests for a v2 attribute
(`hasattr(model, "model_dump")`); the code after such an `if` whose branch
returns or raises (its `else`, written flat); and an `except ImportError:`
handler (`try: from pydantic import field_validator` / `except ImportError:`
the 1.x way). Such code keeps both versions working on purpose (the OpenAI and
Anthropic SDKs' `if PYDANTIC_V1:` blocks).
"""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.diagnostics import FIX_SAFE, FIX_UNSAFE
from layerlint.facts.project_classes import project_class_bases
from layerlint.facts.pydantic import (
    MODEL_BASES,
    built_on_v1,
    known_not_pydantic,
    module_facts,
    read_model_kind,
    rests_on_another_library,
)
from layerlint.facts.pydantic_fixes import (
    config_class_plan,
    config_read_of_another_class,
)
from layerlint.rules.pydantic._pydantic_rule import PydanticRule


def _has_config_class(source: str) -> bool:
    """Does an indented line start ``class Config`` (``^[ \\t]+class[ \\t]+Config\\b``,
    multiline)? Searched from each ``Config`` backwards: ``str.find`` is far faster than a
    regex starting with an anchor and a character class."""
    start = source.find("Config")
    while start != -1:
        end = start + len("Config")
        if end == len(source) or not (source[end].isalnum() or source[end] == "_"):
            name_start = start
            while name_start and source[name_start - 1] in " \t":
                name_start -= 1
            if name_start < start and source.endswith("class", 0, name_start):
                class_start = name_start - len("class")
                line_start = class_start
                while line_start and source[line_start - 1] in " \t":
                    line_start -= 1
                if line_start < class_start and (not line_start or source[line_start - 1] == "\n"):
                    return True
        start = source.find("Config", start + 1)
    return False


class V1ConfigClass(PydanticRule):
    code = "LL201"
    name = "pydantic-v1-config-class"
    summary = "`class Config:` in a Pydantic model (use `model_config = ConfigDict(...)`)"
    fix_availability = "sometimes"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return _has_config_class(ctx.source)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if node.name != "Config" or not self.ctx.scopes:
            return
        outer = self.ctx.scopes[-1]
        if not isinstance(outer, ast.ClassDef):
            return
        info = module_facts(self.ctx).classes.get(outer.name)
        if info is None:
            return
        kind, settings = read_model_kind(info, self.ctx)  # (imported bases read only when unknown)
        if kind != "model" or built_on_v1(info, self.ctx) or known_not_pydantic(info.origins, self.ctx):
            return
        replacement = "SettingsConfigDict" if settings else "ConfigDict"
        plan = config_class_plan(node, outer, self.ctx, settings)
        # (the fixer writes the flavour this message names: a base read from another module
        # may make the class a settings class, which the fixer cannot read; a base of another
        # library than Pydantic, reached through classes of other modules, may read the Config)
        unsafe = (
            settings or (plan is not None and any(item.unsafe for item in plan))
            or rests_on_another_library(info.origins, self.ctx)
            or (plan is not None and config_read_of_another_class(outer.name, self.ctx))
        )
        if _not_a_config(node, self.ctx):
            message = "a nested class named `Config` is read by Pydantic as the model's v1 config class: rename it"
        else:
            message = f"`class Config` is Pydantic v1: use `model_config = {replacement}(...)`"
        self.report(node, message, fix=None if plan is None else FIX_UNSAFE if unsafe else FIX_SAFE)


def _not_a_config(node: ast.ClassDef, ctx: FileContext) -> bool:
    """Is the nested ``Config`` another kind of class by a base (``class Config(Enum)``, a
    model of the module or imported, a named tuple, a builtin collection or exception)?
    Pydantic reads it as the model's config all the same."""
    classes = module_facts(ctx).classes
    for base in node.bases:
        if isinstance(base, ast.Name) and base.id not in ctx.imports:
            if base.id in classes:  # a class of the module: a model?
                if read_model_kind(classes[base.id], ctx)[0] == "model":
                    return True
                continue
            if base.id in _BUILTIN_KINDS:
                return True
        qualified = ctx.resolve(base)
        if qualified in _NOT_CONFIG_BASES or qualified in MODEL_BASES:
            return True
        # a class of another project module, its bases read there (not presumed a model by its
        # module's name: `class BaseConfig:` of a schemas module is a config)
        outside = project_class_bases(qualified, ctx) if qualified is not None else None
        if outside and outside & MODEL_BASES:
            return True
    return False


_NOT_CONFIG_BASES = frozenset({
    "enum.Enum", "enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag", "pydantic.BaseModel",
    "typing.NamedTuple", "typing.TypedDict", "typing_extensions.TypedDict", "typing_extensions.NamedTuple",
})
_BUILTIN_KINDS = frozenset({"dict", "list", "tuple", "set", "frozenset", "str", "int", "Exception", "BaseException"})

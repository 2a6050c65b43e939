"""LL203 pydantic-v1-model-method: a Pydantic v1 model method or attribute.

## What it does
Flags the v1 API of a model: `.dict()`, `.json()`, `.copy()`, `.parse_obj()`,
`.parse_raw()`, `.parse_file()`, `.from_orm()`, `.construct()`, `.schema()`,
`.schema_json()`, `.validate()`, `.update_forward_refs()`, `.__fields__`,
`.__fields_set__`. The message names the v2 replacement.

The receiver decides, because these names are everywhere outside Pydantic:

- a generic name (`dict`, `json`, `copy`, `schema`, `validate`, `construct`) is
  flagged only on a receiver known to be a model — a model class (a subclass of
  `BaseModel`/`BaseSettings`/`RootModel`/`SQLModel`, or of the Pydantic models
  of an ODM, Beanie's `Document`/`View` and ODMantic's `Model`/`EmbeddedModel`
  (whose own `validate()` is left alone), in the module, a class
  imported from a schemas module of the project (not a third-party package's
  `schema` module, nor one whose file is not found), or a class of another project module, such as a
  `models.py` holding Pydantic classes beside ORM ones, whose bases, read from
  its module, are Pydantic's (in a module that names neither Pydantic nor a
  schemas module too: a command model of `app/purge.py` imported into a
  service; a class named through a models module, `models.Item` after
  `from app import models`; and a class the module never binds that one of its
  star imports of project modules, and only one, defines: `Org` after `from
  app.core.types import *`), a name
  annotated with one (`user: UserOut`, `Annotated[UserOut, ...]`,
  `UserOut | None`), with a union of classes each known to be a model
  (`user: UserIn | UserOut`, one of them) or with a type variable bound to one (`payload: CreateT`
  with `CreateT = TypeVar("CreateT", bound=UserOut)` made once at module level
  or in another project module, which is read: a `RowT` a schemas module binds
  to `dict` is no model class, however its name looks;
  `def create[T: UserOut](payload: T)` when layerlint runs on Python 3.12 or
  later; one constrained to models only, `TypeVar("T", UserIn, UserOut)`; not
  one without a bound, bound to a union with a member not known to be a model,
  or bound twice in the module),
  a loop or comprehension variable over a name annotated as a collection of one
  model class (or of a class imported from a project module, read there)
  (`for user in users` with `users: list[UserOut]`, `Sequence[...]`,
  `tuple[UserOut, ...]`, `Optional` of one; neither name bound otherwise in the
  function), a receiver known otherwise to be nothing where an `isinstance(x,
  UserOut)` test of one model class holds (an `if`'s test and body, a conditional
  expression's value: `x.dict() if isinstance(x, UserOut) else x`; not where `x` is
  bound again, nor for a call, nor for Pydantic's own `BaseModel`: any model; for an
  attribute or item, `self.item`, an unsafe fix: a method called in between may set it),
  assigned from one (`UserOut(...)`, `Page[UserOut](...)`,
  `UserOut.model_validate(...)`, a call of a project function annotated to return
  one: `data = team_or_raise(...)` with `-> TeamRequest`, also awaited (`user = await
  fetch_user()`) and of the module's own functions, `cast(UserOut, value)`,
  also called on directly: `cast(UserOut, value).dict()`;
  `cast(type[UserOut], value)` is the class), the copy of one
  (`user.copy(update=...)`, `user.model_copy()`: `user.copy(update=...).dict()` is
  flagged twice), `self`/`cls` in a model's methods (a staticmethod's first
  parameter is read by its annotation, as any), `super()`
  in them, `self.<attr>` in a method of a class whose body annotates the
  attribute with one model class (`params: Params`, `Optional[Params]`,
  `Params | None`, a type variable bound to one, `type[Params]`; not a union of
  several classes) when neither the body, its
  `__init__` nor a base of the module binds it otherwise (a method or property
  of that name, another value: `__init__` may assign None, a `Params(...)` or
  a parameter annotated with it) — or when the call passes a Pydantic-only keyword (`exclude_unset`,
  `exclude_none`, `exclude_defaults`, `by_alias`, `include`, `exclude`), unless it
  also passes one that Pydantic 2's deprecated method refuses with a TypeError
  (`models_as_dict=`, `encoder=`, `sort_keys=`: no Pydantic 2 model receives it),
  or the module is v1 code on purpose (it imports `pydantic.v1`, builds its
  classes on v1 models of other modules, or imports v1 model classes of another
  project module, read there: airbyte's code around its generated v1 models). So
  `response.json()` on an httpx response, `data.copy()` on a dict and
  `obj.dict()` on an unknown object stay silent;
- a name only Pydantic v1 has (`from_orm`, `parse_obj`, `parse_raw`,
  `parse_file`, `update_forward_refs`, `schema_json`, `__fields__`,
  `__fields_set__`) is flagged on a known model, and on an unknown receiver in
  a module that uses Pydantic (imports it, or imports from a schemas module)
  and is not v1 code on purpose (as above: `schema.parse_obj(data)` on a
  parameter, in a module whose schemas are another module's v1 models);
- never where the receiver's class is known to define that name itself (a
  `from_orm` classmethod written on a dataclass, a field called `schema`, a
  `dict()` a project base defines, also on an instance of a subclass held in a
  variable, or of a module-level alias of such a class in another module:
  `Settings = BotSettings`, its only binding; or where a base before the model
  base may: `class Rows(UserList, Model)` reaches `UserList.copy()` first, while a
  class of the module whose bases are all such classes brings only what its body
  defines), on a class known not to be Pydantic (one of a schemas module
  that, read, is a `@dataclass` or derives from nothing but the standard
  library (and its backports: `typing_extensions.TypedDict`) and non-Pydantic schema libraries: marshmallow, Django REST
  framework, msgspec, attrs, dataclasses-json ..., also through an instance of one bound
  in a module, `class UserSchema(ma.Schema)` after `ma = Marshmallow()`; or ORMs of their own: tortoise's
  `Model.construct()`, piccolo, peewee, SQLAlchemy, Django), on ormar's models for
  `update_forward_refs()`, which ormar documents as its own, or on a `pydantic.v1`
  model (a class of another module is one when that module, read through its
  re-exports, star imports and bases, builds it on `pydantic.v1`); and in a
  module that imports
  `pydantic.v1`, or builds its classes on another module's v1 models (a compat
  shim's `BaseModel`), or branches on a Pydantic version flag anywhere (code
  for both: Fern's encoder calls `obj.dict(by_alias=True)` on any model, its own
  base's `dict()` among them), or that Fern generated (its first line says so:
  its models' base overrides `dict()`, which the rename would skip), unknown
  receivers are left alone;
- nor on an instance of a class of another package not known to be a model
  (`embedder: OpenAIEmbeddings`, or `embedder` in the body of `if
  isinstance(embedder, OpenAIEmbeddings):`), nor on such a class: which
  Pydantic it is built on, if any, cannot be read (langchain-openai 0.1's
  classes are `pydantic.v1` models); Pydantic's own bases aside;
- nor in a deliberate v1/v2 compatibility branch: the v2 name used on the same
  receiver or its class in the other branch of an `if` (`if is_v2:
  m.model_dump() else: m.dict()`, or an `if` whose v2 branch returns before the
  v1 call), of a conditional expression or a `match`, or in a `try` body whose
  handler uses the v1 name (`type(m).model_fields` then `m.__fields__`), or a
  `hasattr(m, "model_dump")` check in the function (or one of its private
  attribute: `getattr(m, "__pydantic_fields_set__", None)` before
  `m.__fields_set__`). Both names in plain
  sequence are no branch: the v1 call is flagged.

## Why is this bad?
Pydantic v2 renamed the model API to `model_*`. The v1 names still run but are
deprecated, warn at every call, and go away in v3; `from_orm` also needs
`from_attributes` in v2, and `__fields__` returns different objects.

## Example
```python
from app.schemas.user import UserResponse


def to_payload(user: UserResponse) -> dict:
    return user.dict(exclude_unset=True)


def load(row) -> UserResponse:
    return UserResponse.from_orm(row)
```

## Use instead
```python
from app.schemas.user import UserResponse


def to_payload(user: UserResponse) -> dict:
    return user.model_dump(exclude_unset=True)


def load(row) -> UserResponse:
    return UserResponse.model_validate(row, from_attributes=True)
```

## Fix safety
The fix renames the method or attribute: `.dict()` -> `.model_dump()`,
`.json()` -> `.model_dump_json()`, `.copy()` -> `.model_copy()`,
`.parse_obj()` -> `.model_validate()` (also when passed uncalled,
`map(M.parse_obj, rows)`), `.parse_raw()` -> `.model_validate_json()`,
`.construct()` -> `.model_construct()`, `.schema()` -> `.model_json_schema()`,
`.update_forward_refs()` -> `.model_rebuild()`, `__fields__` ->
`model_fields` (on a class), `__fields_set__` -> `model_fields_set`. In v2 the v1 names are
deprecated aliases of these, so the rename is safe on a receiver known to be a
model, for the arguments both accept: `.dict()`/`.json()` with `include`,
`exclude`, `by_alias`, `exclude_unset`, `exclude_defaults`, `exclude_none`;
`.copy()` with `deep`; `.schema()` with `by_alias` and
`ref_template`; `.parse_obj(x)` with one argument;
`.update_forward_refs()` without arguments.

Unsafe:

- `.parse_raw(x)` -> `.model_validate_json(x)`: v2's `parse_raw` validates what
  `json.loads` returns in Python mode, through the class's `model_validate`;
  `model_validate_json` validates in JSON mode (a strict model then accepts a
  string for a datetime) and skips a `model_validate` the project overrides
  (mlserver's restores a private attribute there);

- any fix on a receiver only guessed to be a model (an unknown receiver with a
  Pydantic-only keyword, or a v1-only name in a module using Pydantic);
- any fix on a receiver typed by a type variable (of the module, imported, or a type
  parameter) (`payload: CreateT`) or by a union of models: the bound is only an upper bound, and generic
  code exists to be handed the project's subclasses of it, any of which may
  define its own `dict()` (a v1 habit, to set defaults), which v2 still calls
  and the rename would skip; and so, for that reason, on an instance typed by
  Pydantic's own base (`x: pydantic.BaseModel`, `BaseSettings`): any model
  (a generated client's `UniversalBaseModel` overrides `dict()`), and on a class
  typed so (`args_schema: type[BaseModel]`), whose `schema()` may be its own;
- any fix on `self.<attr>` (typed by its class's annotation) where the class body
  gives it a value not known to be of that class (`args_schema: type[UserOut] =
  SpecialUser`), or a subclass
  in the module declares or assigns that attribute otherwise: the method may
  run on that subclass's object (a subclass elsewhere is trusted as a caller
  passing a parameter is: its attribute stays the annotated class);
- any fix on a receiver whose class has a subclass that defines the v1 method
  itself (`class Secret(Base): def dict(self, **kwargs)`, a v1 habit to keep a field
  out of every dump), in the module or in another project module, at any depth (read
  as text, bases followed through imports and aliases, and the modules between read),
  or by a mixin anywhere in the project whose override calls `super()`'s (any model
  may take it in): v2 still calls that override on its instances, the rename skips it (`self.dict()` in `Base`, `obj.dict()` with `obj: Base`, `Base.parse_obj(...)`);
- any fix on a class (or its project bases) that defines the v2 method itself
  (`model_dump_json` with other defaults): v2 routes the v1 name to it with v1's
  defaults, the rename calls it with its own; and on `super()` in a class that
  defines it, or whose subclass in the module does: the v1 method calls the v2
  one on the instance, reaching that override, `super().model_dump()` skips it;
- `.copy(update=...)`: v2's `copy()` puts a key that is no field in the
  instance's `__dict__`, `model_copy` in its extras under `extra="allow"`,
  where dumps include it; and `.copy()` of a class (or its project bases) that
  defines `__copy__` or `__deepcopy__`, which `model_copy` calls and `copy()`
  did not;
- any fix on a class that derives, through classes of other project modules,
  from a class of a library other than Pydantic's (nor the standard library's):
  a schemas module's `class UserOut(Record)` is a model by presumption only,
  and its `dict()` may be the library's own;
- `.dict()`/`.json()` where the receiver's module (or this one) spells
  `serialize_by_alias`: v2 routes them with `by_alias=False`, the rename lets
  the config decide;
- `.from_orm(x)` -> `.model_validate(x, from_attributes=True)`: v1 raised
  unless the config set `orm_mode`; v2 reads the attributes whatever the
  config says;
- `.json(indent=...)`: v1 passed `indent` to `json.dumps` (which escapes
  non-ASCII), v2 pretty-prints itself;
- `.schema_json(...)` -> `json.dumps(M.model_json_schema(...), ...)` (importing
  `json`): `schema_json` encoded values the schema holds (examples with a
  datetime or a UUID) with Pydantic's encoder, where `json.dumps` raises.

No fix for arguments whose meaning changed or that v2 dropped (`.json(encoder=...)`,
`.json(sort_keys=...)` and the other `json.dumps` arguments, `.copy(include=...)`,
`.dict(skip_defaults=...)`, `**kwargs`, `.parse_raw(b, content_type=...)`,
`.update_forward_refs(**localns)`), for `.validate()` and `.parse_file()`,
which have no one-call equivalent, for an assignment to `__fields_set__`, for
`__fields__` on an instance (the message says `type(user).model_fields`: since
Pydantic 2.11, `model_fields` read on an instance is deprecated too), for
`__fields__` in a module that reads attributes only v1's `ModelField` had
(`.outer_type_`, `.type_`, `.field_info`, `.required`: v2's `FieldInfo` lacks them under
either name, and the finding points at that code), for a
`schema_json` call holding a comment or a module where `json` names something
else, and in a module that keeps Pydantic v1 working (see LL201).

No fix in a project whose dependency files let it run Pydantic 1.x (when they do not name
Pydantic: a SQLModel older than 0.0.14, a FastAPI older than 0.100, a Beanie
older than 1.21 or an ODMantic older than 1.0, which require it), nor in a module that runs
on 1.x only, and only unsafe ones where no dependency file names Pydantic or a package
that brings it and the module uses nothing only Pydantic 2 has (see LL201).
No finding in code gated on the Pydantic version (see LL201).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from types import SimpleNamespace

from layerlint.context import FileContext
from layerlint.diagnostics import FIX_SAFE, FIX_UNSAFE
from layerlint.facts.project_classes import module_mentions
from layerlint.facts.pydantic import (
    MODEL_BASES,
    SETTINGS_BASES,
    Receiver,
    derives_from_model,
    imports_model_classes,
    is_pydantic_base,
    library_defines,
    known_not_pydantic,
    looks_like_class,
    mentions_pydantic,
    module_facts,
    receiver,
    rests_on_another_library,
    subclass_overrides,
    through_imported_type_var,
    uses_pydantic,
    uses_v1_models,
    v2_attribute_test,
)
from layerlint.facts.pydantic_fixes import method_fix, worst
from layerlint.facts.typing import fern_generated
from layerlint.facts.version_gates import tests_pydantic_version
from layerlint.rules.pydantic._pydantic_rule import PydanticRule

GENERIC = {
    "dict": "`.dict()` is Pydantic v1: use `.model_dump()`",
    "json": "`.json()` is Pydantic v1: use `.model_dump_json()`",
    "copy": "`.copy()` is Pydantic v1: use `.model_copy()`",
    "schema": "`.schema()` is Pydantic v1: use `.model_json_schema()`",
    "validate": "`.validate()` is Pydantic v1: use `.model_validate()`",
    "construct": "`.construct()` is Pydantic v1: use `.model_construct()`",
}
UNIQUE = {
    "from_orm": "`.from_orm()` is Pydantic v1: use `.model_validate(obj, from_attributes=True)` "
    "(or `from_attributes=True` in `model_config`)",
    "parse_obj": "`.parse_obj()` is Pydantic v1: use `.model_validate()`",
    "parse_raw": "`.parse_raw()` is Pydantic v1: use `.model_validate_json()`",
    "parse_file": "`.parse_file()` is Pydantic v1: use `.model_validate_json()` on the file's text",
    "update_forward_refs": "`.update_forward_refs()` is Pydantic v1: use `.model_rebuild()`",
    "schema_json": "`.schema_json()` is Pydantic v1: use `json.dumps(Model.model_json_schema())`",
    "__fields__": "`__fields__` is Pydantic v1: use `model_fields`",
    "__fields_set__": "`__fields_set__` is Pydantic v1: use `model_fields_set`",
}
# the v2 name of each v1 name: code that calls both on one receiver is a v1/v2 compatibility branch
V2_NAMES = {
    "dict": "model_dump", "json": "model_dump_json", "copy": "model_copy", "schema": "model_json_schema",
    "validate": "model_validate", "construct": "model_construct", "from_orm": "model_validate",
    "parse_obj": "model_validate", "parse_raw": "model_validate_json", "parse_file": "model_validate_json",
    "update_forward_refs": "model_rebuild", "schema_json": "model_json_schema",
    "__fields__": "model_fields", "__fields_set__": "model_fields_set",
}
_DUMPS = frozenset({"dict", "json"})  # routed to model_dump / model_dump_json with v1's defaults
PYDANTIC_KEYWORDS = frozenset({"exclude_unset", "exclude_none", "exclude_defaults", "by_alias", "include", "exclude"})
# the keywords Pydantic 2 still takes in its deprecated v1 methods: another one there
# (`models_as_dict=`, `encoder=`, `sort_keys=` and the other json.dumps arguments) raises
# TypeError, so a call passing one is no call on a Pydantic 2 model
_V2_TAKES = {"json": PYDANTIC_KEYWORDS, "dict": PYDANTIC_KEYWORDS, "copy": frozenset({"include", "exclude", "update", "deep"})}
_NAMES = re.compile(r"\.[ \t]*(" + "|".join(sorted(GENERIC.keys() | UNIQUE.keys())) + r")\b")
_KEYWORD_GATE = tuple(f"{k}=" for k in PYDANTIC_KEYWORDS)


# an annotation that says nothing of the class (`type_: Any`): the receiver stays unknown
# annotations that say nothing of the class: `Any`, a bare `Type` (any class, as `type` says)
_ANY_NAMES = frozenset({"typing.Any", "typing_extensions.Any", "typing.Type", "typing_extensions.Type"})


class V1ModelMethod(PydanticRule):
    code = "LL203"
    name = "pydantic-v1-model-method"
    summary = "Pydantic v1 model method or attribute (`.dict()`, `.from_orm()` ...: use the `model_*` API)"
    fix_availability = "sometimes"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        if _NAMES.search(ctx.source) is None:
            return False
        return (
            mentions_pydantic(ctx) or any(k in ctx.source for k in _KEYWORD_GATE)
            or ctx.mentions("beanie", "odmantic")  # (ODMs whose documents are models)
            or imports_model_classes(ctx)
        )

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._seen: set[int] = set()

    def needles(self) -> set[str]:
        # every node acted upon is an attribute spelling one of these names (or a call of
        # one, whose lines hold it); receivers and v2 uses are looked up in the tree
        return set(GENERIC.keys() | UNIQUE.keys())

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and (func.attr in GENERIC or func.attr in UNIQUE):
            self._seen.add(id(func))
            self._check(func, node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in UNIQUE and id(node) not in self._seen:
            self._check(node, None)

    def _check(self, attr: ast.Attribute, call: ast.Call | None) -> None:
        name = attr.attr
        facts = module_facts(self.ctx)
        keywords = call is not None and any(k.arg in PYDANTIC_KEYWORDS for k in call.keywords)
        if (
            name in GENERIC and not keywords and not facts.has_models and not facts.uses_pydantic
            and not imports_model_classes(self.ctx)
        ):
            return  # nothing in this module can be a model: skip the receiver analysis
        target = through_imported_type_var(receiver(attr.value, self.ctx), self.ctx)
        if target is None:
            return  # a type variable of another module bound to no one class
        if target.kind == "unknown" and not target.origins and self.ctx.mentions("isinstance("):
            # `request.dict() if isinstance(request, Req) else request`
            target = self._narrowed_model(attr.value) or target
        if target.kind in ("v1", "plain") or name in target.defines:
            return
        # a class of another project module, of no layer that presumes it a model (a
        # models.py holding Pydantic classes): a model when its bases, read, say so
        known = target.is_model or (
            target.kind == "unknown" and bool(target.origins) and derives_from_model(target.origins, self.ctx)
        )
        if name in GENERIC:
            flagged = known or (
                keywords and not self._v1_on_purpose() and not _beyond_v2(name, call)
                and not self._of_another_package(attr.value, target)
            )
        else:
            flagged = known or (
                uses_pydantic(self.ctx) and not self._v1_on_purpose() and not self._of_another_package(attr.value, target)
            )
        defines = target.defines
        if flagged and target.origins:
            # its class is, or derives from, a class of another module: read what that is
            v1, imported = target.imported_facts(self.ctx)
            defines = defines | imported | library_defines(target.origins, self.ctx)
            flagged = (
                not v1 and name not in defines
                and not known_not_pydantic(target.origins, self.ctx, target.imported_class)
            )
        if (
            V2_NAMES[name] in defines or (name in _DUMPS and self._serializes_by_alias(target))
            or (name == "copy" and (
                {"__copy__", "__deepcopy__"} & defines or call is not None and any(k.arg == "update" for k in call.keywords)
            ))
        ):
            # the project overrides the v2 method (`model_dump_json` with other defaults), or
            # configures `serialize_by_alias`: the v1 method, which Pydantic 2 routes to the v2
            # one with v1's defaults (`by_alias=False`), may not answer the same; v2's `copy()`
            # calls no `__copy__`/`__deepcopy__` (model_copy does), and puts an `update=` key
            # that is no field in the instance's `__dict__` (model_copy: in its extras, dumped,
            # under `extra="allow"`)
            known = False
        if flagged and not self._compat(attr):
            if name == "__fields__" and not target.is_class:
                self._report_fields_on_instance(attr, target)
                return
            # a receiver only guessed to be a model (an unknown one, in a module using
            # Pydantic or with a Pydantic-only keyword) makes any fix unsafe; so does one
            # typed by a type variable: any subclass of its bound, whose own dict() v2 still calls;
            # so does `self.<attr>` that a subclass of the module declares otherwise
            # and so does an instance typed by Pydantic's own base (`x: BaseModel`): any model,
            # whose class may override the v1 method (a generated client's `dict()`)
            generic = target.imported_class and not target.is_class and is_pydantic_base(target.origins, self.ctx)
            safe = (
                known and not target.via_type_var and not target.subclass_may_differ and not generic
                and V2_NAMES[name] not in target.defined_below
                and not rests_on_another_library(target.origins, self.ctx)
                and not subclass_overrides(target, name, self.ctx)
            )
            self._report(attr, call, GENERIC.get(name) or UNIQUE[name], FIX_SAFE if safe else FIX_UNSAFE)

    def _v1_on_purpose(self) -> bool:
        """Is the module v1 code on purpose, code for both versions (it branches on a version
        flag: Fern's encoder calls ``obj.dict(by_alias=True)`` on any model, its own base's
        ``dict()`` among them), or generated by Fern (whose models' base overrides ``dict()``),
        where a receiver only guessed to be a model is left alone?"""
        ctx = self.ctx
        return uses_v1_models(ctx) or tests_pydantic_version(ctx) or fern_generated(ctx.source)

    def _of_another_package(self, node: ast.expr, target: Receiver) -> bool:
        """Is the receiver, not known to be a model, an instance of a class of another package
        (``embedder: OpenAIEmbeddings``, or ``embedder`` in the body of ``if isinstance(embedder,
        OpenAIEmbeddings):``), Pydantic's own bases aside? Which Pydantic it is built on, if
        any, cannot be read (langchain-openai 0.1's classes are ``pydantic.v1`` models)."""
        if target.origins:
            # (an origin named like a function is what a call returned: `pydantic_model_creator(...)`,
            # a receiver still only guessed at)
            return not target.origins & (MODEL_BASES | SETTINGS_BASES | _ANY_NAMES) and not any(
                self.ctx.is_first_party(origin) or not looks_like_class(origin.rpartition(".")[2])
                for origin in target.origins
            )
        return target.kind == "unknown" and any(
            not self.ctx.is_first_party(name) and name not in MODEL_BASES | SETTINGS_BASES
            for name in self._narrowed_to(node)
        )

    def _narrowings(self, node: ast.expr, innermost: bool = False) -> list[_Narrowing]:
        """The ``isinstance(<node>, X)`` tests around ``node`` in its function (or the module;
        with ``innermost``, in its innermost scope: a lambda's own)."""
        if innermost:
            scope = self.ctx.scopes[-1] if self.ctx.scopes else self.ctx.tree
        else:
            scope = self.ctx.enclosing_function() or self.ctx.tree
        narrowings = self.ctx.memo(("LL203.narrowings", id(scope)), lambda: _isinstance_tests(scope))
        if not narrowings:
            return []
        spelled = ast.dump(node)
        return [n for n in narrowings if n.tested == spelled and n.holds_at(node)]

    def _narrowed_to(self, node: ast.expr) -> set[str]:
        """The classes (fully qualified) an ``isinstance(<node>, X)`` around ``node`` tests it against."""
        return {
            qualified
            for narrowing in self._narrowings(node)
            for cls in narrowing.classes
            if (qualified := self.ctx.resolve(cls)) is not None
        }

    def _narrowed_model(self, node: ast.expr) -> Receiver | None:
        """An instance of the one model class an ``isinstance(<node>, Model)`` around ``node``
        tests it against, where ``node`` is not bound again; else None."""
        spelled = node.id if isinstance(node, ast.Name) else self.ctx.source_segment(node)
        if not spelled or f"isinstance({spelled}," not in self.ctx.source:
            return None  # (most receivers: no test of theirs, a quick look at the text)
        if any(isinstance(n, ast.Call) for n in ast.walk(node)):
            return None  # (`current()` may give another object each time)
        names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}  # (`holder`, `i` of `items[i]`)
        if any(f"nonlocal {name}" in self.ctx.source or f"global {name}" in self.ctx.source for name in names):
            return None  # (a function the body calls may set it)
        for narrowing in self._narrowings(node, innermost=True):
            if len(narrowing.classes) != 1 or names & narrowing.rebound:
                continue
            found = receiver(narrowing.classes[0], self.ctx)
            # (not Pydantic's own base: `isinstance(obj, BaseModel)` is any model, Fern's among them)
            if found.is_model and found.is_class and not is_pydantic_base(found.origins, self.ctx):
                # (an attribute or item a method called in between may set again: unsafe)
                return replace(found, is_class=False, subclass_may_differ=not isinstance(node, ast.Name))
        return None

    def _serializes_by_alias(self, target: Receiver) -> bool:
        """Does the receiver's class, as far as can be seen, set ``serialize_by_alias``?"""
        if self.ctx.mentions("serialize_by_alias"):
            return True
        return any(module_mentions(origin, "serialize_by_alias", self.ctx) for origin in target.origins)

    def _report_fields_on_instance(self, attr: ast.Attribute, target: Receiver) -> None:
        """``model_fields`` read on an instance is deprecated too (Pydantic 2.11): the class's is
        the v2 name, ``type(user).model_fields``, which a rename cannot write."""
        shown = self.ctx.source_segment(attr.value) or "obj"
        if len(shown) > 30 or "\n" in shown:
            shown = "obj"
        if target.is_model:  # known to be an instance
            message = f"`__fields__` is Pydantic v1: use `type({shown}).model_fields` (not on the instance: deprecated too)"
            self._report(attr, None, message, None)
        else:  # an instance or the class: the rename is right for a class, a deprecated spelling for an instance
            message = f"`__fields__` is Pydantic v1: use `model_fields` on the class (`type({shown}).model_fields` for an instance)"
            self._report(attr, None, message, FIX_UNSAFE)

    def _compat(self, attr: ast.Attribute) -> bool:
        """Is this v1 use one side of a v1/v2 compatibility branch on the same receiver?

        ``if is_v2: m.model_dump() else: m.dict()`` (also ``try``/``except`` and a
        conditional expression, or an ``if`` whose v2 branch returns before the v1 call),
        and any ``hasattr(m, "model_dump")`` check in the function. Two plain statements
        calling both are no branch: the v1 call is just left over.
        """
        scope = self.ctx.enclosing_function() or self.ctx.tree
        uses, tested = self.ctx.memo(("LL203.v2_uses", id(scope)), lambda: _v2_uses(scope))
        key = (_receiver_key(attr.value), V2_NAMES[attr.attr])
        if key in tested:
            return True
        if key not in uses:
            return False
        parents = self.ctx.memo(("LL203.parents", id(scope)), lambda: _parents(scope))
        return any(_alternatives(attr, use, parents) for use in uses[key])

    def _report(
        self, attr: ast.Attribute, call: ast.Call | None, message: str, receiver_safety: str | None
    ) -> None:
        """Report ``attr`` with the fix of its plan, made no safer than ``receiver_safety``
        (None: no fix)."""
        callee = call if call is not None and call.func is attr else None
        code = self.ctx.source_segment(callee) if callee is not None else None
        plan = method_fix(attr.attr, callee, isinstance(attr.ctx, ast.Load), self.ctx, code)
        fix = worst(plan.safety, receiver_safety) if plan is not None and receiver_safety is not None else None
        # point at the attribute name, which may sit lines below the receiver
        line = attr.end_lineno or attr.lineno
        end_col = attr.end_col_offset if attr.end_col_offset is not None else attr.col_offset
        text = self.ctx.lines[line - 1] if 0 < line <= len(self.ctx.lines) else ""
        # end_col_offset counts UTF-8 bytes; so must the start
        start = end_col - len(attr.attr.encode("utf-8"))
        if text.encode("utf-8")[start:end_col].decode("utf-8", "replace") != attr.attr:
            start = attr.col_offset
            line = attr.lineno
            fix = None  # the fixer finds the name by its position
        if plan is not None and plan.kind != "rename" and fix is not None and callee is not None:
            if callee.lineno != line:
                fix = None  # the finding stays on the name's line (noqa), the fix needs the whole call
            else:
                self.report(callee, message, fix=fix)  # the fix rewrites the call
                return
        position = SimpleNamespace(lineno=line, col_offset=start, end_lineno=attr.end_lineno, end_col_offset=end_col)
        self.report(position, message, fix=fix)  # type: ignore[arg-type]


@dataclass(frozen=True)
class _Narrowing:
    """An ``isinstance(x, X)`` test and where it holds: from the test to the end of the
    ``if``'s body (the rest of an ``and`` included), or a conditional expression's value."""

    start: tuple[int, int]
    end: tuple[int, int]
    tested: str  # the tested expression's dump
    classes: list[ast.expr]
    # the names bound where it holds, or whose attribute or item is set there (`x`, the `data`
    # of `data["u"] = ...`, a lambda's or a match's): the tested expression may name another value
    rebound: frozenset[str]

    def holds_at(self, node: ast.expr) -> bool:
        return self.start <= (node.lineno, node.col_offset) and (
            (node.end_lineno or node.lineno, node.end_col_offset or 0) <= self.end
        )


def _isinstance_tests(scope: ast.AST) -> list[_Narrowing]:
    """The ``isinstance(x, X)`` narrowings of a scope: an ``if``'s test (or one operand of
    an ``and`` there), and a conditional expression's; read once."""
    found = []
    for node in ast.walk(scope):
        if isinstance(node, ast.If) and node.body:
            tests, where = node.test, node.body
        elif isinstance(node, ast.IfExp):
            tests, where = node.test, [node.body]
        else:
            continue
        last = where[-1]
        for test in tests.values if isinstance(tests, ast.BoolOp) and isinstance(tests.op, ast.And) else [tests]:
            if (
                isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "isinstance"
                and len(test.args) == 2
            ):
                classes = test.args[1].elts if isinstance(test.args[1], ast.Tuple) else [test.args[1]]
                # (an `if` holds from its test on; a conditional expression's value comes before it)
                start = where[0] if isinstance(node, ast.IfExp) else test
                rebound = _bound_names([*where, test]) | _bound_names(
                    tests.values[tests.values.index(test) + 1:] if isinstance(tests, ast.BoolOp) else []
                )
                found.append(_Narrowing(
                    (start.lineno, start.col_offset), (last.end_lineno or last.lineno, last.end_col_offset or 0),
                    ast.dump(test.args[0]), classes, rebound,
                ))
    return found


def _bound_names(nodes: list[ast.AST]) -> frozenset[str]:
    """Every name ``nodes`` bind, at any depth (nested scopes' parameters, walrus, ``except``,
    ``match`` captures, imports included), and the roots of attributes and items they set."""
    bound: set[str] = set()
    for node in (n for part in nodes for n in ast.walk(part)):
        if isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)) and isinstance(node.ctx, (ast.Store, ast.Del)):
            root = node
            while isinstance(root, (ast.Attribute, ast.Subscript, ast.Starred)):
                root = root.value
            if isinstance(root, ast.Name):
                bound.add(root.id)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((alias.asname or alias.name).partition(".")[0] for alias in node.names)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound.update(node.names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif type(node).__name__ in ("MatchAs", "MatchStar") and getattr(node, "name", None):
            bound.add(node.name)  # type: ignore[attr-defined]
        elif type(node).__name__ == "MatchMapping" and getattr(node, "rest", None):
            bound.add(node.rest)  # type: ignore[attr-defined]
    return frozenset(bound)


def _v2_uses(scope: ast.AST) -> tuple[dict[tuple[str, str], list[ast.AST]], frozenset[tuple[str, str]]]:
    """The ``<receiver>.model_*`` of a scope by (receiver, name), and the (receiver, name) of
    its ``hasattr(<receiver>, "model_*")`` checks."""
    uses: dict[tuple[str, str], list[ast.AST]] = {}
    tested: set[tuple[str, str]] = set()
    for node in ast.walk(scope):
        if isinstance(node, ast.Attribute) and node.attr.startswith("model_"):
            uses.setdefault((_receiver_key(node.value), node.attr), []).append(node)
        else:
            found = v2_attribute_test(node)
            if found is not None:
                tested.add((_receiver_key(found[0]), found[1]))
    return uses, frozenset(tested)


_Step = tuple[ast.AST, str, int]  # (parent, field, index in that field's list, or -1)
_EXITS = (ast.Return, ast.Raise, ast.Continue, ast.Break)


def _parents(scope: ast.AST) -> dict[int, _Step]:
    """Each node's parent in a scope, with the field (and list index) holding it."""
    found: dict[int, _Step] = {}
    for node in ast.walk(scope):
        for name, value in ast.iter_fields(node):
            if isinstance(value, list):
                for index, child in enumerate(value):
                    if isinstance(child, ast.AST):
                        found[id(child)] = (node, name, index)
            elif isinstance(value, ast.AST):
                found[id(value)] = (node, name, -1)
    return found


def _steps(node: ast.AST, parents: dict[int, _Step]) -> dict[int, _Step]:
    """The steps up from a node to its scope, by the id of each parent."""
    steps: dict[int, _Step] = {}
    while id(node) in parents:
        parent, name, index = parents[id(node)]
        steps[id(parent)] = (node, name, index)
        node = parent
    return steps


def _alternatives(first: ast.AST, second: ast.AST, parents: dict[int, _Step]) -> bool:
    """Do two nodes run on different paths: the two branches of an ``if`` (or a conditional
    expression, a ``match``), a ``try`` body and a handler, or an ``if`` branch that leaves
    (``return``/``raise``) and what follows that ``if``?"""
    up_first, up_second = _steps(first, parents), _steps(second, parents)
    node = first
    while id(node) in parents:  # the lowest common ancestor
        node = parents[id(node)][0]
        if id(node) in up_second:
            break
    else:
        return False
    (child_a, field_a, index_a), (child_b, field_b, index_b) = up_first[id(node)], up_second[id(node)]
    if isinstance(node, (ast.If, ast.IfExp)):
        return {field_a, field_b} == {"body", "orelse"}
    if isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
        return "handlers" in (field_a, field_b) and (field_a, index_a) != (field_b, index_b) and (
            {field_a, field_b} <= {"handlers", "body", "orelse"}
        )
    if isinstance(node, ast.Match):
        return field_a == field_b == "cases" and index_a != index_b
    if field_a != field_b or index_a == index_b:
        return False
    # statements of one block: an earlier `if` whose branch holding one of them leaves
    earlier, up = (child_a, up_first) if index_a < index_b else (child_b, up_second)
    if not isinstance(earlier, ast.If):
        return False
    branch = up[id(earlier)][1]
    body = getattr(earlier, branch) if branch in ("body", "orelse") else None
    return bool(body) and isinstance(body[-1], _EXITS)


def _receiver_key(node: ast.expr) -> str:
    """A receiver and its class count as one: ``type(m).model_fields`` then ``m.__fields__``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "type":
        if len(node.args) == 1 and not node.keywords:
            node = node.args[0]
    elif isinstance(node, ast.Attribute) and node.attr == "__class__":
        node = node.value
    return ast.dump(node)


def _beyond_v2(name: str, call: ast.Call | None) -> bool:
    """Does the call pass a keyword that Pydantic 2's deprecated ``name`` method refuses
    (``value.json(models_as_dict=False)``: great_expectations' v1 models; ``sort_keys=True``:
    sqlmesh's own ``json``)? Then the receiver, unknown, is no Pydantic 2 model."""
    takes = _V2_TAKES.get(name)
    return (
        takes is not None and call is not None
        and any(kw.arg is not None and kw.arg not in takes for kw in call.keywords)
    )

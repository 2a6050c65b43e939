"""Pydantic facts: which classes are models, which names hold them, who uses Pydantic.

RULES.md, LL2xx. Everything is resolved through the import table, never by bare
spelling, and what is not known stays unknown:

- A *model class* is a class of this module that subclasses, transitively within
  the module, ``pydantic.BaseModel`` / ``BaseSettings`` / ``RootModel`` /
  ``pydantic_settings.BaseSettings``, ``sqlmodel.SQLModel`` (however imported or aliased), or a class
  imported from a schemas-layer module of the project (``ctx.layer_of``; a rule reads the
  module before it reports: a ``@dataclass`` there is none). Classes built on
  ``pydantic.v1`` are *v1 models*: deliberate v1 code, never flagged; a class
  of another module is one when its module (read, never run, and only when a
  finding depends on it; see facts/project_classes.py) builds it on ``pydantic.v1``.
- A name holds a model *instance* when every binding of it in its scope says so:
  a parameter or variable annotated with a model (``Annotated[M, ...]`` and a
  quoted ``"M"``, ``Optional[M]``, ``Final[M]`` and ``M | None`` included, ``list`` not; a
  type variable bound to a model, made once at module level or a 3.12 type parameter,
  counts as its bound, marked ``via_type_var``), an
  assignment from ``M(...)``, ``M[T](...)`` or ``M.model_validate(...)`` (and the other
  alternate constructors; ``x: Final = M(...)`` too), ``self`` in a model's methods. ``cls`` in a model's classmethods
  (and v1 validators) holds the model *class*.
- A module *uses Pydantic* when it imports ``pydantic`` (other than
  ``pydantic.v1``) or ``pydantic_settings``, or imports from a schemas module;
  a module that imports ``pydantic.v1`` is deliberate v1 code and gets no
  guesses on unknown receivers.
- A Pydantic *function* (``Field``, ``validator``, ``ConfigDict`` ...) is also one imported
  from a project module that re-exports it under its own name (:func:`resolve_function`).

:func:`receiver` classifies an expression (a Name, an attribute chain, a call)
as a :class:`Receiver`: its kind (``model`` / ``v1`` / ``plain`` / ``unknown``)
and the names its class is known to define itself (methods, fields).
"""

from __future__ import annotations

import ast
import builtins
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from types import MappingProxyType

from layerlint.context import FUNCTION_TYPES, FileContext
from layerlint.external import provider
from layerlint.facts.fallbacks import bound_in_import_fallback
from layerlint.facts.names import dotted_root, resolve_in
from layerlint.facts.project_classes import (
    TYPE_VAR_FACTORIES,
    UNKNOWN_BASE,
    class_attributes,
    provided_class,
    class_facts,
    class_own_names,
    defining_name,
    imported_type_var,
    is_dataclass,
    is_pydantic_v1,
    module_level_statements,
    outside_bases,
    parsed_annotation,
    project_ancestors,
    read_outside_bases,
    rebound_at_top,
    star_import_statements,
)
from layerlint.facts.typing import CAST_NAMES, flat_union, is_none_constant
from layerlint.facts.union_inspection import file_scan_spec, text_of
from layerlint.walk import GRAMMAR, plan_for, push_children

MODEL_BASES = frozenset({
    "pydantic.BaseModel",
    "pydantic.main.BaseModel",
    "pydantic.RootModel",
    "pydantic.root_model.RootModel",
    # a SQLModel class is a Pydantic model (on Pydantic 2 from SQLModel 0.0.14, which
    # deprecates the v1 API as Pydantic does; an older SQLModel gets no fix, see LL2xx)
    "sqlmodel.SQLModel",
    "sqlmodel.main.SQLModel",
    # v1 spellings of a model: code still to migrate (LL206 flags the import)
    "pydantic.generics.GenericModel",
    # ODMs whose documents are Pydantic models (on Pydantic 2 from Beanie 1.21 and
    # ODMantic 1.0; an older one gets no fix, see dependencies.PYDANTIC_1_PINNERS)
    "beanie.Document", "beanie.odm.documents.Document",
    "beanie.DocumentWithSoftDelete", "beanie.odm.documents.DocumentWithSoftDelete",
    "beanie.View", "beanie.odm.views.View",
    "odmantic.Model", "odmantic.model.Model", "odmantic.EmbeddedModel", "odmantic.model.EmbeddedModel",
})
SETTINGS_BASES = frozenset({
    "pydantic.BaseSettings",
    "pydantic.env_settings.BaseSettings",
    "pydantic_settings.BaseSettings",
    "pydantic_settings.main.BaseSettings",
})
V1_BASES = frozenset({
    "pydantic.v1.BaseModel",
    "pydantic.v1.main.BaseModel",
    "pydantic.v1.BaseSettings",
    "pydantic.v1.env_settings.BaseSettings",
    "pydantic.v1.generics.GenericModel",
})
_ALL_MODEL_BASES = MODEL_BASES | SETTINGS_BASES
# the v1 model API, which a class listed before the model among the bases may define itself
V1_METHOD_NAMES = frozenset({
    "dict", "json", "copy", "schema", "validate", "construct", "from_orm", "parse_obj", "parse_raw",
    "parse_file", "update_forward_refs", "schema_json", "__fields__", "__fields_set__",
})
# bases that say nothing about Pydantic-ness and define none of its names
NEUTRAL_BASES = frozenset({
    "typing.Generic", "typing_extensions.Generic", "typing.Protocol", "typing_extensions.Protocol",
    "abc.ABC", "enum.Enum", "enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag",
    "typing.NamedTuple", "typing.TypedDict", "typing_extensions.TypedDict",
})
VALIDATOR_DECORATORS = frozenset({
    "pydantic.validator", "pydantic.class_validators.validator",
    "pydantic.root_validator", "pydantic.class_validators.root_validator",
    "pydantic.field_validator", "pydantic.functional_validators.field_validator",
    "pydantic.model_validator", "pydantic.functional_validators.model_validator",
})
_VALIDATOR_NAMES = frozenset({"validator", "root_validator", "field_validator", "model_validator"})
# class-level calls that return an instance of the class
CONSTRUCTORS = frozenset({
    "model_validate", "model_validate_json", "model_validate_strings", "model_construct",
    "parse_obj", "parse_raw", "parse_file", "from_orm", "construct",
})
_COPIES = frozenset({"copy", "model_copy"})  # a model's methods returning a model of its class
_CLASS_METHODS_BY_NAME = frozenset({"__new__", "__init_subclass__", "__class_getitem__"})
_BUILTIN_NAMES = frozenset(dir(builtins))


@dataclass(frozen=True)
class Receiver:
    """What an expression is, as far as Pydantic is concerned."""

    kind: str  # "model" | "v1" | "plain" (known, not Pydantic) | "unknown"
    defines: frozenset[str] = frozenset()
    is_class: bool = False
    # classes of other modules its class is or derives from (fully qualified): what they
    # define, and whether they are pydantic.v1 models, is read from their modules only
    # when a finding depends on it (:meth:`imported_facts`)
    origins: frozenset[str] = frozenset()
    # its class is one of ``origins`` itself (imported), not a class of this module deriving from them
    imported_class: bool = False
    # typed by a type variable bound to its class: an instance of any subclass of it, which the
    # project may give a method of its own
    via_type_var: bool = False
    # ``self.<attr>`` whose class annotates it with its class, where a subclass in the module
    # declares or assigns that attribute otherwise: a method run on it may see another object
    subclass_may_differ: bool = False
    # ``super()``: the names its method's class (or a subclass of it in the module) defines,
    # which the v1 method reaches (it calls ``self.model_dump(...)``) and the rename skips
    defined_below: frozenset[str] = frozenset()
    # the class of the module it is (an instance of, typed or built so), if one is
    module_class: str | None = None

    @property
    def is_model(self) -> bool:
        return self.kind == "model"

    def imported_facts(self, ctx: FileContext) -> tuple[bool, frozenset[str]]:
        """(one of :attr:`origins` is a pydantic.v1 model, the names they define)."""
        return imported_facts(self.origins, ctx)


def imported_facts(origins: frozenset[str], ctx: FileContext) -> tuple[bool, frozenset[str]]:
    """(one of these classes of other project modules is a pydantic.v1 model, the names
    they define), read from their modules (see facts/project_classes.py)."""
    found = [class_facts(origin, ctx) for origin in origins]
    return any(v1 for v1, _ in found), frozenset().union(*(names for _, names in found))


def through_imported_type_var(target: Receiver, ctx: FileContext) -> Receiver | None:
    """A receiver typed by a name imported from another project module that, read there, is
    a type variable (``RowT = TypeVar("RowT", bound=dict)`` in a schemas module: the name looks
    like a class, so it was presumed a model) stands for its bound, as a type variable of
    this module does (``via_type_var``); None when that is no one class."""
    if not target.imported_class or not target.origins:
        return target
    found = [imported_type_var(origin, ctx) for origin in target.origins]
    if not any(is_type_var for is_type_var, _ in found):
        return target
    bound = found[0][1]
    if len(found) != 1 or bound is None:
        return None
    return Receiver(
        imported_kind(bound, ctx)[0], is_class=target.is_class, origins=frozenset({bound}), imported_class=True,
        via_type_var=True,
    )


def is_pydantic_base(origins: frozenset[str], ctx: FileContext) -> bool:
    """Are these classes (qualified) Pydantic's own bases (``BaseModel``, ``BaseSettings``...),
    also as a project module re-exports or aliases them (``from app.schemas import BaseModel``,
    ``AliasModel = BaseModel``)? Any model, then."""
    return bool(origins) and all(
        (ctx.through_reexports(origin) if ctx.is_first_party(origin) else origin) in _ALL_MODEL_BASES
        for origin in origins
    )


def derives_from_model(origins: frozenset[str], ctx: FileContext) -> bool:
    """Is one of these classes of other project modules (of no layer that presumes it, such
    as a ``models.py`` holding Pydantic classes) a Pydantic model, by its bases read from
    its module? (v1 or not: :func:`imported_facts` says.) Only classes of first-party
    modules are read."""
    return bool(_outside_of(origins, ctx) & _ALL_MODEL_BASES)


def _outside_of(origins: frozenset[str], ctx: FileContext) -> frozenset[str]:
    """The classes outside the project these classes of other project modules derive from."""
    return frozenset().union(*(outside_bases(origin, ctx) for origin in origins))


def known_not_pydantic(origins: frozenset[str], ctx: FileContext, imported_class: bool = False) -> bool:
    """Were these classes of other project modules all read, and found to be dataclasses
    or to derive from nothing outside the project but the standard library (``abc.ABC``,
    ``dict``) or a non-Pydantic schema library (``marshmallow.Schema``)? Then a class presumed a model (imported from a schemas module: a JSON-schema
    loader, a dataclasses-json record) is none. For a class of this module deriving from
    them (not ``imported_class``), never in a module that imports Pydantic itself, where the
    model-ness may rest on a local base (``class B(A, Mixin)`` with ``class A(BaseModel)``)."""
    if not origins or (
        not imported_class and ctx.memo("pydantic.imports_pydantic", lambda: _imports_pydantic(ctx))
    ):
        return False
    for origin in origins:
        outside = read_outside_bases(origin, ctx)
        if outside is None or not (is_dataclass(origin, ctx) or all(_standard_library(name) for name in outside)):
            return False
    return True


def rests_on_another_library(origins: frozenset[str], ctx: FileContext) -> bool:
    """Does one of these classes of other project modules (read there) derive from a class of
    a library that is neither Pydantic (nor a library of Pydantic models such as SQLModel) nor
    the standard library (``class UserOut(Record)`` in a schemas module, ``Record`` from
    ``recordlib``)? Such a class is a model by presumption only: its ``dict()`` or its
    ``Config`` may be the library's own, so a fix that renames them is unsafe."""
    for origin in origins:
        for base in read_outside_bases(origin, ctx) or ():
            if not (
                base == UNKNOWN_BASE or base in _ALL_MODEL_BASES or base in V1_BASES or is_pydantic_v1(base)
                or base.partition(".")[0] in ("pydantic", "pydantic_settings") or _standard_library(base)
            ):
                return True
    return False


def _imports_pydantic(ctx: FileContext) -> bool:
    return any(q.partition(".")[0] in ("pydantic", "pydantic_settings", "sqlmodel") for q in ctx.imports.values())


def _standard_library(qualified: str) -> bool:
    """A base that makes no Pydantic model: the standard library's, or one of a library of
    non-Pydantic schemas and records (a marshmallow ``Schema`` in a schemas module)."""
    top = qualified.partition(".")[0]
    return top == "builtins" or top in sys.stdlib_module_names or top in _NOT_PYDANTIC_LIBRARIES


# libraries whose classes are schemas or records of their own, never Pydantic models (and
# the standard library's backports: `typing_extensions.TypedDict`)
_NOT_PYDANTIC_LIBRARIES = frozenset({
    "typing_extensions", "mypy_extensions",
    "marshmallow", "marshmallow_sqlalchemy", "marshmallow_dataclass", "marshmallow_enum", "marshmallow_oneofschema",
    "flask_marshmallow", "apispec", "rest_framework", "msgspec", "attr", "attrs", "dataclasses_json",
    "colander", "cerberus", "voluptuous",
    # ORMs of their own (a tortoise `Model` in a `schema.py` has a `construct()` of its own)
    "tortoise", "piccolo", "peewee", "pony", "mongoengine", "django", "sqlalchemy",
})
# libraries whose Pydantic-based models define a v1-named method as their own API
# (ormar's `update_forward_refs()`, which it documents for self-references; ODMantic's
# `validate()`, which hands an instance of the class back as it is, uncopied)
_OWN_V1_NAMES = {"ormar": frozenset({"update_forward_refs"}), "odmantic": frozenset({"validate"})}


def library_defines(origins: frozenset[str], ctx: FileContext) -> frozenset[str]:
    """The v1-named methods that a library base of these classes of other project modules
    defines as its own API (:data:`_OWN_V1_NAMES`), read from their bases."""
    found: set[str] = set()
    for origin in origins:
        for base in read_outside_bases(origin, ctx) or ():
            found |= _OWN_V1_NAMES.get(base.partition(".")[0], frozenset())
    return frozenset(found)


def read_model_kind(info: ClassInfo, ctx: FileContext) -> tuple[str, bool]:
    """(kind, is settings) of a class of this module, its imported bases of unknown kind read
    from their modules (:func:`derives_from_model`): a subclass of a Pydantic class of a
    ``models`` module is a model. Ask only when a finding depends on it."""
    if info.kind != "unknown" or not info.origins:
        return info.kind, info.settings
    outside = _outside_of(info.origins, ctx)
    if outside & _ALL_MODEL_BASES:
        return "model", bool(outside & SETTINGS_BASES)
    return info.kind, info.settings


def imports_model_classes(ctx: FileContext) -> bool:
    """Does the module import a class-like name from a project module (its module is read
    when a rule meets the class as a receiver: ``models.py`` often holds Pydantic classes
    beside ORM ones, and ``purge.py`` may hold a command model), or from a module named
    ``*_schemas``/``*_schema``, or a models module that it names classes through
    (``models.Item``)?"""
    if not ctx.mentions("import"):
        return False
    return ctx.memo("pydantic.imports_model_classes", lambda: any(
        _imports_model_class(local, qualified, ctx) for local, qualified in ctx.imports.items()
    ))


def _imports_model_class(local: str, qualified: str, ctx: FileContext) -> bool:
    module, _, last = qualified.rpartition(".")
    if looks_like_class(last):
        return _schemas_suffix(module) or ctx.is_first_party(module)
    # a models module itself, whose classes the file names through it (`models.Item`)
    return ctx.layer_of(qualified) == "models" and re.search(rf"\b{re.escape(local)}\.[A-Z]", ctx.source) is not None


def _schemas_suffix(module: str) -> bool:
    """Is a part of the module's name ``*_schemas`` or ``*_schema`` (``app.api_schemas``)?"""
    return any(part.endswith(("_schemas", "_schema")) for part in module.split("."))


def uses_v1_models(ctx: FileContext) -> bool:
    """Deliberate v1 code: the module imports ``pydantic.v1``, builds its classes on v1
    models of other modules (a compat shim's ``BaseModel``), or imports a v1 model class of
    another project module (airbyte's code using the v1 models its schema module
    generates). Read only when asked."""
    facts = module_facts(ctx)
    return facts.uses_v1 or ctx.memo(
        "pydantic.v1_models",
        lambda: any(built_on_v1(info, ctx) for info in facts.classes.values()) or _imports_v1_models(facts, ctx),
    )


def _imports_v1_models(facts: ModuleFacts, ctx: FileContext) -> bool:
    classes = frozenset(
        qualified
        for bound in facts.import_bindings.values()
        for qualified in bound
        if looks_like_class(qualified.rpartition(".")[2]) and ctx.is_first_party(qualified)
    )
    return bool(classes) and imported_facts(classes, ctx)[0]


def built_on_v1(info: ClassInfo, ctx: FileContext) -> bool:
    """Does a class of this module derive from a pydantic.v1 model of another module (one
    presumed v2 for coming from a schemas module)? Read only when a finding depends on it."""
    return bool(info.origins) and imported_facts(info.origins, ctx)[0]


UNKNOWN = Receiver("unknown")


@dataclass
class ClassInfo:
    name: str
    kind: str  # "model" | "v1" | "plain" | "unknown"
    settings: bool = False
    own: set[str] = field(default_factory=set)  # names defined in the body itself
    defines: frozenset[str] = frozenset()  # own names plus those of local bases
    origins: frozenset[str] = frozenset()  # imported bases, at any depth (see Receiver)


# -- imports -------------------------------------------------------------------


def looks_like_class(name: str) -> bool:
    return bool(name) and name[0].isupper() and not name.isupper()


def imported_kind(qualified: str | None, ctx: FileContext) -> tuple[str, bool]:
    """(kind, is_settings) of a class named by its fully qualified name."""
    if not qualified:
        return "unknown", False
    if qualified in MODEL_BASES:
        return "model", False
    if qualified in SETTINGS_BASES:
        return "model", True
    if qualified in V1_BASES or is_pydantic_v1(qualified):
        return "v1", False
    if qualified in NEUTRAL_BASES:
        return "plain", False
    module, _, last = qualified.rpartition(".")
    if (
        module
        and looks_like_class(last)
        and ctx.layer_of(module) == "schemas"
        # a module whose file is not found may be no module of the project at all (its
        # package under an undeclared source folder): nothing is known of the class
        and ctx.module_source_path(module) is not None
    ):
        # (presumed v2: a rule reads the module before it reports, see Receiver.origins)
        return "model", last.endswith("Settings")
    return "unknown", False


@dataclass
class ModuleFacts:
    uses_pydantic: bool = False  # imports pydantic (not .v1), pydantic_settings, or a schemas module
    uses_v1: bool = False  # imports pydantic.v1 somewhere
    # module-level name -> every fully qualified name an import binds it to
    import_bindings: dict[str, set[str]] = field(default_factory=dict)
    classes: dict[str, ClassInfo] = field(default_factory=dict)
    # can anything here be a model: a model class defined, or a model class imported?
    has_models: bool = False
    # top-level `Schema = BaseModel` bound once: name -> the name or attribute chain it stands for
    renames: dict[str, ast.expr] = field(default_factory=dict)
    # names a top-level assignment binds to something of pydantic.v1, however often bound
    v1_renamed: frozenset[str] = frozenset()


def _import_bindings(node: ast.Import | ast.ImportFrom, ctx: FileContext) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                out.append((alias.asname, alias.name))
            else:
                top = alias.name.partition(".")[0]
                out.append((top, top))
        return out
    base = ctx.absolute_module(node.module, node.level)
    if base is None:
        return out
    for alias in node.names:
        if alias.name != "*":
            out.append((alias.asname or alias.name, f"{base}.{alias.name}" if base else alias.name))
    return out


def _imported_modules(node: ast.Import | ast.ImportFrom, ctx: FileContext) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = ctx.absolute_module(node.module, node.level)
    if base is None:
        return []
    return [base] + [f"{base}.{alias.name}" if base else alias.name for alias in node.names]


def module_facts(ctx: FileContext) -> ModuleFacts:
    return ctx.memo_of(_module_facts)


def has_word(source: str, words) -> bool:
    """Does any of ``words`` occur in ``source`` as a whole identifier?

    A cheap file gate: ``str.find`` is much faster than a regex alternation
    anchored on word boundaries, which the ``re`` engine cannot search for by prefix.
    Words that share a start or an end (``min_items``, ``max_items``) are looked for only
    in a text holding that shared part: one scan rules them all out.
    """
    for shared, group in _word_groups(tuple(words)):
        if shared is not None and shared not in source:
            continue
        for word in group:
            start = source.find(word)
            while start != -1:
                end = start + len(word)
                before = source[start - 1] if start else " "
                after = source[end] if end < len(source) else " "
                if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
                    return True
                start = source.find(word, end)
    return False


_MIN_SHARED = 5  # the shortest shared part worth a scan of its own (`json_`, `_items`)


@lru_cache(maxsize=None)
def _word_groups(words: tuple[str, ...]) -> tuple[tuple[str | None, tuple[str, ...]], ...]:
    """``words`` in groups, each with the start or end its words share (None for a word
    alone): the words sharing their first :data:`_MIN_SHARED` characters, then, of the
    rest, those sharing their last ones."""
    groups: list[tuple[str | None, tuple[str, ...]]] = []
    left = list(dict.fromkeys(words))
    for from_end in (False, True):
        by_part: dict[str, list[str]] = {}
        for word in left:
            if len(word) >= _MIN_SHARED:
                by_part.setdefault(word[-_MIN_SHARED:] if from_end else word[:_MIN_SHARED], []).append(word)
        grouped = {word for group in by_part.values() if len(group) > 1 for word in group}
        for group in by_part.values():
            if len(group) > 1:
                if from_end:
                    shared = os.path.commonprefix([word[::-1] for word in group])[::-1]
                else:
                    shared = os.path.commonprefix(group)
                groups.append((shared, tuple(group)))
        left = [word for word in left if word not in grouped]
    groups.extend((None, (word,)) for word in left)
    return tuple(groups)


def _module_facts(ctx: FileContext) -> ModuleFacts:
    facts = ModuleFacts()
    class_nodes: list[ast.ClassDef] = []
    import_nodes: list[ast.Import | ast.ImportFrom] = []
    for node in ctx.all_statements:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            import_nodes.append(node)
            modules = _imported_modules(node, ctx)
            for module in modules:
                top = module.partition(".")[0]
                if is_pydantic_v1(module):
                    facts.uses_v1 = True
                elif top in ("pydantic", "pydantic_settings") and not (
                    isinstance(node, ast.ImportFrom) and module != modules[0]
                ):
                    facts.uses_pydantic = True
        elif isinstance(node, ast.ClassDef):
            class_nodes.append(node)
    if not facts.uses_pydantic:  # (the layers of imported modules cost more to find: only now)
        facts.uses_pydantic = any(
            layer == "schemas" for node in import_nodes for _module, layer in ctx.import_targets(node)
        )
    for stmt in module_level_statements(ctx.tree.body):
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            for local, qualified in _import_bindings(stmt, ctx):
                facts.import_bindings.setdefault(local, set()).add(qualified)
    facts.renames, facts.v1_renamed = _module_renames(ctx, facts)
    facts.classes = _classify_classes(class_nodes, facts, ctx)
    facts.has_models = any(info.kind == "model" for info in facts.classes.values()) or any(
        imported_kind(q, ctx)[0] == "model" for q in _all_imported_names(ctx, facts, import_nodes)
    )
    return facts


def _module_renames(ctx: FileContext, facts: ModuleFacts) -> tuple[dict[str, ast.expr], frozenset[str]]:
    """The module's top-level assignments of one name to a name or an attribute chain
    (``Schema = BaseModel``): {name: value} for the names no other statement binds, read as
    their value where they are a class's base; and the names any such assignment binds to
    something of ``pydantic.v1``, however else bound (``try: Compat = pydantic.v1.BaseModel`` /
    ``except AttributeError: from pydantic import BaseModel as Compat``: v1's API either way,
    as between two imports)."""
    candidates = [
        (stmt.targets[0].id, stmt.value) for stmt in module_level_statements(ctx.tree.body)
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
        and isinstance(stmt.value, (ast.Name, ast.Attribute))
    ]
    if not candidates:
        return {}, frozenset()
    rebound = rebound_at_top(ctx)
    v1 = frozenset(name for name, value in candidates if _names_v1(value, ctx, facts))
    return {name: value for name, value in candidates if name not in rebound}, v1


def _names_v1(chain: ast.expr, ctx: FileContext, facts: ModuleFacts) -> bool:
    """Does a Name/Attribute chain name something of ``pydantic.v1`` through any import
    binding its head (``pydantic.v1.BaseModel`` after ``import pydantic``)?"""
    root = dotted_root(chain)
    return root is not None and any(
        is_pydantic_v1(resolve_in(chain, {root: qualified}) or "") for qualified in name_bindings(root, ctx, facts)
    )


def _all_imported_names(ctx: FileContext, facts: ModuleFacts, import_nodes: list[ast.Import | ast.ImportFrom]):
    """Qualified names of what the module imports, for the ``has_models`` test
    (``import_nodes``: its imports at any depth, in order)."""
    for qualified in facts.import_bindings.values():
        yield from qualified
    for node in import_nodes:  # imports inside functions too
        if isinstance(node, ast.ImportFrom):
            for _local, qualified in _import_bindings(node, ctx):
                yield qualified
    # ``schemas.UserOut`` through a module import: any schemas module imported counts
    for node in import_nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in ("pydantic", "pydantic_settings"):  # ``pydantic.BaseModel``
                    yield "pydantic.BaseModel"
                if ctx.layer_of(alias.name) == "schemas":
                    yield alias.name + ".Model"
        elif isinstance(node, ast.ImportFrom):
            for module, layer in ctx.import_targets(node):
                if layer == "schemas":
                    yield module + ".Model"
            for _local, qualified in _import_bindings(node, ctx):
                if ctx.layer_of(qualified) == "schemas":  # ``from app import schemas``
                    yield qualified + ".Model"


def module_name_kind(name: str, facts: ModuleFacts, ctx: FileContext) -> tuple[str, bool] | None:
    """(kind, settings) of a module-level imported name, or None when it is not imported.

    A name bound by several imports (``try: from pydantic.v1 import BaseModel /
    except ImportError: from pydantic import BaseModel``) is v1 when any binding
    is, a model only when every binding is one, else unknown.
    """
    qualified = facts.import_bindings.get(name)
    if not qualified:
        full = ctx.imports.get(name)  # imports inside functions, met during the walk
        if full is None:
            return None
        qualified = {full}
    kinds = [imported_kind(q, ctx) for q in qualified]
    if any(kind == "v1" for kind, _ in kinds):
        return "v1", False
    if all(kind == kinds[0][0] for kind, _ in kinds):
        return kinds[0][0], any(settings for _, settings in kinds)
    return "unknown", False


def binds_v1(node: ast.expr, ctx: FileContext, facts: ModuleFacts | None = None) -> bool:
    """Can a Name/Attribute chain stand for something of ``pydantic.v1``, by any import
    binding its head (``try: import pydantic.v1 as pydantic`` / ``except ImportError:
    import pydantic``: v1's API either way)? (``facts``: the module's, while they are made.)"""
    while isinstance(node, ast.Attribute):
        node = node.value
    if not isinstance(node, ast.Name):
        return False
    return any(is_pydantic_v1(q) for q in name_bindings(node.id, ctx, facts))


def name_bindings(name: str, ctx: FileContext, facts: ModuleFacts | None = None) -> set[str]:
    """Every fully qualified name a module-level (or already met) import binds ``name`` to
    (``facts``: the module's, while they are made)."""
    found = set((facts or module_facts(ctx)).import_bindings.get(name, ()))
    if name in ctx.imports:
        found.add(ctx.imports[name])
    return found


def _neutral(base: ast.expr, ctx: FileContext) -> bool:
    """A base that defines none of Pydantic's names (``Generic[T]``, ``ABC``, ``object``)."""
    base = _base_expr(base)
    if isinstance(base, ast.Name) and base.id == "object" and "object" not in ctx.imports:
        return True
    return ctx.resolve(base) in NEUTRAL_BASES


def _base_expr(base: ast.expr) -> ast.expr:
    return base.value if isinstance(base, ast.Subscript) else base


def _classify_classes(nodes: list[ast.ClassDef], facts: ModuleFacts, ctx: FileContext) -> dict[str, ClassInfo]:
    by_name: dict[str, list[ast.ClassDef]] = {}
    for node in nodes:
        by_name.setdefault(node.name, []).append(node)
    infos: dict[str, ClassInfo] = {}
    resolving: set[str] = set()
    following: set[str] = set()  # renames being followed (`A = B`, `B = A`: a cycle)

    def base_kind(base: ast.expr) -> tuple[str, bool, frozenset[str], frozenset[str]]:
        """(kind, settings, defines, origins) of a base."""
        base = _base_expr(base)
        if isinstance(base, ast.Name):
            if base.id in by_name:
                info = classify(base.id)
                return info.kind, info.settings, info.defines, info.origins
            if base.id in facts.v1_renamed:
                return "v1", False, frozenset(), frozenset()
            found = module_name_kind(base.id, facts, ctx)
            if found is not None:
                return found[0], found[1], frozenset(), frozenset(name_bindings(base.id, ctx, facts))
            value = facts.renames.get(base.id)
            if value is not None and base.id not in following:  # `Schema = BaseModel`: as BaseModel
                following.add(base.id)
                try:
                    return base_kind(value)
                finally:
                    following.discard(base.id)
            if base.id in _BUILTIN_NAMES:
                return "plain", False, frozenset(), frozenset()
            return "unknown", False, frozenset(), frozenset()
        if isinstance(base, ast.Attribute):
            if binds_v1(base, ctx, facts):
                return "v1", False, frozenset(), frozenset()
            qualified = ctx.resolve(base)
            kind, settings = imported_kind(qualified, ctx)
            return kind, settings, frozenset(), frozenset({qualified} if qualified else ())
        return "unknown", False, frozenset(), frozenset()

    closed_classes: dict[str, bool] = {}

    def closed(name: str, seen: tuple[str, ...] = ()) -> bool:
        """A class of the module (one of that name) whose bases are all such classes or
        neutral ones: what its body defines is all it brings to a class deriving from it."""
        known = closed_classes.get(name)
        if known is not None:
            return known
        found = by_name.get(name)
        if not found or len(found) > 1 or name in seen or name in ctx.imports:
            return False
        node = found[0]
        result = not node.keywords and all(
            _neutral(base, ctx)
            or (isinstance(_base_expr(base), ast.Name) and closed(_base_expr(base).id, (*seen, name)))  # type: ignore[attr-defined]
            for base in node.bases
        )
        closed_classes[name] = result
        return result

    def shadows(base: ast.expr, kind: str) -> bool:
        """May this base, before a model's, define v1 names the derived class then has? Not a
        neutral one, nor a closed class of the module (:func:`closed`: its names, which the
        derived class's ``defines`` already holds, are all it brings)."""
        if kind not in ("plain", "unknown") or _neutral(base, ctx):
            return False
        base = _base_expr(base)
        return not (isinstance(base, ast.Name) and closed(base.id))

    def classify(name: str) -> ClassInfo:
        info = infos.get(name)
        if info is not None:
            return info
        if name in resolving:  # a cycle of local names: give up on it
            return ClassInfo(name, "unknown")
        resolving.add(name)
        results: list[ClassInfo] = []
        for node in by_name[name]:
            kinds: list[str] = []
            settings = False
            own = class_own_names(node)
            defines = set(own)
            origins: set[str] = set()
            shadowed = False  # a base before the model's may define the v1 names first
            # the same before a base that may turn out a model, read from its module
            # (`class EasyPrompt(UserList, Prompt)`, Prompt deriving from another module's model)
            shadows_candidate = candidate_seen = False
            for base in node.bases:
                kind, is_settings, base_defines, base_origins = base_kind(base)
                if "model" not in kinds and shadows(base, kind):
                    shadowed = True
                candidate = kind == "model" or (
                    kind == "unknown" and any(ctx.is_first_party(origin) for origin in base_origins)
                )
                if not candidate_seen and not candidate and shadows(base, kind):
                    shadows_candidate = True
                candidate_seen = candidate_seen or candidate
                kinds.append(kind)
                settings = settings or is_settings
                defines |= base_defines
                origins |= base_origins
            if "model" in kinds:
                kind = "model"
                if shadowed:  # `class Prompt(UserList, Model)`: UserList.copy() comes first
                    defines |= V1_METHOD_NAMES
            elif "v1" in kinds:
                kind = "v1"
            elif "unknown" in kinds or any(kw.arg == "metaclass" for kw in node.keywords):
                kind = "unknown"
                if shadows_candidate and candidate_seen:
                    defines |= V1_METHOD_NAMES
            else:
                kind = "plain"
            results.append(ClassInfo(name, kind, settings, own, frozenset(defines), frozenset(origins)))
        resolving.discard(name)
        first = results[0]
        if any(r.kind != first.kind for r in results):  # same name, different classes
            info = ClassInfo(name, "unknown")
        else:
            info = ClassInfo(
                name,
                first.kind,
                any(r.settings for r in results),
                set().union(*(r.own for r in results)),
                frozenset().union(*(r.defines for r in results)),
                frozenset().union(*(r.origins for r in results)),
            )
        infos[name] = info
        return info

    for name in by_name:
        classify(name)
    # the two closures refer to each other: unbind them, or the cycle (holding ctx and
    # the tree) outlives the file while the CLI's cyclic collector is paused
    base_kind = classify = closed = shadows = None  # type: ignore[assignment]  # noqa: F811
    return infos


def class_info(node: ast.ClassDef, ctx: FileContext) -> ClassInfo:
    return module_facts(ctx).classes.get(node.name) or ClassInfo(node.name, "unknown")


def is_model_class(node: ast.ClassDef, ctx: FileContext) -> bool:
    return class_info(node, ctx).kind == "model"


def uses_pydantic(ctx: FileContext) -> bool:
    """A module that imports Pydantic v2-era APIs or a schemas module, and no ``pydantic.v1``."""
    facts = module_facts(ctx)
    return facts.uses_pydantic and not facts.uses_v1


def mentions_pydantic(ctx: FileContext) -> bool:
    """Cheap file gate: the text names pydantic (or sqlmodel), or the module imports a schemas module."""
    if ctx.mentions("pydantic", "sqlmodel"):
        return True
    return ctx.memo("pydantic.imports_schemas", lambda: _imports_schemas(ctx))


def resolve_function(node: ast.AST, ctx: FileContext, names: frozenset[str]) -> str | None:
    """The fully qualified name of a Name/Attribute chain (``ctx.resolve``); for a name of a
    project module spelled like one of ``names`` (``app.compat.validator``), the name outside
    the project that the module re-exports under it (``pydantic.validator``, see
    ``FileContext.through_reexports``). A module that binds the name any other way (``try: from
    pydantic.v1 import validator`` / ``except ImportError: from pydantic import validator``, an
    assignment) leaves it unknown: the project's name. Only a name spelled like the function is
    followed (the cheap gate, and what ``Rule.needles`` finds): not ``validator as check`` in the
    re-exporting module. A name the module imports from two places (``from pydantic import
    field_validator``, and ``validator as field_validator`` in the ``else`` of a version test), or
    in an ``except ImportError:`` handler, is the installed version's: unknown."""
    qualified = ctx.resolve(node)
    if qualified is None or qualified.rpartition(".")[2] not in names:
        return qualified
    if isinstance(node, ast.Name) and (
        bound_in_import_fallback(node, ctx)
        or len(ctx.memo("pydantic.imported_as", lambda: _imported_as(ctx)).get(node.id, ())) > 1
    ):
        return None
    return ctx.resolve_reexported(node)


def _imported_as(ctx: FileContext) -> dict[str, set[str]]:
    """Local name -> what the module's imports (those of the import table) bind it to."""
    found: dict[str, set[str]] = {}
    for node, _module in ctx.import_nodes:
        for local, qualified in ctx.import_bindings(node):  # type: ignore[arg-type]
            found.setdefault(local, set()).add(qualified)
    return found


def last_names(qualified: frozenset[str]) -> frozenset[str]:
    """The names ``qualified`` end with (``pydantic.Field`` -> ``Field``): for :func:`resolve_function`."""
    return frozenset(name.rpartition(".")[2] for name in qualified)


def pydantic_gate(ctx: FileContext, words: Iterable[str], *functions: str) -> bool:
    """Cheap file gate of the rules on Pydantic's functions: one of ``words`` occurs as a whole
    word (:func:`has_word`), and the text names pydantic; or else it spells one of
    ``functions`` (their last names, or a part of them all) and an import (at any depth) names a
    project module, which may re-export them (``from app.compat import validator`` in a module
    that never spells ``pydantic``: :func:`resolve_function` follows a name spelled like the
    function)."""
    if ctx.mentions("pydantic"):
        return has_word(ctx.source, words)
    return (
        any(ctx.mentions(search) if isinstance(search, str) else search(ctx.source) for search in _spelling_searches(functions))
        and has_word(ctx.source, words)
        and ctx.memo("pydantic.imports_project_module", lambda: _imports_project_module(ctx))
    )


@lru_cache(maxsize=None)
def _spelling_searches(words: tuple[str, ...]) -> tuple[str | Callable[[str], object], ...]:
    """What to look for to find any of ``words``: a word alone (for ``ctx.mentions``), or a
    regex search for the words sharing their first three letters: ``con(?:str|list|set)``
    scans the text once, about as fast as one ``str.find``, where a find per word scans it
    three times (for one word, ``in`` is the faster scan)."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[:3], []).append(word)
    searches: list[str | Callable[[str], object]] = []
    for group in groups.values():
        if len(group) == 1:
            searches.append(group[0])
        else:
            common = os.path.commonprefix(group)
            rests = "|".join(re.escape(word[len(common):]) for word in group)
            searches.append(re.compile(f"{re.escape(common)}(?:{rests})").search)
    return tuple(searches)


def _imports_project_module(ctx: FileContext) -> bool:
    if any(module and ctx.is_first_party(module) for _node, module in ctx.import_nodes):
        return True
    return any(
        qualified and ctx.is_first_party(qualified)
        for node in ctx.nested_imports for _local, qualified in ctx.import_bindings(node)
    )


def _imports_schemas(ctx: FileContext) -> bool:
    if "schema" not in ctx.source:
        return False
    for node, _module in ctx.import_nodes:
        if _may_import_schemas(node, ctx) and any(layer == "schemas" for _, layer in ctx.import_targets(node)):
            return True
    if not _nested_schema_import(ctx.source):
        return False
    for node in ctx.all_statements:  # imports inside functions
        if isinstance(node, (ast.Import, ast.ImportFrom)) and _may_import_schemas(node, ctx) and any(
            layer == "schemas" for _, layer in ctx.import_targets(node)
        ):
            return True
    return False


def _may_import_schemas(node: ast.Import | ast.ImportFrom, ctx: FileContext) -> bool:
    """Can a target of the import be a schemas module? Saves ``import_targets`` (which may
    look at the disk) on the others: with the default layers, only a dotted name with a
    ``schema``/``schemas`` part is one, and its parts come from the statement's names (and
    the package, for a relative import); with patterns, only when the schemas layer has some."""
    layers = ctx.settings.layers
    if not layers.is_default:
        return "schemas" in (layers.patterns or {})
    if isinstance(node, ast.ImportFrom) and (
        "schema" in (node.module or "") or (node.level and "schema" in ctx.package)
    ):
        return True
    return any("schema" in alias.name for alias in node.names)


def _nested_schema_import(source: str) -> bool:
    """Is there an indented import line naming ``schema`` (``^[ \\t]+(from|import)\\b.*schema``,
    multiline)? Searched from each ``schema`` back to its line's start: ``str.find`` is far
    faster than a regex starting with an anchor and a character class."""
    start = source.find("schema")
    while start != -1:
        line_start = source.rfind("\n", 0, start) + 1
        before = source[line_start:start]
        text = before.lstrip(" \t")
        if len(text) < len(before):
            for keyword in ("from", "import"):
                if text.startswith(keyword) and len(text) > len(keyword) and not _is_word_char(text[len(keyword)]):
                    return True
        start = source.find("schema", start + 1)
    return False


def _is_word_char(char: str) -> bool:
    """``re``'s ``\\w`` for one character of a str."""
    return char.isalnum() or char == "_"


# -- bindings --------------------------------------------------------------------
# A binding is ("instance", ref), ("class", ref) or None (unknown), where ref is
# ("local", class name) or ("import", module-level name) or ("qualified", dotted name).

_Binding = tuple  # (what, ref) | None


_FINAL = frozenset({"typing.Final", "typing_extensions.Final"})


def _annotation_ref(
    node: ast.expr | None, ctx: FileContext, type_vars: Mapping[str, _Binding] | None = None
) -> tuple[str, tuple] | None:
    """("instance"|"class", ref) of a direct annotation, else None. A type variable among
    ``type_vars`` (by default, the module's: :func:`_module_type_vars`) stands for its bound."""
    if node is None:
        return None
    if type_vars is None:
        type_vars = _module_type_vars(ctx)
    node = parsed_annotation(node)
    if node is None:
        return None
    if isinstance(node, ast.Subscript):
        head = ctx.resolve(node.value)
        inner = node.slice
        if head in ("typing.Annotated", "typing_extensions.Annotated"):
            elts = inner.elts if isinstance(inner, ast.Tuple) else [inner]
            return _annotation_ref(elts[0], ctx, type_vars) if elts else None
        if head in ("typing.Type", "typing_extensions.Type") or (
            isinstance(node.value, ast.Name) and node.value.id == "type" and "type" not in ctx.imports
        ):
            if isinstance(inner, ast.Name) and inner.id in type_vars:  # `type[ModelT]`: the bound class
                bound = type_vars[inner.id]
                return ("class", bound[1]) if bound is not None and bound[0] == "instance" else None
            ref = _class_ref(inner, ctx)
            if ref is not None and ref[0] != "local" and is_pydantic_base(_ref_info(ref, ctx)[2], ctx):
                # `type[BaseModel]`: any model class, as a type variable bound to Pydantic's base
                return ("class", ("type_var", (ref,)))
            return ("class", ref) if ref else None
        if head in ("typing.Optional", "typing_extensions.Optional") or head in _FINAL:
            # a model or None: a v1 call on it assumes the model
            return _annotation_ref(inner, ctx, type_vars)
        if head in ("typing.Union", "typing_extensions.Union") and isinstance(inner, ast.Tuple):
            return _without_none(inner.elts, ctx, type_vars)
        return None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):  # `Model | None`
        return _without_none([node.left, node.right], ctx, type_vars)
    if isinstance(node, ast.Name) and node.id in type_vars:
        return type_vars[node.id]
    ref = _class_ref(node, ctx)
    return ("instance", ref) if ref else None


# collections whose iteration gives the one type argument (or a tuple's, `tuple[X, ...]`)
_COLLECTIONS = frozenset({
    f"{module}.{name}"
    for module in ("typing", "typing_extensions", "collections.abc")
    for name in (
        "List", "Set", "FrozenSet", "Sequence", "MutableSequence", "Iterable", "Iterator", "Collection",
        "AbstractSet", "MutableSet", "Deque", "AsyncIterable", "AsyncIterator", "Tuple",
    )
}) | {"collections.deque"}
_BUILTIN_COLLECTIONS = frozenset({"list", "set", "frozenset", "tuple"})


def _element_ref(
    node: ast.expr | None, ctx: FileContext, type_vars: Mapping[str, _Binding] | None
) -> tuple[str, tuple] | None:
    """What iterating a name so annotated gives, when that is an instance of a model class:
    ``list[UserOut]``, ``Sequence[UserOut]``, ``tuple[UserOut, ...]``, ``Optional`` of one;
    None otherwise (a dict gives its keys; ``tuple[A, B]`` several types)."""
    node = parsed_annotation(node)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        others = _besides_none([node.left, node.right], ctx)
        return _element_ref(others[0], ctx, type_vars) if len(others) == 1 else None
    if not isinstance(node, ast.Subscript):
        return None
    head = ctx.resolve(node.value)
    inner = node.slice
    if head in ("typing.Optional", "typing_extensions.Optional"):
        return _element_ref(inner, ctx, type_vars)
    if head in ("typing.Union", "typing_extensions.Union") and isinstance(inner, ast.Tuple):
        others = _besides_none(inner.elts, ctx)
        return _element_ref(others[0], ctx, type_vars) if len(others) == 1 else None
    builtin = node.value.id if isinstance(node.value, ast.Name) and node.value.id not in ctx.imports else None
    if not (builtin in _BUILTIN_COLLECTIONS or head in _COLLECTIONS):
        return None
    if isinstance(inner, ast.Tuple):  # only `tuple[X, ...]`
        tuple_like = builtin == "tuple" or head in ("typing.Tuple", "typing_extensions.Tuple")
        if not (tuple_like and len(inner.elts) == 2 and _is_ellipsis(inner.elts[1])):
            return None
        inner = inner.elts[0]
    element = _annotation_ref(inner, ctx, type_vars)
    if element is None or element[0] != "instance":
        return None
    # (a union of models, or a type variable, stands for each of its classes: `list[Cat | Dog]`)
    refs = element[1][1] if element[1][0] == "type_var" else (element[1],)
    return element if all(_model_or_project_class(ref, ctx) for ref in refs) else None


def _model_or_project_class(ref: tuple, ctx: FileContext) -> bool:
    """A model class, or a class imported from a project module, whose module a rule reads
    (as for a name annotated with it: :attr:`Receiver.origins`)."""
    kind, _defines, origins = _ref_info(ref, ctx)
    return kind == "model" or (
        kind == "unknown" and ref[0] == "import" and bool(origins)
        and all(ctx.is_first_party(origin) and looks_like_class(origin.rpartition(".")[2]) for origin in origins)
    )


def _besides_none(members: list[ast.expr], ctx: FileContext) -> list[ast.expr]:
    """A union's members (nested unions flattened), ``None`` left out."""
    return [m for m in flat_union(members, ctx.resolve) if not is_none_constant(m)]


def _is_ellipsis(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is Ellipsis


def _without_none(
    members: list[ast.expr], ctx: FileContext, type_vars: Mapping[str, _Binding]
) -> tuple[str, tuple] | None:
    """The annotation of ``X | None`` (or ``Union[X, None]``): X's, when X is the one member
    besides None; of ``A | B | None``, an instance of one of several classes when each is
    known to be a model (the binding of a type variable constrained to them)."""
    others = _besides_none(members, ctx)
    if len(others) == 1:
        return _annotation_ref(others[0], ctx, type_vars)
    return _one_of_models([_annotation_ref(member, ctx, type_vars) for member in others], ctx)


def _one_of_models(found: list[tuple[str, tuple] | None], ctx: FileContext) -> _Binding:
    """An instance of one of these classes (annotations read), when each is known to be a
    model: the binding of a type variable constrained to them; else unknown."""
    if not found or any(
        f is None or f[0] != "instance" or f[1][0] == "type_var" or _ref_info(f[1], ctx)[0] != "model" for f in found
    ):
        return None
    return ("instance", ("type_var", tuple(f[1] for f in found)))  # type: ignore[index]


# -- type variables ------------------------------------------------------------
# A name typed by a type variable bound to a model (`payload: CreateT` with
# `CreateT = TypeVar("CreateT", bound=Schema)`, or `def f[T: Schema](payload: T)` from 3.12)
# holds an instance of the bound: its binding is ("instance", ("type_var", (ref,))), and
# ("type_var", (ref, ...)) for one constrained to models only (`TypeVar("T", A, B)`).

_NO_TYPE_VARS: Mapping[str, _Binding] = MappingProxyType({})


def _type_var_binding(bound: ast.expr | None, constraints: list[ast.expr], ctx: FileContext) -> _Binding:
    """What a name typed by a type variable holds: an instance of its bound (or the class, for
    a ``type[M]`` bound), or of one of its constraints when every one is a model; else unknown."""
    if constraints:
        return _one_of_models([_annotation_ref(c, ctx, _NO_TYPE_VARS) for c in constraints], ctx)
    found = _annotation_ref(bound, ctx, _NO_TYPE_VARS)
    if found is None:
        return None
    # (a bound that is a union of models is already one of several: `bound=UserOut | AdminOut`)
    return found if found[1][0] == "type_var" else (found[0], ("type_var", (found[1],)))


def _module_type_vars(ctx: FileContext) -> Mapping[str, _Binding]:
    """The type variables made at module level by ``typing.TypeVar(...)`` (or
    typing_extensions'), by name, when nothing else binds their name in the module."""
    if not ctx.mentions("TypeVar"):
        return _NO_TYPE_VARS
    return ctx.memo("pydantic.type_vars", lambda: _find_module_type_vars(ctx))


def _find_module_type_vars(ctx: FileContext) -> Mapping[str, _Binding]:
    made: dict[str, ast.Call] = {}
    for stmt in module_level_statements(ctx.tree.body):
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Call)
            and ctx.resolve(stmt.value.func) in TYPE_VAR_FACTORIES
        ):
            made[stmt.targets[0].id] = stmt.value
    if not made:
        return _NO_TYPE_VARS
    every = _BindingCollector(ctx, _NO_TYPE_VARS)
    every.statements(ctx.tree.body)
    found: dict[str, _Binding] = {}
    for name, call in made.items():
        if len(every.bindings.get(name, ())) != 1:
            continue  # made twice, or bound to something else too: unknown
        bound = next((k.value for k in call.keywords if k.arg == "bound"), None)
        found[name] = _type_var_binding(bound, call.args[1:], ctx)
    return found


def _scope_type_vars(scope: ast.AST, ctx: FileContext) -> Mapping[str, _Binding] | None:
    """The module's type variables, shadowed by the type parameters (3.12: ``def f[T: M]``,
    ``class Repo[T: M]``) of a function and its enclosing scopes; None when there are none."""
    chain = ctx.scopes
    chain = chain[: chain.index(scope) + 1] if scope in chain else [scope]
    params: dict[str, _Binding] = {}
    for outer in chain:  # outermost first: an inner parameter shadows an outer one
        for param in getattr(outer, "type_params", None) or ():
            if type(param).__name__ != "TypeVar":  # ParamSpec, TypeVarTuple
                params[param.name] = None
                continue
            bound = param.bound
            if isinstance(bound, ast.Tuple):  # `T: (A, B)`: constraints
                params[param.name] = _type_var_binding(None, bound.elts, ctx) if bound.elts else None
            else:
                params[param.name] = _type_var_binding(bound, [], ctx)
    return {**_module_type_vars(ctx), **params} if params else None


def _class_ref(node: ast.expr, ctx: FileContext) -> tuple | None:
    if isinstance(node, ast.Name):
        facts = module_facts(ctx)
        if node.id in facts.classes:
            return ("local", node.id)
        if node.id in facts.import_bindings or node.id in ctx.imports:
            return ("import", node.id)
        qualified = star_imported_class(node.id, ctx)
        return ("qualified", qualified) if qualified else None
    if isinstance(node, ast.Attribute):
        qualified = ctx.resolve(node)
        if qualified and not is_pydantic_v1(qualified) and binds_v1(node, ctx):
            # `pv1.BaseModel` where an import binds pv1 to pydantic.v1 and its fallback to
            # pydantic (1.x there): the v1 API either way
            qualified = "pydantic.v1." + qualified.partition(".")[2]
        return ("qualified", qualified) if qualified else None
    return None


def star_imported_class(name: str, ctx: FileContext) -> str | None:
    """The class a name the module never binds comes from through a star import: ``Org``
    after ``from app.core.types import *`` where ``app/core/types.py`` has a ``class Org``
    statement (read, following re-exports); None when the module binds the name itself,
    or more than one of its star-imported project modules (or none) defines such a class."""
    if "*" not in ctx.source:
        return None
    return ctx.memo(("pydantic.star_class", name), lambda: _star_imported_class(name, ctx))


def _star_imported_class(name: str, ctx: FileContext) -> str | None:
    if name in ctx.top_level_names or name in ctx.imports or name in module_facts(ctx).classes:
        return None
    found = set()
    for stmt in star_import_statements(ctx)[0]:
        module = ctx.absolute_module(stmt.module, stmt.level)
        if module and ctx.is_first_party(module) and class_attributes(f"{module}.{name}", ctx) is not None:
            found.add(f"{module}.{name}")
    return found.pop() if len(found) == 1 else None


def _ref_info(ref: tuple, ctx: FileContext) -> tuple[str, frozenset[str], frozenset[str]]:
    """(kind, defines, origins) of a class reference."""
    facts = module_facts(ctx)
    where, name = ref
    if where == "local":
        info = facts.classes.get(name)
        return (info.kind, info.defines, info.origins) if info else ("unknown", frozenset(), frozenset())
    if where == "import":
        found = module_name_kind(name, facts, ctx)
        if found is None:
            return "unknown", frozenset(), frozenset()
        return found[0], frozenset(), frozenset(name_bindings(name, ctx, facts))
    return imported_kind(name, ctx)[0], frozenset(), frozenset({name})


def _name_of(target: ast.expr) -> str | None:
    return target.id if isinstance(target, ast.Name) else None


# `.json`, then the name before it: searching for the dot first is some 20x quicker than
# for a name followed by one (a pattern without a literal start is tried at every character)
_V1_METHOD_RE = re.compile(r"\.(?:" + "|".join(sorted(V1_METHOD_NAMES)) + r")\b")
_NAME_AT_END_RE = re.compile(r"[A-Za-z_]\w*\Z")


def _v1_receivers(ctx: FileContext) -> frozenset[str]:
    """The names the module's text puts before a v1 method name (``data`` of ``data.json(``)."""
    return ctx.memo("pydantic.v1_receivers", lambda: _names_before_v1_methods(ctx.source))


def _names_before_v1_methods(source: str) -> frozenset[str]:
    names = set()
    for method in _V1_METHOD_RE.finditer(source):
        end = method.start()
        name = _NAME_AT_END_RE.search(source, max(0, end - 256), end)
        if name is not None:
            names.add(name.group())
    return frozenset(names)


_NESTED_SCOPES = (ast.Lambda, *FUNCTION_TYPES, ast.ClassDef)


class _BindingCollector:
    """Every binding of every name in one scope (not looking into nested scopes)."""

    def __init__(self, ctx: FileContext, type_vars: Mapping[str, _Binding] | None = None) -> None:
        self.ctx = ctx
        self.type_vars = type_vars  # (None: the module's, see _annotation_ref)
        self.bindings: dict[str, list[_Binding]] = {}
        # the statement of a function's body being collected (None: its parameters, or
        # another scope), the first one that binds each name, and the names bound before
        self.top: ast.stmt | None = None
        self.first_top: dict[str, ast.stmt] = {}
        self.before_body: set[str] = set()
        # a name annotated as a collection of one model class -> an element's binding; and
        # (loop variable, the name it iterates), checked once the scope is read
        self.elements: dict[str, _Binding] = {}
        self.loops: list[tuple[str, str]] = []
        self.comprehensions: list[ast.expr] = []  # (their variables bind only inside them)

    def annotated(self, name: str, annotation: ast.expr | None) -> None:
        """Bind ``name`` as its annotation says (and the elements it holds, for a collection)."""
        self.add(name, _annotation_ref(annotation, self.ctx, self.type_vars))
        element = _element_ref(annotation, self.ctx, self.type_vars)
        if element is not None:
            self.elements[name] = element

    def loop_target(self, target: ast.AST, iterated: ast.expr) -> None:
        """``for user in users`` (or a comprehension's): ``user`` holds an element of
        ``users`` when that name is annotated as a collection of one model class."""
        if isinstance(target, ast.Name) and isinstance(iterated, ast.Name) and iterated.id in self.elements:
            self.add(target.id, self.elements[iterated.id])
            self.loops.append((target.id, iterated.id))
        else:
            self.target(target)

    def add(self, name: str, binding: _Binding) -> None:
        self.bindings.setdefault(name, []).append(binding)
        if self.top is None:
            self.before_body.add(name)
        else:
            self.first_top.setdefault(name, self.top)

    def target(self, node: ast.AST, binding: _Binding = None) -> None:
        if isinstance(node, ast.Name):
            self.add(node.id, binding)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for elt in node.elts:
                self.target(elt)
        elif isinstance(node, ast.Starred):
            self.target(node.value)

    def value_binding(self, value: ast.expr | None, name: str | None = None) -> _Binding:
        """("instance", ref) when the value builds a model instance (or any local class's);
        ``name``: the name it is bound to, if one."""
        awaited = isinstance(value, ast.Await)
        if awaited:
            value = value.value  # (`user = await fetch_user()`: what a project function returns)
        if not isinstance(value, ast.Call):
            return None
        func = value.func
        if awaited:
            return self._returned_binding(func, name)
        if isinstance(func, ast.Attribute) and func.attr in CONSTRUCTORS:
            ref = _class_ref(func.value, self.ctx)
            if ref is not None and (_ref_info(ref, self.ctx)[0] == "model" or ref[0] != "local"):
                return ("instance", ref)
        if value.args and isinstance(func, (ast.Name, ast.Attribute)) and self.ctx.resolve(func) in CAST_NAMES:
            # `this = cast(Model, self)`: what the annotation `Model` says (`type[Model]`: the class)
            return _annotation_ref(value.args[0], self.ctx, self.type_vars)
        if isinstance(func, ast.Attribute) and func.attr in _COPIES and isinstance(func.value, ast.Name):
            # `snapshot = org.model_copy(...)`: a model like `org`, bound once so far to one
            held = self.bindings.get(func.value.id)
            if held is not None and len(held) == 1 and held[0] is not None and held[0][0] == "instance":
                kind, _defines, origins = _ref_info(held[0][1], self.ctx)
                if kind == "model" or (kind == "unknown" and origins):  # (an imported class: read later)
                    return held[0]
        returned = self._returned_binding(func, name)
        if returned is not None:
            return returned
        ref = _class_ref(_base_expr(func), self.ctx)  # (`Holder[int]()`: an instance of Holder)
        if ref is None:
            return None
        # (a class of unknown kind that is imported, or derives from imported classes, too:
        # a rule may read their modules, see Receiver.origins)
        kind, _defines, origins = _ref_info(ref, self.ctx)
        if kind != "unknown" or ref[0] != "local" or origins:
            return ("instance", ref)
        return None

    def _returned_binding(self, func: ast.expr, name: str | None) -> _Binding:
        """("instance", ref) of the class a project function called so is annotated to
        return (``data = team_request(...)`` with ``-> TeamRequest``; a function of this
        module too, read as another's would be), else None. (Read only for a name the
        module calls a v1 method on: reading a module is no small cost.)"""
        if not isinstance(func, (ast.Name, ast.Attribute)) or name is None or name not in _v1_receivers(self.ctx):
            return None
        qualified = self.ctx.resolve(func)
        if (
            qualified is None and isinstance(func, ast.Name) and self.ctx.module
            and f"def {func.id}(" in self.ctx.source and func.id not in self.bindings  # (not the scope's own)
            and func.id not in rebound_at_top(self.ctx)
            and any(isinstance(stmt, FUNCTION_TYPES) and stmt.name == func.id for stmt in self.ctx.tree.body)
        ):
            qualified = f"{self.ctx.module}.{func.id}"
        if not qualified or not self.ctx.is_first_party(qualified):
            return None
        returned = provided_class(qualified, self.ctx)  # `data = team_request(...)`, `-> TeamRequest`
        if returned is None:
            return None
        # (as the module's own import of the class names it: `data: TeamRequest`, then
        # `data = team_request(data)`, is one binding)
        local = next((name for name, bound in self.ctx.imports.items() if bound == returned), None)
        if local is None and returned.rpartition(".")[0] == self.ctx.module:
            return ("instance", ("local", returned.rpartition(".")[2]))  # (a class of this module)
        return ("instance", ("import", local) if local else ("qualified", returned))

    def statements(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            self.statement(stmt)

    def statement(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.add(stmt.name, None)
            self.expressions(stmt.decorator_list)
            return
        if isinstance(stmt, ast.ClassDef):
            self.add(stmt.name, ("class", ("local", stmt.name)))
            self.expressions(stmt.decorator_list + stmt.bases)
            return
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            for local, _qualified in _import_bindings(stmt, self.ctx):
                self.add(local, ("class", ("import", local)))
            return
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if (
                    isinstance(target, (ast.Tuple, ast.List))
                    and isinstance(stmt.value, (ast.Tuple, ast.List))
                    and len(target.elts) == len(stmt.value.elts)
                    and not any(isinstance(e, ast.Starred) for e in (*target.elts, *stmt.value.elts))
                ):  # `a, args = [], Args(...)`: element by element
                    for element, value in zip(target.elts, stmt.value.elts):
                        self.target(element, self.value_binding(value))
                else:
                    self.target(target, self.value_binding(stmt.value, _name_of(target)))
        elif isinstance(stmt, ast.AnnAssign):
            if stmt.value is not None and self.ctx.resolve(stmt.annotation) in _FINAL:
                # `x: Final = Model(...)`: a bare Final keeps the type of the value
                self.target(stmt.target, self.value_binding(stmt.value, _name_of(stmt.target)))
            elif isinstance(stmt.target, ast.Name):
                self.annotated(stmt.target.id, stmt.annotation)
            else:
                self.target(stmt.target, _annotation_ref(stmt.annotation, self.ctx, self.type_vars))
        elif isinstance(stmt, ast.AugAssign):
            self.target(stmt.target)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            self.loop_target(stmt.target, stmt.iter)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                if item.optional_vars is not None:
                    self.target(item.optional_vars)
        elif isinstance(stmt, ast.Delete):
            for target in stmt.targets:
                self.target(target)
        elif isinstance(stmt, (ast.Global, ast.Nonlocal)):
            for name in stmt.names:
                self.add(name, None)
        for handler in getattr(stmt, "handlers", []):
            if handler.name:
                self.add(handler.name, None)
        # nested blocks, and expressions that bind (walrus, comprehension targets, match)
        for name in stmt._fields:  # (ast.iter_fields, without a generator per statement)
            value = getattr(stmt, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.stmt):
                        self.statement(item)
                    elif isinstance(item, ast.AST):
                        self.expression(item)
            elif isinstance(value, ast.AST):
                self.expression(value)

    def expressions(self, nodes: list[ast.expr]) -> None:
        for node in nodes:
            self.expression(node)

    def expression(self, node: ast.AST) -> None:
        stack = [node]
        while stack:
            item = stack.pop()
            if isinstance(item, _NESTED_SCOPES):
                continue
            if isinstance(item, ast.stmt):
                self.statement(item)
                continue
            if isinstance(item, ast.NamedExpr):
                self.target(item.target)
            elif isinstance(item, ast.comprehension):
                pass  # (its variables bind inside the comprehension only: see _comprehension_binding)
            elif isinstance(item, _COMPREHENSIONS):
                self.comprehensions.append(item)
            elif isinstance(item, ast.ExceptHandler):
                if item.name:
                    self.add(item.name, None)
                self.statements(item.body)
                continue
            elif type(item).__name__ in ("MatchAs", "MatchStar") and getattr(item, "name", None):
                self.add(item.name, None)
            elif type(item).__name__ == "MatchMapping" and getattr(item, "rest", None):
                self.add(item.rest, None)
            # the children that are, or may hold, a node that binds (names, constants,
            # operators never do), in field order
            children: list[ast.AST] = []
            push_children(item, _BINDING_PLAN, children)
            stack.extend(reversed(children))


# what _BindingCollector.expression looks for: nodes that bind a name in the scope, and
# statements, handlers and definitions it hands on or stops at
_BINDING_PLAN = plan_for(
    cls
    for cls in GRAMMAR
    if issubclass(cls, (ast.stmt, ast.NamedExpr, ast.comprehension, ast.excepthandler, ast.Lambda))
    or cls.__name__ in ("MatchAs", "MatchStar", "MatchMapping")
)


def _scope_bindings(scope: ast.AST, ctx: FileContext) -> dict[str, _Binding]:
    return ctx.memo(("pydantic.bindings", id(scope)), lambda: _compute_scope_bindings(scope, ctx))


def method_class(func: ast.AST, ctx: FileContext) -> ast.ClassDef | None:
    """The class whose body defines ``func`` directly, if any."""
    parents = ctx.memo("pydantic.method_parents", lambda: _method_parents(ctx))
    return parents.get(id(func))


def _method_parents(ctx: FileContext) -> dict[int, ast.ClassDef]:
    parents: dict[int, ast.ClassDef] = {}
    for node in ctx.all_statements:
        if isinstance(node, ast.ClassDef):
            for stmt in module_level_statements(node.body):
                if isinstance(stmt, FUNCTION_TYPES):
                    parents[id(stmt)] = node
    return parents


def _method_kinds(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> set[str]:
    """``staticmethod`` and ``classmethod`` among a method's decorators (a validator counts as
    a classmethod)."""
    kinds = set()
    for decorator in func.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Name) and target.id in ("staticmethod", "classmethod"):
            if target.id not in ctx.imports:
                kinds.add(target.id)
        elif resolve_function(target, ctx, _VALIDATOR_NAMES) in VALIDATOR_DECORATORS:
            kinds.add("classmethod")
    return kinds


def _first_param_binding(func: ast.FunctionDef | ast.AsyncFunctionDef, cls: ast.ClassDef, kinds: set[str]) -> _Binding:
    """``self`` is an instance of the class; ``cls`` (classmethods, validators) the class."""
    args = func.args.posonlyargs + func.args.args
    if not args:
        return None
    ref = ("local", cls.name)
    if "classmethod" in kinds or func.name in _CLASS_METHODS_BY_NAME or args[0].arg == "cls":
        return ("class", ref)
    return ("instance", ref)


def _compute_scope_bindings(scope: ast.AST, ctx: FileContext) -> dict[str, _Binding]:
    type_vars = _scope_type_vars(scope, ctx) if isinstance(scope, FUNCTION_TYPES) else None
    collector = _BindingCollector(ctx, type_vars)
    if isinstance(scope, FUNCTION_TYPES + (ast.Lambda,)):
        args = scope.args
        positional = args.posonlyargs + args.args
        first = None
        if isinstance(scope, FUNCTION_TYPES):
            cls = method_class(scope, ctx)
            kinds = _method_kinds(scope, ctx) if cls is not None and positional else None
            if kinds is not None and "staticmethod" not in kinds:  # (a staticmethod's is a parameter as any)
                first = positional[0].arg
                collector.add(first, _first_param_binding(scope, cls, kinds))
        for arg in positional + args.kwonlyargs:
            if arg.arg == first:
                continue
            if isinstance(scope, ast.Lambda):
                collector.add(arg.arg, None)
            else:
                collector.annotated(arg.arg, arg.annotation)
        for arg in (args.vararg, args.kwarg):
            if arg is not None:
                collector.add(arg.arg, None)
        if isinstance(scope, ast.Lambda):
            collector.expression(scope.body)
        else:
            for stmt in scope.body:
                collector.top = stmt
                collector.statement(stmt)
    elif isinstance(scope, ast.ClassDef):
        collector.statements(scope.body)
    else:  # the module
        collector.statements(scope.body)  # type: ignore[attr-defined]
    out: dict[str, _Binding] = {}
    for name, bindings in collector.bindings.items():
        first_binding = bindings[0]
        if all(b == first_binding for b in bindings):
            out[name] = first_binding
        elif (
            first_binding is not None
            and isinstance(scope, FUNCTION_TYPES)
            and name in collector.before_body  # (a parameter)
            and name in collector.first_top
        ):
            out[name] = _ParameterUntil(first_binding, collector.first_top[name], scope)
        else:
            out[name] = None
    for variable, iterated in collector.loops:
        if len(collector.bindings[iterated]) > 1:
            out[variable] = None  # (the collection is bound again: what it holds is not known)
    if collector.comprehensions:
        ctx.memo(("pydantic.comprehensions", id(scope)), lambda: _comprehension_scopes(collector))
    return out


_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


_Span = tuple[tuple[int, int], tuple[int, int]]


def _span(node: ast.AST) -> _Span:
    return (
        (node.lineno, node.col_offset),  # type: ignore[attr-defined]
        (node.end_lineno or node.lineno, node.end_col_offset or 0),  # type: ignore[attr-defined]
    )


def _comprehension_scopes(collector: _BindingCollector) -> list[tuple[_Span, _Span, dict[str, _Binding]]]:
    """(its span, its first iterable's span, variable -> binding) of each comprehension of a
    scope: a variable over a name annotated as a collection of one model class, bound once in
    the scope and by no comprehension, holds that model; any other variable is unknown there.
    (The first iterable is read in the enclosing scope.)"""
    variables_anywhere = {
        name.id
        for node in collector.comprehensions
        for generator in node.generators  # type: ignore[attr-defined]
        for name in ast.walk(generator.target)
        if isinstance(name, ast.Name)
    }
    out = []
    for node in collector.comprehensions:
        variables: dict[str, _Binding] = {}
        for generator in node.generators:  # type: ignore[attr-defined]
            if not isinstance(generator.target, ast.Name):
                # (`for k, u in pairs`: unknown there)
                variables.update((n.id, None) for n in ast.walk(generator.target) if isinstance(n, ast.Name))
                continue
            iterated = generator.iter
            variables[generator.target.id] = (
                collector.elements.get(iterated.id)
                if isinstance(iterated, ast.Name) and len(collector.bindings.get(iterated.id, ())) == 1
                and iterated.id not in variables_anywhere
                else None
            )
        out.append((_span(node), _span(node.generators[0].iter), variables))  # type: ignore[attr-defined]
    return out


def _comprehension_binding(node: ast.Name, ctx: FileContext) -> tuple[bool, _Binding]:
    """(found, binding) of a name read inside a comprehension that binds it (the innermost), in
    its scope or, past scopes that do not bind the name (a lambda in the comprehension), an
    enclosing one."""
    where = (node.lineno, node.col_offset)
    candidates = [*reversed(ctx.scopes), ctx.tree]
    for position, scope in enumerate(candidates):
        if position and not isinstance(candidates[position - 1], ast.Lambda):
            break  # (a comprehension holds a lambda, never a def or a class: look no further out)
        bindings = _scope_bindings(scope, ctx)  # (reads the scope's comprehensions too)
        inner = None
        for (start, end), (first_start, first_end), variables in ctx.memo(("pydantic.comprehensions", id(scope)), list):
            if (
                node.id in variables and start <= where <= end and not first_start <= where <= first_end
                and (inner is None or start >= inner[0])
            ):
                inner = (start, variables[node.id])
        if inner is not None:
            return True, inner[1]
        if node.id in bindings:
            return False, None  # (bound in this scope: the usual lookup)
    return False, None


@dataclass(frozen=True)
class _ParameterUntil:
    """A parameter's binding in a body that binds the name again (``user = user.dict()``):
    it holds for a read of the function's own body made before ``statement``, the first
    statement of the body that rebinds the name (its value included, which runs first)."""

    binding: tuple
    statement: ast.stmt
    function: ast.AST

    def at(self, node: ast.expr) -> _Binding:
        """The binding a read at ``node`` sees: the parameter's, or unknown."""
        stmt = self.statement
        where = (node.lineno, node.col_offset)
        if where < _start(stmt):
            body: list[ast.stmt] = self.function.body  # type: ignore[attr-defined]
            ran = next((s for s in body if _start(s) <= where <= (s.end_lineno, s.end_col_offset)), None)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None and _within(node, stmt.value):
            ran = stmt.value
        else:
            return None
        # (a generator expression runs when it is iterated, maybe after the rebinding)
        if ran is None or any(isinstance(n, ast.GeneratorExp) and _within(node, n) for n in ast.walk(ran)):
            return None
        return self.binding


def _start(stmt: ast.stmt) -> tuple[int, int]:
    decorators = getattr(stmt, "decorator_list", None)
    first = decorators[0] if decorators else stmt
    return (first.lineno, first.col_offset)


def _within(node: ast.AST, outer: ast.AST) -> bool:
    return (
        (outer.lineno, outer.col_offset) <= (node.lineno, node.col_offset)  # type: ignore[attr-defined]
        and (node.end_lineno, node.end_col_offset) <= (outer.end_lineno, outer.end_col_offset)  # type: ignore[attr-defined]
    )


def _lookup(name: str, ctx: FileContext) -> tuple[bool, _Binding]:
    """(found, binding) of a name at the current point of the walk, innermost scope first."""
    scopes = ctx.scopes
    for index in range(len(scopes) - 1, -1, -1):
        scope = scopes[index]
        if isinstance(scope, ast.ClassDef) and index != len(scopes) - 1:
            continue  # class bodies are not enclosing scopes of their methods
        bindings = _scope_bindings(scope, ctx)
        if name in bindings:
            binding = bindings[name]
            if isinstance(binding, _ParameterUntil) and index != len(scopes) - 1:
                return True, None  # (read in a nested function, which may run after the rebinding)
            return True, binding
    bindings = _scope_bindings(ctx.tree, ctx)
    if name in bindings:
        return True, bindings[name]
    return False, None


def locally_rebound(name: str, ctx: FileContext) -> bool:
    """Is a module-level name shadowed by a non-import binding in an enclosing function?"""
    scopes = ctx.scopes
    for index in range(len(scopes) - 1, -1, -1):
        scope = scopes[index]
        if isinstance(scope, ast.ClassDef) and index != len(scopes) - 1:
            continue
        bindings = _scope_bindings(scope, ctx)
        if name in bindings:
            # an import inside the function binds the imported object itself
            return bindings[name] != ("class", ("import", name))
    return False


def _receiver_of_binding(binding: _Binding, ctx: FileContext) -> Receiver:
    if binding is None:
        return UNKNOWN
    what, ref = binding
    if ref[0] == "type_var":  # its bound's class, or all of its constraints' (models, all)
        each = [_receiver_of_binding((what, member), ctx) for member in ref[1]]
        if any(r.kind != each[0].kind or r.is_class != each[0].is_class for r in each):
            return UNKNOWN
        return replace(
            each[0],
            defines=frozenset().union(*(r.defines for r in each)),
            origins=frozenset().union(*(r.origins for r in each)),
            imported_class=all(r.imported_class for r in each),
            via_type_var=True,
        )
    kind, defines, origins = _ref_info(ref, ctx)
    imported_class = ref[0] != "local"
    if kind == "unknown" and what == "class" and ref[0] == "import":
        return Receiver("unknown", origins=origins, is_class=True, imported_class=imported_class)
    return Receiver(
        kind, defines, is_class=what == "class", origins=origins, imported_class=imported_class,
        module_class=None if imported_class else ref[1],
    )


def receiver(node: ast.expr, ctx: FileContext) -> Receiver:
    """Classify the receiver of an attribute access, at the current point of the walk."""
    if isinstance(node, ast.Name):
        found, binding = _comprehension_binding(node, ctx)
        if not found:
            found, binding = _lookup(node.id, ctx)
        if not found:
            return UNKNOWN
        if isinstance(binding, _ParameterUntil):
            binding = binding.at(node)
        return _receiver_of_binding(binding, ctx)
    if isinstance(node, ast.Attribute):
        if isinstance(node.value, ast.Name):
            held = _self_attribute_receiver(node, node.value.id, ctx)
            if held is not None:
                return held
        root = node
        while isinstance(root, ast.Attribute):
            root = root.value
        if not isinstance(root, ast.Name) or locally_rebound(root.id, ctx):
            return UNKNOWN
        if binds_v1(node, ctx):
            return Receiver("v1", is_class=True)
        qualified = ctx.resolve(node)
        kind, _settings = imported_kind(qualified, ctx)
        if kind == "unknown" and qualified and looks_like_class(qualified.rpartition(".")[2]) and ctx.is_first_party(
            qualified
        ):
            # `types.InferenceRequest` after `from app import types`: a class of a project
            # module, as when imported by its name (a rule may read its module)
            return Receiver("unknown", is_class=True, origins=frozenset({qualified}), imported_class=True)
        if kind not in ("model", "v1"):
            return UNKNOWN
        origins = frozenset({qualified} if qualified else ())
        return Receiver(kind, is_class=True, origins=origins, imported_class=True)
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id == "super" and not _lookup("super", ctx)[0]:
            return _super_receiver(ctx)
        if node.args and isinstance(func, (ast.Name, ast.Attribute)) and ctx.resolve(func) in CAST_NAMES:
            # `cast(User, value).dict()`: what the annotation `User` says, as for a name bound so
            return _receiver_of_binding(_annotation_ref(node.args[0], ctx), ctx)
        callee = receiver(_base_expr(func), ctx)  # (`Holder[int]()`: an instance of Holder)
        # (an imported class of unknown kind too: a rule may read its module, see Receiver.origins)
        if callee.is_class and (callee.kind != "unknown" or callee.origins):
            return replace(callee, is_class=False)
        if isinstance(func, ast.Attribute) and func.attr in CONSTRUCTORS:
            owner = receiver(func.value, ctx)
            # (as for a call of the class: one imported from a project module is read there)
            if owner.is_class and (owner.kind != "unknown" or owner.origins):
                return replace(owner, is_class=False)
        if isinstance(func, ast.Attribute) and func.attr in _COPIES:  # `cmd.copy(update=...).dict()`
            owner = receiver(func.value, ctx)
            if not owner.is_class and owner.kind == "model":
                return owner
        return UNKNOWN
    return UNKNOWN


# -- attributes of self ----------------------------------------------------------
# `self.params` in a method of a class whose body annotates `params: Params` (or
# `Optional[Params]`, `Params | None`) holds a Params, when nothing in the body or in
# `__init__` (of the class or of a base in the module) binds it to anything else.


def _self_attribute_receiver(node: ast.Attribute, name: str, ctx: FileContext) -> Receiver | None:
    """What ``<name>.<attr>`` holds when ``name`` is the instance parameter of the method
    being walked and its class annotates ``attr`` with one class; None when unknown."""
    func = ctx.enclosing_function()
    cls = method_class(func, ctx) if func is not None else None
    if cls is None:
        return None
    positional = func.args.posonlyargs + func.args.args
    if not positional or positional[0].arg != name:
        return None
    for scope in ctx.scopes[ctx.scopes.index(func) + 1:]:  # `lambda self: ...` in the method
        if isinstance(scope, ast.Lambda) and name in _scope_bindings(scope, ctx):
            return None
    if _scope_bindings(func, ctx).get(name) != ("instance", ("local", cls.name)):
        return None  # a staticmethod, a classmethod, or `self` rebound in the method
    binding, subclass_may_differ = ctx.memo(
        ("pydantic.self_attribute", id(cls), node.attr), lambda: _attribute_facts(cls, node.attr, ctx)
    )
    if binding is None:
        return None
    target = _receiver_of_binding(binding, ctx)
    if target.kind == "unknown" and not target.origins:
        return None
    return replace(target, subclass_may_differ=subclass_may_differ) if subclass_may_differ else target


def _attribute_facts(cls: ast.ClassDef, attr: str, ctx: FileContext) -> tuple[_Binding, bool]:
    """(the class annotated for ``attr``, a subclass in the module binds it otherwise)."""
    binding = _annotated_attribute(cls, attr, ctx)
    if binding is None or (binding[1][0] == "type_var" and len(binding[1][1]) > 1):
        return None, False  # (a union of several classes: not followed)
    return binding, any(
        _default_differs(owner, attr, binding, ctx) for owner in (cls, *_local_bases(cls, ctx))
    ) or any(_binds_otherwise(sub, attr, binding, ctx) for sub in _local_subclasses(cls, ctx))


def _default_differs(cls: ast.ClassDef, attr: str, binding: _Binding, ctx: FileContext) -> bool:
    """Does the class body give the annotated attribute a value not known to be of the annotated
    class (``args_schema: type[UserOut] = SpecialUser``, a subclass whose methods may be its own)?"""
    for stmt in module_level_statements(cls.body):
        if (
            isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == attr
            and stmt.value is not None and not (isinstance(stmt.value, ast.Constant) and stmt.value.value is Ellipsis)
        ):
            return not _holds(stmt.value, binding, cls, ctx)
    return False


def _annotated_attribute(cls: ast.ClassDef, attr: str, ctx: FileContext) -> _Binding:
    """The one class a class body annotates ``attr`` with, when neither it, its ``__init__``
    nor a base of the module binds ``attr`` to anything else (a method, a property, another
    value); else None."""
    annotated = any(
        isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == attr
        for stmt in module_level_statements(cls.body)
    )
    if not annotated:
        return None
    binding = _scope_bindings(cls, ctx).get(attr)
    if binding is None:
        return None  # a type unknown, or bound otherwise too
    if any(_binds_otherwise(base, attr, binding, ctx) for base in _local_bases(cls, ctx)):
        return None
    if _init_assigns_otherwise(cls, attr, binding, ctx):
        return None
    return binding


def _binds_otherwise(cls: ast.ClassDef, attr: str, binding: _Binding, ctx: FileContext) -> bool:
    """Does this class's body or ``__init__`` bind ``attr`` to other than ``binding``?"""
    found = _scope_bindings(cls, ctx)
    if attr in found and found[attr] != binding:
        return True
    return _init_assigns_otherwise(cls, attr, binding, ctx)


def _init_assigns_otherwise(cls: ast.ClassDef, attr: str, binding: _Binding, ctx: FileContext) -> bool:
    """Does the class's ``__init__`` assign ``self.<attr>`` other than None, an instance built
    of the class, or a parameter (or name) annotated with it?"""
    for init in module_level_statements(cls.body):
        if not (isinstance(init, FUNCTION_TYPES) and init.name == "__init__"):
            continue
        positional = init.args.posonlyargs + init.args.args
        if not positional:
            continue
        this = positional[0].arg
        for stmt in ast.walk(init):
            if isinstance(stmt, ast.Assign):
                targets, value = stmt.targets, stmt.value
            elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
                targets, value = [stmt.target], (stmt.value if isinstance(stmt, ast.AnnAssign) else None)
            else:
                continue
            for target in targets:
                if isinstance(target, (ast.Tuple, ast.List)) and any(
                    _is_self_attribute(e, this, attr) for e in ast.walk(target)
                ):
                    return True  # unpacked: not read
                if not _is_self_attribute(target, this, attr) or isinstance(stmt, ast.AnnAssign) and value is None:
                    continue
                if isinstance(stmt, ast.AugAssign) or not _holds(value, binding, init, ctx):
                    return True
    return False


def _is_self_attribute(node: ast.AST, name: str, attr: str) -> bool:
    return (
        isinstance(node, ast.Attribute) and node.attr == attr
        and isinstance(node.value, ast.Name) and node.value.id == name
    )


def _holds(value: ast.expr | None, binding: _Binding, scope: ast.AST, ctx: FileContext) -> bool:
    if value is None:
        return False
    if isinstance(value, ast.Constant) and value.value is None:
        return True
    if isinstance(value, ast.Name):
        return _scope_bindings(scope, ctx).get(value.id) == binding
    return _BindingCollector(ctx).value_binding(value) == binding


def _module_class_nodes(ctx: FileContext) -> dict[str, list[ast.ClassDef]]:
    def collect() -> dict[str, list[ast.ClassDef]]:
        found: dict[str, list[ast.ClassDef]] = {}
        for node in ctx.all_statements:
            if isinstance(node, ast.ClassDef):
                found.setdefault(node.name, []).append(node)
        return found

    return ctx.memo("pydantic.class_nodes", collect)


def _local_bases(cls: ast.ClassDef, ctx: FileContext) -> list[ast.ClassDef]:
    """The classes of the module a class derives from, at any depth."""
    nodes = _module_class_nodes(ctx)
    found: list[ast.ClassDef] = []
    pending = [cls]
    while pending:
        for base in pending.pop().bases:
            base = _base_expr(base)
            if isinstance(base, ast.Name):
                for node in nodes.get(base.id, ()):
                    if node is not cls and node not in found:
                        found.append(node)
                        pending.append(node)
    return found


def _local_subclasses(cls: ast.ClassDef, ctx: FileContext) -> list[ast.ClassDef]:
    """The classes of the module that derive from a class, at any depth."""
    return [
        node for named in _module_class_nodes(ctx).values() for node in named
        if node is not cls and cls in _local_bases(node, ctx)
    ]


def subclass_overrides(target: Receiver, name: str, ctx: FileContext) -> bool:
    """May a subclass of the receiver's class define the v1 method ``name`` itself
    (``class Secret(Base): def dict(self, **kwargs)``), which v2 still calls on its
    instances and the rename to the v2 name would skip? A subclass in the module, at any
    depth, or a class of the project (read as text) deriving from the receiver's class, or
    from a class deriving from it (read in the modules between)."""
    classes: set[str] = set()
    if target.module_class is not None:
        for cls in _module_class_nodes(ctx).get(target.module_class, ()):
            if any(name in class_own_names(subclass) for subclass in _local_subclasses(cls, ctx)):
                return True
        if ctx.module:
            classes.add(f"{ctx.module}.{target.module_class}")
    for origin in target.origins:
        if ctx.is_first_party(origin):
            classes.add(defining_name(origin, ctx) or origin)
    if not classes:
        return False
    overriders = ctx.external("v1_overriders", name, *file_scan_spec(ctx))
    if overriders is None or "*" in overriders:
        return True  # (past the limit of files read, or a mixin a model anywhere may take in)
    return any(derives_from_any(ref, classes, ctx) for ref in overriders)


def derives_from_any(ref: str, classes: set[str], ctx: FileContext) -> bool:
    """Is the class a project file names ``ref`` (projecttext's ``m:<module>.<name>`` or
    ``p:<path>/<name>``) one of ``classes`` (where defined), or derived from one?"""
    if ref.startswith("m:"):
        qualified = ref[2:]
    else:
        stem, _, class_name = ref[2:].rpartition(os.sep)
        module = ctx.module_at(stem)
        if module is None:
            return False
        qualified = f"{module}.{class_name}"
    where = defining_name(qualified, ctx) or qualified
    return where in classes or bool(classes & project_ancestors(where, ctx))


@provider("v1_overriders")
def project_v1_overriders(method: str, *spec: str) -> list[str] | None:
    """The bases (projecttext's references) of the classes of the folders of ``spec``
    (union_inspection.scan_spec) that define the v1 method ``method``; None past the limit
    of files read."""
    found = text_of(spec)
    if found is None:
        return None
    prefix = f"{method}|"
    return sorted(entry[len(prefix):] for entry in found.v1_overrides if entry.startswith(prefix))


def module_kin(cls: ast.ClassDef, ctx: FileContext) -> list[ast.ClassDef]:
    """The other classes of a class's hierarchy in the module: its bases and its subclasses."""
    return [*_local_bases(cls, ctx), *_local_subclasses(cls, ctx)]


def kin_define(cls: ast.ClassDef, ctx: FileContext) -> frozenset[str]:
    """The names the other classes of a class's hierarchy define: its bases and subclasses
    of the module, and its bases of other project modules (read there)."""
    names: set[str] = set()
    for kin in module_kin(cls, ctx):
        names |= class_own_names(kin)
    origins = class_info(cls, ctx).origins
    if origins:
        names |= imported_facts(origins, ctx)[1]
    return frozenset(names)


def _super_receiver(ctx: FileContext) -> Receiver:
    """``super()`` in a method: the class's bases, without the class's own names."""
    func = ctx.enclosing_function()
    cls = method_class(func, ctx) if func is not None else None
    if cls is None:
        return UNKNOWN
    info = module_facts(ctx).classes.get(cls.name)
    if info is None or info.kind not in ("model", "v1", "unknown"):
        return UNKNOWN
    inherited: set[str] = set()
    for base in cls.bases:
        base = _base_expr(base)
        if isinstance(base, ast.Name):
            base_info = module_facts(ctx).classes.get(base.id)
            if base_info is not None:
                inherited |= base_info.defines
    below = set(info.defines)
    for subclass in _local_subclasses(cls, ctx):
        sub_info = module_facts(ctx).classes.get(subclass.name)
        if sub_info is not None:
            below |= sub_info.defines
    return Receiver(info.kind, frozenset(inherited), origins=info.origins, defined_below=frozenset(below))


def v2_attribute_test(node: ast.AST) -> tuple[ast.expr, str] | None:
    """(object, name) of ``hasattr(obj, "model_*")`` or ``getattr(obj, "model_*", ...)``: a
    test for the Pydantic 2 API, the mark of code that supports both versions (also of
    its private attributes: ``getattr(m, "__pydantic_fields_set__", None)`` tests for
    ``model_fields_set``)."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("hasattr", "getattr")
        and len(node.args) >= 2
        and isinstance(node.args[1], ast.Constant)
        and isinstance(node.args[1].value, str)
    ):
        name = node.args[1].value
        if name.startswith("model_"):
            return node.args[0], name
        if name in _V2_PRIVATE:
            return node.args[0], _V2_PRIVATE[name]
    return None


_V2_PRIVATE = {"__pydantic_fields_set__": "model_fields_set", "__pydantic_fields__": "model_fields"}

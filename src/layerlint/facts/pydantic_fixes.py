"""The LL2xx fixes: what each finding's rewrite is, and how safe, decided on the ``ast``.

The rules call these functions to mark a finding fixable (``FIX_SAFE`` /
``FIX_UNSAFE``) or not (``None``); their fixers (``layerlint/fixes/ll20x.py``)
call the same functions on the same ``ast`` nodes (found by the finding's
position) and write what the plan says, so that a rule and its fixer never
disagree.

The reference for "safe": the fixed code does under Pydantic v2 what the
original meant — what it does under v2 where v2 still honours the v1 spelling
(the deprecated ``.dict()``, ``min_items=``, ``allow_mutation=`` on a field),
else what it did under v1 (a renamed config key, which v2 ignores; ``regex=``,
which v2 rejects).
"""

from __future__ import annotations

import ast
import io
import os
import re
import tokenize
from dataclasses import dataclass
from typing import Iterable

from layerlint.context import FileContext
from layerlint.diagnostics import FIX_SAFE, FIX_UNSAFE
from layerlint.external import provider
from layerlint.facts.names import dotted_root
from layerlint.facts.project_classes import statement_bindings
from layerlint.facts.pydantic import derives_from_any, resolve_function
from layerlint.facts.union_inspection import file_scan_spec, text_of
from layerlint.facts.version_gates import tests_pydantic_version
from layerlint.walk import statements

# -- shared helpers -------------------------------------------------------------------


def worst(*safeties: str | None) -> str | None:
    """The combined safety of several parts of one fix: None when any part has no fix."""
    if any(s is None for s in safeties):
        return None
    return FIX_UNSAFE if FIX_UNSAFE in safeties else FIX_SAFE


def module_bindings(ctx: FileContext) -> dict[str, frozenset[str]]:
    """Every name the module binds anywhere (any scope) -> what binds it: the fully
    qualified name of an absolute import, or ``""`` for any other binding (an
    assignment, a parameter, a def, a relative import ...)."""
    return ctx.memo("pydantic_fixes.bindings", lambda: _module_bindings(ctx))


def _module_bindings(ctx: FileContext) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}

    def add(name: str, what: str) -> None:
        found.setdefault(name, set()).add(what)

    for node in ast.walk(ctx.tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            add(node.id, "")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            add(node.name, "")
        elif isinstance(node, ast.arg):
            add(node.arg, "")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    add(alias.asname, alias.name)
                else:
                    top = alias.name.partition(".")[0]
                    add(top, top)
        elif isinstance(node, ast.ImportFrom):
            base = node.module if not node.level else None
            for alias in node.names:
                if alias.name == "*":
                    add("*", "")
                else:
                    add(alias.asname or alias.name, f"{base}.{alias.name}" if base else "")
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for name in node.names:
                add(name, "")
        elif isinstance(node, ast.ExceptHandler) and node.name:
            add(node.name, "")
        elif type(node).__name__ in ("MatchAs", "MatchStar") and getattr(node, "name", None):
            add(node.name, "")
        elif type(node).__name__ == "MatchMapping" and getattr(node, "rest", None):
            add(node.rest, "")
    return {name: frozenset(values) for name, values in found.items()}


def name_free_for(name: str, ctx: FileContext, accepted: Iterable[str]) -> bool:
    """Can the fix write ``name`` meaning one of ``accepted`` (fully qualified names)?

    True when nothing in the module binds ``name`` (the fix imports it) or only
    imports of an accepted name do; never under a star import.
    """
    bindings = module_bindings(ctx)
    if "*" in bindings:
        return False
    found = bindings.get(name)
    return not found or found <= frozenset(accepted)


def is_imported_as(name: str, ctx: FileContext, accepted: Iterable[str]) -> bool:
    """Does the module already bind ``name`` by an import of one of ``accepted``?"""
    found = module_bindings(ctx).get(name)
    return bool(found) and found <= frozenset(accepted)


# the exceptions a failed import raises, by the builtins' names (a handler of one guards an import)
IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException"})
_PYDANTIC_TOPS = frozenset({"pydantic", "pydantic_settings"})


def supports_v1(ctx: FileContext) -> bool:
    """Does the module keep Pydantic v1 working: an import of Pydantic inside a
    ``try`` whose handler catches ``ImportError``, in both branches of an
    ``if``/``else`` (a version switch), or a branch on a Pydantic version flag
    (facts/version_gates.py: Fern's ``if IS_PYDANTIC_V2:``, whose module then calls
    ``obj.dict(by_alias=True)`` for both)? Its v2 spellings would break the v1 side,
    so the LL201-LL205 fixes leave such a module alone."""
    return ctx.memo("pydantic_fixes.supports_v1", lambda: _supports_v1(ctx) or tests_pydantic_version(ctx))


def _supports_v1(ctx: FileContext) -> bool:
    if "pydantic" not in ctx.source:
        return False
    for stmt in ctx.all_statements:
        if isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            if any(_catches_import_error(h.type) for h in stmt.handlers) and (
                _imports_pydantic(stmt.body) or any(_imports_pydantic(h.body) for h in stmt.handlers)
            ):
                return True
        elif isinstance(stmt, ast.If) and stmt.orelse:
            if _imports_pydantic(stmt.body) and _imports_pydantic(stmt.orelse):
                return True
    return False


def _catches_import_error(node: ast.expr | None) -> bool:
    if node is None:
        return True
    if isinstance(node, ast.Tuple):
        return any(_catches_import_error(e) for e in node.elts)
    return isinstance(node, ast.Name) and node.id in IMPORT_ERRORS


def _imports_pydantic(body: list[ast.stmt]) -> bool:
    for stmt in statements(body):
        if isinstance(stmt, ast.ImportFrom) and not stmt.level and stmt.module:
            if stmt.module.partition(".")[0] in _PYDANTIC_TOPS:
                return True
        elif isinstance(stmt, ast.Import):
            if any(a.name.partition(".")[0] in _PYDANTIC_TOPS for a in stmt.names):
                return True
    return False


def has_comment(code: str) -> bool:
    """Does this code (a balanced expression) hold a comment?"""
    if "#" not in code:
        return False
    try:
        for token in tokenize.generate_tokens(io.StringIO("(" + code + ")").readline):
            if token.type == tokenize.COMMENT:
                return True
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return True
    return False


def comment_lines(code: str, first_line: int) -> set[int]:
    """The lines (numbered from ``first_line``) of the comments in a balanced expression's code."""
    if "#" not in code:
        return set()
    found: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type == tokenize.COMMENT:
                found.add(first_line + token.start[0] - 1)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return {first_line - 1}  # unknown: a line no argument covers, so that callers refuse
    return found


def drops_comment(call: ast.Call, removed: set[str], code: str | None) -> bool:
    """Would removing the keyword arguments ``removed`` from ``call`` drop a comment?

    libcst keeps the comments after an argument, up to the next one, in its
    comma: a removed argument takes them along, and when the last arguments go,
    the last one kept gets their comma in place of its own.
    """
    if not removed:
        return False
    if code is None:
        return True
    comments = comment_lines(code, call.lineno)
    if not comments:
        return False
    if call.lineno - 1 in comments:
        return True
    items = sorted([*call.args, *call.keywords], key=lambda n: (n.lineno, n.col_offset))
    gone = [isinstance(item, ast.keyword) and item.arg in removed for item in items]
    kept = [i for i, g in enumerate(gone) if not g]
    last_kept = kept[-1] if kept else -1
    for index, item in enumerate(items[:-1]):
        if gone[index] or (index == last_kept and any(gone[index + 1:])):
            end = max(items[index + 1].lineno, item.end_lineno + 1)
            if any(item.lineno <= line < end for line in comments):
                return True
    return False


def bool_constant(node: ast.expr | None) -> bool | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        return node.value
    return None


def is_literal(node: ast.expr) -> bool:
    """A constant, or a tuple/list/set/dict of literals (``-1`` included)."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return isinstance(node.operand, ast.Constant) and isinstance(node.operand.value, (int, float, complex))
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(not isinstance(e, ast.Starred) and is_literal(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is not None and is_literal(k) and is_literal(v) for k, v in zip(node.keys, node.values))
    return False


# -- LL201 / LL202: configuration keys --------------------------------------------------

# v1 config keys renamed in v2 (the value keeps its meaning)
CONFIG_RENAMES = {
    "orm_mode": "from_attributes",
    "allow_population_by_field_name": "populate_by_name",
    "anystr_strip_whitespace": "str_strip_whitespace",
    "anystr_lower": "str_to_lower",
    "anystr_upper": "str_to_upper",
    "min_anystr_length": "str_min_length",
    "max_anystr_length": "str_max_length",
    "schema_extra": "json_schema_extra",
    "validate_all": "validate_default",
    "keep_untouched": "ignored_types",
}
# keys v1 and v2 spell and mean the same, and the v2-only keys (a `class Config` may hold them)
SAME_CONFIG_KEYS = frozenset({
    "title", "extra", "frozen", "use_enum_values", "validate_assignment", "arbitrary_types_allowed",
    "alias_generator", "allow_inf_nan",
    # v2 names
    "from_attributes", "populate_by_name", "str_strip_whitespace", "str_to_lower", "str_to_upper",
    "str_min_length", "str_max_length", "json_schema_extra", "validate_default", "ignored_types",
    "strict", "revalidate_instances", "ser_json_timedelta", "ser_json_bytes", "ser_json_inf_nan",
    "val_json_bytes", "validate_return", "protected_namespaces", "hide_input_in_errors", "defer_build",
    "coerce_numbers_to_str", "regex_engine", "validation_error_cause", "use_attribute_docstrings",
    "cache_strings", "loc_by_alias", "json_schema_mode_override", "json_schema_serialization_defaults_required",
    "model_title_generator", "field_title_generator", "validate_by_alias", "validate_by_name",
    "serialize_by_alias",
})
# keys of v1 `BaseSettings.Config` that pydantic-settings' `SettingsConfigDict` keeps, and its own
SETTINGS_CONFIG_KEYS = frozenset({
    "env_prefix", "env_file", "env_file_encoding", "env_nested_delimiter", "secrets_dir", "case_sensitive",
    "env_ignore_empty", "env_parse_none_str", "env_parse_enums", "env_nested_max_split",
    "nested_model_default_partial_update", "json_file", "json_file_encoding", "yaml_file",
    "yaml_file_encoding", "toml_file", "env_prefix_target",
})
# v1 keys whose `True` is v2's only behaviour: dropped by the LL201 fix
DROP_WHEN_TRUE = frozenset({"smart_union", "underscore_attrs_are_private"})
EXTRA_ENUMS = frozenset({"pydantic.Extra", "pydantic.config.Extra"})
EXTRA_VALUES = frozenset({"allow", "ignore", "forbid"})

CONFIG_DICT = {
    False: ("pydantic", "ConfigDict", frozenset({"pydantic.ConfigDict", "pydantic.config.ConfigDict"})),
    True: (
        "pydantic_settings",
        "SettingsConfigDict",
        frozenset({"pydantic_settings.SettingsConfigDict", "pydantic_settings.main.SettingsConfigDict"}),
    ),
}


@dataclass(frozen=True)
class ConfigItem:
    """One statement of a `class Config` body, as a `ConfigDict(...)` argument."""

    key: str | None  # the v2 key; None: the statement is dropped (docstring, `pass`, `smart_union = True`)
    value: str | None = None  # the value's new code; None: the value is kept as written
    unsafe: bool = False  # its v2 meaning differs from v1's (config_key_fix says how)


def dict_keys(node: ast.Dict) -> set[str]:
    """The string keys of a dict display, and ``"**"`` for a ``**spread``, or another key."""
    return {k.value if isinstance(k, ast.Constant) and isinstance(k.value, str) else "**" for k in node.keys}


def config_key_fix(key: str, value: ast.expr, other_keys: set[str]) -> tuple[str, str | None, str] | None:
    """LL202: (v2 key, new value code or None to keep it, safety) of a v1 key in
    ``ConfigDict(...)`` / a ``model_config`` dict; None when there is no fix.
    ``other_keys`` are the other keys of the same call or dict (``"**"``: unknown ones)."""
    if "**" in other_keys:
        return None  # `**base` may hold the v2 key already
    if key == "allow_mutation":
        flag = bool_constant(value)
        if flag is None or "frozen" in other_keys:
            return None
        # (`frozen=True` is unsafe: in v2 it also makes instances hashable, which v1's
        # `allow_mutation = False` did not; v1's own `frozen` did)
        return "frozen", str(not flag), FIX_SAFE if flag else FIX_UNSAFE
    new = CONFIG_RENAMES.get(key)
    if new is None or new in other_keys:
        return None
    if key == "schema_extra" and not isinstance(value, ast.Dict):
        # a callable now receives v2's JSON schema, laid out differently from v1's
        return new, None, FIX_UNSAFE
    return new, None, FIX_SAFE


def config_class_plan(
    node: ast.ClassDef, outer: ast.ClassDef, ctx: FileContext, settings: bool
) -> tuple[ConfigItem, ...] | None:
    """LL201: the `ConfigDict(...)` arguments replacing a `class Config:` body, one
    item per statement, or None when some statement has no known v2 meaning."""
    if node.bases or node.keywords or node.decorator_list or getattr(node, "type_params", None):
        return None
    if supports_v1(ctx):
        return None  # the Config class serves the v1 side
    outer_names = class_body_names(outer)
    if "model_config" in outer_names or _mentions_config_attribute(ctx) or _config_read_in_project(outer.name, ctx):
        return None
    _module, name, accepted = CONFIG_DICT[settings]
    if not name_free_for(name, ctx, accepted):
        return None
    items: list[ConfigItem] = []
    seen: set[str] = set()
    own: set[str] = set()
    for stmt in node.body:
        if isinstance(stmt, ast.Pass) or (  # `pass`, `...`, a docstring
            isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
            and (isinstance(stmt.value.value, str) or stmt.value.value is Ellipsis)
        ):
            items.append(ConfigItem(None))
            continue
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            key, value = stmt.targets[0].id, stmt.value
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
            key, value = stmt.target.id, stmt.value
        else:
            return None
        item = _config_item(key, value, ctx, settings, outer_names | own)
        if item is None:
            return None
        own.add(key)
        if item.key is not None:
            if item.key in seen:
                return None  # a key given twice (`orm_mode` and `from_attributes`)
            seen.add(item.key)
        items.append(item)
    return tuple(items)


def _config_item(key: str, value: ast.expr, ctx: FileContext, settings: bool, shadowing: set[str]) -> ConfigItem | None:
    if key in DROP_WHEN_TRUE:
        return ConfigItem(None) if bool_constant(value) is True else None
    if key == "allow_mutation":
        flag = bool_constant(value)
        return None if flag is None else ConfigItem("frozen", str(not flag), unsafe=not flag)  # (see config_key_fix)
    if key == "extra" and isinstance(value, ast.Attribute):
        qualified = ctx.resolve(value) or ""
        owner, _, member = qualified.rpartition(".")
        if owner in EXTRA_ENUMS and member in EXTRA_VALUES:
            return ConfigItem("extra", f'"{member}"')
        return None
    same = key in SAME_CONFIG_KEYS or (settings and key in SETTINGS_CONFIG_KEYS)
    new = CONFIG_RENAMES.get(key) or (key if same else None)
    if new is None:
        return None
    # (a function given as schema_extra: see config_key_fix)
    unsafe = key == "schema_extra" and not isinstance(value, ast.Dict)
    if is_literal(value):
        return ConfigItem(new, unsafe=unsafe)
    root = dotted_root(value)
    # a name read in the Config body resolves in the module; in the model's body a
    # name the model defines (a field, a method, an earlier config key) would shadow it
    if root is not None and root not in shadowing:
        return ConfigItem(new, unsafe=unsafe)
    return None


def class_body_names(node: ast.ClassDef) -> set[str]:
    """Names a class body binds (looking into its if/try blocks)."""
    names: set[str] = set()
    stack = list(node.body)
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(stmt.name)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            for target in targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Name):
                        names.add(sub.id)
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            for alias in stmt.names:
                names.add(alias.asname or alias.name.partition(".")[0])
        elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.With, ast.AsyncWith)):  # `for to_camel in ...:`
            targets = [stmt.target] if isinstance(stmt, (ast.For, ast.AsyncFor)) else [
                item.optional_vars for item in stmt.items if item.optional_vars is not None
            ]
            names.update(sub.id for target in targets for sub in ast.walk(target) if isinstance(sub, ast.Name))
        for name in ("body", "orelse", "finalbody"):
            block = getattr(stmt, name, None)
            if isinstance(block, list) and not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                stack.extend(block)
        for handler in getattr(stmt, "handlers", ()) or ():
            stack.extend(handler.body)
            if handler.name:
                names.add(handler.name)
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            # a walrus (`(to_camel := ...)`) and a `match` capture (`case to_camel:`) bind too
            for node in ast.walk(stmt):
                if isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
                    names.add(node.target.id)
                elif type(node).__name__ in ("MatchAs", "MatchStar") and getattr(node, "name", None):
                    names.add(node.name)  # type: ignore[attr-defined]
                elif type(node).__name__ == "MatchMapping" and getattr(node, "rest", None):
                    names.add(node.rest)  # type: ignore[attr-defined]
    return names


def _config_read_in_project(name: str, ctx: FileContext) -> bool:
    """Does a file of the project read the ``Config`` of a class so named (``class
    Config(UserBase.Config):`` in another module), which the fix would remove? (Read as text,
    projecttext.py; past its limit of files, presumed so.)"""
    return bool(ctx.external("config_read", name, *file_scan_spec(ctx)))


def config_read_of_another_class(name: str, ctx: FileContext) -> bool:
    """Does a file of the project read the ``Config`` of another class (``UserOut.Config``),
    which may be a subclass of ``name`` inheriting it (the text does not say)?"""
    return bool(ctx.external("config_read_other", name, *file_scan_spec(ctx)))


def validated_subclass_elsewhere(name: str, ctx: FileContext) -> bool:
    """Does another file of the project derive a class from one so named and spell
    ``validator(`` (read as text)? Its validators may share a field or a name with this
    class's, which a fix of this class's would reorder or stop overriding."""
    return bool(ctx.external("validated_subclass", name, os.path.abspath(ctx.path), *file_scan_spec(ctx)))


@provider("validated_subclass")
def project_subclasses_with_validators(name: str, path: str, *spec: str) -> bool:
    """:func:`validated_subclass_elsewhere` for the folders of ``spec``."""
    found = text_of(spec)
    return found is None or any(other != path for other in found.validated_subclasses.get(name, ()))


@provider("config_read")
def project_reads_config(name: str, *spec: str) -> bool:
    """:func:`_config_read_in_project` for the folders of ``spec`` (union_inspection.scan_spec)."""
    found = text_of(spec)
    return found is None or name in found.config_readers


@provider("config_read_other")
def project_reads_other_config(name: str, *spec: str) -> bool:
    """:func:`config_read_of_another_class` for the folders of ``spec``: a class-like name
    (``UserOut``, not ``uvicorn`` nor ``self``) other than ``name``."""
    found = text_of(spec)
    return found is None or any(reader != name and reader[:1].isupper() for reader in found.config_readers)


def _mentions_config_attribute(ctx: FileContext) -> bool:
    """Does the module read ``<something>.Config`` (``class Config(Base.Config)``)?"""
    return ctx.memo(
        "pydantic_fixes.config_attribute",
        lambda: _CONFIG_ATTRIBUTE_RE.search(ctx.source) is not None and any(
            isinstance(n, ast.Attribute) and n.attr == "Config" for n in ast.walk(ctx.tree)
        ),
    )


_CONFIG_ATTRIBUTE_RE = re.compile(r"\.\s*Config\b")


# -- LL203: model methods ------------------------------------------------------------------

RENAMED_METHODS = {
    "dict": "model_dump",
    "json": "model_dump_json",
    "copy": "model_copy",
    "parse_obj": "model_validate",
    "parse_raw": "model_validate_json",
    "construct": "model_construct",
    "schema": "model_json_schema",
    "update_forward_refs": "model_rebuild",
    "from_orm": "model_validate",
    "schema_json": "model_json_schema",
}
RENAMED_ATTRIBUTES = {"__fields__": "model_fields", "__fields_set__": "model_fields_set"}
_DUMP_KEYWORDS = frozenset({"include", "exclude", "by_alias", "exclude_unset", "exclude_defaults", "exclude_none"})
# the keyword arguments each call keeps the meaning of (None: any)
_SAFE_KEYWORDS: dict[str, frozenset[str] | None] = {
    "dict": _DUMP_KEYWORDS,
    "json": _DUMP_KEYWORDS,
    "copy": frozenset({"update", "deep"}),
    "construct": None,  # model_construct(_fields_set=None, **values): the same signature
    "schema": frozenset({"by_alias", "ref_template"}),
    "update_forward_refs": frozenset(),
    "parse_obj": frozenset(),
    "parse_raw": frozenset(),
    "from_orm": frozenset(),
    "schema_json": None,  # checked below
}
# positional arguments each call accepts
_POSITIONAL = {"dict": 0, "json": 0, "copy": 0, "construct": 1, "schema": 2, "update_forward_refs": 0,
               "parse_obj": 1, "parse_raw": 1, "from_orm": 1, "schema_json": 0}
JSON_MODULE = frozenset({"json"})


@dataclass(frozen=True)
class MethodPlan:
    kind: str  # "rename": only the name changes; "from_orm" / "schema_json": the call is rewritten
    new_name: str
    safety: str


def method_fix(name: str, call: ast.Call | None, load: bool, ctx: FileContext, code: str | None) -> MethodPlan | None:
    """LL203: the rewrite of ``<model>.<name>`` (called with ``call`` when it is
    the callee, else ``call`` is None), whatever the receiver; None when the
    arguments or the use keep no meaning under the v2 name. ``code`` is the
    call's source (a rewritten call must not lose a comment)."""
    if not load or supports_v1(ctx):
        return None  # assigned or deleted; a module that keeps v1 working
    if name in RENAMED_ATTRIBUTES:
        if name == "__fields__" and _reads_model_field_api(ctx):
            # `M.__fields__[k].type_`: v2's FieldInfo has no such attribute under either name,
            # and the finding is what points at that code
            return None
        return MethodPlan("rename", RENAMED_ATTRIBUTES[name], FIX_SAFE)
    if name == "parse_obj" and call is None:
        return MethodPlan("rename", "model_validate", FIX_SAFE)  # `map(M.parse_obj, rows)`: one argument either way
    if name not in RENAMED_METHODS or call is None:
        return None  # `validate`, `parse_file`; another method read without calling it
    if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
        return None  # *args / **kwargs: the arguments are unknown
    limit = _POSITIONAL[name]
    if limit is not None and len(call.args) > limit:
        return None
    if name in ("parse_obj", "parse_raw", "from_orm") and len(call.args) != 1:
        return None
    keywords = {k.arg for k in call.keywords}
    allowed = _SAFE_KEYWORDS[name]
    safety = FIX_SAFE
    if name == "json" and "indent" in keywords:
        # v1 passed `indent` to json.dumps (which escapes non-ASCII), v2 pretty-prints itself
        keywords.discard("indent")
        safety = FIX_UNSAFE
    if name == "parse_raw":
        # v2's parse_raw validates json.loads' result in Python mode through the class's
        # `model_validate` (mlserver overrides it to restore a private attribute);
        # model_validate_json validates in JSON mode (a strict model then takes a string
        # for a datetime) and skips that override
        safety = FIX_UNSAFE
    if allowed is not None and not keywords <= allowed:
        return None  # `encoder=`, `models_as_dict=`, `include=` on copy, json.dumps arguments ...
    if name == "schema_json" and (code is None or has_comment(code)):
        return None  # its arguments are split between two calls: a comment could be lost
    if name == "from_orm":
        # v1 required `orm_mode` in the config; v2 validates attributes whatever the config says
        return MethodPlan("from_orm", "model_validate", FIX_UNSAFE)
    if name == "schema_json":
        if not name_free_for("json", ctx, JSON_MODULE):
            return None
        # schema_json encoded values the schema holds (examples) with Pydantic's encoder;
        # json.dumps raises on a datetime or a UUID there
        return MethodPlan("schema_json", "model_json_schema", FIX_UNSAFE)
    return MethodPlan("rename", RENAMED_METHODS[name], safety)


# attributes of v1's ModelField (what `__fields__` held) that v2's FieldInfo lacks
MODEL_FIELD_ONLY = frozenset({
    "type_", "outer_type_", "field_info", "sub_fields", "allow_none", "key_field", "required",
    "pre_validators", "post_validators", "class_validators", "populate_validators",
})


def _reads_model_field_api(ctx: FileContext) -> bool:
    """Does the module read an attribute only v1's ModelField has (``.outer_type_``)?"""
    return ctx.memo("pydantic_fixes.model_field_api", lambda: any(
        isinstance(n, ast.Attribute) and n.attr in MODEL_FIELD_ONLY and isinstance(n.ctx, ast.Load)
        for n in ast.walk(ctx.tree)
    ) if any(a in ctx.source for a in MODEL_FIELD_ONLY) else False)


# -- LL204: validators ----------------------------------------------------------------------

FIELD_VALIDATOR = frozenset({"pydantic.field_validator", "pydantic.functional_validators.field_validator"})
MODEL_VALIDATOR = frozenset({"pydantic.model_validator", "pydantic.functional_validators.model_validator"})
V1_VALIDATOR = frozenset({"pydantic.validator", "pydantic.class_validators.validator"})
V1_ROOT_VALIDATOR = frozenset({"pydantic.root_validator", "pydantic.class_validators.root_validator"})
_V1_VALIDATOR_PARAMS = frozenset({"values", "field", "config"})


@dataclass(frozen=True)
class ValidatorPlan:
    new_name: str  # `field_validator` / `model_validator`
    attribute: bool  # `pd.validator` -> `pd.field_validator` (else a bare name, imported from pydantic)
    mode_before: bool  # `pre=True` -> `mode="before"`
    dropped: frozenset[str]  # keyword arguments removed (`allow_reuse`, `pre=False`, ...)
    add_classmethod: bool
    safety: str

    @property
    def import_names(self) -> frozenset[str]:
        return FIELD_VALIDATOR if self.new_name == "field_validator" else MODEL_VALIDATOR


def validator_fix(
    decorator: ast.expr, func: ast.AST, position: int, qualified: str, ctx: FileContext, code: str | None
) -> ValidatorPlan | None:
    """LL204: the rewrite of a v1 ``@validator(...)`` / ``@root_validator(...)``
    decorating ``func`` (``decorator`` is its ``position``-th decorator and resolves
    to ``qualified`` by this module's imports), or None when the validator would change
    meaning. ``code`` is the decorator's source (None: unknown), to keep comments from
    being dropped."""
    if not isinstance(func, ast.FunctionDef) or position != 0 or supports_v1(ctx):
        return None  # async (v1 validators are sync); a decorator above it wraps the validator
    if qualified not in V1_VALIDATOR and qualified not in V1_ROOT_VALIDATOR:
        # a project module's re-export (`from app.compat import validator`): the new decorator
        # would come from pydantic past that module, and its import be left unused
        return None
    for other in func.decorator_list[1:]:
        if not (isinstance(other, ast.Name) and other.id == "classmethod"):
            return None  # a decorator between the validator and the function
    if len(func.decorator_list) > 2 or not name_free_for("classmethod", ctx, ()):
        return None
    if not isinstance(decorator, ast.Call):
        return None  # bare `@root_validator`: a post validator (below); bare `@validator` is invalid
    root = qualified in V1_ROOT_VALIDATOR
    args, keywords = decorator.args, decorator.keywords
    if any(k.arg is None for k in keywords) or any(isinstance(a, ast.Starred) for a in args):
        return None
    if root and args:
        return None
    if not root and not args:
        return None
    mode_before = False
    dropped: set[str] = set()
    for keyword in keywords:
        value = bool_constant(keyword.value)
        if keyword.arg == "pre" and value is not None:
            mode_before = value
            if not value:
                dropped.add("pre")
        elif keyword.arg == "allow_reuse" or (keyword.arg == "skip_on_failure" and root):
            dropped.add(keyword.arg)
        elif keyword.arg in ("always", "each_item") and value is False and not root:
            dropped.add(keyword.arg)
        elif keyword.arg == "check_fields" and not root:
            continue  # field_validator(check_fields=...) means the same
        else:
            return None  # `always=True`, `each_item=True`, `whole=`, a computed flag ...
    if root and not mode_before:
        return None  # a post root validator gets a `values` dict in v1, the model itself in v2
    # the signature: (cls, value) for a field validator, (cls, values) for a root one
    params = func.args
    positional = params.posonlyargs + params.args
    if params.vararg or params.kwarg or params.kwonlyargs or len(positional) != 2 or positional[0].arg != "cls":
        return None
    if not root and positional[1].arg in _V1_VALIDATOR_PARAMS:
        return None  # v1 passes `values`/`field`/`config` by name: not the value
    if drops_comment(decorator, dropped, code):
        return None  # a comment would go with an argument removed
    new_name = "model_validator" if root else "field_validator"
    target = decorator.func
    if isinstance(target, ast.Attribute):
        if not (isinstance(target.value, ast.Name) and ctx.resolve(target.value) == "pydantic"):
            return None
        attribute = True
    else:
        attribute = False
        accepted = MODEL_VALIDATOR if root else FIELD_VALIDATOR
        if not name_free_for(new_name, ctx, accepted):
            return None
    add_classmethod = len(func.decorator_list) == 1
    # a pre root validator gets the raw input in v2 (an ORM object with from_attributes,
    # anything given to model_validate), where v1 gave it a dict of the input
    safety = FIX_UNSAFE if root else FIX_SAFE
    return ValidatorPlan(new_name, attribute, mode_before, frozenset(dropped), add_classmethod, safety)


# -- LL205: Field arguments ----------------------------------------------------------------

# what Python's `re` has and v2's Rust engine lacks: look-around, backreferences,
# conditionals, atomic groups, comments, `\Z`, the ASCII and locale flags
_PYTHON_ONLY_RE = re.compile(r"\(\?(?:[=!>#(]|<[=!]|P=|[a-zA-Z]*[aL])|\\[1-9]|\\Z")


# what the Rust engine reads otherwise than `re`: set operations and POSIX classes inside a
# class (`[a-z&&b]`, `[[:digit:]]`), Unicode classes with other members (`\\w` takes combining
# marks, `\\s` leaves out \\x1c-\\x1f), `\\<`/`\\>` (word boundaries), case folding (`(?i)`)
_RUST_CLASS_SYNTAX_RE = re.compile(r"&&|--|~~|\[:")
_UNICODE_CLASS_RE = re.compile(r"\\[wWsSbB<>]|\(\?[a-zA-Z]*i")  # (`\<`, `\>`: word boundaries to Rust)
_QUANTIFIER_RE = re.compile(r"\{\d+(?:,\d*)?\}")


def _pattern_safety(pattern: str) -> str | None:
    """FIX_SAFE when ``pattern=`` matches what v1's ``re.match`` of ``regex=`` did: every
    top-level alternative anchored at the start (v2 searches anywhere: ``^admin|user`` would
    accept ``xuser``), and nothing the Rust engine reads otherwise; FIX_UNSAFE where it may;
    None where that engine rejects the pattern."""
    if _PYTHON_ONLY_RE.search(pattern) or "\\N" in pattern or "\\0" in pattern:
        return None  # v2's Rust regex engine rejects it
    alternatives: list[str] = []
    classes: list[str] = []  # the text of each character class
    depth = begin = index = 0
    in_class = possessive = False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2  # (an escaped character: no operator)
            continue
        if in_class:
            if char == "]":
                in_class = False
            elif char == "[" and not pattern.startswith("[:", index):
                return None  # a class inside a class to the Rust engine, a `[` to `re`
            else:
                classes[-1] += char
        elif char == "[":
            in_class = True
            classes.append("")
            index += 1 if pattern.startswith("^", index + 1) else 0
            if pattern.startswith("]", index + 1):  # (a `]` first is a member)
                index += 1
        elif char == "{":
            quantifier = _QUANTIFIER_RE.match(pattern, index)
            if quantifier is None:
                return None  # `{,2}`, a literal `{`: the Rust engine rejects it
            possessive = possessive or pattern.startswith("+", quantifier.end())
        elif char in "*+?" and pattern.startswith("+", index + 1) and (index == 0 or pattern[index - 1] != "("):
            # `a++`, `a{1,3}+`: possessive to `re` (Python 3.11), a repeated repetition to Rust
            possessive = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            alternatives.append(pattern[begin:index])
            begin = index + 1
        index += 1
    alternatives.append(pattern[begin:])
    if (
        not all(alternative.startswith(("^", "\\A")) for alternative in alternatives)
        or any(_RUST_CLASS_SYNTAX_RE.search(text) for text in classes)
        or _UNICODE_CLASS_RE.search(pattern)
        or possessive
    ):
        return FIX_UNSAFE
    return FIX_SAFE


def field_argument_fix(keyword: ast.keyword, call: ast.Call, ctx: FileContext) -> tuple[str, str | None, str] | None:
    """LL205: (new argument name, new value code or None, safety), or None."""
    if supports_v1(ctx):
        return None
    others = {k.arg for k in call.keywords if k is not keyword}
    name, value = keyword.arg, keyword.value
    if name in ("min_items", "max_items"):
        new = "min_length" if name == "min_items" else "max_length"
        return None if new in others else (new, None, FIX_SAFE)
    if name == "allow_mutation":
        flag = bool_constant(value)
        if flag is None or "frozen" in others:
            return None
        return "frozen", str(not flag), FIX_SAFE
    if name == "regex":
        if "pattern" in others:
            return None
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            safety = _pattern_safety(value.value)
            return None if safety is None else ("pattern", None, safety)
        # v1 matched at the start only (re.match), v2 searches anywhere
        return "pattern", None, FIX_UNSAFE
    return None  # unique_items, const: no v2 argument


# -- LL206: imports --------------------------------------------------------------------------

SETTINGS_CLASS = frozenset({"pydantic_settings.BaseSettings", "pydantic_settings.main.BaseSettings"})
FIELD_NAMES = frozenset({"pydantic.Field", "pydantic.fields.Field"})
_FIELD_NAME = frozenset({"Field"})


def settings_import_fix(node: ast.ImportFrom, base: str, alias: ast.alias | None, ctx: FileContext) -> str | None:
    """LL206: the fix of ``from pydantic import BaseSettings`` (``alias``: the name moves
    to its own ``from pydantic_settings import ...``) or of ``from pydantic.env_settings
    import BaseSettings`` (``alias`` None: the statement's module changes); None for
    the other v1-only names, which need their call sites rewritten."""
    if alias is not None:
        return settings_import_safety(ctx) if base == "pydantic" and alias.name == "BaseSettings" else None
    if base == "pydantic.env_settings" and all(a.name == "BaseSettings" for a in node.names):
        return settings_import_safety(ctx)
    return None


def settings_attribute_fix(node: ast.Attribute, ctx: FileContext) -> str | None:
    """LL206: ``pydantic.BaseSettings`` -> ``BaseSettings`` imported from pydantic_settings,
    when nothing else in the module binds that name."""
    if node.attr != "BaseSettings" or not isinstance(node.ctx, ast.Load):
        return None
    if not name_free_for("BaseSettings", ctx, SETTINGS_CLASS):
        return None
    return settings_import_safety(ctx)


def settings_import_safety(ctx: FileContext) -> str:
    """Moving `BaseSettings` to pydantic-settings: safe, unless a `Field(env=...)` in the
    module needs rewriting too, or a `class Config` maps fields to variables (`fields =
    {"url": {"env": "DATABASE_URL"}}`) or reads them its own way (`parse_env_var`,
    `customise_sources`, `prepare_field`): pydantic-settings ignores them all, and a setting
    would silently stop reading its variable."""
    return ctx.memo("pydantic_fixes.settings_env", lambda: _settings_safety(ctx))


# what a v1 settings `Config` may define that pydantic-settings ignores, or reads otherwise
# (`alias_generator`: v1 never named a variable by an alias, pydantic-settings does)
_IGNORED_SETTINGS_CONFIG = frozenset({
    "fields", "parse_env_var", "customise_sources", "prepare_field", "alias_generator",
})


def _settings_safety(ctx: FileContext) -> str:
    if "env" not in ctx.source and "Config" not in ctx.source and "alias" not in ctx.source:
        return FIX_UNSAFE if _subclassed_reading_settings(ctx) else FIX_SAFE
    if "_env_file" in ctx.source and any(
        isinstance(node, ast.Call) and any(k.arg == "_env_file" for k in node.keywords) for node in ast.walk(ctx.tree)
    ):
        return FIX_UNSAFE  # (`Settings(_env_file=".env")`: a dotenv file read as a Config's `env_file` is)
    classes = {stmt.name: stmt for stmt in ctx.tree.body if isinstance(stmt, ast.ClassDef)}
    for node in ast.walk(ctx.tree):
        # (`env=`, ignored by pydantic-settings; `alias=`, which v1 never read a variable by)
        if isinstance(node, ast.Call) and any(k.arg in ("env", "alias") for k in node.keywords):
            if resolve_function(node.func, ctx, _FIELD_NAME) in FIELD_NAMES:
                return FIX_UNSAFE
        elif isinstance(node, ast.ClassDef) and any(
            _config_ignored_by_settings(config, classes) for config in _config_classes(node, classes)
        ):
            return FIX_UNSAFE
    return FIX_UNSAFE if _subclassed_reading_settings(ctx) else FIX_SAFE


def _subclassed_reading_settings(ctx: FileContext) -> bool:
    """Does a class of the project derive from one of the module's classes (or from a class
    deriving from one) and read its settings in a way pydantic-settings reads otherwise
    (``Field(env=...)``, a ``Config`` with ``fields`` or ``env_file``), or is one of them
    called with ``_env_file=`` (read as text)?"""
    if not ctx.module:
        return False
    classes = {f"{ctx.module}.{stmt.name}" for stmt in ctx.tree.body if isinstance(stmt, ast.ClassDef)}
    if not classes:
        return False
    readers = ctx.external("settings_readers", *file_scan_spec(ctx))
    if readers is None:
        return True  # (past the limit of files read: presumed so)
    return any(derives_from_any(ref, classes, ctx) for ref in readers)


@provider("settings_readers")
def project_settings_readers(*spec: str) -> list[str] | None:
    """The classes (projecttext's references) of the folders of ``spec`` whose subclasses read
    their settings as pydantic-settings does not, or that are called with ``_env_file=``;
    None past the limit of files read."""
    found = text_of(spec)
    return None if found is None else sorted(found.settings_readers)


def _config_classes(cls: ast.ClassDef, classes: dict[str, ast.ClassDef]) -> list[ast.ClassDef]:
    """A class's ``Config``: its inner ``class Config``, or the module's class it names
    (``Config = EnvConfig``)."""
    found = []
    for stmt in cls.body:
        if isinstance(stmt, ast.ClassDef) and stmt.name == "Config":
            found.append(stmt)
        elif isinstance(stmt, ast.Assign) and "Config" in statement_bindings(stmt) and isinstance(stmt.value, ast.Name):
            if stmt.value.id in classes:
                found.append(classes[stmt.value.id])
    return found


def _reads_dotenv_strictly(config: ast.ClassDef) -> bool:
    """Does a ``Config`` name an ``env_file`` without ``extra = "ignore"``? v1 read only the
    fields' variables from it; pydantic-settings validates every entry, so an entry that is
    no field fails at startup (``extra`` forbids, its default) or becomes an attribute."""
    bound = [(statement_bindings(stmt), stmt) for stmt in config.body]
    if not any("env_file" in names for names, _ in bound):
        return False
    return not any(
        "extra" in names and isinstance(stmt, ast.Assign) and (
            (isinstance(stmt.value, ast.Constant) and stmt.value.value == "ignore")
            or (isinstance(stmt.value, ast.Attribute) and stmt.value.attr == "ignore")
        )
        for names, stmt in bound
    )


def _config_ignored_by_settings(config: ast.ClassDef, classes: dict[str, ast.ClassDef], depth: int = 0) -> bool:
    """Does a ``Config`` (or a class of the module it derives from, ``class
    Config(EnvConfig)``) define what pydantic-settings ignores (``fields``, ``parse_env_var``)?"""
    if any(statement_bindings(stmt) & _IGNORED_SETTINGS_CONFIG for stmt in config.body):
        return True
    if _reads_dotenv_strictly(config):
        return True
    return any(
        # (a base the module does not define, imported or `x.Y`, may define anything)
        not (isinstance(base, ast.Name) and base.id in classes) or depth >= 8
        or (classes[base.id] is not config and _config_ignored_by_settings(classes[base.id], classes, depth + 1))
        for base in config.bases
    )

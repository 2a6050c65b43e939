"""The LL302/LL303/LL304 fix decisions, shared by the rules (which mark findings fixable,
on the ``ast``) and their fixers (which spell the rewrite the same way).

Both rewrites need SQLAlchemy 2.0 (``mapped_column``, ``DeclarativeBase``): no
fix when the project's dependency files let it run SQLAlchemy 1.x (``<2.0``, or
a range such as ``>=1.4`` that a library supporting both declares; a lock file
decides when it lists SQLAlchemy: :func:`layerlint.facts.dependencies.may_run_below`). Both name the new API through
:func:`layerlint.facts.names.plan_reference`: an existing import (``from
sqlalchemy.orm import mapped_column``, ``from sqlalchemy import orm`` ->
``orm.mapped_column``), else a new ``from sqlalchemy.orm import ...`` when the
name is free in the module. Neither fix is offered for a name imported from a project
module that re-exports SQLAlchemy's (``from app.compat import Column``).

**LL302** (``Column(...)`` -> ``mapped_column(...)``, same arguments). Verified
against SQLAlchemy 2.0.0 and 2.1: ``mapped_column`` builds the same ``Column``
from the same arguments (its extra keywords are ORM-only, unknown keywords go to
``Column``), and the resulting object works where the ``Column`` was used in the
class body (``Index(...)``, ``remote_side=[id]``, ``column_property(a + b)``,
``polymorphic_on``). What differs, and when the fix is withheld:

- without a ``Mapped[...]`` annotation, ``mapped_column`` refuses a column with
  neither a type nor a ``ForeignKey`` (``Column()`` is a ``NullType`` column):
  the fix needs a type or foreign key it can see;
- with a ``Mapped[X]`` annotation, ``mapped_column`` reads nullability from it
  (``Column`` ignores it: nullable unless a primary key), takes the type from it
  when none is given, and merges ``mapped_column()`` arguments of an
  ``Annotated`` alias. The fix needs an explicit type (or foreign key), an
  explicit ``nullable=`` or an annotation whose ``Optional``-ness gives the same
  nullability, and an ``X`` made of builtins, standard-library types, ``typing``
  constructs other than ``Annotated`` and classes of the module (an imported
  name may be an ``Annotated`` alias). Under a ``MappedAsDataclass`` base an
  annotated ``mapped_column`` also becomes a required ``__init__`` argument: the
  fix is safe when every base of the class is known in the module and none is a
  dataclass mapping, unsafe otherwise (and on a mixin, which other modules' models
  may inherit);
- any other annotation (``x: int = Column(...)``): no fix;
- ``MappedColumn`` lacks ``Column`` attributes (``.type``, ``.key``, ``.table``)
  and is no ``Column`` instance: no fix when the class body reads such an
  attribute of the column, or hands the column to a call that is not
  SQLAlchemy's (a helper such as ``generic_relationship(kind, key)`` may need
  the ``Column``; SQLAlchemy's constructs, a column's operator methods and the
  builtin containers take a ``MappedColumn``).

**LL303** (``name = mapped_column(...)`` -> ``name: Mapped[X] = ...``): ``X`` is the
Python type of the column type given, ``| None`` where ``Column``'s rule makes the
column nullable (``mapped_column`` with an annotation takes nullability from it),
so the table stays the same; see the rule's "Fix safety".

**LL304** (``Base = declarative_base(...)`` -> ``class Base(DeclarativeBase)``):
a module-level ``Name = declarative_base(...)`` statement alone on its lines,
called with no arguments or only ``metadata=`` / ``type_annotation_map=``
(become class attributes) and ``name=`` equal to the target name. Never with
``cls=`` (``declarative_base`` puts its constructor *above* the mixin's
``__init__``; a base class would not), ``metaclass=``, ``mapper=``,
``class_registry=``, ``constructor=``, ``**kwargs`` or positional arguments,
with a comment the class has no place for (beside a keyword's ``=``, a ``# type:``
comment after the statement), or when
the module uses ``DeclarativeMeta`` elsewhere than as this statement's
annotation. Always unsafe: every model's
metaclass changes (``DeclarativeMeta`` -> ``DeclarativeAttributeIntercept``),
so code that tests ``isinstance(cls, DeclarativeMeta)`` stops recognising the
models, and mapping goes through ``__init_subclass__`` (a model overriding it
without ``super()`` leaves its subclasses unmapped).
"""

from __future__ import annotations

import ast
import builtins
import dataclasses
import io
import re
import tokenize
from functools import cached_property
from typing import Callable

from layerlint.context import FileContext
from layerlint.diagnostics import FIX_SAFE, FIX_UNSAFE
from layerlint.facts import dependencies as deps
from layerlint.facts.fallbacks import catches_import_error
from layerlint.facts.project_classes import project_class_bases, statement_bindings
from layerlint.facts.names import ModuleFixFacts, NameIndex, Reference, plan_reference, reads_name_from
from layerlint.facts.sqlalchemy import (
    DeclarativeClass, class_body_statements, keyword, provided_names, sa_name, sa_qualified, table_key_columns,
    unquoted,
)
from layerlint.facts.sqlalchemy_gates import SQLALCHEMY_2_NAMES, calls_removed_forms, sqlalchemy_version_gates
from layerlint.facts.typing import ANNOTATED_NAMES, OPTIONAL_NAMES, UNION_NAMES
from layerlint.walk import nodes_of, plan_for, push_children, statements

SA_ORM = "sqlalchemy.orm"
COLUMN_NAMES = frozenset({
    "sqlalchemy.Column", "sqlalchemy.schema.Column", "sqlalchemy.sql.schema.Column", "sqlalchemy.sql.Column",
    "sqlalchemy.sql.expression.Column", "sqlmodel.Column",
})
DECLARATIVE_BASE_FUNCS = frozenset({
    "sqlalchemy.orm.declarative_base", "sqlalchemy.ext.declarative.declarative_base",
    "sqlalchemy.orm.decl_api.declarative_base",
})
# `from sqlalchemy.ext import declarative` (for `declarative.declarative_base()`)
DECLARATIVE_MODULES = frozenset({"sqlalchemy.ext.declarative"})
DECLARATIVE_META = frozenset({
    "sqlalchemy.orm.DeclarativeMeta", "sqlalchemy.ext.declarative.DeclarativeMeta",
    "sqlalchemy.orm.decl_api.DeclarativeMeta",
})
# schema items a Column takes positionally besides its type
SCHEMA_ITEMS = frozenset({
    "ForeignKey", "Sequence", "Identity", "Computed", "CheckConstraint", "UniqueConstraint",
    "PrimaryKeyConstraint", "ForeignKeyConstraint", "FetchedValue", "DefaultClause", "ColumnDefault",
    "DefaultGenerator", "Index",
})
# attributes a MappedColumn has, like a Column (SQL operators): reading others needs the Column
OPERATOR_ATTRIBUTES = frozenset({
    "desc", "asc", "label", "in_", "not_in", "notin_", "like", "ilike", "notlike", "notilike", "is_", "is_not",
    "isnot", "contains", "startswith", "endswith", "collate", "nulls_first", "nulls_last", "nullsfirst",
    "nullslast", "between", "op", "bool_op", "any_", "all_", "distinct", "concat", "match", "regexp_match",
    "regexp_replace", "icontains", "istartswith", "iendswith", "is_distinct_from", "is_not_distinct_from",
    "operate", "reverse_operate", "name", "foreign_keys",
})
DECLARATIVE_BASE_KEYWORDS = frozenset({"metadata", "type_annotation_map", "name"})
_STDLIB_TYPE_MODULES = frozenset({
    "datetime", "decimal", "uuid", "typing", "typing_extensions", "enum", "ipaddress", "pathlib", "collections",
    "collections.abc", "fractions", "builtins",
})
_BUILTIN_NAMES = frozenset(dir(builtins))


class SqlaFixFacts(ModuleFixFacts):
    """Per-module facts of the LL302/LL304 fixes."""

    @cached_property
    def sqlalchemy_1_allowed(self) -> bool:
        """May the module run on SQLAlchemy 1.x: the dependency files allow it, or the module
        keeps an older SQLAlchemy working itself (``try: from sqlalchemy.orm import
        declarative_base`` / ``except ImportError:`` the 1.3 spelling, or an ``if`` on the
        version), or needs one (``select([users])``, ``MetaData(bind=engine)``)?"""
        return self._supports_old_sqlalchemy or calls_removed_forms(self.tree) or bool(
            self.external("allows_below", str(deps.start_folder(self.path, self.root)), "sqlalchemy", 2)
        )

    @cached_property
    def _supports_old_sqlalchemy(self) -> bool:
        """An ``except ImportError:`` handler that imports from SQLAlchemy (the 1.3 spelling),
        or that guards an import from SQLAlchemy (``try: from sqlalchemy.ext.asyncio import
        async_sessionmaker`` / ``except ImportError: async_sessionmaker = None``: a placeholder
        for a SQLAlchemy without the name); or an ``if`` on the SQLAlchemy version
        (facts/sqlalchemy_gates.py)."""
        if sqlalchemy_version_gates(self.tree):
            return True
        for stmt in statements(self.tree.body):
            handlers = [h for h in getattr(stmt, "handlers", ()) if catches_import_error(h)]
            if handlers and (
                any(_imports_sqlalchemy(node) for handler in handlers for node in statements(handler.body))
                or any(_imports_sqlalchemy(node) for node in statements(stmt.body))  # type: ignore[attr-defined]
            ):
                return True
        return False

    @cached_property
    def sqlalchemy_undeclared(self) -> bool:
        """Is the project's SQLAlchemy a version it does not choose: its dependency files list
        its dependencies but not SQLAlchemy (it comes through another package), or there are
        none at all (a copied folder, a wheel) and the module uses nothing that only
        SQLAlchemy 2 has (``Mapped``, ``mapped_column``, ``DeclarativeBase`` ...)?"""
        start = str(deps.start_folder(self.path, self.root))
        if self.external("undeclared", start, "sqlalchemy"):
            return True
        return not self._uses_sqlalchemy_2 and bool(self.external("declares_nothing", start))

    @cached_property
    def _uses_sqlalchemy_2(self) -> bool:
        """Does the module import (or read from an imported SQLAlchemy module) a name that
        only SQLAlchemy 2 has? Code that would fail on 1.x says which SQLAlchemy it runs."""
        return reads_name_from(
            self.tree, nodes_of(self.tree, ast.Import, ast.ImportFrom),
            lambda module: module.partition(".")[0] in ("sqlalchemy", "sqlmodel"), SQLALCHEMY_2_NAMES,
        )

    def reference(self, api: str, line: int) -> Reference | None:
        """How to write ``sqlalchemy.orm.<api>`` at ``line``; None when no name is safe
        or the project may run SQLAlchemy 1.x."""
        if self.sqlalchemy_1_allowed:
            return None
        qualified = frozenset({f"{SA_ORM}.{api}"})
        modules = frozenset({SA_ORM})
        reference = plan_reference(
            self._index_for(api, qualified | modules), qualified, line,
            new_import=(SA_ORM, api), new_names=(api,), modules=modules, attr=api,
        )
        if reference is not None and reference.add_import is not None and not self._sqlalchemy_imported_at_top:
            return None  # SQLAlchemy may be an optional dependency here: no new top-level import of it
        return reference

    @cached_property
    def _sqlalchemy_imported_at_top(self) -> bool:
        """Does the module import from SQLAlchemy directly in its body (not in a function, nor
        under a ``try``), where a new import of it fails nowhere the old ones did not?"""
        for stmt in self.tree.body:
            if isinstance(stmt, ast.ImportFrom) and not stmt.level and (stmt.module or "").partition(".")[0] == "sqlalchemy":
                return True
            if isinstance(stmt, ast.Import) and any(a.name.partition(".")[0] == "sqlalchemy" for a in stmt.names):
                return True
        return False

    def _index_for(self, api: str, qualified: frozenset[str]) -> NameIndex:
        """The part of the name index that :func:`plan_reference` reads for ``api``: the
        names bound (anywhere) to one of ``qualified``, and ``api`` itself, each with all
        its bindings (the same answer, without scanning every binding of the module for
        each finding of a large models file)."""
        found = self._indexes.get(api)
        if found is None:
            index = self.index
            found = self._indexes[api] = NameIndex(
                {
                    name: bindings
                    for name, bindings in index.bindings.items()
                    if name == api or any(b.qualified in qualified for b in bindings)
                },
                index.loads,
                index.star_import,
            )
        return found

    @cached_property
    def _indexes(self) -> dict[str, NameIndex]:
        return {}


def sqla_fix_facts(ctx: FileContext) -> SqlaFixFacts:
    return ctx.memo(
        "sqlalchemy.fix_facts", lambda: SqlaFixFacts(ctx.tree, ctx.path, ctx.settings.root, ctx.external)
    )


# ---------------------------------------------------------------------------
# LL302

def column_fix(
    info: DeclarativeClass, stmt: ast.stmt, annotation: ast.AST | None, call: ast.Call, ctx: FileContext
) -> str | None:
    """FIX_SAFE/FIX_UNSAFE/None for ``Column(...)`` assigned by ``stmt`` in a declarative class."""
    cls = info.node
    if _through_project_module(call.func, ctx):
        return None
    if isinstance(stmt, ast.Assign):
        if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
            return None
        target = stmt.targets[0].id
    elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
        target = stmt.target.id
    else:
        return None
    if _column_only_uses(cls, ctx).get(target, 0) > (stmt.end_lineno or stmt.lineno):
        return None  # the class body needs the Column itself (a use above reads an older binding: `uuid.uuid4`)
    typed, has_foreign_key = _visible_type(call, ctx)
    safety = FIX_SAFE
    if annotation is None:
        if not (typed or has_foreign_key):
            return None  # mapped_column() needs a type, a foreign key or an annotation
    else:
        inner = _mapped_inner(annotation, ctx)
        if inner is None or not (typed or has_foreign_key) or has_star_args(call):
            return None
        optional = _is_optional(inner, ctx)
        if optional is None or not _plain_type(inner, ctx, depth=0):
            return None
        nullable = keyword(call, "nullable")
        if nullable is not None:
            if isinstance(nullable.value, ast.Constant) and nullable.value.value is None:
                return None
        else:
            primary = keyword(call, "primary_key")
            if primary is None:
                is_primary = False
            elif isinstance(primary.value, ast.Constant) and isinstance(primary.value.value, bool):
                is_primary = primary.value.value
            else:
                return None
            # Column: nullable = not (primary_key or an Identity()); mapped_column: = optional
            if optional == (is_primary or _has_identity(call, ctx)) or _unknown_schema_item(call, ctx):
                return None
        if (
            info.kind == "mixin"  # mixed into classes of other modules too
            or "MappedAsDataclass" in ctx.source
            or "mapped_as_dataclass" in ctx.source
            or provided_names(cls, ctx) is None
        ):
            safety = FIX_UNSAFE  # a dataclass mapping may make it an __init__ argument
    facts = sqla_fix_facts(ctx)
    if facts.reference("mapped_column", call.lineno) is None:
        return None
    if facts.sqlalchemy_undeclared:
        safety = FIX_UNSAFE  # SQLAlchemy comes through another package: maybe a 1.4
    return safety


def _through_project_module(func: ast.expr, ctx: FileContext) -> bool:
    """Is the callee imported from a project module that re-exports SQLAlchemy's name
    (``from app.compat import Column``)? No fix then: such a module is often the shim that
    keeps SQLAlchemy optional, which a new import from the package would bypass (and the
    fixer reads only the module's own imports)."""
    while isinstance(func, ast.Attribute):
        func = func.value
    target = ctx.imports.get(func.id) if isinstance(func, ast.Name) else None
    return target is not None and ctx.is_first_party(target)


def has_star_args(call: ast.Call) -> bool:
    return any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords)


def _visible_type(call: ast.Call, ctx: FileContext) -> tuple[bool, bool]:
    """(a type is given, a ForeignKey is given) among a Column's arguments."""
    typed = keyword(call, "type_") is not None
    foreign_key = False
    args = list(call.args)
    if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
        args = args[1:]  # the column name
    classes = _module_classes(ctx)
    for arg in args:
        if isinstance(arg, ast.Starred):
            continue
        target = arg.func if isinstance(arg, ast.Call) else arg
        name = sa_name(target, ctx)
        if name == "ForeignKey":
            foreign_key = True
        elif name is not None:
            typed = typed or name not in SCHEMA_ITEMS
        elif isinstance(arg, ast.Call):
            typed = True  # a call of a project's type (`GUID()`): strings and schema items are not built so
        elif isinstance(arg, ast.Name) and (arg.id in classes or arg.id in _module_types(ctx)):
            typed = True  # a TypeDecorator of the module, or `MutableJSON = MutableDict.as_mutable(JSON)`
        elif isinstance(arg, (ast.Name, ast.Attribute)) and _project_type_class(arg, ctx):
            typed = True  # `Column(types.Json)`: a TypeDecorator of another project module, uncalled
    return typed, foreign_key


def _project_type_class(node: ast.Name | ast.Attribute, ctx: FileContext) -> bool:
    """Is ``node`` a class statement of another project module (read there, re-exports
    followed) whose bases outside the project are SQLAlchemy's, none a schema item: a type?"""
    qualified = ctx.resolve(node)
    outside = project_class_bases(qualified, ctx) if qualified is not None else None
    return bool(outside) and all(
        base.partition(".")[0] == "sqlalchemy" and base.rpartition(".")[2] not in SCHEMA_ITEMS for base in outside
    )


def _module_types(ctx: FileContext) -> frozenset[str]:
    """Module-level names bound once, to a SQLAlchemy type expression: ``String(128).with_variant(...)``,
    ``MutableDict.as_mutable(JSON)`` (the root of the call chain is a SQLAlchemy name, not a schema item)."""

    def scan() -> frozenset[str]:
        index = sqla_fix_facts(ctx).index
        out: set[str] = set()
        for stmt in ctx.tree.body:
            if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
                continue
            name = stmt.targets[0].id
            if len(index.bindings.get(name, ())) != 1 or not isinstance(stmt.value, ast.Call):
                continue
            root: ast.AST = stmt.value
            while isinstance(root, (ast.Call, ast.Attribute, ast.Subscript)):
                root = root.func if isinstance(root, ast.Call) else root.value
            qualified = sa_qualified(root, ctx)
            if qualified is not None and qualified.rpartition(".")[2] not in SCHEMA_ITEMS:
                out.add(name)
        return frozenset(out)

    return ctx.memo("sqlalchemy.fix_module_types", scan)


def _module_classes(ctx: FileContext) -> frozenset[str]:
    return ctx.memo(
        "sqlalchemy.fix_module_classes",
        lambda: frozenset(s.name for s in ctx.tree.body if isinstance(s, ast.ClassDef)),
    )


def _column_only_uses(cls: ast.ClassDef, ctx: FileContext) -> dict[str, int]:
    """Names of the class body used where only a ``Column`` will do, with the last line of
    such a use: read as ``name.attr`` with an attribute a MappedColumn lacks, or handed to a
    call that is not SQLAlchemy's (``generic_relationship(kind, key)``: a helper may read
    ``.key`` or test ``isinstance(col, Column)``; SQLAlchemy's own constructs take a
    MappedColumn)."""

    def scan() -> dict[str, int]:
        out: dict[str, int] = {}
        attributes = _assigned_names(cls)
        # entering only what may hold an attribute, a call or a nested scope (never a Load...)
        stack: list[ast.AST] = list(cls.body)
        while stack:
            node = stack.pop()
            node_type = type(node)
            if node_type in _NESTED_SCOPES:
                stack.extend(_evaluated_now(node))
                continue  # their bodies do not see class-level names
            if (
                node_type is ast.Attribute
                and isinstance(node.value, ast.Name)  # type: ignore[attr-defined]
                and node.attr not in OPERATOR_ATTRIBUTES  # type: ignore[attr-defined]
            ):
                _note_use(out, node.value)  # type: ignore[attr-defined]
            elif node_type is ast.Call:
                assert isinstance(node, ast.Call)
                if not _takes_mapped_column(node.func, attributes, ctx):
                    _handed_names(node, ctx, out)
            push_children(node, _USES_PLAN, stack)
        return out

    return ctx.memo(("sqlalchemy.column_only_uses", id(cls)), scan)


def _note_use(out: dict[str, int], name: ast.Name) -> None:
    out[name.id] = max(out.get(name.id, 0), name.lineno)


_NESTED_SCOPES = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef})
_USES_PLAN = plan_for((ast.Attribute, ast.Call, *_NESTED_SCOPES))
# builtins that only hold what they are given (`__mapper_args__ = dict(polymorphic_on=kind)`)
_CONTAINER_BUILTINS = frozenset({"dict", "list", "tuple", "set", "frozenset"})


def _takes_mapped_column(func: ast.AST, attributes: frozenset[str], ctx: FileContext) -> bool:
    """Does the callee accept a MappedColumn where a Column was: a SQLAlchemy construct
    (``Index``, ``relationship``, ``func.lower``, ``select(...).where``), an operator method
    of an attribute of the class (``code.concat``, ``code.op("||")``) or a builtin container?"""
    root, first_attribute = func, None
    while isinstance(root, (ast.Attribute, ast.Call, ast.Subscript)):
        if isinstance(root, ast.Attribute):
            first_attribute = root.attr
        root = root.func if isinstance(root, ast.Call) else root.value
    qualified = sa_qualified(root, ctx)
    if qualified is not None:
        # (not composite(): of a dataclass, it gives a mapped_column without `nullable=` the
        # nullability of the dataclass's field, where a Column keeps its own)
        return qualified.rpartition(".")[2] != "composite"
    if isinstance(root, ast.Name) and root.id in attributes and first_attribute in OPERATOR_ATTRIBUTES:
        return True
    return root is func and _container_builtin(func, ctx)


def _assigned_names(cls: ast.ClassDef) -> frozenset[str]:
    """Names the class body assigns (its columns among them)."""
    return frozenset(
        target.id
        for stmt in class_body_statements(cls)
        if isinstance(stmt, (ast.Assign, ast.AnnAssign))
        for target in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target])
        if isinstance(target, ast.Name)
    )


def _container_builtin(func: ast.AST, ctx: FileContext) -> bool:
    return (
        isinstance(func, ast.Name)
        and func.id in _CONTAINER_BUILTINS
        and func.id not in sqla_fix_facts(ctx).index.bindings  # (nor rebound, nor imported)
    )


def _handed_names(call: ast.Call, ctx: FileContext, out: dict[str, int]) -> None:
    """Add the names ``call`` receives as they are: an argument, or an element of a list,
    tuple, set or dict (literal or builtin call) given as one."""
    stack: list[ast.AST] = [*call.args, *(k.value for k in call.keywords)]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            _note_use(out, node)
        elif isinstance(node, ast.Starred):
            stack.append(node.value)
        elif isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            stack.extend(node.elts)
        elif isinstance(node, ast.Dict):
            stack.extend(k for k in node.keys if k is not None)
            stack.extend(node.values)
        elif isinstance(node, ast.Call) and _container_builtin(node.func, ctx):
            stack.extend(node.args)
            stack.extend(k.value for k in node.keywords)


def _evaluated_now(node: ast.AST) -> list[ast.AST]:
    """The parts of a nested def/class/lambda evaluated in the enclosing class body."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        args = node.args
        parts: list[ast.AST] = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
        if not isinstance(node, ast.Lambda):
            parts.extend(node.decorator_list)
        return parts
    if isinstance(node, ast.ClassDef):
        return [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]
    return []


def _mapped_inner(annotation: ast.AST, ctx: FileContext) -> ast.AST | None:
    """``X`` of a ``Mapped[X]`` annotation (SQLAlchemy's ``Mapped``), else None."""
    node = unquoted(annotation)
    if not isinstance(node, ast.Subscript):
        return None
    if sa_qualified(node.value, ctx) not in (f"{SA_ORM}.Mapped", "sqlalchemy.orm.base.Mapped"):
        return None
    inner = node.slice
    return None if isinstance(inner, ast.Tuple) else unquoted(inner)


def _is_optional(node: ast.AST, ctx: FileContext) -> bool | None:
    """Does the type include None (as SQLAlchemy's ``includes_none`` reads it)? None: unsure."""
    if isinstance(node, ast.Constant) and node.value is None:
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left, right = _is_optional(node.left, ctx), _is_optional(node.right, ctx)
        if left is None or right is None:
            return None
        return left or right
    if isinstance(node, ast.Subscript):
        qualified = ctx.resolve(node.value)
        if qualified in OPTIONAL_NAMES:
            return True
        if qualified in UNION_NAMES:
            members = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            found = [_is_optional(m, ctx) for m in members]
            return None if None in found else any(found)
    return False


def _plain_type(node: ast.AST, ctx: FileContext, depth: int) -> bool:
    """Builtins, standard-library names, ``typing`` constructs (not ``Annotated``) and
    module classes only: nothing that may be an ``Annotated[..., mapped_column()]`` alias."""
    if depth > 8:
        return False
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):
            parsed = unquoted(node)
            return parsed is not None and not isinstance(parsed, ast.Constant) and _plain_type(parsed, ctx, depth + 1)
        return node.value is None or node.value is Ellipsis
    if isinstance(node, ast.Name):
        if node.id in ctx.imports:
            return _stdlib_name(ctx.resolve(node))
        if node.id in _module_classes(ctx):
            return True
        return node.id in _BUILTIN_NAMES and node.id not in sqla_fix_facts(ctx).index.bindings
    if isinstance(node, ast.Attribute):
        return _stdlib_name(ctx.resolve(node))
    if isinstance(node, ast.Subscript):
        members = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        return _plain_type(node.value, ctx, depth + 1) and all(_plain_type(m, ctx, depth + 1) for m in members)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _plain_type(node.left, ctx, depth + 1) and _plain_type(node.right, ctx, depth + 1)
    if isinstance(node, (ast.List, ast.Tuple)):
        return all(_plain_type(e, ctx, depth + 1) for e in node.elts)
    return False


def _stdlib_name(qualified: str | None) -> bool:
    if not qualified or qualified in ANNOTATED_NAMES:
        return False
    module = qualified.rpartition(".")[0] or qualified
    return module in _STDLIB_TYPE_MODULES or qualified in _STDLIB_TYPE_MODULES


# ---------------------------------------------------------------------------
# LL304

def declarative_base_fix(stmt: ast.Assign | ast.AnnAssign, call: ast.Call, ctx: FileContext) -> str | None:
    """FIX_UNSAFE or None for ``Name = declarative_base(...)``."""
    if not any(s is stmt for s in ctx.tree.body):
        return None  # only at module level (a class body inside a function scopes names differently)
    if _through_project_module(call.func, ctx):
        return None
    if isinstance(stmt, ast.Assign):
        if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
            return None
        target = stmt.targets[0].id
    elif isinstance(stmt.target, ast.Name) and stmt.simple:
        target = stmt.target.id
    else:
        return None
    if call.args:
        return None
    for kw in call.keywords:
        if kw.arg not in DECLARATIVE_BASE_KEYWORDS:
            return None  # cls=, metaclass=, mapper=, class_registry=, constructor=, **kwargs
        if kw.arg == "name" and not (isinstance(kw.value, ast.Constant) and kw.value.value == target):
            return None  # the class would get another __name__
    if not _alone_on_its_lines(stmt, ctx) or _misplaced_comment(stmt, ctx) or _type_comment_after(stmt, ctx):
        return None
    if _uses_declarative_meta(ctx) or _generic_before(target, ctx):
        return None
    if sqla_fix_facts(ctx).reference("DeclarativeBase", stmt.lineno) is None:
        return None
    return FIX_UNSAFE


def _generic_before(base: str, ctx: FileContext) -> bool:
    """Does a class of the module list ``Generic[...]`` (or a name bound to it) before the
    base, a name bound to it or a class of the module deriving from it (``class
    Page(Generic[T], Base)``)? With ``Base`` a ``DeclarativeBase`` subclass, which derives
    from ``Generic`` itself, no consistent method resolution order exists: the class fails
    at import."""
    if "Generic" not in ctx.source:
        return False
    classes = nodes_of(ctx.tree, ast.ClassDef)
    # the base, the names the module's top level binds to it (`Model = Base`) and its classes
    # deriving from it
    kin = _names_reaching(
        {base},
        [
            *(
                (stmt.targets[0].id, stmt.value) for stmt in ctx.tree.body
                if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Name)
                and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
            ),
            *((node.name, b) for node in classes for b in node.bases),
        ],
        lambda value, names: isinstance(value, ast.Name) and value.id in names,
    )
    # the names the module binds, anywhere, to Generic, Generic[...] or another such name
    # (`Paged = Generic[T]`, `Paged: TypeAlias = ...`, `G = Generic`, `Paged, n = Generic[T], 1`)
    generic = _names_reaching(set(), _assignment_pairs(ctx.tree), lambda value, names: _is_generic(value, names, ctx))
    for node in classes:
        names = [b.id if isinstance(b, ast.Name) else None for b in node.bases]
        first = next((i for i, name in enumerate(names) if name in kin), None)
        if first is not None and any(_is_generic(b, generic, ctx) for b in node.bases[:first]):
            return True
    return False


def _names_reaching(
    names: set[str], pairs: list[tuple[str, ast.expr]], reaches: Callable[[ast.expr, set[str]], bool]
) -> set[str]:
    """``names``, and each name of ``pairs`` (name, value) whose value ``reaches`` them, in
    turn, until none is added."""
    names = set(names)
    changed = True
    while changed:
        changed = False
        for name, value in pairs:
            if name not in names and reaches(value, names):
                names.add(name)
                changed = True
    return names


def _assignment_pairs(tree: ast.Module) -> list[tuple[str, ast.expr]]:
    """(name, value) of each assignment (annotated too) anywhere in the module, a tuple of
    names from a tuple of values pairwise."""
    pairs = []
    for node in nodes_of(tree, ast.Assign, ast.AnnAssign):
        value = node.value
        for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
            if isinstance(target, ast.Name) and value is not None:
                pairs.append((target.id, value))
            elif isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts):
                pairs.extend((t.id, v) for t, v in zip(target.elts, value.elts) if isinstance(t, ast.Name))
    return pairs


def _is_generic(node: ast.expr, generic: set[str], ctx: FileContext) -> bool:
    """``Generic`` or ``Generic[...]``, however imported, or a name of ``generic`` (subscripted or not)."""
    head = node.value if isinstance(node, ast.Subscript) else node
    return (isinstance(head, ast.Name) and head.id in generic) or ctx.resolve(head) in _GENERIC


_GENERIC = frozenset({"typing.Generic", "typing_extensions.Generic"})


def _alone_on_its_lines(stmt: ast.stmt, ctx: FileContext) -> bool:
    lines = ctx.lines
    if stmt.end_lineno is None or stmt.end_col_offset is None or stmt.end_lineno > len(lines):
        return False
    before = lines[stmt.lineno - 1].encode("utf-8")[: stmt.col_offset]
    after = lines[stmt.end_lineno - 1].encode("utf-8")[stmt.end_col_offset:].strip()
    return not before.strip() and (not after or after.startswith(b"#"))


_TYPE_COMMENT_RE = re.compile(r"#\s*type:(?!\s*ignore\b)")


def _type_comment_after(stmt: ast.stmt, ctx: FileContext) -> bool:
    """``Base = declarative_base()  # type: Any``: a type comment types the assignment; on the
    ``class`` line it would be a syntax error for parsers that read type comments (mypy's,
    ``ast.parse(type_comments=True)``), and dropping it could leave its import unused."""
    end_line = stmt.end_lineno or stmt.lineno
    rest = ctx.lines[end_line - 1].encode()[stmt.end_col_offset or 0:].decode(errors="replace")
    return bool(_TYPE_COMMENT_RE.search(rest))


def _misplaced_comment(stmt: ast.stmt, ctx: FileContext) -> bool:
    """A comment the class cannot keep: before the call's parentheses (in an annotation
    that goes) or beside a keyword's ``=``. Comments after ``(``, between arguments,
    before ``)`` and inside values all have a place in the class."""
    segment = ctx.source_segment(stmt)
    if segment is None:
        return True
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(segment).readline)
                  if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                                    tokenize.ENDMARKER)]
    except (tokenize.TokenError, SyntaxError):
        return True
    depth = 0
    assigned = opened = False
    for index, token in enumerate(tokens):
        if token.type == tokenize.COMMENT:
            if not opened:
                return True
            if depth == 1:
                before = next((t for t in reversed(tokens[:index]) if t.type != tokenize.COMMENT), None)
                after = next((t for t in tokens[index + 1:] if t.type != tokenize.COMMENT), None)
                if (before is not None and before.string == "=") or (after is not None and after.string == "="):
                    return True
            continue
        if token.type != tokenize.OP:
            continue
        if token.string in "([{":
            if depth == 0 and assigned and token.string == "(":
                opened = True
            depth += 1
        elif token.string in ")]}":
            depth -= 1
        elif token.string == "=" and depth == 0:
            assigned = True
    return False


def _uses_declarative_meta(ctx: FileContext) -> bool:
    """Does the module use ``DeclarativeMeta`` other than in imports and as the annotation
    of a module-level ``Base: DeclarativeMeta = declarative_base()`` (which the fix drops)?"""
    if "DeclarativeMeta" not in ctx.source:
        return False
    return ctx.memo("sqlalchemy.uses_declarative_meta", lambda: _find_declarative_meta(ctx))


def _find_declarative_meta(ctx: FileContext) -> bool:
    skip: set[int] = set()
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.value, ast.Call):
            if sa_name(stmt.value.func, ctx) == "declarative_base":
                skip.update(id(n) for n in ast.walk(stmt.annotation))
    for node in ast.walk(ctx.tree):
        if id(node) in skip:
            continue
        if isinstance(node, (ast.Name, ast.Attribute)) and ctx.resolve(node) in DECLARATIVE_META:
            return True
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "DeclarativeMeta" in node.value:
            return True  # a string annotation or a name in __all__
    return False


def _imports_sqlalchemy(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.ImportFrom) and not node.level and (node.module or "").partition(".")[0] == "sqlalchemy"
        or isinstance(node, ast.Import) and any(a.name.partition(".")[0] == "sqlalchemy" for a in node.names)
    )


# ---------------------------------------------------------------------------
# LL303

# the Python type of a SQLAlchemy column type, for the types whose Python type is fixed
_BUILTIN_TYPES: dict[str, str] = {
    **dict.fromkeys(("Integer", "SmallInteger", "BigInteger", "INTEGER", "INT", "SMALLINT", "BIGINT"), "int"),
    **dict.fromkeys(
        ("String", "Text", "Unicode", "UnicodeText", "VARCHAR", "NVARCHAR", "CHAR", "NCHAR", "TEXT", "CLOB"), "str"
    ),
    **dict.fromkeys(("Boolean", "BOOLEAN"), "bool"),
    **dict.fromkeys(("LargeBinary", "BLOB", "BINARY", "VARBINARY", "BYTEA"), "bytes"),
}
_STDLIB_TYPES: dict[str, tuple[str, str]] = {
    **dict.fromkeys(("DateTime", "DATETIME", "TIMESTAMP"), ("datetime", "datetime")),
    **dict.fromkeys(("Date", "DATE"), ("datetime", "date")),
    **dict.fromkeys(("Time", "TIME"), ("datetime", "time")),
    **dict.fromkeys(("Interval", "INTERVAL"), ("datetime", "timedelta")),
}
_FLOAT_TYPES = frozenset({"Float", "FLOAT", "REAL", "Double", "DOUBLE", "DOUBLE_PRECISION"})  # asdecimal=False
_DECIMAL_TYPES = frozenset({"Numeric", "NUMERIC", "DECIMAL"})  # asdecimal=True
_UUID_TYPES = frozenset({"Uuid", "UUID"})  # as_uuid=True
# where those names mean the generic types (a dialect may differ: Oracle's DATE holds a datetime)
_GENERIC_TYPE_MODULES = frozenset({
    "sqlalchemy", "sqlalchemy.types", "sqlalchemy.sql.sqltypes", "sqlalchemy.dialects.postgresql",
})


@dataclasses.dataclass(frozen=True)
class MappedAnnotation:
    """The ``Mapped[...]`` annotation LL303's fix writes, the imports it needs first, and
    whether it rests on a guess (an imported name taken for an enum class)."""

    text: str
    imports: tuple[tuple[str, str, str | None], ...]
    guessed: bool = False


def mapped_annotation_fix(info: DeclarativeClass, stmt: ast.stmt, call: ast.Call, ctx: FileContext) -> str | None:
    """FIX_SAFE/FIX_UNSAFE/None for annotating ``name = mapped_column(...)`` in a declarative class."""
    plan = mapped_annotation(stmt, call, info.node, ctx)
    if plan is None:
        return None
    if (
        plan.guessed
        or info.kind == "mixin"  # mixed into classes of other modules too
        or info.node.decorator_list
        or "MappedAsDataclass" in ctx.source
        or "mapped_as_dataclass" in ctx.source
        or provided_names(info.node, ctx) is None
        or sqla_fix_facts(ctx).sqlalchemy_undeclared
    ):
        return FIX_UNSAFE  # under a dataclass mapping the attribute would become an __init__ argument
    return FIX_SAFE


def mapped_annotation(stmt: ast.stmt, call: ast.Call, cls: ast.ClassDef, ctx: FileContext) -> MappedAnnotation | None:
    """The annotation that gives ``name = mapped_column(...)`` the column it has now: its
    type's Python type, ``| None`` where the column is nullable; None when either is unknown."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
        return None
    if has_star_args(call):
        return None
    nullable = _nullable(call, ctx)
    if nullable and keyword(call, "nullable") is None and _in_primary_key(stmt.targets[0].id, call, cls, ctx):
        nullable = False  # (`PrimaryKeyConstraint("user_id", "group_id")` makes it NOT NULL)
    python_type = _python_type(call, ctx)
    if nullable is None or python_type is None:
        return None
    type_text, type_import, guessed = python_type
    facts = sqla_fix_facts(ctx)
    mapped = facts.reference("Mapped", call.lineno)
    if mapped is None:
        return None
    imports = [mapped.add_import] if mapped.add_import else []
    if type_import is not None:
        reference = _name_reference(facts, *type_import, call.lineno)
        if reference is None:
            return None
        type_text = reference.expr
        if reference.add_import:
            imports.append(reference.add_import)
    elif type_text in _BUILTIN_NAMES and type_text in facts.index.bindings:
        return None  # the module rebinds `int`/`str`/...
    roots = {mapped.expr.partition(".")[0], type_text.partition(".")[0]}
    if nullable and ctx.settings.target_version < (3, 10):
        # the annotation is evaluated when the class is mapped: `X | None` fails there before 3.10
        optional = _name_reference(facts, "typing", "Optional", call.lineno)
        if optional is None:
            return None
        if optional.add_import:
            imports.append(optional.add_import)
        roots.add(optional.expr.partition(".")[0])
        type_text = f"{optional.expr}[{type_text}]"
    elif nullable:
        type_text += " | None"
    if roots & _class_bound_names(cls):
        return None  # the class body would shadow the name the annotation needs
    return MappedAnnotation(f"{mapped.expr}[{type_text}]", tuple(imports), guessed)


def _name_reference(facts: SqlaFixFacts, module: str, name: str, line: int) -> Reference | None:
    """How to write ``<module>.<name>`` at ``line`` (imported if need be); None when no name is safe."""
    return plan_reference(
        facts.index, frozenset({f"{module}.{name}"}), line,
        new_import=(module, name), new_names=(name,), modules=frozenset({module}), attr=name,
    )


def _nullable(call: ast.Call, ctx: FileContext) -> bool | None:
    """Is the column nullable (``Column``'s rule: unless a primary key, or given an
    ``Identity()``); None when unknown."""
    nullable = keyword(call, "nullable")
    if nullable is not None:
        return _literal_bool(nullable.value)
    if _has_identity(call, ctx):
        return False
    if _unknown_schema_item(call, ctx):
        return None  # (a helper's `ident()` may build an Identity())
    primary = keyword(call, "primary_key")
    if primary is None:
        return True
    is_primary = _literal_bool(primary.value)
    return None if is_primary is None else not is_primary


def _in_primary_key(attribute: str, call: ast.Call, cls: ast.ClassDef, ctx: FileContext) -> bool:
    """Is the column named in its class's ``__table_args__`` primary key? A constraint names
    columns by their table names: the column's own (``Column("user", ...)``, ``name=``),
    else the attribute's."""
    keyed = table_key_columns(cls, ctx, primary_only=True)
    if not keyed:
        return False
    named = keyword(call, "name")
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        column = call.args[0].value
    elif named is not None:
        if not (isinstance(named.value, ast.Constant) and isinstance(named.value.value, str)):
            return False  # (a name computed: which column it is is not known)
        column = named.value.value
    else:
        column = attribute
    return column in keyed


def _has_identity(call: ast.Call, ctx: FileContext) -> bool:
    """Is an ``Identity()`` among the column's arguments (which makes it NOT NULL unless
    ``nullable=`` says otherwise, as a primary key is)?"""
    return any(isinstance(arg, ast.Call) and sa_name(arg.func, ctx) == "Identity" for arg in call.args)


def _unknown_schema_item(call: ast.Call, ctx: FileContext) -> bool:
    """Is an argument after the column's type (the first positional, past a name) something
    other than SQLAlchemy's (``Column(Integer, ident())``, ``Column(Integer, IDENTITY)``)? It
    may be an ``Identity()`` made elsewhere: the column's nullability is not known."""
    args = list(call.args)
    if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
        args = args[1:]
    for arg in args[1:]:
        target = arg.func if isinstance(arg, ast.Call) else arg
        if not isinstance(target, (ast.Name, ast.Attribute)) or sa_name(target, ctx) is None:
            return True
    return False


def _literal_bool(node: ast.AST) -> bool | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, bool) else None


def _python_type(call: ast.Call, ctx: FileContext) -> tuple[str, tuple[str, str] | None, bool] | None:
    """(type text, the (module, name) it needs, guessed) of the column type given to
    ``mapped_column``; None when there is none or its Python type is not fixed."""
    given = keyword(call, "type_")
    if given is not None:
        type_expr: ast.AST | None = given.value
    else:
        args = list(call.args)
        if args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
            args = args[1:]  # the column name
        type_expr = args[0] if args else None
    if type_expr is None:
        return None
    type_call = type_expr if isinstance(type_expr, ast.Call) else None
    qualified = sa_qualified(type_call.func if type_call else type_expr, ctx)
    if qualified is None:
        return None
    module, _, name = qualified.rpartition(".")
    if module not in _GENERIC_TYPE_MODULES:
        return None
    if name in _BUILTIN_TYPES:
        return _BUILTIN_TYPES[name], None, False
    if name in _STDLIB_TYPES:
        return "", _STDLIB_TYPES[name], False
    if name in _FLOAT_TYPES or name in _DECIMAL_TYPES:
        as_decimal = _call_flag(type_call, "asdecimal", default=name in _DECIMAL_TYPES)
        if as_decimal is None:
            return None
        return ("", ("decimal", "Decimal"), False) if as_decimal else ("float", None, False)
    if name in _UUID_TYPES:
        as_uuid = _call_flag(type_call, "as_uuid", default=True)
        if as_uuid is None:
            return None
        return ("", ("uuid", "UUID"), False) if as_uuid else ("str", None, False)
    if name == "Enum" and type_call is not None:
        return _enum_type(type_call, ctx)
    return None


def _call_flag(call: ast.Call | None, name: str, default: bool) -> bool | None:
    if call is None:
        return default
    found = keyword(call, name)
    if found is None:
        return None if has_star_args(call) else default
    return _literal_bool(found.value)


def _enum_type(call: ast.Call, ctx: FileContext) -> tuple[str, None, bool] | None:
    """``Enum("a", "b")`` holds a ``str``; ``Enum(Status)`` a ``Status``: a class of the module,
    or (guessed) a name imported at the top; anything else is unknown."""
    if not call.args or has_star_args(call):
        return None
    if all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in call.args):
        return "str", None, False
    if len(call.args) != 1:
        return None
    arg = call.args[0]
    if isinstance(arg, ast.Name):
        bindings = sqla_fix_facts(ctx).index.bindings.get(arg.id, ())
        if arg.id in _module_classes(ctx) and len(bindings) == 1:
            return arg.id, None, False
        if bindings and all(b.top_level and b.qualified for b in bindings):
            return arg.id, None, True  # imported: most likely an enum class, but it cannot be seen here
    return None


def _class_bound_names(cls: ast.ClassDef) -> frozenset[str]:
    """Every name the class body binds (an annotation evaluated there would see it)."""
    return frozenset(name for stmt in class_body_statements(cls) for name in statement_bindings(stmt))

"""SQLAlchemy facts: names resolved to SQLAlchemy/SQLModel APIs, declarative classes.

Names are resolved through the import table, so ``import sqlalchemy as sa;
sa.Column``, ``from sqlalchemy.orm import relationship as rel`` and
``sqlalchemy.orm.relationship`` are all recognised (also through a project module
that re-exports them: ``FileContext.resolve_reexported``), and a ``Column`` or
``relationship`` that does not come from ``sqlalchemy``/``sqlmodel`` never is.

A *declarative class* of a module is one of:

- a *base*: a subclass of ``DeclarativeBase``/``DeclarativeBaseNoMeta``, a class
  decorated ``@as_declarative()``, a class declared ``metaclass=DeclarativeMeta`` (the
  classic spelling of what ``declarative_base()`` builds), or the ``cls=`` of
  ``declarative_base(cls=X)``;
- a *model*: a class with ``__tablename__`` (or ``__table__``) whatever its base
  (so a ``Base`` imported from another module counts), a subclass of a base or
  model of the module, of a ``declarative_base()``/``registry().generate_base()``
  result bound in the module, or a class decorated ``@<registry>.mapped``; or,
  when it maps an attribute, a subclass of such a base imported from another
  project module (read there: facts/project_classes.py, as dispatch's
  ``Base = declarative_base(cls=CustomBase)`` with a ``declared_attr`` table name);
  ``__abstract__ = True`` makes it *abstract*;
- a *mixin*: a plain class of the module that a base, model or abstract class
  of the module inherits from (its mapped attributes become the model's);
- a SQLModel *table*: ``class X(SQLModel, table=True)`` (any class with the
  ``table=True`` keyword in a module that imports ``sqlmodel``).

A base or class name is looked up as Python does: a class inside a function
reads the innermost enclosing function that binds the name (a parameter, an
assignment, an import...), else the module. So a ``Base = declarative_base()``
local to one function means nothing in another, where ``Base`` may be a
parameter (a pytest fixture's) and so an unknown class.

Alembic migrations hold no models: nothing in a migration is declarative.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass
from typing import Iterable

from layerlint.context import FUNCTION_TYPES, SCOPE_TYPES, FileContext
from layerlint.external import provider
from layerlint.facts.fallbacks import bound_in_import_fallback
from layerlint.facts.names import own_bindings
from layerlint.facts.union_inspection import text_of
from layerlint.facts.project_classes import (
    DECLARATIVE_BASE_CLASSES,
    DECLARATIVE_FACTORY_BASE,
    declarative_outside,
    function_returns_call_of,
    inherited_attributes,
    outside_bases,
    returned_callee,
    statement_bindings,
)
from layerlint.parse import parse_quietly
from layerlint.walk import nodes_of, statements

SA_PACKAGES = ("sqlalchemy", "sqlmodel")
# the metaclass of a classic declarative base, `class Base(metaclass=DeclarativeMeta)`
DECLARATIVE_METACLASS = "DeclarativeMeta"
RELATIONSHIP_FUNCS = frozenset({"relationship", "relation"})
# the last names of relationship()/relation() and of SQLModel's Relationship()
RELATIONSHIP_NAMES = RELATIONSHIP_FUNCS | {"Relationship"}
# `Mapped` and the classes SQLAlchemy accepts in its place (its subclasses among them:
# `MappedColumn[UUID]` on a primary key maps as `Mapped[UUID]` does)
MAPPED_ANNOTATIONS = frozenset({
    "Mapped", "WriteOnlyMapped", "DynamicMapped", "MappedColumn", "Relationship", "MappedSQLExpression",
    "Composite", "Synonym", "InstrumentedAttribute",
})
# base classes that are known to bring no columns of their own
_KNOWN_EMPTY_PACKAGES = frozenset({"sqlalchemy", "sqlmodel", "typing", "typing_extensions", "abc", "builtins"})
# bases that never map a class: a class with ``__tablename__`` and only such bases is a mixin
_NEVER_MAPPING_PACKAGES = frozenset({"typing", "typing_extensions", "abc", "builtins"})
_MODEL_MARKERS = frozenset({"__tablename__", "__table__"})


def _never_maps_elsewhere(qualified: str, ctx: FileContext) -> bool:
    """Is a class of another project module, read there with its bases, a plain class that
    maps nothing: no table name or declarative base in its chain, nothing outside the project
    but ``typing``/``abc`` classes, no decorator or metaclass that may add to it?"""
    found = inherited_attributes(qualified, ctx)
    return found is not None and not found[2] and all(
        outside.partition(".")[0] in _NEVER_MAPPING_PACKAGES for outside in found[1]
    )


def uses_sqlalchemy(ctx: FileContext) -> bool:
    """Cheap gate: the file mentions SQLAlchemy or SQLModel, or declares ``__tablename__`` (a
    model taking every name from a project module: keystone's ``sql.Column``), and is no
    migration code (a revision, or a module of the Alembic script folder: frozen models, data
    helpers). Names are still resolved through imports."""
    return ctx.memo_of(_uses_sqlalchemy)


def _uses_sqlalchemy(ctx: FileContext) -> bool:
    return ("sqlalchemy" in ctx.source or "sqlmodel" in ctx.source or "__tablename__" in ctx.source) and not ctx.in_migration_scripts


def sa_qualified(node: ast.AST, ctx: FileContext) -> str | None:
    """Fully qualified name of ``node`` when it resolves into sqlalchemy/sqlmodel (also
    through a project module that re-exports it)."""
    name = ctx.resolve_reexported(node)
    if name is None or name.partition(".")[0] not in SA_PACKAGES:
        return None
    return name


def sa_name(node: ast.AST, ctx: FileContext) -> str | None:
    """Last component of a name resolving into sqlalchemy/sqlmodel (``sa.orm.relationship`` -> ``relationship``)."""
    name = sa_qualified(node, ctx)
    return name.rpartition(".")[2] if name else None


def sa_spellings(ctx: FileContext, names: Iterable[str]) -> set[str]:
    """Every word that can name a SQLAlchemy/SQLModel object whose last name is in ``names``
    (for ``Rule.needles``): the names themselves (``relationship``, also ``sa.orm.relationship``)
    and each local name an import anywhere in the file binds to one (``from sqlalchemy.orm
    import relationship as rel``, also inside a function), as :func:`sa_name` resolves them."""
    wanted = frozenset(names)
    if not ctx.may_rename(wanted):
        return set(wanted)
    return set(wanted) | ctx.imported_names(
        lambda target: target.rpartition(".")[2] in wanted and target.partition(".")[0] in SA_PACKAGES
    )


def sa_call(node: ast.AST, ctx: FileContext, names: frozenset[str] | set[str]) -> str | None:
    """``node`` is a call of a SQLAlchemy/SQLModel callable named in ``names``: that name."""
    if isinstance(node, ast.Call):
        name = sa_name(node.func, ctx)
        if name in names:
            return name
    return None


def is_column_call(node: ast.AST, ctx: FileContext) -> bool:
    """``Column(...)``, unless it calls the old version's fallback for ``mapped_column``."""
    return sa_call(node, ctx, {"Column"}) is not None and not bound_in_import_fallback(node.func, ctx)  # type: ignore[attr-defined]


def is_mapped_column_call(node: ast.AST, ctx: FileContext) -> bool:
    return sa_call(node, ctx, {"mapped_column"}) is not None


def is_relationship_call(node: ast.AST, ctx: FileContext) -> bool:
    """``relationship(...)`` (or the old alias ``relation``) from SQLAlchemy."""
    return sa_call(node, ctx, RELATIONSHIP_FUNCS) is not None


def is_sqlmodel_relationship_call(node: ast.AST, ctx: FileContext) -> bool:
    if not isinstance(node, ast.Call):
        return False
    name = sa_qualified(node.func, ctx)
    return bool(name) and name.startswith("sqlmodel.") and name.endswith(".Relationship")


def is_sqlmodel_field_call(node: ast.AST, ctx: FileContext) -> bool:
    if not isinstance(node, ast.Call):
        return False
    name = sa_qualified(node.func, ctx)
    return bool(name) and name.startswith("sqlmodel.") and name.endswith(".Field")


def keyword(call: ast.Call, name: str) -> ast.keyword | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw
    return None


def has_star_kwargs(call: ast.Call) -> bool:
    """``f(**options)``: any keyword may be hidden in it."""
    return any(kw.arg is None for kw in call.keywords)


def literal_mapping(node: ast.AST, ctx: FileContext) -> dict[str, ast.AST] | None:
    """The string keys of ``{"lazy": "joined"}`` or ``dict(lazy="joined")`` and their values;
    None when the keys cannot all be known (``**options``, a variable, a computed key)."""
    out: dict[str, ast.AST] = {}
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                return None
            out[key.value] = value
        return out
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "dict"
        and "dict" not in ctx.imports
        and not node.args
    ):
        for kw in node.keywords:
            if kw.arg is None:
                return None
            out[kw.arg] = kw
        return out
    return None


def unquoted(node: ast.AST) -> ast.AST | None:
    """A string annotation's expression (``"Mapped[User]"``), None when it does not parse;
    any other node as it is."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            return parse_quietly(node.value.strip(), mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
    return node


def is_mapped_annotation(annotation: ast.AST | None) -> bool:
    """``Mapped[...]`` (also ``WriteOnlyMapped``/``DynamicMapped``, a subclass of ``Mapped`` such as
    ``MappedColumn``, quoted, or ``sa.orm.Mapped``).

    Matched by spelling on purpose: a finding is raised when this is *false*, so
    leniency here can only silence the rule.
    """
    node = annotation
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = parse_quietly(node.value.strip(), mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return "Mapped" in node.value
    if isinstance(node, ast.Subscript):
        node = node.value
    last = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)
    return last in MAPPED_ANNOTATIONS


# ---------------------------------------------------------------------------
# declarative classes

@dataclass(frozen=True)
class DeclarativeClass:
    node: ast.ClassDef
    kind: str  # "base", "model", "abstract", "mixin" or "table" (a SQLModel table)

    @property
    def is_sqlmodel(self) -> bool:
        return self.kind == "table"

    @property
    def is_concrete_model(self) -> bool:
        return self.kind in ("model", "table")


# blocks of a class body whose statements still bind class attributes
_CLASS_BODY_BLOCKS: tuple[type, ...] = (ast.If, ast.Try)
if hasattr(ast, "TryStar"):
    _CLASS_BODY_BLOCKS += (ast.TryStar,)


def class_body_statements(cls: ast.ClassDef) -> list[ast.stmt]:
    """The statements of a class body, those under its ``if``/``try`` blocks included
    (``if FLAG: text = Column(...)`` binds a class attribute too), not those of its
    methods or nested classes."""
    return list(statements(cls.body, descend=lambda stmt: isinstance(stmt, _CLASS_BODY_BLOCKS)))


def _body_names(cls: ast.ClassDef, *, methods: bool = True) -> set[str]:
    """Names bound in a class body: assignments, annotations, methods (``@declared_attr``).

    With ``methods=False``: only names given a value (the ``__tablename__ = "x"`` of a model).
    """
    names: set[str] = set()
    for stmt in class_body_statements(cls):
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    names.add(target.id)
                elif isinstance(target, ast.Tuple):
                    names.update(e.id for e in target.elts if isinstance(e, ast.Name))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            # ``__tablename__: str`` alone (a Protocol, a dataclass) declares, it does not map
            if methods or stmt.value is not None:
                names.add(stmt.target.id)
        elif methods and isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(stmt.name)
    return names


def _is_abstract(cls: ast.ClassDef) -> bool:
    for stmt in cls.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant) and stmt.value.value is True:
            if any(isinstance(t, ast.Name) and t.id == "__abstract__" for t in stmt.targets):
                return True
        if (
            isinstance(stmt, ast.AnnAssign)
            and isinstance(stmt.target, ast.Name)
            and stmt.target.id == "__abstract__"
            and isinstance(stmt.value, ast.Constant)
            and stmt.value.value is True
        ):
            return True
    return False


def base_expr(node: ast.AST) -> ast.AST:
    """``Base`` of ``Base[T]`` (a generic base)."""
    return node.value if isinstance(node, ast.Subscript) else node


# what the callee of an assignment _Analysis._scan_assign records spells
_BASE_FACTORY_WORDS = ("registry", "declarative_base", "generate_base")
# class attribute values that map a column or a relationship
_MAPPED_ATTRIBUTE_CALLS = frozenset({"Column", "mapped_column", "relationship", "relation", "column_property"})


# A name is a binding of one scope: (id of the function or class body binding it, 0 for the
# module; the name). A ``Base = declarative_base()`` inside a function is that function's
# alone: the same name in another function (a parameter ``Base``) is another binding.
_Key = tuple[int, str]
_SCOPE_STATEMENTS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class _Analysis:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.registries: set[_Key] = set()  # names bound to ``registry()``
        self.generated_bases: set[_Key] = set()  # names bound to ``declarative_base()``/``generate_base()``
        # generated base -> its ``cls=`` and the scope that reads it
        self.generated_base_cls: dict[_Key, tuple[ast.AST | None, ast.AST | None]] = {}
        self.base_cls_names: set[_Key] = set()  # classes given as ``declarative_base(cls=X)``
        self.classes: dict[int, DeclarativeClass] = {}
        self.by_name: dict[_Key, list[ast.ClassDef]] = {}
        # id(statement) -> the function or class whose body holds it (None: the module), for
        # the classes, the assignments and the scopes around them
        self.scope_of: dict[int, ast.AST | None] = {}
        self._local_names: dict[int, frozenset[str]] = {}
        if ctx.in_migration_scripts:
            return
        class_nodes: list[ast.ClassDef] = []
        assigns: list[ast.Assign | ast.AnnAssign] = []
        # an assignment is recorded only when its callee spells one of these words (or an
        # identifier that is not ASCII normalizes to one): most files have none to read
        source = ctx.source
        scan_assigns = not source.isascii() or any(word in source for word in _BASE_FACTORY_WORDS)
        bodies: list[tuple[list[ast.stmt], ast.AST | None]] = [(ctx.tree.body, None)]
        while bodies:
            body, scope = bodies.pop()
            for node in statements(body, descend=lambda stmt: not isinstance(stmt, _SCOPE_STATEMENTS)):
                if isinstance(node, _SCOPE_STATEMENTS):
                    self.scope_of[id(node)] = scope
                    bodies.append((node.body, node))
                    if isinstance(node, ast.ClassDef):
                        class_nodes.append(node)
                        self.by_name.setdefault(self._own_key(node), []).append(node)
                elif scan_assigns and isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(
                    node.value, ast.Call
                ):
                    self.scope_of[id(node)] = scope
                    assigns.append(node)
        # in the order of the source, as one walk of every statement would meet them
        class_nodes.sort(key=_position)
        for candidates in self.by_name.values():
            candidates.sort(key=_position)
        for node in sorted(assigns, key=_position):
            self._scan_assign(node)
        self.sqlmodel_imported = any(q.partition(".")[0] == "sqlmodel" for q in ctx.imports.values())
        self._classify(class_nodes)

    # -- scopes --------------------------------------------------------------
    def _key(self, name: str, scope: ast.AST | None) -> _Key:
        """The binding that ``name`` read in ``scope``'s body means: the innermost enclosing
        function binding it (the scope itself first, even a class body), else the module."""
        innermost = True
        while scope is not None:
            if (innermost or not isinstance(scope, ast.ClassDef)) and name in self._names_bound_in(scope):
                return (id(scope), name)
            innermost = False  # a class body is no enclosing scope of what it holds
            scope = self.scope_of.get(id(scope))
        return (0, name)

    def _read_key(self, name: str, node: ast.stmt) -> _Key:
        """``name`` read in a class's bases and decorators, or in an assignment."""
        return self._key(name, self.scope_of.get(id(node)))

    def _own_key(self, cls: ast.ClassDef) -> _Key:
        """The binding a class statement makes."""
        scope = self.scope_of.get(id(cls))
        return (0 if scope is None else id(scope), cls.name)

    def _names_bound_in(self, scope: ast.AST) -> frozenset[str]:
        found = self._local_names.get(id(scope))
        if found is None:
            found = self._local_names[id(scope)] = own_bindings(scope)
        return found

    # -- bindings ------------------------------------------------------------
    def _scan_assign(self, node: ast.Assign | ast.AnnAssign) -> None:
        call = node.value
        assert isinstance(call, ast.Call)
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        scope = self.scope_of.get(id(node))
        keys = [(0 if scope is None else id(scope), t.id) for t in targets if isinstance(t, ast.Name)]
        if not keys:
            return
        called = sa_name(call.func, self.ctx)
        if called == "registry":
            self.registries.update(keys)
        elif called == "declarative_base" or self._is_generate_base(call, node):
            self.generated_bases.update(keys)
            cls_kw = keyword(call, "cls")
            for key in keys:
                self.generated_base_cls[key] = (cls_kw.value if cls_kw else None, scope)
            if cls_kw is not None and isinstance(cls_kw.value, ast.Name):
                self.base_cls_names.add(self._read_key(cls_kw.value.id, node))

    def _is_generate_base(self, call: ast.Call, node: ast.stmt) -> bool:
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr == "generate_base"):
            return False
        owner = func.value
        if isinstance(owner, ast.Name) and self._read_key(owner.id, node) in self.registries:
            return True
        return isinstance(owner, ast.Call) and sa_name(owner.func, self.ctx) == "registry"

    def _decorator_kind(self, cls: ast.ClassDef) -> str | None:
        for decorator in cls.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if sa_name(target, self.ctx) == "as_declarative":
                return "base"
            if isinstance(target, ast.Attribute) and target.attr in ("mapped", "mapped_as_dataclass"):
                owner = target.value
                if (isinstance(owner, ast.Name) and self._read_key(owner.id, cls) in self.registries) or (
                    isinstance(owner, ast.Call) and sa_name(owner.func, self.ctx) == "registry"
                ):
                    return "model"
        return None

    def _is_sqlmodel_table(self, cls: ast.ClassDef) -> bool:
        if not self.sqlmodel_imported:
            return False
        for kw in cls.keywords:
            if kw.arg == "table" and isinstance(kw.value, ast.Constant) and kw.value.value is True:
                return True
        return False

    def _classify(self, class_nodes: list[ast.ClassDef]) -> None:
        kinds: dict[_Key, str] = {}  # class binding -> kind, as found
        changed = True
        while changed:
            changed = False
            for cls in class_nodes:
                if id(cls) in self.classes:
                    continue
                kind = self._kind(cls, kinds)
                if kind is not None:
                    self.classes[id(cls)] = DeclarativeClass(cls, kind)
                    kinds[self._own_key(cls)] = kind
                    changed = True
        # mixins: plain classes of this module that a declarative class inherits from
        pending = [c.node for c in self.classes.values() if not c.is_sqlmodel]
        while pending:
            cls = pending.pop()
            for base in cls.bases:
                base = base_expr(base)
                if isinstance(base, ast.Name) and base.id not in self.ctx.imports:
                    for candidate in self.by_name.get(self._read_key(base.id, cls), ()):
                        if id(candidate) not in self.classes:
                            self.classes[id(candidate)] = DeclarativeClass(candidate, "mixin")
                            pending.append(candidate)

    def _kind(self, cls: ast.ClassDef, kinds: dict[_Key, str]) -> str | None:
        if self._is_sqlmodel_table(cls):
            return "table"
        # ``__tablename__ = "x"``; a ``@declared_attr def __tablename__`` belongs to a base or mixin
        has_marker = bool(_body_names(cls, methods=False) & _MODEL_MARKERS)
        model_kind = "abstract" if _is_abstract(cls) else "model"
        decorated = self._decorator_kind(cls)
        if decorated == "model":
            return model_kind
        direct_base = (
            decorated == "base" or self._own_key(cls) in self.base_cls_names or self._declarative_metaclass(cls)
        )
        inherits = False
        for base in cls.bases:
            base = base_expr(base)
            if sa_name(base, self.ctx) in DECLARATIVE_BASE_CLASSES:
                direct_base = True
            elif isinstance(base, ast.Name) and base.id not in self.ctx.imports:
                key = self._read_key(base.id, cls)
                if key in self.generated_bases or kinds.get(key, "mixin") != "mixin":
                    inherits = True
        if has_marker and not inherits and not direct_base and self._never_mapped_bases(cls, kinds):
            # ``class UserTable(Generic[ID]): __tablename__ = "user"``: a library's mixin, mapped
            # only through the model that also inherits a declarative base
            return "mixin"
        if has_marker or inherits:
            return model_kind
        if direct_base:
            return "abstract" if _is_abstract(cls) else "base"
        if self._imported_declarative_base(cls):
            return model_kind
        return None

    def _declarative_metaclass(self, cls: ast.ClassDef) -> bool:
        """Is ``cls`` declared ``metaclass=DeclarativeMeta`` (SQLAlchemy's)?"""
        return any(
            kw.arg == "metaclass" and sa_name(kw.value, self.ctx) == DECLARATIVE_METACLASS for kw in cls.keywords
        )

    def _imported_declarative_base(self, cls: ast.ClassDef) -> bool:
        """Is a base of ``cls``, imported from a project module, a declarative base there
        (``Base = declarative_base(cls=CustomBase)`` whose ``__tablename__`` is a
        ``declared_attr``, as dispatch's)? Read only for a class with a mapped attribute
        (with none, no rule has anything to say about it)."""
        if not any(
            isinstance(value, ast.Call) and sa_name(value.func, self.ctx) in _MAPPED_ATTRIBUTE_CALLS
            for _stmt, _annotation, value in class_attribute_values(cls)
        ):
            return False
        for base in cls.bases:
            qualified = self.ctx.resolve_reexported(base_expr(base))
            if qualified and self.ctx.is_first_party(qualified) and declarative_outside(
                outside_bases(qualified, self.ctx)
            ):
                return True
        return False

    def _never_mapped_bases(
        self, cls: ast.ClassDef, kinds: dict[_Key, str], seen: frozenset[int] = frozenset()
    ) -> bool:
        """Is every base of ``cls`` one that cannot make it mapped: none, ``object``, a
        ``typing``/``abc`` class (``Generic[ID]``, ``ABC``), a mixin of the module, or a plain
        class of the module or of another project module whose own bases are such (``class
        _Columns:`` holding columns)?"""
        if cls.keywords or id(cls) in seen:
            return False  # a metaclass= may map it
        for base in cls.bases:
            base = base_expr(base)
            qualified = self.ctx.resolve_reexported(base)
            if qualified is not None:
                if qualified.partition(".")[0] not in _NEVER_MAPPING_PACKAGES and not (
                    self.ctx.is_first_party(qualified) and _never_maps_elsewhere(qualified, self.ctx)
                ):
                    return False
            elif not (isinstance(base, ast.Name) and (
                base.id == "object"
                or kinds.get(self._read_key(base.id, cls)) == "mixin"
                or self._plain_local_class(self._read_key(base.id, cls), kinds, seen | {id(cls)})
            )):
                return False
        return True

    def _plain_local_class(self, key: _Key, kinds: dict[_Key, str], seen: frozenset[int]) -> bool:
        """Is the binding ``key`` only classes of the module that map nothing: no table name,
        no declarative base, and bases that cannot map it either?"""
        candidates = self.by_name.get(key)
        return bool(candidates) and key not in self.generated_bases and all(
            kinds.get(key) is None
            and not (_body_names(c, methods=False) & _MODEL_MARKERS)
            and self._never_mapped_bases(c, kinds, seen)
            for c in candidates
        )

    # -- inherited attributes ------------------------------------------------
    def provided_names(
        self, cls: ast.ClassDef, seen: frozenset[int] = frozenset(), imported: set[str] | None = None
    ) -> set[str] | None:
        """Names a class defines or inherits, or None when a base outside the module may add
        some. With ``imported``: the bases imported from other project modules (at the top
        level) are put there, qualified, and taken to add nothing."""
        if id(cls) in seen:
            return set()
        seen = seen | {id(cls)}
        names = _body_names(cls)
        for base in cls.bases:
            base = base_expr(base)
            inherited = self._base_names(base, self.scope_of.get(id(cls)), seen, imported)
            if inherited is None:
                return None
            names |= inherited
        if any(kw.arg == "metaclass" for kw in cls.keywords) and not self._declarative_metaclass(cls):
            return None  # another metaclass may add attributes (SQLAlchemy's adds no column)
        return names

    def _base_names(
        self, base: ast.AST, scope: ast.AST | None, seen: frozenset[int], imported: set[str] | None = None
    ) -> set[str] | None:
        """Names a base read in ``scope`` provides, or None when unknown."""
        qualified = self.ctx.resolve_reexported(base)
        if qualified is not None:
            if qualified.partition(".")[0] in _KNOWN_EMPTY_PACKAGES:
                return set()
            if imported is not None and self.ctx.is_first_party(qualified) and self._imported_at_top(base, scope):
                imported.add(qualified)
                return set()
            return None
        if isinstance(base, ast.Name):
            if base.id == "object":
                return set()
            key = self._key(base.id, scope)
            if key in self.generated_bases:
                cls_value, cls_scope = self.generated_base_cls[key]
                if cls_value is None:
                    return set()
                if id(cls_value) not in seen:
                    seen = seen | {id(cls_value)}
                    return self._base_names(base_expr(cls_value), cls_scope, seen, imported)
                # `Base = declarative_base(cls=Base)` (mindsdb): the `cls` is the class the
                # name held before, of the same name
            candidates = self.by_name.get(key)
            if candidates:
                out: set[str] = set()
                for candidate in candidates:
                    names = self.provided_names(candidate, seen, imported)
                    if names is None:
                        return None
                    out |= names
                return out
        return None

    def _imported_at_top(self, base: ast.AST, scope: ast.AST | None) -> bool:
        """Is ``base`` (``Base``, ``models.Base``) read in ``scope`` a name that only an import
        binds, at the module level (not a parameter of a function, nor a class of the module)?"""
        while isinstance(base, ast.Attribute):
            base = base.value
        if not isinstance(base, ast.Name):
            return False
        key = self._key(base.id, scope)
        return (
            key == (0, base.id)
            and base.id in self._names_bound_in(self.ctx.tree)  # (not only by a function's import)
            and base.id not in self.ctx.top_level_names  # (not assigned as well)
            and key not in self.by_name
            and key not in self.generated_bases
        )


def _position(node: ast.stmt) -> tuple[int, int]:
    return (node.lineno, node.col_offset)


def _analysis(ctx: FileContext) -> _Analysis:
    return ctx.memo("sqlalchemy.declarative", lambda: _Analysis(ctx))


def declarative_class(cls: ast.ClassDef, ctx: FileContext) -> DeclarativeClass | None:
    """What a class of this module is to SQLAlchemy, or None when it is not declarative."""
    return _analysis(ctx).classes.get(id(cls))


def declarative_classes(ctx: FileContext) -> list[DeclarativeClass]:
    return list(_analysis(ctx).classes.values())


def provided_names(cls: ast.ClassDef, ctx: FileContext) -> set[str] | None:
    """Attribute names a class defines or inherits within this module; None when a base
    imported from elsewhere (a first-party ``Base``, a mixin) may provide more."""
    return _analysis(ctx).provided_names(cls)


def provided_names_and_imports(cls: ast.ClassDef, ctx: FileContext) -> tuple[set[str], set[str]] | None:
    """:func:`provided_names`, but the bases imported from other project modules (``from
    app.models.base import Base``) are not read: (the names from this module, those bases,
    qualified). None when another base may provide more (a library's, a parameter)."""
    imported: set[str] = set()
    names = _analysis(ctx).provided_names(cls, imported=imported)
    return None if names is None else (names, imported)


# classes outside the project that give a model no column, as the bases of a project class
# may end in (DECLARATIVE_FACTORY_BASE also stands for what ``declarative_base()``,
# ``@as_declarative()`` and ``metaclass=DeclarativeMeta`` make)
_COLUMNLESS_BASES = frozenset({
    DECLARATIVE_FACTORY_BASE,
    *(f"{module}.{name}" for module in ("sqlalchemy.orm", "sqlalchemy.orm.decl_api")
      for name in ("DeclarativeBase", "DeclarativeBaseNoMeta", "MappedAsDataclass")),
    "sqlalchemy.ext.asyncio.AsyncAttrs", "sqlalchemy.ext.asyncio.session.AsyncAttrs",
    "typing.Generic", "typing_extensions.Generic", "abc.ABC",
})
_SQLMODEL_BASES = frozenset({"sqlmodel.SQLModel", "sqlmodel.main.SQLModel"})


def project_bases_names(bases: Iterable[str], ctx: FileContext, *, sqlmodel: bool) -> set[str] | None:
    """The names classes of other project modules (qualified) give a model deriving from
    them, read there (facts/project_classes.py), through their project bases. None when one
    cannot be read whole, derives from a class outside the project that may add columns (any
    but SQLAlchemy's declarative bases, ``AsyncAttrs``, ``Generic``, ``ABC``; SQLModel's
    ``SQLModel`` for a ``sqlmodel`` table), or has a model among them (its subclass inherits
    its columns: the finding, if any, is on it)."""
    columnless = _COLUMNLESS_BASES | _SQLMODEL_BASES if sqlmodel else _COLUMNLESS_BASES
    names: set[str] = set()
    for qualified in bases:
        found = inherited_attributes(qualified, ctx)
        if found is None or found[2] or not found[1] <= columnless:
            return None
        names |= found[0]
    return names


def class_attribute_values(cls: ast.ClassDef) -> list[tuple[ast.stmt, ast.AST | None, ast.AST]]:
    """(statement, annotation, value) of each ``name = value`` / ``name: ann = value`` in a
    class body (:func:`class_body_statements`)."""
    out: list[tuple[ast.stmt, ast.AST | None, ast.AST]] = []
    for stmt in class_body_statements(cls):
        if isinstance(stmt, ast.Assign):
            out.append((stmt, None, stmt.value))
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None and isinstance(stmt.target, ast.Name):
            out.append((stmt, stmt.annotation, stmt.value))
    return out


# ---------------------------------------------------------------------------
# timestamps

NOW_FUNCS = frozenset({
    "now", "current_timestamp", "localtimestamp", "utc_timestamp", "sysdate", "localtime",
    "clock_timestamp", "statement_timestamp", "transaction_timestamp", "getdate", "getutcdate",
})
DATETIME_NOW = frozenset({"datetime.datetime.now", "datetime.datetime.utcnow", "datetime.datetime.today"})


def sql_now(node: ast.AST, ctx: FileContext) -> str | None:
    """``func.now()``/``sa.func.current_timestamp()``: its spelling."""
    if not isinstance(node, ast.Call):
        return None
    name = sa_qualified(node.func, ctx)
    if not name:
        return None
    parts = name.split(".")
    if len(parts) >= 2 and parts[-2] in ("func", "functions") and parts[-1] in NOW_FUNCS:
        return f"func.{parts[-1]}()"
    return None


# datetime methods that return the same instant, adjusted (`now(tz=utc).replace(tzinfo=None)`)
_SAME_INSTANT_METHODS = frozenset({"replace", "astimezone"})


def _datetime_now(node: ast.AST, ctx: FileContext) -> str | None:
    """``datetime.now``/``datetime.utcnow`` (the callable) or a call of it, possibly
    adjusted (``datetime.now(timezone.utc).replace(tzinfo=None)``): its spelling."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _SAME_INSTANT_METHODS
        and isinstance(node.func.value, ast.Call)
    ):
        inner = _datetime_now(node.func.value, ctx)
        return f"{inner}.{node.func.attr}(...)" if inner else None
    target = node.func if isinstance(node, ast.Call) else node
    name = ctx.resolve(target)
    if name in DATETIME_NOW:
        spelled = "datetime." + name.rpartition(".")[2]
        return spelled + "(...)" if isinstance(node, ast.Call) else spelled
    return None


def _local_now_functions(ctx: FileContext) -> dict[str, str]:
    """Module functions that just return ``datetime.now(...)`` (:func:`returned_callee`, read
    leniently: of any parameters, not the callee's root, as in ``def utcnow(tz=UTC): return
    datetime.now(tz)``; SQLAlchemy calls a default of defaulted parameters with none): name ->
    what they return."""
    out: dict[str, str] = {}
    for stmt in ctx.tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            callee = returned_callee(stmt, lenient=True)
            call = next(
                (node for node in ast.walk(stmt) if isinstance(node, ast.Call) and node.func is callee), None
            ) if callee is not None else None
            spelled = _datetime_now(call, ctx) if call is not None else None
            if spelled:
                out[stmt.name] = spelled
    return out


def _value_bound_once(name: str, ctx: FileContext) -> ast.expr | None:
    """The value ``name`` holds where read during the walk: bound once by an assignment in the
    enclosing class's body, else (the class binding it nowhere) at the module's top level."""
    cls = ctx.enclosing_class()
    for body in ([cls.body] if cls is not None else []) + [ctx.tree.body]:
        binders = [
            stmt for stmt in statements(body, descend=lambda stmt: not isinstance(stmt, SCOPE_TYPES))
            if name in statement_bindings(stmt)
        ]
        if binders:
            stmt = binders[0]
            if len(binders) == 1 and isinstance(stmt, (ast.Assign, ast.AnnAssign)) and _binds_just(stmt, name):
                return stmt.value
            return None
    return None


def _binds_just(stmt: ast.Assign | ast.AnnAssign, name: str) -> bool:
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    return len(targets) == 1 and isinstance(targets[0], ast.Name) and targets[0].id == name


def client_timestamp_default(node: ast.AST, ctx: FileContext) -> str | None:
    """A client-side "now" default: ``func.now()``, ``datetime.now``/``utcnow`` (called or
    not), ``lambda: datetime.now(tz)``, ``partial(datetime.now, tz)``, or a function of the
    module, or of another project module, that just returns ``datetime.now(...)`` (also
    called in a lambda). Returns how it is spelled, for the message."""
    spelled = sql_now(node, ctx) or _datetime_now(node, ctx)
    if spelled:
        return spelled
    if isinstance(node, ast.Lambda):
        if not isinstance(node.body, ast.Call):
            return None
        inner = _datetime_now(node.body, ctx)
        if inner:
            return f"lambda: {inner}"
        returns = _now_function_returns(node.body.func, ctx)  # `lambda: utils.utcnow()`
        return f"{ast.unparse(node)} (returns {returns})" if returns else None
    if isinstance(node, ast.Call) and ctx.resolve(node.func) == "functools.partial" and node.args:
        inner = _datetime_now(node.args[0], ctx)
        return f"partial({inner}, ...)" if inner and not isinstance(node.args[0], ast.Call) else None
    returns = _now_function_returns(node, ctx)
    if returns:
        return f"{ast.unparse(node)} (returns {returns})"
    if not (isinstance(node, ast.Name) and node.id not in ctx.imports):
        return None
    # `NOW = func.now()`, or `__datetime_func__ = sa.func.now()` in the class body
    # (sqlalchemy-mixins), bound once there
    value = _value_bound_once(node.id, ctx)
    inner = client_timestamp_default(value, ctx) if value is not None and not isinstance(value, ast.Name) else None
    return f"{node.id} (= {inner})" if inner else None


def _now_function_returns(node: ast.AST, ctx: FileContext) -> str | None:
    """What a function of the module, or of another project module (read there: ``from
    app.utils import utc_now``), that just returns ``datetime.now(...)`` returns, as the
    message spells it; None for anything else."""
    if isinstance(node, ast.Name) and node.id not in ctx.imports:
        return ctx.memo("sqlalchemy.now_functions", lambda: _local_now_functions(ctx)).get(node.id)
    if isinstance(node, (ast.Name, ast.Attribute)):
        qualified = ctx.resolve(node)
        if qualified and ctx.is_first_party(qualified):
            callee = function_returns_call_of(qualified, ctx, lenient=True)
            if callee in DATETIME_NOW:
                return f"datetime.{callee.rpartition('.')[2]}(...)"
    return None


@provider("factory_configured")
def factory_configured_elsewhere(stem: str, name: str, *spec: str) -> bool:
    """Does a file of the folders of ``spec`` (union_inspection.scan_spec) import the session
    factory ``name`` of the module at ``stem`` (its path without ``.py``; a package's folder)
    and call ``.configure(...)`` on it with ``expire_on_commit=`` other than a literal True
    (read as text, projecttext.py; past its limit of files, presumed so)? Absolute imports
    match the module by the end of its path, as star imports do."""
    found = text_of(spec)
    if found is None:
        return True
    configured = found.configured_factories
    if f"p:{stem}:{name}" in configured:
        return True
    parts = stem.split(os.sep)
    return any(f"m:{'.'.join(parts[-size:])}:{name}" in configured for size in range(1, len(parts)))


def table_key_columns(cls: ast.ClassDef, ctx: FileContext, *, primary_only: bool = False) -> frozenset[str]:
    """The columns, by name, in the keys a class's ``__table_args__`` (an attribute, or a
    ``declared_attr`` method) declares: a
    ``PrimaryKeyConstraint`` or ``UniqueConstraint`` (strings, or the class's own attributes
    by name), an ``Index(..., unique=True)``; with ``primary_only``, the primary key's."""
    if "__table_args__" not in ctx.source:
        return frozenset()
    return ctx.memo(("sqlalchemy.table_keys", id(cls), primary_only), lambda: _table_keys(cls, ctx, primary_only))


def _table_keys(cls: ast.ClassDef, ctx: FileContext, primary_only: bool) -> frozenset[str]:
    found: set[str] = set()
    for stmt in cls.body:
        # (also `@declared_attr.directive def __table_args__(cls): return (...)`)
        if not (
            (isinstance(stmt, (ast.Assign, ast.AnnAssign)) and "__table_args__" in statement_bindings(stmt))
            or (isinstance(stmt, FUNCTION_TYPES) and stmt.name == "__table_args__")
        ):
            continue
        for call in nodes_of(stmt, ast.Call):
            kind = sa_name(call.func, ctx)  # type: ignore[attr-defined]
            unique_index = not primary_only and kind == "Index" and any(
                kw.arg == "unique" and isinstance(kw.value, ast.Constant) and kw.value.value is True
                for kw in call.keywords  # type: ignore[attr-defined]
            )
            keys = ("PrimaryKeyConstraint",) if primary_only else ("PrimaryKeyConstraint", "UniqueConstraint")
            if kind not in keys and not unique_index:
                continue
            columns = call.args[1:] if kind == "Index" else call.args  # type: ignore[attr-defined]
            for column in columns:
                if isinstance(column, ast.Constant) and isinstance(column.value, str):
                    found.add(column.value)
                elif isinstance(column, ast.Name):
                    found.add(column.id)
    return frozenset(found)


@provider("factory_configurers")
def factory_configurers(name: str, *spec: str) -> list[str]:
    """The modules of the folders of ``spec`` whose importers configure a session factory
    ``name`` from them (``m:<module>`` imported absolutely, ``p:<path without .py>``
    relatively): where a package re-exports the factory (``from app.db import SessionLocal``,
    ``app/db/__init__.py`` importing it from ``app.db.session``), the rule follows it there."""
    found = text_of(spec)
    if found is None:
        return []
    return sorted(entry.rpartition(":")[0] for entry in found.configured_factories if entry.endswith(f":{name}"))

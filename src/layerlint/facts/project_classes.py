"""Facts about the classes of other project modules, read (parsed, never run) from them.

A class imported from a schemas-layer module is presumed a (v2) Pydantic model
(facts/pydantic.py), and what it defines itself is unknown. Its module is read to
know better, following its bases, re-exports (``from .alert import Event``) and
star imports into other project modules, a few hops at most. A name the module binds
by nothing but a star import is taken from the one star import there from outside the
project (``from pydantic import *`` in a compat module: its ``BaseModel``), when no
star import from the project may bind it; with two from outside it is unknown.

- a project still on the ``pydantic.v1`` shim breaks the presumption: its models
  have no ``model_dump()``, so v2 advice (and a fix) on them is wrong;
- a class that defines ``json()`` or ``dict()`` itself (returning a dict, say) is
  no v1 call to rename;
- a class decorated ``@dataclass`` (a dataclasses-json record beside the models) is
  no model at all;
- a ``Base`` made by ``declarative_base()`` (or ``registry().generate_base()``, or
  decorated ``@as_declarative()``, or declared ``metaclass=DeclarativeMeta``) in its
  module is a declarative base, as a subclass of ``DeclarativeBase`` is: its
  subclasses are models even when their ``__tablename__`` comes from the base;
- the attributes a class annotates (``session: Session`` on a base controller,
  ``session: ClassVar[Session]`` on a model) are read with their types, through its
  project bases, and apart from them those its ``__init__`` sets from an annotated
  parameter (``self.session = session`` with ``session: AsyncSession``);
- a name bound to what a class factory of the module returns (``APIRouter =
  make_router_class(route)``, the factory annotated ``-> type[fastapi.APIRouter]`` or
  returning a class it defines) is a class with that class's bases;
- a function, or a method of a class, decorated ``@asynccontextmanager`` (or
  ``@contextmanager``) and annotated to yield a class (``-> AsyncIterator[AsyncSession]``),
  or a plain ``def`` annotated to return one (``-> AsyncSession``, its own context manager;
  an ``async def`` too, whose awaited call gives it), is read with that class, and a
  module-level ``engine = Engine()`` (or ``engine: Engine = ...``) with its class, to know
  what ``async with engine.core_session() as s`` binds, or ``s = new_session()`` / ``s =
  await self._session()`` (:func:`context_manager_yield`).
- what the methods of a class assign to ``self.<attr>`` (``self.router =
  APIRouter(...)`` in ``__init__``) is read with its bases and annotated attributes
  (:func:`class_attributes`).
- what a top-level function is annotated to return or yield (``-> AsyncIterator[
  httpx.AsyncClient]``): what it provides to ``Depends(f)`` (:func:`provided_class`).
- the names a class and its project bases give a subclass (a ``TimestampMixin``'s
  ``created_at``), when each class of the chain shows them all: no decorator but
  SQLAlchemy's markers, no other metaclass than ``DeclarativeMeta``, no
  ``__init_subclass__`` nor ``setattr()`` on it (:func:`inherited_attributes`).

Both come from :func:`class_facts`, which the rules ask only when a finding depends
on the answer (most imported classes never need reading).

Each module read is recorded as a cross-file fact, so a cached result is dropped
when that module changes.
"""

from __future__ import annotations

import ast
import builtins
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator, Mapping

from layerlint.context import FUNCTION_TYPES, FileContext
from layerlint.external import clear_too as external_clear_too
from layerlint.facts.names import dotted_root, parameter_names, resolve_in
from layerlint.parse import parse_quietly
from layerlint.walk import nodes_of, statements

_MAX_HOPS = 6  # re-exports and base classes followed from module to module
_BUILTIN_NAMES = frozenset(dir(builtins))


def is_pydantic_v1(qualified: str) -> bool:
    return qualified == "pydantic.v1" or qualified.startswith("pydantic.v1.")


def class_facts(qualified: str, ctx: FileContext) -> tuple[bool, frozenset[str]]:
    """(built on ``pydantic.v1``?, the names it and its project bases define) of a class of
    a project module (``app.schemas.item.Item``); (False, nothing) when not known."""
    found = _class_facts(qualified, ctx)
    return (found[0], found[1]) if found is not None else (False, frozenset())


# what a name assigned from ``declarative_base()``/``.generate_base()`` derives from, as read
DECLARATIVE_FACTORY_BASE = "sqlalchemy.orm.DeclarativeBase"
_DECLARATIVE_FACTORIES = frozenset({
    "sqlalchemy.orm.declarative_base", "sqlalchemy.orm.decl_api.declarative_base",
    "sqlalchemy.ext.declarative.declarative_base", "sqlalchemy.ext.declarative.api.declarative_base",
})
_AS_DECLARATIVE = frozenset({
    "sqlalchemy.orm.as_declarative", "sqlalchemy.orm.decl_api.as_declarative",
    "sqlalchemy.ext.declarative.as_declarative", "sqlalchemy.ext.declarative.api.as_declarative",
})
_DECLARATIVE_METACLASSES = frozenset({
    "sqlalchemy.orm.DeclarativeMeta", "sqlalchemy.orm.decl_api.DeclarativeMeta",
    "sqlalchemy.ext.declarative.DeclarativeMeta", "sqlalchemy.ext.declarative.api.DeclarativeMeta",
})
DECLARATIVE_BASE_CLASSES = frozenset({"DeclarativeBase", "DeclarativeBaseNoMeta"})
_DATACLASS_DECORATORS = frozenset({"dataclasses.dataclass", "pydantic.dataclasses.dataclass"})
# class decorators that give a class no attribute (SQLAlchemy's markers)
_PLAIN_DECORATORS = _AS_DECLARATIVE | {"sqlalchemy.orm.declarative_mixin", "sqlalchemy.orm.decl_api.declarative_mixin"}
# the options of declarative_base()/as_declarative() that change no class attribute (not
# ``cls=``, ``metaclass=`` or ``mapper=``, which may add some)
_PLAIN_FACTORY_OPTIONS = frozenset({"metadata", "name", "bind", "class_registry", "type_annotation_map", "constructor"})


def outside_bases(qualified: str, ctx: FileContext) -> frozenset[str]:
    """The classes outside the project that a class of a project module derives from, at
    any depth (``fastapi.APIRouter`` for ``class APIRouter(fastapi.APIRouter)`` in
    ``polar/routing.py``); empty when not known."""
    found = _class_facts(qualified, ctx)
    return found[2] if found is not None else frozenset()


# (v1, names defined, outside bases, the class itself decorated as a dataclass)
_Facts = tuple[bool, frozenset[str], frozenset[str], bool]


def is_dataclass(qualified: str, ctx: FileContext) -> bool:
    """Is a class of a project module decorated ``@dataclass`` (stdlib or Pydantic's),
    following re-exports? Such a class is no ``BaseModel``: Pydantic cannot build one that
    is both."""
    found = _class_facts(qualified, ctx)
    return found is not None and found[3]


def _class_facts(qualified: str, ctx: FileContext) -> _Facts | None:
    module, _, name = qualified.rpartition(".")
    if not module:
        return None
    return ctx.memo(("project_classes", qualified), lambda: _facts(module, name, ctx, 0))


@dataclass(frozen=True)
class _Module:
    bases: dict[str, tuple[str, ...]]  # top-level class -> its bases, fully qualified
    own: dict[str, frozenset[str]]  # top-level class -> the names its body defines
    imports: dict[str, str]  # top-level imported name -> fully qualified
    stars: tuple[str, ...]  # the modules of `from module import *`
    names: frozenset[str]  # every name bound at the top level, but by a star import
    # top-level class -> its annotated attributes (``session: Session``) -> the type, qualified
    annotated: dict[str, dict[str, str]]
    # top-level class -> the attributes its ``__init__`` sets (``self.session = session``) -> the type
    init_assigned: dict[str, dict[str, str]]
    # top-level function that only returns a call -> the callee, qualified (those read so
    # only by :func:`returned_callee`'s lenient reading are in ``lenient_returns`` too)
    returns: dict[str, str]
    dataclasses: frozenset[str]  # top-level classes decorated ``@dataclass``
    # ``f`` or ``Class.method`` decorated ``@(async)contextmanager`` and annotated as yielding a
    # class -> (the decorator, that class), qualified; or a plain ``def`` annotated to return a
    # class -> (RETURNED, that class): ``with f() as x`` binds it when it is its own context
    # manager (a session), as ``x = f()`` does; an ``async def`` one -> (AWAITED, that class)
    context_managers: dict[str, tuple[str, str]]
    # top-level ``name = Class(...)`` / ``name: Class = ...`` -> the class, qualified
    instances: dict[str, str]
    # top-level class -> ``self.<attr>`` its methods assign -> each value (see self_assignments)
    assigned: dict[str, dict[str, tuple[AssignedValue, ...]]]
    # top-level ``T = TypeVar("T", bound=B)`` -> B, qualified (None: no one class bound)
    type_vars: dict[str, str | None]
    # top-level function -> the class its return annotation names, or the class it yields
    # (``-> AsyncIterator[httpx.AsyncClient]``), qualified: what it provides to ``Depends(f)``
    provided: dict[str, str]
    # top-level ``SessionDep = Annotated[Session, Depends(get_db)]`` -> the functions its
    # metadata calls, qualified (see annotated_alias_callees)
    annotated_aliases: dict[str, tuple[str, ...]]
    # top-level ``Settings = BotSettings`` (a name's only binding, to a name or attribute
    # chain) -> what it names, qualified: another name of that class
    aliases: dict[str, str]
    # top-level class (or ``declarative_base()`` result) -> the names it gives its subclasses
    # as the module shows them: its own, and ``Class.name = ...`` at the top level; None when
    # the module may give it others unseen (see _shows_attributes)
    attributes: dict[str, frozenset[str] | None]
    tables: frozenset[str]  # top-level classes giving ``__tablename__``/``__table__`` a value
    rebound: frozenset[str]  # names bound twice at the top level (which binding holds is not known)
    # top-level function with no return annotation named like a session provider -> the
    # class every value it returns or yields is a call of (``get_user_db``: ``yield
    # SQLAlchemyUserDatabase(session, User)``), qualified
    built: dict[str, str] = field(default_factory=dict)
    lenient_returns: frozenset[str] = frozenset()
    # top-level classes with neither a decorator nor a class keyword (``metaclass=``)
    undecorated: frozenset[str] = frozenset()
    # top-level functions with no return annotation named like a session provider whose
    # every value is an item of a container (see gives_items)
    items: frozenset[str] = frozenset()
    # top-level `fresh = contextmanager(get_db)`, get_db imported -> (the manager, get_db qualified)
    wrapping: dict[str, tuple[str, str]] = field(default_factory=dict)
    # (contextlib's manager, a top-level function) -> what the function gives it, by its
    # annotation (see _managed)
    managed: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    # top-level function annotated to return a tuple (``-> tuple[Session, bool]``) -> (is it
    # an ``async def``?, the class of each element, qualified: None where not a class's name)
    tuples: dict[str, tuple[bool, tuple[str | None, ...]]] = field(default_factory=dict)
    # top-level function with no return annotation named like a session provider whose every
    # value is one name it imports (``yield shared_client``) -> that name, qualified
    given_imports: dict[str, str] = field(default_factory=dict)


def inherited_attributes(qualified: str, ctx: FileContext) -> tuple[frozenset[str], frozenset[str], bool] | None:
    """(the names a class of a project module and its project bases give their subclasses,
    as their modules show them; the classes outside the project it derives from, qualified;
    is a class of the chain a declarative model: one that gives ``__tablename__``/``__table__``
    a value, or a subclass of a project class deriving from a ``DeclarativeBase`` that is not
    ``__abstract__``?), following re-exports and bases from module to module. None when a
    class of the chain cannot be read whole: its module not found or too far, the name bound
    another way or twice, attributes its module may give it unseen (``_Module.attributes``)."""
    return ctx.memo(("project_classes.inherited", qualified), lambda: _inherited(qualified, ctx, 0))


def _inherited(qualified: str, ctx: FileContext, hops: int) -> tuple[frozenset[str], frozenset[str], bool] | None:
    module, _, name = qualified.rpartition(".")
    read = _module(module, ctx, hops) if module else None
    if read is None or name in read.rebound:
        return None
    if name in read.bases:
        attributes = read.attributes.get(name)
        if attributes is None:
            return None
        names, outside, model = set(attributes), set(), name in read.tables
        for base in read.bases[name]:
            if not ctx.is_first_party(base):  # (UNKNOWN_BASE too)
                outside.add(base)
                continue
            found = _inherited(base, ctx, hops + 1)
            if found is None:
                return None
            names |= found[0]
            outside |= found[1]
            # (a direct subclass of DeclarativeBase, or what declarative_base() makes, is a base)
            model = model or found[2] or (declarative_outside(found[1]) and "__abstract__" not in attributes)
        return frozenset(names), frozenset(outside), model
    if name in read.aliases:  # `Model = Base`
        source = read.aliases[name]
    elif name in read.imports:
        source = read.imports[name]
    elif name in read.names:
        return None  # (bound by an assignment, a def...)
    else:  # from the one star import that may bind it
        stars = [star for star in read.stars if not ctx.is_first_party(star) or _may_bind(star, name, ctx, hops + 1)]
        if len(stars) != 1:
            return None
        source = f"{stars[0]}.{name}"
    if not ctx.is_first_party(source):
        return frozenset(), frozenset({source}), False
    return _inherited(source, ctx, hops + 1)


def declarative_outside(outside: Iterable[str]) -> bool:
    """Do the classes outside the project that a class derives from (qualified) make it
    declarative: one of SQLAlchemy's ``DeclarativeBase`` classes among them?"""
    return any(
        name.partition(".")[0] == "sqlalchemy" and name.rpartition(".")[2] in DECLARATIVE_BASE_CLASSES
        for name in outside
    )


def _facts(module: str, name: str, ctx: FileContext, hops: int) -> _Facts | None:
    """(built on ``pydantic.v1``?, the names it and its project bases define, the classes
    outside the project it derives from, decorated ``@dataclass`` itself?) of the class
    ``name`` found from ``module``; None when not known there (not a project module, not
    defined or imported in it, too far)."""
    read = _module(module, ctx, hops)
    if read is None:
        return None
    if name in read.bases:
        v1, names, outside = False, set(read.own[name]), set()
        for base in read.bases[name]:
            found = (
                (True, frozenset(), frozenset({base}), False) if is_pydantic_v1(base)
                else _facts_elsewhere(base, ctx, hops)
            )
            if found is None:
                # (or too far: then only the first class out of reach; `ma.Schema` of an
                # instance `ma = Marshmallow()` of another module: named by its class's attribute)
                outside.add(_instance_attribute(base, ctx, hops) or base)
            else:
                v1, names, outside = v1 or found[0], names | found[1], outside | found[2]
        return v1, frozenset(names), frozenset(outside), name in read.dataclasses
    if name in read.aliases or name in read.imports:
        # (`Legacy = V1Model` names the class it is bound to, as an import does)
        qualified = read.aliases.get(name) or read.imports[name]
        if is_pydantic_v1(qualified):
            return True, frozenset(), frozenset({qualified}), False
        found = _facts_elsewhere(qualified, ctx, hops)
        return found if found is not None else (False, frozenset(), frozenset({qualified}), False)
    for star in read.stars:
        if is_pydantic_v1(star):
            # `from pydantic.v1 import *` (a compat shim's, in an if/try block or not): the
            # v1 binding wins, as for a named import
            return True, frozenset(), frozenset({f"{star}.{name}"}), False
    for star in read.stars:
        found = _facts(star, name, ctx, hops + 1)
        if found is not None:
            return found
    source = _outside_star_source(read, name, ctx, hops)
    if source is not None:  # as for `from pydantic import BaseModel`: a class outside the project
        return False, frozenset(), frozenset({source}), False
    return None


def _outside_star_source(read: _Module, name: str, ctx: FileContext, hops: int) -> str | None:
    """``<module>.<name>`` when ``name``, bound by nothing else in the module read, comes from
    its one star import from outside the project (``from pydantic import *``); None when two
    may give it, or a star import from the project may bind it (not read: it may)."""
    if name in read.names:
        return None
    outside = [star for star in read.stars if not ctx.is_first_party(star)]
    if len(outside) != 1:
        return None
    if any(_may_bind(star, name, ctx, hops + 1) for star in read.stars if ctx.is_first_party(star)):
        return None
    return f"{outside[0]}.{name}"


def star_import_statements(ctx: FileContext) -> tuple[tuple[ast.ImportFrom, ...], tuple[ast.ImportFrom, ...]]:
    """The module's ``from ... import *`` statements: (those of its body, in order; those under a
    block of it: an ``if``, ``try``, ``with`` or ``match``, which may or may not run)."""
    return ctx.memo_of(_star_import_statements)


def _star_import_statements(ctx: FileContext) -> tuple[tuple[ast.ImportFrom, ...], tuple[ast.ImportFrom, ...]]:
    body = {id(stmt) for stmt in ctx.tree.body}
    top: list[ast.ImportFrom] = []
    nested: list[ast.ImportFrom] = []
    for stmt in statements(ctx.tree.body, descend=_module_block):
        if isinstance(stmt, ast.ImportFrom) and any(alias.name == "*" for alias in stmt.names):
            (top if id(stmt) in body else nested).append(stmt)
    return tuple(top), tuple(nested)


def _module_block(stmt: ast.stmt) -> bool:
    return not isinstance(stmt, (*FUNCTION_TYPES, ast.ClassDef))  # (a star import is module-level only)


def project_class_bases(qualified: str, ctx: FileContext) -> frozenset[str] | None:
    """The classes outside the project that a class statement of a project module derives from
    (re-exports followed to it); None when ``qualified`` names no such statement (a name bound
    another way, a class outside the project)."""
    if not ctx.is_first_party(qualified):
        return None
    target = ctx.through_reexports(qualified)
    if not ctx.is_first_party(target) or class_attributes(target, ctx) is None:
        return None
    return outside_bases(target, ctx)


def aliased_name(qualified: str, ctx: FileContext) -> str | None:
    """What a project module's top-level ``Missing = NotFound`` (the name's only binding, to a
    name or an attribute chain) names, qualified; None for any other name."""
    module, _, name = qualified.rpartition(".")
    read = _module(module, ctx, 0) if module and ctx.is_first_party(qualified) else None
    return read.aliases.get(name) if read is not None and name not in read.rebound else None


def takes_arguments_of(qualified: str, roots: frozenset[str], ctx: FileContext) -> bool:
    """Is ``qualified`` a class statement of a project module (re-exports followed) that takes
    its arguments as one of ``roots`` does: one base, no decorator or class keyword, no
    ``__init__``/``__new__`` of its own, and that base one of ``roots`` or, in turn, such a
    class (``class OAuth2Error(HTTPException): ...`` raised as ``OAuth2Error(400, "...")``)?"""
    return ctx.memo(
        ("project_classes.arguments_of", qualified, roots), lambda: _takes_arguments_of(qualified, roots, ctx, 0)
    )


def _takes_arguments_of(qualified: str, roots: frozenset[str], ctx: FileContext, hops: int) -> bool:
    module, _, name = qualified.rpartition(".")
    read = _module(module, ctx, hops) if module else None
    if read is None or name in read.rebound:
        return False
    if name in read.bases:
        bases = read.bases[name]
        if name not in read.undecorated or len(bases) != 1 or {"__init__", "__new__"} & read.own[name]:
            return False
        source = bases[0]
    elif name in read.aliases or name in read.imports:
        source = read.aliases.get(name) or read.imports[name]
    else:
        return False
    return source in roots or (ctx.is_first_party(source) and _takes_arguments_of(source, roots, ctx, hops + 1))


def star_imported_name(name: str, ctx: FileContext) -> str | None:
    """Where a name the module neither binds nor imports comes from through its star imports
    (``from .starlette import *``), qualified: the last star import of a project module that
    binds it (read there, without ``__all__``), when no later star import may bind it too (one
    of a module outside the project, or not read); None otherwise."""
    if (
        name.startswith("_") or name in ctx.top_level_names or name in ctx.imports
        or not ctx.mentions("import *", "import*")
    ):
        return None
    return ctx.memo(("project_classes.star_name", name), lambda: _star_imported_name(name, ctx))


def _star_imported_name(name: str, ctx: FileContext) -> str | None:
    top, nested = star_import_statements(ctx)
    if nested:
        return None  # (one under an `if`, `try` or `match` may or may not run: not known)
    stars = [ctx.absolute_module(stmt.module, stmt.level) for stmt in top]
    for module in reversed(stars):  # (the last binding wins)
        if module is None or not ctx.is_first_party(module):
            return None
        read = _module(module, ctx, 0)
        if read is None or "__all__" in read.names:
            return None
        if name in read.names:
            return f"{module}.{name}"
        if _may_bind(module, name, ctx, 0):
            return None  # (through a star import of its own)
    return None


def star_sources(module: str, ctx: FileContext) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """(the names a project module binds at its top level, but by a star import; the modules
    it star-imports), read there; None when it cannot be read."""
    read = _module(module, ctx, 0)
    return None if read is None else (read.names, read.stars)


def module_may_bind(module: str, name: str, ctx: FileContext) -> bool:
    """May the project module bind ``name`` at its top level, read there (its star imports
    followed)? Yes when it cannot be read."""
    return _may_bind(module, name, ctx, 0)


def _may_bind(module: str, name: str, ctx: FileContext, hops: int) -> bool:
    """May the project module bind ``name`` (by a statement, or a star import from outside
    the project or from a project module that may)? Yes when it cannot be read."""
    read = _module(module, ctx, hops)
    if read is None:
        return True
    return name in read.names or any(
        not ctx.is_first_party(star) or _may_bind(star, name, ctx, hops + 1) for star in read.stars
    )


def _instance_attribute(qualified: str, ctx: FileContext, hops: int) -> str | None:
    """``flask_marshmallow.Marshmallow.Schema`` for ``app.extensions.ma.Schema``, where
    ``app/extensions.py`` binds ``ma = Marshmallow()``: an attribute of a module-level
    instance, named by the instance's class (a base of a library's; read, not followed)."""
    head, _, attr = qualified.rpartition(".")
    module, _, instance = head.rpartition(".")
    read = _module(module, ctx, hops + 1) if module else None
    held = read.instances.get(instance) if read is not None and instance not in read.rebound else None
    return f"{held}.{attr}" if held else None


def _facts_elsewhere(qualified: str, ctx: FileContext, hops: int) -> _Facts | None:
    module, _, name = qualified.rpartition(".")
    return _facts(module, name, ctx, hops + 1) if module else None


def _module(module: str, ctx: FileContext, hops: int) -> _Module | None:
    """The module's top level, read from its file (recorded for the cache); None when it is
    not a project module, cannot be read, or is too many hops away."""
    if hops > _MAX_HOPS:
        return None
    path = ctx.module_source_path(module)
    if path is None or ctx.external("file_digest", path) is None:
        return None
    return _read(path, module)


@lru_cache(maxsize=1024)
def _read(path: str, module: str) -> _Module | None:
    """The classes, imports and star imports at the top level of a module's file (in its
    if/try blocks too: ``try: from pydantic.v1 import BaseModel`` / ``except ImportError:
    from pydantic import BaseModel`` binds a v1 class either way, and the v1 binding wins)."""
    try:
        with open(path, "rb") as handle:
            tree = parse_quietly(handle.read(), filename=path)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return _summary(tree, module, module if path.endswith("__init__.py") else module.rpartition(".")[0])


def _summary(tree: ast.Module, module: str, package: str) -> _Module:
    """:func:`_read` of a parsed module (``package``: what its relative imports start from)."""
    imports: dict[str, str] = {}
    stars: list[str] = []
    classes: list[ast.ClassDef] = []
    factories: list[tuple[str, ast.Call]] = []
    functions: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
    aliases: list[ast.Assign | ast.AnnAssign] = []
    renames: list[tuple[str, ast.expr]] = []  # `Settings = BotSettings`
    names, rebound = top_level_bindings(tree.body)
    set_later: dict[str, set[str]] = {}  # `Base.query = ...` at the top level: Base -> query
    unseen: set[str] = set()  # classes given attributes that cannot be read: `setattr(Base, name, ...)`

    def bind(local: str, qualified: str) -> None:
        if not is_pydantic_v1(imports.get(local, "")):
            imports[local] = qualified

    for stmt in module_level_statements(tree.body):
        _attributes_set_later(stmt, set_later, unseen)
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                top = alias.name.partition(".")[0]
                bind(alias.asname or top, alias.name if alias.asname else top)
        elif isinstance(stmt, ast.ImportFrom):
            source = absolute_module(stmt, package)
            for alias in stmt.names if source else ():
                if alias.name == "*":
                    stars.append(source)
                else:
                    bind(alias.asname or alias.name, f"{source}.{alias.name}")
        elif isinstance(stmt, ast.ClassDef):
            classes.append(stmt)
        elif isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call):
            factories.extend((target.id, stmt.value) for target in stmt.targets if isinstance(target, ast.Name))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.value, ast.Call) and isinstance(stmt.target, ast.Name):
            factories.append((stmt.target.id, stmt.value))  # `Base: DeclarativeMeta = declarative_base()`
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions.append(stmt)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, ast.Subscript):
            aliases.append(stmt)
        elif (
            isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, (ast.Name, ast.Attribute))
        ):
            renames.append((stmt.targets[0].id, stmt.value))
    for name, value in renames:
        # `Compat = pydantic.v1.BaseModel` beside an import of the name (a try/except shim):
        # the v1 binding wins, as between two imports
        qualified = resolve_in(value, imports)
        if qualified is not None and name in imports and is_pydantic_v1(qualified):
            imports[name] = qualified
    bases: dict[str, tuple[str, ...]] = {}
    own: dict[str, frozenset[str]] = {}
    annotated: dict[str, dict[str, str]] = {}
    init_assigned: dict[str, dict[str, str]] = {}
    dataclasses: set[str] = set()
    assigned: dict[str, dict[str, tuple[AssignedValue, ...]]] = {}
    attributes: dict[str, frozenset[str] | None] = {}
    tables: set[str] = set()
    for name, call in factories:  # `Base = declarative_base()`: a declarative base, as a class
        func = call.func
        if resolve_in(func, imports) in _DECLARATIVE_FACTORIES or (
            isinstance(func, ast.Attribute) and func.attr == "generate_base"
        ):
            bases[name] = (DECLARATIVE_FACTORY_BASE,)
            own[name] = frozenset()
            plain = _plain_factory_call(call) and name not in unseen
            attributes[name] = frozenset(set_later.get(name, ())) if plain else None
    by_name = {func.name: func for func in functions}
    # `APIRouter = make_router_class(TimedRoute)`: a class a function of the module makes
    made = [(name, by_name[call.func.id]) for name, call in factories
            if isinstance(call.func, ast.Name) and call.func.id in by_name and name not in bases]
    local = {name: f"{module}.{name}" for name in [*bases, *(node.name for node in classes), *(n for n, _ in made)]}
    # `Legacy = V1Model`, bound once: read where it is used (`class Old(Legacy)`) as that class
    renamed = {
        name: f"{module}.{name}" for name, _ in renames
        if name not in rebound and name not in local and name not in imports
    }
    bound = {**local, **renamed, **imports}
    for name, func in made:
        made_bases = _made_class_bases(func, bound)
        if made_bases is not None:
            bases[name] = made_bases
            own[name] = frozenset()
            attributes[name] = None  # (what the factory's class defines is not read)
    # `ma = Marshmallow()` bound once here: `class UserSchema(ma.Schema)` derives from the
    # class's attribute (`flask_marshmallow.Marshmallow.Schema`)
    held = {
        name: qualified for name, call in factories
        if name not in rebound and name not in bound and (qualified := resolve_in(call.func, bound))
    }
    for node in classes:
        bases[node.name] = _class_bases(node, bound, held)
        annotated[node.name] = _annotated_attributes(node, bound)
        init_assigned[node.name] = _init_assigned_attributes(node, bound)
        decorators = {
            resolve_in(decorator.func if isinstance(decorator, ast.Call) else decorator, imports)
            for decorator in node.decorator_list
        }
        metaclasses = {resolve_in(kw.value, imports) for kw in node.keywords if kw.arg == "metaclass"}
        if decorators & _AS_DECLARATIVE or metaclasses & _DECLARATIVE_METACLASSES:
            # `@as_declarative() class Base:` or `class Base(metaclass=DeclarativeMeta)`: a
            # declarative base, as a subclass of DeclarativeBase
            bases[node.name] += (DECLARATIVE_FACTORY_BASE,)
        if decorators & _DATACLASS_DECORATORS:
            dataclasses.add(node.name)
        own[node.name] = frozenset(class_own_names(node))
        assigned[node.name] = self_assignments(node, bound)
        attributes[node.name] = (
            own[node.name] | set_later.get(node.name, set())
            if node.name not in unseen and _shows_attributes(node, own[node.name], imports) else None
        )
        if gives_value(node, ("__tablename__", "__table__")):
            tables.add(node.name)
    returns = {}
    lenient_returns = set()
    for func in functions:
        callee = _same_instant_callee(returned_callee(func, lenient=True), func)
        qualified = resolve_in(callee, bound) if callee is not None else None
        if qualified:
            returns[func.name] = qualified
            if returned_callee(func) is None:
                lenient_returns.add(func.name)
    for name, call in factories:  # `utcnow = partial(datetime.now, UTC)`: a call of datetime.now
        if resolve_in(call.func, bound) == "functools.partial" and call.args:
            qualified = resolve_in(call.args[0], bound)
            if qualified:
                returns[name] = qualified
    context_managers, instances, wrapping = _context_managers_and_instances(tree.body, bound)
    managed = {  # what each function gives the context manager wrapping it (`contextmanager(f)`)
        (manager, func.name): found for func in functions if func.returns is not None
        for manager in CONTEXT_MANAGERS if (found := _managed(manager, func, bound))
    }
    type_vars = {
        name: _type_var_bound(call, bound) for name, call in factories
        if name not in bases and resolve_in(call.func, imports) in TYPE_VAR_FACTORIES
    }
    provided = {}
    built = {}
    items = set()
    tuples = {}
    given_imports: dict[str, str] = {}
    calls_at_top = module_calls(tree.body)
    for func in functions:
        qualified = _provided_class(func.returns, bound)
        if qualified:
            provided[func.name] = qualified
        elif (elements := _tuple_elements(func.returns, bound)) is not None:
            tuples[func.name] = (isinstance(func, ast.AsyncFunctionDef), elements)
        elif func.returns is None and SESSION_PROVIDER_NAME_RE.search(func.name):
            # (read only for names a session provider goes by)
            if callee := built_class(func, lambda node: resolve_in(node, bound), calls_at_top):
                built[func.name] = callee
            elif (given := given_import(func, imports)) is not None:
                given_imports[func.name] = given
            elif gives_items(func) or gives_request_attribute(func, lambda node: resolve_in(node, bound)):
                items.add(func.name)
    return _Module(
        bases, own, imports, tuple(stars), frozenset(names), annotated, init_assigned, returns,
        frozenset(dataclasses), context_managers, instances, assigned, type_vars, provided,
        annotated_aliases(aliases, bound),
        {
            name: qualified for name, value in renames
            if name in renamed and (qualified := resolve_in(value, bound))  # (`Gone = Missing`: `module.Missing`)
        },
        attributes, frozenset(tables), frozenset(rebound), built, frozenset(lenient_returns),
        frozenset(node.name for node in classes if not node.decorator_list and not node.keywords), frozenset(items),
        wrapping, managed, tuples, given_imports,
    )


def module_calls(body: list[ast.stmt]) -> dict[str, ast.Call]:
    """The names a module's top level binds once, each to a call (``redis_client =
    Redis.from_url(url)``)."""
    rebound = top_level_bindings(body)[1]
    found: dict[str, ast.Call] = {}
    for stmt in body:
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 else (
            stmt.target if isinstance(stmt, ast.AnnAssign) else None  # (`redis_client: Redis = ...`)
        )
        if isinstance(target, ast.Name) and isinstance(stmt.value, ast.Call) and target.id not in rebound:
            found[target.id] = stmt.value
    return found


def top_level_bindings(body: list[ast.stmt]) -> tuple[frozenset[str], frozenset[str]]:
    """(the names a module's top level binds, those it binds more than once: which binding
    holds where one is read is not known), its if/try/with blocks included."""
    names: set[str] = set()
    rebound: set[str] = set()
    for stmt in module_level_statements(body):
        bound_here = scope_bindings(stmt)
        rebound |= rebinding_names(stmt, bound_here) & names
        names |= bound_here
    return frozenset(names), frozenset(rebound)


def rebound_at_top(ctx: FileContext) -> frozenset[str]:
    """:func:`top_level_bindings`' names bound more than once, of the module being linted."""
    return ctx.memo("project_classes.rebound_at_top", lambda: top_level_bindings(ctx.tree.body)[1])


def rebinding_names(stmt: ast.stmt, bound: set[str]) -> set[str]:
    """The names among ``bound`` (:func:`scope_bindings`) that ``stmt`` rebinds: not the
    ``Base`` of ``Base.query = ...``, which sets an attribute."""
    if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        return {
            node.id for target in targets for node in ast.walk(target)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
        }
    return bound


def _attributes_set_later(stmt: ast.stmt, set_later: dict[str, set[str]], unseen: set[str]) -> None:
    """Record what a top-level statement sets on a name: ``Base.query = ...`` (``query``), or
    ``setattr(Base, ...)`` (unseen)."""
    if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        for target in stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]:
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                set_later.setdefault(target.value.id, set()).add(target.attr)
    elif (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Call)
        and isinstance(stmt.value.func, ast.Name)
        and stmt.value.func.id == "setattr"
        and stmt.value.args
        and isinstance(stmt.value.args[0], ast.Name)
    ):
        unseen.add(stmt.value.args[0].id)


def _shows_attributes(node: ast.ClassDef, own: frozenset[str], imports: dict[str, str]) -> bool:
    """Does a class statement show every attribute it gives its subclasses? Not with a
    decorator other than SQLAlchemy's markers (``@as_declarative()``, ``@declarative_mixin``),
    a keyword other than ``metaclass=DeclarativeMeta`` (another metaclass, SQLModel's
    ``table=True``), or an ``__init_subclass__`` (it may set some on each subclass)."""
    for decorator in node.decorator_list:
        called = decorator.func if isinstance(decorator, ast.Call) else decorator
        if resolve_in(called, imports) not in _PLAIN_DECORATORS or (
            isinstance(decorator, ast.Call) and not _plain_factory_call(decorator)
        ):
            return False
    return "__init_subclass__" not in own and all(
        kw.arg == "metaclass" and resolve_in(kw.value, imports) in _DECLARATIVE_METACLASSES for kw in node.keywords
    )


def _plain_factory_call(call: ast.Call) -> bool:
    """``declarative_base()`` (``as_declarative()``...) given only options that add no attribute."""
    return not call.args and all(kw.arg in _PLAIN_FACTORY_OPTIONS for kw in call.keywords)


def gives_value(node: ast.ClassDef, names: tuple[str, ...]) -> bool:
    """Does a class body give one of ``names`` a value (``__tablename__ = "users"``, not a method)?"""
    for stmt in module_level_statements(node.body):
        if isinstance(stmt, ast.Assign):
            targets = stmt.targets
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            targets = [stmt.target]
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id in names for t in targets):
            return True
    return False


TYPE_VAR_FACTORIES = frozenset({"typing.TypeVar", "typing_extensions.TypeVar"})


def _type_var_bound(call: ast.Call, bound: dict[str, str]) -> str | None:
    """The qualified class a ``TypeVar(...)`` is bound to (``builtins.dict``, ``app.schemas.Schema``;
    ``dict[str, Any]``: ``builtins.dict``); None for constraints, no bound, or one out of reach."""
    if call.args[1:]:
        return None  # constrained: no one class
    expr = parsed_annotation(next((k.value for k in call.keywords if k.arg == "bound"), None))
    if isinstance(expr, ast.Subscript):
        expr = expr.value
    name = _base_name(expr, bound) if isinstance(expr, (ast.Name, ast.Attribute)) else None
    return name if name != UNKNOWN_BASE else None


def imported_type_var(qualified: str, ctx: FileContext) -> tuple[bool, str | None]:
    """(is it a type variable?, its bound, qualified: :func:`_type_var_bound`) of a name of a
    project module (``app.schemas.RowT``, which looks like a class), following re-exports."""
    return ctx.memo(("project_classes.type_var", qualified), lambda: _type_var_of(qualified, ctx, 0))


def _type_var_of(qualified: str, ctx: FileContext, hops: int) -> tuple[bool, str | None]:
    module, _, name = qualified.rpartition(".")
    read = _module(module, ctx, hops) if module else None
    if read is None or name in read.bases:
        return False, None
    if name in read.type_vars:
        return True, read.type_vars[name]
    if name in read.imports:
        return _type_var_of(read.imports[name], ctx, hops + 1)
    for star in read.stars:
        found = _type_var_of(f"{star}.{name}", ctx, hops + 1)
        if found[0]:
            return found
    return False, None


def annotated_aliases(statements: Iterable[ast.stmt], bound: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """``Name = Annotated[X, meta...]`` (``Name: TypeAlias = ...`` too) among ``statements``
    -> the callees of the calls in its metadata, qualified (``Depends(get_db)``:
    ``fastapi.Depends``); a name bound twice this way (in ``if``/``try`` blocks) gets the
    calls of both."""
    found: dict[str, tuple[str, ...]] = {}
    for stmt in statements:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
        value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
        if not (
            isinstance(value, ast.Subscript) and isinstance(value.slice, ast.Tuple)
            and resolve_in(value.value, bound) in ANNOTATED
        ):
            continue
        callees = tuple(
            qualified for meta in value.slice.elts[1:] for call in nodes_of(meta, ast.Call)
            if (qualified := resolve_in(call.func, bound))
        )
        for target in targets:
            if isinstance(target, ast.Name):
                found[target.id] = found.get(target.id, ()) + callees
    return found


def annotated_alias_callees(qualified: str, ctx: FileContext) -> tuple[str, ...]:
    """The callees in the metadata of ``Annotated`` alias a project module defines
    (``app.deps.SessionDep``: ``("fastapi.Depends",)``), following re-exports; empty when
    the name is no such alias or cannot be read."""
    return ctx.memo(("project_classes.annotated_alias", qualified), lambda: _alias_callees(qualified, ctx, 0))


def _alias_callees(qualified: str, ctx: FileContext, hops: int) -> tuple[str, ...]:
    module, _, name = qualified.rpartition(".")
    read = _module(module, ctx, hops) if module else None
    if read is None:
        return ()
    if name in read.annotated_aliases:
        return read.annotated_aliases[name]
    if name in read.imports:
        return _alias_callees(read.imports[name], ctx, hops + 1)
    return ()


CONTEXT_MANAGERS = frozenset({"contextlib.contextmanager", "contextlib.asynccontextmanager"})
# what a context manager's function is annotated to return -> is it the async form?
_YIELDING = {
    f"{module}.{name}": name.startswith("Async")
    for module in ("typing", "typing_extensions", "collections.abc")
    for name in ("AsyncGenerator", "AsyncIterator", "Generator", "Iterator")
}
# a plain function annotated to return a context manager of X -> the decorator it stands for
_MANAGER_TYPES = {
    **{f"{module}.ContextManager": "contextlib.contextmanager" for module in ("typing", "typing_extensions")},
    **{f"{module}.AsyncContextManager": "contextlib.asynccontextmanager" for module in ("typing", "typing_extensions")},
    "contextlib.AbstractContextManager": "contextlib.contextmanager",
    "contextlib.AbstractAsyncContextManager": "contextlib.asynccontextmanager",
}
_METHOD_DECORATORS = frozenset({"staticmethod", "classmethod"})
RETURNED = "returned"  # (not a decorator) a plain function annotated to return the class
AWAITED = "awaited"  # (not a decorator) an `async def` annotated to return the class: its call is awaited
GENERATOR_TYPES = frozenset(_YIELDING)


def first_type_argument(subscript: ast.Subscript) -> ast.expr:
    """``X`` of ``AsyncIterator[X]`` or ``Generator[X, None, None]`` (the first argument)."""
    inner = subscript.slice
    return inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner


def _class_named(annotation: ast.expr | None, bound: dict[str, str]) -> str | None:
    """The qualified class a (string or not) annotation names as a plain or dotted name, also
    as optional (``AsyncSession | None``, ``Optional[AsyncSession]``)."""
    annotation = parsed_annotation(annotation)
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        sides = [
            side for side in (annotation.left, annotation.right)
            if not (isinstance(side, ast.Constant) and side.value is None)
        ]
        annotation = sides[0] if len(sides) == 1 else None
    elif isinstance(annotation, ast.Subscript) and resolve_in(annotation.value, bound) in _OPTIONAL:
        annotation = annotation.slice
    return resolve_in(annotation, bound) if isinstance(annotation, (ast.Name, ast.Attribute)) else None


_OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional"})


def _provided_class(returns: ast.expr | None, bound: dict[str, str]) -> str | None:
    """The class a function's return annotation names (``-> Client``), or that it yields
    (``-> AsyncIterator[Client]``, ``Generator[Client, None, None]``), qualified; None for
    any other form."""
    returns = parsed_annotation(returns)
    if isinstance(returns, ast.Subscript) and resolve_in(returns.value, bound) in GENERATOR_TYPES:
        returns = first_type_argument(returns)
    qualified = _class_named(returns, bound)
    # a bare `-> Generator` says nothing of what it yields
    return None if qualified in GENERATOR_TYPES else qualified


# conventional names of session providers (``Depends(get_db)``)
SESSION_PROVIDER_NAME_RE = re.compile(r"(^|_)(session|db|db_session|async_session)$", re.IGNORECASE)


def built_class(
    func: ast.FunctionDef | ast.AsyncFunctionDef, resolve: Callable[[ast.expr], str | None],
    module_calls: Mapping[str, ast.Call] | None = None,
) -> str | None:
    """The callee, qualified, of the call every ``return`` (with a value) and ``yield`` of
    ``func`` gives (``yield SQLAlchemyUserDatabase(session, User)``), directly or through a
    name the function binds once, to such a call or by ``with <call> as name`` (``async with
    aiohttp.ClientSession() as session: yield session``), or one it does not bind and the
    module binds once to a call (``module_calls``: ``redis_client = Redis.from_url(...)``,
    then ``yield redis_client``); None when one gives anything else, or they call different
    things, or there is none."""
    found: set[str] = set()
    nested = (*FUNCTION_TYPES, ast.ClassDef)
    body = list(statements(func.body, descend=lambda s: not isinstance(s, nested)))
    calls = _names_bound_to_calls(func, body, resolve)
    if module_calls:
        own = parameter_names(func.args).union(*(scope_bindings(stmt) for stmt in body))
        calls = {**{name: call for name, call in module_calls.items() if name not in own}, **calls}
    for stmt in body:
        if isinstance(stmt, ast.Return):
            value = stmt.value
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, (ast.Yield, ast.YieldFrom)):
            value = stmt.value.value if isinstance(stmt.value, ast.Yield) else None
        else:
            if any(isinstance(node, (ast.Yield, ast.YieldFrom)) for node in _expressions_of(stmt)):
                return None  # `x = yield ...`: what it gives is not read
            continue
        if value is None:
            if isinstance(stmt, ast.Return):
                continue  # a bare `return` ends a generator
            return None
        if isinstance(value, ast.Name):
            value = calls.get(value.id)
        if not isinstance(value, ast.Call):
            return None
        callee = resolve(value.func)
        if callee is None:
            return None
        found.add(callee)
    return found.pop() if len(found) == 1 else None


def assigned_values(func: ast.AST, body: list[ast.stmt]) -> dict[str, list[ast.expr]]:
    """The names ``func``'s own statements (``body``) bind only by assigning a name (``x =
    ...``, ``x: T = ...``) or by ``with <expr> as x``, each with the values bound to it (for a
    ``with``, the context expression); a name also bound another way (unpacked, a loop or
    ``except`` target, an import, a walrus) is left out."""
    values: dict[str, list[ast.expr]] = {}
    other: set[str] = set()
    for stmt in body:
        pairs: list[tuple[ast.expr, ast.expr]] = []
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            pairs = [(item.optional_vars, item.context_expr) for item in stmt.items if item.optional_vars]
        elif isinstance(stmt, ast.Assign):
            pairs = [(target, stmt.value) for target in stmt.targets]
        elif isinstance(stmt, ast.AnnAssign):
            pairs = [(stmt.target, stmt.value)] if stmt.value is not None else []
        else:
            other |= scope_bindings(stmt)
        for target, value in pairs:
            if isinstance(target, ast.Name):
                values.setdefault(target.id, []).append(value)
            else:  # (`a, b = ...` binds its names; `db.row_factory = ...` binds none)
                other.update(node.id for node in nodes_of(target, ast.Name) if isinstance(node.ctx, ast.Store))
    other.update(node.target.id for node in nodes_of(func, ast.NamedExpr) if isinstance(node.target, ast.Name))
    return {name: found for name, found in values.items() if name not in other}


def _names_bound_to_calls(
    func: ast.AST, body: list[ast.stmt], resolve: Callable[[ast.expr], str | None]
) -> dict[str, ast.Call]:
    """The names ``func`` binds once, and to a call: ``x = Client(...)``, or ``with
    Client(...) as x`` where ``Client`` is a client package's (whose ``__enter__`` gives
    itself; a project class's may give anything: a session)."""
    entered = {
        id(item.context_expr) for stmt in body if isinstance(stmt, (ast.With, ast.AsyncWith)) for item in stmt.items
    }
    found: dict[str, ast.Call] = {}
    for name, values in assigned_values(func, body).items():
        value = values[0].value if len(values) == 1 and isinstance(values[0], ast.Await) else values[0]
        if len(values) != 1 or not isinstance(value, ast.Call):
            continue  # (`conn = await asyncpg.connect(dsn)`: the call awaited)
        if id(values[0]) in entered:
            if resolve(value.func) == "contextlib.closing" and value.args and isinstance(value.args[0], ast.Call):
                value = value.args[0]  # `with closing(sqlite3.connect(path)) as db`: what closing is given
            elif (resolve(value.func) or "").partition(".")[0] not in CLIENT_PACKAGES:
                continue
        found[name] = value
    return found


# packages whose classes (their "sessions" too) are clients of other services, or DB-API
# drivers whose connections are no SQLAlchemy session
CLIENT_PACKAGES = frozenset({
    "aiohttp", "requests", "httpx", "niquests", "curl_cffi", "urllib3", "aiobotocore", "aioboto3", "boto3",
    "botocore", "pymongo", "motor", "redis", "neo4j", "cassandra", "elasticsearch", "opensearchpy", "websockets",
    "sqlite3", "aiosqlite", "psycopg", "psycopg2", "psycopg_pool", "asyncpg", "pymysql", "MySQLdb", "mysql",
    "aiomysql", "duckdb", "oracledb", "cx_Oracle", "pyodbc",
})


# what a request handed to a provider is (its `.session` is the cookie session's dict)
REQUEST_CLASSES = frozenset({
    "starlette.requests.Request", "starlette.requests.HTTPConnection", "fastapi.Request",
    "fastapi.requests.Request", "starlette.websockets.WebSocket", "fastapi.WebSocket",
})


def gives_request_attribute(
    func: ast.FunctionDef | ast.AsyncFunctionDef, resolve: Callable[[ast.expr], str | None]
) -> bool:
    """Does every ``return`` and ``yield`` of ``func`` give an attribute of a parameter
    annotated as a request (``return request.session``: Starlette's cookie session), or a
    name the function binds only to one?"""
    args = func.args
    requests = {
        arg.arg for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs)
        if arg.annotation is not None and resolve(arg.annotation) in REQUEST_CLASSES
    }
    return bool(requests) and _gives_only(
        func, lambda value: isinstance(value, ast.Attribute) and getattr(value.value, "id", None) in requests
    )


def gives_items(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Does every ``return`` (with a value) and ``yield`` of ``func`` give an item of a
    container (``yield client["app"]``), or a name the function binds only to one (``db =
    client[name]``, then ``yield db``)? A session is no item: such a ``get_db`` gives a
    Mongo database or the like, whatever its name says."""
    return _gives_only(func, lambda value: isinstance(value, ast.Subscript))


def _gives_only(func: ast.FunctionDef | ast.AsyncFunctionDef, accepts: Callable[[ast.expr], bool]) -> bool:
    """Does every ``return`` (with a value) and ``yield`` of ``func`` give a value ``accepts``
    takes, or a name the function binds only to such values? (Not with a ``yield from``, or a
    ``yield`` whose value is read: ``x = yield ...``.)"""
    nested = (*FUNCTION_TYPES, ast.ClassDef)
    body = list(statements(func.body, descend=lambda stmt: not isinstance(stmt, nested)))
    held = {name for name, found in assigned_values(func, body).items() if all(accepts(value) for value in found)}
    values = []
    for stmt in body:
        if isinstance(stmt, ast.Return) and stmt.value is not None:
            values.append(stmt.value)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.YieldFrom):
            return False
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Yield):
            values.append(stmt.value.value)
        elif any(isinstance(node, (ast.Yield, ast.YieldFrom)) for node in _expressions_of(stmt)):
            return False  # `x = yield ...`: what it gives is not read
    return bool(values) and all(
        value is not None and (accepts(value) or (isinstance(value, ast.Name) and value.id in held))
        for value in values
    )


def _expressions_of(stmt: ast.stmt) -> Iterator[ast.AST]:
    """The expressions of a simple statement (a compound one's own header only)."""
    for name in stmt._fields:
        value = getattr(stmt, name, None)
        if isinstance(value, ast.expr):
            yield from ast.walk(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, ast.expr):
                    yield from ast.walk(item)


def built_by(qualified: str, ctx: FileContext) -> str | None:
    """What a function of a project module with no return annotation returns or yields a
    call of (see ``_Module.built``), or the class of the instance it imports and gives
    (``_Module.given_imports``), following re-exports; None when not known."""
    found = _defined_in(qualified, ctx, 0)
    if found is None:
        return None
    read, name, _hops = found
    if name in read.given_imports:
        return instance_class(read.given_imports[name], ctx)
    return read.built.get(name)


def given_import(func: ast.FunctionDef | ast.AsyncFunctionDef, imports: Mapping[str, str]) -> str | None:
    """The imported name (qualified) every value ``func`` returns or yields is, when it does
    not bind it itself (``yield shared_client`` after ``from app.core.clients import
    redis_client as shared_client``); else None."""
    body = list(statements(func.body, descend=lambda stmt: not isinstance(stmt, (*FUNCTION_TYPES, ast.ClassDef))))
    given = set()
    for stmt in body:
        if isinstance(stmt, ast.Return) and stmt.value is not None:
            given.add(stmt.value.id if isinstance(stmt.value, ast.Name) else None)
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, (ast.Yield, ast.YieldFrom)):
            value = stmt.value.value if isinstance(stmt.value, ast.Yield) else None
            given.add(value.id if isinstance(value, ast.Name) else None)
    if len(given) != 1 or None in given:
        return None
    name = given.pop()
    if name not in imports or name in parameter_names(func.args) or any(name in scope_bindings(s) for s in body):
        return None
    return imports[name]


def tuple_returned(qualified: str, ctx: FileContext) -> tuple[bool, tuple[str | None, ...]] | None:
    """(``async def``?, the element classes) of a project module's function annotated to
    return a tuple (``-> tuple[Session, bool]``), following re-exports; None when not known."""
    found = _defined_in(qualified, ctx, 0)
    return found[0].tuples.get(found[1]) if found is not None else None


def tuple_elements(
    returns: ast.expr | None, resolve: Callable[[ast.expr], str | None], tuple_rebound: bool
) -> list[ast.expr] | None:
    """The element annotations of a ``tuple[A, B]`` (``typing.Tuple[A, B]``) return
    annotation; None for another annotation or ``tuple[A, ...]``. (``tuple_rebound``: the
    module binds the name ``tuple`` itself.)"""
    returns = parsed_annotation(returns)
    if not isinstance(returns, ast.Subscript):
        return None
    value = returns.value
    builtin = isinstance(value, ast.Name) and value.id == "tuple" and not tuple_rebound
    if not builtin and resolve(value) not in ("typing.Tuple", "typing_extensions.Tuple"):
        return None
    elements = returns.slice.elts if isinstance(returns.slice, ast.Tuple) else [returns.slice]
    if any(isinstance(e, ast.Constant) and e.value is Ellipsis for e in elements):
        return None
    return elements


def _tuple_elements(returns: ast.expr | None, bound: dict[str, str]) -> tuple[str | None, ...] | None:
    """The element classes, qualified, of a tuple return annotation (:func:`tuple_elements`;
    None for an element that is no class's name)."""
    elements = tuple_elements(returns, lambda node: resolve_in(node, bound), "tuple" in bound)
    return None if elements is None else tuple(_class_named(element, bound) for element in elements)


def gives_items_at(qualified: str, ctx: FileContext) -> bool:
    """Is a function of a project module, named like a session provider and not annotated,
    one whose every value is an item of a container (:func:`gives_items`), following re-exports?"""
    found = _defined_in(qualified, ctx, 0)
    return found is not None and found[1] in found[0].items


def provided_class(qualified: str, ctx: FileContext) -> str | None:
    """What a function of a project module is annotated to return or yield (see
    ``_Module.provided``), following re-exports; None when not known."""
    return ctx.memo(("project_classes.provided", qualified), lambda: _provided(qualified, ctx))


def instance_class(qualified: str, ctx: FileContext) -> str | None:
    """The class of a module-level instance of a project module (``templates =
    LocaleTemplates(...)`` in ``app/templates.py``: ``app.templates.LocaleTemplates``),
    following re-exports; None when not known (a name bound twice, or some other way)."""
    return ctx.memo(("project_classes.instance", qualified), lambda: _instance_class(qualified, ctx))


def _instance_class(qualified: str, ctx: FileContext) -> str | None:
    found = _defined_in(qualified, ctx, 0)
    return found[0].instances.get(found[1]) if found is not None else None


def _provided(qualified: str, ctx: FileContext) -> str | None:
    found = _defined_in(qualified, ctx, 0)
    return found[0].provided.get(found[1]) if found is not None else None


def _context_managers_and_instances(
    body: list[ast.stmt], bound: dict[str, str]
) -> tuple[dict[str, tuple[str, str]], dict[str, str], dict[str, tuple[str, str]]]:
    """The context managers of a module (functions and methods of its classes) with what
    they yield, its instances of classes, and the names it binds to ``contextmanager(f)``
    of an imported ``f`` (-> the manager, ``f`` qualified); a name bound twice at the top
    level (in if/else branches, say) is left out: which binding holds is not known."""
    context_managers: dict[str, tuple[str, str]] = {}
    instances: dict[str, str] = {}
    wrapping: dict[str, tuple[str, str]] = {}  # `fresh = contextmanager(get_db)`, get_db imported
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    seen: set[str] = set()
    rebound: set[str] = set()
    for stmt in module_level_statements(body):
        names = statement_bindings(stmt)
        rebound.update(names & seen)
        seen |= names
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions[stmt.name] = stmt
            _set_or_drop(context_managers, stmt.name, _context_manager(stmt, bound))
        elif isinstance(stmt, ast.ClassDef):
            for method in stmt.body:  # (a later definition of a name replaces the earlier)
                if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    _set_or_drop(context_managers, f"{stmt.name}.{method.name}", _context_manager(method, bound))
                elif isinstance(method, (ast.Assign, ast.AnnAssign)):
                    for name in statement_bindings(method):
                        context_managers.pop(f"{stmt.name}.{name}", None)
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            cls = resolve_in(stmt.value.func, bound) if isinstance(stmt.value, ast.Call) else None
            _set_or_drop(instances, stmt.targets[0].id, cls)
            if cls in CONTEXT_MANAGERS:  # `fresh_db = contextmanager(get_db)`, get_db a function above
                args = stmt.value.args  # type: ignore[union-attr]
                wrapped = args[0] if len(args) == 1 and not stmt.value.keywords else None  # type: ignore[union-attr]
                func = functions.get(wrapped.id) if isinstance(wrapped, ast.Name) else None
                _set_or_drop(context_managers, stmt.targets[0].id, func and _managed(cls, func, bound))
                imported = resolve_in(wrapped, bound) if func is None and wrapped is not None else None
                if imported and imported not in CONTEXT_MANAGERS:  # (`contextmanager(get_db)`, get_db imported)
                    wrapping[stmt.targets[0].id] = (cls, imported)
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            _set_or_drop(instances, stmt.target.id, resolve_in(stmt.annotation, bound))
    for name in rebound:
        instances.pop(name, None)
        context_managers.pop(name, None)
        wrapping.pop(name, None)
    return context_managers, instances, wrapping


def _set_or_drop(found: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        found.pop(key, None)
    else:
        found[key] = value


def statement_bindings(stmt: ast.stmt) -> set[str]:
    """The names a statement binds directly (not in its body or branches): a ``def``/``class``,
    an import, the targets of an assignment (also annotated or augmented) or of a ``for``."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {stmt.name}
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).partition(".")[0] for alias in stmt.names if alias.name != "*"}
    if isinstance(stmt, ast.Assign):
        targets = stmt.targets
    elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
        targets = [stmt.target]
    else:
        return set()
    return {node.id for target in targets for node in ast.walk(target) if isinstance(node, ast.Name)}


_TRY_TYPES = (ast.Try, ast.TryStar) if sys.version_info >= (3, 11) else (ast.Try,)


def scope_bindings(stmt: ast.stmt) -> set[str]:
    """:func:`statement_bindings`, and the names of ``with ... as name`` and ``except ... as
    name``: every name the statement binds in the scope it runs in (not in its body)."""
    bound = statement_bindings(stmt)
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        for item in stmt.items:
            if item.optional_vars is not None:
                bound.update(
                    node.id for node in nodes_of(item.optional_vars, ast.Name) if isinstance(node.ctx, ast.Store)
                )
    elif isinstance(stmt, _TRY_TYPES):
        bound.update(handler.name for handler in stmt.handlers if handler.name)
    return bound


def _context_manager(func: ast.FunctionDef | ast.AsyncFunctionDef, bound: dict[str, str]) -> tuple[str, str] | None:
    """(the contextlib decorator, the class yielded) of ``@asynccontextmanager async def f()
    -> AsyncIterator[X]`` (or ``AsyncGenerator[X, None]``; ``@contextmanager def f() ->
    Iterator[X]``/``Generator[X, ...]``, or ``-> X`` by mistake), also as a static or class
    method; (:data:`RETURNED`, X) of a plain ``def f() -> X``, (:data:`AWAITED`, X) of an
    ``async def f() -> X`` (its call is a coroutine); a plain ``def f() -> ContextManager[X]``
    (``AbstractContextManager``, the async forms) stands for the decorated form; None for
    anything else (another decorator, no annotation, a form that does not match)."""
    decorators = [resolve_in(d, bound) or (d.id if isinstance(d, ast.Name) else None) for d in func.decorator_list]
    managers = [d for d in decorators if d in CONTEXT_MANAGERS]
    if not managers and all(d in _METHOD_DECORATORS for d in decorators):
        returns = parsed_annotation(func.returns)
        if isinstance(returns, ast.Subscript) and isinstance(func, ast.FunctionDef):
            # `def f() -> ContextManager[X]`: entered as `with f() as x` (a plain `def` only)
            manager = _MANAGER_TYPES.get(resolve_in(returns.value, bound) or "")
            qualified = _class_named(first_type_argument(returns), bound) if manager else None
            return (manager, qualified) if manager and qualified else None
        qualified = _class_named(func.returns, bound)
        kind = AWAITED if isinstance(func, ast.AsyncFunctionDef) else RETURNED
        return (kind, qualified) if qualified else None
    if len(managers) != 1 or any(d not in CONTEXT_MANAGERS and d not in _METHOD_DECORATORS for d in decorators):
        return None
    return _managed(managers[0], func, bound)


def _managed(
    manager: str, func: ast.FunctionDef | ast.AsyncFunctionDef, bound: dict[str, str]
) -> tuple[str, str] | None:
    """(``manager``, the class yielded) of ``func`` made a context manager by ``manager``
    (``contextlib.contextmanager`` or ``asynccontextmanager``, as a decorator or called on
    it), by its annotation; None when it does not say."""
    is_async = manager == "contextlib.asynccontextmanager"
    if is_async is not isinstance(func, ast.AsyncFunctionDef):
        return None
    returns = parsed_annotation(func.returns)
    if not isinstance(returns, ast.Subscript):
        # `@contextmanager def f() -> Session`, annotated with what it yields (a common slip)
        qualified = _class_named(returns, bound)
        return (manager, qualified) if qualified and qualified not in _YIELDING else None
    if _YIELDING.get(resolve_in(returns.value, bound) or "") is not is_async:
        return None
    qualified = _class_named(first_type_argument(returns), bound)
    return (manager, qualified) if qualified else None


def parsed_annotation(annotation: ast.expr | None) -> ast.expr | None:
    """An annotation, a string one (``"AsyncIterator[AsyncSession]"``) parsed."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            return parse_quietly(annotation.value.strip(), mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
    return annotation


def context_manager_yield(qualified: str, ctx: FileContext) -> tuple[str, str] | None:
    """(the contextlib decorator, or :data:`RETURNED`/:data:`AWAITED`; the class yielded,
    qualified) of a context manager of a project module, or of the module being linted: a
    function (``app.db.session_scope``), a method of a class (``app.db.Database.session``)
    or of a module-level instance of one (``app.db.engine.core_session``, with ``engine =
    Engine()``), following re-exports; None when not known to be one."""
    return ctx.memo(("project_classes.context_manager", qualified), lambda: _context_manager_of(qualified, ctx, 0))


def _context_manager_of(qualified: str, ctx: FileContext, hops: int) -> tuple[str, str] | None:
    module, _, name = qualified.rpartition(".")
    read = _module_or_own(module, ctx, hops)
    if read is not None:  # `module.function`
        if name in read.context_managers:
            return read.context_managers[name]
        if name in read.wrapping:  # `fresh = contextmanager(get_db)`, get_db imported: read there
            manager, wrapped = read.wrapping[name]
            found = _defined_in(wrapped, ctx, hops + 1)
            return found[0].managed.get((manager, found[1])) if found is not None else None
        if name in read.imports:
            return _context_manager_of(read.imports[name], ctx, hops + 1)
        return None
    module, _, owner = module.rpartition(".")
    read = _module_or_own(module, ctx, hops)
    if read is None:
        return None
    if owner in read.own:  # `module.Class.method` (a method the class itself defines)
        return read.context_managers.get(f"{owner}.{name}")
    if owner in read.instances:  # `module.instance.method`
        return _context_manager_of(f"{read.instances[owner]}.{name}", ctx, hops + 1)
    if owner in read.imports:
        return _context_manager_of(f"{read.imports[owner]}.{name}", ctx, hops + 1)
    return None


def method_context_manager(qualified: str, method: str, ctx: FileContext) -> tuple[str, str] | None:
    """(the contextlib decorator or :data:`RETURNED`/:data:`AWAITED`, the class yielded) of
    ``method`` as a class of a project module (or of the module being linted) has it: its
    own definition or the nearest base's (along the listed bases, first base first); None
    when that definition is no such context manager or is not known (a project base out of
    reach)."""
    return ctx.memo(
        ("project_classes.method_context_manager", qualified, method),
        lambda: _method_context_manager(qualified, method, ctx, 0)[1],
    )


def method_definer(qualified: str, method: str, ctx: FileContext) -> str | None:
    """The project class whose body defines ``method`` for a class of a project module (or of
    the module being linted): the class itself, or the nearest base that does (along the
    listed bases, first base first), re-exports followed, qualified where it is defined;
    None when no project class along the way does, or it is not known (a base of another
    library listed before it may define it)."""
    found = ctx.memo(
        ("project_classes.method_definer", qualified, method),
        lambda: _definition(qualified, method, ctx, 0, libraries_may_define=True)[1],
    )
    return found[0] if found is not None else None


# the standard library's bases that bring no method of their own a project calls
_BARE_BASES = frozenset({
    "abc.ABC", "typing.Generic", "typing.Protocol", "typing_extensions.Protocol", "typing_extensions.Generic",
    "builtins.object",
})


def _method_context_manager(
    qualified: str, method: str, ctx: FileContext, hops: int
) -> tuple[bool, tuple[str, str] | None]:
    """(found a definition, or cannot tell?; what it yields) for :func:`method_context_manager`
    (a library base is taken not to define the method)."""
    found, definition = _definition(qualified, method, ctx, hops, libraries_may_define=False)
    if definition is None:
        return found, None
    _qualified, read, name = definition
    return True, read.context_managers.get(f"{name}.{method}")


def _definition(
    qualified: str, method: str, ctx: FileContext, hops: int, *, libraries_may_define: bool
) -> tuple[bool, tuple[str, _Module, str] | None]:
    """(found a definition, or cannot tell?; (the class qualified, its module read, its name))
    of ``method`` along a project class and its bases, first base first."""
    if qualified in _BARE_BASES:
        return False, None  # (`ABC`, `Generic[T]`, `Protocol`: define no method of a project's)
    if not ctx.is_first_party(qualified):
        return libraries_may_define, None  # (review 88: another library's base may define it)
    module, _, name = qualified.rpartition(".")
    read = _module_or_own(module, ctx, hops)
    if read is None:
        return True, None
    if name in read.imports:
        return _definition(read.imports[name], method, ctx, hops + 1, libraries_may_define=libraries_may_define)
    if name not in read.bases:
        return True, None
    if method in read.own[name]:
        return True, (qualified, read, name)
    for base in read.bases[name]:
        if base == UNKNOWN_BASE:
            return True, None
        found = _definition(base, method, ctx, hops + 1, libraries_may_define=libraries_may_define)
        if found[0]:
            return found
    return False, None


def _module_or_own(module: str, ctx: FileContext, hops: int) -> _Module | None:
    """:func:`_module`, the module being linted read from its tree."""
    if hops > _MAX_HOPS:
        return None
    if module and module == ctx.module:
        return ctx.memo("project_classes.own_module", lambda: _summary(ctx.tree, module, ctx.package))
    return _module(module, ctx, hops) if module else None


def _made_class_bases(func: ast.FunctionDef | ast.AsyncFunctionDef, bound: dict[str, str]) -> tuple[str, ...] | None:
    """The bases of the class a class factory returns: ``X`` of its ``-> type[X]``
    annotation, or the bases of the class its body defines and returns (``class
    _Router(APIRouter): ...`` then ``return _Router``); None when the function is no
    such factory, as far as can be seen."""
    returns = func.returns
    if isinstance(returns, ast.Subscript) and (
        resolve_in(returns.value, bound) in _TYPE_OF
        or (isinstance(returns.value, ast.Name) and returns.value.id == "type" and "type" not in bound)
    ):
        base = _base_name(returns.slice, bound)
        return (base,) if base else ()  # (`type[object]`)
    last = func.body[-1] if func.body else None
    if isinstance(last, ast.Return) and isinstance(last.value, ast.Name):
        for stmt in func.body:
            if isinstance(stmt, ast.ClassDef) and stmt.name == last.value.id:
                return _class_bases(stmt, bound)
    return None


def _class_bases(node: ast.ClassDef, bound: dict[str, str], held: dict[str, str] | None = None) -> tuple[str, ...]:
    """The qualified bases of a class statement (``GenericModel[T]``: the subscripted class;
    ``ma.Schema``, ``ma`` an instance the module holds (``held``: name -> its class), as
    ``<the class>.Schema``)."""
    found = []
    for base in node.bases:
        base = base.value if isinstance(base, ast.Subscript) else base
        root = dotted_root(base) if held and isinstance(base, ast.Attribute) else None
        if root is not None and root in held:  # type: ignore[operator]
            found.append(held[root] + ast.unparse(base)[len(root):])  # type: ignore[index]
            continue
        name = _base_name(base, bound)
        if name:
            found.append(name)
    return tuple(found)


_TYPE_OF = frozenset({"typing.Type", "typing_extensions.Type"})


def returned_callee(func: ast.FunctionDef | ast.AsyncFunctionDef, lenient: bool = False) -> ast.expr | None:
    """The callee of a function of no parameters whose body (a docstring aside) is only
    ``return <call>`` (``def utc_now(): return datetime.now(UTC)``), else None. With
    ``lenient``, of any parameters (none of them the callee: ``sessionmaker=Fake``), and also
    a body of plain assignments that returns a name one of them binds to a call, its only
    binding there (``engine = create_engine(url)``, ``Session = sessionmaker(bind=engine)``,
    ``return Session``)."""
    parameters = parameter_names(func.args)
    if parameters and not lenient:
        return None
    body = func.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if len(body) == 1 and isinstance(body[0], ast.Return) and isinstance(body[0].value, ast.Call):
        call = body[0].value
    elif lenient and body and isinstance(body[-1], ast.Return) and isinstance(body[-1].value, ast.Name):
        name = body[-1].value.id
        values = []
        for stmt in body[:-1]:
            if not isinstance(stmt, (ast.Assign, ast.AnnAssign)) or any(
                isinstance(n, ast.NamedExpr) for n in ast.walk(stmt)
            ):
                return None
            if name in statement_bindings(stmt):
                values.append(stmt.value)
        if len(values) != 1 or not isinstance(values[0], ast.Call):
            return None
        call = values[0]
    else:
        return None
    root = call.func
    while isinstance(root, ast.Attribute):
        root = root.value
    return None if isinstance(root, ast.Name) and root.id in parameters else call.func


def _same_instant_callee(
    callee: ast.expr | None, func: ast.FunctionDef | ast.AsyncFunctionDef
) -> ast.expr | None:
    """The callee of what ``func`` returns, through a ``.replace(...)``/``.astimezone(...)``
    of its result (``return datetime.now(UTC).replace(tzinfo=None)``: LL308 reads it as a
    call of ``datetime.now``), unless that call's root is a parameter."""
    while isinstance(callee, ast.Attribute) and callee.attr in ("replace", "astimezone") and (
        isinstance(callee.value, ast.Call)
    ):
        callee = callee.value.func
        if dotted_root(callee) in parameter_names(func.args):
            return None
    return callee


def function_returns_call_of(qualified: str, ctx: FileContext, lenient: bool = False) -> str | None:
    """The callee (qualified) of a function of a project module that only returns a call of
    it (:func:`returned_callee`, read leniently with ``lenient``), or of a ``name =
    functools.partial(callee, ...)``, following re-exports; None when not known."""
    return ctx.memo(("project_classes.returns", qualified, lenient), lambda: _returns(qualified, ctx, lenient))


def _returns(qualified: str, ctx: FileContext, lenient: bool) -> str | None:
    found = _defined_in(qualified, ctx, 0)
    if found is None or (not lenient and found[1] in found[0].lenient_returns):
        return None
    return found[0].returns.get(found[1])


def _defined_in(qualified: str, ctx: FileContext, hops: int) -> tuple[_Module, str, int] | None:
    """(the project module that binds ``qualified``'s last name other than by importing it,
    read; the name there; the hops taken), following the imports that re-export it; None when
    not a project module, or too far."""
    while True:
        module, _, name = qualified.rpartition(".")
        read = _module(module, ctx, hops) if module else None
        if read is None:
            return None
        if name not in read.imports:
            return read, name, hops
        qualified, hops = read.imports[name], hops + 1


def defining_name(qualified: str, ctx: FileContext) -> str | None:
    """Where a project name is defined: ``app.schemas.base.Base`` for ``app.schemas.Base``
    that ``app/schemas/__init__.py`` re-exports; None when not a project module's name."""
    hops = 0
    while hops < 8:
        module, _, name = qualified.rpartition(".")
        read = _module(module, ctx, hops) if module else None
        if read is None:
            return None
        if name in read.aliases:  # (`Settings = AppSettings`: another name of it)
            qualified, hops = read.aliases[name], hops + 1
        elif name not in read.imports:
            return qualified
        else:
            qualified, hops = read.imports[name], hops + 1
    return None


def project_ancestors(qualified: str, ctx: FileContext) -> frozenset[str]:
    """The project classes a class of a project module derives from, at any depth (each where
    it is defined: :func:`defining_name`); a bounded search."""
    return ctx.memo(("project_classes.ancestors", qualified), lambda: _ancestors(qualified, ctx))


def _ancestors(qualified: str, ctx: FileContext) -> frozenset[str]:
    found: set[str] = set()
    todo = [qualified]
    for _ in range(32):
        if not todo:
            break
        defined = _defined_in(todo.pop(), ctx, 0)
        if defined is None:
            continue
        read, name, _hops = defined
        for base in read.bases.get(name, ()):
            where = defining_name(base, ctx)
            if where is not None and where not in found:
                found.add(where)
                todo.append(where)
    return frozenset(found)


# a base named by nothing the module imports or defines (`Schema = create_model(...)`,
# `class X(make_base())`): a class out of reach, whatever it is
UNKNOWN_BASE = "?"


def _base_name(base: ast.expr, bound: dict[str, str]) -> str | None:
    """A base class's qualified name: ``builtins.<name>`` for a builtin (``dict``), None
    for ``object``, :data:`UNKNOWN_BASE` when the module binds it some other way."""
    qualified = resolve_in(base, bound)
    if qualified:
        return qualified
    if isinstance(base, ast.Name) and base.id in _BUILTIN_NAMES:
        return None if base.id == "object" else f"builtins.{base.id}"
    return UNKNOWN_BASE


def module_mentions(qualified: str, word: str, ctx: FileContext) -> bool:
    """Does the module of a project class (``app.models.Sample``) spell ``word``? (A cheap
    check of its text, recorded for the cache like a read.)"""
    module = qualified.rpartition(".")[0]
    path = ctx.module_source_path(module) if module else None
    if path is None or ctx.external("file_digest", path) is None:
        return False
    return _mentions(path, word)


@lru_cache(maxsize=1024)
def _mentions(path: str, word: str) -> bool:
    try:
        with open(path, "rb") as handle:
            return word.encode() in handle.read()
    except OSError:
        return False


external_clear_too(_mentions.cache_clear)


def read_outside_bases(qualified: str, ctx: FileContext) -> frozenset[str] | None:
    """:func:`outside_bases` of a class of a project module when its module could be read
    (a class out of reach counts as :data:`UNKNOWN_BASE`), else None."""
    found = _class_facts(qualified, ctx)
    return found[2] if found is not None else None


def _annotated_attributes(node: ast.ClassDef, bound: dict[str, str]) -> dict[str, str]:
    """``attr: T`` (and ``attr: Annotated[T, ...]``, ``attr: ClassVar[T]``) in a class body:
    attr -> T, qualified."""
    out: dict[str, str] = {}
    for stmt in node.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            annotation = parsed_annotation(stmt.annotation)
            if isinstance(annotation, ast.Subscript) and resolve_in(annotation.value, bound) in CLASS_VARS:
                annotation = annotation.slice
            qualified = annotated_class(annotation, bound)
            if qualified:
                out[stmt.target.id] = qualified
    return out


CLASS_VARS = frozenset({"typing.ClassVar", "typing_extensions.ClassVar"})
_OPTIONAL = frozenset({f"{module}.{name}" for module in ("typing", "typing_extensions") for name in ("Optional", "Union")})
ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})


def annotated_class(annotation: ast.expr | None, bound: dict[str, str]) -> str | None:
    """The one class an annotation names, qualified: ``T``, ``Annotated[T, ...]``,
    ``Optional[T]``, ``T | None`` and a generic ``T[...]`` (``scoped_session[Session]``:
    ``scoped_session``); None for anything else (a union of classes, a name not bound)."""
    annotation = parsed_annotation(annotation)
    parts = _union_members(annotation, bound)
    if parts is not None:
        classes = [part for part in parts if not (isinstance(part, ast.Constant) and part.value is None)]
        return annotated_class(classes[0], bound) if len(classes) == 1 else None
    if isinstance(annotation, ast.Subscript) and resolve_in(annotation.value, bound) in ANNOTATED:
        inner = annotation.slice
        return annotated_class(inner.elts[0], bound) if isinstance(inner, ast.Tuple) and inner.elts else None
    if isinstance(annotation, ast.Subscript):
        return resolve_in(annotation.value, bound)
    return resolve_in(annotation, bound) if annotation is not None else None


def _union_members(annotation: ast.expr | None, bound: dict[str, str]) -> list[ast.expr] | None:
    """The members of ``A | B``, ``Union[A, B]`` and ``Optional[A]`` (``A`` and ``None``); None
    for any other annotation."""
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return [annotation.left, annotation.right]
    if isinstance(annotation, ast.Subscript) and resolve_in(annotation.value, bound) in _OPTIONAL:
        inner = annotation.slice
        return list(inner.elts) if isinstance(inner, ast.Tuple) else [inner, _NONE]
    return None


_NONE = ast.Constant(None)


def _init_assigned_attributes(node: ast.ClassDef, bound: dict[str, str]) -> dict[str, str]:
    """``self.<attr> = <param>`` in the class's ``__init__``, the parameter annotated with a
    class (:func:`annotated_class`) and never rebound, or ``self.<attr>: T = ...``: attr -> the
    class, qualified. An attribute ``__init__`` also sets to anything else is left out."""
    inits = [s for s in node.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == "__init__"]
    if not inits:
        return {}
    init = inits[-1]
    args = init.args
    positional = [*args.posonlyargs, *args.args]
    if not positional:
        return {}
    self_name = positional[0].arg
    rebound = {n.id for n in ast.walk(init) if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))}
    params = {
        arg.arg: kind for arg in (*positional[1:], *args.kwonlyargs)
        if arg.arg not in rebound and (kind := annotated_class(arg.annotation, bound))
    }
    found: dict[str, str] = {}
    unknown: set[str] = set()
    for stmt in ast.walk(init):
        if isinstance(stmt, ast.Assign):
            targets = stmt.targets
            kind = params.get(stmt.value.id) if isinstance(stmt.value, ast.Name) else None
        elif isinstance(stmt, ast.AnnAssign):
            targets, kind = [stmt.target], annotated_class(stmt.annotation, bound)
        elif isinstance(stmt, (ast.AugAssign, ast.For, ast.AsyncFor)):
            targets, kind = [stmt.target], None
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            targets, kind = [item.optional_vars for item in stmt.items if item.optional_vars is not None], None
        else:
            continue
        for target in targets:
            for part in ast.walk(target):  # (`self.a, self.b = a, b`: each of a tuple is unknown)
                if isinstance(part, ast.Attribute) and isinstance(part.value, ast.Name) and part.value.id == self_name:
                    if part is target and kind is not None and found.get(part.attr, kind) == kind:
                        found[part.attr] = kind
                    elif isinstance(part.ctx, ast.Store):
                        unknown.add(part.attr)
    return {attr: kind for attr, kind in found.items() if attr not in unknown}


def inherited_attribute_types(qualified: str, ctx: FileContext, *, with_init: bool = False) -> dict[str, str]:
    """The annotated attributes (attr -> type, qualified) of a class of a project module and
    of its project bases (``session: Session`` on a base controller), and with ``with_init``
    those their ``__init__`` sets from an annotated parameter (:func:`_init_assigned_attributes`,
    attributes of an instance, not of the class); empty when not known."""
    return ctx.memo(
        ("project_classes.attributes", qualified, with_init), lambda: _attribute_types(qualified, ctx, 0, with_init)
    )


def _attribute_types(qualified: str, ctx: FileContext, hops: int, with_init: bool) -> dict[str, str]:
    found = _defined_in(qualified, ctx, hops)
    if found is None:
        return {}
    read, name, hops = found
    if name not in read.annotated:
        return {}
    out: dict[str, str] = {}
    for base in read.bases[name]:
        out.update(_attribute_types(base, ctx, hops + 1, with_init))
    if with_init:
        out.update(read.init_assigned[name])
    out.update(read.annotated[name])
    return out


@dataclass(frozen=True)
class AssignedValue:
    """What a method assigns to ``self.<attr>``, as far as reading tells: in ``__init__``, a
    call of a class (``APIRouter(...)``), or ``<param> or <call>`` where the parameter is
    annotated ``X | None``/``Optional[X]`` or unannotated with the default None. ``classes``:
    the class called and the annotated one; empty when unknown (anything else, or a
    method other than ``__init__``)."""

    classes: tuple[str, ...]
    keywords: frozenset[str] = frozenset()  # the keywords of the call (``**`` for an unpacking)


_UNKNOWN_VALUE = AssignedValue(())


def self_assignments(node: ast.ClassDef, bound: dict[str, str]) -> dict[str, tuple[AssignedValue, ...]]:
    """``self.<attr>`` assigned by the methods of a class -> each value assigned (a method
    named ``<attr>``, a property, counts as an unknown value)."""
    out: dict[str, list[AssignedValue]] = {}
    for method in node.body:
        if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        out.setdefault(method.name, []).append(_UNKNOWN_VALUE)
        optional = _optional_parameters(method, bound) if method.name == "__init__" else None
        for stmt in nodes_of(method, ast.Assign, ast.AnnAssign, ast.AugAssign):
            if isinstance(stmt, ast.AnnAssign) and stmt.value is None:
                continue  # `self.router: APIRouter`: a declaration
            for target in stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]:
                for attribute in nodes_of(target, ast.Attribute):  # (`self.a, self.b = ...` too)
                    if (
                        isinstance(attribute.ctx, ast.Store)  # (not `self.router` of `self.router.prefix = ...`)
                        and isinstance(attribute.value, ast.Name)
                        and attribute.value.id == "self"
                    ):
                        value = (
                            _assigned_value(stmt.value, optional, bound)
                            if attribute is target and optional is not None and isinstance(stmt, (ast.Assign, ast.AnnAssign))
                            else _UNKNOWN_VALUE
                        )
                        out.setdefault(attribute.attr, []).append(value)
    return {attr: tuple(values) for attr, values in out.items()}


def _assigned_value(value: ast.expr | None, optional: dict[str, str], bound: dict[str, str]) -> AssignedValue:
    """:class:`AssignedValue` of ``self.<attr> = value`` in ``__init__`` (``optional``: its
    parameters that may be None -> the class annotated, or "" when unannotated)."""
    annotated = None
    if (
        isinstance(value, ast.BoolOp)
        and isinstance(value.op, ast.Or)
        and len(value.values) == 2
        and isinstance(value.values[0], ast.Name)
        and value.values[0].id in optional
    ):
        annotated = optional[value.values[0].id]
        value = value.values[1]
    called = resolve_in(value.func, bound) if isinstance(value, ast.Call) else None
    if called is None:
        return _UNKNOWN_VALUE
    keywords = frozenset(kw.arg or "**" for kw in value.keywords)  # type: ignore[union-attr]
    return AssignedValue((called, annotated) if annotated else (called,), keywords)


def _optional_parameters(func: ast.FunctionDef | ast.AsyncFunctionDef, bound: dict[str, str]) -> dict[str, str]:
    """Parameters annotated ``X | None``/``Optional[X]`` (-> X, qualified) or unannotated
    with the default None (-> "")."""
    args = func.args
    positional = args.posonlyargs + args.args
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    out: dict[str, str] = {}
    for arg, default in [*zip(positional, defaults), *zip(args.kwonlyargs, args.kw_defaults)]:
        if arg.annotation is None:
            if isinstance(default, ast.Constant) and default.value is None:
                out[arg.arg] = ""
            continue
        members = _union_members(arg.annotation, bound)
        if members is None:
            continue
        classes = [m for m in members if not (isinstance(m, ast.Constant) and m.value is None)]
        if len(classes) == 1 and len(members) == 2:
            qualified = resolve_in(classes[0], bound)
            if qualified:
                out[arg.arg] = qualified
    return out



# (its bases, qualified; :func:`self_assignments`; its annotated attributes -> type, qualified)
ClassAttributes = tuple[tuple[str, ...], dict[str, tuple[AssignedValue, ...]], dict[str, str]]


def statement_attributes(node: ast.ClassDef, bound: dict[str, str]) -> ClassAttributes:
    """:data:`ClassAttributes` of a class statement, its module binding ``bound`` (name -> qualified)."""
    return _class_bases(node, bound), self_assignments(node, bound), _annotated_attributes(node, bound)


def class_attributes(qualified: str, ctx: FileContext) -> ClassAttributes | None:
    """:data:`ClassAttributes` of a class of a project module, following re-exports; None
    when not known (not a class statement of a project module, or too far)."""
    return ctx.memo(("project_classes.assigned", qualified), lambda: _class_attributes(qualified, ctx, 0))


def _class_attributes(qualified: str, ctx: FileContext, hops: int) -> ClassAttributes | None:
    found = _defined_in(qualified, ctx, hops)
    if found is None:
        return None
    read, name, _hops = found
    if name not in read.assigned:
        return None
    return read.bases[name], read.assigned[name], read.annotated[name]


def class_own_names(node: ast.ClassDef) -> set[str]:
    """The names a class body defines: methods, nested classes, assigned and annotated names."""
    names: set[str] = set()
    for stmt in module_level_statements(node.body):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(stmt.name)
        elif isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    names.add(target.id)
                elif isinstance(target, ast.Tuple):  # `created_at, updated_at = Column(...), Column(...)`
                    names.update(e.id for e in target.elts if isinstance(e, ast.Name))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            names.add(stmt.target.id)
    return names


def module_level_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements that run at module level, looking into if/try/with blocks."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.If, ast.Try, ast.With, ast.AsyncWith, ast.For, ast.While)) or (
            type(stmt).__name__ == "TryStar"
        ):
            for name in ("body", "orelse", "finalbody"):
                yield from module_level_statements(getattr(stmt, name, []))
            for handler in getattr(stmt, "handlers", []):
                yield from module_level_statements(handler.body)


def absolute_module(stmt: ast.ImportFrom, package: str) -> str | None:
    """The module a ``from ... import`` reads from, relative ones resolved against ``package``."""
    if not stmt.level:
        return stmt.module
    parts = package.split(".") if package else []
    if stmt.level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (stmt.level - 1)]
    return ".".join(base + ([stmt.module] if stmt.module else [])) or None


external_clear_too(_read.cache_clear)

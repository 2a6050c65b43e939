"""Which expressions hold a SQLAlchemy session (RULES.md, "A session").

A session is a name annotated ``AsyncSession``/``Session`` (through imports,
``Optional``/``| None``/``Annotated`` included, and module-level aliases such as
``SessionDep = Annotated[AsyncSession, Depends(get_db)]``, or an imported alias
named by convention: ``SessionDep``, ``AsyncSessionDep``, ``DbSession``); a parameter whose
default is ``Depends(<session provider>)``, or annotated ``Annotated[X, Depends(<session
provider>)]``, unless its type (``X``) names another class (a provider: a function of the
module annotated to return or yield a session, or one named like one, ``get_db``, unless its
return annotation, read where it is defined, names another class); an attribute ``self.x`` assigned
from one of those (or annotated as one in the class body), in the class or a base
(a base of another project module read there: its class-body annotations and what its
``__init__`` sets from a parameter annotated as a session); a class attribute annotated as
one (``session: ClassVar[scoped_session[Session]]``, ``scoped_session[...]`` and
``ClassVar[...]`` resolved through imports) reached as ``cls.x`` in a classmethod of the
class or as ``ClassName.x`` of a project class; or the target of
``async with <factory>() as s`` / ``s = <factory>()`` where the factory is a
``sessionmaker``/``async_sessionmaker`` result (of the module, or bound once in the
function: ``factory = sessionmaker(bind=engine)``) or ``AsyncSession``/``Session``; or the
target of ``async with engine.core_session() as s`` (``with`` for the sync form) where the
callee is a context manager of this or another project module (a function, or a method of a
class reached through the class or a module-level instance, or ``self.<method>()`` /
``cls.<method>()`` in a method of a class that defines it or inherits it) decorated
``@asynccontextmanager`` and annotated to yield a session, or a plain ``def`` annotated to
return one (``def _session(self) -> AsyncSession``: a session is its own context manager),
also as ``s = self._session()`` (the target of an assignment in a function, or ``self.x``
in a method), and an ``async def`` one as ``s = await self._session()`` (never entered
with ``with``: its call is a coroutine) (read there, see
:func:`project_classes.context_manager_yield`).

:func:`holds_session` (used by the LL3xx rules) also accepts a module-level
session (``db_session = scoped_session(...)``) not rebound in the enclosing
functions, a call that opens one (``SessionLocal().query(...)``), and a call that returns
one, read as the assignment above (``self.get_session().query(...)``,
``object_session(self).query(...)``);
:func:`is_session` keeps its narrower meaning.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from functools import lru_cache
from typing import Any, Callable, Container

from layerlint.context import FUNCTION_TYPES, SCOPE_TYPES, FileContext
from layerlint.external import clear_too as external_clear_too
from layerlint.facts.names import dotted_root, import_bindings, own_bindings, resolve_in, scope_locals
from layerlint.facts.project_classes import (
    ANNOTATED,
    AWAITED,
    CLASS_VARS,
    CLIENT_PACKAGES,
    CONTEXT_MANAGERS,
    GENERATOR_TYPES,
    RETURNED,
    SESSION_PROVIDER_NAME_RE,
    UNKNOWN_BASE,
    assigned_values,
    built_by,
    built_class,
    context_manager_yield,
    defining_name,
    first_type_argument,
    function_returns_call_of,
    gives_items,
    gives_items_at,
    gives_request_attribute,
    given_import,
    inherited_attribute_types,
    instance_class,
    method_context_manager,
    method_definer,
    module_calls,
    module_level_statements,
    outside_bases,
    parsed_annotation,
    project_ancestors,
    provided_class,
    read_outside_bases,
    rebound_at_top,
    returned_callee,
    scope_bindings,
    statement_bindings,
    star_import_statements,
    star_sources,
    star_imported_name,
    top_level_bindings,
    tuple_elements,
    tuple_returned,
)
from layerlint.facts.sqlalchemy import base_expr
from layerlint.facts.typing import is_none_constant
from layerlint.parse import parse_quietly
from layerlint.walk import nodes_of, statements

SESSION_TYPES = frozenset({
    "sqlalchemy.ext.asyncio.AsyncSession",
    "sqlalchemy.ext.asyncio.session.AsyncSession",
    "sqlalchemy.ext.asyncio.async_scoped_session",
    "sqlalchemy.orm.Session",
    "sqlalchemy.orm.session.Session",
    "sqlalchemy.orm.scoped_session",
    "sqlmodel.Session",
    "sqlmodel.orm.session.Session",
    "sqlmodel.ext.asyncio.session.AsyncSession",
})
SESSION_FACTORIES = frozenset({
    "sqlalchemy.ext.asyncio.async_sessionmaker",
    "sqlalchemy.ext.asyncio.session.async_sessionmaker",
    "sqlalchemy.orm.sessionmaker",
    "sqlalchemy.orm.session.sessionmaker",
})
DEPENDS = frozenset({"fastapi.Depends", "fastapi.params.Depends"})
_TYPING_WRAPPERS = ("Optional", "Annotated", "Union")
# conventional names of session providers (``Depends(get_db)``) and factories
_PROVIDER_RE = SESSION_PROVIDER_NAME_RE
# conventional names of imported session annotation aliases (``from app.deps import SessionDep``)
_ALIAS_RE = re.compile(r"^(Async)?(Db|DB)?Session(Dep|Dependency)$|^(Async)?(Db|DB)Session$")
_FACTORY_RE = re.compile(r"^(Async)?SessionLocal$|session_?factory$|session_?maker$", re.IGNORECASE)


def _annotation_types(node: ast.AST | None) -> list[ast.AST]:
    """The types an annotation names, looking through Optional/Union/Annotated/``|``."""
    out: list[ast.AST] = []
    stack = [node] if node is not None else []
    while stack:
        item = stack.pop()
        if isinstance(item, ast.Constant) and isinstance(item.value, str):
            try:
                stack.append(parse_quietly(item.value, mode="eval").body)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                pass
        elif isinstance(item, ast.BinOp) and isinstance(item.op, ast.BitOr):
            stack.extend((item.left, item.right))
        elif isinstance(item, ast.Subscript):
            head = item.value
            head_name = head.attr if isinstance(head, ast.Attribute) else getattr(head, "id", "")
            if head_name in _TYPING_WRAPPERS:
                inner = item.slice
                elts = inner.elts if isinstance(inner, ast.Tuple) else [inner]
                stack.extend(elts[:1] if head_name == "Annotated" else elts)
            else:
                out.append(item)
        else:
            out.append(item)
    return out


def _session_aliases(ctx: FileContext) -> _NameSet:
    """Module-level names bound to a session type (``SessionDep = Annotated[AsyncSession, ...]``),
    or to another such name (``DB = SessionDep``, that one imported or not), or to
    ``Annotated[Any, Depends(get_database)]`` whose dependency yields a session (decided when
    asked: whether it does reads the module's annotations, these aliases among them)."""
    names: set[str] = set()
    renames: dict[str, str] = {}
    provided: dict[str, list[ast.expr]] = {}  # `Database = Annotated[Any, Depends(...)]` -> its metadata
    for stmt in ctx.tree.body:
        target = value = None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target, value = stmt.targets[0], stmt.value
        elif isinstance(stmt, ast.AnnAssign):
            target, value = stmt.target, stmt.value
        elif hasattr(ast, "TypeAlias") and isinstance(stmt, ast.TypeAlias):  # 3.12 ``type X = ...``
            target, value = stmt.name, stmt.value
        if isinstance(target, ast.Name) and value is not None:
            if any(ctx.resolve(base_expr(t)) in SESSION_TYPES for t in _annotation_types(value)):
                names.add(target.id)
            elif isinstance(value, ast.Name) and value.id != target.id:
                renames[target.id] = value.id  # `DB = SessionDep`: another name of an alias
            elif (metadata := _untyped_annotated_metadata(value, ctx)) is not None:
                provided[target.id] = metadata
    rebound = rebound_at_top(ctx) if renames or provided else frozenset()
    deciding: set[str] = set()

    def imported_alias(local: str, qualified: str) -> bool:
        if local in provided:
            if local in rebound or local in deciding:
                return False
            deciding.add(local)
            try:
                return any(is_session_provider(item, ctx) for item in provided[local])
            finally:
                deciding.discard(local)
        # ``from app.dependencies.auth import SessionDep`` where that module defines the alias;
        # type aliases are CapWords, and reading another module costs a parse: ask only for those
        if local in renames:  # (a name bound once at the top level, to another name)
            if local in rebound or local in deciding or len(deciding) > _MAX_RENAMES:
                return False  # (a cycle of renames, or a chain too long to follow)
            deciding.add(local)
            try:
                named = renames[local]
                # (the set read again through the memo: a closure holding it would be a cycle)
                known = ctx.memo("sessions.aliases", lambda: _session_aliases(ctx))
                return named in known or (named in ctx.imports and _spelled_alias(ctx.imports[named], ctx))
            finally:
                deciding.discard(local)
        return local[:1].isupper() and any(
            name.rpartition(".")[2] in _imported_module_facts(name, ctx)[1]
            for name, _path in ctx.reexport_hops(qualified, 4)
        )

    return _NameSet(names, {**renames, **dict.fromkeys(provided, "")}, imported_alias, lambda: ctx.imports)


_MAX_RENAMES = 20


def _annotated_any_providers(value: ast.expr, imports: dict[str, str]) -> list[str] | None:
    """The names of the dependencies of ``Annotated[Any, Depends(get_database)]`` in another
    module (plain names, its own functions), or None when the value is not of that form."""
    if not (isinstance(value, ast.Subscript) and resolve_in(value.value, imports) in ANNOTATED):
        return None
    inner = value.slice
    if not (isinstance(inner, ast.Tuple) and len(inner.elts) > 1 and resolve_in(inner.elts[0], imports) in _ANY_TYPES):
        return None
    return [
        item.args[0].id for item in inner.elts[1:]
        if isinstance(item, ast.Call) and resolve_in(item.func, imports) in DEPENDS
        and len(item.args) == 1 and isinstance(item.args[0], ast.Name)
    ]


def _annotated_session_providers(body: list[ast.stmt], imports: dict[str, str]) -> set[str]:
    """Top-level functions of a module annotated to return or yield a session
    (``def get_database() -> Iterator[Session]``)."""
    found = set()
    for stmt in body:
        if isinstance(stmt, FUNCTION_TYPES) and stmt.returns is not None:
            returns = stmt.returns
            if isinstance(returns, ast.Subscript) and resolve_in(returns.value, imports) in GENERATOR_TYPES:
                returns = first_type_argument(returns)
            if any(resolve_in(base_expr(t), imports) in SESSION_TYPES for t in _annotation_types(returns)):
                found.add(stmt.name)
    return found


def _untyped_annotated_metadata(value: ast.expr, ctx: FileContext) -> list[ast.expr] | None:
    """The metadata of ``Annotated[Any, ...]``: a type that says nothing, so that a
    ``Depends(...)`` there decides what it gives; else None."""
    if not (isinstance(value, ast.Subscript) and ctx.resolve(value.value) in ANNOTATED):
        return None
    inner = value.slice
    if not (isinstance(inner, ast.Tuple) and len(inner.elts) > 1):
        return None
    return inner.elts[1:] if ctx.resolve(inner.elts[0]) in _ANY_TYPES else None


def is_session_annotation(annotation: ast.AST | None, ctx: FileContext) -> bool:
    if annotation is None:
        return False
    aliases = ctx.memo("sessions.aliases", lambda: _session_aliases(ctx))
    for item in _annotation_types(annotation):
        if isinstance(item, ast.Subscript) and ctx.resolve(item.value) in CLASS_VARS:
            if is_session_annotation(item.slice, ctx):  # `session: ClassVar[Session]` in a class body
                return True
            continue
        qualified = ctx.resolve(base_expr(item))  # (`scoped_session[Session]`: a scoped session)
        if qualified in SESSION_TYPES or (qualified is not None and _reexported_session(qualified, ctx)):
            return True
        if isinstance(item, ast.Name) and (
            item.id in aliases or (item.id in ctx.imports and _spelled_alias(ctx.imports[item.id], ctx))
        ):
            return True
        if isinstance(item, ast.Attribute) and qualified is not None and _module_attribute_alias(qualified, ctx):
            return True  # (`deps.SessionDep` after `from app.api import deps`)
    return False


def _module_attribute_alias(qualified: str, ctx: FileContext) -> bool:
    """A session alias read as an attribute of an imported module (``deps.SessionDep``): one a
    project module defines (read there, re-exports followed), or one of outside the project
    named as session aliases are."""
    if not qualified.rpartition(".")[2][:1].isupper():
        return False
    if not ctx.is_first_party(qualified):
        return _spelled_alias(qualified, ctx)
    return any(
        name.rpartition(".")[2] in _imported_module_facts(name, ctx)[1] for name, _path in ctx.reexport_hops(qualified, 4)
    )


def _spelled_alias(qualified: str, ctx: FileContext) -> bool:
    """An alias imported from outside the project (its module is no project file, so it
    cannot be read) named as session aliases are (``DbSession``, ``AsyncSessionDep``)? One of
    a project module is read there instead (:func:`_session_aliases`): its name does not
    decide (``SessionDep = Annotated[WebSession, ...]``)."""
    module, _, last = qualified.rpartition(".")
    return _ALIAS_RE.match(last) is not None and not (module and ctx.module_source_path(module))


def _reexported_session(qualified: str, ctx: FileContext) -> bool:
    """``from app.db import AsyncSession`` where app/db.py imports SQLAlchemy's (a re-export)
    or subclasses it; another module is read only for a class named like a session."""
    last = qualified.rpartition(".")[2]
    if "Session" not in last or not last[:1].isupper() or qualified.partition(".")[0] in _SA_TOPS:
        return False
    return bool(outside_bases(qualified, ctx) & SESSION_TYPES)


_SA_TOPS = frozenset({"sqlalchemy", "sqlmodel"})


def _local_providers(ctx: FileContext) -> tuple[frozenset[str], frozenset[str]]:
    """Functions of this module whose return annotation yields a session, and those whose
    return annotation names, or yields, another class (``-> AsyncIterator[httpx.AsyncClient]``)
    or, without one, that return or yield only calls of another class (fastapi-users'
    ``yield SQLAlchemyUserDatabase(session, User)``: :func:`_builds_other_class`) or items of
    a container (``yield client["app"]``: :func:`gives_items`)."""
    sessions, others = set(), set()
    for stmt in ctx.tree.body:
        if isinstance(stmt, FUNCTION_TYPES) and stmt.returns is None and _PROVIDER_RE.search(stmt.name):
            built = built_class(stmt, ctx.resolve, ctx.memo("sessions.module_calls", lambda: module_calls(ctx.tree.body)))
            if built is None and (given := given_import(stmt, ctx.imports)) is not None:
                built = instance_class(given, ctx)  # (`yield shared_client`, imported: read there)
            if (
                _builds_other_class(built, ctx) if built is not None
                else gives_items(stmt) or gives_request_attribute(stmt, ctx.resolve)
            ):
                others.add(stmt.name)
        elif isinstance(stmt, FUNCTION_TYPES):
            returns = stmt.returns
            # AsyncIterator[AsyncSession], AsyncGenerator[AsyncSession, None], Generator[Session, ...]
            if isinstance(returns, ast.Subscript):
                returns = first_type_argument(returns)
            if is_session_annotation(returns, ctx):
                sessions.add(stmt.name)
            elif _other_type(_provided_annotation(stmt.returns, ctx), ctx):
                others.add(stmt.name)
    return frozenset(sessions), frozenset(others)


def _provided_annotation(returns: ast.expr, ctx: FileContext) -> ast.expr | None:
    """What a return annotation gives ``Depends(f)``: the annotation, or the type a generator
    annotation yields (``AsyncIterator[X]``, ``Generator[X, None, None]``); None for another
    subscript."""
    if not isinstance(returns, ast.Subscript):
        # a bare `-> Generator` says nothing of what it yields
        return None if ctx.resolve(returns) in GENERATOR_TYPES else returns
    return first_type_argument(returns) if ctx.resolve(returns.value) in GENERATOR_TYPES else None


def is_session_provider(node: ast.AST, ctx: FileContext) -> bool:
    """``Depends(get_db)``: the dependency callable yields a session."""
    if not (isinstance(node, ast.Call) and ctx.resolve(node.func) in DEPENDS):
        return False
    dependency = node.args[0] if node.args else next(
        (kw.value for kw in node.keywords if kw.arg == "dependency"), None
    )
    return dependency is not None and _provides_session(dependency, ctx)


def _provides_session(dependency: ast.expr, ctx: FileContext) -> bool:
    """Does a dependency callable (``get_db``) yield a session: a function of the module or
    of a project module annotated so (``def get_database() -> Iterator[Session]``, read
    there), or one named like a provider whose annotation names no other class?"""
    if isinstance(dependency, ast.Name):
        sessions, others = ctx.memo("sessions.providers", lambda: _local_providers(ctx))
        if dependency.id in sessions:
            return True
        if dependency.id in others and dependency.id not in ctx.imports:
            return False  # its return annotation names another class: its name does not decide
    last = dependency.attr if isinstance(dependency, ast.Attribute) else getattr(dependency, "id", "")
    qualified = ctx.resolve(dependency)
    if not _PROVIDER_RE.search(last):
        return (
            qualified is not None and ctx.is_first_party(qualified)
            and _names_session_type(provided_class(qualified, ctx) or "", ctx)
        )
    return not (qualified and ctx.is_first_party(qualified) and _provides_other_class(qualified, ctx))


def _provides_other_class(provider: str, ctx: FileContext) -> bool:
    """Is a project module's provider annotated to return or yield a class known not to be a
    session (``-> AsyncIterator[httpx.AsyncClient]``; read there), or, without an annotation,
    does it return or yield only calls of one (:func:`_builds_other_class`)?"""
    provided = provided_class(provider, ctx)
    if provided is None:
        built = built_by(provider, ctx)
        return _builds_other_class(built, ctx) if built is not None else gives_items_at(provider, ctx)
    if provided in _ANY_TYPES or _names_session_type(provided, ctx):
        return False
    if ctx.is_first_party(provided):  # a project class: not one derived from a session
        return _project_class_not_session(provided, ctx)
    return True


def _builds_other_class(callee: str, ctx: FileContext) -> bool:
    """Is ``callee``, which a provider returns or yields calls of, a class known not to be a
    session: a project class whose bases are all known and none a session, a name of a
    client package (``aiohttp.ClientSession``), or another package's name spelled as a class
    (``SQLAlchemyUserDatabase``) that names no session or session factory? (A call of a
    factory, ``SessionLocal()``, gives a session.)"""
    last = callee.rpartition(".")[2]
    if callee.partition(".")[0] in CLIENT_PACKAGES:
        return True  # (`aiohttp.ClientSession`, `requests.Session`: an HTTP session)
    if _names_session_type(callee, ctx) or "session" in last.lower() or _FACTORY_RE.search(last):
        return False
    if ctx.is_first_party(callee):
        return _project_class_not_session(callee, ctx)
    return last[:1].isupper()


def _project_class_not_session(qualified: str, ctx: FileContext) -> bool:
    """Is a project class, read there, one whose outside bases are all known and none a session?"""
    bases = read_outside_bases(qualified, ctx)
    return bases is not None and UNKNOWN_BASE not in bases and not bases & SESSION_TYPES


class _NameSet:
    """Names with a property: those known at once (this module binds them itself), and
    candidates (names its imports bind, to what; or names a function assigns calls or
    ``self.<attr>`` to, the values) decided name by name when asked about (deciding one may
    parse another module, and most names are never asked about). With ``live`` (the walk's
    import table), an imported name is decided by what that table binds it to when asked,
    each binding in its turn: a handler's own import (``from app.database import
    async_session`` in its body), not what the table said when the set was made (review 99:
    made while a handler's defaults were read, before its body's import)."""

    __slots__ = ("_known", "_candidates", "_decide", "_decided", "_live")

    def __init__(
        self, known: set[str], candidates: dict[str, Any], decide: Callable[[str, Any], bool],
        live: Callable[[], dict[str, str]] | None = None,
    ) -> None:
        self._known = known
        self._candidates = candidates
        self._decide = decide
        self._decided: dict[Any, bool] = {}  # (by name, or by (name, binding) with ``live``)
        self._live = live

    def __contains__(self, name: object) -> bool:
        if self._live is not None:
            bound = self._live().get(name)  # type: ignore[arg-type]
            if bound is not None:  # (a handler's own import wins over the module's name: review 106)
                return self.decides(name, bound)  # type: ignore[arg-type]
        if name in self._known:
            return True
        candidate = self._candidates.get(name)  # type: ignore[arg-type]
        if candidate is None:
            return False
        found = self._decided.get(name)
        if found is None:
            found = self._decided[name] = self._decide(name, candidate)  # type: ignore[arg-type]
        return found

    def known(self, name: str) -> bool:
        """Is ``name`` one the module binds itself so (no import decides it)?"""
        return name in self._known

    def decides(self, name: str, binding: str) -> bool:
        """Is ``name`` one where an import binds it to ``binding``?"""
        key = (name, binding)
        found = self._decided.get(key)
        if found is None:
            found = self._decided[key] = self._decide(name, binding)
        return found


class _TopLevelView:
    """A set of names as the module's own functions see them, judged wherever the walk is
    (a helper's body read from a handler: review 104): the names known, and those the
    module's top-level imports bind (not a handler's own imports, which are no helper's)."""

    __slots__ = ("_names", "_table")

    def __init__(self, names: _NameSet, table: dict[str, str]) -> None:
        self._names = names
        self._table = table

    def __contains__(self, name: object) -> bool:
        if name in self._names._known:
            return True
        bound = self._table.get(name)  # type: ignore[arg-type]
        return bound is not None and self._names.decides(name, bound)  # type: ignore[arg-type]


def _module_factories(ctx: FileContext) -> _NameSet:
    names = _assigned_factories(ctx)

    def imported_factory(local: str, qualified: str) -> bool:
        if _named_like_factory(qualified):
            # (unless what it is can be read: `client_session_factory() -> aiohttp.ClientSession`)
            return not (ctx.is_first_party(qualified) and _project_function_gives_another(qualified, ctx))
        return _calls_project_name(ctx, local, qualified) and _imported_factory(qualified, ctx)

    factories = _NameSet(names, {}, imported_factory, lambda: ctx.imports)
    # (the set of known names grows by the context managers found with it; the module's
    # functions read as its top level sees them)
    top = _TopLevelView(factories, ctx.module_imports())
    names |= _session_context_managers(ctx.tree.body, ctx.resolve, top)
    names |= _session_returning_functions(ctx.tree.body, ctx.resolve, top) - rebound_at_top(ctx)
    names |= _instance_context_managers(ctx.tree.body, ctx.resolve, top)
    return factories


def _assigned_factories(ctx: FileContext) -> set[str]:
    """``SessionLocal = sessionmaker(...)`` at the top level of this module."""
    names = set()
    for stmt in ctx.tree.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, ast.Call):
            if ctx.resolve(stmt.value.func) in SESSION_FACTORIES:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


_FACTORY_MAKERS = frozenset(name.rpartition(".")[2] for name in SESSION_FACTORIES)
# the end of a conventional factory name (its start is found by scanning back: a leading
# ``\w*`` would make the regex engine try every position of the file)
_FACTORY_END_RE = re.compile(r"sessionlocal\b|session_?factory\b|session_?maker\b", re.IGNORECASE)
_WORD_START_RE = re.compile(r"\w*\Z")


def _factory_words(source: str) -> set[str]:
    """The identifiers of ``source`` that end like a conventional session factory name."""
    words = set()
    for match in _FACTORY_END_RE.finditer(source):
        start = match.start()
        head = _WORD_START_RE.search(source, max(0, start - 80), start)
        words.add(source[head.start() if head else start : match.end()])
    return words


def _named_like_factory(qualified: str) -> bool:
    """``SessionLocal``, ``session_factory``, ``async_session_maker``: a factory by convention
    (``sessionmaker`` itself makes factories, not sessions)."""
    last = qualified.rpartition(".")[2]
    return last not in _FACTORY_MAKERS and _FACTORY_RE.search(last) is not None


def _calls_project_name(ctx: FileContext, local: str, qualified: str) -> bool:
    """A project module's name this file calls, or calls ``.begin()`` on (a factory's
    session in a transaction: ``async with make_session.begin() as s``): only such a name
    can open a session, and that it does is read from the other module (test this first:
    it reads nothing)."""
    if not ctx.is_first_party(qualified):  # (first: most imports are a library's, and the text is long)
        return False
    source = ctx.source
    return f"{local}(" in source or f"{local}.begin(" in source


def factory_spellings(ctx: FileContext) -> set[str]:
    """A superset of the names :func:`session_factories` holds, and of the conventional names
    a function binds, without reading other modules."""
    names = _assigned_factories(ctx)
    names.update(word for word in _factory_words(ctx.source) if _named_like_factory(word))
    if "sessionmaker" in ctx.source:  # `self.<attr> = async_sessionmaker(...)` spells it
        for node in ctx.all_statements:
            if isinstance(node, ast.ClassDef):
                names.update(class_factory_attrs(node, ctx))
            elif (  # `factory = async_sessionmaker(...)` in a function (calls_local_factory)
                isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
                and ctx.resolve(node.value.func) in SESSION_FACTORIES
            ):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    names.update(
        local
        for local, qualified in ctx.imports.items()
        if _named_like_factory(qualified) or _calls_project_name(ctx, local, qualified)
    )
    names.update(func.name for func in _context_manager_candidates(ctx.tree.body, ctx.resolve))
    names.update(func.name for func in _returning_candidates(ctx.tree.body))
    names.update(  # (`db_registry.async_session()`: an instance's context manager method)
        local for local, qualified in ctx.imports.items() if f"{local}." in ctx.source and ctx.is_first_party(qualified)
    )
    names.update(
        dotted.partition(".")[0]
        for dotted in _instance_context_managers(ctx.tree.body, ctx.resolve, _assigned_factories(ctx))
    )
    if "next(" in ctx.source:  # `next(get_db())`, a provider of the module's (opens_session)
        names.update(("next", "anext"))
    names.update(_ITERATED_CALL_RE.findall(ctx.source))  # (`async for session in get_session():`)
    return names


# the callee of a call a `for` loop iterates (`for db in get_db():`)
_ITERATED_CALL_RE = re.compile(r"\bin[ \t]+(\w+)\(")


def iterates_provider(loop: ast.For | ast.AsyncFor, ctx: FileContext) -> ast.Call | None:
    """The call of a dependency that yields a session a loop iterates by hand (``async for
    session in get_session():``, ``for db in get_db():``: its first value is the session
    ``Depends`` would give), else None."""
    call = loop.iter
    if isinstance(call, ast.Call) and isinstance(call.func, (ast.Name, ast.Attribute)):
        if _provider_gives_session(call.func, ctx):
            return call
    return None


def _returning_candidates(body: list[ast.stmt]) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """The module's undecorated functions of no parameters whose body only returns a call
    (:func:`returned_callee`)."""
    return [
        stmt for stmt in body
        if isinstance(stmt, FUNCTION_TYPES) and not stmt.decorator_list and returned_callee(stmt) is not None
    ]


def _session_returning_functions(
    body: list[ast.stmt], resolve: Callable[[ast.AST], str | None], factories: Container[str],
    kind: type[ast.FunctionDef] | type[ast.AsyncFunctionDef] = ast.FunctionDef,
) -> set[str]:
    """Functions of no parameters whose body only returns a new session (``def
    new_session() -> AsyncSession: return AsyncSession(engine, expire_on_commit=False)``, or
    ``return SessionLocal()``): each call opens one, as a factory's does. Of ``kind``: an
    ``async def``'s call gives a coroutine, which opens one once awaited (``session = await
    new_session()``: :func:`awaited_factories`). (Not a decorated one, ``@lru_cache`` may
    hand out the same session.)"""
    found = set()
    for func in _returning_candidates(body):
        if not isinstance(func, kind):
            continue
        callee = returned_callee(func)
        if resolve(callee) in SESSION_TYPES or (isinstance(callee, ast.Name) and callee.id in factories):
            found.add(func.name)
    return found


def _session_context_managers(
    body: list[ast.stmt], resolve: Callable[[ast.AST], str | None], factories: Container[str]
) -> set[str]:
    """``@(async)contextmanager`` functions that open a session from a factory (or a session
    class) and yield it: ``async with factory() as db`` around the ``yield``, or ``db =
    factory()`` then ``yield db`` (the ``session_scope()`` recipe); ``with get_db_session() as
    db`` then opens a session as surely as the factory does."""
    candidates = _context_manager_candidates(body, resolve)
    found: set[str] = set()
    if not candidates:
        return found
    through_method = _module_method_opener(body, resolve, factories)

    def opener(func: ast.FunctionDef | ast.AsyncFunctionDef) -> Callable[[ast.AST], bool]:
        local: dict[str, ast.expr] | None = None  # (`engine = get_engine()`, then `engine.session()`)
        own: dict[str, object] | None = None
        assigned: dict[str, list[ast.expr]] | None = None

        def is_factory(value: ast.expr) -> bool:
            return _makes_sessions(value, resolve, factories, found)

        def opens(node: ast.AST) -> bool:
            nonlocal local, own, assigned
            if not isinstance(node, ast.Call):
                return False
            callee = node.func
            if isinstance(callee, ast.Name):
                if own is None:
                    own = _own_bindings_and_imports(func)
                if callee.id in own:  # (its own binding of a module factory's name decides)
                    bound = own[callee.id]
                    if isinstance(bound, str):  # (its own import)
                        return bound in SESSION_TYPES or _import_decides(factories, callee.id, bound)
                    if assigned is None:
                        assigned = _assigned_in(func)
                    values = assigned.get(callee.id, [])
                    if isinstance(bound, ast.arg):  # (a parameter: annotated or named a factory, or defaulting to one)
                        default = _parameter_default(func, bound)
                        if (
                            _factory_annotation(bound.annotation, resolve) or _named_like_factory(bound.arg)
                            or (default is not None and is_factory(default))
                        ):
                            return True
                    return bool(values) and all(is_factory(value) for value in values)
            if resolve(callee) in SESSION_TYPES or (
                isinstance(callee, ast.Name) and (callee.id in factories or callee.id in found)
            ):
                return True
            if not isinstance(callee, ast.Attribute):
                return False
            if isinstance(callee.value, ast.Name):
                if local is None:
                    local = _calls_bound_once(func)
                bound = local.get(callee.value.id)
                if bound is not None:
                    callee = ast.Attribute(value=bound, attr=callee.attr, ctx=ast.Load())
            return through_method(callee)

        return opens

    changed = True
    while changed:
        changed = False
        for func in candidates:
            if func.name not in found and _manages_opened_session(func, opener(func)):
                found.add(func.name)
                changed = True
    return found


def _own_bindings_and_imports(func: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, object]:
    """The names a function binds itself (names.own_bindings) -> what its own absolute import
    binds each to (the qualified name), the parameter (its ``ast.arg``: its annotation and
    default tell), or None for any other binding (an assignment, a relative import: ``from
    app.cache import async_session`` or ``async_session = cache.async_session`` in a context
    manager is not the module's factory of that name: review 106)."""
    names: dict[str, object] = dict.fromkeys(own_bindings(func))
    args = func.args
    for param in (*args.posonlyargs, *args.args, *args.kwonlyargs):
        if names.get(param.arg, "") is None:
            names[param.arg] = param
    nested = (*FUNCTION_TYPES, ast.ClassDef)
    for stmt in statements(func.body, descend=lambda stmt: not isinstance(stmt, nested)):
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            for local, qualified in import_bindings(stmt):
                if local is not None and qualified is not None and local in names:
                    names[local] = qualified
    return names


def _makes_sessions(
    value: ast.expr, resolve: Callable[[ast.AST], str | None], factories: Container[str], found: set[str]
) -> bool:
    """A value a context manager binds a name to that makes sessions: a factory made there
    (``sessionmaker(bind=engine)``), the module's, or a fallback on one (``x or
    SessionLocal``). (A module-level function: a closure calling itself is a reference cycle.)"""
    if isinstance(value, ast.Call):
        return resolve(value.func) in SESSION_FACTORIES
    if isinstance(value, ast.Name):
        return value.id in factories or value.id in found
    if isinstance(value, ast.BoolOp):
        return any(_makes_sessions(part, resolve, factories, found) for part in value.values)
    if isinstance(value, ast.IfExp):
        return _makes_sessions(value.body, resolve, factories, found) or _makes_sessions(
            value.orelse, resolve, factories, found
        )
    return False


def _assigned_in(func: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, list[ast.expr]]:
    """The values a function's own statements bind each name to (project_classes.assigned_values)."""
    nested = (*FUNCTION_TYPES, ast.ClassDef)
    return assigned_values(func, list(statements(func.body, descend=lambda stmt: not isinstance(stmt, nested))))


def _parameter_default(func: ast.FunctionDef | ast.AsyncFunctionDef, param: ast.arg) -> ast.expr | None:
    args = func.args
    if param in args.kwonlyargs:
        return args.kw_defaults[args.kwonlyargs.index(param)]
    positional = [*args.posonlyargs, *args.args]
    at = positional.index(param) - (len(positional) - len(args.defaults))
    return args.defaults[at] if at >= 0 else None


def _factory_annotation(annotation: ast.expr | None, resolve: Callable[[ast.AST], str | None]) -> bool:
    """``async_sessionmaker[AsyncSession]`` or ``sessionmaker``, also ``| None`` or in an
    ``Optional[...]``: a factory's type."""
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return _factory_annotation(annotation.left, resolve) or _factory_annotation(annotation.right, resolve)
    if isinstance(annotation, ast.Subscript):
        if resolve(annotation.value) in ("typing.Optional", "typing.Union") and annotation.slice is not None:
            inner = annotation.slice
            parts = inner.elts if isinstance(inner, ast.Tuple) else [inner]
            return any(_factory_annotation(part, resolve) for part in parts)
        annotation = annotation.value
    return annotation is not None and resolve(annotation) in SESSION_FACTORIES


def _import_decides(factories: Container[str], name: str, qualified: str) -> bool:
    """Do ``factories`` (of a module being linted) find that an import binding ``name`` to
    ``qualified`` binds a factory? (A plain set, read from another module, knows none.)"""
    view = factories._names if isinstance(factories, _TopLevelView) else factories
    return isinstance(view, _NameSet) and view.decides(name, qualified)


def _calls_bound_once(func: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, ast.expr]:
    """The names a function binds once, by assigning a call (``engine = get_engine()``; not
    ``with X() as engine``, which binds what ``__enter__`` returns) -> the call."""
    nested = (*FUNCTION_TYPES, ast.ClassDef)
    body = list(statements(func.body, descend=lambda stmt: not isinstance(stmt, nested)))
    entered = {
        item.optional_vars.id for stmt in body if isinstance(stmt, (ast.With, ast.AsyncWith))
        for item in stmt.items if isinstance(item.optional_vars, ast.Name)
    }
    return {
        name: values[0] for name, values in assigned_values(func, body).items()
        if len(values) == 1 and isinstance(values[0], ast.Call) and name not in entered
    }


def _module_method_opener(
    body: list[ast.stmt], resolve: Callable[[ast.AST], str | None], factories: Container[str]
) -> Callable[[ast.Attribute], bool]:
    """Does ``<receiver>.<method>`` name a context manager method of a class of the module
    that opens a session from factories the class itself settles (:func:`_opening_methods`),
    on a top-level instance of it bound once (``_engine.session()``) or on what a top-level
    function returns by its annotation (``get_engine().session()``, ``def get_engine() ->
    DatabaseEngine``)? Read when first asked (a module's own
    ``@contextmanager`` function wrapping the class's: lightly-studio's ``session()``)."""
    receivers: dict[tuple[str, bool], str] | None = None  # (name, called) -> its class
    methods: set[str] = set()

    def read() -> dict[tuple[str, bool], str]:
        methods.update(name for name, (_, own) in _opening_methods(body, resolve, factories).items() if own)
        classes = {name.partition(".")[0] for name in methods}
        if not classes:
            return {}
        rebound = top_level_bindings(body)[1]
        found: dict[tuple[str, bool], str] = {(cls, True): cls for cls in classes - rebound}  # (`Engine().session()`)
        for stmt in body:
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, ast.Call):
                callee = stmt.value.func
                if isinstance(callee, ast.Name) and callee.id in classes:
                    for target in stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]:
                        if isinstance(target, ast.Name) and target.id not in rebound:
                            found[(target.id, False)] = callee.id
            elif isinstance(stmt, FUNCTION_TYPES) and not isinstance(stmt, ast.AsyncFunctionDef):
                returns = parsed_annotation(stmt.returns) if stmt.returns is not None else None
                if isinstance(returns, ast.Name) and returns.id in classes and stmt.name not in rebound:
                    found[(stmt.name, True)] = returns.id
        return found

    def opens(func: ast.Attribute) -> bool:
        nonlocal receivers
        receiver = func.value
        if isinstance(receiver, ast.Name):
            key = (receiver.id, False)
        elif isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name):
            key = (receiver.func.id, True)
        else:
            return False
        if receivers is None:
            receivers = read()
        cls = receivers.get(key)
        return cls is not None and f"{cls}.{func.attr}" in methods

    return opens


def _instance_context_managers(
    body: list[ast.stmt], resolve: Callable[[ast.AST], str | None], factories: Container[str]
) -> set[str]:
    """``<instance>.<method>`` for each ``@(async)contextmanager`` method of a class of the
    module that opens a session (:func:`_opening_methods`), on a top-level instance of that
    class: letta's ``db_registry = DatabaseRegistry()``, whose ``async with
    db_registry.async_session() as session`` opens one."""
    classes = {stmt.name for stmt in body if isinstance(stmt, ast.ClassDef)}
    instantiated = {
        stmt.value.func.id for stmt in body
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, ast.Call)
        and isinstance(stmt.value.func, ast.Name)
    }
    if not classes & instantiated:
        return set()
    # (the methods whose factories the class's own assignments settle: its instance's class)
    settled = [name for name, (_, own) in _opening_methods(body, resolve, factories).items() if own]
    found: set[str] = set()
    for stmt in body:
        if not (isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, ast.Call)):
            continue
        callee = stmt.value.func
        if not (isinstance(callee, ast.Name) and callee.id in classes):
            continue
        for target in stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]:
            if isinstance(target, ast.Name):
                found.update(
                    f"{target.id}.{method}" for owner, _, method in (name.partition(".") for name in settled)
                    if owner == callee.id
                )
    return found


# ``Class.method`` -> (the ``self.<attr>`` factories it opens its session from, none when
# from a session class or a module's factory; do the class's own assignments settle them?)
_Opening = dict[str, tuple[frozenset[str], bool]]
# each attribute a class binds (``self.<attr> = ...`` in a method, ``<attr> = ...`` in its
# body) -> what it binds it to: "factory" (a session maker), "none", or "other"
_FactoryAttributes = dict[str, frozenset[str]]


def _opening_methods(
    body: list[ast.stmt], resolve: Callable[[ast.AST], str | None], factories: Container[str]
) -> _Opening:
    """Each ``@(async)contextmanager`` method of a top-level class of the module that opens
    a session (as :func:`_session_context_managers` reads a function): from a session class,
    a factory of the module, or a factory kept as an attribute (``self._factory =
    async_sessionmaker(...)`` in ``__init__``, then ``async with self._factory() as
    session``, also through a local name or ``.begin()``): one the class binds only to that
    (or None: ``close()`` of the ``DatabaseSessionManager`` recipe), or one it does not bind
    at all, which a subclass may (the instance's class decides: :func:`_method_opens_session`)."""
    found: _Opening = {}
    for cls in body:
        if not isinstance(cls, ast.ClassDef):
            continue
        candidates = _context_manager_candidates(cls.body, resolve)
        if not candidates:
            continue
        kinds = _factory_attributes(cls, resolve, factories)
        kept = frozenset(attr for attr, kind in kinds.items() if "factory" in kind and "other" not in kind)
        bound = set(kinds) | {stmt.name for stmt in cls.body if isinstance(stmt, (*FUNCTION_TYPES, ast.ClassDef))}
        for func in candidates:
            used: set[str] = set()
            aliases = _attribute_aliases(func)  # (`async_session_maker = self.sessionmaker`)

            def opens(
                node: ast.AST, used: set[str] = used, aliases: dict[str, str] = aliases,
                kept: frozenset[str] = kept, bound: set[str] = bound,
            ) -> bool:
                if not isinstance(node, ast.Call):
                    return False
                func = node.func
                if isinstance(func, ast.Attribute) and func.attr == "begin":
                    func = func.value  # (`async with self._factory.begin() as session`)
                if resolve(func) in SESSION_TYPES or (isinstance(func, ast.Name) and func.id in factories):
                    return True
                if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self":
                    attr = func.attr
                elif isinstance(func, ast.Name) and func.id in aliases:
                    attr = aliases[func.id]
                else:
                    return False
                if attr in kept or attr not in bound:
                    used.add(attr)
                    return True
                return False

            if _manages_opened_session(func, opens):
                found[f"{cls.name}.{func.name}"] = (frozenset(used), used <= kept)
    return found


def _attribute_aliases(func: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, str]:
    """The names a method binds once, to ``self.<attr>`` -> that attribute."""
    counts: dict[str, int] = {}
    aliases: dict[str, str] = {}
    for node in ast.walk(func):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            counts[node.id] = counts.get(node.id, 0) + 1
        if (
            isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Attribute) and isinstance(node.value.value, ast.Name)
            and node.value.value.id == "self"
        ):
            aliases[node.targets[0].id] = node.value.attr
    return {name: attr for name, attr in aliases.items() if counts.get(name) == 1}


def _factory_attributes(
    cls: ast.ClassDef, resolve: Callable[[ast.AST], str | None], factories: Container[str]
) -> _FactoryAttributes:
    """What a class binds each attribute to: ``self.<attr> =`` in its methods, ``<attr> =``
    in its body."""
    kinds: dict[str, set[str]] = {}
    for stmt in cls.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
            for target in stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]:
                if isinstance(target, ast.Name):  # (`_factory = async_sessionmaker(engine)` in the body)
                    kinds.setdefault(target.id, set()).add(_factory_kind(stmt.value, {}, resolve, factories))
        elif isinstance(stmt, FUNCTION_TYPES):
            args = stmt.args
            params = {arg.arg: arg.annotation for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
            for node in ast.walk(stmt):
                if isinstance(node, ast.Assign):
                    targets, value = node.targets, node.value
                elif isinstance(node, ast.AnnAssign) and node.value is not None:
                    targets, value = [node.target], node.value
                elif isinstance(node, ast.AugAssign):
                    targets, value = [node.target], None
                else:
                    continue
                for target in targets:
                    if _is_self_attribute_target(target):
                        kinds.setdefault(target.attr, set()).add(  # type: ignore[attr-defined]
                            _factory_kind(value, params, resolve, factories)
                        )
                        continue
                    for part in ast.walk(target):  # (`self.a, self.b = ...`, `self.a.b = ...`: not known)
                        if _is_self_attribute_target(part):
                            kinds.setdefault(part.attr, set()).add("other")  # type: ignore[attr-defined]
    return {attr: frozenset(found) for attr, found in kinds.items()}


def _is_self_attribute_target(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"


def _factory_kind(
    value: ast.expr | None, params: dict[str, ast.expr | None], resolve: Callable[[ast.AST], str | None],
    factories: Container[str],
) -> str:
    """"factory" for a session maker (``async_sessionmaker(...)``, the module's factory, a
    parameter annotated as one or named like one, ``factory or async_sessionmaker(...)``),
    "none" for None, else "other"."""
    if value is None:
        return "other"
    if is_none_constant(value):
        return "none"
    if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or):
        # (`factory or async_sessionmaker(...)` with `factory=None` unannotated: the fallback
        # says what the parameter is for)
        parts = {
            "none" if isinstance(part, ast.Name) and part.id in params and params[part.id] is None
            else _factory_kind(part, params, resolve, factories)
            for part in value.values
        }
        return "factory" if parts <= {"factory", "none"} and "factory" in parts else "other"
    if isinstance(value, ast.Call):
        return "factory" if resolve(value.func) in SESSION_FACTORIES else "other"
    if isinstance(value, ast.Name) and value.id in params:
        annotation = params[value.id]
        if annotation is not None:  # (`async_sessionmaker[AsyncSession] | None`: each type named one)
            types = [t for t in _annotation_types(annotation) if not is_none_constant(t)]
            return "factory" if types and all(resolve(base_expr(t)) in SESSION_FACTORIES for t in types) else "other"
        return "factory" if _named_like_factory(value.id) else "other"  # (`session_factory`, unannotated)
    if isinstance(value, ast.Name):
        return "factory" if value.id in factories else "other"  # (`self._factory = SessionLocal`)
    return "other"


def opens_through_method(call: ast.expr, func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> bool:
    """``async with db_engine.get_async_session() as session``: a context manager method that
    opens a session (:func:`_opening_methods`), of the project class the receiver is an
    instance of: a local bound once to one (``db_engine = get_relational_engine()``, a
    function annotated to return it, or the class called), a module-level name bound so, or
    such a call itself (``get_engine().session()``); cognee's handlers (review 85)."""
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)):
        return False
    receiver = call.func.value
    if isinstance(receiver, ast.Await):  # (`(await get_engine()).session()`)
        receiver = receiver.value
    if isinstance(receiver, ast.Call):
        cls = _returned_class(receiver, ctx)
    elif isinstance(receiver, ast.Name) and receiver.id not in ("self", "cls"):
        owner = _reading_function(func, receiver.id, ctx)
        if receiver.id in single_bindings(owner, ctx):
            cls = _local_instance_class(receiver.id, owner, ctx)
        else:
            cls = _module_instance_class(receiver.id, ctx)
    else:
        return False
    return cls is not None and _method_opens_session(cls, call.func.attr, ctx)


def _module_instance_class(name: str, ctx: FileContext) -> str | None:
    """The project class a name the module binds once at its top level, to a call, holds; or
    a module-level instance imported from a project module holds (``from app.db import
    db_registry``, its class defined in a third module: ``app.registry.Registry``)."""
    if top_level_binding_counts(ctx).get(name) != 1:
        return None
    if name in ctx.imports:
        qualified = ctx.imports[name]
        return instance_class(qualified, ctx) if ctx.is_first_party(qualified) else None
    stmt = top_level_assignment(name, ctx)
    if stmt is None:
        return None
    if isinstance(stmt, ast.AnnAssign):  # (`engine: Adapter = get_engine()`)
        qualified = ctx.resolve(parsed_annotation(stmt.annotation))
        if qualified is not None and ctx.is_first_party(qualified):
            return qualified
    value = stmt.value.value if isinstance(stmt.value, ast.Await) else stmt.value
    return _returned_class(value, ctx) if isinstance(value, ast.Call) else None


def _method_opens_session(cls: str, method: str, ctx: FileContext) -> bool:
    """Is ``cls.method`` (a class of the project, of this module or another, re-exports
    followed) a context manager method that opens a session (:func:`_opening_methods`), as
    the class or the nearest base defining it has it?"""
    if not ctx.is_first_party(cls):
        return False
    definer = method_definer(cls, method, ctx)
    if definer is None:
        return False
    module = definer.rpartition(".")[0]
    path = None if module == ctx.module else _recorded_path(module, ctx)
    if module == ctx.module:
        opening = ctx.memo_of(_own_opening_methods)
    elif path is None:
        return False
    else:
        opening = _module_facts(path)[4]
    found = opening.get(f"{definer.rpartition('.')[2]}.{method}")
    if found is None:
        return False
    attributes = found[0]
    if not attributes:
        return True  # (from a session class or a module's factory)
    # the factory attributes are the instance's: what its class and every project class it
    # derives from bind them to must be session makers (or None), one at least
    kinds: set[str] = set()
    for owner in {defining_name(cls, ctx) or cls, *project_ancestors(cls, ctx)}:
        bound = _class_bindings(owner, ctx)
        if bound is None:
            return False  # (a class of the chain out of reach)
        for attribute in attributes:
            kinds |= bound.get(attribute, frozenset())
    return "factory" in kinds and kinds <= {"factory", "none"}


def _recorded_path(module: str, ctx: FileContext) -> str | None:
    """The file of a project module, recorded for the cache (a cached result is dropped when
    it changes)."""
    path = ctx.module_source_path(module)
    return path if path is not None and ctx.external("file_digest", path) is not None else None


def _class_bindings(qualified: str, ctx: FileContext) -> _FactoryAttributes | None:
    """:func:`_factory_attributes` of the class ``qualified`` (of this module or another
    project module's top level); None when it cannot be read."""
    module, _, name = qualified.rpartition(".")
    if module == ctx.module:
        return ctx.memo(("sessions.class_bindings", name), lambda: next((
            _factory_attributes(stmt, ctx.resolve, session_factories(ctx))
            for stmt in ctx.tree.body if isinstance(stmt, ast.ClassDef) and stmt.name == name
        ), None))
    path = _recorded_path(module, ctx)
    return _module_class_bindings(path).get(name) if path is not None else None


@lru_cache(maxsize=256)
def _module_class_bindings(path: str) -> dict[str, _FactoryAttributes]:
    """:func:`_factory_attributes` of each top-level class of another module (parsed, never
    run), read only for the classes an opening method's instance derives from."""
    try:
        with open(path, "rb") as handle:
            tree = parse_quietly(handle.read(), filename=path)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    imports = _module_imports(tree)
    factories = _module_facts(path)[0]
    return {
        stmt.name: _factory_attributes(stmt, lambda node: resolve_in(node, imports), factories)
        for stmt in tree.body if isinstance(stmt, ast.ClassDef)
    }


def _module_imports(tree: ast.Module) -> dict[str, str]:
    """What a module's top-level absolute imports bind (local name -> qualified name)."""
    imports: dict[str, str] = {}
    for stmt in module_level_statements(tree.body):
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            _bind_imports(stmt, imports)
    return imports


def _bind_imports(stmt: ast.Import | ast.ImportFrom, imports: dict[str, str]) -> None:
    if isinstance(stmt, ast.Import):
        for alias in stmt.names:
            top = alias.name.partition(".")[0]
            imports[alias.asname or top] = alias.name if alias.asname else top
    elif stmt.module and not stmt.level:
        for alias in stmt.names:
            imports[alias.asname or alias.name] = f"{stmt.module}.{alias.name}"


def _own_opening_methods(ctx: FileContext) -> _Opening:
    return _opening_methods(ctx.tree.body, ctx.resolve, session_factories(ctx))


def _manages_opened_session(func: ast.FunctionDef | ast.AsyncFunctionDef, opens: Callable[[ast.AST], bool]) -> bool:
    """Does a context manager's function open a session with a call ``opens`` accepts, in a
    ``with`` statement (also on a name bound to such a call: ``s = self._factory()``, ``async
    with s as session``), or bound to a name it yields (and binds to nothing else)? Not one
    whose every ``yield`` gives something made from it (``yield UnitOfWork(session)``,
    ``yield session.connection()``: :func:`_yields_other_things`)."""
    nested = (*FUNCTION_TYPES, ast.ClassDef)
    body = list(statements(func.body, descend=lambda stmt: not isinstance(stmt, nested)))
    withs = [stmt for stmt in body if isinstance(stmt, (ast.With, ast.AsyncWith))]
    bound: dict[str, list[ast.expr]] | None = None
    if not any(opens(item.context_expr) for stmt in withs for item in stmt.items):
        bound = assigned_values(func, body)
        opened = {name for name, values in bound.items() if all(opens(value) for value in values)}
        if not opened or not (
            any(
                isinstance(item.context_expr, ast.Name) and item.context_expr.id in opened
                for stmt in withs for item in stmt.items
            )
            or any(
                isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Yield)
                and isinstance(stmt.value.value, ast.Name) and stmt.value.value.id in opened
                for stmt in body
            )
        ):
            return False
    return not _yields_other_things(func, body, bound, opens)


def _yields_other_things(
    func: ast.FunctionDef | ast.AsyncFunctionDef, body: list[ast.stmt], bound: dict[str, list[ast.expr]] | None,
    opens: Callable[[ast.AST], bool],
) -> bool:
    """Does every ``yield`` of a function give a value made there that is no session: a call
    or an attribute that does not open one, or a name bound only to such (``yield
    UnitOfWork(session)``, ``repo = Repo(session)`` then ``yield repo``)? A bare ``yield``
    (the session kept in a context variable), a name bound otherwise, or none: no."""
    values = [node.value for node in own_nodes(func, (*FUNCTION_TYPES, ast.ClassDef, ast.Lambda)) if isinstance(node, ast.Yield)]
    if not values or any(value is None for value in values):
        return False
    if bound is None and any(not isinstance(value, (ast.Call, ast.Attribute, ast.Await)) for value in values):
        bound = assigned_values(func, body)
    args = func.args
    params = {arg.arg for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if arg is not None}
    return all(_made_here(value, bound, params, opens) for value in values)  # type: ignore[arg-type]


def _made_here(
    value: ast.expr, bound: dict[str, list[ast.expr]] | None, params: set[str], opens: Callable[[ast.AST], bool],
) -> bool:
    """Is a yielded value no session the function opened: a call or attribute that opens
    none, a parameter (``yield self``, the unit of work that keeps it), a tuple, list, set,
    dict or conditional expression of such, or (with ``bound``) a name bound only to such?
    (A function of the module, not a closure calling itself: that would be a reference cycle
    through ``opens``.)"""
    if isinstance(value, ast.Await):
        value = value.value  # (`yield await session.connection()`)
    if isinstance(value, (ast.Call, ast.Attribute)):
        return not opens(value)
    if isinstance(value, (ast.Tuple, ast.List, ast.Set)):
        return all(_made_here(item, bound, params, opens) for item in value.elts)
    if isinstance(value, ast.Dict):
        return all(item is not None and _made_here(item, bound, params, opens) for item in value.values)
    if isinstance(value, ast.IfExp):
        return _made_here(value.body, bound, params, opens) and _made_here(value.orelse, bound, params, opens)
    if isinstance(value, ast.Name):
        if value.id in params:
            return bound is None or value.id not in bound  # (a parameter, not rebound)
        assigned = bound.get(value.id) if bound is not None else None
        return bool(assigned) and all(_made_here(item, None, params, opens) for item in assigned)
    return False


def _context_manager_candidates(
    body: list[ast.stmt], resolve: Callable[[ast.AST], str | None]
) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [
        stmt
        for stmt in body
        if isinstance(stmt, FUNCTION_TYPES) and any(resolve(d) in CONTEXT_MANAGERS for d in stmt.decorator_list)
    ]


def _imported_factory(qualified: str, ctx: FileContext) -> bool:
    """``from app.db import async_session`` where app/db.py assigns ``async_session =
    async_sessionmaker(...)``, or imports it from a project module that does (flexget's
    ``from flexget.db_schema import Session``, re-exporting ``flexget.manager.Session``)."""
    return any(
        name.rpartition(".")[2] in _imported_module_facts(name, ctx)[0]
        for name, _path in ctx.reexport_hops(qualified, 4)
    )


# (session factories, session type aliases, module-level sessions, awaited factories,
# `Class.method` context managers opening a session) of another module (never changed)
_Facts = tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str], "_Opening"]
_NO_FACTS: _Facts = (frozenset(), frozenset(), frozenset(), frozenset(), {})


def _imported_module_facts(qualified: str, ctx: FileContext) -> _Facts:
    """(session factories, session type aliases, sessions) defined at top level of the first-party module
    that ``qualified`` is imported from; empty when it is not a project file."""
    module = qualified.rpartition(".")[0]
    path = ctx.module_source_path(module) if module else None
    if path is None:
        return _NO_FACTS
    # recorded for the cache: a cached result is dropped when the other file changes
    # (its bytes hashed on a warm run, instead of parsed again)
    if ctx.external("file_digest", path) is None:
        return _NO_FACTS
    names = _top_level_names(path)
    if names is not None and qualified.rpartition(".")[2] not in names:
        return _NO_FACTS  # the name is not bound at the module's top level: nothing to parse for
    return _module_facts(path)


# an unindented assignment or annotation target (`x = `, `x: T = `, `(x) = `), the inner
# targets of `a = b = ...`, and unindented `def`s (only a context manager can count)
_ASSIGNED_RE = re.compile(r"\(*([^\W\d]\w*)\)*[ \t]*(?::|=(?!=))")
_CHAINED_TARGET_RE = re.compile(r"=[ \t]*\(*([^\W\d]\w*)\)*[ \t]*(?==(?!=))")
_DEF_RE = re.compile(r"(?m)^(?:async[ \t]+)?def[ \t]+([^\W\d]\w*)")
_DEF_START_RE = re.compile(r"(?:async[ \t]+)?def[ \t]")  # (not `async_session = ...`)
_PLAIN_DEF_RE = re.compile(r"^(?:async[ \t]+)?def[ \t]+([^\W\d]\w*)[ \t]*\([ \t]*\)")  # (a function of no parameters)
# a top-level block statement whose body runs at import, and the assignment targets in it
_BLOCK_START_RE = re.compile(r"(?:if|elif|else|try|except|finally|with)\b(?![ \t]*=(?!=))")
_INLINE_ASSIGNED_RE = re.compile(r"(?m):[ \t]*\(*([^\W\d]\w*)\)*[ \t]*=(?!=)")
_INDENTED_ASSIGNED_RE = re.compile(r"(?m)^[ \t]+\(*([^\W\d]\w*)\)*[ \t]*(?::|=(?!=))")
# the boundary before each unindented line (a lookahead: the line stays whole)
_TOP_LEVEL_START_RE = re.compile(r"\n(?=[^ \t\r\n#])")
_RENAME_RE = re.compile(r"[^\W\d]\w*[ \t]*=[ \t]*[^\W\d]\w*[ \t]*(?:#[^\n]*)?\s*\Z")  # (`DB = Database`)
_ALIASED_SESSION_IMPORT_RE = re.compile(r"(?:ession|maker)\w*[ \t]+as[ \t]")


@lru_cache(maxsize=8192)
def _top_level_names(path: str) -> frozenset[str] | None:
    """A superset of the names :func:`_module_facts` can report for a module: those its
    top level binds by an assignment that spells a session or a session maker (factories
    and aliases; any assignment when an import renames one), its ``def``s of no
    parameters that spell one (``def new_session(): return AsyncSession(engine)``), and its ``def``s when it
    spells ``contextmanager``; read from the NFKC-normalized text (as Python reads names),
    so that a module whose imported name is a plain function, class or constant is not
    parsed. None when the text cannot be read this way (form feeds, a coding
    cookie, not UTF-8, unreadable): then the module is parsed."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        if b"\f" in data or b"coding" in b"\n".join(data.split(b"\n", 2)[:2]):
            return None
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)  # `ｓessionmaker` is `sessionmaker`
    # each top-level statement: the text from an unindented line to the next one
    statements = _TOP_LEVEL_START_RE.split(text) if "ession" in text or "maker" in text else []
    if not _ALIASED_SESSION_IMPORT_RE.search(text):  # (`sessionmaker as make`: any may call it)
        # a factory or alias assignment spells "[Ss]ession" or "maker" somewhere in it
        # (or a dependency: `Database = Annotated[Any, Depends(get_database)]`, and then
        # another name of one: `DB = Database`)
        renames = "Depends" in text
        statements = [
            chunk for chunk in statements
            if "ession" in chunk or "maker" in chunk or "Depends" in chunk or (renames and _RENAME_RE.match(chunk))
        ]
    names: set[str] = set()
    for statement in statements:
        if _BLOCK_START_RE.match(statement):  # (`if USE_GLOBALS:` then `    Session = ...`)
            names.update(_INDENTED_ASSIGNED_RE.findall(statement))
            names.update(_INLINE_ASSIGNED_RE.findall(statement))  # (`try: Session = ...` on one line)
            continue  # (`try:` would read as the annotation of a name `try`)
        if _DEF_START_RE.match(statement):  # (`def new_session(): return AsyncSession(engine)`: no parameters)
            names.update(_PLAIN_DEF_RE.findall(statement, 0, statement.find("\n") + 1 or len(statement)))
            continue
        assigned = _ASSIGNED_RE.match(statement)
        if assigned is not None:
            names.add(assigned.group(1))
            names.update(_CHAINED_TARGET_RE.findall(statement))
    if "contextmanager" in text:
        names.update(_DEF_RE.findall(text))
        # (`db_registry = DatabaseRegistry()`, whose context manager methods may open sessions)
        for statement in _TOP_LEVEL_START_RE.split(text):
            assigned = _ASSIGNED_RE.match(statement)
            if assigned is not None:
                names.add(assigned.group(1))
    return frozenset(names)


@lru_cache(maxsize=512)
def _module_facts(path: str) -> _Facts:
    """Parse (never run) another project module for its session factories, aliases and
    module-level sessions (``session = async_scoped_session(...)``, ``db = SessionLocal()``)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        # every factory, session type and conventional factory name spells "[Ss]ession":
        # a module without it defines none (most imported modules; no parse needed)
        if b"ession" not in data:
            return _NO_FACTS
        tree = parse_quietly(data, filename=path)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return _NO_FACTS
    imports: dict[str, str] = {}
    factories: set[str] = set()
    aliases: set[str] = set()
    renames: dict[str, str] = {}
    provided: dict[str, list[str]] = {}
    calls: list[tuple[set[str], ast.Call]] = []
    # (in if/try blocks too: `if USE_GLOBALS: Session = scoped_session(...)`; a name bound
    # twice is left out, below)
    for stmt in module_level_statements(tree.body):
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            _bind_imports(stmt, imports)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            bound = {t.id for t in targets if isinstance(t, ast.Name)}
            value = stmt.value
            if isinstance(value, ast.Call) and resolve_in(value.func, imports) in SESSION_FACTORIES:
                factories |= bound
            elif isinstance(value, ast.Call):
                calls.append((bound, value))
            elif any(resolve_in(base_expr(t), imports) in SESSION_TYPES for t in _annotation_types(value)):
                aliases |= bound
            elif isinstance(value, ast.Name):
                renames.update((name, value.id) for name in bound)  # `DB = SessionDep`
            elif (providers := _annotated_any_providers(value, imports)) is not None:
                provided.update((name, providers) for name in bound)  # `Database = Annotated[Any, Depends(...)]`
    known = factories | {local for local, q in imports.items() if _named_like_factory(q)}
    factories |= _session_context_managers(tree.body, lambda node: resolve_in(node, imports), known)
    factories |= _session_returning_functions(tree.body, lambda node: resolve_in(node, imports), known | factories)
    factories |= _instance_context_managers(tree.body, lambda node: resolve_in(node, imports), known | factories)
    awaited = _session_returning_functions(
        tree.body, lambda node: resolve_in(node, imports), known | factories, kind=ast.AsyncFunctionDef
    )
    opening = _opening_methods(tree.body, lambda node: resolve_in(node, imports), known | factories)
    sessions: set[str] = set()
    for bound, call in calls:  # `session = async_scoped_session(...)`, `db = SessionLocal()`
        func = call.func
        if resolve_in(func, imports) in SESSION_TYPES or (isinstance(func, ast.Name) and func.id in known):
            sessions |= bound
    rebound = top_level_bindings(tree.body)[1]
    if provided:
        providers = _annotated_session_providers(tree.body, imports)
        aliases |= {name for name, called in provided.items() if any(f in providers for f in called)}
    for found in (aliases, factories):  # (another name of one, however many steps away: `make_db = async_session`)
        for _ in range(len(renames)):
            added = {name for name, named in renames.items() if named in found and name not in found}
            if not added:
                break
            found |= added
    return (
        frozenset(factories - rebound), frozenset(aliases - rebound), frozenset(sessions - rebound),
        frozenset(awaited - rebound), opening,
    )


def _scoped_import_bindings(ctx: FileContext) -> tuple[tuple[str, str], ...]:
    found = ctx.nested_imports
    if not found:
        return ()
    # imports in module-level blocks (if/try/with) are read with the top level
    module_level = {
        id(stmt)
        for stmt in statements(ctx.tree.body, descend=lambda stmt: not isinstance(stmt, SCOPE_TYPES))
        if isinstance(stmt, (ast.Import, ast.ImportFrom))
    }
    return tuple(
        binding for node in found if id(node) not in module_level for binding in ctx.import_bindings(node)
    )


def scoped_import_bindings(ctx: FileContext) -> tuple[tuple[str, str], ...]:
    """(local, qualified) bound by each import inside a def or class body: those join
    ``ctx.imports`` only when the walk meets them, so a fact memoized from the import
    table may depend on the moment it is first asked for."""
    return ctx.memo("sessions.scoped_import_bindings", lambda: _scoped_import_bindings(ctx))


def imports_settled(ctx: FileContext, matters: Callable[[str, str], bool]) -> bool:
    """Asked before the walk: True when no import the walk meets (one inside a def or class)
    can change a fact memoized from the import table, ``matters(local, qualified)`` saying
    which bindings could (rebinding a top-level name always could). Such a fact is then the
    same whenever it is first asked for, so a rule that asks for it on fewer nodes (with
    ``Rule.needles``) finds what it finds when it walks everywhere."""
    bindings = scoped_import_bindings(ctx)
    if not bindings:
        return True
    top = ctx.imports
    return not any(top.get(local, qualified) != qualified or matters(local, qualified) for local, qualified in bindings)


def _may_make_factory(ctx: FileContext, local: str, qualified: str) -> bool:
    """Could binding ``local`` to ``qualified`` change :func:`session_factories`?"""
    return (
        qualified.partition(".")[0] in ("sqlalchemy", "sqlmodel", "contextlib")
        or _named_like_factory(qualified)
        or f"{local}(" in ctx.source
    )


def session_factories_settled(ctx: FileContext) -> bool:
    """Before the walk: :func:`session_factories` is the same whenever it is first asked for."""
    return imports_settled(ctx, lambda local, qualified: _may_make_factory(ctx, local, qualified))


def session_factories(ctx: FileContext) -> _NameSet:
    """Names of session factories: ``X = async_sessionmaker(...)`` here, or conventional imports."""
    return ctx.memo_of(_module_factories)


def opens_session(call: ast.AST, ctx: FileContext) -> bool:
    """``AsyncSession(engine)``, ``SessionLocal()``, ``factory.begin()``: a call that makes a
    session; or ``next(get_db())`` (``next(get_db(), None)``), the first value of a dependency
    that yields one (as ``Depends(get_db)`` would give it)."""
    if not isinstance(call, ast.Call):
        return False
    func = call.func
    if (
        isinstance(func, ast.Name) and func.id in ("next", "anext") and len(call.args) in (1, 2) and not call.keywords
        and isinstance(call.args[0], ast.Call) and _is_builtin(func, func.id, ctx) and f"def {func.id}(" not in ctx.source
    ):
        return _provider_gives_session(call.args[0].func, ctx)  # (`await anext(get_session())` too)
    if isinstance(func, ast.Attribute) and func.attr == "begin":
        func = func.value
        if isinstance(func, ast.Call):  # ``async with factory.begin()`` vs ``factory().begin()``
            func = func.func
    if ctx.resolve(func) in SESSION_TYPES:
        return True
    # a factory of the module or an import, or another name (a function's own:
    # ``db_session_factory = request.app.state.db``) named by the convention
    if isinstance(func, ast.Name):
        if func.id in session_factories(ctx):
            if defined_around(func.id, ctx):
                return False  # (`def async_session(): ...` in the handler: review 100)
            # (unless a function around binds the name to something else: `new_session = make_client`)
            return not locally_bound(func.id, ctx) or _named_like_factory(func.id)
        return func.id not in ctx.imports and _named_like_factory(func.id) and not _gives_another_class(func, ctx)
    # an attribute named by the convention: ``self.session_factory()``,
    # ``request.app.state.session_factory()``, ``db.SessionLocal()`` (a module's, as imported);
    # or ``self.<attr>`` that the class assigns a ``sessionmaker(...)``
    if isinstance(func, ast.Attribute):
        qualified = ctx.resolve(func)
        if _named_like_factory(qualified if qualified is not None else func.attr):
            return True
        if qualified is not None and ctx.is_first_party(qualified) and _imported_factory(qualified, ctx):
            return True  # (`db_manager.session()`: a project module's factory, read through the module)
        if isinstance(func.value, ast.Name) and _instance_opens(func.value.id, func.attr, ctx):
            return True  # (`db_registry.async_session()`: a context manager method that opens one)
        if isinstance(func.value, ast.Attribute) and _module_instance_opens(func.value, func.attr, ctx):
            return True  # (`db.db_registry.async_session()`, the instance read through its module)
        if isinstance(func.value, ast.Name) and func.value.id == "self" and (
            "sessionmaker" in ctx.source or "Callable" in ctx.source
        ):
            cls = ctx.enclosing_class()
            return cls is not None and func.attr in class_factory_attrs(cls, ctx)
    return False


def _gives_another_class(func: ast.Name, ctx: FileContext) -> bool:
    """Is a name the convention calls a factory (``client_session_factory``) a function of the
    module annotated to return, or only returning a call of, a class that is no session
    (``-> aiohttp.ClientSession``), or bound to ``functools.partial`` of a client package's
    class? What it is can be read: the convention is for what cannot."""
    local = _module_function(func, ctx)
    if local is not None:
        given = ctx.resolve(local.returns) if local.returns is not None else None
        if given is None:
            callee = returned_callee(local)
            given = ctx.resolve(callee) if callee is not None else None
        return given is not None and given not in SESSION_TYPES and given not in SESSION_FACTORIES
    if locally_bound(func.id, ctx):
        return False
    bound = ctx.memo("sessions.module_calls", lambda: module_calls(ctx.tree.body)).get(func.id)
    if bound is not None:
        callee = ctx.resolve(bound.func)
        if callee == "functools.partial" and bound.args:
            callee = ctx.resolve(bound.args[0])
        return (callee or "").partition(".")[0] in CLIENT_PACKAGES
    # (`http_session_factory = aiohttp.ClientSession`: another name of a client class)
    named = [
        stmt.value for stmt in ctx.tree.body
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, (ast.Name, ast.Attribute))
        and any(isinstance(t, ast.Name) and t.id == func.id for t in stmt.targets)
    ]
    return len(named) == 1 and (ctx.resolve(named[0]) or "").partition(".")[0] in CLIENT_PACKAGES


def _project_function_gives_another(qualified: str, ctx: FileContext) -> bool:
    """Is a project module's function annotated to return, or only returning a call of, a
    class that is no session (``def client_session_factory() -> aiohttp.ClientSession``)?"""
    given = provided_class(qualified, ctx) or function_returns_call_of(qualified, ctx)
    return given is not None and given not in SESSION_TYPES and given not in SESSION_FACTORIES and not (
        _named_like_factory(given)
    )


def _instance_opens(name: str, method: str, ctx: FileContext) -> bool:
    """Is ``name.method`` a context manager method opening a session, on a top-level instance
    of this module or of a project module it imports (:func:`_instance_context_managers`)?"""
    qualified = ctx.imports.get(name)
    if qualified is None:
        if name not in ctx.top_level_names or f"{name}.{method}" not in session_factories(ctx):
            return False
    elif not ctx.is_first_party(qualified) or f"{qualified.rpartition('.')[2]}.{method}" not in (
        _imported_module_facts(qualified, ctx)[0]
    ):
        return False
    return not locally_bound(name, ctx)  # (asked last: it reads the function's bindings)


def _module_instance_opens(instance: ast.Attribute, method: str, ctx: FileContext) -> bool:
    """Is ``module.instance.method`` a context manager method opening a session, on a
    top-level instance of the project module imported as ``module``?"""
    if not isinstance(instance.value, ast.Name):
        return False
    qualified = ctx.resolve(instance)
    return (
        qualified is not None and ctx.is_first_party(qualified)
        and f"{instance.attr}.{method}" in _imported_module_facts(qualified, ctx)[0]
        and not locally_bound(instance.value.id, ctx)
    )


def _provider_gives_session(provider: ast.expr, ctx: FileContext) -> bool:
    """Do the values of a call of ``provider`` (``next(get_db())``, ``yield from get_db()``)
    include a session? An unannotated provider of the module says by its body (``get_db`` may
    yield a Mongo database or a Redis client: its name does not decide); any other as a
    dependency does (:func:`_provides_session`)."""
    local = _module_function(provider, ctx)
    if local is not None and local.returns is None:
        return _yields_opened_session(local, ctx)
    return _provides_session(provider, ctx)


def _helper_returns_opened_session(value: ast.expr, ctx: FileContext) -> bool:
    """``session = get_session()`` (``with get_session() as session``), ``get_session`` a plain,
    unannotated function of the module that returns a session it opens (``session =
    _SessionFactory()``, then ``return session``: :func:`_yields_opened_session`); not a
    generator, whose call gives no session."""
    if not isinstance(value, ast.Call):
        return False
    local = _module_function(value.func, ctx)
    if local is None or local.returns is not None or isinstance(local, ast.AsyncFunctionDef):
        return False
    nested = (*FUNCTION_TYPES, ast.ClassDef, ast.Lambda)
    if any(isinstance(node, (ast.Yield, ast.YieldFrom)) for node in own_nodes(local, nested)):
        return False
    return _yields_opened_session(local, ctx)


def own_nodes(func: ast.AST, nested: tuple[type, ...]):
    """The nodes of ``func``'s body, not inside the ``nested`` scopes it holds (those themselves
    included)."""
    stack = list(ast.iter_child_nodes(func))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, nested):
            stack.extend(ast.iter_child_nodes(node))


def _module_function(node: ast.expr, ctx: FileContext) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The module's top-level function ``node`` names, when the module binds the name once
    and no function around the walk's position binds it (a parameter ``get_session`` is
    another callable)."""
    if not isinstance(node, ast.Name) or node.id in ctx.imports or locally_bound(node.id, ctx):
        return None
    return ctx.memo("sessions.module_functions", lambda: _module_functions(ctx)).get(node.id)


def _module_functions(ctx: FileContext) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    """The module's top-level functions whose name its top level binds once."""
    rebound = rebound_at_top(ctx)
    return {stmt.name: stmt for stmt in ctx.tree.body if isinstance(stmt, FUNCTION_TYPES) and stmt.name not in rebound}


def _yields_opened_session(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> bool:
    """Does ``func`` yield (or return) a session it opens: a call that opens one
    (:func:`opens_session`: ``yield SessionLocal()``), a name its body binds to one (``db =
    SessionLocal()``, ``db: Session = ...``, ``with SessionLocal() as db:``, then ``yield
    db``), or the values of a provider that gives one (``yield from _scope()``)?"""
    if id(func) in _READING or len(_READING) > _MAX_PROVIDER_DEPTH:
        return False  # (`db = next(get_db())` inside get_db itself; a chain of `yield from` too deep to follow)
    _READING.add(id(func))
    try:
        return _reads_opened_session(func, ctx)
    finally:
        _READING.discard(id(func))


_READING: set[int] = set()  # the providers being read, by id
_MAX_PROVIDER_DEPTH = 20


def _reads_opened_session(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> bool:
    nested = (*FUNCTION_TYPES, ast.ClassDef)
    body = list(statements(func.body, descend=lambda stmt: not isinstance(stmt, nested)))
    # the names bound only to sessions the function opens (`db = SessionLocal()`, `with
    # SessionLocal() as db`), or to None besides; not to anything else too (`db =
    # db.connection()`, unpacked, a walrus: assigned_values leaves those out)
    opened = {
        name for name, values in assigned_values(func, body).items()
        if all(is_none_constant(value) or _opens_in(value, func, ctx) for value in values)
        and not all(is_none_constant(value) for value in values)
    }
    for stmt in body:
        value = stmt.value if isinstance(stmt, (ast.Return, ast.Expr)) else None
        if isinstance(value, ast.YieldFrom) and isinstance(value.value, ast.Call):
            if _provider_gives_session(value.value.func, ctx):  # `yield from _scope()`
                return True
            continue
        if isinstance(value, ast.Yield):
            value = value.value
        elif isinstance(stmt, ast.Expr):
            continue
        if value is not None and (
            _opens_in(value, func, ctx) or (isinstance(value, ast.Name) and value.id in opened)
        ):
            return True
    return False


def _opens_in(value: ast.expr, func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> bool:
    """:func:`opens_session` for a call in ``func``'s body, read from wherever the walk is (a
    provider or helper read from a handler): a name the function binds itself decides (its
    own import: ``from app.database import async_session`` in ``_open()``; a def, class,
    parameter or assignment of it: no factory), else the module's top-level binding, not the
    handler's own import of that name (review 104)."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)):
        return opens_session(value, ctx)
    name = value.func.id
    own = ctx.memo(("sessions.own_imports", id(func)), lambda: _own_imports(func, ctx))
    bound = own.get(name)
    if bound is None:
        if name in ctx.memo(("sessions.locals", id(func)), lambda: scope_locals(func)) or name in ctx.memo(
            ("sessions.defined", id(func)), lambda: _defined_in(func)
        ):
            return False
        live = ctx.imports.get(name)
        top = ctx.module_imports()
        if live is None or top.get(name) == live:
            return opens_session(value, ctx)
        bound = top.get(name)  # (the walk's function imports it otherwise)
        if bound is None:  # (the module binds it itself, or not at all: review 106)
            return session_factories(ctx).known(name)
    return bound in SESSION_TYPES or session_factories(ctx).decides(name, bound)


def _own_imports(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> dict[str, str]:
    """What the imports of a function's own body bind (its nested functions' aside)."""
    nested = (*FUNCTION_TYPES, ast.ClassDef)
    return {
        local: qualified
        for stmt in statements(func.body, descend=lambda stmt: not isinstance(stmt, nested))
        if isinstance(stmt, (ast.Import, ast.ImportFrom))
        for local, qualified in ctx.import_bindings(stmt)
    }


def class_factory_attrs(cls: ast.ClassDef, ctx: FileContext) -> frozenset[str]:
    return ctx.memo(("sessions.class_factories", id(cls)), lambda: _class_factory_attrs(cls, ctx))


def _class_factory_attrs(cls: ast.ClassDef, ctx: FileContext) -> frozenset[str]:
    """``self.<attr> = async_sessionmaker(...)`` in a method of the class, or ``self.<attr> =
    factory`` where ``factory`` is a parameter of the method annotated as one
    (``session_factory: async_sessionmaker[AsyncSession]``): its factories."""
    names = set()
    for method in cls.body:
        if not isinstance(method, FUNCTION_TYPES):
            continue
        args = method.args
        factory_params = {
            arg.arg for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs)
            if any(ctx.resolve(base_expr(t)) in SESSION_FACTORIES for t in _annotation_types(arg.annotation))
            or _callable_returning_session(arg.annotation, ctx)
        }
        for node in nodes_of(method, ast.Assign, ast.AnnAssign):
            value = node.value
            if (isinstance(value, ast.Call) and ctx.resolve(value.func) in SESSION_FACTORIES) or (
                isinstance(value, ast.Name) and value.id in factory_params
            ):
                names.update(_self_attributes(node.targets if isinstance(node, ast.Assign) else [node.target]))
    return frozenset(names)


_CALLABLES = frozenset({"typing.Callable", "collections.abc.Callable", "typing_extensions.Callable"})


def _callable_returning_session(annotation: ast.expr | None, ctx: FileContext) -> bool:
    """``Callable[[], AsyncSession]`` (any parameters): a factory of sessions."""
    if not (isinstance(annotation, ast.Subscript) and ctx.resolve(annotation.value) in _CALLABLES):
        return False
    inner = annotation.slice
    return isinstance(inner, ast.Tuple) and len(inner.elts) == 2 and is_session_annotation(inner.elts[1], ctx)


def _self_attributes(targets: list[ast.expr]) -> list[str]:
    """The attributes ``self.<attr>`` among assignment targets."""
    return [target.attr for target in targets if _is_self_attribute_target(target)]  # type: ignore[attr-defined]


def _function_sessions(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> _NameSet:
    names: set[str] = set()
    # name -> the calls assigned to it, not known to open a session: does one return one?
    assigned_calls: dict[str, list[ast.expr]] = {}
    args = func.args
    positional = args.posonlyargs + args.args
    defaults: list[ast.AST | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    params = list(zip(positional, defaults)) + list(zip(args.kwonlyargs, args.kw_defaults))
    for arg, default in params:
        if is_session_annotation(arg.annotation, ctx) or (
            default is not None and not _other_type(arg.annotation, ctx) and is_session_provider(default, ctx)
        ):
            names.add(arg.arg)
        elif isinstance(arg.annotation, ast.Subscript) and not _other_type(arg.annotation, ctx):
            inner = arg.annotation.slice  # Annotated[Any, Depends(get_db)]
            if isinstance(inner, ast.Tuple) and any(is_session_provider(e, ctx) for e in inner.elts[1:]):
                names.add(arg.arg)
    rebound: set[str] = set()  # names a `with` binds to something else (`as session`: an aiohttp one)
    # (its own statements: a name a nested function binds is that function's)
    for node in statements(func.body, descend=_outside_nested_scopes):
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                kinds = _ASYNC_WITH_KINDS if isinstance(node, ast.AsyncWith) else _WITH_KINDS
                if not isinstance(item.optional_vars, ast.Name):
                    continue
                if (
                    opens_session(item.context_expr, ctx) or _yields_session(item.context_expr, kinds, func, ctx)
                    or calls_local_factory(item.context_expr, func, ctx)
                    or awaits_new_session(item.context_expr, ctx)
                    or _helper_returns_opened_session(item.context_expr, ctx)
                ):
                    names.add(item.optional_vars.id)
                else:
                    rebound.add(item.optional_vars.id)
        elif isinstance(node, ast.Assign):
            targets = [t.id for t in node.targets if isinstance(t, ast.Name)]
            # (`db, extra = ...`: a name unpacked is bound to something else, unless the
            # function called says it returns a session there: `-> tuple[Session, bool]`)
            unpacked = _unpacked_sessions(node, ctx)
            names.update(name for name, session in unpacked.items() if session)
            rebound.update(
                n.id for t in node.targets if not isinstance(t, ast.Name)
                for n in ast.walk(t)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and not unpacked.get(n.id)
            )
            if (
                opens_session(node.value, ctx) or _gets_object_session(node.value, ctx)
                or awaits_new_session(node.value, ctx)
            ):
                names.update(targets)
            elif isinstance(node.value, (ast.Call, ast.Await)) or _is_self_attribute(node.value, _owner(node.value, func, ctx)):
                for target in targets:
                    assigned_calls.setdefault(target, []).append(node.value)
            elif (parts := _session_alternatives(node.value, targets, func, ctx)) is not None:
                # `session = session or SessionLocal()` (`or get_session()`, `or self.session`):
                # the same session, or another that a value opens or gives
                if any(opens_session(part, ctx) for part in parts):
                    names.update(targets)
                elif parts:
                    for target in targets:
                        assigned_calls.setdefault(target, []).extend(parts)
            elif not is_none_constant(node.value):
                rebound.update(targets)  # `session = cache`, `session = payload.get("s") or {}`
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if is_session_annotation(node.annotation, ctx):
                names.add(node.target.id)
            elif node.value is not None and not is_none_constant(node.value):
                rebound.add(node.target.id)
        elif (  # `for db in get_db():` (`async for`), a session dependency's values, as `next(get_db())` takes one
            isinstance(node, (ast.For, ast.AsyncFor)) and isinstance(node.target, ast.Name)
            and isinstance(node.iter, ast.Call) and _provides_session(node.iter.func, ctx)
        ):
            names.add(node.target.id)
    # a session parameter the function binds to something else too: which one a use reads is
    # not known (what an assignment gives is still asked of its values, below)
    names -= rebound | assigned_calls.keys()
    return _NameSet(
        names, assigned_calls, lambda _name, values: any(_gives_session(value, func, ctx) for value in values)
    )


def awaits_new_session(value: ast.expr, ctx: FileContext) -> bool:
    """``await new_session()``, an ``async def`` of no parameters that returns a new session
    (:func:`awaited_factories`), or ``await anext(get_session())``, the first session an async
    dependency yields."""
    if not isinstance(value, ast.Await) or not isinstance(value.value, ast.Call):
        return False
    func = value.value.func
    return (
        isinstance(func, ast.Name) and func.id in awaited_factories(ctx) and not locally_bound(func.id, ctx)
    ) or (isinstance(func, ast.Name) and func.id == "anext" and opens_session(value.value, ctx))


def awaited_factories(ctx: FileContext) -> _NameSet:
    """The names of ``async def``s, of the module or imported from a project module, whose
    call opens a session once awaited (:func:`_session_returning_functions`)."""
    return ctx.memo_of(_awaited_factories)


def _awaited_factories(ctx: FileContext) -> _NameSet:
    local = _session_returning_functions(
        ctx.tree.body, ctx.resolve, _TopLevelView(session_factories(ctx), ctx.module_imports()),
        kind=ast.AsyncFunctionDef,
    ) - rebound_at_top(ctx)

    def imported(local_name: str, qualified: str) -> bool:
        return _calls_project_name(ctx, local_name, qualified) and any(
            name.rpartition(".")[2] in _imported_module_facts(name, ctx)[3]
            for name, _path in ctx.reexport_hops(qualified, 4)
        )

    return _NameSet(local, {}, imported, lambda: ctx.imports)


def _alternatives(value: ast.expr) -> list[ast.expr]:
    """The values an ``or``/``and`` or a conditional expression may give (its test aside)."""
    if isinstance(value, ast.BoolOp):
        return [part for operand in value.values for part in _alternatives(operand)]
    if isinstance(value, ast.IfExp):
        return [*_alternatives(value.body), *_alternatives(value.orelse)]
    return [value]


def _session_alternatives(
    value: ast.expr, targets: list[str], func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext
) -> list[ast.expr] | None:
    """For an ``or`` or a conditional expression each of whose values is the name assigned
    (``session = session or SessionLocal()``), None, or a call or ``self.<attr>`` (what may
    be a session: asked of it as of any value assigned), those other values; None for any
    other expression."""
    if not isinstance(value, (ast.BoolOp, ast.IfExp)):
        return None
    others = []
    for part in _alternatives(value):
        if (isinstance(part, ast.Name) and part.id in targets) or is_none_constant(part):
            continue
        if not (isinstance(part, (ast.Call, ast.Await)) or _is_self_attribute(part, _owner(part, func, ctx))):
            return None
        others.append(part)
    return others


def _unpacked_sessions(stmt: ast.Assign, ctx: FileContext) -> dict[str, bool]:
    """``db, owned = open_session()`` (also awaited), ``open_session`` a function of the module
    or of another project module annotated to return a tuple of as many types (``->
    tuple[Session, bool]``): each name unpacked -> is its type a session? Empty for any other
    assignment."""
    target = stmt.targets[0] if len(stmt.targets) == 1 else None
    value = stmt.value.value if isinstance(stmt.value, ast.Await) else stmt.value
    if not isinstance(target, (ast.Tuple, ast.List)) or not isinstance(value, ast.Call):
        return {}
    if not all(isinstance(elt, ast.Name) for elt in target.elts):
        return {}  # (a starred or nested target: not read)
    names = [elt.id for elt in target.elts]  # type: ignore[attr-defined]
    awaited = isinstance(stmt.value, ast.Await)
    local = _module_function(value.func, ctx)
    if local is not None:
        rebound = "tuple" in ctx.imports or "tuple" in ctx.top_level_names
        types = tuple_elements(local.returns, ctx.resolve, rebound)
        if awaited is not isinstance(local, ast.AsyncFunctionDef) or types is None or len(types) != len(names):
            return {}  # (`tuple[Session, ...]`: not read)
        return {name: is_session_annotation(kind, ctx) for name, kind in zip(names, types)}
    # a function of another project module (`from app.db import open_session`), read there
    qualified = ctx.resolve(value.func)
    found = tuple_returned(qualified, ctx) if qualified and ctx.is_first_party(qualified) else None
    if found is None or found[0] is not awaited or len(found[1]) != len(names):
        return {}
    return {
        name: kind is not None and (kind in SESSION_TYPES or _reexported_session(kind, ctx))
        for name, kind in zip(names, found[1])
    }


# the session an ORM object belongs to: `db = Session.object_session(self)`
_OBJECT_SESSION_GETTERS = frozenset({
    "sqlalchemy.orm.Session.object_session", "sqlalchemy.orm.session.Session.object_session",
    "sqlalchemy.orm.object_session", "sqlalchemy.orm.session.object_session",
    "sqlalchemy.ext.asyncio.async_object_session", "sqlalchemy.ext.asyncio.session.async_object_session",
    "sqlmodel.Session.object_session",
})


def _may_assign(name: str, source: str) -> bool:
    """Could ``source`` assign ``name`` (``name = ...``, ``name: T = ...``)? A cheap look."""
    return f"{name} =" in source or f"{name}=" in source or f"{name}:" in source


def calls_local_factory(expr: ast.expr, func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> bool:
    """``with session_local() as session`` (or ``session = session_local()``) where the
    function binds ``session_local`` once, to a session maker made there
    (``factory = async_sessionmaker(engine)``) or to the call of a project function annotated
    to return one (``session_local = get_db_session(config)``, ``-> sessionmaker``); or
    ``next(gen)`` (``await anext(gen)``) where it binds ``gen`` once to the call of a provider
    that yields a session (``gen = get_db()``), as ``next(get_db())`` takes its first value."""
    if isinstance(expr, ast.Await) and _takes_next(expr.value):
        expr = expr.value
    if _takes_next(expr):
        return _first_of_bound_provider(expr, func, ctx)  # type: ignore[arg-type]
    if not (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and not expr.args and not expr.keywords):
        return False
    if not _may_assign(expr.func.id, ctx.source):
        return False
    owner = _reading_function(func, expr.func.id, ctx)
    binding = single_bindings(owner, ctx).get(expr.func.id)
    value = binding.value if isinstance(binding, (ast.Assign, ast.AnnAssign)) else None
    if isinstance(value, ast.Await):
        value = value.value
    if isinstance(value, (ast.Name, ast.BoolOp)):
        # `factory = AsyncSessionLocal`; `factory = request.app.state.session_factory or
        # AsyncSessionLocal` (a test's override first: review 105, ak5)
        parts = value.values if isinstance(value, ast.BoolOp) and isinstance(value.op, ast.Or) else [value]
        kinds = [_fallback_part(part, ctx) for part in parts]
        return None not in kinds and any(kinds)
    if not isinstance(value, ast.Call):
        return False
    qualified = qualified_here(value.func, ctx)  # (a function of this module read as another's would be)
    if qualified in SESSION_FACTORIES:
        return True
    if qualified is None or not ctx.is_first_party(qualified):
        return False
    # (annotated `-> sessionmaker`, or its body only `return sessionmaker(...)`, or one
    # that binds a name to it, then returns that)
    return (
        provided_class(qualified, ctx) in SESSION_FACTORIES
        or function_returns_call_of(qualified, ctx, lenient=True) in SESSION_FACTORIES
    )


def _fallback_part(part: ast.expr, ctx: FileContext) -> bool | None:
    """Of ``a or b`` bound to a name a handler calls: True for a session factory of the
    module or an import; False for what may stand in for one (None, an attribute or a
    ``getattr(..., "session_factory", ...)`` named like a factory); None for anything else."""
    if isinstance(part, ast.Name):
        name = part.id
        if defined_around(name, ctx) or locally_bound(name, ctx):
            return None  # (the handler's own `make_session`: review 106)
        qualified = ctx.imports.get(name)
        if qualified is not None and ctx.is_first_party(qualified) and _imported_factory(qualified, ctx):
            return True  # (an imported factory never called by name in the module: review 106)
        return True if name in session_factories(ctx) else None
    if is_none_constant(part):
        return False
    if isinstance(part, ast.Attribute):
        return False if _named_like_factory(part.attr) else None
    if (
        isinstance(part, ast.Call) and isinstance(part.func, ast.Name) and part.func.id == "getattr"
        and len(part.args) >= 2 and isinstance(part.args[1], ast.Constant) and isinstance(part.args[1].value, str)
    ):
        return False if _named_like_factory(part.args[1].value) else None
    return None


def _takes_next(expr: ast.expr) -> bool:
    """``next(gen)``, ``anext(gen, None)``: the first value of what a name holds."""
    return (
        isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in ("next", "anext")
        and len(expr.args) in (1, 2) and isinstance(expr.args[0], ast.Name) and not expr.keywords
    )


def _first_of_bound_provider(call: ast.Call, func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> bool:
    name = call.func.id  # type: ignore[attr-defined]
    if not _is_builtin(call.func, name, ctx) or f"def {name}(" in ctx.source:
        return False
    held = call.args[0].id  # type: ignore[attr-defined]
    owner = _reading_function(func, held, ctx)
    binding = single_bindings(owner, ctx).get(held)
    value = binding.value if isinstance(binding, (ast.Assign, ast.AnnAssign)) else None
    if not (isinstance(value, ast.Call) and _provider_gives_session(value.func, ctx)):
        return False
    # only the first value taken is the session: a later `next(gen, None)` runs the
    # provider's cleanup (the idiom that closes it)
    taken = [
        node for node in ast.walk(owner)
        if _takes_next(node) and node.args[0].id == held  # type: ignore[attr-defined]
    ]
    return min(taken, key=lambda node: (node.lineno, node.col_offset)) is call


def _gets_object_session(value: ast.expr, ctx: FileContext) -> bool:
    return isinstance(value, ast.Call) and ctx.resolve(value.func) in _OBJECT_SESSION_GETTERS


def _outside_nested_scopes(stmt: ast.stmt) -> bool:
    return not isinstance(stmt, SCOPE_TYPES)


def _own_names(func: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, ctx: FileContext) -> frozenset[str]:
    """The names a function binds in its own scope (parameters, assignment, ``for``,
    ``with`` and ``except`` targets, its ``def``s, imports), not in a nested function's,
    less those it declares ``global`` or ``nonlocal``; a ``:=`` anywhere in it counts."""
    return ctx.memo(("sessions.own_names", id(func)), lambda: _find_own_names(func, ctx))


def _find_own_names(func: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, ctx: FileContext) -> frozenset[str]:
    args = func.args
    names = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if a}
    if isinstance(func, ast.Lambda):
        return frozenset(names)
    declared: set[str] = set()
    for stmt in statements(func.body, descend=_outside_nested_scopes):
        if isinstance(stmt, (ast.Global, ast.Nonlocal)):
            declared.update(stmt.names)
        else:
            names.update(scope_bindings(stmt))
    if ":=" in ctx.source:  # (one more than the function binds, at worst: a silence)
        names.update(n.target.id for n in nodes_of(func, ast.NamedExpr) if isinstance(n, ast.NamedExpr))
    return frozenset(names - declared)


def _owner(value: ast.expr, func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """:func:`_reading_function` of the name ``value`` (``self`` in ``self.db``) is read from."""
    if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name):
        return _reading_function(func, value.value.id, ctx)
    return None


def _reading_function(
    func: ast.FunctionDef | ast.AsyncFunctionDef, name: str, ctx: FileContext
) -> ast.FunctionDef | ast.AsyncFunctionDef:
    """The function whose binding of ``name`` a use in ``func`` reads: the nearest one
    around it (``func`` included) that binds the name (the method whose ``self`` a nested
    function reads); ``func`` itself when none does (a module-level name), or when it is
    nested in no function (most are: asked first)."""
    if id(func) in ctx.memo("sessions.outermost_functions", lambda: _outermost_functions(ctx)):
        return func
    parents = ctx.memo("sessions.function_parents", lambda: _function_parents(ctx))
    found: ast.FunctionDef | ast.AsyncFunctionDef | None = func
    while found is not None and name not in _own_names(found, ctx):
        found = parents.get(id(found))
    return found or func


def _outermost_functions(ctx: FileContext) -> set[int]:
    """ids of the module's functions and of its classes' methods, nested in no function."""
    found = set(ctx.memo("sessions.method_classes", lambda: _method_classes(ctx)))
    found.update(id(stmt) for stmt in module_level_statements(ctx.tree.body) if isinstance(stmt, FUNCTION_TYPES))
    return found


def _function_parents(ctx: FileContext) -> dict[int, ast.FunctionDef | ast.AsyncFunctionDef]:
    """id(function) -> the function it is nested in (through classes), for nested ones."""
    parents: dict[int, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    for outer in ctx.all_statements:
        if isinstance(outer, FUNCTION_TYPES):
            for stmt in statements(outer.body, descend=lambda stmt: not isinstance(stmt, FUNCTION_TYPES)):
                if isinstance(stmt, FUNCTION_TYPES):
                    parents[id(stmt)] = outer
    return parents


def _is_self_attribute(value: ast.expr, func: ast.FunctionDef | ast.AsyncFunctionDef | None) -> bool:
    """``self.<attr>``, ``self`` being the method's first parameter."""
    return (
        func is not None
        and isinstance(value, ast.Attribute)
        and isinstance(value.value, ast.Name)
        and value.value.id == _first_parameter(func)
    )


def _gives_session(value: ast.expr, func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> bool:
    """What a local name is assigned gives a session: a call (:func:`_returns_session`), or
    ``db = self.db`` in a method of a class whose instances hold a session there (decided
    when asked, once the class is known: the class's own analysis reads its methods)."""
    if isinstance(value, ast.Attribute):
        owner = _owner(value, func, ctx)
        cls = _receiver_class(owner, ctx, classmethod=False) if owner is not None else None
        return cls is not None and value.attr in class_session_attrs(cls, ctx)
    return (
        _returns_session(value, func, ctx) or calls_local_factory(value, func, ctx)
        or _helper_returns_opened_session(value, ctx)
    )


# what a callee must be (see context_manager_yield) for its call to give a session, by how
# the name is bound: `with`, `async with`, `s = f()`, `s = await f()`
_WITH_KINDS = frozenset({"contextlib.contextmanager", RETURNED})
_ASYNC_WITH_KINDS = frozenset({"contextlib.asynccontextmanager", RETURNED})
_CALLED_KINDS = frozenset({RETURNED})
_AWAITED_KINDS = frozenset({AWAITED})


def _returns_session(value: ast.expr, func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> bool:
    """``sess = self._session()``, ``s = new_session()``: a call of a plain ``def`` annotated to
    return a session (as ``with`` enters it), or ``sess = await self._session()`` of an ``async
    def`` one; not of a context manager (its call gives the manager, not what it yields)."""
    if isinstance(value, ast.Await):
        return _yields_session(value.value, _AWAITED_KINDS, func, ctx)
    return _yields_session(value, _CALLED_KINDS, func, ctx)


def _yields_session(
    expr: ast.expr, kinds: frozenset[str], func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext
) -> bool:
    """``async with engine.core_session() as session``: a call of a project's context manager
    (a function, or a method of a class or of a module-level instance of one) decorated
    ``@asynccontextmanager`` and annotated ``-> AsyncIterator[AsyncSession]`` (``@contextmanager``
    and ``Iterator[Session]`` for ``with``), or of a plain ``def`` annotated ``-> AsyncSession``
    (a session is its own context manager: ``async with self._session() as sess``), read where
    it is defined; ``kinds``: which of those (see :func:`context_manager_yield`) the form of
    the binding accepts."""
    if not isinstance(expr, ast.Call):
        return False
    root = expr.func
    while isinstance(root, ast.Attribute):
        root = root.value
    method_of_root = isinstance(expr.func, ast.Attribute) and expr.func.value is root
    if isinstance(root, ast.Call) and method_of_root:  # `get_engine().session()`
        found = _instance_method_context_manager(_returned_class(root, ctx), expr.func.attr, ctx)  # type: ignore[union-attr]
    elif not isinstance(root, ast.Name):
        return False
    else:
        # (a name a nested function reads from the function around it is judged there)
        owner = _reading_function(func, root.id, ctx)
        if root.id in ("self", "cls") and method_of_root:
            found = _own_method_context_manager(expr.func.attr, root.id, owner, ctx)  # type: ignore[union-attr]
        else:
            found = _named_context_manager(expr, root, owner, ctx)
        if found is None and method_of_root:  # `engine = get_engine()`, `task: DbTask`, then `engine.session()`
            found = _instance_method_context_manager(_local_instance_class(root.id, owner, ctx), expr.func.attr, ctx)  # type: ignore[union-attr]
    if found is None:
        return False
    if found[0] not in kinds:
        return False
    yielded = found[1]
    if yielded in SESSION_TYPES:
        return True
    return ctx.is_first_party(yielded) and bool(outside_bases(yielded, ctx) & SESSION_TYPES)  # a project subclass


def _may_define(source: str, name: str) -> bool:
    """Does the source spell a ``def``/``class`` statement of ``name`` (a cheap look)?"""
    return f"def {name}(" in source or f"class {name}" in source


def _named_context_manager(
    expr: ast.Call, root: ast.Name, func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext
) -> tuple[str, str] | None:
    """What :func:`context_manager_yield` says of a callee reached from a name of the module
    or an import (a function, a class, a module-level instance)."""
    qualified = ctx.resolve(expr.func)
    if qualified is None:
        # a name of this module: a context manager it defines, a function (or a class with a
        # method) annotated to return a session, or an instance it binds
        if not ctx.module or (
            "contextmanager" not in ctx.source
            and root.id not in ctx.top_level_names
            and not _may_define(ctx.source, root.id)
        ):
            return None
        qualified = f"{ctx.module}.{ast.unparse(expr.func)}"
    elif not ctx.is_first_party(qualified):
        return None
    found = context_manager_yield(qualified, ctx)
    # (last: the walk over the function is the dearest check, and rarely needed)
    if found is None or root.id in ctx.memo(("sessions.locals", id(func)), lambda: scope_locals(func)):
        return None  # a parameter or a local of the function: not the module's name
    return found


def _instance_method_context_manager(cls: str | None, method: str, ctx: FileContext) -> tuple[str, str] | None:
    """:func:`method_context_manager` of an instance of a project class (None: not known)."""
    return method_context_manager(cls, method, ctx) if cls is not None and ctx.is_first_party(cls) else None


def _returned_class(call: ast.Call, ctx: FileContext) -> str | None:
    """The project class a call of a function returns, by the function's annotation
    (``def get_engine() -> Engine``: a function of a project module, or of this one at its
    top level), or the class itself called (``Engine()``); None when not known."""
    qualified = qualified_here(call.func, ctx)
    if qualified is None or not ctx.is_first_party(qualified):
        return None
    provided = provided_class(qualified, ctx)
    if provided is not None:
        return provided
    return qualified if read_outside_bases(qualified, ctx) is not None else None  # a class of the project


def _annotated_class(annotation: ast.expr, ctx: FileContext) -> str | None:
    """The qualified name an annotation gives: imported, or a class of this module's own
    (``m: SessionMaker``, ``class SessionMaker`` above: review 101), also in a string."""
    return qualified_here(parsed_annotation(annotation), ctx)


def qualified_here(node: ast.expr, ctx: FileContext) -> str | None:
    """What a name or dotted name resolves to; for a plain name nothing imports, the
    module's own ``def`` or ``class`` of it (``<module>.<name>``), when the source spells one."""
    qualified = ctx.resolve(node)
    if qualified is None and isinstance(node, ast.Name) and ctx.module and _may_define(ctx.source, node.id):
        return f"{ctx.module}.{node.id}"
    return qualified


def _local_instance_class(name: str, func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> str | None:
    """The project class a local name holds: bound once in the function, by ``name =
    get_engine()`` (or ``await``, or ``Engine()``), or ``name: Engine = ...``, or a
    parameter annotated with one (``self: DatabaseTask`` in a Celery task bound to its
    task) that nothing else binds; None when bound more than once, or otherwise."""
    args = func.args
    param = next((arg for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs) if arg.arg == name), None)
    if param is not None or any(arg is not None and arg.arg == name for arg in (args.vararg, args.kwarg)):
        # (asked first, and cheaply: most receivers are an unannotated `self`)
        qualified = _annotated_class(param.annotation, ctx) if param is not None and param.annotation is not None else None
        if qualified is None or not ctx.is_first_party(qualified):
            return None
        if ctx.memo(("sessions.rebinds", id(func), name), lambda: _rebinds(func, name)):
            return None
        return qualified
    if not _may_assign(name, ctx.source):
        return None  # (no `name = ...` nor `name: ...` anywhere: no need to walk the function)
    binding = single_bindings(func, ctx).get(name)
    if isinstance(binding, ast.AnnAssign):
        qualified = _annotated_class(binding.annotation, ctx)
        return qualified if qualified is not None and ctx.is_first_party(qualified) else None
    if isinstance(binding, ast.Assign):
        value = binding.value.value if isinstance(binding.value, ast.Await) else binding.value
        return _returned_class(value, ctx) if isinstance(value, ast.Call) else None
    return None


def single_bindings(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> dict[str, ast.stmt | None]:
    """Each name the function binds -> the one plain assignment (``x = ...``, ``x: T = ...``)
    binding it, or None when a parameter, bound more than once or bound some other way
    (``except ... as x``, an import; nested functions and lambdas included, to be safe)."""
    return ctx.memo(("sessions.single_bindings", id(func)), lambda: _single_bindings(func))


def _single_bindings(func: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, ast.stmt | None]:
    found: dict[str, ast.stmt | None] = {}
    args = func.args
    for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
        if arg is not None:
            found[arg.arg] = None
    assigned: dict[int, ast.stmt] = {}
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            assigned[id(node.targets[0])] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            assigned[id(node.target)] = node
        elif node is not func and isinstance(node, (*FUNCTION_TYPES, ast.Lambda)):
            for arg in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs, node.args.vararg, node.args.kwarg):
                if arg is not None:
                    found[arg.arg] = None
    for node in ast.walk(func):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            found[node.id] = None if node.id in found else assigned.get(id(node))
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for global_name in node.names:
                found[global_name] = None
        elif isinstance(node, ast.ExceptHandler) and node.name:
            found[node.name] = None
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                found[(alias.asname or alias.name).partition(".")[0]] = None
    return found


def _own_method_context_manager(
    method: str, receiver: str, func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext
) -> tuple[str, str] | None:
    """``self.<method>()`` in a method (``cls.<method>()`` in a classmethod) of a top-level
    class of the module: what the class's own definition of ``method``, or its nearest
    base's, yields as a context manager (see :func:`method_context_manager`)."""
    if not ctx.module or _first_parameter(func) != receiver:
        return None
    # (`cls.<method>()` only in a classmethod, `self.<method>()` only outside one)
    cls = _receiver_class(func, ctx, classmethod=receiver == "cls")
    if cls is None or top_level_binding_counts(ctx).get(cls.name) != 1:
        return None  # the class name bound twice: which class the module's summary holds is not known
    return method_context_manager(f"{ctx.module}.{cls.name}", method, ctx)


def _receiver_class(
    func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext, *, classmethod: bool
) -> ast.ClassDef | None:
    """The top-level class of which ``func`` is a method whose first parameter is that class's
    instance (or, with ``classmethod``, the class: a ``@classmethod``); None for a function
    that is no such method, a ``@staticmethod``, or one that rebinds its first parameter
    (``self = other``, a nested function of its own ``self``: which object is not known)."""
    cls = ctx.memo("sessions.method_classes", lambda: _method_classes(ctx)).get(id(func))
    if cls is None or any(_is_builtin(d, "staticmethod", ctx) for d in func.decorator_list):
        return None
    if any(_is_builtin(d, "classmethod", ctx) for d in func.decorator_list) is not classmethod:
        return None
    receiver = _first_parameter(func)
    if ctx.memo(("sessions.rebinds", id(func), receiver), lambda: _rebinds(func, receiver)):
        return None
    return cls


def _method_classes(ctx: FileContext) -> dict[int, ast.ClassDef]:
    """id(method) -> its top-level class, for each method a top-level class body defines."""
    return {
        id(stmt): node
        for node in module_level_statements(ctx.tree.body) if isinstance(node, ast.ClassDef)
        for stmt in node.body if isinstance(stmt, FUNCTION_TYPES)
    }


def _rebinds(func: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
    """Does ``name`` get bound in ``func`` other than as its parameter (assigned, caught as
    ``except ... as name``, imported, or a parameter of a nested function or lambda)?"""
    for node in ast.walk(func):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store):
            return True
        if isinstance(node, ast.ExceptHandler) and node.name == name:
            return True
        if isinstance(node, (ast.Import, ast.ImportFrom)) and any(
            (alias.asname or alias.name).partition(".")[0] == name for alias in node.names
        ):
            return True
        if node is not func and isinstance(node, (*FUNCTION_TYPES, ast.Lambda)):
            args = node.args
            params = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
            if any(arg is not None and arg.arg == name for arg in params):
                return True
    return False


def _is_builtin(decorator: ast.expr, name: str, ctx: FileContext) -> bool:
    """Is ``decorator`` the builtin ``name`` (``staticmethod``, ``classmethod``), not rebound?"""
    if isinstance(decorator, ast.Name) and decorator.id == name:
        return name not in ctx.imports and name not in ctx.top_level_names
    return ctx.resolve(decorator) == f"builtins.{name}"


def _other_type(annotation: ast.expr | None, ctx: FileContext) -> bool:
    """An annotation naming a class that is not a session (``db: DatabaseManager =
    Depends(get_db)``: the provider's name says session, the parameter's type says not),
    also as the type of ``Annotated[httpx.AsyncClient, Depends(get_http_session)]``."""
    if isinstance(annotation, ast.Subscript) and ctx.resolve(annotation.value) in ANNOTATED:
        inner = annotation.slice
        return isinstance(inner, ast.Tuple) and bool(inner.elts) and _other_type(inner.elts[0], ctx)
    if not isinstance(annotation, (ast.Name, ast.Attribute)):
        return False  # none, a string, a union: the provider decides
    if isinstance(annotation, ast.Name) and annotation.id == "object" and "object" not in ctx.imports:
        return False
    qualified = ctx.resolve(annotation)
    if (
        qualified is None and isinstance(annotation, ast.Name) and ctx.mentions("import *", "import*")
        and annotation.id not in top_level_binding_counts(ctx)
    ):
        # a name a star import brings (`Session` after `from app.dao import *`: review 99):
        # read where the project module binds it; not read, another class unless only a
        # star import of SQLAlchemy's (or SQLModel's) may bring it
        star = star_imported_name(annotation.id, ctx)
        if star is not None:
            return not (star in _ANY_TYPES or star in SESSION_TYPES or _reexported_session(star, ctx))
        return not _only_sqlalchemy_star_binds(annotation.id, ctx)
    return qualified not in _ANY_TYPES and not is_session_annotation(annotation, ctx)


_ANY_TYPES = frozenset({"typing.Any", "typing_extensions.Any"})


def _only_sqlalchemy_star_binds(name: str, ctx: FileContext) -> bool:
    """Of the module's star imports, may only SQLAlchemy's or SQLModel's bind ``name``
    (``from sqlalchemy.orm import *``, also through a project module's star imports: review
    102; any other, the project's read there and found not to)?"""
    top, nested = star_import_statements(ctx)
    modules = [ctx.absolute_module(stmt.module, stmt.level) for stmt in (*top, *nested)]
    found = False
    seen: set[str] = set()
    while modules:
        module = modules.pop()
        if module is None:
            return False
        if module in seen:
            continue
        seen.add(module)
        if module.partition(".")[0] in _SA_TOPS:
            found = True
            continue
        read = star_sources(module, ctx) if ctx.is_first_party(module) and len(seen) <= _MAX_STAR_MODULES else None
        if read is None or name in read[0]:
            return False  # (not read, or it binds the name itself: `star_imported_name` read it)
        modules.extend(read[1])
    return found


_MAX_STAR_MODULES = 8


def function_sessions(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> _NameSet:
    return ctx.memo(("sessions.function", id(func)), lambda: _function_sessions(func, ctx))


def _class_session_attrs(cls: ast.ClassDef, ctx: FileContext) -> frozenset[str]:
    attrs: set[str] = set()
    for stmt in cls.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            if is_session_annotation(stmt.annotation, ctx):
                attrs.add(stmt.target.id)
        elif isinstance(stmt, FUNCTION_TYPES):
            if _is_property(stmt, ctx) and is_session_annotation(stmt.returns, ctx):
                attrs.add(stmt.name)  # `@property def session(self) -> Session`
            sessions = function_sessions(stmt, ctx)
            for node in nodes_of(stmt, ast.Assign, ast.AnnAssign):
                if isinstance(node, (ast.Assign, ast.AnnAssign)):
                    assigned = _self_attributes(node.targets if isinstance(node, ast.Assign) else [node.target])
                    if not assigned:
                        continue  # (a local's assignment: asked first, it would read a callee for nothing)
                    value = node.value
                    holds = (
                        (isinstance(value, ast.Name) and value.id in sessions)
                        or (value is not None and (opens_session(value, ctx) or _returns_session(value, stmt, ctx)))
                        or (isinstance(node, ast.AnnAssign) and is_session_annotation(node.annotation, ctx))
                    )
                    if holds:
                        attrs.update(assigned)
    return frozenset(attrs | _inherited_session_attrs(cls, ctx, instance=True))


def _class_level_session_attrs(cls: ast.ClassDef, ctx: FileContext) -> frozenset[str]:
    """The attributes the class body (or a base's) annotates as a session (``session:
    ClassVar[scoped_session[Session]]``): what ``cls.<attr>`` and ``ClassName.<attr>`` reach."""
    attrs = {
        stmt.target.id for stmt in cls.body
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
        and is_session_annotation(stmt.annotation, ctx)
    }
    return frozenset(attrs | _inherited_session_attrs(cls, ctx, instance=False))


def _inherited_session_attrs(cls: ast.ClassDef, ctx: FileContext, *, instance: bool) -> set[str]:
    """Session attributes a class inherits: from a base class of the module, or one of
    another project module, read there (``session: Session = Depends(get_db)`` on a base
    controller of class-based views; for an ``instance``, ``self.session = session`` in the
    base's ``__init__`` too)."""
    attrs: set[str] = set()
    for base in cls.bases:
        if isinstance(base, ast.Name) and base.id not in ctx.imports:
            for node in classes_by_name(ctx).get(base.id, ()):
                if node is not cls:
                    attrs |= class_session_attrs(node, ctx, instance=instance)
            continue
        qualified = ctx.resolve(base)
        if qualified and ctx.is_first_party(qualified):
            attrs |= _project_session_attrs(qualified, ctx, instance=instance)
    return attrs


def _project_session_attrs(qualified: str, ctx: FileContext, *, instance: bool) -> set[str]:
    """The session attributes of a class of another project module, read there."""
    return {
        attr for attr, kind in inherited_attribute_types(qualified, ctx, with_init=instance).items()
        if _names_session_type(kind, ctx)
    }


def _names_session_type(qualified: str, ctx: FileContext) -> bool:
    """A session class, a project subclass of one, or a project module's session type alias
    (``SessionType = scoped_session[Session]``), as another module's annotation names it."""
    if qualified in SESSION_TYPES:
        return True
    if not ctx.is_first_party(qualified):
        return False
    return _reexported_session(qualified, ctx) or (
        qualified.rpartition(".")[2] in _imported_module_facts(qualified, ctx)[1]
    )


_PROPERTIES = frozenset({"builtins.property", "functools.cached_property"})


def _is_property(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> bool:
    for decorator in func.decorator_list:
        if isinstance(decorator, ast.Name) and decorator.id == "property" and "property" not in ctx.imports:
            return True
        if ctx.resolve(decorator) in _PROPERTIES:
            return True
    return False


def classes_by_name(ctx: FileContext) -> dict[str, list[ast.ClassDef]]:
    """The classes of this module (at any depth) by name."""
    return ctx.memo("sessions.classes_by_name", lambda: _classes_by_name(ctx))


def _classes_by_name(ctx: FileContext) -> dict[str, list[ast.ClassDef]]:
    found: dict[str, list[ast.ClassDef]] = {}
    for node in ctx.all_statements:
        if isinstance(node, ast.ClassDef):
            found.setdefault(node.name, []).append(node)
    return found


def class_session_attrs(cls: ast.ClassDef, ctx: FileContext, *, instance: bool = True) -> frozenset[str]:
    """The session attributes of an instance of ``cls`` (``self.<attr>``), or with
    ``instance=False`` of the class itself (``cls.<attr>``)."""
    key = (instance, id(cls))
    resolving: set[tuple[bool, int]] = ctx.memo("sessions.classes_resolving", set)
    if key in resolving:
        return frozenset()  # a cycle of same-named bases
    resolving.add(key)
    try:
        if instance:
            return ctx.memo(("sessions.class", id(cls)), lambda: _class_session_attrs(cls, ctx))
        return ctx.memo(("sessions.class_level", id(cls)), lambda: _class_level_session_attrs(cls, ctx))
    finally:
        resolving.discard(key)


def is_session(expr: ast.AST, ctx: FileContext) -> bool:
    """During the walk: does ``expr`` hold a session in the current scope?"""
    if isinstance(expr, ast.Name):
        # the innermost function binding the name decides (a sibling handler's `session`,
        # or the enclosing factory's, is not this function's when it binds its own); the
        # functions' sessions are asked first, the bindings of those inside only then
        scopes = ctx.scopes
        for index in range(len(scopes) - 1, -1, -1):
            scope = scopes[index]
            if isinstance(scope, FUNCTION_TYPES) and expr.id in function_sessions(scope, ctx):
                return not any(
                    isinstance(inner, (*FUNCTION_TYPES, ast.Lambda)) and expr.id in _own_names(inner, ctx)
                    for inner in scopes[index + 1:]
                )
        return False
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        if expr.value.id == "self":
            cls = ctx.enclosing_class()
            return cls is not None and expr.attr in class_session_attrs(cls, ctx)
        return _class_attribute_session(expr.value.id, expr.attr, ctx)
    return False


def _class_attribute_session(owner: str, attr: str, ctx: FileContext) -> bool:
    """``cls.<attr>`` in a classmethod, or ``ClassName.<attr>`` for a project class (of this
    module or imported), where the class body or a base's annotates ``attr`` as a session."""
    func = ctx.enclosing_function()
    if func is not None and owner == "cls":
        scopes = ctx.scopes
        cls = scopes[-2] if len(scopes) >= 2 and scopes[-1] is func else None
        return (
            isinstance(cls, ast.ClassDef)
            and _first_parameter(func) == owner
            and any(_is_builtin(decorator, "classmethod", ctx) for decorator in func.decorator_list)
            and attr in class_session_attrs(cls, ctx, instance=False)
        )
    if not owner.lstrip("_")[:1].isupper() or locally_bound(owner, ctx):
        return False  # (classes are CapWords, `_Private` too: others are not looked up)
    qualified = ctx.imports.get(owner)
    if qualified is None:
        classes = [stmt for stmt in ctx.tree.body if isinstance(stmt, ast.ClassDef) and stmt.name == owner]
        return len(classes) == 1 and top_level_binding_counts(ctx).get(owner) == 1 and attr in class_session_attrs(
            classes[0], ctx, instance=False
        )
    return ctx.is_first_party(qualified) and attr in ctx.memo(
        ("sessions.project_class_level", qualified), lambda: _project_session_attrs(qualified, ctx, instance=False)
    )


def _first_parameter(func: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    positional = [*func.args.posonlyargs, *func.args.args]
    return positional[0].arg if positional else None


def top_level_assignment(name: str, ctx: FileContext) -> ast.Assign | ast.AnnAssign | None:
    """The assignment (plain or annotated) in the module's top-level statements that binds
    ``name``, when it is the name's only binding at the top level."""
    return ctx.memo("sessions.top_level_assignments", lambda: _top_level_assignments(ctx)).get(name)


def _top_level_assignments(ctx: FileContext) -> dict[str, ast.Assign | ast.AnnAssign]:
    counts = top_level_binding_counts(ctx)
    found: dict[str, ast.Assign | ast.AnnAssign] = {}
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.Assign):
            targets = stmt.targets
        elif isinstance(stmt, ast.AnnAssign):
            targets = [stmt.target]
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name) and counts.get(target.id) == 1:
                found[target.id] = stmt  # type: ignore[assignment]
    return found


def top_level_binding_counts(ctx: FileContext) -> dict[str, int]:
    """How many statements of the module's top level (its if/try blocks too) bind each name."""
    return ctx.memo("sessions.top_level_bindings", lambda: _top_level_binding_counts(ctx))


def _top_level_binding_counts(ctx: FileContext) -> dict[str, int]:
    counts: dict[str, int] = {}
    for stmt in statements(ctx.tree.body, descend=lambda stmt: not isinstance(stmt, SCOPE_TYPES)):
        for name in statement_bindings(stmt):
            counts[name] = counts.get(name, 0) + 1
    return counts


def session_method_call(node: ast.Call, methods: frozenset[str], ctx: FileContext) -> str | None:
    """``session.<method>(...)`` with ``method`` in ``methods`` on a known session: the method name."""
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in methods and is_session(func.value, ctx):
        return func.attr
    return None


def call_ids(node: ast.AST) -> set[int]:
    """The ids of the calls in ``node`` (itself included): the walk enters a call before
    its parts, so a rule can mark those it must not report before it meets them."""
    return {id(call) for call in nodes_of(node, ast.Call)}


STATEMENT_BUILDERS = frozenset({"select", "insert", "update", "delete", "text"})


def query_at(node: ast.Call, methods: frozenset[str], ctx: FileContext) -> tuple[ast.Call, str, bool] | None:
    """The query a call runs or builds, as LL106/LL107 report it: (the node to report, what
    it spells — ``session.execute`` or ``select`` —, whether it runs it on a session), or
    None. The calls inside it (:func:`call_ids`) are part of the same query."""
    method = session_method_call(node, methods, ctx)
    if method is not None:
        return node, f"{ast.unparse(node.func.value)}.{method}", True  # type: ignore[attr-defined]
    built = built_statement(node, ctx)
    return None if built is None else (built[0], built[1], False)


def built_statement(node: ast.Call, ctx: FileContext) -> tuple[ast.Call, str] | None:
    """The builder call at the root of ``node``'s method chain and its name, when that is a
    statement builder: ``select(User).where(...).limit(1)`` gives ``select(User)``."""
    root = node
    while isinstance(root.func, ast.Attribute) and isinstance(root.func.value, ast.Call):
        root = root.func.value
    builder = statement_builder(root, ctx)
    return None if builder is None else (root, builder)


def statement_builder(node: ast.Call, ctx: FileContext) -> str | None:
    """``select(...)``/``sa.text(...)``/``postgresql.insert(...)`` from SQLAlchemy or SQLModel
    (also through a project module that re-exports it), the name not bound by a function or
    lambda around the call (a parameter ``select``, ``text = "...".format``)."""
    name = ctx.resolve_reexported(node.func)
    root = dotted_root(node.func) if name else None
    if root is not None and (locally_bound(root, ctx) or _defined_locally(root, ctx)):
        return None  # (`def pick(users, select): ...select(u)`: a parameter, not the import)
    return _builder_named(name) if name else None


def _builder_named(name: str) -> str | None:
    last = name.rpartition(".")[2]
    if name.partition(".")[0] in ("sqlalchemy", "sqlmodel") and last in STATEMENT_BUILDERS:
        return last
    return None


def imports_project_statement_builder(ctx: FileContext) -> bool:
    """Does the module import a statement builder through a project module that re-exports
    it (``from app.sqlkit import select``, or ``from app import sqlkit`` for ``sqlkit.select``),
    and call one by its name? (A gate for a file that never spells ``sqlalchemy``.)"""
    source = ctx.source
    if not any(f"{builder}(" in source for builder in STATEMENT_BUILDERS):
        return False
    for target in ctx.imports.values():
        if ctx.is_first_party(target) and any(
            _builder_named(ctx.through_reexports(name))
            for name in (target, *(f"{target}.{builder}" for builder in sorted(STATEMENT_BUILDERS)))
        ):
            return True
    return False


def _module_sessions(ctx: FileContext) -> frozenset[str]:
    """Module-level names holding a session: ``session = SessionLocal()``,
    ``db_session = scoped_session(sessionmaker(...))``, ``session: Session = ...``."""
    names: set[str] = set()
    for stmt in ctx.tree.body:
        if isinstance(stmt, ast.Assign) and opens_session(stmt.value, ctx):
            names.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            opened = stmt.value is not None and opens_session(stmt.value, ctx)
            if opened or is_session_annotation(stmt.annotation, ctx):
                names.add(stmt.target.id)
    return frozenset(names)


def module_sessions(ctx: FileContext) -> frozenset[str]:
    return ctx.memo("sessions.module", lambda: _module_sessions(ctx))


def _imported_session(name: str, ctx: FileContext) -> bool:
    """``from app.db import session`` where app/db.py binds a module-level session."""
    qualified = ctx.imports.get(name)
    return qualified is not None and _project_session(qualified, ctx)


def _project_session(qualified: str, ctx: FileContext) -> bool:
    """Does the project module of ``qualified`` bind that name to a module-level session,
    itself or through the project modules that re-export it (``app.model.Session``, which
    ``app/model/__init__.py`` imports from ``app.model.meta``)?"""
    return any(
        name.rpartition(".")[2] in _imported_module_facts(name, ctx)[2]
        for name, _path in ctx.reexport_hops(qualified, 4)
    )


def holds_session(expr: ast.AST, ctx: FileContext) -> bool:
    """During the walk: :func:`is_session`, or a module-level session not rebound in the
    enclosing functions, or a call that opens one (``SessionLocal().query(...)``) or returns
    one (``self.get_session().query(...)``, ``object_session(obj).query(...)``: the calls
    ``s = ...`` is read as a session from).

    Wider than :func:`is_session` (which the LL1xx rules keep using unchanged).
    """
    if is_session(expr, ctx):
        return True
    if isinstance(expr, ast.Name) and (expr.id in module_sessions(ctx) or _imported_session(expr.id, ctx)):
        return not locally_bound(expr.id, ctx)
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id in ctx.imports:
        # `meta.Session` after `from app.model import meta` (or `import app.model.meta as meta`)
        module = ctx.imports[expr.value.id]
        return _project_session(f"{module}.{expr.attr}", ctx) and not locally_bound(expr.value.id, ctx)
    if isinstance(expr, (ast.Call, ast.Await)):
        func = ctx.enclosing_function()
        if func is not None and (_returns_session(expr, func, ctx) or _gets_object_session(expr, ctx)):
            return True  # `self.get_session().query(...)` (aiida): as `s = self.get_session()` holds
        if func is not None and calls_local_factory(expr, func, ctx):
            return True  # `Session = sessionmaker(bind=engine)`, then `Session().query(...)`
        if isinstance(expr, ast.Call) and not expr.args and not expr.keywords and isinstance(expr.func, ast.Name) and (
            holds_session(expr.func, ctx)
        ):
            return True  # `DBSession().query(...)`: a scoped_session called gives its session
    return isinstance(expr, ast.Call) and opens_session(expr, ctx)


def _defined_locally(name: str, ctx: FileContext) -> bool:
    """Does a function around the walk's position define a function or class of that name?"""
    return any(
        name in ctx.memo(("sessions.local_defs", id(scope)), lambda scope=scope: frozenset(
            node.name for node in ast.walk(scope)
            if node is not scope and isinstance(node, (*FUNCTION_TYPES, ast.ClassDef))
        ))
        for scope in ctx.scopes
        if isinstance(scope, FUNCTION_TYPES)
    )


def defined_around(name: str, ctx: FileContext) -> bool:
    """Does a function around the walk's position define a function or class of ``name``?"""
    return any(
        name in ctx.memo(("sessions.defined", id(scope)), lambda scope=scope: _defined_in(scope))
        for scope in ctx.scopes
        if isinstance(scope, FUNCTION_TYPES)
    )


def _defined_in(scope: ast.AST) -> frozenset[str]:
    return frozenset(
        node.name for node in ast.walk(scope)
        if isinstance(node, (*FUNCTION_TYPES, ast.ClassDef)) and node is not scope
    )


def locally_bound(name: str, ctx: FileContext) -> bool:
    """Does a function or lambda around the walk's position bind ``name`` (a wider set:
    :func:`~layerlint.facts.names.scope_locals`)?"""
    return any(
        name in ctx.memo(("sessions.locals", id(scope)), lambda scope=scope: scope_locals(scope))
        for scope in ctx.scopes
        if isinstance(scope, (*FUNCTION_TYPES, ast.Lambda))
    )


external_clear_too(_module_facts.cache_clear)
external_clear_too(_top_level_names.cache_clear)
external_clear_too(_module_class_bindings.cache_clear)

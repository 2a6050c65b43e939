"""Code gated on the SQLAlchemy version: written to run on 1.x and 2.x alike.

casbin-sqlalchemy-adapter's ``if sqlalchemy.__version__.startswith("1."): Base =
declarative_base()`` / ``else: class Base(DeclarativeBase)``. A test of the version reads
``__version__`` (or ``VERSION``) of an imported SQLAlchemy module, or a name assigned from
it (``IS_V2 = sa.__version__.startswith("2")``), a flag named for it (``SQLALCHEMY_2``,
``IS_SQLA_V2``, ``sqlalchemy_version``: usually the project's own constant, recognised by
its spelling), the installed version by distribution name (``version("sqlalchemy")``), or
tests a SQLAlchemy module for a name only SQLAlchemy 2 has (``hasattr(orm,
"DeclarativeBase")``, ``"DeclarativeBase" in dir(orm)``); an ``if`` whose branches write
one thing with the 2.0 API and the legacy one counts whatever its test. Not a branch that
only raises or warns (a requirement of one version), nor any in a module importing a
2.0-only name unconditionally (it runs on 2.x only). A module holding one keeps an older
SQLAlchemy working itself, as one with an ``except ImportError:`` fallback does
(facts/fallbacks.py): the fixes that write the 2.0 API are withheld there, and the 1.x
branch's ``declarative_base()`` is no finding of LL304. So they are in a module calling
``select([...])``, ``update(t, values=...)``, ``MetaData(bind=...)`` or another form 2.0
removed: it runs on 1.x only.
"""

from __future__ import annotations

import ast
import re

from layerlint.context import FileContext
from layerlint.facts.names import COMPREHENSIONS, SCOPE_NODES, dotted_root, import_bindings, own_bindings, resolve_in
from layerlint.facts.project_classes import module_level_statements, top_level_bindings
from layerlint.walk import nodes_of, statements

# names only SQLAlchemy 2.0 and later have (a module that uses one runs on 2.x)
SQLALCHEMY_2_NAMES = frozenset({
    "mapped_column", "MappedColumn", "DeclarativeBase", "DeclarativeBaseNoMeta", "MappedAsDataclass",
    "WriteOnlyMapped", "DynamicMapped", "async_sessionmaker", "mapped_as_dataclass", "attribute_keyed_dict",
    "column_keyed_dict", "keyfunc_mapping", "KeyFuncDict", "Uuid", "Double", "insert_sentinel",
})
_VERSION_ATTRIBUTES = frozenset({"__version__", "VERSION", "__version_info__"})


def sqlalchemy_version_gates(tree: ast.Module) -> list[ast.If]:
    """The ``if`` statements (at any depth) on the SQLAlchemy version that keep 1.x working:
    a test of the version, or branches that write one thing with the 2.0 API and with the
    legacy one (``if IS_V2: class Base(DeclarativeBase)`` / ``else: Base =
    declarative_base()``, whatever the test's name); none where a branch only raises or
    warns (a requirement, not support), nor in a module that imports a 2.0-only name
    unconditionally (it cannot run on 1.x)."""
    if _imports_2_0_at_top(tree):
        return []
    names = _ModuleNames(tree)
    return [
        stmt for stmt in names.ifs
        if not _requirement_only(stmt) and (
            names.tests_version(stmt.test) or (names.spells_2_0 and _both_apis(stmt))
        )
    ]


def is_sqlalchemy_version_test(test: ast.expr, modules: frozenset[str], versions: frozenset[str]) -> bool:
    """Does ``test`` read the SQLAlchemy version (``modules``, ``versions``: the names the
    module binds to SQLAlchemy's modules, and to its version)?"""
    for node in ast.walk(test):
        if isinstance(node, ast.Name) and (_is_flag(node.id) or node.id in versions):
            return True
        if isinstance(node, ast.Attribute):
            if _is_flag(node.attr):
                return True
            if node.attr in _VERSION_ATTRIBUTES and dotted_root(node.value) in modules:
                return True
        if isinstance(node, ast.Call):
            name = _callee_name(node)
            if name in _DISTRIBUTION_READERS and any(
                isinstance(a, ast.Constant) and isinstance(a.value, str) and a.value.lower() == "sqlalchemy"
                for a in node.args
            ):
                return True  # `version("sqlalchemy")`, `get_distribution("SQLAlchemy")`
            if (
                name in ("hasattr", "getattr") and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)
                and (
                    node.args[1].value in SQLALCHEMY_2_NAMES
                    or (name == "getattr" and node.args[1].value in _VERSION_ATTRIBUTES)
                )
                and dotted_root(node.args[0]) in modules
            ):
                return True  # `hasattr(orm, "DeclarativeBase")`, `getattr(sqlalchemy, "__version__", "1.3")`
        if (
            isinstance(node, ast.Compare) and isinstance(node.left, ast.Constant)
            and node.left.value in SQLALCHEMY_2_NAMES
            and any(
                isinstance(c, ast.Call) and isinstance(c.func, ast.Name) and c.func.id == "dir"
                for c in node.comparators
            )
        ):
            return True  # `"DeclarativeBase" in dir(orm)`
    return False


# what reads an installed distribution's version by its name
_DISTRIBUTION_READERS = frozenset({"version", "get_distribution", "distribution", "require"})


def _both_apis(gate: ast.If) -> bool:
    """Do the two branches write the same thing with the 2.0 API and with the legacy one: one
    uses a name only SQLAlchemy 2 has, the other ``declarative_base`` (or ``Column`` where the
    first has ``mapped_column``)?"""
    if not gate.orelse:
        return False
    for branch, other in ((gate.body, gate.orelse), (gate.orelse, gate.body)):
        if _names_in(branch) & _MODERN_NAMES and _names_in(other) & _LEGACY_NAMES:
            return True
    return False


# (not sessionmaker: 2.0's own sync API, beside async_sessionmaker in a sync/async switch)
_LEGACY_NAMES = frozenset({"declarative_base", "generate_base", "Column", "DeclarativeMeta", "as_declarative"})
_MODERN_NAMES = SQLALCHEMY_2_NAMES - {"async_sessionmaker"}


def _names_in(body: list[ast.stmt]) -> set[str]:
    return {
        node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute)
        else (node.asname or node.name).rpartition(".")[2]
        for stmt in body
        for node in ast.walk(stmt)
        if isinstance(node, (ast.Name, ast.Attribute, ast.alias))
    }


def _requirement_only(gate: ast.If) -> bool:
    """Does a branch of the ``if`` only raise or warn (``if sqlalchemy.__version__ < "2":
    raise ImportError(...)``): a requirement of one version, not support of both?"""
    return any(branch and all(_raises_or_warns(stmt) for stmt in branch) for branch in (gate.body, gate.orelse))


def _raises_or_warns(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.Raise):
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        return _callee_name(stmt.value) in _WARNINGS
    return False


_WARNINGS = frozenset({"warn", "warning", "error", "critical", "info", "debug", "exception", "print"})


def _callee_name(call: ast.Call) -> str | None:
    """The last name of what is called (``warn`` of ``warnings.warn(...)``)."""
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None


def _imports_2_0_at_top(tree: ast.Module) -> bool:
    """Does the module's body (not an ``if`` or ``try`` of it) import a name only SQLAlchemy 2
    has (``from sqlalchemy.orm import DeclarativeBase, mapped_column``)? It runs on 2.x only."""
    return any(
        isinstance(stmt, ast.ImportFrom) and not stmt.level
        and (stmt.module or "").partition(".")[0] == "sqlalchemy"
        and any(alias.name in SQLALCHEMY_2_NAMES for alias in stmt.names)
        for stmt in tree.body
    )


def calls_removed_forms(tree: ast.Module) -> bool:
    """Does the module call SQLAlchemy in a form that 2.0 removed, so that it runs on 1.x
    only: ``select``, ``exists`` or a select's ``with_only_columns`` of a list of columns
    (``select([users])``, ``sa.select([c for c in cols])``, a tuple or a generator too),
    ``case`` of a list of pairs (``case([(cond, value)])``), a keyword 2.0 removed
    (``select(columns=...)``, ``case(whens=...)``, ``update(t, values=...)``,
    ``MetaData(bind=engine)``, ``declarative_base(bind=...)``, ``Table(..., autoload=True)``,
    ``sessionmaker(autocommit=True)``, ``String(convert_unicode=True)`` or any other call's
    ``convert_unicode=``), ``insert``/``update``/``delete`` given more than the table
    (``update(t, t.c.id == 1)``), a name of ``sqlalchemy.orm`` 2.0 removed (``relation``,
    ``eagerload``) or a classical ``mapper(User, users)``, or a method form 2.0 removed
    (:func:`_removed_method_call`, :func:`_removed_receiver_calls`)?"""
    callables: dict[str, str] = {}  # local name -> `select`, `case`, `update` ...
    modules: set[str] = set()
    imported: dict[str, str] = {}  # local name -> qualified, of every import from sqlalchemy
    for node in nodes_of(tree, ast.Import, ast.ImportFrom):
        for local, qualified in import_bindings(node):  # type: ignore[arg-type]
            if local is None or qualified is None or qualified.partition(".")[0] != "sqlalchemy":
                continue
            imported[local] = qualified
            last = qualified.rpartition(".")[2]
            if last in _REMOVED_ORM_NAMES and qualified.startswith("sqlalchemy.orm."):
                return True  # (its import fails on 2.0)
            if last in _LEGACY_FORMS:
                callables[local] = last
            else:
                modules.add(local)
    if not callables and not modules:
        return False
    if _removed_receiver_calls(tree, _module_objects(tree, imported)):
        return True
    for call in nodes_of(tree, ast.Call):
        func = call.func
        if isinstance(func, ast.Name) and func.id in callables:
            name = callables[func.id]
        elif isinstance(func, ast.Attribute) and func.attr in _LEGACY_FORMS and dotted_root(func.value) in modules:
            name = func.attr
        elif isinstance(func, ast.Attribute) and func.attr == "with_only_columns":
            name = func.attr  # (a method of a select: `stmt.with_only_columns([users.c.id])`)
        elif _removed_method_call(call):
            return True
        else:
            # `String(255, convert_unicode=True)`, `create_engine(url, convert_unicode=True)`
            if dotted_root(func) in modules and any(kw.arg == "convert_unicode" for kw in call.keywords):
                return True
            continue
        if _legacy_call(name, call):
            return True
    return False


def _module_objects(tree: ast.Module, imported: dict[str, str]) -> dict[str, frozenset[str]]:
    """The names the module's top level binds once to a SQLAlchemy ``Table(...)`` (``users:
    Table = Table(...)`` too) or ``create_engine(...)`` (``engine_from_config(...)``), with the methods 2.0 removed or
    changed so that a call of them given these arguments fails (:data:`_REMOVED_USES`)."""
    found: dict[str, frozenset[str]] = {}
    for stmt in module_level_statements(tree.body):
        value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
        kind = _REMOVED_USES.get(resolve_in(value.func, imported) or "") if isinstance(value, ast.Call) else None
        if kind is not None:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]  # type: ignore[union-attr]
            found.update((target.id, kind) for target in targets if isinstance(target, ast.Name))
    if not found:
        return found
    rebound = top_level_bindings(tree.body)[1]
    return {name: kind for name, kind in found.items() if name not in rebound}


def _removed_receiver_calls(tree: ast.Module, objects: dict[str, frozenset[str]]) -> bool:
    """Does the module call such a method of one of ``objects`` (a table's ``update``/
    ``insert``/``delete``/``select`` given a whereclause or values: ``users.update(users.c.id
    == 1)``; an engine's ``execute``), or a table's through ``Model.__table__`` (2.0's take
    none)? A function, lambda or comprehension binding the name itself holds another object."""
    candidates = [
        call for call in nodes_of(tree, ast.Call)
        if isinstance(call.func, ast.Attribute) and (
            (isinstance(call.func.value, ast.Name) and call.func.attr in objects.get(call.func.value.id, ()))
            or (isinstance(call.func.value, ast.Attribute) and call.func.value.attr == "__table__")
        )
    ]
    if not candidates:  # (most modules: no scope to follow)
        return False
    stack: list[tuple[ast.AST, frozenset[str]]] = [(node, frozenset()) for node in ast.iter_child_nodes(tree)]
    while stack:
        node, outer = stack.pop()
        shadowed = outer | (own_bindings(node) & objects.keys()) if isinstance(node, SCOPE_NODES) else outer
        if shadowed != outer and isinstance(node, COMPREHENSIONS):
            # (its first iterable is read in the scope around it: `[e for e in engine.table_names()]`)
            stack.append((node.generators[0].iter, outer))
        if shadowed != outer and isinstance(node, ast.ClassDef):
            # (a class body's names are its own; its methods, bases and decorators see the names around it)
            stack.extend((child, outer) for child in ast.iter_child_nodes(node) if child not in node.body)
            stack.extend(
                (stmt, outer if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) else shadowed)
                for stmt in node.body
            )
            continue
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver, method = node.func.value, node.func.attr
            if isinstance(receiver, ast.Name) and receiver.id in objects and receiver.id not in shadowed:
                methods = objects[receiver.id]
            elif isinstance(receiver, ast.Attribute) and receiver.attr == "__table__":
                methods = _TABLE_METHODS
            else:
                methods = frozenset()
            if method in methods and (methods is _ENGINE_METHODS or node.args or node.keywords):
                return True
        stack.extend((child, shadowed) for child in ast.iter_child_nodes(node))
    return False


def _removed_method_call(call: ast.Call) -> bool:
    """A method call 2.0 removed: ``query.with_lockmode(...)``, ``query.from_self()``,
    ``query.select_entity_from(...)``, ``session.begin(subtransactions=True)`` (names only
    SQLAlchemy's methods take)."""
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    return func.attr in _REMOVED_METHODS or (
        func.attr == "begin" and any(kw.arg == "subtransactions" for kw in call.keywords)
    )


def _legacy_call(name: str, call: ast.Call) -> bool:
    """Is this call of ``name`` (one of :data:`_LEGACY_FORMS`) a form 2.0 removed?"""
    first = call.args[0] if call.args else None
    if name in _COLUMN_LISTS and (
        # (2.0's `case((cond, value), ...)` takes its pairs as tuples: only a list is legacy there)
        isinstance(first, (ast.List, ast.ListComp))
        or (name != "case" and isinstance(first, (ast.Tuple, ast.GeneratorExp)))
    ):
        return True
    if name in _TABLE_ONLY and len(call.args) > 1:
        return True
    if name in _REMOVED_CALLS:
        return True
    removed = _LEGACY_KEYWORDS.get(name, frozenset())
    return any(
        kw.arg in removed
        # (2.0 still takes `autocommit=False`, its only value)
        and not (kw.arg == "autocommit" and not (isinstance(kw.value, ast.Constant) and kw.value.value is True))
        for kw in call.keywords
    )


# the callables read, with the keywords SQLAlchemy 2.0 removed from each
_DML_KEYWORDS = frozenset({"values", "whereclause", "inline", "bind", "prefixes", "returning", "return_defaults"})
_LEGACY_KEYWORDS = {
    "select": frozenset({"columns", "whereclause", "from_obj"}),
    "case": frozenset({"whens"}),
    "insert": _DML_KEYWORDS,
    "update": _DML_KEYWORDS | {"preserve_parameter_order"},
    "delete": _DML_KEYWORDS,
    "MetaData": frozenset({"bind"}),
    "declarative_base": frozenset({"bind"}),
    "Table": frozenset({"autoload"}),
    "sessionmaker": frozenset({"autocommit"}),
    "Session": frozenset({"autocommit"}),
}
# sqlalchemy.orm's names 2.0 removed (an import fails), and calls it rejects (a classical
# `mapper(User, users)`: "the mapper() function is removed")
_LOADERS_ALL = ("eagerload_all", "joinedload_all", "subqueryload_all", "lazyload_all", "selectinload_all")
_REMOVED_ORM_NAMES = frozenset({"relation", "eagerload", *_LOADERS_ALL, "comparable_property", "compile_mappers"})
_REMOVED_CALLS = frozenset({"relation", "eagerload", *_LOADERS_ALL, "mapper"})
_TABLE_METHODS = frozenset({"update", "insert", "delete", "select"})  # (given arguments)
_ENGINE_METHODS = frozenset({"execute", "scalar", "table_names", "has_table", "run_callable"})  # (any call)
_REMOVED_USES = {
    "sqlalchemy.Table": _TABLE_METHODS, "sqlalchemy.schema.Table": _TABLE_METHODS,
    "sqlalchemy.sql.schema.Table": _TABLE_METHODS,
    "sqlalchemy.create_engine": _ENGINE_METHODS, "sqlalchemy.engine.create_engine": _ENGINE_METHODS,
    "sqlalchemy.engine_from_config": _ENGINE_METHODS, "sqlalchemy.engine.engine_from_config": _ENGINE_METHODS,
}
_REMOVED_METHODS = frozenset({"with_lockmode", "from_self", "select_entity_from"})
_LEGACY_FORMS = frozenset({*_LEGACY_KEYWORDS, "exists", *_REMOVED_CALLS})
_COLUMN_LISTS = frozenset({"select", "case", "exists", "with_only_columns"})
_TABLE_ONLY = frozenset({"insert", "update", "delete"})  # (their 1.x positional values/whereclause)


def in_sqlalchemy_1_branch(ctx: FileContext, line: int) -> bool:
    """Is ``line`` in a branch of an ``if`` on the SQLAlchemy version whose other branch uses a
    name only SQLAlchemy 2 has: the 1.x side of code written for both? (An ``if`` with no
    ``else`` whose branch returns or raises has the rest of its block for its other side.)"""
    return any(first <= line <= last for first, last in ctx.memo(
        "sqlalchemy.version_1_branches", lambda: _version_1_spans(ctx.tree)
    ))


def _version_1_spans(tree: ast.Module) -> list[tuple[int, int]]:
    gates = sqlalchemy_version_gates(tree)
    # an `if` with no `else` whose branch returns or raises has the rest of its block for its
    # other side (`if not SQLALCHEMY_2: return declarative_base()` / the 2.0 code after it)
    rests: dict[int, list[ast.stmt]] = {}
    exits = {id(gate) for gate in gates if not gate.orelse and isinstance(gate.body[-1], (ast.Return, ast.Raise))}
    if exits:
        for node in ast.walk(tree):
            for field in ("body", "orelse", "finalbody"):
                block = getattr(node, field, None)
                if isinstance(block, list):
                    rests.update(
                        (id(stmt), block[index + 1:]) for index, stmt in enumerate(block[:-1]) if id(stmt) in exits
                    )
    return [
        _span(branch)
        for gate in gates
        for other_side in [gate.orelse or rests.get(id(gate), [])]
        for branch, other in ((gate.body, other_side), (other_side, gate.body))
        if branch and _names_in(other) & SQLALCHEMY_2_NAMES
    ]


def _span(block: list[ast.stmt]) -> tuple[int, int]:
    return block[0].lineno, block[-1].end_lineno or block[-1].lineno


class _ModuleNames:
    """What one pass over a module's statements (not its expressions) tells of its names: those
    its imports bind to SQLAlchemy's modules (``sa`` in ``import sqlalchemy as sa``, ``orm``
    in ``from sqlalchemy import orm``) and to its version (``from sqlalchemy import
    __version__ as SA_VERSION``), the values assigned to each name, its ``if`` statements, and
    whether it names a 2.0-only name in an import or a class's bases at all."""

    def __init__(self, tree: ast.Module) -> None:
        modules: set[str] = set()
        versions: set[str] = set()
        self.assigned: dict[str, list[ast.expr]] = {}
        self.ifs: list[ast.If] = []
        self.spells_2_0 = False
        for stmt in statements(tree.body):
            if isinstance(stmt, ast.If):
                self.ifs.append(stmt)
            elif isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    if isinstance(target, ast.Name):
                        self.assigned.setdefault(target.id, []).append(stmt.value)
            elif isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    if alias.name.partition(".")[0] == "sqlalchemy":
                        modules.add(alias.asname or "sqlalchemy")
            elif isinstance(stmt, ast.ImportFrom):
                from_sqlalchemy = not stmt.level and (stmt.module or "").partition(".")[0] == "sqlalchemy"
                for alias in stmt.names:
                    self.spells_2_0 = self.spells_2_0 or alias.name in SQLALCHEMY_2_NAMES
                    if not from_sqlalchemy:
                        continue
                    if alias.name in _VERSION_ATTRIBUTES:
                        versions.add(alias.asname or alias.name)
                    elif alias.name.islower():  # (a module: `orm`, `ext`; a function's name reads as one too)
                        modules.add(alias.asname or alias.name)
            elif isinstance(stmt, ast.ClassDef) and not self.spells_2_0:
                self.spells_2_0 = any(
                    (b.attr if isinstance(b, ast.Attribute) else getattr(b, "id", None)) in SQLALCHEMY_2_NAMES
                    for b in stmt.bases
                )
        self.modules = frozenset(modules)
        self.versions = frozenset(versions)
        self._known: dict[str, bool] = {}  # name -> assigned from what reads the version

    def tests_version(self, test: ast.expr) -> bool:
        """:func:`is_sqlalchemy_version_test`, a name assigned from what reads the version
        counting as one (``IS_V2 = sqlalchemy.__version__.startswith("2")``, and in turn
        ``MAJOR = int(parts[0])`` after ``parts = sqlalchemy.__version__.split(".")``: up to
        four steps)."""
        if is_sqlalchemy_version_test(test, self.modules, self.versions):
            return True
        return any(
            isinstance(node, ast.Name) and node.id in self.assigned and self._holds_version(node.id, 0)
            for node in ast.walk(test)
        )

    def _holds_version(self, name: str, depth: int) -> bool:
        known = self._known.get(name)
        if known is None:
            self._known[name] = False  # (while it is read: `x = x + 1` reads no version)
            known = any(
                is_sqlalchemy_version_test(value, self.modules, self.versions) or (depth < 3 and any(
                    isinstance(node, ast.Name) and node.id in self.assigned and self._holds_version(node.id, depth + 1)
                    for node in ast.walk(value)
                ))
                for value in self.assigned[name]
            )
            self._known[name] = known
        return known


def _is_flag(name: str) -> bool:
    """A name for the SQLAlchemy version, each of its words one of a flag's (``SQLALCHEMY_2``,
    ``IS_SQLA_V2``, ``sqlalchemy_version``, ``SA_MAJOR``, ``_sa1``), not a setting that
    merely names SQLAlchemy (``SQLALCHEMY_DATABASE_URI_2``, ``SQLALCHEMY_WARN_20``)."""
    words = [w for w in _WORD_RE.findall(name.upper()) if w]
    return (
        bool(words) and any(w in _LIBRARY_WORDS for w in words) and any(w in _VERSION_WORDS for w in words)
        and all(w in _FLAG_WORDS for w in words)
    )


_WORD_RE = re.compile(r"[A-Z]+|\d+")
_LIBRARY_WORDS = frozenset({"SQLA", "SQLALCHEMY", "SA"})
_VERSION_WORDS = frozenset({"V", "VERSION", "MAJOR", "MINOR", "INFO", "1", "2", "14", "20", "0", "4", "3"})
_FLAG_WORDS = _LIBRARY_WORDS | _VERSION_WORDS | frozenset({
    "IS", "HAS", "USE", "USES", "USING", "OLD", "NEW", "LEGACY", "GE", "LT", "GT", "LE", "GTE", "LTE", "AT", "LEAST",
    "PRE", "POST", "OR", "LATER", "NEWER", "OLDER", "ABOVE", "BELOW", "X", "PLUS",
})

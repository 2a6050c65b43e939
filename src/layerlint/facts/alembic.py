"""Alembic facts: a migration's ``upgrade()``/``downgrade()`` and the schema operations they run.

Operations are read from ``op.<method>(...)`` calls (``alembic.op`` resolved
through imports, aliases included) and from ``<batch>.<method>(...)`` inside
``with op.batch_alter_table(<table>) as <batch>:`` blocks, following calls of
helper functions defined in the same module. A name is known only when it is a
string literal, ``op.f("...")``/``batch_op.f("...")``, or a module-level string
constant; anything else is unknown, and rules stay silent about unknowns.
"""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass, field
from typing import Container

from layerlint.context import FUNCTION_TYPES, FileContext
from layerlint.facts.names import own_bindings
from layerlint.facts.project_classes import module_may_bind, star_import_statements, statement_bindings
from layerlint.facts.sessions import top_level_binding_counts
from layerlint.pathnames import absolute as absolute_path
from layerlint.walk import nodes_of, plan_for, push_children

ALEMBIC_OP = "alembic.op"
# statements whose bodies run when the enclosing block runs
_BLOCKS = (ast.If, ast.Try, ast.With, ast.AsyncWith)
if hasattr(ast, "TryStar"):
    _BLOCKS += (ast.TryStar,)

UNKNOWN = object()  # a name that is not a literal


@dataclass
class Operation:
    """One schema operation of ``upgrade()`` or ``downgrade()``."""

    method: str  # create_table, add_column, drop_index, ...
    node: ast.Call
    table: str | None  # lower-cased; None when unknown
    name: object  # lower-cased str, None (explicitly unnamed) or UNKNOWN
    shown_name: str | None = None  # the name as written
    shown_table: str | None = None
    columns: tuple[str, ...] = ()  # columns an index or constraint is on (lower-cased)
    # the words of the SQL text in its condition or index expressions (`length(picture) > 0`):
    # the columns it may be on, for a database drops it with any of them
    expression_words: frozenset[str] = frozenset()
    new_name: object = None  # rename_table's new name, alter_column's new_column_name
    shown_new_name: str | None = None
    batch: bool = False
    # run only when the database's own state says so (``if not inspector.has_table("t"):
    # op.create_table("t", ...)``, or after ``if ...: return``): the lower-cased words of
    # the names those tests read (:meth:`_Reader._guard_words`); empty when run regardless
    guard: frozenset[str] = frozenset()
    guard_block: int = 0  # which branch of which guard it runs in (the same for a table and its indexes)
    # the schema its table is in: lower-cased literal, None when not given (the default
    # schema, which may be any), UNKNOWN when not literal
    schema: object = None


@dataclass
class FunctionOps:
    operations: list[Operation] = field(default_factory=list)
    sql: list[str] = field(default_factory=list)  # lower-cased string literals that look like SQL
    # lower-cased literal names handed to calls read no further (a helper of another module,
    # `op.invoke(ops.DropIndexOp("ix"))`, `sa.Index("ix", ...).drop(bind)`): they may undo anything so named
    handed: set[str] = field(default_factory=set)
    opaque_sql: bool = False  # SQL run that is no literal (an f-string, `.format`, a variable)


def module_functions(ctx: FileContext) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    """Top-level functions of the module (also those defined under ``if``/``try``)."""
    return ctx.memo_of(_module_functions)


def _module_functions(ctx: FileContext) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    out: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
    stack = list(ctx.tree.body)
    while stack:
        stmt = stack.pop(0)
        if isinstance(stmt, FUNCTION_TYPES):
            out.setdefault(stmt.name, stmt)
        elif isinstance(stmt, _BLOCKS):
            for name in ("body", "orelse", "finalbody"):
                stack.extend(getattr(stmt, name, []))
            for handler in getattr(stmt, "handlers", []):
                stack.extend(handler.body)
    return out


def defines(name: str, ctx: FileContext) -> bool:
    """Is ``name`` bound at module level (def, assignment or import), or may a star import
    bind it: one of a project module that does, read there, or of a module not found
    (SQLAlchemy's and Alembic's own bind no migration function)?"""
    return (
        name in module_functions(ctx)
        or name in ctx.top_level_names
        or name in ctx.imports
        or ("*" in ctx.source and any(_star_may_bind(module, name, ctx) for module in _star_imports(ctx)))
    )


# packages whose star import binds no migration function
_NO_MIGRATION_FUNCTIONS = frozenset({"sqlalchemy", "alembic", "sqlmodel", "typing", "typing_extensions"})


def _star_imports(ctx: FileContext) -> list[str]:
    """The modules the module star-imports at its top level (in its if/try blocks too)."""
    top, nested = star_import_statements(ctx)
    return [
        module for stmt in (*top, *nested)
        if (module := ctx.absolute_module(stmt.module, stmt.level)) is not None
    ]


def _star_may_bind(module: str, name: str, ctx: FileContext) -> bool:
    if ctx.is_first_party(module):
        return module_may_bind(module, name, ctx)
    return module.partition(".")[0] not in _NO_MIGRATION_FUNCTIONS


def is_trivial_body(body: list[ast.stmt]) -> bool:
    """Only ``pass``, ``...``, a docstring, a bare ``return`` or ``raise NotImplementedError``
    (the forms RULES.md lists for LL402), or the raise of another exception
    (``raise IrreversibleMigration(...)``: a refusal, like NotImplementedError) or
    ``assert False`` (a raise by other means)."""
    for stmt in body:
        if isinstance(stmt, ast.Pass):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue
        if isinstance(stmt, ast.Return) and (stmt.value is None or _is_none(stmt.value)):
            continue
        if isinstance(stmt, ast.Raise) and stmt.exc is not None:
            continue
        if isinstance(stmt, ast.Assert) and isinstance(stmt.test, ast.Constant) and not stmt.test.value:
            continue
        return False
    return True


def changes_nothing(body: list[ast.stmt], ctx: FileContext) -> bool:
    """A trivial body (:func:`is_trivial_body`), give or take names bound to
    ``op.get_bind()``/``op.get_context()`` (a template's leftover: ``connection =
    op.get_bind()`` and nothing done with it; ``inspector = inspect(op.get_bind())``), ``if`` statements doing nothing either
    way (``if skip_legacy(op): return`` before a ``pass`` or a ``raise``: an emptied
    revision kept in the chain, a refusal guarded by the database it runs on) and log
    lines (``logger.info("not supported")``, ``print(...)``)."""
    return is_trivial_body([
        stmt for stmt in body if not (_fetches_connection(stmt, ctx) or _idle_if(stmt, ctx) or _only_logs(stmt, ctx))
    ])


def _idle_if(stmt: ast.stmt, ctx: FileContext) -> bool:
    return isinstance(stmt, ast.If) and changes_nothing(stmt.body, ctx) and changes_nothing(stmt.orelse, ctx)


def _fetches_connection(stmt: ast.stmt, ctx: FileContext) -> bool:
    if not isinstance(stmt, (ast.Assign, ast.AnnAssign)) or not isinstance(stmt.value, ast.Call):
        return False
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    if not all(isinstance(target, ast.Name) for target in targets):
        return False
    value = stmt.value
    if ctx.resolve(value.func) in _INSPECT and len(value.args) == 1 and isinstance(value.args[0], ast.Call):
        value = value.args[0]  # `inspector = inspect(op.get_bind())`
    return ctx.resolve(value.func) in _CONNECTION_GETTERS


_INSPECT = frozenset({"sqlalchemy.inspect", "sqlalchemy.inspection.inspect"})
_CONNECTION_GETTERS = frozenset({"alembic.op.get_bind", "alembic.op.get_context"})
_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "critical", "exception", "log"})
_LOGGERS = frozenset({"logging", "loguru.logger"})  # (a module, an object) logging through their methods
_LOGGER_FACTORIES = frozenset({"logging.getLogger", "structlog.get_logger", "structlog.getLogger"})


def _only_logs(stmt: ast.stmt, ctx: FileContext) -> bool:
    """A call statement that only writes a log line: ``print(...)``, ``logging.info(...)``,
    ``logger.warning(...)`` where ``logger`` is loguru's or the module binds it once to
    ``logging.getLogger(...)`` (structlog's ``get_logger()``)."""
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
        return False
    func = stmt.value.func
    if isinstance(func, ast.Name):
        return func.id == "print" and "print" not in ctx.imports and "print" not in ctx.top_level_names
    if not (isinstance(func, ast.Attribute) and func.attr in _LOG_METHODS and isinstance(func.value, ast.Name)):
        return False
    if ctx.resolve(func.value) in _LOGGERS:
        return True
    bindings = [
        node for node in ctx.tree.body
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and func.value.id in statement_bindings(node)
    ]
    return (
        len(bindings) == 1 and top_level_binding_counts(ctx).get(func.value.id) == 1
        and isinstance(bindings[0].value, ast.Call) and ctx.resolve(bindings[0].value.func) in _LOGGER_FACTORIES
    )


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def named_env_py(ctx: FileContext) -> bool:
    """Is the file named ``env.py``, as every Alembic env is (:func:`is_alembic_env`)?"""
    return os.path.basename(ctx.path) == "env.py"


def is_alembic_env(ctx: FileContext) -> bool:
    """An Alembic ``env.py``: named so, and importing alembic or sitting beside ``versions/``."""
    if not named_env_py(ctx):
        return False
    if any(q == "alembic" or q.startswith("alembic.") for q in ctx.imports.values()):
        return True
    folder = os.path.dirname(absolute_path(ctx.path))
    return bool(
        ctx.external("isdir", os.path.join(folder, "versions"))
        or ctx.external("isfile", os.path.join(folder, "script.py.mako"))
    )


# -- reading operations ----------------------------------------------------------

# positional layout of each method for ``op.<method>``; batch methods drop the table.
_MODULE_LAYOUT: dict[str, tuple[str, ...]] = {
    "create_table": ("table",),
    "drop_table": ("table",),
    "add_column": ("table", "column"),
    "drop_column": ("table", "name"),
    "alter_column": ("table", "name"),
    "create_index": ("name", "table", "columns"),
    "drop_index": ("name", "table"),
    "create_foreign_key": ("name", "table", "referent", "columns"),
    "create_unique_constraint": ("name", "table", "columns"),
    "create_check_constraint": ("name", "table", "condition"),
    "create_primary_key": ("name", "table", "columns"),
    "create_exclude_constraint": ("name", "table"),
    "drop_constraint": ("name", "table"),
    "rename_table": ("table", "new_name"),
}
_BATCH_LAYOUT: dict[str, tuple[str, ...]] = {
    "add_column": ("column",),
    "drop_column": ("name",),
    "alter_column": ("name",),
    "create_index": ("name", "columns"),
    "drop_index": ("name",),
    "create_foreign_key": ("name", "referent", "columns"),
    "create_unique_constraint": ("name", "columns"),
    "create_check_constraint": ("name", "condition"),
    "create_primary_key": ("name", "columns"),
    "create_exclude_constraint": ("name",),
    "drop_constraint": ("name",),
}
_KEYWORDS = {
    "table_name": "table",
    "source_table": "table",
    "old_table_name": "table",
    "new_table_name": "new_name",
    "new_column_name": "new_name",
    "index_name": "name",
    "constraint_name": "name",
    "column_name": "name",
    "column": "column",
    "columns": "columns",
    "local_cols": "columns",
    "referent_table": "referent",
    "condition": "condition",
}
_SQL_WORD_RE = re.compile(r"[^\W\d]\w*")
_SQL_RE = re.compile(r"\b(drop|rename|alter|create|delete|insert|update|select)\b")
_MAX_HELPER_WALKS = 200
# what _Reader._walk enters: whatever may hold a call, a string or a ``with`` block
_PLAN = plan_for((ast.Call, ast.Constant, ast.With, ast.AsyncWith))


# the methods of SQLAlchemy's Inspector that read what the database holds
_INSPECTIONS = frozenset({
    "has_table", "has_index", "has_schema", "has_sequence", "get_table_names", "get_view_names",
    "get_materialized_view_names", "get_columns", "get_indexes", "get_unique_constraints", "get_foreign_keys",
    "get_check_constraints", "get_pk_constraint", "get_sequence_names", "get_schema_names",
})
# the catalogs a migration's own SQL reads to see what exists
_CATALOG_RE = re.compile(
    r"information_schema|sqlite_master|pg_catalog|pg_class|pg_indexes|pg_tables|pg_constraint|pg_type", re.IGNORECASE
)


_QUOTED_RE = re.compile(r"'([^']*)'|\"([^\"]*)\"")
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)


def _from_state(node: ast.AST, read: dict[int, frozenset[str] | None], derived: set[str]) -> bool:
    """Is ``node`` made from what a test read of the database (``read``: by call; ``derived``:
    the names bound to it): ``c["name"]`` for ``c`` of ``inspector.get_columns("t")``."""
    if isinstance(node, ast.Name):
        return node.id in derived
    if isinstance(node, (ast.Subscript, ast.Attribute)):
        return _from_state(node.value, read, derived)
    if isinstance(node, ast.Call):
        return read.get(id(node)) is not None or (
            isinstance(node.func, ast.Attribute) and _from_state(node.func.value, read, derived)
        ) or any(_from_state(arg, read, derived) for arg in node.args)
    if isinstance(node, _COMPREHENSIONS):
        return any(_from_state(generator.iter, read, derived) for generator in node.generators)
    return False


class _StateReads:
    """What a migration reads of the database's own state, for the tests guarding its
    operations (:meth:`words`): its functions returning such a reading (``helpers``), the
    names it binds to one anywhere (``names``: the names that reading names), and its
    module-level string constants (``TABLE = "audit"``)."""

    def __init__(self, ctx: FileContext, functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef],
                 constants: dict[str, str]) -> None:
        self.constants = constants
        self.helpers: frozenset[str] = frozenset()
        self.helpers = frozenset(  # (a helper reading the state anywhere and returning a value)
            name for name, func in functions.items()
            if name not in ("upgrade", "downgrade")
            and any(isinstance(node, ast.Return) and node.value is not None for node in ast.walk(func))
            and any(self.read(call) is not None for call in nodes_of(func, ast.Call))
        )
        self.names: dict[str, frozenset[str]] = {}
        assignments = [
            node for node in ast.walk(ctx.tree)
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None
        ]
        for _ in range(3):  # (`columns = inspector.get_columns("t")`, then `names = [c["name"] for c in columns]`)
            grown = False
            for node in assignments:
                value = node.value
                reads = [found for call in nodes_of(value, ast.Call) if (found := self.read(call)) is not None]
                reads += [self.names[n.id] for n in nodes_of(value, ast.Name) if n.id in self.names]
                if not reads:
                    continue
                words = frozenset().union(*reads)
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    if isinstance(target, ast.Name):
                        known = self.names.get(target.id)
                        if known is None or not words <= known:
                            self.names[target.id] = (known or frozenset()) | words
                            grown = True
            if not grown:
                break

    def _text(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            return self.constants.get(node.id)
        return None

    def read(self, call: ast.Call) -> frozenset[str] | None:
        """The lower-cased names a call reading what the database holds names (None: it
        reads none): the string arguments (or module constants) of an inspector's method or
        of a helper; for a catalog query, the quoted names in it and the strings of its
        other arguments (``conn.execute(text("... WHERE table_name = :t"), {"t":
        "orders"})``), not the query's own words."""
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if name in _INSPECTIONS or (isinstance(func, ast.Name) and name in self.helpers):
            texts = (self._text(arg) for arg in (*call.args, *(kw.value for kw in call.keywords)))
            return frozenset(text.lower() for text in texts if text is not None)
        queries = [
            constant.value for arg in call.args for constant in nodes_of(arg, ast.Constant)
            if isinstance(constant.value, str) and _CATALOG_RE.search(constant.value)
        ]
        if not queries:
            return None
        words = {quoted.lower() for query in queries for pair in _QUOTED_RE.findall(query) for quoted in pair if quoted}
        words.update(
            constant.value.lower() for arg in call.args[1:] for constant in nodes_of(arg, ast.Constant)
            if isinstance(constant.value, str)
        )
        return frozenset(words)

    def words(self, test: ast.expr) -> frozenset[str]:
        """The lower-cased names an ``if`` test reads of what the database holds (empty if it
        reads none): those of its readings (:meth:`read`) and of the names bound to one, and
        the strings (or constants) compared with what was read (``"c" not in columns``,
        ``any(c["name"] == "c" for c in inspector.get_columns("t"))``; not
        ``dialect.name == "sqlite"``)."""
        read: dict[int, frozenset[str] | None] = {}
        for node in ast.walk(test):
            if isinstance(node, ast.Call):
                read[id(node)] = self.read(node)
        derived: set[str] = set(self.names)  # (names of what was read, comprehension targets too)
        for node in ast.walk(test):  # (outer comprehensions first: their targets come from what they iterate)
            if isinstance(node, _COMPREHENSIONS):
                for generator in node.generators:
                    if _from_state(generator.iter, read, derived):
                        derived.update(n.id for n in ast.walk(generator.target) if isinstance(n, ast.Name))
        reads = False
        words: set[str] = set()
        for node in ast.walk(test):
            if isinstance(node, ast.Name) and node.id in self.names:
                reads = True
                words |= self.names[node.id]
            elif isinstance(node, ast.Call) and read.get(id(node)) is not None:
                reads = True
                words |= read[id(node)]  # type: ignore[operator]
            elif isinstance(node, ast.Compare):
                sides = (node.left, *node.comparators)
                if any(_from_state(side, read, derived) for side in sides):
                    texts = (self._text(side) for side in sides)
                    words.update(text.lower() for text in texts if text is not None)
        return frozenset(words) if reads else frozenset()


@dataclass
class _Batch:
    table: object  # lower-cased name, or UNKNOWN
    shown: str | None
    schema: object = None  # as Operation.schema


@dataclass
class _Value:
    """A helper's parameter bound to the caller's argument."""

    name: object
    shown: str | None


@dataclass
class _Env:
    bindings: dict[str, object] = field(default_factory=dict)  # name -> _Batch | _Value
    stack: tuple[str, ...] = ()  # helpers being walked (no recursion)
    guard: frozenset[str] = frozenset()  # under tests of what the database holds (Operation.guard)
    guard_block: int = 0  # (Operation.guard_block)


class _Reader:
    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.functions = module_functions(ctx)
        self.constants = ctx.memo("alembic.constants", lambda: _string_constants(ctx))
        self.schema_objects = ctx.memo("alembic.schema_objects", lambda: _schema_objects(ctx))
        self.local_scope: ast.FunctionDef | ast.AsyncFunctionDef | None = None  # (the function walked)
        self.bound_names: dict[int, frozenset[str]] = {}
        self.helper_walks = 0
        self.state_reads: _StateReads | None = None  # (read when an `if` is met)
        # the multi-database template calls ``globals()``; a file that never spells it has no such call
        # (a non-ASCII identifier may still normalize to it)
        self.may_call_globals = "globals" in ctx.source or not ctx.source.isascii()

    def read(self, func: ast.FunctionDef | ast.AsyncFunctionDef) -> FunctionOps:
        out = FunctionOps()
        self._walk_function(func, out, _Env(stack=(func.name,)))
        return out

    def _walk_function(self, func: ast.FunctionDef | ast.AsyncFunctionDef, out: FunctionOps, env: _Env) -> None:
        # (a name the function walked binds itself is not the module's schema object, in its
        # own body only: reviews 128-130; read when a drop asks, rarely)
        outer, self.local_scope = self.local_scope, func
        try:
            self._walk_function_body(func, out, env)
        finally:
            self.local_scope = outer

    def _walk_function_body(self, func: ast.FunctionDef | ast.AsyncFunctionDef, out: FunctionOps, env: _Env) -> None:
        for stmt in func.body:
            self._walk(stmt, out, env)
            if (  # `if inspector.has_table("t"): return`: what follows runs on what the database holds
                isinstance(stmt, ast.If) and stmt.body and isinstance(stmt.body[-1], ast.Return)
            ):
                words = self._guard_words(stmt.test)
                if words:
                    env = _Env(env.bindings, env.stack, env.guard | words, id(stmt))
        # the multi-database template: ``globals()[f"upgrade_{engine}"]()``
        if self.may_call_globals and any(
            isinstance(node.func, ast.Name) and node.func.id == "globals" for node in nodes_of(func, ast.Call)
        ):
            for name, helper in self.functions.items():
                if name.startswith(func.name + "_") and name not in env.stack:
                    self._walk_function(helper, out, _Env(stack=env.stack + (name,), guard=env.guard, guard_block=env.guard_block))

    def _walk(self, root: ast.AST, out: FunctionOps, env: _Env) -> None:
        """Read the calls and SQL strings of ``root``, in pre-order (children in field order,
        as ``ast.iter_child_nodes`` gives them), entering only what may hold a call, a
        string or a ``with`` block (never a name's ``Load``, an operator...); a ``with``
        walks its context expressions (not its targets), then its body with the batch
        objects it binds."""
        # (each node with whether it is an argument of an operation the reader interprets)
        stack: list[tuple[ast.AST, _Env, bool]] = [(root, env, False)]
        pop = stack.pop
        push = stack.append
        while stack:
            node, env, in_operation = pop()
            node_type = type(node)
            if node_type is ast.With or node_type is ast.AsyncWith:
                inner = _Env(dict(env.bindings), env.stack, env.guard, env.guard_block)
                for item in node.items:  # (binding reads no walk state: bound before the walk)
                    call = item.context_expr
                    if (
                        isinstance(call, ast.Call)
                        and self._op_method(call.func) == "batch_alter_table"
                        and isinstance(item.optional_vars, ast.Name)
                    ):
                        table = self._arg(call, 0, "table_name")
                        inner.bindings[item.optional_vars.id] = _Batch(
                            self._name_of(table, env), self._shown(table, env), self._schema(call, env)
                        )
                for stmt in reversed(node.body):
                    push((stmt, inner, False))
                for item in reversed(node.items):
                    push((item.context_expr, env, in_operation))
                continue
            if node_type is ast.If:
                words = self._guard_words(node.test)  # type: ignore[attr-defined]
                if words:
                    body, orelse = node.body, node.orelse  # type: ignore[attr-defined]
                    for stmt in reversed(orelse):  # (runs when the test fails: another block)
                        push((stmt, _Env(env.bindings, env.stack, env.guard | words, id(orelse)), False))
                    guarded = _Env(env.bindings, env.stack, env.guard | words, id(body))
                    for stmt in reversed(body):
                        push((stmt, guarded, False))
                    push((node.test, env, in_operation))  # type: ignore[attr-defined]
                    continue
            if node_type is ast.Constant:
                if isinstance(node.value, str) and " " in node.value.strip():  # (names need no lowering)
                    text = node.value.lower()
                    if _SQL_RE.search(text):
                        out.sql.append(text)
                continue
            if node_type is ast.Call:
                if self._call(node, out, env):  # type: ignore[arg-type]
                    in_operation = True
                elif not in_operation:
                    self._hand_on(node, out, env)  # type: ignore[arg-type]
            children: list[ast.AST] = []
            push_children(node, _PLAN, children)
            stack.extend([(child, env, in_operation) for child in children])

    def _guard_words(self, test: ast.expr) -> frozenset[str]:
        """The names an ``if`` test reads of what the database holds (:meth:`_StateReads.words`)."""
        if self.state_reads is None:
            self.state_reads = _StateReads(self.ctx, self.functions, self.constants)
        return self.state_reads.words(test)

    def _call(self, call: ast.Call, out: FunctionOps, env: _Env) -> bool:
        """Read a call: a helper of the module (walked), an operation (recorded), SQL run
        (read); True for a helper or an operation, whose arguments are read no further."""
        func = call.func
        if isinstance(func, ast.Name) and func.id in self.functions:
            if func.id not in env.stack and self.helper_walks < _MAX_HELPER_WALKS:
                self.helper_walks += 1
                helper = self.functions[func.id]
                self._walk_function(
                    helper, out, _Env(self._bind(helper, call, env), env.stack + (func.id,), env.guard, env.guard_block)
                )
            return True
        if isinstance(func, ast.Attribute) and func.attr in ("execute", "exec_driver_sql") and call.args:
            self._run_sql(call.args[0], out, env)  # `op.execute(...)`, `conn.execute(...)`
        method = self._op_method(func)
        batch: _Batch | None = None
        if method is None and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            bound = env.bindings.get(func.value.id)
            if isinstance(bound, _Batch):
                batch, method = bound, func.attr
        if method is None:
            return False
        layout = (_BATCH_LAYOUT if batch is not None else _MODULE_LAYOUT).get(method)
        if layout is None:
            if method == "execute" and _runs_construct(call):
                # `op.execute(DropTable(sa.table("t")))`: what it drops is handed on (review 127)
                target = self._drop_target(call.args[0], env)  # type: ignore[arg-type]
                if target is not None:
                    out.handed.add(target)
            return method in ("execute", "f", "get_bind", "get_context", "batch_alter_table")
        slots: dict[str, ast.AST] = {}
        for position, slot in enumerate(layout):
            if position < len(call.args) and not isinstance(call.args[position], ast.Starred):
                slots[slot] = call.args[position]
        for keyword in call.keywords:
            slot = _KEYWORDS.get(keyword.arg or "")
            if slot is not None and (slot in layout or slot == "new_name"):
                slots.setdefault(slot, keyword.value)
        starred = any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords)
        if batch is not None:
            table, shown_table, schema = batch.table, batch.shown, batch.schema
        else:
            table_node = slots.get("table")
            table, shown_table = self._name_of(table_node, env), self._shown(table_node, env)
            schema = self._schema(call, env)
        if "column" in layout:
            name, shown = self._column_name(slots.get("column"), env)
        elif "name" in layout:
            name, shown = self._name_of(slots.get("name"), env), self._shown(slots.get("name"), env)
        else:
            name, shown = table, shown_table
        if starred and not isinstance(name, str):
            name = UNKNOWN
        columns: tuple[str, ...] = ()
        columns_node = slots.get("columns")
        if isinstance(columns_node, (ast.List, ast.Tuple)):
            columns = tuple(
                e.value.lower() for e in columns_node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)
            )
        words = {
            word.lower()
            for node in (slots.get("condition"), columns_node)
            if node is not None
            for constant in nodes_of(node, ast.Constant)
            if isinstance(constant.value, str)
            for word in _SQL_WORD_RE.findall(constant.value)
        }
        new_node = slots.get("new_name")
        out.operations.append(
            Operation(
                method=method,
                node=call,
                table=table if isinstance(table, str) else None,
                name=name,
                shown_name=shown,
                shown_table=shown_table,
                columns=columns,
                expression_words=frozenset(words.difference(columns)),
                new_name=self._name_of(new_node, env) if new_node is not None else None,
                shown_new_name=self._shown(new_node, env),
                batch=batch is not None,
                guard=env.guard,
                guard_block=env.guard_block,
                schema=schema,
            )
        )
        return True

    def _schema(self, call: ast.Call, env: _Env) -> object:
        """The schema an operation's table is in (``schema=``; ``source_schema=`` of
        ``create_foreign_key``), as :attr:`Operation.schema`."""
        for keyword in call.keywords:
            if keyword.arg in ("schema", "source_schema"):
                return self._name_of(keyword.value, env)
        return None

    def _run_sql(self, sql: ast.AST, out: FunctionOps, env: _Env) -> None:
        """The SQL an ``execute`` runs: a literal (read where the walk meets it), a module
        constant or ``sa.text(...)`` of one (read here), or else not known."""
        if isinstance(sql, ast.Call) and sql.args and (
            isinstance(sql.func, ast.Name) and sql.func.id == "text"
            or isinstance(sql.func, ast.Attribute) and sql.func.attr == "text"
        ):
            sql = sql.args[0]
        if isinstance(sql, ast.Constant) and isinstance(sql.value, str):
            return
        if isinstance(sql, ast.Name) and sql.id not in env.bindings and sql.id in self.constants:
            out.sql.append(self.constants[sql.id].lower())
            return
        # text made at run time (an f-string, `%`, `+`, `.format(...)`, a variable); not a Core
        # statement (`op.execute(table.delete())`), which drops no schema object
        if isinstance(sql, (ast.JoinedStr, ast.BinOp, ast.Name, ast.Attribute, ast.Subscript)) or (
            isinstance(sql, ast.Call) and isinstance(sql.func, ast.Attribute) and sql.func.attr == "format"
        ):
            out.opaque_sql = True

    def _hand_on(self, call: ast.Call, out: FunctionOps, env: _Env) -> None:
        """The literal names a call the reader does not interpret receives (a constant of the
        module, a helper's parameter bound to one, counts as its text), and those of the
        module's schema objects it is called on or given (``audit.drop(bind)``,
        ``meta.drop_all(bind, tables=[events])``, with ``audit = sa.Table("audit", meta,
        ...)``: review 127)."""
        given = [*call.args, *(kw.value for kw in call.keywords)]
        for arg in given:
            name = self._name_of(arg, env)
            if isinstance(name, str):
                out.handed.add(name)
        func = call.func
        callee = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if callee not in ("drop", "drop_all") and not callee.startswith("Drop"):
            return  # (`users.update()` of a data migration undoes no schema change)
        objects = [func.value] if isinstance(func, ast.Attribute) else []
        for arg in given:
            objects.extend(arg.elts if isinstance(arg, (ast.List, ast.Tuple)) else [arg])
        for node in objects:
            named = self._schema_object(node, env)
            if named is not None:
                out.handed.add(named)

    def _schema_object(self, node: ast.AST, env: _Env) -> str | None:
        """The name of the module's schema object a name holds (``audit`` of ``audit =
        sa.Table("audit", ...)``), unless the function binds that name itself."""
        if not isinstance(node, ast.Name) or node.id in env.bindings or node.id not in self.schema_objects:
            return None
        scope = self.local_scope
        if scope is not None:
            bound = self.bound_names.get(id(scope))
            if bound is None:
                bound = self.bound_names[id(scope)] = own_bindings(scope)
            if node.id in bound:
                return None
        return self.schema_objects[node.id]

    def _drop_target(self, construct: ast.Call, env: _Env) -> str | None:
        """What a DDL construct drops (``DropTable(sa.table("t", sa.column("c")))``: ``t``, not
        its columns; ``DropIndex(sa.Index("ix"))``; ``DropTable(audit)``, a module object)."""
        target = construct.args[0] if construct.args else None
        if isinstance(target, ast.Call) and target.args:
            name = self._name_of(target.args[0], env)
            return name if isinstance(name, str) else None
        return self._schema_object(target, env) if target is not None else None

    # -- helpers ------------------------------------------------------------------
    def _bind(self, helper: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call, env: _Env) -> dict[str, object]:
        """A helper's parameters bound to the call's arguments (batch objects and names)."""
        args = helper.args
        params = [a.arg for a in args.posonlyargs + args.args]
        bindings: dict[str, object] = {}

        def bind(param: str, value: ast.AST) -> None:
            if isinstance(value, ast.Name) and isinstance(env.bindings.get(value.id), _Batch):
                bindings[param] = env.bindings[value.id]
            else:
                bindings[param] = _Value(self._name_of(value, env), self._shown(value, env))

        for param, value in zip(params, call.args):
            if isinstance(value, ast.Starred):
                break
            bind(param, value)
        keyword_params = set(params) | {a.arg for a in args.kwonlyargs}
        for keyword in call.keywords:
            if keyword.arg in keyword_params:
                bind(keyword.arg, keyword.value)
        # parameters left to their defaults
        positional_defaults = dict(zip(params[len(params) - len(args.defaults):], args.defaults))
        kw_defaults = {a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None}
        for param, default in {**positional_defaults, **kw_defaults}.items():
            if param not in bindings:
                bindings[param] = _Value(self._name_of(default, _Env()), self._shown(default, _Env()))
        return bindings

    def _op_method(self, func: ast.AST) -> str | None:
        name = self.ctx.resolve(func)
        if name and name.startswith(ALEMBIC_OP + ".") and name.count(".") == 2:
            return name.rpartition(".")[2]
        return None

    @staticmethod
    def _arg(call: ast.Call, position: int, keyword: str) -> ast.AST | None:
        if position < len(call.args) and not isinstance(call.args[position], ast.Starred):
            return call.args[position]
        for kw in call.keywords:
            if kw.arg == keyword:
                return kw.value
        return None

    def _name_of(self, node: ast.AST | None, env: _Env) -> object:
        """Lower-cased literal name, None for an explicit ``None``, else UNKNOWN."""
        if node is None:
            return UNKNOWN
        if isinstance(node, ast.Constant):
            if node.value is None:
                return None
            if isinstance(node.value, str):
                return node.value.lower()
            return UNKNOWN
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "f":
            if len(node.args) == 1 and not node.keywords:
                return self._name_of(node.args[0], env)
        if isinstance(node, ast.Name):
            bound = env.bindings.get(node.id)
            if isinstance(bound, _Value):
                return bound.name
            if bound is None and node.id in self.constants:
                return self.constants[node.id].lower()
        return UNKNOWN

    def _shown(self, node: ast.AST | None, env: _Env) -> str | None:
        if node is None:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "f" and node.args:
            return self._shown(node.args[0], env)
        if isinstance(node, ast.Name):
            bound = env.bindings.get(node.id)
            if isinstance(bound, _Value):
                return bound.shown
            if bound is None and node.id in self.constants:
                return self.constants[node.id]
        return None

    def _column_name(self, node: ast.AST | None, env: _Env) -> tuple[object, str | None]:
        """``sa.Column("bio", ...)`` -> ("bio", "bio")."""
        if isinstance(node, ast.Call) and node.args:
            callee = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if callee == "Column":
                return self._name_of(node.args[0], env), self._shown(node.args[0], env)
        return UNKNOWN, None


def _string_constants(ctx: FileContext) -> dict[str, str]:
    out: dict[str, str] = {}
    for stmt in ctx.tree.body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str)
        ):
            out[stmt.targets[0].id] = stmt.value.value
    return out


def _schema_objects(ctx: FileContext) -> dict[str, str]:
    """Module-level names bound once to a call named by its first argument, a literal
    (``audit = sa.Table("audit", meta, ...)``, ``ix = sa.Index("ix_a", ...)``) -> the name,
    lower-cased."""
    out: dict[str, str] = {}
    seen: set[str] = set()
    for stmt in ctx.tree.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
        for target in targets:
            if not isinstance(target, ast.Name):  # (`a, b = ...` binds its names too: review 128)
                for inner in ast.walk(target):
                    if isinstance(inner, ast.Name):
                        out.pop(inner.id, None)
                        seen.add(inner.id)
                continue
            value = stmt.value  # type: ignore[union-attr]
            if target.id in seen:
                out.pop(target.id, None)
                continue
            seen.add(target.id)
            if (
                len(targets) == 1 and isinstance(value, ast.Call) and value.args
                and isinstance(value.args[0], ast.Constant) and isinstance(value.args[0].value, str)
            ):
                out[target.id] = value.args[0].value.lower()
    return out


def _runs_construct(call: ast.Call) -> bool:
    """Does ``op.execute(...)`` run a SQLAlchemy DDL construct that drops (``DropTable(...)``,
    ``DropIndex(...)``; not a data statement, ``users.update().values(name="beta")``, whose
    values name nothing dropped)?"""
    if not call.args or not isinstance(call.args[0], ast.Call):
        return False
    func = call.args[0].func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return name.startswith("Drop")


def function_ops(name: str, ctx: FileContext) -> FunctionOps | None:
    """Operations of the module-level function ``name`` (helpers it calls included)."""
    func = module_functions(ctx).get(name)
    if func is None:
        return None
    return ctx.memo(("alembic.ops", name), lambda: _Reader(ctx).read(func))

"""Code gated on the SQLAlchemy version: written to run on 1.x and 2.x alike.

casbin-sqlalchemy-adapter's ``if sqlalchemy.__version__.startswith("1."): Base =
declarative_base()`` / ``else: class Base(DeclarativeBase)``. A test of the version reads
``__version__`` (or ``VERSION``) of an imported SQLAlchemy module, a flag named for it
(``SQLALCHEMY_2``, ``IS_SQLA_V2``, ``sqlalchemy_version``: usually the project's own
constant, recognised by its spelling), the installed version by distribution name
(``version("sqlalchemy")``), or tests for a name only SQLAlchemy 2 has (``hasattr(orm,
"DeclarativeBase")``). A module holding one keeps an older SQLAlchemy working itself, as
one with an ``except ImportError:`` fallback does (facts/fallbacks.py): the fixes that
write the 2.0 API are withheld there, and the 1.x branch's ``declarative_base()`` is no
finding of LL304.
"""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.walk import statements

# names only SQLAlchemy 2.0 and later have (a module that uses one runs on 2.x)
SQLALCHEMY_2_NAMES = frozenset({
    "mapped_column", "MappedColumn", "DeclarativeBase", "DeclarativeBaseNoMeta", "MappedAsDataclass",
    "WriteOnlyMapped", "DynamicMapped", "async_sessionmaker", "mapped_as_dataclass",
})
_VERSION_ATTRIBUTES = frozenset({"__version__", "VERSION", "__version_info__"})


def sqlalchemy_version_gates(tree: ast.Module) -> list[ast.If]:
    """The ``if`` statements (at any depth) whose test is one of the SQLAlchemy version."""
    modules, versions = _sqlalchemy_names(tree)
    return [
        stmt for stmt in statements(tree.body)
        if isinstance(stmt, ast.If) and is_sqlalchemy_version_test(stmt.test, modules, versions)
    ]


def is_sqlalchemy_version_test(test: ast.expr, modules: frozenset[str], versions: frozenset[str]) -> bool:
    """Does ``test`` read the SQLAlchemy version (``modules``, ``versions``: the names the
    module binds to SQLAlchemy's modules, and to its ``__version__``)?"""
    for node in ast.walk(test):
        if isinstance(node, ast.Name) and (_is_flag(node.id) or node.id in versions):
            return True
        if isinstance(node, ast.Attribute):
            if _is_flag(node.attr):
                return True
            if node.attr in _VERSION_ATTRIBUTES and _root_name(node.value) in modules:
                return True
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.lower() == "sqlalchemy":
            return True  # `version("sqlalchemy")`, `get_distribution("SQLAlchemy")`
        if (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "hasattr"
            and len(node.args) == 2 and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in SQLALCHEMY_2_NAMES
        ):
            return True
    return False


def in_sqlalchemy_1_branch(ctx: FileContext, line: int) -> bool:
    """Is ``line`` in a branch of an ``if`` on the SQLAlchemy version whose other branch uses a
    name only SQLAlchemy 2 has: the 1.x side of code written for both?"""
    return any(first <= line <= last for first, last in ctx.memo("sqlalchemy.version_1_branches", lambda: [
        span
        for gate in sqlalchemy_version_gates(ctx.tree)
        for branch, other in ((gate.body, gate.orelse), (gate.orelse, gate.body))
        if branch and _uses_sqlalchemy_2_name(other)
        for span in [(branch[0].lineno, branch[-1].end_lineno or branch[-1].lineno)]
    ]))


def _uses_sqlalchemy_2_name(body: list[ast.stmt]) -> bool:
    return any(
        isinstance(node, ast.Name) and node.id in SQLALCHEMY_2_NAMES
        or isinstance(node, ast.Attribute) and node.attr in SQLALCHEMY_2_NAMES
        or isinstance(node, ast.alias) and (node.asname or node.name).rpartition(".")[2] in SQLALCHEMY_2_NAMES
        for stmt in body
        for node in ast.walk(stmt)
    )


def _sqlalchemy_names(tree: ast.Module) -> tuple[frozenset[str], frozenset[str]]:
    """The names the module's imports bind to a SQLAlchemy module (``sa`` in ``import
    sqlalchemy as sa``, ``orm`` in ``from sqlalchemy import orm``), and to its version
    (``SA_VERSION`` in ``from sqlalchemy import __version__ as SA_VERSION``)."""
    modules: set[str] = set()
    versions: set[str] = set()
    for stmt in statements(tree.body):
        if isinstance(stmt, ast.Import):
            for alias in stmt.names:
                if alias.name.partition(".")[0] == "sqlalchemy":
                    modules.add(alias.asname or "sqlalchemy")
        elif (
            isinstance(stmt, ast.ImportFrom) and not stmt.level
            and (stmt.module or "").partition(".")[0] == "sqlalchemy"
        ):
            for alias in stmt.names:
                if alias.name in _VERSION_ATTRIBUTES:
                    versions.add(alias.asname or alias.name)
                elif alias.name.islower():  # (a module: `orm`, `ext`; a function's name reads as one too)
                    modules.add(alias.asname or alias.name)
    return frozenset(modules), frozenset(versions)


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _is_flag(name: str) -> bool:
    """A name for the SQLAlchemy version: ``SQLALCHEMY_2``, ``IS_SQLA_V2``, ``sqlalchemy_version``."""
    upper = name.upper()
    return "SQLA" in upper and ("VERSION" in upper or "MAJOR" in upper or any(c.isdigit() for c in upper))

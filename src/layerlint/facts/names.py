"""How a fix can spell an imported API in a module: reuse an import, or add one.

A fix that writes ``status.HTTP_404_NOT_FOUND``, ``mapped_column(...)`` or
``class Base(DeclarativeBase)`` needs a local name that means that API
wherever the fix writes it. :func:`plan_reference` picks one from the module's
bindings (on the ``ast``, so a rule and its fixer reach the same decision):

1. a name every binding of which imports the API itself (``from fastapi import
   status``, ``from starlette import status as st``), with one of them at the
   top level of the module (not under ``if``/``try``) and above the line where
   the fix writes it (a late import does not serve code that runs before it);
2. a module alias bound the same way (``from sqlalchemy import orm`` ->
   ``orm.mapped_column``);
3. a new ``from <module> import <name> [as <alias>]``, under the first of the
   proposed names that the module neither binds (as a variable, parameter,
   function, class, other import, ...) nor reads.

Nothing is proposed in a module with a star import (any name may come from it).
An import is reused where no other binding of its name can shadow it: a binding
in a function, lambda, comprehension or class body counts only on that scope's
lines (``def audit(status: str)`` does not stop ``status.HTTP_404_NOT_FOUND``
elsewhere); one at module level, or declared ``global``/``nonlocal``, counts
everywhere. A new import is added only under a name no scope binds to anything
else, so that one import serves every line the fix writes.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

from layerlint.external import lookup
from layerlint.walk import nodes_of


@dataclass(frozen=True)
class Binding:
    qualified: str | None  # for an absolute import: the fully qualified name bound; else None
    top_level: bool  # an import statement directly in the module body
    line: int = 0
    # the lines of the scope it binds in (a function, lambda, comprehension or class
    # body), or None for the module (or a global/nonlocal declaration): every line
    scope: tuple[int, int] | None = None

    def reaches(self, line: int) -> bool:
        return self.scope is None or self.scope[0] <= line <= self.scope[1]


@dataclass
class NameIndex:
    """Every name the module binds (in any scope) and every name it reads."""

    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    loads: set[str] = field(default_factory=set)
    star_import: bool = False

    def only_imports_of(self, name: str, qualified: frozenset[str], at_line: int | None = None) -> bool:
        """Is every binding of ``name`` an import of ``qualified`` (with ``at_line``: every
        binding whose scope holds that line)?"""
        found = self.bindings.get(name, ())
        return all(b.qualified in qualified or (at_line is not None and not b.reaches(at_line)) for b in found)

    def imported_at_top(self, name: str, qualified: frozenset[str], before_line: int) -> bool:
        return any(
            b.top_level and b.qualified in qualified and b.line < before_line for b in self.bindings.get(name, ())
        )


def import_bindings(node: ast.Import | ast.ImportFrom) -> list[tuple[str | None, str | None]]:
    """(name, fully qualified name) of each binding of an import, as :func:`name_index`
    records it: the qualified name is None for a relative import, ``(None, None)`` a star."""
    if isinstance(node, ast.Import):
        return [
            (alias.asname, alias.name) if alias.asname else (alias.name.partition(".")[0],) * 2
            for alias in node.names
        ]
    return [
        (None, None) if alias.name == "*"
        else (alias.asname or alias.name, None if node.level or not node.module else f"{node.module}.{alias.name}")
        for alias in node.names
    ]


# every node type that binds or loads a name (type parameters exist from 3.12)
_INDEXED = tuple(
    getattr(ast, name)
    for name in (
        "Name", "NamedExpr", "Import", "ImportFrom", "FunctionDef", "AsyncFunctionDef", "ClassDef", "Lambda",
        "ListComp", "SetComp", "DictComp", "GeneratorExp", "arg", "ExceptHandler", "Global", "Nonlocal",
        "MatchAs", "MatchStar", "MatchMapping", "TypeVar", "ParamSpec", "TypeVarTuple",
    )
    if hasattr(ast, name)
)
# nodes whose names bind in a scope of their own
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.ListComp, ast.SetComp,
           ast.DictComp, ast.GeneratorExp)


def name_index(tree: ast.Module) -> NameIndex:
    index = NameIndex()
    top = {id(stmt) for stmt in tree.body}
    # the scopes that enclose the node at hand: (where each ends, its lines). The nodes come
    # in pre-order, so a scope is met before what it holds, and a node starting after the
    # end of the innermost open scope has left it. (What a scope node holds but evaluates
    # in the enclosing scope, decorators, defaults, annotations and bases, only reads names;
    # a := there or in a comprehension is bound at module level below: everywhere.)
    open_scopes: list[tuple[tuple[int, int], tuple[int, int]]] = []

    def bind(name: str, scope: tuple[int, int] | None, qualified: str | None = None, top_level: bool = False,
             line: int = 0) -> None:
        index.bindings.setdefault(name, []).append(Binding(qualified, top_level, line, scope))

    for node in nodes_of(tree, *_INDEXED):
        start = (node.lineno, node.col_offset)  # type: ignore[attr-defined]
        while open_scopes and start > open_scopes[-1][0]:
            open_scopes.pop()
        scope = open_scopes[-1][1] if open_scopes else None
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                index.loads.add(node.id)
            else:
                bind(node.id, scope)
        elif isinstance(node, _SCOPES):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bind(node.name, scope)  # (the name binds where the statement is)
            end = (node.end_lineno or node.lineno, node.end_col_offset or 0)
            open_scopes.append((end, (node.lineno, end[0])))
        elif isinstance(node, ast.arg):
            bind(node.arg, scope)  # (met inside its function or lambda)
        elif isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
            bind(node.target.id, None)  # (in a comprehension, it binds in the enclosing function)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for name, qualified in import_bindings(node):
                if name is None:
                    index.star_import = True
                elif qualified is None:
                    bind(name, scope)  # a relative import: what it binds is not known here
                else:
                    bind(name, scope, qualified, id(node) in top, node.lineno)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bind(node.name, scope)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            for name in node.names:
                bind(name, None)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            bind(node.name, scope)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            bind(node.rest, scope)
        else:
            name = getattr(node, "name", None)  # type parameters (3.12): TypeVar, ParamSpec, TypeVarTuple
            if isinstance(name, str) and type(node).__name__ in ("TypeVar", "ParamSpec", "TypeVarTuple"):
                bind(name, scope)
    return index


@dataclass(frozen=True)
class Reference:
    """How to write the API: ``expr`` (``status``, ``orm.mapped_column``), and the
    import to add first, ``(module, name, alias or None)``, when there is one."""

    expr: str
    add_import: tuple[str, str, str | None] | None = None


def plan_reference(
    index: NameIndex,
    qualified: frozenset[str],
    line: int,
    *,
    new_import: tuple[str, str],
    new_names: tuple[str, ...],
    modules: frozenset[str] = frozenset(),
    attr: str = "",
) -> Reference | None:
    """The way to write an API whose fully qualified names are ``qualified``
    (``{"fastapi.status", "starlette.status"}``), or None when no name is safe.

    ``modules``/``attr``: a module the API is an attribute of (``sqlalchemy.orm``
    and ``mapped_column``). ``line``: where the fix writes it. ``new_import``: the ``(module, name)`` to import when
    no binding can be reused, under the first free name of ``new_names``.
    """
    if index.star_import:
        return None
    imported = [n for n, bs in index.bindings.items() if any(b.qualified in qualified for b in bs)]
    for name in sorted(imported, key=lambda n: (n not in new_names, new_names.index(n) if n in new_names else 0, n)):
        if index.only_imports_of(name, qualified, line) and index.imported_at_top(name, qualified, line):
            return Reference(name)
    if modules and attr:
        aliases = [n for n, bs in index.bindings.items() if any(b.qualified in modules for b in bs)]
        for name in sorted(aliases):
            if index.only_imports_of(name, modules, line) and index.imported_at_top(name, modules, line):
                return Reference(f"{name}.{attr}")
    module, api = new_import
    for name in new_names:
        bound = index.bindings.get(name)
        if bound:
            if not index.only_imports_of(name, qualified):
                continue  # the name means something else somewhere
        elif name in index.loads:
            continue  # read but never bound: a builtin, or something a star import or exec provides
        return Reference(name, (module, api, None if name == api else name))
    return None


class ModuleFixFacts:
    """What a fixer's per-module facts start from: the tree, where the file lives (for
    its dependency files), its name index, and how to read facts about other files
    (the linter passes ``ctx.external``, so the cache records what they said)."""

    def __init__(
        self, tree: ast.Module, path: str, root: Path | None, external: Callable[..., Any] = lookup
    ) -> None:
        self.tree = tree
        self.path = path
        self.root = root
        self.external = external

    @cached_property
    def index(self) -> NameIndex:
        return name_index(self.tree)


def reads_name_from(
    tree: ast.AST, imports: list[ast.AST], in_modules: Callable[[str], bool], names: frozenset[str]
) -> bool:
    """Does the module (``tree``, with its ``imports`` at any depth) import one of ``names``
    from a module ``in_modules`` accepts (``from sqlalchemy.orm import Mapped``), or read one
    as an attribute of such a module it imports (``orm.mapped_column``,
    ``status.HTTP_422_UNPROCESSABLE_CONTENT``)? Code that reads a name only a library's newer
    release has says which release it runs on."""
    modules: set[str] = set()
    for node in imports:
        for local, qualified in import_bindings(node):  # type: ignore[arg-type]
            if qualified is None:
                continue
            module, _, name = qualified.rpartition(".")
            if name in names and in_modules(module):
                return True
            if local is not None and in_modules(qualified):
                modules.add(local)
    if not modules:
        return False
    for node in nodes_of(tree, ast.Attribute):
        if node.attr in names:
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in modules:
                return True
    return False




def parameter_names(args: ast.arguments) -> set[str]:
    """The names a function's (or lambda's) parameters bind, ``*args`` and ``**kwargs`` too."""
    return {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if a}


def scope_locals(scope: ast.AST) -> frozenset[str]:
    """The names a function, lambda or comprehension binds: its parameters and the targets of
    its assignments, ``for``/``with``/``except`` and walrus, those of the scopes within it too
    (a wider set makes a reader of the outer name more careful), less those it declares
    ``global`` or ``nonlocal``. (:func:`own_bindings`: its own scope's only.)"""
    args = getattr(scope, "args", None)
    names = parameter_names(args) if isinstance(args, ast.arguments) else set()
    declared: set[str] = set()
    for node in ast.walk(scope):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            declared.update(node.names)
    return frozenset(names - declared)


COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_CAPTURE_PATTERNS = frozenset({"MatchAs", "MatchStar", "MatchMapping"})  # `case Point(x=name)`, `*rest`, `**rest`
# the nodes that open a scope of their own (:func:`own_bindings`)
SCOPE_NODES = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, *COMPREHENSIONS)


def own_bindings(scope: ast.AST) -> frozenset[str]:
    """The names a scope binds itself: a module's, function's, lambda's, class body's or
    comprehension's parameters or targets, and the targets of its assignments, ``for``,
    ``with``, ``except``, imports, ``match`` captures and walrus, the names of the functions
    and classes it defines; not those of the scopes within it (but a walrus in a comprehension,
    which binds in the scope around it), nor those declared ``global``/``nonlocal``. Nothing
    for a node that opens no scope."""
    if isinstance(scope, COMPREHENSIONS):
        return frozenset(
            node.id for generator in scope.generators for node in ast.walk(generator.target)
            if isinstance(node, ast.Name)
        )
    if not isinstance(scope, SCOPE_NODES):
        return frozenset()
    args = getattr(scope, "args", None)
    names = parameter_names(args) if isinstance(args, ast.arguments) else set()
    declared: set[str] = set()
    body = scope.body
    stack: list[ast.AST] = list(body) if isinstance(body, list) else [body]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            continue  # (its decorators, defaults and bases bind nothing, but a rare `:=`)
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, COMPREHENSIONS):
            names.update(  # (its walrus binds here)
                n.target.id for n in ast.walk(node) if isinstance(n, ast.NamedExpr) and isinstance(n.target, ast.Name)
            )
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update(alias.asname or alias.name.partition(".")[0] for alias in node.names)
            continue
        if isinstance(node, ast.Name):
            if not isinstance(node.ctx, ast.Load):
                names.add(node.id)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            declared.update(node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif type(node).__name__ in _CAPTURE_PATTERNS:
            captured = getattr(node, "name", None) or getattr(node, "rest", None)
            if captured:
                names.add(captured)
        stack.extend(ast.iter_child_nodes(node))
    return frozenset(names - declared)


def free_in(node: ast.AST, name: str) -> bool:
    """Is ``name`` read in ``node`` (a scope) as the name of the scope around it, the scope
    binding no name of its own by that spelling (:func:`own_bindings`)?"""
    return name not in own_bindings(node)


def dotted_root(node: ast.expr) -> str | None:
    """``a`` of a Name or an attribute chain ``a.b.c``, else None."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def resolve_in(node: ast.AST, imports: dict[str, str]) -> str | None:
    """The fully qualified name of a Name/Attribute chain whose head ``imports`` binds
    (``v1.BaseModel`` -> ``pydantic.v1.BaseModel`` with ``{"v1": "pydantic.v1"}``), else None:
    for another module's imports, read without a FileContext."""
    attrs: list[str] = []
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in imports:
        return None
    return ".".join([imports[node.id], *reversed(attrs)])

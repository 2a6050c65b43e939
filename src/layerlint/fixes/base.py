"""The fixer API: what a rule's fixer receives and returns.

A fixer is a subclass of :class:`Fixer` in ``layerlint/fixes/ll<NNN>.py``::

    class StatusCodeFixer(Fixer):
        code = "LL601"
        node_types = (cst.Integer,)  # the node type the finding's range covers
        removable_imports = frozenset()  # qualified names a fix may leave unused

        def fix_node(self, original, updated, diagnostic, parents):
            self.needs_status = True
            return cst.parse_expression("status.HTTP_404_NOT_FOUND")  # or None: not fixed

        def finalize(self, module):
            if self.needs_status:
                module = add_import_from(module, "fastapi", "status")
            return module

The driver parses the file with libcst once, finds for each fixable finding the
node of one of ``node_types`` whose range is the finding's range (start and end;
a unique node starting there when no end matches), and runs one transformer
over the module: at each such node, bottom-up, it calls the fixers of the
findings there with the original node and the node as rewritten so far (inner
fixes already applied, so nested findings compose). Then it calls every
fixer's :meth:`Fixer.finalize`, removes the imports of ``removable_imports``
that the pass left unused, and re-lints; it repeats while fixes apply.
"""

from __future__ import annotations

import ast
import collections
import os
from functools import cached_property
from typing import Any, ClassVar, Iterator, Sequence

import libcst as cst

from layerlint.config import Settings
from layerlint.context import is_project_module, project_packages
from layerlint.diagnostics import Diagnostic
from layerlint.external import lookup
from layerlint.facts.project_classes import statement_bindings
from layerlint.fixes.imports import dotted_name
from layerlint.fixes.star_imports import names_imported_from, star_imported
from layerlint.project import module_name, project_scan_folders

_EMPTY_MODULE = cst.Module([])


class FixContext:
    """What fixers know of the file being fixed (one per pass)."""

    def __init__(self, path: str, text: str, module: cst.Module, tree: ast.Module, settings: Settings) -> None:
        self.path = path
        self.text = text
        self.module = module  # the libcst module of ``text``
        self.tree = tree  # the stdlib ast of ``text``
        self.settings = settings

    @property
    def target_version(self) -> tuple[int, int]:
        return self.settings.target_version

    @cached_property
    def layer(self) -> str | None:
        """The file's layer by its module name (as the rules see it, migrations aside)."""
        module, is_package = self._own_name
        if not module:
            return None
        if self.settings.module_root(self.path) is not None:  # (as FileContext reads it)
            module = self.settings.layers.name_to_classify(
                module, is_package, os.path.dirname(os.path.abspath(self.path)), lookup
            )
        return self.settings.layers.classify(module)

    @cached_property
    def _own_name(self) -> tuple[str, bool]:
        return module_name(os.path.abspath(self.path), self.settings.module_root(self.path))

    @property
    def _own_module(self) -> str | None:
        return self._own_name[0]

    @cached_property
    def exports_imports_to_star_imports(self) -> bool:
        """Would removing an import here break another project module: one star-imports
        this file (fixes/star_imports.py), which has no ``__all__`` to limit what that
        takes?"""
        if any(
            isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)) and "__all__" in statement_bindings(stmt)
            for stmt in self.tree.body
        ):
            return False
        path = os.path.abspath(self.path)
        folders = project_scan_folders(path, self.settings.module_root(self.path))
        return star_imported(path, folders)

    @cached_property
    def imported_elsewhere(self) -> frozenset[str] | None:
        """The names other project modules import from this file by name (``from app.orm
        import declarative_base``): an import binding one must stay. None: any may be."""
        path = os.path.abspath(self.path)
        return names_imported_from(path, project_scan_folders(path, self.settings.module_root(self.path)))

    @cached_property
    def _packages(self) -> frozenset[str]:
        return project_packages(self.settings, os.path.dirname(os.path.abspath(self.path)), lookup)

    def is_first_party(self, module: str) -> bool:
        """Is ``module`` the project's (as the rules read it: context.is_project_module)?"""
        return is_project_module(module, self._packages, self._own_module, self.path, self.settings, lookup)

    @property
    def is_stub(self) -> bool:
        return self.path.endswith(".pyi")

    @property
    def is_package_init(self) -> bool:
        return self.path.replace("\\", "/").rsplit("/", 1)[-1] in ("__init__.py", "__init__.pyi")

    @cached_property
    def imports(self) -> dict[str, str]:
        """Local name -> fully qualified name, from the module's absolute imports (any depth;
        a top-level binding wins)."""
        table: dict[str, str] = {}
        nested: dict[str, str] = {}
        top = {id(s) for s in self.tree.body}
        for node in _statements(self.tree):
            if isinstance(node, ast.Import):
                target = table if id(node) in top else nested
                for alias in node.names:
                    if alias.asname:
                        target.setdefault(alias.asname, alias.name)
                    else:
                        first = alias.name.partition(".")[0]
                        target.setdefault(first, first)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                target = table if id(node) in top else nested
                for alias in node.names:
                    if alias.name != "*":
                        target.setdefault(alias.asname or alias.name, f"{node.module}.{alias.name}")
        for name, value in nested.items():
            table.setdefault(name, value)
        return table

    def resolve(self, node: cst.CSTNode) -> str | None:
        """Fully qualified name of a Name/Attribute chain bound by an import, else None."""
        dotted = dotted_name(node) if isinstance(node, (cst.Name, cst.Attribute)) else None
        return self.resolve_dotted(dotted) if dotted is not None else None

    def resolve_dotted(self, dotted: str) -> str | None:
        """Fully qualified name of a dotted name (``np.ndarray``) whose first part an import binds."""
        first, _, rest = dotted.partition(".")
        base = self.imports.get(first)
        if base is None:
            return None
        return f"{base}.{rest}" if rest else base

    @staticmethod
    def code_for(node: cst.CSTNode) -> str:
        return _EMPTY_MODULE.code_for_node(node)


_HOLDS_STATEMENTS = (ast.stmt, ast.excepthandler, ast.match_case)


def _statements(tree: ast.AST) -> Iterator[ast.AST]:
    """The statements of a tree (and the handlers and cases around them) in
    :func:`ast.walk`'s order: the same walk without entering expressions, where no
    statement (no import) can be."""
    todo = collections.deque([tree])
    while todo:
        node = todo.popleft()
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                todo.extend(item for item in value if isinstance(item, _HOLDS_STATEMENTS))
        yield node


class Fixer:
    """Base class of a rule's fixer. One instance per file and pass."""

    code: ClassVar[str] = ""
    # libcst node types a finding of this rule covers exactly (its reported range)
    node_types: ClassVar[tuple[type[cst.CSTNode], ...]] = ()
    # fully qualified names (``typing.Optional``, or a module ``typing``) whose import is
    # removed after a pass where this fixer applied a fix and no use of it is left
    removable_imports: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, ctx: FixContext) -> None:
        self.ctx = ctx

    def fix_node(
        self,
        original: cst.CSTNode,
        updated: cst.CSTNode,
        diagnostic: Diagnostic,
        parents: Sequence[cst.CSTNode],
    ) -> cst.CSTNode | None:
        """The replacement of ``updated`` (``original`` with inner fixes applied), or None
        to leave this finding unfixed. ``parents`` are the original ancestors,
        outermost first (``parents[-1]`` is the parent)."""
        return None

    def finalize(self, module: cst.Module) -> cst.Module:
        """Module-level edits after the pass (add an import the fixes need, ...)."""
        return module


def parenthesize(node: Any) -> Any:
    """The node wrapped in parentheses (an expression)."""
    return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])

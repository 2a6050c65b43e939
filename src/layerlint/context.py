"""One file's facts, computed once and shared by every rule.

Rules read the module name and layer, resolve names through the import table
(``ctx.resolve(node)`` -> fully qualified name or ``None``), classify import
targets (``ctx.import_target_layer``), know the enclosing scopes during the walk
(``ctx.scopes``), and cache family-level analyses with ``ctx.memo``.
"""

from __future__ import annotations

import ast
import os
import re
from functools import cached_property
from typing import Any, Callable, Iterable, Iterator, TypeVar

from layerlint.config import Settings
from layerlint.diagnostics import Diagnostic
from layerlint.external import jsonable, lookup
from layerlint.layers import is_shared, may_be_in_layered_app
from layerlint.pathnames import absolute as absolute_path
from layerlint.pathnames import folder_above
from layerlint.project import STDLIB_NAMES, folder_parts, module_name
from layerlint.spelling import WordIndex, has_lone_cr, line_numbers, names_text
from layerlint.walk import Lines, nodes_of, statements, statements_on

T = TypeVar("T")
_NEWLINE_RE = re.compile(r"\r\n|\r|\n")
# a literal first: the regex engine's fast scan (a leading class or \b would cost 40x)
_IMPORT_WORD_RE = re.compile(r"import(?=[ \t\\(])")
SCOPE_TYPES = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
FUNCTION_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)
# statements at module level whose bodies still run at import time
_BLOCK_TYPES = (ast.If, ast.Try, ast.With, ast.AsyncWith)
if hasattr(ast, "TryStar"):
    _BLOCK_TYPES += (ast.TryStar,)
# project modules a name is followed through to what they re-export (2-3 is what is met)
_MAX_REEXPORT_HOPS = 3


class FileContext:
    tree: ast.Module  # given, or built on first use (``parse``, see __getattr__)

    def __init__(
        self,
        path: str,
        source: str,
        tree: ast.Module | None,
        settings: Settings,
        *,
        display_path: str | None = None,
        parse: Callable[[], ast.Module] | None = None,
    ) -> None:
        self.path = path
        self.display_path = display_path or path
        self.source = source
        if tree is not None:
            self.tree = tree
        # else ``parse`` builds the tree when first asked for (__getattr__): a file that no
        # rule applies to, and whose gates never look at it, is only syntax-checked
        self._parse = parse
        self.settings = settings
        root = settings.module_root(path)
        self.abspath = absolute_path(path)
        self.folder = os.path.dirname(self.abspath)
        # facts read from outside this file: (kind, args) -> value (see external.py)
        self.external_facts: dict[tuple[Any, ...], Any] = {}
        self.module, self.is_package = module_name(self.abspath, root)
        if folder_parts(self.folder, root) is None:  # the name came from the __init__.py chain
            self.external("package_chain", self.folder)
        self.package = self.module if self.is_package else self.module.rpartition(".")[0]
        self._first_party: frozenset[str] | None = None
        self._project_tops: dict[str, bool] = {}  # top-level name -> belongs to the project?
        self._reexports: dict[str, str] = {}  # a project name -> what it names (through_reexports)
        self._module_files: dict[str, bool] = {}  # dotted name -> is_module_file (for _module_and_name)
        self._mentions: dict[str, bool] = {}
        self._import_targets: dict[int, list[tuple[str, str | None]]] = {}  # by id of the import node
        # the import table and top-level names, read from the module body on first use
        # (most files are never walked and never need them)
        self._imports: dict[str, str] | None = None
        self._import_nodes: list[tuple[ast.stmt, str]] = []
        self._top_level_names: set[str] = set()
        self.scopes: list[ast.AST] = []
        # per scope (by id), the import-table entries its imports replaced: (local, previous)
        self._import_undo: dict[int, list[tuple[str, str | None]]] = {}
        self.diagnostics: list[Diagnostic] = []
        self._memo: dict[Any, Any] = {}
        self._lines: list[str] | None = None
        self._nested_imports: list[ast.Import | ast.ImportFrom] | None = None
        self._nested_import_lines: list[int] | None = None
        # (a name is a top-level name only if the text contains it)
        self.is_migration = self._in_versions_folder() or (
            self.mentions("down_revision") and {"revision", "down_revision"} <= self.top_level_names
        )
        # the name the file's layer comes from (layers.py: LayerModel.name_to_classify)
        self._layered_name = self.module
        if root is not None and self.module:  # (else a name from the __init__.py chain: nothing above it)
            self._layered_name = settings.layers.name_to_classify(self.module, self.is_package, self.folder, self.external)
        self.layer = "migrations" if self.is_migration else settings.layers.classify(self._layered_name) if self.module else None

    def __getattr__(self, name: str) -> Any:
        if name == "tree" and self._parse is not None:
            tree = self.tree = self._parse()  # (raises on a syntax error: the engine's business)
            return tree
        raise AttributeError(name)

    @property
    def parsed(self) -> bool:
        """Has the tree been built (given, or asked for)?"""
        return "tree" in self.__dict__

    # -- facts from outside the file ------------------------------------------
    def external(self, kind: str, *args: Any) -> Any:
        """A fact about other files (see external.py), recorded for the cache."""
        key = (kind, *args)
        try:
            return self.external_facts[key]
        except KeyError:
            value = self.external_facts[key] = lookup(kind, *args)
            return value

    def recorded_facts(self) -> list[list[Any]]:
        """The external facts this file's findings depend on, as ``[kind, args, value]``."""
        return [[key[0], list(key[1:]), jsonable(value)] for key, value in self.external_facts.items()]

    @property
    def in_migration_scripts(self) -> bool:
        """A revision (:attr:`is_migration`), or a module beside them in an Alembic script
        folder (one holding ``env.py`` and ``versions/``), up to two levels below it:
        ``migrations/shared/utils.py``, whose frozen models and data helpers belong to
        the migration history."""
        if self.is_migration:
            return True
        folder = self.folder
        for _ in range(3):
            if self.external("isfile", os.path.join(folder, "env.py")) and self.external(
                "isdir", os.path.join(folder, "versions")
            ):
                return os.path.basename(self.path) != "env.py" or folder != self.folder
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder = parent
        return False

    def _in_versions_folder(self) -> bool:
        """A file under ``*/versions/`` beside an Alembic ``env.py`` (project.is_migration_path)."""
        if os.path.basename(self.folder) != "versions":
            return False
        return bool(self.external("isfile", os.path.join(os.path.dirname(self.folder), "env.py")))

    # -- cheap gates -----------------------------------------------------------
    def mentions(self, *words: str) -> bool:
        """Does the source contain any of ``words``? Memoized per word: rules of one
        family share one scan of the file (the cheap gate of ``Rule.applies_to``)."""
        cache = self._mentions
        for word in words:
            found = cache.get(word)
            if found is None:
                found = cache[word] = word in self.source
            if found:
                return True
        return False

    def spellings(self, qualified: Iterable[str]) -> set[str]:
        """Every word that can name one of the ``qualified`` objects in this file: the last
        part of each (``Optional``, also in ``typing.Optional`` or ``t.Optional``) and each
        local name an import anywhere in the file binds to one (``from typing import
        Optional as Opt``, also inside a function)."""
        wanted = frozenset(qualified)
        words = {name.rpartition(".")[2] for name in wanted}
        if not self.may_rename(words):
            return words  # (no import table needed)
        return words | self.imported_names(wanted.__contains__)

    def may_rename(self, words: Iterable[str]) -> bool:
        """Could an import bind a name ending with one of ``words`` to another local name
        (``Optional as Opt``)? When not, each local name an import binds to such a name is
        its last part (spelling.may_rename)."""
        return self.words.may_rename(words)

    @cached_property
    def line_count(self) -> int:
        """Lines as ``ast`` numbers them (counting ``\\n``; see :attr:`has_lone_cr`)."""
        return self.source.count("\n") + 1

    @cached_property
    def has_cr(self) -> bool:
        return "\r" in self.source

    @cached_property
    def has_lone_cr(self) -> bool:
        """Does a lone ``\\r`` end a line (spelling.has_lone_cr)?"""
        return self.has_cr and has_lone_cr(self.source)

    @cached_property
    def names_text(self) -> str:
        """The source as Python reads names in it (spelling.names_text)."""
        return names_text(self.source)

    @cached_property
    def words(self) -> WordIndex:
        """Where words occur in :attr:`names_text` (each searched once per file)."""
        return WordIndex(self.names_text)

    def imported_names(self, matches: Callable[[str], bool]) -> set[str]:
        """Every local name that an import anywhere in the file (top level, or inside a
        function, class or block) binds to a fully qualified name that ``matches``."""
        def named(target: str) -> bool:
            return matches(target) or (self._in_project(target) and matches(self.through_reexports(target)))

        names = {local for local, target in self.imports.items() if named(target)}
        for node in self.nested_imports:
            names.update(local for local, target in self.import_bindings(node) if named(target))
        return names

    @property
    def nested_imports(self) -> list[ast.Import | ast.ImportFrom]:
        """Imports below the module's top level (inside functions, classes, blocks)."""
        if self._nested_imports is None:
            if not self.nested_import_lines:
                self._nested_imports = []
            else:
                top = {id(node) for node in self.tree.body}
                if self.has_lone_cr:
                    found = nodes_of(self.tree, ast.Import, ast.ImportFrom)  # the lines are unknown
                else:
                    # the statements whose lines hold a nested import line (each nested import does)
                    lines = Lines(self.line_count, self.nested_import_lines)
                    found = [
                        stmt
                        for stmt in statements_on(self.tree.body, lines)
                        if isinstance(stmt, (ast.Import, ast.ImportFrom))
                    ]
                self._nested_imports = [node for node in found if id(node) not in top]  # type: ignore[misc]
        return self._nested_imports

    @property
    def nested_import_lines(self) -> list[int]:
        """The lines (counting ``\\n``) where an import below the top level may start: an
        indented ``import``/``from`` line, one after ``:`` or ``;``, or one continuing
        the line above. A superset (a docstring may match); empty means the file has no
        nested import."""
        if self._nested_import_lines is None:
            source = self.source
            positions: list[int] = []
            for match in _IMPORT_WORD_RE.finditer(source):
                at = match.start()
                line_start = source.rfind("\n", 0, at) + 1
                head = source[line_start:at]
                if head[:1] in (" ", "\t"):
                    stripped = head.lstrip()
                    nested = stripped == "" or stripped.startswith("from ") or ":" in head or ";" in head
                else:  # (most: a top-level `import x` or `from x import y`)
                    nested = ":" in head or ";" in head
                if not nested:
                    above = source[max(line_start - 3, 0):line_start]  # the end of the line above
                    nested = "\\" in above and above.rstrip("\r\n").endswith("\\")  # `x: \` continued here
                if nested:
                    positions.append(at)
            self._nested_import_lines = line_numbers(source, positions)
        return self._nested_import_lines

    # -- module body ------------------------------------------------------
    @property
    def all_statements(self) -> list[ast.stmt]:
        """Every statement of the module at any depth, in pre-order (``walk.statements`` of
        its body): listed once for the several facts that each look through them all."""
        return self.memo("all_statements", lambda: list(statements(self.tree.body)))

    @property
    def imports(self) -> dict[str, str]:
        """Local name -> fully qualified name: top-level imports, then (during the walk)
        imports inside functions as they are met, until the walk leaves the function."""
        if self._imports is None:
            self._scan()
        return self._imports  # type: ignore[return-value]

    @imports.setter
    def imports(self, value: dict[str, str]) -> None:
        self._scan()
        self._imports = value

    @property
    def import_nodes(self) -> list[tuple[ast.stmt, str]]:
        """(node, target module) of every import seen so far, top level first."""
        if self._imports is None:
            self._scan()
        return self._import_nodes

    @property
    def top_level_names(self) -> set[str]:
        """Names assigned at module level (also inside if/try/with blocks)."""
        if self._imports is None:
            self._scan()
        return self._top_level_names

    def _scan(self) -> None:
        self._imports = {}
        self._import_nodes = []
        self._top_level_names = set()
        self._scan_module_body(self.tree.body)

    def _scan_module_body(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                self.add_import(stmt)
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        self.top_level_names.add(target.id)
            elif isinstance(stmt, _BLOCK_TYPES):
                for field in ("body", "orelse", "finalbody"):
                    self._scan_module_body(getattr(stmt, field, []))
                for handler in getattr(stmt, "handlers", []):
                    self._scan_module_body(handler.body)

    def add_import(self, node: ast.Import | ast.ImportFrom) -> None:
        """Record an import's bindings in the import table."""
        imports = self.imports
        for local, qualified in self.import_bindings(node):
            imports[local] = qualified
        if isinstance(node, ast.Import):
            self.import_nodes.extend((node, alias.name) for alias in node.names)
        else:
            base = self.absolute_module(node.module, node.level)
            if base is not None:
                self.import_nodes.append((node, base))

    def add_nested_import(self, node: ast.Import | ast.ImportFrom) -> None:
        """Record an import met inside the function or class being walked: its bindings
        hold until the walk leaves that scope (:meth:`leave_scope`)."""
        imports = self.imports  # (the module's table first: its imports are no scope's)
        if self.scopes:
            undo = self._import_undo.setdefault(id(self.scopes[-1]), [])
            undo.extend((local, imports.get(local)) for local, _qualified in self.import_bindings(node))
        self.add_import(node)

    def module_imports(self) -> dict[str, str]:
        """The import table of the module's top level, whatever function the walk is in (the
        imports met in the functions around undone; the table itself when there are none:
        read it, never change it)."""
        if not any(self._import_undo.values()):
            return self.imports
        table = dict(self.imports)
        for undo in reversed(list(self._import_undo.values())):
            for local, previous in reversed(undo):
                if previous is None:
                    table.pop(local, None)
                else:
                    table[local] = previous
        return table

    def leave_scope(self, scope: ast.AST) -> None:
        """The walk leaves ``scope``: the imports met inside it bind their names no longer
        (``from starlette.exceptions import HTTPException`` in one function says nothing of
        the module's ``HTTPException`` in the next)."""
        undo = self._import_undo.pop(id(scope), None)
        if not undo:
            return
        imports = self.imports
        for local, previous in reversed(undo):
            if previous is None:
                imports.pop(local, None)
            else:
                imports[local] = previous

    def import_bindings(self, node: ast.Import | ast.ImportFrom) -> list[tuple[str, str]]:
        """(local name, fully qualified name) for each name an import statement binds."""
        if isinstance(node, ast.Import):
            return [
                (alias.asname, alias.name) if alias.asname else (alias.name.partition(".")[0],) * 2
                for alias in node.names
            ]
        base = self.absolute_module(node.module, node.level)
        if base is None:
            return []
        return [
            (alias.asname or alias.name, f"{base}.{alias.name}" if base else alias.name)
            for alias in node.names
            if alias.name != "*"
        ]

    def absolute_module(self, module: str | None, level: int) -> str | None:
        """Resolve ``from <level dots><module> import`` against this file's package."""
        if not level:
            return module or ""
        parts = self.package.split(".") if self.package else []
        if level - 1 > len(parts):
            return None
        if level > 1:
            parts = parts[: len(parts) - (level - 1)]
        if module:
            parts.append(module)
        return ".".join(parts)

    # -- names --------------------------------------------------------------
    def resolve(self, node: ast.AST) -> str | None:
        """Fully qualified name of a Name/Attribute chain bound by an import, else None.
        (:meth:`resolve_reexported` also follows a project module's re-exports.)"""
        attrs: list[str] = []
        while isinstance(node, ast.Attribute):
            attrs.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        imports = self._imports if self._imports is not None else self.imports  # (the property's work once)
        base = imports.get(node.id)
        if base is None:
            return None
        if attrs:
            attrs.reverse()
            return base + "." + ".".join(attrs)
        return base

    def resolve_reexported(self, node: ast.AST) -> str | None:
        """:meth:`resolve`, and a name of a project module that re-exports a name from
        outside the project is that name (:meth:`through_reexports`: ``from app.sqlkit
        import select`` where ``app/sqlkit.py`` imports ``select`` from ``sqlalchemy``).
        Asked by the facts that look for a library's names (SQLAlchemy's), not by every
        lookup: following costs a read of the other module."""
        qualified = self.resolve(node)
        if qualified is not None and self._in_project(qualified):
            return self.through_reexports(qualified)
        return qualified

    def _in_project(self, qualified: str) -> bool:
        """Does ``qualified`` start with a top-level name of the project (memoized per name:
        the one cost :meth:`resolve` adds for names from outside it)?"""
        top = qualified.partition(".")[0]
        known = self._project_tops.get(top)
        if known is None:
            known = self._project_tops[top] = self.is_first_party(top)
        return known

    def through_reexports(self, qualified: str) -> str:
        """What a name in a project module names: the name outside the project that it
        re-exports, following the modules that import it from one another (a few hops,
        each module read through the ``reexport`` provider: reexports.py); else
        ``qualified`` itself (defined in the project, or bound some other way: unknown)."""
        found = self._reexports.get(qualified)
        if found is None:
            found = self._reexports[qualified] = self._follow_reexports(qualified)
        return found

    def reexport_hops(self, qualified: str, hops: int = _MAX_REEXPORT_HOPS) -> Iterator[tuple[str, str]]:
        """(a name, the file of its project module) for ``qualified`` and, in turn, each
        project name its module re-exports it from (``app.model.Session``, then
        ``app.model.meta.Session``): for a fact that any module along the way may hold."""
        seen: set[str] = set()
        for _ in range(hops):
            module, _, name = qualified.rpartition(".")
            path = self.module_source_path(module) if module else None
            if path is None or qualified in seen:
                return
            seen.add(qualified)
            # (recorded: a warm run re-checks the module's digest, not the answer)
            self.external("file_digest", path)
            yield qualified, path
            target = lookup("reexport", path, module, name)
            if target is None:
                return
            qualified = target

    def _follow_reexports(self, qualified: str) -> str:
        current = qualified
        seen = {qualified}
        for _ in range(_MAX_REEXPORT_HOPS):
            split = self._module_and_name(current)
            if split is None:
                return qualified
            module, name, rest = split
            path = self.module_source_path(module)
            if not path:
                return qualified
            # recorded: the module's digest (re-checking it on a warm run costs a hash, where
            # the answer itself would cost a parse); the answer follows from its bytes
            self.external("file_digest", path)
            target = lookup("reexport", path, module, name)
            if target is None:
                return qualified
            current = target + rest
            if not self._in_project(current):
                return current
            if current in seen:
                return qualified  # (a cycle)
            seen.add(current)
        return qualified

    def _module_and_name(self, qualified: str) -> tuple[str, str, str] | None:
        """(the project module, the name in it, the attributes after it: ``.x.y``) of a
        dotted name (``app.sqlkit.select``); None when it names a module or no module."""
        parts = qualified.split(".")
        size = 0
        known = self._module_files
        while size < len(parts):
            prefix = ".".join(parts[: size + 1])
            found = known.get(prefix)
            if found is None:
                found = known[prefix] = self.is_module_file(prefix)
            if not found:
                break
            size += 1
        if size == 0 or size == len(parts):
            return None
        return ".".join(parts[:size]), parts[size], "".join("." + part for part in parts[size + 1:])

    def resolves_to(self, node: ast.AST, *names: str) -> bool:
        return self.resolve(node) in names

    @property
    def first_party(self) -> frozenset[str]:
        """Top-level names that belong to the project (read lazily: a cross-file fact)."""
        if self._first_party is None:
            self._first_party = project_packages(self.settings, self.folder, self.external)
        return self._first_party

    def is_first_party(self, module: str) -> bool:
        return is_project_module(module, self.first_party, self.module, self.path, self.settings, self.external)

    def layer_of(self, module: str) -> str | None:
        """Layer of a first-party module (third-party modules have none)."""
        if not module or not self.is_first_party(module):
            return None
        return self._classify(module)

    def _classify(self, module: str) -> str | None:
        """The layer of a project module named ``module`` from this file's root folder: by
        default, one of a layered application within a layer folder by its name in that
        application (layers.py: ``LayerModel.name_to_classify``), as the file itself is."""
        layers = self.settings.layers
        if layers.is_default and may_be_in_layered_app(module):
            path = self.module_source_path(module)
            if path is not None:
                module = layers.name_to_classify(
                    module, path.endswith("__init__.py"), os.path.dirname(path), self.external
                )
            else:
                stem = self._module_candidate(module)
                if self.external("isdir", stem):  # (a namespace package: `repositories/` with no `__init__.py`)
                    module = layers.name_to_classify(module, True, stem, self.external)
        return layers.classify(module)

    def import_targets(self, node: ast.Import | ast.ImportFrom) -> list[tuple[str, str | None]]:
        """(module, layer) for each module an import statement brings in.

        ``from pkg import name`` may import the submodule ``pkg.name``: the more
        specific classification is used when it has a layer.
        """
        known = self._import_targets.get(id(node))
        if known is not None:
            return known
        out = self._import_targets[id(node)] = self._find_import_targets(node)
        return out

    def import_target_named(self, node: ast.Import | ast.ImportFrom, index: int, module: str, layer: str) -> str:
        """The module a message names for the ``index``-th target of :meth:`import_targets`,
        of ``layer``: the submodule on disk a ``from`` import names, where the target is the
        package it imports from and the submodule is of that layer too (``from shop.db import
        orders``: ``shop.db.orders``), else ``module``."""
        if (
            isinstance(node, ast.ImportFrom) and index < len(node.names) and node.names[index].name != "*"
            and module == self.absolute_module(node.module, node.level)
        ):
            full = f"{module}.{node.names[index].name}" if module else node.names[index].name
            if self.is_module_file(full) and self._target_layer(full, node.level > 0) == layer:
                return full
        return module

    def _find_import_targets(self, node: ast.Import | ast.ImportFrom) -> list[tuple[str, str | None]]:
        out: list[tuple[str, str | None]] = []
        if isinstance(node, ast.Import):
            for alias in node.names:
                out.append((alias.name, self.layer_of(alias.name)))
            return out
        base = self.absolute_module(node.module, node.level)
        if base is None:
            return out
        relative = node.level > 0
        base_layer = self._target_layer(base, relative)
        for alias in node.names:
            full = f"{base}.{alias.name}" if base else alias.name
            # ``from app import repositories`` imports a submodule; but when the module
            # itself has a layer, the name is most likely an attribute of it, unless it
            # names a shared module there (``from app.repositories import exceptions``)
            layer = None
            if alias.name != "*" and (not base_layer or is_shared(full)) and self.is_module_file(full):
                layer = self._target_layer(full, relative)
            out.append((full, layer) if layer else (base, base_layer))
        return out

    def _module_candidate(self, module: str) -> str:
        parts = module.split(".")
        inner = self._namespace_top
        if inner is not None and parts[0] != self.module.partition(".")[0] and self._inner_package(parts[0]):
            return os.path.join(inner, *parts)
        root = self._root_folder
        if self._outer_folders and parts[0] != self.module.partition(".")[0] and not self._regular_module(root, parts[0]):
            # (`shared/` above `user-service/app/`; a regular package there wins over a folder
            # of no package beside, as in Python; never a name of the standard library)
            for outer in self._outer_folders:
                if parts[0] not in STDLIB_NAMES and self.external("isfile", os.path.join(outer, parts[0], "__init__.py")):
                    return os.path.join(outer, *parts)
        return os.path.join(root, *parts)

    def _regular_module(self, folder: str, name: str) -> bool:
        """Is ``name`` a module or a regular package (with ``__init__.py``) in ``folder``?"""
        stem = os.path.join(folder, name)
        return bool(self.external("isfile", stem + ".py") or self.external("isfile", os.path.join(stem, "__init__.py")))

    @cached_property
    def _outer_folders(self) -> tuple[str, ...]:
        """The folders above :attr:`_root_folder` whose packages the module may import, when
        its name comes from the ``__init__.py`` chain (``external.outer_folders``)."""
        if not self._named_by_chain:
            return ()
        return tuple(self.external("outer_folders", self._root_folder))

    @cached_property
    def _named_by_chain(self) -> bool:
        """Does the module's name come from the ``__init__.py`` chain (no root holds it)?"""
        return bool(self.module) and folder_parts(self.folder, self.settings.module_root(self.path)) is None

    @cached_property
    def _namespace_top(self) -> str | None:
        """The folder the module's name starts with when it is an implicit namespace package
        at the top (no ``__init__.py``, its name read from the folders: ``service_a/``
        beside a ``shared/`` package, named ``service_a.app.db``). Code run from there
        imports its packages by their own names (``from app.db import ...``), and the
        packages beside it by theirs: both are read (:meth:`_inner_package`)."""
        if not self._named_by_chain:
            return None
        top = os.path.join(self._root_folder, self.module.partition(".")[0])
        return None if self.external("isfile", os.path.join(top, "__init__.py")) else top

    def _inner_package(self, name: str) -> bool:
        """Is ``name`` a module or package (with an ``__init__.py``, as the project's names
        count them: not ``alembic/`` there) inside :attr:`_namespace_top`? Run from there,
        it comes first on the path: it wins over one of that name beside (``tests/``)."""
        inner = self._namespace_top
        return inner is not None and self._regular_module(inner, name)

    @cached_property
    def _root_folder(self) -> str:
        """The folder dotted module names start from (above this file's top package)."""
        parts = self.module.split(".") if self.module else []
        return folder_above(self.folder, len(parts) if self.is_package else len(parts) - 1)

    def module_at(self, stem: str) -> str | None:
        """The dotted name of the module at ``stem`` (an absolute path without ``.py``, or a
        package's folder), counted from this file's root folder; None outside it."""
        relative = os.path.relpath(stem, self._root_folder)
        if relative.startswith(os.pardir) or os.path.isabs(relative) or relative == os.curdir:
            return None
        return relative.replace(os.sep, ".")

    def is_module_file(self, module: str) -> bool:
        """Does a first-party dotted name name a module or package on disk?"""
        return bool(self.external("module_file", self._module_candidate(module)))

    def module_source_path(self, module: str) -> str | None:
        """The ``.py`` file of a first-party module (``pkg/mod/__init__.py`` or ``pkg/mod.py``),
        else None. Where both exist, Python imports the package: so is it read."""
        if not module or not self.is_first_party(module):
            return None
        candidate = self._module_candidate(module)
        for path in (os.path.join(candidate, "__init__.py"), candidate + ".py"):
            if self.external("isfile", path):
                return path
        return None

    def _target_layer(self, module: str, relative: bool) -> str | None:
        if relative:
            return self._classify(module) if module else None
        return self.layer_of(module)

    # -- scopes ---------------------------------------------------------------
    def enclosing_function(self) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        for scope in reversed(self.scopes):
            if isinstance(scope, FUNCTION_TYPES):
                return scope
        return None

    def enclosing_class(self) -> ast.ClassDef | None:
        for scope in reversed(self.scopes):
            if isinstance(scope, ast.ClassDef):
                return scope
        return None

    def release(self) -> None:
        """Drop what the rules memoized and the walk state (called once linting is done)."""
        self._memo.clear()
        self.scopes.clear()

    # -- caching ----------------------------------------------------------------
    def memo(self, key: Any, factory: Callable[[], T]) -> T:
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = factory()
            return value

    def memo_of(self, compute: Callable[[FileContext], T]) -> T:
        """``compute(self)``, computed once per file (keyed on the function): for the facts
        asked for on every node, which :meth:`memo` would cost a new closure each time."""
        try:
            return self._memo[compute]
        except KeyError:
            value = self._memo[compute] = compute(self)
            return value

    # -- reporting ---------------------------------------------------------------
    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            # only the newlines Python counts: str.splitlines() also splits on form feeds
            source = self.source
            self._lines = _NEWLINE_RE.split(source) if self.has_cr else source.split("\n")
        return self._lines

    def source_segment(self, node: ast.AST) -> str | None:
        """``ast.get_source_segment(self.source, node)``: the same text (each line's own end
        kept), from :attr:`lines`. On Python 3.11 ``ast`` splits the whole file, a character
        at a time, on every call."""
        first, last = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        start, end = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if first is None or last is None or start is None or end is None:
            return None
        lines = self.lines
        first, last = first - 1, last - 1
        if first == last:
            return lines[first].encode()[start:end].decode()
        parts = [lines[first].encode()[start:].decode(), *lines[first + 1:last], lines[last].encode()[:end].decode()]
        if not self.has_cr:
            return "\n".join(parts)
        ends = self._line_ends
        return "".join(part + ends[first + index] for index, part in enumerate(parts[:-1])) + parts[-1]

    @cached_property
    def _line_ends(self) -> list[str]:
        """What ends each line (``\\r\\n``, ``\\r`` or ``\\n``), for a file that has a CR."""
        return _NEWLINE_RE.findall(self.source)

    def char_col(self, line: int, byte_col: int) -> int:
        """ast offsets count UTF-8 bytes; report characters, as flake8 and editors do."""
        if byte_col <= 0 or self.source.isascii() or not (0 < line <= len(self.lines)):
            return byte_col  # (isascii() is a flag of the string: no scan)
        text = self.lines[line - 1]
        if text.isascii():
            return byte_col
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="replace"))

    def report(self, code: str, node: ast.AST, message: str, *, fix: str | None = None) -> None:
        line = getattr(node, "lineno", 1)
        col = self.char_col(line, getattr(node, "col_offset", 0))
        end_line = getattr(node, "end_lineno", None) or line
        end_col = getattr(node, "end_col_offset", None)
        end_col = self.char_col(end_line, end_col) if end_col is not None else col
        self.diagnostics.append(
            Diagnostic(code, message, self.display_path, line, col + 1, end_line, end_col + 1, fix)
        )


def project_packages(settings: Settings, folder: str, external: Callable[..., Any]) -> frozenset[str]:
    """Top-level names that belong to the project of a file in ``folder``: the packages of its
    root and of its ``src`` folders (``src = ["backend"]``), asked through ``external`` (a
    cross-file fact)."""
    root = settings.root
    found = external("first_party", str(root) if root is not None else None, folder)
    for source in settings.sources:
        found = found | external("first_party", str(source), folder)
    return found


def is_project_module(
    module: str, packages: frozenset[str], own_module: str | None, path: str, settings: Settings,
    external: Callable[..., Any],
) -> bool:
    """Is ``module`` the project's: under one of its ``packages``, or under the file's own top
    package, unless that is an Alembic script folder left out of them (``alembic/env.py``'s
    ``from alembic import context`` is the library)?"""
    top = module.partition(".")[0]
    if top in packages:
        return True
    if not own_module or top != own_module.partition(".")[0]:
        return False
    root = settings.module_root(path)
    return root is None or not external("alembic_script_folder", os.path.join(str(root), top))

"""The LL601 fix decision, shared by the rule (which marks findings fixable) and
its fixer (which writes them): which ``status.HTTP_...`` constant, spelled how.

- The constant must exist, without a deprecation warning, in the Starlette the
  project uses. Starlette 0.48 renamed 413, 414, 416 and 422 (the old names
  warn since): those are fixed only when the project's dependency files
  (:mod:`layerlint.facts.dependencies`) put Starlette on one side of 0.48 —
  directly, or through FastAPI (every FastAPI before 0.117 requires Starlette
  < 0.48) — or, when they do not decide, when the module itself reads one of the
  new names from a status module (it would fail on an older Starlette). Ten constants (102, 103, 208, 226, 308, 421, 426, 506, 508, 510)
  appeared in Starlette 0.14 (2020): they are not fixed when the project is
  known to use an older Starlette (< 0.15, to be safe), and are otherwise.
- ``status`` is reused when the module imports it (from ``fastapi`` or
  ``starlette``, under any name), else ``from fastapi import status`` is added
  (``from starlette import status`` in a module that imports Starlette but not
  FastAPI at its top level), as ``http_status`` when the name ``status`` means
  something else anywhere in the module; see :mod:`layerlint.facts.names`. No
  import is added to a module that imports neither package at its top level
  (only inside functions, or under a condition: an optional dependency).
"""

from __future__ import annotations

import ast
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

from layerlint.external import lookup, provider
from layerlint.facts import dependencies as deps
from layerlint.facts.fastapi import RENAMED_STATUS_NAMES, RENAMED_STATUS_VERSION, STATUS_NAMES
from layerlint.facts.names import (
    ModuleFixFacts,
    NameIndex,
    Reference,
    import_bindings,
    name_index,
    plan_reference,
    reads_name_from,
)
from layerlint.spelling import WordIndex, has_lone_cr
from layerlint.walk import Lines, nodes_of

STATUS_MODULES = frozenset({"fastapi.status", "starlette.status"})
# constants Starlette added in 0.14 (missing from earlier releases)
ADDED_STATUS_CODES = frozenset({102, 103, 208, 226, 308, 421, 426, 506, 508, 510})
ADDED_STATUS_VERSION = (0, 15)
# every FastAPI before 0.117 caps Starlette below 0.48
FASTAPI_WITH_OLD_STATUS_NAMES = (0, 117)


NEW_NAMES = ("status", "http_status")
# the names Starlette 0.48 gave the constants it renamed (``HTTP_422_UNPROCESSABLE_CONTENT``)
_NEW_RENAMED_NAMES = frozenset(STATUS_NAMES[code] for code in RENAMED_STATUS_NAMES)


class StatusFixFacts(ModuleFixFacts):
    """Per-module facts of the LL601 fix (the dependency files are read lazily,
    only for a status whose constant depends on the Starlette version).

    Given the module's ``source``, the name index holds only what the decision reads,
    found where the text spells it (:func:`status_index`); the decisions are the same."""

    def __init__(
        self,
        tree: ast.Module,
        path: str,
        root: Path | None,
        external: Callable[..., Any] = lookup,
        *,
        source: str | None = None,
        may_import: bool = True,
    ) -> None:
        super().__init__(tree, path, root, external)
        self.source = source
        # False in a module where an import of FastAPI or Starlette is itself a finding
        # (LL105: services, repositories): `status` is used if imported, never added
        self.may_import = may_import

    @cached_property
    def _imports(self) -> list[ast.AST]:
        return nodes_of(self.tree, ast.Import, ast.ImportFrom)

    @cached_property
    def index(self) -> NameIndex:
        found = status_index(self.tree, self.source, self._imports) if self.source is not None else None
        return found if found is not None else name_index(self.tree)

    @cached_property
    def new_import(self) -> tuple[str, str] | None:
        """The ``status`` import to add: from the HTTP package the module imports at its top
        level (FastAPI's first), or None when it imports neither there. Imported only inside
        functions or under a condition, the package may be an optional dependency: a new
        module-level import would make importing the module fail without it."""
        eager: set[str] = set()
        for stmt in self.tree.body:
            if isinstance(stmt, ast.Import):
                eager.update(alias.name.partition(".")[0] for alias in stmt.names)
            elif isinstance(stmt, ast.ImportFrom) and stmt.module and not stmt.level:
                eager.add(stmt.module.partition(".")[0])
        for package in ("fastapi", "starlette"):
            if package in eager:
                return (package, "status")
        return None

    @cached_property
    def _sides(self) -> list[str | None]:
        return self.external("starlette_sides", str(deps.start_folder(self.path, self.root)))

    @cached_property
    def renamed_side(self) -> str | None:
        """Starlette against 0.48 (the renamed constants), or None when unknown: from the
        dependency files, else ABOVE when the module itself reads a name that only Starlette
        0.48 and later have (``status.HTTP_422_UNPROCESSABLE_CONTENT``)."""
        side = self._sides[0]
        if side is None and self._reads_new_status_name():
            return deps.ABOVE
        return side

    def _reads_new_status_name(self) -> bool:
        """Does the module read one of the names Starlette 0.48 gave the renamed constants
        from a status module (``status.HTTP_413_CONTENT_TOO_LARGE``, ``from fastapi.status
        import HTTP_422_UNPROCESSABLE_CONTENT``)? Code that runs on an older Starlette would
        fail there. (Names in comments or strings do not count.)"""
        if self.source is not None and not any(name in self.source for name in _NEW_RENAMED_NAMES):
            return False
        return reads_name_from(self.tree, self._imports, STATUS_MODULES.__contains__, _NEW_RENAMED_NAMES)

    @cached_property
    def added_side(self) -> str | None:
        return self._sides[1]

    def constant(self, code: int) -> str | None:
        """The constant to write for a status, or None when it cannot be known."""
        if code not in STATUS_NAMES:
            return None
        if code in RENAMED_STATUS_NAMES:
            side = self.renamed_side
            if side is None:
                return None
            return STATUS_NAMES[code] if side == deps.ABOVE else RENAMED_STATUS_NAMES[code]
        if code in ADDED_STATUS_CODES and self.added_side == deps.BELOW:
            return None
        return STATUS_NAMES[code]

    def plan(self, code: int, line: int) -> tuple[str, Reference] | None:
        """(``status.HTTP_404_NOT_FOUND``, how ``status`` is imported) for a bare status
        at ``line``, or None when the finding cannot be fixed."""
        constant = self.constant(code)
        reference = self.reference(line) if constant is not None else None
        return None if reference is None else (f"{reference.expr}.{constant}", reference)

    def reference(self, line: int) -> Reference | None:
        """How the fix names ``status`` at ``line`` (``http_status`` when ``status`` is taken
        there), importing it if needed; None when it cannot."""
        new_import = self.new_import
        reference = plan_reference(
            self.index, STATUS_MODULES, line, new_import=new_import or ("fastapi", "status"), new_names=NEW_NAMES
        )
        if reference is None or (reference.add_import is not None and (new_import is None or not self.may_import)):
            return None
        return reference


def status_index(tree: ast.Module, source: str, imports: list[ast.AST]) -> NameIndex | None:
    """The part of ``name_index(tree)`` that :func:`plan_reference` reads for ``status``: every
    binding and read of the names that import a status module and of :data:`NEW_NAMES`,
    and whether the module has a star import. Each of those is spelled on its own lines,
    so only the top-level statements with such a line are indexed. None when lone CRs end
    lines (numbering them would take more than counting ``\\n``)."""
    if has_lone_cr(source):
        return None
    names = set(NEW_NAMES)
    star = False
    for node in imports:
        for name, qualified in import_bindings(node):  # type: ignore[arg-type]
            if name is None:
                star = True
            elif qualified in STATUS_MODULES:
                names.add(name)
    lines = Lines(source.count("\n") + 1, WordIndex(source).lines_spelling(names))
    index = name_index(ast.Module(body=[stmt for stmt in tree.body if lines.holds(stmt)], type_ignores=[]))
    index.star_import = star
    return index


@provider("starlette_sides")
def starlette_sides(folder: str) -> list[str | None]:
    """Where the dependency files around ``folder`` put Starlette: [against 0.48, against 0.15]."""
    found = deps.project_constraints(Path(folder))
    implied = (
        ("fastapi", FASTAPI_WITH_OLD_STATUS_NAMES, deps.BELOW),
        ("fastapi-slim", FASTAPI_WITH_OLD_STATUS_NAMES, deps.BELOW),
    )
    return [
        deps.version_side(found, "starlette", RENAMED_STATUS_VERSION, implied),
        deps.version_side(found, "starlette", ADDED_STATUS_VERSION),
    ]

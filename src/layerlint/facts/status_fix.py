"""The LL601 fix decision, shared by the rule (which marks findings fixable) and
its fixer (which writes them): which ``status.HTTP_...`` constant, spelled how.

- The constant must exist, without a deprecation warning, in the Starlette the
  project uses. Starlette 0.48 renamed 413, 414, 416 and 422 (the old names
  warn since): those are fixed only when the project's dependency files
  (:mod:`layerlint.facts.dependencies`) put Starlette on one side of 0.48 —
  directly, or through FastAPI (every FastAPI before 0.117 requires Starlette
  < 0.48). Ten constants (102, 103, 208, 226, 308, 421, 426, 506, 508, 510)
  appeared in Starlette 0.14 (2020): they are not fixed when the project is
  known to use an older Starlette (< 0.15, to be safe), and are otherwise.
- ``status`` is reused when the module imports it (from ``fastapi`` or
  ``starlette``, under any name), else ``from fastapi import status`` is added
  (``from starlette import status`` in a module that imports nothing from
  FastAPI), as ``http_status`` when the name ``status`` means something else
  anywhere in the module; see :mod:`layerlint.facts.names`.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from layerlint.external import provider
from layerlint.facts import dependencies as deps
from layerlint.facts.fastapi import RENAMED_STATUS_NAMES, RENAMED_STATUS_VERSION, STATUS_NAMES
from layerlint.facts.names import ModuleFixFacts, Reference, plan_reference

STATUS_MODULES = frozenset({"fastapi.status", "starlette.status"})
# constants Starlette added in 0.14 (missing from earlier releases)
ADDED_STATUS_CODES = frozenset({102, 103, 208, 226, 308, 421, 426, 506, 508, 510})
ADDED_STATUS_VERSION = (0, 15)
# every FastAPI before 0.117 caps Starlette below 0.48
FASTAPI_WITH_OLD_STATUS_NAMES = (0, 117)


class StatusFixFacts(ModuleFixFacts):
    """Per-module facts of the LL601 fix (the dependency files are read lazily,
    only for a status whose constant depends on the Starlette version)."""

    @cached_property
    def new_import(self) -> tuple[str, str]:
        uses_fastapi = any(
            (b.qualified or "").partition(".")[0] == "fastapi" for bs in self.index.bindings.values() for b in bs
        )
        return ("fastapi" if uses_fastapi else "starlette", "status")

    @cached_property
    def _sides(self) -> list[str | None]:
        return self.external("starlette_sides", str(deps.start_folder(self.path, self.root)))

    @cached_property
    def renamed_side(self) -> str | None:
        """Starlette against 0.48 (the renamed constants), or None when unknown."""
        return self._sides[0]

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
        if constant is None:
            return None
        reference = plan_reference(
            self.index, STATUS_MODULES, line, new_import=self.new_import, new_names=("status", "http_status")
        )
        if reference is None:
            return None
        return f"{reference.expr}.{constant}", reference


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

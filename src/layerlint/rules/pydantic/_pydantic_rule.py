"""Shared base of the LL2xx rules.

- No fix in a project that may run Pydantic 1.x (its dependency files allow it; when
  they do not name Pydantic, a SQLModel older than 0.0.14 or a FastAPI older than
  0.100 that they allow pins it), nor, where they do not constrain Pydantic, in a module
  that runs on 1.x only, fixed or not: it does at its top level what Pydantic 2 rejects
  and no fix rewrites (a bare ``@root_validator``, ``from pydantic import NoneStr``), and
  imports nothing only Pydantic 2 has at its top level.
  Unsafe fixes only where no dependency file names
  any dependency (a copied folder, an unpacked wheel: the Pydantic is not known), unless
  the module uses a name only Pydantic 2 has (``field_validator``, ``model_validator``,
  ``pydantic_settings`` ...; not ``ConfigDict``, which 1.10 has too).
- No finding in code gated on the Pydantic version: a branch of an ``if`` (or of
  a conditional expression) whose test reads a version flag (``PYDANTIC_V1``,
  ``IS_PYDANTIC_V2``, ``pydantic.VERSION``, ``PYDANTIC_VERSION.startswith("1.")``,
  ``is_pydantic_v2()``) or tests for a v2 attribute (``hasattr(m, "model_dump")``)
  is there on purpose, to keep both versions working; so is the code after an
  ``if <version test>:`` that returns (or raises): its ``else``, written flat;
  and the code of an ``except ImportError:`` handler (the 1.x side of a ``try:
  from pydantic import field_validator``).
  The flag is usually the project's own constant, so it is recognised by its
  spelling, or by the name it was imported as (``from app.compat import
  PYDANTIC_V2 as V2``): a spelling that only makes the rules silent.
"""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.external import provider
from layerlint.diagnostics import FIX_SAFE, FIX_UNSAFE
from layerlint.facts import dependencies as deps
from layerlint.facts.fallbacks import in_import_fallback
from layerlint.facts.pydantic_removed import rejected_by_pydantic_2
from layerlint.facts.union_inspection import file_scan_spec, text_of
from layerlint.facts.version_gates import in_version_gate
from layerlint.rule import Rule
from layerlint.walk import nodes_of


class PydanticRule(Rule):
    def report(self, node: ast.AST, message: str, *, fix: str | None = None) -> None:
        line = getattr(node, "lineno", None)
        if line is not None and (in_version_gate(self.ctx, line) or in_import_fallback(self.ctx, line)):
            return  # deliberate support of both versions
        # every LL2xx fix writes the Pydantic 2 API, which a project that runs (or also
        # supports) 1.x lacks: the finding stays, as a reminder for the upgrade, without a fix
        if fix is not None and (
            self._pydantic_1_allowed() or self.ctx.memo("pydantic.runs_1_only", self._runs_1_only)
        ):
            fix = None
        elif fix == FIX_SAFE and (
            self.ctx.memo("pydantic.version_unknown", self._version_unknown)
            or self.ctx.external("pydantic_version_read", *file_scan_spec(self.ctx))
        ):
            # (where a module of the project reads Pydantic's version, the project is written
            # for both: a v2-only spelling breaks its v1 side, the module's own test or not)
            fix = FIX_UNSAFE
        super().report(node, message, fix=fix)

    def _pydantic_1_allowed(self) -> bool:
        ctx = self.ctx
        return bool(ctx.external("pydantic_1_allowed", str(deps.start_folder(ctx.path, ctx.settings.root))))

    def _runs_1_only(self) -> bool:
        """Do the dependency files not require Pydantic 2 (they name nothing, or Pydantic
        with no version: review 101), while the module runs on 1.x only
        (:func:`rejected_by_pydantic_2`: so it does, where it works at all), and imports no
        name only Pydantic 2 has at its top level (then it runs on neither: a migration half
        done, which the fixes carry on; one imported in a function fails only when that
        runs)? Where the files require Pydantic 2 (``pydantic>=2``, pydantic-settings), the
        fixes are what repairs such a module."""
        ctx = self.ctx
        return (
            not ctx.external("pydantic_2_required", str(deps.start_folder(ctx.path, ctx.settings.root)))
            and not self._uses_pydantic_2_names(top_level=True) and rejected_by_pydantic_2(ctx.tree, ctx)
        )

    def _version_unknown(self) -> bool:
        """No dependency file names Pydantic, pydantic-settings or a package that brings it
        (none at all; or only others, whose own requirements decide: review 103, aimbase
        running Pydantic 1 through instarest's), and the module uses no name only Pydantic 2
        has (code that would fail on 1.x says which Pydantic it runs)."""
        ctx = self.ctx
        if deps.names_any(ctx.path, ctx.settings.root, ctx.external, *_BRINGING_PYDANTIC):
            return False
        return not self._uses_pydantic_2_names()

    def _uses_pydantic_2_names(self, top_level: bool = False) -> bool:
        """Does the module import a name only Pydantic 2 has (at its top level only, with
        ``top_level``)?"""
        body = {id(stmt) for stmt in self.ctx.tree.body} if top_level else None
        return any(
            (body is None or id(node) in body) and (
                qualified.partition(".")[0] in _PYDANTIC_2_MODULES
                or (qualified.partition(".")[0] == "pydantic" and qualified.rpartition(".")[2] in PYDANTIC_2_NAMES)
            )
            for node, qualified in _imported_names(self.ctx)
        )


# what names the project's Pydantic: itself, or a package that requires it
_BRINGING_PYDANTIC = ("pydantic", "pydantic-settings", "fastapi", "sqlmodel", "beanie", "odmantic")
# names only Pydantic 2 has, and the packages it split off (not `ConfigDict`: 1.10 has it too)
PYDANTIC_2_NAMES = frozenset({
    "field_validator", "model_validator", "field_serializer", "model_serializer", "computed_field",
    "TypeAdapter", "RootModel", "AliasChoices", "AliasPath", "ValidationInfo", "SerializationInfo",
    "ValidatorFunctionWrapHandler", "SerializerFunctionWrapHandler", "PlainSerializer", "WrapValidator",
    "AfterValidator", "BeforeValidator", "PlainValidator", "WithJsonSchema", "SkipValidation",
})
_PYDANTIC_2_MODULES = frozenset({"pydantic_settings", "pydantic_core"})


def _imported_names(ctx: FileContext) -> list[tuple[ast.AST, str]]:
    """(import, the qualified name it binds) of every import of the module, at any depth."""
    found = []
    for node in nodes_of(ctx.tree, ast.Import, ast.ImportFrom):
        for _local, qualified in ctx.import_bindings(node):  # type: ignore[arg-type]
            found.append((node, qualified))
    return found


@provider("pydantic_version_read")
def project_reads_pydantic_version(*spec: str) -> bool:
    """Does a file of the folders of ``spec`` (union_inspection.scan_spec) read Pydantic's
    version (``from pydantic.version import VERSION``, a ``PYDANTIC_V2`` flag)? Past the limit
    of files read, presumed so."""
    found = text_of(spec)
    return found is None or bool(found.pydantic_version_readers)

"""Shared base of the LL2xx rules.

- No fix in a project that may run Pydantic 1.x (its dependency files allow it; when
  they do not name Pydantic, a SQLModel older than 0.0.14 or a FastAPI older than
  0.100 that they allow pins it). Unsafe fixes only where no dependency file names
  any dependency (a copied folder, an unpacked wheel: the Pydantic is not known), unless
  the module uses a name only Pydantic 2 has (``ConfigDict``, ``field_validator``,
  ``model_validator``, ``pydantic_settings`` ...).
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
from layerlint.diagnostics import FIX_SAFE, FIX_UNSAFE
from layerlint.facts import dependencies as deps
from layerlint.facts.fallbacks import in_import_fallback
from layerlint.facts.pydantic import v2_attribute_test
from layerlint.rule import Rule
from layerlint.walk import nodes_of

_FLAG_WORDS = ("V1", "V2", "VERSION", "MAJOR")


class PydanticRule(Rule):
    def report(self, node: ast.AST, message: str, *, fix: str | None = None) -> None:
        line = getattr(node, "lineno", None)
        if line is not None and (in_version_gate(self.ctx, line) or in_import_fallback(self.ctx, line)):
            return  # deliberate support of both versions
        # every LL2xx fix writes the Pydantic 2 API, which a project that runs (or also
        # supports) 1.x lacks: the finding stays, as a reminder for the upgrade, without a fix
        if fix is not None and self._pydantic_1_allowed():
            fix = None
        elif fix == FIX_SAFE and self.ctx.memo("pydantic.version_unknown", self._version_unknown):
            fix = FIX_UNSAFE
        super().report(node, message, fix=fix)

    def _pydantic_1_allowed(self) -> bool:
        ctx = self.ctx
        return bool(ctx.external("pydantic_1_allowed", str(deps.start_folder(ctx.path, ctx.settings.root))))

    def _version_unknown(self) -> bool:
        """No dependency file names any dependency, and the module uses no name only
        Pydantic 2 has (code that would fail on 1.x says which Pydantic it runs)."""
        ctx = self.ctx
        if not ctx.external("declares_nothing", str(deps.start_folder(ctx.path, ctx.settings.root))):
            return False
        return not any(
            qualified.partition(".")[0] in _PYDANTIC_2_MODULES
            or (qualified.partition(".")[0] == "pydantic" and qualified.rpartition(".")[2] in PYDANTIC_2_NAMES)
            for _node, qualified in _imported_names(ctx)
        )


# names only Pydantic 2 has, and the packages it split off
PYDANTIC_2_NAMES = frozenset({
    "ConfigDict", "field_validator", "model_validator", "field_serializer", "model_serializer", "computed_field",
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


def in_version_gate(ctx: FileContext, line: int) -> bool:
    """Is ``line`` inside an ``if`` or conditional expression gated on the Pydantic version?"""
    return any(first <= line <= last for first, last in ctx.memo("pydantic.version_gates", lambda: _gates(ctx)))


def _gates(ctx: FileContext) -> list[tuple[int, int]]:
    found = []
    imports = ctx.imports
    for node in nodes_of(ctx.tree, ast.If, ast.IfExp, *_BLOCKS):
        if isinstance(node, (ast.If, ast.IfExp)):
            if is_version_test(node.test, imports):  # type: ignore[attr-defined]
                found.append((node.lineno, node.end_lineno or node.lineno))
            if isinstance(node, ast.IfExp):
                continue
        # `if IS_PYDANTIC_V2: return ...` then the v1 code: the rest of the block is the else branch
        for body in (getattr(node, "body", None), getattr(node, "orelse", None), getattr(node, "finalbody", None)):
            for index, stmt in enumerate(body if isinstance(body, list) else ()):
                if (
                    index + 1 < len(body)
                    and isinstance(stmt, ast.If)
                    and stmt.body
                    and isinstance(stmt.body[-1], (ast.Return, ast.Raise))
                    and is_version_test(stmt.test, imports)
                ):
                    found.append((body[index + 1].lineno, body[-1].end_lineno or body[-1].lineno))
    return found


# statements whose blocks may hold an early-return version gate
_BLOCKS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While, ast.Try)


def is_version_test(test: ast.AST, imports: dict[str, str] | None = None) -> bool:
    """Does ``test`` read a Pydantic version flag (by its name, or by the name ``imports``
    bound to it), or test for a Pydantic 2 attribute?"""
    for node in ast.walk(test):
        if isinstance(node, ast.Name) and (
            _is_flag(node.id) or (imports is not None and _is_flag(imports.get(node.id, "").rpartition(".")[2]))
        ):
            return True
        if isinstance(node, ast.Attribute):
            if _is_flag(node.attr):
                return True
            root = node.value
            if node.attr in ("VERSION", "__version__") and isinstance(root, (ast.Name, ast.Attribute)):
                if "pydantic" in ast.unparse(root).lower():
                    return True
        if v2_attribute_test(node) is not None:
            return True
    return False


def _is_flag(name: str) -> bool:
    upper = name.upper()
    return "PYDANTIC" in upper and any(word in upper for word in _FLAG_WORDS)

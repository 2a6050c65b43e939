"""Code gated on the Pydantic version: written to keep both versions working on purpose.

A branch of an ``if`` (or of a conditional expression) whose test reads a version flag
(``PYDANTIC_V1``, ``IS_PYDANTIC_V2``, ``pydantic.VERSION``,
``PYDANTIC_VERSION.startswith("1.")``, ``is_pydantic_v2()``) or tests for a v2 attribute
(``hasattr(m, "model_dump")``); and the code after an ``if <version test>:`` whose branch
returns (or raises): its ``else``, written flat. The flag is usually the project's own
constant, so it is recognised by its spelling, or by the name it was imported as (``from
app.compat import PYDANTIC_V2 as V2``): a spelling that only makes the rules quieter.
"""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.facts.pydantic import v2_attribute_test
from layerlint.walk import nodes_of

_FLAG_WORDS = ("V1", "V2", "VERSION", "MAJOR")


def tests_pydantic_version(ctx: FileContext) -> bool:
    """Does the module branch on a Pydantic version flag anywhere (code for both versions)?
    (A ``hasattr(m, "model_dump")`` test is about one receiver, not the module.)"""
    return _gates(ctx)[1]


def in_version_gate(ctx: FileContext, line: int) -> bool:
    """Is ``line`` inside an ``if`` or conditional expression gated on the Pydantic version?"""
    return any(first <= line <= last for first, last in _gates(ctx)[0])


def _gates(ctx: FileContext) -> tuple[list[tuple[int, int]], bool]:
    """(the lines of the gated code, whether a test reads a version flag), read once."""
    return ctx.memo("pydantic.version_gates", lambda: _find_gates(ctx))


def _find_gates(ctx: FileContext) -> tuple[list[tuple[int, int]], bool]:
    found = []
    flag = False
    imports = ctx.imports
    for node in nodes_of(ctx.tree, ast.If, ast.IfExp, *_BLOCKS):
        if isinstance(node, (ast.If, ast.IfExp)):
            if is_version_test(node.test, imports):  # type: ignore[attr-defined]
                found.append((node.lineno, node.end_lineno or node.lineno))
                flag = flag or is_version_test(node.test, imports, attributes=False)  # type: ignore[attr-defined]
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
    return found, flag


# statements whose blocks may hold an early-return version gate
_BLOCKS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.With, ast.AsyncWith, ast.For, ast.AsyncFor, ast.While, ast.Try)


def is_version_test(test: ast.AST, imports: dict[str, str] | None = None, attributes: bool = True) -> bool:
    """Does ``test`` read a Pydantic version flag (by its name, or by the name ``imports``
    bound to it), or (``attributes``) test for a Pydantic 2 attribute?"""
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
        if attributes and v2_attribute_test(node) is not None:
            return True
    return False


def _is_flag(name: str) -> bool:
    upper = name.upper()
    return "PYDANTIC" in upper and any(word in upper for word in _FLAG_WORDS)

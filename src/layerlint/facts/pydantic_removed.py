"""Code that Pydantic 2 rejects at import: a module doing it runs on Pydantic 1.x only.

Pydantic 2 removed names of 1.x (its ``pydantic._migration`` raises ``PydanticImportError``
for them, or the module has no such attribute: facts/pydantic_removed_names.py, generated
from both versions), and raises at class creation on a
``@root_validator`` without ``pre=True`` or ``skip_on_failure=True``. A module that does
one of these at its top level cannot run on 2.x, fixed or not (no LL2xx fix rewrites them;
LL206 moves ``BaseSettings``, which is therefore not one of them): the LL2xx fixes, which
write the 2.x API, would break it where it runs (rules/pydantic/_pydantic_rule.py).
"""

from __future__ import annotations

import ast

from layerlint.context import FUNCTION_TYPES, FileContext
from layerlint.facts.names import dotted_root, resolve_in
from layerlint.facts.pydantic import is_model_class
from layerlint.facts.pydantic_fixes import IMPORT_ERRORS
from layerlint.facts.pydantic_removed_names import REMOVED

# names a fix rewrites: LL206 moves `BaseSettings` to pydantic_settings
_FIXED = frozenset({"pydantic.BaseSettings", "pydantic.env_settings.BaseSettings"})
_ROOT_VALIDATORS = frozenset({"pydantic.root_validator", "pydantic.class_validators.root_validator"})


def removed_in_pydantic_2(qualified: str | None) -> bool:
    """Is ``qualified`` (``pydantic.types.ConstrainedStr``) a name of Pydantic 1 that Pydantic 2
    no longer gives (facts/pydantic_removed_names.py), and no fix rewrites?"""
    if qualified is None or not qualified.startswith("pydantic.") or qualified in _FIXED:
        return False
    if "*" in REMOVED.get(qualified, ()):
        return True  # a module 2.x removed (`from pydantic import annotated_types`)
    module, _, name = qualified.rpartition(".")
    removed = REMOVED.get(module)
    return removed is not None and (name in removed or "*" in removed)


def rejected_by_pydantic_2(tree: ast.Module, ctx: FileContext) -> bool:
    """Does the module's top level (not an ``if`` or ``try`` of it: a shim; nor a function
    body, which runs later if ever) do what Pydantic 2 rejects at import: import a name it
    removed (``from pydantic import ConstrainedStr``, ``from pydantic.typing import ...``,
    ``parse_raw_as`` ...; also in a ``with`` block or a class body, which run then too) or a
    module it removed (``import pydantic.annotated_types``), or read such a name (``class
    Name(pydantic.ConstrainedStr)``), or define a model with a ``__root__`` field or a
    ``@root_validator`` used bare or without ``skip_on_failure=True`` or ``pre=True``?"""
    bindings: dict[str, str] = {}
    classes: list[ast.ClassDef] = []
    for stmt in _run_at_import_statements(tree.body):
        if isinstance(stmt, ast.ClassDef):
            classes.append(stmt)
        if isinstance(stmt, ast.Import) and any(removed_in_pydantic_2(alias.name + ".*") for alias in stmt.names):
            return True
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            for local, qualified in ctx.import_bindings(stmt):
                if removed_in_pydantic_2(qualified):
                    return True
                bindings[local] = qualified
    # (an attribute reaches a removed name only through a module bound by an import: `import
    # pydantic`, `from pydantic import types`)
    if any(q == "pydantic" or q in REMOVED for q in bindings.values()) and any(
        # `class Name(pydantic.ConstrainedStr)`: read as the module runs
        isinstance(node, ast.Attribute) and removed_in_pydantic_2(resolve_in(node, bindings))
        for node in _run_at_import(tree)
    ):
        return True
    for stmt in classes:
        if (
            _root_model(stmt, ctx) or any(
                isinstance(method, FUNCTION_TYPES)
                and any(_rejected_root_validator(decorator, bindings) for decorator in method.decorator_list)
                for method in stmt.body
            )
        ):
            return True
    return False


def _run_at_import_statements(body: list[ast.stmt]):
    """The statements of a module's body that run at import, those of its ``with`` blocks and
    class bodies too (not its ``if``/``try`` blocks, nor a ``with suppress(ImportError):``
    block: a shim may pick one side)."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, ast.ClassDef) or (isinstance(stmt, (ast.With, ast.AsyncWith)) and not _suppresses(stmt)):
            yield from _run_at_import_statements(stmt.body)


def _suppresses(stmt: ast.With | ast.AsyncWith) -> bool:
    """``with suppress(ImportError):`` (``contextlib.suppress``, however spelled, of an exception
    a failed import raises): a guard."""
    return any(
        isinstance(item.context_expr, ast.Call)
        and (getattr(item.context_expr.func, "attr", None) or getattr(item.context_expr.func, "id", None)) == "suppress"
        and any(dotted_root(arg) in IMPORT_ERRORS for arg in item.context_expr.args)
        for item in stmt.items
    )



def _root_model(cls: ast.ClassDef, ctx: FileContext) -> bool:
    """A Pydantic model (built on its base, through classes of the module or the project too)
    that declares a ``__root__`` field (``__root__: list[str]``): Pydantic 2 raises at class
    creation (its ``RootModel`` replaced them)."""
    return is_model_class(cls, ctx) and any(
        (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == "__root__")
        or (isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__root__" for t in stmt.targets))
        for stmt in cls.body
    )


def _run_at_import(tree: ast.Module):
    """The nodes of the module's body that run at import (not inside a function's body or a
    lambda), top-level ``if``/``try`` blocks aside."""
    stack: list[ast.AST] = [stmt for stmt in tree.body if not isinstance(stmt, (ast.If, ast.Try))]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, FUNCTION_TYPES):
            stack.extend(node.decorator_list)
            stack.extend(node.args.defaults)
            stack.extend(default for default in node.args.kw_defaults if default is not None)
        elif not isinstance(node, ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))


def _rejected_root_validator(decorator: ast.expr, bindings: dict[str, str]) -> bool:
    """``@root_validator`` or ``@root_validator(...)`` without ``pre=True`` or
    ``skip_on_failure=True`` (Pydantic 2 raises at class creation)."""
    call = decorator if isinstance(decorator, ast.Call) else None
    if resolve_in(call.func if call else decorator, bindings) not in _ROOT_VALIDATORS:
        return False
    if call is None:
        return True
    if call.args or any(kw.arg is None for kw in call.keywords):
        return False  # (not a form either version takes, or `**options`: not known)
    return not any(
        kw.arg in ("pre", "skip_on_failure") and not (isinstance(kw.value, ast.Constant) and kw.value.value is False)
        for kw in call.keywords
    )



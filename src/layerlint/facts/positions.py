"""Report positions that are narrower than a whole node."""

from __future__ import annotations

import ast


def def_line_node(func: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.AST:
    """A node spanning ``def name`` on the def line (where a ``# noqa`` goes)."""
    keyword = "async def " if isinstance(func, ast.AsyncFunctionDef) else "def "
    node = ast.Pass()
    node.lineno = node.end_lineno = func.lineno
    node.col_offset = func.col_offset
    node.end_col_offset = func.col_offset + len(keyword) + len(func.name.encode("utf-8"))
    return node

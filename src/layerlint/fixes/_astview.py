"""A fixer's view of the file as its rule saw it: the ``ast`` nodes by position.

A fixer finds the ``ast`` node its rule reported (by the finding's position)
and asks the rule's facts for the plan, with a
:class:`~layerlint.context.FileContext` of the file, exactly as the rule did;
then it writes the plan with libcst.
"""

from __future__ import annotations

import ast
import dataclasses
from typing import Callable

from layerlint.context import SCOPE_TYPES, FileContext
from layerlint.diagnostics import FIX_UNSAFE, Diagnostic
from layerlint.fixes.base import FixContext, Fixer


@dataclasses.dataclass
class AstIndex:
    """ast nodes by start and end position (1-based line, 0-based character
    column, as libcst and diagnostics count), and each node's parent."""

    starts: dict[tuple[int, int], list[ast.AST]] = dataclasses.field(default_factory=dict)
    ends: dict[tuple[int, int], list[ast.AST]] = dataclasses.field(default_factory=dict)
    parents: dict[int, ast.AST] = dataclasses.field(default_factory=dict)

    @classmethod
    def build(cls, ctx: FileContext) -> AstIndex:
        index = cls()
        for parent in ast.walk(ctx.tree):
            for child in ast.iter_child_nodes(parent):
                index.parents[id(child)] = parent
                line = getattr(child, "lineno", None)
                if line is None:
                    continue
                start = (line, ctx.char_col(line, child.col_offset))  # type: ignore[attr-defined]
                index.starts.setdefault(start, []).append(child)
                end_line = getattr(child, "end_lineno", None)
                if end_line is not None:
                    end = (end_line, ctx.char_col(end_line, child.end_col_offset))  # type: ignore[attr-defined]
                    index.ends.setdefault(end, []).append(child)
        return index

    def parent(self, node: ast.AST) -> ast.AST | None:
        return self.parents.get(id(node))

    def enclosing_scope(self, node: ast.AST) -> ast.AST | None:
        """The innermost class, function or lambda around ``node`` (``ctx.scopes[-1]``
        when the rule met it)."""
        parent = self.parent(node)
        while parent is not None and not isinstance(parent, SCOPE_TYPES):
            parent = self.parent(parent)
        return parent


class AstViewFixer(Fixer):
    """Base of the fixers that plan on the rule's view of the file (the ``ast``)."""

    @property
    def fctx(self) -> FileContext:
        return _shared(self.ctx, "file_context", lambda: FileContext(
            self.ctx.path, self.ctx.text, self.ctx.tree, self.ctx.settings
        ))

    @property
    def index(self) -> AstIndex:
        return _shared(self.ctx, "ast_index", lambda: AstIndex.build(self.fctx))

    def reported(
        self, d: Diagnostic, kind: type | tuple[type, ...], where: Callable[[ast.AST], bool] = lambda n: True
    ) -> ast.AST | None:
        """The ast node of ``kind`` the finding covers (its start, and its end when that tells)."""
        found = [n for n in self.index.starts.get((d.line, d.col - 1), ()) if isinstance(n, kind) and where(n)]
        if len(found) > 1:
            found = [n for n in found if (n in self.index.ends.get((d.end_line, d.end_col - 1), ()))]
        return found[0] if len(found) == 1 else None

    @staticmethod
    def agrees(planned: str | None, d: Diagnostic) -> bool:
        """Does the plan's safety allow the finding's? (The rule may have made a safe
        plan unsafe for reasons of its own, such as a guessed receiver.)"""
        return planned is not None and (planned == d.fix or d.fix == FIX_UNSAFE)


def _shared(ctx: FixContext, key: str, factory: Callable[[], object]):
    """A value computed once per pass and shared by every such fixer."""
    cache = ctx.__dict__.setdefault("_ast_view_cache", {})
    if key not in cache:
        cache[key] = factory()
    return cache[key]

"""Find the libcst nodes that findings point at, by position.

libcst's ``PositionProvider`` records a range for every node of the module and
costs about twice the parse itself; a fixer needs the ranges of a few node
types only. :func:`node_ranges` runs libcst's code generator once with a state
that records just those types (the same numbers ``PositionProvider`` gives:
1-based lines, 0-based columns in characters, parentheses excluded). Types
whose range libcst hoists from their children (compound statements) fall back
to ``PositionProvider``.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Iterator

import libcst as cst
from libcst._nodes.internal import CodegenState

Range = tuple[int, int, int, int]  # start line, start column, end line, end column

_NEWLINE_RE = re.compile(r"\r\n?|\n")
# node types whose syntactic range libcst computes from child nodes
_HOISTED = (cst.BaseCompoundStatement, cst.BaseSuite, cst.SimpleStatementLine, cst.MatchCase)


class _RangeState(CodegenState):
    def __init__(self, module: cst.Module, types: tuple[type[cst.CSTNode], ...]) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.line = 1
        self.column = 0
        self.types = types
        self.ranges: dict[cst.CSTNode, Range] = {}
        self._starts: list[tuple[int, int]] = []

    # every node: whitespace-inclusive range, kept unless the node records a syntactic one
    def before_codegen(self, node: cst.CSTNode) -> None:
        if isinstance(node, self.types):
            self._starts.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        if isinstance(node, self.types):
            line, column = self._starts.pop()
            if node not in self.ranges:
                self.ranges[node] = (line, column, self.line, self.column)

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.add_token(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        if "\n" in value or "\r" in value:
            parts = _NEWLINE_RE.split(value)
            self.line += len(parts) - 1
            self.column = len(parts[-1])
        else:
            self.column += len(value)

    @contextmanager
    def record_syntactic_position(
        self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None, end_node: cst.CSTNode | None = None
    ) -> Iterator[None]:
        if not isinstance(node, self.types):
            yield
            return
        start = (self.line, self.column)
        yield
        self.ranges[node] = (start[0], start[1], self.line, self.column)


def node_ranges(module: cst.Module, types: tuple[type[cst.CSTNode], ...]) -> dict[cst.CSTNode, Range]:
    """Range of every node of the given types."""
    if any(issubclass(t, _HOISTED) for t in types):
        from libcst.metadata import MetadataWrapper, PositionProvider

        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        return {
            node: (r.start.line, r.start.column, r.end.line, r.end.column)
            for node, r in positions.items()
            if isinstance(node, types)
        }
    state = _RangeState(module, types)
    module._codegen(state)
    return state.ranges

"""Find the libcst nodes that findings point at, by position, with their ancestors.

libcst's ``PositionProvider`` records a range for every node of the module and
costs about twice the parse itself; a fixer needs the ranges of a few node
types only. :func:`locate` runs libcst's code generator once with a state that
records just those types (the same numbers ``PositionProvider`` gives: 1-based
lines, 0-based columns in characters, parentheses excluded) and, on the way,
each one's ancestors (so no transformer has to walk the whole module to apply a
fix: see :func:`replace_nodes`). Types whose range libcst hoists from their
children (compound statements) take their range from ``PositionProvider``.
"""

from __future__ import annotations

import dataclasses
import re
from contextlib import contextmanager
from typing import Callable, Iterator

import libcst as cst
from libcst._nodes.internal import CodegenState

Range = tuple[int, int, int, int]  # start line, start column, end line, end column

_NEWLINE_RE = re.compile(r"\r\n?|\n")
# node types whose syntactic range libcst computes from child nodes
_HOISTED = (cst.BaseCompoundStatement, cst.BaseSuite, cst.SimpleStatementLine, cst.MatchCase)


@dataclasses.dataclass
class Located:
    range: Range
    ancestors: tuple[cst.CSTNode, ...]  # outermost (the module) first


class _LocateState(CodegenState):
    def __init__(self, module: cst.Module, types: tuple[type[cst.CSTNode], ...]) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.line = 1
        self.column = 0
        self.types = types
        self.found: dict[cst.CSTNode, Located] = {}
        self.stack: list[cst.CSTNode] = []
        self.starts: list[tuple[int, int]] = []

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.stack.append(node)
        if isinstance(node, self.types):
            self.starts.append((self.line, self.column))

    def after_codegen(self, node: cst.CSTNode) -> None:
        self.stack.pop()
        if isinstance(node, self.types):
            line, column = self.starts.pop()
            if node not in self.found:  # no syntactic range recorded: the whitespace-inclusive one
                self.found[node] = Located((line, column, self.line, self.column), tuple(self.stack))

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
        self.found[node] = Located((start[0], start[1], self.line, self.column), tuple(self.stack[:-1]))


def locate(module: cst.Module, types: tuple[type[cst.CSTNode], ...]) -> dict[cst.CSTNode, Located]:
    """Range and ancestors of every node of the given types."""
    state = _LocateState(module, types)
    module._codegen(state)
    found = state.found
    if any(issubclass(t, _HOISTED) for t in types):
        from libcst.metadata import MetadataWrapper, PositionProvider

        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        for node, located in found.items():
            if isinstance(node, _HOISTED):
                r = positions[node]
                located.range = (r.start.line, r.start.column, r.end.line, r.end.column)
    return found


def node_ranges(module: cst.Module, types: tuple[type[cst.CSTNode], ...]) -> dict[cst.CSTNode, Range]:
    return {node: located.range for node, located in locate(module, types).items()}


def with_children(node: cst.CSTNode, changed: dict[int, cst.CSTNode]) -> cst.CSTNode:
    """``node`` with the children whose id is in ``changed`` swapped for their new version."""
    changes = {}
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if isinstance(value, cst.CSTNode):
            if id(value) in changed:
                changes[f.name] = changed[id(value)]
        elif isinstance(value, (list, tuple)) and any(id(v) in changed for v in value):
            changes[f.name] = type(value)(changed.get(id(v), v) for v in value)
    return node.with_changes(**changes) if changes else node


def replace_nodes(
    module: cst.Module,
    targets: dict[cst.CSTNode, tuple[cst.CSTNode, ...]],
    rewrite: Callable[[cst.CSTNode, cst.CSTNode, tuple[cst.CSTNode, ...]], cst.CSTNode],
) -> tuple[cst.Module, dict[cst.CSTNode, cst.CSTNode]]:
    """Rewrite target nodes bottom-up, rebuilding only their ancestors.

    ``targets`` maps each target (a node of ``module``) to its ancestors;
    ``rewrite(original, updated, ancestors)`` gets ``updated`` = ``original`` with
    the rewrites of targets nested in it applied, and returns its replacement (or
    ``updated``). Returns the new module and the outermost changed targets (their
    original -> new), for callers that account for what changed.
    """
    depth: dict[int, int] = {}
    nodes: dict[int, cst.CSTNode] = {}
    parent_of: dict[int, cst.CSTNode] = {}
    for target, ancestors in targets.items():
        chain = (*ancestors, target)
        for index, node in enumerate(chain):
            nodes[id(node)] = node
            depth[id(node)] = index
            if index:
                parent_of[id(node)] = chain[index - 1]
    new_children: dict[int, dict[int, cst.CSTNode]] = {}
    replaced: dict[int, cst.CSTNode] = {}  # id(original target) -> its replacement
    for key in sorted(nodes, key=lambda k: depth[k], reverse=True):
        node = nodes[key]
        updated = with_children(node, new_children.get(key, {}))
        if node in targets:
            updated = rewrite(node, updated, targets[node])
            if updated is not node:
                replaced[key] = updated
        if updated is not node and key in parent_of:
            new_children.setdefault(id(parent_of[key]), {})[key] = updated
        if key == id(module):
            module = updated  # type: ignore[assignment]
    # the outermost changed targets: no changed target above them
    outermost = {}
    for key, new in replaced.items():
        node = nodes[key]
        if not any(id(a) in replaced for a in targets[node]):
            outermost[node] = new
    return module, outermost

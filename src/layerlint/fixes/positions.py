"""Find the libcst nodes that findings point at, by position, with their ancestors;
write a module back reusing the text of the statements a pass left alone.

libcst's ``PositionProvider`` records a range for every node of the module and
costs about twice the parse itself; a fixer needs the ranges of a few node
types only. :func:`layout` runs libcst's code generator once with a state that
notes, for just those types, where their tokens start and end, and each one's
ancestors (so no transformer has to walk the whole module to apply a fix: see
:func:`replace_nodes`); the token offsets become the numbers ``PositionProvider``
gives (1-based lines, 0-based columns in characters, parentheses excluded) once,
at the end. Types whose range libcst hoists from their children (compound
statements) take their range from ``PositionProvider``.

The same pass keeps the tokens of every statement of a body (the module's, a
block's): :meth:`Layout.code` writes the fixed module with libcst's code
generator, but a statement the pass left as it was (the same node, at the same
indentation) gives its original tokens instead of being generated again.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_right
from itertools import accumulate
from typing import Callable, Sequence

import libcst as cst
from libcst._nodes.internal import CodegenState

Range = tuple[int, int, int, int]  # start line, start column, end line, end column

_NEWLINE_RE = re.compile(r"\r\n?|\n")
# node types whose syntactic range libcst computes from child nodes
_HOISTED = (cst.BaseCompoundStatement, cst.BaseSuite, cst.SimpleStatementLine, cst.MatchCase)
# the statements a body holds; libcst generates each with no argument but the state (an
# `if` that is another one's `elif` is its `orelse`, in no body)
_STATEMENTS = frozenset({
    cst.SimpleStatementLine, cst.FunctionDef, cst.ClassDef, cst.If, cst.For, cst.While,
    cst.Try, cst.TryStar, cst.With, cst.Match,
})
_BODIES = (cst.Module, cst.IndentedBlock)
# the nodes through which a body is reached from a changed statement (a changed simple
# statement line is generated again whole)
_CONTAINERS = (
    cst.Module, cst.IndentedBlock, cst.BaseCompoundStatement, cst.Else, cst.Finally,
    cst.ExceptHandler, cst.ExceptStarHandler, cst.MatchCase,
)


@dataclasses.dataclass
class Located:
    range: Range
    ancestors: tuple[cst.CSTNode, ...]  # outermost (the module) first


class _NoRecord:
    """``record_syntactic_position`` of a node of no wanted type (cheaper than a generator)."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


_NO_RECORD = _NoRecord()


class _Record:
    def __init__(self, state: _LayoutState, node: cst.CSTNode) -> None:
        self.state = state
        self.node = node

    def __enter__(self) -> None:
        self.start = len(self.state.tokens)

    def __exit__(self, *exc: object) -> None:
        state = self.state
        state.found[self.node] = (self.start, len(state.tokens), tuple(state.stack[:-1]))


_WANTED, _STATEMENT = 1, 2  # what a node type is to the layout pass (bits)


class _LayoutState(CodegenState):
    def __init__(self, module: cst.Module, types: tuple[type[cst.CSTNode], ...]) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.types = types
        self.kinds: dict[type, int] = {}  # node type -> _WANTED | _STATEMENT bits (a dict beats isinstance)
        # node -> (first token, end token, ancestors)
        self.found: dict[cst.CSTNode, tuple[int, int, tuple[cst.CSTNode, ...]]] = {}
        self.stack: list[cst.CSTNode] = []
        self.starts: list[int] = []
        # id of a body's statement -> (the statement, first token, end token, indentation)
        self.statements: dict[int, tuple[cst.CSTNode, int, int, tuple[str, ...]]] = {}
        self.statement_starts: list[tuple[int, tuple[str, ...]]] = []

    def _kind(self, cls: type) -> int:
        kind = self.kinds[cls] = (_WANTED if issubclass(cls, self.types) else 0) | (
            _STATEMENT if cls in _STATEMENTS else 0
        )
        return kind

    def before_codegen(self, node: cst.CSTNode) -> None:
        kind = self.kinds.get(type(node))
        if kind is None:
            kind = self._kind(type(node))
        if kind:
            if kind & _STATEMENT and isinstance(self.stack[-1], _BODIES):
                self.statement_starts.append((len(self.tokens), tuple(self.indent_tokens)))
            if kind & _WANTED:
                self.starts.append(len(self.tokens))
        self.stack.append(node)

    def after_codegen(self, node: cst.CSTNode) -> None:
        self.stack.pop()
        kind = self.kinds[type(node)]
        if kind:
            if kind & _WANTED:
                start = self.starts.pop()
                if node not in self.found:  # no syntactic range recorded: the whitespace-inclusive one
                    self.found[node] = (start, len(self.tokens), tuple(self.stack))
            if kind & _STATEMENT and isinstance(self.stack[-1], _BODIES):
                start, indent = self.statement_starts.pop()
                self.statements[id(node)] = (node, start, len(self.tokens), indent)

    def record_syntactic_position(
        self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None, end_node: cst.CSTNode | None = None
    ) -> _NoRecord | _Record:
        kind = self.kinds.get(type(node))
        if kind is None:
            kind = self._kind(type(node))
        return _Record(self, node) if kind & _WANTED else _NO_RECORD


@dataclasses.dataclass
class Layout:
    """A module's wanted nodes with their range and ancestors, and its tokens."""

    module: cst.Module
    found: dict[cst.CSTNode, Located]
    tokens: list[str]  # the module's code, as libcst's code generator gives it
    statements: dict[int, tuple[cst.CSTNode, int, int, tuple[str, ...]]]

    def code(self, new: cst.Module) -> str:
        """``new.code``, for a module made from this one: the statements of its bodies
        that are still this module's give their tokens."""
        if (new.default_indent, new.default_newline) != (self.module.default_indent, self.module.default_newline):
            return new.code
        return new.code_for_node(self._reusing(new))

    def _reusing(self, node: cst.CSTNode) -> cst.CSTNode:
        """``node`` with the statements of its bodies, at any depth, that are this
        module's standing for their tokens (only changed nodes are walked)."""
        changes: dict[str, object] = {}
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            if isinstance(value, (list, tuple)):
                new_value = [self._reused(v) for v in value]
                if any(a is not b for a, b in zip(new_value, value)):
                    changes[f.name] = new_value
            else:
                new = self._reused(value)
                if new is not value:
                    changes[f.name] = new
        return node.with_changes(**changes) if changes else node

    def _reused(self, value: object) -> object:
        """A body's statement of this module: its tokens; a node that may hold one: walked."""
        kept = self.statements.get(id(value))
        if kept is not None and kept[0] is value:
            _, start, end, indent = kept
            return _Tokens(value, self.tokens[start:end], indent)
        return self._reusing(value) if isinstance(value, _CONTAINERS) else value


class _Tokens:
    """Stands for an unchanged statement in the tree written by :meth:`Layout.code`:
    its original tokens when it sits at its original indentation, else its code."""

    __slots__ = ("node", "tokens", "indent")

    def __init__(self, node: cst.CSTNode, tokens: list[str], indent: tuple[str, ...]) -> None:
        self.node = node
        self.tokens = tokens
        self.indent = indent

    def _codegen(self, state: CodegenState) -> None:
        if tuple(state.indent_tokens) == self.indent:
            state.tokens.extend(self.tokens)
        else:
            self.node._codegen(state)


def layout(module: cst.Module, types: tuple[type[cst.CSTNode], ...]) -> Layout:
    """Range and ancestors of every node of the given types, and the module's tokens."""
    state = _LayoutState(module, types)
    module._codegen(state)
    tokens = state.tokens
    points = _points(tokens, {i for start, end, _ in state.found.values() for i in (start, end)})
    found = {
        node: Located((*points[start], *points[end]), ancestors)
        for node, (start, end, ancestors) in state.found.items()
    }
    if any(issubclass(t, _HOISTED) for t in types):
        from libcst.metadata import MetadataWrapper, PositionProvider

        positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        for node, located in found.items():
            if isinstance(node, _HOISTED):
                r = positions[node]
                located.range = (r.start.line, r.start.column, r.end.line, r.end.column)
    return Layout(module, found, tokens, state.statements)


def _points(tokens: Sequence[str], indices: set[int]) -> dict[int, tuple[int, int]]:
    """(line, column) where each of the given token indices starts, counting line breaks
    token by token as libcst does (``\\r\\n``, ``\\r`` or ``\\n``). An index past the
    last token is the end of the text: a module without a final line break ends with a
    node recorded before libcst took that break back off (``pop_trailing_newline``)."""
    if not indices:
        return {}
    end = len(tokens)
    if max(indices) > end:
        points = _points(tokens, {min(index, end) for index in indices})
        return {index: points[min(index, end)] for index in indices}
    text = "".join(tokens)
    if "\r" in text:  # a \r ending one token and a \n starting the next are two breaks: count per token
        return _points_per_token(tokens, indices)
    offsets = list(accumulate(map(len, tokens), initial=0))
    breaks = [m.start() for m in re.finditer("\n", text)]
    points = {}
    for index in indices:
        offset = offsets[index]
        line = bisect_right(breaks, offset - 1)  # line breaks before the offset
        points[index] = (line + 1, offset - (breaks[line - 1] + 1 if line else 0))
    return points


def _points_per_token(tokens: Sequence[str], indices: set[int]) -> dict[int, tuple[int, int]]:
    points = {}
    line, column = 1, 0
    for index, value in enumerate(tokens):
        if index in indices:
            points[index] = (line, column)
        if "\n" in value or "\r" in value:
            parts = _NEWLINE_RE.split(value)
            line += len(parts) - 1
            column = len(parts[-1])
        else:
            column += len(value)
    if len(tokens) in indices:
        points[len(tokens)] = (line, column)
    return points


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

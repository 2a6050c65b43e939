"""What the LL2xx fixers share: the rule's view of the file, and a few libcst edits.

A fixer finds the ``ast`` node its rule reported (by the finding's position)
and asks :mod:`layerlint.facts.pydantic_fixes` for the plan, with a
:class:`~layerlint.context.FileContext` of the file, exactly as the rule did;
then it writes the plan with libcst.
"""

from __future__ import annotations

import ast
import dataclasses
from typing import Callable, Iterator, Sequence

import libcst as cst

from layerlint.context import SCOPE_TYPES, FileContext
from layerlint.diagnostics import FIX_UNSAFE, Diagnostic
from layerlint.fixes.base import FixContext, Fixer
from layerlint.fixes.imports import dotted_name


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


class PydanticFixer(Fixer):
    """Base of the LL2xx fixers: the rule's view of the file."""

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
    """A value computed once per pass and shared by every LL2xx fixer."""
    cache = ctx.__dict__.setdefault("_pydantic_fix_cache", {})
    if key not in cache:
        cache[key] = factory()
    return cache[key]


# -- libcst edits ------------------------------------------------------------------------

_CLAUSES = (cst.BaseSuite, cst.BaseCompoundStatement, cst.Else, cst.ExceptHandler, cst.ExceptStarHandler,
            cst.Finally, cst.MatchCase)


def map_statements(
    node: cst.CSTNode, fn: Callable[[cst.BaseStatement], cst.BaseStatement | Sequence[cst.BaseStatement]]
) -> cst.CSTNode:
    """``node`` with ``fn`` applied to every statement at any depth (inner ones
    first), rebuilding only what changed; expressions are never walked."""
    if isinstance(node, (cst.Module, cst.IndentedBlock)):
        body: list[cst.BaseStatement] = []
        changed = False
        for stmt in node.body:
            new = map_statements(stmt, fn)
            out = fn(new)  # type: ignore[arg-type]
            out_list = [out] if isinstance(out, cst.CSTNode) else list(out)
            changed = changed or len(out_list) != 1 or out_list[0] is not stmt
            body.extend(out_list)
        return node.with_changes(body=body) if changed else node
    if isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        return node
    changes = {}
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if isinstance(value, _CLAUSES):
            new_value = map_statements(value, fn)
            if new_value is not value:
                changes[f.name] = new_value
        elif isinstance(value, (list, tuple)) and value and isinstance(value[0], _CLAUSES):
            new_items = [map_statements(v, fn) for v in value]
            if any(a is not b for a, b in zip(new_items, value)):
                changes[f.name] = type(value)(new_items)
    return node.with_changes(**changes) if changes else node


def statements(node: cst.CSTNode) -> Iterator[cst.BaseStatement]:
    """Every statement at any depth, in document order."""
    if isinstance(node, (cst.Module, cst.IndentedBlock)):
        for stmt in node.body:
            yield stmt
            yield from statements(stmt)
        return
    if isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        return
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if isinstance(value, _CLAUSES):
            yield from statements(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                if isinstance(item, _CLAUSES):
                    yield from statements(item)


def with_commas(args: Sequence[cst.Arg], ending: cst.Arg | None = None) -> list[cst.Arg]:
    """The arguments re-joined after some were removed: the last one ends the list
    as ``ending`` (the former last argument) did, with its comma and the space
    before the closing parenthesis; the others keep their commas (or get ``, ``)."""
    out: list[cst.Arg] = []
    for index, arg in enumerate(args):
        if index == len(args) - 1:
            if ending is not None and ending is not arg:
                arg = arg.with_changes(comma=ending.comma, whitespace_after_arg=ending.whitespace_after_arg)
            elif ending is None:
                arg = arg.with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=cst.SimpleWhitespace(""))
            out.append(arg)
        elif arg.comma is cst.MaybeSentinel.DEFAULT:
            out.append(arg.with_changes(
                comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")),
                whitespace_after_arg=cst.SimpleWhitespace(""),
            ))
        else:
            out.append(arg)
    return out


def append_arg(call: cst.Call, new: cst.Arg) -> cst.Call:
    """``call`` with ``new`` as its last argument, after ``, `` on the line of the
    former last one, which hands it its comma and the space before ``)``."""
    args = list(call.args)
    if not args:
        return call.with_changes(args=[new])
    last = args[-1]
    args[-1] = last.with_changes(
        comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")), whitespace_after_arg=cst.SimpleWhitespace("")
    )
    args.append(new.with_changes(comma=last.comma, whitespace_after_arg=last.whitespace_after_arg))
    return call.with_changes(args=args)


def keyword_arg(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(
        value=value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
    )


def add_plain_import(module: cst.Module, name: str) -> cst.Module:
    """Ensure a top-level ``import <name>`` (a plain module), after the leading imports."""
    body = list(module.body)
    insert_at = 0
    for index, stmt in enumerate(body):
        if not isinstance(stmt, cst.SimpleStatementLine):
            break
        small = stmt.body[0] if len(stmt.body) == 1 else None
        if isinstance(small, cst.Import):
            if any(dotted_name(a.name) == name and a.asname is None for a in small.names):
                return module
            insert_at = index + 1
        elif isinstance(small, cst.ImportFrom):
            insert_at = index + 1
        elif index == 0 and isinstance(small, cst.Expr) and isinstance(
            small.value, (cst.SimpleString, cst.ConcatenatedString)
        ):
            insert_at = 1
        else:
            break
    new = cst.SimpleStatementLine(body=[cst.Import(names=[cst.ImportAlias(name=cst.Name(name))])])
    body.insert(insert_at, new)
    return module.with_changes(body=body)

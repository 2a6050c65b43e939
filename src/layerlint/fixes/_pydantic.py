"""What the LL2xx fixers share: the rule's view of the file (:mod:`._astview`; their
plans come from :mod:`layerlint.facts.pydantic_fixes`), and a few libcst edits.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Iterator, Sequence

import libcst as cst

from layerlint.fixes._astview import AstViewFixer
from layerlint.fixes.imports import dotted_name


class PydanticFixer(AstViewFixer):
    """Base of the LL2xx fixers."""


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

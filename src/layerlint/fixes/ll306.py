"""LL306 fixer: ``expire_on_commit=False`` for an async session factory (unsafe).

``expire_on_commit=True`` (a keyword, or the fifth positional argument of
SQLAlchemy 1.4's ``sessionmaker``) becomes ``False``; a call without it
gets ``expire_on_commit=False`` as its last argument, laid out like the
arguments before it (one per line stays one per line, a trailing comma stays).
The rule only flags calls where this is the whole story (no ``*args`` or
``**kwargs`` that may hold the argument).
"""

from __future__ import annotations

from typing import Sequence

import libcst as cst

from layerlint.diagnostics import Diagnostic
from layerlint.fixes.base import Fixer

_KEYWORD = "expire_on_commit"
_POSITION = 4  # SQLAlchemy 1.4: (bind, class_, autoflush, autocommit, expire_on_commit, info)


class ExpireOnCommitFixer(Fixer):
    code = "LL306"
    node_types = (cst.Call,)

    def fix_node(
        self, original: cst.CSTNode, updated: cst.CSTNode, diagnostic: Diagnostic, parents: Sequence[cst.CSTNode]
    ) -> cst.CSTNode | None:
        if not isinstance(updated, cst.Call):
            return None
        args = list(updated.args)
        for index, arg in enumerate(args):
            if arg.keyword is not None and arg.keyword.value == _KEYWORD:
                return _replace_value(updated, args, index)
        positional = [i for i, arg in enumerate(args) if arg.keyword is None and arg.star != "**"]
        if len(positional) > _POSITION:
            return _replace_value(updated, args, positional[_POSITION])
        if any(arg.star for arg in args):
            return None  # the rule does not flag these: the argument may be hidden
        return append_keyword(updated, _KEYWORD, cst.Name("False"))


def _replace_value(call: cst.Call, args: list[cst.Arg], index: int) -> cst.Call | None:
    value = args[index].value
    if not (isinstance(value, cst.Name) and value.value == "True"):
        return None  # not a literal True: the rule does not flag it
    args[index] = args[index].with_changes(value=cst.Name("False", lpar=value.lpar, rpar=value.rpar))
    return call.with_changes(args=args)


def append_keyword(call: cst.Call, name: str, value: cst.BaseExpression) -> cst.Call:
    """``call`` with ``name=value`` as its last argument, in the layout of the others."""
    new = cst.Arg(
        keyword=cst.Name(name),
        value=value,
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
    )
    args = list(call.args)
    if not args:
        return call.with_changes(args=[new])
    last = args[-1]
    separator = _separator(call, args)
    # (a comment at the end of the last argument's line stays on that line: the new
    # argument's own line ends as the last one did, without it)
    if isinstance(last.comma, cst.Comma):  # a trailing comma: the new argument keeps it
        comma, kept = _keeping_comment(separator, last.comma.whitespace_after)
        args[-1] = last.with_changes(comma=comma)
        after = _without_line_comment(last.comma.whitespace_after) if kept else last.comma.whitespace_after
        args.append(new.with_changes(comma=last.comma.with_changes(whitespace_after=after),
                                     whitespace_after_arg=last.whitespace_after_arg))
    else:  # the whitespace before `)` moves after the new argument
        comma, kept = _keeping_comment(separator, last.whitespace_after_arg)
        args[-1] = last.with_changes(comma=comma, whitespace_after_arg=cst.SimpleWhitespace(""))
        after = _without_line_comment(last.whitespace_after_arg) if kept else last.whitespace_after_arg
        args.append(new.with_changes(whitespace_after_arg=after))
    return call.with_changes(args=args)


def _without_line_comment(whitespace: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
    """The same whitespace without the comment ending its first line (the comment lines
    below it, before the closing parenthesis, stay)."""
    if isinstance(whitespace, cst.ParenthesizedWhitespace) and whitespace.first_line.comment is not None:
        return whitespace.with_changes(first_line=cst.TrailingWhitespace())
    return whitespace


def _keeping_comment(
    separator: cst.Comma, replaced: cst.BaseParenthesizableWhitespace
) -> tuple[cst.Comma, bool]:
    """``separator`` ending its line as ``replaced`` did, with its comment (``autoflush=False,
    # we flush ourselves``), when both break the line there; and whether it took the comment
    (where the arguments share a line, it stays where it was, after the new argument)."""
    after = separator.whitespace_after
    if (
        isinstance(replaced, cst.ParenthesizedWhitespace) and isinstance(after, cst.ParenthesizedWhitespace)
        and replaced.first_line.comment is not None
    ):
        return separator.with_changes(whitespace_after=after.with_changes(first_line=replaced.first_line)), True
    return separator, False


def _separator(call: cst.Call, args: list[cst.Arg]) -> cst.Comma:
    """The comma between two arguments: as between the existing ones (a line break
    and indentation when they are one per line)."""
    for arg in args[:-1]:
        if isinstance(arg.comma, cst.Comma):
            comma = arg.comma
            return cst.Comma(whitespace_before=comma.whitespace_before, whitespace_after=_bare(comma.whitespace_after))
    last = args[-1]
    if isinstance(last.comma, cst.Comma) and isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace):
        return cst.Comma(whitespace_after=_bare(call.whitespace_before_args))  # `f(\n    a,\n)`: like after `(`
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _bare(whitespace: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
    """The same line break and indentation, without the comment or blank lines it carries."""
    if isinstance(whitespace, cst.ParenthesizedWhitespace):
        return whitespace.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
    return whitespace

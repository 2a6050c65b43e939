"""LL304 fixer: ``Base = declarative_base(...)`` -> ``class Base(DeclarativeBase)`` (unsafe).

The rule decides which statements are rewritten
(:func:`layerlint.facts.sqlalchemy_fix.declarative_base_fix`) and reports the
whole statement; here it becomes a class: ``metadata=`` and
``type_annotation_map=`` become class attributes, ``name=`` goes, the comment
after the statement moves to the ``class`` line and the comments above it stay
above it.
"""

from __future__ import annotations

import ast
from typing import Sequence

import libcst as cst

from layerlint.diagnostics import Diagnostic
from layerlint.facts.sqlalchemy_fix import DECLARATIVE_BASE_FUNCS, DECLARATIVE_META, DECLARATIVE_MODULES, SqlaFixFacts
from layerlint.fixes._dotted import dotted_expression
from layerlint.fixes.base import Fixer, parenthesize
from layerlint.fixes.imports import add_import_from

_ATTRIBUTES = ("metadata", "type_annotation_map")


class DeclarativeBaseFixer(Fixer):
    code = "LL304"
    node_types = (cst.SimpleStatementLine,)
    removable_imports = DECLARATIVE_BASE_FUNCS | DECLARATIVE_META | DECLARATIVE_MODULES

    _facts: SqlaFixFacts | None = None

    def facts(self) -> SqlaFixFacts:
        if self._facts is None:
            self._facts = SqlaFixFacts(self.ctx.tree, self.ctx.path, self.ctx.settings.root)
            self.imports: set[tuple[str, str, str | None]] = set()
            self.created: set[int] = set()
        return self._facts

    def fix_node(
        self, original: cst.CSTNode, updated: cst.CSTNode, diagnostic: Diagnostic, parents: Sequence[cst.CSTNode]
    ) -> cst.CSTNode | None:
        if not isinstance(updated, cst.SimpleStatementLine) or len(updated.body) != 1:
            return None
        if not parents or not isinstance(parents[-1], cst.Module):
            return None  # the rule fixes module-level statements only
        statement = updated.body[0]
        if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
            target = statement.targets[0].target
        elif isinstance(statement, cst.AnnAssign):
            target = statement.target
        else:
            return None
        call = statement.value
        if not isinstance(target, cst.Name) or not isinstance(call, cst.Call):
            return None
        qualified = self.ctx.resolve(call.func) or ""
        if qualified.partition(".")[0] not in ("sqlalchemy", "sqlmodel") or not qualified.endswith(".declarative_base"):
            return None
        kept: list[tuple[str, cst.Arg]] = []
        for arg in call.args:
            if arg.keyword is None or arg.star:
                return None
            if arg.keyword.value in _ATTRIBUTES:
                kept.append((arg.keyword.value, arg))
            elif arg.keyword.value != "name":
                return None
        reference = self.facts().reference("DeclarativeBase", diagnostic.line)
        if reference is None:
            return None
        if reference.add_import is not None:
            self.imports.add(reference.add_import)
        header, body, footer = _class_body(call, kept, updated.trailing_whitespace)
        new = cst.ClassDef(
            name=cst.Name(target.value),
            bases=[cst.Arg(value=dotted_expression(reference.expr))],
            body=cst.IndentedBlock(body=body, header=header, footer=footer),
            leading_lines=updated.leading_lines,
            lpar=cst.LeftParen(),
            rpar=cst.RightParen(),
        )
        self.created.add(id(new))
        return new

    def finalize(self, module: cst.Module) -> cst.Module:
        created = getattr(self, "created", set())
        if created:  # two blank lines around a new top-level class, as around any other
            body = list(module.body)
            for index, stmt in enumerate(body):
                if id(stmt) in created:
                    if index:
                        body[index] = stmt.with_changes(leading_lines=_blank_lines_before(stmt.leading_lines))
                    if index + 1 < len(body):
                        after = body[index + 1]
                        body[index + 1] = after.with_changes(leading_lines=_blank_lines_before(after.leading_lines))
            module = module.with_changes(body=body)
        for from_module, name, asname in sorted(getattr(self, "imports", ()), key=repr):
            module = add_import_from(module, from_module, name, asname, near=True, first_party=self.ctx.is_first_party)
        return module


def _blank_lines_before(lines: Sequence[cst.EmptyLine], wanted: int = 2) -> list[cst.EmptyLine]:
    """At least ``wanted`` blank lines before a statement and the comments just above it."""
    blank = 0
    for line in lines:
        if line.comment is not None:
            break
        blank += 1
    return [cst.EmptyLine()] * max(0, wanted - blank) + list(lines)


def _split(whitespace: cst.CSTNode | cst.MaybeSentinel) -> tuple[str | None, list[cst.EmptyLine]]:
    """The comment ending the current line, and the comment lines after it."""
    if not isinstance(whitespace, cst.ParenthesizedWhitespace):
        return None, []
    comment = whitespace.first_line.comment
    lines = [cst.EmptyLine(comment=line.comment) for line in whitespace.empty_lines if line.comment is not None]
    return (comment.value if comment else None), lines


def _joined(comments: list[str]) -> cst.TrailingWhitespace:
    if not comments:
        return cst.TrailingWhitespace()
    return cst.TrailingWhitespace(whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment("  ".join(comments)))


def _class_body(
    call: cst.Call, kept: list[tuple[str, cst.Arg]], trailing: cst.TrailingWhitespace
) -> tuple[cst.TrailingWhitespace, list[cst.BaseStatement], list[cst.EmptyLine]]:
    """(the `class` line's comment, the body, comment lines after it): one attribute per
    kept keyword; every comment of the call goes where its line goes."""
    slots: list[list[str]] = [[]]  # trailing comments: of the class line, then of each attribute
    leading: list[list[cst.EmptyLine]] = []
    pending: list[cst.EmptyLine] = []

    def take(whitespace: cst.CSTNode | cst.MaybeSentinel, own_line: bool = False) -> None:
        comment, lines = _split(whitespace)
        if comment is not None:
            if pending or own_line:  # after a comment line, or about a dropped argument
                pending.append(cst.EmptyLine(comment=cst.Comment(comment)))
            else:
                slots[-1].append(comment)
        pending.extend(lines)

    kept_args = {id(arg) for _name, arg in kept}
    take(call.whitespace_before_args)
    for arg in call.args:
        dropped = id(arg) not in kept_args
        if not dropped:
            slots.append([])
            leading.append(list(pending))
            pending.clear()
        take(arg.whitespace_after_arg, dropped)
        if isinstance(arg.comma, cst.Comma):
            take(arg.comma.whitespace_before, dropped)
            take(arg.comma.whitespace_after, dropped)
    if trailing.comment is not None:
        slots[0].append(trailing.comment.value)
    body: list[cst.BaseStatement] = []
    for index, (name, arg) in enumerate(kept):
        value = arg.value.visit(_KeepColumns())  # continuation lines stay where they were
        code = cst.Module([]).code_for_node(value)
        if ("\n" in code or "\r" in code) and not value.lpar and not _parses(f"x = {code}"):
            value = parenthesize(value)  # a line break the call's parentheses allowed
        body.append(cst.SimpleStatementLine(
            body=[cst.Assign(targets=[cst.AssignTarget(target=cst.Name(name))], value=value)],
            leading_lines=leading[index],
            trailing_whitespace=_joined(slots[index + 1]),
        ))
    if not body:
        body.append(cst.SimpleStatementLine(body=[cst.Pass()], leading_lines=list(pending)))
        pending.clear()
    return _joined(slots[0]), body, list(pending)


class _KeepColumns(cst.CSTTransformer):
    """Line breaks inside a value keep their absolute indentation when the value moves
    from the call's arguments into the (indented) class body."""

    def leave_ParenthesizedWhitespace(
        self, original: cst.ParenthesizedWhitespace, updated: cst.ParenthesizedWhitespace
    ) -> cst.ParenthesizedWhitespace:
        return updated.with_changes(indent=False)

    def leave_EmptyLine(self, original: cst.EmptyLine, updated: cst.EmptyLine) -> cst.EmptyLine:
        return updated.with_changes(indent=False)


def _parses(code: str) -> bool:
    try:
        ast.parse(code)
        return True
    except (SyntaxError, ValueError):
        return False

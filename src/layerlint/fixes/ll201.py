"""LL201 fixer: ``class Config:`` -> ``model_config = ConfigDict(...)`` in its place.

The plan (which keys, renamed how) is
:func:`layerlint.facts.pydantic_fixes.config_class_plan`, the rule's. The
values are moved as they are written (their comments and layout inside
brackets with them); comments of the ``Config`` body become comments of a
multi-line call, the ``class Config:`` line's comment stays on the line.
"""

from __future__ import annotations

import ast
from typing import Sequence

import libcst as cst

from layerlint.diagnostics import FIX_SAFE, Diagnostic
from layerlint.facts.pydantic import class_info
from layerlint.facts.pydantic_fixes import CONFIG_DICT, EXTRA_ENUMS, config_class_plan
from layerlint.fixes._pydantic import PydanticFixer, keyword_arg
from layerlint.fixes.imports import add_import_from

MAX_LINE = 88  # a longer one-line `model_config = ConfigDict(...)` is split, one key a line


class ConfigClassFixer(PydanticFixer):
    code = "LL201"
    node_types = (cst.ClassDef,)
    # `extra = Extra.forbid` becomes `extra="forbid"`; an annotated key (`json_schema_extra:
    # ClassVar[Dict[str, Any]] = ...`) becomes a keyword, its annotation's names may go unused
    removable_imports = EXTRA_ENUMS | frozenset(
        f"{module}.{name}"
        for module in ("typing", "typing_extensions")
        for name in (
            "Any", "Callable", "ClassVar", "Dict", "Final", "List", "Literal", "Mapping", "Optional",
            "Sequence", "Set", "Tuple", "Type", "Union",
        )
    )

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.imports: set[bool] = set()  # settings or not: the ConfigDict flavours to import

    def fix_node(
        self, original: cst.CSTNode, updated: cst.CSTNode, diagnostic: Diagnostic, parents: Sequence[cst.CSTNode]
    ) -> cst.CSTNode | None:
        if not isinstance(updated, cst.ClassDef) or updated.name.value != "Config":
            return None
        node = self.reported(diagnostic, ast.ClassDef, lambda n: n.name == "Config")
        outer = self.index.enclosing_scope(node) if node is not None else None
        if not isinstance(node, ast.ClassDef) or not isinstance(outer, ast.ClassDef):
            return None
        # the rule's flavour, as its message names it (it may have read a base in another module)
        settings = class_info(outer, self.fctx).settings or "SettingsConfigDict(" in diagnostic.message
        plan = config_class_plan(node, outer, self.fctx, settings)
        if plan is None or not self.agrees(FIX_SAFE, diagnostic):
            return None
        entries = self._entries(updated)
        if entries is None or sum(1 for e in entries if e[0] == "stmt") != len(plan):
            return None
        args: list[tuple[list[str], cst.Arg, list[str]]] = []  # (comments before, the argument, comment after)
        pending: list[str] = []
        items = iter(plan)
        for kind, payload, comment in entries:
            if kind == "comment":
                pending.append(payload)
                continue
            item = next(items)
            if item.key is None:  # dropped: its text and comments go with the next argument
                pending.extend(_docstring_comments(payload))
                if comment:
                    pending.append(comment)
                continue
            value = cst.parse_expression(item.value) if item.value is not None else payload.value
            args.append((pending, keyword_arg(item.key, value), [comment] if comment else []))
            pending = []
        header = self._header_comment(updated)
        name = CONFIG_DICT[settings][1]
        depth = sum(isinstance(p, cst.IndentedBlock) for p in parents)
        statement = self._one_line(name, args, header, updated)
        if pending or any(before or after for before, _, after in args) or (
            len(args) > 1 and self._too_long(statement, depth)
        ):
            statement = self._multi_line(name, args, pending, header, updated)
        self.imports.add(settings)
        return statement

    def finalize(self, module: cst.Module) -> cst.Module:
        for settings in sorted(self.imports):
            from_module, name, accepted = CONFIG_DICT[settings]
            if self.fctx.imports.get(name) not in accepted:  # not imported at module level
                module = add_import_from(module, from_module, name)
        return module

    # -- reading the Config body ----------------------------------------------------------
    @staticmethod
    def _entries(node: cst.ClassDef) -> list[tuple[str, object, str | None]] | None:
        """The body as ("comment", text, None) and ("stmt", small statement, its line's
        comment) entries, in order."""
        body = node.body
        entries: list[tuple[str, object, str | None]] = []
        if isinstance(body, cst.SimpleStatementSuite):  # `class Config: orm_mode = True`
            for small in body.body:
                entries.append(("stmt", small, None))
            return entries
        if not isinstance(body, cst.IndentedBlock):
            return None
        for line in body.body:
            if not isinstance(line, cst.SimpleStatementLine):
                return None
            entries.extend(("comment", e.comment.value, None) for e in line.leading_lines if e.comment)
            comment = line.trailing_whitespace.comment
            for index, small in enumerate(line.body):
                last = index == len(line.body) - 1
                entries.append(("stmt", small, comment.value if comment and last else None))
        entries.extend(("comment", e.comment.value, None) for e in body.footer if e.comment)
        return entries

    @staticmethod
    def _header_comment(node: cst.ClassDef) -> str | None:
        body = node.body
        whitespace = body.header if isinstance(body, cst.IndentedBlock) else body.trailing_whitespace
        return whitespace.comment.value if whitespace.comment else None

    # -- writing model_config -------------------------------------------------------------
    def _statement(self, call: cst.Call, header: str | None, node: cst.ClassDef) -> cst.SimpleStatementLine:
        assign = cst.Assign(targets=[cst.AssignTarget(target=cst.Name("model_config"))], value=call)
        trailing = (
            cst.TrailingWhitespace(whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(header))
            if header else cst.TrailingWhitespace()
        )
        return cst.SimpleStatementLine(body=[assign], leading_lines=node.leading_lines, trailing_whitespace=trailing)

    def _one_line(self, name: str, args, header: str | None, node: cst.ClassDef) -> cst.SimpleStatementLine:
        plain = [arg for _, arg, _ in args]
        joined = [
            arg.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) if i < len(plain) - 1 else arg
            for i, arg in enumerate(plain)
        ]
        return self._statement(cst.Call(func=cst.Name(name), args=joined), header, node)

    def _too_long(self, statement: cst.SimpleStatementLine, depth: int) -> bool:
        code = self.ctx.code_for(statement.body[0])
        first = code.splitlines()[0] if code else ""
        return depth * len(self.ctx.module.default_indent) + len(first) > MAX_LINE

    def _multi_line(self, name: str, args, footer: list[str], header: str | None, node: cst.ClassDef):
        unit = self.ctx.module.default_indent

        def comment_lines(texts: list[str]) -> list[cst.EmptyLine]:
            return [
                cst.EmptyLine(indent=True, whitespace=cst.SimpleWhitespace(unit), comment=cst.Comment(t)) for t in texts
            ]

        def break_after(comment: str | None, following: list[str], indent_next: bool) -> cst.ParenthesizedWhitespace:
            return cst.ParenthesizedWhitespace(
                first_line=cst.TrailingWhitespace(
                    whitespace=cst.SimpleWhitespace("  " if comment else ""),
                    comment=cst.Comment(comment) if comment else None,
                ),
                empty_lines=comment_lines(following),
                indent=True,
                last_line=cst.SimpleWhitespace(unit if indent_next else ""),
            )

        laid: list[cst.Arg] = []
        for index, (_before, arg, after) in enumerate(args):
            following = args[index + 1][0] if index + 1 < len(args) else footer
            more = index + 1 < len(args)
            comma = cst.Comma(whitespace_after=break_after(after[0] if after else None, following, more))
            laid.append(arg.with_changes(value=_indent_inside(arg.value, unit), comma=comma))
        first = args[0][0] if args else footer
        call = cst.Call(
            func=cst.Name(name),
            whitespace_before_args=break_after(header, first, bool(args)),
            args=laid,
        )
        return self._statement(call, None, node)


def _docstring_comments(small: object) -> list[str]:
    """A docstring of the Config class, as comment lines."""
    if not isinstance(small, cst.Expr) or not isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)):
        return []
    text = small.value.evaluated_value
    if not isinstance(text, str):
        return []
    return [f"# {line.strip()}" if line.strip() else "#" for line in text.strip().splitlines()]


class _Reindent(cst.CSTTransformer):
    """Indent the continuation lines of a moved value by one more unit."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def leave_ParenthesizedWhitespace(self, original, updated):
        if updated.indent:
            return updated.with_changes(last_line=cst.SimpleWhitespace(self.unit + updated.last_line.value))
        return updated

    def leave_EmptyLine(self, original, updated):
        if updated.indent:
            return updated.with_changes(whitespace=cst.SimpleWhitespace(self.unit + updated.whitespace.value))
        return updated


def _indent_inside(value: cst.BaseExpression, unit: str) -> cst.BaseExpression:
    if "\n" not in cst.Module([]).code_for_node(value) and "\r" not in cst.Module([]).code_for_node(value):
        return value
    return value.visit(_Reindent(unit))  # type: ignore[return-value]

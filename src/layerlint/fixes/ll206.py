"""LL206 fixer: ``BaseSettings`` imported from ``pydantic_settings``.

- ``from pydantic import BaseModel, BaseSettings`` -> ``from pydantic import
  BaseModel`` and, on the next line, ``from pydantic_settings import
  BaseSettings`` (the alias's comment moves with it); a statement importing
  only ``BaseSettings`` is rewritten in place. The finding covers the alias;
  the statement is edited after the pass (an alias cannot remove itself), found
  again by its rank among the module's ``BaseSettings`` imports from pydantic.
- ``from pydantic.env_settings import BaseSettings`` -> ``from pydantic_settings
  import BaseSettings``.
- ``pydantic.BaseSettings`` -> ``BaseSettings``, imported from pydantic_settings.

The decisions are :func:`~layerlint.facts.pydantic_fixes.settings_import_fix`
and :func:`~layerlint.facts.pydantic_fixes.settings_attribute_fix`, the rule's.
"""

from __future__ import annotations

import ast
from typing import Iterator, Sequence

import libcst as cst

from layerlint.diagnostics import Diagnostic
from layerlint.facts.pydantic_fixes import SETTINGS_CLASS, settings_attribute_fix, settings_import_fix
from layerlint.fixes._pydantic import PydanticFixer, map_statements, statements
from layerlint.fixes.imports import add_import_from, dotted_name

_NEW_MODULE = "pydantic_settings"


class SettingsImportFixer(PydanticFixer):
    code = "LL206"
    node_types = (cst.ImportAlias, cst.ImportFrom, cst.Attribute)
    removable_imports = frozenset({"pydantic"})  # `import pydantic` whose only use was `pydantic.BaseSettings`

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.moves: set[int] = set()  # ranks of the `BaseSettings` aliases to move
        self.needs_import = False

    def fix_node(
        self, original: cst.CSTNode, updated: cst.CSTNode, diagnostic: Diagnostic, parents: Sequence[cst.CSTNode]
    ) -> cst.CSTNode | None:
        if isinstance(updated, cst.ImportAlias):
            alias = self.reported(diagnostic, ast.alias, lambda n: n.name == "BaseSettings")
            node = self.index.parent(alias) if alias is not None else None
            if not isinstance(alias, ast.alias) or not isinstance(node, ast.ImportFrom):
                return None
            base = self.fctx.absolute_module(node.module, node.level) or ""
            if not self.agrees(settings_import_fix(node, base, alias, self.fctx), diagnostic):
                return None
            rank = next((i for i, a in enumerate(_settings_aliases(self.ctx.module)) if a is original), None)
            if rank is None:
                return None
            self.moves.add(rank)
            return updated  # moved after the pass
        if isinstance(updated, cst.ImportFrom):
            node = self.reported(diagnostic, ast.ImportFrom)
            if not isinstance(node, ast.ImportFrom):
                return None
            base = self.fctx.absolute_module(node.module, node.level) or ""
            if not self.agrees(settings_import_fix(node, base, None, self.fctx), diagnostic):
                return None
            return updated.with_changes(module=cst.Name(_NEW_MODULE))
        if isinstance(updated, cst.Attribute):
            node = self.reported(diagnostic, ast.Attribute, lambda n: n.attr == "BaseSettings")
            if not isinstance(node, ast.Attribute):
                return None
            if not self.agrees(settings_attribute_fix(node, self.fctx), diagnostic):
                return None
            self.needs_import = True
            return cst.Name("BaseSettings", lpar=updated.lpar, rpar=updated.rpar)
        return None

    def finalize(self, module: cst.Module) -> cst.Module:
        if self.moves:
            module = self._move(module)
        if self.needs_import and self.fctx.imports.get("BaseSettings") not in SETTINGS_CLASS:
            module = add_import_from(module, _NEW_MODULE, "BaseSettings")
        return module

    def _move(self, module: cst.Module) -> cst.Module:
        rank = 0
        top = {id(stmt) for stmt in module.body}
        joinable = _has_one_line_import(module, _NEW_MODULE)  # LL201 may just have added one
        join = False

        def fn(stmt: cst.BaseStatement) -> cst.BaseStatement | list[cst.BaseStatement]:
            nonlocal rank, join
            if not isinstance(stmt, cst.SimpleStatementLine):
                return stmt
            body: list[cst.BaseSmallStatement] = []
            after: list[cst.SimpleStatementLine] = []
            changed = False
            for small in stmt.body:
                if not _from_pydantic(small):
                    body.append(small)
                    continue
                moving = []
                for index, alias in enumerate(small.names):  # type: ignore[union-attr]
                    if _is_settings_alias(alias):
                        if rank in self.moves:
                            moving.append(index)
                        rank += 1
                if not moving:
                    body.append(small)
                    continue
                changed = True
                kept, comments = _without(small, moving)  # type: ignore[arg-type]
                new = _settings_import([small.names[i] for i in moving])  # type: ignore[union-attr]
                if kept is None:
                    body.append(new.with_changes(semicolon=small.semicolon))
                    if comments and stmt.trailing_whitespace.comment is None and len(stmt.body) == 1:
                        stmt = stmt.with_changes(trailing_whitespace=_comment_line(comments))
                    continue
                body.append(kept)
                moved = [small.names[i] for i in moving]  # type: ignore[union-attr]
                if joinable and id(stmt) in top and not comments and all(a.asname is None for a in moved):
                    join = True  # `from pydantic_settings import SettingsConfigDict, BaseSettings`
                    continue
                after.append(cst.SimpleStatementLine(
                    body=[new],
                    trailing_whitespace=_comment_line(comments) if comments else cst.TrailingWhitespace(),
                ))
            if not changed:
                return stmt
            return [stmt.with_changes(body=body), *after]

        module = map_statements(module, fn)  # type: ignore[assignment]
        return add_import_from(module, _NEW_MODULE, "BaseSettings") if join else module


def _has_one_line_import(module: cst.Module, from_module: str) -> bool:
    """Is there a top-level one-line ``from <from_module> import ...`` that
    :func:`~layerlint.fixes.imports.add_import_from` would join?"""
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
            small = stmt.body[0]
            if (
                isinstance(small, cst.ImportFrom) and not small.relative and small.module is not None
                and dotted_name(small.module) == from_module and small.lpar is None
                and not isinstance(small.names, cst.ImportStar)
            ):
                return True
    return False


def _from_pydantic(small: cst.BaseSmallStatement) -> bool:
    return (
        isinstance(small, cst.ImportFrom)
        and not small.relative
        and small.module is not None
        and dotted_name(small.module) == "pydantic"
        and not isinstance(small.names, cst.ImportStar)
    )


def _is_settings_alias(alias: cst.ImportAlias) -> bool:
    return dotted_name(alias.name) == "BaseSettings"


def _settings_aliases(module: cst.Module) -> Iterator[cst.ImportAlias]:
    """Every ``BaseSettings`` alias of a ``from pydantic import ...``, in document order."""
    for stmt in statements(module):
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if _from_pydantic(small):
                    yield from (a for a in small.names if _is_settings_alias(a))  # type: ignore[union-attr]


def _settings_import(aliases: list[cst.ImportAlias]) -> cst.ImportFrom:
    names = [cst.ImportAlias(name=cst.Name("BaseSettings"), asname=a.asname) for a in aliases]
    names = [
        n.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))) if i < len(names) - 1 else n
        for i, n in enumerate(names)
    ]
    return cst.ImportFrom(module=cst.Name(_NEW_MODULE), names=names)


def _comment_line(comments: list[str]) -> cst.TrailingWhitespace:
    return cst.TrailingWhitespace(whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(comments[0]))


def _comma_comment(comma: cst.Comma | cst.MaybeSentinel) -> str | None:
    if isinstance(comma, cst.Comma) and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace):
        comment = comma.whitespace_after.first_line.comment
        return comment.value if comment else None
    return None


def _without(node: cst.ImportFrom, removed: list[int]) -> tuple[cst.ImportFrom | None, list[str]]:
    """The import without the aliases at ``removed`` (None when none is left), and
    the comments those aliases carried."""
    names = list(node.names)  # type: ignore[arg-type]
    comments = [c for i in removed if (c := _comma_comment(names[i].comma))]
    kept = [a for i, a in enumerate(names) if i not in removed]
    if not kept:
        return None, comments
    last = names[-1]
    if kept[-1] is not last:  # the last alias went: the new last one ends the list as it did
        previous = kept[-1]
        if isinstance(last.comma, cst.Comma):
            ws_prev = previous.comma.whitespace_after if isinstance(previous.comma, cst.Comma) else None
            ws_last = last.comma.whitespace_after
            if isinstance(ws_prev, cst.ParenthesizedWhitespace) and isinstance(ws_last, cst.ParenthesizedWhitespace):
                comma = previous.comma.with_changes(  # type: ignore[union-attr]
                    whitespace_after=ws_prev.with_changes(indent=ws_last.indent, last_line=ws_last.last_line)
                )
            else:
                comma = last.comma
        elif node.lpar is not None and _comma_comment(previous.comma) is None:
            breaks = isinstance(previous.comma, cst.Comma) and isinstance(
                previous.comma.whitespace_after, cst.ParenthesizedWhitespace
            )  # `a,\n    b\n)` without b: `a,\n)`
            comma = cst.Comma(whitespace_after=cst.SimpleWhitespace("")) if breaks else cst.MaybeSentinel.DEFAULT
        else:
            comma = previous.comma if node.lpar is not None else cst.MaybeSentinel.DEFAULT
        kept[-1] = previous.with_changes(comma=comma)
    if node.lpar is not None and "\n" not in cst.Module([]).code_for_node(node) and not any(
        _comma_comment(a.comma) for a in kept
    ):
        node = node.with_changes(lpar=None, rpar=None)  # `from pydantic import (Json)`: no parentheses
    if node.lpar is None:
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return node.with_changes(names=kept), comments

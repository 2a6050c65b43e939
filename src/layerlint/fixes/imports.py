"""Import edits shared by fixers: drop an import a fix left unused, add one a fix needs.

The driver (:mod:`layerlint.fixer`) calls :func:`remove_unused_imports` after
each pass for the names the applied fixers declared in
``Fixer.removable_imports``; a fixer that needs a new import calls
:func:`add_import_from` from its ``finalize``.
"""

from __future__ import annotations

import ast
import re
from typing import Sequence

import libcst as cst

_WORD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def referenced_names(tree: ast.Module) -> set[str]:
    """Every name the module reads or writes outside import statements.

    Words inside string constants count too (string annotations, ``__all__``,
    ``TypeVar("T", bound="User")``), except strings standing alone as statements
    (docstrings): an import named in a string is never removed.
    """
    names: set[str] = set()
    statement_strings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            statement_strings.add(id(node.value))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in statement_strings:
            if len(node.value) < 2000:
                names.update(_WORD_RE.findall(node.value))
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
        elif isinstance(node, ast.MatchAs) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchStar) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
    return names


def dotted_name(node: cst.BaseExpression | cst.ImportAlias | cst.Attribute | cst.Name) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts: list[str] = []
    while isinstance(node, cst.Attribute):
        parts.append(node.attr.value)
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(node.value)
    return ".".join(reversed(parts))


def _binding(stmt: cst.Import | cst.ImportFrom, alias: cst.ImportAlias) -> tuple[str, str] | None:
    """(local name, qualified name) an alias binds; None for relative or star imports."""
    name = dotted_name(alias.name)
    if name is None:
        return None
    local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else None
    if isinstance(stmt, cst.Import):
        return (local, name) if local else (name.partition(".")[0], name.partition(".")[0])
    if stmt.relative or stmt.module is None:
        return None
    module = dotted_name(stmt.module)
    if module is None:
        return None
    return (local or name, f"{module}.{name}")


def _has_comment(node: cst.CSTNode) -> bool:
    return "#" in cst.Module([]).code_for_node(node)


class _RemoveImports(cst.CSTTransformer):
    def __init__(self, removable: dict[str, frozenset[str]]) -> None:
        super().__init__()
        self.removable = removable  # local name -> qualified names it may be bound to
        self.try_depth = 0
        self.dropped: set[int] = set()  # ids of statement lines to drop from their body
        self.removed = 0

    def visit_Try(self, node: cst.Try) -> None:
        self.try_depth += 1

    def leave_Try(self, original: cst.Try, updated: cst.Try) -> cst.Try:
        self.try_depth -= 1
        return updated

    visit_TryStar = visit_Try  # type: ignore[assignment]
    leave_TryStar = leave_Try  # type: ignore[assignment]

    def _keep(self, stmt: cst.Import | cst.ImportFrom, alias: cst.ImportAlias) -> bool:
        binding = _binding(stmt, alias)
        if binding is None or self.try_depth:
            return True
        local, qualified = binding
        if qualified not in self.removable.get(local, ()):
            return True
        if alias.comma is not cst.MaybeSentinel.DEFAULT and _has_comment(alias.comma):
            return True
        return False

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        body: list[cst.BaseSmallStatement] = []
        changed = False
        for small in updated.body:
            if isinstance(small, (cst.Import, cst.ImportFrom)) and not isinstance(small.names, cst.ImportStar):
                kept = [a for a in small.names if self._keep(small, a)]
                if len(kept) != len(small.names):
                    changed = True
                    self.removed += len(small.names) - len(kept)
                    if not kept:
                        continue
                    if kept[-1] is not small.names[-1]:  # the last one went: its comma (or none) moves up
                        kept[-1] = kept[-1].with_changes(comma=small.names[-1].comma)
                    if not (isinstance(small, cst.ImportFrom) and small.lpar is not None):
                        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                    small = small.with_changes(names=kept)
            body.append(small)
        if not changed:
            return updated
        if not body:
            self.dropped.add(id(updated))
            return updated
        # `import a; import b` with the last one gone: no dangling semicolon
        last = body[-1]
        if getattr(last, "semicolon", cst.MaybeSentinel.DEFAULT) is not cst.MaybeSentinel.DEFAULT:
            body[-1] = last.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(body=body)

    def _filter(self, body: Sequence[cst.BaseStatement]) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]]:
        out: list[cst.BaseStatement] = []
        carry: list[cst.EmptyLine] = []
        for stmt in body:
            if id(stmt) in self.dropped:
                carry.extend(stmt.leading_lines)  # type: ignore[attr-defined]
                continue
            if carry:
                stmt = stmt.with_changes(leading_lines=_merge(carry, list(stmt.leading_lines)))  # type: ignore[attr-defined]
                carry = []
            out.append(stmt)
        return out, [line for line in carry if line.comment is not None]

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        body, carry = self._filter(updated.body)
        return updated.with_changes(body=body, footer=[*carry, *updated.footer])

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock) -> cst.IndentedBlock:
        body, carry = self._filter(updated.body)
        if not body:
            body = [cst.SimpleStatementLine(body=[cst.Pass()])]
        return updated.with_changes(body=body, footer=[*carry, *updated.footer])


def _merge(carry: list[cst.EmptyLine], leading: list[cst.EmptyLine]) -> list[cst.EmptyLine]:
    """Leading lines of the statement after a dropped one: keep the dropped one's
    comments, and no more blank lines than either had."""
    comments = [line for line in carry if line.comment is not None]
    if comments:
        return [*carry, *leading]
    if any(line.comment is None for line in leading):
        return leading
    return [*carry, *leading]


def remove_unused_imports(
    module: cst.Module, before: set[str], after: set[str], qualified: frozenset[str]
) -> tuple[cst.Module, int]:
    """Drop import bindings of ``qualified`` names that were referenced ``before`` a fix
    and are not ``after`` it (both from :func:`referenced_names`). Imports inside
    ``try`` (fallback imports) and aliases with a comment are kept. Returns the
    module and the number of names removed."""
    if not qualified:
        return module, 0
    gone = before - after
    if not gone:
        return module, 0
    removable = {name: qualified for name in gone}
    transformer = _RemoveImports(removable)
    new = module.visit(transformer)
    return new, transformer.removed


def add_import_from(module: cst.Module, from_module: str, name: str) -> cst.Module:
    """Ensure ``from <from_module> import <name>`` at the top level of the module.

    Nothing changes when the name is already imported so; otherwise the name joins
    an existing one-line ``from <from_module> import ...`` or a new statement goes
    after the module's leading imports (after its docstring and ``__future__``
    imports when there are no others).
    """
    body = list(module.body)
    insert_at = 0
    for index, stmt in enumerate(body):
        if not isinstance(stmt, cst.SimpleStatementLine):
            break
        small = stmt.body[0] if len(stmt.body) == 1 else None
        if isinstance(small, cst.ImportFrom) and not small.relative and small.module is not None:
            if dotted_name(small.module) == from_module and not isinstance(small.names, cst.ImportStar):
                for alias in small.names:
                    if dotted_name(alias.name) == name and alias.asname is None:
                        return module
                if small.lpar is None:
                    last = small.names[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                    names = [*small.names[:-1], last, cst.ImportAlias(name=cst.Name(name))]
                    body[index] = stmt.with_changes(body=[small.with_changes(names=names)])
                    return module.with_changes(body=body)
            insert_at = index + 1
        elif isinstance(small, cst.Import):
            insert_at = index + 1
        elif index == 0 and isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)):
            insert_at = 1  # the docstring
        else:
            break
    parts = from_module.split(".")
    module_expr: cst.Attribute | cst.Name = cst.Name(parts[0])
    for part in parts[1:]:
        module_expr = cst.Attribute(value=module_expr, attr=cst.Name(part))
    new = cst.SimpleStatementLine(body=[cst.ImportFrom(module=module_expr, names=[cst.ImportAlias(name=cst.Name(name))])])
    body.insert(insert_at, new)
    return module.with_changes(body=body)

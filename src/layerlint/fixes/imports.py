"""Import edits shared by fixers: drop an import a fix left unused, add one a fix needs.

The driver (:mod:`layerlint.fixer`) calls :func:`remove_unused_imports` after
each pass for the names the applied fixers declared in
``Fixer.removable_imports`` and that the pass left without a use (counted with
:func:`name_counts` on the ``ast``: the whole module before the pass, minus the
replaced nodes' code, plus their replacements' code: no second libcst walk); a
fixer that needs a new import calls :func:`add_import_from` from its
``finalize``.
"""

from __future__ import annotations

import ast
import bisect
import collections
import re
import symtable
import sys
import textwrap
from typing import Any, Callable, Iterable, Sequence

import libcst as cst

from layerlint.parse import parse_quietly

_WORD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def name_counts(
    tree: ast.AST, _depth: int = 0, *, only: frozenset[str] | None = None
) -> collections.Counter[str]:
    """How often the code reads or writes each name, outside import statements.

    A string constant that parses as an expression counts as code (a string
    annotation ``"Optional[int]"``, an ``__all__`` entry, ``bound="User"``), except
    strings standing alone as statements (docstrings), the values of a
    ``Literal[...]`` (``Literal["Mandatory", "Optional"]``) and of keyword arguments
    that take text for people (``Field(title="Optional")``, ``label="Union"``); prose
    in strings does not. With ``only``, the counts of those names are exact, and
    others may be short: a string that cannot spell one of them is not parsed.
    """
    names: collections.Counter[str] = collections.Counter()
    statement_strings: set[int] = set()  # (and Literal values: the walk meets a subscript before them)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names[node.id] += 1
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            statement_strings.add(id(node.value))
        elif isinstance(node, ast.Subscript) and _spells_literal(node.value):
            statement_strings.update(id(value) for value in ast.walk(node.slice) if isinstance(value, ast.Constant))
        elif isinstance(node, ast.keyword) and node.arg in _TEXT_KEYWORDS:
            statement_strings.add(id(node.value))  # (ast.walk meets a keyword before its value)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in statement_strings:
            wanted = _depth < 3 and (only is None or _may_spell(node.value, only))
            inner = _string_code(node.value) if wanted else None
            if inner is not None:
                names.update(name_counts(inner, _depth + 1, only=only))
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            names[node.name] += 1
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names[node.rest] += 1
    return names


def bound_besides_imports(tree: ast.AST, names: Iterable[str]) -> set[str]:
    """Which of ``names`` the module binds other than by an import (a parameter, a
    comprehension's or a loop's variable, an assignment, a ``def``)? A use of such a name
    may be of that binding."""
    wanted = set(names)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound = node.id
        elif isinstance(node, ast.arg):
            bound = node.arg
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.ExceptHandler)):
            bound = node.name
        else:
            continue
        if bound in wanted:
            found.add(bound)
    return found


def unused_module_bindings(code: str, names: Iterable[str]) -> set[str]:
    """Which of ``names`` does the module's own binding (its import) leave without a use in
    ``code``, every remaining spelling being another binding's (``import typing as t`` beside
    ``[t.name for t in xs]`` once the fix rewrote ``t.Optional[str]``)? Read with the symbol
    table: a use at module level, or in a scope where the name is global, is the import's. A
    name a string spells, an annotation spells (under ``from __future__ import annotations``
    the symbol table does not read annotations; a type checker and ``get_type_hints`` do),
    or a ``global`` statement names, counts as a use."""
    wanted = frozenset(names)
    try:
        tree = parse_quietly(code)
        table = symtable.symtable(code, "<fixed>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    in_code: collections.Counter[str] = collections.Counter()
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in wanted:
            in_code[node.id] += 1
        annotation = (
            node.annotation if isinstance(node, (ast.arg, ast.AnnAssign))
            else node.returns if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            else None
        )
        if annotation is not None:
            used.update(inner.id for inner in ast.walk(annotation) if isinstance(inner, ast.Name) and inner.id in wanted)
    counted = name_counts(tree, only=wanted)
    used.update(name for name in wanted if counted[name] != in_code[name])
    pending = [(table, True)]
    while pending:
        scope, top = pending.pop()
        for name in wanted - used:
            try:
                symbol = scope.lookup(name)
            except KeyError:
                continue
            if symbol.is_referenced() and (top or symbol.is_global()):
                used.add(name)
        pending.extend((child, False) for child in scope.get_children())
    return set(wanted - used)


# keyword arguments whose string is shown to people, never read as code
_TEXT_KEYWORDS = frozenset({
    "title", "description", "label", "help", "help_text", "summary", "placeholder", "message", "msg",
})


def _spells_literal(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "Literal") or (
        isinstance(node, ast.Attribute) and node.attr == "Literal"
    )


def _may_spell(value: str, names: frozenset[str]) -> bool:
    """Can the code in this string use one of ``names``? Without a quote (a string in the
    string) or a non-ASCII character (a fullwidth letter reads as its ASCII one), each
    name it uses is spelled in it as it is."""
    return not value.isascii() or "'" in value or '"' in value or any(name in value for name in names)


def _string_code(value: str) -> ast.AST | None:
    if not value or len(value) > 500 or not _WORD_RE.search(value):
        return None
    try:
        return parse_quietly(value.strip(), mode="eval")
    except (SyntaxError, ValueError):
        return None


def referenced_names(tree: ast.AST) -> set[str]:
    return set(name_counts(tree))


def snippet_name_counts(code: str) -> collections.Counter[str] | None:
    """:func:`name_counts` of a node's code (an expression or statements); None if unparsable."""
    try:
        return name_counts(ast.parse("(" + code + ")", mode="eval"))
    except (SyntaxError, ValueError):
        pass
    try:
        return name_counts(ast.parse(textwrap.dedent(code)))
    except (SyntaxError, ValueError):
        return None


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


def bound_names(module: cst.Module, qualified: frozenset[str]) -> frozenset[str]:
    """The local names that imports of the module, at any depth, bind to one of
    ``qualified``: the only names :func:`remove_unused_imports` may drop."""
    names: set[str] = set()
    pending: list[cst.CSTNode] = [module]
    while pending:
        node = pending.pop()
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            if not isinstance(node.names, cst.ImportStar):
                for alias in node.names:
                    binding = _binding(node, alias)
                    if binding is not None and binding[1] in qualified:
                        names.add(binding[0])
            continue
        for field in ("body", "orelse", "handlers", "finalbody", "cases"):  # statements, never expressions
            value = getattr(node, field, None)
            if isinstance(value, cst.CSTNode):
                pending.append(value)
            elif isinstance(value, (list, tuple)):
                pending.extend(value)
    return frozenset(names)


def _has_comment(node: cst.CSTNode) -> bool:
    return "#" in cst.Module([]).code_for_node(node)


class _ImportRemover:
    """Walks statements only (never expressions): drops import bindings of
    ``removable`` local names bound to one of its qualified names. Imports in
    ``try`` blocks (fallback imports), aliases with a comment, and a line whose ``# noqa``
    covers F401 are kept."""

    def __init__(self, removable: dict[str, frozenset[str]]) -> None:
        self.removable = removable
        self.removed = 0

    def body(self, stmts: Sequence[cst.BaseStatement]) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine], bool]:
        out: list[cst.BaseStatement] = []
        carry: list[cst.EmptyLine] = []
        changed = False
        for stmt in stmts:
            if isinstance(stmt, cst.SimpleStatementLine):
                new = self.line(stmt)
            elif isinstance(stmt, cst.BaseCompoundStatement):
                new = self.compound(stmt)
            else:
                new = stmt
            if new is None:
                carry.extend(stmt.leading_lines)
                changed = True
                continue
            if carry:
                new = new.with_changes(leading_lines=_merge(carry, list(new.leading_lines)))
                carry = []
            changed = changed or new is not stmt
            out.append(new)
        return out, [line for line in carry if line.comment is not None], changed

    def block(self, suite: cst.BaseSuite) -> cst.BaseSuite:
        if not isinstance(suite, cst.IndentedBlock):
            return suite
        body, carry, changed = self.body(suite.body)
        if not changed:
            return suite
        if not body:
            body = [cst.SimpleStatementLine(body=[cst.Pass()])]
        return suite.with_changes(body=body, footer=[*carry, *suite.footer])

    def compound(self, stmt: cst.BaseCompoundStatement) -> cst.BaseCompoundStatement:
        if isinstance(stmt, (cst.Try, cst.TryStar)):
            return stmt
        changes: dict[str, object] = {}
        if isinstance(stmt, (cst.If, cst.FunctionDef, cst.ClassDef, cst.With, cst.For, cst.While)):
            body = self.block(stmt.body)
            if body is not stmt.body:
                changes["body"] = body
        orelse = getattr(stmt, "orelse", None)
        if isinstance(orelse, cst.If):
            new_else: object = self.compound(orelse)
        elif isinstance(orelse, cst.Else):
            block = self.block(orelse.body)
            new_else = orelse if block is orelse.body else orelse.with_changes(body=block)
        else:
            new_else = orelse
        if new_else is not orelse:
            changes["orelse"] = new_else
        return stmt.with_changes(**changes) if changes else stmt

    def _keep(self, stmt: cst.Import | cst.ImportFrom, alias: cst.ImportAlias) -> bool:
        binding = _binding(stmt, alias)
        if binding is None:
            return True
        local, qualified = binding
        if qualified not in self.removable.get(local, ()):
            return True
        if alias.comma is not cst.MaybeSentinel.DEFAULT and _has_comment(alias.comma):
            return True
        return False

    def line(self, line: cst.SimpleStatementLine) -> cst.SimpleStatementLine | None:
        if not any(isinstance(small, (cst.Import, cst.ImportFrom)) for small in line.body):
            return line  # (asked first: reading a line's comments writes its code)
        if _silences_unused_import(line):
            return line  # `# noqa: F401`: the author keeps the names on purpose (a re-export)
        body: list[cst.BaseSmallStatement] = []
        changed = False
        for small in line.body:
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
            return line
        if not body:
            return None
        last = body[-1]  # `import a; import b` with b gone: no dangling semicolon
        if getattr(last, "semicolon", cst.MaybeSentinel.DEFAULT) is not cst.MaybeSentinel.DEFAULT:
            body[-1] = last.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return line.with_changes(body=body)


# a `# noqa` comment, bare or with codes (as flake8 and ruff read it)
_NOQA_RE = re.compile(r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]*(?:[,\s]+[A-Z]+[0-9]*)*))?", re.IGNORECASE)


def _silences_unused_import(line: cst.SimpleStatementLine) -> bool:
    """Does a ``# noqa`` on the statement (any of its lines) cover F401, the unused-import
    code: bare, or naming ``F401`` (or ``F4``, ``F``)?"""
    code = cst.Module([]).code_for_node(line)
    if "noqa" not in code.lower():
        return False
    for match in _NOQA_RE.finditer(code):
        codes = match.group("codes")
        if codes is None:
            return True
        if any("F401".startswith(c.upper()) for c in re.split(r"[,\s]+", codes) if c):
            return True
    return False


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
    module: cst.Module, gone: set[str], qualified: frozenset[str]
) -> tuple[cst.Module, int]:
    """Drop the import bindings of local names in ``gone`` (names a fix left without
    any use) that bind one of the ``qualified`` names. Returns the module and the
    number of names removed."""
    if not qualified or not gone:
        return module, 0
    remover = _ImportRemover({name: qualified for name in gone})
    body, carry, changed = remover.body(module.body)
    if not changed:
        return module, 0
    if body and module.body and body[0] is not module.body[0] and not module.header:
        # the file's first statement went: its successor must not open the file with blank lines
        lines = list(body[0].leading_lines)
        while lines and lines[0].comment is None:
            lines.pop(0)
        body = [body[0].with_changes(leading_lines=lines), *body[1:]]
    return module.with_changes(body=body, footer=[*carry, *module.footer]), remover.removed


def add_import_from(
    module: cst.Module, from_module: str, name: str, asname: str | None = None, *, near: bool = False,
    first_party: Callable[[str], bool] | None = None,
) -> cst.Module:
    """Ensure ``from <from_module> import <name>`` (``as <asname>`` when given) at the
    top level of the module.

    Nothing changes when the name is already imported so; otherwise the name joins
    an existing ``from <from_module> import ...`` (in its layout: one name per line in
    a parenthesized list; not one with a comment among its names): one of the leading
    imports, or a later top-level one when code sits above it (``warnings.filterwarnings``)
    and no statement before it mentions the name; or a new statement goes
    after the module's leading imports (after its docstring and ``__future__`` imports when
    there are no others). A renamed name (``status as http_status``) gets a statement of
    its own, right after the module's other ``from <from_module> import``, as isort and
    ruff place it by default. With ``near``, a new statement goes where an import sorter
    would put it: among the leading imports of the same package when there are some, in
    module-name order (``from fastapi import status`` before ``from fastapi.responses
    import ...``); for a module of the standard library, among those of the standard
    library (``import`` statements first), or in a group of its own above the others; for
    another, when ``first_party`` tells the project's modules, among the third-party
    imports, or in a group of its own above the project's.
    """
    if asname == name:
        asname = None

    def new_alias() -> cst.ImportAlias:
        if asname is None:
            return cst.ImportAlias(name=cst.Name(name))
        return cst.ImportAlias(name=cst.Name(name), asname=cst.AsName(name=cst.Name(asname)))

    body = list(module.body)
    insert_at = 0
    package = from_module.partition(".")[0]
    same_package: list[tuple[int, str]] = []  # (index, module) of leading imports from the package
    standard: list[tuple[int, tuple[bool, str]]] = []  # (index, sort key) of standard library imports
    third_party: list[tuple[int, tuple[bool, str]]] = []  # (index, sort key) of third-party ones
    first_project: int | None = None  # the first leading import of a project module
    first_import: int | None = None  # the first leading import (after `__future__` ones)
    after_same_module: int | None = None  # just after the last `from <from_module> import ...`
    for index, stmt in enumerate(body):
        if not isinstance(stmt, cst.SimpleStatementLine):
            break
        small = stmt.body[0] if len(stmt.body) == 1 else None
        imported = _imported_module(small)
        if isinstance(small, cst.ImportFrom) and small.relative and first_project is None:
            first_project = index  # (`from . import x`: the project's, sorted last)
        if imported is not None and imported != "__future__":
            if first_import is None:
                first_import = index
            if imported.partition(".")[0] == package:
                same_package.append((index, imported))
            key = (isinstance(small, cst.ImportFrom), imported.lower())
            if imported.partition(".")[0] in sys.stdlib_module_names:
                standard.append((index, key))
            elif first_party is not None and first_party(imported):
                first_project = index if first_project is None else first_project
            elif first_party is not None:
                third_party.append((index, key))
        if isinstance(small, cst.ImportFrom) and not small.relative and small.module is not None:
            if dotted_name(small.module) == from_module and not isinstance(small.names, cst.ImportStar):
                for alias in small.names:
                    if dotted_name(alias.name) == name and _asname(alias) == asname:
                        return module
                merged = _with_alias(small, new_alias()) if asname is None else None
                if merged is not None:
                    body[index] = stmt.with_changes(body=[merged])
                    return module.with_changes(body=body)
                after_same_module = index + 1
            insert_at = index + 1
        elif isinstance(small, cst.Import):
            insert_at = index + 1
        elif index == 0 and isinstance(small, cst.Expr) and isinstance(
            small.value, (cst.SimpleString, cst.ConcatenatedString)
        ):
            insert_at = 1  # the docstring
        else:
            break
    else:
        index = len(body)
    parts = from_module.split(".")
    module_expr: cst.Attribute | cst.Name = cst.Name(parts[0])
    for part in parts[1:]:
        module_expr = cst.Attribute(value=module_expr, attr=cst.Name(part))
    new = cst.SimpleStatementLine(body=[cst.ImportFrom(module=module_expr, names=[new_alias()])])
    if after_same_module is None:
        # code above the module's other imports (`warnings.filterwarnings(...)`, `sys.path`
        # edits): a later `from <from_module> import ...` is the place if it comes before
        # the first statement using the name, not a new statement above that code
        later = _later_import_from(body, index, from_module, asname or name)
        if later is not None:
            stmt = body[later]
            for alias in stmt.body[0].names:
                if dotted_name(alias.name) == name and _asname(alias) == asname:
                    return module
            merged = _with_alias(stmt.body[0], new_alias()) if asname is None else None
            if merged is not None:
                body[later] = stmt.with_changes(body=[merged])
                return module.with_changes(body=body)
            after_same_module = later + 1
    if after_same_module is not None:
        body.insert(after_same_module, new)
        return module.with_changes(body=body)
    if near and same_package:  # (in module-name order)
        return _insert_in_group(module, body, same_package, from_module, None, new)
    if near and package in sys.stdlib_module_names and first_import is not None:
        return _insert_in_group(module, body, standard, (True, from_module.lower()), first_import, new)
    if near and first_party is not None and not first_party(from_module):  # a third-party module
        if third_party or first_project is not None:
            return _insert_in_group(module, body, third_party, (True, from_module.lower()), first_project, new)
        if standard:  # a group of its own, below the standard library's
            insert_at = standard[-1][0] + 1
            new = new.with_changes(leading_lines=[cst.EmptyLine()])
    body.insert(insert_at, new)
    return module.with_changes(body=body)


def _later_import_from(body: list, start: int, from_module: str, bound: str) -> int | None:
    """The index of the first top-level ``from <from_module> import ...`` at or after
    ``body[start]`` and before the first statement that mentions ``bound``; None if none."""
    for index in range(start, len(body)):
        stmt = body[index]
        small = stmt.body[0] if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1 else None
        if (
            isinstance(small, cst.ImportFrom)
            and not small.relative
            and small.module is not None
            and not isinstance(small.names, cst.ImportStar)
            and dotted_name(small.module) == from_module
        ):
            return index
        if _mentions(stmt, bound):
            return None
    return None


def _mentions(node: cst.CSTNode, name: str) -> bool:
    """True when ``name`` appears as a name anywhere in ``node``."""
    finder = _NameFinder(name)
    node.visit(finder)
    return finder.found


class _NameFinder(cst.CSTVisitor):
    def __init__(self, name: str) -> None:
        self.name = name
        self.found = False

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self.found:
            return False
        if isinstance(node, cst.Name) and node.value == self.name:
            self.found = True
        return True


def _insert_in_group(
    module: cst.Module, body: list, group: list[tuple[int, Any]], key: Any, above: int | None,
    new: cst.SimpleStatementLine,
) -> cst.Module:
    """``new`` (sorting as ``key``) among the leading imports of ``group`` ((index, key) of
    each, in order), where an import sorter puts it: before the first that sorts after it
    (taking over the blank lines above that one), else after the last; with none, in a
    group of its own right above ``body[above]``."""
    later = [index for index, other in group if other > key]
    if later:
        return _insert_before(module, body, later[0], new)
    if group:
        body.insert(group[-1][0] + 1, new)
        return module.with_changes(body=body)
    module = _insert_before(module, body, above, new)  # type: ignore[arg-type]
    body = list(module.body)
    body[above + 1] = body[above + 1].with_changes(leading_lines=[cst.EmptyLine()])  # type: ignore[operator]
    return module.with_changes(body=body)


def _insert_before(module: cst.Module, body: list, index: int, new: cst.SimpleStatementLine) -> cst.Module:
    """``new`` inserted before ``body[index]``, taking over the blank lines above it."""
    body.insert(index, new.with_changes(leading_lines=body[index].leading_lines))
    body[index + 1] = body[index + 1].with_changes(leading_lines=[])
    return module.with_changes(body=body)


def _with_alias(small: cst.ImportFrom, alias: cst.ImportAlias) -> cst.ImportFrom | None:
    """``small`` with ``alias`` added in its own layout (a parenthesized list keeps one name
    per line, and its trailing comma); None when a comment sits among the names of a
    parenthesized list (the separator copied from the names before would copy it too).

    Where the names are in isort's and ruff's default order (:func:`_member_key`), the new
    one takes its place in it, so that an import sorter finds nothing to redo; else it goes
    last."""
    names = list(small.names)
    if small.lpar is not None and _has_comment(small):
        return None
    one_space = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    separator = names[-2].comma if small.lpar is not None and len(names) > 1 else one_space
    keys = [_member_key(existing) for existing in names]
    at = len(names)
    if keys == sorted(keys):
        at = bisect.bisect_right(keys, _member_key(alias))
    if at < len(names):  # before a name: it takes the separator, the others keep theirs
        names.insert(at, alias.with_changes(comma=separator))
        return small.with_changes(names=names)
    last = names[-1]
    if small.lpar is not None and isinstance(last.comma, cst.Comma):  # the new last name keeps a trailing comma
        alias = alias.with_changes(comma=last.comma)
    return small.with_changes(names=[*names[:-1], last.with_changes(comma=separator), alias])


def _member_key(alias: cst.ImportAlias) -> tuple[int, str, str]:
    """The order of ``from m import ...`` names that isort and ruff keep by default (order by
    type): CONSTANTS, then Classes, then the rest, each case-insensitively."""
    name = dotted_name(alias.name)
    if name.isupper() and len(name) > 1:
        rank = 0
    elif name[:1].isupper():
        rank = 1
    else:
        rank = 2
    return rank, name.lower(), name


def _imported_module(small: cst.BaseSmallStatement | None) -> str | None:
    """The module an absolute ``import m`` / ``from m import ...`` statement imports."""
    if isinstance(small, cst.ImportFrom) and not small.relative and small.module is not None:
        return dotted_name(small.module)
    if isinstance(small, cst.Import) and len(small.names) == 1:
        return dotted_name(small.names[0].name)
    return None


def _asname(alias: cst.ImportAlias) -> str | None:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return None

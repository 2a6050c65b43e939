"""Suppression comments, as flake8 reads them.

``# noqa`` silences every finding on its line, ``# noqa: LL101,LL105`` (commas
or spaces) only those codes (a finding whose statement runs on through a string over
several lines or a backslash: also the comment of the line where that ends); ``# layerlint: noqa`` anywhere in a file silences
the whole file, ``# layerlint: noqa: LL301`` only those codes in it. A line that
is only ``# flake8: noqa`` (flake8's own file-level switch, which ruff honours
too) silences the whole file, so that the CLI and the flake8 plugin agree.
"""

from __future__ import annotations

import ast
import bisect
import io
import re
import tokenize
from typing import Callable, Iterator

from layerlint.diagnostics import Diagnostic

_LINE_RE = re.compile(r"#\s*noqa(?::[\s]?(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)
_FILE_RE = re.compile(
    r"#\s*layerlint\s*:\s*noqa(?:\s*:\s*(?P<codes>[A-Z]+[0-9]+(?:[,\s]+[A-Z]+[0-9]+)*))?", re.IGNORECASE
)
# flake8's own test: a line that is only the comment (with codes, flake8 does not skip the file)
_FLAKE8_FILE_RE = re.compile(r"^[ \t]*#[ \t]*flake8[:=][ \t]*noqa[ \t]*$", re.IGNORECASE | re.MULTILINE)
_SPLIT_RE = re.compile(r"[,\s]+")
ALL = None  # marker: every code


def _codes(text: str | None) -> frozenset[str] | None:
    if not text:
        return ALL
    return frozenset(c.upper() for c in _SPLIT_RE.split(text.strip()) if c)


def file_suppression(source: str) -> frozenset[str] | None | bool:
    """False when the file has no ``# layerlint: noqa`` (nor a ``# flake8: noqa`` line); None
    for all codes; else the codes."""
    match = _FILE_RE.search(source) if "layerlint" in source else None
    if match is None:
        return ALL if "flake8" in source and _FLAKE8_FILE_RE.search(source) else False
    return _codes(match.group("codes"))


def _matches(code: str, codes: frozenset[str]) -> bool:
    return any(code.startswith(c) for c in codes)


def _may_hold_noqa(source: str) -> bool:
    # bytes.lower() is about twice as fast as str.lower() on ASCII, and much faster on other
    # text; it lowers ASCII letters only, and no other character lowers to one of "noqa"
    return b"noqa" in source.encode("utf-8", "surrogatepass").lower()


def apply_noqa(
    diagnostics: list[Diagnostic],
    source: str,
    lines: list[str] | Callable[[], list[str]],
    tree: ast.Module | None = None,
) -> list[Diagnostic]:
    """Drop the diagnostics that a noqa comment silences (``lines``: the source's lines, or
    what gives them: a file without ``noqa`` never needs them; ``tree``: the source's, when
    it parses, which finds the statement of a noqa comment after several lines)."""
    if not diagnostics or not _may_hold_noqa(source):  # (a file suppression spells noqa too)
        return diagnostics
    whole = file_suppression(source)
    if whole is not False:
        if whole is ALL:
            return []
        diagnostics = [d for d in diagnostics if not _matches(d.code, whole)]
    if callable(lines):
        lines = lines()
    kept = []
    per_line: dict[int, frozenset[str] | None | bool] = {}
    joined: dict[int, tuple[int, int]] | None = None  # (read once, when a finding needs it)
    for d in diagnostics:
        if d.line not in per_line:
            per_line[d.line] = _line_rule(lines[d.line - 1] if 0 < d.line <= len(lines) else "")
        rule = per_line[d.line]
        if rule is False:
            if joined is None:
                joined = _joined_lines(source, lines, tree)
            span = joined.get(d.line)
            if span is not None:
                rule = _span_rule(lines, span)
        if rule is False or (rule is not ALL and not _matches(d.code, rule)):
            kept.append(d)
    return kept


def _line_rule(text: str) -> frozenset[str] | None | bool:
    match = _LINE_RE.search(text) if "#" in text else None
    return False if match is None else _codes(match.group("codes"))


def _span_rule(lines: list[str], span: tuple[int, int]) -> frozenset[str] | None | bool:
    """The first noqa comment of lines that flake8 reads as one (its text joined)."""
    for number in range(span[0], span[1] + 1):
        rule = _line_rule(lines[number - 1])
        if rule is not False:
            return rule
    return False


def _joined_lines(source: str, lines: list[str], tree: ast.Module | None) -> dict[int, tuple[int, int]]:
    """Each line of a run of lines that flake8 reads together for ``noqa`` (the tokens
    between two ends of line: a string over several lines, a backslash) -> the run's first
    and last line; runs of one line are left out. Only the statements whose noqa comment
    may end such a run are tokenized: a comment on a line holding triple quotes, or after
    a backslash (tokenizing every file that spells noqa would cost 1.6% of a run)."""
    runs: dict[int, tuple[int, int]] = {}
    if tree is None:
        return runs
    done: set[tuple[int, int]] = set()  # (review 124: a statement tokenized once per noqa line)
    starts: dict[int, list[int]] = {}  # first lines of each block searched (review 126)
    for number in _noqa_lines(source, lines):
        if number not in runs and _may_end_a_run(lines, number):
            span = _statement_lines(tree.body, number, lines, starts)
            if span is not None and span not in done:
                done.add(span)
                runs.update(_runs(lines, *span))
    return runs


def _statement_lines(
    body: list[ast.stmt], line: int, lines: list[str], starts: dict[int, list[int]]
) -> tuple[int, int] | None:
    """The lines to tokenize for a noqa comment on ``line``: the innermost simple statement
    holding it; a compound statement's header (decorators to the line before its body, or
    to the body's first line where the body starts on the header's: ``if f(...): pass``);
    the whole compound statement where the line is in none of its blocks (an ``except`` or
    ``case`` header). A statement starting on the line where its header ends starts there."""
    header_first = None
    while True:
        index = _holding(body, line, starts)
        if index is None:
            return None
        stmt = body[index]
        first = _first_line(stmt)
        # (`HELP = f("""...\n"""); DEFAULT = None  # noqa`: from the statement the line's
        # earlier ones start in; review 128)
        while index > 0 and _after_code(lines, body[index]) and _last_line(body[index - 1]) >= body[index].lineno:
            index -= 1
            first = min(first, _first_line(body[index]))
        if header_first is not None and _after_code(lines, body[index]):
            first = header_first
        blocks = sorted((block for block in _blocks(stmt) if block), key=lambda block: block[0].lineno)
        if not blocks:
            return first, _last_line(stmt)
        opening = blocks[0][0]  # (the blocks in source order)
        if line < opening.lineno:
            return first, max(first, opening.lineno - (0 if _after_code(lines, opening) else 1))
        block = next((block for block in reversed(blocks) if block[0].lineno <= line), blocks[0])
        if _holding(block, line, starts) is None:
            return first, _last_line(stmt)
        body = block
        header_first = first


def _holding(body: list[ast.stmt], line: int, starts: dict[int, list[int]]) -> int | None:
    """The index of the statement of ``body`` (in source order) whose lines hold ``line``,
    by bisection (the last one starting there, when several share the line)."""
    firsts = starts.get(id(body))
    if firsts is None:
        firsts = starts[id(body)] = [_first_line(stmt) for stmt in body]
    index = bisect.bisect_right(firsts, line) - 1
    if index >= 0 and line <= _last_line(body[index]):
        return index
    return None


def _first_line(stmt: ast.stmt) -> int:
    return min([stmt.lineno, *(d.lineno for d in getattr(stmt, "decorator_list", ()))])


def _last_line(stmt: ast.stmt) -> int:
    return stmt.end_lineno or stmt.lineno


def _after_code(lines: list[str], stmt: ast.stmt) -> bool:
    """Does the statement start after other code on its line (``if x: pass``, ``a; b``)?"""
    text = lines[stmt.lineno - 1] if 0 < stmt.lineno <= len(lines) else ""
    return bool(text[: stmt.col_offset].strip())


def _blocks(stmt: ast.stmt) -> list[list[ast.stmt]]:
    blocks = [getattr(stmt, name, None) or [] for name in ("body", "orelse", "finalbody")]
    blocks += [handler.body for handler in getattr(stmt, "handlers", ())]
    blocks += [case.body for case in getattr(stmt, "cases", ())]
    return blocks


def _runs(lines: list[str], first: int, last: int) -> dict[int, tuple[int, int]]:
    """flake8's runs of lines ``first`` to ``last`` (a statement, tokenized alone, its
    first line's indentation taken off every line that has it)."""
    chosen = [line.rstrip("\r\n") for line in lines[first - 1:last]]
    indent = chosen[0][: len(chosen[0]) - len(chosen[0].lstrip())] if chosen else ""
    if indent:
        chosen = [line[len(indent):] if line.startswith(indent) else line for line in chosen]
    text = "\n".join(chosen)
    runs: dict[int, tuple[int, int]] = {}
    start, end = last + 2, -1
    offset = first - 1
    try:
        for token in tokenize.generate_tokens(io.StringIO(text + "\n").readline):
            kind = token.type
            if kind == tokenize.ENDMARKER or kind == tokenize.DEDENT:
                continue
            start, end = min(start, token.start[0] + offset), max(end, token.end[0] + offset)
            if kind == tokenize.NL or kind == tokenize.NEWLINE:
                if end > start:
                    runs.update(dict.fromkeys(range(start, end + 1), (start, end)))
                start, end = last + 2, -1
    except (tokenize.TokenError, SyntaxError, ValueError):
        return {}  # (what does not tokenize: each line read alone)
    return runs


def _noqa_lines(source: str, lines: list[str]) -> Iterator[int]:
    """The numbers of the lines holding a noqa comment, in order."""
    if "\r" in source:  # (lines counted as Python counts them)
        yield from (number for number, text in enumerate(lines, 1) if _line_rule(text) is not False)
        return
    line, at = 1, 0
    for match in _LINE_RE.finditer(source):
        line += source.count("\n", at, match.start())
        at = match.start()
        yield line


def _may_end_a_run(lines: list[str], number: int) -> bool:
    text = lines[number - 1] if 0 < number <= len(lines) else ""
    before = lines[number - 2] if 1 < number <= len(lines) + 1 else ""
    return '"""' in text or "'''" in text or before.rstrip().endswith("\\")

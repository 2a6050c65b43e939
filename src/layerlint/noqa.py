"""Suppression comments, as flake8 reads them.

``# noqa`` silences every finding on its line, ``# noqa: LL101,LL105`` (commas
or spaces) only those codes (a finding whose statement runs on through a string over
several lines or a backslash: also the comment of the line where that ends); ``# layerlint: noqa`` anywhere in a file silences
the whole file, ``# layerlint: noqa: LL301`` only those codes in it. A line that
is only ``# flake8: noqa`` (flake8's own file-level switch, which ruff honours
too) silences the whole file, so that the CLI and the flake8 plugin agree.
"""

from __future__ import annotations

import re
from typing import Callable

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
    diagnostics: list[Diagnostic], source: str, lines: list[str] | Callable[[], list[str]]
) -> list[Diagnostic]:
    """Drop the diagnostics that a noqa comment silences (``lines``: the source's lines, or
    what gives them: a file without ``noqa`` never needs them)."""
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
    for d in diagnostics:
        if d.line not in per_line:
            per_line[d.line] = _line_rule(lines[d.line - 1] if 0 < d.line <= len(lines) else "")
        rule = per_line[d.line]
        if rule is False and _may_continue(lines[d.line - 1] if 0 < d.line <= len(lines) else ""):
            rule = _continued_rule(lines, d.line, d.col)
        if rule is False or (rule is not ALL and not _matches(d.code, rule)):
            kept.append(d)
    return kept


def _line_rule(text: str) -> frozenset[str] | None | bool:
    match = _LINE_RE.search(text) if "#" in text else None
    return False if match is None else _codes(match.group("codes"))


def _may_continue(text: str) -> bool:
    return '"""' in text or "'''" in text or text.rstrip("\r\n").endswith("\\")


def _continued_rule(lines: list[str], line: int, col: int) -> frozenset[str] | None | bool:
    """The noqa of the first later line that the statement reaches through a string running
    over several lines or a backslash: ``text('''`` ... ``'''))  # noqa: LL106``, where
    flake8 and ruff read it too (a line broken inside brackets is not: flake8 reads each
    such line alone)."""
    last = _last_joined_line(lines, line, col)
    for number in range(line + 1, last + 1):
        rule = _line_rule(lines[number - 1])
        if rule is not False:
            return rule
    return False


_QUOTE_OR_COMMENT_RE = re.compile(r"\"\"\"|\'\'\'|[\"'#]")


def _last_joined_line(lines: list[str], line: int, col: int) -> int:
    """The last line of what starts at (``line``, ``col``), a token's start, up to the first
    end of line outside a string and not after a backslash."""
    index, pos, quote = line - 1, max(col - 1, 0), ""
    while index < len(lines):
        text = lines[index].rstrip("\r\n")
        while True:
            if not quote:
                match = _QUOTE_OR_COMMENT_RE.search(text, pos)
                if match is None or match.group() == "#":
                    if match is None and text.endswith("\\"):
                        break  # a backslash joins the next line
                    return index + 1
                quote, pos = match.group(), match.end()
            else:
                end = _closing_quote(text, pos, quote)
                if end < 0:
                    if len(quote) == 3 or text.endswith("\\"):
                        break  # the string goes on to the next line
                    return index + 1
                quote, pos = "", end
        index, pos = index + 1, 0
    return len(lines)


def _closing_quote(text: str, pos: int, quote: str) -> int:
    """Where the string ``quote`` opened ends on ``text`` after ``pos`` (the index past
    it), skipping escaped characters; -1 when it does not end there."""
    while True:
        found = text.find(quote, pos)
        escape = text.find("\\", pos)
        if found < 0:
            return -1
        if 0 <= escape < found:
            pos = escape + 2
            continue
        return found + len(quote)

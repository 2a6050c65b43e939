"""Where words are spelled in a source text, by line: what needles, router searches and
fix decisions look for before (or instead of) walking a tree.

Lines are counted as ``ast`` counts them when the text ends its lines with ``\\n`` or
``\\r\\n``; callers handle lone CRs themselves (see :func:`has_lone_cr`).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Iterator


def has_lone_cr(source: str) -> bool:
    """Does a lone ``\\r`` end a line (then counting ``\\n`` misnumbers the lines)?"""
    return "\r" in source and source.count("\r") != source.count("\r\n")


class WordIndex:
    """Where words occur in a text, each word searched once (``str.find``: a regex
    alternation of the words scans the text about twice as slowly): needles and the
    rename test before them read the same occurrences."""

    __slots__ = ("text", "_found", "_renamed")

    def __init__(self, text: str) -> None:
        self.text = text
        self._found: dict[str, list[int]] = {}
        self._renamed: dict[str, bool] = {}  # may_rename's answer per word

    def occurrences(self, word: str) -> list[int]:
        """Every offset where ``word`` occurs (inside longer words too; overlapping)."""
        found = self._found.get(word)
        if found is None:
            text = self.text
            found = self._found[word] = []
            at = text.find(word)
            while at >= 0:
                found.append(at)
                at = text.find(word, at + 1)  # (a word may overlap itself: `aa` in `aaa`)
        return found

    def word_end_positions(self, words: Iterable[str]) -> list[int]:
        """The offsets (sorted) where one of ``words`` occurs and no identifier character
        follows (``Response`` also in ``JSONResponse``)."""
        text = self.text
        size = len(text)
        found: list[int] = []
        for word in words:
            length = len(word)
            for at in self.occurrences(word):
                end = at + length
                if end >= size or not (text[end].isalnum() or text[end] == "_"):
                    found.append(at)
        found.sort()
        return found

    def lines_spelling(self, words: Iterable[str]) -> list[int]:
        """The lines (sorted, with repeats) where one of ``words`` ends a word."""
        return line_numbers(self.text, self.word_end_positions(words))

    def may_rename(self, words: Iterable[str]) -> bool:
        """Could an import bind a name ending with one of ``words`` to another local name?
        False when no occurrence of a word (inside a longer word too) is followed by ``as``;
        the text must be a :func:`names_text`."""
        renamed = self._renamed
        for word in words:
            found = renamed.get(word)
            if found is None:
                found = renamed[word] = self._followed_by_as(word)
            if found:
                return True
        return False

    def _followed_by_as(self, word: str) -> bool:
        text = self.text
        size = len(text)
        length = len(word)
        follows_as = _AS_AFTER_NAME_RE.match
        for at in self.occurrences(word):
            end = at + length
            # (most occurrences go on with `[`, `(`, `.` or `,`: no need to try the regex there)
            if end < size and text[end] in _MAY_START_AS and follows_as(text, end):
                return True
        return False


def line_numbers(source: str, positions: Iterable[int]) -> list[int]:
    """The 1-based line (counting ``\\n``) of each offset of ``positions``, which are sorted."""
    lines: list[int] = []
    line, counted = 1, 0
    for at in positions:
        line += source.count("\n", counted, at)
        counted = at
        lines.append(line)
    return lines


def names_text(source: str) -> str:
    """The text as Python reads names in it: NFKC-normalized (``ｄict`` is ``dict``) when
    it is not ASCII. Line breaks stay where they were."""
    return source if source.isascii() else unicodedata.normalize("NFKC", source)


# what follows a name an import renames: ``as`` after spaces, line breaks, backslashes and
# comments (``from fastapi import (APIRouter  # ...\n as Router)``)
_AS_AFTER_NAME_RE = re.compile(r"[ \t\f\r\n\\]*(?:#[^\n]*\n[ \t\f\r\n\\]*)*as(?!\w)")
_MAY_START_AS = frozenset(" \t\f\r\n\\#a")  # the characters a match of it can start with


_WORD_BYTE_RE = re.compile(rb"\w")


def line_heads(source: bytes, name: bytes) -> Iterator[tuple[bytes, int]]:
    """For each whole-word occurrence of ``name`` in ``source``: (what precedes it on its
    line; the offset just after it). What a text search for a name's bindings (``name =
    ...``, ``def name``) looks at."""
    at = source.find(name)
    while at != -1:
        end = at + len(name)
        if (at == 0 or not _WORD_BYTE_RE.match(source, at - 1)) and not _WORD_BYTE_RE.match(source, end):
            yield source[source.rfind(b"\n", 0, at) + 1:at], end
        at = source.find(name, end)

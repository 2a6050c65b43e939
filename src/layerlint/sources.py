"""The text of linted files, read again on demand for output and baselines.

Output formats that show the source line (``full``) and fingerprints (baseline,
GitLab, SARIF) need a finding's line. A file is read and decoded once, lazily; a
buffer linted from standard input is registered under its display path.
"""

from __future__ import annotations

from layerlint.cache import read_bytes
from layerlint.engine import decode_source


class SourceLines:
    def __init__(self) -> None:
        self._lines: dict[str, list[str]] = {}

    def add(self, path: str, text: str) -> None:
        """Register a buffer that is not (or not yet) on disk, e.g. standard input."""
        self._lines[path] = text.splitlines()

    def lines(self, path: str) -> list[str]:
        lines = self._lines.get(path)
        if lines is None:
            try:
                data = read_bytes(path)
            except OSError:
                data = b""
            try:
                text = decode_source(data)
            except (UnicodeDecodeError, SyntaxError, LookupError):
                text = data.decode("utf-8", errors="replace")
            lines = text.splitlines()
            self._lines[path] = lines
        return lines

    def line(self, path: str, number: int) -> str:
        """Line ``number`` (1-based) of ``path``; empty when out of range or unreadable."""
        lines = self.lines(path)
        return lines[number - 1] if 0 < number <= len(lines) else ""

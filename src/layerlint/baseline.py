"""A baseline of accepted findings, for adopting layerlint on legacy code.

``layerlint check --write-baseline FILE`` records today's findings;
``layerlint check --baseline FILE`` then reports only findings that are not in it.

A finding's identity is its *fingerprint*: a hash of the file's path (relative to
the baseline file's folder, so the baseline works from any working folder), the
rule code and the source line it points at, whitespace-normalised. The line
number is not part of it, so a finding keeps its identity when lines are inserted
or removed above it, or when its block is re-indented. A second finding with the
same fingerprint (the same line duplicated) is new: each baseline entry hides at
most one finding, the one nearest its recorded line. Entries that no longer match
anything (the finding was fixed) are simply unused, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from layerlint.config import ConfigError
from layerlint.diagnostics import Diagnostic
from layerlint.sources import SourceLines

FORMAT_VERSION = 1


class BaselineError(ConfigError):
    """An unreadable or malformed baseline file (exit status 2)."""


def normalized_line(text: str) -> str:
    return " ".join(text.split())


def fingerprint(path: str, code: str, line_text: str) -> str:
    """Stable identity of a finding: path (posix), code and normalised source line."""
    data = "\0".join((path, code, normalized_line(line_text))).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:20]


def relative_posix(path: str, base_dir: str) -> str:
    absolute = os.path.abspath(path)
    try:
        rel = os.path.relpath(absolute, base_dir)
    except ValueError:  # another drive on Windows
        rel = absolute
    return rel.replace(os.sep, "/")


def diagnostic_fingerprint(d: Diagnostic, sources: SourceLines, base_dir: str | None = None) -> str:
    path = relative_posix(d.path, base_dir or os.getcwd())
    return fingerprint(path, d.code, sources.line(d.path, d.line))


@dataclass(frozen=True)
class Entry:
    path: str
    code: str
    fingerprint: str
    line: int
    message: str


class Baseline:
    def __init__(self, entries: Iterable[Entry], base_dir: str) -> None:
        self.entries = list(entries)
        self.base_dir = base_dir

    # -- reading and writing ------------------------------------------------
    @classmethod
    def load(cls, file: str | os.PathLike[str]) -> Baseline:
        file = os.fspath(file)
        try:
            with open(file, encoding="utf-8") as fh:
                data = json.load(fh)
        except OSError as exc:
            raise BaselineError(f"{file}: cannot read baseline: {exc.strerror or exc}") from None
        except ValueError as exc:
            raise BaselineError(f"{file}: not a layerlint baseline (invalid JSON: {exc})") from None
        if not isinstance(data, dict) or data.get("layerlint-baseline") != FORMAT_VERSION:
            raise BaselineError(
                f"{file}: not a layerlint baseline (expected \"layerlint-baseline\": {FORMAT_VERSION}); "
                "write one with --write-baseline"
            )
        entries = []
        for index, raw in enumerate(data.get("findings", [])):
            try:
                entries.append(
                    Entry(str(raw["path"]), str(raw["code"]), str(raw["fingerprint"]), int(raw.get("line", 0)),
                          str(raw.get("message", "")))
                )
            except (KeyError, TypeError, ValueError):
                raise BaselineError(f"{file}: findings[{index}] needs path, code and fingerprint") from None
        return cls(entries, os.path.dirname(os.path.abspath(file)))

    @classmethod
    def from_diagnostics(cls, diagnostics: Iterable[Diagnostic], sources: SourceLines, file: str) -> Baseline:
        base_dir = os.path.dirname(os.path.abspath(file))
        entries = [
            Entry(relative_posix(d.path, base_dir), d.code, diagnostic_fingerprint(d, sources, base_dir), d.line,
                  d.message)
            for d in diagnostics
        ]
        return cls(entries, base_dir)

    def write(self, file: str | os.PathLike[str]) -> None:
        file = os.fspath(file)
        entries = sorted(self.entries, key=lambda e: (e.path, e.line, e.code, e.fingerprint))
        data = {
            "layerlint-baseline": FORMAT_VERSION,
            "findings": [
                {"path": e.path, "code": e.code, "line": e.line, "fingerprint": e.fingerprint, "message": e.message}
                for e in entries
            ],
        }
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        folder = os.path.dirname(os.path.abspath(file))
        try:
            fd, tmp = tempfile.mkstemp(prefix=".layerlint-baseline-", dir=folder)
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            os.replace(tmp, file)
        except OSError as exc:
            raise BaselineError(f"{file}: cannot write baseline: {exc.strerror or exc}") from None

    # -- matching ----------------------------------------------------------------
    def unrecorded(self, diagnostics: list[Diagnostic], text: str) -> list[Diagnostic]:
        """The findings of one file, whose current content is ``text``, that the baseline
        does not hide (what ``--fix`` may fix: a baselined finding is left as it is)."""
        if not diagnostics:
            return diagnostics
        sources = SourceLines()
        sources.add(diagnostics[0].path, text)
        return self.filter(diagnostics, sources)[0]

    def filter(self, diagnostics: list[Diagnostic], sources: SourceLines) -> tuple[list[Diagnostic], int]:
        """(findings not in the baseline, number hidden by it)."""
        recorded: dict[str, list[int]] = defaultdict(list)
        for entry in self.entries:
            recorded[entry.fingerprint].append(entry.line)
        groups: dict[str, list[int]] = defaultdict(list)
        for index, d in enumerate(diagnostics):
            groups[diagnostic_fingerprint(d, sources, self.base_dir)].append(index)
        hidden: set[int] = set()
        for key, indexes in groups.items():
            lines = sorted(recorded.get(key, ()))
            if len(lines) >= len(indexes):
                hidden.update(indexes)
                continue
            free = list(indexes)
            for line in lines:  # each entry hides the finding nearest its recorded line
                best = min(free, key=lambda i: (abs(diagnostics[i].line - line), diagnostics[i].line))
                free.remove(best)
                hidden.add(best)
        kept = [d for index, d in enumerate(diagnostics) if index not in hidden]
        return kept, len(hidden)

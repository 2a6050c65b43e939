"""Real code: lint every file of the corpus made by ../shared/corpus/fetch.sh.

No internal error on any file, and no LL001 on a file that Python parses.
Skipped (saying so) when the corpus is absent: a user's clone has no ../shared.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from layerlint.registry import all_codes
from layerlint.parallel import lint_files
from layerlint.runner import Overrides, discover

pytestmark = pytest.mark.corpus


def corpus_dir() -> Path | None:
    base = os.environ.get("LAYERLINT_CORPUS") or os.path.expanduser("~/.cache/layerlint-corpus")
    path = Path(base) / "src"
    return path if path.is_dir() and any(path.iterdir()) else None


CORPUS = corpus_dir()
needs_corpus = pytest.mark.skipif(
    CORPUS is None, reason="corpus not downloaded: run ../shared/corpus/fetch.sh (LAYERLINT_CORPUS=DIR)"
)


@needs_corpus
def test_whole_corpus_lints_without_internal_errors():
    overrides = Overrides(select=tuple(all_codes()))
    files = discover([str(CORPUS)], overrides).files
    assert len(files) > 5000
    internal, false_syntax_errors, unreadable = [], [], []
    for path, result in zip(files, lint_files(files, overrides, cache=False)):
        internal.extend(f"{e.path} {e.rule}: {e.error.splitlines()[-1]}" for e in result.errors)
        if result.read_error:
            unreadable.append(path)
        if any(d.code == "LL001" for d in result.diagnostics):
            try:
                ast.parse(Path(path).read_bytes())
                false_syntax_errors.append(path)
            except (SyntaxError, ValueError):
                pass
    assert not internal, internal[:10]
    assert not false_syntax_errors, false_syntax_errors[:10]
    assert not unreadable, unreadable[:10]


@needs_corpus
def test_needles_change_no_finding_on_real_code(monkeypatch):
    """Focusing the walk on the rules' needles (``Rule.needles``) finds exactly what the
    full walk finds, on every eighth file of the corpus (in this process: jobs=1)."""
    from layerlint import engine

    overrides = Overrides(select=tuple(all_codes()))
    files = discover([str(CORPUS)], overrides).files[::8]

    def findings(focus: bool) -> list[tuple]:
        monkeypatch.setattr(engine, "FOCUS", focus)
        return [
            (d.path, d.line, d.col, d.end_line, d.end_col, d.code, d.message, d.fix)
            for result in lint_files(files, overrides, jobs=1, cache=False)
            for d in result.diagnostics
        ]

    focused = findings(True)
    full = findings(False)
    assert len(focused) > 1000
    assert focused == full, sorted(set(focused) ^ set(full))[:10]

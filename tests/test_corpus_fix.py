"""`--fix --unsafe-fixes` over a copy of the whole real-world corpus (skipped, saying
so, when it is absent): every file that parsed still parses, no fixable finding is
left, and a second run changes nothing. scripts/corpus_fix_check.py prints the
counts per rule and the timing of the same run."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from layerlint.fixer import fix_files
from layerlint.fixes import is_applicable
from layerlint.runner import Overrides, discover
from test_corpus import CORPUS, needs_corpus

pytestmark = pytest.mark.corpus


@needs_corpus
def test_fix_the_whole_corpus(tmp_path):
    copy = tmp_path / "src"
    shutil.copytree(CORPUS, copy, symlinks=True)
    overrides = Overrides()
    files = discover([str(copy)], overrides).files
    parsed = {f for f in files if _parses(f)}
    first = fix_files(files, overrides, unsafe=True, jobs=None)
    assert not first.errors, first.errors[:3]
    assert sum(first.applied.values()) > 10_000
    broken = [f for f in parsed if not _parses(f)]
    assert not broken, broken[:10]
    left = [f"{d.path}:{d.line} {d.code}" for r in first.results for d in r.diagnostics if is_applicable(d, True)]
    assert not left, left[:10]
    second = fix_files(files, overrides, unsafe=True, jobs=None)
    assert not second.errors, second.errors[:3]
    assert not second.changed and not second.applied, [f.path for f in second.changed][:10]


def _parses(path: str) -> bool:
    try:
        ast.parse(Path(path).read_bytes())
        return True
    except (SyntaxError, ValueError):
        return False

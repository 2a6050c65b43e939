"""`--fix --unsafe-fixes` over a copy of the real-world corpus (skipped, saying so, when
it is absent): every file that parsed still parses, no fixable finding is left, and a
second run changes nothing.

The whole corpus is copied (what a fix reads of other files is the same as in a real
run), and every tenth file of it is fixed: the whole of it takes five minutes on a
two-core machine, most of CI's budget. LAYERLINT_CORPUS_FIX_ALL=1 fixes every file;
scripts/corpus_fix_check.py does too, and prints the counts per rule and the timing."""

from __future__ import annotations

import ast
import os
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
    assert len(files) > 5000
    if os.environ.get("LAYERLINT_CORPUS_FIX_ALL") != "1":
        files = files[::10]  # (in path order: every project of the corpus is in the sample)
    parsed = {f for f in files if _parses(f)}
    first = fix_files(files, overrides, unsafe=True, jobs=None)
    assert not first.errors, first.errors[:3]
    assert sum(first.applied.values()) > len(files) // 2  # (about 2.5 fixes a file on the corpus)
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

"""Fixes over a sample of the real-world corpus (skipped when it is absent):
every file still parses, a second run changes nothing, no fixable finding is left.
The full run, with counts and timing, is scripts/corpus_fix_check.py."""

from __future__ import annotations

import ast
import os
import shutil
from pathlib import Path

import pytest

from layerlint.fixer import fix_files
from layerlint.fixes import is_applicable
from layerlint.runner import Overrides

CORPUS = Path(os.environ.get("LAYERLINT_CORPUS") or os.path.expanduser("~/.cache/layerlint-corpus")) / "src"


@pytest.mark.corpus
def test_fix_sample_of_the_corpus(tmp_path):
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus at {CORPUS} (../shared/corpus/fetch.sh)")
    candidates = sorted(
        p for p in CORPUS.rglob("*.py") if "Optional[" in p.read_text(encoding="utf-8", errors="replace")
    )
    sample = candidates[:: max(1, len(candidates) // 60)]
    files = []
    for index, source in enumerate(sample):
        target = tmp_path / f"m{index}" / source.name
        target.parent.mkdir()
        shutil.copyfile(source, target)
        files.append(str(target))
    parsed = {f for f in files if _parses(f)}
    overrides = Overrides(select=("LL5",))
    first = fix_files(files, overrides, unsafe=True)
    assert not first.errors, first.errors[:3]
    assert sum(first.applied.values()) > 0
    assert all(_parses(f) for f in parsed)
    left = [f"{d.path}:{d.line} {d.code}" for r in first.results for d in r.diagnostics if is_applicable(d, True)]
    assert not left, left[:10]
    second = fix_files(files, overrides, unsafe=True)
    assert not second.changed and not second.applied


def _parses(path: str) -> bool:
    try:
        ast.parse(Path(path).read_bytes())
        return True
    except (SyntaxError, ValueError):
        return False

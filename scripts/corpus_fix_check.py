"""Run `--fix --unsafe-fixes` over a copy of the real-world corpus and check it.

    python scripts/corpus_fix_check.py [--select LL5] [--keep] [--sample 10] [CORPUS_DIR]

Copies CORPUS_DIR (default $LAYERLINT_CORPUS/src or ~/.cache/layerlint-corpus/src,
made by ../shared/corpus/fetch.sh) to a temporary folder, notes which files
Python parses, applies every fix (safe and unsafe) as `layerlint check --fix
--unsafe-fixes` does, then checks that

- every file that parsed before still parses;
- a second run changes nothing;
- no finding the rules marked fixable is left (the rule and its fixer agree);

and prints the fixes per rule, the files changed, the time taken, the errors
and warnings, and a sample of the changes (a unified diff per sampled file).
Exit status 1 when a check fails. The corpus itself is never touched.
"""

from __future__ import annotations

import argparse
import ast
import collections
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from layerlint.fixer import fix_files  # noqa: E402
from layerlint.fixes import is_applicable  # noqa: E402
from layerlint.runner import Overrides, discover  # noqa: E402


def default_corpus() -> Path:
    base = os.environ.get("LAYERLINT_CORPUS") or os.path.expanduser("~/.cache/layerlint-corpus")
    return Path(base) / "src"


def parses(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            ast.parse(fh.read())
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", type=Path, default=default_corpus())
    parser.add_argument("--select", help="comma-separated codes or prefixes (default: the default selection)")
    parser.add_argument("--safe-only", action="store_true", help="apply the safe fixes only")
    parser.add_argument("--keep", action="store_true", help="keep the fixed copy (its path is printed)")
    parser.add_argument("--sample", type=int, default=5, help="changed files shown as diffs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=None, help="processes (default: one per core)")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}: run ../shared/corpus/fetch.sh first", file=sys.stderr)
        return 2
    unsafe = not args.safe_only
    work = Path(tempfile.mkdtemp(prefix="layerlint-fix-corpus-"))
    copy = work / "src"
    try:
        shutil.copytree(args.corpus, copy, symlinks=True)
        select = Overrides.parse_codes(args.select, "--select") if args.select else None
        overrides = Overrides(select=select)
        files = discover([str(copy)], overrides).files
        parsed_before = {p for p in files if parses(p)}

        started = time.perf_counter()
        first = fix_files(files, overrides, unsafe=unsafe, write=True, jobs=args.jobs)
        first_time = time.perf_counter() - started
        started = time.perf_counter()
        second = fix_files(files, overrides, unsafe=unsafe, write=True, jobs=args.jobs)
        second_time = time.perf_counter() - started

        broken = sorted(p for p in parsed_before if not parses(p))
        left = collections.Counter(
            d.code for r in first.results for d in r.diagnostics if is_applicable(d, unsafe)
        )
        found_before = sum(first.applied.values()) + sum(len(r.diagnostics) for r in first.results)
        print(f"{len(files)} files ({len(parsed_before)} parse); corpus copy at {copy}")
        print(f"first run: {sum(first.applied.values())} fixes in {len(first.changed)} files, {first_time:.1f}s"
              f" ({found_before} findings before, {sum(len(r.diagnostics) for r in first.results)} after)")
        for code, n in sorted(first.applied.items()):
            print(f"  {code}: {n} fixes")
        print(f"second run: {sum(second.applied.values())} fixes in {len(second.changed)} files, {second_time:.1f}s")
        print(f"files that parsed and no longer do: {len(broken)}")
        for path in broken[:20]:
            print(f"  {os.path.relpath(path, copy)}")
        print(f"fixable findings left after the first run: {sum(left.values())} {dict(left)}")
        for run, name in ((first, "first"), (second, "second")):
            for error in run.errors[:20]:
                print(f"ERROR ({name} run) {error}")
            warnings = run.warnings
            if warnings:
                print(f"{len(warnings)} warnings ({name} run), e.g.:")
                for warning in warnings[:10]:
                    print(f"  {warning}")
        changed = first.changed
        rng = random.Random(args.seed)
        for fix in sorted(rng.sample(changed, min(args.sample, len(changed))), key=lambda f: f.path):
            print()
            print(fix.diff()[:4000])
        ok = not broken and not second.changed and not first.errors and not second.errors and not left
        print("\nOK" if ok else "\nFAILED")
        return 0 if ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

"""Lint the real-world corpus and report findings per rule, with a sample of each.

    python scripts/corpus_report.py [--select LL2] [--sample 8] [CORPUS_DIR]

CORPUS_DIR defaults to $LAYERLINT_CORPUS/src or ~/.cache/layerlint-corpus/src
(made by ../shared/corpus/fetch.sh). Prints, per rule: the count, then a random
but repeatable sample of locations with their source line, for reading by hand.
Also reports internal errors and LL001 on files that Python itself parses.
"""

from __future__ import annotations

import argparse
import ast
import collections
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from layerlint.parallel import lint_files  # noqa: E402
from layerlint.runner import Overrides, discover  # noqa: E402


def default_corpus() -> Path:
    base = os.environ.get("LAYERLINT_CORPUS") or os.path.expanduser("~/.cache/layerlint-corpus")
    return Path(base) / "src"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", type=Path, default=default_corpus())
    parser.add_argument("--select", help="comma-separated codes or prefixes (default: every rule, opt-in ones too)")
    parser.add_argument("--sample", type=int, default=8, help="locations shown per rule")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}: run ../shared/corpus/fetch.sh first", file=sys.stderr)
        return 2
    from layerlint.registry import all_codes

    select = Overrides.parse_codes(args.select, "--select") if args.select else tuple(all_codes())
    overrides = Overrides(select=select)
    started = time.perf_counter()
    files = discover([str(args.corpus)], overrides).files
    by_code: dict[str, list] = collections.defaultdict(list)
    errors = []
    for path, result in zip(files, lint_files(files, overrides, cache=False)):
        errors.extend(result.errors)
        for d in result.diagnostics:
            by_code[d.code].append((path, d))
    elapsed = time.perf_counter() - started
    print(f"{len(files)} files in {elapsed:.1f}s; {sum(map(len, by_code.values()))} findings; "
          f"{len(errors)} internal errors")
    rng = random.Random(args.seed)
    for code in sorted(by_code):
        found = by_code[code]
        if code == "LL001":
            found = [(p, d) for p, d in found if _python_parses(p)]
            print(f"\n{code}: {len(found)} on files that Python parses")
        else:
            print(f"\n{code}: {len(found)}")
        for path, d in sorted(rng.sample(found, min(args.sample, len(found))), key=lambda x: x[1].sort_key()):
            line = _line(path, d.line)
            print(f"  {os.path.relpath(path, args.corpus)}:{d.line}:{d.col}: {d.message}\n      {line}")
    for error in errors[:20]:
        print(f"\nINTERNAL ERROR {error.rule} {error.path}\n{error.error}")
    return 0


def _line(path: str, number: int) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace").splitlines()[number - 1].strip()[:160]
    except (OSError, IndexError):
        return ""


def _python_parses(path: str) -> bool:
    try:
        ast.parse(Path(path).read_bytes())
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False


if __name__ == "__main__":
    sys.exit(main())

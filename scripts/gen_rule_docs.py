#!/usr/bin/env python3
"""Generate docs/rules/LLxxx.md and docs/rules/README.md from the rule docstrings.

    python scripts/gen_rule_docs.py           # write the pages (and delete stale ones)
    python scripts/gen_rule_docs.py --check   # exit 1 when the committed pages are stale

tests/test_rule_docs.py runs the check, so regenerate after adding or editing a rule.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))  # this checkout's rules, whatever is installed

from layerlint.ruledocs import pages  # noqa: E402

DOCS = ROOT / "docs" / "rules"


def stale(docs: Path = DOCS) -> list[str]:
    """Names of pages that are missing, different or no longer generated."""
    expected = pages()
    present = {p.name for p in docs.glob("*.md")} if docs.is_dir() else set()
    out = [name for name, text in expected.items() if not (docs / name).is_file()
           or (docs / name).read_text(encoding="utf-8") != text]
    out += sorted(present - set(expected))
    return sorted(out)


def write(docs: Path = DOCS) -> list[str]:
    docs.mkdir(parents=True, exist_ok=True)
    expected = pages()
    changed = stale(docs)
    for name in changed:
        path = docs / name
        if name in expected:
            path.write_text(expected[name], encoding="utf-8", newline="\n")
        else:
            path.unlink()
    return changed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report stale pages (exit 1 if any)")
    args = parser.parse_args()
    if args.check:
        names = stale()
        for name in names:
            print(f"stale: docs/rules/{name}")
        return 1 if names else 0
    for name in write():
        print(f"wrote docs/rules/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``--statistics``: how many findings of each code, most frequent first."""

from __future__ import annotations

import json
from collections import Counter
from typing import Iterable

from layerlint.diagnostics import Diagnostic
from layerlint.registry import all_rules


def counts(diagnostics: Iterable[Diagnostic]) -> list[tuple[str, int]]:
    counter = Counter(d.code for d in diagnostics)
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


def render_text(diagnostics: Iterable[Diagnostic]) -> str:
    rules = all_rules()
    rows = counts(diagnostics)
    if not rows:
        return ""
    width = max(len(str(n)) for _, n in rows)
    return "".join(
        f"{n:>{width}}  {code}  {rules[code].name if code in rules else ''}".rstrip() + "\n" for code, n in rows
    )


def render_json(diagnostics: Iterable[Diagnostic]) -> str:
    rules = all_rules()
    data = [
        {"code": code, "name": rules[code].name if code in rules else None, "count": n}
        for code, n in counts(diagnostics)
    ]
    return json.dumps(data, indent=2) + "\n"

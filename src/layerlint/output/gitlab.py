"""``gitlab``: a GitLab Code Quality report (a JSON list of issues), shown in the
merge request widget and diff when the job declares it as
``artifacts:reports:codequality``::

    [{"type": "issue", "check_name": "LL101", "description": "LL101 routes ...",
      "categories": ["Style"], "severity": "major",
      "fingerprint": "...", "location": {"path": "app/routes/admin.py",
      "lines": {"begin": 9, "end": 9}}}]

Paths are relative to ``$CI_PROJECT_DIR`` when set, else to the working folder.
The fingerprint is the baseline fingerprint (path, code, normalised source line),
made unique per occurrence so that two identical findings stay two issues.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from typing import Any, Iterable

from layerlint.baseline import diagnostic_fingerprint
from layerlint.diagnostics import Diagnostic
from layerlint.output.common import relative_to
from layerlint.sources import SourceLines


def render(diagnostics: Iterable[Diagnostic], sources: SourceLines, *, color: bool = False) -> str:
    base = os.environ.get("CI_PROJECT_DIR") or os.getcwd()
    seen: Counter[str] = Counter()
    issues: list[dict[str, Any]] = []
    for d in diagnostics:
        stable = diagnostic_fingerprint(d, sources, base)
        seen[stable] += 1
        unique = hashlib.sha256(f"{stable}:{seen[stable]}".encode()).hexdigest()[:32]
        issues.append(
            {
                "type": "issue",
                "check_name": d.code,
                "description": f"{d.code} {d.message}",
                "categories": ["Style"],
                "severity": "major",
                "fingerprint": unique,
                "location": {
                    "path": relative_to(d.path, base),
                    "lines": {"begin": d.line, "end": max(d.end_line, d.line)},
                },
            }
        )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"

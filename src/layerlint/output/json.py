"""``json``: a list with ruff's JSON field layout, so tools that read
``ruff check --output-format json`` read layerlint too::

    [{"cell": null, "code": "LL101", "end_location": {"column": 54, "row": 9},
      "filename": "/abs/app/routes/admin.py", "fix": null,
      "location": {"column": 1, "row": 9}, "message": "...", "noqa_row": 9,
      "url": null}]

``filename`` is absolute (as ruff's); columns are 1-based characters and the end
is exclusive; ``fix`` is ``null`` when the finding has no fix; ``url`` is the rule's
documentation page when the package declares one (see ``layerlint.ruledocs``).
"""

from __future__ import annotations

import json
import os
from typing import Any, Iterable

from layerlint.diagnostics import Diagnostic
from layerlint.output.common import fix_json
from layerlint.ruledocs import rule_url


def diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    return {
        "cell": None,
        "code": d.code,
        "end_location": {"column": d.end_col, "row": d.end_line},
        "filename": os.path.abspath(d.path),
        "fix": fix_json(d),
        "location": {"column": d.col, "row": d.line},
        "message": d.message,
        "noqa_row": d.line,
        "url": rule_url(d.code),
    }


def render(diagnostics: Iterable[Diagnostic], sources: object = None, *, color: bool = False) -> str:
    return json.dumps([diagnostic_json(d) for d in diagnostics], indent=2, ensure_ascii=False) + "\n"

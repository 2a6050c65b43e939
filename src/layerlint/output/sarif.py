"""``sarif``: a SARIF 2.1.0 log, as GitHub code scanning accepts it.

One run; its tool driver lists every registered rule (id, name, short and full
description, help as text and Markdown, help URI when known) and each result
points at its rule (``ruleId``/``ruleIndex``) with a physical location. Paths are
relative URIs against ``%SRCROOT%`` (``$GITHUB_WORKSPACE`` on GitHub Actions, else
the working folder), which is also given as an absolute ``file:`` URI; columns
count Unicode code points. Each result carries the baseline fingerprint.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

from layerlint import __version__
from layerlint.baseline import diagnostic_fingerprint
from layerlint.diagnostics import Diagnostic
from layerlint.output.common import relative_to
from layerlint.registry import all_rules
from layerlint.ruledocs import explanation, family, home_url, rule_url
from layerlint.sources import SourceLines

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"


def _base() -> str:
    return os.path.abspath(os.environ.get("GITHUB_WORKSPACE") or os.getcwd())


def _rule_descriptor(cls: Any) -> dict[str, Any]:
    doc = explanation(cls)
    descriptor: dict[str, Any] = {
        "id": cls.code,
        "name": cls.name,
        "shortDescription": {"text": cls.summary},
        "fullDescription": {"text": f"{cls.code} {cls.name}: {cls.summary}"},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": [family(cls)]},
    }
    url = rule_url(cls.code)
    if url:
        descriptor["helpUri"] = url
    return descriptor


def _location(d: Diagnostic, base: str) -> dict[str, Any]:
    rel = relative_to(d.path, base)
    if os.path.isabs(rel):
        artifact = {"uri": Path(rel).as_uri()}
    else:
        artifact = {"uri": quote(rel), "uriBaseId": SRCROOT}
    return {
        "physicalLocation": {
            "artifactLocation": artifact,
            "region": {
                "startLine": d.line,
                "startColumn": d.col,
                "endLine": max(d.end_line, d.line),
                "endColumn": max(d.end_col, 1),
            },
        }
    }


def render(diagnostics: Iterable[Diagnostic], sources: SourceLines, *, color: bool = False) -> str:
    rules = all_rules()
    codes = list(rules)
    index = {code: i for i, code in enumerate(codes)}
    base = _base()
    results = []
    for d in diagnostics:
        result: dict[str, Any] = {
            "ruleId": d.code,
            "level": "error",
            "message": {"text": d.message},
            "locations": [_location(d, base)],
            "fingerprints": {"layerlint/v1": diagnostic_fingerprint(d, sources, base)},
        }
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        results.append(result)
    driver: dict[str, Any] = {
        "name": "layerlint",
        "version": __version__,
        "semanticVersion": __version__,
        "rules": [_rule_descriptor(rules[code]) for code in codes],
    }
    home = home_url()
    if home:
        driver["informationUri"] = home
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "originalUriBaseIds": {SRCROOT: {"uri": Path(base).as_uri().rstrip("/") + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"

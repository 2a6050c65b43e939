"""The Example of each LL2xx rule's documentation triggers it; its Use instead does not."""

from __future__ import annotations

import re

import pytest

from layerlint.engine import lint_source
from layerlint.project import settings_for
from layerlint.registry import all_rules

CODES = [code for code in all_rules() if code.startswith("LL2")]


def _block(doc: str, heading: str) -> str:
    match = re.search(rf"## {re.escape(heading)}\n```python\n(.*?)```", doc, re.DOTALL)
    assert match, f"no python block under '## {heading}'"
    return match.group(1)


def _codes(source: str, tmp_path) -> list[str]:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "doc"\nrequires-python = ">=3.10"\n')
    target = tmp_path / "app" / "schemas" / "doc_example.py"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(source, encoding="utf-8")
    result = lint_source(target.read_bytes(), str(target), settings_for(target))
    assert not result.errors, result.errors
    return [d.code for d in result.diagnostics]


@pytest.mark.parametrize("code", CODES)
def test_example_triggers_the_rule(code, tmp_path):
    doc = all_rules()[code].documentation()
    assert code in _codes(_block(doc, "Example"), tmp_path)


@pytest.mark.parametrize("code", CODES)
def test_use_instead_is_clean(code, tmp_path):
    doc = all_rules()[code].documentation()
    assert code not in _codes(_block(doc, "Use instead"), tmp_path)

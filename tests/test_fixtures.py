"""Every fixture yields exactly its marked findings, through both front-ends."""

from __future__ import annotations

import ast

import pytest

from harness import describe, expected_findings, fixture_files, found_findings, install_fixture
from layerlint.engine import lint_source
from layerlint.flake8_plugin import LayerlintChecker
from layerlint.project import settings_for
from layerlint.registry import all_rules

FIXTURES = fixture_files()


def _ids(paths):
    return [f"{p.parent.name}/{p.name}" for p in paths]


@pytest.mark.parametrize("fixture", FIXTURES, ids=_ids(FIXTURES))
def test_fixture_yields_exactly_the_marked_findings(fixture, tmp_path):
    target = install_fixture(fixture, tmp_path)
    source = fixture.read_text(encoding="utf-8")
    result = lint_source(target.read_bytes(), str(target), settings_for(target))
    assert not result.errors, result.errors
    expected = expected_findings(source)
    found = found_findings(result.diagnostics)
    missing = describe(expected - found)
    extra = describe(found - expected)
    assert not missing and not extra, (
        f"missing (false negatives): {missing}\nextra (false positives): {extra}\n"
        + "\n".join(f"  {d.line}:{d.col} {d.code} {d.message}" for d in result.diagnostics)
    )


@pytest.mark.parametrize("fixture", FIXTURES, ids=_ids(FIXTURES))
def test_flake8_plugin_reports_the_same_findings(fixture, tmp_path):
    target = install_fixture(fixture, tmp_path)
    text = target.read_text(encoding="utf-8")
    try:
        tree = ast.parse(text)
    except SyntaxError:
        pytest.skip("flake8 reports E999 itself for a file that does not parse")
    lines = text.splitlines(keepends=True)
    plugin = list(LayerlintChecker(tree, str(target), lines).run())
    cli = lint_source(target.read_bytes(), str(target), settings_for(target))
    assert sorted((line, col + 1, msg) for line, col, msg, _ in plugin) == sorted(
        (d.line, d.col, f"{d.code} {d.message}") for d in cli.diagnostics if d.code != "LL001"
    )


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_every_rule_has_a_fixture_with_errors_and_clean_cases(code):
    files = [p for p in FIXTURES if p.name.startswith(code)]
    assert files, f"{code} has no fixture under tests/fixtures/"
    sources = [p.read_text(encoding="utf-8") for p in files]
    assert any(code in {c for _, c in expected_findings(s)} for s in sources), f"{code}: no '# error: {code}' marker"
    assert any("# clean" in s for s in sources), f"{code}: no '# clean' case"


REQUIRED_HEADINGS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix safety")


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_every_rule_is_documented(code):
    cls = all_rules()[code]
    doc = cls.documentation()
    assert doc.startswith(f"{code} {cls.name}:"), "docstring must start with 'CODE name: summary'"
    for heading in REQUIRED_HEADINGS:
        assert heading in doc, f"{code}: missing '{heading}'"
    assert cls.summary and cls.name
    for option in cls.options:
        assert "## Options" in doc and option.key in doc, f"{code}: option {option.key} undocumented"

"""Fixture pairs: ``tests/fixtures/<family>/LLxxx.py`` -> ``LLxxx.fixed.py``.

For every pair (the fixture is placed in a scratch project as test_fixtures.py
does; ``# fixture-fix: unsafe`` among its first lines applies unsafe fixes too):

- fixing the fixture gives exactly the ``.fixed.py`` text, without error;
- the fixed text parses;
- re-linting it leaves no fixable finding of the pair's rule;
- fixing it again changes nothing;
- nothing changed but the lines of the findings fixed, import statements (a
  fix may drop an import it left unused, or add one it needs) and blank lines;
  lines are inserted only as imports or right below a fixed finding's lines.

``LAYERLINT_UPDATE_FIXED=1 pytest tests/test_fix_fixtures.py`` (re)writes the
``.fixed.py`` files from the current fixers: read the diff before committing.
"""

from __future__ import annotations

import ast
import difflib
import os
import re
from pathlib import Path

import pytest

from harness import FIXTURES, fixture_files, install_fixture
from layerlint.engine import lint_source
from layerlint.fixer import fix_text
from layerlint.fixes import has_fixer, is_applicable
from layerlint.project import settings_for
from layerlint.registry import all_rules

_UNSAFE_RE = re.compile(r"^#\s*fixture-fix:\s*unsafe\s*$", re.MULTILINE)
_CODE_RE = re.compile(r"^(LL\d{3})")


def fixed_path(fixture: Path) -> Path:
    return fixture.with_name(fixture.name[: -len(".py")] + ".fixed.py")


PAIRS = [p for p in fixture_files() if fixed_path(p).exists()]
ORPHANS = [p for p in FIXTURES.rglob("*.fixed.py") if not p.with_name(p.name.replace(".fixed.py", ".py")).exists()]


def _ids(paths):
    return [f"{p.parent.name}/{p.name}" for p in paths]


def _fix(fixture: Path, tmp_path: Path):
    target = install_fixture(fixture, tmp_path)
    source = fixture.read_text(encoding="utf-8")
    unsafe = bool(_UNSAFE_RE.search(source))
    settings = settings_for(target)
    first = lint_source(source, str(target), settings)
    outcome = fix_text(source, str(target), settings, unsafe=unsafe, first=first)
    return target, settings, source, unsafe, first, outcome


@pytest.mark.parametrize("fixture", PAIRS, ids=_ids(PAIRS))
def test_fix_gives_the_fixed_file(fixture, tmp_path):
    _target, _settings, _source, _unsafe, _first, outcome = _fix(fixture, tmp_path)
    assert outcome.error is None and outcome.warning is None, outcome.error or outcome.warning
    expected_file = fixed_path(fixture)
    if os.environ.get("LAYERLINT_UPDATE_FIXED"):
        expected_file.write_text(outcome.text, encoding="utf-8", newline="")
    expected = expected_file.read_text(encoding="utf-8")
    assert outcome.text == expected, "".join(
        difflib.unified_diff(expected.splitlines(True), outcome.text.splitlines(True), "expected", "got")
    )


@pytest.mark.parametrize("fixture", PAIRS, ids=_ids(PAIRS))
def test_fixed_file_parses_is_stable_and_has_no_fixable_finding_left(fixture, tmp_path):
    target, settings, _source, unsafe, _first, _outcome = _fix(fixture, tmp_path)
    code = _CODE_RE.match(fixture.name).group(1)
    fixed = fixed_path(fixture).read_text(encoding="utf-8")
    ast.parse(fixed)
    left = lint_source(fixed, str(target), settings)
    assert not left.errors
    still = [f"{d.line}:{d.col} {d.code}" for d in left.diagnostics if d.code == code and is_applicable(d, unsafe)]
    assert not still, f"fixable findings left after fixing: {still}"
    again = fix_text(fixed, str(target), settings, unsafe=unsafe)
    assert again.error is None
    assert again.text == fixed, "a second --fix changed the file"
    assert not again.applied


@pytest.mark.parametrize("fixture", PAIRS, ids=_ids(PAIRS))
def test_fixes_change_only_their_lines_and_imports(fixture, tmp_path):
    _target, _settings, source, unsafe, first, outcome = _fix(fixture, tmp_path)
    allowed: set[int] = set()
    for d in first.diagnostics:
        if is_applicable(d, unsafe):
            allowed.update(range(d.line, d.end_line + 1))
    fixed_lines = set(allowed)  # a fix may add lines right below its own (`@classmethod` under a decorator)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            allowed.update(range(node.lineno, node.end_lineno + 1))
    before, after = source.splitlines(), outcome.text.splitlines()
    problems = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        # blank lines around a removed import may go with it
        touched = [n + 1 for n in range(i1, i2) if n + 1 not in allowed and before[n].strip()]
        if touched:
            problems.append(f"lines {touched} changed but carry no applied fix")
        if tag == "insert" and i1 not in fixed_lines:
            for line in after[j1:j2]:
                if line.strip() and not line.lstrip().startswith(("from ", "import ")):
                    problems.append(f"line inserted that is not an import: {line!r}")
    assert not problems, "\n".join(problems)


def test_no_orphan_fixed_files():
    assert not ORPHANS, f".fixed.py files without their fixture: {ORPHANS}"


@pytest.mark.parametrize("code", sorted(all_rules()))
def test_fixable_rules_have_a_fixer_and_a_fixture_pair(code):
    cls = all_rules()[code]
    pairs = [p for p in PAIRS if p.name.startswith(code)]
    if cls.fix_availability == "never":
        assert not has_fixer(code), f"{code} has a fixer but fix_availability = 'never'"
        assert not pairs, f"{code} has a .fixed.py pair but fix_availability = 'never'"
        return
    assert cls.fix_availability in ("sometimes", "always")
    assert has_fixer(code), f"{code}: fix_availability {cls.fix_availability!r} but no layerlint/fixes/{code.lower()}.py"
    assert pairs, f"{code}: no tests/fixtures/<family>/{code}.py -> {code}.fixed.py pair"


def test_every_fixer_belongs_to_a_rule():
    import layerlint.fixes as package

    folder = Path(package.__file__).parent
    codes = {p.stem.upper() for p in folder.glob("ll[0-9][0-9][0-9].py")}
    assert codes <= set(all_rules()), f"fixers without a rule: {sorted(codes - set(all_rules()))}"

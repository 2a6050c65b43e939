"""The baseline: written from today's findings, it hides them through unrelated
edits (inserted lines, re-indentation) and reports new ones."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from layerlint.baseline import Baseline, fingerprint
from layerlint.cli import main
from test_cli import make_project

LEGACY = """\
from fastapi import HTTPException


def find(user_id):
    if user_id is None:
        raise HTTPException(404)
    return user_id
"""


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = make_project(tmp_path, 'ignore = ["LL601"]\n', files={"app/services/user_service.py": LEGACY})
    monkeypatch.chdir(root)
    return root


def service(root):
    return root / "app" / "services" / "user_service.py"


def test_write_then_check_is_clean(project):
    written = invoke("check", "--write-baseline", "layerlint-baseline.json", ".")
    assert written.exit_code == 0, written.output
    assert "Wrote 2 findings to baseline layerlint-baseline.json" in written.output
    data = json.loads((project / "layerlint-baseline.json").read_text())
    assert data["layerlint-baseline"] == 1
    assert [(f["path"], f["code"], f["line"]) for f in data["findings"]] == [
        ("app/services/user_service.py", "LL105", 1),
        ("app/services/user_service.py", "LL103", 6),
    ]
    result = invoke("check", "--baseline", "layerlint-baseline.json", ".")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "All checks passed (1 file checked, 2 baselined)."


def test_baseline_holds_through_an_inserted_line_and_reports_a_new_finding(project):
    assert invoke("check", "--write-baseline", "baseline.json", ".").exit_code == 0
    text = service(project).read_text()
    # unrelated edits above the findings: a docstring and a re-indented block
    text = '"""User service."""\n' + text.replace("    if user_id is None:\n        raise", "    if user_id is None:  # guard\n            raise")
    # a new occurrence of the same code in the same file
    text += "\n\ndef remove(user_id):\n    raise HTTPException(403)\n"
    service(project).write_text(text)
    result = invoke("check", "--baseline", "baseline.json", ".")
    assert result.exit_code == 1
    findings = [line for line in result.output.splitlines() if ": LL" in line]
    assert findings == [
        "app/services/user_service.py:12:5: LL103 services module raises HTTP exception "
        "`fastapi.HTTPException`: raise a domain exception and translate it to HTTP in the route"
    ]
    assert result.output.splitlines()[-1] == "Found 1 finding in 1 file (1 checked, 2 baselined)."


def test_a_duplicated_line_is_a_new_finding(project):
    assert invoke("check", "--write-baseline", "baseline.json", ".").exit_code == 0
    text = LEGACY.replace("    return user_id\n", "    if user_id == 0:\n        raise HTTPException(404)\n    return user_id\n")
    text = "\n\n" + text  # the old finding moves too
    service(project).write_text(text)
    result = invoke("check", "--baseline", "baseline.json", "--select", "LL103", ".")
    assert result.exit_code == 1
    findings = [line for line in result.output.splitlines() if ": LL103" in line]
    assert len(findings) == 1 and findings[0].startswith("app/services/user_service.py:10:9:")  # the new one


def test_fixing_a_baselined_finding_is_never_an_error(project):
    assert invoke("check", "--write-baseline", "baseline.json", ".").exit_code == 0
    service(project).write_text("def find(user_id):\n    return user_id\n")
    result = invoke("check", "--baseline", "baseline.json", ".")
    assert result.exit_code == 0 and "All checks passed" in result.output


def test_baseline_works_from_another_working_folder(project, monkeypatch):
    assert invoke("check", "--write-baseline", "baseline.json", ".").exit_code == 0
    monkeypatch.chdir(project / "app")
    result = invoke("check", "--baseline", "../baseline.json", ".")
    assert result.exit_code == 0, result.output


def test_other_formats_respect_the_baseline(project):
    assert invoke("check", "--write-baseline", "baseline.json", ".").exit_code == 0
    result = invoke("check", "--baseline", "baseline.json", "--output-format", "json", ".")
    assert result.exit_code == 0 and json.loads(result.output) == []


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "cannot read baseline"),
        ("{", "invalid JSON"),
        ('{"findings": []}', "not a layerlint baseline"),
        ('{"layerlint-baseline": 1, "findings": [{"path": "x"}]}', "findings[0]"),
    ],
)
def test_bad_baseline_exits_2(project, content, message):
    if content is not None:
        (project / "baseline.json").write_text(content)
    result = invoke("check", "--baseline", "baseline.json", ".")
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_fingerprint_ignores_whitespace_but_not_path_or_code():
    base = fingerprint("a.py", "LL103", "    raise HTTPException(404)")
    assert base == fingerprint("a.py", "LL103", "raise   HTTPException(404)  ")
    assert base != fingerprint("b.py", "LL103", "raise HTTPException(404)")
    assert base != fingerprint("a.py", "LL104", "raise HTTPException(404)")
    assert base != fingerprint("a.py", "LL103", "raise HTTPException(403)")


def test_load_round_trip(project):
    assert invoke("check", "--write-baseline", "baseline.json", ".").exit_code == 0
    loaded = Baseline.load(project / "baseline.json")
    assert {e.code for e in loaded.entries} == {"LL103", "LL105"}


def test_fix_with_a_baseline_fixes_only_the_new_findings(tmp_path, monkeypatch):
    # baselined findings are neither reported nor rewritten: fixing them would change their
    # lines (and the lines of other baselined findings), which would then count as new
    legacy = (
        "from typing import Optional\n\nfrom fastapi import HTTPException\n\n\n"
        "def find(user_id: Optional[int]):\n    if user_id is None:\n        raise HTTPException(status_code=404)\n"
        "    return user_id\n"
    )
    root = make_project(tmp_path, files={"app/services/user_service.py": legacy})
    monkeypatch.chdir(root)
    target = service(root)
    assert invoke("check", "--write-baseline", "baseline.json", ".").exit_code == 0
    result = invoke("check", "--baseline", "baseline.json", "--fix", ".")
    assert result.exit_code == 0, result.output
    assert target.read_text() == legacy
    target.write_text(legacy + "\n\ndef find_all(limit: Optional[int] = None):\n    return []\n")
    result = invoke("check", "--baseline", "baseline.json", "--fix", ".")
    assert result.exit_code == 0, result.output
    fixed = target.read_text()
    assert "def find_all(limit: int | None = None):" in fixed
    assert "def find(user_id: Optional[int]):" in fixed and "status_code=404" in fixed

"""Each ``--output-format`` parsed back from the CLI's output; colour, statistics,
quiet, output file."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from layerlint.cli import main
from layerlint.registry import all_rules
from test_cli import SERVICE_WITH_HTTP, make_project

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
ANSI = re.compile(r"\x1b\[[0-9;]*m")

ROUTE = (
    "from app.repositories.user_repo import UserRepository\n"
    "\n"
    "\n"
    "def handler():\n"
    "    return UserRepository\n"
)
FILES = {"app/services/user_service.py": SERVICE_WITH_HTTP, "app/routes/users.py": ROUTE}
EXPECTED = [  # (path, line, col, end line, end col, code), sorted as printed
    ("app/routes/users.py", 1, 1, 1, 54, "LL101"),
    ("app/services/user_service.py", 1, 1, 1, 34, "LL105"),
    ("app/services/user_service.py", 5, 5, 5, 30, "LL103"),
]


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = make_project(tmp_path / "proj", files=FILES)
    monkeypatch.chdir(root)
    for var in ("GITHUB_WORKSPACE", "CI_PROJECT_DIR", "NO_COLOR", "LAYERLINT_OUTPUT_FORMAT"):
        monkeypatch.delenv(var, raising=False)
    return root


def invoke(*args: str, **kwargs):
    return CliRunner().invoke(main, list(args), **kwargs)


def test_text_is_the_default(project):
    result = invoke("check", ".")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert [tuple(line.split(":")[:3]) for line in lines[:3]] == [(p, str(l), str(c)) for p, l, c, *_ in EXPECTED]
    assert lines[0] == (
        "app/routes/users.py:1:1: LL101 routes module imports repositories module "
        "`app.repositories.user_repo`: call a service instead"
    )
    assert lines[-1] == "Found 3 findings in 2 files (2 checked)."
    assert ANSI.search(result.output) is None  # not a terminal: no colour


def test_text_is_coloured_on_a_terminal_unless_no_color(project):
    coloured = invoke("check", ".", color=True)  # CliRunner's stand-in for a terminal
    assert ANSI.search(coloured.output)
    assert ANSI.sub("", coloured.output) == invoke("check", ".").output
    plain = invoke("check", ".", color=True, env={"NO_COLOR": "1"})
    assert ANSI.search(plain.output) is None
    assert plain.output == invoke("check", ".").output


def test_full_shows_the_source_line_and_a_caret(project):
    result = invoke("check", "--output-format", "full", ".")
    assert result.exit_code == 1
    blocks = result.output.split("\n\n")
    first = blocks[0].splitlines()
    assert first[0].startswith("app/routes/users.py:1:1: LL101 ")
    assert first[2] == "1 | from app.repositories.user_repo import UserRepository"
    assert first[3] == "  | " + "^" * 53 + " LL101"
    raise_block = next(b for b in blocks if ":5:5: LL103" in b).splitlines()
    source = next(line for line in raise_block if line.startswith("5 |"))
    caret = next(line for line in raise_block if "^" in line)
    assert source.index("raise") == caret.index("^")
    assert caret.count("^") == len("raise HTTPException(code)")
    assert result.output.rstrip().endswith("Found 3 findings in 2 files (2 checked).")


FIXABLE_ROUTE = (  # LL601 has a safe fix; Optional outside an annotation only an unsafe one
    "from typing import Optional\n"
    "\n"
    "from fastapi import APIRouter, HTTPException\n"
    "\n"
    "router = APIRouter()\n"
    "\n"
    "\n"
    "@router.get(\"/items\", response_model=Optional[int])\n"
    "def read() -> None:\n"
    "    raise HTTPException(status_code=404)\n"
)


def test_full_and_json_say_how_to_apply_a_fix(tmp_path, monkeypatch):
    root = make_project(tmp_path / "proj", files={"app/routes/items.py": FIXABLE_ROUTE})
    monkeypatch.chdir(root)
    full_out = invoke("check", "--select", "LL501,LL601", "--output-format", "full", ".").output
    blocks = {block.splitlines()[0].split(": ")[1].split()[0]: block for block in full_out.split("\n\n")[:2]}
    assert blocks.keys() == {"LL501", "LL601"}
    assert blocks["LL601"].splitlines()[-1].strip() == "= help: safe fix: `layerlint check --fix`"
    assert blocks["LL501"].splitlines()[-1].strip() == (
        "= help: unsafe fix: `layerlint check --fix --unsafe-fixes` (review the change)")
    data = json.loads(invoke("check", "--select", "LL501,LL601", "--output-format", "json", ".").output)
    assert [(item["code"], item["fix"]) for item in data] == [
        ("LL501", {"applicability": "unsafe", "edits": [],
                   "message": "unsafe fix: `layerlint check --fix --unsafe-fixes` (review the change)"}),
        ("LL601", {"applicability": "safe", "edits": [], "message": "safe fix: `layerlint check --fix`"}),
    ]


def test_json_has_ruffs_field_layout(project):
    result = invoke("check", "--output-format", "json", ".")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert [tuple(item) for item in data] == [
        ("cell", "code", "end_location", "filename", "fix", "location", "message", "noqa_row", "url")
    ] * 3
    got = [
        (
            os.path.relpath(item["filename"], project).replace(os.sep, "/"),
            item["location"]["row"],
            item["location"]["column"],
            item["end_location"]["row"],
            item["end_location"]["column"],
            item["code"],
        )
        for item in data
    ]
    assert got == EXPECTED
    assert all(os.path.isabs(item["filename"]) for item in data)
    assert all(item["fix"] is None and item["cell"] is None for item in data)
    assert all(item["noqa_row"] == item["location"]["row"] for item in data)
    assert "call a service instead" in data[0]["message"]


def test_json_when_clean_is_an_empty_list(tmp_path, monkeypatch):
    root = make_project(tmp_path, files={"app/services/ok_service.py": "x = 1\n"})
    monkeypatch.chdir(root)
    result = invoke("check", "--output-format", "json", ".")
    assert result.exit_code == 0 and json.loads(result.output) == []


def _validate_sarif(log: dict) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)
    validator_cls(schema, format_checker=validator_cls.FORMAT_CHECKER).validate(log)


def test_sarif_validates_against_the_official_schema(project):
    result = invoke("check", "--output-format", "sarif", ".")
    assert result.exit_code == 1
    log = json.loads(result.output)
    _validate_sarif(log)
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(all_rules())
    for descriptor in rules:
        cls = all_rules()[descriptor["id"]]
        assert descriptor["name"] == cls.name
        assert descriptor["shortDescription"]["text"] == cls.summary
        assert "## What it does" in descriptor["help"]["markdown"]
    got = []
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        region = loc["region"]
        got.append((loc["artifactLocation"]["uri"], region["startLine"], region["startColumn"],
                    region["endLine"], region["endColumn"], res["ruleId"]))
        assert res["fingerprints"]["layerlint/v1"]
    assert got == EXPECTED
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file://") and base.endswith("/")


def test_sarif_with_no_findings_and_outside_paths_validates(tmp_path, monkeypatch):
    root = make_project(tmp_path / "p", files={"app/services/ok_service.py": "x = 1\n"})
    monkeypatch.chdir(root)
    clean = invoke("check", "--output-format", "sarif", ".")
    assert clean.exit_code == 0
    _validate_sarif(json.loads(clean.output))
    other = make_project(tmp_path / "other")  # not below the working folder: absolute file URI
    result = invoke("check", "--output-format", "sarif", str(other))
    log = json.loads(result.output)
    _validate_sarif(log)
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.startswith("file://") and uri.endswith("user_service.py")


def test_github_annotations(project):
    result = invoke("check", "--output-format", "github", ".")
    assert result.exit_code == 1
    pattern = re.compile(
        r"^::error title=layerlint \((LL\d{3})\),file=([^,]+),line=(\d+),col=(\d+),"
        r"endLine=(\d+),endColumn=(\d+)::(LL\d{3}) (.+)$"
    )
    got = []
    for line in result.output.splitlines():
        match = pattern.match(line)
        assert match, line
        code, path, l1, c1, l2, c2, code2, message = match.groups()
        assert code == code2 and "%" not in message
        got.append((path, int(l1), int(c1), int(l2), int(c2), code))
    assert got == EXPECTED


def test_github_paths_are_relative_to_the_workspace_and_escaped(project, monkeypatch):
    from layerlint.diagnostics import Diagnostic
    from layerlint.output import github

    monkeypatch.setenv("GITHUB_WORKSPACE", str(project.parent))
    result = invoke("check", "--output-format", "github", ".")
    assert "file=proj/app/routes/users.py," in result.output
    d = Diagnostic(code="LL101", message="50% done\nnext", path="a,b:c.py", line=1, col=1, end_line=1, end_col=2)
    line = github.format_line(d, base=os.getcwd())
    assert "file=a%2Cb%3Ac.py," in line and line.endswith("::LL101 50%25 done%0Anext")


def test_gitlab_code_quality_report(project, monkeypatch):
    result = invoke("check", "--output-format", "gitlab", ".")
    assert result.exit_code == 1
    issues = json.loads(result.output)
    got = [
        (i["location"]["path"], i["location"]["lines"]["begin"], i["check_name"]) for i in issues
    ]
    assert got == [(p, line, code) for p, line, _c, _l, _e, code in EXPECTED]
    for issue in issues:
        assert issue["type"] == "issue" and issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["description"].startswith(issue["check_name"] + " ")
        assert isinstance(issue["fingerprint"], str) and issue["fingerprint"]
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    monkeypatch.setenv("CI_PROJECT_DIR", str(project.parent))
    nested = json.loads(invoke("check", "--output-format", "gitlab", ".").output)
    assert nested[0]["location"]["path"] == "proj/app/routes/users.py"


def test_gitlab_fingerprints_are_unique_for_identical_lines(tmp_path, monkeypatch):
    twice = SERVICE_WITH_HTTP + "\n\ndef again():\n    raise HTTPException(code)\n"
    root = make_project(tmp_path, files={"app/services/user_service.py": twice})
    monkeypatch.chdir(root)
    issues = json.loads(invoke("check", "--output-format", "gitlab", "--select", "LL103", ".").output)
    assert len(issues) == 2 and issues[0]["fingerprint"] != issues[1]["fingerprint"]


def test_statistics(project):
    result = invoke("check", "--statistics", ".")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    rows = [line.split() for line in lines[:-1]]
    assert sorted(rows) == sorted([
        ["1", "LL101", "route-imports-repository"],
        ["1", "LL103", "service-raises-http-exception"],
        ["1", "LL105", "http-import-below-routes"],
    ])
    assert lines[-1] == "Found 3 findings in 2 files (2 checked)."
    as_json = json.loads(invoke("check", "--statistics", "--output-format", "json", ".").output)
    assert {(r["code"], r["count"]) for r in as_json} == {("LL101", 1), ("LL103", 1), ("LL105", 1)}


@pytest.mark.parametrize("fmt", ["sarif", "github", "gitlab"])
def test_statistics_with_a_machine_format_is_a_usage_error(project, fmt):
    # it used to print the text table where a SARIF file or an annotation stream was expected
    result = invoke("check", "--statistics", "--output-format", fmt, ".")
    assert result.exit_code == 2
    assert f"--statistics prints text or JSON: it cannot be combined with --output-format {fmt}" in result.output


def test_a_bad_format_from_the_environment_names_the_variable(project):
    result = invoke("check", ".", env={"LAYERLINT_OUTPUT_FORMAT": "xml"})
    assert result.exit_code == 2
    assert "LAYERLINT_OUTPUT_FORMAT" in result.output and "'xml'" in result.output


def test_statistics_sorted_by_count(tmp_path, monkeypatch):
    twice = SERVICE_WITH_HTTP + "\n\ndef again():\n    raise HTTPException(code)\n"
    root = make_project(tmp_path, files={"app/services/user_service.py": twice})
    monkeypatch.chdir(root)
    lines = invoke("check", "--statistics", "-q", ".").output.splitlines()
    assert [line.split()[:2] for line in lines] == [["2", "LL103"], ["1", "LL105"]]


def test_quiet_prints_findings_only(project):
    result = invoke("check", "--quiet", ".")
    assert result.exit_code == 1
    assert len(result.output.splitlines()) == 3 and "Found" not in result.output
    clean = invoke("check", "-q", "--select", "LL108", ".")
    assert clean.exit_code == 0 and clean.output == ""


def test_exit_zero_with_any_format(project):
    for fmt in ("text", "json", "sarif", "github", "gitlab", "full"):
        assert invoke("check", "--exit-zero", "--output-format", fmt, ".").exit_code == 0


def test_output_file(project):
    result = invoke("check", "--output-format", "sarif", "--output-file", "report.sarif", ".", color=True)
    assert result.exit_code == 1 and result.output == ""
    _validate_sarif(json.loads((project / "report.sarif").read_text(encoding="utf-8")))
    text = invoke("check", "-o", "report.txt", ".", color=True)
    assert text.exit_code == 1
    written = (project / "report.txt").read_text(encoding="utf-8")
    assert ANSI.search(written) is None and written.endswith("(2 checked).\n")


def test_format_from_environment_and_unknown_format(project):
    result = invoke("check", ".", env={"LAYERLINT_OUTPUT_FORMAT": "json"})
    assert json.loads(result.output)
    bad = invoke("check", "--output-format", "xml", ".")
    assert bad.exit_code == 2 and "xml" in bad.output


def test_errors_go_to_stderr_and_keep_machine_output_parsable(project):
    result = CliRunner().invoke(main, ["check", "--output-format", "json", ".", "missing.py"])
    assert result.exit_code == 2
    assert len(json.loads(result.stdout)) == 3
    assert "missing.py: no such file or directory" in result.stderr

"""The flake8 plugin reuses flake8's tree and reads a project's settings once per process."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from layerlint import engine, flake8_plugin, project

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo_app"


def test_settings_are_read_once_per_project(monkeypatch: pytest.MonkeyPatch):
    loads: list[object] = []
    real = project.load_settings

    def counting(root, config_file=None, metadata=None, cwd=None):
        loads.append(root)
        return real(root, config_file, metadata, cwd)

    monkeypatch.setattr(project, "load_settings", counting)
    given: list[bool] = []
    real_lint_tree = flake8_plugin.lint_tree

    def checking(tree, *args, **kwargs):
        given.append(tree is current_tree)
        return real_lint_tree(tree, *args, **kwargs)

    monkeypatch.setattr(flake8_plugin, "lint_tree", checking)
    monkeypatch.setattr(engine, "lint_source", None)  # the plugin never parses
    findings = 0
    files = sorted(p for p in DEMO.rglob("*.py") if p.name != "broken.py")
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        current_tree = ast.parse("".join(lines))
        findings += len(list(flake8_plugin.LayerlintChecker(current_tree, str(path), lines).run()))
    assert len(files) > 20 and findings >= 10
    assert loads == [DEMO]  # one read for the whole project
    assert given == [True] * len(files)  # flake8's tree is linted as it is


def test_a_file_the_settings_exclude_has_no_findings_under_flake8(tmp_path: Path):
    # (review 121: flake8 names files as the CLI's command line does; both leave them out)
    (tmp_path / "pyproject.toml").write_text('[tool.layerlint]\nextend-exclude = ["app/legacy"]\n')
    source = "from app.repositories.user_repo import UserRepo\n"
    for folder in ("legacy/routes", "routes"):
        (tmp_path / "app" / folder).mkdir(parents=True)
        (tmp_path / "app" / folder / "users.py").write_text(source)
    project.forget_settings()
    found = {}
    for folder in ("legacy/routes", "routes"):
        path = tmp_path / "app" / folder / "users.py"
        checker = flake8_plugin.LayerlintChecker(ast.parse(source), str(path), [source])
        found[folder] = [message.split()[0] for _, _, message, _ in checker.run()]
    assert found == {"legacy/routes": [], "routes": ["LL101"]}


def test_a_nested_project_that_cannot_be_read_and_is_excluded_has_no_findings(tmp_path: Path):
    # (review 122: the plugin failed before it checked the enclosing project's excludes)
    (tmp_path / "pyproject.toml").write_text('[tool.layerlint]\nextend-exclude = ["template"]\n')
    nested = tmp_path / "template" / "proj"
    (nested / "app" / "routes").mkdir(parents=True)
    (nested / "pyproject.toml").write_text("{{ cookiecutter.name }} = 1\n")
    source = "from app.repositories.user_repo import UserRepo\n"
    path = nested / "app" / "routes" / "users.py"
    path.write_text(source)
    project.forget_settings()
    checker = flake8_plugin.LayerlintChecker(ast.parse(source), str(path), [source])
    assert list(checker.run()) == []

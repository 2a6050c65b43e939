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

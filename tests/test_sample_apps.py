"""The sample application follows the style (zero findings); the demo copy yields
exactly the findings marked in it, through the CLI and through flake8's plugin."""

from __future__ import annotations

import ast
import collections
import os
from pathlib import Path

from click.testing import CliRunner

from harness import expected_findings
from layerlint.cli import main
from layerlint.flake8_plugin import LayerlintChecker

ROOT = Path(__file__).resolve().parent.parent / "fixtures"


def _cli_findings(app: Path) -> collections.Counter:
    result = CliRunner().invoke(main, ["check", str(app)])
    assert result.exit_code in (0, 1), result.output
    found = collections.Counter()
    for line in result.output.splitlines():
        if ": LL" in line:
            path, number, _col, rest = line.split(":", 3)
            found[(os.path.relpath(os.path.abspath(path), app), int(number), rest.split()[0])] += 1
    return found


def _marked(app: Path) -> collections.Counter:
    marked = collections.Counter()
    for file in app.rglob("*.py"):
        for (line, code), n in expected_findings(file.read_text(encoding="utf-8")).items():
            marked[(str(file.relative_to(app)), line, code)] += n
    return marked


def _flake8_findings(app: Path) -> collections.Counter:
    found = collections.Counter()
    for file in app.rglob("*.py"):
        text = file.read_text(encoding="utf-8")
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        for line, _col, message, _ in LayerlintChecker(tree, str(file), text.splitlines(True)).run():
            found[(str(file.relative_to(app)), line, message.split()[0])] += 1
    return found


def test_sample_app_is_clean():
    app = ROOT / "sample_app"
    result = CliRunner().invoke(main, ["check", str(app)])
    assert result.exit_code == 0, result.output
    assert "All checks passed" in result.output
    assert not _flake8_findings(app)


def test_demo_app_yields_exactly_the_marked_violations():
    app = ROOT / "demo_app"
    marked = _marked(app)
    assert len({code for _, _, code in marked}) >= 9  # LL001 and every LL1xx rule at least
    assert _cli_findings(app) == marked
    assert _flake8_findings(app) == collections.Counter(
        {key: n for key, n in marked.items() if key[2] != "LL001"}
    )

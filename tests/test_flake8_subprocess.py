"""One real ``flake8`` run as a subprocess: the plugin is registered and reports
the same findings as the CLI, reading [tool.layerlint] from pyproject.toml."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from layerlint.cli import main

SRC = Path(__file__).resolve().parent.parent / "src"
DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo_app"


def _flake8(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(SRC))
    return subprocess.run(
        [sys.executable, "-m", "flake8", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_flake8_lists_the_plugin():
    result = _flake8("--version", cwd=SRC)
    assert "layerlint" in result.stdout


def test_flake8_and_cli_report_the_same_findings(tmp_path):
    app = tmp_path / "demo_app"
    shutil.copytree(DEMO, app)
    (app / "pyproject.toml").write_text(
        (app / "pyproject.toml").read_text() + 'ignore = ["LL107"]\n'  # settings are read by both
    )
    flake8 = _flake8("--select=LL", ".", cwd=app)
    assert flake8.returncode == 1, flake8.stderr
    flake8_lines = sorted(re.sub(r"^\./", "", line) for line in flake8.stdout.splitlines())
    cwd = os.getcwd()
    try:
        os.chdir(app)
        cli = CliRunner().invoke(main, ["check", "."])
    finally:
        os.chdir(cwd)
    cli_lines = sorted(  # the CLI marks fixable findings `[*]`; flake8 messages carry no such mark
        line.replace(" [*] ", " ", 1) for line in cli.output.splitlines() if ": LL" in line and ": LL001 " not in line
    )
    assert flake8_lines == cli_lines
    assert not any("LL107" in line for line in flake8_lines)
    assert len(flake8_lines) >= 8


def test_flake8_config_error_ends_a_parallel_run_too(tmp_path):
    # (review 119: raised in a worker of flake8's pool, SystemExit left flake8 waiting for ever)
    (tmp_path / "pyproject.toml").write_text('[tool.layerlint]\nselect = ["LL999"]\n')
    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text("x = 1\n")
    result = _flake8("--select=LL", "-j2", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown rule code 'LL999'" in result.stderr and "Traceback" not in result.stderr


def test_flake8_config_error_is_a_clear_message(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.layerlint]\nselect = ["LL999"]\n')
    (tmp_path / "m.py").write_text("x = 1\n")
    result = _flake8("--select=LL", "-j1", ".", cwd=tmp_path)
    assert result.returncode != 0
    assert "unknown rule code 'LL999'" in result.stderr
    assert "Traceback" not in result.stderr


def test_flake8_nested_config_error_in_a_worker_is_flake8s_message_not_a_traceback(tmp_path):
    # a project below the paths given is first met in a worker of the pool
    (tmp_path / "pyproject.toml").write_text("[tool.layerlint]\n")
    nested = tmp_path / "template" / "project"
    nested.mkdir(parents=True)
    (nested / "pyproject.toml").write_text('[tool.layerlint]\nselect = ["{{ cookiecutter.codes }}"\n')
    for folder in (tmp_path, nested):
        for name in ("a.py", "b.py"):
            (folder / name).write_text("x = 1\n")
    result = _flake8("--select=LL", "-j2", ".", cwd=tmp_path)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "invalid TOML" in output and "Traceback" not in output, output

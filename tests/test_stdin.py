"""Editors lint the unsaved buffer through standard input: flake8 with
``--stdin-display-name`` and ``layerlint check --stdin-filename PATH -`` give the
findings of the saved file, the layer taken from the given name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from layerlint.cli import main
from test_cli import make_project

SRC = Path(__file__).resolve().parent.parent / "src"

SAVED = "from app.services.user_service import UserService\n"
BUFFER = """\
from fastapi import APIRouter, Depends
from sqlalchemy import select

from app.repositories.user_repo import UserRepository
from app.dependencies.db import get_session

router = APIRouter()


@router.get("/users")
async def list_users(session=Depends(get_session)) -> list:
    return (await session.execute(select(UserRepository))).scalars().all()
"""
NAME = "app/routes/users.py"


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = make_project(
        tmp_path,
        'ignore = ["LL106"]\n',  # settings come from the pyproject of the given name
        {NAME: SAVED, "app/dependencies/db.py": "async def get_session():\n    yield None\n"},
    )
    monkeypatch.chdir(root)
    return root


def _forget_settings() -> None:
    from layerlint import project as project_module, runner

    project_module.forget_settings()
    runner._settings_cache.clear()


def _lines(output: str) -> list[str]:
    return sorted(line for line in output.splitlines() if ": LL" in line)


def _flake8_stdin(root: Path, text: str) -> list[str]:
    env = dict(os.environ, PYTHONPATH=str(SRC))
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select=LL", "--stdin-display-name", NAME, "-"],
        input=text, cwd=root, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr
    return sorted(result.stdout.splitlines())


def test_flake8_and_cli_on_stdin_give_the_saved_files_findings(project):
    # the buffer differs from the file on disk, as while editing
    buffer_cli = CliRunner().invoke(main, ["check", "--stdin-filename", NAME, "-"], input=BUFFER)
    buffer_flake8 = _flake8_stdin(project, BUFFER)
    (project / NAME).write_text(BUFFER)  # now save it
    saved = CliRunner().invoke(main, ["check", NAME])
    assert saved.exit_code == 1
    expected = _lines(saved.output)
    assert any(": LL101 " in line for line in expected)  # the layer came from the name
    assert not any("LL106" in line for line in expected)  # and the settings
    assert buffer_cli.exit_code == 1
    assert _lines(buffer_cli.output) == expected
    assert buffer_flake8 == expected
    assert buffer_cli.output.splitlines()[-1] == "Found 1 finding in 1 file (1 checked)."


def test_stdin_without_dash_and_other_formats(project):
    result = CliRunner().invoke(main, ["check", "--stdin-filename", NAME, "--output-format", "full"], input=BUFFER)
    assert result.exit_code == 1
    assert "4 | from app.repositories.user_repo import UserRepository" in result.output  # the buffer's line


def test_stdin_clean_buffer_and_excluded_name(project):
    clean = CliRunner().invoke(main, ["check", "--stdin-filename", NAME, "-"], input=SAVED)
    assert clean.exit_code == 0 and "All checks passed (1 file checked)." in clean.output
    (project / "pyproject.toml").write_text('[tool.layerlint]\nextend-exclude = ["app/routes"]\n')
    _forget_settings()
    excluded = CliRunner().invoke(main, ["check", "--stdin-filename", NAME, "-"], input=BUFFER)
    assert excluded.exit_code == 0 and "0 files checked" in excluded.output


def test_stdin_syntax_error_and_plain_dash(project):
    broken = CliRunner().invoke(main, ["check", "--stdin-filename", NAME, "-"], input="def f(:\n")
    assert broken.exit_code == 1 and f"{NAME}:1:" in broken.output and "LL001" in broken.output
    anonymous = CliRunner().invoke(main, ["check", "-"], input="x = (\n")
    assert anonymous.exit_code == 1 and anonymous.output.startswith("-:1:")


def test_stdin_cannot_be_mixed_with_paths(project):
    assert CliRunner().invoke(main, ["check", "-", "app"], input="").exit_code == 2
    assert CliRunner().invoke(main, ["check", "--stdin-filename", NAME, "app"], input="").exit_code == 2


def test_fix_on_stdin_prints_the_fixed_buffer(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.11"\n')
    monkeypatch.chdir(tmp_path)
    buffer = "from typing import Optional\n\n\ndef f(x: Optional[int]) -> None:\n    return None\n"
    fixed = CliRunner().invoke(
        main, ["check", "--fix", "--stdin-filename", "app/util.py", "-"], input=buffer
    )
    assert fixed.exit_code == 0, fixed.stderr
    assert fixed.stdout.lstrip("\n") == "def f(x: int | None) -> None:\n    return None\n"
    assert not (tmp_path / "app").exists()  # nothing written
    diff = CliRunner().invoke(
        main, ["check", "--diff", "--stdin-filename", "app/util.py", "-"], input=buffer
    )
    assert diff.exit_code == 1 and "+def f(x: int | None) -> None:" in diff.stdout


def test_stdin_in_a_nested_project_that_cannot_be_read(project):
    # (review 122) as the same file named on the command line: left out where the enclosing
    # project excludes it, else the nested project's error; --fix gives the buffer back
    nested = project / "template" / "{{cookiecutter.name}}"
    (nested / "app" / "routes").mkdir(parents=True)
    (nested / "pyproject.toml").write_text("{{ cookiecutter.name }} = 1\n")
    name = "template/{{cookiecutter.name}}/app/routes/users.py"
    (project / name).write_text(BUFFER)
    unexcluded = CliRunner().invoke(main, ["check", "--stdin-filename", name, "-"], input=BUFFER)
    assert unexcluded.exit_code == 2 and "invalid TOML" in unexcluded.output
    (project / "pyproject.toml").write_text('[tool.layerlint]\nextend-exclude = ["template"]\n')
    _forget_settings()
    excluded = CliRunner().invoke(main, ["check", "--stdin-filename", name, "-"], input=BUFFER)
    assert excluded.exit_code == 0 and "0 files checked" in excluded.output, excluded.output
    fixed = CliRunner().invoke(main, ["check", "--fix", "--stdin-filename", name, "-"], input=BUFFER)
    assert fixed.exit_code == 0 and fixed.output == BUFFER


def test_diff_on_an_excluded_standard_input_shows_nothing(project):
    # (review 124: the buffer was printed as if it were a diff)
    (project / "pyproject.toml").write_text('[tool.layerlint]\nextend-exclude = ["app/routes"]\n')
    _forget_settings()
    result = CliRunner().invoke(main, ["check", "--diff", "--stdin-filename", NAME, "-"], input=BUFFER)
    assert result.exit_code == 0 and result.output == ""

"""The CLI through click's CliRunner: exit codes, selection, configuration errors."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from layerlint import __version__
from layerlint.cli import main
from layerlint.registry import all_rules

SERVICE_WITH_HTTP = textwrap.dedent(
    """\
    from fastapi import HTTPException


    def fail(code):
        raise HTTPException(code)
    """
)


def make_project(tmp_path: Path, config: str = "", files: dict[str, str] | None = None) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.layerlint]\n' + config)
    for rel, text in (files or {"app/services/user_service.py": SERVICE_WITH_HTTP}).items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def run(*args: str, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, list(args))
    with runner.isolated_filesystem(temp_dir=cwd):
        import os

        os.chdir(cwd)
        return runner.invoke(main, list(args))


def test_findings_exit_1_with_sorted_lines_and_summary(tmp_path):
    project = make_project(tmp_path)
    result = run("check", str(project))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].endswith("user_service.py:1:1: LL105 services module imports `fastapi`: HTTP concerns belong in routes")
    assert ":5:5: LL103 " in lines[1]
    assert lines[-1] == "Found 2 findings in 1 file (1 checked)."


def test_clean_exit_0(tmp_path):
    project = make_project(tmp_path, files={"app/services/ok_service.py": "def f():\n    return 1\n"})
    result = run("check", str(project))
    assert result.exit_code == 0, result.output
    assert "All checks passed" in result.output


def test_exit_zero(tmp_path):
    assert run("check", "--exit-zero", str(make_project(tmp_path))).exit_code == 0


def test_select_and_ignore_by_prefix(tmp_path):
    project = make_project(tmp_path)
    only_103 = run("check", "--select", "LL103", str(project))
    assert only_103.exit_code == 1 and "LL103" in only_103.output and "LL105" not in only_103.output
    none = run("check", "--ignore", "LL1", str(project))
    assert none.exit_code == 0, none.output
    family = run("check", "--select", "LL10", str(project))
    assert "LL103" in family.output and "LL105" in family.output


def test_config_select_ignore_and_per_file_ignores(tmp_path):
    project = make_project(tmp_path, 'ignore = ["LL105"]\n')
    result = run("check", str(project))
    assert "LL105" not in result.output and "LL103" in result.output
    project2 = make_project(tmp_path / "p2", '[tool.layerlint.per-file-ignores]\n"app/services/*" = ["LL103", "LL105"]\n')
    assert run("check", str(project2)).exit_code == 0


@pytest.mark.parametrize(
    "config, options, found",
    [
        # the command line is a second layer over the settings, as in ruff (review 121)
        ('ignore = ["LL105"]\n', ["--select", "LL105"], {"LL105"}),
        ('ignore = ["LL105"]\n', ["--select", "LL1"], {"LL103", "LL105"}),
        ('ignore = ["LL1"]\n', ["--extend-select", "LL105"], {"LL105"}),
        ('select = ["LL103"]\n', ["--extend-select", "LL105"], {"LL103", "LL105"}),
        ('extend-select = ["LL105"]\nignore = ["LL1"]\n', ["--ignore", "LL103"], {"LL105"}),
        ('select = ["LL1"]\n', ["--ignore", "LL105"], {"LL103"}),
        # within one layer the more specific selector wins, ignore at equal specificity
        ('ignore = ["LL1"]\nextend-select = ["LL105"]\n', [], {"LL105"}),
        ('select = ["LL105"]\nignore = ["LL1"]\n', [], {"LL105"}),
        ('select = ["LL1"]\nignore = ["LL105"]\n', [], {"LL103"}),
        ("", ["--select", "LL105", "--ignore", "LL105"], set()),
        ("", ["--select", "LL105", "--ignore", "LL1"], {"LL105"}),
    ],
)
def test_command_line_selection_over_the_settings(tmp_path, config, options, found):
    project = make_project(tmp_path, config)
    result = run("check", "--no-cache", *options, str(project))
    assert set(re.findall(r": (LL\d+) ", result.output)) == found, result.output


def test_exclude_and_extend_exclude(tmp_path):
    project = make_project(tmp_path, 'extend-exclude = ["app/services"]\n')
    result = run("check", str(project))
    assert result.exit_code == 0 and "0 files checked" in result.output


def test_default_excludes_skip_virtualenvs_and_build(tmp_path):
    files = {
        "app/services/a_service.py": SERVICE_WITH_HTTP,
        ".venv/lib/app/services/x_service.py": SERVICE_WITH_HTTP,
        "build/app/services/y_service.py": SERVICE_WITH_HTTP,
        "node_modules/app/services/z_service.py": SERVICE_WITH_HTTP,
        "env2/app/services/w_service.py": SERVICE_WITH_HTTP,
    }
    project = make_project(tmp_path, files=files)
    (project / "env2" / "pyvenv.cfg").write_text("home = /usr\n")
    result = run("check", str(project))
    assert "(1 checked)" in result.output, result.output


@pytest.mark.parametrize(
    "config, message",
    [
        ("select = [\n", "invalid TOML"),
        ('bogus = 1\n', "unknown key 'bogus'"),
        ('select = ["LL999"]\n', "unknown rule code 'LL999'"),
        ('select = "LL1"\n', "expected a list of rule codes"),
        ('[tool.layerlint.layers]\nfrontend = ["x.*"]\n', "unknown layer 'frontend'"),
        ('target-version = "py2"\n', "target-version"),
    ],
)
def test_config_errors_exit_2_with_file_and_key(tmp_path, config, message):
    project = make_project(tmp_path, config)
    result = run("check", str(project))
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert message in result.output and "pyproject.toml" in result.output


def test_a_project_below_whose_configuration_cannot_be_read_leaves_only_its_files_out(tmp_path):
    # (review 118: a cookiecutter template's Jinja pyproject.toml stopped the whole run)
    project = make_project(tmp_path, files={
        "app/services/user_service.py": SERVICE_WITH_HTTP,
        "template/{{cookiecutter.name}}/app/services/user_service.py": SERVICE_WITH_HTTP,
    })
    (project / "template" / "{{cookiecutter.name}}" / "pyproject.toml").write_text("{{ cookiecutter.name }} = 1\n")
    result = run("check", str(project))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "app/services/user_service.py:1:1: LL105" in result.output
    assert "template" not in result.output.split("layerlint: error:")[0]  # (its files: not linted)
    assert "invalid TOML" in result.output and "extend-exclude" in result.output
    with open(project / "pyproject.toml", "a") as fh:
        fh.write('extend-exclude = ["template"]\n')
    from test_config_flag import invoke  # (settings read again)

    result = invoke("check", str(project))
    assert result.exit_code == 1 and "invalid TOML" not in result.output, result.output


def test_files_of_a_nested_project_whose_configuration_cannot_be_read_are_an_error_once(tmp_path):
    # pre-commit names files, not folders: the same as for a folder, the rest is linted
    project = make_project(tmp_path, files={
        "app/services/user_service.py": SERVICE_WITH_HTTP,
        "template/{{cookiecutter.name}}/app/services/a.py": SERVICE_WITH_HTTP,
        "template/{{cookiecutter.name}}/app/services/b.py": SERVICE_WITH_HTTP,
    })
    (project / "template" / "{{cookiecutter.name}}" / "pyproject.toml").write_text("{{ cookiecutter.name }} = 1\n")
    files = [str(project / "app/services/user_service.py")] + [
        str(project / "template/{{cookiecutter.name}}/app/services" / name) for name in ("a.py", "b.py")
    ]
    result = run("check", *files)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "app/services/user_service.py:1:1: LL105" in result.output
    assert result.output.count("invalid TOML") == 1
    assert "a.py:" not in result.output and "b.py:" not in result.output
    with open(project / "pyproject.toml", "a") as fh:
        fh.write('extend-exclude = ["template"]\n')
    from test_config_flag import invoke  # (settings read again)

    result = invoke("check", *files)
    assert result.exit_code == 1 and "invalid TOML" not in result.output, result.output


def test_a_broken_configuration_of_the_only_project_stops_a_run_on_files(tmp_path):
    project = make_project(tmp_path)
    (project / "pyproject.toml").write_text("[tool.layerlint\n")
    result = run("check", str(project / "app/services/user_service.py"))
    assert result.exit_code == 2 and "invalid TOML" in result.output and "Traceback" not in result.output
    assert "not linted" not in result.output


def test_unknown_code_on_command_line_exits_2(tmp_path):
    result = run("check", "--select", "XX1", str(make_project(tmp_path)))
    assert result.exit_code == 2 and "unknown rule code 'XX1'" in result.output


def test_explicit_config_file(tmp_path):
    project = make_project(tmp_path)
    config = tmp_path / "strict.toml"
    config.write_text('[tool.layerlint]\nselect = ["LL103"]\n')
    result = run("check", "--config", str(config), str(project))
    assert "LL103" in result.output and "LL105" not in result.output
    missing = run("check", "--config", str(tmp_path / "nope.toml"), str(project))
    assert missing.exit_code == 2 and "Traceback" not in missing.output


def test_missing_path_is_an_error_but_others_are_linted(tmp_path):
    project = make_project(tmp_path)
    result = run("check", str(project), str(tmp_path / "missing.py"))
    assert result.exit_code == 2
    assert "missing.py: no such file or directory" in result.output
    assert "LL103" in result.output


def test_a_folder_without_python_files_passes_with_a_warning(tmp_path):
    # exit 0 as a clean run, but a CI job pointed at the wrong folder is told so
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.txt").write_text("no code here\n")
    result = run("check", str(tmp_path / "docs"))
    assert result.exit_code == 0, result.output
    assert f"warning: no Python files found in {tmp_path / 'docs'}" in result.output
    project = make_project(tmp_path / "proj")
    assert "no Python files found" not in run("check", str(project)).output


def test_custom_layer_patterns_replace_defaults(tmp_path):
    files = {
        "myapp/api/v1/users.py": "from myapp.db.users import fetch\n",
        "myapp/routes/old.py": "from myapp.repositories.x import y\n",
    }
    config = '[tool.layerlint.layers]\nroutes = ["myapp.api.*"]\nrepositories = ["myapp.db.*"]\n'
    result = run("check", str(make_project(tmp_path, config, files)))
    assert result.exit_code == 1
    assert "users.py:1:1: LL101" in result.output
    assert "old.py" not in result.output  # the defaults no longer apply


def test_noqa_comments(tmp_path):
    source = SERVICE_WITH_HTTP.replace("import HTTPException", "import HTTPException  # noqa: LL105")
    files = {
        "app/services/a_service.py": source,
        "app/services/b_service.py": "# layerlint: noqa\n" + SERVICE_WITH_HTTP,
        "app/services/c_service.py": "# layerlint: noqa: LL103\n" + SERVICE_WITH_HTTP,
        "app/services/d_service.py": SERVICE_WITH_HTTP.replace("HTTPException(code)", "HTTPException(code)  # noqa"),
        # flake8's own file switch, as flake8 reads it: a line that is only the comment
        "app/services/f_service.py": "# flake8: noqa\n" + SERVICE_WITH_HTTP,
        "app/services/g_service.py": "x = 1  # flake8: noqa\n" + SERVICE_WITH_HTTP,
    }
    result = run("check", str(make_project(tmp_path, files=files)))
    out = result.output
    assert "a_service.py:5:5: LL103" in out and "a_service.py:1:1" not in out
    assert "b_service.py" not in out
    assert "c_service.py:2:1: LL105" in out and "c_service.py:6" not in out
    assert "d_service.py:1:1: LL105" in out and "d_service.py:5" not in out
    assert "f_service.py" not in out
    assert "g_service.py:2:1: LL105" in out


def test_rule_and_rules_commands():
    doc = run("rule", "ll103")
    assert doc.exit_code == 0 and doc.output.startswith("LL103 service-raises-http-exception")
    assert run("rule", "LL999").exit_code == 2
    listing = run("rules")
    assert listing.exit_code == 0
    assert [line.split()[0] for line in listing.output.splitlines()] == list(all_rules())


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.output


def test_no_character_but_ascii_letters_lowers_to_a_letter_of_noqa() -> None:
    """noqa._may_hold_noqa lowers the UTF-8 bytes (ASCII letters only) instead of the text."""
    import sys

    assert not [c for c in range(0x80, sys.maxunicode + 1) if set(chr(c).lower()) & set("noqa")]


def test_noqa_in_any_case_in_a_file_that_is_not_ascii(tmp_path):
    source = "# caf\u00e9 \u2014 \u00e9t\u00e9\n" + SERVICE_WITH_HTTP.replace("HTTPException(code)", "HTTPException(code)  # NoQA")
    result = run("check", str(make_project(tmp_path, files={"app/services/e_service.py": source})))
    assert "e_service.py:2:1: LL105" in result.output and "e_service.py:6" not in result.output


def test_a_project_without_pyproject_below_a_build_folder_is_linted(tmp_path, monkeypatch):
    # (review 122: a CI checkout in /home/travis/build/owner/repo; the default excludes are
    # matched below the working folder, as in ruff, not against the folders above it)
    repo = tmp_path / "build" / "owner" / "repo"
    (repo / "app" / "services").mkdir(parents=True)
    (repo / "setup.cfg").write_text("[metadata]\nname = x\n")
    (repo / "app" / "__init__.py").write_text("")
    (repo / "app" / "services" / "__init__.py").write_text("")
    (repo / "app" / "services" / "user_service.py").write_text(SERVICE_WITH_HTTP)
    (repo / "build").mkdir()
    (repo / "build" / "generated.py").write_text(SERVICE_WITH_HTTP)
    monkeypatch.chdir(repo)
    from test_config_flag import invoke  # (settings read again)

    result = invoke("check", ".")
    assert "app/services/user_service.py:1:1: LL105" in result.output, result.output
    assert "generated.py" not in result.output  # its own build folder is still left out


def test_a_project_without_pyproject_below_a_build_folder_linted_from_above(tmp_path, monkeypatch):
    # (review 124: from above the project, or by its absolute path, the `build` above it
    # still excluded everything; the folder of its setup.cfg is the project's)
    repo = tmp_path / "build" / "owner" / "repo"
    (repo / "app" / "services").mkdir(parents=True)
    (repo / "setup.cfg").write_text("[metadata]\nname = x\n")
    (repo / "app" / "services" / "user_service.py").write_text(SERVICE_WITH_HTTP)
    monkeypatch.chdir(tmp_path)
    from test_config_flag import invoke  # (settings read again)

    for given in ("build/owner/repo", str(repo), "build/owner/repo/app/services/user_service.py"):
        result = invoke("check", given)
        assert "user_service.py:1:1: LL105" in result.output, (given, result.output)


def test_a_folder_named_that_the_settings_exclude_is_left_out(tmp_path):
    project = make_project(tmp_path, 'extend-exclude = ["legacy"]\n', {
        "app/services/a_service.py": SERVICE_WITH_HTTP,
        "legacy/services/b_service.py": SERVICE_WITH_HTTP,
    })
    result = run("check", str(project / "legacy"), str(project / "app"))
    assert "a_service.py" in result.output and "b_service.py" not in result.output, result.output


def test_a_project_of_no_known_folder_below_a_build_folder_named_from_elsewhere(tmp_path, monkeypatch):
    # (review 126: no pyproject.toml nor setup.cfg; `check ..` from inside, or the absolute
    # path from above, found no file: the `build` above was matched)
    repo = tmp_path / "build" / "owner" / "repo"
    (repo / "app" / "services").mkdir(parents=True)
    (repo / "app" / "__init__.py").write_text("")
    (repo / "app" / "services" / "__init__.py").write_text("")
    (repo / "app" / "services" / "user_service.py").write_text(SERVICE_WITH_HTTP)
    from test_config_flag import invoke  # (settings read again)

    for cwd, given in ((repo / "app", ".."), (repo / "app", str(repo)), (repo, ".")):
        monkeypatch.chdir(cwd)
        result = invoke("check", given)
        assert "user_service.py:1:1: LL105" in result.output, (cwd, given, result.output)
    # (review 128) a folder named below the working folder, an excluded one on its path, is
    # left out as a file so named is: the working folder is the project's folder
    (repo / ".venv" / "lib").mkdir(parents=True)
    (repo / ".venv" / "lib" / "x_service.py").write_text(SERVICE_WITH_HTTP)
    for cwd, given in ((tmp_path, "build/owner/repo"), (repo, ".venv"), (repo / "app", "../.venv")):
        monkeypatch.chdir(cwd)
        result = invoke("check", given)
        assert "LL105" not in result.output, (cwd, given, result.output)

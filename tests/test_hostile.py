"""Hostile files, trees and settings: findings or one clear message, never a
traceback, and the rest of the run goes on."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from layerlint import runner
from layerlint.cli import main
from layerlint.config import Settings
from layerlint.engine import lint_source
from layerlint.rules.layers.route_imports_repository import RouteImportsRepository

SERVICE = b"from fastapi import HTTPException\n\n\ndef f():\n    raise HTTPException(code)\n"


def lint(data: bytes, path: str = "app/services/x_service.py"):
    result = lint_source(data, path, Settings())
    assert not result.errors, result.errors
    return [(d.code, d.line) for d in result.diagnostics]


@pytest.mark.parametrize(
    "name, data, expected",
    [
        ("crlf", SERVICE.replace(b"\n", b"\r\n"), [("LL105", 1), ("LL103", 5)]),
        ("lone cr", SERVICE.replace(b"\n", b"\r"), [("LL105", 1), ("LL103", 5)]),
        ("form feeds", b"\x0c" + SERVICE.replace(b"\n\n\n", b"\n\x0c\n\n"), [("LL105", 1), ("LL103", 5)]),
        ("bom", b"\xef\xbb\xbf" + SERVICE, [("LL105", 1), ("LL103", 5)]),
        ("latin-1 cookie", b"# -*- coding: latin-1 -*-\n# caf\xe9\n" + SERVICE, [("LL105", 3), ("LL103", 7)]),
        ("invalid utf-8", b"x = 1\ny = '\xc3\x28'\n", [("LL001", 2)]),
        ("nul byte", b"x = 1\n\x00\n", [("LL001", 1)]),
        ("python 2", b"print 'hello'\n", [("LL001", 1)]),
        ("python 2 except", b"try:\n    pass\nexcept ValueError, e:\n    pass\n", [("LL001", 3)]),
        ("nested parens", b"x = " + b"(" * 5000 + b")" * 5000 + b"\n", [("LL001", 1)]),
        ("nested f-strings", b"x = f\"{f'{1}'}\"\n", []),
        ("match statement", b"match x:\n    case [1, *rest]:\n        pass\n", []),
        ("empty", b"", []),
        ("only comments", b"# nothing here\n", []),
    ],
)
def test_hostile_file_contents(name, data, expected):
    found = lint(data)
    if expected and expected[0][0] == "LL001":
        assert [c for c, _ in found] == ["LL001"], found
    else:
        assert found == expected


def test_newer_python_syntax_is_finding_or_clean():
    type_params = b"def first[T](items: list[T]) -> T:\n    return items[0]\n\ntype Alias = int\n"
    pep758 = b"try:\n    pass\nexcept ValueError, TypeError:\n    pass\n"
    same_quotes = b"x = f\"{f\"{1}\"}\"\n"  # PEP 701 (3.12)
    for data in (type_params, pep758, same_quotes):
        found = lint(data)
        assert found in ([], [("LL001", found[0][1] if found else 0)])
        if sys.version_info >= (3, 14) or (sys.version_info >= (3, 12) and data is not pep758):
            assert found == []


def test_deep_expression_chains_do_not_crash_the_walk():
    for data in (
        b"x = " + b" + ".join([b"a"] * 5000) + b"\n",
        b"x = a" + b".b" * 3000 + b"\n",
        b"x = " + b"not " * 3000 + b"a\n",
    ):
        lint(data)  # a finding or nothing; no internal error (asserted in lint)


def test_a_deep_chain_of_session_providers_does_not_crash():
    # (review 61: 400 providers, each `yield from` the one before, then `next()` of the last in a
    # route handler: a RecursionError in LL603)
    lines = ["from fastapi import APIRouter", "from sqlalchemy.orm import Session", "", "router = APIRouter()", ""]
    lines += ["def p0():", "    yield Session()", ""]
    for index in range(1, 400):
        lines += [f"def p{index}():", f"    yield from p{index - 1}()", ""]
    lines += ['@router.get("/x")', "def handler() -> int:", "    db = next(p399())", "    return db.count()", ""]
    result = lint_source("\n".join(lines), "app/routes/deep.py", Settings())
    assert result.errors == []


def test_twenty_megabyte_file():
    line = b"value_%d = '" + b"x" * 200 + b"'\n"
    data = b"from fastapi import HTTPException\n" + b"".join(line % i for i in range(95_000))
    assert len(data) > 20_000_000
    assert lint(data) == [("LL105", 1)]


def _project(tmp_path: Path) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "pyproject.toml").write_text("[tool.layerlint]\n")
    services = tmp_path / "app" / "services"
    services.mkdir(parents=True)
    (services / "good_service.py").write_bytes(SERVICE)
    return tmp_path


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_hostile_trees(tmp_path):
    project = _project(tmp_path)
    services = project / "app" / "services"
    (services / "broken_link.py").symlink_to(project / "nowhere.py")
    (services / "loop").symlink_to(services)  # a folder symlink loop: never followed
    (services / "folder.py").mkdir()  # a directory named x.py
    (services / "folder.py" / "inner_service.py").write_bytes(SERVICE)
    os.close(os.open(os.fsencode(services) + b"/caf\xe9_service.py", os.O_CREAT | os.O_WRONLY))
    result = _run("check", str(project))
    assert "Traceback" not in result.output
    assert result.exit_code == 2  # the broken symlink cannot be read
    assert "broken_link.py: cannot read" in result.output
    assert "good_service.py:1:1: LL105" in result.output
    assert "inner_service.py:1:1: LL105" in result.output
    assert "loop" not in result.output


def test_unreadable_file_is_reported_and_others_linted(tmp_path, monkeypatch):
    project = _project(tmp_path)
    secret = project / "app" / "services" / "secret_service.py"
    secret.write_bytes(SERVICE)
    from layerlint import parallel

    real_read = parallel.read_file

    def guarded_read(path, *args, **kwargs):
        if os.path.abspath(path) == str(secret):  # as root, chmod cannot make a file unreadable
            raise PermissionError(13, "Permission denied")
        return real_read(path, *args, **kwargs)

    monkeypatch.setattr(parallel, "read_file", guarded_read)
    result = _run("check", str(project))
    assert result.exit_code == 2
    assert "secret_service.py: cannot read: Permission denied" in result.output
    assert "good_service.py:1:1: LL105" in result.output


def test_file_deleted_during_the_run(tmp_path, monkeypatch):
    project = _project(tmp_path)
    doomed = project / "app" / "services" / "doomed_service.py"
    doomed.write_bytes(SERVICE)
    real_discover = runner.discover

    def discover_then_delete(paths, overrides):
        found = real_discover(paths, overrides)
        doomed.unlink()
        return found

    monkeypatch.setattr("layerlint.cli.discover", discover_then_delete)
    result = _run("check", str(project))
    assert result.exit_code == 2
    assert "doomed_service.py: cannot read" in result.output
    assert "good_service.py:1:1: LL105" in result.output


def test_a_rule_that_raises_is_reported_and_the_run_goes_on(tmp_path, monkeypatch):
    project = _project(tmp_path)
    routes = project / "app" / "routes"
    routes.mkdir()
    (routes / "a.py").write_text("import os\nfrom app.repositories import x\n")
    (routes / "b.py").write_text("from app.repositories import y\n")

    def explode(self, node):
        if self.ctx.path.endswith("a.py"):
            raise RuntimeError("boom")
        return original(self, node)

    original = RouteImportsRepository.visit_ImportFrom
    monkeypatch.setattr(RouteImportsRepository, "visit_ImportFrom", explode)
    result = _run("check", str(project))
    assert result.exit_code == 2
    assert "a.py: internal error in LL101" in result.output and "RuntimeError: boom" in result.output
    assert "b.py:1:1: LL101" in result.output  # the same rule still runs on other files
    assert "good_service.py:1:1: LL105" in result.output  # and other rules everywhere
    assert "Found 3 findings in 2 files (3 checked; 1 error, see below)." in result.output


def test_the_summary_never_says_all_checks_passed_after_an_error(tmp_path, monkeypatch):
    project = tmp_path / "proj"
    (project / "app" / "routes").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (project / "app" / "routes" / "a.py").write_text("from app.repositories import x\n")

    def explode(self, node):
        raise RuntimeError("boom")

    monkeypatch.setattr(RouteImportsRepository, "visit_ImportFrom", explode)
    result = _run("check", str(project))
    assert result.exit_code == 2
    assert "All checks passed" not in result.output
    assert "No findings (1 file checked; 1 error, see below)." in result.output


def test_layer_pattern_matching_nothing_is_a_warning(tmp_path):
    project = _project(tmp_path)
    (project / "pyproject.toml").write_text(
        '[tool.layerlint.layers]\nservices = ["app.services.*"]\nroutes = ["app.api.*"]\n'
    )
    result = _run("check", str(project))
    assert result.exit_code == 1
    assert "routes pattern 'app.api.*' matches no linted module" in result.output
    assert "services pattern" not in result.output


def test_layer_patterns_are_matched_with_the_whole_project_when_a_subfolder_is_linted(tmp_path):
    # (review 108: `check app/routes` warned of every layer outside app/routes)
    from test_config_flag import invoke

    project = _project(tmp_path)
    (project / "app" / "routes").mkdir()
    (project / "app" / "routes" / "users.py").write_text("")
    (project / "pyproject.toml").write_text(
        '[tool.layerlint.layers]\nservices = ["app.services.*"]\nroutes = ["app.routes.*"]\n'
    )
    for command in ("check", "layers"):
        for folder in (project / "app" / "routes", project / "app", project):
            result = invoke(command, str(folder))
            assert "matches no module" not in result.output, (command, folder, result.output)
    (project / "pyproject.toml").write_text(
        '[tool.layerlint.layers]\nservices = ["app.service.*"]\nroutes = ["app.routes.*"]\n'
    )
    typo = "services pattern 'app.service.*' matches no linted module"
    for command in ("check", "layers"):
        for folder in (project / "app" / "routes", project / "app", project):
            result = invoke(command, str(folder))
            assert typo in result.output, (command, folder, result.output)
            assert "routes pattern" not in result.output
        # (a list of files, as pre-commit passes, is no tree: no warning)
        assert "matches no module" not in invoke(command, str(project / "app" / "routes" / "users.py")).output


def test_a_config_file_elsewhere_with_no_project_root_matches_the_run_s_modules(tmp_path, monkeypatch):
    # (review 109: `--config tools/layerlint.toml` with no pyproject.toml: the folder of the
    # config file was taken for the project's, and every pattern warned)
    from test_config_flag import invoke

    tmp_path = tmp_path / "proj"  # (alone in its folder: a package beside it would name it a namespace package)
    for package in ("myapp", "myapp/api", "myapp/db"):
        (tmp_path / package).mkdir(parents=True)
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "myapp" / "api" / "r.py").write_text("from myapp.db import x\n")
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "layerlint.toml").write_text('[layers]\nroutes = ["myapp.api.*"]\nrepositories = ["myapp.db.*"]\n')
    monkeypatch.chdir(tmp_path)
    result = invoke("check", ".", "--no-cache", "--config", "tools/layerlint.toml")
    assert "matches no" not in result.output, result.output
    assert "LL101" in result.output


def test_a_package_pattern_matching_only_the_package_is_no_warning(tmp_path):
    # (review 67: `pkg.*` matches the package `pkg` too, the warning included)
    project = _project(tmp_path)
    (project / "app" / "tables").mkdir()
    (project / "app" / "tables" / "__init__.py").write_text("")
    (project / "pyproject.toml").write_text('[tool.layerlint.layers]\nmodels = ["app.tables.*"]\n')
    result = _run("check", str(project))
    assert "matches no linted module" not in result.output


def test_conflicting_select_and_ignore_ignore_wins(tmp_path):
    project = _project(tmp_path)
    (project / "pyproject.toml").write_text('[tool.layerlint]\nselect = ["LL103"]\nignore = ["LL103"]\n')
    result = _run("check", str(project))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "config, message",
    [
        ('select = ["LL1"]\nignore = 5\n', "ignore: expected a list of rule codes"),
        ("per-file-ignores = 3\n", "per-file-ignores: expected a table"),
        ('exclude = "build"\n', "exclude: expected a list of glob patterns"),
        ("[tool.layerlint.layers]\nroutes = 3\n", "expected a list of glob patterns"),
        ('cache-dir = 1\n', "cache-dir: expected a string"),
        ("select = [1, 2]\n", "select: expected a list of rule codes"),
        ('[tool]\nlayerlint = "x"\n', "[tool.layerlint] must be a table"),
    ],
)
def test_hostile_settings(tmp_path, config, message):
    project = _project(tmp_path)
    text = config if config.startswith("[tool]") else "[tool.layerlint]\n" + config
    (project / "pyproject.toml").write_text(text)
    result = _run("check", str(project))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert message in result.output


def test_linted_code_is_never_imported_or_executed(tmp_path):
    project = _project(tmp_path)
    marker = tmp_path / "pwned.txt"
    evil = (
        "import socket\n"
        f"open({str(marker)!r}, 'w').write('ran')\n"
        "socket.create_connection(('127.0.0.1', 9))\n"
        "from fastapi import HTTPException\n"
    )
    for name in ("evil_service.py", "__init__.py", "conftest.py", "setup.py"):
        (project / "app" / "services" / name).write_text(evil)
    result = _run("check", str(project))
    assert result.exit_code == 1, result.output
    assert "evil_service.py:4:1: LL105" in result.output
    assert not marker.exists()
    assert "evil_service" not in sys.modules


def test_output_paths_stay_inside_the_linted_tree(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "real_service.py").write_bytes(SERVICE)
    project = _project(tmp_path / "project")
    (project / "app" / "services" / "linked_service.py").symlink_to(outside / "real_service.py")
    result = _run("check", str(project))
    lines = [line for line in result.output.splitlines() if ": LL" in line]
    assert lines and all(line.startswith(str(project)) or not line.startswith("/") for line in lines)
    assert not any("outside" in line for line in lines)
    assert any("linked_service.py:1:1: LL105" in line for line in lines)


# -- fixing -----------------------------------------------------------------------

FIXABLE = "from typing import Optional\n\n\ndef f(x: Optional[int]) -> None:\n    return None\n"


def _fix_project(tmp_path: Path) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.10"\n')
    (tmp_path / "mod.py").write_text(FIXABLE)
    return tmp_path / "mod.py"


def test_fix_leaves_a_read_only_file_alone(tmp_path):
    target = _fix_project(tmp_path)
    target.chmod(0o444)
    result = _run("check", "--fix", str(tmp_path))
    assert result.exit_code == 2 and "read-only file: not fixed" in result.output
    assert target.read_text() == FIXABLE
    assert "LL501" in result.output  # the finding is still reported
    assert "fixable with `layerlint check --fix`" not in result.output  # (it was just run)


def test_fix_skips_a_file_changed_between_lint_and_fix(tmp_path, monkeypatch):
    from layerlint import fixer

    target = _fix_project(tmp_path)
    edited = FIXABLE + "# saved by the editor meanwhile\n"
    real_fix_text = fixer.fix_text

    def fix_then_edit(*args, **kwargs):
        outcome = real_fix_text(*args, **kwargs)
        target.write_text(edited)  # the user saves while the fix is computed
        return outcome

    monkeypatch.setattr(fixer, "fix_text", fix_then_edit)
    result = _run("check", "--fix", str(tmp_path))
    assert result.exit_code == 2 and "changed while it was being fixed" in result.output
    assert target.read_text() == edited


def test_an_interrupted_write_keeps_the_original(tmp_path, monkeypatch):
    from layerlint import fixer

    target = _fix_project(tmp_path)

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(fixer.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fixer.write_atomic(str(target), b"x = 1\n")
    assert target.read_text() == FIXABLE
    assert {p.name for p in tmp_path.iterdir()} == {"mod.py", "pyproject.toml"}  # no temporary left


def test_a_banner_comment_inside_a_call_is_read_in_time():
    # LL601's needle pattern once tried every split of a `#####` comment inside parentheses:
    # crawl4ai's module never finished (the pattern is now linear; this would hang, not fail)
    banner = "#" * 60
    source = (
        "from fastapi import HTTPException\n\n\ndef f(code):\n"
        f"    raise HTTPException(\n        {banner}\n        # why\n        404,\n    )\n"
    ).encode()
    assert lint(source, "app/routes/x.py") == [("LL601", 8)]


def test_a_long_chain_of_alias_renames_is_no_internal_error(tmp_path):
    # (review 70: 200 renames of a session alias overflowed the stack)
    lines = [
        "from typing import Annotated", "from fastapi import APIRouter, Depends", "from sqlalchemy.orm import Session",
        "def get_db():", "    yield Session()", "A0 = Annotated[Session, Depends(get_db)]",
        *(f"A{i} = A{i - 1}" for i in range(1, 400)),
        "router = APIRouter()", "@router.get('/')", "def r(db: A399) -> int:", "    return db.scalar(1)", "",
    ]
    routes = tmp_path / "app" / "routes"
    routes.mkdir(parents=True)
    (routes / "r.py").write_text("\n".join(lines))
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    result = _run("check", "--no-cache", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "internal error" not in result.output

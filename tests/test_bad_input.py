"""Bad input never raises: a finding or a clear message, and the run goes on."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from layerlint.cli import main
from layerlint.config import Settings
from layerlint.engine import lint_source

SETTINGS = Settings()


def _codes(data: bytes, path: str = "app/services/x_service.py"):
    result = lint_source(data, path, SETTINGS)
    assert not result.errors, result.errors
    return [(d.code, d.line) for d in result.diagnostics]


def test_syntax_error_is_ll001_at_its_line():
    assert _codes(b"x = 1\ndef f(:\n    pass\n") == [("LL001", 2)]


# a file no rule applies to (only syntax-checked, no tree built), one some rule applies
# to, and one whose gates read the tree (a migration's top-level names)
_NO_RULE = "tools/plain.py", b"x = 1\ny = 2\n"
_SOME_RULE = "app/services/items_service.py", b"x = 1\ny = 2\n"
_GATE_READS_TREE = "app/db/m.py", b"revision = 'a'\ndown_revision = None\n"


@pytest.mark.parametrize("path, head", [_NO_RULE, _SOME_RULE, _GATE_READS_TREE])
def test_syntax_error_is_the_same_ll001_whether_or_not_the_tree_is_built(path, head):
    result = lint_source(head + b"def f(:\n    pass\n", path, SETTINGS)
    assert [(d.code, d.line, d.col, d.message) for d in result.diagnostics] == [
        ("LL001", 3, 7, "cannot parse: invalid syntax")
    ]
    assert not result.errors


@pytest.mark.parametrize("path, head", [_NO_RULE, _SOME_RULE])
@pytest.mark.parametrize(
    "body",
    [b"def f(a, a):\n    pass\n", b"nonlocal x\n", b"y = 1\nglobal y\n"],
    ids=["repeated parameter", "module-level nonlocal", "assigned before global"],
)
def test_errors_only_the_symbol_table_sees_are_not_ll001(path, head, body):
    # ast.parse accepts these (the compiler would not): no LL001, with a tree or without
    assert _codes(head + body, path) == []


def test_a_file_no_rule_applies_to_is_syntax_checked_without_building_its_tree(monkeypatch):
    parsed: list[str] = []
    real_parse = ast.parse

    def counting_parse(source, filename="<unknown>", *args, **kwargs):
        parsed.append(filename)
        return real_parse(source, filename, *args, **kwargs)

    monkeypatch.setattr(ast, "parse", counting_parse)
    assert _codes(_NO_RULE[1], _NO_RULE[0]) == []
    assert parsed == []
    assert _codes(_SOME_RULE[1], _SOME_RULE[0]) == []
    assert parsed == [_SOME_RULE[0]]
    parsed.clear()
    # (a call with a status-like number, as LL601's gate looks for: read as text, not as a tree)
    assert _codes(b"import time\n\ntime.sleep(300)\nvalues = list(range(100))\n", _NO_RULE[0]) == []
    assert parsed == []


def test_without_ll001_an_unparsable_file_has_no_finding():
    settings = Settings(ignore=("LL001",))
    for path, head in (_NO_RULE, _SOME_RULE, _GATE_READS_TREE):
        result = lint_source(head + b"def f(:\n", path, settings)
        assert (result.diagnostics, result.errors) == ([], [])


def test_undecodable_bytes_are_ll001_at_the_bad_line():
    assert _codes(b"x = 1\ny = '\xff\xfe'\n") == [("LL001", 2)]


def test_undecodable_bytes_on_the_first_lines_are_ll001_at_the_bad_byte():
    # the encoding is looked for on lines 1-2, which used to turn the bad byte into a
    # "bad encoding declaration" at 1:1 when there is no declaration at all
    for data in (b"x = 'caf\xe9'\n", b"\xef\xbb\xbfx = 'caf\xe9'\n", b"# a comment\ny = '\xe9'\n"):
        result = lint_source(data, "app/services/x_service.py", SETTINGS)
        line = 2 if data.startswith(b"#") else 1
        assert [(d.line, d.col, d.message) for d in result.diagnostics] == [
            (line, 9 if line == 1 else 6, "cannot parse: invalid utf-8 byte sequence")
        ], data
    # a declared encoding that does not exist is still about the declaration
    result = lint_source(b"# coding: klingon\nx = '\xe9'\n", "app/m.py", SETTINGS)
    assert [d.message for d in result.diagnostics] == ["cannot parse: bad encoding declaration: unknown encoding: klingon"]


def test_null_byte_is_ll001():
    assert [c for c, _ in _codes(b"x = 1\x00\n")] == ["LL001"]


def test_bad_coding_cookie_is_ll001():
    assert [c for c, _ in _codes(b"# -*- coding: klingon -*-\nx = 1\n")] == ["LL001"]


def test_deeply_nested_expression_gives_finding_or_lints():
    deep = b"x = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n"
    assert [c for c, _ in _codes(deep)] == ["LL001"]
    chain = b"x = " + b"-" * 5000 + b"1\n"  # parses on some versions, not on others
    assert [c for c, _ in _codes(chain)] in ([], ["LL001"])
    long_sum = b"x = " + b" + ".join([b"a"] * 5000) + b"\n"
    assert [c for c, _ in _codes(long_sum)] in ([], ["LL001"])


def test_latin1_cookie_and_bom_decode():
    assert _codes(b"# -*- coding: latin-1 -*-\nname = '\xe9'\n") == []
    assert _codes(b"\xef\xbb\xbfx = 1\n") == []


def test_bad_files_do_not_stop_the_run(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("[tool.layerlint]\n")
    services = tmp_path / "app" / "services"
    services.mkdir(parents=True)
    (services / "a_service.py").write_bytes(b"def f(:\n")
    (services / "b_service.py").write_bytes(b"x = '\xff'\n")
    (services / "c_service.py").write_bytes(b"x = 1\x00\n")
    (services / "d_service.py").write_bytes(b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n")
    (services / "e_service.py").write_text("from fastapi import HTTPException\n")
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert "Traceback" not in result.output
    assert result.exit_code == 1
    for name in "abcd":
        assert f"{name}_service.py:1:" in result.output and "LL001" in result.output
    assert "e_service.py:1:1: LL105" in result.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.parametrize("command", [["check", "--no-cache"], ["check", "--no-cache", "--fix"], ["layers"]])
def test_a_named_pipe_is_an_error_not_a_hang(tmp_path: Path, monkeypatch, command):
    # opening a FIFO for reading waits for a writer: it must be refused, not read
    services = tmp_path / "app" / "services"
    services.mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text("[tool.layerlint]\n")
    (services / "ok_service.py").write_text("x = 1\n")
    os.mkfifo(services / "pipe_service.py")
    monkeypatch.chdir(tmp_path)
    for target in (".", "app/services/pipe_service.py"):
        result = CliRunner().invoke(main, [*command, target])
        assert result.exit_code == 2, result.output
        assert "pipe_service.py: cannot read: not a regular file" in result.output

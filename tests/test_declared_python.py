"""The default target version: the oldest Python the project's metadata allows
(requires-python, Poetry's python dependency, setup.cfg, setup.py), never run."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from layerlint.cli import main
from layerlint.config import load_settings
from layerlint.pyversion import declared_python, lowest_python


@pytest.mark.parametrize(
    ("spec", "poetry", "expected"),
    [
        (">=3.9", False, (3, 9)),
        (">3.9", False, (3, 9)),  # 3.9.1 is allowed
        ("~=3.10", False, (3, 10)),
        ("==3.11.*", False, (3, 11)),
        (">=3.8.1,<4", False, (3, 8)),
        (">=2.7, !=3.0.*", False, (2, 7)),
        ("<4", False, None),  # no lower bound
        ("garbage", False, None),
        ("3.11", False, None),  # a bare version is not PEP 440
        ("^3.8", True, (3, 8)),
        ("~3.9", True, (3, 9)),
        ("3.11", True, (3, 11)),
        (">=3.9,<3.13", True, (3, 9)),
        ("^3.10 || ^3.8", True, (3, 8)),
        ("*", True, None),
        ("^3.10 || *", True, None),
    ],
)
def test_lowest_python(spec, poetry, expected):
    assert lowest_python(spec, poetry=poetry) == expected


def test_requires_python_comes_first(tmp_path):
    (tmp_path / "setup.py").write_text('from setuptools import setup\nsetup(python_requires=">=3.8")\n')
    data = {"project": {"requires-python": ">=3.12"}, "tool": {"poetry": {"dependencies": {"python": "^3.9"}}}}
    assert declared_python(data, tmp_path) == (3, 12)


def test_poetry_python_dependency(tmp_path):
    assert declared_python({"tool": {"poetry": {"dependencies": {"python": "^3.9"}}}}, tmp_path) == (3, 9)


def test_unreadable_declaration_falls_through(tmp_path):
    (tmp_path / "setup.cfg").write_text("[options]\npython_requires = >=3.8\n")
    data = {"project": {"requires-python": "<4"}, "tool": {"poetry": {"dependencies": {"python": "*"}}}}
    assert declared_python(data, tmp_path) == (3, 8)


def test_setup_cfg(tmp_path):
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = x\n\n[options]\npython_requires = >= 3.7\n")
    assert declared_python({}, tmp_path) == (3, 7)


@pytest.mark.parametrize(
    "setup_py",
    [
        'from setuptools import setup\nsetup(name="x", python_requires=">=3.9")\n',
        'import setuptools\nsetuptools.setup(name="x", python_requires="~=3.9")\n',
        'from distutils.core import setup\nif True:\n    setup(python_requires=">=3.9,<4")\n',
    ],
)
def test_setup_py_literal(tmp_path, setup_py):
    (tmp_path / "setup.py").write_text(setup_py)
    assert declared_python({}, tmp_path) == (3, 9)


@pytest.mark.parametrize(
    "setup_py",
    [
        'from setuptools import setup\nsetup(python_requires=PY)\n',  # not a literal: never evaluated
        'app.setup(python_requires=">=3.9")\n',  # not setuptools' setup
        "def broken(:\n",
        'import sys\nsys.exit("setup.py is parsed, never run")\nsetup(name="x")\n',
    ],
)
def test_setup_py_without_a_readable_declaration(tmp_path, setup_py):
    (tmp_path / "setup.py").write_text(setup_py)
    assert declared_python({}, tmp_path) is None


def test_broken_setup_cfg_is_no_declaration(tmp_path):
    (tmp_path / "setup.cfg").write_text("python_requires = >=3.8\n[options\n")  # no section header
    (tmp_path / "setup.py").write_text('from setuptools import setup\nsetup(python_requires=">=3.9")\n')
    assert declared_python({}, tmp_path) == (3, 9)


def test_target_version_setting_wins(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.poetry.dependencies]\npython = "^3.8"\n\n[tool.layerlint]\ntarget-version = "py312"\n'
    )
    assert load_settings(tmp_path).target_version == (3, 12)


def test_no_declaration_keeps_the_default(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.black]\nline-length = 100\n")
    assert load_settings(tmp_path).target_version == (3, 10)


SOURCE = "from typing import Optional\n\n\ndef f(x: Optional[int]) -> None: ...\n"


@pytest.mark.parametrize(
    ("files", "fixed"),
    [
        ({"pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.9"\n'}, False),
        ({"pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.11"\n'}, True),
        ({"pyproject.toml": "[tool.black]\n", "setup.cfg": "[options]\npython_requires = >=3.8\n"}, False),
        (
            {
                "pyproject.toml": "[build-system]\nrequires = []\n",
                "setup.py": 'import setuptools\nsetuptools.setup(python_requires=">=3.9")\n',
            },
            False,
        ),
        # no pyproject.toml at all: setup.py or setup.cfg still say it (found on fastapi-crudrouter,
        # whose "safe" fixes broke its import on the 3.7-3.9 it supports)
        ({"setup.py": 'from setuptools import setup\nsetup(python_requires=">=3.8")\n'}, False),
        ({"setup.cfg": "[options]\npython_requires = >=3.9\n"}, False),
        ({"setup.cfg": "[options]\npython_requires = >=3.10\n"}, True),
    ],
)
def test_declared_python_decides_the_fix(tmp_path, files, fixed):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    module = tmp_path / "app" / "a.py"
    module.parent.mkdir()
    module.write_text(SOURCE)
    result = CliRunner().invoke(main, ["check", "--no-cache", "--select", "LL501", "--fix", str(tmp_path)])
    assert result.exit_code == (0 if fixed else 1), result.output
    # (the unused import goes; `int | None` in a signature would fail at import on 3.9)
    expected = SOURCE.replace("Optional[int]", "int | None").replace("from typing import Optional\n\n\n", "")
    assert module.read_text() == (expected if fixed else SOURCE)


def test_syntax_newer_than_the_running_python_says_so(tmp_path):
    import sys

    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.99"\n')
    module = tmp_path / "app" / "base.py"
    module.parent.mkdir()
    module.write_text("class Repository[M]:\n    pass\n\n\ntype Options = dict[str, M]\n")
    result = CliRunner().invoke(main, ["check", "--no-cache", "--select", "LL001", str(tmp_path)])
    if sys.version_info >= (3, 12):  # (parses there: a real syntax error is needed)
        module.write_text("def f(:\n    pass\n")
        result = CliRunner().invoke(main, ["check", "--no-cache", "--select", "LL001", str(tmp_path)])
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert f"(layerlint runs on Python {running}, the project targets 3.99: run layerlint with Python 3.99" in result.output


def test_a_standalone_config_keeps_the_declared_python(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.9"\n')
    (tmp_path / "layerlint.toml").write_text('select = ["LL501"]\n')
    assert load_settings(tmp_path, tmp_path / "layerlint.toml").target_version == (3, 9)
    (tmp_path / "layerlint.toml").write_text('select = ["LL501"]\ntarget-version = "py311"\n')
    assert load_settings(tmp_path, tmp_path / "layerlint.toml").target_version == (3, 11)


NEWER_SYNTAX = [
    ("type Options = dict[str, int]\n", "a `type` statement", (3, 12)),
    ("class Repository[M]:\n    pass\n", "a generic class", (3, 12)),
    ("async def first[T](items: list[T]) -> T:\n    return items[0]\n", "a generic function", (3, 12)),
    ("try:\n    pass\nexcept* ValueError:\n    pass\n", "`except*`", (3, 11)),
]


@pytest.mark.parametrize(("source", "what", "version"), NEWER_SYNTAX)
def test_syntax_of_a_newer_python_says_which_with_no_target_declared(tmp_path, source, what, version):
    import sys

    if sys.version_info[:2] >= version:
        pytest.skip(f"{what} parses on this Python")
    (tmp_path / "app.py").write_text(source)
    result = CliRunner().invoke(main, ["check", "--no-cache", "--select", "LL001", str(tmp_path)])
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    wanted = f"{version[0]}.{version[1]}"
    assert f"({what} is Python {wanted} syntax; layerlint runs on Python {running})\n" in result.output


@pytest.mark.parametrize(
    "source",
    [
        "type = 3\ndef handler(:\n    pass\n",
        "if ready:\ntype Options = int\n",  # (an indentation error: 3.12 too)
        "def f():\n    return 1\n  type Options = int\n",
        "type Options = dict[str, int]] \n",  # (the error is past the statement's start)
    ],
)
def test_another_syntax_error_names_no_python(tmp_path, source):
    (tmp_path / "app.py").write_text(source)
    result = CliRunner().invoke(main, ["check", "--no-cache", "--select", "LL001", str(tmp_path)])
    assert result.exit_code == 1
    assert "LL001 cannot parse: " in result.output
    assert "syntax;" not in result.output and "(layerlint runs" not in result.output

"""Facts behind the LL3xx/LL601 fixes: a project's dependency versions, read from its
files (layerlint never imports the project's libraries), and how a fix can name an
imported API (reuse an import, or add one under a free name)."""

from __future__ import annotations

import ast
import json
import os
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from harness import scratch_path
from layerlint.cli import main
from layerlint.facts import dependencies as deps
from layerlint.facts.names import name_index, plan_reference
from layerlint.facts.status_fix import StatusFixFacts

B48 = (0, 48)


@pytest.mark.parametrize(
    ("spec", "poetry", "side"),
    [
        (">=0.40.0,<0.48.0", False, deps.BELOW),
        ("~=0.47.1", False, deps.BELOW),
        ("==0.47.*", False, deps.BELOW),
        ("==0.47.3", False, deps.BELOW),
        ("==0.48.0", False, deps.ABOVE),
        (">0.48", False, deps.ABOVE),
        (">=0.48", False, deps.ABOVE),
        ("<=0.48", False, None),  # 0.48 itself is allowed
        (">=0.40", False, None),
        (">=0.48.0rc1", False, None),  # pre-release bounds are ignored
        ("!=0.47.0", False, None),
        ("^0.47.1", True, deps.BELOW),
        ("~0.47", True, deps.BELOW),
        ("0.49.0", True, deps.ABOVE),
        (">=0.40 <0.48", True, deps.BELOW),
        ("^0.47 || ^0.49", True, None),
        ("^0.49 || ^1.0", True, deps.ABOVE),
        ("*", True, None),
    ],
)
def test_specifiers(spec, poetry, side):
    constraint = deps.parse_specifier(spec, poetry=poetry)
    assert (constraint.side(B48) if constraint else None) == side


def test_requirement_lines():
    assert deps.parse_requirement("Starlette==0.47.3 \\")[0] == "starlette"
    name, constraint = deps.parse_requirement("starlette==0.47.3 --hash=sha256:0123")
    assert constraint.side(B48) == deps.BELOW
    name, constraint = deps.parse_requirement('fastapi[standard]>=0.100,<0.117 ; python_version > "3.8"  # pinned')
    assert name == "fastapi" and constraint.side((0, 117)) == deps.BELOW
    assert deps.parse_requirement("fastapi @ https://example.com/fastapi.whl") == ("fastapi", None)
    assert deps.parse_requirement("-r base.txt") is None
    assert deps.parse_requirement("# starlette==0.47") is None


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def side(root: Path, package: str = "starlette", boundary=B48, implied=()) -> str | None:
    return deps.version_side(deps.project_constraints(root), package, boundary, implied)


def test_lock_files(tmp_path):
    uv = write(tmp_path / "uv", {"uv.lock": 'version = 1\n\n[[package]]\nname = "starlette"\nversion = "0.47.3"\n'})
    assert side(uv) == deps.BELOW
    poetry = write(tmp_path / "poetry", {"poetry.lock": '[[package]]\nname = "Starlette"\nversion = "0.49.0"\n'})
    assert side(poetry) == deps.ABOVE
    pipenv = write(tmp_path / "pipenv", {"Pipfile.lock": '{"default": {"starlette": {"version": "==0.48.0"}}}'})
    assert side(pipenv) == deps.ABOVE
    forked = write(tmp_path / "forked", {
        "uv.lock": '[[package]]\nname = "starlette"\nversion = "0.47.3"\n\n'
                   '[[package]]\nname = "starlette"\nversion = "0.49.0"\n',
        "requirements.txt": "starlette>=0.40\n",
    })
    assert side(forked) is None  # the lock installs versions on both sides


@pytest.mark.parametrize(
    ("files", "allowed"),
    [
        ({"requirements.txt": "sqlalchemy>=1.4,<2.0\n"}, True),  # held on 1.x
        ({"requirements.txt": "sqlalchemy>=1.4.1\n"}, True),  # supports 1.4 and 2.x: a 2.0-only fix drops 1.4
        ({"requirements.txt": "sqlalchemy[asyncio]>=2.0.30\n"}, False),
        ({"requirements.txt": "sqlalchemy\n"}, False),  # any version: the current one
        ({"requirements.txt": "httpx\n"}, False),  # not a dependency the files name: assumed current
        (  # the lock file installs 2.x: the application runs it, whatever its range allows
            {"requirements.txt": "sqlalchemy>=1.4\n", "uv.lock": '[[package]]\nname = "sqlalchemy"\nversion = "2.0.36"\n'},
            False,
        ),
        ({"requirements.txt": "sqlalchemy>=2\n", "uv.lock": '[[package]]\nname = "SQLAlchemy"\nversion = "1.4.54"\n'}, True),
        ({"requirements.txt": "sqlalchemy>=2.0\n", "constraints.txt": "sqlalchemy<2\n"}, True),  # they disagree
    ],
)
def test_may_run_below(tmp_path, files, allowed):
    root = write(tmp_path, files)
    assert deps.may_run_below(deps.project_constraints(root), "sqlalchemy", (2, 0)) is allowed


@pytest.mark.parametrize(
    ("files", "allowed"),
    [
        ({"requirements.txt": "pydantic>=1.10\n"}, True),  # supports both: the fixes write 2.x only
        ({"requirements.txt": "fastapi>=0.95.2,<0.96\n"}, True),  # FastAPI before 0.100 requires Pydantic 1
        ({"requirements.txt": "sqlmodel>=0.0.8\n"}, True),  # so does SQLModel before 0.0.14
        ({"requirements.txt": "fastapi>=0.110\nsqlmodel>=0.0.16\n"}, False),
        ({"requirements.txt": "fastapi>=0.95\npydantic>=2.5\n"}, False),  # Pydantic named: it decides
        ({"requirements.txt": "httpx\n"}, False),  # nothing said: the current versions
    ],
)
def test_pydantic_1_allowed(tmp_path, files, allowed):
    assert deps.pydantic_1_allowed(str(write(tmp_path, files))) is allowed


@pytest.mark.parametrize(
    ("files", "sync_only"),
    [
        ({"requirements.txt": "sqlalchemy\npsycopg2\n"}, True),  # named without a version counts
        ({"requirements.txt": "SQLAlchemy[asyncio]==2.0.36\n"}, False),
        ({"requirements.txt": "sqlalchemy[mypy,aiosqlite]>=2\n"}, False),
        ({"requirements.txt": "flask-sqlalchemy>=3\n"}, True),
        ({"requirements.txt": "sqlalchemy>=2\noracledb\n"}, False),
        ({"requirements.txt": "httpx\n"}, False),  # SQLAlchemy not named
        ({"pyproject.toml": '[tool.poetry.dependencies]\nsqlalchemy = {version = "^2.0", extras = ["asyncio"]}\n'},
         False),
        ({"pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.11"\nsqlalchemy = "^2.0"\n'}, True),
        ({"requirements.txt": "sqlalchemy>=2\n",
          "poetry.lock": '[[package]]\nname = "aiosqlite"\nversion = "0.20.0"\n'}, False),
    ],
)
def test_sqlalchemy_sync_only(tmp_path, files, sync_only):
    assert deps.sqlalchemy_sync_only(str(write(tmp_path, files))) is sync_only


def test_a_dependency_named_without_a_version_is_declared(tmp_path):
    root = write(tmp_path, {"requirements.txt": "fastapi\nsqlalchemy\n"})
    assert deps.undeclared(str(root), "sqlalchemy") is False
    assert deps.undeclared(str(root), "pydantic") is True


def test_pyproject_tables(tmp_path):
    pep621 = write(tmp_path / "pep621", {"pyproject.toml": """
        [project]
        name = "x"
        dependencies = ["fastapi>=0.110,<0.116", "sqlalchemy[asyncio]>=2.0.30"]
        [dependency-groups]
        dev = ["pytest"]
    """})
    assert side(pep621) is None
    assert side(pep621, implied=(("fastapi", (0, 117), deps.BELOW),)) == deps.BELOW
    assert side(pep621, "sqlalchemy", (2, 0)) == deps.ABOVE
    poetry = write(tmp_path / "poetry", {"pyproject.toml": """
        [tool.poetry.dependencies]
        python = "^3.11"
        starlette = {version = "^0.47.2", extras = ["full"]}
        sqlalchemy = "~1.4"
    """})
    assert side(poetry) == deps.BELOW
    assert side(poetry, "sqlalchemy", (2, 0)) == deps.BELOW
    override = write(tmp_path / "override", {"pyproject.toml": """
        [project]
        name = "x"
        dependencies = ["fastapi==0.115.0"]
        [tool.uv]
        override-dependencies = ["starlette>=0.48"]
    """})
    assert side(override, implied=(("fastapi", (0, 117), deps.BELOW),)) is None  # they disagree


def test_requirements_files_and_folders(tmp_path):
    root = write(tmp_path / "app", {
        "requirements/base.txt": "starlette==0.47.3 \\\n    --hash=sha256:00\n",
        "requirements-dev.txt": "pytest\n",
    })
    assert side(root) == deps.BELOW
    conflicting = write(tmp_path / "conflict", {
        "requirements.txt": "starlette==0.47.3\n",
        "constraints.txt": "starlette>=0.49\n",
    })
    assert side(conflicting) is None


def test_included_requirements_files_are_read(tmp_path):
    # (review 78: `-r deps/base.txt` pinned Pydantic 1, and v2 fixes were offered as safe)
    root = write(tmp_path / "app", {
        "requirements.txt": "-r deps/base.txt\nuvicorn==0.22\n",
        "deps/base.txt": "--requirement=pinned.txt\n-c ../constraints/web.txt\n",
        "deps/pinned.txt": "-r base.txt\npydantic==1.10.13\n",  # (a cycle: each file read once)
        "constraints/web.txt": "starlette==0.47.3\n",
    })
    assert side(root) == deps.BELOW
    assert deps.pydantic_1_allowed(str(root))
    (root / "constraints" / "web.txt").write_text("starlette==0.49.0\n", encoding="utf-8")
    assert side(root) == deps.ABOVE  # an included file edited is read again
    unreadable = write(tmp_path / "url", {"requirements.txt": "-r https://example.com/base.txt\nstarlette==0.47.3\n"})
    assert side(unreadable) == deps.BELOW


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_an_include_that_is_no_regular_file_is_not_read(tmp_path):
    # (review 79: `-r deps/pipe.txt` on a FIFO hung the run, `-r /dev/zero` read without end)
    root = write(tmp_path / "app", {"requirements.txt": "-r deps/pipe.txt\n-r /dev/zero\nstarlette==0.47.3\n"})
    (root / "deps").mkdir()
    os.mkfifo(root / "deps" / "pipe.txt")
    assert side(root) == deps.BELOW


def test_pipfile_packages(tmp_path):
    root = write(tmp_path / "pipenv", {
        "Pipfile": '[packages]\npydantic = "==1.10.13"\nstarlette = {version = ">=0.49", extras = ["full"]}\n'
        '\n[dev-packages]\npytest = "*"\n',
    })
    assert side(root) == deps.ABOVE
    assert deps.pydantic_1_allowed(str(root))
    assert deps.project_constraints(root).named >= {"pydantic", "starlette", "pytest"}
    broken = write(tmp_path / "broken", {"Pipfile": "[packages\n"})
    assert side(broken) is None


def test_parent_folders_count_up_to_a_repository_root(tmp_path):
    repo = write(tmp_path / "repo", {".git/HEAD": "ref: main\n", "requirements.txt": "starlette==0.49.0\n"})
    service = write(repo / "services" / "api", {"pyproject.toml": '[project]\nname = "api"\n'})
    assert side(service) == deps.ABOVE
    loose = write(tmp_path / "loose", {"requirements.txt": "starlette==0.49.0\n"})
    project = write(loose / "project", {"pyproject.toml": '[project]\nname = "p"\n'})
    assert side(project) is None  # no repository root above: only the project's own files


def test_edited_files_are_read_again(tmp_path):
    root = write(tmp_path, {"requirements.txt": "starlette==0.47.3\n"})
    assert side(root) == deps.BELOW
    (root / "requirements.txt").write_text("starlette==0.49.0  # upgraded\n", encoding="utf-8")
    assert side(root) == deps.ABOVE


def test_setup_cfg_requirements(tmp_path):
    dangling = write(tmp_path / "dangling", {"setup.cfg": """
        [metadata]
        name = x

        [options]
        install_requires =
            SQLAlchemy>=1.4
            # not a requirement
            httpx

        [options.extras_require]
        postgres = asyncpg>=0.29
    """})
    found = deps.project_constraints(dangling)
    assert deps.may_run_below(found, "sqlalchemy", (2, 0)) is True
    assert found.named == {"sqlalchemy", "httpx", "asyncpg"}
    one_line = write(tmp_path / "one_line", {"setup.cfg": "[options]\ninstall_requires = starlette==0.47.3; fastapi\n"})
    assert side(one_line) == deps.BELOW
    assert deps.project_constraints(one_line).named == {"starlette", "fastapi"}
    from_file = write(tmp_path / "from_file", {"setup.cfg": "[options]\ninstall_requires = file: requirements.in\n"})
    assert deps.project_constraints(from_file).named == set()  # setuptools reads that file, not this value


@pytest.mark.parametrize(
    ("setup_py", "allowed"),
    [
        ('setup(name="x", install_requires=["SQLAlchemy>=1.3", "six"])\n', True),
        ('import setuptools\nsetuptools.setup(install_requires=("sqlalchemy<2",))\n', True),
        ('REQUIRES = ["sqlalchemy>=1.4"]\nsetup(install_requires=REQUIRES)\n', True),
        ('setup(extras_require={"db": ["sqlalchemy>=1.4"]})\n', True),
        ('DB = ["sqlalchemy>=1.4"]\nEXTRAS = {"db": DB}\nsetup(extras_require=EXTRAS)\n', True),
        ('setup(install_requires=["sqlalchemy>=2.0.30"])\n', False),
        # parsed, never run: the statements before setup() do not stop the reading
        ('import sys\nsys.exit("never run")\nsetup(install_requires=["sqlalchemy<2"])\n', True),
        # a sum of literal lists, a list grown by append/extend/+= of literals: every string
        # added counts, whichever branch adds it (mediagoblin, review 66)
        ('E = []\nif OLD:\n    E.append("mock")\nR = ["six"] + E\nR.append("sqlalchemy<2")\nsetup(install_requires=R)\n',
         True),
        ('R = ["sqlalchemy>=2"]\nif OLD:\n    R.extend(["sqlalchemy<1.4"])\nsetup(install_requires=R)\n', True),
        ('R = ["six"]\nR += ["sqlalchemy>=2"]\nsetup(install_requires=R + ["jinja2"])\n', False),
        ('R = ["sqlalchemy>=1.4"]\nR.append(driver())\nsetup(install_requires=R)\n', None),
        # anything but a literal list of strings is not read
        ('setup(install_requires=[line for line in open("requirements.in")])\n', None),
        ('setup(install_requires=["sqlalchemy>=1.4", DRIVER])\n', None),
        ("setup(install_requires=requires())\n", None),
        # a function of the module returning such a list (superagi, review 111)
        ('def requires():\n    r = ["sqlalchemy>=1.4", "six"]\n    return r\nsetup(install_requires=requires())\n', True),
        ('def requires():\n    return ["sqlalchemy>=2.0.30"]\nsetup(install_requires=requires())\n', False),
        ('def requires():\n    if OLD:\n        return ["sqlalchemy<1.4"]\n    return ["sqlalchemy>=2"]\n'
         "setup(install_requires=requires())\n", True),
        ('def requires():\n    r = ["sqlalchemy"]\n    r.append(x)\n    return r\nsetup(install_requires=requires())\n', None),
        ('def requires(extra):\n    return ["sqlalchemy<2"]\nsetup(install_requires=requires("x"))\n', None),
        ('def requires():\n    return ["sqlalchemy<2"]\nrequires = list\nsetup(install_requires=requires())\n', None),
        # a returned list changed through another name, a parameter (review 116)
        ('def requires():\n    r = ["sqlalchemy>=2"]\n    legacy = r\n    legacy.append("sqlalchemy<1.4")\n    return r\n'
         "setup(install_requires=requires())\n", None),
        ('def requires():\n    r = ["sqlalchemy>=2"]\n    list.insert(r, 0, "sqlalchemy<1.4")\n    return r\n'
         "setup(install_requires=requires())\n", None),
        ('r = ["sqlalchemy>=2"]\ndef requires(r=("sqlalchemy<1.4",)):\n    return r\nsetup(install_requires=requires())\n', None),
        # a module's list aliased, handed to a helper, or a decorated function (review 117)
        ('BASE = ["sqlalchemy>=2"]\nLEGACY = BASE\nLEGACY.append("sqlalchemy<1.4")\nsetup(install_requires=BASE)\n', None),
        ('BASE = ["sqlalchemy>=2"]\npin(BASE)\nsetup(install_requires=BASE)\n', None),
        ('BASE = ["sqlalchemy>=2"]\ndef requires():\n    reqs = BASE\n    return reqs\nsetup(install_requires=requires())\n',
         None),
        ('@legacy\ndef requires():\n    return ["sqlalchemy>=2"]\nsetup(install_requires=requires())\n', None),
        ('BASE = ["sqlalchemy>=2"]\nEXTRA = {"db": BASE}\nsetup(install_requires=BASE + ["six"], extras_require=EXTRA)\n',
         False),
        # uses that cannot change it keep its reading (review 119)
        ('BASE = ["sqlalchemy>=1.4,<2.0"]\nTEST = [*BASE, "pytest"]\nDEV = list(BASE)\nprint(BASE)\n'
         'setup(install_requires=BASE, extras_require={"test": TEST})\n', True),
        ('BASE = ["sqlalchemy==1.4.54"]\nfor r in BASE:\n    pass\nif "six" in BASE:\n    pass\n'
         "setup(install_requires=BASE, extras_require=dict(db=BASE))\n", True),
        # redefined under a condition (review 113): which one runs is not read
        ('def requires():\n    return ["sqlalchemy>=2"]\nif OLD:\n    def requires():\n        return ["sqlalchemy<1.4"]\n'
         "setup(install_requires=requires())\n", None),
        ('def requires():\n    return ["sqlalchemy>=2"]\nfrom compat import requires\nsetup(install_requires=requires())\n',
         None),
        ('DB = ["sqlalchemy>=1.4"]\nsetup(extras_require=dict(db=DB))\n', None),
        ('R = ["sqlalchemy>=1.4"]\nif OLD:\n    R = ["sqlalchemy<1.4"]\nsetup(install_requires=R)\n', None),
        ('R = ["sqlalchemy>=1.4"]\nR[0] = "sqlalchemy>=2"\nsetup(install_requires=R)\n', None),
        ('R = ["sqlalchemy>=1.4"]\nR.clear()\nsetup(install_requires=R)\n', None),
        ('def main():\n    R = ["sqlalchemy>=1.4"]\n    setup(install_requires=R)\n', None),
        ('app.setup(install_requires=["sqlalchemy>=1.4"])\n', None),  # not setuptools' setup
        ("def broken(:\n", None),
    ],
)
def test_setup_py_requirements(tmp_path, setup_py, allowed):
    """``allowed``: may the project run SQLAlchemy 1.x (None: nothing is read at all)."""
    found = deps.project_constraints(write(tmp_path, {"setup.py": "from setuptools import setup\n" + setup_py}))
    if allowed is None:
        assert found.named == set()
    else:
        assert "sqlalchemy" in found.named
        assert deps.may_run_below(found, "sqlalchemy", (2, 0)) is allowed


def test_a_setup_py_project_is_read_from_its_package_folders(tmp_path):
    # no pyproject.toml and no repository root (an sdist): the files up to setup.py count
    sdist = write(tmp_path / "sdist", {
        "setup.py": 'from setuptools import setup\nsetup(install_requires=["SQLAlchemy>=1.3"])\n',
        "pkg/sub/__init__.py": "",
    })
    assert deps.allows_below(str(sdist / "pkg" / "sub"), "sqlalchemy", 2) is True
    # a project with its own pyproject.toml does not reach a setup.py above it
    nested = write(sdist / "nested", {"pyproject.toml": '[project]\nname = "n"\n'})
    assert deps.allows_below(str(nested), "sqlalchemy", 2) is False


def test_edited_setup_files_are_read_again(tmp_path):
    assert deps.allows_below(str(write(tmp_path, {"app/__init__.py": ""}) / "app"), "sqlalchemy", 2) is False
    write(tmp_path, {"setup.py": 'from setuptools import setup\nsetup(install_requires=["sqlalchemy>=2"])\n'})
    assert deps.may_run_below(deps.project_constraints(tmp_path / "app"), "sqlalchemy", (2, 0)) is False
    write(tmp_path, {"setup.py": 'from setuptools import setup\nsetup(install_requires=["sqlalchemy>=1.4"])  # 1.x\n'})
    assert deps.may_run_below(deps.project_constraints(tmp_path / "app"), "sqlalchemy", (2, 0)) is True


MODELS = """\
import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Tag(Base):
    __tablename__ = "tags"

    id = sa.Column(sa.Integer, primary_key=True)
"""


@pytest.mark.parametrize(
    ("files", "fixed"),
    [
        ({"setup.py": 'from setuptools import setup\nsetup(install_requires=["SQLAlchemy>=1.3"])\n'}, False),
        ({"setup.cfg": "[options]\ninstall_requires =\n    SQLAlchemy>=1.4\n", "setup.py": "import setuptools\n"},
         False),
        ({"setup.py": 'from setuptools import setup\nsetup(install_requires=["SQLAlchemy>=2.0"])\n'}, True),
    ],
)
def test_setup_files_decide_the_sqlalchemy_2_fixes(tmp_path, files, fixed):
    """A project without pyproject.toml that allows SQLAlchemy 1.x in setup.py/setup.cfg gets
    no LL302/LL304 fix, safe or unsafe (1.4 has neither `mapped_column` nor `DeclarativeBase`)."""
    write(tmp_path, files)
    module = write(tmp_path, {"pkg/__init__.py": "", "pkg/models.py": MODELS}) / "pkg" / "models.py"
    args = ["check", "--no-cache", "--select", "LL302,LL304", "--fix", "--unsafe-fixes", str(tmp_path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == (0 if fixed else 1), result.output
    text = module.read_text()
    assert ("mapped_column(sa.Integer" in text and "class Base(DeclarativeBase)" in text) is fixed, text
    assert (text == MODELS) is not fixed


def test_the_requirements_file_of_the_working_folder_decides_the_sqlalchemy_2_fixes(tmp_path, monkeypatch):
    """No repository, no pyproject.toml, no setup file: only a requirements.txt beside where
    `layerlint check .` runs. It allows SQLAlchemy 1.4, which has no `mapped_column`: no fix."""
    write(tmp_path, {"requirements.txt": "sqlalchemy>=1.4,<2.1\n"})
    module = write(tmp_path, {"app/__init__.py": "", "app/models/__init__.py": "", "app/models/tag.py": MODELS})
    module = module / "app" / "models" / "tag.py"
    monkeypatch.chdir(tmp_path)
    assert deps.allows_below(str(tmp_path / "app" / "models"), "sqlalchemy", 2) is True
    result = CliRunner().invoke(main, ["check", "--no-cache", "--select", "LL302,LL304", "--fix", "--unsafe-fixes", "."])
    assert result.exit_code == 1, result.output
    assert module.read_text() == MODELS


@pytest.mark.parametrize(
    ("extra_import", "fix"),
    [
        ("", "unsafe"),  # nothing says which SQLAlchemy: 1.4 has no `mapped_column`
        ("from sqlalchemy.orm import mapped_column\n", "safe"),  # the module runs SQLAlchemy 2 already
        ("from sqlalchemy.orm import Mapped\n", "unsafe"),  # SQLAlchemy 1.4 has `Mapped` too
        ("from sqlalchemy import orm\nX = orm.DeclarativeBase\n", "safe"),
    ],
)
def test_without_dependency_files_the_ll302_fix_is_safe_only_where_the_module_uses_sqlalchemy_2(
    tmp_path, monkeypatch, extra_import, fix
):
    """No dependency file at all (a copied folder, an unpacked wheel): which SQLAlchemy the
    project runs is not known, unless the module uses a name only SQLAlchemy 2 has."""
    write(tmp_path, {"pkg/__init__.py": "", "pkg/models.py": extra_import + MODELS})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--no-cache", "--select", "LL302", "--output-format", "json", "."])
    assert result.exit_code == 1, result.output
    (finding,) = json.loads(result.output)
    assert finding["fix"]["applicability"] == fix


def plan(source: str, line: int = 99, names=("status", "http_status")):
    index = name_index(ast.parse(textwrap.dedent(source)))
    ref = plan_reference(
        index, frozenset({"fastapi.status", "starlette.status"}), line,
        new_import=("fastapi", "status"), new_names=names,
    )
    return None if ref is None else (ref.expr, ref.add_import)


def test_reference_plans():
    assert plan("from fastapi import status\n") == ("status", None)
    assert plan("from starlette import status as st\n") == ("st", None)
    assert plan("import fastapi.status as fs\n") == ("fs", None)
    assert plan("x = 1\n") == ("status", ("fastapi", "status", None))
    assert plan("def f(status): ...\n") == ("http_status", ("fastapi", "status", "http_status"))
    shadowed = ("http_status", ("fastapi", "status", "http_status"))
    # the import is reused wherever no other binding of `status` can shadow it
    assert plan("from fastapi import status\ndef f(status): ...\n") == ("status", None)
    assert plan("from fastapi import status\ndef f(status):\n    return 404\n", line=3) == shadowed
    model = "from fastapi import status\nclass Job:\n    status: str = 'done'\n    code = 404\n"
    assert plan(model) == ("status", None)
    assert plan(model, line=4) == shadowed  # in the class body, `status` is the attribute
    comprehension = "from fastapi import status\nx = [status for status in range(3)]\n"
    assert plan(comprehension) == ("status", None)
    assert plan("from fastapi import status\nstatus = 'ok'\n") == shadowed  # module level: everywhere
    assert plan("from fastapi import status\ndef f():\n    global status\n    status = 1\n") == shadowed
    assert plan("from fastapi import status\nif (status := 3):\n    pass\n") == shadowed
    assert plan("def f(status, http_status): ...\n") is None
    assert plan("print(status)\n") == ("http_status", ("fastapi", "status", "http_status"))  # read, never bound
    assert plan("from app.enums import *\n") is None
    assert plan("if True:\n    from fastapi import status\n") == ("status", ("fastapi", "status", None))
    # an import below the line that needs it does not serve it
    assert plan("x = 1\nfrom fastapi import status\n", line=1) == ("status", ("fastapi", "status", None))
    assert plan("x = 1\nfrom fastapi import status\n", line=3) == ("status", None)
    sa = name_index(ast.parse("from sqlalchemy import orm\n"))
    ref = plan_reference(
        sa, frozenset({"sqlalchemy.orm.mapped_column"}), 5, new_import=("sqlalchemy.orm", "mapped_column"),
        new_names=("mapped_column",), modules=frozenset({"sqlalchemy.orm"}), attr="mapped_column",
    )
    assert ref.expr == "orm.mapped_column" and ref.add_import is None


def test_status_constants_follow_the_starlette_version(tmp_path):
    tree = ast.parse("from fastapi import HTTPException\n")
    unknown = StatusFixFacts(tree, str(tmp_path / "unknown" / "m.py"), None)
    assert unknown.constant(404) == "HTTP_404_NOT_FOUND"
    assert unknown.constant(422) is None
    assert unknown.constant(308) == "HTTP_308_PERMANENT_REDIRECT"
    old = write(tmp_path / "old", {"requirements.txt": "fastapi==0.100.0\n"})
    facts = StatusFixFacts(tree, str(old / "m.py"), old)
    assert facts.constant(422) == "HTTP_422_UNPROCESSABLE_ENTITY"
    assert facts.constant(413) == "HTTP_413_REQUEST_ENTITY_TOO_LARGE"
    new = write(tmp_path / "new", {"requirements.txt": "starlette>=0.48.0\n"})
    facts = StatusFixFacts(tree, str(new / "m.py"), new)
    assert facts.constant(414) == "HTTP_414_URI_TOO_LONG"
    assert facts.constant(416) == "HTTP_416_RANGE_NOT_SATISFIABLE"
    ancient = write(tmp_path / "ancient", {"requirements.txt": "starlette==0.13.6\n"})
    facts = StatusFixFacts(tree, str(ancient / "m.py"), ancient)
    assert facts.constant(308) is None and facts.constant(422) == "HTTP_422_UNPROCESSABLE_ENTITY"
    assert StatusFixFacts(ast.parse("import starlette\n"), "/x/m.py", None).new_import == ("starlette", "status")


def test_add_import_near_its_package():
    import libcst as cst

    from layerlint.fixes.imports import add_import_from

    def add(source: str, **kw) -> str:
        return add_import_from(cst.parse_module(textwrap.dedent(source)), "fastapi", "status", **kw).code

    source = "import os\n\nfrom fastapi.responses import JSONResponse\nfrom pydantic import BaseModel\n\nx = 1\n"
    assert add(source) == source.replace("BaseModel\n", "BaseModel\nfrom fastapi import status\n")
    near = source.replace("\nfrom fastapi.responses", "\nfrom fastapi import status\nfrom fastapi.responses")
    assert add(source, near=True) == near
    after = "from app import x\nfrom fastapi.routing import APIRouter\n\ny = 1\n"
    expected = after.replace("from fastapi.routing", "from fastapi import status\nfrom fastapi.routing")
    assert add(after, near=True) == expected
    merged = "from fastapi import APIRouter as R\n"
    assert add(merged, near=True) == "from fastapi import APIRouter as R, status\n"
    assert add("from fastapi import APIRouter\n", near=True) == "from fastapi import APIRouter, status\n"
    assert add("x = 1\n", near=True) == "from fastapi import status\nx = 1\n"
    assert add_import_from(cst.parse_module("y = 2\n"), "fastapi", "status", "http_status").code == (
        "from fastapi import status as http_status\ny = 2\n"
    )


def test_declarative_base_is_reported_on_its_assignment():
    from layerlint.config import Settings
    from layerlint.engine import lint_source

    source = "from sqlalchemy.orm import declarative_base\nBase = declarative_base()\nmake(declarative_base())\n"
    found = [(d.line, d.col, d.end_col) for d in lint_source(source, scratch_path("app/models/base.py"), Settings()).diagnostics]
    assert found == [(2, 1, 26), (3, 6, 24)]

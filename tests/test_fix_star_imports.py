"""A fix never removes an import that another project module may take through
``from <module> import *`` (fixes/star_imports.py): with ``Optional`` removed from
``app/common.py``, ``app/user.py``'s ``Optional[int]`` would raise a NameError at import."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from harness import write_project
from layerlint import external
from layerlint.cli import main

PYPROJECT = '[project]\nname = "app"\nrequires-python = ">=3.11"\n'
COMMON = "from typing import Optional\n\nlimit: Optional[int] = None\n"
FIXED_KEEPING_IMPORT = "from typing import Optional\n\nlimit: int | None = None\n"
FIXED = "limit: int | None = None\n"


def _fix(root) -> str:
    external.clear()  # (each test's project is read afresh)
    result = CliRunner().invoke(main, ["check", "--select", "LL501", "--fix", "--no-cache", "."])
    # (a star-importing module's `Alias = Optional[int]` is a finding of its own, whose fix
    # is unsafe: a value, not an annotation)
    star_alias = "Alias = Optional[int]" in (root / "app" / "user.py").read_text()
    assert result.exit_code == (1 if star_alias else 0), result.output
    assert ("app/user.py:3:9: LL501" in result.output) is star_alias, result.output
    return (root / "app" / "common.py").read_text()


@pytest.mark.parametrize(
    "importer",
    ["from app.common import *\n\nAlias = Optional[int]\n", "from .common import *\n\nAlias = Optional[int]\n"],
    ids=["absolute", "relative"],
)
def test_an_import_a_star_importing_module_may_use_is_kept(tmp_path, monkeypatch, importer):
    root = write_project(
        tmp_path, monkeypatch, {"app/__init__.py": "", "app/common.py": COMMON, "app/user.py": importer}, PYPROJECT
    )
    assert _fix(root) == FIXED_KEEPING_IMPORT


def test_a_star_import_from_tests_beside_the_package_counts(tmp_path, monkeypatch):
    files = {
        "src/app/__init__.py": "",
        "src/app/common.py": COMMON,
        "tests/test_common.py": "from app.common import *\n\n\ndef test_limit():\n    assert limit is None\n",
    }
    root = write_project(tmp_path, monkeypatch, files, PYPROJECT)
    external.clear()
    result = CliRunner().invoke(main, ["check", "--select", "LL501", "--fix", "--no-cache", "."])
    assert result.exit_code == 0, result.output
    assert (root / "src" / "app" / "common.py").read_text() == FIXED_KEEPING_IMPORT


@pytest.mark.parametrize(
    "files",
    [
        {"app/user.py": "from app.common import limit\n"},  # no star import
        {"app/user.py": "from app.common import *\n", "app/common.py": '__all__ = ["limit"]\n\n' + COMMON},
        {"app/user.py": "from app.other import *\n", "app/other.py": ""},  # another module's
    ],
    ids=["named import", "__all__ limits the star", "another module star-imported"],
)
def test_otherwise_the_import_left_unused_goes(tmp_path, monkeypatch, files):
    root = write_project(tmp_path, monkeypatch, {"app/__init__.py": "", "app/common.py": COMMON, **files}, PYPROJECT)
    fixed = _fix(root)
    assert fixed.endswith(FIXED) and "Optional" not in fixed


def test_a_star_import_is_read_by_path_in_a_tree_without_init_files(tmp_path, monkeypatch):
    """No `__init__.py` anywhere and no pyproject.toml: module names are cut short
    (`app/schemas/s.py` is a module `s`), yet `from app.schemas.s import *` names the file."""
    monkeypatch.setenv("LAYERLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "checkout"
    (root / "app" / "schemas").mkdir(parents=True)
    (root / "app" / "schemas" / "s.py").write_text(COMMON)
    (root / "app" / "other.py").write_text("from app.schemas.s import *\n\nAlias = Optional[int]\n")
    monkeypatch.chdir(root)
    external.clear()
    result = CliRunner().invoke(main, ["check", "--select", "LL501", "--fix", "--no-cache", "."])
    assert result.exit_code == 0, result.output
    assert (root / "app" / "schemas" / "s.py").read_text() == FIXED_KEEPING_IMPORT


@pytest.mark.parametrize(
    "importer",
    [
        "from app.common import Optional\n\nAlias = Optional[int]\n",
        "from .common import Optional as Maybe\n\nAlias = Maybe[int]\n",
        "from app.common import (\n    limit,  # the default\n    Optional,\n)\n\nAlias = Optional[int]\n",
        "from app.common import limit, \\\n    Optional\n\nAlias = Optional[int]\n",
        "from app.common import Optional; import os\n\nAlias = Optional[int]\n",
        "from app.common \\\n    import Optional\n\nAlias = Optional[int]\n",
        "from app.common import (  # re-exported (legacy)\n    Optional,\n)\n\nAlias = Optional[int]\n",
        "from app import common\n\nAlias = common.Optional[int]\n",
        "import app.common as c\n\nAlias = c.Optional[int]\n",
        "import app.common\n\nAlias = app.common.Optional[int]\n",
        "import os; from app.common import Optional\n\nAlias = Optional[int]\n",
        "import os\nif os.name: from app.common import Optional\n\nAlias = Optional[int]\n",
        "import os, \\\n    app.common as c\n\nAlias = c.Optional[int]\n",
        "import app as a\nimport app.common\n\nAlias = a.common.Optional[int]\n",
        'X = "#"; import app.common as c\n\nAlias = c.Optional[int]\n',
        # (review 84: a chain split over lines or spaced, a module named with spaces)
        "import app.common as c\n\nAlias = (c\n    .Optional)[int]\n",
        "import app.common as c\n\nAlias = c.\\\n    Optional[int]\n",
        "import app.common as c\n\nAlias = c . Optional[int]\n",
        '"""Done.\n    c.Optional"""\nimport app.common as c\n\nAlias = c.Optional[int]\n',
        "from app . common import Optional\n\nAlias = Optional[int]\n",
    ],
    ids=[
        "absolute", "relative-aliased", "parenthesized", "continued", "semicolon", "continued-before-import",
        "parenthesis-in-comment", "module-attribute", "module-alias", "dotted-module", "after-semicolon",
        "one-line-block", "continued-import", "package-alias-chain", "hash-in-string",
        "chain-over-lines", "chain-continued", "chain-spaced", "chain-after-sentence", "spaced-module",
    ],
)
def test_an_import_another_module_imports_by_name_is_kept(tmp_path, monkeypatch, importer):
    """jupyter_scheduler's task_runner takes `declarative_base` from its orm module: the fix
    of the orm module's base left that import unused, and removing it broke the importer."""
    root = write_project(
        tmp_path, monkeypatch, {"app/__init__.py": "", "app/common.py": COMMON, "app/user.py": importer}, PYPROJECT
    )
    external.clear()
    CliRunner().invoke(main, ["check", "--select", "LL501", "--fix", "--no-cache", "app/common.py"])
    assert (root / "app" / "common.py").read_text() == FIXED_KEEPING_IMPORT


def test_a_name_imported_from_another_module_does_not_keep_the_import(tmp_path, monkeypatch):
    files = {
        "app/__init__.py": "",
        "app/common.py": COMMON,
        "app/other.py": "from typing import Optional\n",
        "app/user.py": "from app.other import Optional\nfrom typing import Optional as O\n",
    }
    root = write_project(tmp_path, monkeypatch, files, PYPROJECT)
    external.clear()
    CliRunner().invoke(main, ["check", "--select", "LL501", "--fix", "--no-cache", "app/common.py"])
    assert (root / "app" / "common.py").read_text() == FIXED

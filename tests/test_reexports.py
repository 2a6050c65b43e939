"""Names a project module re-exports from outside the project (reexports.py, followed by
``FileContext.resolve``): which bindings count, the LL107 gate of a file that never spells
``sqlalchemy``, and the cache dropping a result when the re-exporting module changes."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from harness import touch_later, write_project
from layerlint import external, project, runner
from layerlint.cli import main
from layerlint.reexports import reexported

SERVICE = '''\
from app import sqlkit
from app.sqlkit import update


def archive(model):
    return sqlkit.select(model).where(model.archived)


def touch(model):
    return update(model).values(seen=True)
'''


def _module(tmp_path, text: str) -> str:
    path = tmp_path / "app" / "kit.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    external.clear()
    return str(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("from sqlalchemy import select\n", "sqlalchemy.select"),
        ("from sqlalchemy import select as select\n", "sqlalchemy.select"),
        ("from sqlalchemy.sql import select, update\nfrom sqlalchemy.sql import select\n", "sqlalchemy.sql.select"),
        ("from .sql import select\n", "app.sql.select"),  # (relative: read against the package)
        ("try:\n    from sqlalchemy import select\nexcept ImportError:\n    select = None\n", "sqlalchemy.select"),
        (
            "try:\n    from sqlalchemy import select\nexcept (ImportError, AttributeError):\n"
            "    def select(*args):\n        raise RuntimeError\n",
            "sqlalchemy.select",
        ),
        # another binding: unknown
        ("from sqlalchemy import select\nselect = None\n", None),
        ("from sqlalchemy import select\n\n\ndef select(model):\n    return model\n", None),
        ("from sqlalchemy import select\nfrom sqlmodel import select\n", None),
        ("try:\n    from sqlalchemy import select\nexcept ImportError:\n    from sqlmodel import select\n", None),
        ("try:\n    from sqlalchemy import select\nexcept ImportError:\n    select = str\n", None),
        ("try:\n    from sqlalchemy import select\nexcept ValueError:\n    select = None\n", None),
        ("if TYPE_CHECKING:\n    from sqlalchemy import select\n", None),
        ("import typing\nif typing.TYPE_CHECKING:\n    from sqlalchemy import select\nelse:\n    select = None\n", None),
        ("from sqlalchemy import select\nfor select in ():\n    pass\n", None),
        ("from sqlalchemy import select\ndel select\n", None),
        ("from sqlalchemy import select\nwith open('x') as select:\n    pass\n", None),
        ("from sqlalchemy import select\nif (select := None):\n    pass\n", None),
        ("from sqlalchemy import select\n\n\ndef reset():\n    global select\n    select = None\n", None),
        ("from sqlalchemy import select\nfrom app.helpers import *\n", None),
        ("from sqlalchemy import insert\n", None),  # (not bound at all)
        # an alias of an import, directly in the module body
        ("import sqlalchemy as sa\nselect = sa.select\n", "sqlalchemy.select"),
        ("import sqlalchemy as sa\nselect = sa.select  # the builder\n", "sqlalchemy.select"),
        ("from sqlalchemy import sql\nselect = sql.expression.select\n", "sqlalchemy.sql.expression.select"),
        ("from sqlalchemy import select as _select\nselect = _select\n", "sqlalchemy.select"),
        ("import sqlalchemy as sa\nselect = sa.select\nselect = None\n", None),
        ("import sqlalchemy as sa\nif sa:\n    select = sa.select\n", None),
        ("select = sa.select\n", None),  # (`sa` is no import)
        ("import sqlalchemy as sa\nselect = sa.select()\n", None),
        # a name the module does not bind, from its one star import
        ("from app.sql import *\n", "app.sql.select"),
        ("from .sql import *\n", "app.sql.select"),
        ("from app.sql import *\nfrom app.more import *\n", None),
        ("from app.sql import *\n\n\ndef __getattr__(name):\n    return name\n", None),
        ("try:\n    from app.sql import *\nexcept ImportError:\n    pass\n", None),
        ("if TYPE_CHECKING:\n    from app.sql import *\n", None),
        ("from app.sql import *\nselect = None\n", None),
    ],
)
def test_which_bindings_are_a_reexport(tmp_path, text, expected):
    assert reexported(_module(tmp_path, text), "app.kit", "select") == expected


def test_a_module_imported_whole_is_followed_to_its_attributes(tmp_path):
    path = _module(tmp_path, "try:\n    import sqlalchemy as sa\nexcept ImportError:\n    sa = None\n")
    assert reexported(path, "app.kit", "sa") == "sqlalchemy"


@pytest.fixture
def services_project(tmp_path, monkeypatch):
    return write_project(
        tmp_path, monkeypatch,
        {
            "app/__init__.py": "", "app/services/__init__.py": "",
            "app/sqlkit.py": "from sqlalchemy import select, update\n", "app/services/archive.py": SERVICE,
        },
        pyproject='[project]\nname = "x"\n\n[tool.layerlint]\nselect = ["LL107"]\n',
    )


def _ll107_lines(*args: str) -> list[int]:
    project.forget_settings()
    runner._settings_cache.clear()
    external.clear()
    result = CliRunner().invoke(main, ["check", "--jobs", "1", *args, "app/services/archive.py"])
    assert result.exit_code in (0, 1), result.output
    return [int(line.split(":")[1]) for line in result.output.splitlines() if ": LL107" in line]


def test_a_service_that_never_spells_sqlalchemy_is_checked(services_project):
    assert "sqlalchemy" not in SERVICE
    assert _ll107_lines("--no-cache") == [6, 10]


def test_a_change_in_the_reexporting_module_drops_the_cached_result(services_project):
    assert _ll107_lines() == [6, 10]
    assert _ll107_lines() == [6, 10]  # served from the cache
    kit = services_project / "app" / "sqlkit.py"
    kit.write_text("from sqlalchemy import update\n\n\ndef select(model):\n    return model\n")
    touch_later(kit)
    assert _ll107_lines() == [10]


def test_chains_of_three_modules_are_followed_and_longer_ones_are_not(services_project):
    app = services_project / "app"
    (app / "sqlkit.py").write_text("from app.kit_a import select, update\n")
    (app / "kit_a.py").write_text("from app.kit_b import select\nfrom app.kit_b import update\n")
    (app / "kit_b.py").write_text("from sqlalchemy import select\nfrom app.kit_c import update\n")
    (app / "kit_c.py").write_text("from sqlalchemy import update\n")
    # select: services -> sqlkit -> kit_a -> kit_b -> sqlalchemy (3 hops); update needs a 4th
    assert _ll107_lines("--no-cache") == [6]


# keystone: models that take everything from the project's `sql` module, and a package that
# star-imports it; not one of them spells the library's name
SQL_CORE = (
    "import sqlalchemy as sql\nfrom sqlalchemy.orm import declarative_base\n\n"
    "ModelBase = declarative_base()\nColumn = sql.Column\nString = sql.String\n"
)
GROUP_MODEL = (
    "from app.common.sql import Column, ModelBase, String\n\n\n"
    "class Group(ModelBase):\n    __tablename__ = 'group'\n    id = Column(String(64), primary_key=True)\n"
)
ROLE_MODEL = (
    "from app.common import sql\n\n\n"
    "class Role(sql.ModelBase):\n    __tablename__ = 'role'\n    id = sql.Column(sql.String(64), primary_key=True)\n"
)


def test_a_model_module_that_never_spells_sqlalchemy_is_checked(tmp_path, monkeypatch):
    write_project(
        tmp_path, monkeypatch,
        {
            "app/__init__.py": "", "app/common/__init__.py": "", "app/identity/__init__.py": "",
            "app/common/sql/__init__.py": "from app.common.sql.core import *  # noqa: F403\n",
            "app/common/sql/core.py": SQL_CORE,
            "app/identity/group.py": GROUP_MODEL, "app/identity/role.py": ROLE_MODEL,
        },
        pyproject='[project]\nname = "x"\n\n[tool.layerlint]\nselect = ["LL302"]\n',
    )
    assert "sqlalchemy" not in GROUP_MODEL + ROLE_MODEL
    external.clear()
    result = CliRunner().invoke(main, ["check", "--jobs", "1", "--no-cache", "app/identity"])
    assert result.exit_code == 1, result.output
    found = sorted(line.split(": ")[0] for line in result.output.splitlines() if ": LL302" in line)
    assert found == ["app/identity/group.py:6:10", "app/identity/role.py:6:10"]

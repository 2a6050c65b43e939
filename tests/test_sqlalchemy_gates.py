"""What reads as a test of the SQLAlchemy version (facts/sqlalchemy_gates.py): such a module
runs on 1.x too, so no fix writes the 2.0 API into it."""

from __future__ import annotations

import ast

import pytest

from layerlint.facts.sqlalchemy_gates import sqlalchemy_version_gates

IMPORTS = (
    "import sqlalchemy as sa\nfrom sqlalchemy import orm, __version__ as SA_VERSION\nimport sqlalchemy.ext\n"
    "IS_V2 = sa.__version__.startswith('2')\nparts = sa.__version__.split('.')\nMAJOR = int(parts[0])\n"
    "_raw = sa.__version__\n_parts = _raw.split('.')\n_major = int(_parts[0])\n"
)


@pytest.mark.parametrize("test", [
    'sa.__version__.startswith("1.")',
    "sqlalchemy.ext.__version__ < '2'",
    'int(SA_VERSION.split(".")[0]) >= 2',
    "SQLALCHEMY_2",
    "not IS_SQLA_V2",
    "compat.sqlalchemy_version >= (2, 0)",
    'version("SQLAlchemy") >= "2"',
    'hasattr(orm, "DeclarativeBase")',
    'hasattr(sa.orm, "mapped_column")',
    'getattr(orm, "DeclarativeBase", None) is not None',
    '"DeclarativeBase" in dir(orm)',
    "SA_VERSION >= (2, 0)",
    "not _sa1",
    "IS_V2",  # (assigned from the version below)
    "MAJOR >= 2",  # (two steps: parts, then MAJOR)
    "_major >= 2",  # (three steps: _raw, _parts, _major)
    "SQLALCHEMY_2_OR_LATER",
    "SQLA_GT_14",
    "SA_2_X",
])
def test_version_tests(test):
    tree = ast.parse(f"{IMPORTS}if {test}:\n    pass\n")
    assert len(sqlalchemy_version_gates(tree)) == 1


@pytest.mark.parametrize("test", [
    "sys.version_info >= (3, 10)",
    "pydantic.VERSION.startswith('1.')",
    'hasattr(model, "model_dump")',
    "settings.SQLALCHEMY_ECHO",  # (no version in the name)
    "other.__version__ > '2'",  # (not a SQLAlchemy module)
    'version("sqlmodel") >= "0.0.14"',
    "'sqlalchemy' not in app.extensions",  # (the Flask idiom: a string is no version)
    "os.environ.get('DB_BACKEND', 'sqlalchemy') == 'sqlalchemy'",
    "SQLALCHEMY_VERSIONING",  # (a sqlalchemy-continuum setting)
    "SQLALCHEMY_DATABASE_URI_2",
    "SQLALCHEMY_WARN_20",
    "PSQLAUTH_V1",
    "hasattr(cls, 'mapped_column')",  # (not a SQLAlchemy module)
])
def test_other_tests(test):
    tree = ast.parse(f"{IMPORTS}import other\nif {test}:\n    pass\n")
    assert sqlalchemy_version_gates(tree) == []


def test_a_requirement_and_a_2_0_only_module_are_no_support_of_1_x():
    # a branch that only raises or warns requires a version; a module importing a 2.0-only
    # name unconditionally cannot run on 1.x whatever it tests
    raises = "import sqlalchemy\nif sqlalchemy.__version__.startswith('1.'):\n    raise ImportError('2.0 needed')\n"
    assert sqlalchemy_version_gates(ast.parse(raises)) == []
    warns = "import sqlalchemy, warnings\nif sqlalchemy.__version__ < '2':\n    warnings.warn('old')\n"
    assert sqlalchemy_version_gates(ast.parse(warns)) == []
    top = (
        "import sqlalchemy\nfrom sqlalchemy.orm import DeclarativeBase\n"
        "if sqlalchemy.__version__ < '2':\n    x = 1\nelse:\n    x = 2\n"
    )
    assert sqlalchemy_version_gates(ast.parse(top)) == []


def test_branches_written_for_both_apis_are_a_gate_whatever_the_test():
    source = (
        "from app import compat\n"
        "if compat.modern:\n"
        "    from sqlalchemy.orm import DeclarativeBase\n"
        "    class Base(DeclarativeBase):\n        pass\n"
        "else:\n"
        "    from sqlalchemy.orm import declarative_base\n"
        "    Base = declarative_base()\n"
    )
    assert len(sqlalchemy_version_gates(ast.parse(source))) == 1


def test_a_sync_async_switch_is_no_gate():
    # sessionmaker is 2.0's own sync API: a switch between it and async_sessionmaker says
    # nothing of the version (a reviewer's config module lost every fix to it)
    source = (
        "import os\n"
        "if os.environ.get('USE_ASYNC'):\n"
        "    from sqlalchemy.ext.asyncio import async_sessionmaker\n"
        "    Session = async_sessionmaker()\n"
        "else:\n"
        "    from sqlalchemy.orm import sessionmaker\n"
        "    Session = sessionmaker()\n"
    )
    assert sqlalchemy_version_gates(ast.parse(source)) == []
    generated = source.replace("async_sessionmaker()", "None").replace(
        "from sqlalchemy.ext.asyncio import async_sessionmaker", "from sqlalchemy.orm import DeclarativeBase"
    ).replace("sessionmaker()", "registry().generate_base()")
    assert len(sqlalchemy_version_gates(ast.parse(generated))) == 1  # (generate_base: the legacy side)


def test_getattr_of_the_version_is_a_version_test():
    # sqlalchemy-declarative-extensions: `version = getattr(sqlalchemy, "__version__", "1.3")`
    source = "import sqlalchemy\nversion = getattr(sqlalchemy, '__version__', '1.3')\nif version.startswith('2'):\n    pass\n"
    assert len(sqlalchemy_version_gates(ast.parse(source))) == 1
    other = source.replace("getattr(sqlalchemy,", "getattr(other,").replace("import sqlalchemy", "import other")
    assert sqlalchemy_version_gates(ast.parse(other)) == []

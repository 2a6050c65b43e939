"""What reads as a test of the SQLAlchemy version (facts/sqlalchemy_gates.py): such a module
runs on 1.x too, so no fix writes the 2.0 API into it."""

from __future__ import annotations

import ast

import pytest

from layerlint.facts.sqlalchemy_gates import sqlalchemy_version_gates

IMPORTS = "import sqlalchemy as sa\nfrom sqlalchemy import orm, __version__ as SA_VERSION\nimport sqlalchemy.ext\n"


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
])
def test_other_tests(test):
    tree = ast.parse(f"{IMPORTS}import other\nif {test}:\n    pass\n")
    assert sqlalchemy_version_gates(tree) == []

"""Pydantic's functions reached through a project module that re-exports them
(``from app.compat import Field, validator``): a module that never spells ``pydantic`` is
checked too, LL204's fix (which would import the new decorator from pydantic, past the
project's module) is withheld, and a ``Field(env=...)`` makes LL206's fix unsafe."""

from __future__ import annotations

from pathlib import Path

import pytest

from layerlint import external
from layerlint.diagnostics import FIX_SAFE, FIX_UNSAFE
from layerlint.engine import lint_source
from layerlint.fixer import fix_text
from layerlint.project import settings_for

SCHEMA = '''\
from app.compat import BaseModel, Field, validator


class Signup(BaseModel):
    handle: str = Field(regex="^[a-z]+$")

    @validator("handle")
    def lower(cls, value):
        return value.lower()
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "t"\nrequires-python = ">=3.10"\ndependencies = ["pydantic>=2"]\n')
    (tmp_path / "app" / "schemas").mkdir(parents=True)
    (tmp_path / "app" / "compat.py").write_text("from pydantic import BaseModel, Field, validator\n")
    external.clear()
    return tmp_path


def _marks(source: str, path: Path) -> list[tuple[int, str, str | None]]:
    result = lint_source(source, str(path), settings_for(path))
    return sorted((d.line, d.code, d.fix) for d in result.diagnostics)


def test_a_schema_that_never_spells_pydantic_is_checked(project):
    assert "pydantic" not in SCHEMA
    path = project / "app" / "schemas" / "signup.py"
    # LL205 renames the argument of pydantic's Field; LL204's fix would import field_validator
    # from pydantic past app.compat (leaving its import of validator unused): withheld
    assert _marks(SCHEMA, path) == [(5, "LL205", FIX_SAFE), (7, "LL204", None)]
    direct = SCHEMA.replace("from app.compat import", "from pydantic import")
    assert _marks(direct, path) == [(5, "LL205", FIX_SAFE), (7, "LL204", FIX_SAFE)]


def test_the_fix_renames_the_argument_and_leaves_the_validator(project):
    path = project / "app" / "schemas" / "signup.py"
    outcome = fix_text(SCHEMA, str(path), settings_for(path))
    assert outcome.error is None and outcome.warning is None
    assert outcome.text == SCHEMA.replace('regex="', 'pattern="')


def test_a_reexported_field_with_env_makes_the_settings_move_unsafe(project):
    # pydantic-settings ignores `env=`: moving BaseSettings silently stops reading the variable
    source = (
        "from pydantic import BaseSettings\n\nfrom app.compat import Field\n\n\n"
        "class Settings(BaseSettings):\n    url: str = Field(..., env='DATABASE_URL')\n"
    )
    path = project / "app" / "core" / "config.py"
    assert _marks(source, path) == [(1, "LL206", FIX_UNSAFE)]

"""Modules of an Alembic script folder besides the revisions (frozen models, data helpers in
`migrations/shared/`) are migration code: the SQLAlchemy rules leave them alone, and they
are not revisions either (no LL401 for a helper without `downgrade()`). Found on superset."""

from __future__ import annotations

import json

from click.testing import CliRunner

from layerlint.cli import main

FROZEN = """\
from sqlalchemy import Column, Integer
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()


class Slice(Base):
    __tablename__ = "slices"
    id = Column(Integer, primary_key=True)


def count(session: Session) -> int:
    return session.query(Slice).count()
"""


def test_migration_helpers_are_left_alone(tmp_path, monkeypatch):
    root = tmp_path / "proj"
    scripts = root / "app" / "migrations"
    (scripts / "versions").mkdir(parents=True)
    (scripts / "shared").mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (scripts / "env.py").write_text("")
    (scripts / "shared" / "utils.py").write_text(FROZEN)
    (scripts / "helpers.py").write_text(FROZEN)
    (root / "app" / "models.py").write_text(FROZEN)  # the same code outside: flagged
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["check", "--no-cache", "--select", "LL3,LL4", "--output-format", "json", "app"])
    assert result.exit_code == 1, result.output
    found = {(d["filename"].rpartition("proj/")[2], d["code"]) for d in json.loads(result.output)}
    assert found == {("app/models.py", "LL302"), ("app/models.py", "LL304"), ("app/models.py", "LL305")}

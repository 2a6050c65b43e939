"""A session typed by a project class: a subclass of SQLAlchemy's session defined in
another module of the project (found on polar: `session: AsyncReadSession`)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from layerlint.cli import main

DB = """\
from sqlalchemy.ext.asyncio import AsyncSession


class AsyncReadSession(AsyncSession):
    \"\"\"Bound to the read replica.\"\"\"


class ReadOnlyCache:
    async def execute(self, key):
        return key
"""
SERVICE = """\
from app.db import AsyncReadSession, ReadOnlyCache


async def count_items(session: AsyncReadSession, stmt) -> int:
    result = await session.execute(stmt)
    return result.scalar_one()


async def cached(cache: ReadOnlyCache, key):
    return await cache.execute(key)
"""


def test_a_service_running_a_query_on_a_project_session_subclass(tmp_path, monkeypatch):
    monkeypatch.setenv("LAYERLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "proj"
    (root / "app" / "services").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "services" / "__init__.py").write_text("")
    (root / "app" / "db.py").write_text(DB)
    (root / "app" / "services" / "items.py").write_text(SERVICE)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(
        main, ["check", "--jobs", "1", "--select", "LL107", "--output-format", "json", "app/services/items.py"]
    )
    assert result.exit_code == 1, result.output
    # the service module imports no SQLAlchemy itself; the cache's `execute` is no session's
    assert [(d["code"], d["location"]["row"]) for d in json.loads(result.output)] == [("LL107", 5)]

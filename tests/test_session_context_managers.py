"""A session handed out by a context manager of another project module: ``async with
database.transaction() as session`` where ``app/db/engine.py`` binds ``database = Database()``
and ``Database.transaction`` is an ``@asynccontextmanager`` annotated to yield an
``AsyncSession`` (found on Agenta: ``async with engine.core_session() as session``)."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from layerlint.cli import main

ENGINE = '''\
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import AsyncGenerator

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import Session

from app.db.replica import ReplicaSession


class Database:
    def __init__(self, url: str) -> None:
        self.url = url

    @asynccontextmanager
    async def transaction(self) -> AsyncGenerator[AsyncSession, None]:
        yield self._open()

    @asynccontextmanager
    async def replica(self) -> AsyncIterator["ReplicaSession"]:
        yield self._open()

    @contextmanager
    def sync_transaction(self) -> Iterator[Session]:
        yield self._open()

    @asynccontextmanager
    async def untyped(self):
        yield self._open()

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection]:
        yield self._open()

    def _open(self):
        return self.url


database = Database("sqlite+aiosqlite://")
reports: Database = database


@asynccontextmanager
async def unit_of_work() -> AsyncIterator[AsyncSession]:
    async with database.transaction() as session:
        yield session


def get_db() -> Iterator[Session]:
    yield database._open()


def get_untyped():
    yield database._open()


fresh_session = contextmanager(get_db)
wrong_kind = asynccontextmanager(get_db)
untyped_session = contextmanager(get_untyped)
'''
REPLICA = '''\
from sqlalchemy.ext.asyncio import AsyncSession


class ReplicaSession(AsyncSession):
    """Bound to the read replica."""
'''
SEARCH = '''\
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Batch:
    async def execute(self, text: str) -> list[str]:
        return [text]


class SearchIndex:
    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Batch]:
        yield Batch()


search = SearchIndex()
'''
SERVICE = '''\
from app.db import database, unit_of_work
from app.db.engine import Database, reports
from app.search import search


async def run(stmt):
    async with database.transaction() as session:
        return (await session.execute(stmt)).scalars().all()


async def legacy(model):
    async with unit_of_work() as session:
        return session.query(model).all()


def legacy_sync(model):
    with reports.sync_transaction() as session:
        return session.query(model).count()


async def on_replica(stmt):
    async with database.replica() as session:
        return await session.scalars(stmt)


async def untyped(stmt):
    async with database.untyped() as session:
        return await session.execute(stmt)


async def connection(stmt):
    async with database.connection() as session:
        return await session.execute(stmt)


async def searching(text):
    async with search.transaction() as session:
        return await session.execute(text)


async def handed_in(database, stmt):
    async with database.transaction() as session:
        return await session.execute(stmt)


def fresh(model):
    from app.db.engine import fresh_session, untyped_session, wrong_kind

    with fresh_session() as session:
        session.query(model).all()
    with untyped_session() as untyped:
        untyped.query(model).all()
    with wrong_kind() as wrong:
        return wrong.query(model).all()
'''
REPOSITORY = '''\
from app.db.engine import Database


async def create(entry):
    async with Database.transaction(None) as session:
        session.add(entry)
        await session.commit()
    return entry
'''
ROUTES = '''\
from fastapi import APIRouter, BackgroundTasks

from app.db.engine import database

router = APIRouter()


async def notify(session) -> None:
    await session.commit()


@router.post("/notify", status_code=202)
async def schedule(tasks: BackgroundTasks) -> None:
    async with database.transaction() as session:
        tasks.add_task(notify, session)
'''
FILES = {
    "app/__init__.py": "",
    "app/db/__init__.py": "from .engine import database, unit_of_work\n",
    "app/db/engine.py": ENGINE,
    "app/db/replica.py": REPLICA,
    "app/search.py": SEARCH,
    "app/services/__init__.py": "",
    "app/services/reports.py": SERVICE,
    "app/repositories/__init__.py": "",
    "app/repositories/entries.py": REPOSITORY,
    "app/routes/__init__.py": "",
    "app/routes/jobs.py": ROUTES,
}


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("LAYERLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "proj"
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "pyproject.toml").write_text('[project]\nname = "x"\n')
    monkeypatch.chdir(root)
    return root


def _findings(*paths: str) -> list[tuple[str, int, str]]:
    args = ["check", "--jobs", "1", "--select", "LL106,LL107,LL305,LL310,LL603,LL604", "--output-format", "json"]
    result = CliRunner().invoke(main, [*args, *paths])
    assert result.exit_code in (0, 1), result.output
    return sorted(
        (d["filename"].replace(os.sep, "/").rpartition("app/")[2], d["location"]["row"], d["code"])
        for d in json.loads(result.output)
    )


def test_a_session_from_a_project_context_manager(project):
    assert _findings("app/services/reports.py", "app/repositories/entries.py", "app/routes/jobs.py") == [
        ("repositories/entries.py", 6, "LL310"),
        ("routes/jobs.py", 15, "LL604"),  # (opening it is no session factory call: no LL603)
        ("services/reports.py", 8, "LL107"),  # through the module-level instance, re-exported
        ("services/reports.py", 13, "LL107"),  # a function (`query` runs a query, as `execute` does)
        ("services/reports.py", 13, "LL305"),
        ("services/reports.py", 18, "LL107"),  # an instance declared `reports: Database`, the sync form
        ("services/reports.py", 18, "LL305"),
        ("services/reports.py", 23, "LL107"),  # a project subclass of AsyncSession, in a string
        # clean: no annotation, a connection, a same-named method of another class, a parameter
        ("services/reports.py", 50, "LL107"),  # `fresh_session = contextmanager(get_db)`
        ("services/reports.py", 50, "LL305"),
        # clean: a function that does not say what it yields, one the wrong kind of manager wraps
    ]


def test_a_change_in_the_context_managers_module_invalidates_the_cached_result(project):
    assert _findings("app/repositories/entries.py") == [("repositories/entries.py", 6, "LL310")]
    assert _findings("app/repositories/entries.py") == [("repositories/entries.py", 6, "LL310")]  # (cached)
    engine = project / "app" / "db" / "engine.py"
    engine.write_text(ENGINE.replace("AsyncGenerator[AsyncSession, None]", "AsyncGenerator[AsyncConnection, None]"))
    stat = os.stat(engine)
    os.utime(engine, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert _findings("app/repositories/entries.py") == []


WRAPPERS = '''\
from contextlib import asynccontextmanager, contextmanager

from app.db.engine import get_db, get_untyped

fresh_imported = contextmanager(get_db)
wrong_imported = asynccontextmanager(get_db)
untyped_imported = contextmanager(get_untyped)
'''
WRAPPED_USES = '''\
from contextlib import contextmanager

from app.db.engine import get_db
from app.db.wrappers import fresh_imported, untyped_imported, wrong_imported

here = contextmanager(get_db)


def counts(model):
    with fresh_imported() as session:
        session.query(model).count()
    with here() as local:
        local.query(model).count()
    with untyped_imported() as untyped:
        untyped.query(model).count()
    with wrong_imported() as wrong:
        return wrong.query(model).count()
'''


def test_contextmanager_of_an_imported_provider_hands_out_what_the_provider_is_annotated_to_yield(project):
    # (review 58: `fresh = contextmanager(get_db)` with get_db imported from another module)
    (project / "app" / "db" / "wrappers.py").write_text(WRAPPERS)
    (project / "app" / "services" / "counts.py").write_text(WRAPPED_USES)
    assert _findings("app/services/counts.py") == [
        ("services/counts.py", 11, "LL107"),
        ("services/counts.py", 11, "LL305"),
        ("services/counts.py", 13, "LL107"),
        ("services/counts.py", 13, "LL305"),
        # clean: a provider that does not say what it yields, one the wrong kind of manager wraps
    ]

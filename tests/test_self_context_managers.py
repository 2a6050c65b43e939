"""A session handed out by a context manager method that a base class of another project
module defines, entered through ``self``: ``with self._session() as session`` in a
subclass (read there, recorded for the cache)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from harness import touch_later, write_project
from layerlint.cli import main

BASE = """\
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session


class Store:
    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        yield AsyncSession()

    @contextmanager
    def _sync_session(self) -> Iterator[Session]:
        yield Session()


class PlainStore(Store):
    def _sync_session(self):
        return None
"""
MIDDLE = """\
from app.base import Store as BaseStore


class AuditedStore(BaseStore):
    pass
"""
REPO = """\
from app.base import PlainStore
from app.middle import AuditedStore


class Orders(AuditedStore):
    async def add(self, order):
        async with self._session() as session:
            session.add(order)
            await session.commit()

    def count(self, model):
        with self._sync_session() as session:
            return session.query(model).count()


class Archive(PlainStore):
    def count(self, model):
        with self._sync_session() as session:
            return session.query(model).count()
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    return write_project(
        tmp_path, monkeypatch,
        {
            "app/__init__.py": "", "app/repositories/__init__.py": "",
            "app/base.py": BASE, "app/middle.py": MIDDLE, "app/repositories/orders.py": REPO,
        },
    )


def _findings() -> list[tuple[int, str]]:
    result = CliRunner().invoke(
        main,
        ["check", "--jobs", "1", "--select", "LL305,LL310", "--output-format", "json", "app/repositories/orders.py"],
    )
    assert result.exit_code in (0, 1), result.output
    return sorted((d["location"]["row"], d["code"]) for d in json.loads(result.output))


def test_a_session_from_a_base_class_context_manager_of_another_module(project):
    # Orders inherits both context managers through AuditedStore (a re-named import). Clean:
    # Archive, whose base PlainStore overrides _sync_session with a plain method
    assert _findings() == [(8, "LL310"), (13, "LL305")]


def test_a_change_in_a_base_class_module_invalidates_the_cached_result(project):
    assert _findings() == [(8, "LL310"), (13, "LL305")]
    assert _findings() == [(8, "LL310"), (13, "LL305")]  # served from the cache
    base = project / "app" / "base.py"
    base.write_text(BASE.replace("-> Iterator[Session]", "-> Iterator[int]"))
    touch_later(base)
    assert _findings() == [(8, "LL310")]
    middle = project / "app" / "middle.py"
    middle.write_text(MIDDLE.replace("    pass", "    def _session(self):\n        return None"))
    touch_later(middle)
    assert _findings() == []

"""Sessions reached through attributes that another project module defines: a base class
whose ``__init__`` sets ``self.session`` from a parameter annotated as a session, and a
model class annotating ``session: ClassVar[...]`` (found on tracecat and freqtrade)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from harness import touch_later, write_project
from layerlint.cli import main

BASE = """\
from typing import Optional

from sqlalchemy.ext.asyncio import AsyncSession

from app.clock import Clock


class BaseService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock


class AuditedService:
    def __init__(self, db: Optional[AsyncSession] = None) -> None:
        self.db = db
        if db is None:
            self.db = Clock()
"""
DB_TYPES = """\
from sqlalchemy.orm import Session, scoped_session

SessionType = scoped_session[Session]
"""
MODELS = """\
from typing import ClassVar

from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.db_types import SessionType


class Base(DeclarativeBase):
    pass


class Ticket(Base):
    __tablename__ = "tickets"
    registry: ClassVar[SessionType]
    id: Mapped[int] = mapped_column(primary_key=True)


class Label(Base):
    __tablename__ = "labels"
    id: Mapped[int] = mapped_column(primary_key=True)

    def __init__(self, registry: SessionType) -> None:
        self.registry = registry
"""
SERVICE = """\
from app.base import AuditedService, BaseService
from app.models import Label, Ticket


class TicketService(BaseService):
    async def run(self, stmt):
        await self.clock.execute(stmt)
        return await self.session.execute(stmt)


class AuditService(AuditedService):
    async def run(self, stmt):
        return await self.db.execute(stmt)


def tickets(stmt):
    return Ticket.registry.scalars(stmt).all()


def labels(stmt):
    return Label.registry.scalars(stmt).all()
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    return write_project(
        tmp_path, monkeypatch,
        {
            "app/__init__.py": "", "app/services/__init__.py": "", "app/clock.py": "class Clock:\n    pass\n",
            "app/base.py": BASE, "app/db_types.py": DB_TYPES, "app/models.py": MODELS,
            "app/services/tickets.py": SERVICE,
        },
    )


def _rows() -> list[int]:
    result = CliRunner().invoke(
        main, ["check", "--jobs", "1", "--select", "LL107", "--output-format", "json", "app/services/tickets.py"]
    )
    assert result.exit_code in (0, 1), result.output
    return [d["location"]["row"] for d in json.loads(result.output)]


def test_session_attributes_of_classes_of_other_modules(project):
    # `self.session` set in the imported base's __init__; `Ticket.registry` a ClassVar of a
    # session alias of a third module. Clean: `self.clock` (not a session), `self.db` (its
    # __init__ also sets it to something else), `Label.registry` (an instance attribute)
    assert _rows() == [8, 17]


def test_a_change_in_the_base_class_module_invalidates_the_cached_result(project):
    assert _rows() == [8, 17]
    assert _rows() == [8, 17]  # served from the cache
    base = project / "app" / "base.py"
    base.write_text(BASE.replace("session: AsyncSession,", "session: Clock,"))
    touch_later(base)
    assert _rows() == [17]
    types = project / "app" / "db_types.py"
    types.write_text(DB_TYPES.replace("scoped_session[Session]", "dict[str, Session]"))
    touch_later(types)
    assert _rows() == []

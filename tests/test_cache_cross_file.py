"""The cache is right when another file changes: findings that depend on other
files (a session factory imported from app/db.py, the Starlette version pinned in
requirements.txt) are recomputed when those files change."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from harness import touch_later, write_project
from layerlint import external, filestamp
from layerlint.cli import main

DB = "from sqlalchemy.ext.asyncio import async_sessionmaker\n\nasync_session = async_sessionmaker(expire_on_commit=False)\n"
ROUTES = '''\
from fastapi import APIRouter, HTTPException

from app.db import async_session

router = APIRouter()


@router.get("/jobs")
async def jobs() -> int:
    async with async_session() as session:
        await session.commit()
    raise HTTPException(status_code=422)
'''


@pytest.fixture
def project(tmp_path, monkeypatch):
    return write_project(
        tmp_path, monkeypatch, {"app/db.py": DB, "app/routes/jobs.py": ROUTES},
        pyproject='[project]\nname = "x"\n\n[tool.layerlint]\nselect = ["LL603", "LL601"]\n',
    )


def _run() -> list[str]:
    result = CliRunner().invoke(main, ["check", "--jobs", "1", "app/routes/jobs.py"])
    assert result.exit_code in (0, 1), result.output
    return [line for line in result.output.splitlines() if ": LL" in line]


def test_a_change_in_an_imported_module_invalidates_the_cached_result(project):
    first = _run()
    assert any("LL603" in line for line in first)
    assert _run() == first  # served from the cache
    (project / "app" / "db.py").write_text(DB.replace("async_sessionmaker(", "dict("))
    touch_later(project / "app" / "db.py")
    assert not any("LL603" in line for line in _run())


def test_a_change_in_the_dependency_files_updates_the_fix_marks(project):
    unfixable = [line for line in _run() if "LL601" in line]
    assert unfixable and "[*]" not in unfixable[0]  # 422 was renamed: unknown Starlette, no fix
    (project / "requirements.txt").write_text("starlette==0.49.1\n")
    fixable = [line for line in _run() if "LL601" in line]
    assert fixable and "[*]" in fixable[0]


def test_a_pydantic_pin_below_2_withdraws_the_cached_fix_marks(project):
    (project / "app" / "schemas.py").write_text(
        "from pydantic import BaseModel\n\n\nclass Item(BaseModel):\n    name: str\n\n\n"
        "def dump(item: Item) -> dict:\n    return item.dict()\n"
    )

    def ll203() -> list[str]:
        result = CliRunner().invoke(main, ["check", "--jobs", "1", "--select", "LL203", "app/schemas.py"])
        assert result.exit_code == 1, result.output
        return [line for line in result.output.splitlines() if ": LL203" in line]

    assert [("[*]" in line) for line in ll203()] == [False]  # no dependency named: unsafe only
    (project / "requirements.txt").write_text("pydantic>=2.5\n")
    assert [("[*]" in line) for line in ll203()] == [True]  # the cached result is not reused
    (project / "requirements.txt").write_text("pydantic>=1.10,<2\n")
    assert [("[*]" in line) for line in ll203()] == [False]
    (project / "requirements.txt").write_text("pydantic>=2.5\n")
    assert [("[*]" in line) for line in ll203()] == [True]


SESSION_DB = """\
from sqlalchemy.ext.asyncio import async_scoped_session, async_sessionmaker

factory = async_sessionmaker(expire_on_commit=False)
session = async_scoped_session(session_factory=factory, scopefunc=lambda: "task")
"""
NOTE_REPO = """\
from app.db import session


async def all_notes(model):
    return session.query(model).all()
"""


def test_a_module_level_session_imported_from_another_module(project):
    # (found on teamhide/fastapi-boilerplate: core/db/session.py's scoped session)
    (project / "app" / "db.py").write_text(SESSION_DB)
    (project / "app" / "repositories").mkdir()
    (project / "app" / "repositories" / "notes.py").write_text(NOTE_REPO)
    args = ["check", "--jobs", "1", "--select", "LL305", "app/repositories/notes.py"]
    assert "notes.py:5:12: LL305" in CliRunner().invoke(main, args).output
    (project / "app" / "db.py").write_text(SESSION_DB.replace("async_scoped_session(", "dict("))
    touch_later(project / "app" / "db.py")
    assert CliRunner().invoke(main, args).exit_code == 0  # the cached finding goes with it


LIBRARY_MODELS = """\
from sqlalchemy.orm import DeclarativeBase, Mapped, relationship


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "authors"

    books: Mapped[list["Book"]] = relationship()
"""


def test_adding_an_async_driver_to_the_dependencies_brings_the_cached_ll301_back(project):
    (project / "app" / "models.py").write_text(LIBRARY_MODELS)
    (project / "requirements.txt").write_text("sqlalchemy>=2.0\npsycopg2\n")

    def ll301() -> list[str]:
        result = CliRunner().invoke(main, ["check", "--jobs", "1", "--select", "LL301", "app/models.py"])
        assert result.exit_code in (0, 1), result.output
        return [line for line in result.output.splitlines() if ": LL301" in line]

    assert ll301() == []  # sync-only
    (project / "requirements.txt").write_text("sqlalchemy>=2.0\nasyncpg\n")
    assert [line.split(":")[1] for line in ll301()] == ["11"]  # the cached result is not reused


@pytest.mark.parametrize(
    ("errors", "raised", "edit"),
    [
        # a class of another module that stops deriving from HTTPException
        ("class NotFound(HTTPException):\n    pass\n", "NotFound", ("(HTTPException)", "(LookupError)")),
        # a helper of another module that stops returning one
        ("def not_found(what) -> HTTPException:\n    return HTTPException(404, what)\n", "not_found",
         ("-> HTTPException", "-> LookupError")),
    ],
)
def test_an_imported_http_exception_that_stops_being_one_drops_the_cached_ll103(project, errors, raised, edit):
    errors = "from fastapi import HTTPException\n\n\n" + errors
    (project / "app" / "errors.py").write_text(errors)
    (project / "app" / "services").mkdir()
    (project / "app" / "services" / "notes.py").write_text(
        f"from app.errors import {raised}\n\n\ndef find(note_id):\n    raise {raised}(note_id)\n"
    )
    args = ["check", "--jobs", "1", "--select", "LL103", "app/services/notes.py"]
    assert "notes.py:5:5: LL103" in CliRunner().invoke(main, args).output
    (project / "app" / "errors.py").write_text(errors.replace(*edit))
    touch_later(project / "app" / "errors.py")
    assert CliRunner().invoke(main, args).exit_code == 0  # the cached finding goes with it


def test_timestamps_added_to_a_mixin_two_modules_away_drop_the_cached_ll309(project):
    (project / "app" / "models").mkdir()
    (project / "app" / "models" / "__init__.py").write_text("from app.models.mixins import StampMixin\n")
    mixins = "from sqlalchemy.orm import Mapped\n\n\nclass StampMixin:\n    created_at: Mapped[int]\n"
    (project / "app" / "models" / "mixins.py").write_text(mixins)
    (project / "app" / "models" / "base.py").write_text(
        "from sqlalchemy.orm import DeclarativeBase\n\n\nclass Base(DeclarativeBase):\n    pass\n"
    )
    (project / "app" / "models" / "notes.py").write_text(
        "from sqlalchemy.orm import Mapped, mapped_column\n\nfrom app.models import StampMixin\n"
        "from app.models.base import Base\n\n\nclass Note(StampMixin, Base):\n    __tablename__ = \"notes\"\n\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    )
    args = ["check", "--jobs", "1", "--select", "LL309", "app/models/notes.py"]
    assert "notes.py:7:1: LL309 model `Note` has no `updated_at` column" in CliRunner().invoke(main, args).output
    (project / "app" / "models" / "mixins.py").write_text(mixins + "    updated_at: Mapped[int]\n")
    touch_later(project / "app" / "models" / "mixins.py")
    assert CliRunner().invoke(main, args).exit_code == 0  # the cached finding goes with it


SEARCH = "from typing import Optional\n\n\ndef search(query: Optional[str] = None) -> str:\n    return query or ''\n"
UNION_TEST = "from typing import Union, get_origin\n\n\ndef optional(t) -> bool:\n    return get_origin(t) is Union\n"


def test_a_union_test_added_elsewhere_makes_the_cached_fix_unsafe(tmp_path, monkeypatch):
    root = write_project(
        tmp_path, monkeypatch, {"app/tools/base.py": SEARCH},
        pyproject='[project]\nname = "x"\n\n[tool.layerlint]\nselect = ["LL501"]\n',
    )

    def marks() -> list[str]:
        result = CliRunner().invoke(main, ["check", "--jobs", "1", "--output-format", "json", "app/tools/base.py"])
        assert result.exit_code == 1, result.output
        return [finding["fix"]["applicability"] for finding in json.loads(result.output)]

    assert marks() == ["safe"]
    assert marks() == ["safe"]  # served from the cache
    (root / "app" / "tools" / "schema.py").write_text(UNION_TEST)
    assert marks() == ["unsafe"]


def test_a_factory_configured_by_its_importer_is_flagged_again_when_that_stops(tmp_path, monkeypatch):
    root = write_project(
        tmp_path, monkeypatch,
        {
            "app/db.py": "from sqlalchemy.ext.asyncio import async_sessionmaker\n\nSessionLocal = async_sessionmaker()\n",
            "app/main.py": "from app.db import SessionLocal\n\nSessionLocal.configure(expire_on_commit=False)\n",
        },
        pyproject='[project]\nname = "x"\n\n[tool.layerlint]\nselect = ["LL306"]\n',
    )

    def findings() -> list[str]:
        result = CliRunner().invoke(main, ["check", "--jobs", "1", "app/db.py"])
        assert result.exit_code in (0, 1), result.output
        return [line.split(": ")[1].split()[0] for line in result.output.splitlines() if ": LL" in line]

    assert findings() == []
    assert findings() == []  # served from the cache
    (root / "app" / "main.py").write_text("from app.db import SessionLocal\n\nSessionLocal.configure(bind=None)\n")
    touch_later(root / "app" / "main.py")
    assert findings() == ["LL306"]


@pytest.fixture
def digests(monkeypatch) -> list[str]:
    """The other modules hashed to re-check a recorded digest."""
    hashed: list[str] = []
    real = external._PROVIDERS["file_digest"]

    def counting(path: str):
        hashed.append(os.path.basename(path))
        return real(path)

    counting.cache_clear = real.cache_clear  # (a run starts by clearing the providers' memos)
    monkeypatch.setitem(external._PROVIDERS, "file_digest", counting)
    return hashed


def _run_all() -> list[str]:
    result = CliRunner().invoke(main, ["check", "--jobs", "1", "app"])
    assert result.exit_code in (0, 1) and isinstance(result.exception, (SystemExit, type(None))), result.exception
    return [line for line in result.output.splitlines() if ": LL" in line]


def test_a_linted_module_s_own_entry_vouches_for_its_digest(project, digests, monkeypatch):
    monkeypatch.setattr(filestamp, "RACY_NS", 0)  # (files just written are otherwise hashed again)
    first = _run_all()
    assert any("LL603" in line for line in first)
    digests.clear()
    assert _run_all() == first
    assert digests == []  # app/db.py's entry, same digest and stat signature: not read again
    (project / "app" / "db.py").write_text(DB.replace("async_sessionmaker(", "dict("))
    assert not any("LL603" in line for line in _run_all())


def test_an_imported_module_that_starts_declaring_endpoints_is_read_again(tmp_path, monkeypatch):
    items = "def list_items():\n    return []\n"
    project = write_project(
        tmp_path, monkeypatch,
        {"app/crud/items.py": items, "app/routes/api.py": "from app.crud.items import list_items\n"},
        pyproject='[project]\nname = "x"\n\n[tool.layerlint]\nselect = ["LL101"]\n',
    )

    def run() -> list[str]:
        result = CliRunner().invoke(main, ["check", "--jobs", "1", "app/routes/api.py"])
        return [line for line in result.output.splitlines() if ": LL" in line]

    assert len(run()) == 1
    assert len(run()) == 1  # served from the cache
    endpoints = 'from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("/")\ndef list_items() -> list:\n    return []\n'
    (project / "app" / "crud" / "items.py").write_text(endpoints)
    touch_later(project / "app" / "crud" / "items.py")
    assert run() == []  # route code now, whatever its name says

"""Endpoints on a router held as an attribute of a project object (`@section.router.get(...)`,
`section = Section(...)` of a class of another project module whose `__init__` assigns
`self.router = router or APIRouter(...)`). Same-module cases: tests/fixtures/fastapi/LL602_router_attribute.py."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from layerlint.cli import main

SECTION = """\
from fastapi import APIRouter


class Section:
    def __init__(self, name: str, router: APIRouter | None = None) -> None:
        self.name = name
        self.router = router or APIRouter(prefix=f"/{name}")
"""
ROUTES = """\
from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from app.kit.section import Section


async def get_session() -> AsyncSession: ...


section = Section("orders")


@section.router.put("/orders/{n}", status_code=200)
async def update_order(n: int, db: AsyncSession = Depends(get_session)):
    await db.flush()
"""
FOUND = [("LL106", 15), ("LL601", 13), ("LL602", 14)]


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("LAYERLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "proj"
    for folder in ("app/kit", "app/routes"):
        (root / folder).mkdir(parents=True)
        (root / folder / "__init__.py").write_text("")
    (root / "app" / "__init__.py").write_text("")
    (root / "pyproject.toml").write_text('[project]\nname = "x"\n')
    (root / "app" / "routes" / "orders.py").write_text(ROUTES)
    monkeypatch.chdir(root)
    return root


def _findings(path: str = "app/routes/orders.py") -> list[tuple[str, int]]:
    result = CliRunner().invoke(
        main, ["check", "--jobs", "1", "--select", "LL1,LL6", "--output-format", "json", path]
    )
    assert result.exit_code in (0, 1), result.output
    return sorted((d["code"], d["location"]["row"]) for d in json.loads(result.output))


@pytest.mark.parametrize(
    "section",
    [
        SECTION,
        SECTION.replace("APIRouter | None", "Optional[APIRouter]").replace(
            "from fastapi", "from typing import Optional\n\nfrom fastapi"
        ),
        SECTION.replace("APIRouter | None", "Union[None, APIRouter]").replace(
            "from fastapi", "from typing import Union\n\nfrom fastapi"
        ),
        SECTION.replace("router: APIRouter | None = None", "router=None"),
        SECTION.replace("router or APIRouter(", "APIRouter("),
        # annotated in the class body, assigned from a parameter
        SECTION.replace("    def __init__", "    router: APIRouter\n\n    def __init__").replace(
            "router or APIRouter(prefix=f\"/{name}\")", "router"
        ),
    ],
    ids=["optional-union", "Optional", "Union", "unannotated-none", "plain-call", "annotated-attribute"],
)
def test_a_router_assigned_by_the_class_of_another_module(project, section):
    (project / "app" / "kit" / "section.py").write_text(section)
    assert _findings() == FOUND


def test_a_router_assigned_by_a_project_base_class_re_exported(project):
    (project / "app" / "kit" / "base.py").write_text(SECTION.replace("class Section", "class BaseSection"))
    (project / "app" / "kit" / "section.py").write_text("from app.kit.base import BaseSection\n\n\nclass Section(BaseSection):\n    pass\n")
    (project / "app" / "kit" / "__init__.py").write_text("from .section import Section\n")
    (project / "app" / "routes" / "orders.py").write_text(ROUTES.replace("from app.kit.section import", "from app.kit import"))
    assert _findings() == FOUND


def test_a_module_that_imports_nothing_from_fastapi(project):
    (project / "app" / "kit" / "section.py").write_text(SECTION)
    (project / "app" / "routes" / "orders.py").write_text(
        "from app.kit.section import Section\n\nsection = Section(\"orders\")\n\n\n"
        "@section.router.get(\"/orders\", status_code=200)\nasync def list_orders():\n    return []\n"
    )
    assert _findings() == [("LL601", 6), ("LL602", 7)]


@pytest.mark.parametrize(
    "section",
    [
        SECTION.replace("router or APIRouter(prefix=f\"/{name}\")", "make_router(name)"),  # unknown
        SECTION + "\n    def reset(self) -> None:\n        self.router = None\n",  # assigned something else too
        "class Section:\n    def __init__(self, name):\n        self.router = dict(name=name)\n",  # not a router
        "class Section:\n    def __init__(self, name):\n        self.name = name\n",  # no such attribute
        SECTION.replace("class Section:", "class Section(Unknown):"),  # a base out of reach
    ],
    ids=["unknown-value", "reassigned", "dict", "no-attribute", "unknown-base"],
)
def test_an_attribute_that_is_not_known_to_be_a_router(project, section):
    (project / "app" / "kit" / "section.py").write_text(section)
    assert _findings() == []


def test_a_change_in_the_class_module_invalidates_the_cached_result(project):
    path = project / "app" / "kit" / "section.py"
    path.write_text(SECTION)
    assert _findings() == FOUND
    assert _findings() == FOUND  # served from the cache
    path.write_text(SECTION.replace("router or APIRouter(prefix=f\"/{name}\")", "{}"))
    stat = os.stat(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    assert _findings() == []

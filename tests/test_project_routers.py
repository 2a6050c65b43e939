"""Routers made from a project's own router class, defined in another module (found on
polar, whose endpoint modules import `APIRouter` from `polar.routing`)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from harness import write_project
from layerlint.cli import main

ROUTING = """\
from typing import Any

from fastapi import APIRouter as _APIRouter
from fastapi.routing import APIRoute


class TimedRoute(APIRoute):
    pass


class APIRouter(_APIRouter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["route_class"] = TimedRoute
        super().__init__(*args, **kwargs)
"""
ENDPOINTS = """\
from app.routing import APIRouter

router = APIRouter(prefix="/items")


@router.post("/", status_code=201)
async def create_item(name: str):
    return {"name": name}
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    return write_project(
        tmp_path, monkeypatch, {"app/__init__.py": "", "app/items/__init__.py": "", "app/items/endpoints.py": ENDPOINTS}
    )


def _findings(path: str) -> list[tuple[str, int]]:
    result = CliRunner().invoke(main, ["check", "--jobs", "1", "--select", "LL6", "--output-format", "json", path])
    assert result.exit_code in (0, 1), result.output
    return sorted((d["code"], d["location"]["row"]) for d in json.loads(result.output))


def test_endpoints_on_a_project_router_class_in_a_module_without_fastapi_imports(project):
    (project / "app" / "routing.py").write_text(ROUTING)
    assert _findings("app/items/endpoints.py") == [("LL601", 6), ("LL602", 7)]


def test_a_class_named_like_a_router_that_is_none_makes_no_endpoints(project):
    (project / "app" / "routing.py").write_text("class APIRouter:\n    def post(self, path, **kw):\n        return lambda f: f\n")
    assert _findings("app/items/endpoints.py") == []


FACTORY_ROUTING = """\
from typing import Any

from fastapi import APIRouter as _APIRouter
from fastapi.routing import APIRoute


class TimedRoute(APIRoute):
    pass


def make_router_class(route_class: type[APIRoute]) -> type[_APIRouter]:
    class _Router(_APIRouter):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["route_class"] = route_class
            super().__init__(*args, **kwargs)

    return _Router


APIRouter = make_router_class(TimedRoute)
"""


@pytest.mark.parametrize(
    "routing",
    [
        FACTORY_ROUTING,
        FACTORY_ROUTING.replace(" -> type[_APIRouter]", ""),  # the class it defines and returns
    ],
)
def test_a_router_class_made_by_a_factory_function(project, routing):
    (project / "app" / "routing.py").write_text(routing)
    assert _findings("app/items/endpoints.py") == [("LL601", 6), ("LL602", 7)]


def test_a_factory_returning_something_else_makes_no_router(project):
    (project / "app" / "routing.py").write_text(
        "def make_router_class():\n    class Plain:\n        def post(self, path, **kw):\n"
        "            return lambda f: f\n    return Plain\n\n\nAPIRouter = make_router_class()\n"
    )
    assert _findings("app/items/endpoints.py") == []

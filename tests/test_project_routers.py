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


# a project's router class of a name of its own, two levels above fastapi's
SHOP_ROUTING = """\
from fastapi import APIRouter


class TaggedRouter(APIRouter):
    pass


class ShopRouter(TaggedRouter):
    pass
"""
SHOP_ENDPOINTS = """\
from app.web.routing import ShopRouter

router = ShopRouter(prefix="/items")


@router.post("/", status_code=201)
async def create_item(name: str):
    return {"name": name}
"""


@pytest.mark.parametrize(
    "files",
    [
        {"app/web/routing.py": SHOP_ROUTING},
        # re-exported by its package
        {
            "app/web/routing.py": SHOP_ROUTING,
            "app/web/__init__.py": "from app.web.routing import ShopRouter\n",
            "app/items/endpoints.py": SHOP_ENDPOINTS.replace("app.web.routing import", "app.web import"),
        },
        # called through its module
        {
            "app/web/routing.py": SHOP_ROUTING,
            "app/items/endpoints.py": SHOP_ENDPOINTS.replace(
                "from app.web.routing import ShopRouter", "from app.web import routing"
            ).replace("= ShopRouter(", "= routing.ShopRouter("),
        },
        # a class of the module derived from it
        {
            "app/web/routing.py": SHOP_ROUTING,
            "app/items/endpoints.py": SHOP_ENDPOINTS.replace(  # (the same lines for the decorator and the def)
                'router = ShopRouter(prefix="/items")\n\n\n',
                "class ItemRouter(ShopRouter):\n    pass\nrouter = ItemRouter()\n",
            ),
        },
    ],
    ids=["imported", "re-exported", "module-attribute", "local-subclass"],
)
def test_endpoints_on_a_project_router_class_named_otherwise(project, files):
    for relative, text in files.items():
        (project / relative).parent.mkdir(parents=True, exist_ok=True)
        (project / relative).write_text(text)
    if "app/items/endpoints.py" not in files:
        (project / "app" / "items" / "endpoints.py").write_text(SHOP_ENDPOINTS)
    assert _findings("app/items/endpoints.py") == [("LL601", 6), ("LL602", 7)]


def test_database_work_in_an_endpoint_on_a_project_router_class_named_otherwise(tmp_path, monkeypatch):
    write_project(
        tmp_path,
        monkeypatch,
        {
            "app/__init__.py": "",
            "app/web/__init__.py": "",
            "app/web/routing.py": SHOP_ROUTING,
            "app/api/__init__.py": "",
            "app/api/items.py": SHOP_ENDPOINTS.replace(
                'return {"name": name}', "return await session.execute(select(Item))"
            ).replace("from app.web", "from sqlalchemy import select\n\nfrom app.models import Item\nfrom app.web"),
        },
        '[project]\nname = "x"\n\n[tool.layerlint.layers]\nroutes = ["app.api.*"]\n',
    )
    result = CliRunner().invoke(main, ["check", "--jobs", "1", "--select", "LL106", "--output-format", "json", "."])
    assert [(d["code"], d["location"]["row"]) for d in json.loads(result.output)] == [("LL106", 11)]


@pytest.mark.parametrize(
    "routing",
    [
        # a class of that name that is no router
        "class ShopRouter:\n    def post(self, path, **kw):\n        return lambda f: f\n",
        # a base outside the project that is no router, and one that cannot be read
        "from starlette.routing import Router\n\n\nclass ShopRouter(Router):\n    pass\n",
        "from app.web.missing import BaseRouter\n\n\nclass ShopRouter(BaseRouter):\n    pass\n",
    ],
    ids=["plain-class", "other-base", "unread-base"],
)
def test_a_project_class_named_otherwise_that_is_not_known_as_a_router_makes_no_endpoints(project, routing):
    (project / "app" / "web").mkdir()
    (project / "app" / "web" / "routing.py").write_text(routing)
    (project / "app" / "items" / "endpoints.py").write_text(SHOP_ENDPOINTS)
    assert _findings("app/items/endpoints.py") == []


def test_a_router_included_into_a_project_application_class_with_a_default_response_class(project):
    # (the application is no receiver of a route decorator: found as what includes the router)
    (project / "app" / "web").mkdir()
    (project / "app" / "web" / "routing.py").write_text(
        SHOP_ROUTING.replace("import APIRouter", "import APIRouter, FastAPI")
        + "\n\nclass ShopApp(FastAPI):\n    pass\n"
    )
    (project / "app" / "items" / "endpoints.py").write_text(
        "from fastapi.responses import HTMLResponse\n\n"
        + SHOP_ENDPOINTS.replace("import ShopRouter", "import ShopApp, ShopRouter")
        + "\n\napp = ShopApp(default_response_class=HTMLResponse)\napp.include_router(router)\n"
    )
    assert _findings("app/items/endpoints.py") == [("LL601", 8)]

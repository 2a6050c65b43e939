"""With no pyproject.toml, module names come from the ``__init__.py`` chain; a folder
without one inside a package is an implicit namespace package and keeps its place in
the name (open-webui's wheel: ``open_webui/routers/`` has no ``__init__.py`` and is
imported as ``open_webui.routers``; cut there, ``routers/apps.py`` was a module ``apps``
in no layer, and its relative imports resolved to nothing)."""

from __future__ import annotations

import json
import os

import pytest

from test_config_flag import invoke

ROUTE = (
    "from fastapi import APIRouter\n\n"
    "from ..repositories.order_repo import fetch_order\n"
    "from shop.repositories import order_repo\n\n"
    "router = APIRouter()\n\n\n"
    '@router.get("/orders/{order_id}")\n'
    "async def read_order(order_id: int):\n"
    "    return await fetch_order(order_id)\n"
)
REPOSITORY = "async def fetch_order(order_id):\n    return order_id\n"


@pytest.fixture
def shop(tmp_path, monkeypatch):
    """``shop/`` is a package; ``routers/`` and ``repositories/`` inside it are not."""
    monkeypatch.setenv("LAYERLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "checkout"
    for folder in ("shop/routers", "shop/repositories", "shop/my-scripts", "scripts"):
        (root / folder).mkdir(parents=True)
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "routers" / "orders.py").write_text(ROUTE)
    (root / "shop" / "repositories" / "order_repo.py").write_text(REPOSITORY)
    (root / "shop" / "my-scripts" / "seed.py").write_text("")  # (no importable name)
    (root / "scripts" / "tool.py").write_text("")  # (in no package)
    monkeypatch.chdir(root)
    return root


def _modules() -> dict[str, str]:
    result = invoke("layers", ".")
    assert result.exit_code == 0, result.output
    return {line.split()[-1]: line.split()[1] for line in result.output.splitlines() if line.endswith(".py")}


def _ll101(*extra: str) -> list[tuple[str, int]]:
    result = invoke("check", "--select", "LL101", "--output-format", "json", *extra, ".")
    assert result.exit_code in (0, 1), result.output
    return [(os.path.relpath(d["filename"]), d["location"]["row"]) for d in json.loads(result.output)]


def test_a_folder_without_init_inside_a_package_keeps_its_place_in_the_name(shop):
    assert _modules() == {
        "shop/__init__.py": "shop",
        "shop/routers/orders.py": "shop.routers.orders",
        "shop/repositories/order_repo.py": "shop.repositories.order_repo",
        "shop/my-scripts/seed.py": "seed",
        "scripts/tool.py": "tool",
    }


def test_its_relative_and_absolute_imports_resolve_to_the_project(shop):
    assert _ll101("--no-cache") == [("shop/routers/orders.py", 3), ("shop/routers/orders.py", 4)]


def test_the_cached_result_follows_the_package_it_sits_in(shop):
    assert len(_ll101()) == 2
    (shop / "shop" / "__init__.py").unlink()  # `routers/orders.py` is now a module `orders`
    assert _ll101() == []
    (shop / "shop" / "__init__.py").write_text("")
    assert len(_ll101()) == 2


@pytest.fixture
def plugins(tmp_path, monkeypatch):
    """CKAN's layout: ``ckan/`` a package, ``ckanext/`` beside it a namespace package of
    plugins (no ``__init__.py``), no pyproject.toml."""
    monkeypatch.setenv("LAYERLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "checkout"
    for folder in ("core/types", "ckanext/auth_plugin", "notes"):
        (root / folder).mkdir(parents=True)
    (root / "core" / "__init__.py").write_text("")
    (root / "core" / "types" / "__init__.py").write_text(
        'from typing import Any\n\nfrom typing_extensions import TypeAlias\n\nDataDict: TypeAlias = "dict[str, Any]"\n'
    )
    (root / "ckanext" / "auth_plugin" / "__init__.py").write_text("")
    (root / "ckanext" / "auth_plugin" / "plugin.py").write_text(
        "from typing import Optional\n\nfrom core.types import DataDict\n\n\n"
        "def group_create(data_dict: Optional[DataDict] = None) -> None:\n    return None\n"
    )
    (root / "notes" / "todo.py").write_text("")  # (a folder of no package: no namespace package)
    monkeypatch.chdir(root)
    return root


def test_a_top_level_namespace_package_beside_a_package_keeps_its_name(plugins):
    modules = _modules()
    assert modules["ckanext/auth_plugin/plugin.py"] == "ckanext.auth_plugin.plugin"
    assert modules["notes/todo.py"] == "todo"


def test_the_packages_beside_it_are_the_projects(plugins):
    """`core.types` is read: its `DataDict` is a string, and `DataDict | None` would raise at import."""
    result = invoke("check", "--select", "LL501", "--output-format", "json", "--no-cache", ".")
    assert result.exit_code == 1, result.output
    assert [(d["location"]["row"], d["fix"]) for d in json.loads(result.output)] == [(6, None)]


SESSION_DB = (
    "from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine\n\n"
    'engine = create_async_engine("sqlite+aiosqlite://")\n'
    "SessionLocal = async_sessionmaker(engine, class_=AsyncSession)\n\n\n"
    "async def get_session():\n    async with SessionLocal() as session:\n        yield session\n"
)
SESSION_ROUTE = (
    "from fastapi import APIRouter\n\n"
    "from app.db import SessionLocal\n\n"
    "router = APIRouter()\n\n\n"
    '@router.get("/teams")\n'
    "async def read_teams():\n"
    "    async with SessionLocal() as session:\n"
    "        return session\n"
)


@pytest.fixture
def services(tmp_path, monkeypatch):
    """A repository of services beside a ``shared/`` package, no pyproject.toml: each
    service imports its own packages from its folder (``from app.db import ...``)."""
    monkeypatch.setenv("LAYERLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    (root / "shared").mkdir(parents=True)
    (root / "shared" / "__init__.py").write_text("")
    for service in ("billing", "teams"):
        for folder in ("app", "app/routes"):
            (root / service / folder).mkdir(parents=True)
            (root / service / folder / "__init__.py").write_text("")
        (root / service / "app" / "db.py").write_text(SESSION_DB)
        (root / service / "app" / "routes" / "team.py").write_text(SESSION_ROUTE)
    (root / "billing" / "requirements.txt").write_text("fastapi\n")
    return root


def _ll603(*extra: str) -> list[str]:
    result = invoke("check", "--select", "LL603", "--output-format", "json", "--no-cache", *extra)
    assert result.exit_code in (0, 1), result.output
    return sorted(os.path.relpath(d["filename"]) for d in json.loads(result.output))


def test_a_folder_holding_a_project_file_is_no_namespace_package(services, monkeypatch):
    """``billing/`` holds a requirements.txt: its packages are ``app...``; ``teams/``
    holds none: checked from the repository's root it stays a namespace package."""
    monkeypatch.chdir(services)
    modules = _modules()
    assert modules["billing/app/db.py"] == "app.db"
    assert modules["teams/app/db.py"] == "teams.app.db"
    monkeypatch.chdir(services / "billing" / "app")
    assert _ll603(".") == ["routes/team.py"]  # (the route's import of `app.db` is read)


def test_the_working_folder_is_no_namespace_package(services, monkeypatch):
    """Checked from inside ``teams/``, its packages are imported from there."""
    monkeypatch.chdir(services / "teams")
    assert _modules()["app/db.py"] == "app.db"
    assert _ll603(".") == ["app/routes/team.py"]
    monkeypatch.chdir(services / "teams" / "app")  # (a folder below: still the working folder's parent)
    assert _ll603(".") == ["routes/team.py"]

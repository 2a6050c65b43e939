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
    "{name} = async_sessionmaker(engine, class_=AsyncSession)\n"
)
SESSION_ROUTE = (
    "from fastapi import APIRouter\n\n"
    "from app.db import make_session\n"
    "from shared.db import open_session\n\n"
    "router = APIRouter()\n\n\n"
    '@router.get("/teams")\n'
    "async def read_teams():\n"
    "    async with make_session() as session:\n"
    "        async with open_session() as other:\n"
    "            return session, other\n"
)


@pytest.fixture
def services(tmp_path, monkeypatch):
    """A repository of services beside a ``shared/`` package, no pyproject.toml: each
    service folder is a namespace package by the folders, but its code imports its own
    packages by their own names (``from app.db import ...``: it runs from there), and
    ``shared``'s by theirs (review 91; review 93: both must be read)."""
    monkeypatch.setenv("LAYERLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    (root / "shared").mkdir(parents=True)
    (root / "shared" / "__init__.py").write_text("")
    (root / "shared" / "db.py").write_text(SESSION_DB.format(name="open_session"))
    for service in ("billing", "teams"):
        for folder in ("app", "app/routes"):
            (root / service / folder).mkdir(parents=True)
            (root / service / folder / "__init__.py").write_text("")
        (root / service / "app" / "db.py").write_text(SESSION_DB.format(name="make_session"))
        (root / service / "app" / "routes" / "team.py").write_text(SESSION_ROUTE)
    (root / "billing" / "requirements.txt").write_text("fastapi\n")
    # a module at the top of the service, imported by its name; and an Alembic script folder
    # there (no package: `from alembic import op` is the library's)
    (root / "teams" / "database.py").write_text(SESSION_DB.format(name="open_other"))
    (root / "teams" / "alembic" / "versions").mkdir(parents=True)
    (root / "teams" / "alembic" / "env.py").write_text("")
    (root / "teams" / "app" / "routes" / "other.py").write_text(
        SESSION_ROUTE.replace("from app.db import make_session", "from database import open_other")
        .replace("from shared.db import open_session", "from alembic import op")
        .replace("make_session()", "open_other()").replace("open_session()", "op.get_bind()")
    )
    return root


def _ll603(*extra: str) -> list[tuple[str, int]]:
    result = invoke("check", "--select", "LL603", "--output-format", "json", "--no-cache", *extra)
    assert result.exit_code in (0, 1), result.output
    return sorted((os.path.relpath(d["filename"]), d["location"]["row"]) for d in json.loads(result.output))


def test_a_namespace_packages_own_packages_resolve_by_their_own_names(services, monkeypatch):
    monkeypatch.chdir(services)
    modules = _modules()
    assert modules["billing/app/db.py"] == "billing.app.db"
    assert modules["teams/app/db.py"] == "teams.app.db"
    assert _ll603(".") == sorted([
        *((f"{service}/app/routes/team.py", row) for service in ("billing", "teams") for row in (11, 12)),
        ("teams/app/routes/other.py", 11),
    ])


@pytest.mark.parametrize("folder", ["teams", "teams/app", "teams/app/routes"])
def test_the_same_from_inside_the_namespace_package(services, monkeypatch, folder):
    monkeypatch.chdir(services / folder)
    route = os.path.relpath(services / "teams" / "app" / "routes" / "team.py")
    other = os.path.relpath(services / "teams" / "app" / "routes" / "other.py")
    assert _ll603(".") == [(other, 11), (route, 11), (route, 12)]
    assert _ll603(route) == [(route, 11), (route, 12)]  # (a file given alone, as pre-commit does)


def test_a_package_inside_the_namespace_package_wins_over_one_beside_it(services, monkeypatch):
    """Run from ``teams/``, its ``tests`` package comes first on the path: a string alias
    read there keeps LL501's fix away (review 94: ``tests/`` beside made it a safe fix
    that failed at import)."""
    for tests in (services / "tests", services / "teams" / "tests"):
        tests.mkdir()
        (tests / "__init__.py").write_text("")
    (services / "teams" / "tests" / "helpers.py").write_text(
        'from typing import TypeAlias\n\nTeamRef: TypeAlias = "dict[str, int]"\n'
    )
    (services / "teams" / "tests" / "test_teams.py").write_text(
        "from typing import Optional\n\nfrom tests.helpers import TeamRef\n\n\n"
        "def check(team: Optional[TeamRef] = None) -> None:\n    return None\n"
    )
    monkeypatch.chdir(services)
    result = invoke("check", "--select", "LL501", "--output-format", "json", "--no-cache", "teams/tests")
    assert result.exit_code == 1, result.output
    assert [(d["location"]["row"], d["fix"]) for d in json.loads(result.output)] == [(6, None)]


@pytest.mark.parametrize("service", ["user-service", "services/user_service"])
def test_a_service_folder_of_no_package_reads_the_packages_above_it(services, monkeypatch, service):
    """A service folder that is no namespace package (a hyphen in its name; or under a
    container folder of no package) still has its code's ``shared...`` imports read: the
    packages of the folders above it (review 95)."""
    (services / service / "app" / "routes").mkdir(parents=True)
    for folder in ("app", "app/routes"):
        (services / service / folder / "__init__.py").write_text("")
    (services / service / "app" / "db.py").write_text(SESSION_DB.format(name="make_session"))
    (services / service / "app" / "routes" / "team.py").write_text(SESSION_ROUTE)
    route = f"{service}/app/routes/team.py"
    monkeypatch.chdir(services)
    assert _modules()[route] == "app.routes.team"
    assert _ll603(route) == [(route, 11), (route, 12)]
    monkeypatch.chdir(services / service)
    assert _ll603(".") == [("app/routes/team.py", 11), ("app/routes/team.py", 12)]


def test_no_package_above_the_repository_is_read(services, monkeypatch):
    """The folder holding ``.git`` is the last one read above a service."""
    (services / ".git").mkdir()
    container = services / "services"
    (container / "user_service" / "app" / "routes").mkdir(parents=True)
    for folder in ("app", "app/routes"):
        (container / "user_service" / folder / "__init__.py").write_text("")
    (container / "user_service" / "app" / "db.py").write_text(SESSION_DB.format(name="make_session"))
    (container / "user_service" / "app" / "routes" / "team.py").write_text(SESSION_ROUTE)
    monkeypatch.chdir(container)
    assert _ll603(".") == [("user_service/app/routes/team.py", 11), ("user_service/app/routes/team.py", 12)]
    (container / ".git").mkdir()  # (`services/` is the repository now: `shared/` is outside it)
    assert _ll603(".") == [("user_service/app/routes/team.py", 11)]


STRING_ALIAS_USE = (
    "from typing import Optional\n\nfrom {module} import {name}\n\n\n"
    "def parse(raw: str) -> Optional[{name}]:\n    return None\n"
)


def _ll501_fixes(*paths: str) -> list[tuple[str, bool]]:
    result = invoke("check", "--select", "LL501", "--output-format", "json", "--no-cache", *paths)
    assert result.exit_code == 1, result.output
    return sorted((os.path.relpath(d["filename"]), d["fix"] is not None) for d in json.loads(result.output))


def test_what_the_folders_above_give_is_read_in_and_beside_the_service(tmp_path, monkeypatch):
    """``shared.types`` binds a string: no fix for ``Optional[Json]``, in ``app/`` and in a
    ``main.py`` of no package beside it, even with a data folder named ``shared`` in the
    service (Python imports the package above); ``logging`` is the standard library's,
    whatever package of that name is above (review 96)."""
    monkeypatch.setenv("LAYERLINT_CACHE_DIR", str(tmp_path / "cache"))
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    for package in ("shared", "logging"):
        (repo / package).mkdir()
        (repo / package / "__init__.py").write_text("Logger = None\n")
    (repo / "shared" / "types.py").write_text('Json = "dict[str, object]"\n')
    service = repo / "services" / "user_service"
    (service / "app").mkdir(parents=True)
    (service / "app" / "__init__.py").write_text("")
    (service / "shared").mkdir()
    (service / "shared" / "schema.json").write_text("{}")
    for path in (service / "main.py", service / "app" / "parse.py"):
        path.write_text(STRING_ALIAS_USE.format(module="shared.types", name="Json"))
    (service / "app" / "log.py").write_text(STRING_ALIAS_USE.format(module="logging", name="Logger"))
    monkeypatch.chdir(service)
    assert _ll501_fixes(".") == [("app/log.py", True), ("app/parse.py", False), ("main.py", False)]


@pytest.mark.parametrize("below", ["tests/api/v1", "l1/l2/l3/l4/l5/l6", "l1/l2/l3/l4/l5/l6/l7/l8/l9"])
def test_a_test_folder_deep_in_the_repository_reads_its_package(tmp_path, monkeypatch, below):
    """``tests/api/v1/test_parse.py`` (no ``__init__.py`` on the way) imports ``app``, three
    folders up: in a repository (``.git``) the folders up to its root are read (review 98:
    read two up only, the string alias was not seen and the fix, safe, failed at import)."""
    monkeypatch.setenv("LAYERLINT_CACHE_DIR", str(tmp_path / "cache"))
    repo = tmp_path / "repo"
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "__init__.py").write_text("")
    (repo / "app" / "types_.py").write_text('Json = "dict[str, object]"\n')
    (repo / below).mkdir(parents=True)
    (repo / below / "test_parse.py").write_text(STRING_ALIAS_USE.format(module="app.types_", name="Json"))
    (repo / ".git").mkdir()
    monkeypatch.chdir(repo)
    assert _ll501_fixes(".") == [(f"{below}/test_parse.py", False)]  # (6 deep: review 100)

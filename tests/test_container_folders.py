"""A repository whose root ``pyproject.toml`` sits above a folder of services, one per
folder, each with its own layered package (``services/user_service/app/routes/...``):
module names count from the root, but the folders above ``app`` are no packages, and the
code imports its modules as ``app.repositories.users``. ``services`` (the outermost part)
made every module of every service a service: an LL107 finding on each repository and
an LL105 on each ``main.py``, and LL101 missed (review 95). Their layer comes from the
name in the service's application (layers.py: ``LayerModel.name_to_classify``); a package
directly inside a layer folder stays in that layer (review 109), and so does one in a
folder that is no service's: one holding no Dockerfile, requirements ... (review 115)."""

from __future__ import annotations

import json
import os

import pytest

from test_config_flag import invoke

ROUTE = (
    "from fastapi import APIRouter\n\n"
    "from app.repositories.users import list_names\n"
    "from ..repositories import users\n\n"
    "router = APIRouter()\n\n\n"
    '@router.get("/users")\n'
    "async def read_users():\n"
    "    return await list_names(None)\n"
)
REPOSITORY = (
    "from sqlalchemy import select\n"
    "from sqlalchemy.ext.asyncio import AsyncSession\n\n\n"
    "async def list_names(session: AsyncSession) -> list[str]:\n"
    '    return list(await session.scalars(select("name")))\n'
)
SERVICE = (
    "from fastapi import HTTPException\n\n"
    "from ..repositories.users import list_names\n\n\n"
    "async def names(session):\n"
    "    found = await list_names(session)\n"
    "    if not found:\n"
    "        raise HTTPException(status_code=404)\n"
    "    return found\n"
)
MAIN = "from fastapi import FastAPI\n\napp = FastAPI()\n"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.setenv("LAYERLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    app = root / "services" / "user_service" / "app"
    for folder in ("routes", "services", "repositories"):
        (app / folder).mkdir(parents=True)
        (app / folder / "__init__.py").write_text("")
    (app / "__init__.py").write_text("")
    (app / "main.py").write_text(MAIN)
    (app / "routes" / "users.py").write_text(ROUTE)
    (app / "services" / "users.py").write_text(SERVICE)
    (app / "repositories" / "users.py").write_text(REPOSITORY)
    (app.parent / "Dockerfile").write_text("FROM python:3.12\n")  # (a service deployed on its own)
    (root / "pyproject.toml").write_text('[project]\nname = "repo"\nversion = "0"\n')
    monkeypatch.chdir(root)
    return root


def _layers() -> dict[str, str]:
    result = invoke("layers", ".")
    assert result.exit_code == 0, result.output
    return {line.split()[-1]: line.split()[0] for line in result.output.splitlines() if line.endswith(".py")}


def _findings(*extra: str) -> set[tuple[str, str, int]]:
    result = invoke("check", "--select", "LL1", "--output-format", "json", "--no-cache", *extra, ".")
    assert result.exit_code in (0, 1), result.output
    return {(d["code"], os.path.relpath(d["filename"]), d["location"]["row"]) for d in json.loads(result.output)}


APP = "services/user_service/app"


def test_modules_take_the_layer_of_their_name_below_the_container_folders(repo):
    assert _layers() == {
        f"{APP}/__init__.py": "(none)",
        f"{APP}/main.py": "(none)",
        f"{APP}/routes/__init__.py": "routes",
        f"{APP}/routes/users.py": "routes",
        f"{APP}/services/__init__.py": "services",
        f"{APP}/services/users.py": "services",
        f"{APP}/repositories/__init__.py": "repositories",
        f"{APP}/repositories/users.py": "repositories",
    }


def test_layer_rules_see_the_layers_of_the_service(repo):
    # LL101 on the absolute and the relative import of a repository; LL103 on the
    # service's HTTPException, LL105 on its fastapi import; no LL107 on the repository's
    # query, no LL105 on main.py
    assert _findings() == {
        ("LL101", f"{APP}/routes/users.py", 3),
        ("LL101", f"{APP}/routes/users.py", 4),
        ("LL105", f"{APP}/services/users.py", 1),
        ("LL103", f"{APP}/services/users.py", 9),
    }


def test_a_container_folder_that_is_a_package_is_the_layer_it_names(repo):
    # with ``services/__init__.py`` (and the service's), ``services`` is a package, and the
    # outermost part names the layer as everywhere (``app.models.repos.git`` is a models module)
    for folder in ("services", "services/user_service"):
        (repo / folder / "__init__.py").write_text("")
    layers = _layers()
    assert set(layers.values()) == {"services"}, layers


def test_configured_patterns_match_the_name_below_the_root(repo):
    with open(repo / "pyproject.toml", "a") as fh:
        fh.write('[tool.layerlint.layers]\nrepositories = ["services.*.app.repositories.*"]\n')
    layers = _layers()
    assert layers.pop(f"{APP}/repositories/users.py") == "repositories"
    assert layers.pop(f"{APP}/repositories/__init__.py") == "repositories"
    assert set(layers.values()) == {"(none)"}, layers


def test_the_fix_context_sees_the_same_layer(repo):
    # LL601's fix may add an HTTP import only outside services and repositories: the fixer
    # reads the file's layer as the rules do
    from layerlint.config import load_settings
    from layerlint.fixes.base import FixContext

    import ast

    import libcst as cst

    path = repo / APP / "repositories" / "users.py"
    settings = load_settings(repo)
    text = path.read_text()
    ctx = FixContext(str(path), text, cst.parse_module(text), ast.parse(text), settings)
    assert ctx.layer == "repositories"


def test_the_cached_result_follows_the_folders_becoming_packages(repo):
    def cached() -> set[tuple[str, str, int]]:
        result = invoke("check", "--select", "LL107", "--output-format", "json", ".")
        assert result.exit_code in (0, 1), result.output
        return {(d["code"], os.path.relpath(d["filename"]), d["location"]["row"]) for d in json.loads(result.output)}

    assert cached() == set()
    for folder in ("services", "services/user_service"):
        (repo / folder / "__init__.py").write_text("")
    assert cached() == {("LL107", f"{APP}/repositories/users.py", 6)}


def test_a_package_of_the_repository_beside_the_services_changes_nothing(repo):
    # (review 109: `shared/` at the root, `services/auth/` a package: `services/` became a
    # namespace package beside them, and every module a service again)
    for folder in ("shared", "services/auth"):
        (repo / folder).mkdir(parents=True)
        (repo / folder / "__init__.py").write_text("")
    assert _findings() == {
        ("LL101", f"{APP}/routes/users.py", 3),
        ("LL101", f"{APP}/routes/users.py", 4),
        ("LL105", f"{APP}/services/users.py", 1),
        ("LL103", f"{APP}/services/users.py", 9),
    }


def test_an_import_by_the_name_below_the_root_takes_the_same_layer(repo):
    (repo / APP / "routes" / "full.py").write_text(
        "from services.user_service.app.repositories.users import list_names\n"
    )
    assert ("LL101", f"{APP}/routes/full.py", 1) in _findings()


def test_a_package_directly_inside_a_layer_folder_stays_in_that_layer(tmp_path, monkeypatch):
    # (review 109: `app/services/` and `app/models/` without `__init__.py`, each holding a
    # package: a part of that layer, whatever it holds)
    monkeypatch.setenv("LAYERLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "shop"
    for package in ("app/services/billing", "app/services/orders", "app/models/tables"):
        (root / package).mkdir(parents=True)
        (root / package / "__init__.py").write_text("")
    (root / "app/services/billing/charge.py").write_text(SERVICE.replace("..repositories.users", "app.repos"))
    (root / "app/services/orders/repository.py").write_text(REPOSITORY)
    (root / "app/models/tables/base.py").write_text("")
    (root / "pyproject.toml").write_text('[project]\nname = "shop"\nversion = "0"\n')
    monkeypatch.chdir(root)
    assert _layers() == {
        "app/services/billing/__init__.py": "services",
        "app/services/billing/charge.py": "services",
        "app/services/orders/__init__.py": "services",
        "app/services/orders/repository.py": "services",
        "app/models/tables/__init__.py": "models",
        "app/models/tables/base.py": "models",
    }


def test_a_package_below_a_folder_without_init_inside_a_layer_stays_in_it(tmp_path, monkeypatch):
    # (review 112: `app/services/integrations/` has no `__init__.py`, `payments/` inside it
    # does, and holds a `models/` folder: still a part of the services package above)
    monkeypatch.setenv("LAYERLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "shop"
    for package in ("app", "app/services", "app/services/integrations/payments", "app/services/integrations/payments/models"):
        (root / package).mkdir(parents=True, exist_ok=True)
        if not package.endswith("integrations"):
            (root / package / "__init__.py").write_text("")
    (root / "app/services/integrations/payments/client.py").write_text("")
    (root / "pyproject.toml").write_text('[project]\nname = "shop"\nversion = "0"\n')
    monkeypatch.chdir(root)
    layers = _layers()
    assert layers["app/services/integrations/payments/client.py"] == "services"
    assert layers["app/services/integrations/payments/models/__init__.py"] == "services"


def test_layer_folders_without_init_inside_the_service_package(repo):
    # (review 112: `app/repositories/` with no `__init__.py`, a namespace package in `app`)
    (repo / APP / "repositories" / "__init__.py").unlink()
    assert _layers()[f"{APP}/repositories/users.py"] == "repositories"
    found = _findings()
    assert ("LL101", f"{APP}/routes/users.py", 3) in found
    assert ("LL101", f"{APP}/routes/users.py", 4) in found  # (`from ..repositories import users`)


def test_a_folder_that_is_no_service_s_keeps_the_outer_layer(repo):
    # (review 115: `app/routers/v1/users/` holding `schemas/`, imported by its long name)
    (repo / "services" / "user_service" / "Dockerfile").unlink()
    assert set(_layers().values()) == {"services"}


def test_the_usual_template_layout_in_a_service_folder(tmp_path, monkeypatch):
    # (review 115: `app/api/routes/` and `app/crud.py`, a layer folder one level down)
    monkeypatch.setenv("LAYERLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    app = root / "services" / "user_service" / "app"
    for package in ("", "api", "api/routes"):
        (app / package).mkdir(parents=True, exist_ok=True)
        (app / package / "__init__.py").write_text("")
    (app / "crud.py").write_text(REPOSITORY)
    (app / "api" / "routes" / "users.py").write_text("from app.crud import list_names\n")
    (app.parent / "requirements.txt").write_text("fastapi\n")
    (root / "pyproject.toml").write_text('[project]\nname = "repo"\nversion = "0"\n')
    monkeypatch.chdir(root)
    assert _layers() == {
        f"{APP}/__init__.py": "(none)",
        f"{APP}/crud.py": "repositories",
        f"{APP}/api/__init__.py": "(none)",
        f"{APP}/api/routes/__init__.py": "routes",
        f"{APP}/api/routes/users.py": "routes",
    }
    assert _findings() == {("LL101", f"{APP}/api/routes/users.py", 1)}


def test_tests_mirroring_the_services_are_in_no_layer(repo):
    # (review 115: `tests/services/user_service/app/routes/helpers.py`)
    mirror = repo / "tests" / "services" / "user_service" / "app" / "routes"
    mirror.mkdir(parents=True)
    for folder in (mirror, mirror.parent):
        (folder / "__init__.py").write_text("")
    (mirror / "helpers.py").write_text("from app.repositories.users import list_names\n")
    (mirror.parent.parent / "Dockerfile").write_text("")
    assert _layers()["tests/services/user_service/app/routes/helpers.py"] == "(none)"


def test_a_package_with_layer_modules_beside_a_requirements_file_is_no_service(tmp_path, monkeypatch):
    # (review 117: `app/services/ml/requirements.txt` beside `inference/` holding a
    # `models.py`: an integration of a single application, not a service of its own)
    monkeypatch.setenv("LAYERLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "shop"
    inference = root / "app" / "services" / "ml" / "inference"
    inference.mkdir(parents=True)
    (inference / "__init__.py").write_text("")
    (inference / "models.py").write_text("")
    (inference / "predict.py").write_text("")
    (inference.parent / "requirements.txt").write_text("torch\n")
    (root / "pyproject.toml").write_text('[project]\nname = "shop"\nversion = "0"\n')
    monkeypatch.chdir(root)
    assert set(_layers().values()) == {"services"}

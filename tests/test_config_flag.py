"""``--config FILE`` changes where the settings come from, never the project root.

Module names, first-party packages, dependency files, the declared Python and the
default cache stay those of the nearest ``pyproject.toml``; relative paths inside the
file (exclude and per-file-ignores patterns, cache-dir) start from the working folder,
as in ruff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from layerlint import external, project, runner
from layerlint.cli import main

PROJECT_METADATA = '[project]\nname = "shop"\nrequires-python = ">=3.9"\n'

# no __init__.py anywhere: module names can only come from the project root
FILES = {
    "requirements.txt": "pydantic>=1.10\nfastapi\n",  # Pydantic 1 allowed: the LL2xx fixes are withheld
    "app/api/orders.py": (
        "from fastapi import APIRouter, Depends\n"
        "from sqlalchemy.ext.asyncio import AsyncSession\n\n"
        "from app.store.orders import OrderStore\n"
        "from app.wiring import get_session\n\n"
        "router = APIRouter()\n\n\n"
        '@router.get("/orders")\n'
        "async def list_orders(session: AsyncSession = Depends(get_session)):\n"
        '    return await session.execute("select 1")\n'
    ),
    "app/store/orders.py": "class OrderStore:\n    pass\n",
    "app/wiring.py": "async def get_session():\n    yield None\n",
    "app/legacy/old_api.py": "from app.store.orders import OrderStore\n",
    "app/contracts/order.py": (
        "from typing import Optional\n\n"
        "from pydantic import BaseModel\n\n\n"
        "class Order(BaseModel):\n"
        "    note: Optional[str] = None\n\n"
        "    class Config:\n"
        "        frozen = True\n\n\n"
        "def describe(order: Optional[Order]) -> str:\n"
        "    return str(order)\n"
    ),
}

TABLE_BODY = (
    'extend-exclude = ["app/legacy"]\n\n'
    "[LAYERS]\n"
    'routes = ["app.api.*"]\n'
    'repositories = ["app.store.*"]\n'
)


def layerlint_table(header: str) -> str:
    """The settings as a ``[tool.layerlint]`` table (``header`` "tool.layerlint") or as
    top-level keys (``header`` "")."""
    top = f"[{header}]\n" if header else ""
    layers = f"{header}.layers" if header else "layers"
    return top + TABLE_BODY.replace("LAYERS", layers)


def make_project(folder: Path, table: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pyproject.toml").write_text(PROJECT_METADATA + "\n" + table)
    for rel, text in FILES.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


def invoke(*args: str):
    """One CLI run, as a fresh process would see the files."""
    project.forget_settings()
    project.first_party_names.cache_clear()
    project.folder_parts.cache_clear()
    external.clear()
    runner._settings_cache.clear()
    return CliRunner().invoke(main, list(args))


# (file name, its text): the same settings in each form --config accepts
OUTSIDE_CONFIGS = {
    "layers.toml": layerlint_table("tool.layerlint"),
    "layerlint.toml": layerlint_table(""),
    ".layerlint.toml": layerlint_table(""),
    # another project's pyproject.toml: its requires-python is not the linted project's
    "pyproject.toml": '[project]\nname = "ci"\nrequires-python = ">=3.12"\n\n' + layerlint_table("tool.layerlint"),
}


@pytest.mark.parametrize("name", sorted(OUTSIDE_CONFIGS))
@pytest.mark.parametrize("absolute", [False, True])
def test_config_outside_the_project_gives_the_same_findings_and_layers(tmp_path, monkeypatch, name, absolute):
    proj = make_project(tmp_path / "proj", layerlint_table("tool.layerlint"))
    monkeypatch.chdir(proj)
    expected = invoke("check", "--no-cache", "-j", "1", ".")
    expected_layers = invoke("layers", ".")
    # what the settings in the project's pyproject.toml give (the baseline of the comparison)
    assert expected.exit_code == 1, expected.output
    assert "app/api/orders.py:4:1: LL101 " in expected.output  # layers by pattern, import resolved
    assert "app/api/orders.py:12:18: LL106 " in expected.output
    assert "legacy" not in expected.output  # extend-exclude, relative to the root
    assert "LL201 `class Config`" in expected.output  # found, but no fix: Pydantic 1 allowed
    assert "LL201 [*]" not in expected.output
    # the project runs on 3.9 (its requires-python): `X | None` would fail there, no fix
    assert "LL501 `Optional[X]`" in expected.output and "LL501 [*]" not in expected.output
    assert "routes        app.api.orders" in expected_layers.output

    (proj / "pyproject.toml").write_text(PROJECT_METADATA)  # no [tool.layerlint] table left
    config = tmp_path / "shared" / name
    config.parent.mkdir()
    config.write_text(OUTSIDE_CONFIGS[name])
    given = str(config) if absolute else os.path.join("..", "shared", name)
    result = invoke("check", "--no-cache", "-j", "1", "--config", given, ".")
    assert (result.exit_code, result.output) == (expected.exit_code, expected.output)
    layers = invoke("layers", "--config", given, ".")
    assert (layers.exit_code, layers.output) == (expected_layers.exit_code, expected_layers.output)


def test_config_pyproject_without_a_layerlint_table_means_the_defaults(tmp_path, monkeypatch):
    files = {
        "app/routes/orders.py": "from app.repositories.orders import OrderRepository\n",
        "app/repositories/orders.py": "class OrderRepository:\n    pass\n",
    }
    proj = tmp_path / "proj"
    for rel, text in files.items():
        (proj / rel).parent.mkdir(parents=True, exist_ok=True)
        (proj / rel).write_text(text)
    (proj / "pyproject.toml").write_text(PROJECT_METADATA + '\n[tool.layerlint]\nignore = ["LL101"]\n')
    other = tmp_path / "other" / "pyproject.toml"
    other.parent.mkdir()
    other.write_text('[project]\nname = "other"\n')
    monkeypatch.chdir(proj)
    assert invoke("check", "--no-cache", "-j", "1", ".").exit_code == 0  # the project's own ignore
    result = invoke("check", "--no-cache", "-j", "1", "--config", str(other), ".")
    assert result.exit_code == 1, result.output
    assert "app/routes/orders.py:1:1: LL101 routes module imports repositories module" in result.output
    layers = invoke("layers", "--config", str(other), ".")
    assert "routes        app.routes.orders" in layers.output, layers.output


def test_relative_paths_in_the_config_file_start_from_the_working_folder(tmp_path, monkeypatch):
    make_project(tmp_path / "proj")
    config = tmp_path / "ci" / "layerlint.toml"
    config.parent.mkdir()
    config.write_text(
        'extend-exclude = ["proj/app/legacy"]\n\n'
        '[per-file-ignores]\n"proj/app/api/*" = ["LL106"]\n\n'
        '[layers]\nroutes = ["app.api.*"]\nrepositories = ["app.store.*"]\n'
    )
    monkeypatch.chdir(tmp_path)  # the parent of the project
    result = invoke("check", "--no-cache", "-j", "1", "--config", "ci/layerlint.toml", "proj")
    out = result.output
    assert "proj/app/api/orders.py:4:1: LL101 " in out  # module names still from proj/
    assert "LL106" not in out and "(4 checked)" in out  # the patterns matched from the working folder
    # the same patterns written relative to the project root do not apply from here
    config.write_text(
        'extend-exclude = ["app/legacy"]\n\n'
        '[per-file-ignores]\n"app/api/*" = ["LL106"]\n\n'
        '[layers]\nroutes = ["app.api.*"]\nrepositories = ["app.store.*"]\n'
    )
    out = invoke("check", "--no-cache", "-j", "1", "--config", "ci/layerlint.toml", "proj").output
    assert "proj/app/api/orders.py:12:18: LL106 " in out
    assert "(5 checked)" in out  # app/legacy linted too


def test_cache_stays_at_the_project_root_and_cache_dir_starts_from_the_working_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("LAYERLINT_CACHE_DIR", raising=False)
    proj = make_project(tmp_path / "proj")
    config = tmp_path / "ci" / "layerlint.toml"
    config.parent.mkdir()
    config.write_text('[layers]\nroutes = ["app.api.*"]\n')
    monkeypatch.chdir(proj)
    assert invoke("check", "-j", "1", "--config", str(config), ".").exit_code == 1
    assert (proj / ".layerlint_cache").is_dir()
    assert not (config.parent / ".layerlint_cache").exists()
    config.write_text('cache-dir = "build/lint-cache"\n\n[layers]\nroutes = ["app.api.*"]\n')
    monkeypatch.chdir(tmp_path)
    assert invoke("check", "-j", "1", "--config", "ci/layerlint.toml", "proj").exit_code == 1
    assert (tmp_path / "build" / "lint-cache").is_dir()


def test_one_config_file_for_two_projects_keeps_each_root(tmp_path, monkeypatch):
    for name in ("north", "south"):
        make_project(tmp_path / name)
    config = tmp_path / "shared.toml"
    config.write_text('[layers]\nroutes = ["app.api.*"]\nrepositories = ["app.store.*"]\n')
    monkeypatch.chdir(tmp_path)
    result = invoke("check", "--no-cache", "-j", "1", "--select", "LL101", "--config", "shared.toml", "north", "south")
    assert "north/app/api/orders.py:4:1: LL101 " in result.output, result.output
    assert "south/app/api/orders.py:4:1: LL101 " in result.output
    assert "Found 2 findings in 2 files" in result.output


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "cannot read"),
        (b"[layers\n", "invalid TOML"),
        (b"select = ['LL1']\n\xff\n", "not UTF-8"),
        (b"bogus = 1\n", "unknown key 'bogus'"),
        (b"[tool]\nlayerlint = 3\n", "must be a table"),
    ],
)
@pytest.mark.parametrize("command", ["check", "layers"])
def test_a_bad_config_file_is_a_clear_error_with_exit_2(tmp_path, monkeypatch, content, message, command):
    proj = make_project(tmp_path / "proj")
    config = tmp_path / "ci" / "layerlint.toml"
    if content is not None:
        config.parent.mkdir()
        config.write_bytes(content)
    monkeypatch.chdir(proj)
    result = invoke(command, "--config", str(config), ".")
    assert result.exit_code == 2
    assert f"layerlint: error: {config}: " in result.output and message in result.output
    assert "Traceback" not in result.output


def test_a_folder_as_config_file_is_a_usage_error(tmp_path, monkeypatch):
    proj = make_project(tmp_path / "proj")
    monkeypatch.chdir(proj)
    result = invoke("check", "--config", str(tmp_path), ".")
    assert result.exit_code == 2 and "is a directory" in result.output


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_config_file_is_an_error(tmp_path, monkeypatch):
    proj = make_project(tmp_path / "proj")
    config = tmp_path / "layerlint.toml"
    config.write_text("select = ['LL1']\n")
    config.chmod(0)
    monkeypatch.chdir(proj)
    result = invoke("check", "--config", str(config), ".")
    assert result.exit_code == 2 and "cannot read" in result.output

"""``layerlint layers``: modules by layer, the import map as text and Mermaid, and
its violations agreeing with LL101/LL102."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from layerlint.cli import main
from layerlint.layermap import build, violation
from layerlint.layers import RANK, LayerModel
from layerlint.runner import Overrides
from test_cli import make_project

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo_app"

FILES = {
    "app/__init__.py": "",
    "app/routes/__init__.py": "",
    "app/routes/users.py": "from app.services.user_service import UserService\nfrom app.repositories import user_repo\n"
    "import fastapi\n",
    "app/services/__init__.py": "",
    "app/services/user_service.py": "from ..repositories.user_repo import UserRepository\nfrom app.core import config\n",
    "app/repositories/__init__.py": "",
    "app/repositories/user_repo.py": "from app.models.user import User\n\n\ndef f():\n    from app.services import user_service\n",
    "app/models/__init__.py": "",
    "app/models/user.py": "import sqlalchemy\n",
    "app/core/__init__.py": "",
    "app/core/config.py": "",
}


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = make_project(tmp_path, files=FILES)
    monkeypatch.chdir(root)
    return root


def test_text_lists_modules_edges_and_violations(project):
    result = CliRunner().invoke(main, ["layers", "."])
    assert result.exit_code == 0, result.output
    out = result.output
    modules = dict(
        (m.group(2), m.group(1)) for m in re.finditer(r"^  (\S+)\s+(\S+)\s+\S+\.py$", out, re.MULTILINE)
    )
    assert modules["app.routes.users"] == "routes"
    assert modules["app.services.user_service"] == "services"
    assert modules["app.repositories.user_repo"] == "repositories"
    assert modules["app.models.user"] == "models"
    assert modules["app.core.config"] == "(none)"
    edges = {
        (m.group(1), m.group(2)): (int(m.group(3)), m.group(4))
        for m in re.finditer(r"^  (\S+) -> (\S+)\s+(\d+)(?:  VIOLATION (LL\d+))?$", out, re.MULTILINE)
    }
    assert edges == {
        ("routes", "services"): (1, None),
        ("routes", "repositories"): (1, "LL101"),
        ("services", "repositories"): (1, None),  # relative import
        ("services", "(none)"): (1, None),
        ("repositories", "services"): (1, "LL102"),  # inside a function
        ("repositories", "models"): (1, None),
    }  # third-party imports (fastapi, sqlalchemy) are not in the map
    # (the module imported named as LL101/LL102's messages name it: the submodule, review 82)
    assert "app/routes/users.py:2: LL101 app.routes.users imports app.repositories.user_repo\n" in out
    assert "app/repositories/user_repo.py:5: LL102 app.repositories.user_repo imports app.services.user_service\n" in out


def test_mermaid(project):
    result = CliRunner().invoke(main, ["layers", "--format", "mermaid", "."])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "flowchart TD"
    edge_re = re.compile(r'^(\w+) (-->|-\.->)\|"(\d+)(?: (LL\d+))?"\| (\w+)$')
    links = [line.strip() for line in lines[1:] if not line.strip().startswith(("linkStyle", "nolayer[")) and "[" not in line]
    parsed = [edge_re.match(link).groups() for link in links]
    assert len(parsed) == 6
    violating = {i for i, (_s, _a, _n, code, _t) in enumerate(parsed) if code}
    assert {(parsed[i][0], parsed[i][4], parsed[i][3]) for i in violating} == {
        ("routes", "repositories", "LL101"),
        ("repositories", "services", "LL102"),
    }
    styled = {int(m.group(1)) for m in re.finditer(r"linkStyle (\d+) stroke:#d32f2f", result.output)}
    assert styled == violating
    assert 'nolayer["no layer (3 modules)"]' in result.output
    assert any(p[0] == "services" and p[4] == "nolayer" for p in parsed)


def test_configured_layers_are_used(tmp_path, monkeypatch):
    files = {"myapp/api/users.py": "from myapp.db.users import fetch\n", "myapp/db/users.py": "def fetch():\n    pass\n"}
    config = '[tool.layerlint.layers]\nroutes = ["myapp.api.*"]\nrepositories = ["myapp.db.*"]\n'
    root = make_project(tmp_path, config, files)
    monkeypatch.chdir(root)
    out = CliRunner().invoke(main, ["layers"]).output
    assert re.search(r"^  routes\s+myapp\.api\.users", out, re.MULTILINE)
    assert re.search(r"^  routes -> repositories\s+1  VIOLATION LL101$", out, re.MULTILINE)


def test_a_shared_module_inside_a_layer_package_is_no_violation(tmp_path, monkeypatch):
    files = {
        "app/repositories/user_repo.py": "from app.services.exceptions import UserNotFound\n",
        "app/services/exceptions.py": "class UserNotFound(Exception):\n    pass\n",
    }
    out = _layers_of(tmp_path, monkeypatch, files)
    assert re.search(r"^  repositories -> \(none\)\s+1$", out, re.MULTILINE)
    assert "Violations (0):" in out


def test_unparsable_file_keeps_its_layer_and_is_noted(project):
    (project / "app" / "services" / "broken_service.py").write_text("def f(:\n")
    result = CliRunner().invoke(main, ["layers", "."])
    assert result.exit_code == 0
    assert re.search(r"^  services\s+app\.services\.broken_service", result.output, re.MULTILINE)
    assert "Not parsed, so their imports are missing from the map (1):\n  app/services/broken_service.py" in result.output


def test_missing_path_exits_2(project):
    result = CliRunner().invoke(main, ["layers", "nope"])
    assert result.exit_code == 2 and "nope: no such file or directory" in result.output


def test_the_alembic_library_is_not_a_first_party_import(tmp_path, monkeypatch):
    # `alembic init alembic` makes a folder of the library's name: `from alembic import op`
    # in it (and in the app) is the library, not a module of the project
    files = {
        **FILES,
        "alembic/env.py": "from alembic import context\nfrom app.models import user\n",
        "alembic/versions/0001_init.py": "from alembic import op\n\nrevision = '1'\ndown_revision = None\n\n\n"
        "def upgrade():\n    op.create_table('users')\n\n\ndef downgrade():\n    op.drop_table('users')\n",
        "app/db.py": "from alembic import command\n",
    }
    monkeypatch.chdir(make_project(tmp_path, files=files))
    output = CliRunner().invoke(main, ["layers", "."]).output
    edges = output.split("Layer imports")[1].split("Violations")[0]
    assert "migrations ->" not in edges
    assert re.search(r"\(none\) -> models +1", edges)  # env.py's import of the models


def test_violation_predicate_matches_the_rules_on_the_demo_app(monkeypatch):
    """The map's violations are exactly the import lines LL101/LL102 report."""
    monkeypatch.chdir(DEMO)
    layer_map = build(["."], Overrides())
    from_map = {(site.path, site.line, site.code) for site in layer_map.violations()}
    result = CliRunner().invoke(main, ["check", "--select", "LL101,LL102", "--output-format", "github", "."])
    from_rules = {
        (m.group(2), int(m.group(3)), m.group(1))
        for m in re.finditer(r"title=layerlint \((LL\d+)\),file=([^,]+),line=(\d+)", result.output)
    }
    assert from_map == from_rules and len(from_map) >= 2


def test_violation_predicate_over_every_pair_of_layers():
    layers = [*RANK, "schemas", "migrations", None]
    for source in layers:
        for target in layers:
            code = violation(source, target)
            if source == "routes" and target == "repositories":
                assert code == "LL101"
            elif source in RANK and target in RANK and RANK[target] < RANK[source]:
                assert code == "LL102"
            else:
                assert code is None


@pytest.mark.parametrize(
    ("module", "layer"),
    [
        ("app.services.billing", "services"),
        ("app.billing_service", "services"),
        ("app.models.repos.git", "models"),
        ("tests.test_billing_service", None),  # test code tests a layer, it is not in one
        ("tests.services.test_billing", None),
        ("tests.services.factories", None),
        ("app.services.billing_test", None),
        ("app.repositories.conftest", None),
        ("app.services.testing", "services"),  # not a test module by its name
    ],
)
def test_default_layers_leave_test_code_out(module, layer):
    assert LayerModel().classify(module) == layer


@pytest.mark.parametrize(
    ("module", "layer"),
    [
        ("shop.db.tables.orders", "models"),
        ("shop.db.tables", "models"),  # `pkg.*` matches the package itself (review 65: the README's example)
        ("shop.db", "repositories"),
        ("shop.db.session", "repositories"),
        ("shop.dbx", None),
        ("shop.api.routes.orders", "routes"),
        ("shop.tests.routes.test_orders", None),  # test code, whatever the patterns say
        ("shop.api.routes.conftest", None),
        # (test code beside the code, as with the defaults: review 69; a module merely named
        # like one is left out too, reviews 67 and 69 weighed)
        ("shop.api.routes.test_orders", None),
        ("shop.api.routes.ab_test", None),
    ],
)
def test_configured_layers(module, layer):
    model = LayerModel({
        "repositories": ("shop.db.*",), "models": ("shop.db.tables.*",), "routes": ("*.routes.*", "*.routes"),
    })
    assert model.classify(module) == layer


def test_a_module_declaring_endpoints_is_no_ll102_subject_whatever_its_name(tmp_path, monkeypatch):
    """``api/models.py`` serving machine-learning models is route code (langflow): its
    import of a service is no violation, while a models module's import of one still is."""
    files = {
        "app/api/__init__.py": "",
        "app/api/models.py": (
            "from fastapi import APIRouter\n\nfrom app.services.catalog_service import list_all\n\n"
            'router = APIRouter(prefix="/models")\n\n\n@router.get("/")\n'
            "async def list_models() -> list[str]:\n    return await list_all()\n"
        ),
        "app/db/__init__.py": "",
        "app/db/models.py": "from app.services.catalog_service import list_all\n",
        "app/services/__init__.py": "",
        "app/services/catalog_service.py": "async def list_all():\n    return []\n",
    }
    out = _layers_of(tmp_path, monkeypatch, files)
    assert re.search(r"^  models -> services\s+2  VIOLATION LL102$", out, re.MULTILINE), out
    assert "Violations (1):\n  app/db/models.py:1: LL102 app.db.models imports app.services.catalog_service\n" in out
    checked = CliRunner().invoke(main, ["check", "--select", "LL102", "--output-format", "github", "."]).output
    assert re.findall(r"file=([^,]+),line=(\d+)", checked) == [("app/db/models.py", "1")]


def test_a_shared_module_inside_a_layer_package_is_no_subject_of_ll102(tmp_path, monkeypatch):
    files = {
        "app/repositories/schemas.py": "from app.services.user_service import hash_password\n",
        "app/services/user_service.py": "def hash_password(value):\n    return value\n",
    }
    out = _layers_of(tmp_path, monkeypatch, files)
    assert re.search(r"^  repositories -> services\s+1$", out, re.MULTILINE), out
    assert "Violations (0):" in out


def _layers_of(tmp_path, monkeypatch, files: dict[str, str]) -> str:
    """The text output of `layerlint layers` on a scratch project of ``files``."""
    monkeypatch.chdir(make_project(tmp_path, "", files))
    return CliRunner().invoke(main, ["layers"]).output


def test_a_module_of_another_layer_declaring_endpoints_is_marked_route_code(tmp_path, monkeypatch):
    # (review 123: greatapi's admin.views.models declares endpoints; LL102 reads it as route
    # code, which the listing now says)
    files = {
        "app/__init__.py": "",
        "app/admin/__init__.py": "",
        "app/admin/models.py": "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"
        "@router.get('/models')\nasync def models() -> list[str]:\n    return []\n",
        "app/models/__init__.py": "",
        "app/models/user.py": "class User:\n    pass\n",
    }
    root = make_project(tmp_path, files=files)
    monkeypatch.chdir(root)
    out = CliRunner().invoke(main, ["layers", "."]).output
    marked = [line.split()[1] for line in out.splitlines() if line.endswith("(declares endpoints: route code to the layer rules)")]
    assert marked == ["app.admin.models"]

"""The layer findings name the module an import brings in, as precisely as the disk says."""

from __future__ import annotations

from click.testing import CliRunner

from harness import write_project
from layerlint.cli import main

PYPROJECT = '''\
[project]
name = "shop"

[tool.layerlint]
select = ["LL101", "LL102"]

[tool.layerlint.layers]
routes = ["shop.routes.*"]
services = ["shop.services.*"]
repositories = ["shop.db", "shop.db.orders"]
models = ["shop.db.models"]
'''


def test_a_submodule_imported_from_a_layer_package_is_named_itself(tmp_path, monkeypatch):
    write_project(
        tmp_path, monkeypatch,
        {
            "shop/__init__.py": "",
            "shop/db/__init__.py": "from shop.db.orders import OrderRepository\n",
            "shop/db/orders.py": "class OrderRepository: ...\n",
            "shop/db/models.py": "class Order: ...\n",
            "shop/routes/__init__.py": "",
            "shop/routes/api.py": (
                "from shop.db import orders\nfrom shop.db import OrderRepository\nfrom shop.db import models\n"
            ),
            "shop/services/__init__.py": "",
            "shop/services/checkout.py": "from shop.routes import api\n",
        },
        pyproject=PYPROJECT,
    )
    result = CliRunner().invoke(main, ["check", "--jobs", "1", "--no-cache", "shop"])
    assert result.exit_code == 1, result.output
    assert [line for line in result.output.splitlines() if ": LL" in line] == [
        "shop/routes/api.py:1:1: LL101 routes module imports repositories module `shop.db.orders`: "
        "call a service instead",
        "shop/routes/api.py:2:1: LL101 routes module imports repositories module `shop.db`: call a service instead",
        # (the submodule is of another layer: the package's is the one the finding is about, review 79)
        "shop/routes/api.py:3:1: LL101 routes module imports repositories module `shop.db`: call a service instead",
        "shop/services/checkout.py:1:1: LL102 services module imports routes module `shop.routes.api`: "
        "services must not depend on a higher layer",
    ]

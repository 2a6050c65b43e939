"""LL501/LL502 in a project whose dependency files allow Pydantic before 1.9 (which cannot read
`X | None`): unsafe wherever a framework may read the annotation, also in a module that names
neither Pydantic nor FastAPI (a subclass of a project model, a route on a project router).

(Not a fixture: a fixture's header, which names the dependencies, is part of the linted file.)"""

from __future__ import annotations

import json

from click.testing import CliRunner

from harness import write_project
from layerlint.cli import main

PYPROJECT = (
    '[project]\nname = "app"\nrequires-python = ">=3.10"\ndependencies = ["{pin}"]\n\n'
    '[tool.layerlint]\nselect = ["LL501"]\n'
)
FILES = {
    "app/__init__.py": "",
    "app/base.py": "from pydantic import BaseModel\n\n\nclass Schema(BaseModel):\n    pass\n",
    "app/users.py": (
        "from typing import Optional\n\nfrom app.base import Schema\n\n\nclass User(Schema):\n"
        "    name: Optional[str] = None\n\n\ndef clamp(value: Optional[int]) -> int:\n    return value or 0\n"
    ),
}


def _marks(tmp_path, monkeypatch, pin: str) -> list[tuple[int, str]]:
    write_project(tmp_path, monkeypatch, FILES, PYPROJECT.format(pin=pin))
    result = CliRunner().invoke(main, ["check", "--no-cache", "--output-format", "json", "app/users.py"])
    assert result.exit_code == 1, result.output
    return [(f["location"]["row"], f["fix"]["applicability"]) for f in json.loads(result.output)]


def test_a_subclass_of_a_project_model_gets_an_unsafe_fix_below_pydantic_1_9(tmp_path, monkeypatch):
    assert _marks(tmp_path, monkeypatch, "pydantic==1.8.2") == [(7, "unsafe"), (10, "safe")]


def test_from_pydantic_1_9_the_fix_is_safe(tmp_path, monkeypatch):
    assert _marks(tmp_path, monkeypatch, "pydantic>=1.9") == [(7, "safe"), (10, "safe")]

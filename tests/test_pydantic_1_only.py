"""LL2xx fixes in a module that runs on Pydantic 1.x only (it does at its top level what
Pydantic 2 rejects at import), where the dependency files leave the version open: none, as in
a project whose files allow 1.x. Where they ask for Pydantic 2, the fixes repair the module.

(Not a fixture: the dependency files decide, and a fixture's header is part of the linted file.)
Found on quart-sqlalchemy, whose config module's bare `@root_validator` fails on Pydantic 2:
its `.dict()` fixed to `.model_dump()` then failed on the 1.x it runs."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from harness import write_project
from layerlint.cli import main

MODULE = """\
from pydantic import BaseModel, root_validator


class Options(BaseModel):
    name: str

    class Config:
        orm_mode = True

    @root_validator{arguments}
    def check(cls, values):
        return values


def dump(options: Options) -> dict:
    return options.dict()
"""
SELECT = '\n[tool.layerlint]\nselect = ["LL201", "LL203"]\n'
UNPINNED = '[project]\nname = "app"\ndependencies = ["fastapi>=0.100"]\n' + SELECT
PYDANTIC_2 = '[project]\nname = "app"\ndependencies = ["pydantic>=2.5"]\n' + SELECT
SETTINGS = '[project]\nname = "app"\ndependencies = ["pydantic-settings"]\n' + SELECT
NOTHING = '[tool.layerlint]\nselect = ["LL201", "LL203"]\n'
BARE = '[project]\nname = "app"\ndependencies = ["fastapi", "pydantic"]\n' + SELECT


def _marks(tmp_path, monkeypatch, pyproject: str, module: str) -> list[tuple[str, int, str | None]]:
    write_project(tmp_path, monkeypatch, {"app/__init__.py": "", "app/schemas.py": module}, pyproject)
    result = CliRunner().invoke(main, ["check", "--no-cache", "--output-format", "json", "app/schemas.py"])
    assert result.exit_code == 1, result.output
    return [
        (f["code"], f["location"]["row"], f["fix"] and f["fix"]["applicability"]) for f in json.loads(result.output)
    ]


@pytest.mark.parametrize(
    "pyproject", [UNPINNED, NOTHING, BARE], ids=["pydantic-not-named", "no-dependency", "pydantic-of-no-version"]
)
@pytest.mark.parametrize("arguments", ["", "()", "(pre=False)", "(skip_on_failure=False)"])
def test_a_module_pydantic_2_rejects_gets_no_fix(tmp_path, monkeypatch, pyproject, arguments):
    module = MODULE.format(arguments=arguments)
    assert _marks(tmp_path, monkeypatch, pyproject, module) == [("LL201", 7, None), ("LL203", 16, None)]


@pytest.mark.parametrize("arguments", ["(skip_on_failure=True)", "(pre=True)", "(**OPTIONS)"])
def test_a_root_validator_pydantic_2_takes_leaves_the_fixes(tmp_path, monkeypatch, arguments):
    module = MODULE.format(arguments=arguments)
    assert _marks(tmp_path, monkeypatch, UNPINNED, module) == [("LL201", 7, "safe"), ("LL203", 16, "safe")]


FIRST_IMPORT = "from pydantic import BaseModel, root_validator\n"


@pytest.mark.parametrize(
    "imported",
    [
        "from pydantic.types import ConstrainedStr\n",
        "from pydantic.typing import display_as_type\n",
        "from pydantic.errors import StrError\n",
        # (review 59: the names Pydantic 1 re-exports at the top, and other modules' names)
        "from pydantic import PydanticValueError\n",
        "from pydantic.main import ModelMetaclass\n",
        "from pydantic.json import ENCODERS_BY_TYPE\n",
        "from pydantic.validators import str_validator\n",
        # read as the module runs: a base, not a function's body
        "import pydantic as pd\n\n\nclass Name(pd.ConstrainedStr):\n    max_length = 9\n",
        # (review 61: a module 2.x removed; a `with` block and a class body run at import too; a
        # root model)
        "import pydantic.annotated_types\n",
        "import warnings\n\nwith warnings.catch_warnings():\n    from pydantic import ConstrainedStr\n",
        "\n\nclass Holder:\n    from pydantic.fields import ModelField\n",
        "\n\nclass Tags(BaseModel):\n    __root__: list[str]\n",
        # (review 62: a root model on a base of the module, nested, or in a with block; a removed
        # module imported by name)
        "\n\nclass Base(BaseModel):\n    pass\n\n\nclass Tags(Base):\n    __root__: list[str]\n",
        "\n\nclass Outer(BaseModel):\n    class Tags(BaseModel):\n        __root__: list[str]\n",
        "import warnings\n\nwith warnings.catch_warnings():\n    class Tags(BaseModel):\n        __root__: list[str]\n",
        "from pydantic import annotated_types\n",
    ],
    ids=[
        "types", "typing", "errors", "top-error", "metaclass", "encoders", "validators", "attribute", "module",
        "with", "class-body", "root-model", "root-on-base", "root-nested", "root-in-with", "module-by-name",
    ],
)
def test_a_name_of_a_submodule_or_attribute_pydantic_2_removed_gets_no_fix(tmp_path, monkeypatch, imported):
    module = MODULE.format(arguments="(pre=True)").replace(FIRST_IMPORT, FIRST_IMPORT + imported)
    marks = _marks(tmp_path, monkeypatch, UNPINNED, module)
    assert [(code, mark) for code, _line, mark in marks] == [("LL201", None), ("LL203", None)]


def test_a_removed_name_read_in_a_function_body_is_no_proof(tmp_path, monkeypatch):
    legacy = "\n\ndef legacy():\n    import pydantic\n\n    return pydantic.NoneStr\n"
    module = MODULE.format(arguments="(pre=True)") + legacy
    assert _marks(tmp_path, monkeypatch, UNPINNED, module) == [("LL201", 7, "safe"), ("LL203", 16, "safe")]


def test_a_name_pydantic_2_removed_gets_no_fix(tmp_path, monkeypatch):
    module = MODULE.format(arguments="(pre=True)").replace(
        "from pydantic import BaseModel, root_validator",
        "from pydantic import BaseModel, ConstrainedStr, root_validator",
    )
    assert _marks(tmp_path, monkeypatch, UNPINNED, module) == [("LL201", 7, None), ("LL203", 16, None)]
    # inside a function the import fails only when it runs: no proof
    inside = module.replace(", ConstrainedStr", "") + "\n\ndef legacy():\n    from pydantic import ConstrainedStr\n"
    (tmp_path / "inside").mkdir()
    assert _marks(tmp_path / "inside", monkeypatch, UNPINNED, inside) == [("LL201", 7, "safe"), ("LL203", 16, "safe")]


@pytest.mark.parametrize("pyproject", [PYDANTIC_2, SETTINGS], ids=["pydantic", "pydantic-settings"])
def test_where_the_files_ask_for_pydantic_2_the_fixes_repair_the_module(tmp_path, monkeypatch, pyproject):
    module = MODULE.format(arguments="")
    assert _marks(tmp_path, monkeypatch, pyproject, module) == [("LL201", 7, "safe"), ("LL203", 16, "safe")]


def test_a_migration_half_done_keeps_its_fixes(tmp_path, monkeypatch):
    # a name only Pydantic 2 has: the module runs on neither version, and the fixes carry the
    # migration on; `BaseSettings` from pydantic is no proof either (LL206 moves it)
    module = MODULE.format(arguments="").replace(
        FIRST_IMPORT, "from pydantic import BaseModel, field_validator, root_validator\n"
    )
    assert _marks(tmp_path, monkeypatch, UNPINNED, module) == [("LL201", 7, "safe"), ("LL203", 16, "safe")]
    settings = MODULE.format(arguments="(pre=True)").replace(
        "from pydantic import BaseModel, root_validator", "from pydantic import BaseModel, BaseSettings, root_validator"
    )
    (tmp_path / "settings").mkdir()
    assert _marks(tmp_path / "settings", monkeypatch, UNPINNED, settings) == [
        ("LL201", 7, "safe"), ("LL203", 16, "safe")
    ]


def test_a_pydantic_2_name_imported_in_a_function_does_not_make_the_module_run_on_2(tmp_path, monkeypatch):
    # (it fails only when the function runs: the module imports, and runs, on 1.x only)
    later = "\n\ndef later():\n    from pydantic import TypeAdapter\n\n    return TypeAdapter\n"
    module = MODULE.format(arguments="") + later
    assert _marks(tmp_path, monkeypatch, UNPINNED, module) == [("LL201", 7, None), ("LL203", 16, None)]


def test_the_removed_names_are_those_pydantic_2_no_longer_gives():
    # (the list is generated from both versions by scripts/gen_pydantic_removed.py)
    from layerlint.facts.pydantic_removed import removed_in_pydantic_2

    removed = [
        "pydantic.ConstrainedStr", "pydantic.types.NoneStr", "pydantic.main.ModelMetaclass", "pydantic.typing.Any",
    ]
    kept = [
        "pydantic.BaseModel", "pydantic.validator", "pydantic.Field", "pydantic.generics.GenericModel",
        "pydantic.error_wrappers.ValidationError", "pydantic.BaseSettings", "pydantic.env_settings.BaseSettings",
        "pydantic_settings.BaseSettings", None,
    ]
    assert [name for name in removed if not removed_in_pydantic_2(name)] == []
    assert [name for name in kept if removed_in_pydantic_2(name)] == []


def test_a_suppressed_import_is_a_shim_not_a_proof(tmp_path, monkeypatch):
    # (review 62: `with suppress(ImportError):` guards an import as a `try` does)
    guarded = (
        "from contextlib import suppress\n\nwith suppress(ImportError):\n    from pydantic import ConstrainedStr\n"
    )
    module = MODULE.format(arguments="(pre=True)").replace(FIRST_IMPORT, FIRST_IMPORT + guarded)
    assert _marks(tmp_path, monkeypatch, UNPINNED, module) == [("LL201", 11, "safe"), ("LL203", 20, "safe")]


def test_a_root_model_on_a_project_base_needs_no_pydantic_import(tmp_path, monkeypatch):
    # (review 63: the module imports only the project's base, from a schemas module)
    base = "from pydantic import BaseModel\n\n\nclass Schema(BaseModel):\n    pass\n"
    items = (
        "from typing import List\n\nfrom app.schemas.base import Schema\n\n\nclass Tags(Schema):\n"
        "    __root__: List[str]\n\n\nclass Options(Schema):\n    name: str\n\n    class Config:\n"
        "        orm_mode = True\n\n\ndef dump(options: Options) -> dict:\n    return options.dict()\n"
    )
    files = {"app/__init__.py": "", "app/schemas/__init__.py": "", "app/schemas/base.py": base,
             "app/schemas/items.py": items}
    write_project(tmp_path, monkeypatch, files, UNPINNED)
    result = CliRunner().invoke(main, ["check", "--no-cache", "--output-format", "json", "app/schemas/items.py"])
    marks = [(f["code"], f["fix"] and f["fix"]["applicability"]) for f in json.loads(result.output)]
    assert marks == [("LL201", None), ("LL203", None)], result.output


def test_only_a_suppressed_import_error_is_a_shim(tmp_path, monkeypatch):
    # (review 63: `suppress(KeyError)` lets Pydantic 2's ImportError through)
    guarded = "from contextlib import suppress\n\nwith suppress(KeyError):\n    from pydantic import ConstrainedStr\n"
    module = MODULE.format(arguments="(pre=True)").replace(FIRST_IMPORT, FIRST_IMPORT + guarded)
    assert _marks(tmp_path, monkeypatch, UNPINNED, module) == [("LL201", 11, None), ("LL203", 20, None)]


POETRY_PYTHON_ONLY = '[tool.poetry]\nname = "app"\nversion = "0.1"\n[tool.poetry.dependencies]\npython = "~3.11"\n' + SELECT
OTHERS_ONLY = '[project]\nname = "app"\ndependencies = ["instarest>=0.0.13", "minio"]\n' + SELECT


@pytest.mark.parametrize("pyproject", [POETRY_PYTHON_ONLY, OTHERS_ONLY], ids=["poetry-python-only", "others-only"])
def test_files_naming_no_pydantic_leave_its_version_unknown(tmp_path, monkeypatch, pyproject):
    """A Poetry table of `python` alone names no dependency; packages that are not Pydantic
    nor bring it say nothing of it (their own requirements decide: aimbase ran Pydantic 1
    through instarest's, review 103): the fixes are unsafe."""
    module = MODULE.format(arguments="(pre=True)")
    assert _marks(tmp_path, monkeypatch, pyproject, module) == [("LL201", 7, "unsafe"), ("LL203", 16, "unsafe")]

"""Module names start in the folders the project's build configuration puts its packages
in (sourcefolders.py), when ``[tool.layerlint] src`` does not say: code kept in
``backend/ledger/...`` and declared so is imported as ``ledger...``, and an absolute
import of another project module resolves to its file (found on infrahub, Poetry's
``from = "backend"``, and txtai, setup.py's ``package_dir={"": "src/python"}``)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from layerlint import external, runner
from layerlint import project as project_module
from layerlint.cli import main
from layerlint.config import load_settings

PROJECT = '[project]\nname = "ledger"\nversion = "1"\n'
BLACK_ONLY = "[tool.black]\nline-length = 100\n"  # (a pyproject.toml that declares no package)
ERRORS = "from fastapi import HTTPException\n\n\nclass EntryMissing(HTTPException):\n    pass\n"
SERVICE = (
    "from ledger.web.errors import EntryMissing\n\n\n"
    "def entry(entry_id):\n    raise EntryMissing(status_code=404, detail=entry_id)\n"
)

# (build configuration files, the folder holding the `ledger` package)
DECLARATIONS = {
    "poetry": ({"pyproject.toml": PROJECT + '\n[tool.poetry]\npackages = [{ include = "ledger", from = "backend" }]\n'}, "backend"),
    "setuptools package-dir": (
        {"pyproject.toml": PROJECT + '\n[tool.setuptools]\npackage-dir = { "" = "code/python" }\n'}, "code/python"
    ),
    "setuptools find": ({"pyproject.toml": PROJECT + '\n[tool.setuptools.packages.find]\nwhere = ["backend"]\n'}, "backend"),
    "setup.cfg package_dir": ({"pyproject.toml": PROJECT, "setup.cfg": "[options]\npackage_dir = =lib\n"}, "lib"),
    "setup.cfg package_dir lines": (
        {"pyproject.toml": PROJECT, "setup.cfg": "[options]\npackage_dir =\n    =lib\npackages = find:\n"}, "lib"
    ),
    "setup.cfg find": ({"pyproject.toml": PROJECT, "setup.cfg": "[options.packages.find]\nwhere = backend\n"}, "backend"),
    "setup.py": (
        {
            "pyproject.toml": BLACK_ONLY,
            "setup.py": 'from setuptools import setup\n\nsetup(name="ledger", package_dir={"": "code/python"})\n',
        },
        "code/python",
    ),
    "setup.py find_packages": (
        {
            "pyproject.toml": BLACK_ONLY,
            "setup.py": (
                "from setuptools import find_packages, setup\n\n"
                'setup(name="ledger", packages=find_packages(where="backend"))\n'
            ),
        },
        "backend",
    ),
    "setup.py find_packages positional": (
        {
            "pyproject.toml": BLACK_ONLY,
            "setup.py": (
                "import setuptools\n\n"
                'setuptools.setup(name="ledger", packages=setuptools.find_packages("lib", exclude=["tests"]))\n'
            ),
        },
        "lib",
    ),
    "setup.py find_namespace_packages": (
        {
            "pyproject.toml": BLACK_ONLY,
            "setup.py": (
                "from setuptools import find_namespace_packages as discover, setup\n\n"
                'SOURCE = "backend"\nPACKAGES = discover(where=SOURCE)\n\n'
                'setup(name="ledger", packages=PACKAGES)\n'
            ),
        },
        "backend",
    ),
    "hatch": ({"pyproject.toml": PROJECT + '\n[tool.hatch.build.targets.wheel]\npackages = ["backend/ledger"]\n'}, "backend"),
    "pdm": ({"pyproject.toml": PROJECT + '\n[tool.pdm.build]\npackage-dir = "backend"\n'}, "backend"),
}


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.setenv("LAYERLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    root.mkdir()
    monkeypatch.chdir(root)
    return root


def _write(root, files: dict[str, str], folder: str) -> None:
    for name, text in files.items():
        (root / name).write_text(text)
    package = root / folder / "ledger"  # (the folder above it is no package)
    for sub in ("web", "services"):
        (package / sub).mkdir(parents=True)
        (package / sub / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "web" / "errors.py").write_text(ERRORS)
    (package / "services" / "entries.py").write_text(SERVICE)


def _invoke(*args: str):
    # (one process, several runs: the settings and facts of a run are read once)
    project_module.forget_settings()
    project_module.first_party_names.cache_clear()
    project_module.folder_parts.cache_clear()
    runner._settings_cache.clear()
    external.clear()
    return CliRunner().invoke(main, list(args))


def _ll103(*extra: str) -> list[tuple[str, int]]:
    result = _invoke("check", "--select", "LL103", "--output-format", "json", *extra, ".")
    assert result.exit_code in (0, 1), result.output
    return [(d["filename"].rpartition("/")[2], d["location"]["row"]) for d in json.loads(result.output)]


def _module_of(path: str) -> str:
    result = _invoke("layers", ".")
    assert result.exit_code == 0, result.output
    return next(line.split()[1] for line in result.output.splitlines() if line.endswith(path))


@pytest.mark.parametrize("declaration", DECLARATIONS, ids=list(DECLARATIONS))
def test_module_names_start_in_the_declared_source_folder(repo, declaration):
    files, folder = DECLARATIONS[declaration]
    _write(repo, files, folder)
    assert _module_of(f"{folder}/ledger/services/entries.py") == "ledger.services.entries"
    # `ledger.web.errors` is the project's file: its HTTPException subclass is known
    assert _ll103("--no-cache") == [("entries.py", 5)]


def test_an_explicit_src_replaces_the_declared_folders(repo):
    files, folder = DECLARATIONS["poetry"]
    _write(repo, {"pyproject.toml": files["pyproject.toml"] + "\n[tool.layerlint]\nsrc = []\n"}, folder)
    assert _module_of("backend/ledger/services/entries.py") == "backend.ledger.services.entries"
    assert _ll103("--no-cache") == []  # (as before: `ledger.web.errors` names no project file)


def test_only_existing_folders_below_the_root_that_are_no_package_count(repo):
    (repo / "backend" / "ledger").mkdir(parents=True)
    (repo / "pkgdir" / "ledger").mkdir(parents=True)
    (repo / "pkgdir" / "__init__.py").write_text("")  # (may be imported as `pkgdir.ledger` too)
    (repo / "src" / "ledger").mkdir(parents=True)  # (src/ keeps its own rule)
    (repo.parent / "outside").mkdir()
    froms = ["missing", ".", "", "../outside", "pkgdir", "src", "backend", "backend/"]
    entries = ", ".join(f'{{ include = "ledger", from = "{name}" }}' for name in froms)
    (repo / "pyproject.toml").write_text(PROJECT + f"\n[tool.poetry]\npackages = [{entries}]\n")
    assert load_settings(repo).sources == (repo / "backend",)
    # a --config file without `src`: where the project's packages live is still the project's
    (repo / "layerlint.toml").write_text('select = ["LL103"]\n')
    assert load_settings(repo, repo / "layerlint.toml", cwd=repo).sources == (repo / "backend",)


def test_a_changed_build_configuration_drops_the_cached_result(repo):
    files, folder = DECLARATIONS["setup.cfg package_dir"]
    _write(repo, files, folder)
    assert _ll103() == [("entries.py", 5)]
    assert _ll103() == [("entries.py", 5)]  # (served from the cache)
    (repo / "setup.cfg").write_text("[options]\npackages = find:\n")
    assert _ll103() == []  # module names start at the root again: the cached finding goes


def test_setup_py_packages_found_elsewhere_declare_no_folder(repo):
    (repo / "backend" / "ledger").mkdir(parents=True)
    (repo / "pyproject.toml").write_text(BLACK_ONLY)
    for setup_py in (
        "from setuptools import setup, find_packages\n\nsetup(packages=find_packages())\n",  # (the root)
        "import os\nfrom setuptools import setup, find_packages\n\n"
        'setup(packages=find_packages(where=os.path.join("backend")))\n',  # (no literal)
        'from setuptools import setup\n\n\ndef find_packages(where):\n    return [where]\n\n\n'
        'setup(packages=find_packages(where="backend"))\n',  # (not setuptools')
    ):
        (repo / "setup.py").write_text(setup_py)
        project_module.forget_settings()
        assert load_settings(repo).sources == ()

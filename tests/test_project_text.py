"""The project's text facts (projecttext.py): read once, kept in the cache folder so that
a warm run re-checks them without reading the project, and never trusted stale."""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from harness import write_project
from layerlint import filestamp, projecttext
from layerlint.cli import main

SEARCH = "from typing import Optional\n\n\ndef search(query: Optional[str] = None) -> str:\n    return query or ''\n"
UNION_TEST = "from typing import Union, get_origin\n\n\ndef optional(t) -> bool:\n    return get_origin(t) is Union\n"
PYPROJECT = '[project]\nname = "x"\n\n[tool.layerlint]\nselect = ["LL501"]\n'


@pytest.fixture(autouse=True)
def trust_fresh_files(monkeypatch) -> None:
    """Files written by the test are read at once: trust a signature however recent (a
    file changed within seconds of its reading is otherwise read again: filestamp.py)."""
    monkeypatch.setattr(filestamp, "RACY_NS", 0)


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The project files read as text in this process."""
    seen: list[str] = []
    real = projecttext._read_facts

    def counting(path: str):
        seen.append(os.path.basename(path))
        return real(path)

    monkeypatch.setattr(projecttext, "_read_facts", counting)
    return seen


def _marks(*args: str) -> list[str]:
    result = CliRunner().invoke(main, ["check", "--output-format", "json", *args, "app"])
    assert result.exit_code == 1, result.output
    return [finding["fix"]["applicability"] for finding in json.loads(result.output)]


def test_a_warm_run_reads_no_project_file_again(tmp_path, monkeypatch, reads):
    root = write_project(
        tmp_path, monkeypatch, {"app/__init__.py": "", "app/tools/base.py": SEARCH, "app/tools/schema.py": UNION_TEST},
        PYPROJECT,
    )
    assert _marks("--jobs", "1") == ["unsafe"]
    assert sorted(reads) == ["__init__.py", "base.py", "schema.py"]
    assert (tmp_path / "cache" / "project-text.json").is_file()
    reads.clear()
    (root / "app" / "tools" / "extra.py").write_text(SEARCH)  # a miss: its fact is re-checked
    assert _marks("--jobs", "1") == ["unsafe", "unsafe"]
    assert reads == ["extra.py"]


def test_an_edited_file_is_read_again(tmp_path, monkeypatch, reads):
    root = write_project(
        tmp_path, monkeypatch, {"app/__init__.py": "", "app/tools/base.py": SEARCH, "app/tools/schema.py": "X = 1\n"},
        PYPROJECT,
    )
    assert _marks("--jobs", "1") == ["safe"]
    reads.clear()
    (root / "app" / "tools" / "schema.py").write_text(UNION_TEST)
    assert _marks("--jobs", "1") == ["unsafe"]
    assert reads == ["schema.py"]


def test_a_union_written_in_another_order_since_the_last_run_makes_its_fix_unsafe(tmp_path, monkeypatch, reads):
    sizes = "from typing import Optional, Union\n\n\ndef size(s: Optional[Union[int, str]] = None) -> str:\n    return str(s)\n"
    root = write_project(
        tmp_path, monkeypatch, {"app/__init__.py": "", "app/tools/sizes.py": sizes, "app/tools/spec.py": "X = 1\n"},
        PYPROJECT,
    )
    assert _marks("--jobs", "1") == ["safe"]
    reads.clear()
    (root / "app" / "tools" / "spec.py").write_text("from typing import Optional, Union\n\nSIZE = Optional[Union[str, int]]\n")
    assert _marks("--jobs", "1") == ["unsafe", "unsafe"]  # sizes.py's cached finding too
    assert reads == ["spec.py"]


def test_a_corrupt_kept_file_is_read_past_and_rewritten(tmp_path, monkeypatch, reads):
    root = write_project(
        tmp_path, monkeypatch, {"app/__init__.py": "", "app/tools/base.py": SEARCH, "app/tools/schema.py": UNION_TEST},
        PYPROJECT,
    )
    kept = tmp_path / "cache" / "project-text.json"
    kept.parent.mkdir()
    kept.write_text('{"format": 1, "files": {"%s": [[1, 2, 3, 4, 5], [true, 7]]}' % (root / "app" / "tools" / "schema.py"))
    assert _marks("--jobs", "1", "--no-cache") == ["unsafe"]  # (no cache: not read, not written)
    assert _marks("--jobs", "1") == ["unsafe"]
    rewritten = json.loads(kept.read_text())
    assert rewritten["format"] == projecttext._KEPT_FORMAT
    assert rewritten["files"][str(root / "app" / "tools" / "schema.py")][1][0] is True


def test_what_pool_workers_read_is_kept_by_the_main_process(tmp_path, monkeypatch):
    files = {"app/__init__.py": "", "app/tools/schema.py": UNION_TEST}
    files.update({f"app/tools/tool_{n}.py": SEARCH for n in range(80)})
    root = write_project(tmp_path, monkeypatch, files, PYPROJECT)
    assert set(_marks("--jobs", "2")) == {"unsafe"}
    kept = json.loads((tmp_path / "cache" / "project-text.json").read_text())["files"]
    assert len(kept) == len(files)
    assert kept[str(root / "app" / "tools" / "schema.py")][1][0] is True

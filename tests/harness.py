"""Fixture harness: a fixture file marks every expected finding on its line.

    # fixture-path: app/routes/users.py      (first lines; default app/module.py)
    # fixture-config: {"select": ["LL309"]}   (optional [tool.layerlint] table, as JSON)
    # fixture-file: requirements.txt = starlette==0.47.3   (optional project file; `\n`: new line)
    x = bad()  # error: LL101
    y = fine()  # clean: why this must stay clean

The file is copied to that path inside a scratch project (with a pyproject.toml)
and linted there, so the layer comes from the real path logic.
"""

from __future__ import annotations

import atexit
import collections
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
# an empty folder for the paths of sources linted from strings: project-wide facts read the
# files beside a linted path, which a shared /tmp may hold anything in
SCRATCH = Path(tempfile.mkdtemp(prefix="layerlint-tests-"))
atexit.register(shutil.rmtree, SCRATCH, True)


def scratch_path(relative: str) -> str:
    """A path (not written) in :data:`SCRATCH` for a source linted from a string."""
    return str(SCRATCH / relative)
_ERROR_RE = re.compile(r"#\s*error:\s*(LL\d{3}(?:\s*,\s*LL\d{3})*)")
_PATH_RE = re.compile(r"^#\s*fixture-path:\s*(\S+)", re.MULTILINE)
_CONFIG_RE = re.compile(r"^#\s*fixture-config:\s*(\{.*\})\s*$", re.MULTILINE)
_EXTRA_RE = re.compile(r"^#\s*fixture-also:\s*(\S+)\s*$", re.MULTILINE)
_FILE_RE = re.compile(r"^#[ \t]*fixture-file:[ \t]*(\S+)[ \t]*=[ \t]*(.*?)[ \t]*$", re.MULTILINE)  # (one line each)


def fixture_files() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("LL*.py") if not p.name.endswith(".fixed.py"))


def expected_findings(source: str) -> collections.Counter[tuple[int, str]]:
    expected: collections.Counter[tuple[int, str]] = collections.Counter()
    for number, line in enumerate(source.splitlines(), start=1):
        match = _ERROR_RE.search(line)
        if match:
            for code in re.split(r"\s*,\s*", match.group(1)):
                expected[(number, code)] += 1
    return expected


def fixture_config(source: str) -> dict:
    match = _CONFIG_RE.search(source)
    return json.loads(match.group(1)) if match else {}


def toml_value(value) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f'"{k}" = {toml_value(v)}' for k, v in value.items()) + " }"
    return json.dumps(value)


def install_fixture(fixture: Path, project: Path) -> Path:
    """Copy a fixture into a scratch project at its declared path; return the copy."""
    source = fixture.read_text(encoding="utf-8")
    match = _PATH_RE.search(source)
    relative = match.group(1) if match else "app/module.py"
    config = fixture_config(source)
    lines = ["[project]", 'name = "fixture"', 'requires-python = ">=3.10"', "", "[tool.layerlint]"]
    lines += [f'"{k}" = {toml_value(v)}' for k, v in config.items()]
    (project / "pyproject.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = project / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(fixture, target)
    for extra in _EXTRA_RE.findall(source):  # files that must exist beside it (alembic env.py ...)
        path = project / extra
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    for name, content in _FILE_RE.findall(source):  # files with content (requirements.txt ...)
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content.replace("\\n", "\n") + "\n", encoding="utf-8")
    return target


def write_project(tmp_path: Path, monkeypatch, files: dict[str, str], pyproject: str = '[project]\nname = "x"\n') -> Path:
    """A scratch project in ``tmp_path/proj`` (its ``pyproject.toml`` and ``files``, folders
    made as needed), its cache in ``tmp_path/cache``, made the working folder."""
    monkeypatch.setenv("LAYERLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text(pyproject)
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    monkeypatch.chdir(root)
    return root


def touch_later(path) -> None:
    """Move a file's modification time 5 s on (a rewrite within the same tick still counts as one)."""
    stat = os.stat(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))


def found_findings(diagnostics) -> collections.Counter[tuple[int, str]]:
    return collections.Counter((d.line, d.code) for d in diagnostics)


def describe(counter: collections.Counter[tuple[int, str]]) -> list[str]:
    return sorted(f"line {line}: {code}" for (line, code), n in counter.items() for _ in range(n))

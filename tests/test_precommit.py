"""The pre-commit hooks: the manifest validates, and the ``layerlint`` hook runs
through ``pre-commit try-repo`` on a scratch git repository (pre-commit installs
this checkout, with its dependencies from PyPI, into a fresh environment)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("pre_commit") is None,
    reason="pre-commit is not installed (it is in the test extra: pip install -e '.[test]')",
)

SERVICE = "from fastapi import HTTPException\n\n\ndef fail():\n    raise HTTPException(404)\n"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") and k != "PRE_COMMIT_HOME"}
    env.update(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com", GIT_CONFIG_NOSYSTEM="1", HOME=env.get("HOME", "/tmp"))
    return env


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=_env(), check=True, capture_output=True, timeout=60)


def _pre_commit(*args: str, cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=_env(), capture_output=True, text=True,
        timeout=timeout,
    )


def test_manifest_is_valid():
    result = _pre_commit("validate-manifest", str(ROOT / ".pre-commit-hooks.yaml"), cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    text = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert "id: layerlint\n" in text and "id: layerlint-fix\n" in text
    assert "entry: layerlint check --fix\n" in text


def _hook_repo(tmp_path: Path) -> Path:
    """This checkout's working tree (committed or not) as a git repository."""
    repo = tmp_path / "hook-repo"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc", ".layerlint_cache")
    shutil.copytree(ROOT / "src", repo / "src", ignore=ignore)
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, repo / name)
    _git("init", "-q", cwd=repo)
    _git("add", "-A", cwd=repo)
    _git("commit", "-q", "-m", "hook", cwd=repo)
    return repo


def test_hook_through_try_repo(tmp_path):
    hook_repo = _hook_repo(tmp_path)
    project = tmp_path / "project"
    (project / "app" / "services").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[project]\nname = "p"\n\n[tool.layerlint]\nignore = ["LL105"]\n')
    (project / "app" / "services" / "user_service.py").write_text(SERVICE)
    (project / "app" / "services" / "ok_service.py").write_text("def ok():\n    return 1\n")
    (project / "app" / "legacy").mkdir()
    (project / "app" / "legacy" / "notes.txt").write_text("not python\n")
    _git("init", "-q", cwd=project)
    _git("add", "-A", cwd=project)
    result = _pre_commit("try-repo", str(hook_repo), "layerlint", "--all-files", "--color=never", cwd=project)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "layerlint" in output and "Failed" in output
    assert "app/services/user_service.py:5:5: LL103 " in output
    assert "LL105" not in output  # the project's settings apply
    assert "ok_service.py:" not in output
    # fixed: the hook passes
    (project / "app" / "services" / "user_service.py").write_text("def fail():\n    raise ValueError(404)\n")
    _git("add", "-A", cwd=project)
    again = _pre_commit("try-repo", str(hook_repo), "layerlint", "--all-files", "--color=never", cwd=project)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Passed" in again.stdout
    # the fixing hook rewrites what it can: pre-commit then fails the commit ("files
    # were modified by this hook") so the fix can be reviewed and staged
    schema = project / "app" / "schemas" / "user.py"
    schema.parent.mkdir()
    schema.write_text("from typing import Optional\n\nname: Optional[str] = None\n")
    _git("add", "-A", cwd=project)
    fixing = _pre_commit("try-repo", str(hook_repo), "layerlint-fix", "--all-files", "--color=never", cwd=project)
    assert fixing.returncode == 1, fixing.stdout + fixing.stderr
    assert "files were modified by this hook" in fixing.stdout
    assert schema.read_text().endswith("name: str | None = None\n")

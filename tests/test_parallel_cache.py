"""--jobs and the results cache: same output for any N, hits, invalidation, robustness."""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from layerlint import cache as cache_module
from layerlint import filestamp, parallel
from layerlint.cli import main
from layerlint.runner import Overrides, discover

DEMO = Path(__file__).resolve().parent.parent / "fixtures" / "demo_app"


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    target = tmp_path / "demo_app"
    shutil.copytree(DEMO, target, ignore=shutil.ignore_patterns(".layerlint_cache", "__pycache__"))
    return target


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache_module.ENV_DIR, str(folder))
    return folder


@pytest.fixture
def lint_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Paths linted in this process (the cache's misses, with --jobs 1)."""
    calls: list[str] = []
    real = parallel.lint_source

    def counting(data, path, settings, **kwargs):
        calls.append(os.path.basename(path))
        return real(data, path, settings, **kwargs)

    monkeypatch.setattr(parallel, "lint_source", counting)
    return calls


def check(*args: str, internal_errors: bool = False):
    # each CLI run is a new process in real use: forget settings read by an earlier run
    from layerlint import project, runner

    runner._settings_cache.clear()
    project.forget_settings()
    result = CliRunner().invoke(main, ["check", *args])
    assert internal_errors or "Traceback" not in result.output, result.output
    return result


def test_jobs_do_not_change_the_output(demo: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(parallel, "MIN_FILES_PER_WORKER", 1)  # a pool even for a small tree
    one = check("--jobs", "1", "--no-cache", str(demo))
    two = check("--jobs", "2", "--no-cache", str(demo))
    three = check("-j", "3", "--no-cache", str(demo), str(demo / "app" / "routes"))
    assert one.exit_code == two.exit_code == three.exit_code == 1
    assert one.output == two.output == three.output
    assert "LL101" in one.output and "LL001" in one.output


def test_pool_results_come_back_in_path_order(demo: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(parallel, "MIN_FILES_PER_WORKER", 1)
    monkeypatch.setattr(parallel, "MAX_CHUNK", 1)
    files = discover([str(demo)], Overrides()).files
    serial = parallel.lint_files(files, Overrides(), jobs=1, cache=False)
    pooled = parallel.lint_files(files, Overrides(), jobs=2, cache=False)
    assert [r.path for r in pooled] == [r.path for r in serial]
    assert [r.diagnostics for r in pooled] == [r.diagnostics for r in serial]


def test_collector_state_is_restored(demo: Path):
    assert gc.isenabled()
    parallel.lint_files(discover([str(demo)], Overrides()).files, Overrides(), jobs=1, cache=False)
    assert gc.isenabled()


def test_warm_cache_gives_the_same_findings_without_linting(demo: Path, cache_dir: Path, lint_calls: list[str]):
    cold = check("--jobs", "1", str(demo))
    linted = len(lint_calls)
    assert linted > 20 and list(cache_dir.glob("results-*.json"))
    warm = check("--jobs", "1", str(demo))
    assert warm.output == cold.output and warm.exit_code == cold.exit_code == 1
    assert len(lint_calls) == linted  # nothing linted again


def test_changed_file_is_linted_again(demo: Path, cache_dir: Path, lint_calls: list[str]):
    check("--jobs", "1", str(demo))
    service = demo / "app" / "services" / "user_service.py"
    service.write_text(service.read_text() + "\nfrom fastapi import Request\n")
    lint_calls.clear()
    result = check("--jobs", "1", str(demo))
    # the file itself, and the routes whose session facts were read from it (they import
    # names from it): nothing else
    assert sorted(lint_calls) == ["legacy.py", "user_service.py", "users.py"]
    line = len(service.read_text().splitlines())
    assert f"user_service.py:{line}:1: LL105" in result.output


def test_changed_settings_invalidate(demo: Path, cache_dir: Path, lint_calls: list[str]):
    before = check("--jobs", "1", str(demo))
    assert "LL105" in before.output
    pyproject = demo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'ignore = ["LL105"]\n')
    lint_calls.clear()
    after = check("--jobs", "1", str(demo))
    assert "LL105" not in after.output and len(lint_calls) > 20
    # a command-line selection is part of the settings too
    lint_calls.clear()
    selected = check("--jobs", "1", "--select", "LL101", str(demo))
    assert len(lint_calls) > 20 and "LL102" not in selected.output and "LL101" in selected.output


def _routes_project(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.layerlint]\n")
    routes = root / "app" / "routes"
    routes.mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (routes / "__init__.py").write_text("")
    (routes / "users.py").write_text("from app import repositories\n")
    return root


def test_cross_file_fact_invalidates(tmp_path: Path, cache_dir: Path, lint_calls: list[str]):
    """Whether ``app.repositories`` is a module decides LL101; creating it must be seen."""
    project = _routes_project(tmp_path / "proj")
    assert "All checks passed" in check("--jobs", "1", str(project)).output
    lint_calls.clear()
    assert "All checks passed" in check("--jobs", "1", str(project)).output
    assert lint_calls == []  # cached
    (project / "app" / "repositories").mkdir()
    (project / "app" / "repositories" / "__init__.py").write_text("")
    result = check("--jobs", "1", str(project))
    assert "users.py:1:1: LL101" in result.output
    assert "users.py" in lint_calls


def test_migration_env_fact_invalidates(tmp_path: Path, cache_dir: Path, lint_calls: list[str]):
    """A file under versions/ is a migration only beside an Alembic env.py."""
    project = tmp_path / "proj"
    versions = project / "alembic" / "versions"
    versions.mkdir(parents=True)
    (project / "pyproject.toml").write_text("[tool.layerlint]\n")
    (versions / "0001_x.py").write_text("x = 1\n")
    check("--jobs", "1", str(project))
    store = json.loads(next(cache_dir.glob("results-*.json")).read_text())
    assert any(fact[0] == "isfile" and fact[1][0].endswith("env.py") for fact in store["facts"])
    (project / "alembic" / "env.py").write_text("")
    lint_calls.clear()
    check("--jobs", "1", str(project))
    assert "0001_x.py" in lint_calls


def test_corrupt_store_is_ignored_and_rewritten(demo: Path, cache_dir: Path, lint_calls: list[str]):
    cold = check("--jobs", "1", str(demo))
    (store,) = cache_dir.glob("results-*.json")
    for garbage in (b"\x00not json{", b'{"format": 2, "entries": []}', b""):
        store.write_bytes(garbage)
        lint_calls.clear()
        again = check("--jobs", "1", str(demo))
        assert again.output == cold.output and len(lint_calls) > 20
        json.loads(store.read_text())  # rewritten whole


def test_corrupt_entry_is_ignored_and_rewritten(demo: Path, cache_dir: Path, lint_calls: list[str]):
    cold = check("--jobs", "1", str(demo))
    (store,) = cache_dir.glob("results-*.json")
    data = json.loads(store.read_text())
    keys = sorted(data["entries"])
    data["entries"][keys[0]] = "garbage"
    data["entries"][keys[1]] = [data["entries"][keys[1]][0], [10**6], []]  # a fact that does not exist
    data["entries"][keys[2]] = [data["entries"][keys[2]][0], [], [["LL999", 5]]]  # a short finding row
    data["entries"][keys[3]] = [data["entries"][keys[3]][0], [], [[1, 2, 3, 4, 5, 6]]]  # wrong types
    store.write_text(json.dumps(data))
    lint_calls.clear()
    again = check("--jobs", "1", str(demo))
    assert again.output == cold.output
    assert sorted(lint_calls) == sorted(os.path.basename(k) for k in keys[:4])
    fixed = json.loads(store.read_text())
    assert fixed["entries"][keys[0]] != "garbage"


def test_no_cache_writes_nothing(tmp_path: Path, demo: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(cache_module.ENV_DIR, raising=False)
    check("--no-cache", str(demo))
    assert not (demo / ".layerlint_cache").exists()
    check(str(demo))
    folder = demo / ".layerlint_cache"
    assert list(folder.glob("results-*.json")) and (folder / ".gitignore").read_text().strip().endswith("*")


def test_cache_dir_setting(tmp_path: Path, demo: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(cache_module.ENV_DIR, raising=False)
    pyproject = demo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'cache-dir = "build/lint-cache"\n')
    check(str(demo))
    assert list((demo / "build" / "lint-cache").glob("results-*.json"))
    assert not (demo / ".layerlint_cache").exists()


def test_internal_errors_are_not_cached(demo: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch):
    from layerlint.rules.layers.route_imports_repository import RouteImportsRepository

    def broken(self, node):
        raise RuntimeError("boom")

    monkeypatch.setattr(RouteImportsRepository, "visit_ImportFrom", broken)
    first = check("--jobs", "1", str(demo), internal_errors=True)
    assert first.exit_code == 2 and "internal error in LL101" in first.output
    second = check("--jobs", "1", str(demo), internal_errors=True)
    assert "internal error in LL101" in second.output  # linted again, reported again


def test_concurrent_saves_merge_and_never_corrupt(tmp_path: Path):
    store_path = tmp_path / "c" / "results-x.json"
    a = cache_module.Store(store_path, "fp")
    b = cache_module.Store(store_path, "fp")
    (tmp_path / "f1.py").write_text("")
    (tmp_path / "f2.py").write_text("")
    a.put(str(tmp_path / "f1.py"), ("d1", [["isfile", ["/x"], False]], [], [0, 0, 0, 0, 0]))
    b.put(str(tmp_path / "f2.py"), ("d2", [], [["LL101", "m", 1, 1, 1, 2]], [0, 0, 0, 0, 0]))
    a.save()
    b.save()  # sees a's write and keeps it
    fresh = cache_module.Store(store_path, "fp")
    assert set(fresh.entries) == {str(tmp_path / "f1.py"), str(tmp_path / "f2.py")}
    assert fresh.get(str(tmp_path / "f1.py"))[0] == "d1"


def _hammer(args: tuple[str, str, int]) -> None:
    folder, cache, seed = args
    os.environ[cache_module.ENV_DIR] = cache
    files = sorted(str(p) for p in Path(folder).rglob("*.py"))
    for round_ in range(4):
        subset = files[(seed + round_) % 3 :: 2]
        parallel.lint_files(subset, Overrides(), jobs=1, cache=True)


@pytest.mark.skipif(sys.platform == "win32", reason="uses fork for speed")
def test_concurrent_runs_leave_a_valid_store(demo: Path, cache_dir: Path):
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    with context.Pool(4) as pool:
        pool.map(_hammer, [(str(demo), str(cache_dir), seed) for seed in range(4)])
    (store,) = cache_dir.glob("results-*.json")
    data = json.loads(store.read_text())
    assert data["entries"]
    assert not list(cache_dir.glob(".tmp-*"))
    # and what it holds is right
    files = discover([str(demo)], Overrides()).files
    fresh = parallel.lint_files(files, Overrides(), jobs=1, cache=False)
    cached = parallel.lint_files(files, Overrides(), jobs=1, cache=True)
    assert [r.diagnostics for r in cached] == [r.diagnostics for r in fresh]


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Files whose bytes the cache lookup read again (to compare digests)."""
    seen: list[str] = []
    real = cache_module.read_file

    def counting(path):
        seen.append(os.path.basename(path))
        return real(path)

    monkeypatch.setattr(cache_module, "read_file", counting)
    return seen


def _age(root: Path, seconds: int = 3600) -> None:
    """Make every file look modified long ago (the cache trusts only settled files;
    the change time cannot be set back, hence RACY_NS patched where it matters)."""
    past = int(os.stat(root).st_mtime) - seconds
    for path in root.rglob("*"):
        os.utime(path, (past, past))


def test_settled_unchanged_files_are_not_read_again(demo: Path, cache_dir: Path, reads: list[str],
                                                    lint_calls: list[str], monkeypatch: pytest.MonkeyPatch):
    # utime cannot age the change time: pretend the racy margin has passed
    monkeypatch.setattr(filestamp, "RACY_NS", 0)
    _age(demo)
    check("--jobs", "1", str(demo))
    reads.clear()
    lint_calls.clear()
    warm = check("--jobs", "1", str(demo))
    assert reads == [] and lint_calls == []  # the stat signature vouched for every file
    assert "LL101" in warm.output


def test_recently_modified_files_are_hashed_again(tmp_path: Path, cache_dir: Path, reads: list[str],
                                                  lint_calls: list[str]):
    project = _routes_project(tmp_path / "proj")  # just written: within the racy window
    check("--jobs", "1", str(project))
    lint_calls.clear()
    check("--jobs", "1", str(project))
    assert "users.py" in reads and lint_calls == []  # read and hashed, same bytes: a hit


def test_same_size_edit_with_restored_mtime_is_seen(demo: Path, cache_dir: Path, lint_calls: list[str],
                                                    monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(filestamp, "RACY_NS", 0)
    _age(demo)
    cold = check("--jobs", "1", str(demo))
    service = demo / "app" / "services" / "billing_service.py"
    before = os.stat(service)
    text = service.read_text()
    assert "HTTPException" in text
    service.write_text(text.replace("HTTPException", "HTTPExceptioX", 1))  # same size, different bytes
    os.utime(service, ns=(before.st_atime_ns, before.st_mtime_ns))  # mtime set back, ctime cannot be
    lint_calls.clear()
    warm = check("--jobs", "1", str(demo))
    assert lint_calls == ["billing_service.py"]
    assert "LL103" in cold.output and "LL103" not in warm.output


def test_rewritten_identical_bytes_are_a_hit(demo: Path, cache_dir: Path, lint_calls: list[str]):
    _age(demo)
    cold = check("--jobs", "1", str(demo))
    service = demo / "app" / "services" / "user_service.py"
    service.write_bytes(service.read_bytes())  # new mtime, same bytes
    lint_calls.clear()
    warm = check("--jobs", "1", str(demo))
    assert lint_calls == [] and warm.output == cold.output

"""Lint many files: from the cache when possible, the rest on a pool of processes.

:func:`lint_files` returns one :class:`~layerlint.engine.FileResult` per path,
in the order of the paths, whatever the number of jobs: the output of a run does
not depend on ``--jobs``. Work goes out in chunks of files (one message per
chunk, not per file); ``jobs=1`` (or a handful of files) lints in this process.

While linting, the cyclic garbage collector is paused: syntax trees hold no
cycles and are freed by reference counting as each file is done, but the
collector would scan every fresh node (about a quarter of the parse time).
"""

from __future__ import annotations

import gc
import math
import os
import sys
import traceback
from contextlib import contextmanager
from typing import Any, Callable, Iterator, TypeVar

from layerlint import projecttext
from layerlint.cache import Cache, digest, read_file
from layerlint.diagnostics import InternalError
from layerlint.engine import FileResult, lint_source
from layerlint.runner import Overrides, display, effective_settings

# fewer files than this are not worth starting processes for
MIN_FILES_PER_WORKER = 32
MAX_CHUNK = 48
# a benchmark hook: each worker appends "pid max-rss-KiB files" lines to this file
STATS_ENV = "LAYERLINT_WORKER_STATS"


def default_jobs() -> int:
    try:
        return max(len(os.sched_getaffinity(0)), 1)  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return max(os.cpu_count() or 1, 1)


def lint_files(
    paths: list[str],
    overrides: Overrides,
    *,
    jobs: int | None = None,
    cache: bool = True,
    progress: Callable[[int], None] | None = None,
) -> list[FileResult]:
    """Lint ``paths`` with ``jobs`` processes (default: one per core), using the cache;
    ``progress(n)`` is told each time ``n`` more files are done."""
    advance = progress or (lambda n: None)
    from layerlint import external, project

    # a fresh look at the other files (facts are memoized for the length of a run)
    external.clear()
    project.first_party_names.cache_clear()
    jobs = default_jobs() if jobs is None else max(jobs, 1)
    results: list[FileResult | None] = [None] * len(paths)
    store = Cache() if cache else None
    todo: list[int] = []
    if store is not None:
        lookup = _Lookup(store, overrides)
        for index, path in enumerate(paths):
            hit = lookup(path)
            if hit is None:
                todo.append(index)
            else:
                results[index] = hit
        advance(len(paths) - len(todo))
    else:
        todo = list(range(len(paths)))
    want_digest = store is not None
    work = [(index, paths[index]) for index in todo]
    if jobs > 1 and len(work) >= 2 * MIN_FILES_PER_WORKER:
        workers = min(jobs, math.ceil(len(work) / MIN_FILES_PER_WORKER))
        outcomes = _on_pool(work, overrides, want_digest, workers, advance)
    else:
        with _collector_paused():
            outcomes = _lint_chunk(work, overrides, want_digest, advance)
    for index, result, file_key in outcomes:
        results[index] = result
        if store is not None and file_key is not None:
            store.record(paths[index], effective_settings(paths[index], overrides), file_key, result)
    if store is not None:
        store.save()
    return results  # type: ignore[return-value]


class _Lookup:
    """Cache lookups for a run, with the per-file path work kept small."""

    def __init__(self, store: Cache, overrides: Overrides) -> None:
        self.store = store
        self.overrides = overrides
        self.cwd = os.getcwd()
        self.settings_of_folder: dict[str, object] = {}

    def __call__(self, path: str) -> FileResult | None:
        try:
            absolute = os.path.abspath(path)
            shown = display(path, self.cwd, absolute)
            folder = os.path.dirname(absolute)
            settings = self.settings_of_folder.get(folder)
            if settings is None:
                settings = self.settings_of_folder[folder] = effective_settings(path, self.overrides)
            return self.store.lookup(absolute, settings, shown)  # type: ignore[arg-type]
        except Exception:  # noqa: BLE001 - a cache problem is a miss, never a failed run
            return None


# the cache key of the bytes linted: (digest, stat signature), when the cache is on
FileKey = "tuple[str, list[int]] | None"
Outcome = tuple[int, FileResult, FileKey]


def _lint_one(path: str, overrides: Overrides, want_digest: bool, cwd: str | None = None) -> tuple[FileResult, FileKey]:
    absolute = os.path.abspath(path)  # once: everything after takes it as it is
    shown = display(path, cwd, absolute)
    try:
        settings = effective_settings(absolute, overrides)
        try:
            data, stamp = read_file(path)
        except OSError as exc:
            return FileResult(shown, read_error=f"cannot read: {exc.strerror or exc}"), None
        result = lint_source(data, absolute, settings, display_path=shown)
        return result, ((digest(data), stamp) if want_digest else None)
    except Exception:  # noqa: BLE001 - never lose the run to one file
        return FileResult(shown, errors=[InternalError(shown, "engine", traceback.format_exc(limit=6))]), None


def _lint_chunk(
    chunk: list[tuple[int, str]],
    overrides: Overrides,
    want_digest: bool,
    advance: Callable[[int], None] | None = None,
) -> list[Outcome]:
    out: list[Outcome] = []
    cwd = os.getcwd()  # (once per chunk: a system call)
    for index, path in chunk:
        result, file_key = _lint_one(path, overrides, want_digest, cwd)
        out.append((index, result, file_key))
        if advance is not None:
            advance(1)
    return out


@contextmanager
def _collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# -- the pool ----------------------------------------------------------------------

T = TypeVar("T")
_worker_overrides: Overrides | None = None


def _init_worker(overrides: Overrides) -> None:
    global _worker_overrides
    _worker_overrides = overrides
    from layerlint.registry import all_rules

    all_rules()  # import the rules once per worker (already done when forked)
    gc.freeze()  # what the worker inherited or imported is never garbage
    gc.disable()


def _worker_chunk(chunk: list[tuple[int, str]], want_digest: bool) -> tuple[list[Outcome], dict[str, Any]]:
    """The chunk's outcomes, and the project files' text facts the worker read for them
    (kept in the cache by the main process: projecttext.py)."""
    assert _worker_overrides is not None
    out = _lint_chunk(chunk, _worker_overrides, want_digest)
    stats = os.environ.get(STATS_ENV)
    if stats:
        _write_stats(stats, len(chunk))
    return out, projecttext.take_new()


def _write_stats(path: str, files: int) -> None:
    try:
        import resource

        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if sys.platform == "darwin":
            rss //= 1024  # bytes there, KiB on Linux
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()} {rss} {files}\n")
    except (ImportError, OSError):
        pass


def _chunks(work: list[tuple[int, str]], jobs: int) -> list[list[tuple[int, str]]]:
    # about 8 chunks per worker, so that a worker finishing early takes more
    size = max(1, min(MAX_CHUNK, math.ceil(len(work) / (jobs * 8))))
    return [work[i : i + size] for i in range(0, len(work), size)]


def _mp_context():  # type: ignore[no-untyped-def]
    import multiprocessing

    # fork is fast and the workers inherit the loaded rules and settings; elsewhere
    # (macOS, Windows) the platform's default start method
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def _on_pool(
    work: list[tuple[int, str]], overrides: Overrides, want_digest: bool, jobs: int, advance: Callable[[int], None]
) -> list[Outcome]:
    from concurrent.futures import ProcessPoolExecutor  # imported here: a warm run needs no pool
    from concurrent.futures.process import BrokenProcessPool

    chunks = _chunks(work, jobs)
    outcomes: list[Outcome] = []
    done: set[int] = set()
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=_mp_context(), initializer=_init_worker,
                                 initargs=(overrides,)) as pool:
            for part, text_facts in pool.map(_worker_chunk, chunks, [want_digest] * len(chunks)):
                projecttext.add(text_facts)
                outcomes.extend(part)
                done.update(index for index, _, _ in part)
                advance(len(part))
    except (BrokenProcessPool, OSError):
        # a worker died (or none could start): lint what is left here
        rest = [item for item in work if item[0] not in done]
        with _collector_paused():
            outcomes.extend(_lint_chunk(rest, overrides, want_digest, advance))
    return outcomes


def map_chunks(
    func: Callable[..., list[T]], items: list[str], args: tuple[Any, ...], jobs: int | None
) -> list[T]:
    """``func(chunk, *args)`` over chunks of ``items`` on ``jobs`` processes (None: one
    per core), the results concatenated in the order of ``items``. A small list, one
    job, or a pool that cannot run, runs here."""
    jobs = default_jobs() if jobs is None else max(jobs, 1)
    if jobs == 1 or len(items) < 2 * MIN_FILES_PER_WORKER:
        return func(items, *args)
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    workers = min(jobs, math.ceil(len(items) / MIN_FILES_PER_WORKER))
    size = max(1, min(MAX_CHUNK, math.ceil(len(items) / (workers * 8))))
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    out: list[T] = []
    done = 0
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=_mp_context()) as pool:
            for part in pool.map(func, chunks, *([a] * len(chunks) for a in args)):
                out.extend(part)
                done += 1
    except (BrokenProcessPool, OSError):
        for chunk in chunks[done:]:
            out.extend(func(chunk, *args))
    return out

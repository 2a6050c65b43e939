"""The results cache: ``.layerlint_cache/`` at the project root.

A file's findings are reused only when all of these are unchanged:

- the tool: its version, the code of the installed ``layerlint`` package (size and
  modification time of each of its files, so an edited rule is never served from
  the cache), the Python version and the ``Diagnostic`` fields;
- the file's effective settings: every field of :class:`~layerlint.config.Settings`
  and the codes they enable;
- the file's bytes (SHA-256) and its path (a module's layer comes from its path);
  the bytes are read and hashed again unless the file's size, modification and
  change times and inode are those recorded when they were last hashed, and that
  hashing happened at least 3 seconds after the file's last modification or change
  (git's rule: no tool can set the change time back, and the margin covers a write
  within the same timestamp tick as the hashing);
- every fact about other files that linting it consulted (``ctx.external``: which
  names are first-party, whether an import target is a module file, whether an
  Alembic ``env.py`` is there ...; see external.py), each re-checked on lookup (the
  digest of another module without reading it when that module's own entry records
  the same digest under a stat signature that still matches).

The tool and settings select a *store*: ``<cache dir>/results-<fingerprint>.json``,
holding per absolute path ``[digest, facts, findings, stat signature]``. The cache dir is the
``cache-dir`` setting (relative to the project root; to the working folder when it
comes from a ``--config`` file) or ``.layerlint_cache`` at the project root (``--config``
or not); with no project root, in the current folder; the environment variable
``LAYERLINT_CACHE_DIR`` overrides both (CI, tests, benchmarks).

A store is written whole to a temporary file then renamed over the old one
(``os.replace``), so a reader sees the old store or the new one, never a torn one;
a run that finds the store changed since it read it merges its entries into the
newer one first. A store or an entry that cannot be read or has the wrong shape
is a miss, rewritten by the run. Results with internal errors or unreadable files
are never stored. Only JSON is read back: a cache directory from an untrusted
checkout cannot run code.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

from layerlint import __version__, projecttext
from layerlint.config import Settings
from layerlint.diagnostics import Diagnostic
from layerlint.engine import FileResult
from layerlint.external import still_true
from layerlint.pathnames import absolute as absolute_path
from layerlint.filestamp import signature, unchanged_since, write_json_atomically

DEFAULT_DIR = ".layerlint_cache"
FORMAT = 3
KEEP_STORES = 8  # stores (tool x settings combinations) kept per cache dir
_DIAGNOSTIC_FIELDS = tuple(f.name for f in dataclasses.fields(Diagnostic) if f.name != "path")
_SCALARS = (str, int, float, bool, type(None))
_SCALAR_NAMES = {"str": str, "int": int, "float": float, "bool": bool}
# the type each stored finding field must have (a row of the wrong shape is a miss)
_ROW_TYPES = tuple(
    _SCALAR_NAMES.get(str(f.type), object) for f in dataclasses.fields(Diagnostic) if f.name != "path"
)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


# opening a FIFO for reading waits for a writer unless non-blocking (which regular files ignore)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def read_bytes(path: str) -> bytes:
    """A file's bytes, with less overhead than ``open().read()`` (it adds up over a tree)."""
    return read_file(path)[0]


def read_file(path: str) -> tuple[bytes, list[int]]:
    """A file's bytes and its stat signature (see :func:`unchanged_since`). Raises OSError
    for a file that is not a regular one: a FIFO named ``x.py`` would block the run."""
    fd = os.open(path, os.O_RDONLY | _NONBLOCK | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", path)
        size = st.st_size
        data = os.read(fd, size + 1)
        if len(data) > size:  # the file grew while read: read on to the end
            chunks = [data]
            while True:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
            data = b"".join(chunks)
        # (a short read of a regular file is its end)
    finally:
        os.close(fd)
    return data, signature(st)


# -- fingerprints --------------------------------------------------------------

_TOOL: str | None = None


def tool_fingerprint() -> str:
    """Version, Python, the Diagnostic fields and the package's own files."""
    global _TOOL
    if _TOOL is None:
        package = os.path.dirname(os.path.abspath(__file__))
        files = []
        for folder, dirs, names in os.walk(package):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(names):
                if name.endswith(".py"):
                    try:
                        st = os.stat(os.path.join(folder, name))
                    except OSError:
                        continue
                    files.append([os.path.relpath(os.path.join(folder, name), package), st.st_size, st.st_mtime_ns])
        parts = [__version__, sys.implementation.name, list(sys.version_info[:2]), _DIAGNOSTIC_FIELDS, files]
        _TOOL = hashlib.sha256(json.dumps(parts).encode()).hexdigest()
    return _TOOL


def _canonical(value: Any) -> Any:
    from layerlint.layers import LayerModel

    if isinstance(value, Path):
        return str(value)
    if isinstance(value, LayerModel):
        return _canonical(value.patterns)
    if isinstance(value, dict):
        return sorted([_canonical(k), _canonical(v)] for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_canonical(v) for v in value)
    if isinstance(value, _SCALARS):
        return value
    return repr(value)


def settings_fingerprint(settings: Settings) -> str:
    """Every public settings field and the enabled codes (memoized on the object)."""
    memo = settings.__dict__.get("_cache_fingerprint")
    if memo is None:
        items = [
            [f.name, _canonical(getattr(settings, f.name))]
            for f in dataclasses.fields(settings)
            if not f.name.startswith("_")
        ]
        items.append(["enabled", sorted(settings.enabled_codes())])
        memo = hashlib.sha256(json.dumps(items, sort_keys=True, default=repr).encode()).hexdigest()
        settings.__dict__["_cache_fingerprint"] = memo
    return memo


ENV_DIR = "LAYERLINT_CACHE_DIR"


def cache_dir(settings: Settings) -> Path:
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override)
    if settings.cache_dir is not None:  # relative to where the settings' paths start
        return (settings.base or Path(os.getcwd())) / settings.cache_dir
    return (settings.root or Path(os.getcwd())) / DEFAULT_DIR


# -- stores ----------------------------------------------------------------------


class Store:
    """One results file, loaded on first use and saved if changed.

    On disk: ``{"format", "fingerprint", "facts": [[kind, args, value], ...],
    "entries": {absolute path: [digest, [fact index, ...], [finding row, ...], stat signature]}}``;
    each distinct fact is stored (and re-checked) once however many files used it.
    """

    def __init__(self, path: Path, fingerprint: str) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.entries: dict[str, Any] = {}
        self.facts: list[Any] = []
        self.changed: dict[str, Any] = {}  # new entries, with their facts spelled out
        self._fact_ok: dict[int, bool] = {}
        self._stamp: tuple[int, int, int] | None = None
        self._load()

    def _stamp_now(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def _read(self) -> tuple[dict[str, Any], list[Any]]:
        try:
            with open(self.path, "rb") as fh:
                data = json.loads(fh.read())
        except (OSError, ValueError, UnicodeDecodeError, RecursionError):
            return {}, []
        if (
            not isinstance(data, dict)
            or data.get("format") != FORMAT
            or data.get("fingerprint") != self.fingerprint
            or not isinstance(data.get("entries"), dict)
            or not isinstance(data.get("facts"), list)
        ):
            return {}, []
        return data["entries"], data["facts"]

    def _load(self) -> None:
        self._stamp = self._stamp_now()
        self.entries, self.facts = self._read() if self._stamp is not None else ({}, [])
        self._fact_ok = {}

    def get(self, key: str) -> tuple[str, list[Any], list[Any], Any] | None:
        """``(digest, facts, rows, signature)`` of a valid-looking entry whose facts still
        hold, else None."""
        entry = self.changed.get(key)
        if entry is not None:
            return entry
        entry = self.entries.get(key)
        if not (isinstance(entry, list) and len(entry) == 4 and isinstance(entry[1], list)):
            return None
        facts = []
        for index in entry[1]:
            ok = self._fact_ok.get(index)
            if ok is None:
                ok = self._fact_ok[index] = isinstance(index, int) and 0 <= index < len(self.facts) and self._holds(
                    self.facts[index]
                )
            if not ok:
                return None
            facts.append(self.facts[index])
        return entry[0], facts, entry[2], entry[3]

    def _holds(self, fact: Any) -> bool:
        """Does a recorded fact still hold? The digest of another module is vouched for by
        that module's own entry when it records the same digest and its stat signature
        still matches (no need to read and hash it again)."""
        if isinstance(fact, list) and len(fact) == 3 and fact[0] == "file_digest" and isinstance(fact[1], list):
            path = fact[1][0] if len(fact[1]) == 1 else None
            entry = self.entries.get(path) if isinstance(path, str) else None
            if isinstance(entry, list) and len(entry) == 4 and entry[0] == fact[2] and fact[2] is not None:
                try:
                    if unchanged_since(entry[3], os.stat(path)):
                        return True
                except OSError:
                    return False
        return still_true([fact])

    def put(self, key: str, entry: tuple[str, list[Any], list[Any], list[int]]) -> None:
        self.changed[key] = entry

    def save(self) -> None:
        if not self.changed:
            return
        entries, facts = self.entries, self.facts
        if self._stamp_now() != self._stamp:  # another run wrote it since: keep its work too
            entries, facts = self._read()
        table: list[Any] = []
        index_of: dict[str, int] = {}

        def intern(fact: Any) -> int:
            key = json.dumps(fact)
            found = index_of.get(key)
            if found is None:
                found = index_of[key] = len(table)
                table.append(fact)
            return found

        out: dict[str, Any] = {}
        for key, entry in entries.items():
            if key in self.changed or not os.path.exists(key):
                continue
            try:
                out[key] = [entry[0], [intern(facts[i]) for i in entry[1]], entry[2], entry[3]]
            except (TypeError, IndexError, KeyError):
                continue  # a malformed entry is dropped
        for key, (file_digest, file_facts, rows, stamp) in self.changed.items():
            out[key] = [file_digest, [intern(f) for f in file_facts], rows, stamp]
        
        folder = self.path.parent
        try:
            _make_cache_dir(folder)
            write_json_atomically(
                self.path, {"format": FORMAT, "fingerprint": self.fingerprint, "facts": table, "entries": out}
            )
        except OSError as exc:
            print(f"layerlint: warning: cannot write the cache {self.path}: {exc.strerror or exc}", file=sys.stderr)
            return
        self.entries, self.facts, self.changed, self._fact_ok = out, table, {}, {}
        self._stamp = self._stamp_now()
        _prune(folder, keep=self.path)


def _make_cache_dir(folder: Path) -> None:
    if folder.is_dir():
        return
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (
        (".gitignore", "# made by layerlint\n*\n"),
        ("CACHEDIR.TAG", "Signature: 8a477f597d28d172789f06886806bc55\n# made by layerlint\n"),
    ):
        try:
            with open(folder / name, "x", encoding="utf-8") as fh:
                fh.write(text)
        except OSError:
            pass


def _prune(folder: Path, keep: Path) -> None:
    """Keep the most recently written stores (old tools or settings accumulate otherwise)."""
    try:
        stores = [p for p in folder.glob("results-*.json") if p != keep]
        stores.sort(key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for stale in stores[KEEP_STORES - 1:]:
            stale.unlink()
    except OSError:
        pass


# -- the cache as the runner sees it -----------------------------------------------


class Cache:
    """Per-file lookups and updates, across the stores of the projects in a run."""

    def __init__(self) -> None:
        self._stores: dict[Path, Store] = {}
        self._by_settings: dict[int, tuple[Settings, Store]] = {}

    def store_for(self, settings: Settings) -> Store:
        known = self._by_settings.get(id(settings))
        if known is not None and known[0] is settings:
            return known[1]
        fingerprint = hashlib.sha256((tool_fingerprint() + settings_fingerprint(settings)).encode()).hexdigest()
        path = cache_dir(settings) / f"results-{fingerprint[:24]}.json"
        store = self._stores.get(path)
        if store is None:
            store = self._stores[path] = Store(path, fingerprint)
            projecttext.keep_in(path.parent)
        self._by_settings[id(settings)] = (settings, store)
        return store

    def lookup(self, path: str, settings: Settings, shown: str) -> FileResult | None:
        """The cached result of ``path`` if still valid, else None (a miss)."""
        key = absolute_path(path)
        store = self.store_for(settings)
        found = store.get(key)
        if found is None:
            return None
        recorded, facts, rows, stamp = found
        try:
            if not unchanged_since(stamp, os.stat(path)):
                data, stamp = read_file(path)
                if recorded != digest(data):
                    return None
                store.put(key, (recorded, facts, rows, stamp))  # same bytes: remember the new stat
        except OSError:
            return None
        if not isinstance(rows, list):
            return None
        diagnostics = []
        for row in rows:
            if not (
                isinstance(row, list)
                and len(row) == len(_ROW_TYPES)
                and all(type(v) is t or t is object for v, t in zip(row, _ROW_TYPES))
            ):
                return None
            diagnostics.append(Diagnostic(path=shown, **dict(zip(_DIAGNOSTIC_FIELDS, row))))
        return FileResult(shown, diagnostics, facts=facts)

    def record(self, path: str, settings: Settings, file_key: tuple[str, list[int]], result: FileResult) -> None:
        """Store a fresh result under ``(digest, stat signature)`` of the bytes linted
        (not when it holds internal or read errors)."""
        if result.errors or result.read_error is not None:
            return
        rows = []
        for d in result.diagnostics:
            row = [getattr(d, name) for name in _DIAGNOSTIC_FIELDS]
            if not all(isinstance(v, _SCALARS) for v in row):
                return  # findings that do not round-trip through JSON are not cached
            rows.append(row)
        file_digest, stamp = file_key
        self.store_for(settings).put(absolute_path(path), (file_digest, list(result.facts), rows, stamp))

    def save(self) -> None:
        for store in self._stores.values():
            store.save()
        projecttext.save()

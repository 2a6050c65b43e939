"""Which side of a version boundary a project's dependency is on, from its files.

Some fixes depend on the version of a library the *linted project* uses (which
Starlette constant names exist; whether SQLAlchemy 2.0 APIs exist). That
version is read from the project's own dependency files, never from an
environment (layerlint never imports the project's libraries, and the
environment layerlint runs in is not the project's):

- lock files: ``uv.lock``, ``poetry.lock``, ``pdm.lock`` (``[[package]]`` name
  and version) and ``Pipfile.lock``;
- ``requirements*.txt``/``constraints*.txt`` (also under ``requirements/``),
  pip-compile output included, and the files they include (``-r deps/base.txt``,
  ``-c constraints.txt``, relative to the including file);
- ``Pipfile``: ``[packages]`` and ``[dev-packages]``;
- ``pyproject.toml``: ``[project] dependencies`` and optional dependencies,
  ``[dependency-groups]``, ``[tool.poetry]`` dependencies (``^``/``~``/``||``),
  ``[tool.uv]`` override and constraint dependencies;
- ``setup.cfg``: ``install_requires`` under ``[options]`` and the lists of
  ``[options.extras_require]``;
- ``setup.py``, parsed and never run: ``install_requires=`` and the values of
  ``extras_require=`` in its ``setup(...)`` call, when each is a literal list or
  tuple of string literals, a sum of such lists, a module-level name assigned one
  and otherwise only grown by ``append``/``extend``/``+=`` of such literals (every
  string added counts, whichever branch adds it), or a call of a function of the module
  of no arguments whose every ``return`` gives one (or a name it assigns one once); a
  list built any other way is not read.

The files are looked for in the project root (the folder of the nearest
``pyproject.toml``, else the file's folder) and its parents, up to the
repository root (a folder with ``.git``) or the first folder with a lock file
(the parents count only when such a folder is found within a few levels). In a
project without pyproject.toml, the folders up to the nearest one holding a
setup.cfg or setup.py (its root) count even without such a folder (an sdist).

Every requirement found is a constraint; :func:`version_side` answers
``BELOW`` (every version the constraints allow is older than the boundary),
``ABOVE`` (every one is at least the boundary) or ``None`` (unknown: no
constraint decides, constraints disagree, or a lock file holds versions on both
sides). Markers (``; python_version < "3.9"``) are ignored, so constraints for
different environments must agree. Pre-release bounds are ignored.
"""

from __future__ import annotations

import ast
import json
import os
import re
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from layerlint.external import provider
from layerlint.pyversion import read_setup_cfg, read_setup_py

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

BELOW = "below"
ABOVE = "above"

Version = tuple[int, ...]
_LOCK_FILES = ("uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock")
_SETUP_FILES = ("setup.cfg", "setup.py")
_PIPFILE = "Pipfile"
# `-r base.txt`, `--requirement=base.txt`, `-c constraints.txt`: a file pip reads too
_INCLUDE_RE = re.compile(r"^[ \t]*(?:-r|-c|--requirement|--constraint)(?:[ \t]*=[ \t]*|[ \t]*)(\S+)", re.MULTILINE)
_MAX_INCLUDES = 32
_MAX_FOLDERS = 6
_MAX_FILE_SIZE = 20_000_000


@dataclass(frozen=True)
class Interval:
    lower: Version | None = None
    lower_inclusive: bool = True
    upper: Version | None = None
    upper_inclusive: bool = False

    def below(self, boundary: Version) -> bool:
        """Every version in the interval is older than ``boundary``."""
        if self.upper is None:
            return False
        order = _compare(self.upper, boundary)
        return order < 0 or (order == 0 and not self.upper_inclusive)

    def above(self, boundary: Version) -> bool:
        """Every version in the interval is ``boundary`` or newer."""
        return self.lower is not None and _compare(self.lower, boundary) >= 0


@dataclass(frozen=True)
class Constraint:
    """The versions one requirement (a union of intervals) allows; ``locked``: a
    lock file's list of the versions it installs."""

    intervals: tuple[Interval, ...]
    locked: bool = False

    def side(self, boundary: Version) -> str | None:
        if self.intervals and all(i.below(boundary) for i in self.intervals):
            return BELOW
        if self.intervals and all(i.above(boundary) for i in self.intervals):
            return ABOVE
        return None


def _compare(a: Version, b: Version) -> int:
    width = max(len(a), len(b))
    a2, b2 = a + (0,) * (width - len(a)), b + (0,) * (width - len(b))
    return (a2 > b2) - (a2 < b2)


_VERSION_RE = re.compile(r"^\s*v?(\d+(?:\.\d+)*)((?:\.\*)?)\s*(.*?)\s*$", re.IGNORECASE)
_PRE_RE = re.compile(r"^[-_.]?(a|b|c|rc|alpha|beta|pre|preview|dev)", re.IGNORECASE)


def parse_version(text: str) -> tuple[Version, bool, bool] | None:
    """(release numbers, is a wildcard ``1.2.*``, is a pre-release) of a version, or None."""
    m = _VERSION_RE.match(text)
    if not m:
        return None
    release = tuple(int(p) for p in m.group(1).split("."))
    wildcard = bool(m.group(2))
    rest = m.group(3)
    if rest and not re.match(r"^([-_.]?(post|rev|r)\d*|\+[a-z0-9.]+|[-_.]?\d+)*$", rest, re.IGNORECASE):
        if _PRE_RE.match(rest):
            return release, wildcard, True
        return None
    return release, wildcard, False


def _bump(release: Version) -> Version:
    return release[:-1] + (release[-1] + 1,)


_CLAUSE_RE = re.compile(r"(===|==|!=|~=|>=|<=|>|<|\^|~)?\s*([0-9vV][0-9A-Za-z.*+_-]*|\*)")


def _clause(op: str, text: str) -> Interval | None:
    """The interval of one clause; None when it does not narrow anything (``!=``, ``*``,
    a pre-release bound, something unparsable)."""
    if text == "*" or op == "!=":
        return None
    parsed = parse_version(text)
    if parsed is None:
        return None
    release, wildcard, pre = parsed
    if pre:
        return None
    if wildcard:
        return Interval(release, True, _bump(release), False) if op in ("==", "") else None
    if op in ("==", "===", ""):
        return Interval(release, True, release, True)
    if op == ">=":
        return Interval(lower=release)
    if op == ">":
        return Interval(lower=release, lower_inclusive=False)
    if op == "<=":
        return Interval(upper=release, upper_inclusive=True)
    if op == "<":
        return Interval(upper=release)
    if op == "~=":
        return Interval(release, True, _bump(release[:-1]), False) if len(release) >= 2 else None
    if op == "^":  # poetry: the first non-zero component may not change
        for index, part in enumerate(release):
            if part:
                return Interval(release, True, release[:index] + (part + 1,), False)
        return Interval(release, True, _bump(release), False)
    if op == "~":  # poetry: ~1.2.3 -> <1.3, ~1 -> <2
        prefix = release[:2] if len(release) >= 2 else release[:1]
        return Interval(release, True, _bump(prefix), False)
    return None


def _intersect(a: Interval, b: Interval) -> Interval:
    lower, lower_inclusive = a.lower, a.lower_inclusive
    if b.lower is not None and (lower is None or _compare(b.lower, lower) > 0 or (
        _compare(b.lower, lower) == 0 and not b.lower_inclusive
    )):
        lower, lower_inclusive = b.lower, b.lower_inclusive
    upper, upper_inclusive = a.upper, a.upper_inclusive
    if b.upper is not None and (upper is None or _compare(b.upper, upper) < 0 or (
        _compare(b.upper, upper) == 0 and not b.upper_inclusive
    )):
        upper, upper_inclusive = b.upper, b.upper_inclusive
    return Interval(lower, lower_inclusive, upper, upper_inclusive)


def parse_specifier(spec: str, *, poetry: bool = False) -> Constraint | None:
    """A PEP 440 specifier (``>=0.40,<0.48``, ``~=0.47.1``, ``==0.47.*``) or, with
    ``poetry``, a Poetry one (``^0.47``, ``~0.47.1``, ``0.47.3``, ``>=1 <2 || 3.*``)."""
    spec = spec.strip().strip("()").strip()
    if not spec:
        return None
    alternatives = spec.split("||") if poetry else [spec]
    intervals: list[Interval] = []
    for alternative in alternatives:
        alternative = alternative.strip()
        if not alternative or alternative == "*":
            return None  # one alternative allows anything
        current = Interval()
        position = 0
        for match in _CLAUSE_RE.finditer(alternative):
            between = alternative[position:match.start()].strip(" ,")
            if between:
                return None  # text that is not a clause: do not guess
            position = match.end()
            op = match.group(1) or ""
            if op == "" and not poetry:
                return None  # a bare version is not PEP 440
            clause = _clause(op, match.group(2))
            if clause is not None:
                current = _intersect(current, clause)
        if alternative[position:].strip(" ,"):
            return None
        intervals.append(current)
    return Constraint(tuple(intervals))


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


_REQUIREMENT_RE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?\s*(.*)$")


def parse_requirement(line: str) -> tuple[str, Constraint | None] | None:
    """(normalized name, constraint) of a PEP 508 requirement or a requirements.txt line."""
    parsed = _parse_requirement_line(line)
    return None if parsed is None else (parsed[0], parsed[2])


def _parse_requirement_line(line: str) -> tuple[str, tuple[str, ...], Constraint | None] | None:
    """(normalized name, extras, constraint) of a requirement line."""
    line = line.split(" #", 1)[0].split("\t#", 1)[0].strip()
    if not line or line.startswith(("#", "-")):
        return None
    m = _REQUIREMENT_RE.match(line)
    if not m:
        return None
    name, rest = normalize(m.group(1)), m.group(3)
    extras = tuple(e.strip() for e in (m.group(2) or "").split(",") if e.strip())
    rest = rest.split(";", 1)[0]
    rest = re.split(r"\s--?[A-Za-z]", " " + rest, maxsplit=1)[0].strip()  # pip options: --hash=...
    if rest.startswith("@"):
        return name, extras, None  # a direct reference: no version known
    return name, extras, parse_specifier(rest) if rest else None


# ----------------------------------------------------------------------------------
# files

def _read_text(path: Path) -> str | None:
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode) or st.st_size > _MAX_FILE_SIZE:
            return None  # (a FIFO or a device named by `-r`: never read)
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def _read_toml(path: Path) -> dict[str, Any] | None:
    text = _read_text(path)
    if text is None:
        return None
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return None


class Found(dict[str, list[Constraint]]):
    """Every constraint the files put on each package (by normalized name); ``named``:
    every package they name, with a version or not, as ``name`` and ``name[extra]``."""

    def __init__(self) -> None:
        super().__init__()
        self.named: set[str] = set()


def _add(found: Found, name: str, constraint: Constraint | None, extras: Iterable[str] = ()) -> None:
    name = normalize(name)
    found.named.add(name)
    found.named.update(f"{name}[{normalize(extra)}]" for extra in extras)
    if constraint is not None:
        found.setdefault(name, []).append(constraint)


def _add_line(found: Found, line: str) -> None:
    parsed = _parse_requirement_line(line)
    if parsed is not None:
        name, extras, constraint = parsed
        _add(found, name, constraint, extras)


def _requirement_strings(found: Found, values: Iterable[Any]) -> None:
    for value in values:
        if isinstance(value, str):
            _add_line(found, value)


def _poetry_table(found: Found, table: Any) -> None:
    if not isinstance(table, dict):
        return
    for name, value in table.items():
        if name == "python":
            continue  # (the Python the project needs: no dependency; see pyversion.py)
        entries = value if isinstance(value, list) else [value]
        if isinstance(name, str):
            extras = [e for entry in entries if isinstance(entry, dict)
                      for e in (entry.get("extras") or ()) if isinstance(e, str)]
            _add(found, name, None, extras)
        intervals: list[Interval] = []
        for entry in entries:
            spec = entry.get("version") if isinstance(entry, dict) else entry
            constraint = parse_specifier(spec, poetry=True) if isinstance(spec, str) else None
            if constraint is None:
                intervals = []
                break
            intervals.extend(constraint.intervals)
        if intervals:
            _add(found, name, Constraint(tuple(intervals)))


def _from_pyproject(found: Found, path: Path) -> None:
    data = _read_toml(path)
    if not isinstance(data, dict):
        return
    project = data.get("project")
    if isinstance(project, dict):
        deps = project.get("dependencies")
        if isinstance(deps, list):
            _requirement_strings(found, deps)
        optional = project.get("optional-dependencies")
        if isinstance(optional, dict):
            for group in optional.values():
                if isinstance(group, list):
                    _requirement_strings(found, group)
    groups = data.get("dependency-groups")
    if isinstance(groups, dict):
        for group in groups.values():
            if isinstance(group, list):
                _requirement_strings(found, group)
    tool = data.get("tool")
    if not isinstance(tool, dict):
        return
    uv = tool.get("uv")
    if isinstance(uv, dict):
        for key in ("override-dependencies", "constraint-dependencies", "dev-dependencies"):
            values = uv.get(key)
            if isinstance(values, list):
                _requirement_strings(found, values)
    poetry = tool.get("poetry")
    if isinstance(poetry, dict):
        _poetry_table(found, poetry.get("dependencies"))
        _poetry_table(found, poetry.get("dev-dependencies"))
        groups = poetry.get("group")
        if isinstance(groups, dict):
            for group in groups.values():
                if isinstance(group, dict):
                    _poetry_table(found, group.get("dependencies"))


def _from_requirements(found: Found, path: Path) -> None:
    text = _read_text(path)
    if text is None:
        return
    text = re.sub(r"\\\r?\n", " ", text)  # continuation lines (pip-compile --generate-hashes)
    for line in text.splitlines():
        _add_line(found, line)


def _from_pipfile(found: Found, path: Path) -> None:
    """``[packages]`` and ``[dev-packages]``: ``name = "==1.10.13"`` (``"*"``: any version) or
    ``name = {version = "...", extras = [...]}``."""
    data = _read_toml(path)
    if not isinstance(data, dict):
        return
    for section in ("packages", "dev-packages"):
        table = data.get(section)
        if not isinstance(table, dict):
            continue
        for name, entry in table.items():
            if not isinstance(name, str):
                continue
            spec = entry.get("version") if isinstance(entry, dict) else entry
            extras = entry.get("extras") if isinstance(entry, dict) else None
            constraint = parse_specifier(spec) if isinstance(spec, str) and spec.strip() != "*" else None
            _add(found, normalize(name), constraint, [e for e in extras or () if isinstance(e, str)])


def _with_includes(files: list[Path]) -> list[Path]:
    """``files`` and, after each requirements file, the files it includes (``-r base.txt``,
    ``-c constraints.txt``, relative to its folder; at any depth, each once; a URL is not
    read), up to a bound."""
    out: list[Path] = []
    seen: set[Path] = set()

    def visit(path: Path, included: bool) -> None:
        if path in seen or len(seen) > _MAX_INCLUDES + len(files):
            return
        seen.add(path)
        out.append(path)
        if not (included or path.suffix in (".txt", ".in")):
            return
        text = _read_text(path)
        for match in _INCLUDE_RE.finditer(text or ""):
            target = match.group(1)
            if "://" not in target:
                visit(path.parent / target, True)

    for path in files:
        visit(path, False)
    return out


def _from_setup_cfg(found: Found, path: Path) -> None:
    parser = read_setup_cfg(path)
    if parser is None:
        return
    values = [parser.get("options", "install_requires", fallback="")]
    if parser.has_section("options.extras_require"):
        values.extend(value for _name, value in parser.items("options.extras_require", raw=True))
    for value in values:
        if value.strip().startswith("file:"):
            continue  # setuptools reads the requirements from that file
        # setuptools' list: a dangling list (one a line), or `;`-separated on one line
        _requirement_strings(found, value.splitlines() if "\n" in value else value.split(";"))


def _from_setup_py(found: Found, path: Path) -> None:
    setup_py = read_setup_py(path)
    for keyword in setup_py.keywords if setup_py is not None else ():
        if keyword.arg == "install_requires":
            _requirement_strings(found, setup_py.strings(keyword.value) or [])
            continue
        value = setup_py.literal(keyword.value)
        if keyword.arg == "extras_require" and isinstance(value, ast.Dict):
            for extra in value.values:
                _requirement_strings(found, setup_py.strings(extra) or [])


def _from_lock(found: Found, path: Path) -> None:
    versions: dict[str, list[Interval]] = {}
    if path.name == "Pipfile.lock":
        text = _read_text(path)
        try:
            data = json.loads(text) if text is not None else None
        except ValueError:
            return
        if not isinstance(data, dict):
            return
        for section in ("default", "develop"):
            packages = data.get(section)
            if isinstance(packages, dict):
                for name, entry in packages.items():
                    found.named.add(normalize(name))
                    spec = entry.get("version") if isinstance(entry, dict) else None
                    constraint = parse_specifier(spec) if isinstance(spec, str) else None
                    if constraint is not None:
                        versions.setdefault(normalize(name), []).extend(constraint.intervals)
    else:
        data = _read_toml(path)
        packages = data.get("package") if isinstance(data, dict) else None
        if not isinstance(packages, list):
            return
        for entry in packages:
            if not isinstance(entry, dict):
                continue
            name, version = entry.get("name"), entry.get("version")
            if isinstance(name, str):
                found.named.add(normalize(name))
            if isinstance(name, str) and isinstance(version, str):
                parsed = parse_version(version)
                if parsed is None or parsed[1]:
                    continue
                release, _wildcard, pre = parsed
                # a pre-release: its own interval, on no side of its release
                interval = Interval(None, True, None, False) if pre else Interval(release, True, release, True)
                versions.setdefault(normalize(name), []).append(interval)
    for name, intervals in versions.items():
        found.setdefault(name, []).append(Constraint(tuple(intervals), locked=True))


def _is_requirements_file(name: str) -> bool:
    lower = name.lower()
    return lower.endswith((".txt", ".in")) and ("requirements" in lower or lower.startswith("constraints"))


_FOLDERS: dict[Path, tuple[int, tuple[tuple[Path, ...], bool]]] = {}


def _folder_files(folder: Path) -> tuple[tuple[Path, ...], bool]:
    """The dependency files of one folder, and whether it is an anchor (a repository
    root, or a folder with a lock file: a workspace root). Read again only when the folder
    changed (its mtime: a file added or removed): the folders above a project's files are
    asked for again and again, one file's folder after another."""
    try:
        stamp = os.stat(folder).st_mtime_ns
    except OSError:
        return (), False
    known = _FOLDERS.get(folder)
    if known is not None and known[0] == stamp:
        return known[1]
    found = _read_folder_files(folder)
    if len(_FOLDERS) > 4096:
        _FOLDERS.clear()
    _FOLDERS[folder] = (stamp, found)
    return found


def _read_folder_files(folder: Path) -> tuple[tuple[Path, ...], bool]:
    try:
        entries = {entry.name: entry for entry in os.scandir(folder)}
    except OSError:
        return (), False
    files: list[Path] = []
    for name, entry in sorted(entries.items()):
        if (
            name in ("pyproject.toml", _PIPFILE) or name in _LOCK_FILES or name in _SETUP_FILES
            or _is_requirements_file(name)
        ):
            if entry.is_file():
                files.append(folder / name)
    sub = entries.get("requirements")
    if sub is not None and sub.is_dir():
        try:
            files.extend(sorted(
                folder / "requirements" / e.name for e in os.scandir(sub.path)
                if e.is_file() and e.name.endswith((".txt", ".in"))
            ))
        except OSError:
            pass
    return tuple(files), ".git" in entries or any(lock in entries for lock in _LOCK_FILES)


def _dependency_files(start: Path) -> list[Path]:
    """The start folder's dependency files and, when a repository or workspace root
    (an anchor) is found within a few folders above, those of the folders up to it.
    Without an anchor, a start folder holding no project file (a file's folder in a
    project without pyproject.toml) takes those of the folders up to its project's
    setup.cfg/setup.py. The working folder, when a file's folder is in it, is an anchor
    too: ``layerlint check .`` in a project whose only dependency file is the
    ``requirements.txt`` beside it (no repository, no pyproject.toml) reads that file."""
    working = _working_folder()
    found, anchored = _folder_files(start)
    files = list(found)
    if anchored or start == working:
        return files
    collected = list(files)
    holds_project_file = any(p.name == "pyproject.toml" or p.name in _SETUP_FILES for p in files)
    up_to_setup: list[Path] | None = files if holds_project_file else None
    folder = start
    home = Path.home()
    for _ in range(_MAX_FOLDERS):
        parent = folder.parent
        if parent == folder or folder == home:
            break
        folder = parent
        more, anchored = _folder_files(folder)
        collected.extend(more)
        if anchored or folder == working:
            return collected
        if up_to_setup is None and any(p.name in _SETUP_FILES for p in more):
            up_to_setup = list(collected)
    return up_to_setup if up_to_setup is not None else files


def _working_folder() -> Path | None:
    try:
        return Path(os.path.abspath(os.getcwd()))
    except OSError:  # (deleted under us)
        return None


_CACHE: dict[tuple[tuple[str, int, int], ...], Found] = {}


def _signature(files: list[Path]) -> tuple[tuple[str, int, int], ...]:
    out = []
    for path in files:
        try:
            st = path.stat()
        except OSError:
            continue
        out.append((str(path), st.st_mtime_ns, st.st_size))
    return tuple(out)


def project_constraints(start: Path) -> Found:
    """Every constraint the dependency files around ``start`` put on each package."""
    files = _with_includes(_dependency_files(start))
    key = _signature(files)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    found = Found()
    for path in files:
        if path.name == "pyproject.toml":
            _from_pyproject(found, path)
        elif path.name in _LOCK_FILES:
            _from_lock(found, path)
        elif path.name == "setup.cfg":
            _from_setup_cfg(found, path)
        elif path.name == "setup.py":
            _from_setup_py(found, path)
        elif path.name == _PIPFILE:
            _from_pipfile(found, path)
        else:
            _from_requirements(found, path)
    if len(_CACHE) > 256:
        _CACHE.clear()
    _CACHE[key] = found
    return found


def start_folder(path: str, root: Path | None) -> Path:
    """Where to look for a file's dependency files: its project root, else its folder."""
    return root if root is not None else Path(os.path.dirname(os.path.abspath(path)))


def combine(sides: Iterable[tuple[str | None, bool]]) -> str | None:
    """One answer from several constraints' ``(side, locked)``."""
    known: set[str] = set()
    for side, locked in sides:
        if side is None:
            if locked:
                return None  # a lock file installs versions on both sides
            continue
        known.add(side)
    return known.pop() if len(known) == 1 else None


def version_side(
    found: Found,
    package: str,
    boundary: Version,
    implied: tuple[tuple[str, Version, str], ...] = (),
) -> str | None:
    """BELOW/ABOVE/None for ``package`` against ``boundary``. ``implied``: ``(other
    package, its boundary, side)``: when the other package is known BELOW its
    boundary, ``package`` is on ``side`` (FastAPI < 0.117 pins Starlette < 0.48)."""
    sides: list[tuple[str | None, bool]] = [(c.side(boundary), c.locked) for c in found.get(normalize(package), ())]
    for other, other_boundary, side in implied:
        for constraint in found.get(normalize(other), ()):
            if constraint.side(other_boundary) == BELOW:
                sides.append((side, False))
    return combine(sides)


def may_run_below(found: Found, package: str, boundary: Version) -> bool:
    """May the project run ``package`` below ``boundary``, by its dependency files? A lock
    file decides when one lists the package (does it install such a version?); else any
    requirement that allows such a version (``<2``, but also ``>=1.4``: a library that
    supports both) says yes. No constraint at all: no (the current version is assumed)."""
    constraints = found.get(normalize(package), [])
    locked = [c for c in constraints if c.locked]
    return any(c.side(boundary) != ABOVE for c in locked or constraints)


@provider("allows_below")
def allows_below(folder: str, package: str, major: int) -> bool:
    """Do the dependency files around ``folder`` (:func:`start_folder`) let ``package`` run
    below version ``major``.0 (:func:`may_run_below`)? (A fact for the cache: see external.py.)"""
    return may_run_below(project_constraints(Path(folder)), package, (major, 0))


@provider("allows_below_release")
def allows_below_release(folder: str, package: str, release: str) -> bool:
    """:func:`allows_below` for a release that is not a major one (``"0.12.4"``)."""
    return may_run_below(project_constraints(Path(folder)), package, tuple(int(p) for p in release.split(".")))


@provider("undeclared")
def undeclared(folder: str, package: str) -> bool:
    """Do the dependency files around ``folder`` name dependencies, but not ``package``?"""
    named = project_constraints(Path(folder)).named
    return bool(named) and normalize(package) not in named


@provider("declares_nothing")
def declares_nothing(folder: str) -> bool:
    """Do the dependency files around ``folder`` name no dependency at all (or are there
    none: a copied folder, an unpacked wheel)? Then no library version is known."""
    return not project_constraints(Path(folder)).named


# the distributions that bring SQLAlchemy's ORM
SQLALCHEMY_DISTRIBUTIONS = ("sqlalchemy", "sqlmodel", "flask-sqlalchemy")
# drivers through which AsyncSession reaches a database (psycopg 3 and oracledb serve
# sync code too: naming one leaves the question open, so it counts as async), and
# SQLAlchemy extras that bring one (`asyncio`, `postgresql_asyncpg`, `aiosqlite` ...)
_ASYNC_DRIVER_RE = re.compile(r"^(asyncpg|aiosqlite|aiomysql|asyncmy|aioodbc|psycopg|psycopg-(binary|c|pool)|oracledb)$")
_ASYNC_EXTRA_RE = re.compile(r"async|aio|psycopg(?!2)|oracledb")


@provider("sqlalchemy_sync_only")
def sqlalchemy_sync_only(folder: str) -> bool:
    """Do the dependency files around ``folder`` name SQLAlchemy (or SQLModel,
    Flask-SQLAlchemy) but no driver that SQLAlchemy's asyncio extension can use, and no
    asyncio extra? Then the project cannot run an ``AsyncSession``. Files that name no
    SQLAlchemy distribution say nothing about it: no."""
    named = project_constraints(Path(folder)).named
    if not any(dist in named for dist in SQLALCHEMY_DISTRIBUTIONS):
        return False
    for entry in named:
        name, _, extra = entry.partition("[")
        if _ASYNC_DRIVER_RE.match(name):
            return False
        if extra and name in SQLALCHEMY_DISTRIBUTIONS and _ASYNC_EXTRA_RE.search(extra):
            return False
    return True


# releases that pin Pydantic 1.x: what the project runs when its files do not name Pydantic
PYDANTIC_1_PINNERS = (
    ("sqlmodel", (0, 0, 14)), ("fastapi", (0, 100)), ("beanie", (1, 21)), ("odmantic", (1, 0)),
)


@provider("pydantic_1_allowed")
def pydantic_1_allowed(folder: str) -> bool:
    """May the project around ``folder`` run Pydantic 1.x? Its constraint on Pydantic decides
    (:func:`may_run_below` 2.0); without one, a SQLModel before 0.0.14, a FastAPI before
    0.100, a Beanie before 1.21 or an ODMantic before 1.0 that the files allow (all require
    Pydantic 1) says yes."""
    found = project_constraints(Path(folder))
    if found.get(normalize("pydantic")):
        return may_run_below(found, "pydantic", (2, 0))
    return any(may_run_below(found, package, release) for package, release in PYDANTIC_1_PINNERS)


@provider("pydantic_2_required")
def pydantic_2_required(folder: str) -> bool:
    """Do the dependency files around ``folder`` require Pydantic 2: a constraint on
    Pydantic that allows no 1.x (``pydantic>=2``), or pydantic-settings (which needs it)? A
    bare ``pydantic`` requires no version."""
    found = project_constraints(Path(folder))
    if normalize("pydantic-settings") in found.named:
        return True
    return bool(found.get(normalize("pydantic"))) and not may_run_below(found, "pydantic", (2, 0))


# typer builds its command line from parameter annotations, and raises "Type not yet
# supported" on `str | None` there before this release
TYPER_PEP604_RELEASE = "0.12.4"


def names_any(path: str, root: Path | None, external: Callable[..., Any], *packages: str) -> bool:
    """Do the dependency files around ``path`` name one of ``packages`` (read through
    ``external``, so that the cache records what they said)?"""
    folder = str(start_folder(path, root))
    return not external("declares_nothing", folder) and not all(
        external("undeclared", folder, package) for package in packages
    )


def old_typer(imports: Iterable[str], path: str, root: Path | None, external: Callable[..., Any]) -> bool:
    """Does a module importing these (fully qualified) names use typer, in a project whose
    dependency files let it run a typer that cannot read ``X | None`` annotations, or name
    no dependency at all (its typer is not known)?"""
    if not any(name.partition(".")[0] == "typer" for name in imports):
        return False
    folder = str(start_folder(path, root))
    return bool(external("allows_below_release", folder, "typer", TYPER_PEP604_RELEASE)) or bool(
        external("declares_nothing", folder)
    )


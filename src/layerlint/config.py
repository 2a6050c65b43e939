"""Typed settings from ``[tool.layerlint]`` in pyproject.toml.

Every key is validated: an unknown key, a value of the wrong type or an
unknown rule code raises :class:`ConfigError` naming the file and the key.
"""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

from layerlint.layers import LAYER_NAMES, LayerModel
from layerlint.pathnames import absolute as absolute_path
from layerlint.pyversion import declared_python
from layerlint.sourcefolders import declared_source_folders

DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", ".bzr", ".venv", "venv", ".tox", ".nox", "build", "dist",
    "__pycache__", "node_modules", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    ".eggs", "*.egg-info", "site-packages", "__pypackages__", ".layerlint_cache",
)

CORE_KEYS = {
    "select", "ignore", "extend-select", "extend-ignore", "per-file-ignores",
    "exclude", "extend-exclude", "layers", "target-version", "cache-dir", "src",
}
TARGET_VERSION_RE = re.compile(r"^py3(1[0-9])$")


class ConfigError(Exception):
    """A settings problem the user must fix; printed without a traceback, exit 2."""


Selection = tuple[tuple[str, ...] | None, tuple[str, ...], tuple[str, ...]]  # select, extend-select, ignore


@dataclass
class Settings:
    """Effective settings for the files under one project root."""

    root: Path | None = None
    config_file: Path | None = None
    # where relative paths in the settings (exclude, per-file-ignores, src, cache-dir) start
    # when not at the root: the working folder for a `--config` file, as in ruff
    paths_base: Path | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    layers: LayerModel = field(default_factory=LayerModel)
    target_version: tuple[int, int] = (3, 10)
    cache_dir: str | None = None
    # folders (absolute) whose files' module names start below them (`src = ["backend"]`;
    # without it, those the project's build configuration declares: sourcefolders.py)
    sources: tuple[Path, ...] = ()
    options: dict[tuple[str, str], Any] = field(default_factory=dict)
    # --select, --extend-select, --ignore: a second layer of selection over the settings'
    command_line: Selection | None = None
    _enabled_cache: dict[tuple[str, ...], frozenset[str]] = field(default_factory=dict, repr=False)

    # -- rule selection -------------------------------------------------
    def enabled_codes(self) -> frozenset[str]:
        return self._codes_after(())

    def module_root(self, path: str | os.PathLike[str]) -> Path | None:
        """The folder a file's dotted module name starts from: the deepest ``src`` folder
        holding it, else the project root."""
        absolute = absolute_path(path)
        best: Path | None = None
        for source in self.sources:
            if absolute.startswith(str(source) + os.sep) and (best is None or len(str(source)) > len(str(best))):
                best = source
        return best if best is not None else self.root

    def codes_for(self, path: str | os.PathLike[str]) -> frozenset[str]:
        """Enabled codes for one file, after per-file-ignores."""
        ignored: tuple[str, ...] = ()
        if self.per_file_ignores:
            rel = self.relative(path)
            name = rel.rsplit("/", 1)[-1]
            for pattern, codes in self.per_file_ignores:
                if _glob_match(rel, name, pattern):
                    ignored += codes
        return self._codes_after(ignored)

    def _codes_after(self, extra_ignore: tuple[str, ...]) -> frozenset[str]:
        cached = self._enabled_cache.get(extra_ignore)
        if cached is not None:
            return cached
        from layerlint.registry import all_rules

        rules = {code: rule.default_enabled for code, rule in all_rules().items()}
        chosen = {code for code, default_enabled in rules.items() if default_enabled}
        chosen = _apply_selection(chosen, (self.select, self.extend_select, self.ignore), rules)
        if self.command_line is not None:
            chosen = _apply_selection(chosen, self.command_line, rules)
        result = frozenset(c for c in chosen if not _prefixed(c, extra_ignore))
        self._enabled_cache[extra_ignore] = result
        return result

    def option(self, section: str, key: str) -> Any:
        if (section, key) in self.options:
            return self.options[(section, key)]
        from layerlint.registry import all_options

        return all_options()[(section, key)].default

    # -- paths ------------------------------------------------------------
    @property
    def base(self) -> Path | None:
        """The folder relative paths in the settings start from (:attr:`paths_base`, else the root)."""
        return self.paths_base if self.paths_base is not None else self.root

    def relative(self, path: str | os.PathLike[str]) -> str:
        """The path relative to :attr:`base` (without one, a project with no pyproject.toml:
        the working folder, as in ruff), with ``/``; absolute when not below it."""
        absolute = absolute_path(path)
        base = self.base
        if base is None:
            # below the folder it shares with the working folder (review 122: else the default
            # excludes matched the folders above the project, as `build` of a CI checkout in
            # /home/travis/build/owner/repo; review 128: `../.venv/...` from inside is below
            # the project folder the two share)
            cwd = os.getcwd()
            if absolute.startswith(cwd) and absolute[len(cwd):len(cwd) + 1] == os.sep:
                return absolute[len(cwd) + 1:].replace(os.sep, "/")  # (the usual case, without commonpath)
            try:
                shared = os.path.commonpath([absolute, cwd])
            except ValueError:  # (another drive)
                shared = ""
            if shared and os.path.dirname(shared) != shared:  # (not the file system's root)
                prefix = os.path.join(shared, "")
                if absolute.startswith(prefix):
                    return absolute[len(prefix):].replace(os.sep, "/")
                return "."
        if base is not None and os.path.isabs(base):
            root = self.__dict__.get("_root_prefix")
            if root is None:
                root = self.__dict__["_root_prefix"] = os.path.join(os.fspath(base), "")
            if os.path.normcase(absolute).startswith(os.path.normcase(root)):
                return absolute[len(root):].replace(os.sep, "/") or "."
            if os.path.normcase(os.path.join(absolute, "")) == os.path.normcase(root):
                return "."
        return absolute.replace(os.sep, "/") if os.sep != "/" else absolute

    def is_excluded(self, path: str | os.PathLike[str]) -> bool:
        """True when the path or any of its folders (below :attr:`base`) matches an exclude.
        A path that is not below it (no project folder known, and none shared with the
        working folder but the file system's root) is matched by itself, not by the folders
        above it."""
        rel = self.relative(path)
        folder, _, name = rel.rpartition("/")
        if os.path.isabs(rel):
            return self._matches_exclude(rel, name)
        return (bool(folder) and self._folder_excluded(folder)) or self._matches_exclude(rel, name)

    def excludes_entry(self, path: str | os.PathLike[str]) -> bool:
        """Does an exclude match this file or folder itself (its name, or its path below
        :attr:`base`)? For the entries of a folder being walked, whose folders the walk
        has already checked: the folders above the one given are not matched, as in ruff
        (review 124: `layerlint check build/owner/repo` found nothing)."""
        rel = self.relative(path)
        return self._matches_exclude(rel, rel.rpartition("/")[2])

    def _folder_excluded(self, rel: str) -> bool:
        # memoized per folder: a file is excluded when its folder is, or when it matches
        cache = self.__dict__.setdefault("_excluded_folders", {})
        found = cache.get(rel)
        if found is None:
            folder, _, name = rel.rpartition("/")
            found = (bool(folder) and self._folder_excluded(folder)) or self._matches_exclude(rel, name)
            cache[rel] = found
        return found

    def _matches_exclude(self, rel: str, name: str) -> bool:
        matchers = self.__dict__.get("_exclude_matchers")
        if matchers is None:
            matchers = self.__dict__["_exclude_matchers"] = _exclude_matchers(self.exclude + self.extend_exclude)
        by_name, by_path = matchers
        return bool(
            (by_name is not None and (by_name.match(name) or by_name.match(rel)))
            or (by_path is not None and by_path.match(rel))
        )


def _exclude_matchers(patterns: tuple[str, ...]) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """One regex for the patterns matched against a name or a path, one for path-only
    patterns (those with a ``/``), as :func:`_glob_match` does pattern by pattern."""
    by_name, by_path = [], []
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if pattern.startswith("./"):
            pattern = pattern[2:]
        (by_path if "/" in pattern else by_name).append(fnmatch.translate(pattern))

    def compile_any(items: list[str]) -> re.Pattern[str] | None:
        return re.compile("|".join(f"(?:{item})" for item in items)) if items else None

    return compile_any(by_name), compile_any(by_path)


ALL = "ALL"  # every rule, the opt-in ones too


def _apply_selection(chosen: set[str], selection: Selection, default_enabled: dict[str, bool]) -> set[str]:
    """The codes enabled after one layer of selection (the settings', then the command
    line's), as ruff resolves them: within the layer, the more specific selector wins
    (`ignore = ["LL1"]` with `extend-select = ["LL101"]` keeps LL101), ignore at equal
    specificity; a layer's `select` starts afresh, so `--select LL101` or
    `--extend-select LL101` re-enables a rule the settings ignore."""
    select, extend_select, ignore = selection
    updates: dict[str, bool] = {}
    selectors = [(p, True) for p in (*(select or ()), *extend_select)] + [(p, False) for p in ignore]
    for prefix, enable in sorted(selectors, key=lambda item: (_specificity(item[0]), not item[1])):
        for code, default in default_enabled.items():
            if _selected(code, (prefix,), default) if enable else _prefixed(code, (prefix,)):
                updates[code] = enable
    if select is not None:
        return {code for code, enable in updates.items() if enable}
    result = set(chosen)
    for code, enable in updates.items():
        if enable:
            result.add(code)
        else:
            result.discard(code)
    return result


def _specificity(prefix: str) -> int:
    return 0 if prefix == ALL else len(prefix)


def _selected(code: str, prefixes: tuple[str, ...], default_enabled: bool) -> bool:
    # an opt-in rule is turned on by its full code only, or by ALL (every rule, as in ruff)
    if default_enabled:
        return _prefixed(code, prefixes)
    return code in prefixes or ALL in prefixes


def _prefixed(code: str, prefixes: tuple[str, ...]) -> bool:
    return any(p == ALL or code.startswith(p) for p in prefixes)


def _glob_match(rel: str, name: str, pattern: str) -> bool:
    pattern = pattern.rstrip("/")
    if pattern.startswith("./"):
        pattern = pattern[2:]
    if "/" in pattern:
        return fnmatch.fnmatchcase(rel, pattern)
    return fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(rel, pattern)


# ----------------------------------------------------------------------
# loading

def find_project_root(start: Path) -> Path | None:
    """The folder of the nearest pyproject.toml at or above ``start``."""
    start = start if start.is_dir() else start.parent
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return None


def load_settings(
    root: Path | None, config_file: Path | None = None, metadata: Path | None = None, cwd: Path | None = None
) -> Settings:
    """Settings for a project root; ``config_file`` (``--config``) overrides the root's.
    ``metadata``: the folder of the project's setup.cfg/setup.py when it has no
    pyproject.toml (the target version is read there too).

    ``--config`` changes only where the settings come from: the root (module names,
    first-party packages, dependency files, declared Python, the default cache) stays
    the project's, and relative paths in the file start from the working folder ``cwd``,
    as in ruff."""
    file = config_file or (root / "pyproject.toml" if root else None)
    if file is None:
        # (the folder of its setup.cfg/setup.py is the project's: excludes are matched below it)
        settings = Settings(paths_base=metadata)
        declared = declared_python({}, metadata) if metadata is not None else None
        if declared is not None:
            settings.target_version = declared
        return settings
    data = _read_toml(file)
    paths_base = None
    if config_file is not None:
        paths_base = cwd if cwd is not None else Path(os.getcwd())
    if file.name == "pyproject.toml":
        table = data.get("tool", {}).get("layerlint", {})
    else:  # a standalone layerlint.toml / --config file: top-level keys or [tool.layerlint]
        table = data.get("tool", {}).get("layerlint", data)
    # the project's own metadata says which Python it runs on and where its packages
    # live, not the --config file's
    if config_file is None:
        pyproject = data
        declared = declared_python(data, root)
    else:
        folder = root if root is not None else metadata
        pyproject = _read_toml(root / "pyproject.toml") if root is not None else {}
        declared = declared_python(pyproject, folder) if folder is not None else None
    if not isinstance(table, dict):
        raise ConfigError(f"{file}: [tool.layerlint] must be a table")
    settings = settings_from_table(table, file, root, declared, paths_base)
    if "src" not in table and root is not None:
        settings.sources = declared_source_folders(pyproject, root)
    return settings


def _read_toml(file: Path) -> dict[str, Any]:
    try:
        with open(file, "rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: invalid TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{file}: not UTF-8: {exc}") from None


def settings_from_table(
    table: dict[str, Any],
    file: Path,
    root: Path | None,
    declared_target: tuple[int, int] | None = None,
    paths_base: Path | None = None,
) -> Settings:
    """Settings from a ``[tool.layerlint]`` table; ``declared_target`` is the oldest Python
    the project's metadata allows (:mod:`layerlint.pyversion`), the default target version;
    ``paths_base``: where the table's relative paths start when not at ``root``."""
    from layerlint.registry import all_codes, all_options

    codes = all_codes()
    options = all_options()
    sections = {s for s, _ in options}

    def where(key: str) -> str:
        return f"{file}: [tool.layerlint] {key}"

    def code_list(key: str) -> tuple[str, ...]:
        value = table[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where(key)}: expected a list of rule codes")
        return tuple(check_codes(value, codes, where(key)))

    s = Settings(root=root, config_file=file, paths_base=paths_base)
    for key in table:
        if key not in CORE_KEYS and key not in sections:
            raise ConfigError(f"{where(key)}: unknown key {key!r}")
    if "select" in table:
        s.select = code_list("select")
    if "ignore" in table:
        s.ignore = code_list("ignore")
    if "extend-ignore" in table:
        s.ignore += code_list("extend-ignore")
    if "extend-select" in table:
        s.extend_select = code_list("extend-select")
    if "per-file-ignores" in table:
        pfi = table["per-file-ignores"]
        if not isinstance(pfi, dict):
            raise ConfigError(f"{where('per-file-ignores')}: expected a table of glob = [codes]")
        entries = []
        for pattern, value in pfi.items():
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where('per-file-ignores')}: {pattern!r}: expected a list of rule codes")
            entries.append((pattern, tuple(check_codes(value, codes, where(f"per-file-ignores.{pattern!r}")))))
        s.per_file_ignores = tuple(entries)
    for key in ("exclude", "extend-exclude"):
        if key in table:
            value = table[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where(key)}: expected a list of glob patterns")
            setattr(s, key.replace("-", "_"), tuple(value))
    if "layers" in table:
        layers = table["layers"]
        if not isinstance(layers, dict):
            raise ConfigError(f"{where('layers')}: expected a table of layer = [patterns]")
        for name, patterns in layers.items():
            if name not in LAYER_NAMES:
                raise ConfigError(
                    f"{where('layers')}: unknown layer {name!r} (known: {', '.join(LAYER_NAMES)})"
                )
            if isinstance(patterns, str):
                patterns = [patterns]
            if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
                raise ConfigError(f"{where('layers.' + name)}: expected a list of glob patterns")
        s.layers = LayerModel({k: tuple([v] if isinstance(v, str) else v) for k, v in layers.items()})
    if "src" in table:
        value = table["src"]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ConfigError(f"{where('src')}: expected a list of folders (relative paths)")
        base = s.base if s.base is not None else file.parent
        s.sources = tuple((base / v).resolve() for v in value)
    if "cache-dir" in table:
        if not isinstance(table["cache-dir"], str):
            raise ConfigError(f"{where('cache-dir')}: expected a string")
        s.cache_dir = table["cache-dir"]
    if "target-version" in table:
        value = table["target-version"]
        m = TARGET_VERSION_RE.match(value) if isinstance(value, str) else None
        if not m:
            raise ConfigError(f"{where('target-version')}: expected a string like 'py310'")
        s.target_version = (3, int(m.group(1)))
    elif declared_target is not None:
        s.target_version = declared_target
    for section in sections & set(table):
        sub = table[section]
        if not isinstance(sub, dict):
            raise ConfigError(f"{where(section)}: expected a table")
        for key, value in sub.items():
            option = options.get((section, key))
            if option is None:
                raise ConfigError(f"{file}: [tool.layerlint.{section}] unknown key {key!r}")
            s.options[(section, key)] = _check_option(option, value, f"{file}: [tool.layerlint.{section}] {key}")
    return s


def check_codes(values: list[str], codes: list[str], where: str) -> list[str]:
    out = []
    for raw in values:
        code = raw.strip().upper()
        if code != ALL and (not code or not any(c.startswith(code) for c in codes)):
            raise ConfigError(f"{where}: unknown rule code {raw!r}")
        out.append(code)
    return out


def _check_option(option: Any, value: Any, where: str) -> Any:
    kind = option.kind
    if kind is list:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: expected a list of strings")
        return tuple(value)
    if kind is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false")
        return value
    if kind is int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ConfigError(f"{where}: expected an integer")
        return value
    if not isinstance(value, str):
        raise ConfigError(f"{where}: expected a string")
    return value



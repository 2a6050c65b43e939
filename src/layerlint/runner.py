"""Find the files to lint, with the settings each one is linted under; shared by the CLI's commands.

Settings come from the nearest ``pyproject.toml`` of each file (or ``--config``, which
changes where the settings are read, never the project root), with the command line's
selection on top.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path

from layerlint.config import ConfigError, Settings, check_codes
from layerlint.pathnames import absolute as absolute_path
from layerlint.project import project_root, settings_for

# folders never worth walking into, whatever the settings say
_ALWAYS_SKIP = frozenset({".git", ".hg", ".svn", "__pycache__", "node_modules"})


@dataclass(frozen=True)
class Overrides:
    """Selection given on the command line; ``None`` keeps the configured value."""

    config_file: Path | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()

    @staticmethod
    def parse_codes(value: str | None, option: str) -> tuple[str, ...] | None:
        if value is None:
            return None
        from layerlint.registry import all_codes

        items = [v for v in value.replace(" ", ",").split(",") if v]
        return tuple(check_codes(items, all_codes(), option))


@dataclass
class Discovery:
    files: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


_settings_cache: dict[tuple[Path | None, Path | None, Path | None, Overrides], Settings] = {}


def effective_settings(path: str, overrides: Overrides) -> Settings:
    base = settings_for(path, overrides.config_file)
    # one --config file serves every project root among the paths: keyed on the root too
    key = (base.root, base.config_file, base.paths_base, overrides)
    cached = _settings_cache.get(key)
    if cached is None:
        changes: dict[str, object] = {"_enabled_cache": {}}
        if overrides.select is not None or overrides.ignore is not None or overrides.extend_select:
            changes["command_line"] = (overrides.select, overrides.extend_select, overrides.ignore or ())
        cached = _settings_cache[key] = dataclasses.replace(base, **changes)
    return cached


def discover(paths: list[str], overrides: Overrides) -> Discovery:
    """Python files under ``paths``, excluded ones left out, in a stable order."""
    found = Discovery()
    seen: set[str] = set()

    def add(path: str, absolute: str | None = None) -> None:
        key = os.path.normcase(absolute or absolute_path(path))
        if key not in seen:
            seen.add(key)
            found.files.append(path)

    for raw in paths:
        path = os.path.normpath(raw)
        if not os.path.lexists(path):
            found.errors.append(f"{raw}: no such file or directory")
            continue
        if os.path.isdir(path):
            _walk(path, overrides, add, found)
        else:
            settings = _file_settings(path, overrides, found)
            if settings is not None and not settings.is_excluded(path):
                add(path)
    found.files.sort(key=lambda p: p.split(os.sep))
    return found


_LEFT_OUT = "{}; its files are not linted (`extend-exclude` leaves the folder out)"


class NestedConfigError(ConfigError):
    """The configuration of a project nested in another cannot be read (a cookiecutter
    template's Jinja pyproject.toml): its files are left out, the rest is linted."""


def file_settings(path: str, overrides: Overrides) -> Settings | None:
    """The settings of a file given by name (pre-commit names the files of a nested project
    as it names the rest). None when they cannot be read, the file belongs to a project
    nested in another, and that enclosing project excludes it. :class:`NestedConfigError`
    when it does not exclude it; the plain :class:`ConfigError` for the only project there
    is, or a ``--config`` file."""
    try:
        return effective_settings(path, overrides)
    except ConfigError as exc:
        nested_root = project_root(path)
        if overrides.config_file is not None or nested_root is None:
            raise  # the --config file, or the only project there is
        enclosing_root = project_root(nested_root)  # (the folder above the nested project's)
        if enclosing_root is None:
            raise
        enclosing = effective_settings(os.path.join(enclosing_root, "__init__.py"), overrides)
        if enclosing.is_excluded(path):
            return None
        raise NestedConfigError(str(exc)) from None


def _file_settings(path: str, overrides: Overrides, found: Discovery) -> Settings | None:
    """:func:`file_settings`, a nested project's error noted once (the file left out)."""
    try:
        return file_settings(path, overrides)
    except NestedConfigError as exc:
        message = _LEFT_OUT.format(exc)
        if message not in found.errors:
            found.errors.append(message)
        return None


def _walk(top: str, overrides: Overrides, add, found: Discovery) -> None:
    def onerror(exc: OSError) -> None:
        found.errors.append(f"{exc.filename}: cannot read folder: {exc.strerror}")

    for folder, dirs, files in os.walk(top, onerror=onerror):
        absolute_folder = absolute_path(folder)  # once: the paths below are built from it
        try:
            settings = effective_settings(os.path.join(absolute_folder, "__init__.py"), overrides)
        except ConfigError as exc:
            if folder == top:
                raise
            # a project of its own below, whose configuration cannot be read (a cookiecutter
            # template's Jinja pyproject.toml): its files are left out, the rest is linted
            found.errors.append(_LEFT_OUT.format(exc))
            dirs[:] = []
            continue
        if folder == top and settings.is_excluded(absolute_folder):
            break  # (a folder named that the settings exclude, as a file named so)
        kept = []
        for name in sorted(dirs):
            full = os.path.join(folder, name)
            if name in _ALWAYS_SKIP or settings.excludes_entry(os.path.join(absolute_folder, name)):
                continue
            if os.path.isfile(os.path.join(full, "pyvenv.cfg")):  # a virtualenv
                continue
            kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            if name.endswith((".py", ".pyi")):
                absolute = os.path.join(absolute_folder, name)
                if not settings.excludes_entry(absolute):
                    add(os.path.join(folder, name), absolute)


def display(path: str, cwd: str | None = None, absolute: str | None = None) -> str:
    """A path as printed: relative to the working folder when below it (``cwd``: the working
    folder, ``absolute``: ``os.path.abspath(path)``, when the caller already has them)."""
    if absolute is None:
        absolute = absolute_path(path)
    if cwd is None:
        cwd = os.getcwd()
    if absolute.startswith(cwd + os.sep):
        return absolute[len(cwd) + 1:]  # os.path.relpath of a normalized path below cwd
    return path


def unmatched_layer_patterns(files: list[str], overrides: Overrides, folders: list[str]) -> list[str]:
    """Warnings for ``[tool.layerlint.layers]`` patterns that match none of the modules of
    the projects of ``files``.

    A pattern that matches nothing is most often a typo that silently turns a layer
    off. Only meaningful when a tree was linted (``folders``: those named on the command
    line; not a pre-commit file list). A project whose root is not at or below one of them
    (``check app/routes``) is matched with all the files it would lint, not only those of
    the run: the patterns of its services match modules outside it (review 108).
    """
    from layerlint.layers import pattern_matches
    from layerlint.project import module_name

    given = [os.path.join(absolute_path(folder), "") for folder in folders]
    modules: dict[Path, tuple[Settings, set[str]]] = {}
    partial: dict[Path, Path] = {}  # config file -> the root of a project linted in part
    for path in files:
        settings = effective_settings(path, overrides)
        config_file = settings.config_file
        if settings.layers.is_default or config_file is None:
            continue
        if config_file not in modules:
            modules[config_file] = (settings, set())
            root = settings.root  # (none: module names from the __init__.py chains, the run's files alone)
            if root is not None and not any(os.path.join(os.fspath(root), "").startswith(f) for f in given):
                partial[config_file] = root
        if config_file not in partial:
            modules[config_file][1].add(module_name(path, settings.module_root(path))[0])
    for config_file, root in partial.items():
        settings, names = modules[config_file]
        for path in discover([os.fspath(root)], overrides).files:
            if effective_settings(path, overrides).config_file == config_file:
                names.add(module_name(path, settings.module_root(path))[0])
    warnings = []
    for config_file, (settings, names) in modules.items():
        for layer, patterns in (settings.layers.patterns or {}).items():
            for pattern in patterns:
                if not any(pattern_matches(name, pattern) for name in names):
                    warnings.append(
                        f"{config_file}: [tool.layerlint.layers] {layer} pattern {pattern!r} matches no linted module"
                    )
    return warnings

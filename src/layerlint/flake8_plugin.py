"""flake8 front-end: adapts flake8's ``(tree, filename, lines)`` to the engine.

The tree flake8 already parsed is reused (no second parse). Settings come from
the ``[tool.layerlint]`` table of the nearest pyproject.toml (flake8 itself does
not read pyproject), read once per project per process, so flake8 and the CLI
report the same findings. LL001 is left to flake8's own E999.
"""

from __future__ import annotations

import ast
import multiprocessing
import os
import sys
from typing import Iterator

from layerlint import __version__
from layerlint.config import ConfigError, Settings
from layerlint.engine import SYNTAX_ERROR_CODE, lint_tree
from layerlint.project import settings_for
from layerlint.runner import Overrides, file_settings

_reported_config_errors: set[str] = set()
_NO_OVERRIDES = Overrides()  # (flake8's own options select; the settings are the project's)


class LayerlintConfigError(Exception):
    """layerlint's settings for a file cannot be read (named in the message)."""


class LayerlintChecker:
    name = "layerlint"
    version = __version__

    @classmethod
    def parse_options(cls, options: object) -> None:
        """flake8 calls this once, in its main process, before its workers start: the
        settings of the paths it was given are read here, where a configuration error can
        end the run with the message and exit status 2 (in a worker, ending the run is not
        the plugin's to do: review 119 saw ``flake8 -j2`` wait for ever)."""
        for path in getattr(options, "filenames", None) or ["."]:
            try:
                if os.path.isdir(path):
                    settings_for(os.path.join(path, "__init__.py"))
                else:
                    file_settings(path, _NO_OVERRIDES)
            except ConfigError as exc:
                _reported_config_errors.add(str(exc))
                print(f"layerlint: error: {exc}", file=sys.stderr)
                raise SystemExit(2) from None

    def __init__(self, tree: ast.Module, filename: str, lines: list[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines
        # read here, not in run(): flake8 calls the constructor inside its guard, so an
        # exception raised here ends the run with flake8's one-line message, not a traceback
        self.settings = _settings_of(filename)

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        settings = self.settings
        if settings is None or settings.is_excluded(self.filename):  # as the CLI leaves out a file named to it
            return
        codes = settings.codes_for(self.filename) - {SYNTAX_ERROR_CODE}
        result = lint_tree(self.tree, "".join(self.lines), self.filename, settings, codes=codes)
        for error in result.errors:
            print(f"layerlint: internal error in {error.rule} on {error.path}:\n{error.error}", file=sys.stderr)
        for d in result.diagnostics:
            yield d.line, d.col - 1, f"{d.code} {d.message}", type(self)


def _settings_of(filename: str) -> Settings | None:
    """The file's settings; None when it belongs to a nested project whose configuration
    cannot be read and the enclosing project excludes it (as the CLI leaves it out)."""
    try:
        return file_settings(filename, _NO_OVERRIDES)
    except ConfigError as exc:
        message = str(exc)
        if message not in _reported_config_errors:
            _reported_config_errors.add(message)
            print(f"layerlint: error: {message}", file=sys.stderr)
        if multiprocessing.current_process().name == "MainProcess":
            raise SystemExit(2) from None
        # (a project below the paths given, in a worker of flake8's pool: SystemExit there
        # ends the worker, never the run, and the pool waits for ever; flake8 turns an
        # exception into its "failed during execution" message and stops)
        raise LayerlintConfigError(message) from None

"""flake8 front-end: adapts flake8's ``(tree, filename, lines)`` to the engine.

The tree flake8 already parsed is reused (no second parse). Settings come from
the ``[tool.layerlint]`` table of the nearest pyproject.toml (flake8 itself does
not read pyproject), read once per project per process, so flake8 and the CLI
report the same findings. LL001 is left to flake8's own E999.
"""

from __future__ import annotations

import ast
import sys
from typing import Iterator

from layerlint import __version__
from layerlint.config import ConfigError
from layerlint.engine import SYNTAX_ERROR_CODE, lint_tree
from layerlint.project import settings_for

_reported_config_errors: set[str] = set()


class LayerlintChecker:
    name = "layerlint"
    version = __version__

    def __init__(self, tree: ast.Module, filename: str, lines: list[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        try:
            settings = settings_for(self.filename)
        except ConfigError as exc:
            message = str(exc)
            if message not in _reported_config_errors:
                _reported_config_errors.add(message)
                print(f"layerlint: error: {message}", file=sys.stderr)
            raise SystemExit(2) from None
        codes = settings.codes_for(self.filename) - {SYNTAX_ERROR_CODE}
        result = lint_tree(self.tree, "".join(self.lines), self.filename, settings, codes=codes)
        for error in result.errors:
            print(f"layerlint: internal error in {error.rule} on {error.path}:\n{error.error}", file=sys.stderr)
        for d in result.diagnostics:
            yield d.line, d.col - 1, f"{d.code} {d.message}", type(self)

"""The ``layerlint`` command (click): ``check``, ``rule``, ``rules``.

Exit status: 0 no findings, 1 findings, 2 usage, configuration or internal error
(an unreadable file, a rule that raised): never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from layerlint import __version__
from layerlint.config import ConfigError
from layerlint.output import text
from layerlint.registry import all_rules
from layerlint.parallel import lint_files
from layerlint.runner import Overrides, discover

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _fail(message: str) -> None:
    click.echo(f"layerlint: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="layerlint")
def main() -> None:
    """Lint a layered FastAPI / SQLAlchemy / Pydantic / Alembic backend."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--select", help="Comma-separated codes or prefixes to enable (replaces the configured selection).")
@click.option("--ignore", help="Comma-separated codes or prefixes to disable.")
@click.option("--extend-select", help="Comma-separated codes or prefixes to enable in addition.")
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Read settings from this TOML file instead of the nearest pyproject.toml.",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), default=None,
    help="Processes to lint with (default: one per core; 1 lints in this process).",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the results cache (.layerlint_cache/).")
def check(
    paths: tuple[str, ...],
    select: str | None,
    ignore: str | None,
    extend_select: str | None,
    config_file: Path | None,
    exit_zero: bool,
    jobs: int | None,
    no_cache: bool,
) -> None:
    """Lint PATHS (files or folders; default: the current folder)."""
    try:
        overrides = Overrides(
            config_file=config_file,
            select=Overrides.parse_codes(select, "--select"),
            ignore=Overrides.parse_codes(ignore, "--ignore"),
            extend_select=Overrides.parse_codes(extend_select, "--extend-select") or (),
        )
        found = discover(list(paths) or ["."], overrides)
        results = lint_files(found.files, overrides, jobs=jobs, cache=not no_cache)
    except ConfigError as exc:
        _fail(str(exc))
        return
    errors = list(found.errors)
    diagnostics = []
    for result in results:
        if result.read_error:
            errors.append(f"{result.path}: {result.read_error}")
        for error in result.errors:
            errors.append(f"{error.path}: internal error in {error.rule}:\n{error.error.rstrip()}")
        diagnostics.extend(result.diagnostics)
    click.echo(text.render(diagnostics), nl=False)
    files_with = len({d.path for d in diagnostics})
    click.echo(text.summary(len(diagnostics), files_with, len(found.files)))
    for error in errors:
        click.echo(f"layerlint: error: {error}", err=True)
    if errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if diagnostics and not exit_zero else EXIT_CLEAN)


@main.command()
@click.argument("code")
def rule(code: str) -> None:
    """Print the documentation of rule CODE."""
    rules = all_rules()
    cls = rules.get(code.strip().upper())
    if cls is None:
        _fail(f"unknown rule code {code!r} (see `layerlint rules`)")
        return
    click.echo(cls.documentation())


@main.command("rules")
def list_rules() -> None:
    """List every rule with its one-line summary."""
    for code, cls in all_rules().items():
        flag = "" if cls.default_enabled else " (opt-in)"
        click.echo(f"{code}  {cls.name:<38} {cls.summary}{flag}")


if __name__ == "__main__":  # pragma: no cover
    main()

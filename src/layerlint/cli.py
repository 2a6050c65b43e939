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
from layerlint.runner import Overrides, discover, lint_file

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
@click.option("--fix", is_flag=True, help="Apply the safe fixes to the files; exit 0 when no finding remains.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply (with --fix/--diff) and mark [*] the unsafe fixes.")
@click.option(
    "--diff", is_flag=True,
    help="Print the changes --fix would make as a unified diff and write nothing (exit 1 when there are some).",
)
def check(
    paths: tuple[str, ...],
    select: str | None,
    ignore: str | None,
    extend_select: str | None,
    config_file: Path | None,
    exit_zero: bool,
    fix: bool = False,
    unsafe_fixes: bool = False,
    diff: bool = False,
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
        fixed = None
        if fix or diff:
            from layerlint.fixer import fix_files

            fixed = fix_files(found.files, overrides, unsafe=unsafe_fixes, write=not diff)
            results = fixed.results
        else:
            results = [lint_file(path, overrides) for path in found.files]
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
    if fixed is not None:
        errors.extend(fixed.errors)
        for warning in fixed.warnings:
            click.echo(f"layerlint: warning: {warning}", err=True)
    if diff and fixed is not None:
        patch = fixed.diff()
        click.echo(patch, nl=False)
        click.echo(text.diff_summary(sum(fixed.applied.values()), len(fixed.changed), len(diagnostics)), err=True)
        for error in errors:
            click.echo(f"layerlint: error: {error}", err=True)
        sys.exit(EXIT_ERROR if errors else EXIT_FINDINGS if patch and not exit_zero else EXIT_CLEAN)
    click.echo(text.render(diagnostics, unsafe_fixes=unsafe_fixes), nl=False)
    files_with = len({d.path for d in diagnostics})
    if fixed is not None:
        applied = sum(fixed.applied.values())
        click.echo(text.fix_summary(applied, len(diagnostics), len(fixed.changed), len(found.files)))
    else:
        click.echo(text.summary(len(diagnostics), files_with, len(found.files)))
    hint = text.fix_hint(diagnostics, unsafe_fixes)
    if hint:
        click.echo(hint)
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

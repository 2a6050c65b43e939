"""The ``layerlint`` command (click): ``check``, ``rule``, ``rules``.

Exit status: 0 no findings, 1 findings, 2 usage, configuration or internal error
(an unreadable file, a rule that raised): never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from layerlint import __version__, report, ruledocs
from layerlint.config import ConfigError
from layerlint.output import text
from layerlint.registry import all_rules
from layerlint.parallel import lint_files
from layerlint.runner import Overrides, discover, unmatched_layer_patterns
from layerlint.sources import SourceLines

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
    help="Read settings from this TOML file instead of the nearest pyproject.toml (relative paths in it "
    "start from the working folder; module names still from the project root).",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@report.options
@click.option("--fix", is_flag=True, help="Apply the safe fixes to the files; exit 0 when no finding remains.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply (with --fix/--diff) and mark [*] the unsafe fixes.")
@click.option(
    "--diff", is_flag=True,
    help="Print the changes --fix would make as a unified diff and write nothing (exit 1 when there are some).",
)
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
    fix: bool = False,
    unsafe_fixes: bool = False,
    diff: bool = False,
    jobs: int | None = None,
    no_cache: bool = False,
    **report_options: object,
) -> None:
    """Lint PATHS (files or folders; default: the current folder; `-`: standard input)."""
    opts = report.ReportOptions(**report_options)  # type: ignore[arg-type]
    report.check_combinations(opts)
    sources = SourceLines()
    try:
        overrides = Overrides(
            config_file=config_file,
            select=Overrides.parse_codes(select, "--select"),
            ignore=Overrides.parse_codes(ignore, "--ignore"),
            extend_select=Overrides.parse_codes(extend_select, "--extend-select") or (),
        )
        baseline = report.load_baseline(opts)
        fixed = None
        if report.reads_stdin(paths, opts):
            if fix or diff:
                sys.exit(report.fix_stdin(
                    overrides, opts, unsafe=unsafe_fixes, diff=diff, exit_zero=exit_zero, baseline=baseline
                ))
            found, results = report.lint_stdin(overrides, opts, sources)
        else:
            found = discover(list(paths) or ["."], overrides)
            if fix or diff:
                from layerlint.fixer import fix_files

                fixed = fix_files(
                    found.files, overrides, unsafe=unsafe_fixes, write=not diff, jobs=jobs, baseline=baseline
                )
                results = fixed.results
            elif report.show_progress(len(found.files), opts):
                results = report.lint_with_progress(
                    found.files,
                    lambda advance: lint_files(found.files, overrides, jobs=jobs, cache=not no_cache, progress=advance),
                )
            else:
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
    if not found.files and not found.errors and not report.reads_stdin(paths, opts):
        # a CI job pointed at the wrong folder would otherwise pass in silence
        shown = ", ".join(paths) if paths else "."
        click.echo(f"layerlint: warning: no Python files found in {shown} (none there, or all excluded)", err=True)
    folders = [p for p in paths or ["."] if os.path.isdir(p)]
    if folders and not report.reads_stdin(paths, opts):
        for warning in unmatched_layer_patterns(found.files, overrides, folders):
            click.echo(f"layerlint: warning: {warning}", err=True)
    sys.exit(
        report.emit(
            diagnostics, errors, len(found.files), opts, exit_zero, sources, baseline,
            unsafe_fixes=unsafe_fixes, fixed=fixed,
        )
    )


_DOC_FORMAT = click.option(
    "--output-format",
    type=click.Choice(("text", "json"), case_sensitive=False),
    default="text",
    show_default=True,
    help="text, or JSON (code, name, summary, family, default_enabled, fix_availability, options, explanation, url).",
)


@main.command()
@click.argument("code")
@_DOC_FORMAT
def rule(code: str, output_format: str = "text") -> None:
    """Print the documentation of rule CODE."""
    rules = all_rules()
    cls = rules.get(code.strip().upper())
    if cls is None:
        _fail(f"unknown rule code {code!r} (see `layerlint rules`)")
        return
    if output_format.lower() == "json":
        click.echo(json.dumps(ruledocs.rule_json(cls), indent=2, ensure_ascii=False))
        return
    click.echo(cls.documentation())


@main.command("rules")
@_DOC_FORMAT
def list_rules(output_format: str = "text") -> None:
    """List every rule with its one-line summary."""
    if output_format.lower() == "json":
        data = [ruledocs.rule_json(cls) for cls in all_rules().values()]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for code, cls in all_rules().items():
        flag = "" if cls.default_enabled else " (opt-in)"
        click.echo(f"{code}  {cls.name:<38} {cls.summary}{flag}")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "mermaid"), case_sensitive=False),
    default="text",
    show_default=True,
    help="text: modules by layer, the import map and its violations; mermaid: a flowchart of the map.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Read settings from this TOML file instead of the nearest pyproject.toml (relative paths in it "
    "start from the working folder; module names still from the project root).",
)
def layers(paths: tuple[str, ...], fmt: str, config_file: Path | None) -> None:
    """Show the layer of each module under PATHS and the layer-to-layer import map."""
    from layerlint import layermap

    overrides = Overrides(config_file=config_file)
    try:
        layer_map = layermap.build(list(paths) or ["."], overrides)
    except ConfigError as exc:
        _fail(str(exc))
        return
    render = layermap.render_mermaid if fmt.lower() == "mermaid" else layermap.render_text
    click.echo(render(layer_map), nl=False)
    folders = [p for p in paths or ["."] if os.path.isdir(p)]
    if folders:
        for warning in unmatched_layer_patterns(layer_map.files, overrides, folders):
            click.echo(f"layerlint: warning: {warning}", err=True)
    for error in layer_map.errors:
        click.echo(f"layerlint: error: {error}", err=True)
    sys.exit(EXIT_ERROR if layer_map.errors else EXIT_CLEAN)


if __name__ == "__main__":  # pragma: no cover
    main()

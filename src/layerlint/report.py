"""What ``layerlint check`` does around linting: its output options (format, file,
statistics, quiet), the baseline, standard input, and the progress bar.

Kept out of ``cli.py`` so the command itself stays a short sequence:
options -> files (or stdin) -> lint -> :func:`emit`.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Sequence, TypeVar

import click
import click.utils

from layerlint.baseline import Baseline, BaselineError
from layerlint.diagnostics import Diagnostic
from layerlint.engine import FileResult, decode_source, lint_source
from layerlint.fixes import is_applicable
from layerlint.output import FORMATS, HUMAN_FORMATS, renderer, statistics, text
from layerlint.runner import Discovery, Overrides, display, file_settings
from layerlint.sources import SourceLines

if TYPE_CHECKING:
    from layerlint.fixer import FixRun

T = TypeVar("T")
R = TypeVar("R")

# fewer files than this lint in a blink: no progress bar
PROGRESS_MIN_FILES = 100


@dataclass(frozen=True)
class ReportOptions:
    output_format: str = "text"
    output_file: Path | None = None
    statistics: bool = False
    quiet: bool = False
    baseline: Path | None = None
    write_baseline: Path | None = None
    stdin_filename: str | None = None


def options(command: Callable[..., T]) -> Callable[..., T]:
    """The output, baseline and stdin options of ``check`` (passed as keyword arguments)."""
    decorators = [
        click.option(
            "--output-format",
            type=click.Choice(FORMATS, case_sensitive=False),
            default="text",
            show_default=True,
            envvar="LAYERLINT_OUTPUT_FORMAT",
            show_envvar=True,  # (click then names it in an error too)
            help="text: one line per finding; full: with the source line; json: ruff's layout; "
            "sarif: SARIF 2.1.0 (GitHub code scanning); github: workflow annotations; "
            "gitlab: Code Quality report.",
        ),
        click.option(
            "-o",
            "--output-file",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Write the report to this file instead of standard output.",
        ),
        click.option(
            "--statistics", is_flag=True, help="Print the number of findings per code instead of the findings."
        ),
        click.option("-q", "--quiet", is_flag=True, help="Print the findings only: no summary line, no progress bar."),
        click.option(
            "--baseline",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Report only findings not recorded in this baseline file.",
        ),
        click.option(
            "--write-baseline",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Record every current finding in this baseline file (exit 0) instead of reporting them.",
        ),
        click.option(
            "--stdin-filename",
            help="Lint standard input (path `-`) as if it were this file: its settings and layer come from this path.",
        ),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def check_combinations(opts: ReportOptions) -> None:
    """Refuse options that cannot go together, before any work."""
    fmt = opts.output_format.lower()
    if opts.statistics and fmt not in (*HUMAN_FORMATS, "json"):
        raise click.UsageError(f"--statistics prints text or JSON: it cannot be combined with --output-format {fmt}")


# -- standard input ------------------------------------------------------------
def reads_stdin(paths: Sequence[str], opts: ReportOptions) -> bool:
    if "-" in paths:
        if len(paths) > 1:
            raise click.UsageError("`-` (standard input) cannot be combined with other paths")
        return True
    if opts.stdin_filename is not None:
        if paths:
            raise click.UsageError("--stdin-filename names standard input: pass `-` (or no path), not files")
        return True
    return False


def lint_stdin(overrides: Overrides, opts: ReportOptions, sources: SourceLines) -> tuple[Discovery, list[FileResult]]:
    """Lint the buffer on standard input under the name ``--stdin-filename`` (or ``-``)."""
    stdin = sys.stdin
    buffer = getattr(stdin, "buffer", None)
    data = buffer.read() if buffer is not None else stdin.read().encode("utf-8")
    name = opts.stdin_filename or "-"
    settings = file_settings(name, overrides)
    if settings is None or (opts.stdin_filename and settings.is_excluded(name)):
        return Discovery(), []
    shown = display(name) if opts.stdin_filename else "-"
    try:
        sources.add(shown, decode_source(data))
    except (UnicodeDecodeError, SyntaxError, LookupError):
        sources.add(shown, data.decode("utf-8", errors="replace"))
    return Discovery(files=[name]), [lint_source(data, name, settings, display_path=shown)]


def fix_stdin(
    overrides: Overrides, opts: ReportOptions, *, unsafe: bool, diff: bool, exit_zero: bool,
    baseline: Baseline | None = None,
) -> int:
    """``--fix`` (or ``--diff``) on standard input, as ruff does: the fixed buffer (or the
    diff) on stdout, the findings that remain on stderr; exit 1 when some remain."""
    from layerlint.engine import decode
    from layerlint.fixer import fix_text, unified_diff

    stdin = sys.stdin
    buffer = getattr(stdin, "buffer", None)
    data = buffer.read() if buffer is not None else stdin.read().encode("utf-8")
    name = opts.stdin_filename or "-"
    settings = file_settings(name, overrides)
    if settings is None or (opts.stdin_filename and settings.is_excluded(name)):
        if not diff:  # excluded: --fix gives it back as it came (bytes: as they are), --diff
            click.echo(data, nl=False)  # has nothing to show (review 124)
        return 0
    shown = display(name) if opts.stdin_filename else "-"
    try:
        original, _encoding, _bom = decode(data)
    except (UnicodeDecodeError, SyntaxError, LookupError):
        click.echo(data.decode("utf-8", errors="replace"), nl=False)  # nothing to fix in what does not decode
        result = lint_source(data, name, settings, display_path=shown)
        click.echo(text.render(result.diagnostics), nl=False, err=True)
        return 0 if exit_zero or not result.diagnostics else 1
    keep = baseline.unrecorded if baseline is not None else None
    outcome = fix_text(original, name, settings, unsafe=unsafe, display_path=shown, keep=keep)
    fixed = original if outcome.error else outcome.text
    if diff:
        click.echo(unified_diff(original, fixed, shown), nl=False)
    else:
        click.echo(fixed, nl=False)
    remaining = outcome.result.diagnostics
    if baseline is not None:
        remaining = baseline.unrecorded(remaining, fixed)
    click.echo(text.render(remaining, unsafe_fixes=unsafe), nl=False, err=True)
    if outcome.error:
        click.echo(f"layerlint: error: {shown}: {outcome.error}", err=True)
        return 2
    if diff:
        return 1 if fixed != original and not exit_zero else 0
    return 0 if exit_zero or not remaining else 1


# -- progress ------------------------------------------------------------------------
def in_ci(env: Mapping[str, str]) -> bool:
    return env.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def show_progress(
    files: int,
    opts: ReportOptions,
    env: Mapping[str, str] | None = None,
    stdout: object = None,
    stderr: object = None,
) -> bool:
    """A progress bar on stderr: for long runs on a terminal only, never piped or in CI."""
    env = os.environ if env is None else env
    stdout = sys.stdout if stdout is None else stdout
    stderr = sys.stderr if stderr is None else stderr
    if opts.quiet or files < PROGRESS_MIN_FILES or in_ci(env):
        return False
    return _isatty(stderr) and (opts.output_file is not None or _isatty(stdout))


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return False


def lint_with_progress(files: Sequence[T], lint_all: Callable[[Callable[[int], None]], R]) -> R:
    """Run ``lint_all(advance)`` under a progress bar that ``advance(n)`` moves."""
    with click.progressbar(length=len(files), label="Linting", file=sys.stderr, show_pos=True) as bar:
        return lint_all(bar.update)


# -- output ----------------------------------------------------------------------------
def load_baseline(opts: ReportOptions) -> Baseline | None:
    """Read ``--baseline`` before linting (a bad file is a ConfigError: exit 2)."""
    return Baseline.load(opts.baseline) if opts.baseline is not None else None


def color_allowed(env: Mapping[str, str] | None = None) -> bool:
    """``NO_COLOR`` (any non-empty value) turns colour off; otherwise a terminal gets it."""
    env = os.environ if env is None else env
    return not env.get("NO_COLOR")


def emit(
    diagnostics: list[Diagnostic],
    errors: list[str],
    files_checked: int,
    opts: ReportOptions,
    exit_zero: bool,
    sources: SourceLines,
    baseline: Baseline | None = None,
    *,
    unsafe_fixes: bool = False,
    fixed: FixRun | None = None,
) -> int:
    """Print (or write) the report and the errors; return the exit status."""
    status_on_error = 2
    if opts.write_baseline is not None:
        try:
            Baseline.from_diagnostics(diagnostics, sources, os.fspath(opts.write_baseline)).write(opts.write_baseline)
        except BaselineError as exc:
            errors = [*errors, str(exc)]
        for error in errors:
            click.echo(f"layerlint: error: {error}", err=True)
        if not opts.quiet and not errors:
            n = len(diagnostics)
            click.echo(f"Wrote {n} finding{'s' if n != 1 else ''} to baseline {opts.write_baseline}.", err=True)
        return status_on_error if errors else 0
    hidden = 0
    if baseline is not None:
        diagnostics, hidden = baseline.filter(diagnostics, sources)

    fmt = opts.output_format.lower()
    to_file = opts.output_file is not None
    # click would strip the colour from a pipe anyway: don't style 26,000 lines for nothing
    color = not to_file and color_allowed() and not click.utils.should_strip_ansi(sys.stdout)
    if opts.statistics:
        body = statistics.render_json(diagnostics) if fmt == "json" else statistics.render_text(diagnostics)
    else:
        extra = {"unsafe_fixes": unsafe_fixes} if fmt == "text" else {}
        body = renderer(fmt)(diagnostics, sources, color=color, **extra)
    if fmt in HUMAN_FORMATS and not opts.quiet:
        files_with = len({d.path for d in diagnostics})
        if fixed is not None:
            fixes = sum(fixed.applied.values())
            body += text.fix_summary(fixes, len(diagnostics), len(fixed.changed), files_checked) + "\n"
        else:
            body += text.summary(len(diagnostics), files_with, files_checked, hidden, len(errors)) + "\n"
        # after --fix, what it could apply and did not (a read-only file) takes no hint to run it
        hinted = diagnostics if fixed is None else [d for d in diagnostics if not is_applicable(d, unsafe_fixes)]
        hint = text.fix_hint(hinted, unsafe_fixes)
        if hint:
            body += hint + "\n"
    if to_file:
        try:
            with open(opts.output_file, "w", encoding="utf-8", newline="") as fh:  # type: ignore[arg-type]
                fh.write(body)
        except OSError as exc:
            errors = [*errors, f"{opts.output_file}: cannot write: {exc.strerror or exc}"]
    else:
        click.echo(body, nl=False, color=None if color else False)
    for error in errors:
        click.echo(f"layerlint: error: {error}", err=True)
    if errors:
        return status_on_error
    return 1 if diagnostics and not exit_zero else 0

"""Apply fixes: the engine behind ``layerlint check --fix / --unsafe-fixes / --diff``.

For each file: lint (on ``ast``, as always); when a finding is fixable
(``Diagnostic.fix`` is safe, or unsafe with ``--unsafe-fixes``, and its rule
has a fixer in :mod:`layerlint.fixes`), parse the file with libcst, apply every
fixable finding's fix in one transformer pass, drop the imports the pass left
unused, re-lint, and repeat until no fix applies (at most
:data:`MAX_ITERATIONS` passes, as ruff bounds it). Files without a fixable
finding are never parsed by libcst, let alone rewritten.

A pass whose output does not parse is a fixer bug: the file is left unchanged
and the error reported. The file is written atomically (a temporary file in
the same folder, then ``os.replace``), in its encoding, with its BOM and line
endings (libcst keeps them; new lines use the file's own).
"""

from __future__ import annotations

import ast
import codecs
import collections
import difflib
import os
import re
import stat
import tempfile
import traceback
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

import libcst as cst

from layerlint.cache import read_bytes
from layerlint.config import Settings
from layerlint.diagnostics import Diagnostic
from layerlint.engine import FileResult, decode, lint_source, lint_text, lint_tree
from layerlint.fixes import fixer_class, is_applicable
from layerlint.fixes.base import FixContext, Fixer
from layerlint.fixes.imports import (
    bound_besides_imports,
    bound_names,
    name_counts,
    remove_unused_imports,
    snippet_name_counts,
    unused_module_bindings,
)
from layerlint.fixes.positions import layout, replace_nodes
from layerlint.parse import parse_quietly

if TYPE_CHECKING:
    from layerlint.baseline import Baseline

# which of a file's fixable findings to fix, given its current text (see fix_text)
Keep = Callable[[list[Diagnostic], str], list[Diagnostic]]

MAX_ITERATIONS = 10


@dataclass
class TextFix:
    """The outcome of fixing one file's text."""

    text: str  # the fixed text (the input when nothing was fixed, or on error)
    result: FileResult  # the findings of ``text``
    applied: collections.Counter[str] = field(default_factory=collections.Counter)  # fixes per code
    passes: int = 0
    error: str | None = None  # the fixes were dropped (output did not parse, a fixer raised)
    warning: str | None = None  # libcst cannot parse the file; fixing did not converge


@dataclass
class FileFix:
    """The outcome of fixing one file."""

    path: str  # as displayed
    result: FileResult  # the findings left
    applied: collections.Counter[str] = field(default_factory=collections.Counter)
    original: str | None = None  # the text before, when fixes changed it
    fixed: str | None = None  # the text after, when fixes changed it
    written: bool = False
    error: str | None = None
    warning: str | None = None

    @property
    def changed(self) -> bool:
        return self.fixed is not None

    def diff(self) -> str:
        if self.original is None or self.fixed is None:
            return ""
        return unified_diff(self.original, self.fixed, self.path)


def fix_text(
    text: str,
    path: str,
    settings: Settings,
    *,
    unsafe: bool = False,
    display_path: str | None = None,
    first: FileResult | None = None,
    tree: ast.Module | None = None,
    keep: Keep | None = None,
) -> TextFix:
    """Fix one file's (decoded) text until no fix applies. ``first``: the findings of
    ``text``, and ``tree`` its ast, when the caller has them; ``keep(findings, text)``:
    those of the fixable findings to fix (``--baseline``: the ones it does not hide)."""
    shown = display_path or path
    original_result = result = first or lint_source(text, path, settings, display_path=shown)
    current = text  # and `tree` its ast, once parsed
    applied: collections.Counter[str] = collections.Counter()
    warning = None
    passes = 0
    while True:
        fixable = [d for d in result.diagnostics if is_applicable(d, unsafe)]
        if keep is not None:
            fixable = keep(fixable, current)
        if not fixable:
            break
        if passes == MAX_ITERATIONS:
            warning = f"fixes did not converge after {MAX_ITERATIONS} passes; the last result is kept"
            break
        try:
            new_text, counts = apply_fixes_once(current, path, settings, fixable, tree)
        except _CstCannotParse as exc:
            warning = f"not fixed: libcst cannot parse the file ({exc})"
            break
        except Exception:  # noqa: BLE001 - a fixer bug never stops the run
            codes = ", ".join(sorted({d.code for d in fixable}))
            return TextFix(text, original_result, error=f"internal error in the fixer of {codes}; "
                           f"the file is left unchanged:\n{traceback.format_exc(limit=6).rstrip()}")
        if new_text == current:
            break  # the fixers declined what was left
        passes += 1
        tree, problem = _parse(new_text, shown)
        if tree is None:
            codes = ", ".join(sorted(counts))
            return TextFix(text, original_result, error=f"the fixes of {codes} produce code that does not parse "
                           f"({problem}); the file is left unchanged")
        current = new_text
        applied += counts
        result = lint_tree(tree, current, path, settings, display_path=shown)
    return TextFix(current, result, applied, passes, warning=warning)


class _CstCannotParse(Exception):
    pass


def apply_fixes_once(
    text: str, path: str, settings: Settings, fixable: Sequence[Diagnostic], tree: ast.Module | None = None
) -> tuple[str, collections.Counter[str]]:
    """One libcst pass: every fixable finding's fix, composed (bottom-up, so nested
    findings compose); then the fixers' ``finalize`` and the removal of imports
    left unused. Returns the new text and the number of fixes applied per code.
    ``tree``: the ast of ``text`` when the caller has it."""
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        raise _CstCannotParse(str(exc).splitlines()[0]) from None
    if tree is None:
        tree = parse_quietly(text)
    ctx = FixContext(path, text, module, tree, settings)
    fixers: dict[str, Fixer] = {}
    for code in sorted({d.code for d in fixable}):
        cls = fixer_class(code)
        if cls is not None:
            fixers[code] = cls(ctx)
    types = tuple({t for fixer in fixers.values() for t in fixer.node_types})
    laid = layout(module, types)
    located = laid.found
    by_start: dict[tuple[int, int], list[tuple[cst.CSTNode, tuple[int, int]]]] = collections.defaultdict(list)
    for node, where in located.items():
        line, col, end_line, end_col = where.range
        by_start[(line, col)].append((node, (end_line, end_col)))
    targets: dict[cst.CSTNode, list[tuple[Fixer, Diagnostic]]] = {}
    for d in fixable:
        fixer = fixers.get(d.code)
        if fixer is None:
            continue
        candidates = [(n, end) for n, end in by_start.get((d.line, d.col - 1), ()) if isinstance(n, fixer.node_types)]
        exact = [n for n, end in candidates if end == (d.end_line, d.end_col - 1)]
        node = exact[0] if len(exact) == 1 else candidates[0][0] if len(candidates) == 1 else None
        if node is not None:
            targets.setdefault(node, []).append((fixer, d))
    applied: collections.Counter[str] = collections.Counter()

    def rewrite(original: cst.CSTNode, updated: cst.CSTNode, ancestors: tuple[cst.CSTNode, ...]) -> cst.CSTNode:
        for fixer, d in targets[original]:
            new = fixer.fix_node(original, updated, d, ancestors)
            if new is not None:
                updated = new
                applied[d.code] += 1
        return updated

    new_module, changed = replace_nodes(module, {n: located[n].ancestors for n in targets}, rewrite)
    for code in sorted(fixers):
        new_module = fixers[code].finalize(new_module)
    removable = frozenset().union(*(fixers[c].removable_imports for c in applied if c in fixers))
    candidates = bound_names(new_module, removable) if removable and changed else frozenset()
    if candidates and ctx.exports_imports_to_star_imports:
        candidates = frozenset()  # another module may use the name through `from <this> import *`
    if candidates:
        # another module may import the name from this one (`from app.orm import declarative_base`)
        elsewhere = ctx.imported_elsewhere
        candidates = candidates - elsewhere if elsewhere is not None else frozenset()
    if candidates:
        before = name_counts(tree, only=candidates)
        after = _names_after(before, changed, new_module, candidates)
        gone = {name for name in candidates if before[name] > 0 and after[name] <= 0}
        # a name still spelled, where each use left may be another binding's (`[t.name for t in
        # xs]` beside `import typing as t`): the symbol table of the fixed code says
        lingering = [name for name in candidates if before[name] > 0 and after[name] > 0]
        lingering = bound_besides_imports(tree, lingering) if lingering else set()
        if lingering:
            gone |= unused_module_bindings(new_module.code, lingering)
        gone -= _names_in_type_comments(ctx.text, gone)  # (`# type: (Optional[str]) -> None`: mypy reads it)
        new_module, _ = remove_unused_imports(new_module, gone, removable)
    return laid.code(new_module), applied


_TYPE_COMMENT_RE = re.compile(r"#[ \t]*type:([^\n]*)")


def _names_in_type_comments(text: str, names: set[str]) -> set[str]:
    """Which of ``names`` a ``# type:`` comment spells (a type checker reads those)."""
    if not names or "type:" not in text:
        return set()
    spelled = {word for comment in _TYPE_COMMENT_RE.findall(text) for word in re.findall(r"\w+", comment)}
    return names & spelled


def _names_after(
    before: collections.Counter[str],
    changed: dict[cst.CSTNode, cst.CSTNode],
    module: cst.Module,
    names: frozenset[str],
) -> collections.Counter[str]:
    """Uses of ``names`` after a pass: before, minus the replaced nodes', plus their replacements'."""
    after = before.copy()
    for original, new in changed.items():
        old_names = snippet_name_counts(FixContext.code_for(original))
        new_names = snippet_name_counts(FixContext.code_for(new))
        if old_names is None or new_names is None:
            try:  # a node whose code does not stand alone: count on the whole new module
                return name_counts(parse_quietly(module.code), only=names)
            except (SyntaxError, ValueError):
                return before  # the caller reports the unparsable result
        after.subtract(old_names)
        after.update(new_names)
    return after


def _parse(text: str, path: str) -> tuple[ast.Module | None, str]:
    """The ast of a pass's output, or None and why it does not parse."""
    try:
        return parse_quietly(text, path), ""  # type: ignore[return-value]
    except SyntaxError as exc:
        return None, f"{exc.msg}, line {exc.lineno}"
    except (ValueError, RecursionError, MemoryError) as exc:
        return None, str(exc) or type(exc).__name__


# ----------------------------------------------------------------------------------
# files

def encode(text: str, encoding: str, bom: bool) -> bytes:
    return (codecs.BOM_UTF8 if bom else b"") + text.encode(encoding)


def fix_file(
    path: str,
    settings: Settings,
    *,
    unsafe: bool = False,
    write: bool = True,
    display_path: str | None = None,
    keep: Keep | None = None,
) -> FileFix:
    """Lint one file and, when it has fixable findings, fix it (and write it when ``write``)."""
    shown = display_path or path
    try:
        data = read_bytes(path)
    except OSError as exc:
        return FileFix(shown, FileResult(shown, read_error=f"cannot read: {exc.strerror or exc}"))
    try:
        text, encoding, bom = decode(data)
    except (SyntaxError, LookupError, UnicodeDecodeError):
        return FileFix(shown, lint_source(data, path, settings, display_path=shown))  # LL001
    first, tree = lint_text(text, path, settings, display_path=shown)
    fixable = [d for d in first.diagnostics if is_applicable(d, unsafe)]
    if not (keep(fixable, text) if keep is not None else fixable):
        return FileFix(shown, first)
    outcome = fix_text(text, path, settings, unsafe=unsafe, display_path=shown, first=first, tree=tree, keep=keep)
    fix = FileFix(shown, outcome.result, outcome.applied, error=outcome.error, warning=outcome.warning)
    if outcome.error or outcome.text == text:
        return fix
    try:
        new_data = encode(outcome.text, encoding, bom)
    except UnicodeEncodeError as exc:
        return FileFix(shown, first, error=f"the fixed text cannot be encoded in {encoding} ({exc.reason}); "
                       "the file is left unchanged")
    fix.original, fix.fixed = text, outcome.text
    if write:
        refusal = _refuse_write(path, data)
        if refusal:
            return FileFix(shown, first, error=f"{refusal}; the file is left unchanged")
        try:
            write_atomic(path, new_data)
            fix.written = True
        except OSError as exc:
            return FileFix(shown, first, error=f"cannot write the fixed file: {exc.strerror or exc}")
    return fix


def _refuse_write(path: str, linted: bytes) -> str | None:
    """Why the fixed file must not replace ``path``, if it must not: the file is
    read-only (honoured even for root, who could replace it), or it changed on disk
    since it was read (an editor saved it meanwhile: its new content wins)."""
    try:
        if not os.stat(path).st_mode & stat.S_IWUSR:
            return "read-only file: not fixed"
        if read_bytes(path) != linted:
            return "the file changed while it was being fixed: not fixed"
    except OSError as exc:
        return f"cannot re-read the file before writing: {exc.strerror or exc}"
    return None


def write_atomic(path: str, data: bytes) -> None:
    """Replace a file's content in one step: a temporary file beside it, then
    ``os.replace``; the mode bits are kept, a symlink keeps pointing at the file."""
    real = os.path.realpath(path)
    folder, name = os.path.split(real)
    mode = stat.S_IMODE(os.stat(real).st_mode)
    fd, temporary = tempfile.mkstemp(prefix=f".{name}.", suffix=".layerlint-fix", dir=folder or ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, real)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def unified_diff(before: str, after: str, path: str) -> str:
    """A unified diff of one file: ``--- a/path`` / ``+++ b/path`` (``git apply``),
    or the path itself when it is absolute."""
    old, new = (path, path) if os.path.isabs(path) else (f"a/{path}", f"b/{path}")
    out: list[str] = []
    for line in difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True), old, new):
        if not line.endswith(("\n", "\r")):
            line += "\n\\ No newline at end of file\n"
        out.append(line)
    return "".join(out)


def fixes_by_code(fixes: Iterable[FileFix]) -> collections.Counter[str]:
    total: collections.Counter[str] = collections.Counter()
    for fix in fixes:
        total += fix.applied
    return total


# ----------------------------------------------------------------------------------
# many files (the CLI)

@dataclass
class FixRun:
    files: list[FileFix]
    applied: collections.Counter[str]

    @property
    def results(self) -> list[FileResult]:
        return [f.result for f in self.files]

    @property
    def changed(self) -> list[FileFix]:
        return [f for f in self.files if f.changed]

    @property
    def errors(self) -> list[str]:
        return [f"{f.path}: {f.error}" for f in self.files if f.error]

    @property
    def warnings(self) -> list[str]:
        return [f"{f.path}: {f.warning}" for f in self.files if f.warning]

    def diff(self) -> str:
        return "".join(f.diff() for f in self.files)


def fix_files(
    paths: Sequence[str],
    overrides: object,
    *,
    unsafe: bool = False,
    write: bool = True,
    jobs: int | None = 1,
    baseline: Baseline | None = None,
) -> FixRun:
    """Fix the files found by :func:`layerlint.runner.discover` (``overrides``: its
    :class:`~layerlint.runner.Overrides`); ``write=False`` for ``--diff``; ``jobs``
    processes (None: one per core), each file fixed by exactly one of them; the findings
    ``baseline`` hides are left unfixed (they are not reported either)."""
    from layerlint.parallel import map_chunks

    files = map_chunks(_fix_chunk, _one_path_per_file(paths), (overrides, unsafe, write, baseline), jobs)
    return FixRun(files, fixes_by_code(files))


def _one_path_per_file(paths: Sequence[str]) -> list[str]:
    """The first of the paths naming each file: a file reached through a symlink too is
    fixed once, not twice at once by two workers, nor shown twice by ``--diff`` (review 121).
    Hard links are left as they are: the atomic write gives the name written a file of its
    own, so the other name is fixed in turn (review 126)."""
    seen: set[str] = set()
    kept = []
    for path in paths:
        key = os.path.normcase(os.path.realpath(path))
        if key not in seen:
            seen.add(key)
            kept.append(path)
    return kept


def _fix_chunk(
    paths: list[str], overrides: object, unsafe: bool, write: bool, baseline: Baseline | None = None
) -> list[FileFix]:
    from layerlint.runner import display, effective_settings

    keep = baseline.unrecorded if baseline is not None else None
    out = []
    for path in paths:
        settings = effective_settings(path, overrides)  # type: ignore[arg-type]
        out.append(fix_file(path, settings, unsafe=unsafe, write=write, display_path=display(path), keep=keep))
    return out

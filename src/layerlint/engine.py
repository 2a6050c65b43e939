"""Parse once, walk once, dispatch each node to the rules that asked for its type.

The engine knows nothing of flake8 or the CLI: both front-ends call
:func:`lint_source` (CLI, from bytes) or :func:`lint_tree` (flake8, reusing the
tree it already parsed) and get a :class:`FileResult`. From bytes, the tree is built
only when a rule's gate or walk needs it: a file that no rule applies to is only
syntax-checked (for LL001).
"""

from __future__ import annotations

import ast
import codecs
import io
import re
import symtable
import sys
import tokenize
import traceback
import warnings
from dataclasses import dataclass, field
from typing import Callable

from layerlint.config import Settings
from layerlint.context import SCOPE_TYPES, FileContext
from layerlint.diagnostics import Diagnostic, InternalError
from layerlint.noqa import apply_noqa
from layerlint.registry import all_rules
from layerlint.rule import Rule
from layerlint.walk import Lines, walk

SYNTAX_ERROR_CODE = "LL001"


@dataclass
class FileResult:
    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[InternalError] = field(default_factory=list)
    read_error: str | None = None  # the file could not be read at all
    # facts from other files the findings depend on, ``[kind, args, value]`` (external.py)
    facts: list[list[object]] = field(default_factory=list)


# (node type, method name, is_leave) per rule class, found once
_HOOKS: dict[type[Rule], list[tuple[type, str, bool]]] = {}


def _hooks(rule_cls: type[Rule]) -> list[tuple[type, str, bool]]:
    hooks = _HOOKS.get(rule_cls)
    if hooks is None:
        hooks = []
        for attr in dir(rule_cls):
            for prefix, is_leave in (("visit_", False), ("leave_", True)):
                if attr.startswith(prefix):
                    node_type = getattr(ast, attr[len(prefix):], None)
                    if not (isinstance(node_type, type) and issubclass(node_type, ast.AST)):
                        raise TypeError(f"{rule_cls.__name__}.{attr}: ast has no node type {attr[len(prefix):]}")
                    hooks.append((node_type, attr, is_leave))
        _HOOKS[rule_cls] = hooks
    return hooks


# PEP 263's coding declaration (on one of the first two lines)
_CODING_COOKIE_RE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+", re.MULTILINE)


def decode(data: bytes) -> tuple[str, str, bool]:
    """(text, encoding, has BOM), decoding as Python does (BOM, coding cookie, UTF-8
    default); raises SyntaxError/LookupError/UnicodeDecodeError on bad input."""
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        if not _CODING_COOKIE_RE.search(b"\n".join(data.split(b"\n", 2)[:2])):
            # not UTF-8 in its first two lines, without a declaration: say where, as below
            data.decode("utf-8")  # raises UnicodeDecodeError at the bad byte
        raise
    if encoding == "utf-8-sig" or bom:
        encoding = "utf-8"
    body = data[len(codecs.BOM_UTF8):] if bom else data
    return body.decode(encoding), encoding, bom


def decode_source(data: bytes) -> str:
    """The text of a file's bytes, decoded as Python does."""
    return decode(data)[0]


def _unparsable(path: str, message: str, line: int = 1, col: int = 1) -> FileResult:
    line = max(line or 1, 1)
    col = max(col or 1, 1)
    return FileResult(path, [Diagnostic(SYNTAX_ERROR_CODE, f"cannot parse: {message}", path, line, col, line, col)])


def lint_source(
    data: bytes | str,
    path: str,
    settings: Settings,
    *,
    display_path: str | None = None,
    codes: frozenset[str] | None = None,
) -> FileResult:
    """Lint one file's content. Never raises: unparsable input is an LL001 finding."""
    shown = display_path or path
    if codes is None:
        codes = settings.codes_for(path)
    report_syntax = SYNTAX_ERROR_CODE in codes
    try:
        text = data if isinstance(data, str) else decode_source(data)
    except UnicodeDecodeError as exc:
        raw = data if isinstance(data, bytes) else b""
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        if line == 1 and raw.startswith(codecs.BOM_UTF8):
            col -= len(codecs.BOM_UTF8)  # the BOM is not a character of the line
        return _unparsable(shown, f"invalid {exc.encoding} byte sequence", line, col) if report_syntax else FileResult(shown)
    except (SyntaxError, LookupError) as exc:
        return _unparsable(shown, f"bad encoding declaration: {exc}") if report_syntax else FileResult(shown)
    return _lint(None, _Parser(text, shown, settings.target_version), text, path, settings, shown, codes)


def lint_text(
    text: str, path: str, settings: Settings, *, display_path: str | None = None
) -> tuple[FileResult, ast.Module | None]:
    """:func:`lint_source` of decoded text, and the tree when the lint built it (the fixer
    works on it next)."""
    shown = display_path or path
    parser = _Parser(text, shown, settings.target_version)
    return _lint(None, parser, text, path, settings, shown, settings.codes_for(path)), parser.tree


class _Unparsable(Exception):
    """The tree of a file cannot be built; ``result`` holds its LL001 finding."""

    def __init__(self, path: str, message: str, line: int = 1, col: int = 1) -> None:
        super().__init__(message)
        self.result = _unparsable(path, message, line, col)


class _Parser:
    """Builds a file's tree when first asked for (``FileContext.tree``), or only checks its
    syntax (:meth:`check`) when no rule applies to the file: the check skips making an
    object of every node, a quarter of the parse time."""

    def __init__(self, text: str, filename: str, target: tuple[int, int] | None = None) -> None:
        self.text = text
        self.filename = filename
        self.target = target  # the project's oldest Python, when known
        self.tree: ast.Module | None = None  # once built

    def __call__(self) -> ast.Module:
        try:
            with warnings.catch_warnings():
                # SyntaxWarnings (invalid escapes, `1()`) are the compiler's business, not ours
                warnings.simplefilter("ignore")
                self.tree = ast.parse(self.text, filename=self.filename)
                return self.tree
        except SyntaxError as exc:
            reason = exc.msg or "syntax error"
            running = sys.version_info[:2]
            if self.target is not None and self.target > running:
                # `class Repo[M]:` (3.12) is a syntax error to the Python layerlint runs on
                reason += (
                    f" (layerlint runs on Python {running[0]}.{running[1]}, the project targets"
                    f" {self.target[0]}.{self.target[1]}: run layerlint with Python"
                    f" {self.target[0]}.{self.target[1]} or newer)"
                )
            elif not isinstance(exc, IndentationError):  # (`if x:` then an unindented `type X = int`)
                newer = _newer_syntax(exc.text or "", exc.offset, running)
                if newer is not None:
                    what, version = newer
                    # (no advice: the project may target an older Python, where it is an error)
                    reason += f" ({what} is Python {version[0]}.{version[1]} syntax; layerlint runs on Python {running[0]}.{running[1]})"
            raise _Unparsable(self.filename, reason, exc.lineno or 1, exc.offset or 1) from None
        except (ValueError, RecursionError, MemoryError) as exc:
            reason = "nesting too deep" if isinstance(exc, RecursionError) else str(exc) or type(exc).__name__
            raise _Unparsable(self.filename, reason) from None

    def check(self) -> None:
        """Raise :class:`_Unparsable` exactly when building the tree would."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                # the parser, then the symbol table (cheap) instead of the tree's objects
                symtable.symtable(self.text, self.filename, "exec")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            # the symbol table finds more errors than the parser (`nonlocal` at module
            # level, a repeated parameter): the parser decides
            self()


# syntax a Python older than the one named cannot parse, by the start of the line the
# error is on: (pattern, what it is, the Python it needs)
_NEWER_SYNTAX = (
    (re.compile(r"\s*type\s+[A-Za-z_]\w*\s*[=\[]"), "a `type` statement", (3, 12)),
    (re.compile(r"\s*(?:async\s+)?def\s+[A-Za-z_]\w*\s*\["), "a generic function", (3, 12)),
    (re.compile(r"\s*class\s+[A-Za-z_]\w*\s*\["), "a generic class", (3, 12)),
    (re.compile(r"\s*except\s*\*"), "`except*`", (3, 11)),
)


def _newer_syntax(
    line: str, offset: int | None, running: tuple[int, int]
) -> tuple[str, tuple[int, int]] | None:
    """The syntax of a Python newer than ``running`` that a line starts with, when the error
    (at ``offset``, 1-based) is within it: ``type Alias = ...`` run under 3.11."""
    for pattern, what, version in _NEWER_SYNTAX:
        if running < version and (match := pattern.match(line)) is not None:
            return (what, version) if offset is None or offset <= match.end() + 1 else None
    return None


def lint_tree(
    tree: ast.Module,
    text: str,
    path: str,
    settings: Settings,
    *,
    display_path: str | None = None,
    codes: frozenset[str] | None = None,
) -> FileResult:
    """Run every enabled rule over an already-parsed tree."""
    return _lint(tree, None, text, path, settings, display_path or path, codes)


def _lint(
    tree: ast.Module | None,
    parser: _Parser | None,
    text: str,
    path: str,
    settings: Settings,
    shown: str,
    codes: frozenset[str] | None,
) -> FileResult:
    """Run every enabled rule over ``tree``, or over the tree ``parser`` builds if a rule
    (or a gate) needs it; an unparsable file gets only its LL001 finding."""
    if codes is None:
        codes = settings.codes_for(path)
    elif not isinstance(codes, frozenset):
        codes = frozenset(codes)
    result = FileResult(shown)
    try:
        ctx = FileContext(path, text, tree, settings, display_path=shown, parse=parser)
    except _Unparsable as exc:
        return exc.result if SYNTAX_ERROR_CODE in codes else result
    except Exception:  # noqa: BLE001 - one bad file never stops a run
        result.errors.append(InternalError(shown, "engine", traceback.format_exc(limit=3)))
        return result
    try:
        _gate_and_walk(ctx, parser, codes, result)
    except _Unparsable as exc:
        return exc.result if SYNTAX_ERROR_CODE in codes else FileResult(shown)
    finally:
        # facts memoized on the context may point back at it (and at the tree): break
        # those cycles now, since the CLI lints with the cyclic collector paused
        ctx.release()
    return result


def _gate_and_walk(ctx: FileContext, parser: _Parser | None, codes: frozenset[str], result: FileResult) -> None:
    rules: list[Rule] = []
    for cls in _rule_classes(codes):
        try:
            if cls.applies_to(ctx):
                rules.append(cls(ctx))
        except _Unparsable:
            raise
        except Exception:  # noqa: BLE001
            result.errors.append(InternalError(ctx.display_path, cls.code, traceback.format_exc(limit=3)))
    if rules:
        ctx.tree  # noqa: B018 - built now if no gate asked for it (raises if unparsable)
        _walk_and_dispatch(ctx, rules, result)
    elif parser is not None and not ctx.parsed and SYNTAX_ERROR_CODE in codes:
        parser.check()  # no rule applies: no walk, and no tree to build
    if ctx.diagnostics:
        tree = ctx.tree if ctx.parsed else None
        result.diagnostics = sorted(
            apply_noqa(ctx.diagnostics, ctx.source, lambda: ctx.lines, tree), key=Diagnostic.sort_key
        )
    if ctx.external_facts:
        result.facts = ctx.recorded_facts()


_RULE_CLASSES: dict[frozenset[str], tuple[type[Rule], ...]] = {}


def _rule_classes(codes: frozenset[str]) -> tuple[type[Rule], ...]:
    """The rule classes of enabled codes, in code order (found once per selection)."""
    found = _RULE_CLASSES.get(codes)
    if found is None:
        registry = all_rules()
        found = _RULE_CLASSES[codes] = tuple(registry[c] for c in sorted(codes) if c in registry)
    return found


def _walk_and_dispatch(ctx: FileContext, rules: list[Rule], result: FileResult) -> None:
    enter: dict[type, list[Callable[[ast.AST], None]]] = {}
    leave: dict[type, list[Callable[[ast.AST], None]]] = {}
    for rule in rules:
        for node_type, attr, is_leave in _hooks(type(rule)):
            (leave if is_leave else enter).setdefault(node_type, []).append(getattr(rule, attr))

    def fail(callback: Callable[[ast.AST], None]) -> None:
        rule = callback.__self__  # type: ignore[attr-defined]
        result.errors.append(InternalError(ctx.display_path, rule.code, traceback.format_exc(limit=6)))
        for table in (enter, leave):
            for node_type, callbacks in list(table.items()):
                table[node_type] = [cb for cb in callbacks if cb.__self__ is not rule]  # type: ignore[attr-defined]
        if rule in rules:
            rules.remove(rule)

    scopes = ctx.scopes
    focus, unfocused = _focus(ctx, rules, result)

    def add_nested_import(node: ast.AST) -> None:
        if scopes:  # imports inside functions join the table as they are met, until left
            ctx.add_nested_import(node)  # type: ignore[arg-type]

    walk(
        ctx.tree,
        enter,
        leave,
        # imports inside functions are met in order (a file without any skips the search)
        always=_IMPORT_TYPES if ctx.nested_import_lines else (),
        on_enter={ast.Import: add_nested_import, ast.ImportFrom: add_nested_import},
        scope_types=_SCOPE_TYPES,
        scopes=scopes,
        on_scope_exit=ctx.leave_scope if ctx.nested_import_lines else None,
        on_error=fail,
        focus=focus,
        unfocused=unfocused,
    )
    for rule in list(rules):
        try:
            rule.finish()
        except Exception:  # noqa: BLE001
            result.errors.append(InternalError(ctx.display_path, rule.code, traceback.format_exc(limit=6)))


# False: every rule walks everywhere (tests compare both ways: needles must not change a finding)
FOCUS = True


def _focus(ctx: FileContext, rules: list[Rule], result: FileResult) -> tuple[Lines | None, set[type]]:
    """The focus lines of the rules that declare needles (``Rule.needles``), and the node
    types of the rules that don't (walked everywhere); no focus when no rule declares needles."""
    if not FOCUS:
        return None, set()
    words: set[str] = set()
    unfocused: set[type] = set()
    focused = False
    for rule in rules:
        hooks = _hooks(type(rule))
        if not hooks:
            continue
        try:
            needles = rule.needles()
        except Exception:  # noqa: BLE001 - the rule is then walked everywhere
            result.errors.append(InternalError(ctx.display_path, rule.code, traceback.format_exc(limit=6)))
            needles = None
        if needles is None:
            unfocused.update(node_type for node_type, _, _ in hooks)
        else:
            focused = True
            words.update(needles)
    if not focused:
        return None, unfocused
    if ctx.has_lone_cr:
        return None, unfocused  # counting "\n" would misnumber the lines
    lines = list(ctx.nested_import_lines)  # the walk meets nested imports on their lines
    # (in the text as Python reads names: ``ｄict`` is ``dict``)
    return Lines(ctx.line_count, lines + ctx.words.lines_spelling(words)), unfocused


_IMPORT_TYPES = (ast.Import, ast.ImportFrom)
_SCOPE_TYPES = frozenset(SCOPE_TYPES)

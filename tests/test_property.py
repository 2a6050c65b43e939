"""Property tests: whatever the input, the engine never raises.

Generated programs come from hypothesmith (valid Python from the grammar) and
from mutations of the rule fixtures (which are mostly invalid): each yields
findings or an LL001, never an internal error.
"""

from __future__ import annotations

import hypothesmith
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness import fixture_files
from layerlint.config import Settings
from layerlint.engine import lint_source
from layerlint.registry import all_codes

ALL_RULES = Settings(select=tuple(all_codes()))  # opt-in rules too
LAYER_PATHS = [
    "app/routes/users.py",
    "app/services/user_service.py",
    "app/repositories/user_repo.py",
    "app/models/user.py",
    "app/schemas/user.py",
    "app/module.py",
]
FIXTURE_SOURCES = [p.read_bytes() for p in fixture_files()]
COMMON = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


def _assert_no_internal_error(data: bytes | str, path: str) -> None:
    result = lint_source(data, path, ALL_RULES)
    assert not result.errors, result.errors[0].error
    for d in result.diagnostics:
        assert d.line >= 1 and d.col >= 1 and d.code.startswith("LL")


@COMMON
@given(source=hypothesmith.from_grammar(), path=st.sampled_from(LAYER_PATHS))
def test_generated_programs_never_raise(source, path):
    _assert_no_internal_error(source, path)


@COMMON
@given(
    base=st.sampled_from(FIXTURE_SOURCES),
    cuts=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 40), st.binary(max_size=8)), max_size=6),
    path=st.sampled_from(LAYER_PATHS),
)
def test_mutated_fixtures_never_raise(base, cuts, path):
    data = bytearray(base)
    for at, length, insert in cuts:
        at %= len(data) + 1
        data[at : at + length] = insert
    _assert_no_internal_error(bytes(data), path)


@COMMON
@given(
    base=st.sampled_from(FIXTURE_SOURCES),
    drop=st.lists(st.integers(0, 400), max_size=5),
    path=st.sampled_from(LAYER_PATHS),
)
def test_fixtures_with_lines_removed_never_raise(base, drop, path):
    lines = base.splitlines(keepends=True)
    kept = [line for i, line in enumerate(lines) if i not in set(drop)]
    _assert_no_internal_error(b"".join(kept), path)


FIX_SETTINGS = Settings(select=tuple(all_codes()), target_version=(3, 11))
FIXABLE_SOURCES = [
    p.read_text(encoding="utf-8") for p in fixture_files() if (p.parent / (p.stem + ".fixed.py")).exists()
]


def _assert_fix_output_parses(text: str, path: str) -> None:
    import ast

    from layerlint.fixer import fix_text

    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return  # nothing to fix in a file that does not parse
    outcome = fix_text(text, path, FIX_SETTINGS, unsafe=True)
    ast.parse(outcome.text)  # a fix never produces code that does not parse
    assert not outcome.result.errors, outcome.result.errors[0].error


@COMMON
@given(source=hypothesmith.from_grammar(), path=st.sampled_from(LAYER_PATHS))
def test_fix_output_of_generated_programs_parses(source, path):
    _assert_fix_output_parses(source, path)


@COMMON
@given(
    base=st.sampled_from(FIXABLE_SOURCES),
    drop=st.lists(st.integers(0, 200), max_size=4),
    path=st.sampled_from(LAYER_PATHS),
)
def test_fix_output_of_fixtures_with_lines_removed_parses(base, drop, path):
    lines = base.splitlines(keepends=True)
    _assert_fix_output_parses("".join(line for i, line in enumerate(lines) if i not in set(drop)), path)

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

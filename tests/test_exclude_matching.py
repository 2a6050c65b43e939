"""The memoized exclude matching decides exactly as matching each pattern on each folder."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from layerlint.config import DEFAULT_EXCLUDE, Settings, _glob_match


def _reference(s: Settings, path: str) -> bool:
    rel = s.relative(path)
    parts = rel.split("/")
    for i in range(len(parts)):
        sub = "/".join(parts[: i + 1])
        for pattern in s.exclude + s.extend_exclude:
            if _glob_match(sub, parts[i], pattern):
                return True
    return False


NAMES = st.sampled_from(["app", "build", "tests", "legacy", "x.py", "a_test.py", "src", "v1", "foo.egg-info"])
PATTERNS = st.sampled_from(
    ["legacy/", "./build", "tests/*", "app/legacy", "*_test.py", "src/*/v1", "v?", "app/**/x.py", "*.py", "nothing"]
)


@settings(max_examples=300, deadline=None)
@given(
    parts=st.lists(NAMES, min_size=1, max_size=5),
    extra=st.lists(PATTERNS, max_size=3),
    defaults=st.booleans(),
)
def test_fast_exclude_agrees_with_pattern_by_pattern(parts, extra, defaults):
    root = Path("/project")
    s = Settings(root=root, exclude=DEFAULT_EXCLUDE if defaults else (), extend_exclude=tuple(extra))
    path = str(root.joinpath(*parts))
    assert s.is_excluded(path) == _reference(s, path)
    # the folder memo must not change later answers
    assert s.is_excluded(path) == _reference(s, path)

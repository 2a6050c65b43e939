from __future__ import annotations

import os
import sys
from pathlib import Path

# test this checkout's code, whatever is installed (helps worktrees and CI alike)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pytest  # noqa: E402

# never write a results cache into the checkout's fixtures: one cache dir per test session
if "LAYERLINT_CACHE_DIR" not in os.environ:
    import atexit
    import shutil
    import tempfile

    os.environ["LAYERLINT_CACHE_DIR"] = tempfile.mkdtemp(prefix="layerlint-test-cache-")
    atexit.register(shutil.rmtree, os.environ["LAYERLINT_CACHE_DIR"], True)

from layerlint import project  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_settings_cache():
    """Settings are cached per project root; tests build many scratch projects."""
    project.forget_settings()
    project.first_party_names.cache_clear()
    project.folder_parts.cache_clear()
    from layerlint import external

    external.clear()
    from layerlint import runner

    runner._settings_cache.clear()
    yield

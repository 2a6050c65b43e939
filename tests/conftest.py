from __future__ import annotations

import pytest

from layerlint import project


@pytest.fixture(autouse=True)
def _fresh_settings_cache():
    """Settings are cached per project root; tests build many scratch projects."""
    project._settings_for.cache_clear()
    project._root_for_dir.cache_clear()
    project.first_party_names.cache_clear()
    from layerlint import runner

    runner._settings_cache.clear()
    yield

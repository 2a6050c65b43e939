"""The CLI lints with the cyclic garbage collector paused (it costs ~30% of the
parse time); so linting a file must leave no reference cycle behind, or every
tree would stay in memory until the end of the run."""

from __future__ import annotations

import ast
import gc

from harness import fixture_files, install_fixture
from layerlint.context import FileContext
from layerlint.engine import lint_source
from layerlint.project import settings_for


def test_linting_leaves_no_cycle_holding_a_context_or_a_tree(tmp_path):
    targets = []
    for i, fixture in enumerate(fixture_files()):
        (tmp_path / str(i)).mkdir()
        targets.append(install_fixture(fixture, tmp_path / str(i)))
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for target in targets:
            lint_source(target.read_bytes(), str(target), settings_for(target))
        gc.collect()
        leaked = [o for o in gc.garbage if isinstance(o, (FileContext, ast.Module))]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()
    assert not leaked, f"{len(leaked)} contexts or trees kept alive by reference cycles"

"""The one-way dependencies of DESIGN.md: the engine imports no front-end, and
rules and facts use only the context and diagnostic types (never the engine's
internals, the CLI, the flake8 adapter, the output formats or the cache)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "layerlint"
FRONT_ENDS = {"layerlint.cli", "layerlint.flake8_plugin", "layerlint.report", "layerlint.output"}
# walk.nodes_of (a fast search of a tree) is a utility that facts may use
ENGINE_INTERNALS = {"layerlint.engine", "layerlint.parallel", "layerlint.cache", "layerlint.runner"}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _forbidden(imported: set[str], banned: set[str]) -> list[str]:
    return sorted(i for i in imported if any(i == b or i.startswith(b + ".") for b in banned))


@pytest.mark.parametrize("module", ["engine.py", "context.py", "walk.py", "registry.py", "config.py", "rule.py"])
def test_the_engine_imports_no_front_end(module):
    assert not _forbidden(_imports(SRC / module), FRONT_ENDS)


@pytest.mark.parametrize(
    "path", sorted([*(SRC / "rules").rglob("*.py"), *(SRC / "facts").rglob("*.py")]), ids=lambda p: p.name
)
def test_rules_and_facts_use_only_the_context_and_diagnostics(path):
    assert not _forbidden(_imports(path), FRONT_ENDS | ENGINE_INTERNALS)

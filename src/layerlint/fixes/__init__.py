"""Autofix: one libcst fixer per fixable rule, found by its code.

A rule that can fix its findings

1. sets ``fix_availability = "sometimes"`` (or ``"always"``) and documents why
   under ``## Fix safety``;
2. reports each finding it can fix with ``self.report(node, msg, fix=FIX_SAFE)``
   (or ``FIX_UNSAFE``), deciding on the ``ast`` as usual: detection never needs
   libcst, and only files with a fixable finding are ever parsed by libcst;
3. has a module ``layerlint/fixes/ll<NNN>.py`` defining a subclass of
   :class:`layerlint.fixes.base.Fixer` with the same ``code``; it receives each
   fixable finding's libcst node (found by the finding's position) and returns
   the replacement; see :mod:`layerlint.fixes.base` and docs/fixes.md.

The driver (:mod:`layerlint.fixer`) composes every fixer's edits in one libcst
pass per file, re-lints, and repeats until nothing changes.

This module stays free of libcst imports: the text output asks it whether a
finding is fixable without paying for libcst.
"""

from __future__ import annotations

import importlib
import importlib.util
from functools import lru_cache
from typing import TYPE_CHECKING

from layerlint.diagnostics import FIX_SAFE, FIX_UNSAFE, Diagnostic

if TYPE_CHECKING:
    from layerlint.fixes.base import Fixer


def fixer_module_name(code: str) -> str:
    return f"{__name__}.{code.lower()}"


@lru_cache(maxsize=None)
def has_fixer(code: str) -> bool:
    """Is there a fixer module for this rule code? (No import, no libcst.)"""
    try:
        return importlib.util.find_spec(fixer_module_name(code)) is not None
    except (ImportError, ValueError):
        return False


@lru_cache(maxsize=None)
def fixer_class(code: str) -> type[Fixer] | None:
    """The :class:`~layerlint.fixes.base.Fixer` subclass of a rule code, or None."""
    if not has_fixer(code):
        return None
    from layerlint.fixes.base import Fixer

    module = importlib.import_module(fixer_module_name(code))
    found = [
        obj for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, Fixer) and obj.code == code
    ]
    if len(found) != 1:
        raise RuntimeError(f"{module.__name__}: expected one Fixer subclass with code {code!r}, found {len(found)}")
    return found[0]


def is_applicable(d: Diagnostic, unsafe: bool = False) -> bool:
    """Would ``--fix`` (with ``--unsafe-fixes`` when ``unsafe``) rewrite this finding?"""
    if d.fix == FIX_SAFE or (unsafe and d.fix == FIX_UNSAFE):
        return has_fixer(d.code)
    return False

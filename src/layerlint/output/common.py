"""Helpers shared by the output formats: paths relative to a CI workspace, and the
(optional) fix a finding carries.

A :class:`~layerlint.diagnostics.Diagnostic`'s ``fix`` is ``None``, ``"safe"`` or
``"unsafe"`` (the applicability); the JSON ``fix`` object carries it in ruff's
layout, with ``edits`` left empty (they are computed by ``--fix``/``--diff``).
"""

from __future__ import annotations

import os
from typing import Any

from layerlint.diagnostics import FIX_SAFE, FIX_UNSAFE, Diagnostic


def relative_to(path: str, base: str | None) -> str:
    """``path`` relative to ``base`` (default: the working folder), posix separators;
    unchanged (absolute) when it is not below ``base``."""
    base = os.path.abspath(base or os.getcwd())
    absolute = os.path.abspath(path)
    if absolute == base or absolute.startswith(base.rstrip(os.sep) + os.sep):
        return os.path.relpath(absolute, base).replace(os.sep, "/")
    return absolute.replace(os.sep, "/") if os.sep != "/" else absolute


def fix_json(d: Diagnostic) -> dict[str, Any] | None:
    """The finding's ``fix`` in ruff's JSON layout: its applicability, ``edits`` left empty
    (they are computed by ``--fix``/``--diff``, not while linting), and how to apply it."""
    if d.fix is None:
        return None
    return {"applicability": d.fix, "edits": [], "message": fix_message(d)}


def fix_message(d: Diagnostic) -> str | None:
    """How to apply the finding's fix (the ``help`` line of the ``full`` format), or None."""
    if d.fix == FIX_SAFE:
        return "safe fix: `layerlint check --fix`"
    if d.fix == FIX_UNSAFE:
        return "unsafe fix: `layerlint check --fix --unsafe-fixes` (review the change)"
    return None

"""Helpers shared by the output formats: paths relative to a CI workspace, and the
(optional) fix a finding carries.

A :class:`~layerlint.diagnostics.Diagnostic`'s ``fix`` is ``None``, ``"safe"`` or
``"unsafe"`` (the applicability); the JSON ``fix`` object carries it in ruff's
layout, with ``edits`` left empty (they are computed by ``--fix``/``--diff``).
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any

from layerlint.diagnostics import Diagnostic


def relative_to(path: str, base: str | None) -> str:
    """``path`` relative to ``base`` (default: the working folder), posix separators;
    unchanged (absolute) when it is not below ``base``."""
    base = os.path.abspath(base or os.getcwd())
    absolute = os.path.abspath(path)
    if absolute == base or absolute.startswith(base.rstrip(os.sep) + os.sep):
        return os.path.relpath(absolute, base).replace(os.sep, "/")
    return absolute.replace(os.sep, "/") if os.sep != "/" else absolute


def fix_of(d: Diagnostic) -> Any:
    return getattr(d, "fix", None)


def fix_json(d: Diagnostic) -> Any:
    fix = fix_of(d)
    if fix is None:
        return None
    if isinstance(fix, str):
        # the fix's applicability only: edits are computed by --fix / --diff, not while linting
        return {"applicability": fix, "edits": [], "message": None}
    to_json = getattr(fix, "to_json", None)
    if callable(to_json):
        return to_json()
    if dataclasses.is_dataclass(fix) and not isinstance(fix, type):
        return dataclasses.asdict(fix)
    return None


def fix_message(d: Diagnostic) -> str | None:
    fix = fix_of(d)
    if fix is None:
        return None
    message = getattr(fix, "message", None) or getattr(fix, "title", None)
    return str(message) if message else None

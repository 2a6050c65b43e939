"""Helpers shared by the output formats: paths relative to a CI workspace, and the
(optional) fix a finding carries.

A :class:`~layerlint.diagnostics.Diagnostic` may gain a ``fix`` attribute; it is
read duck-typed here so the formats work before and after: ``fix.to_json()`` (or
a dataclass) gives the JSON ``fix`` object, ``fix.message`` / ``fix.title`` the
one-line suggestion shown by ``full``.
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

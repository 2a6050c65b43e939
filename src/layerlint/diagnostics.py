"""The finding type shared by every rule, the engine and both front-ends."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Diagnostic:
    """One finding. Lines are 1-based; columns are 1-based (as printed)."""

    code: str
    message: str
    path: str
    line: int
    col: int
    end_line: int
    end_col: int

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.col, self.code)


@dataclass(frozen=True)
class InternalError:
    """A rule (or the engine) raised on a file: reported, never fatal to the run."""

    path: str
    rule: str
    error: str

"""The finding type shared by every rule, the engine and both front-ends."""

from __future__ import annotations

from dataclasses import dataclass

# values of Diagnostic.fix
FIX_SAFE = "safe"  # applied by `--fix`
FIX_UNSAFE = "unsafe"  # applied only with `--fix --unsafe-fixes`


@dataclass(frozen=True)
class Diagnostic:
    """One finding. Lines are 1-based; columns are 1-based (as printed).

    ``fix`` says whether the rule's fixer (``layerlint.fixes``) can rewrite this
    finding: ``None`` (no fix), ``FIX_SAFE`` or ``FIX_UNSAFE``.
    """

    code: str
    message: str
    path: str
    line: int
    col: int
    end_line: int
    end_col: int
    fix: str | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.col, self.code)


@dataclass(frozen=True)
class InternalError:
    """A rule (or the engine) raised on a file: reported, never fatal to the run."""

    path: str
    rule: str
    error: str

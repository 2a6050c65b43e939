"""The base class of every rule, and the option declarations rules may carry.

A rule lives in its own module under ``layerlint.rules.<family>``; the module
docstring is the rule's documentation (What it does / Why is this bad? /
Example / Use instead / Fix safety / Options).

A rule is instantiated once per file it applies to and receives the file's
:class:`~layerlint.context.FileContext`. It asks for nodes by defining methods
named ``visit_<NodeType>`` (called on entering a node) and ``leave_<NodeType>``
(after its children); the engine walks the tree once and dispatches each node
only to the rules that asked for its type. ``finish()`` runs after the walk.

A fixable rule sets ``fix_availability`` ("sometimes" or "always"), passes
``fix=FIX_SAFE`` / ``fix=FIX_UNSAFE`` to :meth:`Rule.report` for each finding
its fixer can rewrite, and has a companion fixer module
``layerlint/fixes/ll<code>.py`` (see ``layerlint.fixes`` and docs/fixes.md).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Iterable

if TYPE_CHECKING:
    from layerlint.context import FileContext


@dataclass(frozen=True)
class Option:
    """A setting a rule reads from ``[tool.layerlint.<section>]``."""

    section: str
    key: str
    kind: type  # list, str, bool or int
    default: Any
    doc: str


class Rule:
    code: ClassVar[str] = ""
    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    # opt-in rules run only when their full code is selected
    default_enabled: ClassVar[bool] = True
    options: ClassVar[tuple[Option, ...]] = ()
    # "never", "sometimes" or "always"
    fix_availability: ClassVar[str] = "never"

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        """Cheap file-level gate, checked before the walk: the file's layer, or whether
        it mentions the rule's framework (``ctx.mentions("pydantic")``, one memoized
        scan shared by the family). When no enabled rule applies, the file is not walked."""
        return True

    def needles(self) -> Iterable[str] | None:
        """Where in the file this rule's callbacks can find anything, or None (everywhere).

        Words such that every node the rule acts upon, or needs to see, has one of them
        on one of its lines; a word matches at the end of any word (``Response`` also
        finds ``JSONResponse``) (``ctx.spellings(...)`` gives the words that can name an imported
        object). The walk then enters the types only such rules asked for only on the
        lines that match some rule's needles (ancestors included): a rule that reports
        on ``Optional[...]`` no longer walks every expression of a file. Called once per
        file, before the walk; a rule that needs every node (or counts them) keeps None.
        """
        return None

    def finish(self) -> None:
        """Called once after the walk."""

    def report(self, node: ast.AST, message: str, *, fix: str | None = None) -> None:
        """Report a finding at ``node``; ``fix`` is ``FIX_SAFE``/``FIX_UNSAFE`` (from
        ``layerlint.diagnostics``) when the rule's fixer can rewrite it, else None."""
        self.ctx.report(self.code, node, message, fix=fix)

    @classmethod
    def documentation(cls) -> str:
        import sys

        return (sys.modules[cls.__module__].__doc__ or "").strip()

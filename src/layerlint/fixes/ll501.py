"""LL501 fixer: ``Optional[X]`` -> ``X | None`` (see :mod:`layerlint.fixes._pep604`)."""

from __future__ import annotations

from layerlint.facts import typing as tf
from layerlint.fixes._pep604 import Pep604Fixer


class OptionalFixer(Pep604Fixer):
    code = "LL501"
    form = tf.OPTIONAL
    removable_imports = frozenset({"typing.Optional", "typing_extensions.Optional", "typing", "typing_extensions"})

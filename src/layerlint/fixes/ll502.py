"""LL502 fixer: ``Union[X, Y, None]`` -> ``X | Y | None`` (see :mod:`layerlint.fixes._pep604`)."""

from __future__ import annotations

from layerlint.facts import typing as tf
from layerlint.fixes._pep604 import Pep604Fixer


class UnionFixer(Pep604Fixer):
    code = "LL502"
    form = tf.UNION
    removable_imports = frozenset({"typing.Union", "typing_extensions.Union", "typing", "typing_extensions"})

"""LL501 fixer: ``Optional[X]`` -> ``X | None`` (see :mod:`layerlint.fixes._pep604`)."""

from __future__ import annotations

from layerlint.facts import typing as tf
from layerlint.fixes._pep604 import Pep604Fixer


class OptionalFixer(Pep604Fixer):
    code = "LL501"
    form = tf.OPTIONAL
    # `Optional[Union[A, B]]` becomes `A | B | None`: Union may go unused too
    removable_imports = frozenset({
        "typing.Optional", "typing_extensions.Optional", "typing.Union", "typing_extensions.Union",
        "typing", "typing_extensions",
    })

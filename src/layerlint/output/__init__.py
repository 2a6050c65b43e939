"""Output formats of ``layerlint check``.

Each format is a module here with ``render(diagnostics, sources, *, color=False) -> str``
(``sources`` is a :class:`~layerlint.sources.SourceLines`, for formats that show or
fingerprint the source line). ``text`` and ``full`` are for people and are
followed by a summary line; the others are for machines and print nothing else.
"""

from __future__ import annotations

import importlib
from typing import Callable

FORMATS = ("text", "full", "json", "sarif", "github", "gitlab")
HUMAN_FORMATS = frozenset({"text", "full"})


def renderer(name: str) -> Callable[..., str]:
    if name not in FORMATS:
        raise ValueError(f"unknown output format {name!r}")
    return importlib.import_module(f"layerlint.output.{name}").render  # type: ignore[no-any-return]

"""Does the project's own code tell ``Optional[X]`` from ``X | None`` at run time?

A safe LL501/LL502 fix in an annotation changes what ``inspect.signature``,
``typing.get_type_hints`` or a Pydantic field's ``annotation`` give: a
``types.UnionType`` instead of a ``typing.Union``. Pydantic, FastAPI and SQLAlchemy
read both alike; code that tests ``get_origin(t) is Union`` (or ``t.__origin__ ==
Union``, ``origin in (Union, Optional)`` ...) does not: letta builds its tools' JSON
schemas so, and after the safe fixes 23 of its 26 built-in tools failed to register.
Where a file of the project tests so and names ``UnionType`` nowhere that runs (code
handling both forms names it: projecttext.py), the rules mark those fixes unsafe.

The project is read as text once per process (projecttext.py); past 50,000 files
nothing is presumed and the fixes keep their safety. The answer is recorded for the
cache (external.py): a warm run reads the project again, once, to re-check it.
"""

from __future__ import annotations

from layerlint.external import provider
from layerlint.projecttext import project_text


def scan_spec(folders: tuple[tuple[str, bool], ...]) -> tuple[str, ...]:
    """``folders`` as plain strings, the arguments a recorded fact can be called with
    again (``"r:<folder>"`` read with its subfolders, ``"n:<folder>"`` without)."""
    return tuple(("r:" if recursive else "n:") + folder for folder, recursive in folders)


@provider("union_tests")
def project_tests_unions(*spec: str) -> bool:
    """Does a file of the folders of ``spec`` (:func:`scan_spec`) test for ``typing.Union``
    by origin, without naming ``UnionType``?"""
    found = project_text(tuple((entry[2:], entry.startswith("r:")) for entry in spec))
    return found is not None and bool(found.union_tests)

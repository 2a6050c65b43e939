"""Does the project's own code tell ``Optional[X]`` from ``X | None`` at run time, or
write a union's members in two orders?

A safe LL501/LL502 fix in an annotation changes what ``inspect.signature``,
``typing.get_type_hints`` or a Pydantic field's ``annotation`` give: a
``types.UnionType`` instead of a ``typing.Union``. Pydantic, FastAPI and SQLAlchemy
read both alike; code that tests ``get_origin(t) is Union`` (or ``t.__origin__ ==
Union``, ``origin in (Union, Optional)`` ...) does not: letta builds its tools' JSON
schemas so, and after the safe fixes 23 of its 26 built-in tools failed to register.
Where a file of the project tests so and names ``UnionType`` nowhere that runs (code
handling both forms names it: projecttext.py), or tests for ``types.UnionType`` and names
``typing.Union`` nowhere that runs (the fixed annotation then takes the other branch), the
rules mark those fixes unsafe.

typing caches a union made inside another subscript (``Optional[Union[int, str]]``) and
hands the same object back for an equal one written later in another order
(``Optional[Union[str, int]]``), where ``int | str | None`` makes a union of its own: a
safe fix of the first changes the order the second's members come in, which Pydantic
tries in turn (xinference: a v1 field then parsed ``2`` as ``'2'``) and JSON schemas list
(dstack). Where the project writes a union's members in two orders, fixes of a union of
those members are unsafe.

The project is read as text once per process (projecttext.py); past 50,000 files
nothing is presumed and the fixes keep their safety. The answer is recorded for the
cache (external.py): a warm run reads the project again, once, to re-check it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from layerlint.external import provider
from layerlint.project import project_scan_folders
from layerlint.projecttext import ProjectText, project_text

if TYPE_CHECKING:
    from layerlint.context import FileContext


def scan_spec(folders: tuple[tuple[str, bool], ...]) -> tuple[str, ...]:
    """``folders`` as plain strings, the arguments a recorded fact can be called with
    again (``"r:<folder>"`` read with its subfolders, ``"n:<folder>"`` without)."""
    return tuple(("r:" if recursive else "n:") + folder for folder, recursive in folders)


def file_scan_spec(ctx: FileContext) -> tuple[str, ...]:
    """:func:`scan_spec` of the folders read as the project of the file being linted."""
    path = os.path.abspath(ctx.path)
    return scan_spec(project_scan_folders(path, ctx.settings.module_root(ctx.path), working_folder=False))


def text_of(spec: tuple[str, ...]) -> ProjectText | None:
    """The project text of the folders of ``spec`` (:func:`scan_spec`), as a provider reads it."""
    return project_text(tuple((entry[2:], entry.startswith("r:")) for entry in spec))


@provider("union_tests")
def project_tests_unions(*spec: str) -> bool:
    """Does a file of the folders of ``spec`` (:func:`scan_spec`) test for ``typing.Union``
    by origin, without naming ``UnionType`` (or the reverse)?"""
    found = text_of(spec)
    return found is not None and bool(found.union_tests)


@provider("union_reordered")
def project_reorders_union(members: str, *spec: str) -> bool:
    """Does a file of the folders of ``spec`` write a union of ``members`` (as
    projecttext.union_members spells them, one per line) in another order than another?"""
    found = text_of(spec)
    return found is not None and frozenset(members.split("\n")) in found.reordered_unions


"""Which project files another project file star-imports (``from app.common import *``),
and which names other project files import from a file by name (``from app.orm import
declarative_base``, the orm module's own import of it from SQLAlchemy).

A fix that leaves an import unused removes it; but a module without ``__all__`` exports
every public name it binds, imports included, to a module that star-imports it, which
may use ``Optional`` without importing it: removing the import there would raise a
``NameError`` at import time in the other module. So, before removing an import, the
fixer asks whether the project star-imports the file being fixed.

The project is read once per process, as text (never run; projecttext.py). A star
import names the file it reads by path, not by module name (which depends on
``sys.path``): ``from .common import *`` the ``common`` beside the importing file, and
``from app.common import *`` any file whose path ends with ``app/common.py`` (or
``app/common/__init__.py``). Past 50,000 files the reading stops, and every file counts
as star-imported: its imports stay.

A name another module imports from the file by name stays bound too, whatever
``__all__`` says, and so does one it reads as an attribute of the module (``from app
import types`` then ``types.Optional``, ``import app.types as t`` then ``t.Optional``).
Those imports are read only when a fix would remove an import (once per process, the
project's files read as text with a pattern: no parse), and only from modules that are
not the libraries the fixes remove names of.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

from layerlint.external import clear_too
from layerlint.project import project_python_files
from layerlint.projecttext import MAX_FILES, project_text

# `from <dots><module> import <names>`, the names in parentheses or continued by backslashes
# (read once comments are gone: a `)` in one would end a parenthesized list)
_SPACE = rb"(?:[ \t]|\\\r?\n)"  # (a backslash continues the statement)
# (a statement starts a line, or follows a `;` or a one-line block's `:`)
_START = rb"(?:^|[;:])[ \t]*"
_FROM_IMPORT_RE = re.compile(
    _START + rb"from" + _SPACE + rb"+(\.*)" + _SPACE + rb"*((?:\w|" + _SPACE + rb"*\." + _SPACE + rb"*)*)" + _SPACE
    + rb"+import" + _SPACE
    + rb"*(\([^)]*\)|(?:[^\n\\;]|\\[\s\S])*)",
    re.MULTILINE,
)
# `import app.types as t` (or `import app.types`): names it reads as `t.<name>` come from there
_IMPORT_RE = re.compile(_START + rb"import" + _SPACE + rb"+((?:[^\n\\;]|\\[\s\S])*)", re.MULTILINE)
# a dotted chain of names (`a.types.Optional`), not inside another (`x.a.types`); spaces
# and line breaks around a dot too, within brackets (`(t\n .Optional)`, `t.\<newline>Optional`)
_CHAIN_RE = re.compile(rb"(?<![\w.])\w+(?:(?:\s|\\)*\.(?:\s|\\)*\w+)+")
_CHAIN_SPACE_RE = re.compile(rb"[\s\\]+")
_DOT_RE = re.compile(rb"((?:\s|\\)*\.(?:\s|\\)*)")
# a comment on a line with no quote before it (`X = "#"` keeps its line)
_COMMENT_RE = re.compile(rb"^([^'\"\n#]*)#[^\n]*", re.MULTILINE)
# where the names the fixes remove come from: importing them from there says nothing of a project file
_LIBRARIES = frozenset({"typing", "typing_extensions", "pydantic", "sqlalchemy", "sqlmodel", "__future__"})


def star_imported(path: str, folders: tuple[tuple[str, bool], ...]) -> bool:
    """Does a ``.py`` file in ``folders`` ((folder, recursive) pairs) star-import the file
    ``path`` (absolute)?"""
    stem = path[: -len("/__init__.py")] if path.endswith(os.sep + "__init__.py") else path[: -len(".py")]
    found = project_text(folders)
    if found is None:
        return True  # (too many files to read: as if it were)
    if stem in found.star_imported_paths:
        return True
    parts = stem.split(os.sep)
    return any(".".join(parts[-size:]) in found.star_imported_modules for size in range(1, len(parts)))


def names_imported_from(path: str, folders: tuple[tuple[str, bool], ...]) -> frozenset[str] | None:
    """The names ``.py`` files in ``folders`` import by name from the file ``path``
    (absolute), matched by path as star imports are; None past :data:`MAX_FILES` files
    (any may be)."""
    found = _named_imports(folders)
    if found is None:
        return None
    by_path, by_module = found
    stem = path[: -len("/__init__.py")] if path.endswith(os.sep + "__init__.py") else path[: -len(".py")]
    names = set(by_path.get(stem, ()))
    parts = stem.split(os.sep)
    for size in range(1, len(parts)):
        names.update(by_module.get(".".join(parts[-size:]), ()))
    return frozenset(names)


@lru_cache(maxsize=16)
def _named_imports(
    folders: tuple[tuple[str, bool], ...],
) -> tuple[dict[str, set[str]], dict[str, set[str]]] | None:
    """(path without ``.py`` -> names imported from it by relative imports, module -> names
    imported from it by absolute ones)."""
    by_path: dict[str, set[str]] = {}
    by_module: dict[str, set[str]] = {}
    for read, path in enumerate(project_python_files(folders), 1):
        if read > MAX_FILES:
            return None
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        if b"import" not in data:
            continue
        data = _COMMENT_RE.sub(rb"\1", data)
        aliases: dict[str, tuple[str, bool]] = {}  # local name of a module -> (module or path, is a path)
        for match in _FROM_IMPORT_RE.finditer(data):
            # (`from app . types import x`: the module's name, its spaces gone)
            dots, module = len(match.group(1)), _CHAIN_SPACE_RE.sub(b"", match.group(2)).decode("ascii", "replace")
            if not dots and module.partition(".")[0] in _LIBRARIES:
                continue
            imported = _import_items(match.group(3))
            if dots:
                base = os.path.dirname(path)
                for _ in range(dots - 1):
                    base = os.path.dirname(base)
                source = os.path.join(base, *module.split(".")) if module else base
                by_path.setdefault(source, set()).update(name for name, _local in imported)
                # (`from . import types`: a module, maybe)
                aliases.update((local, (os.path.join(source, name), True)) for name, local in imported)
            elif module:
                by_module.setdefault(module, set()).update(name for name, _local in imported)
                aliases.update((local, (f"{module}.{name}", False)) for name, local in imported)
        for match in _IMPORT_RE.finditer(data):
            for name, local in _import_items(match.group(1)):
                if name.partition(".")[0] not in _LIBRARIES:
                    aliases[local if local != name.partition(".")[0] else name] = (name, False)
        if not aliases:
            continue
        # (`a.types.Optional` after `import app as a`: `types` of app, `Optional` of app.types;
        # each dotted chain of the file once, against each alias it starts with)
        for chain in set(_CHAIN_RE.findall(data)):
            for words in _chains_in(chain):
                for cut in range(1, len(words)):
                    found = aliases.get(".".join(words[:cut]))
                    if found is None:
                        continue
                    source, is_path = found
                    parts = words[cut:]
                    for depth, name in enumerate(parts):
                        if is_path:
                            by_path.setdefault(os.path.join(source, *parts[:depth]), set()).add(name)
                        else:
                            by_module.setdefault(".".join([source, *parts[:depth]]), set()).add(name)
    return by_path, by_module


def _chains_in(chain: bytes) -> list[list[str]]:
    """The names of a dotted chain; and where a dot has spaces around it, the chain may be two
    (`done.\n    sky.exceptions.Error` in a docstring): also the names after each such dot."""
    if not _CHAIN_SPACE_RE.search(chain):
        return [chain.decode("ascii", "replace").split(".")]
    pieces = _DOT_RE.split(chain)  # names and the dots between them, alternately
    words = [piece.decode("ascii", "replace") for piece in pieces[::2]]
    spaced = [index + 1 for index, dot in enumerate(pieces[1::2]) if dot != b"."]
    return [words[start:] for start in (0, *spaced)]


def _import_items(text: bytes) -> list[tuple[str, str]]:
    """(name, local name) of each item of an import list (`a`, `b as c`, `x.y`)."""
    items = []
    for item in text.strip().strip(b"()").replace(b"\\", b" ").split(b","):
        words = item.split()
        if words:
            name = words[0].decode("ascii", "replace")
            local = words[2].decode("ascii", "replace") if len(words) >= 3 and words[1] == b"as" else name
            items.append((name, local))
    return items


clear_too(_named_imports.cache_clear)

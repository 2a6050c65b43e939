"""Facts read from all of a project's files as text, once per process (never run).

Some facts belong to no single file: which files another file star-imports
(fixes/star_imports.py), whether the project's own code tells ``Optional[X]`` from
``X | None`` at run time, and which unions it writes in two orders
(facts/union_inspection.py), which classes' Pydantic ``Config`` some file reads and which
classes a file using validators derives from (facts/pydantic_fixes.py). They come from one reading of
every ``.py`` file of the project's folders (``project.project_scan_folders``: its
``pyproject.toml`` folder; without one, the nearest folder holding a ``setup.py``,
``setup.cfg`` or ``requirements.txt``; without one, the working folder when it holds
the file; else the top package, the files beside it and a ``tests`` folder there); hidden
folders, virtual environments and ``node_modules`` skipped. Past 50,000 files the
reading stops and the answer is :data:`None` (a working folder far above any
project); each caller says what it then presumes.

A run with the cache on keeps what it read of each file in ``project-text.json`` in
the cache folder (:func:`keep_in`, :func:`save`): a later run reads again only the
files whose stat signature changed (filestamp.py), so a warm run re-checks these
facts without reading the project. Only the process holding the cache keeps it
(where the warm run re-checks the facts); a pool's workers, forked from it, use what
it kept and send it what they read.
"""

from __future__ import annotations

import ast
import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from layerlint.external import clear_too
from layerlint.filestamp import signature, unchanged_since, write_json_atomically
from layerlint.parse import parse_quietly
from layerlint.project import project_python_files

MAX_FILES = 50_000

_STAR_HINT_RE = re.compile(rb"import[ \t(]*\*")  # (a literal start: far quicker to search for)
_STAR_IMPORT_RE = re.compile(rb"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t(]*\*", re.MULTILINE)
# in a file that reads origins (`get_origin(`, `__origin__`), a test against typing.Union
# anywhere: `origin = t.get_origin(h)` then `origin is t.Union` (sqlmesh) counts
_ORIGIN_RE = re.compile(rb"get_origin\(|__origin__")
_UNION_TEST_RE = re.compile(
    rb"(?:\bis|==|!=)[ \t]+(?:not[ \t]+)?(?:\w+\.)?Union\b(?![ \t]*\[)"  # `is tp.Union`
    rb"|(?<![\w.])(?:\w+\.)?Union[ \t]+(?:is|==|!=)\W"  # `Union is origin`
    rb"|\bin[ \t]+[(\[{][^\n]{0,80}?(?<![\w.])(?:\w+\.)?Union\b(?![ \t]*\[)"  # `in (Union, Optional)`
    rb"|\bcase[ \t]+(?:\w+\.)?Union\b"  # `match get_origin(t):` / `case typing.Union:`
    rb"|_UnionGenericAlias|[\"']typing\.Union[\"']"  # `isinstance(t, typing._UnionGenericAlias)`, `str(o) == "typing.Union"`
)
_UNION_ALIAS_RE = re.compile(rb"\bUnion[ \t]+as[ \t]+(\w+)")  # `from typing import Union as U`
# an import of a library that reads annotations and tells `Optional[X]` from `X | None`:
# typing_utils (0.1.0, its last release: `issubtype(T, Optional[T])` is true, with `T | None`
# false; rasa checks its graph components' type hints with it)
_UNION_ONLY_LIBRARY_RE = re.compile(rb"^[ \t]*(?:import|from)[ \t]+typing_utils\b", re.MULTILINE)
# a Pydantic v1 model's `Config` read by name (`class Config(Base.Config):`, `Base.Config.orm_mode`,
# `getattr(m.Base, "Config")`), the class also imported under another name (`UserBase as UB`):
# LL201's fix of `Base` would remove it
# (each a literal first, then the name before it: a pattern starting with `\w+` is tried at
# every position of every file, dozens of times slower)
_CONFIG_ATTRIBUTE_RE = re.compile(rb"\.Config\b")
_CONFIG_GETATTR_RE = re.compile(rb"getattr\([ \t]*(?:\w+\.)*(\w+)[ \t]*,[ \t]*[\"']Config[\"']")
_NAME_BEFORE_RE = re.compile(rb"(\w+)$")
_IMPORTED_AS_RE = re.compile(rb"[ \t]as[ \t]+(\w+)")


_CLASS_RE = re.compile(rb"^[ \t]*class[ \t]+\w+[ \t]*\(([^)]*)\)", re.MULTILINE)
_LAST_NAME_RE = re.compile(rb"(\w+)[ \t]*(?:\[[^\]]*\])?[ \t]*$")


def _class_bases(data: bytes) -> list[str]:
    """The names (last parts) of the bases of the file's classes (``class AdminIn(UserBase)``,
    ``schemas.UserBase``: ``UserBase``): LL204 asks whether a subclass elsewhere declares
    validators that share a field or a name with a fixed one."""
    found: set[bytes] = set()
    for match in _CLASS_RE.finditer(data):
        for base in match.group(1).split(b","):
            if b"=" in base:
                continue  # (`metaclass=...`)
            name = _LAST_NAME_RE.search(base.strip())
            if name is not None:
                found.add(name.group(1))
    return sorted(name.decode("ascii", "replace") for name in found)


def _config_readers(data: bytes) -> list[str]:
    """The names whose ``Config`` the text reads (those it imports under another name too)."""
    found: set[bytes] = set(_CONFIG_GETATTR_RE.findall(data)) if b"getattr(" in data else set()
    for match in _CONFIG_ATTRIBUTE_RE.finditer(data):
        before = _NAME_BEFORE_RE.search(data, max(0, match.start() - 100), match.start())
        if before is not None:
            found.add(before.group(1))
    if found:  # `from app.schemas import UserBase as UB` reads UserBase's through UB
        for match in _IMPORTED_AS_RE.finditer(data):
            if match.group(1) in found:
                original = _NAME_BEFORE_RE.search(data, max(0, match.start() - 100), match.start())
                if original is not None:
                    found.add(original.group(1))
    return sorted(name.decode("ascii", "replace") for name in found)

# what may be a test against types.UnionType (`X | Y`): `origin is types.UnionType`,
# `isinstance(t, UnionType)`; a quick look before the tree is read (_tests_union_type_alone)
_UNION_TYPE_TEST_RE = re.compile(
    rb"(?:\bis|==|!=)[ \t]+(?:not[ \t]+)?(?:\w+\.)?UnionType\b"
    rb"|(?<![\w.])(?:\w+\.)?UnionType[ \t]+(?:is|==|!=)\W"
    rb"|\bin[ \t]+[(\[{][^\n]{0,80}?(?<![\w.])(?:\w+\.)?UnionType\b"
    rb"|\bcase[ \t]+(?:\w+\.)?UnionType\b"
    rb"|isinstance\([^\n]{0,80}?,[ \t]*\(?(?:\w+\.)?UnionType\b"
)
# an annotation's text compared with a string spelling Optional/Union (sglang chooses what
# torch.compile marks dynamic by `ann == "Optional[torch.Tensor]"`, a future-import string)
_QUOTED_UNION = rb"""[rRuU]?["'](?:typing\.|t\.)?(?:Optional|Union)\["""
_ANNOTATION_TEXT_TEST_RE = re.compile(
    rb"(?:==|!=)[ \t]*" + _QUOTED_UNION  # `ann == "Optional[X]"`
    + rb"|" + _QUOTED_UNION + rb"""[^"'\n]*["'][ \t]*(?:==|!=|in\b)"""  # `"Optional[X]" == ann`
    + rb"|\bin[ \t]+[(\[{][^\n]{0,120}?" + _QUOTED_UNION  # `ann in ("X", "Optional[X]")`
    + rb"|startswith\([ \t]*[(]?" + _QUOTED_UNION  # `ann.startswith("Optional[")`
)


# a union spelled with `|` between names (a subscript of two levels at most: `list[dict[str, int]]`)
_OPERAND = r"[A-Za-z_][\w.]*(?:\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\])?"
_BAR_UNION_RE = re.compile(r"(?<![\w.\]])" + _OPERAND + r"(?:[ \t]*\|[ \t]*" + _OPERAND + r")+")
_NONE_MEMBERS = frozenset({"None", "NoneType", "types.NoneType", "type(None)"})


@dataclass(frozen=True)
class ProjectText:
    star_imported_paths: frozenset[str]  # what relative star imports name: paths without `.py`
    star_imported_modules: frozenset[str]  # what absolute ones name: dotted names
    # files testing for typing.Union by origin, naming UnionType nowhere that runs (or the reverse)
    union_tests: tuple[str, ...]
    # the member sets (as spelled, None left out) of unions the project writes in two orders or more
    reordered_unions: frozenset[frozenset[str]]
    # the names whose `Config` some file reads (`class Config(Base.Config)`: `Base`)
    config_readers: frozenset[str] = frozenset()
    # a base class's name -> the files that derive a class from it and spell `validator(`
    validated_subclasses: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # session factories another module configures with `expire_on_commit=` (not a literal True):
    # "m:<module>:<name>" (imported absolutely), "p:<path without .py>:<name>" (relatively)
    configured_factories: frozenset[str] = frozenset()
    # "<method>|<base>": a class derives from that base (as _references names it) and defines
    # a method of Pydantic v1's model API (`def dict(self, **kwargs)`), which v2's rename would skip
    v1_overrides: frozenset[str] = frozenset()
    # the bases (as _references names them) of classes that read their settings in a way
    # pydantic-settings reads otherwise (`Field(env=...)`, `alias=`, a `Config` with `fields`,
    # `env_file` ...), and the classes called with `_env_file=`
    settings_readers: frozenset[str] = frozenset()
    # files that read Pydantic's version (`from pydantic.version import VERSION`, a
    # `PYDANTIC_V2` flag): code written for both versions, which the v2-only fixes may break
    pydantic_version_readers: tuple[str, ...] = ()


@lru_cache(maxsize=16)
def project_text(folders: tuple[tuple[str, bool], ...]) -> ProjectText | None:
    """The facts of the ``.py`` files of ``folders`` ((folder, recursive) pairs); None
    past :data:`MAX_FILES` files."""
    relative: set[str] = set()
    absolute: set[str] = set()
    union_tests: list[str] = []
    orders: dict[frozenset[str], set[tuple[str, ...]]] = {}
    config_readers: set[str] = set()
    validated: dict[str, set[str]] = {}
    configured: set[str] = set()
    overrides: set[str] = set()
    readers: set[str] = set()
    version_readers: list[str] = []
    for read, path in enumerate(project_python_files(folders), 1):
        if read > MAX_FILES:
            return None
        facts = _file_facts(path)
        if facts is None:
            continue
        if facts[0]:
            union_tests.append(path)
        relative.update(facts[1])
        absolute.update(facts[2])
        for members in facts[3]:
            orders.setdefault(frozenset(members), set()).add(tuple(members))
        config_readers.update(facts[4])
        for base in facts[5]:
            validated.setdefault(base, set()).add(path)
        configured.update(facts[6])
        overrides.update(facts[7])
        readers.update(facts[8])
        if facts[9]:
            version_readers.append(path)
    reordered = frozenset(members for members, seen in orders.items() if len(seen) > 1)
    return ProjectText(
        frozenset(relative), frozenset(absolute), tuple(union_tests), reordered, frozenset(config_readers),
        {base: frozenset(paths) for base, paths in validated.items()}, frozenset(configured),
        frozenset(overrides), frozenset(readers), tuple(version_readers),
    )


# one file's facts: [tests unions, relative star imports, absolute star imports, unions of
# two members or more (their members in order, as spelled), names whose `.Config` it reads,
# bases of its classes (when it spells `validator(`), imported session factories it configures,
# "<method>|<base>" of its classes defining a v1 model method, bases of its classes reading
# settings as pydantic-settings does not, whether it reads Pydantic's version]
_FileFacts = list[Any]


def _file_facts(path: str) -> _FileFacts | None:
    if _kept.folder is None:
        return _read_facts(path)
    try:
        st = os.stat(path)
    except OSError:
        return None
    known = _kept.files.get(path)
    if isinstance(known, list) and len(known) == 2 and unchanged_since(known[0], st) and _well_formed(known[1]):
        return known[1]
    facts = _read_facts(path)
    if facts is not None:
        _kept.files[path] = _kept.new[path] = [signature(st), facts]
        _kept.changed = True
    return facts


def _read_facts(path: str) -> _FileFacts | None:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    relative: list[str] = []
    absolute: list[str] = []
    if _STAR_HINT_RE.search(data):
        _read_star_imports(path, data, relative, absolute)
    union_test = (
        (
            b"Union" in data and _ORIGIN_RE.search(data) is not None and _tests_union(data)
            and not _names_union_type_at_run_time(data)
        )
        or _tests_annotation_text(data)
        or (b"UnionType" in data and _UNION_TYPE_TEST_RE.search(data) is not None and _tests_union_type_alone(data))
        or (b"typing_utils" in data and _UNION_ONLY_LIBRARY_RE.search(data) is not None)
    )
    return [
        union_test, relative, absolute, _unions(data), _config_readers(data) if b"Config" in data else [],
        _class_bases(data) if b"validator(" in data else [],
        _configured_factories(path, data) if b".configure(" in data and (b"expire_on_commit" in data or b"**" in data)
        else [],
        _v1_overrides(path, data) if _V1_OVERRIDE_RE.search(data) else [],
        _settings_reader_bases(path, data) if _may_read_settings(data) else [],
        (b"pydantic" in data or b"PYDANTIC" in data) and _PYDANTIC_VERSION_RE.search(data) is not None,
    ]


def union_members(spelled: list[str]) -> list[str]:
    """A union's members as :func:`_unions` compares them: whitespace dropped, None left out,
    a forward reference unquoted (``"Schema"`` is ``Schema`` once Pydantic resolves it)."""
    members = [_unquoted("".join(member.split())) for member in spelled]
    return [member for member in members if member and member not in _NONE_MEMBERS]


def _unquoted(member: str) -> str:
    if len(member) > 1 and member[0] == member[-1] and member[0] in "'\"":
        return member[1:-1]
    return member


LITERAL_MARK = "Literal["  # (the first member of a Literal's values, as :func:`_unions` keeps them)


def _literal_values(spelled: list[str]) -> list[str]:
    """A ``Literal[...]``'s values as :func:`_unions` compares them: whitespace dropped, a
    string's quotes too (``'fast'`` is ``"fast"``), after :data:`LITERAL_MARK`."""
    return [LITERAL_MARK, *(_unquoted("".join(value.split())) for value in spelled)]


def _unions(data: bytes) -> list[list[str]]:
    """The unions of two members or more the text spells (``Union[A, B]``, ``A | B | None``),
    each as its members in order, and the ``Literal[...]`` of two values or more (equal in
    any order too: typing caches them alike), as :func:`_literal_values`; deduplicated."""
    # (typing caches the unions of its own subscripts only: a file that never names it makes none)
    spells_one = b"Union[" in data or b"|" in data or b"Literal[" in data
    return unions_in(data.decode("utf-8", "replace")) if b"typing" in data and spells_one else []


def unions_in(text: str) -> list[list[str]]:
    """The unions and ``Literal[...]`` of :func:`_unions` that ``text`` spells."""
    found: set[tuple[str, ...]] = set()
    for word, kept_of in (("Union[", union_members), (LITERAL_MARK, _literal_values)):
        at = text.find(word)
        while at != -1:
            items = _subscript_items(text, at + len(word))
            kept = kept_of(items) if items is not None else []
            if len(set(kept) - {LITERAL_MARK}) > 1:
                found.add(tuple(kept))
            at = text.find(word, at + 1)
    # `A | B` inside a subscript (`Optional[str | int]`): one alone makes a union typing does
    # not cache. (Only the lines with a `|` and a `[` before it are searched: a pattern
    # without a literal start is slow.)
    bar = text.find("|")
    while bar != -1:
        line_start = text.rfind("\n", 0, bar) + 1
        line_end = text.find("\n", bar)
        line_end = len(text) if line_end == -1 else line_end
        if text.find("[", line_start, bar) != -1:
            _bar_unions(text, line_start, line_end, found, nested=False)
        bar = text.find("|", line_end)
    return [list(members) for members in sorted(found)]


def _bar_unions(text: str, start: int, end: int, found: set[tuple[str, ...]], nested: bool) -> None:
    """The ``A | B`` unions of ``text[start:end]`` inside a subscript (``nested``, or one
    opened before them on the line), and those in a member's subscript (``list[int | str]``)."""
    for match in _BAR_UNION_RE.finditer(text, start, end):
        members = _top_level_split(match.group(), "|")
        kept = union_members(members)
        if len(kept) > 1 and (nested or _inside_subscript(text, start, match.start())):
            found.add(tuple(kept))
        for member in members:
            if "|" in member and "[" in member:
                inner = match.start() + match.group().index(member)
                _bar_unions(text, inner + member.index("[") + 1, inner + member.rindex("]"), found, nested=True)


def _inside_subscript(text: str, start: int, end: int) -> bool:
    """Does ``text[start:end]`` leave a ``[`` open?"""
    return text.count("[", start, end) > text.count("]", start, end)


def _top_level_split(text: str, separator: str) -> list[str]:
    """``text`` split at each ``separator`` outside brackets."""
    parts: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(text):
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def _subscript_items(text: str, start: int) -> list[str] | None:
    """The comma-separated items of the subscript opened just before ``start`` (None when it
    does not close within 2,000 characters)."""
    depth = 0
    items: list[str] = []
    item_start = start
    for index in range(start, min(len(text), start + 2000)):
        char = text[index]
        if char in "[(":
            depth += 1
        elif char in "])":
            if depth == 0:
                items.append(text[item_start:index])
                return items
            depth -= 1
        elif char == "," and depth == 0:
            items.append(text[item_start:index])
            item_start = index + 1
    return None


def _tests_annotation_text(data: bytes) -> bool:
    """Does the file compare text with a string spelling ``Optional[...]``/``Union[...]`` (an
    annotation read as text: under ``from __future__ import annotations`` it is what was
    written, which the fixes change)?"""
    return _spells_quoted_union(data) and _ANNOTATION_TEXT_TEST_RE.search(data) is not None


_QUOTE_ENDINGS = (b'"', b"'", b'"typing.', b"'typing.", b'"t.', b"'t.")


def _spells_quoted_union(data: bytes) -> bool:
    """Does a string start with ``Optional[``/``Union[``? (Each occurrence is found literally
    and its few bytes before looked at: the pattern above has no literal start, and is slow.)"""
    for word in (b"Optional[", b"Union["):
        at = data.find(word)
        while at != -1:
            if data[max(0, at - 8):at].endswith(_QUOTE_ENDINGS):
                return True
            at = data.find(word, at + 1)
    return False


def _tests_union(data: bytes) -> bool:
    """Is ``typing.Union`` tested against, under its name or an alias of it?"""
    if _UNION_TEST_RE.search(data) is not None:
        return True
    for alias in {match.group(1) for match in _UNION_ALIAS_RE.finditer(data)}:
        name = re.escape(alias)
        if re.search(rb"(?:\bis|==|!=)[ \t]+(?:not[ \t]+)?" + name + rb"\b(?![ \t]*\[)", data) or re.search(
            rb"\bin[ \t]+[(\[{][^\n]{0,80}?(?<![\w.])" + name + rb"\b(?![ \t]*\[)", data
        ):
            return True
    return False


def _names_union_type_at_run_time(data: bytes) -> bool:
    """Does code that runs name ``UnionType`` (``UNION_TYPES = (Union, UnionType)``, ``origin is
    types.UnionType``, ``getattr(types, "UnionType", None)``, a class name compared with
    ``"UnionType"``): code handling both forms? Read in the file's tree (only a file that tests
    for ``typing.Union`` is asked: few are): not an import, a docstring, a comment, an
    annotation (browser-use's ``-> dict[str, type | UnionType | None]`` beside a test of
    ``Union`` alone), nor an ``if TYPE_CHECKING:`` block (bentoml names it there only, in an
    alias for annotations, while its run-time test reads ``typing.Union`` alone). A file that
    does not parse handles nothing."""
    if b"UnionType" not in data:
        return False
    tree = _parsed(data)
    if tree is None:
        return False
    return any(
        (isinstance(node, ast.Name) and node.id == "UnionType")
        or (isinstance(node, ast.Attribute) and node.attr == "UnionType")
        or (isinstance(node, ast.Constant) and isinstance(node.value, str) and "UnionType" in node.value)
        for node in _run_time_nodes(tree)
    )


def _run_time_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """The nodes of code that runs: not an import, a docstring, an annotation (of an argument,
    a return, ``x: T = ...``: it handles nothing), nor an ``if TYPE_CHECKING:`` block. A
    node comes before its children."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # (a docstring)
        if isinstance(node, ast.If) and _tests_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        yield node
        for name, value in ast.iter_fields(node):
            if name in ("annotation", "returns"):
                continue
            if isinstance(value, ast.AST):
                stack.append(value)
            elif isinstance(value, list):
                stack.extend(item for item in value if isinstance(item, ast.AST))


def _tests_union_type_alone(data: bytes) -> bool:
    """Does the file test for ``types.UnionType`` (``get_origin(t) is types.UnionType``,
    ``isinstance(t, UnionType)``, ``in (...)``, ``case UnionType():``; the name imported from
    ``types``, not a class of the project's or mypy's so named) while its code names
    ``typing.Union`` itself nowhere that runs (``origin is Union``, ``(Union, UnionType)``,
    ``cast(Any, Union)[args]``, ``"typing.Union"``: code handling ``Optional[X]`` too;
    ``Union[...]`` builds a union, handling none)? Asked of few files (those a quick look
    finds testing for a ``UnionType``), read in their tree as
    :func:`_names_union_type_at_run_time` reads it. A file that does not parse tests nothing."""
    if _tests_union(data):
        return False
    tree = _parsed(data)
    if tree is None:
        return False
    union_type_names: set[str] = set()  # local names of types.UnionType
    types_modules: set[str] = set()  # local names of the `types` module
    union_names = {"Union"} | {match.group(1).decode() for match in _UNION_ALIAS_RE.finditer(data)}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "types" and not node.level:
            union_type_names.update(a.asname or a.name for a in node.names if a.name == "UnionType")
        elif isinstance(node, ast.Import):
            types_modules.update(a.asname or a.name for a in node.names if a.name == "types")

    def is_union_type(node: ast.AST) -> bool:
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return any(is_union_type(element) for element in node.elts)
        return (isinstance(node, ast.Name) and node.id in union_type_names) or (
            isinstance(node, ast.Attribute) and node.attr == "UnionType"
            and isinstance(node.value, ast.Name) and node.value.id in types_modules
        )

    tests = False
    building: set[int] = set()  # the `Union` of each `Union[...]`: it builds one, handling none
    for node in _run_time_nodes(tree):
        if id(node) in building:
            continue
        if isinstance(node, ast.Compare) and any(is_union_type(side) for side in (node.left, *node.comparators)):
            tests = True
        elif (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("isinstance", "issubclass")
            and len(node.args) == 2 and is_union_type(node.args[1])
        ):
            tests = True
        elif type(node).__name__ == "MatchClass" and is_union_type(node.cls):  # type: ignore[attr-defined]
            tests = True
        elif type(node).__name__ == "MatchValue" and is_union_type(node.value):  # type: ignore[attr-defined]
            tests = True
        elif isinstance(node, ast.Subscript) and (
            (isinstance(node.value, ast.Name) and node.value.id in union_names)
            or (isinstance(node.value, ast.Attribute) and node.value.attr == "Union")
        ):
            building.add(id(node.value))
        elif (
            (isinstance(node, ast.Name) and node.id in union_names | {"_UnionGenericAlias"})
            or (isinstance(node, ast.Attribute) and node.attr in ("Union", "_UnionGenericAlias"))
            or (isinstance(node, ast.Constant) and isinstance(node.value, str) and "typing.Union" in node.value)
        ):
            return False  # code handling typing.Union too
    return tests


def _tests_type_checking(test: ast.expr) -> bool:
    """``TYPE_CHECKING`` or ``typing.TYPE_CHECKING`` (a block never run)."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _well_formed(facts: Any) -> bool:
    return (
        isinstance(facts, list) and len(facts) == 10 and isinstance(facts[0], bool) and isinstance(facts[9], bool)
        and all(
            isinstance(names, list) and all(isinstance(n, str) for n in names) for names in (*facts[1:3], *facts[4:9])
        )
        and isinstance(facts[3], list)
        and all(isinstance(members, list) and all(isinstance(m, str) for m in members) for members in facts[3])
    )


def _read_star_imports(path: str, data: bytes, relative: list[str], absolute: list[str]) -> None:
    for match in _STAR_IMPORT_RE.finditer(data):
        dots, module = len(match.group(1)), match.group(2).decode("ascii", "replace")
        if not dots:
            if module:
                absolute.append(module)
            continue
        base = os.path.dirname(path)
        for _ in range(dots - 1):
            base = os.path.dirname(base)
        relative.append(os.path.join(base, *module.split(".")) if module else base)


# a method of Pydantic v1's model API defined in a class body (Pydantic's own names, as LL203 knows them)
_V1_OVERRIDABLE = (
    "dict", "json", "copy", "schema", "validate", "construct", "from_orm", "parse_obj", "parse_raw",
    "parse_file", "update_forward_refs", "schema_json",
)
# (a literal first: a pattern starting at each line's indentation is tried at every line, far slower)
_V1_OVERRIDE_RE = re.compile(rb"def[ \t]+(?:" + "|".join(_V1_OVERRIDABLE).encode() + rb")[ \t]*\(")


def _parsed(data: bytes) -> ast.Module | None:
    """The file's tree, or None when it does not parse."""
    try:
        return parse_quietly(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _v1_overrides(path: str, data: bytes) -> list[str]:
    """``<method>|<base>`` for each class of the file that defines a method of Pydantic v1's
    model API (``class Secret(Base): def dict(self, **kwargs)``), for each of its bases, as
    :func:`_references` names them: LL203's rename of ``obj.dict()`` on a ``Base``, or on a
    class ``Base`` derives from, would skip it."""
    tree = _parsed(data)
    if tree is None:
        return []
    refer = _references(tree, path)
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        methods = {
            stmt.name for stmt in node.body
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name in _V1_OVERRIDABLE
        }
        if methods and not [base for base in node.bases if not (isinstance(base, ast.Name) and base.id == "object")]:
            # a mixin (`class RedactMixin: def dict(self, **kw): ... super().dict(**kw)`): a
            # model anywhere may take it in, so the override may reach any (marked `*`)
            found.update(f"{method}|*" for method in methods if _calls_super(node, method))
        for base in node.bases if methods else ():
            ref = refer(base)
            if ref:
                found.update(f"{method}|{ref}" for method in methods)
    return sorted(found)


def _calls_super(cls: ast.ClassDef, method: str) -> bool:
    """Does the class's ``method`` call ``super().<method>(...)`` (a mixin's pass-through)?"""
    return any(
        isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == method and any(
            isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == method
            and isinstance(call.func.value, ast.Call) and isinstance(call.func.value.func, ast.Name)
            and call.func.value.func.id == "super"
            for call in ast.walk(stmt)
        )
        for stmt in cls.body
    )


def _references(tree: ast.Module, path: str) -> Callable[[ast.expr], str | None]:
    """How the file names a class (a base, a callee): ``m:<module>.<name>`` for one imported
    absolutely (``from app.schemas.base import Base as SchemaBase``: the alias followed),
    ``p:<path without .py>/<name>`` for one imported relatively or defined in the file; None
    for anything else."""
    imported = _import_map(tree, path)
    own = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    stem = path[: -len(".py")]
    # top-level `SchemaBase = Base`: another name of a class (a name bound once so)
    aliases: dict[str, ast.expr] = {}
    for stmt in tree.body:
        if (
            isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, (ast.Name, ast.Attribute))
        ):
            name = stmt.targets[0].id
            aliases[name] = stmt.value if name not in aliases and name not in own else ast.Constant(None)

    def refer(node: ast.expr, depth: int = 0) -> str | None:
        while isinstance(node, ast.Subscript):  # (`Page[T]`)
            node = node.value
        if isinstance(node, ast.Name) and node.id in aliases and node.id not in imported and depth < 8:
            return refer(aliases[node.id], depth + 1)
        chain: list[str] = []
        while isinstance(node, ast.Attribute):
            chain.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        if node.id in imported:
            kind, start = imported[node.id]
            if kind == "p":
                return "p:" + os.path.join(start, *reversed(chain))
            return "m:" + ".".join((start, *reversed(chain)))
        if not chain and node.id in own:
            return "p:" + os.path.join(stem, node.id)
        return None

    return refer


def _import_map(tree: ast.Module, path: str) -> dict[str, tuple[str, str]]:
    """The file's imported names (anywhere in it): local name -> ("m", dotted name) for an
    absolute import, ("p", path of the module joined with the name) for a relative one."""
    imported: dict[str, tuple[str, str]] = {}
    folder = os.path.dirname(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    imported[alias.asname] = ("m", alias.name)
                else:
                    head = alias.name.split(".")[0]
                    imported[head] = ("m", head)
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name == "*":
                    continue
                local = alias.asname or alias.name
                if node.level:
                    base = folder
                    for _ in range(node.level - 1):
                        base = os.path.dirname(base)
                    imported[local] = ("p", os.path.join(base, *(node.module or "").split("."), alias.name))
                elif node.module:
                    imported[local] = ("m", f"{node.module}.{alias.name}")
    return imported


# what a v1 settings class may use that pydantic-settings reads otherwise (LL206's unsafe cases):
# `Field(..., env=...)` / `alias=`, a `Config` naming variables its own way
_FIELD_ENV_RE = re.compile(rb"\b(?:env|alias)[ \t]*=(?!=)")
_CONFIG_WITH_BASES_RE = re.compile(rb"class Config[ \t]*\([ \t]*\w")
_CONFIG_READING_RE = re.compile(
    rb"\b(?:env_file|fields|parse_env_var|customise_sources|prepare_field|alias_generator)[ \t]*[=(:]"
)


# Pydantic's version read (`from pydantic.version import VERSION`, `pydantic.VERSION`), or a flag
# named for it (`PYDANTIC_V2 = ...`, `IS_PYDANTIC_V2`)
_PYDANTIC_VERSION_RE = re.compile(
    rb"pydantic\.(?:version\b|VERSION\b|__version__)|PYDANTIC_V[12]"  # (HAS_PYDANTIC_V2, PYDANTIC_V2_OR_LATER)
    rb"|\bPYDANTIC_(?:MAJOR_)?VERSION\b|from[ \t]+pydantic[ \t]+import[^\n]*\bVERSION\b"
    rb"|version\([ \t]*[\"']pydantic[\"'][ \t]*\)"  # importlib.metadata's version("pydantic")
)


def _may_read_settings(data: bytes) -> bool:
    """Might the file hold a class reading its settings as pydantic-settings does not (a quick
    look at the text, before parsing it)?"""
    return (
        (b"Field(" in data and _FIELD_ENV_RE.search(data) is not None)
        or (b"class Config" in data and (
            _CONFIG_READING_RE.search(data) is not None or _CONFIG_WITH_BASES_RE.search(data) is not None
        ))
        or b"_env_file" in data
    )


_SETTINGS_CONFIG_NAMES = frozenset({
    "fields", "parse_env_var", "customise_sources", "prepare_field", "alias_generator", "env_file",
})


def _settings_reader_bases(path: str, data: bytes) -> list[str]:
    """The bases (as :func:`_references` names them) of the file's classes that read their
    settings in a way pydantic-settings reads otherwise: a call in the body passing ``env=``
    or ``alias=`` (``Field("sqlite://", env="DB_URL")``), or a ``Config`` (inner class or
    ``Config = X``) naming ``fields``, ``env_file``, ``parse_env_var`` ...; and the classes
    the file calls with ``_env_file=`` (``Settings(_env_file=".env")``): LL206's fix of the
    ``BaseSettings`` import in such a class's module, or a base's, would change what it reads."""
    tree = _parsed(data)
    if tree is None:
        return []
    refer = _references(tree, path)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and any(k.arg == "_env_file" for k in node.keywords):
            ref = refer(node.func)
            if ref:
                found.add(ref)
        if not isinstance(node, ast.ClassDef) or not node.bases or not _reads_settings(node):
            continue
        for base in node.bases:
            ref = refer(base)
            if ref:
                found.add(ref)
    return sorted(found)


def _reads_settings(node: ast.ClassDef) -> bool:
    """Does a class's body read its settings as pydantic-settings does not?"""
    for stmt in node.body:
        if isinstance(stmt, ast.ClassDef) and stmt.name == "Config":
            if stmt.bases or any(  # (`class Config(SharedConfig)`: it may hold anything)
                isinstance(inner, (ast.Assign, ast.AnnAssign, ast.FunctionDef))
                and _SETTINGS_CONFIG_NAMES & _bound_names(inner)
                for inner in stmt.body
            ):
                return True
        elif isinstance(stmt, ast.Assign) and "Config" in _bound_names(stmt):
            return True  # (a Config of another class: it may hold anything)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None and any(
            isinstance(call, ast.Call) and any(k.arg in ("env", "alias") for k in call.keywords)
            for call in ast.walk(stmt.value)
        ):
            return True
    return False


def _bound_names(stmt: ast.stmt) -> set[str]:
    if isinstance(stmt, ast.FunctionDef):
        return {stmt.name}
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]  # type: ignore[attr-defined]
    return {target.id for target in targets if isinstance(target, ast.Name)}


def _configured_factories(path: str, data: bytes) -> list[str]:
    """The imported names the file calls ``.configure(...)`` on with ``expire_on_commit=``
    other than a literal True, or ``**kwargs`` that may hold it (``from app.db import
    SessionLocal`` then ``SessionLocal.configure(bind=engine, expire_on_commit=False)`` at
    startup; ``db.SessionLocal.configure(...)`` of ``from app import db``): LL306 leaves the
    factory so configured alone in its own module. Each as ``m:<module>:<name>`` (imported
    absolutely) or ``p:<path without .py>:<name>`` (relatively). None from a test module
    (``conftest.py``, ``test_*.py``, ``*_test.py``): its fixture configures the factory for
    the tests, production never does."""
    stem = os.path.basename(path)[: -len(".py")]
    if stem.startswith("test_") or stem.endswith("_test") or stem == "conftest":
        return []  # (by its name only: a project may sit in a folder called `tests`)
    tree = _parsed(data)
    if tree is None:
        return []
    imported = _import_map(tree, path)
    found: set[str] = set()
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "configure"
            and any(
                kw.arg is None or (
                    kw.arg == "expire_on_commit"
                    and not (isinstance(kw.value, ast.Constant) and kw.value.value is True)
                )
                for kw in node.keywords
            )
        ):
            continue
        chain: list[str] = []
        receiver = node.func.value
        while isinstance(receiver, ast.Attribute):
            chain.append(receiver.attr)
            receiver = receiver.value
        if not isinstance(receiver, ast.Name) or receiver.id not in imported:
            continue
        kind, start = imported[receiver.id]
        if kind == "p":
            stem, name = os.path.split(os.path.join(start, *reversed(chain)))
            found.add(f"p:{stem}:{name}")
        elif chain or "." in start:  # (`import app` then `app.configure(...)` configures no factory)
            module, name = ".".join((start, *reversed(chain))).rsplit(".", 1)
            found.add(f"m:{module}:{name}")
    return sorted(found)


# -- kept across runs --------------------------------------------------------------

_KEPT_NAME = "project-text.json"
# (22: any name spelling PYDANTIC_V1/2; 21: aliases of bases, mixins; 20: more version
# readers, a Config with bases; 19: test modules by name only; 18: reads Pydantic's version;
# 17: qualified bases of v1 overrides and settings readers; 16: no configures from test
# modules; 15: classes reading settings their own way; 14: v1 model methods defined by
# subclasses; 13: session factories configured by importers; 12: names whose Config is read,
# bases of classes in files spelling `validator(`; 11: typing_utils imported; 10: tests of
# types.UnionType alone; 9: forward references unquoted; 8: annotation text compared; 7:
# Literal values too)
_KEPT_FORMAT = 22


class _Kept:
    folder: Path | None = None
    files: dict[str, Any] = {}
    new: dict[str, Any] = {}  # read since the last take_new() (a worker's, for the main process)
    changed = False


_kept = _Kept()


def keep_in(folder: Path) -> None:
    """Keep the files' facts in ``folder`` (the cache folder) from now on in this process,
    starting from what an earlier run kept there (the first folder asked for wins)."""
    if _kept.folder is not None:
        return
    _kept.folder, _kept.files, _kept.new, _kept.changed = folder, {}, {}, False
    try:
        with open(folder / _KEPT_NAME, "rb") as handle:
            data = json.loads(handle.read())
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return  # none yet, or unreadable: read the files again
    if isinstance(data, dict) and data.get("format") == _KEPT_FORMAT and isinstance(data.get("files"), dict):
        _kept.files = data["files"]


def save() -> None:
    """Write what was read since :func:`keep_in` (whole, to a temporary file renamed over
    the old one: a reader never sees a torn file); entries of files gone are dropped."""
    folder = _kept.folder
    if folder is None or not _kept.changed or not folder.is_dir():
        return
    files = {path: entry for path, entry in _kept.files.items() if os.path.isfile(path)}
    try:
        write_json_atomically(folder / _KEPT_NAME, {"format": _KEPT_FORMAT, "files": files})
    except OSError:
        return  # (a cache that cannot be written costs a re-reading, nothing more)
    _kept.files, _kept.changed = files, False


def take_new() -> dict[str, Any]:
    """The entries read since the last call (a pool worker's, sent to the main process:
    workers forked after :func:`keep_in` keep the facts too, but only the main process saves)."""
    new, _kept.new = _kept.new, {}
    return new


def add(entries: dict[str, Any]) -> None:
    """Keep entries another process read (:func:`take_new`)."""
    if _kept.folder is not None and entries:
        _kept.files.update(entries)
        _kept.changed = True


def forget() -> None:
    """Stop keeping the facts (at the start of a run, which keeps them again in its cache)."""
    _kept.folder, _kept.files, _kept.new, _kept.changed = None, {}, {}, False


clear_too(project_text.cache_clear)
clear_too(forget)  # (a run starts afresh; its cache, if any, keeps the facts again)

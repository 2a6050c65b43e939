"""LL501/LL502 fixes in a project whose own code tells `Optional[X]` from `X | None` by
origin (facts/union_inspection.py): unsafe there, applied only with --unsafe-fixes.

(Not fixtures: a fixture's header would spell the union test itself.)"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from harness import write_project
from layerlint.cli import main

SEARCH = "from typing import Optional\n\n\ndef search(query: Optional[str] = None) -> str:\n    return query or ''\n"
PYPROJECT = '[project]\nname = "x"\nrequires-python = ">=3.10"\n\n[tool.layerlint]\nselect = ["LL501"]\n'

DIRECT = 'from typing import Union\n\n\ndef optional(a) -> bool:\n    return getattr(a, "__origin__", None) is Union\n'
# sqlmesh: the origin read into a variable, then tested
THROUGH_A_VARIABLE = (
    "import typing as t\n\n\ndef concrete(hint):\n    origin = t.get_origin(hint)\n"
    "    if origin is t.Union:\n        return set(t.get_args(hint))\n    return {hint}\n"
)
REVERSED = "from typing import Union, get_origin\n\n\ndef optional(a) -> bool:\n    return Union is not get_origin(a)\n"
MEMBERSHIP = (
    "import typing as tp\n\n\ndef optional(fn):\n    hints = tp.get_type_hints(fn)\n"
    "    return [k for k, v in hints.items() if tp.get_origin(v) in (tp.Union,)]\n"
)
ALIASED = "from typing import Union as U, get_origin\n\n\ndef optional(a) -> bool:\n    return get_origin(a) is U\n"
# bentoml: UnionType named for annotations only, under TYPE_CHECKING; and in prose
TYPE_CHECKING_ONLY = (
    "import typing as t\n\nif t.TYPE_CHECKING:\n    from types import UnionType\n\n    AnyType = type | UnionType\n\n\n"
    "def is_optional(tp) -> bool:\n    return t.get_origin(tp) is t.Union\n"
)
IN_PROSE = (
    'from typing import Union, get_origin\n\n\ndef choices(tp):\n    """Not `X | Y`: a UnionType is not seen."""\n'
    "    # (nor is a UnionType here)\n    return get_origin(tp) is not Union\n"
)
# browser-use: UnionType in an annotation only, beside a test of Union alone
IN_AN_ANNOTATION = (
    "import inspect\nfrom types import UnionType\nfrom typing import Union, get_origin\n\n\n"
    "def expected() -> dict[str, type | UnionType | None]:\n    return {}\n\n\n"
    "def check(func, hint: UnionType = None) -> bool:\n"
    "    return all(get_origin(p.annotation) is Union for p in inspect.signature(func).parameters.values())\n"
)
# sglang: annotations read as text (a future-import module's) and compared with "Optional[...]"
ANNOTATION_TEXT = (
    "import inspect\n\n\ndef dynamic_args(fn) -> list:\n    params = inspect.signature(fn).parameters\n"
    '    return [n for n, p in params.items() if p.annotation in ("torch.Tensor", "Optional[torch.Tensor]")]\n'
)
BOTH_IN_A_TUPLE = (
    "from types import UnionType\nfrom typing import Union, get_origin\n\nUNIONS = (Union, UnionType)\n\n\n"
    "def is_union(a) -> bool:\n    return get_origin(a) in UNIONS\n"
)
BOTH_FORMS = (
    "import types\nfrom typing import Union, get_origin\n\n\ndef is_union(a) -> bool:\n"
    "    return get_origin(a) is Union or get_origin(a) is types.UnionType\n"
)
NO_ORIGIN = "from typing import Union\n\n\ndef pick(a) -> bool:\n    return a is Union\n"
# dishka: `X | None` tested for alone, which `Optional[X]` becomes after the fix
UNION_TYPE_ALONE = (
    "import types\nfrom typing import get_origin, get_type_hints\n\n\ndef nullable(fn) -> list:\n"
    "    return [k for k, v in get_type_hints(fn).items() if get_origin(v) is types.UnionType]\n"
)
UNION_TYPE_INSTANCE = (
    "from types import UnionType\nfrom typing import Union\n\n\ndef nullable(hint: Union[int, str]) -> bool:\n"
    "    return isinstance(hint, UnionType)\n"
)
# anthropic: `X | Y` turned into the equal typing.Union (named unsubscripted, in a call)
UNION_TYPE_TO_UNION = (
    "import types\nfrom typing import Any, Union, cast, get_args\n\n\ndef key(union):\n"
    "    if isinstance(union, types.UnionType):\n        return cast(Any, Union)[get_args(union)]\n    return union\n"
)
# datamodel-code-generator, prisma's mypy plugin: a class of their own (or mypy's) so named
OWN_UNION_TYPE = (
    "from mypy.types import UnionType\n\n\nclass Node:\n    pass\n\n\n"
    "def members(node) -> bool:\n    return isinstance(node, UnionType)\n"
)
# rasa: typing_utils' issubtype (0.1.0) takes `T` for a subtype of `Optional[T]`, not of `T | None`
TYPING_UTILS = (
    "import typing\n\nimport typing_utils\n\n\ndef fits(fn, value_type) -> bool:\n"
    "    return typing_utils.issubtype(value_type, typing.get_type_hints(fn)['x'])\n"
)
TYPING_UTILS_FROM = "from typing_utils import issubtype\n\n\ndef fits(a, b) -> bool:\n    return issubtype(a, b)\n"
TYPING_UTILS_IN_PROSE = '"""Unlike typing_utils, this module reads both forms."""\n# import typing_utils\nX = 1\n'
UNION_TYPE_AND_UNION = (
    "import types\nimport typing\n\nUNIONS = {typing.Union, types.UnionType}\n\n\n"
    "def nullable(origin) -> bool:\n    return origin is types.UnionType or origin in UNIONS\n"
)


def _run(*args: str):
    return CliRunner().invoke(main, ["check", "--jobs", "1", "--no-cache", *args, "app"])


def _marks() -> list[str]:
    result = _run("--output-format", "json")
    assert result.exit_code == 1, result.output
    return [finding["fix"]["applicability"] for finding in json.loads(result.output)]


@pytest.mark.parametrize(
    "schema",
    [
        DIRECT, THROUGH_A_VARIABLE, REVERSED, MEMBERSHIP, ALIASED, TYPE_CHECKING_ONLY, IN_PROSE, IN_AN_ANNOTATION,
        ANNOTATION_TEXT, UNION_TYPE_ALONE, UNION_TYPE_INSTANCE, TYPING_UTILS, TYPING_UTILS_FROM,
    ],
    ids=[
        "direct", "variable", "reversed", "membership", "aliased", "type-checking-only", "in-prose",
        "in-an-annotation", "annotation-text", "union-type-alone", "union-type-instance", "typing-utils",
        "typing-utils-from",
    ],
)
def test_a_union_test_elsewhere_makes_the_fix_unsafe(tmp_path, monkeypatch, schema):
    root = write_project(tmp_path, monkeypatch, {"app/tools/base.py": SEARCH, "app/tools/schema.py": schema}, PYPROJECT)
    assert _marks() == ["unsafe"]
    _run("--fix")
    assert (root / "app" / "tools" / "base.py").read_text() == SEARCH
    _run("--fix", "--unsafe-fixes")
    assert "query: str | None = None" in (root / "app" / "tools" / "base.py").read_text()


@pytest.mark.parametrize(
    "schema",
    [
        BOTH_FORMS, BOTH_IN_A_TUPLE, NO_ORIGIN, UNION_TYPE_AND_UNION, UNION_TYPE_TO_UNION, OWN_UNION_TYPE,
        TYPING_UTILS_IN_PROSE, "X = 1\n",
    ],
    ids=[
        "both-forms", "tuple", "no-origin", "union-type-and-union", "union-type-to-union", "own-union-type",
        "typing-utils-in-prose", "none",
    ],
)
def test_otherwise_the_fix_stays_safe(tmp_path, monkeypatch, schema):
    write_project(tmp_path, monkeypatch, {"app/tools/base.py": SEARCH, "app/tools/schema.py": schema}, PYPROJECT)
    assert _marks() == ["safe"]


# xinference: a plain signature's Optional[Union[int, str]], and a v1 field written str-first
# elsewhere, which typing handed the int-first union made first (facts/union_inspection.py)
SIZES = (
    "from typing import Optional, Union\n\n\n"
    "def describe(size: Optional[Union[int, str]] = None) -> str:\n    return str(size)\n\n\n"
    "def scale(factor: Optional[Union[bool, float]] = None) -> str:\n    return str(factor)\n"
)
# anthropic: a Literal's values in two orders; typing hands back the equal one made first
SPEEDS = (
    "from typing import Literal, Optional\n\n\n"
    "def usage(speed: Optional[Literal['fast', 'standard']] = None) -> None:\n    pass\n\n\n"
    "def mode(kind: Optional[Literal['a', 'b']] = None) -> None:\n    pass\n"
)
# esmerald: the union inside a member (typing caches `Optional[X]` as an equal X made first,
# its inner union in the other order), written elsewhere with a forward reference
NESTED = (
    "from typing import Optional, Union\n\n\n"
    "def describe(size: Optional[list[Union[int, str]]] = None) -> str:\n    return str(size)\n\n\n"
    "def scale(factor: Optional[dict[str, Union[bool, float]]] = None) -> str:\n    return str(factor)\n"
)
BARS = (
    "from typing import Optional\n\n\n"
    "def describe(size: Optional[int | str] = None) -> str:\n    return str(size)\n\n\n"
    "def scale(factor: Optional[bool | float] = None) -> str:\n    return str(factor)\n"
)
PROJECT_503 = PYPROJECT.replace('"LL501"', '"LL501", "LL502"')


ANOTHER_ORDER = {(4, "unsafe"), (8, "safe")}
ONE_ORDER = {(4, "safe"), (8, "safe")}


@pytest.mark.parametrize(
    ("checked", "elsewhere", "marks"),
    [
        (SIZES, "from typing import Optional, Union\n\nSIZE = Optional[Union[str, int]]\n", ANOTHER_ORDER),
        (SIZES, "from typing import List\n\nSIZES = List[str | int]\n", ANOTHER_ORDER),  # `|` in a subscript
        (SIZES, "from typing import Union\n\nSIZE = Union[\n    str,\n    int,\n    None,\n]\n", ANOTHER_ORDER),
        (SPEEDS, 'from typing import Literal, Optional\n\nSPEED = Optional[Literal["standard", "fast"]]\n', ANOTHER_ORDER),
        (SIZES, "from typing import Optional, Union\n\nSIZE = Optional[Union[int, str]]\n", ONE_ORDER),
        (SIZES, "SIZE = str | int\n", ONE_ORDER),  # alone, outside a subscript: a union typing does not cache
        (SIZES, "MASK = READ | WRITE\n", ONE_ORDER),
        (NESTED, "from typing import Optional, Union\n\nSIZES = Optional[list[Union[str, int]]]\n", ANOTHER_ORDER),
        (NESTED, "from typing import Optional, Union\n\nSIZES = Optional[list[Union['str', int]]]\n", ANOTHER_ORDER),
        (NESTED, "from typing import Optional, Union\n\nSIZES = Optional[list[Union[int, str]]]\n", ONE_ORDER),
        (BARS, "from typing import Optional\n\nSIZE = Optional[str | int]\n", ANOTHER_ORDER),
        (BARS, "from typing import Optional\n\nSIZE = Optional[int | str]\n", ONE_ORDER),
        (SIZES, "from typing import Optional, Union\n\nSIZE = Optional[Union['str', int]]\n", ANOTHER_ORDER),
    ],
    ids=[
        "union", "bar-in-subscript", "multiline", "literal", "same-order", "bar-alone", "bitwise", "nested",
        "nested-forward-reference", "nested-same-order", "bar-in-optional", "bar-in-optional-same-order",
        "forward-reference",
    ],
)
def test_a_union_written_in_another_order_elsewhere_makes_its_fix_unsafe(tmp_path, monkeypatch, checked, elsewhere, marks):
    write_project(tmp_path, monkeypatch, {"app/services/checked.py": checked, "app/schemas/spec.py": elsewhere}, PROJECT_503)
    result = _run("--output-format", "json")
    found = json.loads(result.output)
    assert {(f["location"]["row"], f["fix"]["applicability"]) for f in found if "checked" in f["filename"]} == marks


# a project without pyproject.toml: its folder is the one holding its setup.py, setup.cfg or
# requirements.txt (at or below the working folder), whose other packages are read too (a
# union test in `common/`)
@pytest.mark.parametrize(
    ("marker", "mark"),
    [("requirements.txt", "unsafe"), ("setup.py", "unsafe"), ("setup.cfg", "unsafe"), (None, "safe")],
    ids=["requirements", "setup-py", "setup-cfg", "no-marker"],
)
def test_without_pyproject_the_project_folder_is_the_one_with_its_dependency_file(tmp_path, monkeypatch, marker, mark):
    files = {
        "app/__init__.py": "", "app/tools/__init__.py": "", "app/tools/base.py": SEARCH,
        "common/__init__.py": "", "common/schema.py": DIRECT,
    }
    if marker:
        files[marker] = ""
    root = tmp_path / "proj"  # (alone in its folder: no other test's folder beside it)
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    monkeypatch.chdir(tmp_path)  # (a working folder above: the marker counts, the folder is not read)
    result = CliRunner().invoke(
        main, ["check", "--jobs", "1", "--no-cache", "--select", "LL501", "--output-format", "json", str(root / "app")]
    )
    assert [finding["fix"]["applicability"] for finding in json.loads(result.output)] == [mark]


def test_a_dependency_file_above_the_working_folder_marks_no_project(tmp_path, monkeypatch):
    files = {
        "requirements.txt": "", "proj/app/__init__.py": "", "proj/app/tools/__init__.py": "",
        "proj/app/tools/base.py": SEARCH, "proj/common/__init__.py": "", "proj/common/schema.py": DIRECT,
    }
    for relative, text in files.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(text)
    monkeypatch.chdir(tmp_path / "proj")  # (~/requirements.txt, run in ~/proj: only its top package is read)
    result = CliRunner().invoke(main, ["check", "--jobs", "1", "--no-cache", "--select", "LL501", "--output-format", "json", "app"])
    assert [finding["fix"]["applicability"] for finding in json.loads(result.output)] == ["safe"]

"""LL501/LL502 fixes: target versions, stubs, layout, and, above all, that the fixed
module still runs and means the same (checked by executing generated modules)."""

from __future__ import annotations

import textwrap
import typing

from hypothesis import HealthCheck, assume, given, settings, strategies as st

from harness import scratch_path
from layerlint.config import Settings
from layerlint.diagnostics import FIX_SAFE, FIX_UNSAFE
from layerlint.engine import lint_source
from layerlint.fixer import fix_text

MODERN = Settings()  # target 3.10
OLD = Settings(target_version=(3, 9))


def fixes(source: str, settings: Settings = MODERN, path: str = scratch_path("m.py")) -> list[tuple[int, str, str | None]]:
    result = lint_source(textwrap.dedent(source), path, settings)
    return [(d.line, d.code, d.fix) for d in result.diagnostics]


def fixed(source: str, settings: Settings = MODERN, unsafe: bool = False, path: str = scratch_path("m.py")) -> str:
    outcome = fix_text(textwrap.dedent(source), path, settings, unsafe=unsafe)
    assert outcome.error is None and outcome.warning is None
    return outcome.text


def test_below_310_only_annotations_under_future_import_and_unsafe():
    plain = "from typing import Optional\n\ndef f(x: Optional[int]): ...\n"
    assert fixes(plain, OLD) == [(3, "LL501", None)]
    future = "from __future__ import annotations\n" + plain
    assert fixes(future, OLD) == [(4, "LL501", FIX_UNSAFE)]
    assert fixes("from __future__ import annotations\nfrom typing import Optional\nA = Optional[int]\n", OLD) == [
        (3, "LL501", None)
    ]
    assert "x: int | None" in fixed(future, OLD, unsafe=True)


def test_below_310_no_fix_where_an_annotation_is_evaluated_at_import():
    source = """\
        from __future__ import annotations

        import functools
        from typing import Optional

        from fastapi import APIRouter
        from sqlalchemy.orm import DeclarativeBase, Mapped

        router = APIRouter()


        class Base(DeclarativeBase):
            pass


        class Widget(Base):
            label: Mapped[Optional[str]]


        class Plain:
            label: Optional[str] = None

            @property
            def size(self) -> Optional[int]: ...


        @router.get("/")
        async def read(q: Optional[str] = None) -> Optional[str]:
            local: Optional[int] = None
            return q


        @functools.lru_cache(maxsize=8)
        def cached(q: Optional[str]) -> Optional[str]: ...
        """
    assert fixes(source, OLD) == [
        (17, "LL501", None),  # SQLAlchemy evaluates Mapped[...] when it maps the class
        (21, "LL501", FIX_UNSAFE),  # a class without bases: nothing reads it at import
        (24, "LL501", FIX_UNSAFE),
        (28, "LL501", None),  # FastAPI reads the signature when the route is added
        (28, "LL501", None),
        (29, "LL501", FIX_UNSAFE),  # a variable annotation is never evaluated
        (34, "LL501", FIX_UNSAFE),
        (34, "LL501", FIX_UNSAFE),
    ]
    assert [fix for _, _, fix in fixes(source)] == [FIX_SAFE] * 8


def test_below_310_no_fix_in_the_signature_of_a_function_declaring_fastapi_params():
    # an endpoint or dependency registered by a call: FastAPI still evaluates its signature
    source = """\
        from __future__ import annotations

        from typing import Annotated, Optional, Union

        from fastapi import Body, Query


        async def ask(question: str = Body(...), limit: Optional[int] = Body(None)) -> Optional[dict]:
            hint: Optional[int] = None
            return None


        def pick(kind: Annotated[Union[str, None], Query()] = None): ...


        def plain(limit: Optional[int] = None): ...
        """
    assert fixes(source, OLD) == [
        (8, "LL501", None),
        (8, "LL501", None),
        (9, "LL501", FIX_UNSAFE),  # a variable annotation is never evaluated
        (13, "LL502", None),
        (16, "LL501", FIX_UNSAFE),
    ]
    assert [fix for _, _, fix in fixes(source)] == [FIX_SAFE] * 5  # `int | None` runs on 3.10+
    assert "limit: int | None = Body(None)" in fixed(source, unsafe=True)


def test_stub_files_are_always_safe_and_unquote():
    stub = 'from typing import Optional, Union\n\nA = Optional["User"]\ndef f(x: Union["User", int, None]) -> Optional[int]: ...\n'
    assert [fix for _, _, fix in fixes(stub, path=scratch_path("m.pyi"))] == [FIX_SAFE] * 3
    assert fixed(stub, path=scratch_path("m.pyi")) == "A = User | None\ndef f(x: User | int | None) -> int | None: ...\n"


def test_multiline_subscripts_without_comments_are_fixed_and_stay_valid():
    assert fixed("""\
        from typing import Optional, Union

        class M:
            labels: Optional[
                list[str]
            ] = None
            either: Union[
                int,
                str,
                None,
            ] = None
            spread: Optional[int |
                             str] = None
        """) == (
        "class M:\n    labels: list[str] | None = None\n    either: int | str | None = None\n"
        "    spread: (int |\n                     str | None) = None\n"
    )


def test_a_quoted_signature_under_the_future_import_stays_safe():
    # every annotation is a string already there: quoting the whole one changes nothing
    source = """\
        from __future__ import annotations

        from typing import Optional

        def f(u: Optional["User"]) -> Optional["User"]:
            return u
        """
    assert [fix for _, _, fix in fixes(source)] == [FIX_SAFE, FIX_SAFE]
    assert 'def f(u: "User | None") -> "User | None":' in fixed(source)


def test_forward_references_by_position():
    source = """\
        from typing import Optional, cast

        def f(u: Optional["User"], v: list[Optional["User"]]) -> Optional["User"]:
            return cast(Optional["User"], u)

        class M:
            u: Optional["User"] = None

        Alias = Optional["User"]
        """
    # (a signature's quoted whole annotation is unsafe without the future import: a string
    # that `inspect.signature(f, eval_str=True)` evaluates, where it left a ForwardRef alone)
    assert [fix for _, _, fix in fixes(source)] == [FIX_UNSAFE, None, FIX_UNSAFE, FIX_SAFE, FIX_UNSAFE, None]
    assert fixed(source, unsafe=True) == textwrap.dedent("""\
        from typing import Optional, cast

        def f(u: "User | None", v: list[Optional["User"]]) -> "User | None":
            return cast("User | None", u)

        class M:
            u: "User | None" = None

        Alias = Optional["User"]
        """)


def test_none_keeps_its_place_among_the_members():
    source = """\
        from typing import Union, cast

        class Resp:
            sub: Union[None, "Sub"] = None

        def parse(raw) -> Union[None, int, float]:
            return cast(Union[None, "Sub"], raw)
        """
    # (code walking get_args() in order, as Stainless's construct_type does, sees the same)
    assert fixed(source, unsafe=True) == textwrap.dedent("""\
        from typing import cast

        class Resp:
            sub: "None | Sub" = None

        def parse(raw) -> None | int | float:
            return cast("None | Sub", raw)
        """)
    namespace: dict = {}
    exec("class Sub: pass\nvalue = None | Sub", namespace)
    assert typing.get_args(namespace["value"]) == (type(None), namespace["Sub"])


def test_a_quoted_variable_annotation_in_a_function_body_is_never_evaluated():
    source = """\
        from typing import Optional

        class Recorder:
            def __init__(self, writer: Optional["Writer"] = None) -> None:
                self.writer: Optional["Writer"] = writer
                pending: Optional["Writer"] = None
        """
    # (the signature's is evaluated at the `def`: unsafe, as above; the body's never are)
    assert [fix for _, _, fix in fixes(source)] == [FIX_UNSAFE, FIX_SAFE, FIX_SAFE]


def test_names_that_are_not_types_and_odd_members_are_not_fixed():
    source = """\
        from typing import Optional, Union

        def helper(): ...
        LABEL = "User"

        def f(a: Optional[helper], b: Optional[LABEL], c: Union[int, None, None], d: Optional["a" "b"],
              e: Optional[f"x"], g: Optional['List["X"]'], h: Optional[None]): ...
        """
    assert [fix for _, _, fix in fixes(source)] == [None] * 7


def test_typing_extensions_and_aliases_are_resolved():
    source = """\
        import typing_extensions as te
        from typing_extensions import Union as U

        def f(a: te.Optional[int], b: U[int, None]): ...
        """
    assert fixed(source) == "def f(a: int | None, b: int | None): ...\n"


# -- the fixed module runs and means the same ---------------------------------------------

LEAVES = ["int", "str", '"Fwd"', "Fwd", "List[int]", 'List["Fwd"]', 'Literal["a", "b"]', "Any", '"Fwd"']


def _wrapped(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        inner.map(lambda x: f"Optional[{x}]"),
        st.tuples(inner, inner).map(lambda xy: f"Union[{xy[0]}, {xy[1]}, None]"),
        st.tuples(inner, inner).map(lambda xy: f"Union[None, {xy[0]}, {xy[1]}]"),
        inner.map(lambda x: f"te.Optional[{x}]"),
        inner.map(lambda x: f"Dict[str, Optional[{x}]]"),
        inner.map(lambda x: f"List[Union[{x}, None]]"),
    )


_LEAF = st.sampled_from(LEAVES)
_INNER = st.one_of(
    _LEAF,
    _LEAF,
    _wrapped(_LEAF),
    _LEAF.map(lambda x: f"Dict[str, {x}]"),
    st.tuples(_LEAF, _LEAF).map(lambda xy: f"Union[{xy[0]}, {xy[1]}]"),  # flattened into the `|` chain
)
TYPE = st.one_of(_wrapped(_INNER), _LEAF)  # mostly something to fix


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    future=st.booleans(),
    unsafe=st.booleans(),
    param=TYPE,
    ret=TYPE,
    attr=TYPE,
    local=TYPE,
    alias=TYPE,
    casted=TYPE,
)
def test_fixed_modules_still_run_and_mean_the_same(future, unsafe, param, ret, attr, local, alias, casted):
    source = (
        ("from __future__ import annotations\n" if future else "")
        + "from typing import Any, Dict, List, Literal, Optional, Union, cast\n"
        + "import typing_extensions as te\n\n\n"
        + f"def f(p: {param}) -> {ret}:\n"
        + f"    v: {local} = None\n"
        + f"    return cast({casted}, p)\n\n\n"
        + f"class C:\n    a: {attr}\n\n\n"
        + f"ALIAS = {alias}\n"
    )
    original = _run(source)
    assume(original is not None)  # the generated module must run to begin with
    outcome = fix_text(source, scratch_path("generated.py"), MODERN, unsafe=unsafe)
    assert outcome.error is None and outcome.warning is None, outcome.error or outcome.warning
    result = _run(outcome.text)
    assert result is not None, f"fixed module fails:\n{outcome.text}"
    assert result == original, f"meaning changed:\n{source}\n---\n{outcome.text}"
    again = fix_text(outcome.text, scratch_path("generated.py"), MODERN, unsafe=unsafe)
    assert again.text == outcome.text


class Fwd:
    """The forward-referenced class (one object, so both runs' hints compare equal)."""


def _run(source: str):
    """Import-time behaviour (Fwd not defined yet, as a forward reference), then the
    resolved hints (Fwd defined, as at the end of the module), the alias, a call."""
    namespace: dict = {"__name__": "generated"}
    try:
        exec(compile(source, "<generated>", "exec", dont_inherit=True), namespace)
        namespace["Fwd"] = Fwd
        hints_f = typing.get_type_hints(namespace["f"], namespace)
        hints_c = typing.get_type_hints(namespace["C"], namespace)
        return hints_f, hints_c, namespace["ALIAS"], namespace["f"](None)
    except Exception:  # noqa: BLE001 - any failure: the module does not run
        return None


def test_the_import_goes_when_its_name_is_left_only_in_text_for_people():
    # `title="Optional"` is a label, not a string annotation: keeping the import left an F401
    source = """\
        from typing import Optional

        from pydantic import BaseModel, Field


        class Slot(BaseModel):
            required: bool = Field(title="Optional", description="Union")
            note: Optional[str] = None

        CHOICES = dict(name="optional", label="Optional")
        """
    result = fixed(source)
    assert "from typing import" not in result
    assert "note: str | None = None" in result
    # a string annotation elsewhere still keeps it
    assert "from typing import Optional" in fixed(source + 'hint: "Optional[int]" = None\n')


def test_removing_the_first_import_leaves_no_blank_line_at_the_top():
    source = "from typing import Optional\n\nfrom pydantic import BaseModel\n\n\nclass A(BaseModel):\n    x: Optional[int] = None\n"
    assert fixed(source).startswith("from pydantic import BaseModel\n\n\nclass A(BaseModel):\n    x: int | None = None")
    # a comment above the next statement stays
    commented = source.replace("\nfrom pydantic", "\n# models\nfrom pydantic")
    assert fixed(commented).startswith("# models\nfrom pydantic import BaseModel\n")


def test_none_inside_a_nested_union_is_written_once():
    """`Union[None, Union[None, int], "Fwd"]` (found by the generated modules above): fixing
    the inner union, then the outer, wrote `"None | None | int | Fwd"`, whose evaluation
    raises TypeError where `None | (None | int)` did not."""
    source = (
        "from typing import Optional, Union, cast\n\n\n"
        "def f(p: Optional[int]) -> Optional[int]:\n    return cast(Optional[int], p)\n\n\n"
        'class C:\n    a: Union[None, Union[None, int, int], "Fwd"]\n    b: Union[None, None | int, str]\n\n\n'
        "ALIAS = Optional[int]\n"
    )
    original = _run(source)
    assert original is not None
    outcome = fix_text(source, scratch_path("generated.py"), MODERN, unsafe=True)
    assert outcome.error is None, outcome.error
    assert 'a: "None | int | int | Fwd"' in outcome.text
    assert "b: None | int | str" in outcome.text
    assert _run(outcome.text) == original


def test_no_fix_beside_a_union_of_one_forward_reference():
    # typing makes `Union["Fwd"]` (`Union["Fwd", "Fwd"]`) the ForwardRef itself, which has no
    # `|` on Python 3.10: `Union["Fwd"] | None` raised TypeError there (found by the
    # generated-module test run on 3.10)
    source = """\
        from typing import Dict, Optional, Union, cast

        def f(p):
            return cast(Dict[str, Optional[Union["Fwd", "Fwd"]]], p), cast(Optional[Union["Fwd"]], p)
    """
    assert fixes(source) == [(4, "LL501", None), (4, "LL501", None)]
    nested = source.replace('Optional[Union["Fwd"]]', 'Optional[Union[Union["Fwd"]]]')
    assert fixes(nested) == [(4, "LL501", None), (4, "LL501", None)]
    assert fixes(source.replace('Union["Fwd", "Fwd"]', 'Union["Fwd", "Other"]')) == [
        (4, "LL501", FIX_SAFE), (4, "LL501", None)
    ]

"""Needles (``Rule.needles``) only save work: with the walk focused on the lines they
match, every rule reports exactly what it reports when it walks everywhere.

Checked on every fixture file (each with all rules, opt-in ones too) and on files
written to defeat the needles: aliases, names split across lines, nested imports.
The corpus test checks the same on real code.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from layerlint import engine
from layerlint.config import find_project_root, load_settings
from layerlint.registry import all_codes
from layerlint.spelling import WordIndex, names_text
from layerlint.walk import Lines, walk

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_FILES = sorted(
    p for folder in (ROOT / "tests" / "fixtures", ROOT / "fixtures") for p in folder.rglob("*.py")
    if not p.name.endswith(".fixed.py")
)
EVERY_CODE = frozenset(all_codes())


def findings(path: Path, data: bytes, focus: bool, monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    monkeypatch.setattr(engine, "FOCUS", focus)
    settings = load_settings(find_project_root(path.parent))
    result = engine.lint_source(data, str(path), settings, codes=EVERY_CODE)
    assert not result.errors, result.errors
    return [(d.code, d.line, d.col, d.end_line, d.end_col, d.message, d.fix) for d in result.diagnostics]


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_focused_walk_finds_what_the_full_walk_finds(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = path.read_bytes()
    assert findings(path, data, True, monkeypatch) == findings(path, data, False, monkeypatch)


TRICKY = {
    "aliases.py": """
        from typing import Optional as Opt, Union as U
        import typing as t
        from fastapi import APIRouter, HTTPException as HE
        from fastapi.responses import JSONResponse as JR

        router = APIRouter()

        def f(a: Opt[int], b: t.Optional[str], c: U[int, None]) -> t.Union[
            int,
            None,
        ]:
            raise HE(
                404,
            )

        @router.get("/x",
            status_code=200)
        def g():
            return JR({}, 201)
    """,
    "nested_import.py": """
        def f(x):
            from typing import Optional as Maybe
            y: Maybe[int] = None
            return y
    """,
    # (an import on a line continuing a class's first line binds the name in that class body)
    "continued_line.py": "from pydantic import BaseModel\n\nclass A(BaseModel): \\\nfrom pydantic import validator as v; "
    "check = v('x', allow_reuse=True)\n",
    "nfkc.py": """
        from pydantic import BaseModel

        class M(BaseModel):
            x: int

        def f(m: M):
            m.dict()
            return m.\uff44ict()
    """,
    "sqlalchemy_aliases.py": """
        from datetime import datetime
        from sqlalchemy import Column as Col, DateTime
        from sqlalchemy.ext.asyncio import AsyncSession
        from sqlalchemy.orm import declarative_base as make_base, relationship as rel, sessionmaker as factory

        Base = make_base()
        Session = factory(
            class_=AsyncSession,
        )


        class User(Base):
            __tablename__ = "users"
            created = Col(
                DateTime,
                default=datetime.utcnow,
            )
            posts = rel(
                "Post",
                backref="author",
            )


        def session_factory(engine):
            from sqlalchemy.ext.asyncio import async_sessionmaker as make
            return make(
                engine,
            )
    """,
    "scoped_http_import.py": """
        from fastapi import APIRouter

        router = APIRouter()
        setup()


        @router.get("/a")
        def a():
            from fastapi import HTTPException

            class Gone(HTTPException):
                pass

            raise Gone(status_code=404)
    """,
    "scoped_session_import.py": """
        from fastapi import APIRouter

        router = APIRouter()


        @router.get("/a")
        def a():
            from app.db import SessionLocal

            with SessionLocal() as session:
                return session
    """,
    "rename_across_lines.py": "from typing import (Optional  # maybe\n    as Opt, Union \\\n as U)\n"
    "from fastapi.responses import (JSONResponse\n  as JR)\n\n"
    "def f(a: Opt[int], b: U[int, None]):\n    return JR(a, status_code=200)\n",
    "not_ascii_alias.py": "# caf\u00e9\nfrom typing import \uff2fptional as Opt\n\ndef f(a: Opt[int], b: Optional[str]):\n    return a\n",
    "crlf.py": "from typing import Optional\r\n\r\ndef f(a: Optional[int]):\r\n    return a\r\n",
    "lone_cr.py": "from typing import Optional\r\rdef f(a: Optional[int]):\r    return a\r",
}


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_focus_survives_aliases_line_breaks_and_nested_imports(name: str, tmp_path: Path, monkeypatch) -> None:
    text = TRICKY[name]
    text = textwrap.dedent(text) if text.startswith("\n") else text
    path = tmp_path / name
    path.write_bytes(text.encode())
    focused = findings(path, path.read_bytes(), True, monkeypatch)
    assert focused, "the file was written to have findings"
    assert focused == findings(path, path.read_bytes(), False, monkeypatch)


def test_focused_walk_enters_touching_nodes_and_their_ancestors_only() -> None:
    source = textwrap.dedent("""
        def f():
            a = 1
            if a:
                b = g(2)
            return h(3)
    """)
    tree = ast.parse(source)
    calls: list[int] = []
    functions: list[str] = []
    walk(
        tree,
        {ast.Call: [lambda n: calls.append(n.lineno)], ast.FunctionDef: [lambda n: functions.append(n.name)]},
        {},
        focus=Lines(source.count("\n") + 1, [5]),
        unfocused=[ast.FunctionDef],
    )
    assert calls == [5]  # g(2) on line 5; h(3) on line 6 is not entered
    assert functions == ["f"]
    calls.clear()
    walk(tree, {ast.Call: [lambda n: calls.append(n.lineno)]}, {}, focus=Lines(7, []), unfocused=[])
    assert calls == []
    walk(tree, {ast.Call: [lambda n: calls.append(n.lineno)]}, {}, focus=Lines(7, []), unfocused=[ast.Call])
    assert calls == [5, 6]


def test_lines_touches() -> None:
    lines = Lines(10, [3, 7])
    assert lines.touches(1, 3) and lines.touches(3, 3) and lines.touches(4, 8)
    assert not lines.touches(1, 2) and not lines.touches(4, 6) and not lines.touches(8, 10)


def test_a_decorator_line_brings_its_definition_into_focus() -> None:
    source = "@register(\n    'x')\ndef f():\n    pass\n\n@other\nclass C:\n    pass\n"
    tree = ast.parse(source)
    entered: list[str] = []
    record = [lambda n: entered.append(n.name)]
    walk(tree, {ast.FunctionDef: record, ast.ClassDef: record}, {}, focus=Lines(9, [2]), unfocused=[])
    assert entered == ["f"]  # `def f` is line 3, its decorator spans lines 1-2


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_nested_imports_found_from_their_lines_are_all_of_them(path: Path) -> None:
    from layerlint.context import FileContext
    from layerlint.walk import nodes_of

    source = engine.decode_source(path.read_bytes())
    try:
        tree = ast.parse(source)
    except SyntaxError:
        pytest.skip("does not parse")
    ctx = FileContext(str(path), source, tree, load_settings(None))
    top = {id(node) for node in tree.body}
    expected = [node for node in nodes_of(tree, ast.Import, ast.ImportFrom) if id(node) not in top]
    assert ctx.nested_imports == expected


def test_lines_hold_a_definition_by_its_decorators_too() -> None:
    tree = ast.parse("@register(\n    'x')\ndef f():\n    pass\n")
    assert Lines(5, [2]).holds(tree.body[0]) and not Lines(5, [5]).holds(tree.body[0])


@pytest.mark.parametrize(
    ("source", "renamed"),
    [
        ("from typing import Optional\nx: Optional[int]\n", False),
        ("from typing import Optional as Opt\n", True),
        ("from typing import (Optional  # a comment\n    as Opt)\n", True),
        ("from typing import Optional \\\n    as Opt\n", True),
        ("from typing import MyOptional as M\n", True),  # (inside a longer name: rather too often)
        ("from typing import Optional\nOptional_as = 1\nOptional.asdict\n", False),
        ("from typing import \uff2fptional \uff41\uff53 Opt\n", True),  # read as Python reads names (NFKC)
        ("from typing import \uff2fptional\nx = '\u00e9'\n", False),
    ],
)
def test_may_rename(source: str, renamed: bool) -> None:
    assert WordIndex(names_text(source)).may_rename(["Optional"]) is renamed


def _renamed_at(source: str, after: int) -> bool:
    """Does ``as`` follow the name that ends at ``after`` (across spaces, line breaks,
    backslashes and comments)? Character by character: the oracle of the rename regex."""
    size = len(source)
    while after < size:
        char = source[after]
        if char == "#":
            after = source.find("\n", after)
            if after == -1:
                return False
        elif char not in " \t\f\r\n\\":
            break
        after += 1
    follows = source[after + 2 : after + 3]
    return source.startswith("as", after) and not (follows.isalnum() or follows == "_")


def test_may_rename_reads_as_renamed_at_does() -> None:
    """The regex of WordIndex.may_rename against a character loop, on random texts."""
    import random

    pieces = ["Optional", "Opt", " ", "\t", "\n", "\\", "# c ", "#", "as", "a", "s", "_", "x", "(", ",", "\u00e9"]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        looped = any(
            _renamed_at(text, at + len("Optional"))
            for at in range(len(text))
            if text.startswith("Optional", at)
        )
        assert WordIndex(text).may_rename(["Optional"]) is looped, repr(text)


@pytest.mark.parametrize(
    "source",
    [
        "x = f(\n    1,  # one\n    'é',\n)\ndef g(a: 'T' = (\n  2)):\n    return a\n",
        "x = f(\r\n    1,\r\n)\r\ny = [\r\n 'a',\r 'b']\r\n",
        "x = (1,\r2)\ry = x\r",
    ],
)
def test_source_segment_is_ast_get_source_segment(source: str, tmp_path: Path) -> None:
    from layerlint.context import FileContext

    tree = ast.parse(source)
    ctx = FileContext(str(tmp_path / "m.py"), source, tree, load_settings(None))
    for node in ast.walk(tree):
        assert ctx.source_segment(node) == ast.get_source_segment(source, node), ast.dump(node)

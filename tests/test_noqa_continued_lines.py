"""A noqa comment after a string running over several lines, or after a backslash,
covers the statement's first line, as flake8 and ruff read it (review 121)."""

from __future__ import annotations

import ast
import textwrap

import pytest

from layerlint.diagnostics import Diagnostic
from layerlint.noqa import apply_noqa


def _kept(source: str, line: int, col: int, code: str = "LL106") -> bool:
    source = textwrap.dedent(source)
    finding = Diagnostic(code, "m", "f.py", line, col, line, col + 1)
    return apply_noqa([finding], source, source.splitlines(keepends=True), ast.parse(source)) == [finding]


SILENCED = [
    # the SQL of text() over three lines, the comment after the closing quotes
    ('''\
    result = await session.execute(text("""
        SELECT 1
    """))  # noqa: LL106
    ''', 1, 16),
    ("""\
    rows = db.execute('''
        SELECT 1
    ''')  # noqa
    """, 1, 8),
    # a backslash joins the lines
    ("""\
    rows = db.execute(stmt) \\
        .all()  # noqa: LL106
    """, 1, 8),
    # two strings in turn, the second also over several lines
    ('''\
    rows = db.execute(text("""a
    """ + """
    b"""))  # noqa: LL1
    ''', 1, 8),
    # a string continued by a backslash inside it
    ("""\
    rows = db.execute(text('SELECT \\
    1'))  # noqa: LL106
    """, 1, 8),
]


KEPT = [
    # a line broken inside brackets: flake8 and ruff read each line alone
    ("""\
    rows = db.execute(
        stmt,
    )  # noqa: LL106
    """, 1, 8, "LL106"),
    # another code
    ('''\
    result = await session.execute(text("""
        SELECT 1
    """))  # noqa: LL105
    ''', 1, 16, "LL106"),
    # the string closes on the first line: the next line is another statement
    ('''\
    result = session.execute(text("""SELECT 1"""))
    other = 1  # noqa: LL106
    ''', 1, 10, "LL106"),
    # quotes inside a comment open no string
    ('''\
    rows = db.execute(stmt)  # see """
    other = 1  # noqa
    ''', 1, 8, "LL106"),
    # an escaped quote does not close the string, which ends on its line
    ('''\
    rows = db.execute("a\\"b")  # x """
    other = 1  # noqa
    ''', 1, 8, "LL106"),
    # a backslash in a comment joins nothing
    ("""\
    rows = db.execute(stmt)  # \\
    other = 1  # noqa
    """, 1, 8, "LL106"),
    # the finding starts after a string that closes on its line: the closing quotes
    # open nothing
    ('''\
    x = f("""a
    """) + db.execute(stmt)
    y = """  # noqa
    """
    ''', 2, 8, "LL106"),
]


@pytest.mark.parametrize("source, line, col", SILENCED)
def test_a_noqa_after_the_joined_lines_silences_the_first(source, line, col):
    assert not _kept(source, line, col)


@pytest.mark.parametrize("source, line, col, code", KEPT)
def test_other_lines_keep_their_findings(source, line, col, code):
    assert _kept(source, line, col, code)


REVIEW_122_SILENCED = [
    # a finding inside the string, the comment after its end
    ('''\
    label = f"""
        {Optional[int]}
    """  # noqa: LL501
    ''', 2, 6, "LL501"),
    # lines ended by CR LF
    (SILENCED[0][0].replace("\n", "\r\n"), 1, 16, "LL106"),
]

REVIEW_122_KEPT = [
    # a finding inside an f-string on one line: a later line's noqa is another run's (the
    # closing quotes were read as opening ones)
    ('''\
    logger.info(f"""received {body.dict()}""")
    legacy = {"name": body.name}
    return body.dict() | legacy  # noqa: LL203
    ''', 1, 27, "LL203"),
    ('''\
    label = f"""{Optional[int]}"""
    value: Optional[int] = None  # noqa: LL501
    ''', 1, 14, "LL501"),
]


@pytest.mark.parametrize("source, line, col, code", REVIEW_122_SILENCED)
def test_review_122_silenced(source, line, col, code):
    assert not _kept(source, line, col, code)


@pytest.mark.parametrize("source, line, col, code", REVIEW_122_KEPT)
def test_review_122_kept(source, line, col, code):
    assert _kept(source, line, col, code)


def test_two_runs_in_one_statement():
    # each string over several lines makes its own run, as flake8 reads them
    source = 'x = (len("""\n""") +\n  len(str(Optional[int])) + len("""\n"""))  # noqa: LL501\n'
    assert not _kept(source, 3, 11, "LL501")
    assert _kept(source, 1, 5, "LL501")


def test_the_engine_gives_the_tree_that_finds_the_statement():
    from layerlint.config import Settings
    from layerlint.engine import lint_source

    source = 'from typing import Optional\n\nvalue: Optional[int] = len("""\nabc\n""")  # noqa: LL501\n'
    found = lint_source(source, "app/schemas/x.py", Settings(), codes=frozenset({"LL501"}))
    assert found.diagnostics == []
    unsilenced = lint_source(source.replace("  # noqa: LL501", ""), "app/schemas/x.py", Settings(), codes=frozenset({"LL501"}))
    assert [d.line for d in unsilenced.diagnostics] == [3]


# (review 124) clause headers between blocks, and a body on the header's last line
REVIEW_124_SILENCED = [
    ("try:\n    pass\nexcept (Optional[int], \\\n        ValueError):  # noqa: LL501\n    pass\n", 3, 9),
    ('try:\n    pass\nexcept Optional[int] if a else """\n""":  # noqa: LL501\n    pass\n', 3, 8),
    ('match v:\n    case 1:\n        pass\n    case 2 if f(Optional[int], """\nx\n"""):  # noqa: LL501\n        pass\n', 4, 17),
    ('if foo(Optional[int], """\n"""): pass  # noqa: LL501\n', 1, 8),
    ('class A:\n    def f(self):\n        if x:\n            y = g(Optional[int], """\n            """)  # noqa: LL501\n', 4, 19),
    # (review 126: blocks searched by bisection, in source order)
    ('try:\n    pass\nexcept ValueError:\n    pass\nelse:\n    x = f(Optional[int], """\n    """)  # noqa: LL501\n'
     'finally:\n    pass\n', 6, 11),
]


@pytest.mark.parametrize("source, line, col", REVIEW_124_SILENCED)
def test_review_124_silenced(source, line, col):
    assert not _kept(source, line, col, "LL501")


def test_a_statement_is_tokenized_once_however_many_noqa_lines_it_holds(monkeypatch):
    # (review 124: 4,000 one-line strings with a noqa each in one list took 297 s)
    from layerlint import noqa

    calls = []
    real = noqa._runs
    monkeypatch.setattr(noqa, "_runs", lambda *args: calls.append(args) or real(*args))
    source = "x: Optional[int] = None\nDATA = [\n" + '    """item""",  # noqa: E501\n' * 200 + "]\n"
    assert _kept(source, 1, 4, "LL501")
    assert len(calls) == 1


def test_statements_sharing_the_noqa_line_through_a_semicolon():
    # (review 128: the last statement starting on the line was tokenized alone)
    source = 'from typing import Optional\n\nHELP = str(Optional[int], """\n"""); DEFAULT = None  # noqa: LL501\n'
    assert not _kept(source, 3, 12, "LL501")
    nested = 'if x:\n    HELP = str(Optional[int], """\n    """); DEFAULT = None; OTHER = 1  # noqa: LL501\n'
    assert not _kept(nested, 2, 16, "LL501")

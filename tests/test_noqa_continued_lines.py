"""A noqa comment after a string running over several lines, or after a backslash,
covers the statement's first line, as flake8 and ruff read it (review 121)."""

from __future__ import annotations

import textwrap

import pytest

from layerlint.diagnostics import Diagnostic
from layerlint.noqa import apply_noqa


def _kept(source: str, line: int, col: int, code: str = "LL106") -> bool:
    source = textwrap.dedent(source)
    finding = Diagnostic(code, "m", "f.py", line, col, line, col + 1)
    return apply_noqa([finding], source, source.splitlines(keepends=True)) == [finding]


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

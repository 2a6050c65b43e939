"""What the SQLAlchemy findings tell the user to do matches the code they are on."""

from __future__ import annotations

import re
from pathlib import Path

from layerlint.config import Settings
from layerlint.engine import lint_source

FIXTURES = Path(__file__).parent / "fixtures" / "sqlalchemy"


def messages(fixture: str, code: str) -> dict[int, str]:
    source = (FIXTURES / fixture).read_text(encoding="utf-8")
    path = re.match(r"# fixture-path: (\S+)", source).group(1)  # (the layer comes from it)
    result = lint_source(source, path, Settings(), codes=frozenset({code}))
    return {d.line: d.message for d in result.diagnostics}


def test_ll301_on_a_sqlmodel_relationship_names_its_keyword():
    found = messages("LL301_sqlmodel.py", "LL301")
    assert 'set `sa_relationship_kwargs={"lazy": "selectin"}`' in found[10]
    assert "set `lazy=" not in found[10]  # Relationship() has no lazy= parameter


def test_ll301_on_a_dynamic_mapped_attribute_names_the_annotation():
    found = messages("LL301_annotations.py", "LL301")
    assert found[18].startswith('relationship() of a `DynamicMapped[...]` attribute loads with "dynamic"')
    assert found[19].startswith('relationship() with `lazy="select"`')  # an explicit lazy= wins
    assert found[28].startswith("relationship() without `lazy=`")


def test_ll301_quotes_lazy_as_written_with_what_it_means():
    # (ax-platform, review 64: `lazy=True` was reported as `lazy="select"`)
    assert messages("LL301.py", "LL301")[23] == (
        'relationship() with `lazy=True` (that is, `"select"`) is not async-safe: '
        'use `"selectin"`, `"joined"` or `"raise"`'
    )


def test_ll308_with_a_server_default_says_to_drop_the_client_default():
    found = messages("LL308_server_default.py", "LL308")
    assert set(found) == {20, 29, 37, 38, 39, 40, 46, 54, 62, 67}
    assert found[62].endswith("is computed by the client: use `server_default=func.now()`")  # (none given)
    for line in (20, 29, 38, 54, 67):  # func.now(), text("CURRENT_TIMESTAMP"); 54, 67: in `sa_column_kwargs`
        assert found[line].endswith(
            "every ORM insert sends it instead of the column's `server_default`: drop it "
            "(and `refresh()` the object after the flush to read the server's value)"
        )


def test_ll308_with_a_server_default_that_is_no_current_time_says_to_change_it_first():
    found = messages("LL308_server_default.py", "LL308")
    # a fixed date (a back-fill): dropping the client default alone would stamp new rows with it
    for line in (37, 39, 46):
        key = "default_factory" if line == 46 else "default"
        assert found[line] == (
            f"timestamp default `{key}=_now (returns datetime.now(...))` is computed by the client, and the "
            "column's `server_default` is not the current time: make it `func.now()` (a migration), then drop "
            "the client default"
        )
    # `server_default=None` is none
    assert found[40] == (
        "timestamp default `default=_now (returns datetime.now(...))` is computed by the client: "
        "use `server_default=func.now()`"
    )


def test_ll310_says_returns_only_when_the_function_returns_the_object():
    found = messages("LL310.py", "LL310")
    returns = "the repository returns an object without its database-generated values"
    assert {line for line, m in found.items() if m.endswith(returns)} == {15, 20, 26, 33, 114, 149, 166, 209, 224, 287}
    assert found[128].endswith(": the object is left without its database-generated values")
    kept = messages("LL310_returns_nothing.py", "LL310")
    assert list(kept.values()) == [
        "`session.add(user)` without `flush()` then `refresh(user)`: "
        "the object is left without its database-generated values"
    ]


def test_ll302_calls_a_mixin_a_mixin():
    found = messages("LL302.py", "LL302")
    assert found[22] == "`Column()` in mixin `AuditMixin`: use `mapped_column()`"
    assert found[29] == "`Column()` in declarative class `Order`: use `mapped_column()`"


def test_ll308_says_who_computes_the_default():
    found = messages("LL308.py", "LL308")
    # a SQL function runs in the database, but only in the ORM's INSERTs; a Python value is the client's
    assert found[43] == (
        "timestamp default `default=func.now()` is applied by the ORM, not by the table: use `server_default=func.now()`"
    )
    assert found[44] == (
        "timestamp default `default=datetime.now` is computed by the client: use `server_default=func.now()`"
    )
    # a helper called with its arguments: the message shows them
    assert found[51] == (
        "timestamp default `default=lambda: stamp(timezone.utc) (returns datetime.now(...))` is computed by the "
        "client: use `server_default=func.now()`"
    )


def test_ll306_says_with_true_where_the_argument_is_written():
    # (review 120: "without `expire_on_commit=False`" on `expire_on_commit=True`)
    found = messages("LL306.py", "LL306")
    assert found[14].startswith("`async_sessionmaker()` with `expire_on_commit=True`: ")
    assert all("without `expire_on_commit=False`" in found[line] for line in found if line < 40 and line != 14)

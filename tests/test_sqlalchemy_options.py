"""`[tool.layerlint.sqlalchemy]` options change what LL301 and LL309 report."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from layerlint.config import ConfigError
from layerlint.engine import lint_source
from layerlint.project import settings_for

MODELS = textwrap.dedent(
    """\
    from datetime import datetime

    from sqlalchemy import func
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


    class Base(DeclarativeBase):
        pass


    class Author(Base):
        __tablename__ = "authors"

        id: Mapped[int] = mapped_column(primary_key=True)
        inserted_at: Mapped[datetime] = mapped_column(server_default=func.now())
        books: Mapped[list["Book"]] = relationship()
        drafts: Mapped[list["Book"]] = relationship(lazy="dynamic")
        eager: Mapped[list["Book"]] = relationship(lazy="selectin")
        joined: Mapped[list["Book"]] = relationship(lazy="joined")


    class Book(Base):
        __tablename__ = "books"

        id: Mapped[int] = mapped_column(primary_key=True)
        created_at: Mapped[datetime] = mapped_column(server_default=func.now())
        updated_at: Mapped[datetime] = mapped_column(server_default=func.now())
    """
)


def _findings(
    tmp_path: Path, config: str, code: str, dependencies: str = "", source: str = MODELS
) -> list[tuple[int, str]]:
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "x"\nrequires-python = ">=3.10"\n{dependencies}\n[tool.layerlint]\n' + config,
        encoding="utf-8",
    )
    target = tmp_path / "app" / "models" / "library.py"
    target.parent.mkdir(parents=True)
    target.write_text(source, encoding="utf-8")
    result = lint_source(target.read_bytes(), str(target), settings_for(target))
    assert not result.errors, result.errors
    return sorted((d.line, d.message) for d in result.diagnostics if d.code == code)


def _line(text: str) -> int:
    return next(i for i, line in enumerate(MODELS.splitlines(), 1) if text in line)


def test_allowed_lazy_default(tmp_path):
    lines = [line for line, _ in _findings(tmp_path, "", "LL301")]
    assert lines == [_line("books:"), _line("drafts:")]


def test_allowed_lazy_accepting_select_accepts_a_missing_lazy(tmp_path):
    config = '[tool.layerlint.sqlalchemy]\nallowed-lazy = ["select", "selectin", "joined"]\n'
    lines = [line for line, _ in _findings(tmp_path, config, "LL301")]
    assert lines == [_line("drafts:")]


def test_allowed_lazy_narrowed_flags_other_strategies(tmp_path):
    config = '[tool.layerlint.sqlalchemy]\nallowed-lazy = ["selectin"]\n'
    findings = _findings(tmp_path, config, "LL301")
    assert [line for line, _ in findings] == [_line("books:"), _line("drafts:"), _line("joined:")]
    assert 'lazy="joined"' in findings[-1][1]


def test_timestamp_columns_default(tmp_path):
    findings = _findings(tmp_path, 'extend-select = ["LL309"]\n', "LL309")
    assert findings == [(_line("class Author"), "model `Author` has no `created_at`, `updated_at` columns")]


def test_timestamp_columns_configured(tmp_path):
    config = 'extend-select = ["LL309"]\n\n[tool.layerlint.sqlalchemy]\ntimestamp-columns = ["inserted_at"]\n'
    findings = _findings(tmp_path, config, "LL309")
    assert findings == [(_line("class Book"), "model `Book` has no `inserted_at` column")]


def test_timestamp_columns_empty_disables_the_check(tmp_path):
    config = 'extend-select = ["LL309"]\n\n[tool.layerlint.sqlalchemy]\ntimestamp-columns = []\n'
    assert _findings(tmp_path, config, "LL309") == []


def test_ll309_is_opt_in(tmp_path):
    config = '[tool.layerlint.sqlalchemy]\ntimestamp-columns = ["inserted_at"]\n'
    assert _findings(tmp_path, config, "LL309") == []


@pytest.mark.parametrize(("select", "found"), [('["LL3"]', False), ('["LL"]', False), ('["ALL"]', True), ('["all"]', True)])
def test_all_selects_opt_in_rules_too(tmp_path, select, found):
    # (as ruff's ALL: every rule; a prefix never turns an opt-in rule on)
    findings = _findings(tmp_path, f"select = {select}\n", "LL309")
    assert [line for line, _ in findings] == ([_line("class Author")] if found else [])


@pytest.mark.parametrize(
    "config",
    [
        '[tool.layerlint.sqlalchemy]\nallowed-lazy = "selectin"\n',
        '[tool.layerlint.sqlalchemy]\ntimestamp-columns = [1]\n',
        '[tool.layerlint.sqlalchemy]\nlazy = ["selectin"]\n',
        '[tool.layerlint.sqlalchemy]\ncheck-sync-projects = "yes"\n',
    ],
)
def test_bad_sqlalchemy_options_are_config_errors(tmp_path, config):
    with pytest.raises(ConfigError, match=r"tool\.layerlint\.sqlalchemy"):
        _findings(tmp_path, config, "LL301")


SYNC_ONLY = 'dependencies = ["sqlalchemy>=2.0", "psycopg2-binary"]\n'


@pytest.mark.parametrize(
    "dependencies",
    [
        SYNC_ONLY,
        'dependencies = ["sqlmodel", "pymysql"]\n',
        'dependencies = ["sqlalchemy[postgresql_psycopg2binary]>=2.0"]\n',
    ],
)
def test_ll301_is_silent_in_a_project_that_cannot_run_asyncsession(tmp_path, dependencies):
    assert _findings(tmp_path, "", "LL301", dependencies) == []


@pytest.mark.parametrize(
    "dependencies",
    [
        'dependencies = ["sqlalchemy>=2.0", "asyncpg"]\n',
        'dependencies = ["sqlalchemy[asyncio]>=2.0"]\n',
        'dependencies = ["sqlalchemy[postgresql-asyncpg]>=2.0"]\n',
        'dependencies = ["sqlalchemy>=2.0", "psycopg[binary]>=3.1"]\n',  # psycopg 3 serves both
        'dependencies = ["fastapi>=0.110"]\n',  # SQLAlchemy not named: nothing is known
        "",
    ],
)
def test_ll301_checks_a_project_that_may_run_asyncsession(tmp_path, dependencies):
    lines = [line for line, _ in _findings(tmp_path, "", "LL301", dependencies)]
    assert lines == [_line("books:"), _line("drafts:")]


def test_ll301_checks_a_sync_only_project_when_configured(tmp_path):
    config = "[tool.layerlint.sqlalchemy]\ncheck-sync-projects = true\n"
    lines = [line for line, _ in _findings(tmp_path, config, "LL301", SYNC_ONLY)]
    assert lines == [_line("books:"), _line("drafts:")]


def test_ll301_checks_a_module_importing_the_asyncio_extension_whatever_the_dependencies(tmp_path):
    source = MODELS.replace(
        "from sqlalchemy import func\n", "from sqlalchemy import func\nfrom sqlalchemy.ext.asyncio import AsyncAttrs\n"
    )
    lines = [line for line, _ in _findings(tmp_path, "", "LL301", SYNC_ONLY, source)]
    shift = 1  # the added import line
    assert lines == [_line("books:") + shift, _line("drafts:") + shift]

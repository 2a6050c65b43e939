"""The Example block of each LL3xx rule's documentation triggers the rule; the
Use instead block does not (the blocks are completed with the usual imports)."""

from __future__ import annotations

import re

import pytest

from layerlint.engine import lint_source
from layerlint.project import settings_for
from layerlint.registry import all_rules

HEADER = """\
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Integer, String, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, declarative_base, mapped_column, relationship

from app.core.database import engine
from app.models.base import Base
from app.models.user import User

"""
CODES = [code for code in all_rules() if code.startswith("LL3")]


def _blocks(code: str) -> dict[str, str]:
    doc = all_rules()[code].documentation()
    return dict(re.findall(r"## (Example|Use instead)\n```python\n(.*?)```", doc, re.S))


@pytest.mark.parametrize("code", CODES)
def test_documented_example_triggers_and_fix_does_not(code, tmp_path):
    (tmp_path / "pyproject.toml").write_text(f'[tool.layerlint]\nselect = ["{code}"]\n', encoding="utf-8")
    target = tmp_path / "app" / ("repositories/doc_repo.py" if code == "LL310" else "models/doc.py")
    target.parent.mkdir(parents=True)
    blocks = _blocks(code)
    assert set(blocks) == {"Example", "Use instead"}
    for title, expected in (("Example", True), ("Use instead", False)):
        source = HEADER + blocks[title]
        if "class Base(" in blocks[title]:
            source = source.replace("from app.models.base import Base\n", "")
        target.write_text(source, encoding="utf-8")
        result = lint_source(target.read_bytes(), str(target), settings_for(target))
        assert not result.errors, result.errors
        found = [d for d in result.diagnostics if d.code == code]
        assert bool(found) is expected, f"{code} {title}: {found}\n{source}"

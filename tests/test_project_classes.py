"""Classes of other project modules, read from their modules (facts/project_classes.py).

Classes imported from schemas modules of a project still on the ``pydantic.v1`` shim
are v1 models: no v2 advice and no fix on them (found on mlrun, where the "safe" fixes
renamed `.dict()` to `.model_dump()` on v1 models). A class whose module (or a base's)
defines `json()` itself is no v1 call to rename (found on chromadb and litellm, where
the fix broke `{**item.json()}`). The module a class comes from is read through
re-exports, star imports and base classes; the cache drops a result when one of those
modules changes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from harness import touch_later, write_project
from layerlint.cli import main

V1_OBJECT = """\
from pydantic.v1 import BaseModel


class ObjectRecord(BaseModel):
    name: str
"""
V1_ALERT = """\
import pydantic.v1


class Event(pydantic.v1.BaseModel):
    kind: str


class Entities(Event):
    ids: list
"""
V2_USER = """\
from pydantic import BaseModel


class UserOut(BaseModel):
    name: str
"""
FEATURE_STORE = """\
from .object import ObjectRecord


class FeatureSetRecord(ObjectRecord):
    class Config:
        orm_mode = True
"""
INIT = """\
from .alert import *
from .object import ObjectRecord as Record
from .user import UserOut
"""
CLIENT = """\
import app.schemas
import app.schemas.alert as alert_objects
from app.schemas import Record, UserOut
from app.schemas.alert import Entities


def load(data: dict):
    event = alert_objects.Event.parse_obj(data)
    fields = set(app.schemas.Event.__fields__)
    return event.dict(), Entities.parse_obj(data), Record.parse_obj(data), fields


def load_user(data: dict) -> dict:
    user = UserOut.parse_obj(data)
    return user.dict()
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    files = {
        f"app/schemas/{name}.py": text
        for name, text in {
            "__init__": INIT, "object": V1_OBJECT, "alert": V1_ALERT, "user": V2_USER, "feature_store": FEATURE_STORE,
        }.items()
    }
    return write_project(
        tmp_path, monkeypatch, {"app/__init__.py": "", **files, "app/client.py": CLIENT},
        pyproject='[project]\nname = "x"\nrequires-python = ">=3.11"\ndependencies = ["pydantic>=2"]\n',
    )


def _json(select: str, *paths: str) -> list[dict]:
    """The JSON findings of ``check --select <select>`` on ``paths``."""
    result = CliRunner().invoke(main, ["check", "--jobs", "1", "--select", select, "--output-format", "json", *paths])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def _findings(*paths: str) -> set[tuple[str, int, str]]:
    return {(d["filename"].rpartition("proj/")[2], d["location"]["row"], d["code"]) for d in _json("LL2", *paths)}


def _rows(select: str, path: str) -> set[tuple[int, str]]:
    """(line, code) of each finding of ``select`` in ``path``."""
    return {(d["location"]["row"], d["code"]) for d in _json(select, path)}


def test_v1_models_of_other_modules_get_no_v2_advice(project):
    # only the v2 model's calls: the v1 ones come through a module alias, a package
    # attribute, a star re-export, a renamed re-export, a local subclass and a relative base
    assert _findings("app") == {("app/client.py", 14, "LL203"), ("app/client.py", 15, "LL203")}


def test_a_module_turning_v2_invalidates_the_cached_result(project):
    assert _findings("app/client.py") == {("app/client.py", 14, "LL203"), ("app/client.py", 15, "LL203")}
    alert = project / "app" / "schemas" / "alert.py"
    alert.write_text(V1_ALERT.replace("import pydantic.v1", "import pydantic").replace("pydantic.v1.", "pydantic."))
    touch_later(alert)
    assert _findings("app/client.py") == {
        ("app/client.py", 8, "LL203"),  # alert_objects.Event.parse_obj
        ("app/client.py", 9, "LL203"),  # app.schemas.Event.__fields__
        ("app/client.py", 10, "LL203"),  # event.dict(), Entities.parse_obj (Record stays v1)
        ("app/client.py", 14, "LL203"),
        ("app/client.py", 15, "LL203"),
    }


OWN_JSON_BASE = """\
from pydantic import BaseModel


class ObjectBase(BaseModel):
    def json(self, **kwargs):  # returns a dict
        return self.model_dump(**kwargs)


class Table(ObjectBase):
    name: str = ""
"""
OWN_JSON_USER = """\
import app.types
from app.schemas.user import UserOut
from app.types import Table


class Row(Table):
    pass


def payload(table: Table, row: Row, user: UserOut) -> list:
    return [
        {**table.json(exclude_none=True)},
        row.json(exclude_none=True),
        app.types.Table.json(),
        user.json(),
    ]
"""


def test_methods_a_project_class_defines_itself_are_not_v1_calls(project):
    (project / "app" / "types.py").write_text(OWN_JSON_BASE)
    (project / "app" / "payloads.py").write_text(OWN_JSON_USER)
    # only `user.json()`: UserOut (a schemas model) inherits Pydantic's own `json`
    assert _findings("app/payloads.py") == {("app/payloads.py", 15, "LL203")}


COMPAT = """\\
try:
    from pydantic.v1 import BaseModel
except ImportError:  # Pydantic 1.x: the same API
    from pydantic import BaseModel
"""
COMPAT_MODELS = """\\
from app._compat import BaseModel


class Report(BaseModel):
    title: str = ""
"""
COMPAT_USER = """\\
from app.reports import Report


def dump(report: Report) -> dict:
    return report.dict(exclude_none=True)
"""


def test_a_class_built_on_a_v1_compat_reexport_is_a_v1_model(project):
    (project / "app" / "_compat.py").write_text(COMPAT)
    (project / "app" / "reports.py").write_text(COMPAT_MODELS)
    (project / "app" / "dump.py").write_text(COMPAT_USER)
    assert _findings("app/dump.py") == set()  # (found on evidently)
    (project / "app" / "_compat.py").write_text("from pydantic import BaseModel\n")
    touch_later(project / "app" / "_compat.py")
    assert _findings("app/dump.py") == {("app/dump.py", 6, "LL203")}


V1_OUTSIDE_SCHEMAS = """\\
from pydantic.v1 import BaseModel


class Direct(BaseModel):
    n: int = 0
"""
V1_OUTSIDE_USER = """\\
from app.core.direct import Direct


def load(data: dict) -> dict:
    body = Direct.parse_obj(data)
    return body.dict(exclude_unset=True)
"""
SHIM_IN_IF = """\\
import pydantic

if pydantic.VERSION.startswith("2."):
    from pydantic.v1 import BaseModel
else:
    from pydantic import BaseModel
"""
SHIM_USER = """\\
from app._compat import BaseModel


class Inner(BaseModel):
    n: int = 0


def options(holder) -> dict:
    inner = holder.inner
    return inner.dict(exclude_unset=True)
"""


def test_v1_models_of_other_modules_and_compat_shims_are_v1_code(project):
    (project / "app" / "core").mkdir()
    (project / "app" / "core" / "direct.py").write_text(V1_OUTSIDE_SCHEMAS)
    (project / "app" / "use_direct.py").write_text(V1_OUTSIDE_USER)
    (project / "app" / "_compat.py").write_text(SHIM_IN_IF)
    (project / "app" / "options.py").write_text(SHIM_USER)
    # (found on xinference): an instance built from a v1 class of a module that is no
    # schemas module; a module whose classes stand on a compat shim's v1 BaseModel
    assert _findings("app/use_direct.py", "app/options.py") == set()


MIXED_MODELS = """\
from pydantic import BaseModel
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


class Case(Base):
    __tablename__ = "case"

    def dict(self):  # the ORM class's own
        return {}


class CaseRead(BaseModel):
    title: str = ""


class Filter:
    def copy(self):
        return Filter()
"""
MIXED_VIEWS = """\
from app.cases.models import Case, CaseRead, Filter


def read(case: Case, filters: Filter) -> list:
    out = CaseRead.from_orm(case)
    return [case.dict(), out.json(), CaseRead(title="x").dict(), filters.copy()]
"""


def test_pydantic_classes_of_a_models_module_are_read_as_models(project):
    # (found on dispatch: its models.py modules hold the ORM classes and the Pydantic
    # ones side by side, and its views never name pydantic)
    (project / "app" / "cases").mkdir()
    (project / "app" / "cases" / "__init__.py").write_text("")
    (project / "app" / "cases" / "models.py").write_text(MIXED_MODELS)
    (project / "app" / "cases" / "views.py").write_text(MIXED_VIEWS)
    assert _findings("app/cases/views.py") == {("app/cases/views.py", 5, "LL203"), ("app/cases/views.py", 6, "LL203")}
    found = CliRunner().invoke(main, ["check", "--jobs", "1", "--select", "LL203", "app/cases/views.py"]).output
    assert found.count("LL203") == 3  # from_orm; out.json() and CaseRead(...).dict() on line 6
    (project / "app" / "cases" / "models.py").write_text(MIXED_MODELS.replace("from pydantic", "from pydantic.v1"))
    touch_later(project / "app" / "cases" / "models.py")
    assert _findings("app/cases/views.py") == set()


DECLARATIVE_CORE = """\
from sqlalchemy.orm import declarative_base


class CustomBase:
    pass


Base = declarative_base(cls=CustomBase)
"""
WIDGET_MODEL = """\
from sqlalchemy import Column, Integer
from sqlalchemy.orm import relationship

from app.db.core import Base


class Widget(Base):
    # no __tablename__: the base's declared_attr gives it (as dispatch's models)
    id = Column(Integer, primary_key=True)
    parts = relationship("Part", lazy="selectin")
"""


def test_a_base_made_by_declarative_base_in_another_module_makes_models(project):
    (project / "app" / "db").mkdir()
    (project / "app" / "db" / "__init__.py").write_text("")
    (project / "app" / "db" / "core.py").write_text(DECLARATIVE_CORE)
    (project / "app" / "widget.py").write_text(WIDGET_MODEL)
    assert _rows("LL302,LL303", "app/widget.py") == {(9, "LL302"), (10, "LL303")}
    # `@as_declarative()` makes one too (the older full-stack template's base_class.py)
    (project / "app" / "db" / "core.py").write_text(
        "from sqlalchemy.orm import as_declarative\n\n\n@as_declarative()\nclass Base:\n    pass\n"
    )
    touch_later(project / "app" / "db" / "core.py")
    assert _rows("LL302,LL303", "app/widget.py") == {(9, "LL302"), (10, "LL303")}
    # a plain class of that name makes no model: nothing to say
    (project / "app" / "db" / "core.py").write_text("class Base:\n    pass\n")
    touch_later(project / "app" / "db" / "core.py")
    result = CliRunner().invoke(main, ["check", "--jobs", "1", "--select", "LL302,LL303", "app/widget.py"])
    assert result.exit_code == 0, result.output


SUBCLASS_SCHEMAS = """\
from app.cases.models import CaseRead, Filter


class CaseDetail(CaseRead):
    class Config:
        orm_mode = True


class FilterOptions(Filter):
    class Config:  # a plain class's own Config
        strict = True
"""


def test_a_subclass_of_a_models_module_pydantic_class_is_a_model(project):
    (project / "app" / "cases").mkdir()
    (project / "app" / "cases" / "__init__.py").write_text("")
    (project / "app" / "cases" / "models.py").write_text(MIXED_MODELS)
    (project / "app" / "cases" / "detail.py").write_text(SUBCLASS_SCHEMAS)
    assert _findings("app/cases/detail.py") == {("app/cases/detail.py", 5, "LL201")}


BASE_CONTROLLER = """\
from fastapi import Depends
from sqlalchemy.orm import Session

from app.db import get_db


class BaseController:
    session: Session = Depends(get_db)
    title: str = ""
"""
NOTE_ROUTES = """\
from fastapi import APIRouter

from app.routes.base import BaseController

router = APIRouter()


class NoteController(BaseController):
    @router.get("/notes/count", response_model=int)
    def count_notes(self, statement) -> int:
        return self.session.scalar(statement)

    @router.get("/notes/title", response_model=str)
    def title_of(self) -> str:
        return self.title.get("x")
"""


def test_a_session_attribute_of_a_base_controller_in_another_module(project):
    # (found on mealie: class-based views inherit `session` from a base controller)
    (project / "app" / "routes").mkdir()
    (project / "app" / "routes" / "__init__.py").write_text("")
    (project / "app" / "routes" / "base.py").write_text(BASE_CONTROLLER)
    (project / "app" / "routes" / "notes.py").write_text(NOTE_ROUTES)
    assert _rows("LL106", "app/routes/notes.py") == {(11, "LL106")}


ROOT_SETTINGS = """\
from pydantic_settings import BaseSettings, SettingsConfigDict


class RootConf(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env")
"""
APP_SETTINGS = """\
from app.conf.root import RootConf


class AppConf(RootConf):
    port: int = 8000

    class Config:
        validate_assignment = True
"""


def test_a_settings_base_of_another_module_makes_the_fix_write_settings_config(project):
    # (found on the realworld example: the fix wrote ConfigDict where the message said SettingsConfigDict)
    (project / "app" / "conf").mkdir()
    (project / "app" / "conf" / "__init__.py").write_text("")
    (project / "app" / "conf" / "root.py").write_text(ROOT_SETTINGS)
    app = project / "app" / "conf" / "app.py"
    app.write_text(APP_SETTINGS)
    safe = CliRunner().invoke(main, ["check", "--jobs", "1", "--select", "LL201", "--fix", "app/conf/app.py"])
    assert app.read_text() == APP_SETTINGS, safe.output  # a settings class: the fix is unsafe
    CliRunner().invoke(main, ["check", "--jobs", "1", "--select", "LL201", "--fix", "--unsafe-fixes", "app/conf/app.py"])
    assert app.read_text() == (
        "from app.conf.root import RootConf\nfrom pydantic_settings import SettingsConfigDict\n\n\n"
        "class AppConf(RootConf):\n    port: int = 8000\n\n    model_config = SettingsConfigDict(validate_assignment=True)\n"
    )


CLOCK = """\
from datetime import UTC, datetime
from functools import partial

utc_partial = partial(datetime.now, UTC)


def utc_now() -> datetime:
    "Now, in UTC."
    return datetime.now(UTC)


def year_label() -> str:
    return datetime.now(UTC).strftime("%Y")


def now_in(tz=UTC) -> datetime:
    stamp = datetime.now(tz)
    return stamp


def of(clock) -> datetime:
    return clock.now()


def naive_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def replaced(datetime) -> datetime:
    return datetime.now().replace(tzinfo=None)
"""
EVENT_MODEL = """\
from datetime import datetime

from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.core import clock
from app.core.clock import naive_utc, now_in, of, replaced, utc_now, year_label


class Base(DeclarativeBase):
    pass


class Event(Base):
    __tablename__ = "events"

    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    touched_at: Mapped[datetime] = mapped_column(default=clock.utc_now)
    label: Mapped[str] = mapped_column(default=year_label)
    stamped_at: Mapped[datetime] = mapped_column(default=clock.utc_partial)
    called_at: Mapped[datetime] = mapped_column(default=lambda: clock.utc_now())
    year: Mapped[str] = mapped_column(default=lambda: year_label())
    local_at: Mapped[datetime] = mapped_column(default=now_in)
    paris_at: Mapped[datetime] = mapped_column(default=lambda: clock.now_in(None))
    of_at: Mapped[datetime] = mapped_column(default=lambda: of(datetime))
    naive_at: Mapped[datetime] = mapped_column(default=naive_utc)
    replaced_at: Mapped[datetime] = mapped_column(default=lambda: replaced(datetime))
"""


def test_a_now_helper_of_another_module_is_a_client_side_timestamp_default(project):
    # (found on polar and mealie: `default=utc_now` from the project's own clock module)
    (project / "app" / "core").mkdir()
    (project / "app" / "core" / "__init__.py").write_text("")
    (project / "app" / "core" / "clock.py").write_text(CLOCK)
    (project / "app" / "event.py").write_text(EVENT_MODEL)
    # (a helper of parameters too, one whose callee is a parameter's not)
    assert _rows("LL308", "app/event.py") == {
        (16, "LL308"), (17, "LL308"), (19, "LL308"), (20, "LL308"), (22, "LL308"), (23, "LL308"),
        (25, "LL308"),  # (`datetime.now(UTC).replace(tzinfo=None)`: privacyidea's utc_now)
    }


def test_a_top_package_named_src_keeps_its_name(project):
    # (found on zhanymkanov/fastapi_production_template: `from src.models import CustomModel`)
    from layerlint.project import module_name

    (project / "src" / "orders").mkdir(parents=True)
    (project / "src" / "models.py").write_text(V2_USER)
    (project / "src" / "orders" / "schemas.py").write_text(
        "from src.models import UserOut\n\n\nclass Detail(UserOut):\n    class Config:\n        orm_mode = True\n"
    )
    assert module_name(project / "src" / "orders" / "schemas.py", project) == ("orders.schemas", False)  # a src layout
    (project / "src" / "__init__.py").write_text("")
    (project / "src" / "orders" / "__init__.py").write_text("")
    from layerlint import external

    external.clear()  # (a new run reads the __init__.py chain again)
    assert module_name(project / "src" / "orders" / "schemas.py", project) == ("src.orders.schemas", False)
    assert _findings("src/orders/schemas.py") == {("src/orders/schemas.py", 5, "LL201")}


LOADERS = """\
import copy
from abc import ABC


class SchemaLoader(ABC):
    pass


class FileSchemaLoader(SchemaLoader):
    def __init__(self, path: str) -> None:
        self.path = path


class CachedSchema(dict):
    pass


Dynamic = make_schema_class()


class Generated(Dynamic):
    pass
"""
STREAM = """\
from app.schemas.loader import CachedSchema, FileSchemaLoader, Generated


def snapshot(loader: FileSchemaLoader, cached: CachedSchema, generated: Generated):
    return loader.copy(), cached.copy(), generated.copy()


class MyLoader(FileSchemaLoader):
    class Config:
        retries = 1
"""


def test_a_schemas_module_class_read_as_plain_python_is_no_model(project):
    # (found on airbyte-cdk: its declarative/schema package loads JSON schemas; the "safe"
    # fix turned dict.copy() into .model_copy())
    (project / "app" / "schemas" / "loader.py").write_text(LOADERS)
    (project / "app" / "stream.py").write_text(STREAM)
    # only `generated.copy()`: its base is bound by a call, so it may be anything
    assert _findings("app/stream.py") == {("app/stream.py", 5, "LL203")}


QUIET_MODELS = """\
from pydantic import BaseModel, ConfigDict, Field


class QuietBase(BaseModel):
    def model_dump_json(self, *, exclude_none: bool = True, **kw) -> str:
        return super().model_dump_json(exclude_none=exclude_none, **kw)


class Sample(QuietBase):
    rows: list | None = None


class Aliased(BaseModel):
    model_config = ConfigDict(serialize_by_alias=True)
    user_id: int = Field(alias="userId")
"""
QUIET_USE = """\
from app.schemas.quiet import Aliased, Sample
from app.schemas.user import UserOut as Plain


def dump(sample: Sample, aliased: Aliased, plain: Plain) -> list:
    return [sample.json(), aliased.dict(), plain.json()]
"""


def test_an_overridden_v2_method_or_serialize_by_alias_makes_the_rename_unsafe(project):
    # (found on openmetadata-ingestion: its base model overrides model_dump_json, and
    # Pydantic 2 routes .json() to it with v1's defaults)
    (project / "app" / "schemas" / "quiet.py").write_text(QUIET_MODELS)
    (project / "app" / "quiet_use.py").write_text(QUIET_USE)
    found = sorted((d["location"]["column"], d["fix"]["applicability"]) for d in _json("LL203", "app/quiet_use.py"))
    # (a module that spells serialize_by_alias makes the rename unsafe on all its classes)
    assert found == [(20, "unsafe"), (36, "unsafe"), (50, "safe")]


def test_src_names_the_folders_module_names_start_in(tmp_path, monkeypatch):
    # (found on onyx: pyproject.toml at the repository root, the code under backend/,
    # imported as `onyx...`: without `src`, every module is `backend.onyx...` and no import resolves)
    from layerlint import external, runner
    from layerlint import project as project_module

    monkeypatch.setenv("LAYERLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    (root / "backend" / "app" / "routes").mkdir(parents=True)  # (namespace packages: no __init__.py)
    (root / "backend" / "app" / "db.py").write_text(
        "from sqlalchemy.orm import sessionmaker\n\nMakeSession = sessionmaker()\n"
    )
    (root / "backend" / "app" / "routes" / "items.py").write_text(
        "from fastapi import APIRouter\n\nfrom app.db import MakeSession\n\nrouter = APIRouter()\n\n\n"
        "@router.get('/items', response_model=int)\ndef count() -> int:\n    with MakeSession() as session:\n"
        "        return session.scalar(1)\n"
    )
    monkeypatch.chdir(root)

    def run(pyproject: str) -> object:
        (root / "pyproject.toml").write_text(pyproject)
        # (one process, several runs: the settings and facts of a run are read once)
        project_module.forget_settings()
        runner._settings_cache.clear()
        external.clear()
        return CliRunner().invoke(main, ["check", "--no-cache", "--select", "LL603", "--output-format", "json", "."])

    # `app.db` is not a module of this project: what MakeSession is stays unknown
    assert json.loads(run('[project]\nname = "x"\n').output) == []
    found = json.loads(run('[project]\nname = "x"\n\n[tool.layerlint]\nsrc = ["backend"]\n').output)
    assert [(d["code"], d["location"]["row"]) for d in found] == [("LL603", 10)]
    result = run("[tool.layerlint]\nsrc = [1]\n")
    assert result.exit_code == 2 and "[tool.layerlint] src: expected a list of folders" in result.output


PARSER_BASE = """\
import warnings

from pydantic import BaseModel


class Parser(BaseModel):
    def dict(self, **kwargs):  # the project's own deprecated alias, not Pydantic's
        warnings.warn("use to_mapping()", DeprecationWarning, stacklevel=2)
        return self.to_mapping(**kwargs)

    def to_mapping(self, **kwargs):
        return {"parser": True, **self.model_dump(**kwargs)}
"""
PARSER_GENERIC = """\
from typing import Generic, TypeVar

from app.parsing.base import Parser

T = TypeVar("T")


class TypedParser(Parser, Generic[T]):
    pass
"""
SCHEMA_PAGE = """\
from typing import Generic, TypeVar

from pydantic import BaseModel

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T] = []
"""
PARSER_USE = """\
from app.parsing.base import Parser
from app.parsing.generic import TypedParser
from app.schemas.page import Page


class Upper(Parser):
    pass


def run() -> list:
    class Lower(TypedParser[str]):
        pass

    upper = Upper()
    lower = Lower()
    typed = TypedParser[int]()
    page = Page[int]()
    return [
        upper.dict(exclude_none=True),
        lower.dict(exclude_none=True),
        typed.dict(exclude_none=True),
        TypedParser[int]().dict(exclude_none=True),
        page.dict(),
    ]
"""


def test_a_dict_a_project_base_defines_is_no_v1_call_on_an_instance_held_in_a_variable(project):
    # (found on langchain-core: `parser = StrInvertCase(); parser.dict(exclude_none=True)`,
    # a local subclass of a class whose project base defines its own deprecated `dict()`)
    (project / "app" / "parsing").mkdir()
    (project / "app" / "parsing" / "__init__.py").write_text("")
    (project / "app" / "parsing" / "base.py").write_text(PARSER_BASE)
    (project / "app" / "parsing" / "generic.py").write_text(PARSER_GENERIC)
    (project / "app" / "schemas" / "page.py").write_text(SCHEMA_PAGE)
    (project / "app" / "jobs.py").write_text(PARSER_USE)
    # only `page.dict()`: a subscripted generic model builds an instance of the model
    assert _rows("LL203", "app/jobs.py") == {(23, "LL203")}


SCHEMA_RECORDS = """\
import dataclasses
from dataclasses import dataclass

from dataclasses_json import DataClassJsonMixin
from pydantic import BaseModel
from pydantic.dataclasses import dataclass as pydantic_dataclass


@dataclass
class SearchQuery(DataClassJsonMixin):
    text: str
    limit: int = 10


@dataclasses.dataclass(frozen=True)
class Cursor(DataClassJsonMixin):
    after: str = ""


@pydantic_dataclass
class Point:
    x: int = 0


class Item(BaseModel):
    name: str = ""
"""
RECORDS_USE = """\
from pydantic import BaseModel

from app.schemas.loader import CachedSchema
from app.schemas.records import Cursor, Item, Point, SearchQuery
from vendor.schema import Bundle


class Envelope(BaseModel):
    query: str = ""


def describe(item: Item, cached: CachedSchema, raw: str) -> list:
    query = SearchQuery(raw)
    return [
        SearchQuery.schema(),
        SearchQuery("x").to_dict(),
        query.schema(),
        Cursor().schema(),
        Point().copy(),
        cached.copy(),
        Bundle.schema(),
        item.dict(),
    ]
"""
RECORDS_CONFIG = """\
from app.schemas.records import SearchQuery


class Tuned(SearchQuery):
    class Config:
        frozen = True
"""


def test_a_dataclass_of_a_schemas_module_is_no_model(project):
    # (found on llama-index-core: `QueryBundle` in llama_index/core/schema.py is a
    # dataclasses-json dataclass; the "safe" fix of `.schema()` raised AttributeError)
    (project / "app" / "schemas" / "loader.py").write_text(LOADERS)
    (project / "app" / "schemas" / "records.py").write_text(SCHEMA_RECORDS)
    (project / "app" / "describe.py").write_text(RECORDS_USE)
    (project / "app" / "tuned.py").write_text(RECORDS_CONFIG)
    # only `item.dict()`, though the module imports Pydantic: the classes imported from
    # the schemas module are read (a class of this module deriving from them would not
    # be, as its model-ness may rest on a local base); `vendor.schema` is no project module
    assert _rows("LL203", "app/describe.py") == {(22, "LL203")}
    assert _findings("app/tuned.py") == set()  # (LL201: no model, no `model_config`)


MARSHMALLOW_SCHEMAS = """\
from marshmallow import Schema, fields


class ChartSchema(Schema):
    name = fields.String()


class ChartOut(ChartSchema):
    pass
"""
MARSHMALLOW_VIEW = """\
from app.schemas.charts import ChartOut, ChartSchema
from app.schemas.user import UserOut


def load(payload: dict, user: UserOut):
    errors = ChartSchema().validate(payload)
    checked = ChartOut.validate(payload)
    return errors, checked, UserOut.parse_obj(payload)
"""


def test_a_marshmallow_schema_of_a_schemas_module_is_no_model(project):
    # (found reviewing superset: a marshmallow Schema's own validate() taken for v1's)
    (project / "app" / "schemas" / "charts.py").write_text(MARSHMALLOW_SCHEMAS)
    (project / "app" / "views.py").write_text(MARSHMALLOW_VIEW)
    # only the Pydantic model's call
    assert _findings("app/views.py") == {("app/views.py", 8, "LL203")}


EMPTY_TUPLE_SHAPES = """\
from typing import Tuple


class Grid:
    extra_dims: Tuple[()] = ()
"""
EMPTY_TUPLE_REPORT = """\
from app.shapes import Grid


def dump(grid: Grid) -> dict:
    return grid.dict(exclude={"x"})
"""


def test_an_empty_tuple_annotation_in_another_module_is_read_without_error(project):
    # (found on great-expectations: `Tuple[()]` raised IndexError while reading the class)
    (project / "app" / "shapes.py").write_text(EMPTY_TUPLE_SHAPES)
    (project / "app" / "report.py").write_text(EMPTY_TUPLE_REPORT)
    result = CliRunner().invoke(main, ["check", "--jobs", "1", "--select", "LL203", "app/report.py"])
    assert result.exit_code == 0, result.output  # Grid is no model: no finding, and no internal error


STAR_SHIM = """\
import pydantic

if pydantic.VERSION.startswith("2."):
    from pydantic.v1 import *  # noqa: F403
else:
    from pydantic import *  # noqa: F403
"""
STAR_MODELS = """\
from app.compat_shim import BaseModel


class Ledger(BaseModel):
    total: int
"""
STAR_USE = """\
from app.ledger import Ledger


def payload(ledger: Ledger) -> dict:
    return ledger.dict(exclude={"total"})
"""


def test_a_class_built_on_a_star_reexport_of_pydantic_v1_is_a_v1_model(project):
    # (found on great-expectations: its compatibility module star-imports pydantic.v1)
    (project / "app" / "compat_shim.py").write_text(STAR_SHIM)
    (project / "app" / "ledger.py").write_text(STAR_MODELS)
    (project / "app" / "star_use.py").write_text(STAR_USE)
    assert _findings("app/star_use.py") == set()



GENERIC_SCHEMAS = """\
from typing import Any, TypeVar

from pydantic import BaseModel


class Record(BaseModel):
    name: str


RecordT = TypeVar("RecordT", bound=Record)
MappingT = TypeVar("MappingT", bound=dict)
TableT = TypeVar("TableT", bound="dict[str, Any]")
FreeT = TypeVar("FreeT")
"""
GENERIC_USE = """\
from app.schemas.generic import FreeT, MappingT, RecordT, TableT


def values(record: RecordT, row: MappingT, table: TableT, free: FreeT) -> list:
    return [record.dict(), row.copy(), table.copy(), free.dict()]
"""


def test_a_type_variable_of_a_schemas_module_is_its_bound_not_a_model_class(project):
    # `MappingT` looks like a class of a schemas module, but is a type variable bound to
    # dict: `row.copy()` is dict's (a "safe" fix wrote `row.model_copy()`); one bound to a
    # model stands for it, with an unsafe fix as for a type variable of the module itself
    (project / "app" / "schemas" / "generic.py").write_text(GENERIC_SCHEMAS)
    (project / "app" / "crud.py").write_text(GENERIC_USE)
    found = [(d["location"]["column"], d["fix"]["applicability"] if d["fix"] else None)
             for d in _json("LL203", "app/crud.py")]
    assert found == [(20, "unsafe")]


WS_SCHEMAS = """\
from pydantic import BaseModel


class Pulse(BaseModel):
    status: str


class Frame:
    def dict(self) -> dict:
        return {}
"""
WS_USE = """\
from app.ws_schemas import Frame, Pulse


def probe(pulse: Pulse, frame: Frame, raw: dict):
    return pulse.dict(), Pulse.parse_obj(raw), frame.dict()
"""


def test_a_model_of_a_schemas_suffix_module_is_read_without_a_pydantic_import(project):
    # `ws_schemas.py` (freqtrade's `api_schemas.py`) is of no layer: its classes are read
    # as a models module's are, even where nothing names Pydantic; a plain class stays clean
    (project / "app" / "ws_schemas.py").write_text(WS_SCHEMAS)
    (project / "app" / "ws.py").write_text(WS_USE)
    assert sorted((d["location"]["column"], d["message"][:12]) for d in _json("LL203", "app/ws.py")) == [
        (18, "`.dict()` is"), (32, "`.parse_obj("),
    ]


def _write(project, files: dict[str, str]) -> None:
    for path, text in files.items():
        (project / path).write_text(text)


def test_a_name_bound_to_a_class_in_another_module_is_that_class(project):
    # `Legacy = V1Model` (and `OldModel = Legacy`) in a compat module: a pydantic.v1 base, whose
    # models get no v2 advice (the safe-looking model_dump fix broke them); `Schema = BaseModel`
    # a v2 one, whose `class Config` is LL201's
    _write(project, {
        "app/compat.py": "from pydantic import BaseModel\nfrom pydantic.v1 import BaseModel as V1Model\n\n"
        "Legacy = V1Model\nOldModel = Legacy\nSchema = BaseModel\n",
        "app/schemas/items.py": "from app.compat import Legacy, OldModel, Schema\n\n\n"
        "class OldItem(OldModel):\n    x: int\n\n\nclass OneHop(Legacy):\n    y: int\n\n\n"
        "class New(Schema):\n    z: int\n\n    class Config:\n        orm_mode = True\n",
        "app/use.py": "from app.schemas.items import New, OldItem, OneHop\n\n\n"
        "def use(a: OldItem, c: OneHop, n: New):\n"
        "    OldItem.parse_obj({})\n    OneHop.parse_obj({})\n    n.dict()\n    return a.dict(), c.dict()\n",
    })
    assert _findings("app/use.py", "app/schemas/items.py") == {
        ("app/schemas/items.py", 15, "LL201"), ("app/use.py", 7, "LL203")
    }


def test_ll201_says_rename_only_for_a_nested_config_that_another_module_makes_a_model(project):
    # `class BaseConfig:` of a schemas module is a shared config (a module's name presumes a
    # model only where a finding needs it): `class Config(BaseConfig)` gets the ConfigDict advice
    (project / "app" / "schemas" / "common.py").write_text(
        "from pydantic import BaseModel\n\n\nclass BaseConfig:\n    orm_mode = True\n\n\n"
        "class Item(BaseModel):\n    name: str\n"
    )
    (project / "app" / "schemas" / "order.py").write_text(
        "from pydantic import BaseModel\n\nfrom app.schemas.common import BaseConfig, Item\n\n\n"
        "class Order(BaseModel):\n    class Config(BaseConfig):\n        pass\n\n\n"
        "class Holder(BaseModel):\n    class Config(Item):\n        pass\n"
    )
    found = {d["location"]["row"]: d["message"] for d in _json("LL201", "app/schemas/order.py")}
    assert found == {
        7: "`class Config` is Pydantic v1: use `model_config = ConfigDict(...)`",
        12: "a nested class named `Config` is read by Pydantic as the model's v1 config class: rename it",
    }


def test_a_pydantic_name_bound_twice_is_a_compat_shim(project):
    # `Compat = pydantic.v1.BaseModel` in a try, `from pydantic import BaseModel as Compat` in its
    # except: which holds is not known, and a v1 one breaks under model_validate
    _write(project, {
        "app/compat.py": "try:\n    from pydantic import v1 as _v1\n\n    Compat = _v1.BaseModel\n"
        "except ImportError:\n    from pydantic import BaseModel as Compat\n",
        "app/schemas/items.py": "from pydantic.v1 import BaseModel as V1Model\n\nfrom app.compat import Compat\n\n"
        "Legacy = V1Model\n\n\nclass Item(Compat):\n    x: int\n\n\nclass Old(Legacy):\n    y: int\n",
        "app/use.py": "from app.schemas.items import Item, Old\n\n\ndef use(a: Item, o: Old):\n"
        "    Item.parse_obj({})\n    Old.parse_obj({})\n    return a.dict(), o.dict()\n",
    })
    assert _findings("app/use.py") == set()
    # ray's shim binds the name to None where Pydantic is missing: a v2 model where it is not
    (project / "app" / "compat.py").write_text(
        "try:\n    import pydantic\nexcept ImportError:\n    pydantic = None\n\n"
        "if pydantic is None:\n    Compat = None\nelse:\n    from pydantic import BaseModel as Compat\n"
    )
    assert _findings("app/use.py") == {("app/use.py", 5, "LL203"), ("app/use.py", 7, "LL203")}

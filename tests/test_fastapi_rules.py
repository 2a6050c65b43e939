"""FastAPI rules beyond the fixtures: messages, and facts read from another project module."""

from __future__ import annotations

import textwrap
from pathlib import Path

from layerlint import external
from layerlint.engine import lint_source
from layerlint.project import settings_for


def _lint(project: Path, files: dict[str, str], target: str):
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.layerlint]\n')
    for rel, text in files.items():
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    path = project / target
    external.clear()  # facts about other files are memoized for one run; each call is a run
    return lint_source(path.read_bytes(), str(path), settings_for(path)).diagnostics


def test_ll601_message_names_the_constant_and_the_renamed_ones(tmp_path):
    found = _lint(
        tmp_path,
        {
            "app/routes/items.py": """\
                from fastapi import APIRouter, HTTPException

                router = APIRouter()


                @router.get("/", status_code=200)
                def items() -> list[int]:
                    raise HTTPException(422)
            """
        },
        "app/routes/items.py",
    )
    messages = {d.line: d.message for d in found if d.code == "LL601"}
    assert messages[6] == "bare HTTP status `200`: use `status.HTTP_200_OK`"
    assert "`status.HTTP_422_UNPROCESSABLE_CONTENT` (Starlette >= 0.48" in messages[8]
    assert "`status.HTTP_422_UNPROCESSABLE_ENTITY` on older Starlette" in messages[8]



def test_ll601_message_names_what_the_fix_writes(tmp_path):
    found = _lint(
        tmp_path,
        {
            "app/routes/items.py": """\
                from fastapi import APIRouter, HTTPException

                router = APIRouter()


                @router.get("/", status_code=200)
                def items(status: str) -> list[int]:
                    raise HTTPException(404)


                def parse(raw: str) -> int:
                    raise HTTPException(422)
            """
        },
        "app/routes/items.py",
    )
    messages = {d.line: d.message for d in found if d.code == "LL601"}
    # `status` is a parameter of the endpoint: the fix imports `status as http_status`, and
    # the finding without a fix (422's name depends on Starlette's version) says the same
    assert messages == {
        6: "bare HTTP status `200`: use `http_status.HTTP_200_OK`",
        8: "bare HTTP status `404`: use `http_status.HTTP_404_NOT_FOUND`",
        12: (
            "bare HTTP status `422`: use `http_status.HTTP_422_UNPROCESSABLE_CONTENT` (Starlette >= 0.48;"
            " `http_status.HTTP_422_UNPROCESSABLE_ENTITY` on older Starlette)"
        ),
    }



def test_ll602_message_names_the_response_class_an_endpoint_returns():
    from layerlint.config import Settings

    fixture = Path(__file__).parent / "fixtures" / "fastapi" / "LL602_responses.py"
    result = lint_source(fixture.read_text(), "app/routes/pages.py", Settings(), codes=frozenset({"LL602"}))
    found = {d.line: d.message for d in result.diagnostics}
    plain = "has neither `response_model=` nor a return annotation"
    assert found == {
        11: f"endpoint `index` {plain}: it returns a response (`HTMLResponse`): "
        "annotate `-> HTMLResponse` (or pass `response_class=`)",
        16: f"endpoint `old` {plain}: it returns a response (`Response`): "
        "annotate `-> Response` (or pass `response_class=`)",
        29: f"endpoint `pong` {plain}",  # a dict: a response model is what it lacks
        34: f"endpoint `report` {plain}",
        41: f"endpoint `deploy` {plain}",  # its end returns None: not only a response
        48: f"endpoint `either` {plain}: it returns a response (`RedirectResponse`): "
        "annotate `-> RedirectResponse` (or pass `response_class=`)",
    }


def test_ll602_reads_a_templates_object_imported_from_a_project_module(tmp_path):
    """`from app.templates import templates`, made there of Jinja2Templates or of a project subclass
    that keeps its TemplateResponse: an HTMLResponse; a subclass that overrides it: not known."""
    templates = (
        "from fastapi.templating import Jinja2Templates\n\n\n"
        "class Plain(Jinja2Templates):\n    def _create_env(self, directory):\n        return super()._create_env(directory)\n\n\n"
        "class Wrapped(Jinja2Templates):\n    def TemplateResponse(self, *args, **kwargs):\n        return {}\n\n\n"
        "templates = Jinja2Templates(directory='t')\nplain = Plain(directory='t')\nwrapped = Wrapped(directory='t')\n"
    )
    pages = (
        "from fastapi import APIRouter, Request\n\nfrom app.templates import plain, templates, wrapped\n\n"
        "router = APIRouter()\n\n\n"
        "@router.get('/a')\nasync def a(request: Request):\n    return templates.TemplateResponse(request, 'a.html')\n\n\n"
        "@router.get('/b')\nasync def b(request: Request):\n    return plain.TemplateResponse(request, 'b.html')\n\n\n"
        "@router.get('/c')\nasync def c(request: Request):\n    return wrapped.TemplateResponse(request, 'c.html')\n"
    )
    found = {
        d.line: d.message
        for d in _lint(tmp_path, {"app/templates.py": templates, "app/routes/pages.py": pages}, "app/routes/pages.py")
        if d.code == "LL602"
    }
    plain_message = "has neither `response_model=` nor a return annotation"
    html = ": it returns a response (`HTMLResponse`): annotate `-> HTMLResponse` (or pass `response_class=`)"
    assert found == {
        9: f"endpoint `a` {plain_message}{html}",
        14: f"endpoint `b` {plain_message}{html}",
        19: f"endpoint `c` {plain_message}",  # its own TemplateResponse may return anything
    }


DATABASE = """\
    from contextlib import asynccontextmanager
    from typing import Annotated

    from fastapi import Depends
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

    engine = create_async_engine("sqlite+aiosqlite://")
    async_session = async_sessionmaker(engine, expire_on_commit=False)
    not_a_factory = dict(engine=engine)


    async def get_db():
        async with async_session() as session:
            yield session


    DbSession = Annotated[AsyncSession, Depends(get_db)]


    @asynccontextmanager
    async def db_context():
        async with async_session() as session:
            yield session
"""

ROUTES = """\
    from fastapi import APIRouter, BackgroundTasks

    from app.db import DbSession, async_session, db_context, not_a_factory
    from app.services.jobs import run_job

    router = APIRouter()


    @router.post("/jobs", status_code=202, response_model=None)
    async def start(tasks: BackgroundTasks, session: DbSession) -> None:
        tasks.add_task(run_job, session)
        async with async_session() as own:
            await run_job(own)
        not_a_factory()
        async with db_context() as other:
            await run_job(other)
"""


def test_factories_and_session_aliases_are_read_from_the_module_that_defines_them(tmp_path):
    found = _lint(tmp_path, {"app/db.py": DATABASE, "app/routes/jobs.py": ROUTES}, "app/routes/jobs.py")
    codes = sorted((d.line, d.code) for d in found if d.code in ("LL603", "LL604"))
    # line 11: the aliased session handed to a task; line 12: a factory defined in app/db.py;
    # line 14: a call of another name from the same module is no session; line 15: a context
    # manager of app/db.py that opens a session from its factory
    assert codes == [(11, "LL604"), (12, "LL603"), (15, "LL603")]


LOCAL_CONTEXT = """\
    from contextlib import asynccontextmanager

    from fastapi import APIRouter

    from app.db import async_session, not_a_factory

    router = APIRouter()


    @asynccontextmanager
    async def local_db():
        async with async_session() as session:
            yield session


    @asynccontextmanager
    async def not_a_db():
        async with not_a_factory() as thing:
            yield thing


    @router.get("/jobs", response_model=None)
    async def jobs() -> None:
        async with local_db() as own:
            await own.commit()
        async with not_a_db() as other:
            await other.close()
"""


def test_a_local_context_manager_opens_a_session_from_an_imported_factory(tmp_path):
    found = _lint(tmp_path, {"app/db.py": DATABASE, "app/routes/jobs.py": LOCAL_CONTEXT}, "app/routes/jobs.py")
    # line 24: local_db() opens one with app/db.py's factory; line 26: not_a_db() opens none
    assert sorted((d.line, d.code) for d in found if d.code == "LL603") == [(24, "LL603")]


BEGIN_ONLY = """\
    from fastapi import APIRouter

    from app.db import async_session, engine

    router = APIRouter()


    @router.get("/jobs", response_model=None)
    async def jobs() -> None:
        async with async_session.begin() as own:
            await own.commit()
        async with engine.begin() as conn:
            await conn.close()
"""


def test_an_imported_factory_only_ever_begun_opens_a_session(tmp_path):
    # line 10: `async_session.begin()` of app/db.py's factory, which the file never calls
    # (review 106); line 12: the engine's begin() gives a connection, not a session
    found = _lint(tmp_path, {"app/db.py": DATABASE, "app/routes/jobs.py": BEGIN_ONLY}, "app/routes/jobs.py")
    assert sorted((d.line, d.code) for d in found if d.code == "LL603") == [(10, "LL603")]


def test_a_module_edited_between_runs_is_read_again(tmp_path):
    files = {"app/db.py": DATABASE, "app/routes/jobs.py": ROUTES}
    _lint(tmp_path, files, "app/routes/jobs.py")
    renamed = DATABASE.replace("async_session = async_sessionmaker", "async_session = dict")
    found = _lint(tmp_path, {**files, "app/db.py": renamed + "\n# edited\n"}, "app/routes/jobs.py")
    assert [d.line for d in found if d.code == "LL603"] == []


def test_top_level_names_cover_every_binding_session_facts_can_report(tmp_path):
    """The text pre-check before parsing another module for its session factories must
    never leave out a name the parse would report (else a finding is lost)."""
    from layerlint.facts.sessions import _module_facts, _top_level_names

    module = tmp_path / "db.py"
    module.write_text(
        "from contextlib import asynccontextmanager\n"
        "from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker\n"
        "from sqlalchemy.orm import sessionmaker\n"
        "A = B = F = async_sessionmaker(engine)\n"
        "(C) = sessionmaker()\n"
        "D: async_sessionmaker = async_sessionmaker(engine)\n"
        "SessionAlias = AsyncSession\n"
        "RenamedAlias = SessionAlias\n"
        "@asynccontextmanager\n"
        "async def get_db():\n"
        "    async with A() as session:\n"
        "        yield session\n"
        "if True:\n"
        "    E = sessionmaker()\n"
        "if USE_REPLICA:\n"
        "    R = sessionmaker()\n"
        "else:\n"
        "    R = None\n"
        "try:\n"
        "    T = sessionmaker()\n"
        "except ImportError:\n"
        "    raise\n"
        "try: U = sessionmaker()\n"
        "except ImportError: raise\n"
        "scoped = async_scoped_session(A, scopefunc=current_task)\n"
        "opened = A()\n"
        "async_session = async_sessionmaker(engine)\n"
        "default_maker = sessionmaker()\n"
        "async def new_session():\n"
        "    return A()\n"
        "async  def new_other() -> AsyncSession:\n"
        "    return AsyncSession()\n"
    )
    factories, aliases, sessions, awaited, _opening = _module_facts(str(module))
    # (E: bound in an if block, which runs at import (mediagoblin, review 66); R: bound twice)
    # (RenamedAlias: another name of an alias, review 70)
    # (async_session, default_maker: names starting like `async def`/`def`, review 84)
    assert factories == {"A", "B", "C", "D", "E", "F", "T", "U", "get_db", "async_session", "default_maker"}
    assert aliases == {"SessionAlias", "RenamedAlias"}
    assert sessions == {"opened"}  # (async_scoped_session is not imported here: not known)
    assert awaited == {"new_session", "new_other"}  # (`async def`s: awaited, they open one)
    names = _top_level_names(str(module))
    assert factories | aliases | awaited <= names
    assert "session" not in names  # an indented name is not a top-level binding

    tutorial = tmp_path / "session.py"  # (no context manager: only the top-level statements are read)
    tutorial.write_text(
        "from sqlalchemy.ext.asyncio import async_sessionmaker\nfrom sqlalchemy.orm import sessionmaker\n\n"
        "async_session = async_sessionmaker(engine)\ndefault_maker = sessionmaker()\n"
    )
    assert _module_facts(str(tutorial))[0] == {"async_session", "default_maker"}
    assert _top_level_names(str(tutorial)) == {"async_session", "default_maker"}  # (review 84)

    plain = tmp_path / "service.py"
    plain.write_text("from app.db import A\n\nclass UserService:\n    pass\n\ndef get_user(session):\n    return A()\n")
    assert _top_level_names(str(plain)) == frozenset()  # nothing to parse it for

    renamed = tmp_path / "renamed.py"
    renamed.write_text("from sqlalchemy.orm import sessionmaker as make\n\nG = (\n    make()\n)\nH = 1\n")
    assert _module_facts(str(renamed))[0] == {"G"}
    assert "G" in _top_level_names(str(renamed))

    multi = tmp_path / "multi.py"
    multi.write_text("import sqlalchemy.orm as orm\n\nJ = (\n    orm.sessionmaker()\n)\nK = compute()\n")
    assert _module_facts(str(multi))[0] == {"J"}
    assert _top_level_names(str(multi)) == {"J"}

    accented = tmp_path / "accented.py"  # non-ASCII text and names: read as Python reads them
    accented.write_text("# café\nfrom sqlalchemy.orm import sessionmaker\n\nｓessionA = sessionmaker()\n", encoding="utf-8")
    assert _module_facts(str(accented))[0] == {"sessionA"}
    assert "sessionA" in _top_level_names(str(accented))


def test_a_router_class_of_another_project_module_makes_endpoints(tmp_path):
    """polar builds its routes on its own `polar.routing.APIRouter`, a subclass of FastAPI's."""
    routing = """\
        import fastapi


        class APIRouter(fastapi.APIRouter):
            pass


        class Registry:
            pass
    """
    routes = """\
        from fastapi import Depends

        from app.routing import APIRouter, Registry

        router = APIRouter(prefix="/items")
        registry = Registry()


        @router.post("/", status_code=201)
        async def create():
            return {}


        @registry.post("/")
        async def not_an_endpoint():
            return {}
    """
    found = _lint(tmp_path, {"app/__init__.py": "", "app/routing.py": routing, "app/items.py": routes}, "app/items.py")
    assert sorted((d.line, d.code) for d in found) == [(9, "LL601"), (10, "LL602")]


def test_a_session_class_reexported_by_a_project_module_is_a_session(tmp_path):
    """polar's services import `AsyncSession` from `polar.postgres`, which re-exports SQLAlchemy's."""
    postgres = """\
        from sqlalchemy.ext.asyncio import AsyncSession
        from sqlalchemy.orm import Session as _Session


        class Session(_Session):
            pass


        class SessionInfo:
            pass
    """
    service = """\
        import sqlalchemy as sa

        from app.postgres import AsyncSession, Session, SessionInfo


        async def load(session: AsyncSession, sync: Session, info: SessionInfo, stmt: sa.Select):
            await session.execute(stmt)
            sync.scalars(stmt)
            return info.execute(stmt)
    """
    files = {"app/__init__.py": "", "app/postgres.py": postgres, "app/services/__init__.py": "", "app/services/load.py": service}
    found = _lint(tmp_path, files, "app/services/load.py")
    assert sorted((d.line, d.code) for d in found) == [(7, "LL107"), (8, "LL107")]


def test_ll601_checks_a_project_http_exception_whether_the_module_names_fastapi_or_not(tmp_path):
    # fastapi-listing's service raises NotRegistered(status_code=422), a subclass of HTTPException
    # from its errors module: checked in a module that names the framework (here for Depends),
    # and in one naming none that calls the project's name with a status first (review 82: a
    # comment naming fastapi decided it); a status passed by keyword alone there is not looked for
    errors = """\
        from fastapi import HTTPException


        class NotRegistered(HTTPException):
            pass
    """
    service = """\
        from app.errors import NotRegistered


        def register(name: str) -> None:
            if not name:
                raise NotRegistered(status_code=422, detail="no name")
            if name == "x":
                raise NotRegistered(detail="bad", status_code=int(name))
            raise NotRegistered(404)
    """
    files = {"app/__init__.py": "", "app/errors.py": errors, "app/services/listing.py": service}
    found = _lint(tmp_path, files, "app/services/listing.py")
    assert [d.line for d in found if d.code == "LL601"] == [6, 9]
    files["app/services/listing.py"] = "from fastapi import Depends\n" + textwrap.dedent(service)
    found = _lint(tmp_path, files, "app/services/listing.py")
    assert [d.line for d in found if d.code == "LL601"] == [7, 10]
    keyword_only = textwrap.dedent(service).replace("raise NotRegistered(404)", "raise NotRegistered(detail='x')")
    files["app/services/listing.py"] = keyword_only
    found = _lint(tmp_path, files, "app/services/listing.py")
    assert [d.line for d in found if d.code == "LL601"] == []


def test_ll601_and_ll103_follow_another_name_of_a_project_http_exception(tmp_path):
    # `Missing = NotFound` in the errors module: the same class under another name
    errors = """\
        from fastapi import HTTPException


        class NotFound(HTTPException):
            pass


        Missing = NotFound
        Gone = Missing
        Unrelated = ValueError
    """
    service = """\
        from fastapi import Depends

        from app.errors import Gone, Missing, Unrelated


        def find(key: str) -> None:
            if not key:
                raise Missing(status_code=404, detail="none")
            if key == "old":
                raise Gone(410, "gone")
            raise Unrelated(404)
    """
    files = {"app/__init__.py": "", "app/errors.py": errors, "app/services/finder.py": service}
    found = _lint(tmp_path, files, "app/services/finder.py")
    assert sorted((d.line, d.code) for d in found if d.code in ("LL601", "LL103")) == [
        (8, "LL103"), (8, "LL601"), (10, "LL103"), (10, "LL601")
    ]


def test_ll601_finds_the_same_whatever_else_is_selected(tmp_path):
    # `NF(404)` of a short alias: LL601's own needles must lead the walk there, not LL103's
    errors = "from fastapi import HTTPException\n\n\nclass NotFound(HTTPException):\n    pass\n\n\nNF = NotFound\n"
    service = (
        "from fastapi import APIRouter\n\nfrom app.errors import NF\n\n\ndef find(code):\n    raise NF(404)\n\n\n"
        "def fallback(code):\n    raise NF(code or 404)\n\n\ndef chosen(code):\n    raise NF(None if code else 404)\n\n\n"
        "def commented(code):\n    raise NF(  # why\n        (410)\n    )\n"
    )
    files = {"app/__init__.py": "", "app/errors.py": errors, "app/services/s.py": service}
    _lint(tmp_path, files, "app/services/s.py")
    path = tmp_path / "app/services/s.py"
    for codes in ({"LL601"}, {"LL601", "LL103"}):
        external.clear()
        found = lint_source(path.read_bytes(), str(path), settings_for(path), codes=frozenset(codes)).diagnostics
        assert [d.line for d in found if d.code == "LL601"] == [7, 11, 15, 20], codes


def test_ll603_names_the_provider_whose_first_value_a_handler_takes(tmp_path):
    # (mcp-contextforge: `db = next(get_db())` in its admin endpoints)
    routes = """\
        from collections.abc import Iterator

        from fastapi import APIRouter
        from sqlalchemy.orm import Session

        router = APIRouter()


        def get_db() -> Iterator[Session]:
            yield Session()


        @router.get("/count")
        def count() -> int:
            db = next(get_db())
            return db.query(int).count()


        @router.get("/total")
        def total() -> int:
            db = next(get_db(readonly=True), None)
            return db.query(int).count()
    """
    found = _lint(tmp_path, {"app/routes/admin.py": routes}, "app/routes/admin.py")
    assert [(d.line, d.message) for d in found if d.code == "LL603"] == [
        (15, "route handler `count` opens its own session with `next(get_db())`: take it from `Depends(...)`"),
        (
            21,
            "route handler `total` opens its own session with `next(get_db(readonly=True), None)`: "
            "take it from `Depends(...)`",
        ),
    ]


def test_ll601_finds_fastapi_s_exception_reexported_under_another_name(tmp_path):
    # (review 82: found only when a comment in the module named fastapi)
    files = {
        "app/__init__.py": "",
        "app/core/__init__.py": "",
        "app/core/errors.py": "from fastapi import HTTPException as HTTPError\n",
        "app/routes/guards.py": (
            "from app.core.errors import HTTPError\n\n\n"
            "def require_owner(user_id: int, owner_id: int) -> None:\n"
            "    if user_id != owner_id:\n"
            "        raise HTTPError(403, 'not yours')\n"
        ),
    }
    found = _lint(tmp_path, files, "app/routes/guards.py")
    assert [(d.line, d.code) for d in found if d.code == "LL601"] == [(6, "LL601")]


def test_ll601_finds_it_read_through_its_module_too(tmp_path):
    # (review 83: `errors.HTTPError(403, ...)` after `from app import errors`)
    files = {
        "app/__init__.py": "",
        "app/errors.py": "from fastapi import HTTPException as HTTPError\n",
        "app/utils/guards.py": "from app import errors\n\n\ndef deny() -> None:\n    raise errors.HTTPError(403, 'no')\n",
    }
    found = _lint(tmp_path, files, "app/utils/guards.py")
    assert [(d.line, d.code) for d in found if d.code == "LL601"] == [(5, "LL601")]

"""LL106 route-runs-database-work: a route handler queries or writes the database itself.

## What it does
In a routes module (a module of the routes layer: by default a dotted name with
a `routes`, `routers` or `endpoints` part; a `views.py` or an `api/` folder
needs `[tool.layerlint.layers]`), inside an endpoint (a function decorated
with `@router.get/post/...` of an `APIRouter()`/`FastAPI()` object, as LL602
finds them: a router held as an attribute of a project object too,
`@section.router.get(...)`, and a function registered by a call,
`router.add_api_route(path, handler)`), flags calls of `execute`, `scalar`,
`scalars`, `stream`, `stream_scalars`, `get`, `get_one`, `add`, `add_all`, `delete`,
`merge`, `flush`, `refresh` or `commit` on a session (and SQLModel's `exec`, and the legacy `query`, which run queries as
`execute` does), and SQLAlchemy statement constructors (`select`, `insert`, `update`,
`delete`, `text`, resolved through imports, `sqlmodel`'s included).

A session is a name (not one the handler also binds to something else: `async with
aiohttp.ClientSession() as session`) annotated `AsyncSession`/`Session` (also as re-exported or
subclassed by a project module: `from app.db import AsyncSession`) or with a session
alias (`SessionDep = Annotated[AsyncSession, Depends(get_db)]`, of the module, imported, or
read through its module: `deps.SessionDep`; also `Database = Annotated[Any,
Depends(get_database)]` whose provider yields a session, one of another module when it
is a function there annotated so), a parameter whose
default is `Depends(<session provider>)`, or annotated `Annotated[X, Depends(<session
provider>)]` (unless its type is another class: `db: DatabaseManager = Depends(get_db)`,
`session: Annotated[httpx.AsyncClient, Depends(get_http_session)]`; a name a star import
brings is read in the project module that binds it, and one not known is no other class; a session provider
is a function of the module or of a project module annotated to return or yield a session
(`def get_database() -> Iterator[Session]`, whatever its name), or one named like a
provider, `get_db`, `get_session`, unless its return annotation, read in the project
module that defines it, names another class: `-> AsyncIterator[httpx.AsyncClient]`;
a bare `-> Generator` names none; or, without one, unless every value it returns or
yields is a call of another class (or a name it binds once to one, `async with
aiohttp.ClientSession() as session: yield session`): fastapi-users' `get_user_db` that yields
`SQLAlchemyUserDatabase(session, User)`, a class of another package by its
capitalized name, a class or call of an HTTP or other client package (`aiohttp`, `requests`,
`httpx`, `boto3`, `redis`, `pymongo` ...) or of a DB-API driver (`sqlite3.connect`, `psycopg`
...), or a project class whose bases are known and none
a session; or an item of a container, `yield client["app"]`; or an attribute of a
parameter annotated as a request, `return request.session`, Starlette's cookie session),
`self.<attr>` assigned from one
or annotated as one in the class body or a base class's (also a base class of
another project module, read there: a base controller of class-based views, a base
service whose `__init__` sets `self.session = session` from a parameter annotated as
one and nothing else), a class attribute annotated as one (`session:
ClassVar[scoped_session[Session]]`, or a module-level alias of it) reached as
`cls.<attr>` in a classmethod of the class or as `ClassName.<attr>` of a project class
(of the module or imported), or
the target of `async with <session factory>() as session` (a factory as LL603
finds it: `self.session_factory()`, `request.app.state.session_factory()`), or of
`async with engine.core_session() as session` (or `self._begin_session()`, a method of
the class or of a base; `engine` a module-level instance, or a local bound once to what a
project function is annotated to return: `engine = get_engine()`, `get_engine().session()`)
where the callee is a project's context manager annotated to
yield a session, or a plain function annotated to return one (`def new_session() ->
AsyncSession`, also assigned: `db = new_session()`; as LL305 finds them), or a name
unpacked from a call of a project function annotated to return a tuple with a session in
that place (`db, owned = open_session()`, `-> tuple[Session, bool]`), or the first value
taken from a session provider (`db = next(get_db())`, `session = await
anext(get_session())`, or `gen = get_db()`, then `db = next(gen)`). A name the handler
also binds to something else (not None) is no session there, unless that is the same
name or a session (`session = session or SessionLocal()`). A `get` or `delete`
on anything else (a dict, an HTTP client) is not flagged.

One query is one finding: a constructor in the arguments of a flagged session
call (`session.execute(select(User))`), or anywhere in a statement being built
(`select(User).where(User.id.in_(select(Ban.user_id)))`, `.where(text(...))`),
is part of that finding. A statement built first and run later
(`stmt = select(User)`, then `session.execute(stmt)`) is two lines to move, and
two findings, as in LL107.

## Why is this bad?
Routes handle HTTP only. Queries in a handler cannot be reused or tested without
HTTP, and the repository layer stops being the one place where data access
lives.

## Example
```python
@router.get("/{user_id}")
async def get_user(user_id: int, session: AsyncSession = Depends(get_session)) -> UserOut:
    user = await session.get(User, user_id)
    return UserOut.model_validate(user)
```

## Use instead
```python
@router.get("/{user_id}")
async def get_user(user_id: int, session: AsyncSession = Depends(get_session)) -> UserOut:
    user = await UserService(session).get_user(user_id)
    return UserOut.model_validate(user)
```

## Fix safety
No fix.
"""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.facts.fastapi import enclosing_endpoint, may_have_endpoints
from layerlint.facts.sessions import STATEMENT_BUILDERS, call_ids, query_at
from layerlint.facts.sqlalchemy import sa_spellings
from layerlint.rule import Rule

DATABASE_METHODS = frozenset(
    {"execute", "scalar", "scalars", "stream", "stream_scalars", "get", "get_one", "add", "add_all", "delete",
     "merge", "flush", "refresh", "commit", "exec", "query"}  # SQLModel's execute; the legacy Query API
)


class RouteRunsDatabaseWork(Rule):
    code = "LL106"
    name = "route-runs-database-work"
    summary = "route handler runs database work itself"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return ctx.layer == "routes" and may_have_endpoints(ctx)

    def needles(self) -> set[str]:
        # a finding calls a session method by name, or (an alias of) a statement builder;
        # session facts are asked for only at such a method call
        return DATABASE_METHODS | sa_spellings(self.ctx, STATEMENT_BUILDERS)

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._covered: set[int] = set()  # ids of the calls that are part of a reported query

    def visit_Call(self, node: ast.Call) -> None:
        if id(node) in self._covered or enclosing_endpoint(self.ctx) is None:
            return
        query = query_at(node, DATABASE_METHODS, self.ctx)
        if query is None:
            return
        target, spelled, on_session = query
        if on_session:
            self.report(target, f"route handler calls `{spelled}()` on a session: move database work to a repository")
        else:
            self.report(target, f"route handler builds a SQL statement with `{spelled}()`: move queries to a repository")
        self._covered |= call_ids(node)  # one finding for `session.execute(select(...))`

"""LL305 legacy-session-query: `session.query(...)` instead of `select(...)`.

## What it does
Flags `.query(...)` called on a receiver known to be a SQLAlchemy session: a
name annotated `Session`/`AsyncSession` (SQLModel's too), a parameter whose
default is `Depends(<session provider>)` (as LL106 reads it: not when the parameter's
type or the provider's return annotation names another class), `self.<attr>` assigned from one (or a
property of the class returning a `Session`; as LL106 reads it, a base class of
another project module included), a class attribute annotated as one (`session:
ClassVar[scoped_session[Session]]`) reached as `cls.<attr>` in a classmethod or as
`Model.<attr>` of a project class, the
target of `with <session factory>() as session` or `session = SessionLocal()`
(where the factory is one as LL603 finds it: a `sessionmaker`/`async_sessionmaker`
result of the module or of `self.<attr>` (also a parameter annotated `Callable[[],
AsyncSession]` it is assigned from), or a conventionally named name,
import or attribute such as `SessionLocal` or `self.session_maker`), the target of
`async with engine.core_session() as session` (or `with`) where the callee is a
context manager of the module or of another project module, a function or a method of a
class reached through the class, a module-level instance (`engine = Engine()`) or a
local name bound once to an instance (`engine = get_engine()`, the function annotated
`-> Engine`; also `get_engine().session()`; or a parameter annotated with the class and
not rebound: `self: DatabaseTask` in a Celery task bound to it), or
`self.<method>()` (`cls.<method>()` in a classmethod) in a method of a class whose body or
nearest base defining `<method>` (of the module or another project module) makes it one,
decorated `@asynccontextmanager` (`@contextmanager`), or made one at the module's top
level (`fresh_db = contextmanager(get_db)`, `get_db` of the module or imported, read where
it is defined), and annotated to yield a session
(`-> AsyncIterator[AsyncSession]`, `AsyncGenerator[AsyncSession, None]`,
`Iterator[Session]`, or `-> Session` by mistake; a project subclass of one too) or a plain `def` annotated to return a
context manager of one (`-> ContextManager[Session]`), or a plain `def` (no other decorator
than `@staticmethod`/`@classmethod`) annotated to return one (`def _session(self) ->
AsyncSession`, entered as `async with self._session() as sess`: a session is its own
context manager; or assigned, `sess = self._session()`, also to `self.<attr>` in a method;
an `async def` one only as `sess = await self._session()`: its call is a coroutine), a
module-level session
(`db_session = scoped_session(...)`, also imported from the project module that
binds it, once, at its top level or in an `if`/`try` block there or from a package of
the project that re-exports it, or reached through its module: `meta.Session` after `from app.model import meta`), a local name bound to the instance's session attribute in a method
(`db = self.db`, not in a static or class method, nor where `self` is rebound), the
first value of a dependency that yields a session, as `Depends(get_db)` reads it
(`db = next(get_db())`, `with next(get_db()) as db`) or each of its values (`for db
in get_db():`, `async for`), the session an ORM object belongs to (`db =
Session.object_session(self)`, `object_session(obj)`), the target of `with
session_local() as session` where the function binds `session_local` once to the call
of a project function annotated to return a session maker (`-> sessionmaker`), or
whose body is only `return sessionmaker(...)` (`factory = create_session(url)`), or
such a call itself
(`SessionLocal().query(...)`; also of a session maker the function binds, `Session =
sessionmaker(bind=engine)` then `Session().query(...)`, or of a module-level
scoped_session, `DBSession().query(...)`), or a call a name is read as a session from
(`self.get_session().query(...)`, as `session = self.get_session()`;
`object_session(self).query(...)`). `.query()` on anything else (a search client, a
Flask-SQLAlchemy `Model.query`) is not flagged. Nothing in an Alembic script folder is checked (a migration, or a module beside
the revisions: `migrations/shared/utils.py`, whose frozen models belong to the
migration history).

## Why is this bad?
`Query` is SQLAlchemy's legacy API. In 2.0 style, statements are built with
`select()` and run with `session.execute()`/`session.scalars()`; that is the
only form `AsyncSession` supports (it has no `.query()`), and the same
statement objects work with Core connections and in tests.

## Example
```python
def get_user(session: Session, user_id: int) -> User | None:
    return session.query(User).filter(User.id == user_id).first()
```

## Use instead
```python
def get_user(session: Session, user_id: int) -> User | None:
    return session.scalars(select(User).where(User.id == user_id)).first()
```

## Fix safety
No fix: `Query` chains do not translate mechanically.
"""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.facts.sessions import holds_session
from layerlint.rule import Rule


class LegacySessionQuery(Rule):
    code = "LL305"
    name = "legacy-session-query"
    summary = "legacy session.query(); use select() with session.execute()"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        # no test of the imports here: a session may come from a project module alone
        # (`from app.db import SessionLocal`), and `.query(` is rare enough to decide by
        return ".query(" in ctx.source and not ctx.in_migration_scripts

    def needles(self) -> set[str]:
        # only `<session>.query(...)` calls are reported: their lines spell the attribute
        return {"query"}

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "query" and holds_session(func.value, self.ctx):
            self.report(
                node, "legacy `session.query()`: build a `select()` and run it with `session.execute()`/`scalars()`"
            )

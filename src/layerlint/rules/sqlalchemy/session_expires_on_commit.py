"""LL306 session-expires-on-commit: an async session factory without `expire_on_commit=False`.

## What it does
Flags `async_sessionmaker(...)`, and `sessionmaker(..., class_=AsyncSession)`
(SQLAlchemy's or SQLModel's `AsyncSession`), that do not pass
`expire_on_commit=False` (missing, or a literal `True`). A non-literal value, or
`*args`/`**kwargs` that may hold it, is not flagged, nor a factory assigned to a name the
module later configures with it (`SessionLocal.configure(bind=engine,
expire_on_commit=False)` at startup). Nothing in an Alembic script folder is checked (a migration, or a module beside
the revisions: `migrations/shared/utils.py`, whose frozen models belong to the
migration history).

## Why is this bad?
With the default `expire_on_commit=True` every loaded object is expired by
`commit()`, and the next attribute access reloads it from the database. Under
`AsyncSession` that reload is an implicit I/O the attribute access cannot await:
returning `user.email` after `await session.commit()` raises `MissingGreenlet`.
SQLAlchemy's asyncio documentation recommends `expire_on_commit=False`.

## Example
```python
async_session_factory = async_sessionmaker(engine)
```

## Use instead
```python
async_session_factory = async_sessionmaker(engine, expire_on_commit=False)
```

## Fix safety
Every finding has a fix, and it is unsafe: `expire_on_commit=True` (a keyword,
or the fifth positional argument of SQLAlchemy 1.4's `sessionmaker`) becomes
`False`, and a factory without the argument gets `expire_on_commit=False` as its
last argument. It changes what
the program does: after a commit, objects keep the values they had instead of
being reloaded on the next attribute access, so code that relied on the reload
(to see column values computed by the database at commit time, such as
`server_default`/`onupdate` values or trigger results, or rows changed by
another transaction) reads stale values unless it calls
`await session.refresh(obj)` (see LL310). Review the code that uses objects
after `commit()` before applying it with `--unsafe-fixes`.
"""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.diagnostics import FIX_UNSAFE
from layerlint.facts.sessions import SESSION_TYPES
from layerlint.facts.sqlalchemy import has_star_kwargs, keyword, sa_call, sa_spellings, uses_sqlalchemy
from layerlint.rule import Rule

_FACTORIES = frozenset({"async_sessionmaker", "sessionmaker"})
_ASYNC_SESSIONS = frozenset(t for t in SESSION_TYPES if t.endswith(".AsyncSession"))
# SQLAlchemy 1.4: sessionmaker(bind, class_, autoflush, autocommit, expire_on_commit, info);
# 2.0 takes only `bind` positionally
_EXPIRE_POSITION = 4


class SessionExpiresOnCommit(Rule):
    code = "LL306"
    name = "session-expires-on-commit"
    summary = "async session factory without expire_on_commit=False"
    fix_availability = "always"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return uses_sqlalchemy(ctx) and "sessionmaker" in ctx.source

    def needles(self) -> set[str]:
        # the callee of a reported call spells the factory or an import alias of it
        return sa_spellings(self.ctx, _FACTORIES)

    def visit_Call(self, node: ast.Call) -> None:
        factory = sa_call(node, self.ctx, _FACTORIES)
        if factory is None:
            return
        if factory == "sessionmaker" and not self._makes_async_sessions(node):
            return
        kw = keyword(node, "expire_on_commit")
        value = kw.value if kw is not None else None
        if value is None and len(node.args) > _EXPIRE_POSITION:
            value = node.args[_EXPIRE_POSITION]
        if value is None:
            if has_star_kwargs(node) or any(isinstance(arg, ast.Starred) for arg in node.args):
                return
            if ".configure(" in self.ctx.source and id(node) in self.ctx.memo(
                "sqlalchemy.configured_later", lambda: _configured_later(self.ctx.tree)
            ):
                return  # (`SessionLocal.configure(bind=engine, expire_on_commit=False)` later)
        elif not (isinstance(value, ast.Constant) and value.value is True):
            return
        self.report(node, f"`{factory}()` without `expire_on_commit=False`: objects expire on commit and "
                          "reloading them on attribute access fails under AsyncSession", fix=FIX_UNSAFE)

    def _makes_async_sessions(self, node: ast.Call) -> bool:
        kw = keyword(node, "class_")
        value = kw.value if kw is not None else node.args[1] if len(node.args) > 1 else None
        return value is not None and self.ctx.resolve(value) in _ASYNC_SESSIONS


def _configured_later(tree: ast.Module) -> frozenset[int]:
    """The factory calls (by id) assigned to a name the module also calls ``.configure(...)``
    on with ``expire_on_commit=`` other than a literal True (or ``**kwargs`` that may hold it): the factory made at
    import, bound to its engine at startup (``SessionLocal.configure(bind=engine,
    expire_on_commit=False)``)."""
    configured = {
        node.func.value.id for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "configure"
        and isinstance(node.func.value, ast.Name)
        and any(
            kw.arg is None or (  # (`expire_on_commit=True` given later is no cure)
                kw.arg == "expire_on_commit" and not (isinstance(kw.value, ast.Constant) and kw.value.value is True)
            )
            for kw in node.keywords
        )
    }
    return frozenset(
        id(node.value) for node in ast.walk(tree)
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Call)
        and any(isinstance(t, ast.Name) and t.id in configured
                for t in (node.targets if isinstance(node, ast.Assign) else [node.target]))
    )

"""LL304 legacy-declarative-base: `declarative_base()` instead of a `DeclarativeBase` subclass.

## What it does
Flags calls of `declarative_base()` from `sqlalchemy.orm` or the older
`sqlalchemy.ext.declarative` (however imported or aliased, also through a
project module that re-exports it). Nothing in an
Alembic script folder is checked (a migration, or a module beside
the revisions: `migrations/shared/utils.py`, whose frozen models belong to the
migration history), nor a call in an `except ImportError:` handler
(the fallback for a SQLAlchemy 1.x without `DeclarativeBase`, beside the code
that subclasses it), nor one in a branch of an `if` on the SQLAlchemy version
whose other branch uses the 2.0 API (`if sqlalchemy.__version__.startswith("1."):`
`Base = declarative_base()` / `else:` `class Base(DeclarativeBase)`; also a name
assigned from the version, a flag named for it, `SQLALCHEMY_2`, or
`hasattr(orm, "DeclarativeBase")`; any `if` whose branches use the two APIs so),
or on the 1.x side of such an `if` with no `else` whose branch returns or
raises: the branch and the rest of its block are its two sides (`if not
SQLALCHEMY_2: return declarative_base()`, then the 2.0 code).

## Why is this bad?
`declarative_base()` is the legacy API, kept in SQLAlchemy 2.0 for
compatibility. Its result is a dynamically created class that type checkers
cannot see through, so models built on it lose `Mapped[...]` typing; the 2.0
way is an ordinary class `class Base(DeclarativeBase)`, which also takes
`metadata`, `type_annotation_map` and mixins (`AsyncAttrs`) as plain class
attributes and bases.

## Example
```python
from sqlalchemy.orm import declarative_base

Base = declarative_base()
```

## Use instead
```python
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
```

## Fix safety
The fix rewrites a module-level `Base = declarative_base()` into
`class Base(DeclarativeBase): pass`, importing `DeclarativeBase` from
`sqlalchemy.orm` (or reusing `from sqlalchemy import orm`), and drops the
`declarative_base` import it leaves unused. `metadata=...` and
`type_annotation_map=...` become class attributes of the same name (what
`DeclarativeBase` reads); `name="Base"` is dropped when it is the target's name.
An annotation on the target (`Base: DeclarativeMeta = ...`) is dropped.

It is unsafe: the metaclass of every model built on the base changes, from
`DeclarativeMeta` to `DeclarativeAttributeIntercept`. Code anywhere in the project
(or a library) that recognises models by `isinstance(cls, DeclarativeMeta)` stops
recognising them, and models are now mapped by `__init_subclass__`: a model
that defines its own `__init_subclass__` without calling
`super().__init_subclass__()` leaves its subclasses unmapped, and a mixin whose
`__init_subclass__` calls it first and then sets `__tablename__` sets it too
late (the mapping fails). A model of another module listing `Generic[T]` before
the base (`class Page(Generic[T], Base)`) fails at import: `DeclarativeBase`
already derives from `Generic`, and no consistent method resolution order
exists (such a class in the module itself, also through a name bound to the
base or a class deriving from it, or to `Generic` or `Generic[T]` anywhere in
the module, withholds the fix; such a name imported from another module is not
followed). The table
definitions and the constructor are the same.

No fix when the statement is not at module level (a class body scopes names
differently from a function) or shares its line with another statement, with
positional arguments, `**kwargs`, `cls=` (`declarative_base` puts its
constructor above the mixin's `__init__`; a base class would not), `metaclass=`,
`mapper=`, `class_registry=`, `constructor=`, a `name=` other than the target's,
a comment beside a keyword's `=` or a type comment after the statement (`# type: Any`
has no place on a `class` line; the fix keeps the other comments of the call),
when the module uses `DeclarativeMeta` itself, when
the name `DeclarativeBase` is bound to something else in the module, or when the
project's dependency files let it run SQLAlchemy 1.x (a pin below 2.0, or a range
such as `>=1.4` that also allows it; a lock file that lists SQLAlchemy decides
instead), or when the module keeps an older SQLAlchemy working itself (an
`except ImportError:` handler importing from `sqlalchemy`, or guarding an import
from it, or an `if` on the SQLAlchemy version) or needs one (it calls
`select([...])` with a list, `update(t, values=...)`, `MetaData(bind=...)`,
or another form 2.0 removed), or when `declarative_base` comes
through a project module that re-exports it (a shim that a new import from the
package would bypass). The finding is reported on the whole assignment (what the
fix replaces), or on the call when it is not the value of an assignment.
"""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.facts.fallbacks import in_import_fallback
from layerlint.facts.sqlalchemy import sa_call, sa_spellings, uses_sqlalchemy
from layerlint.facts.sqlalchemy_fix import declarative_base_fix
from layerlint.facts.sqlalchemy_gates import in_sqlalchemy_1_branch
from layerlint.rule import Rule

MESSAGE = "legacy `declarative_base()`: define `class Base(DeclarativeBase)` instead"


class LegacyDeclarativeBase(Rule):
    code = "LL304"
    name = "legacy-declarative-base"
    summary = "legacy declarative_base(); subclass DeclarativeBase"
    fix_availability = "sometimes"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return uses_sqlalchemy(ctx) and "declarative_base" in ctx.source

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._assigned: set[int] = set()  # calls reported with their assignment

    def needles(self) -> set[str]:
        # every call reported (and the assignment holding it) spells declarative_base or an alias of it
        return sa_spellings(self.ctx, {"declarative_base"})

    def visit_Assign(self, node: ast.Assign) -> None:
        self._assignment(node, node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._assignment(node, node.value)

    def _assignment(self, node: ast.Assign | ast.AnnAssign, value: ast.expr) -> None:
        if isinstance(value, ast.Call) and sa_call(value, self.ctx, {"declarative_base"}):
            self._assigned.add(id(value))
            if not self._for_sqlalchemy_1(node.lineno):
                self.report(node, MESSAGE, fix=declarative_base_fix(node, value, self.ctx))

    def visit_Call(self, node: ast.Call) -> None:
        if id(node) not in self._assigned and sa_call(node, self.ctx, {"declarative_base"}):
            if not self._for_sqlalchemy_1(node.lineno):
                self.report(node, MESSAGE)

    def _for_sqlalchemy_1(self, line: int) -> bool:
        return in_import_fallback(self.ctx, line) or in_sqlalchemy_1_branch(self.ctx, line)

"""LL501 typing-optional: `Optional[X]` where the style writes `X | None`.

## What it does
Flags `Optional[X]` where `Optional` comes from `typing` or `typing_extensions`,
however imported (`from typing import Optional`, `from typing import Optional as
Opt`, `import typing as t; t.Optional[X]`, or through the module's one star import
of a project module that imports it: `from app.common.dialect import *`),
wherever it stands: a parameter,
return or variable annotation, a nested use (`dict[str, Optional[int]]`,
`Mapped[Optional[str]]`), a type alias or a `cast(...)`. String annotations
(`x: "Optional[int]"`) are left alone, as is a name `Optional` that does not
come from `typing`.

## Why is this bad?
Since Python 3.10 the union operator spells an optional type directly, and the
house style uses it everywhere (`email: EmailStr | None = None`,
`async def get_by_id(...) -> User | None`). Mixing both spellings makes
signatures harder to scan and diffs noisier; `Optional` also reads as "optional
argument" when it only means "may be None".

## Example
```python
from typing import Optional


async def get_by_email(self, email: str) -> Optional[User]:
    ...
```

## Use instead
```python
async def get_by_email(self, email: str) -> User | None:
    ...
```

## Fix safety
The fix writes `X | None`, and removes the `Optional` import (or `import typing`)
when nothing else uses it (a `# type:` comment counts as a use, and code in strings: `"Optional[int]"`,
`__all__`; text for people does not: `Field(title="Optional")`, `label=`,
`description=`, `help=`; imports in a `try` block are kept). It never writes code that fails
when the module is imported, for the target version (`target-version`, else
the oldest Python the project declares: `requires-python`, Poetry's `python`,
`python_requires`):

- in an annotation or the type argument of `typing.cast`, with a 3.10+ target,
  the fix is safe (what `typing.get_type_hints` or a Pydantic field's
  `annotation` then give is a `types.UnionType`, not a `typing.Union`: Pydantic,
  FastAPI and SQLAlchemy read both alike; code of a project's own that tests
  `get_origin(t) is Union` does not: see the project's own union tests below, and
  Fern);
- elsewhere (`UserId = Optional[int]`, `response_model=Optional[User]`,
  `TypeAdapter(...)`, the metadata after the type in `Annotated[T, ...]`,
  `Resolver(model_field_type=Optional[str])`) the value becomes a `types.UnionType` instead of a
  `typing.Union`, which code that inspects types (`get_origin(t) is Union`)
  tells apart: unsafe; and no fix for an operand of `is`/`is not` or of
  unittest's `assertIs`/`assertIsNot`
  (`hint is Optional[Header]`: typing caches `Optional[X]`, so the test holds,
  but each `X | None` is a new object, and it would turn false), nor when a member is a parameter or a
  variable of the enclosing function or of a function around it (a closure's), a
  name a loop, a comprehension or a `with` binds outside functions (`for tp in
  names: Optional[tp]`), or an attribute or item of one
  (`type_ = Optional[type_]`, `Optional[spec.kind]`, `Optional[types[0]]`: it may hold a
  string or a `ForwardRef`, which have no `|`); nor, without `from __future__ import
  annotations`, in the signature of a nested function or a class body inside
  a function when a member is a name the function around it binds (`def
  inner(x: Optional[tp])` in `def make(tp)`: evaluated when the `def` runs, and
  `tp` may be a string);
- a forward reference, `Optional["User"]`, cannot become `"User" | None` (a
  string has no `|`): when it is the whole annotation the fix writes
  `"User | None"`: safe in `typing.cast` and, in a module with `from __future__
  import annotations`, for a parameter, a return or a variable; unsafe for a
  class attribute (a framework may read the raw annotation) and, without the
  future import, for a signature (the annotation turns from
  `Optional[ForwardRef("User")]` into a string that `inspect.signature(f,
  eval_str=True)` evaluates: prefect builds its flows' parameter schemas so, and
  a name imported under `TYPE_CHECKING` then fails there); and no fix for a
  SQLModel `Relationship()` attribute (which would read `"User | None"` as a
  model name); inside a larger annotation of a module with
  `from __future__ import annotations` it writes `User | None` (unsafe: a
  framework resolving the annotation, such as SQLAlchemy's `Mapped[...]`, now
  needs the name `User` where it looked up a string before); otherwise the
  finding is left unfixed;
- below a 3.10 target, only annotations under `from __future__ import
  annotations` are rewritten, as unsafe fixes (a framework may evaluate them
  later); and none that something may evaluate when the module is imported,
  where `X | None` fails even as a string: a class attribute of a class with
  bases, keywords or decorators (SQLAlchemy's `Mapped[...]`, Pydantic and
  SQLModel fields), or the signature of a function with a decorator (FastAPI
  routes, `singledispatch` registration) other than `property`,
  `staticmethod`, `classmethod`, `abstractmethod`, `overload`, `functools`'
  caches and `contextmanager`, or the signature of a function with a
  parameter declared by a FastAPI parameter function (`= Body(None)`,
  `= Depends(get_db)`, `Annotated[int, Query()]`; `Path`, `Header`,
  `Cookie`, `Form`, `File`, `Security` too), also through an `Annotated`
  alias of the module or of a project module (`db: SessionDep` after
  `SessionDep = Annotated[Session, Depends(get_db)]`): an endpoint or a
  dependency, however it is registered (`router.post("/")(handler)`);
- in a module using typer (importing it, or declaring commands with
  `@app.command()`/`@app.callback()` on a `typer.Typer()` of another project
  module, read there), in a project whose dependency files let it run
  typer before 0.12.4 (or name no dependency at all: its typer is not known),
  annotations get unsafe fixes only: typer builds a
  command's options from its parameter annotations, and those releases fail on
  `str | None` ("Type not yet supported");
- in a project whose dependency files let it run Pydantic before 1.9
  (`pydantic==1.8.2`; none named: the current Pydantic), the fix is unsafe
  where a framework may read
  the annotation (as above: a model's field, an endpoint's signature): those
  releases raise "Fields of type UnionType are not supported" at import;
- where a file of the project reads origins (`get_origin(`, `__origin__`) and
  tests against `typing.Union` (`get_origin(t) is Union`, `origin = ...` then
  `origin is tp.Union`, `in (Union, Optional)`, an alias `Union as U`,
  `case typing.Union:`, `_UnionGenericAlias`, `"typing.Union"`), and that
  file's code names `UnionType` nowhere that runs (code handling both forms
  names it; an import, a comment, a docstring, an annotation or an `if
  TYPE_CHECKING:` block does not count, nor another file), or where a file
  compares text with a string spelling `Optional[...]`/`Union[...]`
  (`ann == "Optional[torch.Tensor]"`, `in (...)`, `.startswith("Optional[")`:
  an annotation read as text, under the future import what was written), or
  where a file tests for `types.UnionType` (`get_origin(t) is types.UnionType`,
  `isinstance(t, UnionType)`, `in (...)`) and its code names `typing.Union`
  itself nowhere that runs (`Union[...]` builds one; dishka: a `X | None` the
  fix writes then takes the other branch), or where a file imports
  `typing_utils` (its `issubtype(T, Optional[T])` is true, with `T | None`
  false: rasa checks its components' type hints with it),
  every fix outside a stub is unsafe: letta builds its tools' JSON schemas
  from their signatures so, and after the safe fixes 23 of its 26 built-in
  tools failed to register; sglang chooses the arguments torch.compile marks
  dynamic by such text. The
  project's files are read as text (its `pyproject.toml` folder, or else the
  nearest folder above its top package holding a `setup.py`, `setup.cfg` or
  `requirements.txt`, or else its top package, the files beside it and a
  `tests` folder there; not past 50,000 files), and what was read is kept in the cache folder, re-read only for
  files that changed;
- the fix of a union of two classes or more (`Optional[Union[str, int]]`,
  `Optional[str | int]`) is
  unsafe where a framework may read the annotation (a class attribute of a class
  with bases, keywords or decorators: a Pydantic field; the signature of a
  function with a decorator other than the plain ones, or of a FastAPI endpoint
  or dependency): typing caches `Union[str, int]` as the equal `Union[int, str]`
  made first in the process, where `str | int` keeps the order written (not
  `List[str] | str`: a typing generic first hands `|` to typing's cache too), and
  Pydantic tries the members in order (v1 always, v2 when none matches exactly:
  `"5"` for `int | float`; airbyte parsed `5` as `'5'` after the fix). The
  cache is shared, so a fix anywhere can change which order an equal union
  written elsewhere comes back in: where the project's text writes a union's
  members in two orders (`Optional[Union[int, str]]` in a signature,
  `Optional[Union[str, int]]` in a v1 model, as xinference does; `Union[...]`,
  or `A | B` inside a subscript; members compared as spelled, a forward
  reference as the name it quotes: `"Schema"` is `Schema` once Pydantic
  resolves it), or a `Literal`'s values (anthropic: `Literal["fast",
  "standard"]` and `Literal["standard", "fast"]`), the fix of a union of those
  members, or with that `Literal` among them, or with such a union or `Literal`
  anywhere inside a member (`Optional[list[Union[int, float]]]`: typing caches
  the `Optional` as an equal one made first, its inner union in the other
  order; esmerald's OpenAPI schema listed `Reference` and `Schema` the other
  way), is unsafe wherever it is (xinference's model then parsed `2` as `'2'`;
  dstack's JSON schema listed the members the other way, anthropic's the
  values). Residual: typing's cache is bounded (128 entries a form), so which
  of two such spellings comes back first also depends on how many others were
  made in between, which any fix changes (`X | None` is not cached); a project
  that writes equal types in two orders and relies on the order should write
  one order;
- in a module Fern generated (its first line says so), every fix is unsafe:
  Fern's client reads the models' annotations at run time and tells `X | None`
  from `Optional[X]` (`get_origin(t) == typing.Union`), so its alias conversion
  would stop;
- the fix of a signature of a function decorated by NVIDIA's CuTe DSL
  (`@cute.jit`, `@cute.kernel`: any decorator from `cutlass`) or by Kubeflow
  Pipelines (`@dsl.component`, `@dsl.pipeline`: any decorator from `kfp`), or by
  Ravyn or Esmerald (`@post(...)`: any decorator from `ravyn` or `esmerald`, or
  on what the module, or a project module it imports it from, makes of them:
  `app = Ravyn()` then `@app.post(...)`) is
  unsafe: they read the annotations and test `get_origin(t) is Union` only
  (CuTe's C header export raised on `Int32 | None`; kfp took `int | None` for an
  artifact type and raised at import), or rebuild typing's unions only (Ravyn's
  OpenAPI document failed on a `Struct | None` body);
- the fix of a class attribute's annotation in a module that imports
  marshmallow-annotations (`marshmallow_annotations`, `marshmallow3_annotations`),
  or in a project whose dependency files name it (a schema of another module may
  read the class), is unsafe: its schemas read their target class's annotations when made, through
  `t.__origin__`, which `X | None` lacks (amundsen's entities failed at import).
  Other libraries that read annotations are
  taken to read both forms, as Pydantic, FastAPI and SQLAlchemy do; a project
  whose own code tells them apart is found (above), its dependencies are not
  read;
- a comment inside a multi-line `Optional[...]`, a member that is a call or a
  name bound to a function or constant (or to `None` in an `if`/`try` block of
  the module, as an `except ImportError:` fallback does, or to another name for
  a function: `Q = multiprocessing.Queue`, or to what a call returns,
  `SessionLocal = sessionmaker()`, unless the call makes a type: `TypeVar`,
  `NewType`, `declarative_base()`, Pydantic's `conint` ...), a name imported from a project module
  that binds it to a value there (a string alias, `AnyBox: TypeAlias =
  "Box[int]"`, or a call's result: `AnyBox | None` fails at import; the module's text is read,
  re-exports followed; a class body's binding, an Enum member `Project =
  "project"`, binds no module name), or a malformed `Optional[a, b]`: no fix.
  Nor for a member that is a function often written as a type, since
  `threading.Lock | None` raises `TypeError` on Python 3.10-3.12:
  `threading.Lock`/`RLock`, `multiprocessing.Queue`, `Lock`, `Event` and the
  other factories of the `multiprocessing` module, `typing.NamedTuple`/`TypedDict`,
  `tempfile.NamedTemporaryFile`/`TemporaryFile`, `boto3.client`/`resource`,
  chromadb's `Client`/`PersistentClient`/`HttpClient` and its other client
  factories, the array constructors written for their arrays' types
  (`numpy.array`/`asarray`, `torch.tensor`/`as_tensor`, `pandas.array`,
  `jax.numpy.array`, `cupy.array`: lancedb's `list[Union[np.array, None]]`
  stopped `import lancedb`), and the builtin functions (`any`, `callable`, `iter`, `len`, `open`
  ...; not the builtin classes: `map`, `zip`, `range` are types).
  Nor in a class body where a member names an attribute the class has already
  bound to a value (`date: Optional[date] = None`: the annotation reads the
  attribute, now `None`, and `None | None` raises where `Optional[None]` did not),
  nor, without `from __future__ import annotations`, in the signature of a method
  defined after the class body binds a member's name (a `type` property, a
  `list` method, an attribute, an import: the signature is evaluated at the
  `def`, in the class's namespace).

In a stub (`.pyi`), which never runs, every fix is safe.
"""

from __future__ import annotations

from layerlint.facts import typing as tf
from layerlint.rules.typing._pep604 import Pep604Rule


class TypingOptional(Pep604Rule):
    code = "LL501"
    name = "typing-optional"
    summary = "`Optional[X]`: write `X | None`"
    form = tf.OPTIONAL
    keyword = "Optional"
    message = "`Optional[X]` is the pre-3.10 spelling: write `X | None`"

"""LL502 union-with-none: `Union[X, Y, None]` where the style writes `X | Y | None`.

## What it does
Flags `Union[...]` with `None` among two or more members, where `Union` comes
from `typing` or `typing_extensions`, however imported (`import typing as t;
t.Union[int, None]`, `from typing import Union as U`, or through the module's one
star import of a project module that imports it), including nested uses
(`list[Union[int, str, None]]`). A `Union` without `None` is not this rule's
business; string annotations are left alone.

## Why is this bad?
The house style writes optional types with the union operator (`str | None`),
available since Python 3.10. `Union[X, None]` is the same type in an older and
noisier spelling, and hides the "may be None" in the middle of the member list.

## Example
```python
from typing import Union


def parse_limit(raw: Union[str, int, None]) -> int:
    ...
```

## Use instead
```python
def parse_limit(raw: str | int | None) -> int:
    ...
```

## Fix safety
The fix writes the members joined by `|` in the order written, `None` where it
stands (`Union[None, Sub]` -> `None | Sub`: code walking `get_args()` in order,
as Stainless's generated clients do to build their models, sees the same), and removes
the `Union` import (or `import typing`) when nothing else uses it. The safety
rules are those of LL501: safe in annotations and in `typing.cast` for a 3.10+
target; unsafe in other expressions (the value becomes a `types.UnionType`); a
forward reference member (`Union["User", None]`) is quoted as a whole
(`"User | None"`) when the subscript is the whole annotation (unsafe for a class
attribute, and for a signature without `from __future__ import annotations`; no
fix for a SQLModel `Relationship()` attribute; see LL501), unquoted (unsafe)
inside a larger annotation under `from __future__ import annotations`, and
otherwise left unfixed; below a 3.10 target, no fix in an annotation
evaluated at import (a class attribute of a class with bases, the signature of
a decorated function or of a FastAPI endpoint or dependency: see LL501);
no fix when a comment would be lost, when a member is a
call, a starred or a name bound to a function or constant (see LL501),
or when `None` appears twice, or when the members are one parenthesized tuple
(`Union[(None, X)]`), or for an operand of `is`/`is not` (see LL501); unsafe only in annotations of a module using a
typer that cannot read `X | None`, and where a framework may read the
annotation in a project allowing Pydantic before 1.9 (see LL501); every fix unsafe in a project
whose own code tests for `typing.Union` by origin (`get_origin(t) is Union`)
or for `types.UnionType` alone,
in a module Fern generated, and, for two classes or more, where a framework may
read the annotation (a Pydantic field, a decorated function's signature) or
where the project writes those members (or a union inside one) in another
order too, as typing may give them in another order (see LL501). In a stub (`.pyi`) every fix is safe.
"""

from __future__ import annotations

from layerlint.facts import typing as tf
from layerlint.rules.typing._pep604 import Pep604Rule


class UnionWithNone(Pep604Rule):
    code = "LL502"
    name = "union-with-none"
    summary = "`Union[..., None]`: write `X | Y | None`"
    form = tf.UNION
    keyword = "Union"
    message = "`Union[..., None]` is the pre-3.10 spelling: write `X | Y | None`"

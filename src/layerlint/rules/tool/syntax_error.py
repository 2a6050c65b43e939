"""LL001 syntax-error: a file that cannot be parsed.

## What it does
Reports a file that Python cannot parse (a syntax error, undecodable bytes, a
NUL byte, an unknown encoding cookie, nesting too deep for the parser) with one
finding at the error position.

## Why is this bad?
Nothing else can be checked in a file that does not parse, and the file will not
import either. layerlint reports it instead of crashing, and the rest of the run
goes on.

The CLI reports LL001; the flake8 plugin leaves it to flake8's own E999.

layerlint parses with the Python it runs on. Syntax newer than that Python
(`class Repository[M]:`, `type Alias = ...` from 3.12) is a syntax error to it:
when the project targets a newer Python than the one layerlint runs on, the
message says so, and to run layerlint with that Python. Otherwise, when the error is
at the start of syntax newer than that Python (a `type` statement, a generic class or
function: 3.12; `except*`: 3.11), the message names it and the Python it belongs to;
whether the project may use it is the project's target to say.

## Example
```python
def handler(:
    ...
```

## Use instead
```python
def handler():
    ...
```

## Fix safety
No fix.
"""

from __future__ import annotations

from layerlint.context import FileContext
from layerlint.rule import Rule


class SyntaxErrorRule(Rule):
    code = "LL001"
    name = "syntax-error"
    summary = "file cannot be parsed"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return False  # the engine reports LL001 before any rule runs

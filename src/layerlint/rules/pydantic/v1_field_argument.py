"""LL205 pydantic-v1-field-argument: a Pydantic v1 argument of `Field`, `constr`, `conlist` or `conset`.

## What it does
Flags the v1 keyword arguments `regex`, `min_items`, `max_items`,
`unique_items`, `allow_mutation` and `const` in a call of Pydantic's `Field`,
`constr`, `conlist` or `conset`, resolved through imports (`pydantic.Field`,
`from pydantic import Field as F`, `pydantic.fields.Field`, or a project module
that re-exports one: `from app.compat import Field`, see LL204). The same
functions from `pydantic.v1`, and FastAPI's `Query`/`Path`/`Body`, are not flagged.

## Why is this bad?
Pydantic v2 renamed these arguments (`regex` -> `pattern`, `min_items` /
`max_items` -> `min_length` / `max_length`, `allow_mutation=False` ->
`frozen=True`) and dropped `unique_items` (use a `set`) and `const` (use
`Literal[...]`). v2 still maps `min_items`, `max_items` and `allow_mutation`,
with a deprecation warning at every class definition, and they go in v3;
`regex`, `const` and `unique_items` raise `PydanticUserError` when the class is
defined (checked on Pydantic 2.14).

## Example
```python
from pydantic import BaseModel, Field


class TagList(BaseModel):
    slug: str = Field(regex=r"^[a-z-]+$")
    tags: list[str] = Field(min_items=1, max_items=10)
```

## Use instead
```python
from pydantic import BaseModel, Field


class TagList(BaseModel):
    slug: str = Field(pattern=r"^[a-z-]+$")
    tags: list[str] = Field(min_length=1, max_length=10)
```

## Fix safety
The fix renames the argument (also in a call of a function a project module
re-exports) and is safe for: `min_items=` -> `min_length=`,
`max_items=` -> `max_length=` (v2 maps them the same way, with a warning),
`allow_mutation=<True|False>` -> `frozen=<the opposite>` (v2 does the same on a
field), and `regex=` -> `pattern=` for a string literal anchored at the start
(`^...` or `\\A...`, each of its top-level alternatives) that v2's Rust regex
engine accepts and reads as `re` does. v2 rejects `regex=`; the new `pattern=`
matches as v1's `re.match` did, except that a final `$` no longer accepts a
trailing newline.

Unsafe: `regex=` with a pattern not anchored at the start (v1 matched at the
start only, v2 searches anywhere: `"[a-z]+"` now accepts `"123abc"`, and
`"^admin|user"` accepts `"xuser"`), with what the Rust engine reads otherwise
(set operations and POSIX classes inside a class: `[a-z&&b]`, `[+--]`,
`[[:digit:]]`, literal characters to `re`; `\\w`, `\\s`, `\\b` and their
negations, whose Unicode classes differ: Rust's `\\w` takes combining marks and
leaves out `²`, its `\\s` leaves out `\\x1c`-`\\x1f`; `\\<` and `\\>`, word
boundaries to Rust; a case-insensitive flag, `(?i)`, whose folding differs; a
possessive quantifier, `a++`, `[a-z]{1,3}+`, possessive to `re` on Python 3.11, a
repetition repeated to Rust), or not a literal (`regex=CODE_PATTERN`).

No fix for a pattern using what the Rust engine lacks or rejects (look-around,
backreferences, `\\0`, `\\Z`, `\\N{...}`, conditionals, atomic groups, a `{` that
is no quantifier such as `{,2}`, a `[` inside a class, a nested class to Rust),
when the v2 argument is
already given, for `allow_mutation=` with a computed value, for `unique_items`
(use a `set`) and `const` (use `Literal[...]`), and in a module that keeps
Pydantic v1 working (see LL201).

No fix in a project whose dependency files let it run Pydantic 1.x (when they do not name
Pydantic: a SQLModel older than 0.0.14, a FastAPI older than 0.100, a Beanie
older than 1.21 or an ODMantic older than 1.0, which require it), nor in a module that runs
on 1.x only, and only unsafe ones where no dependency file names Pydantic or a package
that brings it and the module uses nothing only Pydantic 2 has (see LL201).
No finding in code gated on the Pydantic version (see LL201).
"""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.facts.pydantic import last_names, pydantic_gate, resolve_function
from layerlint.facts.pydantic_fixes import field_argument_fix
from layerlint.rules.pydantic._pydantic_rule import PydanticRule

FIELD_FUNCTIONS = {
    "pydantic.Field": "Field",
    "pydantic.fields.Field": "Field",
    "pydantic.constr": "constr",
    "pydantic.types.constr": "constr",
    "pydantic.conlist": "conlist",
    "pydantic.types.conlist": "conlist",
    "pydantic.conset": "conset",
    "pydantic.types.conset": "conset",
}
_FUNCTION_NAMES = last_names(frozenset(FIELD_FUNCTIONS))
V1_ARGUMENTS = {
    "regex": "use `pattern=`",
    "min_items": "use `min_length=`",
    "max_items": "use `max_length=`",
    "unique_items": "removed in v2: use a `set` type",
    "allow_mutation": "use `frozen=` (inverted: `allow_mutation=False` is `frozen=True`)",
    "const": "removed in v2: annotate the field with `Literal[...]`",
}


class V1FieldArgument(PydanticRule):
    code = "LL205"
    name = "pydantic-v1-field-argument"
    summary = "Pydantic v1 argument of `Field`/`constr`/`conlist`/`conset` (`regex=` -> `pattern=` ...)"
    fix_availability = "sometimes"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return pydantic_gate(ctx, V1_ARGUMENTS, "Field", "constr", "conlist", "conset")

    def needles(self) -> set[str]:
        # a call of Field/constr/conlist/conset spells the callee or an import's alias of it
        return self.ctx.spellings(FIELD_FUNCTIONS)

    def visit_Call(self, node: ast.Call) -> None:
        if not node.keywords:
            return
        function = FIELD_FUNCTIONS.get(resolve_function(node.func, self.ctx, _FUNCTION_NAMES) or "")
        if function is None:
            return
        for keyword in node.keywords:
            advice = V1_ARGUMENTS.get(keyword.arg or "")
            if advice:
                plan = field_argument_fix(keyword, node, self.ctx)
                self.report(
                    keyword,
                    f"`{keyword.arg}=` is a Pydantic v1 argument of `{function}`: {advice}",
                    fix=plan[2] if plan is not None else None,
                )

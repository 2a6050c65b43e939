"""LL108 repository-builds-response: a repository returns or builds an HTTP response.

## What it does
In a repositories module, flags a call of an HTTP response class: `Response`,
`JSONResponse`, `HTMLResponse`, `StreamingResponse`, `RedirectResponse`,
`FileResponse`, ... from `fastapi`, `fastapi.responses` or
`starlette.responses`, however imported or aliased, also through a project module
that re-exports it (`from app.core.responses import JSONResponse`), and of a project subclass of
one (`class ApiResponse(JSONResponse)`, in the module or another project module, whatever its
name or the name it is imported under: `PrettyJSON`). Not flagged inside an
endpoint (`@router.get(...)`, or a handler Starlette's routing calls: `Route(path,
handler)`, `app.add_route(path, handler)` (not another framework's
`add_route("GET", handler)`: Starlette's paths start with `/`), a method of an
`HTTPEndpoint` subclass): route code, whatever its module's folder says
(piccolo-api's `crud`).

## Why is this bad?
Repositories return data (models, rows, `None`); shaping an HTTP response is the
route's job. A response built in the data layer hides status codes and
serialisation where nobody looks for them.

## Example
```python
from fastapi.responses import JSONResponse

async def get_user(session, user_id):
    user = await session.get(User, user_id)
    return JSONResponse({"id": user.id})
```

## Use instead
```python
async def get_user(session, user_id):
    return await session.get(User, user_id)
```

## Fix safety
No fix.
"""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.facts.fastapi import in_route_code, is_response_class, response_spellings, response_subclass_call
from layerlint.rule import Rule


class RepositoryBuildsResponse(Rule):
    code = "LL108"
    name = "repository-builds-response"
    summary = "repository returns or builds an HTTP response"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return ctx.layer == "repositories" and (ctx.mentions("Response") or bool(_class_like_names(ctx)))

    def needles(self) -> set[str]:
        # a response class is called by a name ending in `Response`, or by an alias of one;
        # a project subclass maybe by any name (`PrettyJSON`), imported or a class of the module
        return response_spellings(self.ctx) | _class_like_names(self.ctx)

    def visit_Call(self, node: ast.Call) -> None:
        name = self.ctx.resolve_reexported(node.func)  # (also `from app.core.responses import JSONResponse`)
        if not is_response_class(name):
            if not response_subclass_call(node, self.ctx):
                return
            name = ast.unparse(node.func)  # (a project subclass: `class ApiResponse(JSONResponse)`)
        if not in_route_code(self.ctx):
            self.report(node, f"repository builds HTTP response `{name}`: return data and let the route respond")


def _class_like_names(ctx: FileContext) -> set[str]:
    """The names a project response subclass may be called by here: a name imported from a
    project module (the class, under any alias, or its module: `http.PrettyJSON(...)`), or a
    class of the module."""
    return ctx.memo("LL108.class_like_names", lambda: {
        *(local for local, qualified in ctx.imports.items() if ctx.is_first_party(qualified)),
        *(stmt.name for stmt in ctx.tree.body if isinstance(stmt, ast.ClassDef)),
    })

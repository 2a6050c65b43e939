"""LL101 route-imports-repository: a routes module imports a repositories module.

## What it does
Flags an import, at any depth of a routes module (top level or inside a
function), whose target is a repositories module: `from app.repositories import
user_repo`, `from ..repositories.user_repo import UserRepository`,
`import app.repositories.user_repo as repo`. A shared module inside the
repositories package (`app.repositories.exceptions`, or a `schemas`/`core`
module there), which any layer may import, is not flagged; nor a module that
declares endpoints (read there, as LL102 reads the importing module: route code
whatever its name says, such as piccolo-api's `crud/endpoints.py` router).

## Why is this bad?
Routes handle HTTP only. Data access belongs to repositories, and business
rules to the services between them; a route that talks to a repository skips
the service layer, and the rules it enforces, and couples HTTP handling to the
database.

## Example
```python
# app/routes/users.py
from app.repositories.user_repo import UserRepository
```

## Use instead
```python
# app/routes/users.py
from app.services.user_service import UserService
```

## Fix safety
No fix: the service call has to be written.
"""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.facts.fastapi import imported_route_code
from layerlint.layers import is_shared
from layerlint.rule import Rule


class RouteImportsRepository(Rule):
    code = "LL101"
    name = "route-imports-repository"
    summary = "routes module imports a repositories module"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return ctx.layer == "routes"

    def visit_Import(self, node: ast.Import) -> None:
        self._check(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self._check(node)

    def _check(self, node: ast.Import | ast.ImportFrom) -> None:
        for index, (module, layer) in enumerate(self.ctx.import_targets(node)):
            if layer == "repositories" and not is_shared(module) and not imported_route_code(module, self.ctx):
                named = self.ctx.import_target_named(node, index, module, layer)
                self.report(node, f"routes module imports repositories module `{named}`: call a service instead")
                return

"""LL105 http-import-below-routes: a services or repositories module imports fastapi or starlette.

## What it does
Flags `import fastapi`, `from fastapi import ...`, `import starlette...` and
`from starlette... import ...` (at the top level or inside a function) in a
services or repositories module. Their thread-pool helpers are not HTTP and are
not flagged: `from starlette.concurrency import run_in_threadpool` (or
`fastapi.concurrency`) runs blocking code from any event loop. Nor is a module
that declares endpoints (`@router.get(...)`, or handlers Starlette's routing
calls, as LL108 reads them): it is route code, whatever its
folder says (a feature package named `service`).

## Why is this bad?
HTTP concerns belong to routes and dependencies. Once a service imports the web
framework, request objects, status codes and `HTTPException` follow, and the
business logic can no longer run outside a web request.

## Example
```python
# app/services/order_service.py
from fastapi import BackgroundTasks
```

## Use instead
```python
# app/services/order_service.py
# take plain callables or domain objects; the route passes BackgroundTasks work in
```

## Fix safety
No fix.
"""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.facts.fastapi import defines_endpoints, is_http_package
from layerlint.layers import HTTP_FREE_LAYERS
from layerlint.rule import Rule


# modules of the HTTP packages that carry no HTTP concern (thread-pool helpers)
NOT_HTTP_MODULES = frozenset({"fastapi.concurrency", "starlette.concurrency"})


def _is_http_module(module: str) -> bool:
    return is_http_package(module) and module not in NOT_HTTP_MODULES


class HTTPImportBelowRoutes(Rule):
    code = "LL105"
    name = "http-import-below-routes"
    summary = "services or repositories module imports fastapi or starlette"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return ctx.layer in HTTP_FREE_LAYERS and ctx.mentions("fastapi", "starlette")

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if _is_http_module(alias.name):
                self._report(node, alias.name)
                return

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level == 0 and node.module and _is_http_module(node.module):
            if node.module in ("fastapi", "starlette") and all(a.name == "concurrency" for a in node.names):
                return  # `from starlette import concurrency`
            self._report(node, node.module)

    def _report(self, node: ast.stmt, module: str) -> None:
        if defines_endpoints(self.ctx):
            return  # a module declaring endpoints is route code, whatever its folder says
        self.report(node, f"{self.ctx.layer} module imports `{module}`: HTTP concerns belong in routes")

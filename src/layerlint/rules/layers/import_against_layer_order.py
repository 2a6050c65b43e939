"""LL102 import-against-layer-order: a lower layer imports a higher one.

## What it does
Flags an import that goes up the layer order
`routes -> dependencies -> services -> repositories -> models`: a repository
importing a service, dependency or route; a service importing a dependency or
route; a model importing anything above models; a dependency importing a route.
Shared modules, modules outside every layer, and modules that declare endpoints
(`@router.get(...)`, or handlers Starlette's routing calls, as LL108 reads them:
route code, whatever the name says, such as an `api/models.py`
serving machine-learning models) are never the subject of this rule. A shared module is named `schemas`, `core` or `exceptions` (or `errors`, the
other usual name of an exceptions module), or sits in a package of that name
inside a layer's package, or in an exceptions package anywhere: any layer may
import it (`from app.services.exceptions import NotFound` or `from
app.errors.service import QuotaExceeded` in a repository).

An import under `if TYPE_CHECKING:` counts too, as it does for import-linter by
default: it makes no cycle at run time, but the lower layer still depends on
the higher one's types (a repository typed by a service's class). Move the
type down (to a schemas or core module) or silence the line with `# noqa: LL102`.

## Why is this bad?
Each layer may call only the layers below it. An upward import creates a cycle
in the design (and often an import cycle at run time), and lets business logic
or HTTP concerns leak into the data layer.

## Example
```python
# app/repositories/user_repo.py
from app.services.user_service import hash_password
```

## Use instead
```python
# app/repositories/user_repo.py
from app.core.security import hash_password
```

## Fix safety
No fix: the code has to move to the right layer.
"""

from __future__ import annotations

import ast

from layerlint.context import FileContext
from layerlint.facts.fastapi import defines_endpoints
from layerlint.layers import RANK, is_shared
from layerlint.rule import Rule


class ImportAgainstLayerOrder(Rule):
    code = "LL102"
    name = "import-against-layer-order"
    summary = "a lower layer imports a higher layer"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        return RANK.get(ctx.layer or "", 0) > 0 and not is_shared(ctx.module)

    def visit_Import(self, node: ast.Import) -> None:
        self._check(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self._check(node)

    def _check(self, node: ast.Import | ast.ImportFrom) -> None:
        ctx = self.ctx
        # a module outside the project has no layer, nor do its submodules: skip looking
        # for them on disk (most imports)
        if isinstance(node, ast.Import):
            if not any(ctx.is_first_party(alias.name) for alias in node.names):
                return
        elif not node.level and not ctx.is_first_party(node.module or ""):
            return
        own = RANK[self.ctx.layer]  # type: ignore[index]
        for index, (module, layer) in enumerate(self.ctx.import_targets(node)):
            if layer in RANK and RANK[layer] < own and not is_shared(module):
                if defines_endpoints(ctx):
                    return  # route code, whatever its name says (asked last: it reads the tree)
                self.report(
                    node,
                    f"{self.ctx.layer} module imports {layer} module `{self.ctx.import_target_named(node, index, module, layer)}`: "
                    f"{self.ctx.layer} must not depend on a higher layer",
                )
                return

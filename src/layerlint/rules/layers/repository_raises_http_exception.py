"""LL104 repository-raises-http-exception: a repositories module raises `HTTPException`.

## What it does
Flags `raise HTTPException(...)` in a repositories module, with the same name
resolution as LL103: FastAPI's or Starlette's class however imported, aliased or
re-exported, or a subclass of it defined in the same module or in another project
module, or raised as what a helper function returns (`raise not_found()`, the
helper annotated `-> HTTPException` or only returning one), or held by a local name
the function binds once (`error = QueryError()`, then `raise error`). Not flagged
inside an endpoint (`@router.get(...)`, or a handler Starlette's routing calls), as
in LL103.

## Why is this bad?
Repositories hold data access and know nothing of HTTP. A missing row is a
`None` (or a domain exception) that the service interprets; deciding the HTTP
status in the data layer ties the database code to one transport.

## Example
```python
# app/repositories/user_repo.py
from starlette.exceptions import HTTPException

class UserRepository:
    async def get_or_fail(self, user_id):
        user = await self.session.get(User, user_id)
        if user is None:
            raise HTTPException(404)
        return user
```

## Use instead
```python
# app/repositories/user_repo.py
class UserRepository:
    async def get(self, user_id):
        return await self.session.get(User, user_id)
```

## Fix safety
No fix.
"""

from __future__ import annotations

from layerlint.rules.layers._raises_http import RaisesHTTPExceptionIn


class RepositoryRaisesHTTPException(RaisesHTTPExceptionIn):
    code = "LL104"
    name = "repository-raises-http-exception"
    summary = "repositories module raises HTTPException"
    layer = "repositories"

"""LL103 service-raises-http-exception: a services module raises `HTTPException`.

## What it does
Flags `raise HTTPException(...)` (or `raise HTTPException`) in a services
module, where the class is FastAPI's or Starlette's `HTTPException` however it
is imported or aliased (`from fastapi import HTTPException as HE`,
`import fastapi; fastapi.HTTPException`, `starlette.exceptions.HTTPException`),
or a class that subclasses it (directly or through other classes), defined in
the same module or in another project module: `raise NotFoundError(...)` after
`from app.errors import NotFoundError` where `app/errors.py` has `class
NotFoundError(HTTPException)`, or another name it has there (`Missing =
NotFoundError`, that name's only binding). Other modules are read, never
imported; a name they bind some other way (an `except ImportError:` fallback,
another assignment), or a class whose bases cannot be followed, is not flagged. A re-export of
`HTTPException` itself from a project module counts too, and so does raising
what a helper function returns: `raise not_found("user")` where `not_found` is
a plain `def` of the module, or a function of another project module, annotated
to return such a class (`-> HTTPException`) or whose body only returns one
(`return HTTPException(404)`; for another module's function, one without
parameters). A method, an `async def` of the module, or a name defined twice or shadowed
where the `raise` is, is not followed. A local name raised is read where the function
binds it, when that is its one binding there: `error = NotFoundError(...)`, then `raise
error` (not a parameter, nor a name also bound by `except ... as error` or a loop). A name
a function around the `raise` binds itself (a parameter `HTTPException`, a loop, `with` or
assignment target; not an import) is that function's, not the class: not flagged. Not flagged inside an
endpoint (`@router.get(...)`, or a handler Starlette's routing calls, as LL108
reads it): route code, where the HTTP error belongs, even in
a module whose folder reads as services (a feature package named `service`).

## Why is this bad?
Services hold business logic and must not know about HTTP. A service that raises
`HTTPException` cannot be reused from a CLI, a worker or a test without HTTP
semantics, and status codes get scattered across layers. Raise a domain
exception (`NotFoundError`, `ConflictError`) and let the route translate it.

## Example
```python
# app/services/user_service.py
from fastapi import HTTPException

async def get_user(repo, user_id):
    user = await repo.get(user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    return user
```

## Use instead
```python
# app/services/user_service.py
from app.exceptions import NotFoundError  # class NotFoundError(Exception): no HTTP

async def get_user(repo, user_id):
    user = await repo.get(user_id)
    if user is None:
        raise NotFoundError(f"User {user_id} not found")
    return user
```

## Fix safety
No fix: the domain exception and its translation have to be written.
"""

from __future__ import annotations

from layerlint.rules.layers._raises_http import RaisesHTTPExceptionIn


class ServiceRaisesHTTPException(RaisesHTTPExceptionIn):
    code = "LL103"
    name = "service-raises-http-exception"
    summary = "services module raises HTTPException"
    layer = "services"

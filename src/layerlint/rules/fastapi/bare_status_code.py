"""LL601 bare-status-code: a bare integer HTTP status where FastAPI or Starlette take one.

## What it does
Flags an integer literal used as an HTTP status in:

- a route decorator or `add_api_route(...)` of a `FastAPI()`/`APIRouter()`
  object: `@router.post("/", status_code=201)` (the routers LL602 knows, a
  parameter annotated with a router class, quoted or not: `app: "fastapi.FastAPI"`, a
  router held as an attribute of a project object for its route decorators:
  `@section.router.post(...)`);
- `HTTPException(404, ...)` / `HTTPException(status_code=404, ...)` (FastAPI's
  or Starlette's, however imported, also through a project module that
  re-exports it: `from app.errors import HTTPException`, or whose star import
  brings it, the last one that may: FastHTML's `from .starlette import *`; for a
  subclass, defined in the module or in another project module (read there,
  never imported: `from app.errors import NotRegistered`, also under another name
  it has there, `Missing = NotRegistered`), the `status_code=`
  keyword, and the first argument when the subclass takes the status first as
  HTTPException does: one base, no `__init__`/`__new__` of its own, no
  decorator, `LoginError(401, "...")`; a module that names neither FastAPI,
  Starlette, `HTTPException` nor a response is read for them only where it calls
  a name imported from a project module with a status first (`HTTPError(403,
  ...)`, FastAPI's `HTTPException` re-exported under another name), not for a
  status given by keyword alone there: LL103 and LL104 flag such a raise in a
  service or a repository), and what a subclass of
  the module passes to its `super().__init__(402, ...)` (`status_code=402`);
- a FastAPI/Starlette response: `JSONResponse(content, 201)`,
  `Response(status_code=204)`, `RedirectResponse(url, status_code=303)`, ...
  (re-exported by a project module too);
  and a project subclass of one (of the module, or of another project module,
  read there), the `status_code=` keyword only: `ApiResponse(body, status_code=400)`;
- `response.status_code = 201` on a parameter annotated `Response`;
- `@app.exception_handler(404)`.

Both branches of a conditional (`404 if missing else 400`) are checked, and the
fallback of an `or` (`code or 200`). The
message names the constant to use, `status.HTTP_404_NOT_FOUND` (`from fastapi
import status`). Starlette 0.48 renamed four constants after RFC 9110 (413,
414, 416, 422: `HTTP_422_UNPROCESSABLE_ENTITY` is now
`HTTP_422_UNPROCESSABLE_CONTENT`, and the old names warn): for those the message
gives both names and the version that separates them. An integer that is not a
registered HTTP status (`499`, `0`), an integer anywhere else (`Query(le=100)`,
`responses={404: ...}`), and a status computed at run time are not flagged.

## Why is this bad?
`status.HTTP_409_CONFLICT` says what the number means; `409` makes every reader
recall it, and a typo (`407` for `409`) passes review. The house style uses the
named constants everywhere.

## Example
```python
@router.post("/", status_code=201)
async def create_user(data: UserCreate, session: SessionDep) -> UserResponse:
    if await UserService(session).exists(data.email):
        raise HTTPException(409, detail="email already registered")
    ...
```

## Use instead
```python
from fastapi import status


@router.post("/", status_code=status.HTTP_201_CREATED)
async def create_user(data: UserCreate, session: SessionDep) -> UserResponse:
    if await UserService(session).exists(data.email):
        raise HTTPException(status.HTTP_409_CONFLICT, detail="email already registered")
    ...
```

## Fix safety
The fix replaces the literal with the named constant and is safe: the constant
is the same integer. It is offered only when the constant is certain to exist:

- 413, 414, 416 and 422 were renamed in Starlette 0.48 (the old names warn).
  The fix writes the name of the Starlette the project uses, read from its
  dependency files (`uv.lock`, `poetry.lock`, `pdm.lock`, `Pipfile.lock`, `Pipfile`,
  `requirements*.txt` and the files they include, `pyproject.toml` dependencies, `install_requires` of
  setup.cfg and setup.py, in the project root and up to the repository root):
  the new name when Starlette is pinned to 0.48 or
  later, the old one when it (or FastAPI, below 0.117, which caps Starlette
  below 0.48) is pinned earlier. When the files do not decide, or disagree, a
  module that itself reads one of the new names from a status module
  (`status.HTTP_422_UNPROCESSABLE_CONTENT`: it would fail on an older Starlette)
  gets the new names; elsewhere these four stay unfixed. Nothing is imported or
  inspected in an environment.
- 102, 103, 208, 226, 308, 421, 426, 506, 508 and 510 exist since Starlette
  0.14 (2020): not fixed when the project pins Starlette below 0.15.

`status` is reused when the module already imports it from `fastapi` or
`starlette` (under any name) above the literal, and nothing else binds that
name where the literal is (a parameter of another function, or a class
attribute `status: str`, does not count). Otherwise the fix adds `from fastapi
import status` (`from starlette import status` in a module that imports
Starlette but not FastAPI at its top level). When the name `status` is bound to
something else anywhere in the module (a parameter, a variable, another
import) the import is added as `from fastapi import status as http_status`;
when that name is taken too, or the module has a star import, the finding is
not fixed. Nor is it in a module that imports FastAPI and Starlette only inside
functions or under a condition (an optional dependency): a module-level import
would make the module fail to import without them, nor in a services or
repositories module that does not import `status` already (an import of
FastAPI there is LL105's finding: the fix would add to it). The message names what the
fix writes (`http_status.HTTP_404_NOT_FOUND` when it imports that alias).
"""

from __future__ import annotations

import ast
import re

from layerlint.context import FileContext
from layerlint.diagnostics import FIX_SAFE
from layerlint.facts.fastapi import (
    HTTP_EXCEPTIONS,
    RENAMED_STATUS_NAMES,
    ROUTE_METHODS,
    STATUS_NAMES,
    attribute_registrations,
    attribute_routes,
    http_exception_name,
    http_facts_settled,
    is_response_class,
    is_router_name,
    keyword,
    local_http_exceptions,
    may_have_endpoints,
    project_http_exception,
    response_spellings,
    response_subclass_call,
    router_assignments,
    spells_router_class,
    status_first_http_exceptions,
)
from layerlint.facts.project_classes import star_imported_name
from layerlint.facts.status_fix import StatusFixFacts
from layerlint.layers import HTTP_FREE_LAYERS
from layerlint.rule import Rule

ROUTE_REGISTRATION = ROUTE_METHODS | {"add_api_route", "add_api_websocket_route"}


def suggestion(code: int, module: str = "status") -> str:
    """The constant(s) to write for a status, as shown in the message (``module``: how the
    file names the status module there)."""
    name = STATUS_NAMES[code]
    old = RENAMED_STATUS_NAMES.get(code)
    if old is None:
        return f"`{module}.{name}`"
    return f"`{module}.{name}` (Starlette >= 0.48; `{module}.{old}` on older Starlette)"


def _imports_http_names_of_project(ctx: FileContext) -> bool:
    """Does the module import an ``HTTPException`` or a ``...Response`` from a project module
    (which may re-export FastAPI's: the module need not name the framework)? (A star import
    may bring one too: the gate asks for it apart.)"""
    return any(
        (local == "HTTPException" or local.endswith("Response") or qualified.endswith((".HTTPException", "Response")))
        and ctx.is_first_party(qualified)
        for local, qualified in ctx.imports.items()
    )


def _calls_project_name_with_status(ctx: FileContext) -> bool:
    """Does the module call a name it imports from a project module, or an attribute of one,
    with a status first (``HTTPError(403, ...)``, FastAPI's ``HTTPException`` re-exported
    under another name; ``errors.HTTPError(403, ...)``)? Read from the text alone: asked
    before the walk, the import table would build the tree of files no rule reads."""
    source = ctx.source
    if "import" not in source or _STATUS_ARGUMENT_RE.search(source) is None:
        return False
    called: set[str] = set()  # the names called with a status first, and the heads of attributes so called
    for match in _STATUS_ARGUMENT_RE.finditer(source):
        start = match.start()
        name = _CALLED_CHAIN_RE.search(source, max(0, start - 120), start) if start > 0 else None
        if name is not None:
            called.add(name.group(1).partition(".")[0])
    if not called:
        return False
    for found in _FROM_IMPORT_RE.finditer(source):
        dots, module, names = found.group(1), found.group(2), found.group(3) or found.group(4) or ""
        if not dots and not ctx.is_first_party(module):
            continue
        for item in names.split(","):
            words = item.split()
            if words and (words[-1] if len(words) == 3 and words[1] == "as" else words[0]) in called:
                return True
    return False


# `from app.core import errors` / `from .errors import (HTTPError, NotFound)`: the module, and the names
_FROM_IMPORT_RE = re.compile(
    r"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]*(?:\(([^)]*)\)|([^\n#;]*))", re.MULTILINE
)
# the name (or attribute chain) called before a parenthesis: `errors.HTTPError`
_CALLED_CHAIN_RE = re.compile(r"([A-Za-z_][\w.]*)\s*$")


def _may_hold_status(node: ast.expr) -> bool:
    """Could :meth:`BareStatusCode._check` find a status in ``node`` (a registered status, or a
    conditional or ``or`` that may hold one)? Most calls' first arguments are no such thing."""
    if isinstance(node, ast.Constant):
        return type(node.value) is int and node.value in STATUS_NAMES
    return isinstance(node, (ast.IfExp, ast.BoolOp))


# a status first in a call's parentheses (`NotFound(404`, `NotFound((404`, a comment between),
# or as the fallback of an `or` or a conditional (`NotFound(code or 404`): literal starts, as a
# pattern tried at every position of every file is costly
# (a comment is matched to its line's end only: `#[^\n]*` alone could end at any `#` of a
# `#####` banner, and the nested repetition then tried every split of it, without end)
_STATUS_ARGUMENT_RE = re.compile(r"\((?:\s|#[^\n]*\n|\()*[1-5]\d\d\b")
_STATUS_FALLBACK_RES = (re.compile(r" or\s+[1-5]\d\d\b"), re.compile(r" else\s+[1-5]\d\d\b"))
_CALLED_NAME_RE = re.compile(r"(\.?)(\w+)\s*$")


def _called_with_status(ctx: FileContext) -> set[str]:
    """The names the text calls with an integer like a status in its first argument (``code or
    404`` too), imported or read as an attribute (``NotFound(404, ...)``,
    ``errors.NotFound(404)``, ``NF(404)`` after ``NF = NotFound`` there): where a project class taking the status first may be called, whatever
    its name looks like (a finding must not depend on whether another rule's needles led the
    walk there). (Needles are shared by every rule's walk: ``range(100)`` must not widen it.)"""
    source = ctx.source
    opened = [match.start() for match in _STATUS_ARGUMENT_RE.finditer(source)]
    for pattern in _STATUS_FALLBACK_RES:
        for match in pattern.finditer(source):
            opened.append(source.rfind("(", max(0, match.start() - 120), match.start()))
    names = set()
    for start in opened:
        called = _CALLED_NAME_RE.search(source, max(0, start - 80), start) if start > 0 else None
        if called is not None and (called.group(1) or called.group(2) in ctx.imports):
            names.add(called.group(2))
    return names


class BareStatusCode(Rule):
    code = "LL601"
    name = "bare-status-code"
    summary = "bare integer HTTP status instead of a status.HTTP_* constant"
    fix_availability = "sometimes"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        # (a module may declare its endpoints on a project's router class alone, or on a
        # router held by a project object; the `@` of a decorated endpoint is looked for
        # first, the cheapest of these scans: a module that registers its endpoints by
        # call alone and names neither fastapi nor starlette is not looked at)
        return (
            ctx.mentions("fastapi", "starlette")
            or (
                ctx.mentions("HTTPException", "Response")
                and (_imports_http_names_of_project(ctx) or ctx.mentions("import *", "import*"))
            )
            or _calls_project_name_with_status(ctx)
            or (
                ctx.mentions("@")
                and (spells_router_class(ctx) or bool(router_assignments(ctx)))
                and may_have_endpoints(ctx)
            )
            or bool(attribute_routes(ctx))
            or bool(attribute_registrations(ctx))
        )

    def needles(self) -> set[str] | None:
        # a checked call spells `status_code=`, `exception_handler`, or (an alias of) the
        # HTTPException or response class it calls; `response.status_code = ...` spells
        # `status_code`. None when an import inside a def/class could change the router names
        # or local HTTPException subclasses, which this rule asks for on every call.
        if not http_facts_settled(self.ctx):
            return None
        needles = {"status_code", "exception_handler", *self.ctx.spellings(HTTP_EXCEPTIONS), *response_spellings(self.ctx)}
        needles.update(self.ctx.memo("fastapi.called_with_status", lambda: _called_with_status(self.ctx)))  # (a project class taking it first: `OAuth2Error(400, "...")`)
        if local_http_exceptions(self.ctx):
            needles.add("__init__")  # `super().__init__(402, ...)` in a subclass of the module
            needles.update(status_first_http_exceptions(self.ctx))  # `LoginError(401, ...)`
        return needles

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        receiver = func.value if isinstance(func, ast.Attribute) else None
        if self._initializes_http_exception(node):
            if node.args and not isinstance(node.args[0], ast.Starred):
                self._check(node.args[0])
            self._check(keyword(node, "status_code"))
            return
        if (isinstance(receiver, ast.Name) and is_router_name(receiver.id, self.ctx)) or (
            isinstance(receiver, ast.Attribute)
            and (id(node) in attribute_routes(self.ctx) or id(node) in attribute_registrations(self.ctx))
        ):
            if func.attr in ROUTE_REGISTRATION:
                self._check(keyword(node, "status_code"))
            elif func.attr == "exception_handler" and node.args:
                self._check(node.args[0])
            return
        exception = http_exception_name(node, self.ctx)
        qualified = None
        if exception is None and isinstance(func, (ast.Name, ast.Attribute)):
            # (a project module's name is followed to what it re-exports: `from app.errors
            # import HTTPException`, where app/errors.py imports it from fastapi)
            qualified = self.ctx.resolve_reexported(func)
            if qualified is None and isinstance(func, ast.Name):
                star = star_imported_name(func.id, self.ctx)  # `from .starlette import *`
                qualified = self.ctx.through_reexports(star) if star is not None else None
            if qualified in HTTP_EXCEPTIONS:
                exception = qualified
        if exception is not None:
            if (
                (exception in HTTP_EXCEPTIONS or exception in status_first_http_exceptions(self.ctx))
                and node.args and not isinstance(node.args[0], ast.Starred)
            ):
                self._check(node.args[0])
            self._check(keyword(node, "status_code"))
            return
        status_code = keyword(node, "status_code")
        if is_response_class(qualified):
            if len(node.args) > 1 and not any(isinstance(a, ast.Starred) for a in node.args[:2]):
                self._check(node.args[1])
            self._check(status_code)
        elif status_code is not None and response_subclass_call(node, self.ctx):
            self._check(status_code)  # (its own parameters may come in another order)
        elif isinstance(func, (ast.Name, ast.Attribute)) and (
            status_code is not None or node.args and _may_hold_status(node.args[0])
        ):
            project = project_http_exception(func, self.ctx)  # `from app.errors import NotRegistered`
            if project is not None:
                if project[1] and node.args and not isinstance(node.args[0], ast.Starred):
                    self._check(node.args[0])
                self._check(status_code)

    def _initializes_http_exception(self, node: ast.Call) -> bool:
        """``super().__init__(status_code=402, ...)`` in a method of a class of this module
        derived from HTTPException (``class CreditRefusal(HTTPException)``)."""
        func = node.func
        if not (
            isinstance(func, ast.Attribute) and func.attr == "__init__" and isinstance(func.value, ast.Call)
            and isinstance(func.value.func, ast.Name) and func.value.func.id == "super"
        ):
            return False
        cls = self.ctx.enclosing_class()
        return cls is not None and cls.name in local_http_exceptions(self.ctx)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            if (
                isinstance(target, ast.Attribute)
                and target.attr == "status_code"
                and isinstance(target.value, ast.Name)
                and self._is_response_param(target.value.id)
            ):
                self._check(node.value)

    def _is_response_param(self, name: str) -> bool:
        func = self.ctx.enclosing_function()
        if func is None:
            return False
        args = func.args
        for arg in args.posonlyargs + args.args + args.kwonlyargs:
            if arg.arg == name and arg.annotation is not None:
                return is_response_class(self.ctx.resolve(arg.annotation))
        return False

    def _check(self, expr: ast.AST | None) -> None:
        if isinstance(expr, ast.IfExp):
            self._check(expr.body)
            self._check(expr.orelse)
            return
        if isinstance(expr, ast.BoolOp) and isinstance(expr.op, ast.Or):  # `code or 200`: the fallback
            self._check(expr.values[-1])
            return
        if isinstance(expr, ast.Constant) and type(expr.value) is int and expr.value in STATUS_NAMES:
            ctx = self.ctx
            facts = ctx.memo(
                "fastapi.status_fix",
                lambda: StatusFixFacts(
                    ctx.tree, ctx.path, ctx.settings.root, ctx.external, source=ctx.source,
                    may_import=ctx.layer not in HTTP_FREE_LAYERS,
                ),
            )
            plan = facts.plan(expr.value, expr.lineno)
            # the message names what the fix writes (`http_status.` when `status` is taken), or
            # would write when only the constant's name is unknown (it depends on Starlette's version)
            if plan is not None:
                advice = f"`{plan[0]}`"
            else:
                reference = facts.reference(expr.lineno)
                advice = suggestion(expr.value, reference.expr if reference is not None else "status")
            self.report(expr, f"bare HTTP status `{expr.value}`: use {advice}", fix=FIX_SAFE if plan else None)

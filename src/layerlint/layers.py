"""Module name -> layer, for the linted file and for the targets of its imports.

Zero configuration classifies the conventional layout by the parts of a dotted
module name (RULES.md, "How a module gets its layer"); when several parts match,
the outermost wins (``app.models.repos.git`` is a models module: a folder inside
a layer stays in that layer); a module name ending ``_service``, ``_repo`` ... counts
only when no part names a layer, and only after a name (``user_service``; not
``_models`` alone). A module of a layered application in a folder per service within a
layer folder (``services/user_service/app/...``) is classified by its name in that
application (:meth:`LayerModel.name_to_classify`). Test code is in no layer
(:func:`is_test_module`).
``[tool.layerlint.layers]`` replaces the defaults with glob patterns on dotted
names; when several patterns match, the longest (most specific) wins.
"""

from __future__ import annotations

import fnmatch
import os
from typing import Any, Callable

from layerlint.pathnames import folder_above

LAYER_NAMES = ("routes", "dependencies", "services", "repositories", "models", "schemas", "migrations")

# Position in the call chain: a module may import only layers of a rank >= its own.
RANK = {"routes": 0, "dependencies": 1, "services": 2, "repositories": 3, "models": 4}
# layers that must not import FastAPI or Starlette (LL105; LL601 adds no such import there)
HTTP_FREE_LAYERS = frozenset({"services", "repositories"})

_PARTS = {
    "routes": "routes", "routers": "routes", "endpoints": "routes",
    "dependencies": "dependencies", "deps": "dependencies",
    "services": "services", "service": "services",
    "repositories": "repositories", "repository": "repositories", "repos": "repositories",
    "crud": "repositories",
    "models": "models",
    "schemas": "schemas", "schema": "schemas",
}
# modules that any layer may import (RULES.md), even inside a layer's package:
# `app/services/exceptions.py` holds the domain errors a repository raises
# ``errors`` is the other usual name of an exceptions module
_EXCEPTION_PARTS = frozenset({"exceptions", "errors"})
SHARED_PARTS = frozenset({"schemas", "schema", "core"}) | _EXCEPTION_PARTS


def is_shared(module: str) -> bool:
    """Is an import target a shared module, which LL101/LL102 never count as an import of
    a layer: named ``schemas``, ``core`` or ``exceptions`` (or ``errors``), inside a package
    of that name within a layer's package (``app.services.schemas.user``), or inside an
    exceptions package anywhere (``app.errors.repository``: the repositories' exceptions,
    not a repository)? A ``core`` above the layer's folder (``lnbits.core.services``) is a
    top package, not a shared module."""
    parts = module.split(".")
    if parts[-1] in SHARED_PARTS or any(part in _EXCEPTION_PARTS for part in parts[:-1]):
        return True
    layer_at = next((i for i, part in enumerate(parts) if part in _PARTS), None)
    return layer_at is not None and any(part in SHARED_PARTS for part in parts[layer_at + 1:])


# suffixes of the module's own (last) name
_SUFFIXES = (
    ("_service", "services"),
    ("_repository", "repositories"),
    ("_repo", "repositories"),
    ("_models", "models"),
    ("_model", "models"),
)


def is_test_module(parts: list[str]) -> bool:
    """A test module (pytest's ``test_*``/``*_test``, ``conftest``) or a module of a
    ``tests`` package: ``tests/test_user_service.py`` and ``tests/services/test_x.py``
    test a layer and do not belong to it."""
    last = parts[-1]
    return (
        last.startswith("test_") or last.endswith("_test") or last == "conftest"
        or any(part in ("tests", "test") for part in parts)
    )


def names_a_layer(part: str) -> bool:
    """Is a part of a dotted name one the default classification reads as a layer?"""
    return part in _PARTS


def may_be_in_layered_app(module: str) -> bool:
    """Could ``module`` sit in a layered application below a layer folder (see
    :func:`_name_in_layered_app`)? A test of its text, before any look at the disk."""
    return any(part in _PARTS for part in module.split(".")[:-2])


def _name_in_layered_app(module: str, is_package: bool, folder: str, fact: Callable[..., Any]) -> str | None:
    """``module`` from its outermost package on, when that package is a layered application
    (it holds a folder named like a layer, or a folder holding one: ``app/routes/``,
    ``app/api/routes/``) in a service's folder of its own (one holding a
    ``Dockerfile``, its requirements, ``alembic.ini`` ...) within a layer folder, none of
    them packages (``services/user_service/app/...``: one service per folder); else None.
    ``folder`` is the module's folder; ``fact(kind, *args)`` reads the disk (external.py).
    A package directly inside a layer folder (``app/services/billing/``), one below a
    package (``app/services/integrations/payments/``, ``integrations/`` without an
    ``__init__.py``), one in a folder that is no service's (``app/routers/v1/users/``), the
    modules of folders holding no ``__init__.py``, and test code are parts of that layer,
    or of none."""
    parts = module.split(".")
    folders = len(parts) if is_package else len(parts) - 1
    if not any(part in _PARTS for part in parts[: folders - 2]) or is_test_module(parts):
        return None
    span = fact("package_span", folder, folder_above(folder, folders))
    above = folders - span
    if span < 1 or above < 2 or parts[above - 1] in _PARTS:
        return None
    if not any(part in _PARTS for part in parts[: above - 1]):
        return None
    top = folder_above(folder, span - 1)
    if not (fact("layered_app_folder", top) and fact("service_folder", os.path.dirname(top))):
        return None
    return ".".join(parts[above:])


def pattern_matches(module: str, pattern: str) -> bool:
    """Does a configured layer pattern (a glob on dotted names) match ``module``? ``pkg.*``
    matches the package ``pkg`` itself too (its ``__init__.py``, and what it re-exports)."""
    return fnmatch.fnmatchcase(module, pattern) or (
        pattern.endswith(".*") and fnmatch.fnmatchcase(module, pattern[:-2])
    )


class LayerModel:
    def __init__(self, patterns: dict[str, tuple[str, ...]] | None = None) -> None:
        self.patterns = patterns
        self._cache: dict[str, str | None] = {}

    @property
    def is_default(self) -> bool:
        return self.patterns is None

    def classify(self, module: str) -> str | None:
        try:
            return self._cache[module]
        except KeyError:
            pass
        layer = self._classify_default(module) if self.patterns is None else self._classify_patterns(module)
        self._cache[module] = layer
        return layer

    @staticmethod
    def _classify_default(module: str) -> str | None:
        parts = module.split(".")
        if is_test_module(parts):
            return None
        for part in parts:  # the outermost layer folder wins: app/models/repos/ stays models
            layer = _PARTS.get(part)
            if layer is not None:
                return layer
        last = parts[-1]
        for suffix, layer in _SUFFIXES:
            if last.endswith(suffix) and last != suffix:
                return layer
        return None

    def name_to_classify(self, module: str, is_package: bool, folder: str, fact: Callable[..., Any]) -> str:
        """The name a module named ``module`` below its project root, in ``folder``, is
        classified by: by default, in a layered application inside a folder per service
        within a layer folder, its name in that application (:func:`_name_in_layered_app`),
        the name its code imports it by: ``services/user_service/app/routes/users.py`` is
        ``app.routes.users``, a routes module, and ``services/user_service/app/main.py`` is
        in no layer. Configured patterns match the name below the root."""
        if self.patterns is None:
            inner = _name_in_layered_app(module, is_package, folder, fact)
            if inner is not None:
                return inner
        return module

    def _classify_patterns(self, module: str) -> str | None:
        """The layer of the longest pattern matching ``module`` (:func:`pattern_matches`).
        Test code is in no layer, as with the defaults (:func:`is_test_module`): a test module
        beside the code (``services/test_billing.py``) or mirroring its layout
        (``tests/routes/test_users.py``) tests a layer. (A module named like one,
        ``ab_test``, is left out too: a missed finding rather than findings on tests.)"""
        if is_test_module(module.split(".")):
            return None
        best: tuple[int, str] | None = None
        for layer, patterns in (self.patterns or {}).items():
            for pattern in patterns:
                if pattern_matches(module, pattern):
                    weight = len(pattern.replace("*", ""))
                    if best is None or weight > best[0]:
                        best = (weight, layer)
        return best[1] if best else None

    def __getstate__(self) -> dict:
        return {"patterns": self.patterns}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["patterns"])

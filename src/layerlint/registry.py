"""The one registry of rules: every ``Rule`` subclass found under ``layerlint.rules``.

Rules are discovered by importing each module of the ``layerlint.rules`` package,
so adding a rule is adding a module: no central list to edit.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import lru_cache

from layerlint.rule import Option, Rule

CODE_RE = re.compile(r"^LL\d{3}$")


@lru_cache(maxsize=None)
def all_rules() -> dict[str, type[Rule]]:
    import layerlint.rules as package

    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(info.name)
    found: dict[str, type[Rule]] = {}
    stack = list(Rule.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if not cls.code:
            continue
        if not CODE_RE.match(cls.code):
            raise RuntimeError(f"{cls.__module__}: bad rule code {cls.code!r}")
        if cls.code in found and found[cls.code] is not cls:
            raise RuntimeError(f"rule code {cls.code} registered twice")
        found[cls.code] = cls
    return dict(sorted(found.items()))


def all_codes() -> list[str]:
    """Every code, including LL001 which the engine itself emits."""
    return sorted(set(all_rules()) | {"LL001"})


def all_options() -> dict[tuple[str, str], Option]:
    options: dict[tuple[str, str], Option] = {}
    for rule in all_rules().values():
        for option in rule.options:
            options[(option.section, option.key)] = option
    return options

"""The oldest Python a project declares it supports: the default target version.

Fixes that change what code does at run time (``Optional[X]`` -> ``X | None``
outside ``from __future__ import annotations``) are safe only when every Python
the project runs on has the new syntax. Without ``target-version`` in
``[tool.layerlint]``, the target is the lowest version the project's own
metadata allows, read from the first of these that states one:

1. ``[project] requires-python`` in pyproject.toml (PEP 621);
2. ``[tool.poetry.dependencies] python`` in pyproject.toml (Poetry before 2.0
   writes no ``[project]`` table): ``^3.9``, ``~3.9``, ``>=3.9,<4.0``, ``||``;
3. ``python_requires`` under ``[options]`` in setup.cfg, beside pyproject.toml;
4. ``python_requires="..."`` in the ``setup(...)`` call of setup.py, beside it:
   a string literal only. setup.py is parsed, never run.

A project without pyproject.toml is read from the nearest folder holding a
setup.cfg or setup.py (3 and 4); a standalone ``--config`` file keeps what the
project's own files declare.

A declaration that sets no lower bound (``*``, ``<4``), or that this module
cannot read, does not count and the next source is tried. When none states a
version, the caller keeps its default.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# (ast, configparser and the specifier parser are imported when a declaration is read:
# the settings load on every run, warm-cache runs included)

PythonVersion = tuple[int, int]
_MAX_SETUP_SIZE = 1_000_000


def lowest_python(spec: str, *, poetry: bool = False) -> PythonVersion | None:
    """The oldest ``(major, minor)`` a version specifier allows; None when it has no
    lower bound or cannot be read (``>=3.9`` -> (3, 9), ``^3.8`` -> (3, 8),
    ``>3.9`` -> (3, 9): 3.9.1 is allowed)."""
    from layerlint.facts.dependencies import parse_specifier

    constraint = parse_specifier(spec, poetry=poetry)
    if constraint is None or not constraint.intervals:
        return None
    lowest: PythonVersion | None = None
    for interval in constraint.intervals:
        if interval.lower is None:
            return None  # one alternative allows any old version
        release = interval.lower + (0,) * (2 - len(interval.lower))
        version = (release[0], release[1])
        if lowest is None or version < lowest:
            lowest = version
    return lowest


def declared_python(pyproject: dict[str, Any], folder: Path | None) -> PythonVersion | None:
    """The oldest Python the project in ``folder`` declares (see the module docstring);
    ``pyproject`` is its parsed pyproject.toml."""
    project = pyproject.get("project")
    if isinstance(project, dict) and isinstance(project.get("requires-python"), str):
        found = lowest_python(project["requires-python"])
        if found is not None:
            return found
    tool = pyproject.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    dependencies = poetry.get("dependencies") if isinstance(poetry, dict) else None
    if isinstance(dependencies, dict):
        python = dependencies.get("python")
        if isinstance(python, str):
            found = lowest_python(python, poetry=True)
            if found is not None:
                return found
    if folder is None:
        return None
    for read in (_setup_cfg_requires, _setup_py_requires):
        spec = read(folder)
        found = lowest_python(spec) if spec else None
        if found is not None:
            return found
    return None


def _setup_cfg_requires(folder: Path) -> str | None:
    import configparser

    path = folder / "setup.cfg"
    parser = configparser.ConfigParser(interpolation=None)
    try:
        if not path.is_file():
            return None
        with open(path, encoding="utf-8", errors="replace") as fh:
            parser.read_file(fh)
    except (OSError, configparser.Error):
        return None  # not our file: a broken one only means no declaration
    value = parser.get("options", "python_requires", fallback="").strip()
    return value or None


def _setup_py_requires(folder: Path) -> str | None:
    import ast
    import warnings

    path = folder / "setup.py"
    try:
        if not path.is_file() or path.stat().st_size > _MAX_SETUP_SIZE:
            return None
        source = path.read_bytes()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or _called_name(node.func) != "setup":
            continue
        for keyword in node.keywords:
            value = keyword.value
            if keyword.arg == "python_requires" and isinstance(value, ast.Constant) and isinstance(value.value, str):
                return value.value
    return None


def _called_name(func: Any) -> str | None:
    """``setup`` for ``setup(...)``, ``setuptools.setup(...)`` and ``distutils.core.setup(...)``."""
    import ast

    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and ast.unparse(func.value) in ("setuptools", "distutils.core"):
        return func.attr
    return None

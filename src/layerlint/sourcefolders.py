"""The folders a project's build configuration puts its packages in: the default ``src``.

A repository that keeps its code in ``backend/infrahub/...`` and declares it (``from =
"backend"``) is imported as ``infrahub...``: module names must start below
``backend``, or no absolute import resolves to a project file. Without ``src`` in
``[tool.layerlint]``, the folders are read (never run) from, in the project root:

- Poetry: ``[tool.poetry] packages = [{ include = "pkg", from = "backend" }]``;
- setuptools: ``[tool.setuptools] package-dir = { "" = "src/python" }`` and
  ``[tool.setuptools.packages.find] where = ["backend"]`` in pyproject.toml,
  ``package_dir = =src/python`` under ``[options]`` and ``where`` under
  ``[options.packages.find]`` in setup.cfg, and in the ``setup(...)`` call of setup.py a
  literal ``package_dir={"": "..."}`` or ``packages=find_packages(where="...")`` (or
  ``find_packages("...")``, ``find_namespace_packages``: setuptools', by its import);
- Hatch: the folder holding each of ``packages = ["backend/infrahub"]``
  (``[tool.hatch.build]`` or its wheel target, without ``sources`` rewriting paths);
- PDM: ``[tool.pdm.build] package-dir = "backend"``.

Only existing folders strictly below the root count, and neither ``src/`` (whose
default handling stays as it is) nor a folder that is itself a package
(``backend/__init__.py``: its modules may be imported as ``backend.x`` too).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from layerlint.pyversion import SetupPy, read_setup_cfg, read_setup_py

_PACKAGE_FINDERS = ("find_packages", "find_namespace_packages")  # (setuptools')


def declared_source_folders(pyproject: dict[str, Any], root: Path) -> tuple[Path, ...]:
    """The folders (absolute) the project in ``root`` declares its packages in (see the
    module docstring); ``pyproject`` is its parsed pyproject.toml."""
    declared = [*_from_pyproject(pyproject), *_from_setup_cfg(root), *_from_setup_py(root)]
    found: list[Path] = []
    prefix = os.path.join(os.fspath(root), "")
    for relative in declared:
        folder = os.path.normpath(os.path.join(root, relative))  # (not resolved: paths are compared as given)
        if (
            folder.startswith(prefix)
            and folder != os.path.join(root, "src")
            and os.path.isdir(folder)
            and not os.path.isfile(os.path.join(folder, "__init__.py"))
            and Path(folder) not in found
        ):
            found.append(Path(folder))
    return tuple(found)


def _table(data: Any, *keys: str) -> dict[str, Any]:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _from_pyproject(pyproject: dict[str, Any]) -> list[str]:
    tool = _table(pyproject, "tool")
    folders: list[str] = []
    poetry_packages = _table(tool, "poetry").get("packages")
    for package in poetry_packages if isinstance(poetry_packages, list) else ():
        if isinstance(package, dict):
            folders += _strings(package.get("from"))
    setuptools = _table(tool, "setuptools")
    folders += _strings(_table(setuptools, "package-dir").get(""))
    folders += _strings(_table(setuptools, "packages", "find").get("where"))
    for hatch in (_table(tool, "hatch", "build"), _table(tool, "hatch", "build", "targets", "wheel")):
        if "sources" not in hatch:  # (sources rename the folders packages are shipped from)
            folders += [os.path.dirname(package.rstrip("/")) for package in _strings(hatch.get("packages"))]
    folders += _strings(_table(tool, "pdm", "build").get("package-dir"))
    return folders


def _from_setup_cfg(root: Path) -> list[str]:
    if not os.path.isfile(os.path.join(root, "setup.cfg")):
        return []
    parser = read_setup_cfg(root / "setup.cfg")
    if parser is None:
        return []
    folders = []
    # package_dir = =src  (or one `name = folder` a line): the root package's entry only
    for line in parser.get("options", "package_dir", fallback="").splitlines():
        name, equals, folder = line.partition("=")
        if equals and not name.strip():
            folders.append(folder.strip())
    folders += parser.get("options.packages.find", "where", fallback="").split()
    return folders


def _from_setup_py(root: Path) -> list[str]:
    import ast

    path = root / "setup.py"
    try:  # (a cheap text gate before parsing it)
        source = path.read_bytes() if path.is_file() else b""
        if b"package_dir" not in source and b"find_" not in source:
            return []
    except OSError:
        return []
    setup_py = read_setup_py(path)
    if setup_py is None:
        return []
    folders: list[str] = []
    for keyword in setup_py.keywords:
        value = setup_py.literal(keyword.value)
        if keyword.arg == "package_dir" and isinstance(value, ast.Dict):
            for key, folder in zip(value.keys, value.values):
                if isinstance(key, ast.Constant) and key.value == "" and isinstance(folder, ast.Constant):
                    folders += _strings(folder.value)
        elif keyword.arg == "packages" and isinstance(value, ast.Call) and _is_package_finder(setup_py, value.func):
            where = [k.value for k in value.keywords if k.arg == "where"] or value.args[:1]
            for node in where:
                folder = setup_py.literal(node)
                if isinstance(folder, ast.Constant):
                    folders += _strings(folder.value)
    return folders


def _is_package_finder(setup_py: SetupPy, func: Any) -> bool:
    """Whether ``func`` is setuptools' ``find_packages`` or ``find_namespace_packages``: by
    the names setup.py imports from setuptools, or spelt ``setuptools.find_packages``."""
    import ast

    if isinstance(func, ast.Attribute):
        return func.attr in _PACKAGE_FINDERS and isinstance(func.value, ast.Name) and func.value.id == "setuptools"
    if not isinstance(func, ast.Name):
        return False
    return any(
        isinstance(node, ast.ImportFrom) and node.module == "setuptools" and node.level == 0
        and any(alias.name in _PACKAGE_FINDERS and (alias.asname or alias.name) == func.id for alias in node.names)
        for node in ast.walk(setup_py.tree)
    )

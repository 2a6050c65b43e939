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

from functools import cached_property
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
    parser = read_setup_cfg(folder / "setup.cfg")
    value = parser.get("options", "python_requires", fallback="").strip() if parser is not None else ""
    return value or None


def _setup_py_requires(folder: Path) -> str | None:
    import ast

    setup_py = read_setup_py(folder / "setup.py")
    for keyword in setup_py.keywords if setup_py is not None else ():
        value = keyword.value
        if keyword.arg == "python_requires" and isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value
    return None


# -- setup.cfg and setup.py, also read for a project's dependencies (facts/dependencies.py)


def read_setup_cfg(path: Path) -> Any:
    """The ``configparser.ConfigParser`` of the setup.cfg at ``path``; None when there is
    none or it is broken (not our file: a broken one only means no declaration)."""
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        if not path.is_file():
            return None
        with open(path, encoding="utf-8", errors="replace") as fh:
            parser.read_file(fh)
    except (OSError, configparser.Error):
        return None
    return parser


# builtins a list handed to cannot change (they copy it, or look at it)
_COPYING = frozenset({"list", "tuple", "set", "frozenset", "sorted", "len", "print", "any", "all", "enumerate"})


class SetupPy:
    """A setup.py, parsed and never run: the keywords of its ``setup(...)`` calls, and
    :meth:`literal` for a keyword that names a module-level value."""

    def __init__(self, tree: Any) -> None:
        import ast

        self.tree = tree
        self.keywords: list[ast.keyword] = [
            keyword
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and _called_name(node.func) == "setup"
            for keyword in node.keywords
        ]

    @cached_property
    def _assigned_once(self) -> dict[str, Any]:
        # (a name grown in place, `REQUIRES.append(...)`, holds more than its value)
        return {name: value for name, (value, added) in self._grown_lists.items() if not added}

    def literal(self, node: Any) -> Any:
        """``node``, or, for a name bound once, by a plain module-level assignment, and never
        the object of an attribute or subscript (``REQUIRES.append(...)`` may change it),
        the value assigned to it."""
        import ast

        return self._assigned_once.get(node.id, node) if isinstance(node, ast.Name) else node

    def strings(self, node: Any, depth: int = 0) -> list[str] | None:
        """The strings a list of requirements may hold: a literal list or tuple of string
        literals, a sum of such lists (``[...] + extra``), or a module-level name assigned one
        once, with every string any ``name.append("...")``, ``name.extend([...])`` or ``name +=
        [...]`` of the module adds (in an ``if`` too: all of them, whichever runs); None when
        some part cannot be read."""
        import ast

        if depth > 8:
            return None
        if isinstance(node, (ast.List, ast.Tuple)):
            if all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
                return [e.value for e in node.elts]
            return None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.strings(node.left, depth + 1), self.strings(node.right, depth + 1)
            return None if left is None or right is None else left + right
        if isinstance(node, ast.Name):
            return self._grown_strings(node.id, depth)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.args and not node.keywords:
            return self._returned_strings(node.func.id, depth)
        return None

    def _returned_strings(self, name: str, depth: int) -> list[str] | None:
        """The strings a module-level function of no arguments returns (``def
        get_install_requires(): install_requires = [...]; return install_requires``): every
        ``return`` read as :meth:`strings` reads a value, a name the function assigns once
        (and uses no other way) standing for its value; None when one cannot be read."""
        import ast

        funcs = [stmt for stmt in self.tree.body if isinstance(stmt, ast.FunctionDef) and stmt.name == name]
        if len(funcs) != 1 or name in self._rebound or funcs[0].decorator_list:
            return None  # (a decorator may give another list)
        func = funcs[0]
        args = func.args
        if args.posonlyargs or args.args or args.kwonlyargs or args.vararg or args.kwarg:
            return None  # (a parameter may shadow a module's name, or its default give the list)
        body = [node for stmt in func.body for node in ast.walk(stmt)]
        if any(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)) for node in body):
            return None  # (a nested scope: its returns are not this function's)
        stores = [node.id for node in body if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load)]
        used = {node.value.id for node in body if isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.value, ast.Name)}
        local = {
            stmt.targets[0].id: stmt.value for stmt in body
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
            and stores.count(stmt.targets[0].id) == 1 and stmt.targets[0].id not in used
        }
        returns = [node.value for node in body if isinstance(node, ast.Return)]
        if not returns or any(value is None for value in returns):
            return None
        # a local read anywhere but in a `return` may be changed through another name
        # (`legacy = reqs; legacy.append(...)`, `list.insert(reqs, ...)`, `helper(reqs)`)
        returned = {id(value) for value in returns}
        read_elsewhere = {
            node.id for node in body
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and id(node) not in returned
        }
        local = {name: value for name, value in local.items() if name not in read_elsewhere}
        found: list[str] = []
        for value in returns:
            if isinstance(value, ast.Name) and value.id in stores:
                value = local.get(value.id)
                if value is None:
                    return None
            more = self.strings(value, depth + 1)
            if more is None:
                return None
            found.extend(more)
        return found

    @cached_property
    def _rebound(self) -> frozenset[str]:
        """Names the module binds more than once, anywhere (a ``def`` again under an ``if``,
        an import, a loop target, a walrus: which one ``setup()`` calls is not read)."""
        return frozenset(name for name, count in self._binding_counts(set()).items() if count > 1)

    def _binding_counts(self, skip: set[int]) -> Any:
        """How many times the module binds each name, anywhere (a name stored, a ``def`` or
        ``class``, an import), the stores of ``skip`` (node ids) aside."""
        import ast
        from collections import Counter

        counts: Counter[str] = Counter()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load) and id(node) not in skip:
                counts[node.id] += 1
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                counts[node.name] += 1
            elif isinstance(node, ast.alias):
                counts[(node.asname or node.name).partition(".")[0]] += 1
        return counts

    def _grown_strings(self, name: str, depth: int) -> list[str] | None:
        value = self._grown_lists.get(name)
        if value is None:
            return None
        found = self.strings(value[0], depth + 1)
        for added in value[1]:
            more = self.strings(added, depth + 1)
            if found is None or more is None:
                return None
            found = found + more
        return found

    @staticmethod
    def _read_only(name: Any, parents: dict[int, Any], handled: set[int]) -> bool:
        """Is a use of a list's name one that cannot change it: the value of ``setup(...)``'s
        keyword, a term of a sum, a value of a dict, a ``return``, or its own growth?"""
        import ast

        parent = parents.get(id(name))
        if isinstance(parent, ast.keyword):
            call = parents.get(id(parent))
            return isinstance(call, ast.Call) and (
                _called_name(call.func) == "setup" or (isinstance(call.func, ast.Name) and call.func.id == "dict")
            )
        if isinstance(parent, ast.Attribute):
            return id(parent) in handled
        if isinstance(parent, ast.Call):  # (`list(BASE)`, `sorted(BASE)`: a copy, or a look)
            return isinstance(parent.func, ast.Name) and parent.func.id in _COPYING and name in parent.args
        if isinstance(parent, (ast.comprehension, ast.For)):
            return parent.iter is name
        return isinstance(parent, (ast.BinOp, ast.Return, ast.Starred, ast.Compare)) or (
            isinstance(parent, ast.Dict) and any(value is name for value in parent.values)
        )

    @cached_property
    def _grown_lists(self) -> dict[str, tuple[Any, list[Any]]]:
        """Module-level names assigned once (a plain assignment at the top level) and
        otherwise only grown in place -> (the value assigned, what each growth adds: the
        value of ``extend(...)``/``+=``, or ``[x]`` of ``append(x)``)."""
        import ast

        growths: dict[str, list[Any]] = {}
        handled: set[int] = set()  # the nodes naming the list in its growths
        for node in ast.walk(self.tree):
            if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and isinstance(node.op, ast.Add):
                growths.setdefault(node.target.id, []).append(node.value)
                handled.add(id(node.target))
            elif (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.attr in ("append", "extend")
                and len(node.args) == 1 and not node.keywords
            ):
                added = node.args[0]
                growths.setdefault(node.func.value.id, []).append(
                    ast.List(elts=[added], ctx=ast.Load()) if node.func.attr == "append" else added
                )
                handled.add(id(node.func))
        stores = self._binding_counts(handled)
        changed: set[str] = set()  # a name used another way through an attribute or a subscript
        parents = {id(child): node for node in ast.walk(self.tree) for child in ast.iter_child_nodes(node)}
        mutable = {  # (the lists and dicts a name may be changed through another: not a string)
            target.id for stmt in self.tree.body if isinstance(stmt, ast.Assign)
            and isinstance(stmt.value, (ast.List, ast.Dict, ast.BinOp)) for target in stmt.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(self.tree):
            if (
                isinstance(node, ast.Name) and node.id in mutable and isinstance(node.ctx, ast.Load)
                and not self._read_only(node, parents, handled)
            ):
                changed.add(node.id)  # (`LEGACY = BASE; LEGACY.append(...)`, `pin(BASE)`: it may change elsewhere)
            if isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.value, ast.Name):
                if id(node) not in handled:
                    changed.add(node.value.id)
        return {
            stmt.targets[0].id: (stmt.value, growths.get(stmt.targets[0].id, []))
            for stmt in self.tree.body
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
            and stores[stmt.targets[0].id] == 1 and stmt.targets[0].id not in changed
        }


def read_setup_py(path: Path) -> SetupPy | None:
    """The setup.py at ``path``, parsed; None when there is none, or it is too large or
    cannot be parsed."""
    import ast
    import warnings

    try:
        if not path.is_file() or path.stat().st_size > _MAX_SETUP_SIZE:
            return None
        source = path.read_bytes()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return SetupPy(tree)


def _called_name(func: Any) -> str | None:
    """``setup`` for ``setup(...)``, ``setuptools.setup(...)`` and ``distutils.core.setup(...)``."""
    import ast

    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and ast.unparse(func.value) in ("setuptools", "distutils.core"):
        return func.attr
    return None

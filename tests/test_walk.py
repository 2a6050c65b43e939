"""The pruned walk visits exactly what a full walk visits, for any set of wanted types.

The pruning reads the grammar from the ``ast`` docstrings; these tests check that
grammar against real trees (the standard library, and a file using every
construct of the running Python), then compare the pruned walk with a plain
pre-order walk for many sets of wanted types.
"""

from __future__ import annotations

import ast
import os
import random
import sys
import textwrap

import pytest

from layerlint.walk import GRAMMAR, REACH, nodes_of, walk

SCOPES = frozenset({ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda})

EVERYTHING = '''
import os, sys as system
from . import sibling
from ..pkg.mod import (a as b, c)
x: int = 1
y = [i async for i in aiter() if i] if False else {k: v for k, v in d.items()}
z = {*s, *t}; w = (yield_ for yield_ in g); del x
@decorator(arg, key=value, *args, **kwargs)
class C(Base, metaclass=Meta):
    """doc"""
    attr: "Annotated[int, Field(gt=0)]" = field(default=lambda q, /, r=1, *a, s, **k: q)
    async def method(self, p: int = 1, *, kw: str | None = None) -> list[int]:
        async with ctx() as (a, b), other():
            async for item in stream:
                await thing(item)
        global G
        try:
            raise ValueError("x") from None
        except (TypeError, ValueError) as exc:
            pass
        except Exception:
            raise
        else:
            return [j ** 2 for j in range(10) if j % 2]
        finally:
            assert not False, "msg"
    def gen(self):
        nonlocal_ = 1
        yield from other()
        x = yield
        while True:
            break
        else:
            continue
        for a, *rest in pairs:
            pass
        if (n := len(a)) > 10 or not a and -b < ~c <= d is not e in f:
            a[1:2, ::3] += b @ c
        print(f"{value!r:>{width}} {other=}", sep=b"", end=...)
        match command:
            case {"k": 1, **others}:
                pass
            case Point(x=0, y=0) | [1, 2, *_] as matched if matched:
                pass
            case None | True | -1 | 1 + 2j | "s":
                pass
            case _:
                pass
'''
EXTRA_311 = '''
try:
    pass
except* (OSError, ValueError) as group:
    pass
'''
EXTRA_312 = '''
type Alias[T: int, *Ts, **P] = list[T]
def generic[T](x: T) -> T:
    return x
class Box[T = int]:
    pass
'''


def _sources() -> list[tuple[str, str]]:
    sources = [("everything", EVERYTHING)]
    if sys.version_info >= (3, 11):
        sources.append(("py311", EXTRA_311))
    if sys.version_info >= (3, 13):
        sources.append(("py313", EXTRA_312))
    elif sys.version_info >= (3, 12):
        sources.append(("py312", EXTRA_312.replace("[T = int]", "[T]")))
    stdlib = os.path.dirname(os.__file__)
    names = sorted(n for n in os.listdir(stdlib) if n.endswith(".py"))
    for name in random.Random(7).sample(names, min(60, len(names))):
        with open(os.path.join(stdlib, name), "rb") as fh:
            sources.append((name, fh.read().decode("utf-8", errors="replace")))
    return sources


def _trees() -> list[tuple[str, ast.AST]]:
    out = []
    for name, source in _sources():
        try:
            out.append((name, ast.parse(textwrap.dedent(source))))
        except SyntaxError:
            continue
    return out


TREES = _trees()


def test_grammar_matches_real_trees():
    seen: set[type] = set()
    for name, tree in TREES:
        for node in ast.walk(tree):
            seen.add(type(node))
            assert type(node) in GRAMMAR, f"{name}: {type(node).__name__} missing from the grammar"
            declared = {field: (types, is_list) for field, types, is_list in GRAMMAR[type(node)]}
            for field in node._fields:
                value = getattr(node, field, None)
                items = value if isinstance(value, list) else [value]
                nodes = [v for v in items if isinstance(v, ast.AST)]
                if not nodes:
                    continue
                assert field in declared, f"{name}: {type(node).__name__}.{field} holds nodes but is undeclared"
                types, is_list = declared[field]
                if types is None:
                    continue
                assert is_list == isinstance(value, list), f"{type(node).__name__}.{field}"
                for child in nodes:
                    assert type(child) in types, (
                        f"{name}: {type(node).__name__}.{field} holds {type(child).__name__}"
                    )
    assert {ast.Call, ast.Match, ast.MatchClass, ast.comprehension, ast.JoinedStr} <= seen


def test_reach_is_transitive_and_prunes_expressions_for_statement_rules():
    assert ast.Raise not in REACH[ast.Call]  # no statement below an expression
    assert ast.Call in REACH[ast.FunctionDef]
    assert REACH[ast.Name] <= set(ast.expr_context.__subclasses__())
    assert not REACH[ast.Constant]


def _full_walk(tree: ast.AST, wanted: set[type]):
    """Reference: plain pre-order walk recording (node, enclosing scopes) of wanted types."""
    out = []

    def visit(node: ast.AST, scopes: tuple[ast.AST, ...]) -> None:
        if type(node) in wanted:
            out.append(("enter", node, scopes))
        inner = scopes + (node,) if type(node) in SCOPES else scopes
        for child in ast.iter_child_nodes(node):
            visit(child, inner)
        if type(node) in wanted:
            out.append(("leave", node, scopes))

    visit(tree, ())
    return out


def _pruned_walk(tree: ast.AST, wanted: set[type]):
    out = []
    scopes: list[ast.AST] = []

    def on_enter(node):
        out.append(("enter", node, tuple(scopes)))

    def on_leave(node):
        # the scope itself is still on the stack during its leave callback
        inner = tuple(scopes[:-1]) if type(node) in SCOPES else tuple(scopes)
        out.append(("leave", node, inner))

    walk(
        tree,
        {t: [on_enter] for t in wanted},
        {t: [on_leave] for t in wanted},
        scope_types=SCOPES,
        scopes=scopes,
    )
    return out


@pytest.mark.parametrize("seed", range(24))
def test_pruned_walk_visits_what_a_full_walk_visits(seed):
    rng = random.Random(seed)
    types = sorted(GRAMMAR, key=lambda t: t.__name__)
    wanted = set(rng.sample(types, rng.choice([1, 2, 3, 6, 15])))
    if seed % 5 == 0:
        wanted |= {ast.Call}
    for name, tree in TREES[:8]:
        expected = _full_walk(tree, wanted)
        got = _pruned_walk(tree, wanted)
        assert [(k, id(n), [id(s) for s in sc]) for k, n, sc in got] == [
            (k, id(n), [id(s) for s in sc]) for k, n, sc in expected
        ], f"{name} with {sorted(t.__name__ for t in wanted)}"


def test_every_single_type_alone():
    for node_type in GRAMMAR:
        for name, tree in TREES[:3]:
            assert _pruned_walk(tree, {node_type}) == _full_walk(tree, {node_type}), (name, node_type)


def test_failing_callback_is_reported_and_walk_goes_on():
    tree = ast.parse("f(1)\ng(2)\n")
    seen, failed = [], []
    enter = {ast.Call: [lambda node: seen.append(node.func.id) or 1 / (node.func.id != "f")]}

    def on_error(callback):
        failed.append(callback)

    walk(tree, enter, {}, on_error=on_error)
    assert seen == ["f", "g"] and len(failed) == 1


@pytest.mark.parametrize("types", [(ast.ClassDef,), (ast.Assign, ast.AnnAssign), (ast.Call, ast.Raise), (ast.Name,)])
def test_nodes_of_finds_what_ast_walk_finds(types):
    for name, tree in TREES[:10]:
        expected = [n for n in ast.walk(tree) if type(n) in types]
        got = nodes_of(tree, *types)
        assert sorted(map(id, got)) == sorted(map(id, expected)), name

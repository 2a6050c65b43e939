"""fixes/positions.py: the ranges it finds are libcst's own, and the module it writes
back (reusing the text of unchanged statements) is the one libcst would write."""

from __future__ import annotations

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from layerlint.fixes.positions import layout

SOURCES = {
    "lf": "from typing import Optional\n\n\nclass A:\n    x: Optional[int] = None\n"
          "    y: dict[str, int] = {}\n",
    "crlf": "import typing\r\n\r\ndef f(a: typing.Optional[int],\r\n      b: list[int]) -> None:\r\n    return g(a)[0]\r\n",
    "mixed": "x = [1]\r\ny = x[0]\n\rz = {'a': x[0]}\r\n",
    "tabs and unicode": "if True:\n\tnom = 'é'[0]  # é\n\tif nom:\n\t\tpass\n",
    "continuations": "total = a[1] + \\\n    b[2]\ns = '''\nline\n'''[0]\nw = (\n    c[3]  # note\n)\n",
    "no trailing newline": "def f():\n    return x[1]",
}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_ranges_and_ancestors_are_libcsts(name):
    module = cst.parse_module(SOURCES[name])
    types = (cst.Subscript, cst.Name, cst.Arg, cst.Param)
    laid = layout(module, types)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    wanted = [node for node in positions if isinstance(node, types)]
    assert set(laid.found) == set(wanted)
    for node in wanted:
        r = positions[node]
        assert laid.found[node].range == (r.start.line, r.start.column, r.end.line, r.end.column)
        parents = laid.found[node].ancestors
        assert parents[0] is module and node in _children(parents[-1])
    assert "".join(laid.tokens) == SOURCES[name]


@pytest.mark.parametrize("source", [
    "class A(Base):\n    id: int\n\n    class Config:\n        orm_mode = True",
    "if x:\n    def f():\n        return 1",
    "x = 1\r\nclass B:\r\n    y = 2",
])
def test_a_block_ending_a_file_without_a_line_break(source):
    # (review 114: the last statement's end was recorded past the tokens libcst kept once it
    # took the file's missing final line break back off: an IndexError in the LL201 fix)
    module = cst.parse_module(source)
    types = (cst.ClassDef, cst.FunctionDef, cst.SimpleStatementLine, cst.IndentedBlock)
    laid = layout(module, types)
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    wanted = [node for node in positions if isinstance(node, types)]
    assert wanted and set(laid.found) == set(wanted)
    for node in wanted:
        r = positions[node]
        assert laid.found[node].range == (r.start.line, r.start.column, r.end.line, r.end.column)


def _children(node: cst.CSTNode) -> list[cst.CSTNode]:
    return list(node.children)


class _Rename(cst.CSTTransformer):
    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
        return updated.with_changes(value="renamed") if original.value == "g" else updated


def _check(source: str, change) -> None:
    module = cst.parse_module(source)
    laid = layout(module, ())
    new = change(module)
    assert laid.code(new) == new.code


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_unchanged_and_changed_modules_are_written_as_libcst_writes_them(name):
    _check(SOURCES[name], lambda m: m)
    _check(SOURCES[name], lambda m: m.visit(_Rename()))
    _check(SOURCES[name], lambda m: m.with_changes(body=list(m.body)[::-1]))


NESTED = "def f():\n    x = 1\n    if x:\n        y = 2\n    elif x:\n        z = 3\n\n\nw = 4\n"


def test_a_statement_moved_to_another_indentation_is_generated_again():
    def move_in(module: cst.Module) -> cst.Module:
        func, last = module.body
        block = func.body.with_changes(body=[*func.body.body, last])
        return module.with_changes(body=[func.with_changes(body=block)])

    def move_out(module: cst.Module) -> cst.Module:
        func, last = module.body
        inner = func.body.body[1]
        return module.with_changes(body=[*module.body, inner])

    def elif_to_body(module: cst.Module) -> cst.Module:
        func, last = module.body
        return module.with_changes(body=[*module.body, func.body.body[1].orelse])

    for change in (move_in, move_out, elif_to_body):
        _check(NESTED, change)


def test_other_newlines_or_indentation_write_the_whole_module_again():
    _check(NESTED, lambda m: m.with_changes(default_newline="\r\n"))
    _check(NESTED, lambda m: m.with_changes(default_indent="  "))


def test_unchanged_statements_give_their_tokens_and_only_changed_ones_are_generated():
    module = cst.parse_module("x = 1\ndef f():\n    y = 2\n    return y\n")
    laid = layout(module, ())
    laid.tokens[:] = [token.upper() for token in laid.tokens]  # shows where the writer reused them
    func = module.body[1]
    changed = func.with_changes(body=func.body.with_changes(body=[*func.body.body[:1], cst.parse_statement("z = 3\n")]))
    new = module.with_changes(body=[module.body[0], changed])
    assert laid.code(new) == "X = 1\ndef f():\n    Y = 2\n    z = 3\n"

"""The one walk of a file's tree, pruned to what the active rules asked for.

Rules ask for node types (``visit_<Type>`` / ``leave_<Type>``). The ``ast``
module documents the grammar of every node class in its docstring, e.g.
``Call(expr func, expr* args, keyword* keywords)``; from it we know, for every
node type, which node types can appear anywhere below it. The walk then:

- descends only into the fields of a node whose declared type can hold a wanted
  node (or something that contains one);
- pushes only the children that are wanted or can contain a wanted node.

So a walk for statement-level rules (``Import``, ``Raise``, ``ClassDef``) never
touches an expression, and no walk touches ``Load``/``Store``, operators, names
or constants unless a rule asked for them. Pruning is sound: it skips only
subtrees in which the grammar rules out every wanted type; a node class whose
grammar cannot be read is descended into field by field, as an unpruned walk
would (see tests/test_walk.py, which checks the grammar against real trees).

The visit order is the plain pre-order, children in field order, exactly as an
unpruned walk visits the nodes that both see.

A walk may also be *focused* on some lines (:class:`Lines`): nodes of the types
only focused rules asked for are then entered only when their lines
(``lineno``..``end_lineno``, decorators included) include a focus line. Since a
node's lines include its children's, every ancestor of a node on a focus line is
still entered, in the same order, so scopes and parent-first marks see what they
always saw.
"""

from __future__ import annotations

import ast
import re
from itertools import accumulate
from typing import Callable, Iterable, Iterator

Callback = Callable[[ast.AST], None]

# (field name, concrete node types it may hold or None when unknown, is a list)
_Field = tuple[str, "frozenset[type] | None", bool]

_HEAD_RE = re.compile(r"^(\w+)\((.*)\)$")
_DECL_RE = re.compile(r"^(\w+)([*?]?) (\w+)$")


def _node_classes() -> set[type]:
    out: set[type] = set()
    stack: list[type] = [ast.AST]
    while stack:
        cls = stack.pop()
        if cls not in out:
            out.add(cls)
            stack.extend(cls.__subclasses__())
    out.discard(ast.AST)
    return out


def _is_concrete(cls: type) -> bool:
    """A node class the parser builds: its docstring is ``Name(fields)`` or ``Name``."""
    head = (cls.__doc__ or "").strip().split("\n", 1)[0]
    name = cls.__name__
    return head == name or (head.startswith(name + "(") and head.endswith(")"))


_CONCRETE: dict[type, frozenset[type]] = {}


def _concrete(cls: type) -> frozenset[type]:
    """The concrete node classes an abstract grammar type (``expr``, ``stmt``...) stands for."""
    found = _CONCRETE.get(cls)
    if found is not None:
        return found
    out: set[type] = set()
    stack = [cls]
    while stack:
        c = stack.pop()
        if _is_concrete(c):
            out.add(c)  # deprecated aliases below a concrete class (ast.Num...) are never built
            continue
        stack.extend(c.__subclasses__())
    found = _CONCRETE[cls] = frozenset(out)
    return found


def _read_grammar() -> dict[type, tuple[_Field, ...]]:
    grammar: dict[type, tuple[_Field, ...]] = {}
    for cls in _node_classes():
        fields = tuple(getattr(cls, "_fields", ()) or ())
        declared: dict[str, tuple[str, str]] = {}
        if fields:
            head = (cls.__doc__ or "").strip().split("\n", 1)[0]
            match = _HEAD_RE.match(head)
            if match and match.group(1) == cls.__name__:
                for part in match.group(2).split(","):
                    decl = _DECL_RE.match(part.strip())
                    if decl:
                        declared[decl.group(3)] = (decl.group(1), decl.group(2))
        out: list[_Field] = []
        for name in fields:
            if name not in declared:
                out.append((name, None, False))  # unknown: descend whatever it holds
                continue
            type_name, quantifier = declared[name]
            node_type = getattr(ast, type_name, None)
            if isinstance(node_type, type) and issubclass(node_type, ast.AST):
                out.append((name, _concrete(node_type), quantifier == "*"))
            # builtin types (identifier, string, constant, int) hold no nodes
        grammar[cls] = tuple(out)
    return grammar


GRAMMAR = _read_grammar()
_ALL = frozenset(GRAMMAR)


def _reach_table() -> dict[type, frozenset[type]]:
    """For each node type, every node type that may appear anywhere below it."""
    children: dict[type, frozenset[type]] = {}
    for cls, fields in GRAMMAR.items():
        below: set[type] = set()
        for _, types, _ in fields:
            below |= _ALL if types is None else types
        children[cls] = frozenset(below)
    reach: dict[type, frozenset[type]] = {}
    for cls in GRAMMAR:
        seen: set[type] = set()
        stack = list(children[cls])
        while stack:
            t = stack.pop()
            if t not in seen:
                seen.add(t)
                stack.extend(children.get(t, ()))
        reach[cls] = frozenset(seen)
    return reach


REACH = _reach_table()


class Plan:
    """What the walk needs for one set of wanted types: the node types worth
    entering and, per type, the fields worth reading as ``(name, is_list, known)``
    (``known`` False: a field the grammar does not describe, read generically)."""

    __slots__ = ("relevant", "fields", "fields_last_first", "marked")

    def __init__(self, wanted: frozenset[type], marked: frozenset[type] = frozenset()) -> None:
        relevant = {cls for cls in GRAMMAR if cls in wanted or REACH[cls] & wanted}
        # (node classes outside the grammar, none today, are entered only through
        # fields of unknown shape: see _push_any)
        self.relevant = frozenset(relevant)
        fields: dict[type, tuple[tuple[str, bool, bool], ...]] = {}
        for cls, declared in GRAMMAR.items():
            keep = []
            for name, types, is_list in declared:
                if types is None:
                    keep.append((name, False, False))  # unknown shape: handled generically
                elif types & self.relevant:
                    keep.append((name, is_list, True))
            fields[cls] = tuple(keep)
        self.fields = fields
        # the same, last field first: a walk pushes children on its stack in that order, so
        # that popping them gives the field order
        self.fields_last_first = {cls: kept[::-1] for cls, kept in fields.items()}
        # types that need a leave marker on the stack (scopes, and leave_ callbacks)
        self.marked = marked


_PLANS: dict[tuple[frozenset[type], frozenset[type]], Plan] = {}


def plan_for(wanted: Iterable[type], marked: Iterable[type] = ()) -> Plan:
    key = (frozenset(wanted), frozenset(marked))
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = Plan(*key)
    return plan


_POSITIONED = frozenset(cls for cls in GRAMMAR if "lineno" in getattr(cls, "_attributes", ()))


class Lines:
    """Focus lines of a file of ``line_count`` lines (every ``end_lineno`` is at most
    that): ``touches(first, last)`` is true when a focus line lies in ``first..last``
    (a running count per line: two index lookups per node)."""

    __slots__ = ("counts",)

    def __init__(self, line_count: int, lines: Iterable[int]) -> None:
        marks = bytearray(line_count + 2)
        for line in lines:
            if 0 < line <= line_count:
                marks[line] = 1
        self.counts = list(accumulate(marks))

    def touches(self, first: int, last: int) -> bool:
        return self.counts[last] != self.counts[first - 1]

    def holds(self, node: ast.AST) -> bool:
        """Does a focus line lie among ``node``'s lines, its decorators' included?"""
        decorators = getattr(node, "decorator_list", None)
        first = decorators[0].lineno if decorators else node.lineno  # type: ignore[attr-defined]
        return self.touches(first, node.end_lineno or node.lineno)  # type: ignore[attr-defined]


# a definition's lines (``def``/``class`` to the end) leave out its decorators above
_DECORATED = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})


def _decorators_touch(node: ast.AST, counts: list[int]) -> bool:
    decorators = node.decorator_list  # type: ignore[attr-defined]
    return bool(decorators) and counts[node.lineno - 1] != counts[decorators[0].lineno - 1]


class _Leave:
    __slots__ = ("node",)

    def __init__(self, node: ast.AST) -> None:
        self.node = node


def walk(
    tree: ast.AST,
    enter: dict[type, list[Callback]],
    leave: dict[type, list[Callback]],
    *,
    always: Iterable[type] = (),
    on_enter: dict[type, Callback] | None = None,
    scope_types: frozenset[type] = frozenset(),
    scopes: list[ast.AST] | None = None,
    on_scope_exit: Callback | None = None,
    on_error: Callable[[Callback], None] | None = None,
    focus: Lines | None = None,
    unfocused: Iterable[type] = (),
) -> None:
    """Walk ``tree`` once, calling ``enter[type]`` callbacks before a node's children
    and ``leave[type]`` after them.

    ``always`` names types the caller needs visited whatever the rules want (the
    engine's import table); ``on_enter`` maps some of them to a hook run before the
    rules' callbacks. Nodes of ``scope_types`` are pushed on ``scopes`` while their
    children are walked, and handed to ``on_scope_exit`` when popped. A callback that
    raises is passed to ``on_error`` (which may remove it from ``enter``/``leave`` by
    replacing the lists there, never by mutating them); without ``on_error`` the
    exception propagates.

    With ``focus``, only nodes of the ``unfocused`` types (and what may hold them)
    are entered wherever they are; nodes of every other type (``always`` ones too)
    are entered only when their lines touch a focus line.
    """
    plan = plan_for((*enter, *leave, *always), (*scope_types, *leave))
    relevant = plan.relevant
    gated: frozenset[type] = frozenset()
    counts: list[int] = []
    if focus is not None:
        free = plan_for(unfocused).relevant
        gated = (relevant - free) & _POSITIONED
        counts = focus.counts  # long enough for every end_lineno of the file
    field_plan = plan.fields_last_first
    marked = plan.marked
    on_enter = on_enter or {}
    scopes = scopes if scopes is not None else []
    stack: list[object] = [tree]
    pop = stack.pop
    push = stack.append
    leave_type = _Leave
    while stack:
        node = pop()
        node_type = type(node)
        if node_type is leave_type:
            node = node.node  # type: ignore[attr-defined]
            node_type = type(node)
            callbacks = leave.get(node_type)
            if callbacks:
                for callback in callbacks:
                    try:
                        callback(node)
                    except Exception:
                        if on_error is None:
                            raise
                        on_error(callback)
            if node_type in scope_types:
                scopes.pop()
                if on_scope_exit is not None:
                    on_scope_exit(node)
            continue
        hook = on_enter.get(node_type)
        if hook is not None:
            hook(node)
        callbacks = enter.get(node_type)
        if callbacks:
            for callback in callbacks:
                try:
                    callback(node)
                except Exception:
                    if on_error is None:
                        raise
                    on_error(callback)
        if node_type in marked:
            if node_type in scope_types:
                scopes.append(node)
            push(leave_type(node))
        fields = field_plan.get(node_type)
        if fields is None:  # a node type the grammar does not know: walk every field
            fields = tuple((name, False, False) for name in reversed(getattr(node, "_fields", ())))
        # the children, last first (popped, they come in field order)
        for name, is_list, known in fields:
            value = getattr(node, name, None)
            if known:
                if is_list:
                    for child in reversed(value):
                        child_type = type(child)
                        if child_type in relevant and (
                            child_type not in gated
                            or counts[child.end_lineno] != counts[child.lineno - 1]
                            or child_type in _DECORATED and _decorators_touch(child, counts)
                        ):
                            push(child)
                elif value is not None and type(value) in relevant and (
                    type(value) not in gated
                    or counts[value.end_lineno] != counts[value.lineno - 1]
                    or type(value) in _DECORATED and _decorators_touch(value, counts)
                ):
                    push(value)
            else:
                _push_any(value, relevant, stack)


def _push_any(value: object, relevant: frozenset[type], stack: list[object]) -> None:
    """Push the nodes of a field of unknown shape, last child first."""
    if isinstance(value, list):
        for child in reversed(value):
            if isinstance(child, ast.AST) and (type(child) in relevant or type(child) not in GRAMMAR):
                stack.append(child)
    elif isinstance(value, ast.AST) and (type(value) in relevant or type(value) not in GRAMMAR):
        stack.append(value)


def nodes_of(tree: ast.AST, *types: type) -> list[ast.AST]:
    """Every node of ``types`` in ``tree`` (``tree`` itself included), in pre-order.

    A faster ``[n for n in ast.walk(tree) if isinstance(n, types)]`` for exact
    node classes: a search for statements (``ast.Assign``, ``ast.ClassDef``...)
    never looks inside an expression.
    """
    wanted = frozenset(types)
    plan = plan_for(wanted)
    relevant = plan.relevant
    field_plan = plan.fields_last_first
    found: list[ast.AST] = []
    stack: list[ast.AST] = [tree]
    pop = stack.pop
    push = stack.append
    while stack:
        node = pop()
        node_type = type(node)
        if node_type in wanted:
            found.append(node)
        # (push_children, inlined: this loop runs for every node of many searches)
        fields = field_plan.get(node_type)
        if fields is None:
            push_children(node, plan, stack)
            continue
        for name, is_list, known in fields:
            value = getattr(node, name, None)
            if known:
                if is_list:
                    for child in reversed(value):
                        if type(child) in relevant:
                            push(child)
                elif value is not None and type(value) in relevant:
                    push(value)
            else:
                _push_any(value, relevant, stack)
    return found


def push_children(node: ast.AST, plan: Plan, stack: list) -> None:
    """Push onto ``stack`` the children of ``node`` that a walk with ``plan`` enters, last
    child first (popping them then gives the pre-order, children in field order)."""
    relevant = plan.relevant
    fields = plan.fields_last_first.get(type(node))
    if fields is None:  # a node type the grammar does not know: walk every field
        fields = tuple((name, False, False) for name in reversed(getattr(node, "_fields", ())))
    push = stack.append
    for name, is_list, known in fields:
        value = getattr(node, name, None)
        if known:
            if is_list:
                for child in reversed(value):
                    if type(child) in relevant:
                        push(child)
            elif value is not None and type(value) in relevant:
                push(value)
        else:
            _push_any(value, relevant, stack)


def statements(body: list[ast.stmt], descend: Callable[[ast.stmt], bool] | None = None) -> Iterator[ast.stmt]:
    """Every statement under ``body``, at any depth (function and class bodies, ``except``
    handlers and ``match`` cases included), in pre-order, never looking inside an
    expression: imports, classes and assignments are found at a fraction of a full walk.
    With ``descend``, the statements inside a statement come only when it says so."""
    stack = list(reversed(body))
    blocks = _STATEMENT_BLOCKS
    while stack:
        stmt = stack.pop()
        yield stmt
        fields = blocks.get(type(stmt), _UNKNOWN_BLOCKS)
        if not fields or descend is not None and not descend(stmt):
            continue  # a simple statement (most of them) holds no statement
        children: list[ast.stmt] = []
        for name in fields:
            block = getattr(stmt, name, None)
            if not block or not isinstance(block, list):
                continue
            if name == "handlers" or name == "cases":
                for clause in block:
                    children.extend(clause.body)
            else:
                children.extend(block)
        stack.extend(reversed(children))


def statements_on(body: list[ast.stmt], lines: Lines) -> list[ast.stmt]:
    """The statements under ``body`` (in pre-order, as :func:`statements`) whose lines hold
    one of ``lines``, looking inside compound statements only when theirs do."""
    return [stmt for stmt in statements(body, descend=lines.holds) if lines.holds(stmt)]


_BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")
# per statement type, the fields that hold statements (or handlers and cases holding them)
_STATEMENT_BLOCKS: dict[type, tuple[str, ...]] = {
    cls: tuple(name for name in _BLOCK_FIELDS if name in getattr(cls, "_fields", ()))
    for cls in GRAMMAR
    if issubclass(cls, ast.stmt)
}
_UNKNOWN_BLOCKS = _BLOCK_FIELDS  # a statement type the grammar does not know: look everywhere

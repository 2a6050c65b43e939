"""Typing facts: ``Optional[...]`` / ``Union[..., None]`` and what a PEP 604 rewrite needs.

Shared by the LL501/LL502 rules (on the stdlib ``ast`` tree) and by their fixers
(``layerlint.fixes.ll501``/``ll502``, which re-parse a libcst node's code with
``ast`` and call the same functions), so that a finding marked fixable is
exactly one the fixer rewrites, and with the same safety.

A rewrite ``Optional[X]`` -> ``X | None`` must not produce code that fails when
it runs: ``X | None`` is evaluated wherever the original was (function and
class-level annotations without ``from __future__ import annotations``, and any
expression outside an annotation), and ``|`` works on classes, typing aliases,
``TypeVar``\\s and ``None`` from Python 3.10 on, but not on a string: a forward
reference ``Optional["User"]`` cannot become ``"User" | None``. :func:`plan`
decides, from a few facts, which rewrite is possible and whether it is safe.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from layerlint.diagnostics import FIX_SAFE, FIX_UNSAFE
from layerlint.parse import parse_quietly
from layerlint.spelling import line_heads
from layerlint.walk import statements

OPTIONAL_NAMES = frozenset({"typing.Optional", "typing_extensions.Optional"})
UNION_NAMES = frozenset({"typing.Union", "typing_extensions.Union"})
ANNOTATED_NAMES = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
CAST_NAMES = frozenset({"typing.cast", "typing_extensions.cast"})
# SQLModel reads a relationship attribute's raw annotation: a string there is a class name
RELATIONSHIP_NAMES = frozenset({"sqlmodel.Relationship", "sqlmodel.main.Relationship"})
TYPING_MODULES = frozenset({"typing", "typing_extensions"})

# the two forms
OPTIONAL = "optional"
UNION = "union"

# operand kinds
OK = "ok"  # a name, attribute, subscript, or `|` of them: supports `|` at run time
OK_STR = "ok-str"  # the same, with a string literal somewhere inside: Literal["a"], List["User"]
NONE = "none"  # the None constant
STRING = "string"  # a plain forward reference "User" whose text is such an expression
BAD_STRING = "bad-string"  # any other string: concatenated, f-string, quotes inside, not an expression
NOT_A_TYPE = "not-a-type"  # a module-level name bound to a function or a constant: no `|`
OTHER = "other"  # a call, a lambda, a tuple, `...`: left alone

# where the subscript is
ANNOTATION = "annotation"  # inside a parameter, return or variable annotation
CLASS_ANNOTATION = "class-annotation"  # inside the annotation of a class attribute
RELATIONSHIP = "relationship"  # ... of a class attribute assigned SQLModel's Relationship()
CAST_ARG = "cast"  # the type argument of typing.cast (evaluated, then ignored)
RUNTIME = "runtime"  # any other expression: an alias, response_model=..., TypeAdapter(...)

# rewrites
PLAIN = "plain"  # Optional[X] -> X | None
UNQUOTE = "unquote"  # Optional["X"] -> X | None (annotations are never evaluated as written)
QUOTE = "quote"  # Optional["X"] -> "X | None" (the whole annotation becomes one string)

# callables people write as types that are not classes on some Python the fix may target
# (3.10-3.12): `threading.Lock | None` raises TypeError when the annotation is evaluated
NOT_CLASSES = frozenset({
    "threading.Lock", "threading.RLock", "_thread.allocate_lock",
    *(f"multiprocessing.{name}" for name in (
        "Lock", "RLock", "Condition", "Semaphore", "BoundedSemaphore", "Event", "Barrier", "Queue",
        "JoinableQueue", "SimpleQueue", "Pipe", "Pool", "Manager", "Value", "Array", "RawValue", "RawArray",
    )),
    "typing.NamedTuple", "typing.TypedDict", "typing_extensions.NamedTuple", "typing_extensions.TypedDict",
    "tempfile.NamedTemporaryFile", "tempfile.TemporaryFile",
    "boto3.client", "boto3.resource",  # (boto3's clients are made by a factory, and have no class to name)
    # chromadb's clients are factory functions too (its classes are `chromadb.api.ClientAPI` ...)
    *(f"chromadb.{name}" for name in (
        "Client", "PersistentClient", "HttpClient", "AsyncHttpClient", "EphemeralClient", "CloudClient",
    )),
    # array constructors written for their arrays' types (lancedb's `list[Union[np.array, None]]`:
    # `np.array | None` raises TypeError; the classes are `numpy.ndarray`, `torch.Tensor` ...)
    "numpy.array", "numpy.asarray", "numpy.asanyarray", "torch.tensor", "torch.as_tensor", "pandas.array",
    "jax.numpy.array", "jax.numpy.asarray", "cupy.array", "cupy.asarray",
})
def flat_union(members: list[ast.expr], resolve: Callable[[ast.expr], str | None]) -> list[ast.expr]:
    """The members of a union, nested ``|`` and ``Union[...]``/``Optional[...]`` spelled out
    (``Optional[X]`` gives ``X`` and a None constant); any other expression is its own member."""
    out: list[ast.expr] = []
    stack = list(reversed(members))
    while stack:
        member = stack.pop()
        if isinstance(member, ast.BinOp) and isinstance(member.op, ast.BitOr):
            stack.extend((member.right, member.left))
            continue
        if isinstance(member, ast.Subscript):
            head = resolve(member.value)
            if head in UNION_NAMES:
                inner = member.slice
                stack.extend(reversed(inner.elts if isinstance(inner, ast.Tuple) else [inner]))
                continue
            if head in OPTIONAL_NAMES:
                stack.extend((_NONE_CONSTANT, member.slice))
                continue
        out.append(member)
    return out


def is_none_constant(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


_NONE_CONSTANT = ast.Constant(None)


# builtin functions (not classes) written as types (`Optional[callable]`, sglang's
# `Optional[iter]`: `iter | None` raises TypeError), when no import binds the name
BUILTIN_NOT_CLASSES = frozenset({
    "abs", "aiter", "all", "anext", "any", "ascii", "bin", "breakpoint", "callable", "chr", "compile",
    "copyright", "credits", "delattr", "dir", "divmod", "eval", "exec", "exit", "format", "getattr",
    "globals", "hasattr", "hash", "help", "hex", "id", "input", "isinstance", "issubclass", "iter",
    "len", "license", "locals", "max", "min", "next", "oct", "open", "ord", "pow", "print", "quit",
    "repr", "round", "setattr", "sorted", "sum", "vars",
})

_SIMPLE_STRING_RE = re.compile(r"""^[rRuU]?(?P<q>["'])(?P<text>[^"'\\\r\n]*)(?P=q)$""")


@dataclass(frozen=True)
class Plan:
    transform: str  # PLAIN, UNQUOTE or QUOTE
    safety: str  # FIX_SAFE or FIX_UNSAFE


def form_of(node: ast.Subscript, resolve: Callable[[ast.AST], str | None]) -> str | None:
    """OPTIONAL for ``Optional[...]``, UNION for ``Union[...]`` (typing or typing_extensions)."""
    name = resolve(node.value)
    if name in OPTIONAL_NAMES:
        return OPTIONAL
    if name in UNION_NAMES:
        return UNION
    return None


def union_has_none(node: ast.Subscript) -> bool:
    """``Union[..., None]``: two or more members, one of them the None constant."""
    members = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
    return len(members) >= 2 and any(_is_none(m) for m in members)


def operand_exprs(node: ast.Subscript, form: str) -> list[ast.expr | None] | None:
    """The members of the union (``None`` stands for Optional's implied None); None when malformed."""
    sl = node.slice
    if form == OPTIONAL:
        if isinstance(sl, (ast.Tuple, ast.Slice, ast.Starred)):
            return None
        return [sl, None]
    members = sl.elts if isinstance(sl, ast.Tuple) else [sl]
    if any(isinstance(m, (ast.Slice, ast.Starred)) for m in members):
        return None
    return list(members)


def string_literal_text(literal: str) -> str | None:
    """The text of a plain one-line string literal usable as a forward reference, else None."""
    match = _SIMPLE_STRING_RE.match(literal)
    if match is None:
        return None
    text = match.group("text")
    if not text or text != text.strip():
        return None
    return text


def classify(
    expr: ast.expr | None,
    literal: Callable[[ast.Constant], str | None],
    not_types: frozenset[str],
    resolve: Callable[[ast.expr], str | None] | None = None,
) -> str:
    """The operand kind of one union member; ``literal(node)`` gives a string constant's source,
    ``resolve(node)`` the fully qualified name an import binds a name or attribute to."""
    if expr is None or _is_none(expr):
        return NONE
    if isinstance(expr, ast.Constant):
        if not isinstance(expr.value, str):
            return OTHER
        source = literal(expr)
        text = string_literal_text(source) if source is not None else None
        if text is None:
            return BAD_STRING
        try:
            inner = parse_quietly(text, mode="eval").body
        except (SyntaxError, ValueError):
            return BAD_STRING
        return STRING if classify(inner, literal, frozenset()) == OK else BAD_STRING
    if isinstance(expr, ast.Name):
        if expr.id in not_types:
            return NOT_A_TYPE
        return NOT_A_TYPE if resolve is not None and is_not_a_class(expr.id, resolve(expr)) else OK
    if isinstance(expr, ast.Attribute):
        if not _dotted(expr):
            return OTHER
        return NOT_A_TYPE if resolve is not None and is_not_a_class(None, resolve(expr)) else OK
    if isinstance(expr, ast.Subscript):
        if not (isinstance(expr.value, ast.Name) and expr.value.id not in not_types) and not (
            isinstance(expr.value, ast.Attribute) and _dotted(expr.value)
        ):
            return OTHER
        if _one_forward_reference(expr, resolve):
            return OTHER  # `Union["User"]` is a ForwardRef at run time: no `|` before Python 3.11
        has_str = any(isinstance(n, ast.Constant) and isinstance(n.value, str) for n in ast.walk(expr.slice))
        return OK_STR if has_str else OK
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.BitOr):
        leaves = [classify(side, literal, not_types, resolve) for side in (expr.left, expr.right)]
        if all(k == NONE for k in leaves) or any(k not in (OK, OK_STR, NONE) for k in leaves):
            return OTHER
        return OK_STR if OK_STR in leaves else OK
    return OTHER


def _one_forward_reference(expr: ast.Subscript, resolve: Callable[[ast.expr], str | None] | None) -> bool:
    """Is ``expr`` a ``Union[...]`` of one string, however often written (``Union["User",
    "User"]``, ``Union[Union["User"]]``)? typing gives the one member itself for it: a
    ``ForwardRef``."""
    strings = _union_strings(expr, resolve)
    return strings is not None and len(strings) == 1


def _union_strings(expr: ast.expr, resolve: Callable[[ast.expr], str | None] | None) -> set[str] | None:
    """The strings a ``Union[...]`` is made of, nested unions flattened; None when it (or a
    nested one) has another member, or ``expr`` is no ``Union[...]``."""
    if not isinstance(expr, ast.Subscript):
        return None
    head = resolve(expr.value) if resolve is not None else None
    if head not in UNION_NAMES and not (head is None and isinstance(expr.value, ast.Name) and expr.value.id == "Union"):
        return None
    strings: set[str] = set()
    for member in expr.slice.elts if isinstance(expr.slice, ast.Tuple) else [expr.slice]:
        if isinstance(member, ast.Constant) and isinstance(member.value, str):
            strings.add(member.value)
        elif (inner := _union_strings(member, resolve)) is not None:
            strings |= inner
        else:
            return None
    return strings


def plan(
    kinds: list[str],
    *,
    position: str,
    whole: bool,
    future_annotations: bool,
    stub: bool,
    target: tuple[int, int],
    multiline: bool,
    commented: bool,
    old_typer: bool = False,
    evaluated_at_import: bool = False,
) -> Plan | None:
    """:func:`_plan`, unsafe in an annotation of a module using a typer that cannot read
    ``X | None`` (``old_typer``: a command's parameters would fail at start-up); none
    below a 3.10 target in an annotation that something may evaluate when the module is
    imported (``evaluated_at_import``: a class attribute of a class with bases or
    decorators, as SQLAlchemy and Pydantic read them; the signature of a decorated
    function or of one declaring FastAPI parameters, as FastAPI reads it): ``X | None``
    fails there even as a string."""
    if evaluated_at_import and not stub and target < (3, 10):
        return None
    chosen = _plan(kinds, position, whole, future_annotations, stub, target, multiline, commented)
    if chosen is not None and old_typer and position == ANNOTATION and not stub:
        return Plan(chosen.transform, FIX_UNSAFE)
    return chosen


def _plan(  # the facts of :func:`plan`, in its order
    kinds: list[str], position: str, whole: bool, future_annotations: bool, stub: bool, target: tuple[int, int],
    multiline: bool, commented: bool,
) -> Plan | None:
    """The rewrite of a union with these member kinds, and its safety; None when there is none.

    - no forward reference among the members: ``X | None``; safe in annotations and
      in ``cast`` for a 3.10+ target; elsewhere (``UserId = Optional[int]``,
      ``response_model=...``, ``TypeAdapter(...)``) unsafe, as the value becomes a
      ``types.UnionType`` instead of a ``typing.Union`` (``get_origin`` differs);
      below 3.10 only under ``from __future__ import annotations``, in annotations,
      and unsafe (frameworks that evaluate annotations would fail);
    - a forward reference (``Optional["User"]``) that is the whole annotation (or
      cast type): ``"User | None"`` (3.10+), safe in ``cast`` and, under ``from
      __future__ import annotations``, in a signature or a variable's annotation;
      otherwise unsafe: a class attribute's raw annotation some frameworks read as a
      class name, and a signature's becomes a string that
      ``inspect.signature(f, eval_str=True)`` evaluates where it left
      ``Optional[ForwardRef("User")]`` alone; none for a SQLModel ``Relationship()``
      attribute, which would take ``"User | None"`` for a model name;
      inside a larger annotation of a
      module with ``from __future__ import annotations``: ``User | None``, unsafe
      (a framework that resolves the annotation, SQLAlchemy's ``Mapped[...]``
      for one, now needs ``User`` where it looked up the string before);
      otherwise no fix;
    - a stub (``.pyi``) never runs: always ``X | None``, forward references unquoted;
    - a comment inside a multi-line subscript would be lost: no fix.
    """
    non_none = [k for k in kinds if k != NONE]
    if kinds.count(NONE) != 1 or not non_none or commented:
        return None
    if any(k not in (OK, OK_STR, STRING) for k in non_none):
        return None
    forward = STRING in non_none
    if stub:
        return Plan(UNQUOTE if forward else PLAIN, FIX_SAFE)
    modern = target >= (3, 10)
    annotation = position in (ANNOTATION, CLASS_ANNOTATION, RELATIONSHIP)
    if forward and position == RELATIONSHIP:
        return None
    if not forward:
        if modern:
            return Plan(PLAIN, FIX_SAFE if annotation or position == CAST_ARG else FIX_UNSAFE)
        if annotation and future_annotations:
            return Plan(PLAIN, FIX_UNSAFE)
        return None
    if whole and modern and (annotation or position == CAST_ARG) and not multiline and OK_STR not in non_none:
        # (a class attribute's raw annotation may be read as a class name; a signature's, in a
        # module without the future import, turns from `Optional[ForwardRef("X")]` into a
        # string that `inspect.signature(f, eval_str=True)` evaluates: prefect's parameter
        # schemas, FastAPI's endpoints resolve it otherwise)
        quoted_safe = position == CAST_ARG or (position == ANNOTATION and future_annotations)
        return Plan(QUOTE, FIX_SAFE if quoted_safe else FIX_UNSAFE)
    if annotation and future_annotations:
        return Plan(UNQUOTE, FIX_UNSAFE)
    return None


# -- module-level facts -----------------------------------------------------------------

@dataclass(frozen=True)
class ModuleFacts:
    future_annotations: bool
    # module-level names bound (somewhere, in if/try blocks too) to a def, a lambda, a
    # constant (None in a block: `Thing = None` in an ImportError fallback makes `Thing | None`
    # fail), or another name for a function (`Q = multiprocessing.Queue`)
    not_types: frozenset[str]


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def module_facts(tree: ast.Module, resolve: Callable[[ast.expr], str | None] | None = None) -> ModuleFacts:
    """``resolve`` gives the fully qualified name an import binds a name or attribute to."""
    future = False
    not_types: set[str] = set()
    aliases: list[tuple[list[str], ast.expr]] = []
    top_level = {id(stmt) for stmt in tree.body}
    for stmt in statements(tree.body, descend=lambda stmt: not isinstance(stmt, _SCOPES)):
        if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__" and not stmt.level:
            future = future or any(a.name == "annotations" for a in stmt.names)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            not_types.add(stmt.name)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            if isinstance(stmt.value, (ast.Constant, ast.Lambda)):
                if _is_none(stmt.value) and id(stmt) in top_level:
                    continue  # (`date: Optional[date] = None`: which annotations it shadows is decided by position)
                not_types.update(names)
            elif _dotted(stmt.value):
                aliases.append((names, stmt.value))
            elif isinstance(stmt.value, ast.Call) and not _makes_a_type(stmt.value, resolve):
                # `SessionLocal = sessionmaker()`: an instance, `SessionLocal | None` fails at import
                not_types.update(names)
    for names, value in aliases:
        if (isinstance(value, ast.Name) and value.id in not_types) or (
            resolve is not None and is_not_a_class(None, resolve(value))
        ):
            not_types.update(names)
    return ModuleFacts(future, frozenset(not_types))


# the calls that make a type (a class, a type variable or alias) rather than an instance
TYPE_MAKERS = frozenset({
    "TypeVar", "NewType", "ParamSpec", "TypeVarTuple", "TypeAliasType", "NamedTuple", "namedtuple",
    "TypedDict", "Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "type", "make_dataclass", "create_model",
    "declarative_base", "generate_base", "make_class", "new_class",
    # Pydantic's constrained types (a class in v1, an `Annotated` form in v2)
    "conint", "confloat", "constr", "conlist", "conset", "confrozenset", "condecimal", "conbytes", "condate",
})


def _makes_a_type(call: ast.Call, resolve: Callable[[ast.expr], str | None] | None) -> bool:
    """Does the call make a type (``TypeVar("T")``, ``NewType(...)``, ``declarative_base()``),
    as far as its callee's name says? (``Holder[int]()``, a subscripted class, makes an
    instance.)"""
    func = call.func
    qualified = resolve(func) if resolve is not None and isinstance(func, (ast.Name, ast.Attribute)) else None
    last = (qualified or "").rpartition(".")[2] or (
        func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    )
    return last in TYPE_MAKERS


# after a name at the start of a line: `= "..."` / `: TypeAlias = 'Box[int]'` / `= 3` / `= None` / `= lambda`
# / `= sessionmaker(...)`, a call of anything but a type maker (`= TypeVar(...)`, `= typing.NewType(...)`)
_VALUE_AFTER_NAME_RE = re.compile(
    rb"[ \t]*(?::[^\n=]*)?=(?!=)[ \t]*(?:[rRbBuUfF]{0,2}[\"']|lambda\b|None\b|[-+]?[0-9]"
    rb"|(?![\w.]*?\b(?:" + b"|".join(sorted(name.encode() for name in TYPE_MAKERS)) + rb")[ \t]*\()[A-Za-z_][\w.]*[ \t]*\()"
)
_DEF_HEADS = ([b"def"], [b"async", b"def"])


def fern_generated(source: str) -> bool:
    """Was the module generated by Fern (its first line says so)? Fern's client reads the
    models' annotations at run time and tells `X | None` from `Optional[X]`
    (`get_origin(t) == Union`): the LL501/LL502 fixes there are unsafe."""
    return "auto-generated by Fern" in source[:200]


def binds_to_value(source: bytes, name: str) -> bool:
    """Does a line of ``source`` bind the module's ``name`` to a value rather than a class:
    a string, number or None, a lambda, a ``def``? At any indentation (a binding in a block
    or a function counts too, which only withholds more fixes), but for a class body's
    (``class EntityType(Enum): Project = "project"`` binds no module name)."""
    class_lines: frozenset[int] | None = None
    for head, end in line_heads(source, name.encode()):
        words = head.split()
        if (not words and _VALUE_AFTER_NAME_RE.match(source, end)) or words in _DEF_HEADS:
            if not head:
                return True  # (at the top level)
            if class_lines is None:
                class_lines = _class_body_lines(source)
            if source.count(b"\n", 0, end) + 1 not in class_lines:
                return True
    return False


@lru_cache(maxsize=32)
def _class_body_lines(source: bytes) -> frozenset[int]:
    """The first lines of the statements directly in a class body (none when the source
    does not parse: every binding then counts); parsed once per module text, however
    many of its names are asked about."""
    try:
        tree = parse_quietly(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return frozenset()
    return frozenset(
        stmt.lineno
        for cls in statements(tree.body) if isinstance(cls, ast.ClassDef)
        for stmt in statements(cls.body, descend=lambda inner: not isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))
    )


def class_value_bindings(cls: ast.ClassDef) -> list[tuple[int, str]]:
    """(line, name) of each name the class body binds to something that is not a class:
    an assignment, an annotated assignment with a value, a function, an import."""
    found: list[tuple[int, str]] = []
    for stmt in cls.body:
        targets: list[ast.expr] = []
        if isinstance(stmt, ast.Assign):
            targets = stmt.targets
        elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)) and (stmt.value is not None):
            targets = [stmt.target]
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.append((stmt.lineno, stmt.name))
        elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
            found.extend((stmt.lineno, (a.asname or a.name).partition(".")[0]) for a in stmt.names)
        for target in targets:
            found.extend((stmt.lineno, n.id) for n in ast.walk(target) if isinstance(n, ast.Name))
    return found


def is_not_a_class(name: str | None, qualified: str | None) -> bool:
    """Is a member spelled ``name`` (a bare name, else None), which imports bind to
    ``qualified`` (None: no import binds it), a known function rather than a class?"""
    if qualified is None:
        return name in BUILTIN_NOT_CLASSES
    return qualified in NOT_CLASSES


def dotted_text(expr: ast.AST) -> str | None:
    """``a.b.c`` for a chain of attributes on a name, else None."""
    return ast.unparse(expr) if _dotted(expr) else None


def _is_none(expr: ast.AST) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is None


def _dotted(expr: ast.AST) -> bool:
    while isinstance(expr, ast.Attribute):
        expr = expr.value
    return isinstance(expr, ast.Name)


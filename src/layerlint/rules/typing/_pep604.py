"""What LL501 and LL502 share: finding the subscripts, and deciding their fix.

Where a subscript stands (in an annotation, in ``cast``'s type argument, or in
an expression evaluated at run time) decides whether its rewrite is safe; the
engine walks parents before children, so the annotation roots met on the way
(``arg``, return, ``AnnAssign``, ``cast(...)``) mark the subscripts below them
before those are visited.
"""

from __future__ import annotations

import ast
from bisect import bisect_left
from typing import Callable, ClassVar

from layerlint.context import FUNCTION_TYPES, FileContext
from layerlint.diagnostics import FIX_SAFE, FIX_UNSAFE
from layerlint.facts import dependencies as deps
from layerlint.facts import fastapi
from layerlint.facts import typing as tf
from layerlint.facts.names import dotted_root
from layerlint.facts.project_classes import (
    ANNOTATED,
    absolute_module,
    annotated_alias_callees,
    annotated_aliases,
    instance_class,
    module_level_statements,
    star_import_statements,
)
from layerlint.facts.union_inspection import file_scan_spec
from layerlint.projecttext import LITERAL_MARK, union_members, unions_in
from layerlint.rule import Rule
from layerlint.walk import nodes_of


_NOTHING: frozenset[str] = frozenset()
# unittest's identity assertions (and operator's): like `is`, see Pep604Rule.visit_Compare
_IDENTITY_ASSERTIONS = frozenset({"assertIs", "assertIsNot", "is_", "is_not"})


class _Positions:
    """Subscript id -> (position, is the whole annotation, names a class body binds to
    values by then), filled as roots are met."""

    def __init__(self) -> None:
        self.marks: dict[int, tuple[str, bool, frozenset[str]]] = {}
        self._roots: set[int] = set()

    def mark(
        self, root: ast.AST | None, position: str, resolve: Callable[[ast.AST], str | None],
        shadowed: frozenset[str] = _NOTHING,
    ) -> None:
        if not isinstance(root, (ast.Subscript, ast.BinOp)) or id(root) in self._roots:
            return  # `x: int`, the usual annotation, holds no subscript
        self._roots.add(id(root))
        marks = self.marks
        subscripts = nodes_of(root, ast.Subscript)
        values: set[int] = set()  # `Annotated[int, Field(type_=Optional[str])]`: the metadata are values
        for node in subscripts:
            if isinstance(node.slice, ast.Tuple) and id(node) not in values and resolve(node.value) in ANNOTATED:
                values.update(id(inner) for meta in node.slice.elts[1:] for inner in nodes_of(meta, ast.Subscript))
        for node in subscripts:
            if id(node) not in marks and id(node) not in values:
                marks[id(node)] = (position, node is root, shadowed)


def _by_line(bindings: list[tuple[int, str]]) -> tuple[list[int], list[str]]:
    """(lines, names) of ``(line, name)`` bindings, in line order."""
    ordered = sorted(bindings)
    return [line for line, _ in ordered], [name for _, name in ordered]


class Pep604Rule(Rule):
    """Base of LL501/LL502 (no code: not registered itself)."""

    form: ClassVar[str] = ""
    message: ClassVar[str] = ""
    keyword: ClassVar[str] = ""  # cheap gate: the file must mention it
    fix_availability = "sometimes"

    @classmethod
    def applies_to(cls, ctx: FileContext) -> bool:
        # ("typing" first: where it is, an import near the top spells it, and the scan stops there;
        # a star import may bring the name without the module spelling it)
        return (ctx.mentions("typing") or ctx.mentions("import *")) and ctx.mentions(cls.keyword)

    def needles(self) -> set[str]:
        # annotation roots and cast() only matter around a subscript, and enclose it
        return self.ctx.spellings(tf.OPTIONAL_NAMES if self.form == tf.OPTIONAL else tf.UNION_NAMES)

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        # shared by LL501 and LL502: the roots either rule meets mark the subscripts of both
        self._positions = ctx.memo("typing.positions", _Positions)

    # -- annotation roots ------------------------------------------------------------
    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if not isinstance(node.returns, (ast.Subscript, ast.BinOp)):
            return  # `-> int`, the usual annotation, holds no subscript
        scopes = self.ctx.scopes  # (the function is not among them yet)
        cls = scopes[-1] if scopes and isinstance(scopes[-1], ast.ClassDef) else None
        self._positions.mark(node.returns, tf.ANNOTATION, self.ctx.resolve, self._method_shadowed(cls, node))

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_arg(self, node: ast.arg) -> None:
        if not isinstance(node.annotation, (ast.Subscript, ast.BinOp)):
            return  # (as above)
        scopes = self.ctx.scopes
        func = scopes[-1] if scopes and isinstance(scopes[-1], FUNCTION_TYPES) else None
        cls = scopes[-2] if func is not None and len(scopes) > 1 and isinstance(scopes[-2], ast.ClassDef) else None
        self._positions.mark(node.annotation, tf.ANNOTATION, self.ctx.resolve, self._method_shadowed(cls, func))

    def _method_shadowed(self, cls: ast.ClassDef | None, func: ast.AST | None) -> frozenset[str]:
        """Names a class body binds to a value (a method, a property, an attribute, an
        import) before the ``def`` of its method ``func``: its signature, evaluated then in
        the class's namespace, reads them (``def kind(self) -> Optional[type]`` after a
        ``type`` property: ``type | None`` raises TypeError where ``Optional[...]`` took it).
        None under the future import, where the signature is never evaluated so."""
        if cls is None or func is None or self.ctx.memo_of(_typing_facts).future_annotations:
            return _NOTHING
        lines, names = self.ctx.memo(("typing.class_values", id(cls)), lambda: _by_line(tf.class_value_bindings(cls)))
        return frozenset(names[: bisect_left(lines, func.lineno)])  # type: ignore[attr-defined]

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if not isinstance(node.annotation, (ast.Subscript, ast.BinOp)):
            return  # `x: int`, the usual annotation, holds no subscript
        scopes = self.ctx.scopes
        position = tf.ANNOTATION
        shadowed = _NOTHING
        if scopes and isinstance(scopes[-1], ast.ClassDef):
            value = node.value
            relationship = isinstance(value, ast.Call) and self.ctx.resolve(value.func) in tf.RELATIONSHIP_NAMES
            position = tf.RELATIONSHIP if relationship else tf.CLASS_ANNOTATION
            shadowed = self._class_values_before(scopes[-1], node)
        elif not scopes and node.value is not None and isinstance(node.target, ast.Name):
            # at module level too, the value is bound before the annotation is evaluated
            shadowed = frozenset({node.target.id})
        self._positions.mark(node.annotation, position, self.ctx.resolve, shadowed)

    def _class_values_before(self, cls: ast.ClassDef, node: ast.AnnAssign) -> frozenset[str]:
        """Names the class body binds to a value (not a class) before ``node``'s annotation
        is evaluated: by earlier statements, and by ``node`` itself when it has a value
        (``date: Optional[date] = None`` reads the attribute ``date``, now None, and
        ``None | None`` raises TypeError where ``Optional[None]`` did not)."""
        lines, names = self.ctx.memo(("typing.class_values", id(cls)), lambda: _by_line(tf.class_value_bindings(cls)))
        before = names[: bisect_left(lines, node.lineno)]
        if node.value is not None and isinstance(node.target, ast.Name):
            return frozenset((*before, node.target.id))
        return frozenset(before)

    def _cast_imported(self) -> bool:
        return self.ctx.mentions("cast")  # (memoized per file, shared by LL501 and LL502)

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Attribute) and node.func.attr in _IDENTITY_ASSERTIONS:
            # `self.assertIs(hint, Optional[int])` compares identity, as `is` does (visit_Compare)
            self._compared_by_identity(node.args[:2])
        if not node.args and not node.keywords or not self._cast_imported():
            return
        if self.ctx.resolve(node.func) in tf.CAST_NAMES:
            type_arg = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "typ"), None)
            self._positions.mark(type_arg, tf.CAST_ARG, self.ctx.resolve)

    def visit_Compare(self, node: ast.Compare) -> None:
        """``hint is Optional[Header]``: typing caches ``Optional[X]``, so the identity holds
        at run time; each ``X | None`` is a new object, and the test would turn false."""
        if not any(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops):
            return
        operands = [node.left, *node.comparators]
        for index, op in enumerate(node.ops):
            if isinstance(op, (ast.Is, ast.IsNot)):
                self._compared_by_identity(operands[index : index + 2])

    def _compared_by_identity(self, operands: list[ast.expr]) -> None:
        """Mark the subscripts of operands compared by identity: they get no fix (fix_plan)."""
        identity = self.ctx.memo("typing.identity_operands", set)
        for operand in operands:
            identity.update(id(sub) for sub in nodes_of(operand, ast.Subscript))

    # -- the finding -----------------------------------------------------------------------
    def visit_Subscript(self, node: ast.Subscript) -> None:
        if tf.form_of(node, self._resolve) != self.form:
            return
        if self.form == tf.UNION and not tf.union_has_none(node):
            return
        chosen = self.fix_plan(node)
        self.report(node, self.message, fix=chosen.safety if chosen else None)

    def _resolve(self, node: ast.AST) -> str | None:
        """:meth:`FileContext.resolve`, and a name the module neither imports nor binds that its
        one star import of a project module brings (soda-core's ``from ..sql_dialect import *``
        bringing ``Optional``), followed through that module's re-exports."""
        found = self.ctx.resolve(node)
        if found is not None or not isinstance(node, ast.Name) or node.id in self.ctx.top_level_names:
            return found
        star = self.ctx.memo("typing.star_module", lambda: _star_module(self.ctx))
        if star is None:
            return None
        qualified = self.ctx.through_reexports(f"{star}.{node.id}")
        return qualified if qualified.partition(".")[0] in ("typing", "typing_extensions") else None

    def _in_a_function_body(self, node: ast.Subscript) -> bool:
        """Is ``node`` in the body of the function around it, not its signature?"""
        scopes = self.ctx.scopes
        innermost = scopes[-1] if scopes else None
        return isinstance(innermost, FUNCTION_TYPES) and _in_body(node, innermost)

    def _names_a_local(self, operands: list[ast.expr | None]) -> bool:
        """Is a member a name that a function around it binds (a parameter, a variable; an
        outer function's too, which a closure reads), or that a loop, a comprehension or a
        ``with`` binds outside functions (``for tp in names: Optional[tp]``), or an attribute
        or item of one (``spec.kind``, ``types[0]``)? It may hold anything (a string, a
        ``ForwardRef``: ``tp | None`` raises where ``Optional[tp]`` did not)."""
        ctx = self.ctx
        functions = [scope for scope in ctx.scopes if isinstance(scope, (*FUNCTION_TYPES, ast.Lambda))]
        if functions:  # (a loop in a function binds a name of its own: _local_names has it)
            return any(self._binds_a_member(func, operands) for func in functions)
        names = _member_root_names(self._union_members(operands))
        return bool(names) and not names.isdisjoint(ctx.memo("typing.loop_names", lambda: _loop_names(ctx.tree)))

    def _names_an_outer_local(self, node: ast.Subscript, operands: list[ast.expr | None]) -> bool:
        """Is a member a name that a function around the annotation's definition binds: an
        annotation of a nested function's signature, or of a class body inside a function
        (both evaluated when the `def`/`class` runs), naming the outer function's parameter
        or variable? A variable's annotation in a function body is never evaluated."""
        scopes = self.ctx.scopes
        outer = [scope for scope in scopes if isinstance(scope, (*FUNCTION_TYPES, ast.Lambda))]
        innermost = scopes[-1] if scopes else None
        if isinstance(innermost, FUNCTION_TYPES):
            if _in_body(node, innermost):
                return False  # a variable annotation in the body
            outer = outer[:-1]  # (its own parameters are not bound yet when its signature is read)
        return any(self._binds_a_member(func, operands) for func in outer)

    def _binds_a_member(self, func: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, operands: list[ast.expr | None]) -> bool:
        """Does ``func`` bind the name a member is, or is an attribute or item of?"""
        names = _member_root_names(self._union_members(operands))
        return bool(names) and not names.isdisjoint(
            self.ctx.memo(("typing.local_names", id(func)), lambda: _local_names(func))
        )

    def _union_members(self, operands: list[ast.expr | None]) -> list[ast.expr | None]:
        """The members the fix writes joined by ``|``: those of a nested ``Union[...]`` or
        ``Optional[...]`` too (``Optional[Union[to, str]]`` becomes ``to | str | None``)."""
        out: list[ast.expr | None] = []
        for op in operands:
            if isinstance(op, ast.Subscript) and self.ctx.resolve(op.value) in tf.UNION_NAMES | tf.OPTIONAL_NAMES:
                inner = op.slice.elts if isinstance(op.slice, ast.Tuple) else [op.slice]
                out.extend(self._union_members(list(inner)))
            else:
                out.append(op)
        return out

    def fix_plan(self, node: ast.Subscript) -> tf.Plan | None:
        operands = tf.operand_exprs(node, self.form)
        if operands is None:
            return None
        ctx = self.ctx
        facts = ctx.memo_of(_typing_facts)
        position, whole, shadowed = self._positions.marks.get(id(node), (tf.RUNTIME, False, _NOTHING))
        if position == tf.RUNTIME and self._names_a_local(operands):
            return None  # `type_ = Optional[type_]`: a variable may hold anything (a ForwardRef has no `|`)
        if position != tf.RUNTIME and not facts.future_annotations and self._names_an_outer_local(node, operands):
            return None  # `def inner(x: Optional[tp])` in `def make(tp)`: evaluated at the `def`, `tp` may be a str
        if id(node) in ctx.memo("typing.identity_operands", set):
            return None  # `hint is Optional[Header]` (visit_Compare)
        if isinstance(node.slice, ast.Tuple) and (ctx.source_segment(node.slice) or "(").startswith("("):
            return None  # `Union[(None, X)]`: one parenthesized tuple, which the fixer does not split
        not_types = facts.not_types | shadowed if shadowed else facts.not_types
        kinds = [
            tf.NOT_A_TYPE if kind == tf.OK and self._project_value(op) else kind
            for op, kind in ((op, tf.classify(op, ctx.source_segment, not_types, ctx.resolve)) for op in operands)
        ]
        multiline = (node.end_lineno or node.lineno) > node.lineno
        segment = ctx.source_segment(node) if multiline else ""
        # a variable's annotation in a function body is never evaluated (PEP 526), as every
        # annotation under the future import: `self.writer: Optional["Writer"]` quotes safely
        unevaluated = (
            position == tf.ANNOTATION and ctx.settings.target_version >= (3, 10) and self._in_a_function_body(node)
        )
        chosen = tf.plan(
            kinds,
            position=position,
            whole=whole,
            future_annotations=facts.future_annotations or unevaluated,
            stub=ctx.path.endswith(".pyi"),
            target=ctx.settings.target_version,
            multiline=multiline,
            commented=segment is None or "#" in segment,
            old_typer=ctx.mentions("typer", ".command(", ".callback(") and ctx.memo("typing.old_typer", lambda: _old_typer(ctx)),
            evaluated_at_import=ctx.settings.target_version < (3, 10) and self._evaluated_at_import(node, position),
        )
        if chosen is not None and chosen.safety == FIX_SAFE and not ctx.path.endswith(".pyi") and (
            ctx.memo("typing.fern", lambda: tf.fern_generated(ctx.source))
            or ctx.memo("typing.union_tests", lambda: _project_tests_unions(ctx))
            or self._reordered_union_read(node, operands, position)
            or self._reordered_in_project(node, operands)
            or self._signature_read_by_union_only_library(node, position)
            or (
                position == tf.CLASS_ANNOTATION and ctx.memo("typing.origin_readers", lambda: _origin_reader_near(ctx))
            )
            # (Pydantic reads models and FastAPI routes of modules that name neither: a
            # subclass of a project model, a route on a project router)
            or (
                ctx.memo("typing.old_pydantic", lambda: _old_pydantic(ctx))
                and self._evaluated_at_import(node, position)
            )
        ):
            # code that reads the annotations at run time and tells `X | None` from
            # `Optional[X]` (`get_origin(t) is Union`): Fern's client, letta's tool schemas;
            # and Pydantic, which tries a union's members in the order typing cached
            return tf.Plan(chosen.transform, FIX_UNSAFE)
        return chosen

    def _reordered_union_read(self, node: ast.Subscript, operands: list[ast.expr | None], position: str) -> bool:
        """A union of two classes or more where a framework may read the annotation (a class
        attribute of a class with bases or decorators: a Pydantic field; the signature of a
        decorated function or of a FastAPI endpoint or dependency): typing caches
        ``Union[str, int]`` as the equal ``Union[int, str]`` made first in the process, where
        ``str | int`` keeps the order written, and Pydantic tries the members in order (v1
        always, v2 when none matches exactly: ``"5"`` for ``int | float``). airbyte's
        ``start_value: Optional[Union[str, int]]`` parsed 5 as ``'5'`` after the fix."""
        # (`Optional[int | float]` too: typing's `Optional` cache compares the inner union alike)
        flat = tf.flat_union([op for op in operands if op is not None], self.ctx.resolve)
        members = [m for m in flat if not tf.is_none_constant(m)]
        return len(members) >= 2 and position in (tf.CLASS_ANNOTATION, tf.ANNOTATION) and self._evaluated_at_import(
            node, position
        )

    def _classes_among(self, operands: list[ast.expr | None]) -> list[ast.expr]:
        """The members the fix writes (:meth:`_union_members`) but None."""
        return [m for m in self._union_members(operands) if m is not None and not tf.is_none_constant(m)]

    def _reordered_in_project(self, node: ast.Subscript, operands: list[ast.expr | None]) -> bool:
        """A union of two members or more, or a ``Literal[...]`` of two values or more, the
        fix's own or one inside a member at any depth (``Optional[list[Union[int, float]]]``:
        typing caches the ``Optional`` as an equal one whose inner union is in another order),
        that the project also writes in another order (facts/union_inspection.py: typing
        hands back the equal one made first)."""
        ctx = self.ctx
        found = self._classes_among(operands)
        nested = not all(isinstance(m, (ast.Name, ast.Attribute)) for m in found)
        if len(found) < 2 and not nested:
            return False  # (most: `Optional[X]`)
        keys = [union_members([ctx.source_segment(m) or "" for m in found])] if len(found) > 1 else []
        if nested:  # (read as the project's text is: quoted or not)
            keys.extend(unions_in(ctx.source_segment(node) or ""))
        keys = [key for key in keys if len(set(key) - {LITERAL_MARK}) > 1]
        if not keys:
            return False
        spec = file_scan_spec(ctx)
        return any(ctx.external("union_reordered", "\n".join(sorted(set(key))), *spec) for key in keys)

    def _project_value(self, op: ast.expr | None) -> bool:
        """Is ``op`` a name imported from a project module that binds it to a value, not a
        class (``AnyBox: TypeAlias = "Box[int]"``, a string at run time: ``AnyBox | None``
        fails at import)? Re-exports followed; the module's text is read, never imported."""
        if not isinstance(op, (ast.Name, ast.Attribute)):
            return False
        ctx = self.ctx
        qualified = ctx.resolve(op)
        if qualified is None or not ctx.is_first_party(qualified):
            return False
        return ctx.memo(("typing.project_value", qualified), lambda: _binds_value(qualified, ctx))

    def _evaluated_at_import(self, node: ast.Subscript, position: str) -> bool:
        """May something evaluate this annotation when the module is imported? A class
        attribute of a class with bases, keywords or decorators (SQLAlchemy's ``Mapped[...]``,
        Pydantic fields, ``__init_subclass__``), or the signature of a function with a
        decorator other than the plain ones (FastAPI routes, ``singledispatch.register``)."""
        if position in (tf.CLASS_ANNOTATION, tf.RELATIONSHIP):
            cls = self.ctx.enclosing_class()
            return cls is None or bool(cls.bases or cls.keywords or cls.decorator_list)
        if position != tf.ANNOTATION:
            return False
        func = self.ctx.enclosing_function()
        if func is None or not func.body or _in_body(node, func):
            return False  # in the body, a variable annotation: never evaluated (columns: a one-line def)
        if any(not self._plain_decorator(d) for d in func.decorator_list):
            return True
        # an endpoint or dependency registered by a call (`router.post("/")(f)`, `Depends(f)`)
        ctx = self.ctx
        return ctx.memo(("typing.fastapi_signature", id(func)), lambda: _declares_fastapi_params(func, ctx))

    def _signature_read_by_union_only_library(self, node: ast.Subscript, position: str) -> bool:
        """The signature of a function decorated by a library known to read annotations and
        to tell ``Optional[X]`` from ``X | None`` (``get_origin(t) is Union`` only): NVIDIA's
        CuTe DSL (``@cute.jit``), whose C header export raised on ``Int32 | None``; Kubeflow
        Pipelines (``@dsl.component``, ``@dsl.pipeline``), which took ``int | None`` for an
        artifact type and raised at import; Ravyn and Esmerald (their OpenAPI document)."""
        if position != tf.ANNOTATION:
            return False
        func = self.ctx.enclosing_function()
        if func is None or _in_body(node, func) or not func.decorator_list:
            return False
        ctx = self.ctx
        return ctx.memo(("typing.union_only_signature", id(func)), lambda: _read_by_union_only_library(func, ctx))

    def _plain_decorator(self, decorator: ast.expr) -> bool:
        """A decorator known not to read the annotations (``@property``, ``@x.setter``,
        ``@lru_cache(...)``, ``@abstractmethod``...)."""
        if isinstance(decorator, ast.Call):
            decorator = decorator.func
        if isinstance(decorator, ast.Attribute) and decorator.attr in ("setter", "getter", "deleter"):
            return True
        if isinstance(decorator, ast.Name) and decorator.id in _PLAIN_BUILTINS and decorator.id not in self.ctx.imports:
            return True
        return self.ctx.resolve(decorator) in _PLAIN_DECORATORS


def _read_by_union_only_library(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> bool:
    """Is a decorator of ``func`` one of those libraries' (``@post(...)``), or an attribute of
    a name the module binds to what one of them makes (``@app.post(...)`` after ``app =
    Ravyn()``, ``@deco`` after ``deco = post("/x")``), or imports from a project module that
    does (``from app.main import app``, read there)?"""
    names_them = ctx.mentions(*_UNION_ONLY_PACKAGES)
    for decorator in func.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        root = dotted_root(target)
        imported = ctx.imports.get(root) if isinstance(target, ast.Attribute) and root is not None else None
        if imported is not None and ctx.is_first_party(imported):
            made = instance_class(imported, ctx)  # `from app.main import app`, app/main.py: `app = Ravyn()`
            if made is not None and made.startswith(_UNION_ONLY_READERS):
                return True
        elif names_them and (
            (ctx.resolve(target) or "").startswith(_UNION_ONLY_READERS)
            or imported is None and root in ctx.memo("typing.union_only_instances", lambda: _union_only_instances(ctx))
        ):
            return True
    return False


def _union_only_instances(ctx: FileContext) -> frozenset[str]:
    """The names the module's top level binds to a call of one of those libraries' names."""
    found: set[str] = set()
    for stmt in module_level_statements(ctx.tree.body):
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and isinstance(stmt.value, ast.Call):
            if (ctx.resolve(stmt.value.func) or "").startswith(_UNION_ONLY_READERS):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                found.update(t.id for t in targets if isinstance(t, ast.Name))
    return frozenset(found)


def _star_module(ctx: FileContext) -> str | None:
    """The project module the module's one star import reads, directly in its body; None
    with none, or more than one."""
    if not ctx.mentions("import *"):
        return None
    stars = star_import_statements(ctx)[0]
    if len(stars) != 1:
        return None
    module = absolute_module(stars[0], ctx.package)
    return module if module is not None and ctx.is_first_party(module) else None


def _binds_value(qualified: str, ctx: FileContext) -> bool:
    return any(
        ctx.external("binds_value", path, name.rpartition(".")[2]) for name, path in ctx.reexport_hops(qualified, 4)
    )

# libraries whose decorators read the annotations and test `get_origin(t) is Union` only
# (nvidia-cutlass-dsl 4.8: its C header export of a `@cute.jit` function; kfp 2.17: its
# components' and pipelines' parameter types), or rebuild typing's unions only (ravyn 0.4
# and esmerald 3.9: a handler's `Optional[Struct]` body becomes a Pydantic model for the
# OpenAPI document, `Struct | None` does not and the document fails)
_UNION_ONLY_PACKAGES = ("cutlass", "kfp", "ravyn", "esmerald")
_UNION_ONLY_READERS = tuple(package + "." for package in _UNION_ONLY_PACKAGES)

# libraries that build a schema from a class's annotations and read `t.__origin__`, which
# `X | None` lacks (marshmallow3-annotations 1.1: amundsen's attrs entities, whose
# `AttrsSchema` in the same module failed at import after the fix)
_ORIGIN_READERS = ("marshmallow_annotations", "marshmallow3_annotations")


_ORIGIN_READER_DISTRIBUTIONS = ("marshmallow-annotations", "marshmallow3-annotations")


def _origin_reader_near(ctx: FileContext) -> bool:
    """Does the module import such a library, or the project depend on one (its schemas may
    sit in another module than the classes they read: ``target = User``, imported)?"""
    if ctx.mentions(*_ORIGIN_READERS) and any(
        qualified.partition(".")[0] in _ORIGIN_READERS
        for node in nodes_of(ctx.tree, ast.Import, ast.ImportFrom)
        for _local, qualified in ctx.import_bindings(node)  # type: ignore[arg-type]
    ):
        return True
    return deps.names_any(ctx.path, ctx.settings.root, ctx.external, *_ORIGIN_READER_DISTRIBUTIONS)


# decorators that do not read the annotations of what they decorate
_PLAIN_BUILTINS = frozenset({"staticmethod", "classmethod", "property"})
_PLAIN_DECORATORS = frozenset({
    "abc.abstractmethod", "typing.overload", "typing.final", "typing.override",
    "typing_extensions.overload", "typing_extensions.final", "typing_extensions.override",
    "functools.cache", "functools.lru_cache", "functools.cached_property", "functools.wraps",
    "contextlib.contextmanager", "contextlib.asynccontextmanager",
})


def _declares_fastapi_params(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: FileContext) -> bool:
    """Does a parameter default to a call of a FastAPI parameter function (``Body(None)``,
    ``Depends(get_db)``), or carry one in its annotation (``Annotated[int, Query()]``), or
    through an ``Annotated`` alias of the module or of a project module (``SessionDep``)?"""
    args = func.args
    annotations = [p.annotation for p in (*args.posonlyargs, *args.args, *args.kwonlyargs) if p.annotation]
    if ctx.mentions("fastapi"):
        calls = [d for d in (*args.defaults, *args.kw_defaults) if isinstance(d, ast.Call)]
        calls += [call for annotation in annotations for call in nodes_of(annotation, ast.Call)]
        if any(ctx.resolve(call.func) in fastapi.PARAM_FUNCTIONS for call in calls):
            return True
    names = [node for annotation in annotations for node in nodes_of(annotation, ast.Name, ast.Attribute)]
    if not names:
        return False
    local = ctx.memo(
        "typing.annotated_aliases",
        lambda: annotated_aliases(module_level_statements(ctx.tree.body), ctx.imports),
    )
    for node in names:
        if isinstance(node, ast.Name) and node.id in local:
            callees = local[node.id]
        else:
            qualified = ctx.resolve(node)  # a project module's alias (others are not read)
            callees = annotated_alias_callees(qualified, ctx) if qualified else ()
        if any(callee in fastapi.PARAM_FUNCTIONS for callee in callees):
            return True
    return False


def _typing_facts(ctx: FileContext) -> tf.ModuleFacts:
    return tf.module_facts(ctx.tree, ctx.resolve)


def _in_body(node: ast.AST, func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Is ``node`` in the body of ``func``, not its signature (by position: columns count
    on a one-line ``def``)?"""
    first = func.body[0] if func.body else None
    return first is not None and (node.lineno, node.col_offset) >= (first.lineno, first.col_offset)


def _root(node: ast.expr | None) -> ast.expr | None:
    """The head of a chain of attributes and subscripts (``spec`` of ``spec.kind``, of
    ``types[0]``, of ``spec["type"]``)."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node


def _member_root_names(members: list[ast.expr | None]) -> set[str]:
    """The names the members are, or are attributes or items of."""
    roots = [_root(member) for member in members]
    return {root.id for root in roots if isinstance(root, ast.Name)}


def _loop_names(tree: ast.Module) -> frozenset[str]:
    """The names bound outside functions by a loop, a comprehension, a ``with``, an
    ``except ... as`` or ``:=`` (a module-level ``for tp in (...)``)."""
    names: set[str] = set()
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (*FUNCTION_TYPES, ast.Lambda)):
            continue
        targets: list[ast.AST] = []
        if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            targets.append(node.target)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            targets.append(node.optional_vars)
        elif isinstance(node, ast.NamedExpr):
            targets.append(node.target)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        for target in targets:
            names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        stack.extend(ast.iter_child_nodes(node))
    return frozenset(names)


def _local_names(func: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> frozenset[str]:
    """The parameters of a function and the names its body binds (nested scopes included:
    a wider set only withholds more fixes)."""
    args = func.args
    names = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
    names.update(a.arg for a in (args.vararg, args.kwarg) if a is not None)
    names.update(
        node.id for node in nodes_of(func, ast.Name) if isinstance(node.ctx, ast.Store)  # type: ignore[attr-defined]
    )
    return frozenset(names)


# Pydantic reads `X | None` (types.UnionType) from this release on: before it, a model with
# such a field raises "Fields of type UnionType are not supported" at import
PYDANTIC_PEP604_RELEASE = "1.9"


def _old_pydantic(ctx: FileContext) -> bool:
    """Do the project's dependency files let it run a Pydantic that cannot read ``X | None``?
    (None named: the current Pydantic, as for the LL2xx fixes.)"""
    folder = str(deps.start_folder(ctx.path, ctx.settings.root))
    return bool(ctx.external("allows_below_release", folder, "pydantic", PYDANTIC_PEP604_RELEASE))


def _old_typer(ctx: FileContext) -> bool:
    """:func:`deps.old_typer` for the module's imports at any depth (as the fixer reads them)."""
    imported = [
        qualified
        for node in ctx.all_statements
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for _local, qualified in ctx.import_bindings(node)
    ]
    if not any(name.partition(".")[0] == "typer" for name in imported) and _commands_on_project_typer(ctx):
        imported.append("typer")  # (its commands are typer's, declared on another module's app)
    return deps.old_typer(imported, ctx.path, ctx.settings.root, ctx.external)


_TYPER_APPS = frozenset({"typer.Typer", "typer.main.Typer"})


def _commands_on_project_typer(ctx: FileContext) -> bool:
    """Does a function of the module get a ``@app.command()`` / ``@app.callback()`` of a
    ``typer.Typer()`` made in another project module (read there: ``app = typer.Typer()``)?
    Its parameters are then a typer command's, though the module never imports typer."""
    for stmt in module_level_statements(ctx.tree.body):
        if not isinstance(stmt, FUNCTION_TYPES):
            continue
        for decorator in stmt.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if (
                isinstance(target, ast.Attribute) and target.attr in ("command", "callback")
                and isinstance(target.value, ast.Name) and target.value.id in ctx.imports
            ):
                qualified = ctx.imports[target.value.id]
                if ctx.is_first_party(qualified) and instance_class(qualified, ctx) in _TYPER_APPS:
                    return True
    return False


def _project_tests_unions(ctx: FileContext) -> bool:
    return bool(ctx.external("union_tests", *file_scan_spec(ctx)))

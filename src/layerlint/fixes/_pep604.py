"""The LL501/LL502 rewrite: ``Optional[X]`` / ``Union[X, None]`` -> ``X | None``.

The decision (which rewrite, how safe) is :func:`layerlint.facts.typing.plan`,
the one the rules used to mark the finding; here its facts are read off the
libcst tree: member kinds by re-parsing each member's code with ``ast``, the
position from the ancestors (``Annotation``, or the type argument of
``typing.cast``).
"""

from __future__ import annotations

import ast
from functools import cached_property
from typing import ClassVar, Sequence

import libcst as cst

from layerlint.diagnostics import FIX_SAFE, FIX_UNSAFE, Diagnostic
from layerlint.external import lookup
from layerlint.facts import dependencies as deps
from layerlint.facts import typing as tf
from layerlint.fixes.base import Fixer, parenthesize
from layerlint.fixes.imports import dotted_name

# parents in which `a | b` must be parenthesized (they bind tighter than `|`)
_TIGHT_PARENTS = (cst.Attribute, cst.Call, cst.Subscript, cst.Await)


class Pep604Fixer(Fixer):
    form: ClassVar[str] = ""
    node_types = (cst.Subscript,)

    _facts: tf.ModuleFacts | None = None

    def facts(self) -> tf.ModuleFacts:
        if self._facts is None:
            self._facts = tf.module_facts(self.ctx.tree, self._resolve_ast)
        return self._facts

    @cached_property
    def _old_typer(self) -> bool:
        return deps.old_typer(self.ctx.imports.values(), self.ctx.path, self.ctx.settings.root, lookup)

    def old_typer(self) -> bool:
        return "typer" in self.ctx.text and self._old_typer

    def fix_node(
        self, original: cst.CSTNode, updated: cst.CSTNode, diagnostic: Diagnostic, parents: Sequence[cst.CSTNode]
    ) -> cst.CSTNode | None:
        if not isinstance(updated, cst.Subscript):
            return None  # another fix replaced it
        operands = self._operands(updated)
        if operands is None:
            return None
        facts = self.facts()
        kinds = [self._kind(op, facts) for op in operands]
        position, whole = self._position(parents)
        multiline = diagnostic.end_line > diagnostic.line
        code = self.ctx.code_for(original.with_changes(lpar=[], rpar=[])) if multiline else ""
        # (as the rule reads it: a variable's annotation in a function body is never evaluated)
        unevaluated = position == tf.ANNOTATION and self.ctx.target_version >= (3, 10) and _in_a_body(parents)
        chosen = tf.plan(
            kinds,
            position=position,
            whole=whole,
            future_annotations=facts.future_annotations or unevaluated,
            stub=self.ctx.is_stub,
            target=self.ctx.target_version,
            multiline=multiline,
            commented=multiline and "#" in code,
            old_typer=self.old_typer(),
        )
        if chosen is None or (chosen.safety == FIX_UNSAFE and diagnostic.fix == FIX_SAFE):
            return None  # the rule and the fixer disagree: leave it
        # (a fix the rule marked unsafe where this plan is safe, it marked so for what only
        # the rule reads, a Fern module or the project's union tests; its mark stands, and
        # the fixer was asked for it only with --unsafe-fixes)
        # the members in the order written, None where it stands (`Union[None, X]` -> `None | X`:
        # code walking get_args() in order, as Stainless's construct_type does, sees the same)
        members = list(zip(operands, kinds))
        if chosen.transform == tf.QUOTE:
            return self._quoted(members, updated)
        exprs: list[cst.BaseExpression] = []
        for op, kind in members:
            if kind == tf.NONE:
                exprs.append(cst.Name("None"))
                continue
            assert op is not None
            exprs.extend([cst.parse_expression(self._string_text(op))] if kind == tf.STRING else self._flat(op, facts))
        if any(_has_none_member(expr) for expr in exprs if not _is_none(expr)):
            exprs = [expr for expr in exprs if not _is_none(expr)]  # Optional[Optional[int]]: written inside already
        result = exprs[0]
        for expr in exprs[1:]:
            result = cst.BinaryOperation(left=result, operator=cst.BitOr(), right=expr)
        if updated.lpar:
            return result.with_changes(lpar=updated.lpar, rpar=updated.rpar)
        new_code = self.ctx.code_for(result)
        if ("\n" in new_code or "\r" in new_code) and not _parses(new_code):
            return parenthesize(result)  # a line break outside brackets needs them
        parent = parents[-1] if parents else None
        if isinstance(parent, _TIGHT_PARENTS) or (
            isinstance(parent, cst.BinaryOperation) and not isinstance(parent.operator, cst.BitOr)
        ) or (isinstance(parent, cst.UnaryOperation) and not isinstance(parent.operator, cst.Not)):
            return parenthesize(result)
        return result

    def _flat(self, op: cst.BaseExpression, facts: tf.ModuleFacts) -> list[cst.BaseExpression]:
        """``Union[A, B]`` as a member spells ``A | B`` (the same type), when each
        of its members can stand in a ``|``; anything else stays as it is."""
        if not (isinstance(op, cst.Subscript) and not op.lpar and self.ctx.resolve(op.value) in tf.UNION_NAMES):
            return [op]
        inner: list[cst.BaseExpression] = []
        for element in op.slice:
            if not isinstance(element.slice, cst.Index) or element.slice.star is not None:
                return [op]
            value = element.slice.value
            if self._kind(value, facts) not in (tf.OK, tf.OK_STR):
                return [op]
            inner.append(value)
        return inner if len(inner) >= 2 else [op]

    # -- facts off the libcst tree ------------------------------------------------------------
    def _operands(self, node: cst.Subscript) -> list[cst.BaseExpression | None] | None:
        exprs: list[cst.BaseExpression | None] = []
        for element in node.slice:
            if not isinstance(element.slice, cst.Index) or element.slice.star is not None:
                return None
            exprs.append(element.slice.value)
        if self.form == tf.OPTIONAL:
            if len(exprs) != 1 or node.slice[-1].comma is not cst.MaybeSentinel.DEFAULT:
                return None  # Optional[a, b] / Optional[a,] (a tuple)
            return [exprs[0], None]
        if len(exprs) == 1 and node.slice[0].comma is cst.MaybeSentinel.DEFAULT:
            return None  # Union[x]: a single member
        return exprs

    def _kind(self, op: cst.BaseExpression | None, facts: tf.ModuleFacts) -> str:
        if op is None:
            return tf.NONE
        if isinstance(op, (cst.Name, cst.Attribute)) and not op.lpar:  # the common cases, without a parse
            if isinstance(op, cst.Name):
                if op.value == "None":
                    return tf.NONE
                if op.value in facts.not_types:
                    return tf.NOT_A_TYPE
                return tf.NOT_A_TYPE if tf.is_not_a_class(op.value, self.ctx.resolve(op)) else tf.OK
            if dotted_name(op) is not None:
                return tf.NOT_A_TYPE if tf.is_not_a_class(None, self.ctx.resolve(op)) else tf.OK
        bare = op.with_changes(lpar=[], rpar=[]) if getattr(op, "lpar", None) else op
        code = self.ctx.code_for(bare)
        try:
            expr = ast.parse("(" + code + ")", mode="eval").body
        except (SyntaxError, ValueError):
            return tf.OTHER
        return tf.classify(expr, lambda _constant: code, facts.not_types, self._resolve_ast)

    def _resolve_ast(self, expr: ast.expr) -> str | None:
        """The fully qualified name of an ``ast`` name or attribute chain, as ``ctx.resolve``
        gives it for the libcst node of the same code."""
        dotted = tf.dotted_text(expr)
        return self.ctx.resolve_dotted(dotted) if dotted is not None else None

    def _position(self, parents: Sequence[cst.CSTNode]) -> tuple[str, bool]:
        last = len(parents) - 1
        for index, parent in enumerate(parents):  # the outermost root wins, as in the rule
            if isinstance(parent, cst.Annotation):
                owner = parents[index - 1] if index else None
                if isinstance(owner, cst.AnnAssign) and _scope(parents[:index]) is cst.ClassDef:
                    value = owner.value
                    if isinstance(value, cst.Call) and self.ctx.resolve(value.func) in tf.RELATIONSHIP_NAMES:
                        return tf.RELATIONSHIP, index == last
                    return tf.CLASS_ANNOTATION, index == last
                return tf.ANNOTATION, index == last
            if isinstance(parent, cst.Arg) and index > 0:
                call = parents[index - 1]
                if isinstance(call, cst.Call) and self._is_type_arg(call, parent):
                    return tf.CAST_ARG, index == last
        return tf.RUNTIME, False

    def _is_type_arg(self, call: cst.Call, arg: cst.Arg) -> bool:
        if self.ctx.resolve(call.func) not in tf.CAST_NAMES:
            return False
        if arg.keyword is not None:
            return arg.keyword.value == "typ"
        return bool(call.args) and call.args[0] is arg and arg.star == ""

    # -- rewrites ----------------------------------------------------------------------
    def _string_text(self, op: cst.BaseExpression) -> str:
        bare = op.with_changes(lpar=[], rpar=[]) if getattr(op, "lpar", None) else op
        text = tf.string_literal_text(self.ctx.code_for(bare))
        assert text is not None
        return text

    def _quoted(self, members: list[tuple[cst.BaseExpression | None, str]], updated: cst.Subscript) -> cst.CSTNode:
        """Every member's text joined by `|`, in one string; the plan guarantees no
        member contains a quote, so the first forward reference's quote serves."""
        texts: list[str] = []
        quote = ""
        # (`Union[None, None | int, "Fwd"]`: None is written inside already, as in the plain
        # rewrite; `"None | None | int | Fwd"` raises TypeError where `None | (None | int)` did not)
        none_inside = any(op is not None and kind != tf.NONE and _has_none_member(op) for op, kind in members)
        for op, kind in members:
            if kind == tf.NONE:
                if not none_inside:
                    texts.append("None")
            elif kind == tf.STRING:
                assert op is not None
                bare = op.with_changes(lpar=[], rpar=[]) if getattr(op, "lpar", None) else op
                quote = quote or self.ctx.code_for(bare).lstrip("rRuU")[0]
                texts.append(self._string_text(op))
            else:
                assert op is not None
                texts.append(self.ctx.code_for(op))
        return cst.SimpleString(f"{quote}{' | '.join(texts)}{quote}", lpar=updated.lpar, rpar=updated.rpar)


def _scope(ancestors: Sequence[cst.CSTNode]) -> type | None:
    """The type of the innermost class, function or lambda among the ancestors."""
    for node in reversed(ancestors):
        if isinstance(node, (cst.ClassDef, cst.FunctionDef, cst.Lambda)):
            return type(node)
    return None


def _in_a_body(parents: Sequence[cst.CSTNode]) -> bool:
    """Is the outermost annotation around the node a variable's, in a function body?"""
    for index, parent in enumerate(parents):
        if isinstance(parent, cst.Annotation):
            owner = parents[index - 1] if index else None
            return isinstance(owner, cst.AnnAssign) and _scope(parents[:index]) is cst.FunctionDef
    return False


def _is_none(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "None"


def _has_none_member(expr: cst.BaseExpression) -> bool:
    """Is ``None`` a member of this unparenthesized ``a | b | ...`` chain?"""
    if isinstance(expr, cst.Name):
        return expr.value == "None" and not expr.lpar
    if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr) and not expr.lpar:
        return _has_none_member(expr.left) or _has_none_member(expr.right)
    return False


def _parses(code: str) -> bool:
    try:
        ast.parse(code, mode="eval")
        return True
    except (SyntaxError, ValueError):
        return False

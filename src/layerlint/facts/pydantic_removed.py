"""Code that Pydantic 2 rejects at import: a module doing it runs on Pydantic 1.x only.

Pydantic 2 removed names of 1.x (its ``pydantic._migration`` raises ``PydanticImportError``
for them, or the module has no such attribute), and raises at class creation on a
``@root_validator`` without ``pre=True`` or ``skip_on_failure=True``. A module that does
one of these at its top level cannot run on 2.x, fixed or not (no LL2xx fix rewrites them;
LL206 moves ``BaseSettings``, which is therefore not one of them): the LL2xx fixes, which
write the 2.x API, would break it where it runs (rules/pydantic/_pydantic_rule.py).
"""

from __future__ import annotations

import ast

from layerlint.context import FUNCTION_TYPES, FileContext
from layerlint.facts.names import resolve_in

_CONSTRAINED = (
    "ConstrainedBytes ConstrainedDate ConstrainedDecimal ConstrainedFloat ConstrainedFrozenSet ConstrainedInt "
    "ConstrainedList ConstrainedSet ConstrainedStr JsonWrapper NoneBytes NoneStr NoneStrBytes StrBytes"
).split()
_ERRORS = """AnyStrMaxLengthError AnyStrMinLengthError ArbitraryTypeError BoolError BytesError CallableError ClassError
ColorError ConfigError DataclassTypeError DateError DateNotInTheFutureError DateNotInThePastError DateTimeError
DecimalError DecimalIsNotFiniteError DecimalMaxDigitsError DecimalMaxPlacesError DecimalWholeDigitsError DictError
DurationError EmailError EnumError EnumMemberError ExtraError FloatError FrozenSetError FrozenSetMaxLengthError
FrozenSetMinLengthError HashableError IPv4AddressError IPv4InterfaceError IPv4NetworkError IPv6AddressError
IPv6InterfaceError IPv6NetworkError IPvAnyAddressError IPvAnyInterfaceError IPvAnyNetworkError IntEnumError
IntegerError InvalidByteSize InvalidByteSizeUnit InvalidDiscriminator InvalidLengthForBrand JsonError JsonTypeError
ListError ListMaxLengthError ListMinLengthError ListUniqueItemsError LuhnValidationError MissingDiscriminator
MissingError NoneIsAllowedError NoneIsNotAllowedError NotDigitError NotNoneError NumberNotGeError NumberNotGtError
NumberNotLeError NumberNotLtError NumberNotMultipleError PathError PathNotADirectoryError PathNotAFileError
PathNotExistsError PatternError PyObjectError PydanticTypeError PydanticValueError SequenceError SetError
SetMaxLengthError SetMinLengthError StrError StrRegexError StrictBoolError SubclassError TimeError TupleError
TupleLengthError UUIDError UUIDVersionError UrlError UrlExtraError UrlHostError UrlHostTldError UrlPortError
UrlSchemeError UrlSchemePermittedError UrlUserInfoError WrongConstantError""".split()
_UTILS = (
    "ClassAttribute DUNDER_ATTRIBUTES PyObjectStr ValueItems almost_equal_floats get_discriminator_alias_and_values "
    "get_model get_unique_discriminator_alias in_ipython is_valid_identifier path_type validate_field_name"
).split()
# the names Pydantic 2 removed, qualified as they were imported in 1.x
REMOVED_IN_PYDANTIC_2 = frozenset({
    *(f"pydantic.{name}" for name in _CONSTRAINED),
    *(f"pydantic.types.{name}" for name in _CONSTRAINED),
    *(f"pydantic.errors.{name}" for name in _ERRORS),
    *(f"pydantic.utils.{name}" for name in _UTILS),
    "pydantic.Protocol", "pydantic.Required", "pydantic.compiled", "pydantic.stricturl", "pydantic.networks.stricturl",
    "pydantic.create_model_from_namedtuple", "pydantic.create_model_from_typeddict", "pydantic.parse_file_as",
    "pydantic.parse_raw_as", "pydantic.tools.parse_file_as", "pydantic.tools.parse_raw_as", "pydantic.validate_model",
    "pydantic.main.validate_model", "pydantic.config.get_config", "pydantic.config.inherit_config",
    "pydantic.config.prepare_config", "pydantic.dataclasses.create_pydantic_model_from_dataclass",
    "pydantic.dataclasses.make_dataclass_validator", "pydantic.dataclasses.set_validation",
    "pydantic.error_wrappers.ErrorWrapper", "pydantic.fields.ModelField",
})
# modules of 1.x whose every name is gone
_REMOVED_MODULES = ("pydantic.typing.", "pydantic.datetime_parse.")
_ROOT_VALIDATORS = frozenset({"pydantic.root_validator", "pydantic.class_validators.root_validator"})


def removed_in_pydantic_2(qualified: str | None) -> bool:
    return qualified is not None and (qualified in REMOVED_IN_PYDANTIC_2 or qualified.startswith(_REMOVED_MODULES))


def rejected_by_pydantic_2(tree: ast.Module, ctx: FileContext) -> bool:
    """Does the module's top level (not an ``if`` or ``try`` of it: a shim; nor a function
    body, which runs later if ever) do what Pydantic 2 rejects at import: import a name it
    removed (``from pydantic import ConstrainedStr``, ``from pydantic.typing import ...``,
    ``parse_raw_as`` ...) or read one (``class Name(pydantic.ConstrainedStr)``), or define a
    class with a ``@root_validator`` used bare or without ``skip_on_failure=True`` or
    ``pre=True``?"""
    bindings: dict[str, str] = {}
    for stmt in tree.body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            for local, qualified in ctx.import_bindings(stmt):
                if removed_in_pydantic_2(qualified):
                    return True
                bindings[local] = qualified
    if any(q == "pydantic" or q.startswith("pydantic.") for q in bindings.values()) and any(
        # `class Name(pydantic.ConstrainedStr)`: read as the module runs
        isinstance(node, ast.Attribute) and removed_in_pydantic_2(resolve_in(node, bindings))
        for node in _run_at_import(tree)
    ):
        return True
    if "root_validator" not in ctx.source:
        return False
    for stmt in tree.body:
        if isinstance(stmt, ast.ClassDef):
            for method in stmt.body:
                if isinstance(method, FUNCTION_TYPES) and any(
                    _rejected_root_validator(decorator, bindings) for decorator in method.decorator_list
                ):
                    return True
    return False


def _run_at_import(tree: ast.Module):
    """The nodes of the module's body that run at import (not inside a function's body or a
    lambda), top-level ``if``/``try`` blocks aside."""
    stack: list[ast.AST] = [stmt for stmt in tree.body if not isinstance(stmt, (ast.If, ast.Try))]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, FUNCTION_TYPES):
            stack.extend(node.decorator_list)
            stack.extend(node.args.defaults)
            stack.extend(default for default in node.args.kw_defaults if default is not None)
        elif not isinstance(node, ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))


def _rejected_root_validator(decorator: ast.expr, bindings: dict[str, str]) -> bool:
    """``@root_validator`` or ``@root_validator(...)`` without ``pre=True`` or
    ``skip_on_failure=True`` (Pydantic 2 raises at class creation)."""
    call = decorator if isinstance(decorator, ast.Call) else None
    if resolve_in(call.func if call else decorator, bindings) not in _ROOT_VALIDATORS:
        return False
    if call is None:
        return True
    if call.args or any(kw.arg is None for kw in call.keywords):
        return False  # (not a form either version takes, or `**options`: not known)
    return not any(
        kw.arg in ("pre", "skip_on_failure") and not (isinstance(kw.value, ast.Constant) and kw.value.value is False)
        for kw in call.keywords
    )



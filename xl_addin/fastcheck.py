"""A quick test, derived from the schema, that a row is certainly valid, so only doubtful rows pay for a
full `jsonschema` validation (about 120 us a row here, against a few for this).

The test is conservative: it answers True only when the full validation would find nothing, and it is
built only from schema constructs it understands exactly. A schema using anything else gets no quick test,
and every row is validated in full, so findings never depend on this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from xl_addin.keywords import RegisterContext, is_date

RowCheck = Callable[[Mapping[str, Any]], bool]
ValueCheck = Callable[[Any], bool]

_ANNOTATIONS = {"description", "title", "examples", "$comment", "default", "x-excel", "deprecated", "readOnly"}
_ROOT_ANNOTATIONS = {"$schema", "$id", "title", "description", "$comment", "x-register", "type", "properties",
                     "required", "allOf", "uniqueInRegister", "notBefore", "notInFuture", "sumOf"}


class _Unsupported(Exception):
    pass


_TYPES: dict[str, ValueCheck] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
}


def _any_type(checks: list[ValueCheck], value: Any) -> bool:
    return any(check(value) for check in checks)


def _in_choices(choices: frozenset[str], value: Any) -> bool:
    return isinstance(value, str) and value in choices


def _at_least(bound: float, value: Any) -> bool:
    return not _TYPES["number"](value) or value >= bound


def _at_most(bound: float, value: Any) -> bool:
    return not _TYPES["number"](value) or value <= bound


def _matches(pattern: re.Pattern[str], value: Any) -> bool:
    return not isinstance(value, str) or pattern.search(value) is not None


def _long_enough(length: int, value: Any) -> bool:
    return not isinstance(value, str) or len(value) >= length


def _short_enough(length: int, value: Any) -> bool:
    return not isinstance(value, str) or len(value) <= length


def _never(value: Any) -> bool:
    return False


def _value_checks(spec: Mapping[str, Any]) -> list[ValueCheck]:
    checks: list[ValueCheck] = []
    for keyword, argument in spec.items():
        if keyword in _ANNOTATIONS:
            continue
        if keyword == "type":
            names = [argument] if isinstance(argument, str) else list(argument)
            if any(name not in _TYPES for name in names):
                raise _Unsupported(keyword)
            checks.append(partial(_any_type, [_TYPES[name] for name in names]))
        elif keyword in ("enum", "const"):
            choices = argument if keyword == "enum" else [argument]
            if not all(isinstance(choice, str) for choice in choices):
                raise _Unsupported(keyword)
            checks.append(partial(_in_choices, frozenset(choices)))
        elif keyword == "minimum":
            checks.append(partial(_at_least, argument))
        elif keyword == "maximum":
            checks.append(partial(_at_most, argument))
        elif keyword == "pattern":
            checks.append(partial(_matches, re.compile(argument)))
        elif keyword == "minLength":
            checks.append(partial(_long_enough, argument))
        elif keyword == "maxLength":
            checks.append(partial(_short_enough, argument))
        elif keyword == "format" and argument == "date":
            checks.append(is_date)
        elif keyword == "not" and argument == {}:
            checks.append(_never)
        else:
            raise _Unsupported(keyword)
    return checks


def _combine(checks: list[ValueCheck]) -> ValueCheck:
    if len(checks) == 1:
        return checks[0]
    return partial(_all_of, checks)


def _all_of(checks: list[ValueCheck], value: Any) -> bool:
    return all(check(value) for check in checks)


def _condition(rule: Mapping[str, Any]) -> tuple[str, frozenset[str]]:
    """An `if` of the form {properties: {P: {enum|const}}, required: [P]}: the column and its values."""
    condition = rule.get("if", {})
    properties = condition.get("properties", {})
    if set(condition) - {"properties", "required"} or len(properties) != 1:
        raise _Unsupported("if")
    (column, spec), = properties.items()
    if condition.get("required") != [column] or set(spec) - {"enum", "const"}:
        raise _Unsupported("if")
    values = spec["enum"] if "enum" in spec else [spec["const"]]
    if not all(isinstance(value, str) for value in values):
        raise _Unsupported("if")
    return column, frozenset(values)


def compile_row_check(document: Mapping[str, Any], context: RegisterContext) -> RowCheck | None:
    """The quick certainly-valid test for rows of this schema, or None if the schema is beyond it."""
    try:
        return _compile(document, context)
    except _Unsupported:
        return None


def _compile(document: Mapping[str, Any], context: RegisterContext) -> RowCheck:
    if set(document) - _ROOT_ANNOTATIONS or document.get("type", "object") != "object":
        raise _Unsupported("root")
    columns = {}
    for name, spec in document.get("properties", {}).items():
        checks = _value_checks(spec)
        if checks:
            columns[name] = _combine(checks)
    required = tuple(document.get("required", ()))
    conditional: list[tuple[str, frozenset[str], tuple[str, ...], tuple[str, ...]]] = []
    for rule in document.get("allOf", ()):
        if set(rule) - {"if", "then"}:
            raise _Unsupported("allOf")
        column, values = _condition(rule)
        then = rule.get("then", {})
        if set(then) - {"required", "properties"}:
            raise _Unsupported("then")
        emptied = then.get("properties", {})
        if any(spec != {"not": {}} for spec in emptied.values()):
            raise _Unsupported("then")
        conditional.append((column, values, tuple(then.get("required", ())), tuple(emptied)))
    unique = {column: context.occurrences.get(column, {}) for column in document.get("uniqueInRegister", ())}
    order = tuple(document.get("notBefore", {}).items())
    future = tuple(document.get("notInFuture", ()))
    sums = tuple(document.get("sumOf", {}).items())
    today = context.today

    def certainly_valid(row: Mapping[str, Any]) -> bool:
        for name in required:
            if name not in row:
                return False
        for name, value in row.items():
            check = columns.get(name)
            if check is not None and not check(value):
                return False
        for column, values, needed, empty in conditional:
            if row.get(column) in values and (any(name not in row for name in needed)
                                              or any(name in row for name in empty)):
                return False
        for column, counts in unique.items():
            value = row.get(column)
            if value is not None and len(counts.get(value, ())) > 1:
                return False
        for later, earlier in order:
            a, b = row.get(later), row.get(earlier)
            if is_date(a) and is_date(b) and a < b:
                return False
        for name in future:
            value = row.get(name)
            if is_date(value) and value > today:
                return False
        for total, parts in sums:
            value = row.get(total)
            if value is not None and value != sum(row.get(part, 0) for part in parts
                                                  if isinstance(row.get(part), int)):
                return False
        return True

    return certainly_valid

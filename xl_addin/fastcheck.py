"""A quick test, derived from the schema, that a row is certainly valid, so only doubtful rows pay for a
full `jsonschema` validation (about 120 us a row here, against a few for this).

The test is conservative: it answers True only when the full validation would find nothing, and it is
built only from schema constructs it understands exactly. A schema using anything else gets no quick test,
and every row is validated in full, so findings never depend on this module.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from xl_addin.keywords import RegisterContext

RowCheck = Callable[[Mapping[str, Any]], bool]
ValueCheck = Callable[[Any], bool]

_ANNOTATIONS = {"description", "title", "examples", "$comment", "default", "x-excel", "deprecated", "readOnly"}
_ROOT_ANNOTATIONS = {"$schema", "$id", "title", "description", "$comment", "x-register", "type", "properties",
                     "required", "allOf", "uniqueInRegister", "notBefore", "notInFuture", "sumOf"}


class _Unsupported(Exception):
    pass


def _is_date(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


_TYPES: dict[str, ValueCheck] = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
}


def _value_checks(spec: Mapping[str, Any]) -> list[ValueCheck]:
    checks: list[ValueCheck] = []
    for keyword, argument in spec.items():
        if keyword in _ANNOTATIONS:
            continue
        if keyword == "type":
            names = [argument] if isinstance(argument, str) else list(argument)
            if any(name not in _TYPES for name in names):
                raise _Unsupported(keyword)
            type_checks = [_TYPES[name] for name in names]
            checks.append(lambda v, tc=type_checks: any(check(v) for check in tc))
        elif keyword == "enum" and all(isinstance(choice, str) for choice in argument):
            choices = frozenset(argument)
            checks.append(lambda v, c=choices: isinstance(v, str) and v in c)
        elif keyword == "const" and isinstance(argument, str):
            checks.append(lambda v, c=argument: v == c and isinstance(v, str))
        elif keyword == "minimum":
            checks.append(lambda v, m=argument: not _TYPES["number"](v) or v >= m)
        elif keyword == "maximum":
            checks.append(lambda v, m=argument: not _TYPES["number"](v) or v <= m)
        elif keyword == "pattern":
            pattern = re.compile(argument)
            checks.append(lambda v, p=pattern: not isinstance(v, str) or p.search(v) is not None)
        elif keyword == "minLength":
            checks.append(lambda v, m=argument: not isinstance(v, str) or len(v) >= m)
        elif keyword == "maxLength":
            checks.append(lambda v, m=argument: not isinstance(v, str) or len(v) <= m)
        elif keyword == "format" and argument == "date":
            checks.append(_is_date)
        elif keyword == "not" and argument == {}:
            checks.append(lambda v: False)
        else:
            raise _Unsupported(keyword)
    return checks


def _combine(checks: list[ValueCheck]) -> ValueCheck:
    if len(checks) == 1:
        return checks[0]
    return lambda v: all(check(v) for check in checks)


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
    columns = {name: _combine(_value_checks(spec)) for name, spec in document.get("properties", {}).items()
               if _value_checks(spec)}
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
            if row.get(column) in values:
                if any(name not in row for name in needed) or any(name in row for name in empty):
                    return False
        for column, counts in unique.items():
            value = row.get(column)
            if value is not None and len(counts.get(value, ())) > 1:
                return False
        for later, earlier in order:
            a, b = row.get(later), row.get(earlier)
            if _is_date(a) and _is_date(b) and a < b:
                return False
        for name in future:
            value = row.get(name)
            if _is_date(value) and value > today:
                return False
        for total, parts in sums:
            value = row.get(total)
            if value is not None and value != sum(row.get(part, 0) for part in parts
                                                  if isinstance(row.get(part), int)):
                return False
        return True

    return certainly_valid

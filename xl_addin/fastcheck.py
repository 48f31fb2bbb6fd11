"""Column-wise checks, derived from the schema, that clear rows which are certainly valid, so only doubtful
rows pay for a full `jsonschema` validation (about 120 us a row here; these cost well under 1 us a cell).

The checks are conservative: a row they do not flag is one the full validation would find nothing in.
They are built only from schema constructs understood exactly here; a schema using anything else gets no
quick path and every row is validated in full, so findings never depend on this module.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from xl_addin.keywords import RegisterContext
from xl_addin.register import Register

Column = Sequence[Any]
ColumnFlags = Callable[[Column], set[int]]

_ANNOTATIONS = {"description", "title", "examples", "$comment", "default", "x-excel", "deprecated", "readOnly"}
_ROOT_KEYWORDS = {"$schema", "$id", "title", "description", "$comment", "x-register", "type", "properties",
                  "required", "allOf", "uniqueInRegister", "notBefore", "notInFuture", "sumOf"}
_PYTHON_TYPES: dict[str, frozenset[type]] = {
    "string": frozenset({str}), "integer": frozenset({int}), "number": frozenset({int, float}),
    "boolean": frozenset({bool}),
}
_DATE = dt.date


class _Unsupported(Exception):
    pass


def _flag_type(allowed: frozenset[type]) -> ColumnFlags:
    # type() rather than isinstance: bool is not an integer and a datetime is not a date, as in jsonschema.
    return lambda col: {i for i, v in enumerate(col) if v is not None and type(v) not in allowed}


def _flag_choices(choices: frozenset[str]) -> ColumnFlags:
    return lambda col: {i for i, v in enumerate(col) if v is not None and (type(v) is not str or v not in choices)}


def _flag_below(bound: float) -> ColumnFlags:
    return lambda col: {i for i, v in enumerate(col) if (type(v) is int or type(v) is float) and v < bound}


def _flag_above(bound: float) -> ColumnFlags:
    return lambda col: {i for i, v in enumerate(col) if (type(v) is int or type(v) is float) and v > bound}


def _flag_pattern(pattern: re.Pattern[str]) -> ColumnFlags:
    return lambda col: {i for i, v in enumerate(col) if type(v) is str and pattern.search(v) is None}


def _flag_shorter(length: int) -> ColumnFlags:
    return lambda col: {i for i, v in enumerate(col) if type(v) is str and len(v) < length}


def _flag_longer(length: int) -> ColumnFlags:
    return lambda col: {i for i, v in enumerate(col) if type(v) is str and len(v) > length}


def _flag_not_date(col: Column) -> set[int]:
    return {i for i, v in enumerate(col) if v is not None and type(v) is not _DATE}


def _flag_present(col: Column) -> set[int]:
    return {i for i, v in enumerate(col) if v is not None}


def _flag_missing(col: Column) -> set[int]:
    return {i for i, v in enumerate(col) if v is None}


def _column_flags(spec: Mapping[str, Any]) -> list[ColumnFlags]:
    flags: list[ColumnFlags] = []
    for keyword, argument in spec.items():
        if keyword in _ANNOTATIONS:
            continue
        if keyword == "type":
            names = [argument] if isinstance(argument, str) else list(argument)
            if any(name not in _PYTHON_TYPES for name in names):
                raise _Unsupported(keyword)
            flags.append(_flag_type(frozenset().union(*(_PYTHON_TYPES[name] for name in names))))
        elif keyword in ("enum", "const"):
            choices = argument if keyword == "enum" else [argument]
            if not all(isinstance(choice, str) for choice in choices):
                raise _Unsupported(keyword)
            flags.append(_flag_choices(frozenset(choices)))
        elif keyword == "minimum":
            flags.append(_flag_below(argument))
        elif keyword == "maximum":
            flags.append(_flag_above(argument))
        elif keyword == "pattern":
            flags.append(_flag_pattern(re.compile(argument)))
        elif keyword == "minLength":
            flags.append(_flag_shorter(argument))
        elif keyword == "maxLength":
            flags.append(_flag_longer(argument))
        elif keyword == "format" and argument == "date":
            flags.append(_flag_not_date)
        elif keyword == "not" and argument == {}:
            flags.append(_flag_present)
        else:
            raise _Unsupported(keyword)
    return flags


def _condition(rule: Mapping[str, Any]) -> tuple[str, frozenset[str]]:
    """An `if` of the form {properties: {P: {enum|const}}, required: [P]}: the column and its values."""
    condition = rule.get("if", {})
    properties = condition.get("properties", {})
    if set(condition) - {"properties", "required"} or len(properties) != 1:
        raise _Unsupported("if")
    ((column, spec),) = properties.items()
    if condition.get("required") != [column] or set(spec) - {"enum", "const"}:
        raise _Unsupported("if")
    values = spec["enum"] if "enum" in spec else [spec["const"]]
    if not all(isinstance(value, str) for value in values):
        raise _Unsupported("if")
    return column, frozenset(values)


def doubtful_rows(document: Mapping[str, Any], context: RegisterContext, register: Register) -> set[int] | None:
    """Indexes of the items that need the full validation, or None when the schema is beyond these checks.

    Columns missing from the register are not checked: findings about them are dropped anyway.
    """
    try:
        return _doubtful(document, context, register)
    except _Unsupported:
        return None


def _doubtful(document: Mapping[str, Any], context: RegisterContext, register: Register) -> set[int]:
    if set(document) - _ROOT_KEYWORDS or document.get("type", "object") != "object":
        raise _Unsupported("root")
    cells = register.cells
    properties = document.get("properties", {})
    plans = [(name, _column_flags(spec)) for name, spec in properties.items()]
    rules = []
    for rule in document.get("allOf", ()):
        then = rule.get("then", {})
        emptied = then.get("properties", {})
        if set(rule) - {"if", "then"} or set(then) - {"required", "properties"} or \
                any(spec != {"not": {}} for spec in emptied.values()):
            raise _Unsupported("allOf")
        rules.append((*_condition(rule), then.get("required", ()), tuple(emptied)))

    flagged: set[int] = set()
    for name, flags in plans:
        if name in cells:
            for flag in flags:
                flagged |= flag(cells[name])
    for name in document.get("required", ()):
        if name in cells:
            flagged |= _flag_missing(cells[name])
    for column, values, needed, emptied_names in rules:
        if column not in cells:
            continue
        applies = [i for i, v in enumerate(cells[column]) if v in values]
        for name in needed:
            if name in cells:
                col = cells[name]
                flagged.update(i for i in applies if col[i] is None)
        for name in emptied_names:
            if name in cells:
                col = cells[name]
                flagged.update(i for i in applies if col[i] is not None)
    for name in document.get("uniqueInRegister", ()):
        repeated = context.occurrences.get(name, {})
        if name in cells and repeated:
            flagged.update(i for i, v in enumerate(cells[name]) if v is not None and v in repeated)
    for later, earlier in document.get("notBefore", {}).items():
        if later in cells and earlier in cells:
            flagged.update(i for i, (a, b) in enumerate(zip(cells[later], cells[earlier], strict=True))
                           if type(a) is _DATE and type(b) is _DATE and a < b)
    today = context.today
    for name in document.get("notInFuture", ()):
        if name in cells:
            flagged.update(i for i, v in enumerate(cells[name]) if type(v) is _DATE and v > today)
    for total, parts in document.get("sumOf", {}).items():
        if total in cells:
            columns = [cells[part] if part in cells else [None] * len(register) for part in parts]
            for i, value in enumerate(cells[total]):
                if value is None:
                    continue
                numbers: list[Any] = [col[i] for col in columns]
                if not all(type(n) is int for n in numbers) or value != sum(numbers):
                    flagged.add(i)
    return flagged

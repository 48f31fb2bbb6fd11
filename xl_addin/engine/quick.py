"""Column-wise checks, derived from the schema, that clear rows which are certainly valid, so only doubtful
rows pay for a full `jsonschema` validation (about 120 us a row here; these cost well under 1 us a cell).

The checks are conservative: a row they do not flag is one the full validation would find nothing in.
They are built only from schema constructs understood exactly here; a schema using anything else gets no
quick path and every row is validated in full, so findings never depend on this module.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import partial
from itertools import compress, repeat
from operator import and_, is_, is_not
from typing import Any

from xl_addin.engine.columns import IsBad, bad_values
from xl_addin.engine.keywords import KEYWORDS, RegisterContext
from xl_addin.engine.register import Register

_ANNOTATIONS = {"description", "title", "examples", "$comment", "default", "x-excel", "x-aliases", "x-valueMap",
                "x-quietIfMissing", "deprecated", "readOnly"}
_ROOT_KEYWORDS = {"$schema", "$id", "title", "description", "$comment", "x-register", "type", "properties",
                  "allOf", *KEYWORDS}
_PYTHON_TYPES: dict[str, frozenset[type]] = {
    "string": frozenset({str}), "integer": frozenset({int}), "number": frozenset({int, float}),
    "boolean": frozenset({bool}),
}
_DATE = dt.date
_NUMBER = (int, float)


class _Unsupported(Exception):
    pass


def _not_of_types(allowed: frozenset[type], v: Any) -> bool:
    # type() rather than isinstance: bool is not an integer and a datetime is not a date, as in jsonschema.
    return type(v) not in allowed


def _not_a_choice(choices: frozenset[str], v: Any) -> bool:
    return type(v) is not str or v not in choices


def _below(bound: float, v: Any) -> bool:
    return type(v) in _NUMBER and v < bound


def _above(bound: float, v: Any) -> bool:
    return type(v) in _NUMBER and v > bound


def _unmatched(pattern: re.Pattern[str], v: Any) -> bool:
    return type(v) is str and pattern.search(v) is None


def _shorter(length: int, v: Any) -> bool:
    return type(v) is str and len(v) < length


def _longer(length: int, v: Any) -> bool:
    return type(v) is str and len(v) > length


def _not_a_date(v: Any) -> bool:
    return type(v) is not _DATE


def _anything(v: Any) -> bool:
    return True


def _value_tests(spec: Mapping[str, Any]) -> list[IsBad]:
    """Tests of single values for one column's schema; empty cells (None) never reach them."""
    tests: list[IsBad] = []
    for keyword, argument in spec.items():
        if keyword in _ANNOTATIONS:
            continue
        if keyword == "type":
            names = [argument] if isinstance(argument, str) else list(argument)
            if any(name not in _PYTHON_TYPES for name in names):
                raise _Unsupported(keyword)
            allowed = frozenset().union(*(_PYTHON_TYPES[name] for name in names))
            tests.append(partial(_not_of_types, allowed))
        elif keyword in ("enum", "const"):
            choices = frozenset(argument if keyword == "enum" else [argument])
            if not all(isinstance(choice, str) for choice in choices):
                raise _Unsupported(keyword)
            tests.append(partial(_not_a_choice, choices))
        elif keyword == "minimum":
            tests.append(partial(_below, argument))
        elif keyword == "maximum":
            tests.append(partial(_above, argument))
        elif keyword == "pattern":
            pattern = re.compile(argument)
            tests.append(partial(_unmatched, pattern))
        elif keyword == "minLength":
            tests.append(partial(_shorter, argument))
        elif keyword == "maxLength":
            tests.append(partial(_longer, argument))
        elif keyword == "format" and argument == "date":
            tests.append(_not_a_date)
        elif keyword == "not" and argument == {}:
            tests.append(_anything)
        else:
            raise _Unsupported(keyword)
    return tests


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
    plans = [(name, _value_tests(spec)) for name, spec in properties.items()]
    rules = []
    for rule in document.get("allOf", ()):
        then = rule.get("then", {})
        emptied = then.get("properties", {})
        if set(rule) - {"if", "then"} or set(then) - {"required", "properties"} or \
                any(spec != {"not": {}} for spec in emptied.values()):
            raise _Unsupported("allOf")
        rules.append((*_condition(rule), then.get("required", ()), tuple(emptied)))

    flagged: set[int] = set()
    positions = range(len(register))
    for name, tests in plans:
        if name in cells and tests:
            flagged.update(bad_values(cells[name], tests))
    for name, keyword in KEYWORDS.items():
        if name in document:
            flagged.update(keyword.quick(document[name], context, cells, len(register)))
    for column, values, needed, emptied_names in rules:
        if column not in cells:
            continue
        applies = list(map(values.__contains__, cells[column]))
        for name in needed:
            if name in cells:
                flagged.update(compress(positions, map(and_, applies, map(is_, cells[name], repeat(None)))))
        for name in emptied_names:
            if name in cells:
                flagged.update(compress(positions, map(and_, applies, map(is_not, cells[name], repeat(None)))))
    return flagged

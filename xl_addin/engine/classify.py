"""A schema error on one item, as a finding people can act on: the standard JSON Schema keywords here, the
register keywords each in their own module (`keywords/`)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from xl_addin.engine.findings import Finding, FindingType, Severity, define
from xl_addin.engine.keywords import KEYWORDS
from xl_addin.engine.keywords.base import ErrorLike, RegisterContext, SchemaError
from xl_addin.engine.keywords.required import MISSING_VALUE
from xl_addin.engine.register import Register, RegisterRow
from xl_addin.engine.schema import RegisterSchema
from xl_addin.engine.text_dates import parse_text_date

E = Severity.ERROR
MUST_BE_EMPTY = define(
    "must-be-empty", "Must be empty at this status", E,
    "Must stay empty at this status (Closure date on an open item).",
    "{column} must be empty while {condition} is {status}; found {value}.")
NOT_IN_LIST = define(
    "not-in-list", "Not one of the choices", E,
    "Not one of the column's choices (with a \"did you mean\" hint).",
    "{column} must be one of {choices}; found {value}.{hint}")
BAD_FORMAT = define(
    "bad-format", "Wrong format", E,
    "Does not follow the column's pattern (an ID like `IMP-0042`).",
    "{column} must look like {example}; found {value}.")
WRONG_TYPE = define(
    "wrong-type", "Wrong kind of value", E,
    "A value of the wrong kind, such as a number where text belongs.",
    "{column} must be {expected}; found {value}.")
NUMBER_AS_TEXT = define(
    "number-as-text", "Number stored as text", E,
    "A number typed or pasted as text in a numeric column; Excel cannot add it up.",
    "{column} must be a number, but {value} is stored as text; re-enter it as a number.")
NOT_WHOLE_NUMBER = define(
    "not-whole-number", "Not a whole number", E,
    "A fraction where a whole number belongs.", "{column} must be a whole number; found {value}.")
OUT_OF_RANGE = define(
    "out-of-range", "Out of range", E,
    "A number outside the column's range (a rating outside 1-3).", "{column} must be {range}; found {value}.")
NOT_A_DATE = define(
    "not-a-date", "Not a date", E,
    "A date column holds something that is not a date.", "{column} must be a date; found {value}.")
DATE_AS_TEXT = define(
    "date-as-text", "Date stored as text", E,
    "A date typed as text (25/11/2026 in a cell formatted as text), with the dates it could mean; Excel cannot "
    "compare it.",
    "{column} must be a date, but {value} is text that looks like a date; re-enter it as a date "
    "(for example {suggestion}).")
INVALID_CELL = define(
    "invalid-value", "Invalid value", E,
    "Any other value the schema rejects.",
    "{column} is not valid: {reason}; found {value}.")
del E

_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "TRUE or FALSE",
    "array": "a list",
    "object": "a record",
    "null": "empty",
}


def _condition(document: Mapping[str, Any], schema_path: Iterable[Any]) -> str | None:
    """The column an if/then rule depends on (Status, usually), found by walking to the rule's `if`."""
    node: Any = document
    for part in schema_path:
        if part == "then" and isinstance(node, dict):
            properties = node.get("if", {}).get("properties", {})
            return next(iter(properties), None)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return None


def _looks_numeric(text: str) -> bool:
    try:
        float(text.strip().replace(",", "."))
    except ValueError:
        return False
    return True


# "Did you mean" only for a near miss (In progres, Custmer complaint), not a word of the register's own that
# shares a few letters with a choice (Major incident review is not Management review).
HINT_CUTOFF = 0.8


def _choice_hint(value: Any, choices: list[Any]) -> str:
    if not isinstance(value, str):
        return ""
    by_key = {str(choice).casefold(): str(choice) for choice in choices}
    close = difflib.get_close_matches(value.casefold(), list(by_key), n=1, cutoff=HINT_CUTOFF)
    return f" Did you mean '{by_key[close[0]]}'?" if close else ""


def _range_words(column_schema: Mapping[str, Any]) -> str:
    low, high = column_schema.get("minimum"), column_schema.get("maximum")
    if low is not None and high is not None:
        return f"between {low} and {high}"
    return f"at least {low}" if low is not None else f"at most {high}"


def row_finding(error: ErrorLike, row: RegisterRow, register: Register, schema: RegisterSchema,
                context: RegisterContext) -> Finding:
    """One schema error on one row, as a finding at its cell."""
    problem = SchemaError(error, row.values, context, _condition(schema.document, error.schema_path),
                          register.heading)
    column = problem.column
    kind, fields = classify(problem, schema)
    return kind.at(register.file, sheet=register.sheet, row=row.number, column_number=register.columns.get(column, 0),
                   column=register.heading(column), value=row.values.get(column), **fields)


def classify(problem: SchemaError, schema: RegisterSchema) -> tuple[FindingType, dict[str, Any]]:
    """The finding type and message fields for one schema error."""
    error, keyword, column, value = problem.error, problem.error.validator, problem.column, problem.error.instance
    if keyword in KEYWORDS:
        return KEYWORDS[str(keyword)].classify(problem)
    if keyword == "not" and problem.condition:
        return MUST_BE_EMPTY, {"status": problem.status, "condition": problem.heading(problem.condition)}
    if keyword in ("enum", "const"):
        choices = list(error.validator_value) if keyword == "enum" else [error.validator_value]
        listed = ", ".join(str(choice) for choice in choices)
        return NOT_IN_LIST, {"choices": listed, "hint": _choice_hint(value, choices)}
    if keyword == "type":
        return _classify_type(error.validator_value, value)
    column_schema: Mapping[str, Any] = schema.document.get("properties", {}).get(column, {})
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return OUT_OF_RANGE, {"range": _range_words(column_schema)}
    if keyword == "pattern":
        example = schema.column(column).example if column in schema.document.get("properties", {}) else ""
        return BAD_FORMAT, {"example": example or f"the pattern {error.validator_value}"}
    if keyword == "format":
        readings = parse_text_date(value, None) if isinstance(value, str) else []
        if len(readings) > 1:
            return DATE_AS_TEXT, {"suggestion": " or ".join(reading.isoformat() for reading in readings)
                                  + "; --date-order says which"}
        if readings:
            return DATE_AS_TEXT, {"suggestion": readings[0].isoformat()}
        return NOT_A_DATE, {}
    if keyword == "minLength":
        return MISSING_VALUE, {}
    return INVALID_CELL, {"reason": error.message}


def _classify_type(expected: Any, value: Any) -> tuple[FindingType, dict[str, Any]]:
    wanted = [expected] if isinstance(expected, str) else list(expected)
    numeric = {"integer", "number"} & set(wanted)
    if numeric and "string" not in wanted and isinstance(value, str) and _looks_numeric(value):
        return NUMBER_AS_TEXT, {}
    if wanted == ["integer"] and isinstance(value, float):
        return NOT_WHOLE_NUMBER, {}
    words = " or ".join(_TYPE_WORDS.get(name, name) for name in wanted)
    return WRONG_TYPE, {"expected": words}

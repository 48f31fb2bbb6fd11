"""Custom JSON Schema keywords for what a per-row schema cannot say on its own.

Each keyword sits at the top level of a register schema and is registered with
`jsonschema.validators.extend`, so one schema file holds the whole contract. They need facts from
outside the row (today's date, how often a value occurs in the register); those come in a
`RegisterContext` bound when the validator class is made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeGuard

from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from jsonschema.protocols import Validator
from jsonschema.validators import extend


@dataclass(frozen=True)
class RegisterContext:
    """Facts about the whole register that row keywords consult."""

    today: dt.date
    # column -> value -> the sheet rows holding it
    occurrences: Mapping[str, Mapping[Any, tuple[int, ...]]] = field(default_factory=dict)


def is_date(value: Any) -> TypeGuard[dt.date]:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def unique_in_register(
    context: RegisterContext, validator: Validator, columns: list[str], row: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """`uniqueInRegister`: each listed column's value is used by one item only.

    Passing: ``{"uniqueInRegister": ["ID"]}`` with IDs IMP-0001 and IMP-0002.
    Failing: the same schema with IMP-0001 on two rows: both rows get `duplicate-id` on their ID cell.
    """
    if not isinstance(row, dict):
        return
    for column in columns:
        value = row.get(column)
        if value is not None and len(context.occurrences.get(column, {}).get(value, ())) > 1:
            yield ValidationError(f"{column} is not unique", path=[column], instance=value)


def not_before(
    context: RegisterContext, validator: Validator, pairs: Mapping[str, str], row: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """`notBefore`: a date column may not lie before another date column of the same row.

    Passing: ``{"notBefore": {"Target date": "Date raised"}}`` with raised 2026-03-01, target 2026-06-30.
    Failing: target 2026-02-01 for the same row: `date-order` on the Target date cell.
    Either date missing or not a date: nothing to compare, other checks report it.
    """
    if not isinstance(row, dict):
        return
    for later, earlier in pairs.items():
        later_value, earlier_value = row.get(later), row.get(earlier)
        if is_date(later_value) and is_date(earlier_value) and later_value < earlier_value:
            yield ValidationError(f"{later} is before {earlier}", path=[later], instance=later_value)


def not_in_future(
    context: RegisterContext, validator: Validator, columns: list[str], row: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """`notInFuture`: dates of things that already happened may not be after today (or the as-of date).

    Passing: ``{"notInFuture": ["Date raised"]}`` with 2026-03-14 checked on 2026-11-25.
    Failing: 2062-03-14 (a mistyped year): `future-date` on that cell.
    """
    if not isinstance(row, dict):
        return
    for column in columns:
        value = row.get(column)
        if is_date(value) and value > context.today:
            yield ValidationError(f"{column} is in the future", path=[column], instance=value)


def sum_of(
    context: RegisterContext, validator: Validator, sums: Mapping[str, list[str]], row: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """`sumOf`: a calculated column, when filled in, equals the sum of its parts.

    Passing: ``{"sumOf": {"Priority total": ["Customer impact", "Risk reduction"]}}`` with 2, 3 and total 5.
    Failing: total 6 for the same ratings: `stale-total` on the Priority total cell.
    An empty total (a formula never calculated, say) is not checked: the engine computes it itself;
    nor is a total whose parts are not all valid whole numbers, since those parts get their own findings.
    """
    if not isinstance(row, dict):
        return
    properties = schema.get("properties", {})
    for total, parts in sums.items():
        value = row.get(total)
        numbers = [row.get(part) for part in parts]
        if value is None or not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers):
            continue
        if not all(validator.evolve(schema=properties.get(part, {})).is_valid(row[part]) for part in parts):
            continue
        if value != sum(numbers):  # type: ignore[arg-type]
            yield ValidationError(f"{total} is out of date", path=[total], instance=value)


def required_columns(
    context: RegisterContext, validator: Validator, columns: list[str], row: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """`required`, as in JSON Schema, but each error's path names the missing column.

    The standard keyword only says which column is missing in its message text; findings need it as data.
    """
    if not isinstance(row, dict):
        return
    for column in columns:
        if column not in row:
            yield ValidationError(f"{column} is required", path=[column], instance=None)


KeywordFunction = Callable[..., Iterator[ValidationError]]

KEYWORD_FUNCTIONS: dict[str, KeywordFunction] = {
    "required": required_columns,
    "uniqueInRegister": unique_in_register,
    "notBefore": not_before,
    "notInFuture": not_in_future,
    "sumOf": sum_of,
}

_COLUMN_LIST = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}

# The form each keyword's value must take; checked when a schema is loaded.
ROW_KEYWORDS: dict[str, dict[str, Any]] = {
    "uniqueInRegister": _COLUMN_LIST,
    "notBefore": {"type": "object", "additionalProperties": {"type": "string"}},
    "notInFuture": _COLUMN_LIST,
    "sumOf": {"type": "object", "additionalProperties": {**_COLUMN_LIST, "minItems": 1}},
}


def _checks_date(instance: object) -> bool:
    return is_date(instance)


DATE_FORMAT = FormatChecker(formats=())
DATE_FORMAT.checks("date")(_checks_date)


# Where a register's context travels: inside the root schema handed to the validator, since the register
# keywords all stand at the root and receive it. Building a validator class costs ~2 ms; this way there is one.
CONTEXT_KEY = "x-xlreg-context"


def _from_root(function: KeywordFunction) -> KeywordFunction:
    def keyword(validator: Validator, value: Any, instance: Any,
                schema: Mapping[str, Any]) -> Iterator[ValidationError]:
        return function(schema.get(CONTEXT_KEY), validator, value, instance, schema)
    return keyword


@lru_cache(maxsize=1)
def _validator_class() -> Any:
    return extend(Draft202012Validator, {name: _from_root(function) for name, function in KEYWORD_FUNCTIONS.items()})


def register_validator(schema: Mapping[str, Any], context: RegisterContext) -> Validator:
    """A validator for one register's rows: Draft 2020-12 plus the register keywords bound to `context`."""
    validator: Validator = _validator_class()({**schema, CONTEXT_KEY: context}, format_checker=DATE_FORMAT)
    return validator

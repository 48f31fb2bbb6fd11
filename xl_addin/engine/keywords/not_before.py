"""`notBefore`: a date column may not lie before another date column of the same row.

Passing: ``{"notBefore": {"Target date": "Date raised"}}`` with raised 2026-03-01, target 2026-06-30.
Failing: target 2026-02-01 for the same row: `date-order` on the Target date cell.
Either date missing or not a date: nothing to compare, other checks report it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from itertools import compress
from operator import lt
from typing import Any

from xl_addin.engine.findings import FindingType, Severity, define, describe_value
from xl_addin.engine.keywords.base import (
    Cells,
    Example,
    RegisterContext,
    RegisterKeyword,
    RowError,
    SchemaError,
    SubschemaValidity,
    is_date,
    row_error,
)

DATE_ORDER = define(
    "date-order", "Dates in the wrong order", Severity.ERROR,
    "A date before the date it may not precede (Target date before Date raised).",
    "{column} ({value}) is before {other} ({other_value}).")
_DATE = dt.date


def check(context: RegisterContext, validator: SubschemaValidity, pairs: Mapping[str, str], row: Any,
          schema: Mapping[str, Any]) -> Iterator[RowError]:
    if not isinstance(row, dict):
        return
    for later, earlier in pairs.items():
        later_value, earlier_value = row.get(later), row.get(earlier)
        if is_date(later_value) and is_date(earlier_value) and later_value < earlier_value:
            yield row_error(f"{later} is before {earlier}", path=[later], instance=later_value)


def quick(pairs: Mapping[str, str], context: RegisterContext, cells: Cells, size: int) -> Iterable[int]:
    # Only two dates can be out of order: anything else in the later column compares as the last date, in the
    # earlier as the first, so the comparison runs in C (map over operator.lt) for a whole column.
    flagged: set[int] = set()
    later_keys: dict[str, list[dt.date]] = {}
    earlier_keys: dict[str, list[dt.date]] = {}
    for later, earlier in pairs.items():
        if later in cells and earlier in cells:
            if later not in later_keys:
                later_keys[later] = [v if type(v) is _DATE else dt.date.max for v in cells[later]]
            if earlier not in earlier_keys:
                earlier_keys[earlier] = [v if type(v) is _DATE else dt.date.min for v in cells[earlier]]
            flagged.update(compress(range(size), map(lt, later_keys[later], earlier_keys[earlier])))
    return flagged


def columns(pairs: Mapping[str, str]) -> list[str]:
    return [name for pair in pairs.items() for name in pair]


def classify(problem: SchemaError) -> tuple[FindingType, dict[str, Any]]:
    other = problem.error.validator_value[problem.column]
    return DATE_ORDER, {"other": problem.heading(other), "other_value": describe_value(problem.values.get(other))}


KEYWORD = RegisterKeyword(
    name="notBefore", summary="a date column may not lie before another date column of the same item",
    check=check, value_form={"type": "object", "additionalProperties": {"type": "string"}}, columns=columns,
    quick=quick, finding_types=(DATE_ORDER,), classify=classify,
    example=Example(value={"Target date": "Date raised"},
                    properties={"Target date": {"format": "date"}, "Date raised": {"format": "date"}},
                    passing=({"Date raised": dt.date(2026, 3, 1), "Target date": dt.date(2026, 6, 30)},),
                    failing=({"Date raised": dt.date(2026, 3, 1), "Target date": dt.date(2026, 2, 1)},),
                    expected=((0, "Target date", "date-order"),)),
)

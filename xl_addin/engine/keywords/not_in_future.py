"""`notInFuture`: dates of things that already happened may not be after today (or the as-of date).

Passing: ``{"notInFuture": ["Date raised"]}`` with 2026-03-14 checked on 2026-11-25.
Failing: 2062-03-14 (a mistyped year): `future-date` on that cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from functools import partial
from typing import Any

from xl_addin.engine.columns import bad_values
from xl_addin.engine.findings import FindingType, Severity, define
from xl_addin.engine.keywords.base import (
    COLUMN_LIST,
    Cells,
    Example,
    RegisterContext,
    RegisterKeyword,
    RowError,
    SchemaError,
    SubschemaValidity,
    is_date,
    listed,
    row_error,
)

FUTURE_DATE = define(
    "future-date", "Date in the future", Severity.ERROR,
    "Date raised, Closure date or Last update after today.",
    "{column} ({value}) is in the future; today is {today}.")


def check(context: RegisterContext, validator: SubschemaValidity, columns: list[str], row: Any,
          schema: Mapping[str, Any]) -> Iterator[RowError]:
    if not isinstance(row, dict):
        return
    for column in columns:
        value = row.get(column)
        if is_date(value) and value > context.today:
            yield row_error(f"{column} is in the future", path=[column], instance=value)


def _after(day: dt.date, value: Any) -> bool:
    return type(value) is dt.date and value > day


def quick(columns: list[str], context: RegisterContext, cells: Cells, size: int) -> Iterable[int]:
    flagged: set[int] = set()
    for name in columns:
        if name in cells:
            flagged.update(bad_values(cells[name], [partial(_after, context.today)]))
    return flagged


def classify(problem: SchemaError) -> tuple[FindingType, dict[str, Any]]:
    return FUTURE_DATE, {"today": problem.context.today.isoformat()}


KEYWORD = RegisterKeyword(
    name="notInFuture", summary="dates of things that already happened may not be after today (the as-of date)",
    check=check, value_form=COLUMN_LIST, columns=listed, quick=quick, finding_types=(FUTURE_DATE,),
    classify=classify,
    example=Example(value=["Date raised"], properties={"Date raised": {"format": "date"}},
                    passing=({"Date raised": dt.date(2026, 3, 14)},),
                    failing=({"Date raised": dt.date(2062, 3, 14)},),
                    expected=((0, "Date raised", "future-date"),)),
)

"""`uniqueInRegister`: each listed column's value is used by one item only.

Passing: ``{"uniqueInRegister": ["ID"]}`` with IDs IMP-0001 and IMP-0002.
Failing: the same schema with IMP-0001 on two rows: both rows get `duplicate-id` on their ID cell.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
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
    listed,
    row_error,
)

DUPLICATE_ID = define(
    "duplicate-id", "Used more than once", Severity.ERROR,
    "The ID (or another column that must be unique) is used by more than one item.",
    "{column} {value} is used {count} times in the register (rows {rows}); each item needs its own.")


def hashable(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, dt.date)) else repr(value)


def occurrences(columns: Iterable[str], cells: Cells,
                row_numbers: Sequence[int]) -> dict[str, dict[Any, tuple[int, ...]]]:
    """For each column that must be unique: value -> the sheet rows that hold it, for values held twice or
    more (a missing key means 'once')."""
    result: dict[str, dict[Any, tuple[int, ...]]] = {}
    for column in columns:
        if column not in cells:
            continue  # the column is missing; that is a finding of its own
        values = cells[column]
        counts = Counter(hashable(value) for value in values if value is not None)
        repeated = {value for value, count in counts.items() if count > 1}
        rows_by_value: dict[Any, list[int]] = defaultdict(list)
        if repeated:
            for number, value in zip(row_numbers, values, strict=True):
                if value is not None and hashable(value) in repeated:
                    rows_by_value[hashable(value)].append(number)
        result[column] = {value: tuple(numbers) for value, numbers in rows_by_value.items()}
    return result


def check(context: RegisterContext, validator: SubschemaValidity, columns: list[str], row: Any,
          schema: Mapping[str, Any]) -> Iterator[RowError]:
    if not isinstance(row, dict):
        return
    for column in columns:
        value = row.get(column)
        if value is not None and len(context.occurrences.get(column, {}).get(value, ())) > 1:
            yield row_error(f"{column} is not unique", path=[column], instance=value)


def quick(columns: list[str], context: RegisterContext, cells: Cells, size: int) -> Iterable[int]:
    flagged: set[int] = set()
    for name in columns:
        repeated = context.occurrences.get(name, {})
        if name in cells and repeated:
            flagged.update(bad_values(cells[name], [repeated.__contains__]))
    return flagged


def classify(problem: SchemaError) -> tuple[FindingType, dict[str, Any]]:
    value = problem.error.instance
    rows = problem.context.occurrences.get(problem.column, {}).get(hashable(value), ())
    return DUPLICATE_ID, {"count": len(rows), "rows": ", ".join(str(number) for number in rows)}


KEYWORD = RegisterKeyword(
    name="uniqueInRegister", summary="each listed column's value is used by one item only",
    check=check, value_form=COLUMN_LIST, columns=listed, quick=quick, finding_types=(DUPLICATE_ID,),
    classify=classify,
    example=Example(value=["ID"], properties={"ID": {"type": "string"}},
                    passing=({"ID": "IMP-0001"}, {"ID": "IMP-0002"}),
                    failing=({"ID": "IMP-0001"}, {"ID": "IMP-0001"}),
                    expected=((0, "ID", "duplicate-id"), (1, "ID", "duplicate-id"))),
)

"""`sumOf`: a calculated column, when filled in, equals the sum of its parts.

Passing: ``{"sumOf": {"Priority total": ["Customer impact", "Risk reduction"]}}`` with 2, 3 and total 5.
Failing: total 6 for the same ratings: `stale-total` on the Priority total cell.
An empty total (a formula never calculated, say) is not checked: the engine computes it itself; nor is a
total whose parts are not all valid whole numbers, since those parts get their own findings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

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
    row_error,
)

STALE_TOTAL = define(
    "stale-total", "Calculated value out of date", Severity.ERROR,
    "Priority total (or another calculated column) differs from the sum of its parts.",
    "{column} says {value}, but {parts} add up to {expected}.")


def check(context: RegisterContext, validator: SubschemaValidity, sums: Mapping[str, list[str]], row: Any,
          schema: Mapping[str, Any]) -> Iterator[RowError]:
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
            yield row_error(f"{total} is out of date", path=[total], instance=value)


def quick(sums: Mapping[str, list[str]], context: RegisterContext, cells: Cells, size: int) -> Iterable[int]:
    flagged: set[int] = set()
    for total, parts in sums.items():
        if total in cells:
            columns = [cells[part] if part in cells else [None] * size for part in parts]
            for i, value in enumerate(cells[total]):
                if value is None:
                    continue
                numbers: list[Any] = [column[i] for column in columns]
                if not all(type(n) is int for n in numbers) or value != sum(numbers):
                    flagged.add(i)
    return flagged


def columns(sums: Mapping[str, list[str]]) -> list[str]:
    return [name for total, parts in sums.items() for name in (total, *parts)]


def classify(problem: SchemaError) -> tuple[FindingType, dict[str, Any]]:
    parts = problem.error.validator_value[problem.column]
    return STALE_TOTAL, {"parts": ", ".join(map(problem.heading, parts)),
                         "expected": sum(problem.values[part] for part in parts)}


KEYWORD = RegisterKeyword(
    name="sumOf", summary="a calculated column, when filled in, equals the sum of its parts",
    check=check, value_form={"type": "object", "additionalProperties": {**COLUMN_LIST, "minItems": 1}},
    columns=columns, quick=quick, finding_types=(STALE_TOTAL,), classify=classify,
    example=Example(value={"Priority total": ["Customer impact", "Risk reduction"]},
                    properties={"Priority total": {"type": "integer"}, "Customer impact": {"type": "integer"},
                                "Risk reduction": {"type": "integer"}},
                    passing=({"Customer impact": 2, "Risk reduction": 3, "Priority total": 5},),
                    failing=({"Customer impact": 2, "Risk reduction": 3, "Priority total": 6},),
                    expected=((0, "Priority total", "stale-total"),)),
)

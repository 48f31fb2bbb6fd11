"""`required`: as in JSON Schema, but each error names the missing column as data, not only in its text.

Passing: ``{"required": ["ID", "Description"]}`` with both filled in.
Failing: an item with no Description: `missing-value` on its Description cell. Inside an if/then rule
(Owner required from Planned on) the finding is `required-for-status` and names the status.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from itertools import compress, repeat
from operator import is_
from typing import Any

from xl_addin.engine.findings import FindingType, Severity, define
from xl_addin.engine.keywords.base import (
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

MISSING_VALUE = define(
    "missing-value", "Required value missing", Severity.ERROR,
    "A required cell is empty (or only spaces).", "{column} is required but empty.")
REQUIRED_FOR_STATUS = define(
    "required-for-status", "Required at this status", Severity.ERROR,
    "Required at this status (Owner from Planned on, Measured outcome when Completed...).",
    "{column} is required when {condition} is {status}, but it is empty.")


def check(context: RegisterContext, validator: SubschemaValidity, columns: list[str], row: Any,
          schema: Mapping[str, Any]) -> Iterator[RowError]:
    if not isinstance(row, dict):
        return
    for column in columns:
        if column not in row:
            yield row_error(f"{column} is required", path=[column], instance=None)


def quick(columns: list[str], context: RegisterContext, cells: Cells, size: int) -> Iterable[int]:
    flagged: set[int] = set()
    for name in columns:
        if name in cells:
            flagged.update(compress(range(size), map(is_, cells[name], repeat(None))))
    return flagged


def classify(problem: SchemaError) -> tuple[FindingType, dict[str, Any]]:
    if problem.condition:
        return REQUIRED_FOR_STATUS, {"status": problem.status, "condition": problem.heading(problem.condition)}
    return MISSING_VALUE, {}


KEYWORD = RegisterKeyword(
    name="required", summary="the listed columns must be filled in on every item (or at a status, in if/then)",
    check=check, value_form=None, columns=listed, quick=quick,
    finding_types=(MISSING_VALUE, REQUIRED_FOR_STATUS), classify=classify,
    example=Example(value=["ID", "Description"], properties={"ID": {"type": "string"}, "Description": {}},
                    passing=({"ID": "IMP-0001", "Description": "Add trend data to the review pack"},),
                    failing=({"ID": "IMP-0002"},),
                    expected=((0, "Description", "missing-value"),)),
)

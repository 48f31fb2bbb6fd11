"""`needsFollowUp`: an item judged not effective is iterated: another item's follow-up column points back to it
(the source text: an improvement whose metric did not improve is iterated, not closed and forgotten).

Passing: ``{"needsFollowUp": {"when": {"Effective": "No"}, "followUp": "Iteration of", "id": "ID"}}`` with
IMP-0001 (Effective No) and IMP-0002 whose Iteration of is IMP-0001.
Failing: IMP-0001 with Effective No and no item pointing back: `no-follow-up` on its Effective cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
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
    row_error,
)

NO_FOLLOW_UP = define(
    "no-follow-up", "Not effective, not iterated", Severity.ERROR,
    "An item judged not effective has no follow-up item pointing back to it (its Iteration of column).",
    "{column} is {value}, but no item's {follow_up} is {item}: raise a follow-up item that iterates it.")

VALUE_FORM: Mapping[str, Any] = {
    "type": "object", "required": ["when", "followUp", "id"], "additionalProperties": False,
    "properties": {"when": {"type": "object", "minProperties": 1, "maxProperties": 1},
                   "followUp": {"type": "string"}, "id": {"type": "string"}},
}


def columns(value: Any) -> list[str]:
    return [*value["when"], value["followUp"], value["id"]]


def follow_ups(value: Any, cells: Cells) -> frozenset[str]:
    """The IDs some item's follow-up column points to."""
    return frozenset(str(cell).strip() for cell in cells.get(value["followUp"], ()) if cell is not None)


def _due(value: Any, row: Mapping[str, Any], context: RegisterContext) -> str | None:
    """The column whose value calls for a follow-up that is missing, or None."""
    (column, wanted), = value["when"].items()
    item = row.get(value["id"])
    if row.get(column) == wanted and item is not None and str(item).strip() not in context.follow_ups:
        return str(column)
    return None


def check(context: RegisterContext, validator: SubschemaValidity, value: Any, row: Any,
          schema: Mapping[str, Any]) -> Iterator[RowError]:
    if isinstance(row, dict) and (column := _due(value, row, context)) is not None:
        yield row_error(f"{column} has no follow-up", path=[column], instance=row.get(column))


def quick(value: Any, context: RegisterContext, cells: Cells, size: int) -> Iterable[int]:
    (column, wanted), = value["when"].items()
    flags, ids = cells.get(column, ()), cells.get(value["id"], ())
    return {index for index, (flag, item) in enumerate(zip(flags, ids, strict=False))
            if flag == wanted and item is not None and str(item).strip() not in context.follow_ups}


def classify(problem: SchemaError) -> tuple[FindingType, dict[str, Any]]:
    value = problem.error.schema.get("needsFollowUp") if hasattr(problem.error, "schema") else None
    follow_up = value["followUp"] if isinstance(value, dict) else "Iteration of"
    id_column = value["id"] if isinstance(value, dict) else "ID"
    return NO_FOLLOW_UP, {"follow_up": problem.heading(follow_up), "item": problem.values.get(id_column, "")}


KEYWORD = RegisterKeyword(
    name="needsFollowUp", summary="an item with the given value (Effective = No) has a follow-up item pointing back",
    check=check, value_form=VALUE_FORM, columns=columns, quick=quick, finding_types=(NO_FOLLOW_UP,),
    classify=classify,
    example=Example(value={"when": {"Effective": "No"}, "followUp": "Iteration of", "id": "ID"},
                    properties={"ID": {"type": "string"}, "Effective": {"enum": ["Yes", "Partly", "No"]},
                                "Iteration of": {"type": "string"}},
                    passing=({"ID": "IMP-0001", "Effective": "No"}, {"ID": "IMP-0002", "Iteration of": "IMP-0001"}),
                    failing=({"ID": "IMP-0001", "Effective": "No"}, {"ID": "IMP-0002", "Effective": "Yes"}),
                    expected=((0, "Effective", "no-follow-up"),)),
)

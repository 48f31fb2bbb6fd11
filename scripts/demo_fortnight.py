"""A scripted fortnight of work on the sample register, as a person would do it in Excel: one item closed, one
started, two target dates moved, an owner and a rating changed, and one new item raised.

`scripts/demo.sh` runs it between two review snapshots to show `xlreg diff`; the snapshot tests use it too.

    python scripts/demo_fortnight.py REGISTER.xlsx YYYY-MM-DD
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl


@dataclass(frozen=True)
class Edit:
    """Set `column` of item `item_id` to `value`; `kind` and `days` are what `xlreg diff` should report."""

    item_id: str
    column: str
    value: Any
    kind: str
    days: int | None = None


def scripted_edits(as_of: dt.date) -> tuple[Edit, ...]:
    return (
        Edit("IMP-0047", "Status", "Completed", "closed"),
        Edit("IMP-0047", "Closure date", as_of + dt.timedelta(days=7), ""),
        Edit("IMP-0047", "Measured outcome", "31% fewer duplicate tickets", ""),
        Edit("IMP-0058", "Status", "In progress", "status"),
        Edit("IMP-0052", "Target date", dt.date(2027, 1, 31), "target-date", 30),
        Edit("IMP-0054", "Target date", dt.date(2027, 2, 20), "target-date", -14),
        Edit("IMP-0050", "Owner", "Mei Tanaka", "owner"),
        Edit("IMP-0060", "Customer impact", 3, "priority"),
    )


def new_item(as_of: dt.date) -> Mapping[str, Any]:
    return {
        "ID": "IMP-0061", "Date raised": as_of + dt.timedelta(days=3), "Source": "Customer complaint",
        "Type": "Corrective action", "Area": "Service delivery",
        "Description": "Customers were not told about a planned outage; add customer notice to the change "
                       "calendar procedure.",
        "Customer impact": 3, "Risk reduction": 2, "Efficiency gain": 1, "Compliance": 2,
        "Owner": "Tom Becker", "Target date": as_of + dt.timedelta(days=45), "Status": "Identified",
    }


def apply_review_changes(path: Path, as_of: dt.date, *, sheet_name: str = "Register") -> None:
    """Make the scripted edits and add the new item in the workbook at `path`, as edits made in Excel."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[sheet_name]
    header = {cell.value: cell.column for cell in sheet[1] if cell.value is not None}
    rows = {sheet.cell(row=row, column=header["ID"]).value: row for row in range(2, sheet.max_row + 1)}
    for edit in scripted_edits(as_of):
        sheet.cell(row=rows[edit.item_id], column=header[edit.column], value=edit.value)
    free = next(row for row in range(2, sheet.max_row + 2)
                if all(sheet.cell(row=row, column=header[name]).value is None for name in ("ID", "Description")))
    for name, value in new_item(as_of).items():
        cell = sheet.cell(row=free, column=header[name], value=value)
        if isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
    workbook.save(path)


if __name__ == "__main__":
    import sys

    register, day = Path(sys.argv[1]), dt.date.fromisoformat(sys.argv[2])
    apply_review_changes(register, day)
    print(f"Two weeks of work in {register}: one item closed, one started, two target dates moved, an owner and "
          "a rating changed, one new item.")

"""Generate the reference cases: tests/cases/{valid,invalid}/NAME.xlsx with NAME.expected.json beside each.

    python tests/cases/build_cases.py

Every rule of the register has at least one failing and one passing case. A case is a few items that differ
from a valid base item; the expected findings are (cell, code) pairs computed from the same definition.
The checks run as of 2026-11-25 (tests pass --as-of / today=AS_OF).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402

from xl_addin.ooxml.refs import column_letter  # noqa: E402
from xl_addin.resources import default_schema_path  # noqa: E402
from xl_addin.workbook.formats.schema_file import load_schema  # noqa: E402
from xl_addin.workbook.writing.template import build_workbook  # noqa: E402

HERE = Path(__file__).resolve().parent
AS_OF = dt.date(2026, 11, 25)
D = dt.date


def item(number: int, status: str = "Planned", **changes: Any) -> dict[str, Any]:
    """A valid item at `status`; keyword changes use underscores for spaces (Target_date=...)."""
    base: dict[str, Any] = {
        "ID": f"IMP-{number:04d}", "Date raised": D(2026, 3, 2), "Source": "Internal audit",
        "Type": "Improvement", "Area": "Governance", "Description": "Add trend data to the review pack",
        "Customer impact": 2, "Risk reduction": 3, "Efficiency gain": 1, "Compliance": 2, "Status": status,
    }
    if status != "Identified":
        base |= {"Owner": "Ana Costa", "Target date": D(2026, 6, 30), "Success metric": "Reviews with trends",
                 "Baseline": 0}
    if status in ("Completed", "Cancelled"):
        base["Closure date"] = D(2026, 6, 1)
    if status == "Completed":
        base["Measured outcome"] = 2
        base["Effective"] = "Yes"
    for key, value in changes.items():
        name = key.replace("_", " ")
        if value is None:
            base.pop(name, None)
        else:
            base[name] = value
    return base


@dataclass
class Case:
    name: str
    items: list[dict[str, Any]]
    # (item index or -1 for the header row, column name, code)
    expected: list[tuple[int, str, str]] = field(default_factory=list)
    drop_columns: Sequence[str] = ()
    extra_columns: Sequence[str] = ()
    title_rows: int = 0
    reverse_columns: bool = False

    @property
    def valid(self) -> bool:
        return all(code in ("unknown-column",) for _, _, code in self.expected)


CASES = [
    # ID
    Case("id-valid", [item(1), item(2), item(10234)]),
    Case("id-missing", [item(1, ID=None)], [(0, "ID", "missing-value")]),
    Case("id-duplicate", [item(1), item(1), item(2)], [(0, "ID", "duplicate-id"), (1, "ID", "duplicate-id")]),
    Case("id-bad-format", [item(1, ID="IMP-12"), item(2, ID="imp-0002")],
         [(0, "ID", "bad-format"), (1, "ID", "bad-format")]),
    # Date raised
    Case("date-raised-today", [item(1, Status="Identified", Date_raised=AS_OF, Owner=None, Target_date=None)]),
    Case("date-raised-missing", [item(1, Date_raised=None)], [(0, "Date raised", "missing-value")]),
    Case("date-raised-future", [item(1, "Identified", Date_raised=D(2026, 11, 26))],
         [(0, "Date raised", "future-date")]),
    Case("date-raised-as-text", [item(1, Date_raised="02.03.2026")], [(0, "Date raised", "date-as-text")]),
    Case("date-raised-not-a-date", [item(1, Date_raised="March")], [(0, "Date raised", "not-a-date")]),
    # Choices
    Case("choices-valid", [item(1, Source="Regulatory change", Type="Corrective action", Area="Other")]),
    Case("choices-invalid", [item(1, Source="Hearsay"), item(2, Type="Fix"), item(3, Area="IT")],
         [(0, "Source", "not-in-list"), (1, "Type", "not-in-list"), (2, "Area", "not-in-list")]),
    Case("choices-required", [item(1, Source=None, Type=None)],
         [(0, "Source", "missing-value"), (0, "Type", "missing-value")]),
    Case("area-optional", [item(1, Area=None)]),
    # Description
    Case("description-blank", [item(1, Description="   "), item(2, Description=None)],
         [(0, "Description", "missing-value"), (1, "Description", "missing-value")]),
    # Ratings
    Case("ratings-at-bounds", [item(1, Customer_impact=1, Risk_reduction=3, Efficiency_gain=1, Compliance=3),
                               item(2, Customer_impact=3.0)]),
    Case("ratings-out-of-range", [item(1, Customer_impact=0), item(2, Compliance=4)],
         [(0, "Customer impact", "out-of-range"), (1, "Compliance", "out-of-range")]),
    Case("ratings-not-whole", [item(1, Efficiency_gain=1.5)], [(0, "Efficiency gain", "not-whole-number")]),
    Case("ratings-as-text", [item(1, Risk_reduction="3")], [(0, "Risk reduction", "number-as-text")]),
    Case("ratings-wrong-type", [item(1, Risk_reduction="high")], [(0, "Risk reduction", "wrong-type")]),
    Case("ratings-missing", [item(1, Compliance=None)], [(0, "Compliance", "missing-value")]),
    # Priority total
    Case("total-up-to-date", [item(1, Priority_total=8)]),
    Case("total-stale", [item(1, Priority_total=9)], [(0, "Priority total", "stale-total")]),
    # Owner
    Case("owner-identified-without-owner", [item(1, "Identified"), item(2, "Cancelled", Owner=None)]),
    Case("owner-required-from-planned", [item(1, "Planned", Owner=None), item(2, "Completed", Owner=None)],
         [(0, "Owner", "required-for-status"), (1, "Owner", "required-for-status")]),
    # Target date
    Case("target-same-day-as-raised", [item(1, Target_date=D(2026, 3, 2))]),
    Case("target-required", [item(1, "Planned", Target_date=None), item(2, "In progress", Target_date=None,
                                                                          Last_update=D(2026, 4, 1))],
         [(0, "Target date", "required-for-status"), (1, "Target date", "required-for-status")]),
    Case("target-before-raised", [item(1, Target_date=D(2026, 3, 1))], [(0, "Target date", "date-order")]),
    # Status
    Case("status-every-value", [item(1, "Identified"), item(2, "Planned"), item(3, "In progress"),
                                item(4, "Completed"), item(5, "Cancelled")]),
    Case("status-invalid", [item(1, Status="Archived"), item(2, Status=None)],
         [(0, "Status", "not-in-list"), (1, "Status", "missing-value")]),
    # Success metric
    Case("metric-required", [item(1, "In progress", Success_metric=None), item(2, "Completed", Success_metric=None)],
         [(0, "Success metric", "required-for-status"), (1, "Success metric", "required-for-status")]),
    Case("metric-optional-when-planned", [item(1, "Planned", Success_metric=None)]),
    # Measured outcome
    Case("outcome-required", [item(1, "Completed", Measured_outcome=None)],
         [(0, "Measured outcome", "required-for-status")]),
    Case("outcome-text-or-number", [item(1, "Completed", Baseline="81%", Measured_outcome="94%"),
                                    item(2, "Completed", Measured_outcome=3.5)]),
    # Closure date
    Case("closure-required", [item(1, "Completed", Closure_date=None), item(2, "Cancelled", Closure_date=None)],
         [(0, "Closure date", "required-for-status"), (1, "Closure date", "required-for-status")]),
    Case("closure-must-be-empty", [item(1, "In progress", Closure_date=D(2026, 5, 1))],
         [(0, "Closure date", "must-be-empty")]),
    Case("closure-before-raised", [item(1, "Completed", Closure_date=D(2026, 2, 1))],
         [(0, "Closure date", "date-order")]),
    Case("closure-future", [item(1, "Completed", Closure_date=D(2027, 1, 5))], [(0, "Closure date", "future-date")]),
    # Last update
    Case("last-update-valid", [item(1, "In progress", Last_update=D(2026, 11, 1))]),
    Case("last-update-invalid", [item(1, Last_update="soon"), item(2, Last_update=D(2026, 1, 1)),
                                 item(3, Last_update=D(2027, 1, 1))],
         [(0, "Last update", "not-a-date"), (1, "Last update", "date-order"), (2, "Last update", "future-date")]),
    # Header row
    Case("header-missing-column", [item(1), item(2), item(3)], [(-1, "Status", "missing-column")],
         drop_columns=["Status"]),
    Case("header-missing-optional-column", [item(1)], [(-1, "Area", "missing-optional-column")],
         drop_columns=["Area"]),
    Case("header-unknown-column", [item(1)], [(-1, "Comments", "unknown-column")], extra_columns=["Comments"]),
    Case("header-in-row-4", [item(1), item(2, Status="Archived")], [(1, "Status", "not-in-list")], title_rows=3),
    Case("header-any-order", [item(1), item(2, Owner=None)], [(1, "Owner", "required-for-status")],
         reverse_columns=True),
]


def _plain_workbook(headers: list[str], items: list[dict[str, Any]], title_rows: int) -> Workbook:
    """A register as people often keep it: no table, maybe a title block above the header."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Improvements"
    if title_rows:
        sheet.cell(1, 1, "Continual improvement register")
        sheet.cell(2, 1, "Owner: Quality manager")
    header_row = title_rows + 1
    for index, name in enumerate(headers, start=1):
        sheet.cell(header_row, index, name)
    for offset, values in enumerate(items, start=header_row + 1):
        for index, name in enumerate(headers, start=1):
            if name in values:
                cell = sheet.cell(offset, index, values[name])
                if isinstance(values[name], dt.date):
                    cell.number_format = "yyyy-mm-dd"
    return workbook


def build_case(case: Case, folder: Path) -> None:
    schema = load_schema(default_schema_path())
    names = [column.name for column in schema.columns if column.name not in case.drop_columns]
    names += list(case.extra_columns)
    plain = bool(case.drop_columns or case.title_rows or case.reverse_columns)
    if case.reverse_columns:
        names.reverse()
    items = [{k: v for k, v in values.items() if k in names} for values in case.items]
    header_row = case.title_rows + 1
    if plain:
        workbook = _plain_workbook(names, items, case.title_rows)
        sheet_name = "Improvements"
    else:
        workbook = build_workbook(schema, items=items, extra_columns=case.extra_columns, rows=max(5, len(items)))
        sheet_name = schema.sheet
    expected = []
    for index, column, code in case.expected:
        if code.startswith("missing") and code.endswith("column"):
            expected.append([f"{sheet_name}!{header_row}:{header_row}", code])
            continue
        row = header_row if index < 0 else header_row + 1 + index
        expected.append([f"{sheet_name}!{column_letter(names.index(column) + 1)}{row}", code])
    path = folder / ("valid" if case.valid else "invalid") / f"{case.name}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    expected_path = path.with_suffix(".expected.json")
    expected_path.write_text(json.dumps(sorted(expected, key=_place), indent=1) + "\n")


def _place(pair: list[str]) -> tuple[int, str]:
    address = pair[0].split("!")[1].split(":")[0]
    digits = "".join(c for c in address if c.isdigit())
    letters = "".join(c for c in address if c.isalpha())
    return int(digits), f"{len(letters)}{letters}{pair[1]}"


def main(folder: Path = HERE, select: Callable[[Case], bool] = lambda case: True) -> None:
    for case in CASES:
        if select(case):
            build_case(case, folder)


if __name__ == "__main__":
    main()
    print(f"wrote {len(CASES)} cases under {HERE}")

"""The template in a real spreadsheet engine: LibreOffice keeps the table and dropdowns, recalculates the
total formula, and renders the overdue rule on exactly the overdue rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import lxml.html
import openpyxl
import pytest

from xl_addin import resources
from xl_addin.engine.findings import column_letter

pytestmark = pytest.mark.libreoffice
OVERDUE_COLOUR = "#F4CCCC"


def filled_copy(schema, folder: Path) -> tuple[Path, set[int], dict[int, int]]:
    """The template with items typed in, dated around today so the live overdue rule has work to do.

    Returns the file, the sheet rows that are overdue today, and the expected total per row.
    """
    today = dt.date.today()
    workbook = openpyxl.load_workbook(resources.template_path())
    sheet = workbook[schema.sheet]
    column = {c.name: i for i, c in enumerate(schema.columns, start=1)}
    statuses = ["Planned", "In progress", "Completed", "Cancelled", "Identified", "Planned"]
    overdue, totals = set(), {}
    for index in range(12):
        row = index + 2
        status = statuses[index % len(statuses)]
        target = today + dt.timedelta(days=(-30 + index * 7) if index % 4 else -1)
        ratings = [1 + index % 3, 1 + (index + 1) % 3, 3, 1 + (index * 2) % 3]
        values = {"ID": f"IMP-{index + 1:04d}", "Date raised": today - dt.timedelta(days=200),
                  "Source": "Staff suggestion", "Type": "Improvement", "Description": f"Item {index}",
                  "Status": status, "Target date": target, "Owner": "Mei Tanaka"}
        values |= dict(zip(schema.roles["ratings"], ratings, strict=True))
        for name, value in values.items():
            sheet.cell(row, column[name], value)
        totals[row] = sum(ratings)
        if target < today and status not in ("Completed", "Cancelled"):
            overdue.add(row)
    path = folder / "filled.xlsx"
    workbook.save(path)
    return path, overdue, totals


def test_libreoffice_keeps_table_and_dropdowns_and_recalculates_totals(libreoffice, schema, tmp_path) -> None:
    source, _, totals = filled_copy(schema, tmp_path)
    converted = libreoffice.convert(source, "xlsx")
    workbook = openpyxl.load_workbook(converted, data_only=True)
    sheet = workbook[schema.sheet]
    assert "Register" in sheet.tables
    lists = {}
    for validation in sheet.data_validations.dataValidation:
        if validation.type == "list":
            first = str(validation.sqref).split()[0].split(":")[0]
            lists["".join(c for c in first if c.isalpha())] = validation.formula1.strip('"').split(",")
    for index, column in enumerate(schema.columns, start=1):
        if column.kind == "choice":
            assert lists[column_letter(index)] == list(column.choices), column.name
    total = [c.name for c in schema.columns].index("Priority total") + 1
    assert {row: sheet.cell(row, total).value for row in totals} == totals
    assert sheet.cell(20, total).value in (None, "")  # blank row: the formula shows nothing, not 0


def test_libreoffice_renders_overdue_fill_on_exactly_the_overdue_rows(libreoffice, schema, tmp_path) -> None:
    source, overdue, _ = filled_copy(schema, tmp_path)
    assert overdue and len(overdue) < 12  # the data has both kinds of row
    html = libreoffice.convert(source, "html")
    rows = lxml.html.parse(str(html)).find(".//table").findall(".//tr")
    filled = {number for number, tr in enumerate(rows, start=1)
              if any((td.get("bgcolor") or "").upper() == OVERDUE_COLOUR for td in tr.findall("td"))}
    assert filled == overdue

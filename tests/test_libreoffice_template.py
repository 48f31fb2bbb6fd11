"""The template in a real spreadsheet engine: LibreOffice keeps the table and dropdowns, recalculates the
total formula, renders the overdue rule on exactly the overdue rows, and shows Validate's marks on them."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import lxml.html
import openpyxl
import pytest

from xl_addin import cli, resources
from xl_addin.engine.findings import Severity
from xl_addin.engine.marks import FINDING_COLOURS, OVERDUE_COLOUR
from xl_addin.ooxml.refs import column_letter

pytestmark = pytest.mark.libreoffice
OVERDUE_TEXT = "#9C0006"  # the live rule's font colour (template.OVERDUE_FONT)


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


def _rendered_rows(html: Path) -> list[list[lxml.html.HtmlElement]]:
    return [tr.findall("td") for tr in lxml.html.parse(str(html)).find(".//table").findall(".//tr")]


def _text_colour(td: lxml.html.HtmlElement) -> str:
    font = td.find(".//font")
    return (font.get("color") or "").upper() if font is not None else ""


def test_libreoffice_renders_overdue_rule_on_exactly_the_overdue_rows(libreoffice, schema, tmp_path) -> None:
    source, overdue, _ = filled_copy(schema, tmp_path)
    assert overdue and len(overdue) < 12  # the data has both kinds of row
    rows = _rendered_rows(libreoffice.convert(source, "html"))
    shown = {number for number, cells in enumerate(rows, start=1) if _text_colour(cells[0]) == OVERDUE_TEXT}
    assert shown == overdue


def test_a_validate_mark_on_an_overdue_row_shows_in_the_error_colour(libreoffice, schema, tmp_path) -> None:
    """The live overdue rule must not cover the cell Validate marked (a conditional fill would, in Excel and
    LibreOffice alike); nor may `overdue --in-place` run before or after Validate."""
    source, overdue, _ = filled_copy(schema, tmp_path)
    row = min(overdue)
    workbook = openpyxl.load_workbook(source)
    owner = [c.name for c in schema.columns].index("Owner") + 1
    workbook[schema.sheet].cell(row, owner).value = None  # an open item needs an owner: an error on that cell
    workbook.save(source)
    marked = tmp_path / "marked.xlsx"
    as_of = dt.date.today().isoformat()
    for command in (["overdue", str(source), "-o", str(marked), "--as-of", as_of],
                    ["validate", str(marked), "--mark", "--in-place", "--as-of", as_of],
                    ["overdue", str(marked), "--in-place", "--as-of", as_of]):
        assert cli.main(command, out=io.StringIO()) in (0, 1), command
    rows = _rendered_rows(libreoffice.convert(marked, "html"))
    cell = rows[row - 1][owner - 1]
    assert (cell.get("bgcolor") or "").upper() == "#" + FINDING_COLOURS[Severity.ERROR][-6:]
    assert _text_colour(rows[row - 1][0]) == OVERDUE_TEXT  # the row still reads as overdue
    # the tool's overdue fill on the rest of the row
    assert (rows[row - 1][0].get("bgcolor") or "").upper() == "#" + OVERDUE_COLOUR[-6:]


def test_printing_the_template_and_the_sample_gives_no_pages_of_empty_rows(libreoffice, tmp_path) -> None:
    """A few empty rows are made ready below the items (not 200), and the sheet prints one page wide; the
    Dashboard sheet prints on one page after it."""
    for source, most in ((resources.template_path(), 1 + 1), (resources.sample_path(), 2 + 1)):
        pdf = libreoffice.convert(shutil.copyfile(source, tmp_path / source.name), "pdf")
        pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        count = int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")))
        assert count <= most, (source.name, count)
    sheet = openpyxl.load_workbook(resources.template_path())["Register"]
    assert sheet.page_setup.fitToWidth == 1 and sheet.print_title_rows == "$1:$1"

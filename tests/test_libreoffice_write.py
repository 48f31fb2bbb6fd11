"""Written workbooks in a real spreadsheet engine: totals recalculate to the engine's, highlights render on
exactly the overdue rows."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import lxml.html
import openpyxl
import pytest

from xl_addin import cli, resources
from xl_addin.engine.marks import OVERDUE_COLOUR
from xl_addin.engine.overdue import overdue_items
from xl_addin.engine.priorities import compute_priorities
from xl_addin.usecases.actions import load_register

pytestmark = pytest.mark.libreoffice
CASES = Path(__file__).parent / "cases"


def test_recalculated_totals_equal_the_engines(libreoffice, schema, tmp_path: Path) -> None:
    work = tmp_path / "register.xlsx"
    shutil.copyfile(resources.sample_path(), work)
    assert cli.main(["priorities", str(work), "--in-place"], out=io.StringIO()) == 0
    engine = {item.row: item.total for item in compute_priorities(load_register(work, schema)[0], schema).items}
    recalculated = openpyxl.load_workbook(libreoffice.convert(work, "xlsx"), data_only=True)["Register"]
    total = [c.name for c in schema.columns].index("Priority total") + 1
    shown = {row: recalculated.cell(row, total).value for row in engine}
    assert {row: (value if value != "" else None) for row, value in shown.items()} == engine
    assert sum(1 for value in engine.values() if value is not None) == 57


def test_rendered_highlights_are_exactly_the_overdue_rows(libreoffice, schema, tmp_path: Path) -> None:
    # A register without the template's live rule, so every coloured cell is the tool's own fill.
    work = tmp_path / "plain.xlsx"
    workbook = openpyxl.load_workbook(resources.sample_path())
    workbook["Register"].conditional_formatting = type(workbook["Register"].conditional_formatting)()
    workbook.save(work)
    as_of = dt.date(2026, 9, 1)
    assert cli.main(["overdue", str(work), "--in-place", "--as-of", as_of.isoformat()], out=io.StringIO()) == 0
    expected = {item.row for item in overdue_items(load_register(work, schema)[0], schema, as_of=as_of)}
    rows = lxml.html.parse(str(libreoffice.convert(work, "html"))).find(".//table").findall(".//tr")
    highlighted = {number for number, tr in enumerate(rows, start=1)
                   if any((td.get("bgcolor") or "").upper() == "#" + OVERDUE_COLOUR[2:] for td in tr.findall("td"))}
    assert expected and highlighted == expected


def test_the_findings_sheet_prints_one_page_wide_with_its_header_and_the_item_ids(libreoffice,
                                                                                    tmp_path: Path) -> None:
    """validate --mark on the sample, printed by LibreOffice: the Findings sheet's pages are one page wide, each
    begins with the header row, and each finding names the item it is about."""
    import re
    import subprocess

    marked = tmp_path / "marked.xlsx"
    out = io.StringIO()
    assert cli.main(["validate", str(resources.sample_path()), "--mark", "-o", str(marked), "--as-of",
                     "2026-11-25"], out=out) == 1, out.getvalue()
    workbook = openpyxl.load_workbook(marked)
    for sheet in workbook.worksheets:
        if sheet.title != "Findings":
            sheet.sheet_state = "hidden"  # print the Findings sheet alone
    findings = workbook["Findings"]
    assert [cell.value for cell in findings[1]] == ["Cell", "ID", "Severity", "Code", "Column", "Value", "Message"]
    register = workbook["Register"]
    id_column = next(cell.column for cell in register[1] if cell.value == "ID")
    named = 0
    for cell, item_id, *_ in findings.iter_rows(min_row=2, values_only=True):
        found = re.fullmatch(r"Register!\$?[A-Z]+\$?(\d+)", str(cell))
        if found and int(found.group(1)) > 1:
            assert item_id == register.cell(int(found.group(1)), id_column).value, cell
            named += 1
    assert named > 20
    assert findings.print_title_rows == "$1:$1" and findings.page_setup.fitToWidth == 1
    rows = list(findings.iter_rows(min_row=2, values_only=True))
    for _ in range(4):  # a register with more findings: the listing runs over pages
        for row in rows:
            findings.append(list(row))
    alone = tmp_path / "findings-alone.xlsx"
    workbook.save(alone)
    pdf = libreoffice.convert(alone, "pdf")
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    pages = [page for page in pages if page.strip()]
    assert len(pages) >= 2
    for page in pages:
        first = page.strip().splitlines()[0].split()
        assert first == ["Cell", "ID", "Severity", "Code", "Column", "Value", "Message"], first
    assert all("Message" in page for page in pages) and not any(re.fullmatch(r"\s*Message\s*", page)
                                                                for page in pages)

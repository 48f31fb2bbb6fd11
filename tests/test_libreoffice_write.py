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

"""The snapshot's streamed rows are the XML openpyxl's write-only mode writes for the same values and styles,
byte for byte, including the awkward values (spaces kept, markup characters, carriage returns, text that looks
like a formula, booleans, dates, times, floats, empty strings and styled empty cells)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from xl_addin.ooxml.sheet_rows import SheetRows

AWKWARD = [
    "plain", " leading", "trailing ", "a & b < c > d", "line\r\nbreak", "=SUM(A1:A2)", "", "Ünïcödé — ok",
    "tab\tinside", "\u00a0nbsp", 0, -3, 2.5, 1e-7, 12345678901234567, True, False, Decimal("1.10"),
    dt.date(2026, 11, 25), dt.datetime(2026, 11, 25, 9, 30), dt.time(8, 15), dt.timedelta(hours=30), None,
]
FILL = PatternFill("solid", fgColor="FFFFC7CE")


def _openpyxl_rows(rows: list[list[tuple[object, bool]]]) -> tuple[bytes, list[list[int]]]:
    """sheetData as openpyxl writes it, and the style id each cell got."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("S")
    ids = []
    for row in rows:
        cells = []
        for value, styled in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"
            if styled:
                cell.fill = FILL
                cell.font = Font(bold=True)
            cells.append(cell)
        ids.append([cell.style_id if cell.has_style else 0 for cell in cells])
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    xml = zipfile.ZipFile(buffer).read("xl/worksheets/sheet1.xml")
    return xml[xml.index(b"<sheetData>") + 11:xml.index(b"</sheetData>")], ids


def test_streamed_rows_are_byte_for_byte_what_openpyxl_writes() -> None:
    rows = [[(value, False) for value in AWKWARD], [(value, True) for value in AWKWARD], [], [(None, True)]]
    expected, ids = _openpyxl_rows(rows)
    streamed = SheetRows()
    for row, styles in zip(rows, ids, strict=True):
        streamed.append([(value, style) for (value, _), style in zip(row, styles, strict=True)])
    assert b"".join(streamed.xml()) == expected
    assert len(streamed) == 4


def test_characters_xml_cannot_hold_are_written_as_excel_writes_them() -> None:
    streamed = SheetRows()
    streamed.append([("bell\x07here", 0), ("_x0041_ as typed", 0)])
    assert b"".join(streamed.xml()) == (b'<row r="1"><c r="A1" t="inlineStr"><is><t>bell_x0007_here</t></is></c>'
                                        b'<c r="B1" t="inlineStr"><is><t>_x005F_x0041_ as typed</t></is></c></row>')

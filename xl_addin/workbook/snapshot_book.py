"""The snapshot workbook: values only (no formulas, macros or links), a frozen Register sheet and a Review
sheet of titled tables with native Excel charts drawn from those tables.

Written in openpyxl's streaming (write-only) mode: a 10,000-row register is some 300,000 cells, and building
them as ordinary cells first would triple the time to write them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from copy import copy
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from xl_addin.engine.marks import OVERDUE_COLOUR
from xl_addin.engine.snapshot import BUNCHING_WINDOW_DAYS, DAYS_OVERDUE, Snapshot

DATE_FORMAT = "yyyy-mm-dd"
MOMENT_FORMAT = "yyyy-mm-dd hh:mm"
HEADER_FILL = PatternFill("solid", fgColor="FFD9E1F2")
OVERDUE_FILL = PatternFill("solid", fgColor=OVERDUE_COLOUR)
TITLE_FONT = Font(bold=True, size=12)
BOLD = Font(bold=True)
NONE_SUFFIX = " (none)"
CHART_COLUMN = "J"
# Charts drawn on the Review sheet: (table key, chart title, kind, value axis title)
CHARTS = (
    ("by-status", "Items by status", "bar", "Items"),
    ("closures-per-month", "Closures per month (last 12 months)", "bar", "Items closed"),
    ("raised-per-month", "Entries raised per month (last 12 months)", "line", "Items raised"),
    ("overdue-owners", "Overdue items by owner", "bar", "Overdue items"),
)


class _Cells:
    """Cells for one streamed sheet: plain values where nothing is needed, styled cells where it is.

    Each distinct style is built once and its style record copied onto later cells: setting font, fill and
    number format cell by cell costs more than writing the cell.
    """

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        self.sheet = sheet
        self.styles: dict[tuple[int, int, str | None], Any] = {}

    def value(self, value: Any, *, font: Font | None = None, fill: PatternFill | None = None) -> Any:
        text_like_formula = isinstance(value, str) and value.startswith("=")
        number_format = None
        if isinstance(value, dt.date):
            number_format = MOMENT_FORMAT if isinstance(value, dt.datetime) else DATE_FORMAT
        if not (text_like_formula or font or fill or number_format):
            return value
        cell = WriteOnlyCell(self.sheet, value=value)
        if text_like_formula:
            cell.data_type = "s"  # openpyxl would otherwise store it as a formula
        key = (id(font), id(fill), number_format)  # hashing a Font or a fill costs more than the cell
        if key not in self.styles:
            if font:
                cell.font = font
            if fill:
                cell.fill = fill
            if number_format:
                cell.number_format = number_format
            self.styles[key] = cell._style
        else:
            cell._style = copy(self.styles[key])
        return cell

    def row(self, values: Iterable[Any], *, font: Font | None = None, fill: PatternFill | None = None) -> None:
        self.sheet.append([self.value(value, font=font, fill=fill) for value in values])


def build_snapshot_workbook(snapshot: Snapshot) -> Workbook:
    workbook = Workbook(write_only=True)
    register_sheet = workbook.create_sheet("Register")
    review = workbook.create_sheet("Review")
    for sheet in (register_sheet, review):
        _print_one_page_wide(sheet)  # before any row: a streamed sheet writes its properties with the first
    register_sheet.print_title_rows = "1:1"
    _write_register(register_sheet, snapshot)
    anchors = _write_review(review, snapshot)
    _add_charts(review, anchors)
    return workbook


def _print_one_page_wide(sheet: WriteOnlyWorksheet) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9  # A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes


def _widths(sheet: WriteOnlyWorksheet, widths: Sequence[float]) -> None:
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width


def _write_register(sheet: WriteOnlyWorksheet, snapshot: Snapshot) -> None:
    _widths(sheet, [max(10, min(40, len(name) + 4)) for name in snapshot.columns])
    sheet.freeze_panes = "B2"
    last = get_column_letter(len(snapshot.columns))
    sheet.auto_filter.ref = f"A1:{last}{max(1, len(snapshot.items) + 1)}"
    cells = _Cells(sheet)
    cells.row(snapshot.columns, font=BOLD, fill=HEADER_FILL)
    for item in snapshot.items:
        late = item.get(DAYS_OVERDUE) is not None
        cells.row((item.get(name) for name in snapshot.columns), fill=OVERDUE_FILL if late else None)


def _header_lines(snapshot: Snapshot) -> list[tuple[str, Any]]:
    steady = snapshot.steady_stream
    busiest = (f"{steady.busiest_entries} entries from {steady.busiest_start} to {steady.busiest_end}"
               if steady.busiest_start else "no entries in the year")
    verdict = snapshot.findings[0].message if snapshot.findings else "Entries are spread through the year."
    return [
        ("Register file", snapshot.register_file),
        ("SHA-256", snapshot.register_sha256),
        ("As of", snapshot.as_of),
        ("Previous review", snapshot.previous_review or "none: every item counts as new"),
        ("Items", len(snapshot.items)),
        ("Entries raised in the year to the as-of date", steady.entries_in_year),
        (f"Busiest {BUNCHING_WINDOW_DAYS} days", busiest),
        ("Steady stream", verdict),
        ("Median days from raised to closed", steady.median_days_to_close),
    ]


def _write_review(sheet: WriteOnlyWorksheet, snapshot: Snapshot) -> dict[str, tuple[int, int]]:
    """Write the header block and the tables; return each table's (header row, last row)."""
    _widths(sheet, (30, 18, 16, 14, 14, 14, 40))
    cells = _Cells(sheet)
    cells.row([f"Management review snapshot: {snapshot.schema_title}"], font=Font(bold=True, size=14))
    header_lines = _header_lines(snapshot)
    for label, value in header_lines:
        sheet.append([cells.value(label, font=BOLD), cells.value(value)])
    row = 1 + len(header_lines)
    anchors: dict[str, tuple[int, int]] = {}
    for table in snapshot.tables:
        sheet.append([])
        if table.unavailable:
            cells.row([table.title], font=TITLE_FONT)
            cells.row([table.unavailable])
            row += 3
            continue
        cells.row([table.title + ("" if table.rows else NONE_SUFFIX)], font=TITLE_FONT)
        cells.row(table.columns, font=BOLD, fill=HEADER_FILL)
        for values in table.rows:
            cells.row(values)
        header = row + 3
        row = header + len(table.rows)
        anchors[table.key] = (header, row)
    return anchors


def _add_charts(sheet: WriteOnlyWorksheet, anchors: dict[str, tuple[int, int]]) -> None:
    top = 2
    for key, title, kind, axis_title in CHARTS:
        if key not in anchors:
            continue  # a schema without that column, or a register without the columns to fill it
        header, last = anchors[key]
        chart = _chart(sheet, kind, title if last > header else f"{title}: none", axis_title, header,
                       max(last, header + 1))
        sheet.add_chart(chart, f"{CHART_COLUMN}{top}")
        top += 18


def _chart(sheet: WriteOnlyWorksheet, kind: str, title: str, axis_title: str, header: int,
           last: int) -> BarChart | LineChart:
    chart: BarChart | LineChart = BarChart() if kind == "bar" else LineChart()
    if isinstance(chart, BarChart):
        chart.type = "col"
    chart.title = title
    chart.y_axis.title = axis_title
    chart.legend = None
    chart.height, chart.width = 8, 16
    # openpyxl hides axes by default (delete=True); a review chart needs its labels.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.majorGridlines = None
    chart.add_data(Reference(sheet, min_col=2, min_row=header, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=header + 1, max_row=last))
    for series in chart.series:
        series.smooth = False  # counts per month are points, not a curve
    return chart

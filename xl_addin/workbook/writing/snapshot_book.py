"""The snapshot workbook: values only (no formulas, macros or links), a frozen Register sheet and a Review
sheet of titled tables with native Excel charts drawn from those tables.

openpyxl lays out the workbook (sheet settings, styles, charts); the rows, some 300,000 cells for a
10,000-row register, are written by `sheet_rows` as the same SpreadsheetML openpyxl's write-only mode writes,
without building a cell object per value, which took most of a snapshot's time.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.pagebreak import Break

from xl_addin.engine.marks import OVERDUE_COLOUR
from xl_addin.engine.snapshot import BUNCHING_WINDOW_DAYS, DAYS_OVERDUE, Snapshot
from xl_addin.ooxml.refs import column_letter
from xl_addin.ooxml.sheet_rows import SheetRows
from xl_addin.ooxml.zip_package import PackageWriter

DATE_FORMAT = "yyyy-mm-dd"
MOMENT_FORMAT = "yyyy-mm-dd hh:mm"
HEADER_FILL = PatternFill("solid", fgColor="FFD9E1F2")
OVERDUE_FILL = PatternFill("solid", fgColor=OVERDUE_COLOUR)
TITLE_FONT = Font(bold=True, size=12)
BOLD = Font(bold=True)
NONE_SUFFIX = " (none)"
# The charts have a sheet of their own, two to a printed page with a page break between the pairs, so that
# printing never cuts one in two (beside the Review tables, page breaks fell wherever the tables ran to).
CHARTS_SHEET = "Charts"
CHART_ROWS = 20  # rows from one chart's top to the next's: 8 cm of chart and a gap
CHARTS_PER_PAGE = 2
# Charts drawn on the Review sheet: (table key, chart title, kind, value axis title)
CHARTS = (
    ("by-status", "Items by status", "bar", "Items"),
    ("closures-per-month", "Closures per month (last 12 months)", "bar", "Items closed"),
    ("raised-per-month", "Entries raised per month (last 12 months)", "line", "Items raised"),
    ("overdue-owners", "Overdue items by owner", "bar", "Overdue items"),
)


class _Cells:
    """Rows for one sheet, each value with the style it needs: a date its number format, a header its font and
    fill. Each distinct style is registered once with the workbook, which writes it into styles.xml."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        self.sheet = sheet
        self.rows = SheetRows()
        self.styles: dict[tuple[int, int], _StylesByKind] = {}

    def _styles(self, font: Font | None, fill: PatternFill | None) -> _StylesByKind:
        """Style ids by the kind of value (a date's number format) with this font and fill."""
        key = (id(font), id(fill))  # hashing a Font or a fill costs more than the cell
        styles = self.styles.get(key)
        if styles is None:
            styles = self.styles[key] = _StylesByKind(partial(self._new_style, font=font, fill=fill))
        return styles

    def _new_style(self, kind: type, *, font: Font | None, fill: PatternFill | None) -> int:
        number_format = _number_format(kind)
        if not (font or fill or number_format):
            return 0
        cell = WriteOnlyCell(self.sheet)
        if font:
            cell.font = font
        if fill:
            cell.fill = fill
        if number_format:
            cell.number_format = number_format
        return cell.style_id

    def row(self, values: Sequence[Any], *, font: Font | None = None, fill: PatternFill | None = None) -> None:
        self.rows.append(list(zip(values, map(self._styles(font, fill).__getitem__, map(type, values)),
                                  strict=True)))

    def cells(self, *pairs: tuple[Any, Font | None]) -> None:
        """One row whose cells differ in font."""
        self.rows.append([(value, self._styles(font, None)[type(value)]) for value, font in pairs])


class _StylesByKind(dict[type, int]):
    """A style id for each kind of value, made when a kind is first seen."""

    def __init__(self, make: Callable[[type], int]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, kind: type) -> int:
        style = self[kind] = self.make(kind)
        return style


def _number_format(kind: type) -> str | None:
    if issubclass(kind, dt.datetime):
        return MOMENT_FORMAT
    if issubclass(kind, dt.date):
        return DATE_FORMAT
    if issubclass(kind, dt.time):
        return "h:mm:ss"
    if issubclass(kind, dt.timedelta):
        return "[hh]:mm:ss"
    return None


class SnapshotWorkbook:
    """The workbook as openpyxl lays it out, with each sheet's rows streamed in when it is saved."""

    def __init__(self, workbook: Workbook, rows: list[tuple[WriteOnlyWorksheet, SheetRows]]) -> None:
        self.workbook = workbook
        self.rows = rows

    def save(self, target: Path) -> None:
        """openpyxl's package with each sheet's rows put in: its other parts copied as it compressed them, the
        rows made into XML here while a thread compresses what was made before."""
        frame = io.BytesIO()
        self.workbook.save(frame)
        rows = {sheet.path.lstrip("/"): sheet_rows for sheet, sheet_rows in self.rows}  # named when saved
        with zipfile.ZipFile(frame) as source, target.open("wb") as out:
            writer = PackageWriter(out)
            for info in source.infolist():
                if info.filename in rows:
                    writer.write(info.filename, _with_rows(source.read(info.filename), rows[info.filename]),
                                 like=info)
                else:
                    writer.copy(frame, info)
            writer.close()


def _with_rows(sheet_xml: bytes, rows: SheetRows) -> Iterator[bytes]:
    """The sheet's XML with its (empty) sheetData filled."""
    before, found, after = sheet_xml.partition(b"<sheetData></sheetData>")  # as openpyxl streams an empty one
    if not found:
        raise ValueError("the sheet has no empty sheetData to fill")
    yield before + b"<sheetData>"
    yield from rows.xml()
    yield b"</sheetData>" + after


def build_snapshot_workbook(snapshot: Snapshot) -> SnapshotWorkbook:
    workbook = Workbook(write_only=True)
    register_sheet = workbook.create_sheet("Register")
    review = workbook.create_sheet("Review")
    charts = workbook.create_sheet(CHARTS_SHEET)
    for sheet in (register_sheet, review):
        _print_one_page_wide(sheet)
    # at full size, as fitting to a page makes Excel ignore the page breaks between the pairs of charts
    charts.page_setup.orientation = "portrait"
    charts.page_setup.paperSize = 9  # A4
    register_sheet.print_title_rows = "1:1"
    register_rows = _write_register(register_sheet, snapshot)
    review_rows, anchors = _write_review(review, snapshot)
    _add_charts(charts, review, anchors, snapshot)
    return SnapshotWorkbook(workbook, [(register_sheet, register_rows), (review, review_rows),
                                       (charts, _charts_rows(charts))])


def _charts_rows(sheet: WriteOnlyWorksheet) -> SheetRows:
    """A line below the charts: it says where their data is, and makes the rows they stand on part of the sheet,
    which LibreOffice needs to keep the page breaks between them."""
    rows = SheetRows()
    for _ in range(len(CHARTS) * CHART_ROWS):
        rows.append([])
    rows.append([("The charts are drawn from the tables on the Review sheet.", 0)])
    return rows


def _print_one_page_wide(sheet: WriteOnlyWorksheet) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9  # A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes


def _widths(sheet: WriteOnlyWorksheet, widths: Sequence[float]) -> None:
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[column_letter(number)].width = width


def _write_register(sheet: WriteOnlyWorksheet, snapshot: Snapshot) -> SheetRows:
    _widths(sheet, [max(10, min(40, len(name) + 4)) for name in snapshot.columns])
    sheet.freeze_panes = "B2"
    last = column_letter(len(snapshot.columns))
    sheet.auto_filter.ref = f"A1:{last}{max(1, len(snapshot.items) + 1)}"
    cells = _Cells(sheet)
    cells.row(snapshot.columns, font=BOLD, fill=HEADER_FILL)
    for item in snapshot.items:
        late = item.get(DAYS_OVERDUE) is not None
        cells.row(list(map(item.get, snapshot.columns)), fill=OVERDUE_FILL if late else None)
    return cells.rows


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
        ("Closed and new since", snapshot.since_basis),
        ("Data quality", _quality_line(snapshot)),
    ]


def _quality_line(snapshot: Snapshot) -> str:
    """The validation findings in one line, so a review never reads a register it does not know is broken."""
    if not snapshot.data_quality:
        return "no validation findings"
    by_severity = {severity: sum(count for _, level, count in snapshot.data_quality if level == severity)
                   for severity in ("error", "warning", "info")}
    counts = ", ".join(f"{count} {severity}{'s' if count != 1 and severity != 'info' else ''}"
                       for severity, count in by_severity.items())
    return f"{counts} (see the Data quality table; xlreg validate lists them cell by cell)"


def _write_review(sheet: WriteOnlyWorksheet, snapshot: Snapshot) -> tuple[SheetRows, dict[str, tuple[int, int]]]:
    """The header block and the tables, and each table's (header row, last row)."""
    header_lines = _header_lines(snapshot)
    _widths(sheet, (_label_width(snapshot, header_lines), 18, 16, 14, 14, 14, 40))
    cells = _Cells(sheet)
    cells.row([f"Management review snapshot: {snapshot.schema_title}"], font=Font(bold=True, size=14))
    for label, value in header_lines:
        cells.cells((label, BOLD), (value, None))
    row = 1 + len(header_lines)
    anchors: dict[str, tuple[int, int]] = {}
    for table in snapshot.tables:
        cells.row([])
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
    return cells.rows, anchors


def _label_width(snapshot: Snapshot, header_lines: Sequence[tuple[str, Any]]) -> int:
    """Column A holds labels with a value beside them (the header block, each table's first column): wide
    enough for the longest, so none is cut off when printed, up to a width that still fits a page."""
    labels = [label for label, _ in header_lines]
    labels += [str(row[0]) for table in snapshot.tables for row in table.rows if row and row[0] is not None]
    return min(60, max(30, max((len(label) for label in labels), default=0) + 2))


def _count_step(peak: float) -> int:
    """A whole-number tick step for a count axis (1, 2, 5, 10, 20...), about five ticks up to `peak`: left to
    itself Excel puts ticks at 0.5 for small counts."""
    step = 1
    while peak / step > 10:
        step = step * 5 // 2 if str(step).startswith("2") else step * 2
    return step


def _add_charts(sheet: WriteOnlyWorksheet, data: WriteOnlyWorksheet, anchors: dict[str, tuple[int, int]],
                snapshot: Snapshot) -> None:
    """The charts on their sheet, drawn from the Review sheet's tables (`data`), two to a printed page."""
    tables = {table.key: table for table in snapshot.tables}
    # a schema without a column, or a register without the columns to fill a table, has no chart for it
    drawn = [chart for chart in CHARTS if chart[0] in anchors]
    for placed, (key, title, kind, axis_title) in enumerate(drawn):
        if placed and placed % CHARTS_PER_PAGE == 0:
            sheet.row_breaks.append(Break(id=placed * CHART_ROWS))
        header, last = anchors[key]
        chart = _chart(data, kind, title if last > header else f"{title}: none", axis_title, header,
                       max(last, header + 1))
        counts = [row[1] for row in tables[key].rows if len(row) > 1 and isinstance(row[1], int | float)]
        chart.y_axis.majorUnit = _count_step(max(counts, default=0))
        chart.y_axis.number_format = "0"
        sheet.add_chart(chart, f"A{2 + placed * CHART_ROWS}")  # a row below each page break


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

"""The snapshot workbook, printed as a review pack: values only (no formulas, macros or links). Its sheets, in the
order they print: Review (the headline figures and what the review rests on, one page), Charts (native Excel
charts, two to a page), a sheet per section of the review's tables (Since the last review, Overdue and on hold,
Priorities...: each printed one page wide from a page of its own, columns as wide as their headers' words and
their values, long text wrapped) and Register (the frozen register, every column, printed page by page at full
size with its header row and ID column repeated).

openpyxl lays out the workbook (sheet settings, styles, charts); the rows, some 300,000 cells for a
10,000-row register, are written by `sheet_rows` as the same SpreadsheetML openpyxl's write-only mode writes,
without building a cell object per value, which took most of a snapshot's time.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.pagebreak import Break

from xl_addin.engine.marks import OVERDUE_COLOUR
from xl_addin.engine.snapshot import (
    DAYS_OVERDUE,
    REVIEW_CHARTS,
    ReviewTable,
    Snapshot,
    Unit,
    count_step,
    review_basis,
    review_sections,
)
from xl_addin.ooxml.refs import column_letter
from xl_addin.ooxml.sheet_rows import SheetRows
from xl_addin.ooxml.zip_package import PackageWriter
from xl_addin.workbook.writing.print_layout import column_widths, row_height

DATE_FORMAT = "yyyy-mm-dd"
MOMENT_FORMAT = "yyyy-mm-dd hh:mm"
UNIT_FORMATS: dict[Unit, str] = {"percent": "0%", "days": "0", "count": "0"}
WRAP = Alignment(wrap_text=True, vertical="top")
REVIEW, REGISTER = "Review", "Register"
# Printing: a column one character wide takes about 0.27 cm on paper (the character and the cell's margins), and
# an A4 landscape page holds 27 cm across. A sheet is printed one page wide when that keeps its text at 60% of its
# size or more, else across as few pages as keep it at 70% (the frozen register).
CM_PER_CHARACTER = 0.27
LANDSCAPE_CM = 27.0
SMALLEST_SCALE = 0.6
PRINT_SCALE = 0.7
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


class _Cells:
    """Rows for one sheet, each value with the style it needs: a date its number format, a header its font and
    fill. Each distinct style is registered once with the workbook, which writes it into styles.xml."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        self.sheet = sheet
        self.rows = SheetRows()
        self.styles: dict[tuple[int, int, str | None, int], _StylesByKind] = {}

    def _styles(self, font: Font | None, fill: PatternFill | None, number_format: str | None = None,
                alignment: Alignment | None = None) -> _StylesByKind:
        """Style ids by the kind of value (a date's number format) with this font, fill, number format (for
        numbers) and alignment."""
        key = (id(font), id(fill), number_format, id(alignment))  # hashing a Font costs more than the cell
        styles = self.styles.get(key)
        if styles is None:
            styles = self.styles[key] = _StylesByKind(partial(self._new_style, font=font, fill=fill,
                                                              number_format=number_format, alignment=alignment))
        return styles

    def _new_style(self, kind: type, *, font: Font | None, fill: PatternFill | None, number_format: str | None,
                   alignment: Alignment | None) -> int:
        shown = number_format if number_format and kind in (int, float) else _number_format(kind)
        if not (font or fill or shown or alignment):
            return 0
        cell = WriteOnlyCell(self.sheet)
        if font:
            cell.font = font
        if fill:
            cell.fill = fill
        if shown:
            cell.number_format = shown
        if alignment:
            cell.alignment = alignment
        return cell.style_id

    def row(self, values: Sequence[Any], *, font: Font | None = None, fill: PatternFill | None = None,
            alignment: Alignment | None = None, height: float | None = None) -> None:
        self.rows.append(list(zip(values, map(self._styles(font, fill, None, alignment).__getitem__, map(type, values)),
                                  strict=True)), height=height)

    def cells(self, *cells: tuple[Any, Font | None, str | None, Alignment | None], height: float | None = None) -> None:
        """One row whose cells differ in style: (value, font, number format, alignment) each."""
        self.rows.append([(value, self._styles(font, None, number_format, alignment)[type(value)])
                          for value, font, number_format, alignment in cells], height=height)

    def row_formatted(self, values: Sequence[Any], formats: Sequence[str | None], *, fill: PatternFill | None = None,
                      height: float | None = None) -> None:
        """One row, each value with its number format (for numbers), wrapped at its column's width."""
        if not any(formats):  # most rows: one style table for the whole row
            styles = self._styles(None, fill, None, WRAP)
            self.rows.append(list(zip(values, map(styles.__getitem__, map(type, values)), strict=True)),
                             height=height)
            return
        self.rows.append([(value, self._styles(None, fill, number_format, WRAP)[type(value)])
                          for value, number_format in zip(values, formats, strict=False)], height=height)


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
    review = workbook.create_sheet(REVIEW)
    charts = workbook.create_sheet(CHARTS_SHEET)
    _print_one_page_wide(review, landscape=False)
    # at full size, as fitting to a page makes Excel ignore the page breaks between the pairs of charts
    charts.page_setup.orientation = "portrait"
    charts.page_setup.paperSize = 9  # A4
    sheets: list[tuple[WriteOnlyWorksheet, SheetRows]] = [(review, _write_cover(review, snapshot))]
    anchors: dict[str, tuple[WriteOnlyWorksheet, int, int]] = {}
    for title, tables in review_sections(snapshot.tables):
        section = workbook.create_sheet(title)
        _print_one_page_wide(section, landscape=True)
        rows, found = _write_section(section, title, tables)
        sheets.append((section, rows))
        anchors.update((key, (section, header, last)) for key, (header, last) in found.items())
    register_sheet = workbook.create_sheet(REGISTER)
    sheets.append((register_sheet, _write_register(register_sheet, snapshot)))
    _add_charts(charts, anchors, snapshot)
    return SnapshotWorkbook(workbook, [sheets[0], (charts, _charts_rows(charts)), *sheets[1:]])


def _charts_rows(sheet: WriteOnlyWorksheet) -> SheetRows:
    """A line below the charts: it says where their data is, and makes the rows they stand on part of the sheet,
    which LibreOffice needs to keep the page breaks between them."""
    rows = SheetRows()
    for _ in range(len(REVIEW_CHARTS) * CHART_ROWS):
        rows.append([])
    rows.append([("Drawn from the review's tables.", 0)])
    return rows


def _print_one_page_wide(sheet: WriteOnlyWorksheet, *, landscape: bool) -> None:
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.paperSize = 9  # A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes


def _print_page_by_page(sheet: WriteOnlyWorksheet, widths: Sequence[float]) -> None:
    """A sheet too wide for one page printed across as few pages as keep it at PRINT_SCALE or more, each page
    with the header row and the first column (the ID) repeated, so that every page can be read on its own."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9  # A4
    sheet.print_title_rows = "1:1"
    sheet.print_title_cols = "A:A"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = pages_wide(widths)
    sheet.page_setup.fitToHeight = 0


def pages_wide(widths: Sequence[float]) -> int:
    """How many landscape pages across a sheet of these column widths prints on (see CM_PER_CHARACTER)."""
    across = sum(widths) * CM_PER_CHARACTER / LANDSCAPE_CM
    return 1 if across <= 1 / SMALLEST_SCALE else math.ceil(across * PRINT_SCALE)


def _widths(sheet: WriteOnlyWorksheet, widths: Sequence[float]) -> None:
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[column_letter(number)].width = width


# The rows a register's column widths are worked out from: enough to know its columns, few enough to cost nothing.
_SAMPLED_ROWS = 1000


def _write_register(sheet: WriteOnlyWorksheet, snapshot: Snapshot) -> SheetRows:
    columns = snapshot.columns
    sample = snapshot.items[:_SAMPLED_ROWS]
    widths = column_widths([[item.get(column) for item in sample] for column in columns], columns)
    _widths(sheet, widths)
    _print_page_by_page(sheet, widths)
    sheet.freeze_panes = "B2"
    last = column_letter(len(columns))
    sheet.auto_filter.ref = f"A1:{last}{max(1, len(snapshot.items) + 1)}"
    cells = _Cells(sheet)
    plain: list[str | None] = [None] * len(columns)
    cells.row(columns, font=BOLD, fill=HEADER_FILL, alignment=WRAP, height=row_height(columns, widths))
    texts = [number for number, column in enumerate(columns)  # the columns holding text, where a line may wrap
             if any(type(item.get(column)) is str for item in sample)]
    for item in snapshot.items:
        values = list(map(item.get, columns))
        late = item.get(DAYS_OVERDUE) is not None
        cells.row_formatted(values, plain, fill=OVERDUE_FILL if late else None,
                            height=row_height(values, widths, texts))
    return cells.rows


_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
COVER_VALUE_WIDTH = 50


def _write_cover(sheet: WriteOnlyWorksheet, snapshot: Snapshot) -> SheetRows:
    """The Review sheet: the title, the headline figures and what the review rests on, on one page."""
    lines = review_basis(snapshot)
    labels = [figure.label for figure in snapshot.headline] + [label for label, _ in lines]
    widths = (max(len(label) for label in labels) + 2, COVER_VALUE_WIDTH)
    _widths(sheet, widths)
    cells = _Cells(sheet)
    cells.row([f"Management review: {snapshot.schema_title}"], font=Font(bold=True, size=14))
    cells.row([f"{snapshot.register_file}, as of {snapshot.as_of:%Y-%m-%d %H:%M}"])
    cells.row([])
    cells.row(["Headline figures"], font=TITLE_FONT)
    for figure in snapshot.headline:
        value = figure.value if figure.value is not None else "n/a"
        cells.cells((figure.label, BOLD, None, None), (value, None, UNIT_FORMATS[figure.unit], _LEFT))
    cells.row([])
    cells.row(["What the review rests on"], font=TITLE_FONT)
    for label, value in lines:
        number_format = "0" if isinstance(value, float) else None
        cells.cells((label, BOLD, None, WRAP), (value, None, number_format, _LEFT),
                    height=row_height([label, value], widths))
    return cells.rows


def _write_section(sheet: WriteOnlyWorksheet, title: str,
                   tables: Sequence[ReviewTable]) -> tuple[SheetRows, dict[str, tuple[int, int]]]:
    """A section of the review on a sheet of its own: its tables one below another, each with its title, what it
    leaves out and its header; and each table's (header row, last row), which the charts are drawn from."""
    shown = [table for table in tables if not table.unavailable]
    width = max((len(table.columns) for table in shown), default=1)
    columns: list[list[Any]] = [[] for _ in range(width)]
    headers: list[str] = [""] * width
    for table in shown:
        for number, name in enumerate(table.columns):
            columns[number] += [row[number] for row in table.rows if number < len(row)]
            words = max(map(len, name.split()), default=0)
            if words > max(map(len, headers[number].split()), default=0):
                headers[number] = name
    widths = column_widths(columns, headers)
    _widths(sheet, widths)
    sheet.page_setup.fitToWidth = pages_wide(widths)
    cells = _Cells(sheet)
    cells.row([title], font=Font(bold=True, size=14))
    anchors: dict[str, tuple[int, int]] = {}
    for table in tables:
        cells.row([])
        cells.row([_table_title(table)], font=TITLE_FONT)
        for line in (table.unavailable, table.note):
            if line:
                cells.row([line])
        if table.unavailable:
            continue
        cells.row(table.columns, font=BOLD, fill=HEADER_FILL, alignment=WRAP,
                  height=row_height(table.columns, widths))
        header = len(cells.rows)
        for index, values in enumerate(table.rows):
            cells.row_formatted(values, _formats(table, index, len(values)), height=row_height(values, widths))
        anchors[table.key] = (header, len(cells.rows))
    return cells.rows, anchors


def _table_title(table: ReviewTable) -> str:
    return table.title + ("" if table.rows or table.unavailable or table.note else NONE_SUFFIX)


def _formats(table: ReviewTable, index: int, width: int) -> list[str | None]:
    """The number format of each cell of a table's row: a figure's value by its unit, other numbers as they are."""
    formats: list[str | None] = [None] * width
    if index < len(table.units) and width > 1:
        formats[1] = UNIT_FORMATS[table.units[index]]
    return formats


def _add_charts(sheet: WriteOnlyWorksheet, anchors: dict[str, tuple[WriteOnlyWorksheet, int, int]],
                snapshot: Snapshot) -> None:
    """The charts on their sheet, drawn from the tables on the section sheets, two to a printed page."""
    tables = {table.key: table for table in snapshot.tables}
    # a schema without a column, or a register without the columns to fill a table, has no chart for it
    drawn = [chart for chart in REVIEW_CHARTS if chart.key in anchors]
    for placed, (key, title, kind, axis_title) in enumerate((chart.key, chart.title, chart.kind, chart.axis_title)
                                                           for chart in drawn):
        if placed and placed % CHARTS_PER_PAGE == 0:
            sheet.row_breaks.append(Break(id=placed * CHART_ROWS))
        data, header, last = anchors[key]
        chart = _chart(data, kind, title if last > header else f"{title}: none", axis_title, header,
                       max(last, header + 1))
        counts = [row[1] for row in tables[key].rows if len(row) > 1 and isinstance(row[1], int | float)]
        chart.y_axis.majorUnit = count_step(max(counts, default=0))
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

"""The snapshot workbook, printed as a review pack: values only (no formulas, macros or links). Its sheets, in the
order they print: Review (the headline figures and what the review rests on, one page), Charts (native Excel
charts, two to a page), a sheet per section of the review's tables (Since the last review, Overdue and on hold,
Priorities...: each printed one page wide from a page of its own, columns as wide as their headers' words and
their values, long text wrapped) and Register (the frozen register, every column, printed page by page at full
size with its header row and ID column repeated).

The package is written part by part (`ooxml.new_package`): the rows, some 300,000 cells for a 10,000-row
register, are made into XML by `sheet_rows` as the package is written, while a thread compresses what was made
before; no spreadsheet library is loaded, which took a third of a snapshot's time.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

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
from xl_addin.ooxml.charts import SHEET_DRAWING_ID, Chart, Placed, Series
from xl_addin.ooxml.new_package import NewSheet, write_new_workbook
from xl_addin.ooxml.new_styles import Look, NewStyles
from xl_addin.ooxml.refs import column_letter
from xl_addin.ooxml.sheet_rows import SheetRows, worksheet_chunks
from xl_addin.workbook.writing.print_layout import column_widths, row_height

DATE_FORMAT = "yyyy-mm-dd"
MOMENT_FORMAT = "yyyy-mm-dd hh:mm"
UNIT_FORMATS: dict[Unit, str] = {"percent": "0%", "days": "0", "count": "0"}
REVIEW, REGISTER = "Review", "Register"
# Printing: a column one character wide takes about 0.27 cm on paper (the character and the cell's margins), and
# an A4 landscape page holds 27 cm across. A sheet is printed one page wide when that keeps its text at 60% of its
# size or more, else across as few pages as keep it at 70% (the frozen register).
CM_PER_CHARACTER = 0.27
LANDSCAPE_CM = 27.0
SMALLEST_SCALE = 0.6
PRINT_SCALE = 0.7
HEADER_FILL = "FFD9E1F2"
NONE_SUFFIX = " (none)"
# The looks of the pack's cells
PLAIN = Look()
WRAP = Look(wrap=True, vertical="top")
LEFT = Look(horizontal="left", vertical="top", wrap=True)
BOLD = Look(bold=True)
LABEL = Look(bold=True, wrap=True, vertical="top")
HEADER = Look(bold=True, fill=HEADER_FILL, wrap=True, vertical="top")
TITLE = Look(bold=True, size=12)
SHEET_TITLE = Look(bold=True, size=14)
# The charts have a sheet of their own, two to a printed page with a page break between the pairs, so that
# printing never cuts one in two (beside the Review tables, page breaks fell wherever the tables ran to).
CHARTS_SHEET = "Charts"
CHART_ROWS = 20  # rows from one chart's top to the next's: 8 cm of chart and a gap
CHARTS_PER_PAGE = 2
CHART_SIZE_CM = (16.0, 8.0)


class _Cells:
    """Rows for one sheet, each value with the cell format it needs: a date its number format, a header its font
    and fill. Each distinct look is registered once with the workbook's formats."""

    def __init__(self, styles: NewStyles) -> None:
        self.styles = styles
        self.rows = SheetRows()
        self._by_look: dict[Look, _StylesByKind] = {}

    def _kinds(self, look: Look) -> _StylesByKind:
        """Cell formats by the kind of value (a date gets its number format) in this look."""
        found = self._by_look.get(look)
        if found is None:
            found = self._by_look[look] = _StylesByKind(lambda kind: self.styles.id(_for_kind(look, kind)))
        return found

    def row(self, values: Sequence[Any], look: Look = PLAIN, *, height: float | None = None) -> None:
        self.rows.append(list(zip(values, map(self._kinds(look).__getitem__, map(type, values)), strict=True)),
                         height=height)

    def cells(self, *cells: tuple[Any, Look], height: float | None = None) -> None:
        """One row whose cells differ in look."""
        self.rows.append([(value, self._kinds(look)[type(value)]) for value, look in cells], height=height)

    def row_formatted(self, values: Sequence[Any], formats: Sequence[str | None], look: Look = WRAP, *,
                      height: float | None = None) -> None:
        """One row, each value with its number format (for numbers), wrapped at its column's width."""
        if not any(formats):  # most rows: one look for the whole row
            self.row(values, look, height=height)
            return
        self.rows.append([(value, self._kinds(replace(look, number_format=number_format))[type(value)])
                          for value, number_format in zip(values, formats, strict=False)], height=height)


class _StylesByKind(dict[type, int]):
    """A cell format for each kind of value, made when a kind is first seen."""

    def __init__(self, make: Callable[[type], int]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, kind: type) -> int:
        style = self[kind] = self.make(kind)
        return style


def _for_kind(look: Look, kind: type) -> Look:
    """The look for a value of `kind`: a number keeps the look's number format, a date or time gets its own."""
    if look.number_format and kind in (int, float):
        return look
    return replace(look, number_format=_number_format(kind))


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


@dataclass(frozen=True)
class _Sheet:
    """A sheet of the pack before it is written: its rows and how it is laid out and printed."""

    title: str
    rows: SheetRows
    layout: dict[str, Any]
    charts: Sequence[tuple[Placed, bytes]] = ()
    print_titles: str | None = None
    filter_range: str | None = None


class SnapshotWorkbook:
    """The pack's sheets and cell formats; each sheet's rows are made into XML as it is saved."""

    def __init__(self, sheets: list[_Sheet], styles: NewStyles, created: dt.datetime) -> None:
        self.sheets = sheets
        self.styles = styles
        self.created = created

    def save(self, target: Path) -> None:
        sheets = [NewSheet(sheet.title, worksheet_chunks(sheet.rows, **sheet.layout), sheet.charts,
                           sheet.print_titles, sheet.filter_range) for sheet in self.sheets]
        with target.open("wb") as out:
            write_new_workbook(out, sheets, self.styles.part(), creator="xlreg", created=self.created)


def build_snapshot_workbook(snapshot: Snapshot) -> SnapshotWorkbook:
    styles = NewStyles()
    sections: list[_Sheet] = []
    anchors: dict[str, tuple[str, int, int]] = {}
    for title, tables in review_sections(snapshot.tables):
        section, found = _write_section(styles, title, tables)
        sections.append(section)
        anchors.update((key, (title, header, last)) for key, (header, last) in found.items())
    charts = _charts_sheet(anchors, snapshot)
    return SnapshotWorkbook([_write_cover(styles, snapshot), charts, *sections, _write_register(styles, snapshot)],
                            styles, snapshot.as_of)


def _charts_sheet(anchors: dict[str, tuple[str, int, int]], snapshot: Snapshot) -> _Sheet:
    """The charts, drawn from the tables on the section sheets, two to a printed page; below them a line that
    says where their data is, and makes the rows they stand on part of the sheet (LibreOffice needs that to keep
    the page breaks between them). Printed at full size, as fitting to a page makes Excel ignore the breaks."""
    tables = {table.key: table for table in snapshot.tables}
    # a schema without a column, or a register without the columns to fill a table, has no chart for it
    drawn = [chart for chart in REVIEW_CHARTS if chart.key in anchors]
    placed: list[tuple[Placed, bytes]] = []
    breaks = []
    for number, chart in enumerate(drawn):
        if number and number % CHARTS_PER_PAGE == 0:
            breaks.append(number * CHART_ROWS)
        sheet, header, last = anchors[chart.key]
        last = max(last, header + 1)
        quoted = "'" + sheet.replace("'", "''") + "'"
        counts = [row[1] for row in tables[chart.key].rows if len(row) > 1 and isinstance(row[1], int | float)]
        part = Chart(chart.kind, chart.title if anchors[chart.key][2] > header else f"{chart.title}: none",
                     f"{quoted}!$A${header + 1}:$A${last}", (Series(f"{quoted}!$B${header}",
                                                                   f"{quoted}!$B${header + 1}:$B${last}"),),
                     axis_title=chart.axis_title, major_unit=count_step(max(counts, default=0)), number_format="0")
        placed.append((Placed(1, 2 + number * CHART_ROWS, *CHART_SIZE_CM, f"Chart {number + 1}"), part.part()))
    rows = SheetRows()
    for _ in range(len(REVIEW_CHARTS) * CHART_ROWS):
        rows.append([])
    rows.append([("Drawn from the review's tables.", 0)])
    layout = {"landscape": False, "breaks": breaks, "drawing": SHEET_DRAWING_ID if placed else None}
    return _Sheet(CHARTS_SHEET, rows, layout, placed)


def _one_page_wide(widths: Sequence[float], *, landscape: bool, pages: int = 1) -> dict[str, Any]:
    """Printed on A4 `pages` wide and as many pages down as it takes."""
    return {"widths": widths, "landscape": landscape, "pages_wide": pages, "pages_tall": 0}


def pages_wide(widths: Sequence[float]) -> int:
    """How many landscape pages across a sheet of these column widths prints on (see CM_PER_CHARACTER)."""
    across = sum(widths) * CM_PER_CHARACTER / LANDSCAPE_CM
    return 1 if across <= 1 / SMALLEST_SCALE else math.ceil(across * PRINT_SCALE)


# The rows a register's column widths are worked out from: enough to know its columns, few enough to cost nothing.
_SAMPLED_ROWS = 1000


def _write_register(styles: NewStyles, snapshot: Snapshot) -> _Sheet:
    """The frozen register, printed across as few pages as keep it at PRINT_SCALE or more, each page with the
    header row and the first column (the ID) repeated, so that every page can be read on its own."""
    columns = snapshot.columns
    sample = snapshot.items[:_SAMPLED_ROWS]
    widths = column_widths([[item.get(column) for item in sample] for column in columns], columns)
    cells = _Cells(styles)
    plain: list[str | None] = [None] * len(columns)
    cells.row(columns, HEADER, height=row_height(columns, widths))
    texts = [number for number, column in enumerate(columns)  # the columns holding text, where a line may wrap
             if any(type(item.get(column)) is str for item in sample)]
    late_look = replace(WRAP, fill=OVERDUE_COLOUR)
    for item in snapshot.items:
        values = list(map(item.get, columns))
        late = item.get(DAYS_OVERDUE) is not None
        cells.row_formatted(values, plain, late_look if late else WRAP, height=row_height(values, widths, texts))
    last = f"{column_letter(len(columns))}{max(1, len(snapshot.items) + 1)}"
    layout = {**_one_page_wide(widths, landscape=True, pages=pages_wide(widths)), "frozen": "B2",
              "after": f'<autoFilter ref="A1:{last}"/>'}
    return _Sheet(REGISTER, cells.rows, layout, print_titles="$1:$1,$A:$A",
                  filter_range=re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", f"A1:{last}"))


COVER_VALUE_WIDTH = 50


def _write_cover(styles: NewStyles, snapshot: Snapshot) -> _Sheet:
    """The Review sheet: the title, the headline figures and what the review rests on, on one page."""
    lines = review_basis(snapshot)
    labels = [figure.label for figure in snapshot.headline] + [label for label, _ in lines]
    widths = (max(len(label) for label in labels) + 2, COVER_VALUE_WIDTH)
    cells = _Cells(styles)
    cells.row([f"Management review: {snapshot.schema_title}"], SHEET_TITLE)
    cells.row([f"{snapshot.register_file}, as of {snapshot.as_of:%Y-%m-%d %H:%M}"])
    cells.row([])
    cells.row(["Headline figures"], TITLE)
    for figure in snapshot.headline:
        value = figure.value if figure.value is not None else "n/a"
        cells.cells((figure.label, BOLD), (value, replace(LEFT, number_format=UNIT_FORMATS[figure.unit])))
    cells.row([])
    cells.row(["What the review rests on"], TITLE)
    for label, value in lines:
        number_format = "0" if isinstance(value, float) else None
        cells.cells((label, LABEL), (value, replace(LEFT, number_format=number_format)),
                    height=row_height([label, value], widths))
    return _Sheet(REVIEW, cells.rows, _one_page_wide(widths, landscape=False))


def _write_section(styles: NewStyles, title: str,
                   tables: Sequence[ReviewTable]) -> tuple[_Sheet, dict[str, tuple[int, int]]]:
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
    cells = _Cells(styles)
    cells.row([title], SHEET_TITLE)
    anchors: dict[str, tuple[int, int]] = {}
    for table in tables:
        cells.row([])
        cells.row([_table_title(table)], TITLE)
        for line in (table.unavailable, table.note):
            if line:
                cells.row([line])
        if table.unavailable:
            continue
        cells.row(table.columns, HEADER, height=row_height(table.columns, widths))
        header = len(cells.rows)
        for index, values in enumerate(table.rows):
            cells.row_formatted(values, _formats(table, index, len(values)), height=row_height(values, widths))
        anchors[table.key] = (header, len(cells.rows))
    return _Sheet(title, cells.rows, _one_page_wide(widths, landscape=True, pages=pages_wide(widths))), anchors


def _table_title(table: ReviewTable) -> str:
    return table.title + ("" if table.rows or table.unavailable or table.note else NONE_SUFFIX)


def _formats(table: ReviewTable, index: int, width: int) -> list[str | None]:
    """The number format of each cell of a table's row: a figure's value by its unit, other numbers as they are."""
    formats: list[str | None] = [None] * width
    if index < len(table.units) and width > 1:
        formats[1] = UNIT_FORMATS[table.units[index]]
    return formats

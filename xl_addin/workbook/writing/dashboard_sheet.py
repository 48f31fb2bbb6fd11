"""The Dashboard sheet (engine.dashboard) as package parts: the worksheet, its drawing and its native charts, for
the package writer to add to a register. The cells are styled through the workbook's own formats part (only
appended to)."""

from __future__ import annotations

from dataclasses import dataclass

from xl_addin.engine.dashboard import DASHBOARD_SHEET, CellKind, Dashboard, DashboardChart, Formula
from xl_addin.ooxml.charts import SHEET_DRAWING_ID, Chart, Placed, Series, drawing_part
from xl_addin.ooxml.sheet_rows import FormulaText, SheetRows, worksheet
from xl_addin.ooxml.styles import StyleSheet

# Excel's built-in number formats, each shown in the reader's own way: 0%, 0, a short date, "mmm-yy"
_FORMATS: dict[CellKind, int] = {"percent": 9, "count": 1, "days": 1, "date": 14, "month": 17}


@dataclass(frozen=True)
class DashboardParts:
    sheet: bytes  # its drawing is the sheet's relationship SHEET_DRAWING_ID
    drawing: bytes  # its charts are its relationships rId1, rId2... in order
    charts: tuple[bytes, ...]


def dashboard_parts(dashboard: Dashboard, styles: StyleSheet, title: str = DASHBOARD_SHEET) -> DashboardParts:
    """The parts of the Dashboard sheet, to stand in the workbook as `title`."""
    drawing = drawing_part([Placed(*chart.anchor, *chart.size, chart.title) for chart in dashboard.charts])
    return DashboardParts(_sheet(dashboard, styles), drawing,
                          tuple(_chart(chart, title).part() for chart in dashboard.charts))


def _style(kind: CellKind, styles: StyleSheet) -> int:
    if kind in ("title", "heading", "header"):
        return styles.font_format(bold=True)
    if kind in _FORMATS:
        return styles.builtin_format(_FORMATS[kind])
    return 0


def _sheet(dashboard: Dashboard, styles: StyleSheet) -> bytes:
    by_row: dict[int, dict[int, tuple[object, int]]] = {}
    for cell in dashboard.cells:
        value = FormulaText(cell.value.text) if isinstance(cell.value, Formula) else cell.value
        by_row.setdefault(cell.row, {})[cell.column] = (value, _style(cell.kind, styles))
    rows = SheetRows()
    width = max((column for cells in by_row.values() for column in cells), default=1)
    for number in range(1, max(by_row, default=0) + 1):
        cells = by_row.get(number, {})
        rows.append([cells.get(column, (None, 0)) for column in range(1, width + 1)] if cells else [])
    # printed on one page: landscape A4, fitted to one page across and one down
    return worksheet(rows, widths=dashboard.widths, landscape=True, pages_wide=1, pages_tall=1,
                     drawing=SHEET_DRAWING_ID)


def _chart(chart: DashboardChart, title: str) -> Chart:
    def reference(cells: str) -> str:
        return "'" + title.replace("'", "''") + "'!" + cells

    return Chart(chart.kind, chart.title, reference(chart.categories),
                 tuple(Series(reference(name), reference(values)) for name, values in chart.series),
                 numeric_categories=chart.dated, number_format="0", major_unit=chart.step)

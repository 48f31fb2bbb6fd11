"""The Dashboard sheet (engine.dashboard) as package parts: the worksheet, its drawing and its native charts, for
the package writer to add to a register. The cells are styled through the workbook's own formats part (only
appended to); the charts are serialised by openpyxl, as the snapshot's are."""

from __future__ import annotations

from dataclasses import dataclass

from xl_addin.engine.dashboard import DASHBOARD_SHEET, CellKind, Dashboard, DashboardChart, Formula
from xl_addin.engine.snapshot import count_step
from xl_addin.ooxml.package_edit import REL
from xl_addin.ooxml.sheet_rows import MAIN, FormulaText, SheetRows
from xl_addin.ooxml.styles import StyleSheet
from xl_addin.ooxml.xml_text import quoteattr

DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
# Excel's built-in number formats, each shown in the reader's own way: 0%, 0, a short date, "mmm-yy"
_FORMATS: dict[CellKind, int] = {"percent": 9, "count": 1, "days": 1, "date": 14, "month": 17}


@dataclass(frozen=True)
class DashboardParts:
    sheet: bytes  # its drawing is the sheet's relationship DRAWING_REL_ID
    drawing: bytes  # its charts are its relationships rId1, rId2... in order
    charts: tuple[bytes, ...]


DRAWING_REL_ID = "rId1"


def dashboard_parts(dashboard: Dashboard, styles: StyleSheet, title: str = DASHBOARD_SHEET) -> DashboardParts:
    """The parts of the Dashboard sheet, to stand in the workbook as `title`."""
    return DashboardParts(_sheet(dashboard, styles), _drawing(dashboard.charts),
                          tuple(_chart(chart, title) for chart in dashboard.charts))


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
    columns = "".join(f'<col min="{number}" max="{number}" width="{width}" customWidth="1"/>'
                      for number, width in enumerate(dashboard.widths, start=1))
    head = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" xmlns:r="{REL}">'
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
            '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
            f"<cols>{columns}</cols><sheetData>")
    # printed on one page: landscape A4, fitted to one page across and one down
    tail = ('</sheetData><pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
            '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="1"/>'
            f'<drawing r:id="{DRAWING_REL_ID}"/></worksheet>')
    return b"".join([head.encode(), *rows.xml(), tail.encode()])


def _chart(chart: DashboardChart, title: str) -> bytes:
    # openpyxl only here: checking a register (which may write nothing) starts without it
    from openpyxl.chart import BarChart, LineChart, Series
    from openpyxl.chart.data_source import AxDataSource, NumRef, StrRef
    from openpyxl.chart.series import SeriesLabel
    from openpyxl.xml.functions import tostring

    def _reference(cells: str) -> str:
        return "'" + title.replace("'", "''") + "'!" + cells

    drawn: BarChart | LineChart = BarChart() if chart.kind == "bar" else LineChart()
    if isinstance(drawn, BarChart):
        drawn.type = "col"
    drawn.title = chart.title
    drawn.height, drawn.width = 7, 14
    drawn.x_axis.delete = False  # openpyxl hides axes by default; a dashboard's need their labels
    drawn.y_axis.delete = False
    drawn.y_axis.majorGridlines = None
    drawn.y_axis.number_format = "0"
    drawn.y_axis.majorUnit = count_step(0)  # whole numbers; the figures move, so the step is the smallest
    if len(chart.series) == 1:
        drawn.legend = None
    for name, values in chart.series:
        series = Series(_reference(values))
        series.tx = SeriesLabel(strRef=StrRef(_reference(name)))
        series.cat = AxDataSource(numRef=NumRef(f=_reference(chart.categories))) if "month" in chart.title.lower() \
            else AxDataSource(strRef=StrRef(_reference(chart.categories)))
        drawn.series.append(series)
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + tostring(drawn._write())


def _drawing(charts: tuple[DashboardChart, ...]) -> bytes:
    anchors = []
    for number, chart in enumerate(charts, start=1):
        column, row = chart.anchor
        wide, tall = chart.size
        anchors.append(
            f"<xdr:twoCellAnchor><xdr:from><xdr:col>{column - 1}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>"
            f"{row - 1}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>{column - 1 + wide}</xdr:col>"
            f"<xdr:colOff>0</xdr:colOff><xdr:row>{row - 1 + tall}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
            f'<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="{number + 1}" '
            f"name={quoteattr(chart.title)}/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm>"
            '<a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic>'
            f'<a:graphicData uri="{CHART_NS}"><c:chart xmlns:c="{CHART_NS}" r:id="rId{number}"/></a:graphicData>'
            "</a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>")
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xdr:wsDr xmlns:xdr="{DRAWING_NS}" '
            f'xmlns:a="{A_NS}" xmlns:r="{REL}">{"".join(anchors)}</xdr:wsDr>').encode()

"""Native charts for new sheets: a column or line chart part (DrawingML) over ranges of the workbook, and the
drawing part that places charts on a sheet. The markup is the small subset Excel and LibreOffice need, in the
order the schema gives (CT_ChartSpace, CT_PlotArea, CT_BarChart...), with both axes shown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from xl_addin.ooxml.package_edit import REL
from xl_addin.ooxml.xml_text import escape, quoteattr

CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
EMU_PER_CM = 360_000
CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
DRAWING_TYPE = "application/vnd.openxmlformats-officedocument.drawing+xml"
CHART_REL, DRAWING_REL = REL + "/chart", REL + "/drawing"
SHEET_DRAWING_ID = "rId1"  # a sheet's relationship to its drawing, which its XML names
_CATEGORY_AXIS, _VALUE_AXIS = 10, 100


@dataclass(frozen=True)
class Series:
    name: str  # the cell holding the series' name: 'Sheet'!$B$4
    values: str  # its values: 'Sheet'!$B$5:$B$12


@dataclass(frozen=True)
class Chart:
    kind: Literal["bar", "line"]  # bar: upright columns
    title: str
    categories: str  # the range of the category labels
    series: tuple[Series, ...]
    numeric_categories: bool = False  # months (dates) rather than words
    axis_title: str | None = None  # the value axis's
    major_unit: int | None = None  # the value axis's step (whole numbers for counts)
    number_format: str | None = None  # the value axis's labels

    def part(self) -> bytes:
        """The chart part (xl/charts/chartN.xml)."""
        series = "".join(self._series(index, one) for index, one in enumerate(self.series))
        if self.kind == "bar":
            plot = (f'<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>{series}'
                    f'<c:gapWidth val="150"/>{_axis_ids()}</c:barChart>')
        else:
            plot = (f'<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>{series}'
                    f'<c:marker val="1"/>{_axis_ids()}</c:lineChart>')
        value_title = _title(self.axis_title) if self.axis_title else ""
        number_format = (f"<c:numFmt formatCode={quoteattr(self.number_format)} sourceLinked=\"0\"/>"
                         if self.number_format else "")
        unit = f'<c:majorUnit val="{self.major_unit}"/>' if self.major_unit else ""
        legend = '<c:legend><c:legendPos val="r"/><c:overlay val="0"/></c:legend>' if len(self.series) > 1 else ""
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<c:chartSpace xmlns:c="{CHART_NS}" '
                f'xmlns:a="{A_NS}" xmlns:r="{REL}"><c:chart>{_title(self.title)}<c:autoTitleDeleted val="0"/>'
                f"<c:plotArea><c:layout/>{plot}"
                f'<c:catAx><c:axId val="{_CATEGORY_AXIS}"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
                '<c:delete val="0"/><c:axPos val="b"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/>'
                f'<c:tickLblPos val="nextTo"/><c:crossAx val="{_VALUE_AXIS}"/><c:crosses val="autoZero"/>'
                '<c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
                f'<c:valAx><c:axId val="{_VALUE_AXIS}"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
                f'<c:delete val="0"/><c:axPos val="l"/>{value_title}{number_format}<c:majorTickMark val="none"/>'
                f'<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="{_CATEGORY_AXIS}"/>'
                f'<c:crosses val="autoZero"/><c:crossBetween val="between"/>{unit}</c:valAx></c:plotArea>'
                f'{legend}<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>').encode()

    def _series(self, index: int, series: Series) -> str:
        reference = "numRef" if self.numeric_categories else "strRef"
        line = ('<c:marker><c:symbol val="none"/></c:marker>' if self.kind == "line" else "")
        smooth = '<c:smooth val="0"/>' if self.kind == "line" else ""  # counts per month: points, not a curve
        return (f'<c:ser><c:idx val="{index}"/><c:order val="{index}"/><c:tx><c:strRef><c:f>{escape(series.name)}'
                f"</c:f></c:strRef></c:tx>{line}<c:cat><c:{reference}><c:f>{escape(self.categories)}</c:f>"
                f"</c:{reference}></c:cat><c:val><c:numRef><c:f>{escape(series.values)}</c:f></c:numRef></c:val>"
                f"{smooth}</c:ser>")


def _axis_ids() -> str:
    return f'<c:axId val="{_CATEGORY_AXIS}"/><c:axId val="{_VALUE_AXIS}"/>'


def _title(text: str) -> str:
    return (f"<c:title><c:tx><c:rich><a:bodyPr/><a:p><a:pPr><a:defRPr/></a:pPr><a:r><a:t>{escape(text)}</a:t></a:r>"
            '</a:p></c:rich></c:tx><c:overlay val="0"/></c:title>')


@dataclass(frozen=True)
class Placed:
    """Where a chart stands on its sheet: its top-left cell (1-based column and row) and its size."""

    column: int
    row: int
    width_cm: float
    height_cm: float
    name: str


def drawing_part(placed: Sequence[Placed]) -> bytes:
    """The drawing part placing each chart; the n-th is the drawing's relationship rId<n>."""
    frames = []
    for number, chart in enumerate(placed, start=1):
        frames.append(
            f"<xdr:oneCellAnchor><xdr:from><xdr:col>{chart.column - 1}</xdr:col><xdr:colOff>0</xdr:colOff>"
            f"<xdr:row>{chart.row - 1}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
            f'<xdr:ext cx="{round(chart.width_cm * EMU_PER_CM)}" cy="{round(chart.height_cm * EMU_PER_CM)}"/>'
            f'<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="{number + 1}" '
            f"name={quoteattr(chart.name)}/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm>"
            '<a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic>'
            f'<a:graphicData uri="{CHART_NS}"><c:chart xmlns:c="{CHART_NS}" r:id="rId{number}"/></a:graphicData>'
            "</a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:oneCellAnchor>")
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xdr:wsDr xmlns:xdr="{DRAWING_NS}" '
            f'xmlns:a="{A_NS}" xmlns:r="{REL}">{"".join(frames)}</xdr:wsDr>').encode()

"""A new workbook package written part by part: its sheets (each worksheet's XML streamed in as it is made, and
deflated in a thread meanwhile), their charts, the cell formats, the workbook with its defined names, the
relationships and content types that tie them, and the document properties."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from xl_addin.ooxml.charts import (
    CHART_REL,
    CHART_TYPE,
    DRAWING_REL,
    DRAWING_TYPE,
    Placed,
    drawing_part,
)
from xl_addin.ooxml.package_edit import PACKAGE_REL, REL
from xl_addin.ooxml.sheet_rows import MAIN
from xl_addin.ooxml.xml_text import escape, quoteattr
from xl_addin.ooxml.zip_package import PackageWriter

_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Worksheets are deflated fast, so that the compressing thread keeps up with the XML being made: for a
# 10,000-row register's pack (18 MB of XML) level 2 takes a third of level 6's time for a file a quarter larger
SHEET_LEVEL = 2


@dataclass(frozen=True)
class NewSheet:
    """One sheet: its worksheet part (in chunks; it names its drawing SHEET_DRAWING_ID when it has charts), its
    charts and where they stand, the rows and columns printed atop each page ("$1:$1,$A:$A") and the range its
    filter covers ("A1:AB61")."""

    title: str
    part: Iterable[bytes]
    charts: Sequence[tuple[Placed, bytes]] = ()
    print_titles: str | None = None
    filter_range: str | None = None


def _relationships(targets: Sequence[tuple[str, str]]) -> bytes:
    """A relationships part: (type, target) each, as rId1, rId2..."""
    items = "".join(f'<Relationship Id="rId{number}" Type="{kind}" Target={quoteattr(target)}/>'
                    for number, (kind, target) in enumerate(targets, start=1))
    return f'{_DECLARATION}<Relationships xmlns="{PACKAGE_REL}">{items}</Relationships>'.encode()


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _qualified(title: str, ranges: str) -> str:
    """Each of the comma-separated ranges on the sheet `title`: 'Register'!$1:$1,'Register'!$A:$A."""
    return ",".join(f"{_quoted(title)}!{one}" for one in ranges.split(","))


def write_new_workbook(target: BinaryIO, sheets: Sequence[NewSheet], styles: bytes, *, creator: str,
                       created: dt.datetime) -> None:
    """The package of a new workbook of `sheets`, in their order, written to `target`."""
    writer = PackageWriter(target)
    writer.write("[Content_Types].xml", [_content_types(sheets)])
    names, charts, drawings = [], 0, 0
    for number, sheet in enumerate(sheets, start=1):
        part = f"xl/worksheets/sheet{number}.xml"
        writer.write(part, sheet.part, level=SHEET_LEVEL)
        if sheet.charts:
            drawings += 1
            drawing = f"xl/drawings/drawing{drawings}.xml"
            writer.write(f"xl/worksheets/_rels/sheet{number}.xml.rels",
                         [_relationships([(DRAWING_REL, f"../drawings/drawing{drawings}.xml")])])
            writer.write(drawing, [drawing_part([placed for placed, _ in sheet.charts])])
            chart_targets = []
            for _, chart in sheet.charts:
                charts += 1
                writer.write(f"xl/charts/chart{charts}.xml", [chart])
                chart_targets.append((CHART_REL, f"../charts/chart{charts}.xml"))
            writer.write(f"xl/drawings/_rels/drawing{drawings}.xml.rels", [_relationships(chart_targets)])
        for name, ranges, hidden in (("_xlnm._FilterDatabase", sheet.filter_range, ' hidden="1"'),
                                     ("_xlnm.Print_Titles", sheet.print_titles, "")):
            if ranges:
                names.append(f'<definedName name="{name}" localSheetId="{number - 1}"{hidden}>'
                             f"{escape(_qualified(sheet.title, ranges))}</definedName>")
    entries = "".join(f'<sheet name={quoteattr(sheet.title)} sheetId="{number}" r:id="rId{number}"/>'
                      for number, sheet in enumerate(sheets, start=1))
    defined = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
    writer.write("xl/workbook.xml", [(
        f'{_DECLARATION}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><bookViews><workbookView activeTab="0"/>'
        f'</bookViews><sheets>{entries}</sheets>{defined}<calcPr calcId="191029"/></workbook>').encode()])
    writer.write("xl/_rels/workbook.xml.rels", [_relationships(
        [*((REL + "/worksheet", f"worksheets/sheet{number}.xml") for number in range(1, len(sheets) + 1)),
         (REL + "/styles", "styles.xml")])])
    writer.write("xl/styles.xml", [styles])
    moment = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    writer.write("docProps/core.xml", [(
        f'{_DECLARATION}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>{escape(creator)}</dc:creator>'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{moment}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{moment}</dcterms:modified></cp:coreProperties>').encode()])
    writer.write("docProps/app.xml", [(
        f'{_DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Application>{escape(creator)}</Application></Properties>").encode()])
    writer.write("_rels/.rels", [_relationships([
        (REL + "/officeDocument", "xl/workbook.xml"),
        (PACKAGE_REL + "/metadata/core-properties", "docProps/core.xml"),
        (REL + "/extended-properties", "docProps/app.xml")])])
    writer.close()


def _content_types(sheets: Sequence[NewSheet]) -> bytes:
    """The content type of each part the package will hold (written first, as Excel writes it)."""
    overrides = [("/xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
                 ("/xl/styles.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"),
                 ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
                 ("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml")]
    overrides += [(f"/xl/worksheets/sheet{number}.xml", _SHEET_TYPE) for number in range(1, len(sheets) + 1)]
    with_charts = [sheet for sheet in sheets if sheet.charts]
    overrides += [(f"/xl/drawings/drawing{number}.xml", DRAWING_TYPE) for number in range(1, len(with_charts) + 1)]
    charts = sum(len(sheet.charts) for sheet in with_charts)
    overrides += [(f"/xl/charts/chart{number}.xml", CHART_TYPE) for number in range(1, charts + 1)]
    types = "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides)
    return (f'{_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'<Default Extension="xml" ContentType="application/xml"/>{types}</Types>').encode()

"""A new workbook written part by part (ooxml.new_package with new_styles, charts and sheet_rows.worksheet): what
openpyxl reads back is what was written (values, looks, layout, print settings, defined names, charts), and
every part passes the Office Open XML schemas and Excel's rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from defusedxml import ElementTree

from tests.conformance import report
from xl_addin.ooxml.charts import SHEET_DRAWING_ID, Chart, Placed, Series, drawing_part
from xl_addin.ooxml.new_package import NewSheet, write_new_workbook
from xl_addin.ooxml.new_styles import FIRST_CUSTOM_FORMAT, Look, NewStyles
from xl_addin.ooxml.sheet_rows import SheetRows, worksheet_chunks

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"


def test_each_look_is_one_cell_format_and_reads_back_as_given() -> None:
    styles = NewStyles()
    header = Look(bold=True, fill="FFD9E1F2", wrap=True, vertical="top")
    assert styles.id(Look()) == 0
    first = styles.id(header)
    assert styles.id(Look(bold=True, fill="FFD9E1F2", wrap=True, vertical="top")) == first  # registered once
    dated = styles.id(Look(number_format="yyyy-mm-dd"))
    percent = styles.id(Look(number_format="0%"))
    assert len({0, first, dated, percent}) == 4
    root = ElementTree.fromstring(styles.part())
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    formats = {int(f.get("numFmtId")): f.get("formatCode") for f in root.iter(f"{main}numFmt")}
    assert formats == {FIRST_CUSTOM_FORMAT: "yyyy-mm-dd"}  # 0% is Excel's built-in 9, named by number only
    xfs = root.find(f"{main}cellXfs")
    assert xfs is not None and int(xfs.get("count")) == len(xfs) == 4
    assert xfs[percent].get("numFmtId") == "9"


def _workbook(path: Path) -> Path:
    styles = NewStyles()
    rows = SheetRows()
    header = styles.id(Look(bold=True, fill="FFD9E1F2"))
    rows.append([("Status", header), ("Items", header)])
    for status, count in (("Planned", 3), ("In progress", 5), ("Completed", 8)):
        rows.append([(status, 0), (count, 0)])
    day = styles.id(Look(number_format="yyyy-mm-dd"))
    register = SheetRows()
    register.append([("ID", header), ("Raised", header), ("Note", header)])
    register.append([("IMP-0001", 0), (dt.date(2026, 3, 1), day), ("a <note> & more", styles.id(Look(wrap=True)))],
                    height=30)
    chart = Chart("bar", "Items by status", "'Counts'!$A$2:$A$4", (Series("'Counts'!$B$1", "'Counts'!$B$2:$B$4"),),
                  axis_title="Items", major_unit=2, number_format="0")
    line = Chart("line", "Items per month", "'Counts'!$A$2:$A$4", (Series("'Counts'!$B$1", "'Counts'!$B$2:$B$4"),))
    sheets = [
        NewSheet("Counts", worksheet_chunks(rows, widths=(14, 8), landscape=False, breaks=[20],
                                            drawing=SHEET_DRAWING_ID),
                 [(Placed(4, 2, 16, 8, "Chart 1"), chart.part()), (Placed(4, 22, 16, 8, "Chart 2"), line.part())]),
        NewSheet("The register's copy", worksheet_chunks(register, widths=(10, 12, 30), frozen="B2",
                                                          landscape=True, pages_wide=2,
                                                          after='<autoFilter ref="A1:C2"/>'),
                 print_titles="$1:$1,$A:$A", filter_range="$A$1:$C$2"),
    ]
    with path.open("wb") as out:
        write_new_workbook(out, sheets, styles.part(), creator="xlreg", created=dt.datetime(2026, 12, 4, 9, 30))
    return path


def test_a_new_workbook_reads_back_as_written(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "new.xlsx")
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Counts", "The register's copy"]
    counts, copy = workbook["Counts"], workbook["The register's copy"]
    assert [[cell.value for cell in row] for row in counts.iter_rows()] == [
        ["Status", "Items"], ["Planned", 3], ["In progress", 5], ["Completed", 8]]
    assert counts["A1"].font.b and counts["A1"].fill.fgColor.rgb == "FFD9E1F2"
    assert counts.page_setup.orientation == "portrait" and [b.id for b in counts.row_breaks.brk] == [20]
    assert copy["B2"].value == dt.datetime(2026, 3, 1) and copy["B2"].number_format == "yyyy-mm-dd"
    assert copy["C2"].value == "a <note> & more" and copy["C2"].alignment.wrap_text
    assert copy.row_dimensions[2].height == 30 and copy.freeze_panes == "B2"
    assert copy.page_setup.fitToWidth == 2 and copy.sheet_properties.pageSetUpPr.fitToPage
    assert copy.print_title_rows == "$1:$1" and copy.print_title_cols == "$A:$A"
    assert copy.auto_filter.ref == "A1:C2"
    assert workbook.properties.creator == "xlreg"


def test_a_new_workbook_passes_the_schemas_and_excels_rules(tmp_path: Path) -> None:
    assert report(_workbook(tmp_path / "new.xlsx")) == []


def test_a_chart_names_its_ranges_and_shows_both_axes() -> None:
    part = Chart("bar", "Overdue items by owner", "'Dash'!$A$5:$A$9", (Series("'Dash'!$B$4", "'Dash'!$B$5:$B$9"),
                                                                        Series("'Dash'!$C$4", "'Dash'!$C$5:$C$9")),
                 numeric_categories=False, major_unit=5).part()
    root = ElementTree.fromstring(part)
    assert [f.text for f in root.iter(f"{C}f")] == ["'Dash'!$B$4", "'Dash'!$A$5:$A$9", "'Dash'!$B$5:$B$9",
                                                     "'Dash'!$C$4", "'Dash'!$A$5:$A$9", "'Dash'!$C$5:$C$9"]
    assert [axis.find(f"{C}delete").get("val") for axis in (root.find(f".//{C}catAx"), root.find(f".//{C}valAx"))] \
        == ["0", "0"]
    assert root.find(f".//{C}majorUnit").get("val") == "5"
    assert root.find(f".//{C}legend") is not None  # two series: a legend says which is which
    drawing = ElementTree.fromstring(drawing_part([Placed(5, 4, 15, 7, "A & B")]))
    assert [element.tag.rsplit("}", 1)[1] for element in drawing[0]][:3] == ["from", "ext", "graphicFrame"]

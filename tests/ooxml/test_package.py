"""Reading a package without trusting it: sheets and tables as Excel lists them (against openpyxl, on workbooks
Excel made), relationships through the one reader, and each kind of file that is no workbook refused in words."""

from __future__ import annotations

import re
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.ooxml.parts import CORPUS, MAIN, PACKAGE_REL, REL, WORKBOOK_RELS, archive_of, sheet, workbook_bytes
from xl_addin.ooxml.package import (
    NotAWorkbook,
    check_part_names,
    formulas_without_values,
    has_error_cells,
    has_workbook_suffix,
    may_count_from_1904,
    sheet_parts,
    sheet_texts,
    sniff,
    tables,
    workbook_part,
)
from xl_addin.ooxml.package_edit import PackageUnreadable, relationships

EXCEL_MADE = sorted(CORPUS.glob("*.xls[xm]"))


@pytest.mark.parametrize("path", EXCEL_MADE, ids=lambda path: path.name)
def test_sheets_and_tables_are_openpyxls(path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl's word on what it leaves out (extensions, data validation)
        book = openpyxl.load_workbook(path)
    with zipfile.ZipFile(path) as archive:
        assert list(sheet_parts(archive)) == book.sheetnames
        found = {(table.sheet, table.name, table.ref) for table in tables(archive)}
    assert found == {(sheet.title, table.name, table.ref) for sheet in book.worksheets
                     for table in sheet.tables.values()}


def test_relationships_resolve_relative_and_absolute_targets_and_skip_external_ones() -> None:
    rels = (f'<Relationships xmlns="{PACKAGE_REL}">'
            f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{REL}/styles" Target="/xl/styles.xml"/>'
            f'<Relationship Id="rId3" Type="{REL}/table" Target="../tables/table1.xml"/>'
            f'<Relationship Id="rId4" Type="{REL}/hyperlink" Target="https://example.org" TargetMode="External"/>'
            "</Relationships>")
    assert relationships(rels, "xl/workbook.xml") == [("rId1", f"{REL}/worksheet", "xl/worksheets/sheet1.xml"),
                                                      ("rId2", f"{REL}/styles", "xl/styles.xml"),
                                                      ("rId3", f"{REL}/table", "tables/table1.xml")]
    assert relationships(None, "xl/workbook.xml") == []
    with pytest.raises(PackageUnreadable, match=r"xl/workbook\.xml"):
        relationships("<Relationships", "xl/workbook.xml")


def test_a_damaged_relationships_part_is_named() -> None:
    archive = archive_of(workbook_bytes({"xl/_rels/workbook.xml.rels": WORKBOOK_RELS[:-20]}))
    with pytest.raises(NotAWorkbook, match=r"xl/_rels/workbook\.xml\.rels is damaged"):
        sheet_parts(archive)


def test_the_workbook_part_is_found_where_the_package_says_and_where_excel_keeps_it() -> None:
    moved = workbook_bytes({"_rels/.rels": f'<Relationships xmlns="{PACKAGE_REL}"><Relationship Id="rId1" '
                                           f'Type="{REL}/officeDocument" Target="/book/main.xml"/></Relationships>',
                            "book/main.xml": "<workbook/>"})
    assert workbook_part(archive_of(moved)) == "book/main.xml"
    assert workbook_part(archive_of(workbook_bytes({"_rels/.rels": "not xml"}))) == "xl/workbook.xml"
    with pytest.raises(NotAWorkbook, match="OpenDocument"):
        workbook_part(archive_of(workbook_bytes({"xl/workbook.xml": None, "content.xml": "<x/>"})))
    with pytest.raises(NotAWorkbook, match="no workbook part"):
        workbook_part(archive_of(workbook_bytes({"xl/workbook.xml": None})))


def test_what_is_not_a_workbook_is_refused_in_words(tmp_path: Path) -> None:
    cases = {"list.csv": b"ID,Description\n1,x\n", "page.xlsx": b"<html><body/></html>",
             "old.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "noise.xlsx": bytes(range(256))}
    words = {"list.csv": "text file (CSV)", "page.xlsx": "web page", "old.xls": "Excel 97-2003",
             "noise.xlsx": "not an Excel workbook"}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(NotAWorkbook, match=re.escape(words[name])):
            sniff(tmp_path / name)
    (tmp_path / "book.xlsx").write_bytes(workbook_bytes())
    sniff(tmp_path / "book.xlsx")
    assert has_workbook_suffix(Path("A.XLSM")) and not has_workbook_suffix(Path("a.xls"))
    with pytest.raises(NotAWorkbook, match="backslashes"):
        check_part_names(archive_of(workbook_bytes({"xl\\worksheets\\sheet2.xml": sheet("")})))


def test_byte_searches() -> None:
    assert may_count_from_1904(b'<workbookPr date1904="1"/>')
    assert not may_count_from_1904(b'<workbookPr date1904="false"/>') and not may_count_from_1904(b"<workbookPr/>")
    errors = archive_of(workbook_bytes({"xl/worksheets/sheet1.xml": sheet(
        '<row r="1"><c r="A1" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>')}))
    assert has_error_cells(errors)
    assert not has_error_cells(archive_of(workbook_bytes()))
    formulas = archive_of(workbook_bytes({"xl/worksheets/sheet1.xml": sheet(
        '<row r="2"><c r="K2"><f>SUM(E2:H2)</f></c><c r="L2"><f>1</f><v>1</v></c><c r="M2"><f>2</f></c></row>')}))
    assert formulas_without_values(formulas, "Register", {"K", "L"}) == {("K", 2)}


def test_sheet_texts_reads_every_kind_of_string() -> None:
    strings = (f'<sst xmlns="{MAIN}"><si><t>shared</t></si><si><r><t>rich </t></r><r><t>text</t></r>'
               '<rPh sb="0" eb="1"><t>phonetic</t></rPh></si></sst>')
    rows = ('<row r="3"><c r="B3" t="s"><v>0</v></c><c r="C3" t="s"><v>1</v></c>'
            '<c r="D3" t="inlineStr"><is><t>bell_x0007_</t></is></c><c><v>4</v></c><c r="G3" t="s"><v>9</v></c></row>')
    archive = archive_of(workbook_bytes({"xl/worksheets/sheet1.xml": sheet(rows), "xl/sharedStrings.xml": strings}))
    assert list(sheet_texts(archive, "xl/worksheets/sheet1.xml")) == [
        (3, {2: "shared", 3: "rich text", 4: "bell\x07", 5: "4", 7: ""})]

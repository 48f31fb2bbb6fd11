"""One edit of a package: sheets added and removed with the parts that list them kept in step, cells written and
notes added through the sheet editor, and every entry the edit does not own copied as it was stored."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.ooxml.parts import CORPUS, sheet, workbook_bytes
from xl_addin.ooxml.package import sheet_parts
from xl_addin.ooxml.package_session import CannotWrite, PackageSession
from xl_addin.ooxml.sheet_rows import SheetRows, listing_sheet
from xl_addin.ooxml.zip_package import same_entry


def edited(path: Path, edit: object) -> tuple[bytes, bool, set[str]]:
    target = io.BytesIO()
    with path.open("rb") as source, zipfile.ZipFile(source) as archive:
        session = PackageSession(archive, notes_author="xlreg")
        edit(session)  # type: ignore[operator]
        changed = session.write(source, target)
        owned = set(session.owned)
    return target.getvalue(), changed, owned


def untouched_entries_are_copied(original: Path, written: bytes, owned: set[str]) -> None:
    with original.open("rb") as source, zipfile.ZipFile(source) as before:
        after = zipfile.ZipFile(io.BytesIO(written))
        assert after.testzip() is None
        for info in before.infolist():
            if info.filename not in owned:
                assert same_entry(source, info, io.BytesIO(written), after.getinfo(info.filename)), info.filename


def test_nothing_asked_nothing_changed() -> None:
    path = CORPUS / "020-table.xlsx"
    _, changed, _ = edited(path, lambda session: None)
    assert not changed


def test_a_sheet_added_then_removed(tmp_path: Path) -> None:
    path = CORPUS / "018-comments.xlsx"
    rows = SheetRows()
    rows.append([("Cell", 0), ("Finding", 0)])
    rows.append([("B2", 0), ("Required", 0)])
    xml = listing_sheet(rows, widths=[10, 40])
    written, changed, owned = edited(path, lambda session: session.add_sheet("Findings", xml))
    assert changed
    untouched_entries_are_copied(path, written, owned)
    (tmp_path / "added.xlsx").write_bytes(written)
    book = openpyxl.load_workbook(tmp_path / "added.xlsx")
    assert book.sheetnames[-1] == "Findings" and book["Findings"]["B2"].value == "Required"
    again, changed, owned = edited(tmp_path / "added.xlsx", lambda session: session.remove_sheet("Findings"))
    assert changed
    with zipfile.ZipFile(io.BytesIO(again)) as result, zipfile.ZipFile(path) as original:
        assert sorted(result.namelist()) == sorted(original.namelist())
        assert list(sheet_parts(result)) == list(sheet_parts(original))
        for name in ("[Content_Types].xml", "xl/_rels/workbook.xml.rels"):
            assert result.read(name) == original.read(name), name


def test_cells_written_and_a_note_added_beside_a_persons(tmp_path: Path) -> None:
    path = CORPUS / "018-comments.xlsx"

    def edit(session: PackageSession) -> None:
        plan = session.plan("EverythingTests")
        assert plan is not None
        plan.write(1510, 40, 42)
        plan.write(1511, 40, "text & more")
        session.notes(plan).add((1510, 40), "xlreg's note")

    written, changed, owned = edited(path, edit)
    assert changed
    untouched_entries_are_copied(path, written, owned)
    (tmp_path / "noted.xlsx").write_bytes(written)
    book = openpyxl.load_workbook(tmp_path / "noted.xlsx")
    sheet_one = book["EverythingTests"]
    assert sheet_one["AN1510"].value == 42
    assert sheet_one["AN1511"].value == "text & more"
    assert sheet_one["AN1510"].comment.text == "xlreg's note"
    assert sheet_one["B420"].comment.text.startswith("Amol:")


def test_a_protected_sheet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "protected.xlsx"
    path.write_bytes(workbook_bytes({"xl/worksheets/sheet1.xml": sheet(
        '<row r="1"><c r="A1"><v>1</v></c></row>', after='<sheetProtection sheet="1" objects="1"/>')}))

    def edit(session: PackageSession) -> None:
        plan = session.plan("Register")
        assert plan is not None
        plan.write(2, 2, 1)

    with pytest.raises(CannotWrite, match="the sheet 'Register' is protected"):
        edited(path, edit)


def test_workbooks_xlreg_does_not_write_into_are_refused_in_words(tmp_path: Path) -> None:
    strict = tmp_path / "strict.xlsx"
    strict.write_bytes(workbook_bytes({"xl/workbook.xml": '<workbook xmlns="http://purl.oclc.org/ooxml/'
                                                          'spreadsheetml/main"><sheets/></workbook>'}))
    with pytest.raises(CannotWrite, match="Strict Open XML"):
        edited(strict, lambda session: None)
    no_styles = tmp_path / "no-styles.xlsx"
    no_styles.write_bytes(workbook_bytes({"xl/styles.xml": None}))
    with pytest.raises(CannotWrite, match="no formats part"):
        edited(no_styles, lambda session: None)


def test_a_new_part_name_is_free_whatever_its_case(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(workbook_bytes({"xl/worksheets/Sheet2.xml": sheet("")}))
    with zipfile.ZipFile(path) as archive:
        session = PackageSession(archive, notes_author="xlreg")
        assert session.free_name("xl/worksheets/sheet{}.xml") == "xl/worksheets/sheet3.xml"
        assert session.last_row("xl/worksheets/sheet1.xml") == 1

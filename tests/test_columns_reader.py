"""The native column reader (native/, the xlreg-columns package) against calamine: on every sheet it reads, the
same values cell by cell; on whatever it leaves to calamine, it steps aside and calamine reads the sheet."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import AS_OF
from tests.helpers import cell_codes
from xl_addin.engine.register import CellError
from xl_addin.ooxml.package import sheet_parts, workbook_part
from xl_addin.usecases.check import check_file
from xl_addin.workbook.reading import calamine_grid, columns_grid, reader
from xl_addin.workbook.reading.columns_grid import native_available, native_columns, native_sheets
from xl_addin.workbook.reading.openpyxl_grid import OpenpyxlGrid

pytestmark = pytest.mark.skipif(not native_available(),
                                reason="xlreg-columns is not built here (bash scripts/setup.sh builds it)")

CASES = sorted((Path(__file__).parent / "cases").glob("*/*.xlsx"))
CORPUS = Path(__file__).resolve().parent / "corpus"
CORPUS_FILES = sorted(CORPUS.glob("*/*.xls[xm]"))
CALAMINE_FILES = sorted((Path(__file__).parent / "reader_files" / "calamine").glob("*.xls[xm]"))


def comparable(value: Any) -> Any:
    """A cell as both readers must agree on it: text exactly as written ("" is empty), whole numbers as int,
    date-times to the second (calamine keeps fractions of a second), a midnight date-time as its date."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime):
        value = (value + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
        return value.date() if value.time() == dt.time() else value
    return value


def calamine_cells(path: Path, sheet: str) -> dict[tuple[int, int], Any]:
    import python_calamine

    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(
        skip_empty_area=False)
    return {(row, column): comparable(value) for row, values in enumerate(rows, start=1)
            for column, value in enumerate(values, start=1) if comparable(value) is not None}


def openpyxl_cells(path: Path, sheet: str) -> dict[tuple[int, int], Any]:
    grid = OpenpyxlGrid(path)
    try:
        return {(row, column): comparable(value) for row, values in grid.rows(sheet, min_row=1, max_row=None,
                                                                               min_col=1, max_col=None)
                for column, value in enumerate(values, start=1) if comparable(value) is not None}
    finally:
        grid.close()


def native_cells(columns: list[list[Any]]) -> dict[tuple[int, int], Any]:
    return {(row, column): comparable(value) for column, values in enumerate(columns, start=1)
            for row, value in enumerate(values, start=1) if comparable(value) is not None}


def sheets_of(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return native_sheets(archive, sheet_parts(archive), archive.read(workbook_part(archive)), 0)


def typed(cells: dict[tuple[int, int], Any]) -> dict[tuple[int, int], tuple[type, Any]]:
    return {at: (type(value), value) for at, value in cells.items()}


def test_every_reference_case_is_read_natively_and_cell_by_cell_as_calamine_reads_it() -> None:
    for path in CASES:
        sheets = sheets_of(path)
        assert sheets, path.name
        for sheet, part in sheets.items():
            columns = native_columns(path, part)
            assert columns is not None, f"{path.name}: the native reader stepped aside"
            assert typed(native_cells(columns)) == typed(calamine_cells(path, sheet)), f"{path.name} {sheet}"


@pytest.mark.parametrize("reader_name", ["columns", "auto"])
def test_the_reference_cases_give_the_same_findings_whichever_reader(reader_name: str, schema,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(reader._NATIVE_FROM, "auto", 0)  # every sheet through the native reader, as large ones go
    for path in CASES:
        expected = sorted(tuple(pair) for pair in json.loads(path.with_suffix(".expected.json").read_text()))
        result = check_file(path, schema, today=AS_OF, name=path.name, reader=reader_name)
        assert cell_codes(result) == expected, path.name
        plain = check_file(path, schema, today=AS_OF, name=path.name, reader="calamine")
        assert [f.message for f in result.findings] == [f.message for f in plain.findings], path.name


def _read_alike_or_left_to_calamine(files: list[Path]) -> tuple[int, int]:
    """(sheets read natively, sheets left to calamine) of `files`, asserting that each sheet read natively
    gives calamine's cells."""
    native = stepped_aside = 0
    for path in files:
        try:
            sheets = sheets_of(path)
        except Exception:  # not a package at all: the reader's own tests cover how it is reported
            continue
        for sheet, part in sheets.items():
            columns = native_columns(path, part)
            if columns is None:
                stepped_aside += 1
                continue
            try:
                expected = calamine_cells(path, sheet)
            except Exception:  # a package calamine cannot open is read by openpyxl, whatever this reader says
                continue
            native += 1
            assert typed(native_cells(columns)) == typed(expected), f"{path.name} {sheet}"
    return native, stepped_aside


def test_workbooks_other_programs_wrote_read_alike_or_are_left_to_calamine() -> None:
    """Every sheet of the corpus (Excel-made and odd files) that the native reader reads gives calamine's
    cells; most sheets are read natively, so this cannot pass by stepping aside."""
    native, stepped_aside = _read_alike_or_left_to_calamine(CORPUS_FILES)
    assert native >= 30 and native > 3 * stepped_aside, (native, stepped_aside)


def test_the_workbooks_calamine_tests_itself_on_read_alike_or_are_left_to_calamine() -> None:
    """calamine's own test workbooks (tests/reader_files/calamine/: rich text, phonetic runs, escapes, CDATA,
    1904 dates, quoted formats, odd namespace prefixes...)."""
    native, stepped_aside = _read_alike_or_left_to_calamine(CALAMINE_FILES)
    assert native >= 80 and native > 3 * stepped_aside, (native, stepped_aside)


def test_read_as_openpyxl_reads_them_for_workbooks_holding_formula_errors() -> None:
    """Where a workbook holds a formula error, calamine reads it as an empty cell, so xlreg reads such a
    workbook with openpyxl; the native reader then reads its large sheets as openpyxl does, error cells
    included. Every sheet of the reference cases, the corpus and calamine's workbooks, compared."""
    native = errors = 0
    for path in [*CASES, *CORPUS_FILES, *CALAMINE_FILES]:
        try:
            sheets = sheets_of(path)
        except Exception:
            continue
        for sheet, part in sheets.items():
            columns = native_columns(path, part, error=CellError)
            if columns is None:
                continue
            try:
                expected = openpyxl_cells(path, sheet)
            except Exception:  # a package openpyxl cannot open is reported as damaged, whatever this reader says
                continue
            assert typed(native_cells(columns)) == typed(expected), f"{path.name} {sheet}"
            native += 1
            errors += any(isinstance(value, CellError) for column in columns for value in column)
    assert native >= 250 and errors >= 8, (native, errors)


def test_a_large_sheet_holding_formula_errors_is_read_natively_with_its_errors(schema, tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from xl_addin import resources

    workbook = openpyxl.load_workbook(resources.sample_path())
    workbook["Register"]["O3"] = "#N/A"  # a lookup's error in the Success metric column of the first item
    path = tmp_path / "with-error.xlsx"
    workbook.save(path)
    by_openpyxl = check_file(path, schema, today=AS_OF)  # small: openpyxl reads it, as every such workbook was
    calls: list[bool] = []
    real = columns_grid.xlreg_columns.read_columns

    def counted(sheet: bytes, strings: Any, styles: Any, error: Any = None) -> Any:
        calls.append(error is CellError)
        return real(sheet, strings, styles, error)

    monkeypatch.setattr(columns_grid.xlreg_columns, "read_columns", counted)
    monkeypatch.setitem(reader._NATIVE_FROM, "auto", 0)
    parsed_by_calamine: list[str] = []
    monkeypatch.setattr(calamine_grid.CalamineGrid, "_values",
                        lambda grid, sheet: parsed_by_calamine.append(sheet) or [])
    natively = check_file(path, schema, today=AS_OF)
    assert calls == [False, True]  # as calamine: it meets the error and stops; then as openpyxl
    assert parsed_by_calamine == []  # no calamine reading thrown away
    assert any(finding.cell == "O3" for finding in by_openpyxl.findings)
    assert [(f.cell, f.code, f.message) for f in natively.findings] == \
        [(f.cell, f.code, f.message) for f in by_openpyxl.findings]


def test_registers_added_to_excel_made_workbooks_give_the_same_findings(schema, tmp_path: Path) -> None:
    checked = 0
    for source in sorted((CORPUS / "excel-made").glob("*.xls[xm]")):
        target = tmp_path / f"register-{source.name}"
        added = subprocess.run([sys.executable, str(CORPUS / "add_register.py"), str(source), str(target)],
                               capture_output=True, text=True, timeout=120, check=False)
        if "already has a sheet named Register" in added.stderr:
            target = source
        else:
            assert added.returncode == 0, added.stderr
        by_columns = check_file(target, schema, today=AS_OF, reader="columns")
        by_calamine = check_file(target, schema, today=AS_OF, reader="calamine")
        assert [(f.cell, f.code, f.message) for f in by_columns.findings] == \
            [(f.cell, f.code, f.message) for f in by_calamine.findings], source.name
        checked += 1
    assert checked == 28


# Number formats as people use them: dates, times of day, durations, currencies, conditions, literals.
FORMATS = ["General", "0", "0.00", "#,##0.00 €", "[Red]0.00", '0 "days"', "0.00E+00", "0%", "@", "yyyy-mm-dd",
           "dd/mm/yyyy", "d-mmm-yy", "mmm-yy", "dd.mm.yyyy hh:mm", "h:mm", "mm:ss", "[h]:mm:ss", "h:mm AM/PM",
           "[$-409]d-mmm-yy", "dd-mm-yy;@", '#,##0;[Red]-#,##0', "\\d0", "yyyy-mm-dd\\ hh:mm:ss", "# ?/?",
           "0*d", "*-yyyy-mm-dd", "_d0", "[Red]d", 'yyyy"年"m"月"d"日"', "GENERAL", "0;d", "[mm]:ss"]
VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=64, min_value=-1e12, max_value=1e12),
    st.dates(dt.date(1899, 12, 31), dt.date(9999, 12, 31)),
    st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(9999, 12, 30)),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from([" ", "\n", "&", "<", "é", "😀"]),
            max_size=12),
    st.sampled_from(["_x000D_", " padded ", "a_x0041_b", "2026-01-05", "1.5", "#N/A", "#DIV/0!", "#REF!"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.tuples(st.integers(1, 30), st.integers(1, 6), VALUES, st.sampled_from(FORMATS)),
                      max_size=40))
def test_random_cells_read_as_calamine_reads_them(cells: list[tuple[int, int, Any, str]], tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row, column, value, number_format in cells:
        if isinstance(value, str) and value.startswith("="):
            value = " " + value  # text, not a formula
        cell = sheet.cell(row, column, value)
        cell.number_format = number_format
    path = tmp_path / "random.xlsx"
    workbook.save(path)
    (name, part), = sheets_of(path).items()
    columns = native_columns(path, part)
    if columns is not None:
        assert typed(native_cells(columns)) == typed(calamine_cells(path, name))
    as_openpyxl = native_columns(path, part, error=CellError)
    if as_openpyxl is not None:
        assert typed(native_cells(as_openpyxl)) == typed(openpyxl_cells(path, name))


SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SHARED_STRINGS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def _with_sheet_data(tmp_path: Path, sheet_data: str, *, texts: tuple[str, ...] = ("alpha", "beta"),
                     workbook_pr: str | None = None) -> Path:
    """A workbook openpyxl made (a yyyy-mm-dd style 1) with a shared strings part holding `texts` and its sheet
    data replaced by `sheet_data`, as other programs write them."""
    workbook = openpyxl.Workbook()
    workbook.active.cell(1, 1, dt.date(2026, 1, 5)).number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    workbook.save(buffer)
    items = "".join(f"<si><t>{text}</t></si>" for text in texts)
    shared = (f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(texts)}" '
              f'uniqueCount="{len(texts)}">{items}</sst>')
    path = tmp_path / "edited.xlsx"
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            text = source.read(info).decode()
            if info.filename == "xl/worksheets/sheet1.xml":
                start, end = text.index("<sheetData>"), text.index("</sheetData>") + len("</sheetData>")
                text = text[:start] + sheet_data + text[end:]
            elif info.filename == "xl/workbook.xml" and workbook_pr is not None:
                text = text.replace("<workbookPr/>", workbook_pr)
            elif info.filename == "xl/_rels/workbook.xml.rels":
                text = text.replace("</Relationships>", f'<Relationship Type="{SHARED_STRINGS_REL}" '
                                    'Target="sharedStrings.xml" Id="rIdStrings"/></Relationships>')
            elif info.filename == "[Content_Types].xml":
                text = text.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" '
                                    f'ContentType="{SHARED_STRINGS_TYPE}"/></Types>')
            target.writestr(info, text.encode())
        target.writestr("xl/sharedStrings.xml", shared)
    return path


def test_what_excel_and_others_write_reads_as_calamine_reads_it(tmp_path: Path) -> None:
    sheet_data = (
        '<sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><r><t xml:space="preserve">rich </t></r>'
        '<r><rPr><b/></rPr>'
        '<t>text</t></r></is></c><c r="D1" t="str"><f>A1&amp;"!"</f><v>alpha!</v></c>'
        '<c r="G1" t="inlineStr"><is><t> trimmed\n</t></is></c></row>'
        '<row r="3"><c r="A3" s="1"><v>46027.5</v></c><c r="B3" s="1"/><c r="C3" t="b"><v>1</v></c>'
        '<c r="D3"><v>2.50</v></c><c r="E3" t="s"><v>1</v></c><c r="F3" t="inlineStr"><is><t>a &amp; b&#10;c</t>'
        '</is></c></row>'
        '<row r="2"><c r="A2" s="1"><v>46027</v></c><c r="AB2"><v>-7</v></c></row>'
        '</sheetData>')
    path = _with_sheet_data(tmp_path, sheet_data)
    (name, part), = sheets_of(path).items()
    columns = native_columns(path, part)
    assert columns is not None
    cells = native_cells(columns)
    assert typed(cells) == typed(calamine_cells(path, name))
    assert cells[(1, 3)] == "rich text" and cells[(3, 6)] == "a & b\nc" and cells[(2, 28)] == -7
    assert cells[(3, 1)] == dt.datetime(2026, 1, 5, 12) and cells[(2, 1)] == dt.date(2026, 1, 5)
    as_openpyxl = native_columns(path, part, error=CellError)
    assert as_openpyxl is not None
    assert typed(native_cells(as_openpyxl)) == typed(openpyxl_cells(path, name))
    assert native_cells(as_openpyxl)[(1, 7)] == " trimmed\n"  # openpyxl keeps what calamine trims


def test_error_cells_read_as_openpyxl_reads_them(tmp_path: Path) -> None:
    path = _with_sheet_data(tmp_path, '<sheetData><row r="1"><c r="A1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
                                      '<c r="B1" t="e"><v>#N/A</v></c><c r="C1" t="s"><v>1</v></c></row></sheetData>')
    (name, part), = sheets_of(path).items()
    assert native_columns(path, part) is None  # calamine reads an error as an empty cell: left to it
    columns = native_columns(path, part, error=CellError)
    assert columns is not None
    assert native_cells(columns) == openpyxl_cells(path, name) == {
        (1, 1): CellError("#DIV/0!"), (1, 2): CellError("#N/A"), (1, 3): "beta"}


@pytest.mark.parametrize("sheet_data, why", [
    ('<sheetData><row r="1"><c r="A1" t="e"><v>#REF!</v></c></row></sheetData>', "an error cell"),
    ('<sheetData><row r="1"><c r="A1" t="d"><v>2026-01-05</v></c></row></sheetData>', "an ISO date cell"),
    ('<sheetData><row r="1"><c><v>1</v></c></row></sheetData>', "a cell without its reference"),
    ('<sheetData><row r="1"><c r="A1" s="1"><v>12</v></c></row></sheetData>', "a date before 1900-03-01"),
    ('<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a_x000D_b</t></is></c></row></sheetData>',
     "OOXML's own escape"),
    ('<sheetData><row r="1"><c r="A1" t="s"><v>9</v></c></row></sheetData>', "a shared string that is not there"),
])
def test_what_it_does_not_read_exactly_it_leaves_to_calamine(sheet_data: str, why: str, tmp_path: Path,
                                                              schema) -> None:
    path = _with_sheet_data(tmp_path, sheet_data)
    (_, part), = sheets_of(path).items()
    assert native_columns(path, part) is None, why
    by_columns = check_file(path, schema, today=AS_OF, reader="columns")
    by_calamine = check_file(path, schema, today=AS_OF, reader="calamine")
    assert [(f.code, f.message) for f in by_columns.findings] == [(f.code, f.message) for f in by_calamine.findings]


def test_a_workbook_counting_dates_from_1904_is_left_to_calamine(tmp_path: Path) -> None:
    path = _with_sheet_data(tmp_path, '<sheetData><row r="1"><c r="A1" s="1"><v>46027</v></c></row></sheetData>',
                            workbook_pr='<workbookPr date1904="1"/>')
    assert sheets_of(path) == {}


def test_a_duration_format_is_left_to_calamine(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.cell(1, 1, 1.25).number_format = "[h]:mm:ss"
    path = tmp_path / "duration.xlsx"
    workbook.save(path)
    (_, part), = sheets_of(path).items()
    assert native_columns(path, part) is None


def test_large_sheets_go_through_the_native_reader_and_small_ones_do_not(schema, monkeypatch: pytest.MonkeyPatch,
                                                                         tmp_path: Path) -> None:
    from xl_addin import resources

    calls: list[int] = []
    real = columns_grid.xlreg_columns.read_columns

    def counted(sheet: bytes, *parts: Any) -> Any:
        calls.append(len(sheet))
        return real(sheet, *parts)

    monkeypatch.setattr(columns_grid.xlreg_columns, "read_columns", counted)
    sample = resources.sample_path()
    plain = check_file(sample, schema, today=AS_OF)
    assert calls == []  # the sample's sheet is far below NATIVE_FROM_BYTES
    with zipfile.ZipFile(sample) as archive:
        size = archive.getinfo(sheet_parts(archive)["Register"]).file_size
    monkeypatch.setitem(reader._NATIVE_FROM, "auto", size)  # as if the sample were a large register
    native = check_file(sample, schema, today=AS_OF)
    assert calls == [size]
    assert [(f.cell, f.code, f.message) for f in native.findings] == \
        [(f.cell, f.code, f.message) for f in plain.findings]


def test_a_lone_far_cell_costs_its_column_not_the_rectangle(tmp_path: Path) -> None:
    """A value in A1 and one in XFD1048576: calamine would hand over 17 billion cells; this reader, two short
    columns and one of a million rows."""
    path = _with_sheet_data(tmp_path, '<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>'
                                      '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
    (_, part), = sheets_of(path).items()
    columns = native_columns(path, part)
    assert columns is not None and len(columns) == 16_384
    assert sum(map(len, columns)) == 1 + 1_048_576
    assert columns[0] == ["alpha"] and columns[-1][-1] == 1

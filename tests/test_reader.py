"""Finding the register and reading it; files that are not registers become one clear finding."""

from __future__ import annotations

import datetime as dt
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import PatternFill

from tests.conftest import AS_OF
from tests.helpers import cell_codes
from xl_addin import resources
from xl_addin.engine.register import Register
from xl_addin.usecases.check import check_file
from xl_addin.workbook.reading.reader import read_register

CASES = Path(__file__).parent / "cases"


def _unreadable_message(path: Path, schema) -> str:
    result = check_file(path, schema, today=AS_OF)
    assert [f.code for f in result.findings] == ["unreadable-file"]
    return result.findings[0].message


def test_text_file_named_xlsx(tmp_path: Path, schema) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("ID,Status\nIMP-0001,Planned\n")
    assert "not an Excel workbook" in _unreadable_message(path, schema)


def test_zip_that_is_not_a_workbook(tmp_path: Path, schema) -> None:
    path = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "zip archive but not an Excel workbook" in _unreadable_message(path, schema)


def test_truncated_workbook(tmp_path: Path, schema) -> None:
    data = resources.sample_path().read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    assert "damaged" in _unreadable_message(path, schema)


def test_old_xls_and_encrypted_workbooks(tmp_path: Path, schema) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    xls = tmp_path / "old.xlsx"
    xls.write_bytes(ole + "Workbook".encode("utf-16-le"))
    assert "Excel 97-2003 (.xls)" in _unreadable_message(xls, schema)
    encrypted = tmp_path / "locked.xlsx"
    encrypted.write_bytes(ole + "EncryptedPackage".encode("utf-16-le"))
    assert "password-protected" in _unreadable_message(encrypted, schema)


def test_missing_file_and_folder(tmp_path: Path, schema) -> None:
    assert "File not found" in _unreadable_message(tmp_path / "nope.xlsx", schema)
    assert "is a folder" in _unreadable_message(tmp_path, schema)


def test_workbook_without_a_register(tmp_path: Path, schema) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Name", "Phone"])
    path = tmp_path / "contacts.xlsx"
    workbook.save(path)
    result = check_file(path, schema, today=AS_OF)
    assert [f.code for f in result.findings] == ["no-register"]
    assert "no table named 'Register'" in result.findings[0].message


def test_the_register_table_wins_over_a_matching_sheet_before_it(tmp_path: Path, schema) -> None:
    workbook = openpyxl.load_workbook(CASES / "invalid" / "status-invalid.xlsx")
    decoy = workbook.create_sheet("Old copy", 0)
    decoy.append([column.name for column in schema.columns])
    path = tmp_path / "two.xlsx"
    workbook.save(path)
    register = read_register(path, schema)
    assert isinstance(register, Register)
    assert (register.sheet, register.table, len(register.rows)) == ("Register", "Register", 2)


def test_formula_totals_without_cached_values_are_not_missing(schema) -> None:
    # Files saved by openpyxl carry formulas with no cached value; the sample's totals are all formulas.
    register = read_register(resources.sample_path(), schema)
    assert isinstance(register, Register)
    totals = [row.values.get("Priority total") for row in register.rows]
    assert totals.count(None) == 59  # one planted typed-in total
    result = check_file(resources.sample_path(), schema, today=AS_OF)
    assert not [f for f in result.findings if f.column == "Priority total" and f.code != "stale-total"]


@pytest.mark.parametrize("use_table", [True, False])
def test_sheet_formatted_to_the_last_row_is_read_quickly(tmp_path: Path, schema, use_table: bool) -> None:
    source = CASES / "invalid" / ("status-invalid.xlsx" if use_table else "header-in-row-4.xlsx")
    workbook = openpyxl.load_workbook(source)
    workbook.worksheets[0].cell(1_048_576, 3).fill = PatternFill("solid", start_color="FFFFFF00")
    path = tmp_path / "formatted.xlsx"
    workbook.save(path)
    started = time.perf_counter()
    result = check_file(path, schema, today=AS_OF)
    elapsed = time.perf_counter() - started
    assert result.rows_checked == 2
    assert [code for _, code in cell_codes(result)].count("not-in-list") == 1
    assert elapsed < 2.0, f"took {elapsed:.1f} s"


def test_values_are_normalised(tmp_path: Path, schema) -> None:
    workbook = openpyxl.load_workbook(CASES / "valid" / "id-valid.xlsx")
    sheet = workbook["Register"]
    sheet["B2"] = dt.datetime(2026, 3, 2, 14, 30)
    sheet["G2"] = 2.0
    sheet["F2"] = "  Add trend data  "
    path = tmp_path / "normalised.xlsx"
    workbook.save(path)
    register = read_register(path, schema)
    assert isinstance(register, Register)
    values = register.rows[0].values
    assert values["Date raised"] == dt.date(2026, 3, 2)
    assert values["Customer impact"] == 2 and isinstance(values["Customer impact"], int)
    assert values["Description"] == "Add trend data"
    assert check_file(path, schema, today=AS_OF).findings == ()


def test_where_no_thread_can_start_the_reader_scans_for_errors_in_line(schema, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pyodide (xlwings Lite) starts no thread: the error-cell scan is made in line, with the same reading."""
    sample = resources.sample_path()
    expected = check_file(sample, schema, today=AS_OF).findings
    assert expected
    monkeypatch.setattr("xl_addin.workbook.reading.reader.can_start_threads", lambda: False)
    monkeypatch.setattr("xl_addin.workbook.reading.reader._error_scanner", lambda: pytest.fail("a thread started"))
    assert check_file(sample, schema, today=AS_OF).findings == expected

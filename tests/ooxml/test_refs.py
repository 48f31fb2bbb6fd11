"""A1 references: the one home of column letters agrees with openpyxl's, with the native column reader's and with
itself over all 16,384 columns; ranges read as Excel writes them."""

from __future__ import annotations

import pytest
from openpyxl.utils import column_index_from_string, get_column_letter

from xl_addin.ooxml.refs import MAX_COLUMN, cell, column_letter, column_letter_bytes, column_number, range_bounds, span
from xl_addin.workbook.reading.columns_grid import native_available


def test_every_column_letter_is_openpyxls_and_reads_back() -> None:
    for number in range(1, MAX_COLUMN + 1):
        letters = column_letter(number)
        assert letters == get_column_letter(number)
        assert column_number(letters) == number == column_index_from_string(letters)
        assert column_number(column_letter_bytes(number)) == number
    assert (column_letter(1), column_letter(26), column_letter(27), column_letter(702), column_letter(703),
            column_letter(MAX_COLUMN)) == ("A", "Z", "AA", "ZZ", "AAA", "XFD")


def test_cells_and_ranges() -> None:
    assert cell(3, 14) == "C14"
    assert span(2, 2, 14, 40) == "B2:N40"
    assert range_bounds("B2:N40") == (2, 2, 14, 40)
    assert range_bounds("$B$2") == (2, 2, 2, 2)
    assert range_bounds(" $aa$10:$xfd$1048576 ") == (27, 10, MAX_COLUMN, 1_048_576)
    for wrong in ("", "B", "2", "B2:", "Register!B2", "ABCD1", "B2:C"):
        with pytest.raises(ValueError):
            range_bounds(wrong)


@pytest.mark.skipif(not native_available(), reason="xlreg-columns is not built here (bash scripts/setup.sh builds it)")
def test_the_native_reader_puts_each_cell_in_the_column_its_letters_name() -> None:
    import xlreg_columns

    columns = [1, 2, 25, 26, 27, 52, 53, 701, 702, 703, 1000, 16_383, MAX_COLUMN]
    cells = "".join(f'<c r="{column_letter(number)}1"><v>{number}</v></c>' for number in columns)
    xml = (f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           f'<row r="1">{cells}</row></sheetData></worksheet>').encode()
    read = xlreg_columns.read_columns(xml, None, None, None)
    assert read is not None
    found = {index + 1: values[0] for index, values in enumerate(read) if values and values[0] is not None}
    assert found == {number: number for number in columns}

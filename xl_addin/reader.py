"""Find and read the register in an .xlsx/.xlsm file with openpyxl, without Excel."""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.utils import range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser

from xl_addin import findings as F
from xl_addin.findings import Finding
from xl_addin.package import NotAWorkbook, TablePart, sniff, tables
from xl_addin.register import HeaderLayout, Register, RegisterRow, build_row, is_blank, is_header_match, match_header
from xl_addin.schema import RegisterSchema

HEADER_SEARCH_ROWS = 30


def unreadable(file: str, reason: str) -> Finding:
    """The finding for a file that could not be read at all."""
    return Finding(file=file, sheet="", row=0, column_number=0, code=F.UNREADABLE_FILE.code,
                   severity=F.UNREADABLE_FILE.severity, message=F.UNREADABLE_FILE.message(reason=reason))


def read_register(path: Path, schema: RegisterSchema, *, name: str | None = None) -> Register | Finding:
    """The register in a workbook, or the one finding that says why there is none."""
    file = name or str(path)
    try:
        sniff(path)
        with zipfile.ZipFile(path) as archive:
            table_parts = tables(archive)
    except NotAWorkbook as error:
        return unreadable(file, str(error))
    except (zipfile.BadZipFile, KeyError, ParseError, EOFError) as error:
        return unreadable(file, f"{path.name} is damaged and cannot be read ({error}).")
    except DefusedXmlException as error:
        return unreadable(file, f"{path.name} contains XML that is not allowed in a workbook ({error}).")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on unsupported extensions do not affect values
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # openpyxl raises many types for damaged packages; all mean "unreadable"
        return unreadable(file, f"{path.name} is damaged and cannot be read ({type(error).__name__}: {error}).")
    try:
        return _find_register(workbook, table_parts, schema, file)
    finally:
        workbook.close()


def _find_register(workbook: Workbook, table_parts: Sequence[TablePart], schema: RegisterSchema,
                   file: str) -> Register | Finding:
    wanted = schema.table.casefold()
    for table in table_parts:
        if table.name.casefold() == wanted and table.sheet in workbook.sheetnames and table.header_rows:
            return _read_table(workbook, table, schema, file)
    for sheet in workbook.worksheets:
        sheet.reset_dimensions()  # trust the cells, not a declared size that may run to row 1,048,576
        for number, cells in enumerate(sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True), start=1):
            layout = match_header(cells, schema)
            if is_header_match(layout, schema):
                last_column = max([*layout.columns.values(), *layout.extra_columns.values()])
                data = present_rows(sheet, min_row=number + 1, max_row=None, min_col=1, max_col=last_column)
                return _register(file, sheet.title, number, layout, data, schema, table=None)
    examples = ", ".join(column.name for column in schema.columns[:3])
    return Finding(file=file, sheet="", row=0, column_number=0, code=F.NO_REGISTER.code,
                   severity=F.NO_REGISTER.severity, message=F.NO_REGISTER.message(table=schema.table,
                                                                                examples=examples))


def _read_table(workbook: Workbook, table: TablePart, schema: RegisterSchema, file: str) -> Register:
    first_column, first_row, last_column, last_row = range_boundaries(table.ref)
    sheet = workbook[table.sheet]
    header = next(sheet.iter_rows(min_row=first_row, max_row=first_row, min_col=first_column,
                                  max_col=last_column, values_only=True))
    layout = match_header(header, schema, first_column=first_column)
    data = present_rows(sheet, min_row=first_row + table.header_rows, max_row=last_row, min_col=first_column,
                        max_col=last_column)
    return _register(file, table.sheet, first_row, layout, data, schema, table=table.name,
                     first_column=first_column)


def present_rows(sheet: ReadOnlyWorksheet, *, min_row: int, max_row: int | None, min_col: int,
                 max_col: int) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, values) for the rows the sheet's XML actually holds.

    openpyxl's own iterator invents an empty row for every gap, so one formatted cell at row 1,048,576
    would cost a million empty rows; this walks only what is there.
    """
    workbook = sheet.parent
    with sheet._get_source() as source:
        parser = WorkSheetParser(source, sheet._shared_strings, data_only=workbook.data_only,
                                 epoch=workbook.epoch, date_formats=workbook._date_formats,
                                 timedelta_formats=workbook._timedelta_formats)
        for number, cells in parser.parse():
            if number < min_row:
                continue
            if max_row is not None and number > max_row:
                break
            values: list[Any] = [None] * (max_col - min_col + 1)
            for cell in cells:
                column = cell["column"]
                if min_col <= column <= max_col:
                    values[column - min_col] = cell["value"]
            yield number, tuple(values)


def _register(file: str, sheet: str, header_row: int, layout: HeaderLayout,
              data: Iterable[tuple[int, Sequence[Any]]], schema: RegisterSchema, *, table: str | None,
              first_column: int = 1) -> Register:
    computed = schema.computed_columns
    rows: list[RegisterRow] = []
    for number, cells in data:
        row = build_row(number, cells, layout, first_column=first_column)
        if not is_blank(row, computed):
            rows.append(row)
    return Register(file=file, sheet=sheet, header_row=header_row, layout=layout, rows=tuple(rows), table=table)

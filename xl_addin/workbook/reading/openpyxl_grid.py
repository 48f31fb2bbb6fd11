"""The openpyxl reader: cached formula values and error cells as they are, where calamine cannot answer (large
sheets through the native reader, reading them as openpyxl does: columns_grid)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import openpyxl
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import WorkSheetParser

from xl_addin.engine.register import CellError
from xl_addin.ooxml.package import has_workbook_suffix
from xl_addin.workbook.reading.columns_grid import NativeSheets
from xl_addin.workbook.reading.grid import columns_from_rows


class OpenpyxlGrid:
    """openpyxl in read-only mode: cached formula values, walking only the rows the XML holds."""

    def __init__(self, path: Path | BinaryIO, *, native: Mapping[str, str] | None = None) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on unsupported extensions do not affect values
            # a file object: openpyxl refuses a workbook by its name's suffix (a .xlsx saved as .xls), not its content
            source = path.open("rb") if isinstance(path, Path) and not has_workbook_suffix(path) else path
            self._workbook = openpyxl.load_workbook(source, read_only=True, data_only=True, keep_links=False)
        self.sheet_names = [sheet.title for sheet in self._workbook.worksheets]
        self._native = NativeSheets(path, native, error=CellError) if isinstance(path, Path) else None

    def rows(self, sheet: str, *, min_row: int, max_row: int | None, min_col: int,
             max_col: int | None) -> Iterator[tuple[int, tuple[Any, ...]]]:
        native = self._native.columns_of(sheet) if self._native else None
        if native is not None:
            return native.rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col)
        return present_rows(self._workbook[sheet], min_row=min_row, max_row=max_row, min_col=min_col,
                            max_col=max_col)

    def columns(self, sheet: str, *, min_row: int, max_row: int | None, min_col: int,
                max_col: int) -> tuple[list[int], list[Sequence[Any]]]:
        native = self._native.columns_of(sheet) if self._native else None
        if native is not None:
            return native.column_range(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col)
        rows = self.rows(sheet, min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col)
        return columns_from_rows(rows, max_col - min_col + 1)

    def close(self) -> None:
        self._workbook.close()


def present_rows(sheet: ReadOnlyWorksheet, *, min_row: int, max_row: int | None, min_col: int,
                 max_col: int | None) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """(row number, values) for the rows the sheet's XML actually holds.

    openpyxl's own iterator invents an empty row for every gap, so one formatted cell at row 1,048,576
    would cost a million empty rows; this walks only what is there.
    """
    workbook = sheet.parent
    # openpyxl's notes on extensions it does not carry (x14 formats...) do not affect values
    with sheet._get_source() as source, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parser = WorkSheetParser(source, sheet._shared_strings, data_only=workbook.data_only,
                                 epoch=workbook.epoch, date_formats=workbook._date_formats,
                                 timedelta_formats=workbook._timedelta_formats)
        for number, cells in parser.parse():
            if number < min_row:
                continue
            if max_row is not None and number > max_row:
                break
            last = max_col or max((cell["column"] for cell in cells), default=min_col)
            values: list[Any] = [None] * (last - min_col + 1)
            for cell in cells:
                column = cell["column"]
                if min_col <= column <= last:
                    value = cell["value"]
                    values[column - min_col] = CellError(value) if cell["data_type"] == "e" else value
            yield number, tuple(values)

"""Large sheets read column by column by xlreg's own reader (the optional `xlreg-columns` package, built from
native/), every other sheet by calamine or openpyxl.

calamine hands over a sheet as rows of Python objects, one new string per text cell, which xlreg then turns
into columns; for a register of 100,000 rows that costs about as much as the parse, and openpyxl (which reads
a workbook holding formula errors, as calamine reads them as empty) costs ten times more. The native reader
makes the columns directly, one object per distinct shared string, with the values calamine or openpyxl give
once normalised. It reads only what it reads exactly as they do and says `Unsupported` otherwise (a duration,
a number format it does not classify...); that sheet is then read by calamine or openpyxl, as it is without
the package.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from xl_addin.ooxml.package import NotAWorkbook, book_part, may_count_from_1904, workbook_part

try:
    import xlreg_columns
except ImportError:  # not built here: calamine reads every sheet
    xlreg_columns = None

# Sheet XML from which the native reader is used (about 5,000 register rows): below it calamine is quick
# enough, and a register read as it always was.
NATIVE_FROM_BYTES = 4 << 20


def native_available() -> bool:
    return xlreg_columns is not None


def native_sheets(archive: zipfile.ZipFile, sheets: Mapping[str, str], workbook: bytes,
                  from_bytes: int = NATIVE_FROM_BYTES) -> dict[str, str]:
    """Sheet -> part of the sheets worth reading natively: none where the reader is not built or the workbook
    may count dates from 1904 (the reader counts from 1900), else those of at least `from_bytes` of XML."""
    if xlreg_columns is None or may_count_from_1904(workbook):
        return {}
    names = set(archive.namelist())
    return {sheet: part for sheet, part in sheets.items()
            if part in names and archive.getinfo(part).file_size >= from_bytes}


class FormulaErrorsFound(Exception):
    """A sheet read as calamine reads it holds a formula error: the workbook is to be read as openpyxl reads it."""


def native_columns(path: Path, part: str, *, error: Callable[[str], Any] | None = None,
                   stop_at_errors: bool = False) -> list[list[Any]] | None:
    """The columns of the sheet in `part` from column A, one value per row from row 1 (each as long as its last
    value), as calamine reads them, or with `error` as openpyxl reads them (an error cell as `error(code)`);
    None where it holds what the native reader leaves to them. With `stop_at_errors`, a formula error met when
    reading as calamine raises FormulaErrorsFound instead (the calamine reading would be thrown away)."""
    if xlreg_columns is None:
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            book = workbook_part(archive)
            strings = book_part(archive, book, "/sharedStrings")
            styles = book_part(archive, book, "/styles")
            return xlreg_columns.read_columns(archive.read(part), archive.read(strings) if strings else None,
                                              archive.read(styles) if styles else None, error)
    except xlreg_columns.ErrorCells:
        if stop_at_errors:
            raise FormulaErrorsFound(part) from None
        return None
    except (xlreg_columns.Unsupported, NotAWorkbook, zipfile.BadZipFile, KeyError, OSError, EOFError):
        return None  # calamine reads it, or says what is wrong with it


class NativeSheets:
    """The sheets a grid reads through the native reader (sheet -> part), each read once when first asked for;
    None for a sheet it leaves to the grid's own reader. With `error`, read as openpyxl reads them; with
    `stop_at_errors`, see native_columns."""

    def __init__(self, path: Path, parts: Mapping[str, str] | None, *,
                 error: Callable[[str], Any] | None = None, stop_at_errors: bool = False) -> None:
        self._path = path
        self._parts = dict(parts or {})
        self._error = error
        self._stop_at_errors = stop_at_errors
        self._read: dict[str, SheetColumns | None] = {}

    def columns_of(self, sheet: str) -> SheetColumns | None:
        part = self._parts.get(sheet)
        if part is None:
            return None
        if sheet not in self._read:
            columns = native_columns(self._path, part, error=self._error, stop_at_errors=self._stop_at_errors)
            self._read[sheet] = SheetColumns(columns) if columns is not None else None
        return self._read[sheet]


class SheetColumns:
    """One sheet held as columns (each as long as its last value): the rows and column ranges a Grid gives,
    without transposing the sheet."""

    def __init__(self, columns: list[list[Any]]) -> None:
        self.columns = columns
        self.height = max(map(len, columns), default=0)

    def rows(self, *, min_row: int, max_row: int | None, min_col: int,
             max_col: int | None) -> Iterator[tuple[int, tuple[Any, ...]]]:
        last = self.height if max_row is None else min(max_row, self.height)
        last_col = len(self.columns) if max_col is None else max_col
        picked = [self._column(number) for number in range(min_col, last_col + 1)]
        for number in range(min_row, last + 1):
            yield number, tuple(column[number - 1] if number <= len(column) else None for column in picked)

    def column_range(self, *, min_row: int, max_row: int | None, min_col: int,
                     max_col: int) -> tuple[list[int], list[Sequence[Any]]]:
        last = self.height if max_row is None else min(max_row, self.height)
        size = max(0, last - min_row + 1)
        columns: list[Sequence[Any]] = []
        for number in range(min_col, max_col + 1):
            values = self._column(number)[min_row - 1:last]
            columns.append(values if len(values) == size else [*values, *([None] * (size - len(values)))])
        return list(range(min_row, min_row + size)), columns

    def _column(self, number: int) -> list[Any]:
        return self.columns[number - 1] if 0 < number <= len(self.columns) else []

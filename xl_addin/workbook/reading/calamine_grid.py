"""Cell values through python-calamine (Rust), large sheets column by column through xlreg's native reader."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from xl_addin.ooxml.package import has_workbook_suffix
from xl_addin.workbook.reading.columns_grid import NativeSheets
from xl_addin.workbook.reading.grid import columns_from_rows


class CalamineGrid:
    """python-calamine (Rust): the same values, several times faster on large sheets. The `native` sheets (sheet
    -> part) are read column by column by the native reader where it can."""

    def __init__(self, path: Path, *, native: Mapping[str, str] | None = None, stop_at_errors: bool = False) -> None:
        import python_calamine

        if has_workbook_suffix(path):
            self._workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        else:  # calamine goes by a path's suffix; by a file's content, it reads a .xlsx saved as .xls
            with path.open("rb") as handle:
                self._workbook = python_calamine.CalamineWorkbook.from_filelike(handle)
        self.sheet_names = [meta.name for meta in self._workbook.sheets_metadata
                            if meta.typ == python_calamine.SheetTypeEnum.WorkSheet]
        self._cache: dict[str, list[list[Any]]] = {}
        self._native = NativeSheets(path, native, stop_at_errors=stop_at_errors)

    def _values(self, sheet: str) -> list[list[Any]]:
        if sheet not in self._cache:
            self._cache[sheet] = self._workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        return self._cache[sheet]

    def rows(self, sheet: str, *, min_row: int, max_row: int | None, min_col: int,
             max_col: int | None) -> Iterator[tuple[int, tuple[Any, ...]]]:
        native = self._native.columns_of(sheet)
        if native is not None:
            yield from native.rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col)
            return
        values = self._values(sheet)
        last = len(values) if max_row is None else min(max_row, len(values))
        for number in range(min_row, last + 1):
            row = values[number - 1]
            cells = row[min_col - 1:max_col] if max_col is not None else row[min_col - 1:]
            if max_col is not None and len(cells) < max_col - min_col + 1:
                cells = [*cells, *([None] * (max_col - min_col + 1 - len(cells)))]
            yield number, tuple(cells)

    def columns(self, sheet: str, *, min_row: int, max_row: int | None, min_col: int,
                max_col: int) -> tuple[list[int], list[Sequence[Any]]]:
        """Column by column, transposed in C: a register of 100,000 rows is never walked row by row here."""
        native = self._native.columns_of(sheet)
        if native is not None:
            return native.column_range(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col)
        values = self._values(sheet)
        last = len(values) if max_row is None else min(max_row, len(values))
        block = values[min_row - 1:last]
        width = max_col - min_col + 1
        if block and len(set(map(len, block))) == 1:  # calamine gives a rectangle
            columns: list[Sequence[Any]] = []
            columns.extend(zip(*block, strict=True))
            columns = columns[min_col - 1:max_col]
            columns += [(None,) * len(block)] * (width - len(columns))
            return list(range(min_row, min_row + len(block))), columns
        return columns_from_rows(zip(range(min_row, last + 1), (row[min_col - 1:max_col] for row in block),
                                     strict=True), width)

    def close(self) -> None:
        self._workbook.close()

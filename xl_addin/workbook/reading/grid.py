"""What every reader of cell values gives: a grid of a workbook's worksheets, row by row or column by column."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol


class Grid(Protocol):
    """Cell values of a workbook's worksheets, row by row, 1-based."""

    sheet_names: list[str]

    def rows(self, sheet: str, *, min_row: int, max_row: int | None, min_col: int,
             max_col: int | None) -> Iterator[tuple[int, tuple[Any, ...]]]: ...

    def columns(self, sheet: str, *, min_row: int, max_row: int | None, min_col: int,
                max_col: int) -> tuple[list[int], list[Sequence[Any]]]: ...

    def close(self) -> None: ...


def columns_from_rows(rows: Iterable[tuple[int, Sequence[Any]]], width: int) -> tuple[list[int], list[Sequence[Any]]]:
    """(row numbers, one sequence per column) from rows of cells, each padded to `width`."""
    numbers: list[int] = []
    raw: list[Sequence[Any]] = []
    for number, cells in rows:
        numbers.append(number)
        raw.append(cells if len(cells) == width else [*cells[:width], *([None] * (width - len(cells)))])
    return numbers, list(zip(*raw, strict=True)) if raw else [[] for _ in range(width)]

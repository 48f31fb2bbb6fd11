"""A1 references: column letters and numbers, cells and ranges. The one home of this idea for the engine (finding
locations), the package writers, the readers and, by its tests, the native column reader, so that all of them
agree on where a cell is (1 <-> A, 26 <-> Z, 27 <-> AA, 16,384 <-> XFD).
"""

from __future__ import annotations

import re
from functools import lru_cache

# Excel's last column and row (XFD1048576)
MAX_COLUMN = 16_384
MAX_ROW = 1_048_576

# A cell or a range, with optional $ (Register!B2 is split off by callers): B2, $B$2, B2:N40
A1 = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")
# A range's corners as written, $ markers kept, for rewriting one: ($)B(2):($)N(40)
RANGE_PARTS = re.compile(r"^(\$?[A-Z]{1,3}\$?)(\d+):(\$?[A-Z]{1,3}\$?)(\d+)$")
# The same in a sheet's XML, as bytes: a cell's r="K14" attribute (the letters and the row)
CELL_ATTRIBUTE = re.compile(rb'\sr\s*=\s*"([A-Z]{1,3})(\d*)"')


@lru_cache(maxsize=MAX_COLUMN)
def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA; remembered, as a sheet has few columns and many rows."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@lru_cache(maxsize=MAX_COLUMN)
def column_letter_bytes(index: int) -> bytes:
    return column_letter(index).encode("ascii")


@lru_cache(maxsize=MAX_COLUMN)
def column_number(letters: str | bytes) -> int:
    """A -> 1, AA -> 27 (letters as text or as bytes from a sheet's XML)."""
    number = 0
    for letter in letters.encode("ascii") if isinstance(letters, str) else letters:
        number = number * 26 + letter - 64
    return number


def cell(column: int, row: int) -> str:
    """(3, 14) -> C14."""
    return f"{column_letter(column)}{row}"


def span(first_column: int, first_row: int, last_column: int, last_row: int) -> str:
    """A range from its corners: (2, 2, 14, 40) -> B2:N40."""
    return f"{cell(first_column, first_row)}:{cell(last_column, last_row)}"


def range_bounds(reference: str) -> tuple[int, int, int, int]:
    """(first column, first row, last column, last row) of an A1 cell or range such as B2:N40 (or $B$2)."""
    match = A1.fullmatch(reference.strip().upper())
    if match is None:
        raise ValueError(f"not a cell or range: {reference!r}")
    first_column, first_row = column_number(match.group(1)), int(match.group(2))
    if match.group(3) is None:
        return first_column, first_row, first_column, first_row
    return first_column, first_row, column_number(match.group(3)), int(match.group(4))

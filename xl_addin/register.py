"""A register as plain data: where it stands, its columns, its rows of normalised values.

Readers (openpyxl today, others later) build a `Register`; the engine only ever sees this.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from xl_addin.schema import RegisterSchema, header_key


@dataclass(frozen=True)
class RegisterRow:
    """One item: its sheet row and its non-empty values keyed by schema column name."""

    number: int
    values: Mapping[str, Any]


@dataclass(frozen=True)
class HeaderLayout:
    """How a header row maps onto the schema's columns (sheet column numbers are 1-based)."""

    columns: Mapping[str, int]
    extra_columns: Mapping[str, int] = field(default_factory=dict)
    # a repeated header's column -> (its text, the column already read under that name)
    duplicate_columns: Mapping[int, tuple[str, int]] = field(default_factory=dict)

    def score(self) -> int:
        return len(self.columns)


@dataclass(frozen=True)
class Register:
    """A register found in a workbook."""

    file: str
    sheet: str
    header_row: int
    layout: HeaderLayout
    rows: tuple[RegisterRow, ...]
    table: str | None = None

    @property
    def columns(self) -> Mapping[str, int]:
        return self.layout.columns


def match_header(cells: Sequence[Any], schema: RegisterSchema, *, first_column: int = 1) -> HeaderLayout:
    """Map header cells to schema columns, ignoring case and spacing; note extras and repeats."""
    by_key = {header_key(column.name): column.name for column in schema.columns}
    columns: dict[str, int] = {}
    extra: dict[str, int] = {}
    duplicates: dict[int, tuple[str, int]] = {}
    seen: dict[str, int] = {}
    for offset, cell in enumerate(cells):
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        text = str(cell).strip()
        number = first_column + offset
        key = header_key(text)
        if key in seen:
            duplicates[number] = (text, seen[key])
            continue
        seen[key] = number
        if key in by_key:
            columns[by_key[key]] = number
        else:
            extra[text] = number
    return HeaderLayout(columns, extra, duplicates)


def is_header_match(layout: HeaderLayout, schema: RegisterSchema) -> bool:
    """A row is the register's header when it names at least half the schema's columns (two at least)."""
    return layout.score() >= max(2, (len(schema.columns) + 1) // 2)


def normalise(value: Any) -> Any:
    """Values as Excel stores them, made comparable: dates, whole numbers, trimmed text; blank is None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        return text or None
    return value


def build_row(number: int, cells: Sequence[Any], layout: HeaderLayout, *, first_column: int = 1) -> RegisterRow:
    """Pick the schema columns out of one sheet row and normalise them, leaving out empty cells."""
    values = {}
    for name, column in layout.columns.items():
        offset = column - first_column
        if offset < len(cells):
            value = normalise(cells[offset])
            if value is not None:
                values[name] = value
    return RegisterRow(number, values)


def is_blank(row: RegisterRow, computed: Sequence[str]) -> bool:
    """A row with nothing but calculated columns (template formulas) is not an item."""
    return all(name in computed for name in row.values)

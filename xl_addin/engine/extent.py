"""Where a register's items end. A sheet often holds more than the register: an owner reference table below it,
a copyright or "prepared by" line, the header repeated above a second block. Those rows are not items: they are
left as they are, neither checked nor migrated as items, and reported once (`Register.trailing`).

The items end at the first of:
- a row that repeats the header (its cells name the columns they stand in);
- after one or more blank rows, a row that does not look like an item: its ID breaks the register's ID form,
  or, without an ID, it fills fewer than two of the register's columns with values of their kind;
- at the end of the sheet, lines of a single text cell that cannot be an item's (an ID column holding text that
  is not an ID, a date or number column holding text), or that stand after a blank row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from xl_addin.engine.id_form import IdForm
from xl_addin.engine.register import Register, Trailing
from xl_addin.engine.schema import Column, RegisterSchema

_TEXT_KINDS = ("text", "choice")


def _fits_kind(column: Column, value: Any) -> bool:
    if value is None:
        return False
    if column.kind == "date":
        return isinstance(value, dt.date)
    if column.numeric:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return True


class _Rows:
    """The register's values row by row, schema columns and extra columns alike."""

    def __init__(self, register: Register, schema: RegisterSchema) -> None:
        self.register = register
        self.kinds = {column.name: column for column in schema.columns if column.name in register.cells}
        self.columns: list[tuple[str, Sequence[Any], Column | None]] = [
            (name, values, self.kinds.get(name)) for name, values in register.cells.items()]
        self.columns += [(name, values, None) for name, values in register.extras.items()]

    def filled(self, index: int) -> list[tuple[str, Any, Column | None]]:
        return [(name, values[index], kind) for name, values, kind in self.columns if values[index] is not None]


def _repeated_header(register: Register) -> int | None:
    """The index of the first item whose cells repeat the header's texts (in two columns at least, or in every
    column when the register has only one)."""
    hits: dict[int, int] = {}
    for name, values in register.cells.items():
        heading = register.heading(name)
        if heading not in register.distinct(name):
            continue
        for index, value in enumerate(values):
            if value == heading:
                hits[index] = hits.get(index, 0) + 1
    needed = min(2, len(register.cells))
    found = [index for index, count in hits.items() if count >= needed]
    return min(found) if found else None


def _item_like(rows: _Rows, index: int, id_column: str | None, form: IdForm | None) -> bool:
    values = rows.filled(index)
    item_id = next((value for name, value, _ in values if name == id_column), None)
    if item_id is not None and form is not None:
        return form.fits(item_id)
    if item_id is not None:
        return True
    fitting = [name for name, value, kind in values if kind is not None and kind.kind != "computed"
               and _fits_kind(kind, value)]
    return len(fitting) >= 2


def _footer_line(rows: _Rows, index: int, id_column: str | None, form: IdForm | None, after_gap: bool) -> bool:
    """A single text cell that is not an item's: a title, a copyright line, a "prepared by" line."""
    values = rows.filled(index)
    if len(values) != 1 or not isinstance(values[0][1], str):
        return False
    name, value, kind = values[0]
    if after_gap:
        return True
    if name == id_column:
        return form is not None and not form.fits(value)
    return kind is not None and kind.kind not in _TEXT_KINDS


def _gaps(numbers: Sequence[int]) -> list[int]:
    """The indexes of items that follow one or more blank rows."""
    if not numbers or numbers[-1] - numbers[0] == len(numbers) - 1:
        return []
    return [index for index in range(1, len(numbers)) if numbers[index] - numbers[index - 1] > 1]


def _first_text(rows: _Rows, index: int) -> str:
    return next((str(value) for _, value, _ in rows.filled(index) if isinstance(value, str)), "")


def items_end(register: Register, schema: RegisterSchema, form: IdForm | None) -> Register:
    """The register without what stands below its items; `trailing` says what that was."""
    size = len(register)
    if size < 2:
        return register
    id_column = schema.role("id") if schema.role("id") in register.cells else None
    rows = _Rows(register, schema)
    end = size
    repeated = _repeated_header(register)
    if repeated is not None and repeated > 0:
        end = repeated
    gaps = set(_gaps(register.row_numbers))
    for index in sorted(gaps):
        if index >= end:
            break
        if not _item_like(rows, index, id_column, form):
            end = index
            break
    while end > 1 and _footer_line(rows, end - 1, id_column, form, end - 1 in gaps):
        end -= 1
    if end == size:
        return register
    if end == repeated:
        what = "the header repeated"
    elif any(len(rows.filled(index)) > 1 for index in range(end, size)):
        what = "a second table"
    else:
        what = "a footer line" if end == size - 1 else "footer lines"
    numbers = register.row_numbers
    trailing = Trailing(numbers[end], numbers[-1], what, _first_text(rows, end))
    return replace(register, row_numbers=numbers[:end],
                   cells={name: list(values[:end]) for name, values in register.cells.items()},
                   extras={name: list(values[:end]) for name, values in register.extras.items()},
                   trailing=trailing)

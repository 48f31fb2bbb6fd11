"""A register as plain data: where it stands, its columns, its rows of normalised values.

Readers (calamine, openpyxl, Excel through xlwings) build a `Register`; the engine only ever sees this.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cached_property
from itertools import compress, repeat
from operator import is_not
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from xl_addin.engine.id_form import IdForm


@dataclass(frozen=True)
class CellError:
    """A cell showing a formula error such as #REF!, #N/A or #DIV/0! instead of a value."""

    code: str

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True)
class Reading:
    """How some cells of one column were read in the register's own words (engine.adopt): `word` as `read_as`
    (a choice, or a date typed as text), in `count` cells from row `first_row` on (`rows`: each of them)."""

    kind: Literal["value", "date"]
    column: str
    word: str
    read_as: Any
    count: int
    first_row: int
    rows: tuple[int, ...] = ()


@dataclass(frozen=True)
class Trailing:
    """Rows below a register's items that are not items (engine.extent): a second table, a footer line, the
    header repeated. They are left as they are: not checked, not migrated as items."""

    first_row: int
    last_row: int
    what: str  # "a second table", "a footer line", "the header repeated"
    text: str  # the first text there, to name it by


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
    # schema column -> its header as the file writes it ("Improvement ID" for ID), where it differs
    headers: Mapping[str, str] = field(default_factory=dict)
    rows: int = 1  # header rows: 2 when a group row stands above sub-columns

    def score(self) -> int:
        return len(self.columns)

    def heading(self, column: str) -> str:
        """The column as the file heads it."""
        return self.headers.get(column, column)

    @property
    def last_column(self) -> int:
        return max([*self.columns.values(), *self.extra_columns.values()], default=0)


@dataclass(frozen=True)
class Register:
    """A register found in a workbook, held column by column: `cells[column][i]` is item i's normalised
    value (None when empty) and `row_numbers[i]` its sheet row. Per-item views are built on demand."""

    file: str
    sheet: str
    header_row: int
    layout: HeaderLayout
    row_numbers: tuple[int, ...]
    cells: Mapping[str, Sequence[Any]]
    table: str | None = None
    readings: tuple[Reading, ...] = ()  # words and text dates read as the schema's (engine.adopt)
    date_order: str | None = None  # how dates typed as text were read ("dmy"...), if they were
    # the values of columns outside the schema, by their header, when asked for (migrating keeps them)
    extras: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    # the form its IDs follow when it is not the schema's (engine.id_form), and where that form comes from
    id_form: IdForm | None = None
    id_form_basis: str = ""  # "the mapping", "the workbook" or "its IDs"
    trailing: Trailing | None = None  # what stands below the items and is not an item
    table_end: int | None = None  # the last sheet row of the register's table (items may follow it)
    # column -> its distinct values, made once (the quick checks and the cell scan each look at them)
    _distinct: dict[str, AbstractSet[Any]] = field(default_factory=dict, init=False, compare=False, repr=False)

    def distinct(self, column: str) -> AbstractSet[Any]:
        """The column's distinct values, None included where a cell is empty."""
        found = self._distinct.get(column)
        if found is None:
            found = self._distinct[column] = set(self.cells[column])
        return found

    @classmethod
    def from_rows(cls, file: str, sheet: str, header_row: int, layout: HeaderLayout,
                  rows: Sequence[RegisterRow], table: str | None = None) -> Register:
        """A register from per-item rows (tests and small registers)."""
        cells = {name: [row.values.get(name) for row in rows] for name in layout.columns}
        return cls(file, sheet, header_row, layout, tuple(row.number for row in rows), cells, table)

    @property
    def columns(self) -> Mapping[str, int]:
        return self.layout.columns

    def __len__(self) -> int:
        return len(self.row_numbers)

    def heading(self, column: str) -> str:
        """The column as the file heads it (findings name columns the way the person reading them sees them)."""
        return self.layout.heading(column)

    def row(self, index: int) -> RegisterRow:
        """Item `index` (0-based) with its non-empty values."""
        values = {name: column[index] for name, column in self.cells.items() if column[index] is not None}
        return RegisterRow(self.row_numbers[index], values)

    @cached_property
    def rows(self) -> tuple[RegisterRow, ...]:
        return tuple(self.row(index) for index in range(len(self.row_numbers)))


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


_KEPT = frozenset({int, dt.date, bool, str, type(None)})  # the kinds `normalise` may return unchanged


def _already_normal(distinct: set[Any]) -> bool:
    """Whether `normalise` would return every one of these values unchanged: no datetimes or whole floats,
    no text with spaces around it, no empty text."""
    kinds = set(map(type, distinct))
    if not kinds <= _KEPT:
        return False
    if str not in kinds:
        return True
    texts = distinct if kinds == {str} else {value for value in distinct if type(value) is str}
    return "" not in texts and all(map(str.__eq__, texts, map(str.strip, texts)))


def normalise_column(values: Sequence[Any]) -> list[Any]:
    """`normalise` over a column. Where values repeat (choices, ratings, dates) it is paid once per distinct
    value and mapped back in C; free text, or a column holding booleans (True == 1 and False == 0 as dict
    keys), goes cell by cell with the common kinds inline."""
    return _normalised(values)[0]


def _normalised(values: Sequence[Any]) -> tuple[list[Any], AbstractSet[Any] | None]:
    """normalise_column, and the distinct values it gives when they are known on the way."""
    distinct = set(values)
    if _already_normal(distinct):  # most columns, checked in C: dates, whole numbers, trimmed text
        return list(values), distinct
    if len(distinct) * 4 > len(values) or bool in set(map(type, distinct)):
        return [v if v is None or (kind := type(v)) is int or kind is dt.date
                else (v.strip() or None) if kind is str
                else int(v) if kind is float and v.is_integer()
                else normalise(v) for v in values], None
    normalised = {value: normalise(value) for value in distinct}
    return list(map(normalised.__getitem__, values)), set(normalised.values())


def build_register(file: str, sheet: str, header_row: int, layout: HeaderLayout,
                   data: Iterable[tuple[int, Sequence[Any]]], computed: Sequence[str], *,
                   first_column: int = 1, table: str | None = None, extras: bool = False) -> Register:
    """A register from raw sheet rows (row number, cells from `first_column` on); see register_from_columns."""
    numbers: list[int] = []
    raw: list[Sequence[Any]] = []
    for number, cells in data:
        numbers.append(number)
        raw.append(cells)
    width = max(map(len, raw), default=0)
    if any(len(cells) != width for cells in raw):
        raw = [list(cells) + [None] * (width - len(cells)) for cells in raw]
    columns = list(zip(*raw, strict=True)) if raw else []
    return register_from_columns(file, sheet, header_row, layout, numbers, columns, computed,
                                 first_column=first_column, table=table, extras=extras)


def kept_columns(layout: HeaderLayout) -> dict[str, int]:
    """The columns outside the schema by a name of their own, in sheet order: extra columns by their header, a
    repeated header's column as "Vulnerability (2)", so that none of their values is dropped."""
    found: dict[str, int] = {}
    taken = {text.casefold() for text in layout.columns}
    pairs = [*layout.extra_columns.items(), *((text, number) for number, (text, _) in layout.duplicate_columns.items())]
    for text, number in sorted(pairs, key=lambda pair: pair[1]):
        name, count = text, 1
        while name.casefold() in taken:
            count += 1
            name = f"{text} ({count})"
        taken.add(name.casefold())
        found[name] = number
    return found


def register_from_columns(file: str, sheet: str, header_row: int, layout: HeaderLayout, numbers: Sequence[int],
                          columns: Sequence[Sequence[Any]], computed: Sequence[str], *, first_column: int = 1,
                          table: str | None = None, needed: Collection[str] | None = None,
                          extras: bool = False) -> Register:
    """A register from raw sheet columns (`columns[i]` holds sheet column `first_column + i`, one value per
    row of `numbers`): pick the schema's columns (only those `needed`, when given), normalise them, and drop
    blank rows. A row with nothing but calculated columns (template formulas) is not an item. With `extras`,
    the columns outside the schema are kept too (in `Register.extras`), and a row filled only there is an item."""
    size = len(numbers)

    def raw(name: str) -> Sequence[Any]:
        return at(layout.columns[name])

    def at(number: int) -> Sequence[Any]:
        offset = number - first_column
        return columns[offset] if 0 <= offset < len(columns) else [None] * size

    # rows with a value outside the calculated columns; C-level iteration, as this visits every cell
    filled: set[int] = set()
    positions = range(size)
    scanned = [raw(name) for name in layout.columns if name not in computed]
    kept_numbers = kept_columns(layout) if extras else {}
    scanned += [at(number) for number in kept_numbers.values()]
    for values in scanned:
        if len(filled) < size:
            blank = {value for value in set(values) if type(value) is str and not value.strip()}
            if blank:  # text of spaces only is blank, as normalising makes it
                filled.update(index for index, value in enumerate(values) if value is not None and value not in blank)
            else:
                filled.update(compress(positions, map(is_not, values, repeat(None))))
    wanted = [name for name in layout.columns if needed is None or name in needed]
    normalised = {name: _normalised(raw(name)) for name in wanted}
    cells_by_name = {name: values for name, (values, _) in normalised.items()}
    kept = {text: normalise_column(at(number)) for text, number in kept_numbers.items()}
    if len(filled) != size:
        keep = sorted(filled)
        numbers = [numbers[index] for index in keep]
        cells_by_name = {name: [values[index] for index in keep] for name, values in cells_by_name.items()}
        kept = {text: [values[index] for index in keep] for text, values in kept.items()}
    register = Register(file, sheet, header_row, layout, tuple(numbers), cells_by_name, table, extras=kept)
    if len(filled) == size:  # no blank row was dropped: the distinct values found are the register's
        register._distinct.update((name, distinct) for name, (_, distinct) in normalised.items() if distinct)
    return register

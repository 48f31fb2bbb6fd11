"""One row of a worksheet edited as bytes: the cells a row edit touches are found and rewritten, everything else in
the row passes through as it was. There are four ways of finding the cells, from the leanest to the most general;
each gives the same bytes for the rows it takes (the tests compare them on random rows), and one that cannot
take a row raises ReadInFull for the next:

- `values` (edit_values): values only, into a row whose cells carry their references (totals, ranks);
- `shape` (row_shapes.ShapeEditor): many columns of rows written as Excel writes them, the change worked out
  once per row shape;
- `narrow` (edit_narrow): a few columns, each found by its reference;
- `general` (edit_general): every cell of the row read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from xl_addin.ooxml.refs import column_letter_bytes, column_number
from xl_addin.ooxml.serials import serial
from xl_addin.ooxml.xml_text import escape

Strategy = Literal["values", "shape", "narrow", "general"]
STRATEGIES: tuple[Strategy, ...] = ("values", "shape", "narrow", "general")

CELL = re.compile(rb"<((?:[\w.-]+:)?)c\b([^>]*?)(/?)>")
REFERENCE = re.compile(rb'\sr\s*=\s*"([A-Z]+)\d*"')
STYLE = re.compile(rb'\ss\s*=\s*"(\d+)"')
_ATTRIBUTE = re.compile(rb'\s([\w:.-]+)\s*=\s*"([^"]*)"')
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f\b")
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v>([^<]*)<")
# A row edit touching at most this many columns finds them one by one; a wider one (a fill across the row) takes
# the row apart by its shape.
NARROW = 4

# Decides a cell's new format from its current one (both cellXfs indexes); None: the cell is not touched.
Restyle = Callable[[int], int | None]


class ReadInFull(Exception):
    """A row that this way of finding cells does not cover: the next way takes it."""


@dataclass
class RowEdit:
    """What to change in one row: values by column number (None empties the cell), and formats over spans
    of columns (first, last, restyle), applied in order."""

    values: dict[int, Any] = field(default_factory=dict)
    formats: list[tuple[int, int, Restyle]] = field(default_factory=list)

    def columns(self) -> list[int]:
        """The columns touched, in order (worked out once: the edit is complete when the sheet is edited)."""
        found: list[int] | None = self.__dict__.get("_columns")
        if found is None:
            touched = set(self.values)
            for first, last, _ in self.formats:
                touched.update(range(first, last + 1))
            found = self.__dict__["_columns"] = sorted(touched)
        return found


def attributes(text: bytes) -> dict[bytes, bytes]:
    return dict(_ATTRIBUTE.findall(text))


_NAMED: dict[bytes, re.Pattern[bytes]] = {}


def _named(name: bytes) -> re.Pattern[bytes]:
    if name not in _NAMED:
        _NAMED[name] = re.compile(rb"\s" + re.escape(name) + rb'\s*=\s*"[^"]*"')
    return _NAMED[name]


def set_attributes(head: bytes, changes: Mapping[bytes, bytes | None]) -> bytes:
    for name, value in changes.items():
        present = _named(name).search(head)
        if value is None:
            if present:
                head = head[:present.start()] + head[present.end():]
        elif present:
            head = head[:present.start()] + b" " + name + b'="' + value + b'"' + head[present.end():]
        else:
            head += b" " + name + b'="' + value + b'"'
    return head


def number_text(value: Any) -> bytes:
    """A number as a cell's value; a date, time or duration as its serial number (the cell's format shows it)."""
    if type(value) is int:
        return b"%d" % value
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        value = serial(value)
    if isinstance(value, float) and value.is_integer():
        return b"%d" % int(value)
    return escape(str(value)).encode()


def value_xml(value: Any, prefix: bytes) -> tuple[bytes, bytes | None]:
    """A value's content and cell type: a number as it is, text as an inline string (which needs no shared
    strings part, and keeps spaces)."""
    if isinstance(value, str):
        text = escape(value).encode("utf-8")
        return (b"<" + prefix + b'is><' + prefix + b't xml:space="preserve">' + text + b"</" + prefix + b"t></"
                + prefix + b"is>", b"inlineStr")
    return b"<" + prefix + b"v>" + number_text(value) + b"</" + prefix + b"v>", None


def spans(head: bytes, columns: set[int]) -> bytes:
    """A row's head with its spans widened to hold `columns`, the cells added to it (a hint Excel writes, kept
    true for what is added; a span the row's own cells already broke is not the edit's business)."""
    found = attributes(head).get(b"spans")
    if not found or b":" not in found or not columns:
        return head
    low, high = (int(part) for part in found.split(b":", 1))
    if low <= min(columns) and max(columns) <= high:
        return head
    low, high = min(low, min(columns)), max(high, max(columns))
    return set_attributes(head, {b"spans": f"{low}:{high}".encode()})


def _read_in_full() -> bool:
    raise ReadInFull


def row_xml(prefix: bytes, head: bytes, body: bytes) -> bytes:
    """A row edited: b"" when it is left with no cell and nothing but its number (no row, as an empty cell in
    the format it would have anyway is no cell); without cells, self-closing, as Excel writes it."""
    if body:
        return b"<" + prefix + b"row" + head + b">" + body + b"</" + prefix + b"row>"
    found = attributes(head).keys()
    if b"r" in found and not found - {b"r", b"spans"}:  # (a row without its number is kept: the next counts on it)
        return b""
    return b"<" + prefix + b"row" + head + b"/>"


@dataclass
class Cell:
    column: int
    start: int
    end: int  # within the row's body
    prefix: bytes
    head: bytes  # the attributes of the opening tag
    inner: bytes | None  # None for a self-closing cell

    @property
    def referenced(self) -> bool:
        return REFERENCE.search(self.head) is not None


def every_cell_referenced(body: bytes, prefix: bytes = b"") -> bool:
    """Whether every cell of the row opens with its reference, as Excel writes them: then a column not found by
    its reference has no cell. (A cell without one takes the column after the cell before it.) Errs towards no:
    a rich text's `<color>` counts as a cell without its reference, and the row is read in full."""
    opening = b"<" + prefix + b"c"
    return body.count(opening) == body.count(opening + b' r="')


def _cell(match: re.Match[bytes], body: bytes, column: int) -> Cell:
    """The cell whose opening tag is `match`, to its end."""
    if match.group(3) == b"/":
        end, inner = match.end(), None
    else:
        close = b"</" + match.group(1) + b"c>"
        end = body.index(close, match.end()) + len(close)
        inner = body[match.end():end - len(close)]
    return Cell(column, match.start(), end, match.group(1), match.group(2), inner)


def cell_at(body: bytes, start: int) -> Cell | None:
    """The cell whose opening tag starts at `start` (None: no cell with a reference there)."""
    match = CELL.match(body, start)
    reference = REFERENCE.search(match.group(2)) if match is not None else None
    if match is None or reference is None:
        return None
    return _cell(match, body, column_number(reference.group(1)))


def all_cells(body: bytes) -> list[Cell]:
    """Every cell of a row, a cell without a reference taking the column after the one before it."""
    cells = []
    previous = 0
    position = 0
    find = body.find
    while (start := find(b"<", position)) >= 0:
        match = CELL.match(body, start)
        if match is None:  # not a cell (there is nothing else in a row, but be safe)
            position = start + 1
            continue
        reference = REFERENCE.search(match.group(2))
        previous = column_number(reference.group(1)) if reference else previous + 1
        cells.append(_cell(match, body, previous))
        position = cells[-1].end
    return cells


def with_references(body: bytes, cells: list[Cell], row: int) -> bytes:
    """The row's cells, each written with the reference it stands for where it had none."""
    pieces, position = [], 0
    for cell in cells:
        if not cell.referenced:
            at = cell.start + len(cell.prefix) + 2  # after "<c"
            pieces += [body[position:at], b' r="' + column_letter_bytes(cell.column) + b"%d" % row + b'"']
            position = at
    pieces.append(body[position:])
    return b"".join(pieces)


class _Composed:
    """The formats of one column: the spans covering it composed, each answer remembered (formats are few)."""

    def __init__(self, changes: list[Restyle]) -> None:
        self.changes = changes
        self.known: dict[int, int | None] = {}

    def __call__(self, current: int) -> int | None:
        if current not in self.known:
            new = current
            for change in self.changes:
                result = change(new)
                if result is not None:
                    new = result
            self.known[current] = new if new != current else None
        return self.known[current]


class RowContext:
    """What every row edit of one sheet shares: the columns' own formats (a cell made anew takes its column's, as
    in Excel), and where XML made anew goes to be checked."""

    def __init__(self, made: Callable[[bytes], bytes]) -> None:
        self.column_formats: dict[int, int] = {}
        self.made = made
        self._composed: dict[tuple[int, ...], _Composed] = {}

    def format_of(self, edit: RowEdit, column: int) -> _Composed | None:
        changes = [index for index, (first, last, _) in enumerate(edit.formats) if first <= column <= last]
        if not changes:
            return None
        key = tuple(id(edit.formats[index][2]) for index in changes)
        if key not in self._composed:
            self._composed[key] = _Composed([edit.formats[index][2] for index in changes])
        return self._composed[key]

    def edit_cell(self, prefix: bytes, cell: Cell | None, column: int, row: int, edit: RowEdit,
                  row_format: int | None) -> bytes | None:
        """The cell's new text, b"" to drop it, or None when it stays as it is. A cell made anew takes the
        format its row or column gives it, as one typed into in Excel does."""
        inherited = row_format if row_format is not None else self.column_formats.get(column, 0)
        reference = b' r="' + column_letter_bytes(column) + b"%d" % row + b'"'
        if cell is None and not edit.formats:  # the common case, a value into an empty cell: made directly
            value = edit.values.get(column)
            if value is None:
                return None
            style = b' s="%d"' % inherited if inherited else b""
            inner_xml, kind = value_xml(value, prefix)
            typed = b' t="' + kind + b'"' if kind else b""
            return self.made(b"<" + prefix + b"c" + reference + style + typed + b">" + inner_xml + b"</" + prefix
                             + b"c>")
        if cell is not None:
            head, inner, cell_prefix = cell.head, cell.inner, cell.prefix
            style_found = STYLE.search(head)
            current = int(style_found.group(1)) if style_found else 0
        else:
            head, inner, current, cell_prefix = reference, None, inherited, prefix
            if inherited:
                head += b' s="%d"' % inherited
        changes: dict[bytes, bytes | None] = {}
        new_inner = inner
        if column in edit.values and not (inner is not None and _FORMULA.search(inner)):
            value = edit.values[column]
            if value is None and inner:
                new_inner, changes[b"t"], changes[b"vm"], changes[b"cm"] = None, None, None, None
            elif value is not None and (inner is None or _number(inner, head) != value):
                new_inner, kind = value_xml(value, cell_prefix)
                if inner is not None or b" t=" in head or kind:
                    changes[b"t"], changes[b"vm"], changes[b"cm"] = kind, None, None
        restyle = self.format_of(edit, column) if edit.formats else None
        if restyle is not None:
            restyled = restyle(current)
            if restyled is not None:
                changes[b"s"] = str(restyled).encode() if restyled else None
                current = restyled
        if not changes and new_inner == inner and cell is not None:
            return None
        head = set_attributes(head, changes) if changes else head
        if not new_inner and current == inherited and not attributes(head).keys() - {b"r", b"s"}:
            return None if cell is None else b""  # an empty cell in the format it would have anyway is no cell
        if new_inner:
            return self.made(b"<" + cell_prefix + b"c" + head + b">" + new_inner + b"</" + cell_prefix + b"c>")
        return self.made(b"<" + cell_prefix + b"c" + head + b"/>")

    # --- the ways of finding a row's cells --------------------------------------------------------------------

    def edit_general(self, prefix: bytes, head: bytes, body: bytes, number: int, edit: RowEdit,
                     row_format: int | None) -> bytes | None:
        """Every cell of the row read, the touched ones rewritten and the missing ones put in column order."""
        cells = all_cells(body)
        by_column = {cell.column: cell for cell in cells}
        replaced: dict[int, bytes] = {}
        for column in edit.columns():
            text = self.edit_cell(prefix, by_column.get(column), column, number, edit, row_format)
            if text is not None:
                replaced[column] = text
        if not replaced:
            return None
        inserted = sorted(column for column in replaced if column not in by_column)
        if (inserted or b"" in replaced.values()) and not all(cell.referenced for cell in cells):
            # a cell without its reference is in the column after the cell before it: before a cell comes or
            # goes, each is given the reference it stood for, so that none moves
            return self.edit_general(prefix, head, with_references(body, cells, number), number, edit, row_format)
        pieces, position = [], 0
        added = set(inserted)
        for cell in sorted(cells, key=lambda cell: cell.start):
            while inserted and inserted[0] < cell.column:
                pieces.append(body[position:cell.start])
                position = cell.start
                pieces.append(replaced.pop(inserted.pop(0)))
            if cell.column in replaced:
                pieces.append(body[position:cell.start])
                pieces.append(replaced.pop(cell.column))
                position = cell.end
        pieces.append(body[position:])
        pieces += [replaced.pop(column) for column in inserted]
        new_body = b"".join(pieces)
        if b"spans" in head:
            head = spans(head, added)
        return row_xml(prefix, head, new_body)

    def edit_values(self, prefix: bytes, head: bytes, body: bytes, row: int, edit: RowEdit,
                    row_format: int | None) -> bytes | None:
        """Values only (totals, ranks): the lean way for a row whose cells carry their references. A value for
        a column the row has no cell in goes before the row's next cell; the search for that cell also tells
        which columns between are empty, so the next value's place is often known already."""
        if edit.formats or prefix or row_format is not None or not body:
            raise ReadInFull
        referenced = False  # whether every cell carries its reference: asked once a reference is not found
        columns = edit.columns()
        quote = b"%d\"" % row
        find = body.find
        pieces: list[bytes] = []
        position = 0
        last_column = -1
        next_column, next_start = 0, -1  # the next cell found after an empty column, and where it starts
        added = set()
        for column in columns:
            where = find(b' r="' + column_letter_bytes(column) + quote)
            if where >= 0:
                start = body.rfind(b"<", 0, where)
                cell = cell_at(body, start)
                if cell is None or cell.column != column:
                    raise ReadInFull
                text = self.edit_cell(b"", cell, column, row, edit, None)
                if text == b"" and not referenced:
                    referenced = every_cell_referenced(body) or _read_in_full()
                if text is not None:
                    pieces += [body[position:start], text]
                    position = cell.end
                continue
            if not referenced:  # no cell has its reference: it may still be there, without one
                referenced = every_cell_referenced(body) or _read_in_full()
            value = edit.values[column]
            if value is None:
                continue
            if next_column > column:
                start = next_start
            else:
                if last_column < 0:
                    found = REFERENCE.match(body, body.rfind(b' r="'))
                    if found is None:
                        raise ReadInFull
                    last_column = column_number(found.group(1))
                start = len(body)
                for later in range(column + 1, last_column + 1):
                    where = find(b' r="' + column_letter_bytes(later) + quote)
                    if where >= 0:
                        start = body.rfind(b"<", 0, where)
                        next_column, next_start = later, start
                        break
            inherited = self.column_formats.get(column, 0)
            style = b' s="%d"' % inherited if inherited else b""
            inner, kind = value_xml(value, b"")
            typed = b' t="' + kind + b'"' if kind else b""
            opening = b'<c r="' + column_letter_bytes(column) + quote + style + typed + b">"
            pieces += [body[position:start], self.made(opening + inner + b"</c>")]
            position = start
            added.add(column)
        if not pieces:
            return None
        pieces.append(body[position:])
        if b"spans" in head:
            head = spans(head, added)
        return row_xml(b"", head, b"".join(pieces))

    def edit_narrow(self, prefix: bytes, head: bytes, body: bytes, row: int, edit: RowEdit,
                    row_format: int | None) -> bytes | None:
        """A row edit touching a few columns, each found by its reference (no other cell is looked at)."""
        if not every_cell_referenced(body, prefix):
            raise ReadInFull
        suffix = b"%d\"" % row
        find, rfind = body.find, body.rfind
        starts: dict[int, int] = {}  # column -> where its cell starts, -1 when the row has none

        def start_of(column: int) -> int:
            start = starts.get(column)
            if start is None:
                where = find(b' r="' + column_letter_bytes(column) + suffix)
                start = starts[column] = rfind(b"<", 0, where) if where >= 0 else -1
            return start

        last_column = -1
        edits: list[tuple[int, int, int, bytes]] = []  # (start, column, end, new text)
        added = set()
        for column in edit.columns():
            start = start_of(column)
            if start >= 0:
                cell = cell_at(body, start)
                if cell is None or cell.column != column:
                    raise ReadInFull
                end = cell.end
            else:  # it goes before the first cell of a later column, or at the end
                cell = None
                if last_column < 0:
                    found = REFERENCE.match(body, rfind(b' r="')) if body else None
                    if body and found is None:
                        raise ReadInFull
                    last_column = column_number(found.group(1)) if found else 0
                start = len(body)
                for later in range(column + 1, last_column + 1):
                    if start_of(later) >= 0:
                        start = starts[later]
                        if CELL.match(body, start) is None:
                            raise ReadInFull
                        break
                end = start
            text = self.edit_cell(prefix, cell, column, row, edit, row_format)
            if text is not None:
                edits.append((start, column, end, text))
                if cell is None:
                    added.add(column)
        if not edits:
            return None
        pieces, position = [], 0
        for start, _, end, text in sorted(edits):
            pieces += [body[position:start], text]
            position = end
        pieces.append(body[position:])
        new_body = b"".join(pieces)
        if b"spans" in head:
            head = spans(head, added)
        return row_xml(prefix, head, new_body)


def _number(inner: bytes | None, head: bytes) -> Any:
    """A cell's number as it stands, to tell whether writing the same number changes anything."""
    if not inner or attributes(head).get(b"t", b"n") != b"n":
        return None
    found = _VALUE.search(inner)
    if found is None or _FORMULA.search(inner) or b"<is" in inner:
        return None
    try:
        number = float(found.group(1))
    except ValueError:
        return None
    return int(number) if number.is_integer() else number

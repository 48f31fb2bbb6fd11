"""Edit a worksheet's XML as a stream of bytes: only the rows with something to change are taken apart, and in
them only the cells that change; every other byte passes through as it was. A 100,000-row register is never
held as a tree, and what xlreg does not own in the sheet (formulas and their cached values, cell metadata,
formats, extensions, views, print settings) is not touched.

What changes, per row: a value written into a cell (never one holding a formula), and cell formats changed
over spans of columns by functions that decide, from a cell's current format, its new one (how fills are
added and removed). Every piece of XML written anew is checked to be well-formed as it is made; the bytes
around it are the original's, so the part stays well-formed as a whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from typing import Any
from xml.parsers import expat

from xl_addin.ooxml.refs import column_letter_bytes, column_number
from xl_addin.ooxml.xml_text import escape

_ROW_NUMBER = re.compile(rb'\sr\s*=\s*"(\d+)"')
_CELL = re.compile(rb"<((?:[\w.-]+:)?)c\b([^>]*?)(/?)>")
_REFERENCE = re.compile(rb'\sr\s*=\s*"([A-Z]+)\d*"')
_STYLE = re.compile(rb'\ss\s*=\s*"(\d+)"')
_ATTRIBUTE = re.compile(rb'\s([\w:.-]+)\s*=\s*"([^"]*)"')
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f\b")
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v>([^<]*)<")
_SHEET_DATA = re.compile(rb"<((?:[\w.-]+:)?)sheetData\b[^>]*?(/?)>")
_COL = re.compile(rb"<(?:[\w.-]+:)?col\b([^>]*?)/?>")
_PROTECTED = re.compile(rb'<(?:[\w.-]+:)?sheetProtection\b[^>]*\ssheet="(?:1|true)"')
# A row edit touching at most this many columns finds them one by one; a wider one (a fill across the row) takes
# the row apart by its shape (_edit_by_shape).
_NARROW = 4

# Decides a cell's new format from its current one (both cellXfs indexes); None: the cell is not touched.
Restyle = Callable[[int], int | None]


class _ReadInFull(Exception):
    """A row whose cells cannot be found by their references alone."""


class MadeBadXml(Exception):
    """A piece of XML made for the sheet is not well-formed: a bug; nothing is written."""


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


def _attributes(text: bytes) -> dict[bytes, bytes]:
    return dict(_ATTRIBUTE.findall(text))


_NAMED: dict[bytes, re.Pattern[bytes]] = {}


def _named(name: bytes) -> re.Pattern[bytes]:
    if name not in _NAMED:
        _NAMED[name] = re.compile(rb"\s" + re.escape(name) + rb'\s*=\s*"[^"]*"')
    return _NAMED[name]


def _set_attributes(head: bytes, changes: Mapping[bytes, bytes | None]) -> bytes:
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


def _number_text(value: Any) -> bytes:
    if type(value) is int:
        return b"%d" % value
    if isinstance(value, float) and value.is_integer():
        return b"%d" % int(value)
    return escape(str(value)).encode()


def _value_xml(value: Any, prefix: bytes) -> tuple[bytes, bytes | None]:
    """A value's content and cell type: a number as it is, text as an inline string (which needs no shared
    strings part, and keeps spaces)."""
    if isinstance(value, str):
        text = escape(value).encode("utf-8")
        return (b"<" + prefix + b'is><' + prefix + b't xml:space="preserve">' + text + b"</" + prefix + b"t></"
                + prefix + b"is>", b"inlineStr")
    return b"<" + prefix + b"v>" + _number_text(value) + b"</" + prefix + b"v>", None


@dataclass
class _Cell:
    column: int
    start: int
    end: int  # within the row's body
    prefix: bytes
    head: bytes  # the attributes of the opening tag
    inner: bytes | None  # None for a self-closing cell


_HEADS = re.compile(rb'(<c r="([A-Z]{1,3})\d+"([^>]*?)(/?)>)')
_ABSENT = object()


@dataclass
class _ShapePlan:
    """What changes in every row of one shape, as templates around the row number: (piece index, text before
    the row number, text after it, the column whose value follows or None, appended to the piece or in its
    place)."""

    changes: list[tuple[int, bytes, bytes, int | None, bool]] = field(default_factory=list)
    added_columns: set[int] = field(default_factory=set)
    opening: set[tuple[bytes, bytes]] = field(default_factory=set)  # opening tags only: checked with their cell

    def add(self, index: int, before: bytes, after: bytes, column: int | None, *, appended: bool,
            opening: bool = False) -> None:
        self.changes.append((index, before, after, column, appended))
        if opening:
            self.opening.add((before, after))


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


class SheetEditor:
    """Streams one worksheet's XML through `edit`, applying `rows` (row number -> RowEdit)."""

    def __init__(self, rows: Mapping[int, RowEdit]) -> None:
        self.rows = dict(rows)
        self.pending = sorted(self.rows)
        self.next = 0  # index into pending
        self.changed = False
        self.protected = False
        self.column_formats: dict[int, int] = {}
        self._composed: dict[tuple[int, ...], _Composed] = {}
        self._shapes: dict[tuple[Any, ...], _ShapePlan] = {}
        self._checker = expat.ParserCreate()
        self._checker.Parse(b"<check>", False)
        self._made_pieces: list[bytes] = []

    # --- the stream -----------------------------------------------------------------------------------------

    def edit(self, chunks: Iterable[bytes], finish: Callable[[bytes], bytes] = bytes) -> Iterator[bytes]:
        """The sheet's bytes, edited. What follows the rows (a few elements, and the end tag) goes through
        `finish` before it is given: room to add an element there."""
        buffer = b""
        stream = iter(chunks)
        opening = None
        for chunk in stream:
            buffer += chunk
            opening = _SHEET_DATA.search(buffer)
            if opening is not None:
                break
        if opening is None:
            yield buffer  # no rows at all: leave it to the part check to refuse
            return
        head = buffer[:opening.end()]
        self._read_columns(head)
        prefix = opening.group(1)
        if opening.group(2) == b"/":  # <sheetData/>: no rows at all
            new_rows = self._new_rows(prefix, upto=None)
            if new_rows:
                self.changed = True
                head = head[:opening.start()] + b"<" + prefix + b"sheetData>" + new_rows + b"</" + prefix + \
                    b"sheetData>"
            yield head
            yield self._finish(buffer[opening.end():] + b"".join(stream), finish)
            return
        yield head
        buffer = buffer[opening.end():]
        closing = b"</" + prefix + b"sheetData>"
        row_end = b"</" + prefix + b"row>"
        self._last_row = 0
        for chunk in chain([b""], stream):
            buffer += chunk
            end = buffer.find(closing)
            if end >= 0:
                yield self._rows(buffer[:end], prefix)
                yield self._new_rows(prefix, upto=None)
                yield self._finish(buffer[end:] + b"".join(stream), finish)
                return
            cut = buffer.rfind(row_end)
            if cut >= 0 and len(buffer) > (1 << 16):
                cut += len(row_end)
                yield self._rows(buffer[:cut], prefix)
                self._check()
                buffer = buffer[cut:]
        yield buffer  # no closing tag: leave it to the part check to refuse

    def _finish(self, tail: bytes, finish: Callable[[bytes], bytes]) -> bytes:
        self.protected = _PROTECTED.search(tail) is not None
        edited = finish(tail)
        if edited != tail:
            self.changed = True
        self._check(last=True)
        return edited

    def _made(self, xml: bytes) -> bytes:
        """A piece of XML made anew (a cell or a row): checked with the others made since the last check."""
        self._made_pieces.append(xml)
        return xml

    def _check(self, *, last: bool = False) -> None:
        pieces, self._made_pieces = self._made_pieces, []
        try:
            self._checker.Parse(b"".join(pieces) + (b"</check>" if last else b""), last)
        except expat.ExpatError as error:
            raise MadeBadXml(f"{error} in what xlreg wrote: {b''.join(pieces)[:300]!r}") from None

    def _read_columns(self, head: bytes) -> None:
        for match in _COL.finditer(head):
            attributes = _attributes(match.group(1))
            if b"style" in attributes and b"min" in attributes and b"max" in attributes:
                for number in range(int(attributes[b"min"]), min(int(attributes[b"max"]), 16384) + 1):
                    self.column_formats[number] = int(attributes[b"style"])

    # --- rows -------------------------------------------------------------------------------------------------

    def _due(self) -> int | None:
        return self.pending[self.next] if self.next < len(self.pending) else None

    def _new_rows(self, prefix: bytes, *, upto: int | None) -> bytes:
        """Rows with edits that the sheet does not have, below `upto` (or all that are left)."""
        made = []
        while (due := self._due()) is not None and (upto is None or due < upto):
            self.next += 1
            row = self._edit_row(prefix, b' r="%d"' % due, b"", due, self.rows[due], self_closing=True)
            if row is not None:
                made.append(self._made(row))
        return b"".join(made)

    def _rows(self, text: bytes, prefix: bytes) -> bytes:
        """Edit the rows due in `text` (whole rows). Rows are found with plain byte searches: a regular
        expression costs several times more per row, and most rows are only passed over."""
        pending, rows = self.pending, self.rows
        if self.next >= len(pending):
            return text
        out = []
        position = 0
        last_row = self._last_row
        find = text.find
        opening, closing = b"<" + prefix + b"row", b"</" + prefix + b"row>"
        start = find(opening)
        while start >= 0 and self.next < len(pending):
            head_end = find(b">", start)
            head = text[start + len(opening):head_end]
            if head[:1] not in (b" ", b"/", b"\t", b"\r", b"\n", b""):  # <rowBreaks> or the like, not a row
                start = find(opening, head_end)
                continue
            self_closing = head.endswith(b"/")
            if self_closing:
                head, end = head[:-1], head_end + 1
            else:
                end = find(closing, head_end) + len(closing)
            found = _ROW_NUMBER.search(head)
            number = int(found.group(1)) if found else last_row + 1
            last_row = number
            due = pending[self.next]
            if due < number:
                out += [text[position:start], self._new_rows(prefix, upto=number)]
                position = start
                if self.next >= len(pending):
                    break
                due = pending[self.next]
            if due == number:
                self.next += 1
                body = b"" if self_closing else text[head_end + 1:end - len(closing)]
                edited = self._edit_row(prefix, head, body, number, rows[number], self_closing=self_closing)
                if edited is not None:
                    out += [text[position:start], edited]
                    position = end
            start = find(opening, end)
        self._last_row = last_row
        out.append(text[position:])
        return b"".join(out)

    def _format_of(self, edit: RowEdit, column: int) -> _Composed | None:
        changes = [index for index, (first, last, _) in enumerate(edit.formats) if first <= column <= last]
        if not changes:
            return None
        key = tuple(id(edit.formats[index][2]) for index in changes)
        if key not in self._composed:
            self._composed[key] = _Composed([edit.formats[index][2] for index in changes])
        return self._composed[key]

    def _edit_row(self, prefix: bytes, head: bytes, body: bytes, number: int, edit: RowEdit, *,
                  self_closing: bool) -> bytes | None:
        row_format = None
        if b"customFormat" in head:
            attributes = _attributes(head)
            if attributes.get(b"customFormat") in (b"1", b"true"):
                row_format = int(attributes.get(b"s", b"0"))
        columns = edit.columns()
        if not edit.formats and not prefix and row_format is None and b' r="' in body:
            try:
                return self._edit_values(head, body, number, edit, columns)
            except _ReadInFull:
                pass
        if len(columns) > _NARROW and not prefix and row_format is None and body:
            try:
                return self._edit_by_shape(head, body, number, edit, self_closing=self_closing)
            except _ReadInFull:
                pass
        if len(columns) <= _NARROW and (b' r="' in body or not body):
            try:
                return self._edit_narrow(prefix, head, body, number, edit, row_format, self_closing=self_closing)
            except _ReadInFull:
                pass
        cells = self._cells(body)
        by_column = {cell.column: cell for cell in cells}
        replaced: dict[int, bytes] = {}
        for column in columns:
            text = self._edit_cell(prefix, by_column.get(column), column, number, edit, row_format)
            if text is not None:
                replaced[column] = text
        if not replaced:
            return None
        self.changed = True
        pieces, position = [], 0
        inserted = sorted(column for column in replaced if column not in by_column)
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
            head = self._spans(head, {*by_column, *columns})
        if not new_body and self_closing:
            return b"<" + prefix + b"row" + head + b"/>"
        return b"<" + prefix + b"row" + head + b">" + new_body + b"</" + prefix + b"row>"

    @staticmethod
    def _spans(head: bytes, columns: set[int]) -> bytes:
        spans = _attributes(head).get(b"spans")
        if not spans or b":" not in spans or not columns:
            return head
        low, high = (int(part) for part in spans.split(b":", 1))
        if low <= min(columns) and max(columns) <= high:
            return head
        low, high = min(low, min(columns)), max(high, max(columns))
        return _set_attributes(head, {b"spans": f"{low}:{high}".encode()})

    def _cell_at(self, body: bytes, start: int) -> _Cell | None:
        match = _CELL.match(body, start)
        if match is None:
            return None
        reference = _REFERENCE.search(match.group(2))
        if reference is None:
            return None
        if match.group(3) == b"/":
            end, inner = match.end(), None
        else:
            close = b"</" + match.group(1) + b"c>"
            end = body.index(close, match.end()) + len(close)
            inner = body[match.end():end - len(close)]
        return _Cell(column_number(reference.group(1)), start, end, match.group(1), match.group(2), inner)

    def _edit_by_shape(self, head: bytes, body: bytes, row: int, edit: RowEdit, *, self_closing: bool) -> bytes | None:
        """Rows whose cells are written as Excel writes them (the reference first): registers repeat a few row
        shapes (the same columns filled, in the same formats) many times, so what changes in a row of a given
        shape is worked out once and applied to every row of that shape with byte operations. Raises
        _ReadInFull for a row this does not cover."""
        if any(isinstance(value, str) for value in edit.values.values()):
            raise _ReadInFull  # its templates hold numbers; text goes the general way
        pieces = _HEADS.split(body)
        count = len(pieces) // 5
        if body.count(b"<c") != count:
            raise _ReadInFull
        shape = (tuple(pieces[2::5]), tuple(pieces[3::5]), tuple(pieces[4::5]), tuple(edit.values),
                 tuple((first, last, id(change)) for first, last, change in edit.formats))
        plan = self._shapes.get(shape)
        if plan is None:
            plan = self._shapes[shape] = self._shape_plan(pieces[2::5], pieces[3::5], pieces[4::5], edit)
        if not plan.changes:
            return None
        self.changed = True
        digits = b"%d" % row
        values = edit.values
        # templates made and checked once per shape: only the row number and the values differ from row to row
        for index, before, after, column, appended in plan.changes:
            text = before + digits + after if column is None else \
                before + digits + after + _number_text(values[column]) + b"</v></c>"
            pieces[index] = pieces[index] + text if appended else text
        pieces[2::5] = pieces[3::5] = pieces[4::5] = [b""] * count
        new_body = b"".join(pieces)
        if b"spans" in head:
            head = self._spans(head, plan.added_columns)
        return b"<row" + head + b">" + new_body + b"</row>"

    def _shape_plan(self, cell_letters: list[bytes], rests: list[bytes], slashes: list[bytes],
                    edit: RowEdit) -> _ShapePlan:
        """For one row shape: the cells that change (their new opening, or the whole cell when it gets a value)
        and the cells to add before each, as templates around the row number; each template is checked to
        be well-formed here, once."""
        plan = _ShapePlan()
        columns = [column_number(name) for name in cell_letters]
        index_of = {column: index for index, column in enumerate(columns)}
        for column in edit.columns():
            index = index_of.get(column)
            inherited = self.column_formats.get(column, 0)
            current = inherited
            attributes = b""
            if index is not None:
                style = _STYLE.search(rests[index])
                current = int(style.group(1)) if style else 0
                attributes = rests[index]
            restyle = self._format_of(edit, column) if edit.formats else None
            new_style = restyle(current) if restyle is not None else None
            has_value = column in edit.values and edit.values[column] is not None
            if index is not None:
                if column in edit.values and not slashes[index]:
                    raise _ReadInFull  # a value into a cell that holds something: looked at one by one
                if has_value and b" t=" in attributes:
                    raise _ReadInFull
                if new_style is None and not has_value and column not in edit.values:
                    continue
                if new_style is not None:
                    attributes = _set_attributes(attributes, {b"s": str(new_style).encode() if new_style else None})
                elif not has_value:
                    continue  # an empty value into an empty cell: nothing changes
                before = b'<c r="' + cell_letters[index]
                if not slashes[index]:
                    plan.add(5 * index + 1, before, b'"' + attributes + b">", None, appended=False, opening=True)
                elif has_value:
                    plan.add(5 * index + 1, before, b'"' + attributes + b"><v>", column, appended=False)
                else:
                    plan.add(5 * index + 1, before, b'"' + attributes + b"/>", None, appended=False)
            else:
                style_now = new_style if new_style is not None else current
                if not has_value and style_now == inherited:
                    continue  # nothing to add
                attributes = b' s="%d"' % style_now if style_now else b""
                place = next((position for position, other in enumerate(columns) if other > column), len(columns))
                before = b'<c r="' + column_letter_bytes(column)
                if has_value:
                    plan.add(5 * place, before, b'"' + attributes + b"><v>", column, appended=True)
                else:
                    plan.add(5 * place, before, b'"' + attributes + b"/>", None, appended=True)
                plan.added_columns.add(column)
        for _, before, after, valued, _ in plan.changes:
            closing = b"</c>" if (before, after) in plan.opening else b"0</v></c>" if valued is not None else b""
            self._made(before + b"1" + after + closing)
        plan.changes.sort(key=lambda change: change[0])  # cells added before a cell keep their column order
        return plan

    def _edit_values(self, head: bytes, body: bytes, row: int, edit: RowEdit, columns: list[int]) -> bytes | None:
        """Values only (totals, ranks): the lean way for a row whose cells carry their references. A value for
        a column the row has no cell in goes before the row's next cell; the search for that cell also tells
        which columns between are empty, so the next value's place is often known already."""
        quote = b"%d\"" % row
        find = body.find
        pieces: list[bytes] = []
        position = 0
        last_column = -1
        next_column, next_start = 0, -1  # the next cell found after an empty column, and where it starts
        for column in columns:
            where = find(b' r="' + column_letter_bytes(column) + quote)
            if where >= 0:
                start = body.rfind(b"<", 0, where)
                cell = self._cell_at(body, start)
                if cell is None or cell.column != column:
                    raise _ReadInFull
                text = self._edit_cell(b"", cell, column, row, edit, None)
                if text is not None:
                    pieces += [body[position:start], text]
                    position = cell.end
                continue
            value = edit.values[column]
            if value is None:
                continue
            if next_column > column:
                start = next_start
            else:
                if last_column < 0:
                    found = _REFERENCE.match(body, body.rfind(b' r="'))
                    if found is None:
                        raise _ReadInFull
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
            inner, kind = _value_xml(value, b"")
            typed = b' t="' + kind + b'"' if kind else b""
            opening = b'<c r="' + column_letter_bytes(column) + quote + style + typed + b">"
            pieces += [body[position:start], self._made(opening + inner + b"</c>")]
            position = start
        if not pieces:
            return None
        self.changed = True
        pieces.append(body[position:])
        if b"spans" in head:
            head = self._spans(head, set(columns))
        return b"<row" + head + b">" + b"".join(pieces) + b"</row>"

    def _edit_narrow(self, prefix: bytes, head: bytes, body: bytes, row: int, edit: RowEdit,
                     row_format: int | None, *, self_closing: bool) -> bytes | None:
        """A row edit touching a few columns, each found by its reference (no other cell is looked at); raises
        _ReadInFull when the row's cells cannot be found that way."""
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
        for column in edit.columns():
            start = start_of(column)
            if start >= 0:
                cell = self._cell_at(body, start)
                if cell is None or cell.column != column:
                    raise _ReadInFull
                end = cell.end
            else:  # it goes before the first cell of a later column, or at the end
                cell = None
                if last_column < 0:
                    found = _REFERENCE.match(body, rfind(b' r="')) if body else None
                    if body and found is None:
                        raise _ReadInFull
                    last_column = column_number(found.group(1)) if found else 0
                start = len(body)
                for later in range(column + 1, last_column + 1):
                    if start_of(later) >= 0:
                        start = starts[later]
                        if _CELL.match(body, start) is None:
                            raise _ReadInFull
                        break
                end = start
            text = self._edit_cell(prefix, cell, column, row, edit, row_format)
            if text is not None:
                edits.append((start, column, end, text))
        if not edits:
            return None
        self.changed = True
        pieces, position = [], 0
        for start, _, end, text in sorted(edits):
            pieces += [body[position:start], text]
            position = end
        pieces.append(body[position:])
        new_body = b"".join(pieces)
        if b"spans" in head:
            head = self._spans(head, {column for _, column, _, _ in edits})
        if not new_body and self_closing:
            return b"<" + prefix + b"row" + head + b"/>"
        return b"<" + prefix + b"row" + head + b">" + new_body + b"</" + prefix + b"row>"

    def _cells(self, body: bytes) -> list[_Cell]:
        cells = []
        previous = 0
        position = 0
        find = body.find
        while (start := find(b"<", position)) >= 0:
            match = _CELL.match(body, start)
            if match is None:  # not a cell (there is nothing else in a row, but be safe)
                position = start + 1
                continue
            reference = _REFERENCE.search(match.group(2))
            column = column_number(reference.group(1)) if reference else previous + 1
            previous = column
            if match.group(3) == b"/":
                end, inner = match.end(), None
            else:
                close = b"</" + match.group(1) + b"c>"
                end = body.index(close, match.end()) + len(close)
                inner = body[match.end():end - len(close)]
            cells.append(_Cell(column, start, end, match.group(1), match.group(2), inner))
            position = end
        return cells

    def _edit_cell(self, prefix: bytes, cell: _Cell | None, column: int, row: int, edit: RowEdit,
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
            inner_xml, kind = _value_xml(value, prefix)
            typed = b' t="' + kind + b'"' if kind else b""
            return self._made(b"<" + prefix + b"c" + reference + style + typed + b">" + inner_xml + b"</" + prefix
                              + b"c>")
        if cell is not None:
            head, inner, cell_prefix = cell.head, cell.inner, cell.prefix
            style_found = _STYLE.search(head)
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
            elif value is not None and (inner is None or self._number(inner, head) != value):
                new_inner, kind = _value_xml(value, cell_prefix)
                if inner is not None or b" t=" in head or kind:
                    changes[b"t"], changes[b"vm"], changes[b"cm"] = kind, None, None
        restyle = self._format_of(edit, column) if edit.formats else None
        if restyle is not None:
            restyled = restyle(current)
            if restyled is not None:
                changes[b"s"] = str(restyled).encode() if restyled else None
                current = restyled
        if not changes and new_inner == inner and cell is not None:
            return None
        head = _set_attributes(head, changes) if changes else head
        if not new_inner and current == inherited and not _attributes(head).keys() - {b"r", b"s"}:
            return None if cell is None else b""  # an empty cell in the format it would have anyway is no cell
        if new_inner:
            return self._made(b"<" + cell_prefix + b"c" + head + b">" + new_inner + b"</" + cell_prefix + b"c>")
        return self._made(b"<" + cell_prefix + b"c" + head + b"/>")

    @staticmethod
    def _number(inner: bytes | None, head: bytes) -> Any:
        if not inner or _attributes(head).get(b"t", b"n") != b"n":
            return None
        found = _VALUE.search(inner)
        if found is None or _FORMULA.search(inner) or b"<is" in inner:
            return None
        try:
            number = float(found.group(1))
        except ValueError:
            return None
        return int(number) if number.is_integer() else number

"""Edit a worksheet's XML as a stream of bytes: only the rows with something to change are taken apart, and in
them only the cells that change; every other byte passes through as it was. A 100,000-row register is never
held as a tree, and what xlreg does not own in the sheet (formulas and their cached values, cell metadata,
formats, extensions, views, print settings) is not touched.

What changes, per row: a value written into a cell (never one holding a formula), and cell formats changed
by a callback that decides, from the cell's current format, its new one (how fills are added and removed).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from typing import Any
from xml.sax.saxutils import escape

from xl_addin.engine.findings import column_letter

_ROW = re.compile(rb"<((?:[\w.-]+:)?)row\b([^>]*?)(/?)>")
_CELL = re.compile(rb"<((?:[\w.-]+:)?)c\b([^>]*?)(/?)>")
_ATTRIBUTE = re.compile(rb'\s([\w:.-]+)\s*=\s*"([^"]*)"')
_LETTERS = re.compile(rb"[A-Z]+")
_SHEET_DATA = re.compile(rb"<((?:[\w.-]+:)?)sheetData\b[^>]*?(/?)>")
_COL = re.compile(rb"<(?:[\w.-]+:)?col\b([^>]*?)/?>")
_PROTECTED = re.compile(rb'<(?:[\w.-]+:)?sheetProtection\b[^>]*\ssheet="(?:1|true)"')

# Decides a cell's new format from its current one (both cellXfs indexes); None: the cell is not touched.
Restyle = Callable[[int], int | None]


@dataclass
class RowEdit:
    """What to change in one row: values by column number (None empties the cell), formats by column."""

    values: dict[int, Any] = field(default_factory=dict)
    formats: dict[int, Restyle] = field(default_factory=dict)

    @property
    def columns(self) -> set[int]:
        return {*self.values, *self.formats}


def column_number(letters: bytes) -> int:
    number = 0
    for byte in letters:
        number = number * 26 + byte - 64
    return number


def _attributes(text: bytes) -> dict[bytes, bytes]:
    return dict(_ATTRIBUTE.findall(text))


def _set_attributes(head: bytes, changes: Mapping[bytes, bytes | None]) -> bytes:
    for name, value in changes.items():
        present = re.search(rb"\s" + re.escape(name) + rb'\s*=\s*"[^"]*"', head)
        if value is None:
            if present:
                head = head[:present.start()] + head[present.end():]
        elif present:
            head = head[:present.start()] + b" " + name + b'="' + value + b'"' + head[present.end():]
        else:
            head += b" " + name + b'="' + value + b'"'
    return head


def _number_text(value: Any) -> bytes:
    if isinstance(value, bool):
        raise TypeError("booleans are not written")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).encode()


@dataclass
class _Cell:
    column: int
    start: int
    end: int  # within the row's body
    prefix: bytes
    head: bytes  # the attributes of the opening tag
    body: bytes | None  # None for a self-closing cell


class SheetEditor:
    """Streams one worksheet's XML through `edit`, applying `rows` (row number -> RowEdit)."""

    def __init__(self, rows: Mapping[int, RowEdit]) -> None:
        self.rows = dict(rows)
        self.pending = sorted(self.rows)
        self.changed = False
        self.protected = False
        self.column_formats: dict[int, int] = {}

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
                buffer = buffer[cut:]
        yield buffer  # no closing tag: leave it to the part check to refuse

    def _finish(self, tail: bytes, finish: Callable[[bytes], bytes]) -> bytes:
        self.protected = _PROTECTED.search(tail) is not None
        edited = finish(tail)
        self.changed = self.changed or edited != tail
        return edited

    def _read_columns(self, head: bytes) -> None:
        for match in _COL.finditer(head):
            attributes = _attributes(match.group(1))
            if b"style" in attributes and b"min" in attributes and b"max" in attributes:
                for number in range(int(attributes[b"min"]), min(int(attributes[b"max"]), 16384) + 1):
                    self.column_formats[number] = int(attributes[b"style"])

    # --- rows -------------------------------------------------------------------------------------------------

    def _new_rows(self, prefix: bytes, *, upto: int | None) -> bytes:
        """Rows with edits that the sheet does not have, below `upto` (or all that are left)."""
        made = []
        while self.pending and (upto is None or self.pending[0] < upto):
            number = self.pending.pop(0)
            row = self._edit_row(prefix, f' r="{number}"'.encode(), b"", number, self_closing=True)
            if row is not None:
                made.append(row)
        return b"".join(made)

    def _rows(self, text: bytes, prefix: bytes) -> bytes:
        if not self.pending:
            return text
        out = []
        position = 0
        for match in _ROW.finditer(text):
            attributes = _attributes(match.group(2))
            number = int(attributes[b"r"]) if b"r" in attributes else self._last_row + 1
            self._last_row = number
            if not self.pending:
                break
            if self.pending[0] < number:
                out.append(text[position:match.start()])
                out.append(self._new_rows(prefix, upto=number))
                position = match.start()
            if number not in self.rows or not self.pending or self.pending[0] != number:
                continue
            self.pending.pop(0)
            if match.group(3) == b"/":
                end = match.end()
                body = b""
            else:
                close = b"</" + match.group(1) + b"row>"
                end = text.index(close, match.end()) + len(close)
                body = text[match.end():end - len(close)]
            edited = self._edit_row(match.group(1), match.group(2), body, number,
                                    self_closing=match.group(3) == b"/")
            if edited is not None:
                out.append(text[position:match.start()])
                out.append(edited)
                position = end
        out.append(text[position:])
        return b"".join(out)

    def _edit_row(self, prefix: bytes, head: bytes, body: bytes, number: int, *, self_closing: bool) -> bytes | None:
        edit = self.rows[number]
        attributes = _attributes(head)
        row_format = int(attributes.get(b"s", b"0")) if attributes.get(b"customFormat") in (b"1", b"true") else None
        cells = self._cells(body, number)
        by_column = {cell.column: cell for cell in cells}
        replaced: dict[int, bytes | None] = {}
        for column in sorted(edit.columns):
            cell = by_column.get(column)
            text = self._edit_cell(prefix, cell, column, number, edit, row_format)
            if text is not None:
                replaced[column] = text
        if not replaced:
            return None
        self.changed = True
        pieces, position = [], 0
        inserted = sorted(column for column in replaced if column not in by_column)
        for cell in cells:
            while inserted and inserted[0] < cell.column:
                pieces.append(replaced.pop(inserted.pop(0)) or b"")
            pieces.append(body[position:cell.start])
            if cell.column in replaced:
                pieces.append(replaced.pop(cell.column) or b"")
            else:
                pieces.append(body[cell.start:cell.end])
            position = cell.end
        pieces.append(body[position:])
        pieces += [replaced.pop(column) or b"" for column in inserted]
        new_body = b"".join(pieces)
        head = self._spans(head, {cell.column for cell in cells} | set(edit.columns))
        if not new_body and self_closing:
            return b"<" + prefix + b"row" + head + b"/>"
        return b"<" + prefix + b"row" + head + b">" + new_body + b"</" + prefix + b"row>"

    @staticmethod
    def _spans(head: bytes, columns: set[int]) -> bytes:
        spans = _attributes(head).get(b"spans")
        if not spans or b":" not in spans or not columns:
            return head
        low, high = (int(part) for part in spans.split(b":", 1))
        low, high = min(low, min(columns)), max(high, max(columns))
        return _set_attributes(head, {b"spans": f"{low}:{high}".encode()})

    def _cells(self, body: bytes, row: int) -> list[_Cell]:
        cells = []
        previous = 0
        position = 0
        while True:
            match = _CELL.search(body, position)
            if match is None:
                break
            attributes = _attributes(match.group(2))
            reference = attributes.get(b"r")
            letters = _LETTERS.match(reference) if reference else None
            column = column_number(letters.group(0)) if letters else previous + 1
            previous = column
            if match.group(3) == b"/":
                end, inner = match.end(), None
            else:
                close = b"</" + match.group(1) + b"c>"
                end = body.index(close, match.end()) + len(close)
                inner = body[match.end():end - len(close)]
            cells.append(_Cell(column, match.start(), end, match.group(1), match.group(2), inner))
            position = end
        return cells

    def _edit_cell(self, prefix: bytes, cell: _Cell | None, column: int, row: int, edit: RowEdit,
                   row_format: int | None) -> bytes | None:
        """The cell's new text, b"" to drop it, or None when it stays as it is."""
        inherited = row_format if row_format is not None else self.column_formats.get(column, 0)
        if cell is not None:
            head, inner = cell.head, cell.body
            current = int(_attributes(head).get(b"s", b"0"))
            cell_prefix = cell.prefix
        else:
            head, inner, current, cell_prefix = f' r="{column_letter(column)}{row}"'.encode(), None, inherited, prefix
        changes: dict[bytes, bytes | None] = {}
        has_formula = inner is not None and re.search(rb"<(?:[\w.-]+:)?f\b", inner) is not None
        new_inner = inner
        if column in edit.values and not has_formula:
            value = edit.values[column]
            old_value = self._number(inner, head)
            if value is None and inner:
                new_inner, changes[b"t"], changes[b"vm"], changes[b"cm"] = None, None, None, None
            elif value is not None and old_value != value:
                new_inner = b"<" + cell_prefix + b"v>" + escape(_number_text(value).decode()).encode() + \
                    b"</" + cell_prefix + b"v>"
                changes[b"t"], changes[b"vm"], changes[b"cm"] = None, None, None
        if column in edit.formats:
            restyled = edit.formats[column](current)
            if restyled is not None and restyled != current:
                changes[b"s"] = str(restyled).encode() if restyled else None
                current = restyled
        if not changes and new_inner == inner:
            return None
        head = _set_attributes(head, changes)
        if not new_inner and current == inherited and not _attributes(head).keys() - {b"r", b"s"}:
            return b""  # an empty cell in the format it would have anyway is no cell: as before the tool made it
        if new_inner:
            return b"<" + cell_prefix + b"c" + head + b">" + new_inner + b"</" + cell_prefix + b"c>"
        return b"<" + cell_prefix + b"c" + head + b"/>"

    @staticmethod
    def _number(inner: bytes | None, head: bytes) -> Any:
        if not inner or _attributes(head).get(b"t", b"n") != b"n":
            return None
        found = re.search(rb"<(?:[\w.-]+:)?v>([^<]*)<", inner)
        if found is None or re.search(rb"<(?:[\w.-]+:)?(?:f|is)\b", inner):
            return None
        try:
            number = float(found.group(1))
        except ValueError:
            return None
        return int(number) if number.is_integer() else number

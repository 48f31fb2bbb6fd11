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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import chain
from xml.parsers import expat

from xl_addin.ooxml.row_edit import NARROW, STRATEGIES, ReadInFull, Restyle, RowContext, RowEdit, Strategy, attributes
from xl_addin.ooxml.row_shapes import ShapeEditor

__all__ = ["MadeBadXml", "Restyle", "RowEdit", "SheetEditor", "Strategy"]

_ROW_NUMBER = re.compile(rb'\sr\s*=\s*"(\d+)"')
_SHEET_DATA = re.compile(rb"<((?:[\w.-]+:)?)sheetData\b[^>]*?(/?)>")
_COL = re.compile(rb"<(?:[\w.-]+:)?col\b([^>]*?)/?>")
_PROTECTED = re.compile(rb'<(?:[\w.-]+:)?sheetProtection\b[^>]*\ssheet="(?:1|true)"')


class MadeBadXml(Exception):
    """A piece of XML made for the sheet is not well-formed: a bug; nothing is written."""


class SheetEditor:
    """Streams one worksheet's XML through `edit`, applying `rows` (row number -> RowEdit). `strategies` names
    the ways of finding a row's cells to try (row_edit); the general way is always the last resort."""

    def __init__(self, rows: Mapping[int, RowEdit], strategies: Sequence[Strategy] = STRATEGIES) -> None:
        self.rows = dict(rows)
        self.pending = sorted(self.rows)
        self.next = 0  # index into pending
        self.changed = False
        self.protected = False
        self.strategies = tuple(strategies)
        self.context = RowContext(made=self._made)
        self.column_formats = self.context.column_formats
        self._shapes = ShapeEditor(self.context)
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
            found = attributes(match.group(1))
            if b"style" in found and b"min" in found and b"max" in found:
                for number in range(int(found[b"min"]), min(int(found[b"max"]), 16384) + 1):
                    self.column_formats[number] = int(found[b"style"])

    # --- rows -------------------------------------------------------------------------------------------------

    def _due(self) -> int | None:
        return self.pending[self.next] if self.next < len(self.pending) else None

    def _new_rows(self, prefix: bytes, *, upto: int | None) -> bytes:
        """Rows with edits that the sheet does not have, below `upto` (or all that are left)."""
        made = []
        while (due := self._due()) is not None and (upto is None or due < upto):
            self.next += 1
            row = self._edit_row(prefix, b' r="%d"' % due, b"", due, self.rows[due])
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
                edited = self._edit_row(prefix, head, body, number, rows[number])
                if edited is not None:
                    out += [text[position:start], edited]
                    position = end
            start = find(opening, end)
        self._last_row = last_row
        out.append(text[position:])
        return b"".join(out)

    def _edit_row(self, prefix: bytes, head: bytes, body: bytes, number: int, edit: RowEdit) -> bytes | None:
        row_format = None
        if b"customFormat" in head:
            found = attributes(head)
            if found.get(b"customFormat") in (b"1", b"true"):
                row_format = int(found.get(b"s", b"0"))
        edited = self._edit_found(prefix, head, body, number, edit, row_format)
        if edited is not None:
            self.changed = True
        return edited

    def _edit_found(self, prefix: bytes, head: bytes, body: bytes, number: int, edit: RowEdit,
                    row_format: int | None) -> bytes | None:
        """The row edited by the first way of finding its cells that takes it. Left to choose, a wide edit (a
        fill across the row) goes by shape and a narrow one cell by cell; told which, the editor tries those."""
        context = self.context
        chosen = self.strategies != STRATEGIES
        for strategy in self.strategies:
            try:
                if strategy == "values":
                    return context.edit_values(prefix, head, body, number, edit, row_format)
                wide = len(edit.columns()) > NARROW
                if strategy == "shape" and (wide or chosen):
                    return self._shapes.edit(prefix, head, body, number, edit, row_format)
                if strategy == "narrow" and (not wide or chosen):
                    return context.edit_narrow(prefix, head, body, number, edit, row_format)
            except ReadInFull:
                continue
        return context.edit_general(prefix, head, body, number, edit, row_format)

"""A sheet's rows as SpreadsheetML, byte for byte as openpyxl's write-only mode writes them (inline strings,
dates as serial numbers), but from plain values: building one openpyxl cell per value is ten times slower."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from xl_addin.ooxml.refs import column_letter
from xl_addin.ooxml.serials import serial
from xl_addin.ooxml.xml_text import escape

Cell = tuple[Any, int]  # a value and its style id (0: no style)


class FormulaText(str):
    """A cell's formula (without its "="): written as the formula, with no value, which the spreadsheet works out
    when it opens the file."""

_CHUNK_ROWS = 2000
_SCALARS = frozenset({int, float, bool, str, Decimal, dt.date, dt.datetime, dt.time, dt.timedelta, type(None)})


class SheetRows:
    """Rows appended one by one, numbered from 1; `xml()` yields the content of sheetData in chunks, made as
    they are asked for (so a zip writer can deflate one chunk in its thread while the next is made)."""

    def __init__(self) -> None:
        self._rows: list[Sequence[Cell]] = []
        self._heights: dict[int, float] = {}  # row number -> height in points, where it is not the default

    def append(self, cells: Sequence[Cell], *, height: float | None = None) -> None:
        """A row of cells; `height` in points for a row that holds more than one line of text."""
        self._rows.append(cells)
        if height is not None:
            self._heights[len(self._rows)] = height

    def __len__(self) -> int:
        return len(self._rows)

    def xml(self) -> Iterator[bytes]:
        width = max(map(len, self._rows), default=0)
        letters = [column_letter(number) for number in range(1, width + 1)]
        # A register repeats its values (statuses, owners, dates): each distinct one is made into XML once.
        texts: dict[str, str] = {}
        others: dict[tuple[type, Any, int], str] = {}
        heights = self._heights
        for start in range(0, len(self._rows), _CHUNK_ROWS):
            parts = []
            for number, cells in enumerate(self._rows[start:start + _CHUNK_ROWS], start=start + 1):
                height = heights.get(number) if heights else None
                parts.append(f'<row r="{number}">' if height is None else
                             f'<row r="{number}" ht="{height:g}" customHeight="1">')
                for letter, (value, style) in zip(letters, cells, strict=False):  # letters: the widest row
                    if value is None and not style:
                        continue
                    if type(value) is str and not style:
                        body = texts.get(value)
                        if body is None:
                            body = texts[value] = _cell_body(value, 0)
                    elif type(value) not in _SCALARS:  # possibly unhashable
                        body = _cell_body(value, style)
                    else:
                        key = (type(value), value, style)
                        body = others.get(key)
                        if body is None:
                            body = others[key] = _cell_body(value, style)
                    parts.append(f'<c r="{letter}{number}"{body}')
                parts.append("</row>")
            # non-ASCII as character references, as openpyxl (lxml) writes it
            yield "".join(parts).encode("ascii", "xmlcharrefreplace")


def _cell_body(value: Any, style: int) -> str:
    """A cell's XML after its reference."""
    styled = f' s="{style}"' if style else ""
    if type(value) is FormulaText:
        return f"{styled}><f>{escape(value)}</f></c>"
    if type(value) is str and value and value[0] > " " and value[-1] > " " and value.isprintable() and not (
            "&" in value or "<" in value or ">" in value or "_x" in value):  # most text: nothing to escape or keep
        return f'{styled} t="inlineStr"><is><t>{value}</t></is></c>'
    if value is None:
        return f'{styled} t="n"></c>'
    if isinstance(value, str):
        if value == "":
            return f'{styled} t="inlineStr"></c>'
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'{styled} t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'{styled} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f'{styled} t="n"><v>{_number(value)}</v></c>'
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return f'{styled} t="n"><v>{_number(serial(value))}</v></c>'
    return _cell_body(str(value), style)


def _number(value: float | int | Decimal) -> str:
    return "" if math.isnan(value) or math.isinf(value) else "%.16g" % value  # noqa: UP031 (openpyxl's own formatting, which reads a Decimal as a float)


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_HEAD = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">'


# Printed landscape on A4, one page wide and as many down as it takes (the header row is repeated on each page by
# the workbook's Print_Titles name, which the package session adds)
_ONE_PAGE_WIDE = ('<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
                  '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>')


def listing_sheet(rows: SheetRows, widths: Sequence[float] = (), *, frozen_header: bool = True,
                  after: str = "", one_page_wide: bool = False) -> bytes:
    """A worksheet part holding `rows` (its first one a header, frozen at the top) in columns of `widths`;
    `after` (a filter, hyperlinks) follows the rows; with `one_page_wide`, it prints landscape one page wide."""
    head = "<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>" if one_page_wide else ""
    view = ('<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
            'state="frozen"/></sheetView></sheetViews>') if frozen_header else ""
    columns = "".join(f'<col min="{n}" max="{n}" width="{w}" customWidth="1"/>' for n, w in enumerate(widths, start=1))
    tail = after + (_ONE_PAGE_WIDE if one_page_wide else "")
    return b"".join([(_HEAD + head + view + (f"<cols>{columns}</cols>" if columns else "") + "<sheetData>").encode(),
                     *rows.xml(), f"</sheetData>{tail}</worksheet>".encode()])

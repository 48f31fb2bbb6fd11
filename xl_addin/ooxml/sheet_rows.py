"""A sheet's rows as SpreadsheetML, byte for byte as openpyxl's write-only mode writes them (inline strings,
dates as serial numbers), but from plain values: building one openpyxl cell per value is ten times slower."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from xl_addin.ooxml.package_edit import REL
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
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_PANES = {  # a frozen header row; a frozen header row and first column
    "A2": '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>',
    "B2": '<pane xSplit="1" ySplit="1" topLeftCell="B2" activePane="bottomRight" state="frozen"/>',
}
_MARGINS = '<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'


def worksheet(rows: SheetRows, **layout: Any) -> bytes:
    """A worksheet part holding `rows`, laid out as `worksheet_chunks` says."""
    return b"".join(worksheet_chunks(rows, **layout))


def worksheet_chunks(rows: SheetRows, *, widths: Sequence[float] = (), frozen: str | None = None, after: str = "",
                     landscape: bool | None = None, pages_wide: int | None = None, pages_tall: int = 0,
                     breaks: Sequence[int] = (), drawing: str | None = None) -> Iterator[bytes]:
    """A worksheet part, in chunks made as they are asked for, holding `rows` in columns of `widths`: `frozen` at
    "A2" (the header row) or "B2" (and the first column); `after` (a filter, hyperlinks) follows the rows.
    Printed on A4, landscape or portrait
    (when `landscape` is given), fitted to `pages_wide` pages across and `pages_tall` down (0: as many as it
    takes), with a page break above each row of `breaks`; `drawing`: the relationship id of its drawing."""
    head = '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if pages_wide else ""
    view = f'<sheetViews><sheetView workbookViewId="0">{_PANES[frozen]}</sheetView></sheetViews>' if frozen else ""
    columns = "".join(f'<col min="{n}" max="{n}" width="{w}" customWidth="1"/>' for n, w in enumerate(widths, start=1))
    page = ""
    if landscape is not None:
        fit = f' fitToWidth="{pages_wide}" fitToHeight="{pages_tall}"' if pages_wide else ""
        page = f'<pageSetup paperSize="9" orientation="{"landscape" if landscape else "portrait"}"{fit}/>'
    page_breaks = (f'<rowBreaks count="{len(breaks)}" manualBreakCount="{len(breaks)}">'
                   + "".join(f'<brk id="{row}" max="16383" man="1"/>' for row in breaks) + "</rowBreaks>"
                   ) if breaks else ""
    tail = after + (_MARGINS + page if page else "") + page_breaks + (f'<drawing r:id="{drawing}"/>' if drawing else "")
    root = f'<worksheet xmlns="{MAIN}"' + (f' xmlns:r="{REL}">' if drawing else ">")
    yield (_HEAD + root + head + view + (f"<cols>{columns}</cols>" if columns else "") + "<sheetData>").encode()
    yield from rows.xml()
    yield f"</sheetData>{tail}</worksheet>".encode()


def listing_sheet(rows: SheetRows, widths: Sequence[float] = (), *, frozen_header: bool = True,
                  after: str = "", one_page_wide: bool = False) -> bytes:
    """A sheet xlreg keeps for people: its first row a header (frozen at the top); with `one_page_wide`, printed
    landscape one page wide and as many down as it takes (the header row is repeated on each page by the
    workbook's Print_Titles name, which the package session adds)."""
    return worksheet(rows, widths=widths, frozen="A2" if frozen_header else None, after=after,
                     landscape=True if one_page_wide else None, pages_wide=1 if one_page_wide else None)

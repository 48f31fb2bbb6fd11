"""A sheet's rows as SpreadsheetML, byte for byte as openpyxl's write-only mode writes them (inline strings,
dates as serial numbers), but from plain values: building one openpyxl cell per value is ten times slower."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

Cell = tuple[Any, int]  # a value and its style id (0: no style)

# Characters XML 1.0 cannot hold; openpyxl refuses them, a snapshot shows where they were.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CHUNK_ROWS = 2000


class SheetRows:
    """Rows appended one by one, numbered from 1, each turned into XML at once; `xml()` yields the content of
    sheetData in chunks."""

    def __init__(self) -> None:
        self._rows: list[str] = []
        self._letters: list[str] = []

    def append(self, cells: Sequence[Cell]) -> None:
        number = len(self._rows) + 1
        letters = self._letters
        while len(letters) < len(cells):
            letters.append(get_column_letter(len(letters) + 1))
        self._rows.append(f'<row r="{number}">' + "".join(
            [_cell(f"{letters[index]}{number}", value, style)
             for index, (value, style) in enumerate(cells) if value is not None or style]) + "</row>")

    def __len__(self) -> int:
        return len(self._rows)

    def xml(self) -> Iterator[bytes]:
        for start in range(0, len(self._rows), _CHUNK_ROWS):
            # non-ASCII as character references, as openpyxl (lxml) writes it
            yield "".join(self._rows[start:start + _CHUNK_ROWS]).encode("ascii", "xmlcharrefreplace")


def _cell(reference: str, value: Any, style: int) -> str:
    styled = f' s="{style}"' if style else ""
    if type(value) is str and value and value[0] > " " and value[-1] > " " and value.isprintable() and not (
            "&" in value or "<" in value or ">" in value):  # most text: nothing to escape or keep
        return f'<c r="{reference}"{styled} t="inlineStr"><is><t>{value}</t></is></c>'
    if value is None:
        return f'<c r="{reference}"{styled} t="n"></c>'
    if isinstance(value, str):
        if value == "":
            return f'<c r="{reference}"{styled} t="inlineStr"></c>'
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{reference}"{styled} t="inlineStr"><is><t{space}>{_text(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{reference}"{styled} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f'<c r="{reference}"{styled} t="n"><v>{_number(value)}</v></c>'
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return f'<c r="{reference}"{styled} t="n"><v>{_number(to_excel(value))}</v></c>'
    return _cell(reference, str(value), style)


def _number(value: float | int | Decimal) -> str:
    return "" if math.isnan(value) or math.isinf(value) else "%.16g" % value  # noqa: UP031 (openpyxl's own formatting, which reads a Decimal as a float)


def _text(value: str) -> str:
    text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return _NOT_XML.sub("\ufffd", text)

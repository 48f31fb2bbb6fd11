"""Excel tables (a table part's ref, its filter's and its columns) and the ranges over a sheet's rows that follow
a table when it grows: data validations and conditional formats (their sqref, and x14's xm:sqref)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable

from xl_addin.ooxml.refs import RANGE_PARTS, column_letter, column_number
from xl_addin.ooxml.xml_text import quoteattr
from xl_addin.ooxml.zip_package import CHUNK

TABLE_REF = re.compile(r'(<(?:[\w.-]+:)?(?:table|autoFilter)\b[^>]*?\sref=")([^"]*)(")')
_SQREF = re.compile(rb'(<(?:[\w.-]+:)?(?:conditionalFormatting|dataValidation)\b[^>]*?\ssqref=")([^"]*)(")')
_XM_SQREF = re.compile(rb"(<xm:sqref>)([^<]*)(</xm:sqref>)")
_TABLE_COLUMNS = re.compile(r'(<(?:[\w.-]+:)?tableColumns\b[^>]*?\scount=")(\d+)(")')
_TABLE_COLUMN_ID = re.compile(r'<(?:[\w.-]+:)?tableColumn\b[^>]*?\sid="(\d+)"')
_TABLE_COLUMNS_END = re.compile(r"</((?:[\w.-]+:)?)tableColumns>")


def table_last_row(text: str) -> int | None:
    """The last row of a table part's range."""
    found = TABLE_REF.search(text)
    bounds = RANGE_PARTS.match(found.group(2)) if found else None
    return int(bounds.group(4)) if bounds else None


def names_table(text: str, name: str) -> bool:
    return f'name="{name}"' in text or f'displayName="{name}"' in text


def _grown(ranges: str, end: int, last_row: int) -> str:
    """Each range of a reference list ("A2:A201 C2:C201") that ends on row `end`, made to end on `last_row`."""
    grown = []
    for piece in ranges.split():
        match = RANGE_PARTS.match(piece)
        if match and int(match.group(4)) == end and int(match.group(2)) <= end:
            piece = f"{match.group(1)}{match.group(2)}:{match.group(3)}{last_row}"
        grown.append(piece)
    return " ".join(grown)


def grow_table(text: str, end: int, last_row: int) -> str:
    """The table part with its range (and its filter's) reaching `last_row` from `end`."""
    return TABLE_REF.sub(lambda found: found.group(1) + _grown(found.group(2), end, last_row) + found.group(3), text)


def grow_ranges(end: int, last_row: int) -> Callable[[bytes], bytes]:
    """An edit of a sheet's tail: validations and conditional formats that reached row `end` reach `last_row`."""
    def grow(tail: bytes) -> bytes:
        def one(found: re.Match[bytes]) -> bytes:
            return found.group(1) + _grown(found.group(2).decode(), end, last_row).encode() + found.group(3)
        return _XM_SQREF.sub(one, _SQREF.sub(one, tail))
    return grow


def widen_table(text: str, column: int, title: str) -> str:
    """The table part with its range (and its filter's) one column wider, to `column`, and that column listed
    as `title` (a table's column names are its header cells); unchanged when the table does not end just before
    `column`."""
    letter = column_letter(column)

    def widen(found: re.Match[str]) -> str:
        match = RANGE_PARTS.match(found.group(2))
        if match is None or column_number(match.group(3).lstrip("$").rstrip("$")) != column - 1:
            return found.group(0)
        return f"{found.group(1)}{match.group(1)}{match.group(2)}:{letter}{match.group(4)}{found.group(3)}"

    widened = TABLE_REF.sub(widen, text)
    if widened == text:
        return text
    next_id = max((int(found) for found in _TABLE_COLUMN_ID.findall(widened)), default=0) + 1
    widened = _TABLE_COLUMNS.sub(lambda found: f"{found.group(1)}{int(found.group(2)) + 1}{found.group(3)}",
                                 widened, count=1)
    return _TABLE_COLUMNS_END.sub(lambda found: f'<{found.group(1)}tableColumn id="{next_id}" '
                                                f'name={quoteattr(title)}/></{found.group(1)}tableColumns>',
                                  widened, count=1)


def cell_style(archive: zipfile.ZipFile, part: str, row: int, column: int) -> int | None:
    """The format (cellXfs index) of one cell near the top of a sheet (a header cell), read from the start of
    the sheet's XML only as far as its row."""
    reference = f'r="{column_letter(column)}{row}"'.encode()
    head = b""
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK):
            head += chunk
            at = head.find(reference)
            if at >= 0:
                end = head.find(b">", at)
                if end < 0:
                    continue
                start = head.rfind(b"<", 0, at)
                found = re.search(rb'\ss="(\d+)"', head[start:end])
                return int(found.group(1)) if found else None
            if re.search(rb'<(?:[\w.-]+:)?row\b[^>]*\sr="' + str(row + 1).encode() + rb'"', head) \
                    or len(head) > 8 * CHUNK:
                return None
    return None

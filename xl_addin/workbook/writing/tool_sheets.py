"""The sheets xlreg keeps in a workbook, as worksheet XML: the Findings sheet (a header, one row per finding
linked to its cell, a filter), log sheets for people (Feed log, Measurements) and the very hidden record of the
tool's own marks, which every writer keeps alike so that marks made through Excel and through the command clear
each other."""

from __future__ import annotations

import datetime as dt
import zipfile

from xl_addin.engine.marks import FINDINGS_WIDTHS, RECORD_HEADER, RECORD_SHEET, FindingsSheet, LogRows, RecordEntry
from xl_addin.ooxml.package import sheet_parts, sheet_texts
from xl_addin.ooxml.refs import span
from xl_addin.ooxml.sheet_rows import SheetRows, listing_sheet
from xl_addin.ooxml.styles import StyleSheet
from xl_addin.ooxml.xml_text import quoteattr


def findings_sheet_xml(listing: FindingsSheet, styles: StyleSheet) -> bytes:
    """The Findings sheet: its header in bold, each finding's cell a hyperlink to it, a filter on the header."""
    bold, link = styles.font_format(bold=True), styles.font_format(hyperlink=True)
    rows = SheetRows()
    rows.append([(value, bold) for value in listing.header])
    links = []
    for number, (values, target) in enumerate(zip(listing.rows, listing.links, strict=True), start=2):
        rows.append([(value, link if target and column == 0 else 0) for column, value in enumerate(values)])
        if target:
            links.append(f'<hyperlink ref="A{number}" location={quoteattr(target)} '
                         f"display={quoteattr(str(values[0]))}/>")
    last_row = max(1, len(listing.rows) + 1)
    after = f'<autoFilter ref="{span(1, 1, len(listing.header), last_row)}"/>'
    return listing_sheet(rows, FINDINGS_WIDTHS, after=after + (f"<hyperlinks>{''.join(links)}</hyperlinks>"
                                                              if links else ""), one_page_wide=True)


# Excel's built-in number formats: each shown in the reader's own way (a short date in their locale)
_BUILT_IN = {"percent": 10, "decimal": 2, "whole": 1, "date": 14, "moment": 22}


def log_rows(log: LogRows, styles: StyleSheet) -> list[list[tuple[object, int]]]:
    """A log's rows, each value with its format: dates as dates, numbers as their unit says, text longer than its
    column wrapped."""
    made = []
    for number, values in enumerate(log.rows):
        units = log.units[number] if number < len(log.units) else ()
        cells = []
        for column, value in enumerate(values):
            unit = units[column] if column < len(units) else None
            kind = "moment" if isinstance(value, dt.datetime) else "date" if isinstance(value, dt.date) else \
                unit if isinstance(value, int | float) and not isinstance(value, bool) else None
            width = log.widths[column] if column < len(log.widths) else 0
            style = styles.builtin_format(_BUILT_IN[kind]) if kind else \
                styles.wrapped(0) if isinstance(value, str) and width and len(value) > width - 2 else 0
            cells.append((value, style))
        made.append(cells)
    return made


def log_sheet_xml(log: LogRows, styles: StyleSheet) -> bytes:
    """A log sheet made anew: its header in bold (wrapped within its column), then its rows; printed one page
    wide."""
    bold = styles.wrapped(styles.font_format(bold=True))
    rows = SheetRows()
    rows.append([(value, bold) for value in log.header])
    for cells in log_rows(log, styles):
        rows.append(cells)
    return listing_sheet(rows, log.widths, one_page_wide=True)


def record_sheet_xml(entries: list[RecordEntry]) -> bytes:
    """The record of the tool's own marks: a header, one row per mark."""
    rows = SheetRows()
    rows.append([(value, 0) for value in RECORD_HEADER])
    for entry in entries:
        rows.append([(value, 0) for value in entry.to_row()])
    return listing_sheet(rows, frozen_header=False)


def read_record(archive: zipfile.ZipFile) -> list[RecordEntry]:
    """The record of the tool's own marks in the workbook (empty when there is none), read from its sheet's XML
    (written by xlreg with inline text, or by Excel or older versions with shared strings)."""
    part = sheet_parts(archive).get(RECORD_SHEET)
    if part is None or part not in archive.namelist():
        return []
    entries = []
    for number, values in sheet_texts(archive, part):
        entry = RecordEntry.from_row([values.get(column, "") for column in range(1, 5)]) if number > 1 else None
        if entry is not None:
            entries.append(entry)
    return entries

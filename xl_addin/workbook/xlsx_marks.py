"""Apply marks to an openpyxl workbook, keeping the record of the tool's own fills and notes (engine.marks).

Removing marks touches only cells in the record that still carry the tool's colour or the tool's note, so a
person's fills and notes are never changed.
"""

from __future__ import annotations

from collections.abc import Iterator

from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils import range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from xl_addin.engine.findings import column_letter
from xl_addin.engine.marks import (
    FINDINGS_WIDTHS,
    NOTE_AUTHOR,
    NOTE_SIZE,
    RECORD_HEADER,
    RECORD_SHEET,
    CellNote,
    Marks,
    RecordEntry,
    RowBlockFill,
    fill_entry,
    note_entry,
    sheet_entry,
    unique_title,
)

_NO_FILL = PatternFill(fill_type=None)


def _read_record(workbook: Workbook) -> list[RecordEntry]:
    if RECORD_SHEET not in workbook.sheetnames:
        return []
    rows = workbook[RECORD_SHEET].iter_rows(min_row=2, values_only=True)
    return [entry for values in rows if values and (entry := RecordEntry.from_row(values)) is not None]


def _write_record(workbook: Workbook, entries: list[RecordEntry]) -> None:
    if RECORD_SHEET in workbook.sheetnames:
        workbook.remove(workbook[RECORD_SHEET])
    if not entries:
        return
    sheet = workbook.create_sheet(RECORD_SHEET)
    sheet.sheet_state = "veryHidden"
    sheet.append(list(RECORD_HEADER))
    for entry in entries:
        sheet.append(list(entry.to_row()))


def _cells(ref: str) -> Iterator[tuple[int, int]]:
    first_column, first_row, last_column, last_row = range_boundaries(ref)
    for row in range(first_row, last_row + 1):
        for column in range(first_column, last_column + 1):
            yield row, column


def _has_fill(sheet: Worksheet, row: int, column: int) -> bool:
    return sheet.cell(row, column).fill.fill_type is not None


def _tool_fill(colour: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=colour, end_color=colour)


def _is_tool_fill(sheet: Worksheet, row: int, column: int, colour: str) -> bool:
    fill = sheet.cell(row, column).fill
    return fill.fill_type == "solid" and fill.fgColor is not None and fill.fgColor.rgb == colour


def _remove(workbook: Workbook, entry: RecordEntry) -> None:
    if entry.is_sheet:
        if entry.sheet in workbook.sheetnames:
            workbook.remove(workbook[entry.sheet])
        return
    if entry.sheet not in workbook.sheetnames:
        return
    sheet = workbook[entry.sheet]
    for row, column in _cells(entry.ref):
        if _is_tool_fill(sheet, row, column, entry.colour):
            sheet.cell(row, column).fill = _NO_FILL
        comment = sheet.cell(row, column).comment
        if entry.is_note and comment is not None and comment.author == NOTE_AUTHOR:
            sheet.cell(row, column).comment = None


def _fill_block(workbook: Workbook, fill: RowBlockFill) -> RecordEntry:
    sheet = workbook[fill.sheet]
    tool = _tool_fill(fill.colour)
    for row in range(fill.first_row, fill.last_row + 1):
        for column in range(fill.first_column, fill.last_column + 1):
            if not _has_fill(sheet, row, column):
                sheet.cell(row, column).fill = tool
    return fill_entry(fill)


def _note(workbook: Workbook, note: CellNote) -> RecordEntry:
    sheet = workbook[note.sheet]
    cell = sheet.cell(note.row, note.column)
    if not _has_fill(sheet, note.row, note.column):
        cell.fill = _tool_fill(note.colour)
    if cell.comment is None or cell.comment.author == NOTE_AUTHOR:
        comment = Comment(note.note, NOTE_AUTHOR)
        comment.width, comment.height = NOTE_SIZE
        cell.comment = comment
    return note_entry(note)


def apply_marks(workbook: Workbook, marks: Marks) -> None:
    """Remove the tool's earlier marks of the kinds being replaced, then apply these marks."""
    active = workbook.active.title if workbook.active is not None else None
    record = []
    for entry in _read_record(workbook):
        if entry.mark_kind in marks.replaces:
            _remove(workbook, entry)
        else:
            record.append(entry)
    for block in marks.values:
        sheet = workbook[block.sheet]
        for offset, value in enumerate(block.values):
            cell = sheet.cell(block.first_row + offset, block.column)
            if cell.data_type == "f":
                continue  # a live formula computes the same thing; keep it
            cell.value = value
    record += [_fill_block(workbook, fill) for fill in marks.fills]
    record += [_note(workbook, note) for note in marks.notes]
    if marks.findings_sheet is not None:
        listing = marks.findings_sheet
        sheet = workbook.create_sheet(unique_title(workbook.sheetnames, listing.title))
        sheet.append(list(listing.header))
        for values, link in zip(listing.rows, listing.links, strict=True):
            sheet.append(list(values))
            if link:
                cell = sheet.cell(sheet.max_row, 1)
                cell.hyperlink = Hyperlink(ref=cell.coordinate, location=link, display=str(values[0]))
                cell.style = "Hyperlink"
        for number, width in enumerate(FINDINGS_WIDTHS, start=1):
            sheet.column_dimensions[column_letter(number)].width = width
        sheet.freeze_panes = "A2"
        record.append(sheet_entry(sheet.title))
    _write_record(workbook, record)
    if active in workbook.sheetnames:
        workbook.active = workbook.sheetnames.index(active)

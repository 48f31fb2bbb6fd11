"""Apply marks to an openpyxl workbook, keeping a record of the tool's own fills and notes.

The record is a very hidden sheet: one row per mark (kind, sheet, range, colour). Removing marks touches
only cells in the record that still carry the tool's colour or the tool's note, so a person's fills and
notes are never changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from xl_addin.marks import CellNote, Marks, RowBlockFill

RECORD_SHEET = "xlreg_marks"
AUTHOR = "xlreg"
_NO_FILL = PatternFill(fill_type=None)


@dataclass(frozen=True)
class RecordEntry:
    kind: str
    sheet: str
    ref: str
    colour: str


def _read_record(workbook: Workbook) -> list[RecordEntry]:
    if RECORD_SHEET not in workbook.sheetnames:
        return []
    sheet = workbook[RECORD_SHEET]
    entries = []
    for values in sheet.iter_rows(min_row=2, values_only=True):
        if values and values[0]:
            entries.append(RecordEntry(*(str(value or "") for value in values[:4])))
    return entries


def _write_record(workbook: Workbook, entries: list[RecordEntry]) -> None:
    if RECORD_SHEET in workbook.sheetnames:
        workbook.remove(workbook[RECORD_SHEET])
    if not entries:
        return
    sheet = workbook.create_sheet(RECORD_SHEET)
    sheet.sheet_state = "veryHidden"
    sheet.append(["kind", "sheet", "range", "colour"])
    for entry in entries:
        sheet.append([entry.kind, entry.sheet, entry.ref, entry.colour])


def _cells(sheet: Worksheet, ref: str) -> Iterator[tuple[int, int]]:
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
    if entry.kind.endswith("-sheet"):
        if entry.sheet in workbook.sheetnames:
            workbook.remove(workbook[entry.sheet])
        return
    if entry.sheet not in workbook.sheetnames:
        return
    sheet = workbook[entry.sheet]
    for row, column in _cells(sheet, entry.ref):
        if _is_tool_fill(sheet, row, column, entry.colour):
            sheet.cell(row, column).fill = _NO_FILL
        comment = sheet.cell(row, column).comment
        if entry.kind.endswith("-note") and comment is not None and comment.author == AUTHOR:
            sheet.cell(row, column).comment = None


def _fill_block(workbook: Workbook, fill: RowBlockFill) -> list[RecordEntry]:
    sheet = workbook[fill.sheet]
    tool = _tool_fill(fill.colour)
    for row in range(fill.first_row, fill.last_row + 1):
        for column in range(fill.first_column, fill.last_column + 1):
            if not _has_fill(sheet, row, column):
                sheet.cell(row, column).fill = tool
    ref = (f"{get_column_letter(fill.first_column)}{fill.first_row}:"
           f"{get_column_letter(fill.last_column)}{fill.last_row}")
    return [RecordEntry(fill.kind, fill.sheet, ref, fill.colour)]


def _note(workbook: Workbook, note: CellNote) -> list[RecordEntry]:
    sheet = workbook[note.sheet]
    cell = sheet.cell(note.row, note.column)
    if not _has_fill(sheet, note.row, note.column):
        cell.fill = _tool_fill(note.colour)
    if cell.comment is None or cell.comment.author == AUTHOR:
        comment = Comment(note.note, AUTHOR)
        comment.width, comment.height = 320, 120
        cell.comment = comment
    return [RecordEntry(f"{note.kind}-note", note.sheet, cell.coordinate, note.colour)]


def _unique_title(workbook: Workbook, title: str) -> str:
    candidate, number = title, 2
    while candidate in workbook.sheetnames:
        candidate = f"{title} ({number})"
        number += 1
    return candidate


def apply_marks(workbook: Workbook, marks: Marks) -> None:
    """Remove the tool's earlier marks of the kinds being replaced, then apply these marks."""
    active = workbook.active.title if workbook.active is not None else None
    record = _read_record(workbook)
    keep = []
    for entry in record:
        if entry.kind.split("-")[0] in marks.replaces:
            _remove(workbook, entry)
        else:
            keep.append(entry)
    record = keep
    for block in marks.values:
        sheet = workbook[block.sheet]
        for offset, value in enumerate(block.values):
            cell = sheet.cell(block.first_row + offset, block.column)
            if cell.data_type == "f":
                continue  # a live formula computes the same thing; keep it
            cell.value = value
    for fill in marks.fills:
        record += _fill_block(workbook, fill)
    for note in marks.notes:
        record += _note(workbook, note)
    if marks.findings_sheet is not None:
        listing = marks.findings_sheet
        sheet = workbook.create_sheet(_unique_title(workbook, listing.title))
        sheet.append(list(listing.header))
        for values, link in zip(listing.rows, listing.links, strict=True):
            sheet.append(list(values))
            if link:
                cell = sheet.cell(sheet.max_row, 1)
                cell.hyperlink = Hyperlink(ref=cell.coordinate, location=link, display=str(values[0]))
                cell.style = "Hyperlink"
        for letter, width in zip("ABCDEF", (16, 9, 20, 18, 20, 90), strict=True):
            sheet.column_dimensions[letter].width = width
        sheet.freeze_panes = "A2"
        record.append(RecordEntry("finding-sheet", sheet.title, "", ""))
    _write_record(workbook, record)
    if active in workbook.sheetnames:
        workbook.active = workbook.sheetnames.index(active)

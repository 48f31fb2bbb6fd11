"""How marks are applied, whoever writes them: the package writer (workbook.writing.package_marks), Excel through
xlwings (excel.book) and xlwings Lite (excel.lite) each implement `MarksWriter`; `apply_marks` is the one order
of the steps. A writer that cannot do a part of what the marks ask says why in `cannot`, and nothing is applied:
no part of a change is skipped without a word.
"""

from __future__ import annotations

from typing import Literal, Protocol

from xl_addin.engine.dashboard import Dashboard
from xl_addin.engine.marks import (
    DASHBOARD_ENTRY,
    AddedColumn,
    CellNote,
    ColumnValues,
    FindingsSheet,
    LogRows,
    Marks,
    RecordEntry,
    RowBlockFill,
    Underlay,
    fill_entry,
    note_entry,
    sheet_entry,
)

MarkPart = Literal["date formats", "grown table", "added column", "log sheet", "dashboard sheet"]


class MarksCannotBeApplied(Exception):
    """A writer cannot do a part of the marks; the message says which and why, and nothing was changed."""


class MarksWriter(Protocol):
    """What applying marks needs of a workbook."""

    def cannot(self, part: MarkPart) -> str | None:
        """Why this writer cannot apply `part`, or None when it can."""

    def read_record(self) -> list[RecordEntry]:
        """The record of the tool's own marks (empty when there is none)."""

    def remove(self, entry: RecordEntry, underlay: Underlay) -> None:
        """Take one of the tool's earlier marks off (a fill, a note, a sheet of its own)."""

    def write_values(self, block: ColumnValues) -> None:
        """Values down one column; a cell holding a formula is left as it is."""

    def fill(self, fill: RowBlockFill) -> None:
        """The tool's fill over a block, on the cells a person has not filled."""

    def note(self, note: CellNote, *, ours: bool) -> None:
        """A fill and a note on one cell; `ours`: the note there is the tool's own, to be replaced."""

    def findings_sheet(self, listing: FindingsSheet) -> str:
        """The Findings sheet, in place of the tool's earlier one; its title."""

    def date_formats(self, sheet: str, cells: frozenset[tuple[int, int]]) -> None:
        """A date format for those (row, column) cells that show none."""

    def add_column(self, added: AddedColumn) -> None:
        """A column after the register's last one, with its header."""

    def grow(self, sheet: str, last_row: int) -> None:
        """The register's table, with the validations and formats over its rows, down to `last_row`."""

    def log(self, rows: LogRows) -> None:
        """Rows added to (or replacing) a log sheet the tool keeps for people."""

    def dashboard(self, dashboard: Dashboard, current: str | None) -> str:
        """The Dashboard sheet, in place of the tool's earlier one (`current`, its title, if there is one); its
        title."""

    def write_record(self, entries: list[RecordEntry]) -> None:
        """The record of the tool's own marks, as they stand now."""


def parts_asked(marks: Marks) -> list[MarkPart]:
    """The parts of `marks` that not every writer can apply."""
    asked: list[MarkPart] = []
    if marks.dates:
        asked.append("date formats")
    if marks.added_columns:
        asked.append("added column")
    if marks.grow_to is not None:
        asked.append("grown table")
    if marks.log is not None:
        asked.append("log sheet")
    if marks.dashboard is not None:
        asked.append("dashboard sheet")
    return asked


def apply_marks(writer: MarksWriter, marks: Marks) -> None:
    """Apply `marks` through `writer`: the tool's marks of the kinds replaced come off first (an overdue fill a
    mark was painted over comes back), then values, fills, notes, the Findings sheet, formats, columns, the
    table's growth and logs, and last the record of what the tool's marks now are. MarksCannotBeApplied, before
    anything changes, when the writer cannot do a part of them."""
    refused = [why for part in parts_asked(marks) if (why := writer.cannot(part))]
    if refused:
        raise MarksCannotBeApplied("; ".join(refused))
    record = writer.read_record()
    kept = [entry for entry in record if entry.mark_kind not in marks.replaces]
    underlay = Underlay(kept)
    for entry in record:
        if entry.mark_kind in marks.replaces:
            writer.remove(entry, underlay)
    notes_of_ours = {(entry.sheet, entry.ref) for entry in record if entry.is_note}
    for block in marks.values:
        writer.write_values(block)
    for fill in marks.fills:
        writer.fill(fill)
        kept.append(fill_entry(fill))
    for note in marks.notes:
        entry = note_entry(note)
        writer.note(note, ours=(entry.sheet, entry.ref) in notes_of_ours)
        kept.append(entry)
    if marks.findings_sheet is not None:
        kept.append(sheet_entry(writer.findings_sheet(marks.findings_sheet)))
    if marks.dates:
        writer.date_formats(marks.sheet, marks.dates)
    for added in marks.added_columns:
        writer.add_column(added)
    if marks.grow_to is not None:
        writer.grow(marks.sheet, marks.grow_to)
    if marks.log is not None:
        writer.log(marks.log)
    if marks.dashboard is not None:
        current = next((entry.sheet for entry in record if entry.kind == DASHBOARD_ENTRY), None)
        title = writer.dashboard(marks.dashboard, current)
        kept = [entry for entry in kept if entry.kind != DASHBOARD_ENTRY]
        kept.append(RecordEntry(DASHBOARD_ENTRY, title, "", ""))
    writer.write_record(kept)

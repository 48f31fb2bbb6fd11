"""Marks applied to a workbook file by editing its package (ooxml.package_session): the package writer of
`engine.mark_writing`. Only what xlreg owns changes.

xlreg owns: the cells it writes (computed values, the formats of the cells it fills), the cell formats list
(appended to), its notes in the sheet's notes parts, its own sheets (the Findings sheet, log sheets, the record
of its marks) and the entries that list parts (the workbook's sheets, relationships, content types). Every other
entry of the package is copied as its compressed bytes; the session's `owned` names what may differ, for the
check made before the original is replaced (safe_write).
"""

from __future__ import annotations

import zipfile
from typing import BinaryIO

from xl_addin.engine.dashboard import DASHBOARD_SHEET, Dashboard
from xl_addin.engine.mark_writing import MarkPart
from xl_addin.engine.marks import (
    NOTE_AUTHOR,
    RECORD_SHEET,
    UNDERLAYS,
    AddedColumn,
    CellNote,
    ColumnValues,
    FindingsSheet,
    LogRows,
    RecordEntry,
    RowBlockFill,
    Underlay,
    unique_title,
)
from xl_addin.ooxml.charts import CHART_REL, CHART_TYPE, DRAWING_REL, DRAWING_TYPE, SHEET_DRAWING_ID
from xl_addin.ooxml.package_edit import calculate_on_load
from xl_addin.ooxml.package_session import PackageSession
from xl_addin.ooxml.refs import range_bounds
from xl_addin.ooxml.sheet_edit import Restyle
from xl_addin.ooxml.tables import cell_style, grow_ranges, grow_table, names_table, table_last_row, widen_table
from xl_addin.workbook.writing.dashboard_sheet import dashboard_parts
from xl_addin.workbook.writing.tool_sheets import (
    findings_sheet_xml,
    log_rows,
    log_sheet_xml,
    read_record,
    record_sheet_xml,
)

HEADER_ROW = "$1:$1"  # printed atop every page of the sheets xlreg keeps for people


def _to(style: int) -> Restyle:
    """A change of format to `style`, whatever the cell's was."""
    return lambda current: style


class PackageMarks:
    """Marks applied to one workbook package (a MarksWriter); `write` produces the new package."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.session = PackageSession(archive, notes_author=NOTE_AUTHOR)
        self.styles = self.session.styles
        self._restyles: dict[tuple[str, str], Restyle] = {}
        # sheets of the tool's to remove: kept until the record is written, as a new sheet of the same title
        # takes the place of the old one
        self.leaving: set[str] = set()

    @property
    def owned(self) -> set[str]:
        return self.session.owned

    @property
    def streamed(self) -> frozenset[str]:
        """The sheets edited as a stream (their new XML was checked as it was made)."""
        return frozenset(self.session.plans)

    def write(self, source: BinaryIO, target: BinaryIO) -> bool:
        return self.session.write(source, target)

    # --- what this writer does ----------------------------------------------------------------------------------

    def cannot(self, part: MarkPart) -> str | None:
        return None  # the package writer does every part

    def read_record(self) -> list[RecordEntry]:
        return read_record(self.session.archive)

    def write_values(self, block: ColumnValues) -> None:
        plan = self.session.plan(block.sheet)
        if plan is not None:
            for row, value in enumerate(block.values, start=block.first_row):
                plan.write(row, block.column, value)

    def remove(self, entry: RecordEntry, underlay: Underlay) -> None:
        if entry.is_sheet:
            self.leaving.add(entry.sheet)
            return
        plan = self.session.plan(entry.sheet)
        if plan is None:
            return
        try:
            first_column, first_row, last_column, last_row = range_bounds(entry.ref)
        except ValueError:
            return  # not a place xlreg wrote: nothing of the tool's to take off
        unfill = self._unfill(entry.colour)
        for row in range(first_row, last_row + 1):
            plan.restyle(row, first_column, last_column, unfill)
            if entry.is_note:
                for column in range(first_column, last_column + 1):
                    self.session.notes(plan).remove((row, column))
                    under = underlay.colour(entry.sheet, row, column)
                    if under:  # the overdue fill the mark was painted over
                        plan.restyle(row, column, column, self._fill_with(under))

    def fill(self, fill: RowBlockFill) -> None:
        plan = self.session.plan(fill.sheet)
        if plan is not None:
            fill_with = self._fill_with(fill.colour)
            for row in range(fill.first_row, fill.last_row + 1):
                plan.restyle(row, fill.first_column, fill.last_column, fill_with)

    def note(self, note: CellNote, *, ours: bool) -> None:
        plan = self.session.plan(note.sheet)
        if plan is not None:
            plan.restyle(note.row, note.column, note.column, self._mark_with(note.colour))
            self.session.notes(plan).add((note.row, note.column), note.note)

    def findings_sheet(self, listing: FindingsSheet) -> str:
        session = self.session
        title = unique_title([name for name in session.sheet_names() if name not in self.leaving], listing.title)
        xml = findings_sheet_xml(listing, self.styles)
        if title in self.leaving and session.sheets.get(title) in session.names:  # the earlier one: its place
            self.leaving.discard(title)
            session.replace_sheet(title, xml)
        else:  # before the record of the tool's marks when that is last, where the Register tab puts it too
            names = session.sheet_names()
            session.add_sheet(title, xml, before_last=bool(names) and names[-1] == RECORD_SHEET)
        session.print_titles[title] = HEADER_ROW
        return title

    def date_formats(self, sheet: str, cells: frozenset[tuple[int, int]]) -> None:
        plan = self.session.plan(sheet)
        if plan is not None:
            for row, column in sorted(cells):
                plan.restyle(row, column, column, self.styles.with_date_format)

    def add_column(self, added: AddedColumn) -> None:
        """A header cell after the register's last column, formatted like its neighbour; the register's table
        (when it ends on that neighbour) made one column wider, with the new column named as its header."""
        session = self.session
        part, plan = session.sheets.get(added.sheet), session.plan(added.sheet)
        if part is None or plan is None:
            return
        plan.write(added.row, added.column, added.title)
        style = cell_style(session.archive, part, added.row, added.like)
        if style:
            plan.restyle(added.row, added.column, added.column, lambda current: style)
        for _, kind, target in session.relationships_of(part) if added.table else ():
            if kind.endswith("/table") and target in session.names and names_table(session.current(target),
                                                                                    str(added.table)):
                session.set(target, widen_table(session.current(target), added.column, added.title))

    def grow(self, sheet: str, last_row: int) -> None:
        """The sheet's table grown to `last_row`, with the validations and conditional formats that reached its
        last row, so the rows appended below it are part of the register (and a person typing in the next row
        still gets the dropdowns)."""
        session = self.session
        part, plan = session.sheets.get(sheet), session.plan(sheet)
        if part is None or plan is None:
            return
        for _, kind, target in session.relationships_of(part):
            if not kind.endswith("/table") or target not in session.names:
                continue
            text = session.current(target)
            end = table_last_row(text)
            if end is None or end >= last_row:
                continue
            session.set(target, grow_table(text, end, last_row))
            plan.tail_edits.append(grow_ranges(end, last_row))

    def log(self, rows: LogRows) -> None:
        """Rows below the last of the log sheet (or in its place, to replace), or a new log sheet (before the
        tool's record, if that is last)."""
        session = self.session
        part = session.sheets.get(rows.title)
        exists = part is not None and rows.title in session.sheet_names() and part in session.names
        if part is not None and exists and not rows.replace:
            plan = session.plan(rows.title)
            assert plan is not None
            for number, cells in enumerate(log_rows(rows, self.styles), start=session.last_row(part) + 1):
                for column, (value, style) in enumerate(cells, start=1):
                    if value is not None and value != "":
                        plan.write(number, column, value)
                        if style:
                            plan.restyle(number, column, column, _to(style))
            return
        xml = log_sheet_xml(rows, self.styles)
        session.print_titles[rows.title] = HEADER_ROW
        if exists:  # replaced whole: what was there is the previous run's
            session.replace_sheet(rows.title, xml)
            return
        names = session.sheet_names()
        session.add_sheet(rows.title, xml, before_last=bool(names) and names[-1] == RECORD_SHEET)

    def dashboard(self, dashboard: Dashboard, current: str | None) -> str:
        """The Dashboard sheet with its drawing and charts, in place of the tool's earlier one (a person's sheet of
        that name is left alone: this one takes the next free title); the workbook recalculated when opened."""
        session = self.session
        names = session.sheet_names()
        if current is not None and current in names:
            session.remove_sheet(current)
            title = current
        else:
            title = unique_title(names, DASHBOARD_SHEET)
        parts = dashboard_parts(dashboard, self.styles, title)
        names = session.sheet_names()
        session.add_sheet(title, parts.sheet, before_last=bool(names) and names[-1] == RECORD_SHEET)
        sheet = session.sheets[title]
        drawing = session.add_part("xl/drawings/drawing{}.xml", parts.drawing, DRAWING_TYPE)
        session.relate(sheet, DRAWING_REL, drawing, SHEET_DRAWING_ID)
        for number, chart in enumerate(parts.charts, start=1):
            part = session.add_part("xl/charts/chart{}.xml", chart, CHART_TYPE)
            session.relate(drawing, CHART_REL, part, f"rId{number}")
        session.workbook = calculate_on_load(session.workbook)
        return title

    def write_record(self, entries: list[RecordEntry]) -> None:
        session = self.session
        for title in sorted(self.leaving):
            session.remove_sheet(title)
        exists = RECORD_SHEET in session.sheet_names()
        if not entries:
            if exists:
                session.remove_sheet(RECORD_SHEET)
            return
        xml = record_sheet_xml(entries)
        if exists and session.sheets.get(RECORD_SHEET) in session.names:
            session.set(session.sheets[RECORD_SHEET], xml)
        else:
            session.add_sheet(RECORD_SHEET, xml, state="veryHidden")

    # --- how a cell's format changes (one function per colour: the rows share what it decides) -----------------

    def _unfill(self, colour: str) -> Restyle:
        """Take the tool's fill of `colour` off a cell."""
        key = ("unfill", colour)
        if key not in self._restyles:
            styles = self.styles
            self._restyles[key] = lambda current: styles.without_fill(current) \
                if styles.has_tool_fill(current, colour) else None
        return self._restyles[key]

    def _fill_with(self, colour: str) -> Restyle:
        """Give a cell that has no fill the tool's fill of `colour`."""
        key = ("fill", colour)
        if key not in self._restyles:
            styles = self.styles
            self._restyles[key] = lambda current: None if styles.has_fill(current) else \
                styles.with_fill(current, colour)
        return self._restyles[key]

    def _mark_with(self, colour: str) -> Restyle:
        """Give a cell the tool's mark of `colour`: over no fill, or over the tool's own overdue fill."""
        key = ("mark", colour)
        if key not in self._restyles:
            styles = self.styles

            def mark(current: int) -> int | None:
                if not styles.has_fill(current) or any(styles.has_tool_fill(current, under) for under in UNDERLAYS):
                    return styles.with_fill(current, colour)
                return None

            self._restyles[key] = mark
        return self._restyles[key]

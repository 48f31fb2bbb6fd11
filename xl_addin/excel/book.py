"""The open workbook through xlwings: the register read in one call, marks written in batched calls.

Every call into Excel is a round trip (tens of microseconds to milliseconds each), so the number of calls must
not grow with the register: one read of the table's whole range; one write per column of values; one fill
per contiguous block of rows; one call per note or Findings-sheet link (those follow the number of findings).
The marks and the very hidden record of the tool's own marks are the same as the package writer's
(engine.mark_writing applies them for both), so a workbook marked in Excel and one marked by the xlreg command
look alike and can clear each other's marks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xl_addin.engine.adopt import adopt
from xl_addin.engine.dashboard import Dashboard
from xl_addin.engine.header import HeaderSearch, match_header, promote_id_column
from xl_addin.engine.mark_writing import MarkPart, MarksCannotBeApplied, apply_marks
from xl_addin.engine.marks import (
    RECORD_HEADER,
    RECORD_SHEET,
    UNDERLAYS,
    AddedColumn,
    CellNote,
    ColumnValues,
    FindingsSheet,
    LogRows,
    Marks,
    RecordEntry,
    RowBlockFill,
    Underlay,
    unique_title,
)
from xl_addin.engine.register import CellError, HeaderLayout, Register, build_register, normalise_column
from xl_addin.engine.schema import RegisterSchema
from xl_addin.errors import ActionFailed

# What an import or a measurement adds that the Register tab leaves to the command, in a sentence's words
_PART_WORDS: dict[MarkPart, str] = {"date formats": "date formats", "grown table": "rows to the register's table",
                                    "added column": "a column", "log sheet": "a log sheet",
                                    "dashboard sheet": "the Dashboard sheet"}
SHEET_VERY_HIDDEN = 2  # XlSheetVisibility.xlSheetVeryHidden
FINDINGS_TABLE_STYLE = "TableStyleLight9"  # plain banding; the header stays readable when printed
EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                          "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})


def hex_colour(argb: str) -> str:
    """'FFF8CBAD' (openpyxl's ARGB) as '#F8CBAD' (xlwings)."""
    return "#" + argb[-6:]


def _rgb(argb: str) -> tuple[int, int, int]:
    return int(argb[-6:-4], 16), int(argb[-4:-2], 16), int(argb[-2:], 16)


def _cell_value(value: Any) -> Any:
    if isinstance(value, str) and value in EXCEL_ERRORS:
        return CellError(value)
    return value


class ExcelBook:
    """One open workbook, seen by the engine as a register and changed through marks."""

    def __init__(self, book: Any) -> None:
        self.book = book

    @property
    def name(self) -> str:
        return str(self.book.name)

    # --- reading ------------------------------------------------------------------------------------------

    def read_register(self, schema: RegisterSchema, *, extras: bool = False) -> Register:
        """The table named as the schema says, else the first sheet whose header matches; one read each. With
        `extras`, the register's own columns too (the snapshot keeps every column)."""
        wanted = schema.table.casefold()
        for sheet in self.book.sheets:
            for table in sheet.tables:
                if table.name.casefold() == wanted:
                    whole = table.range
                    values = whole.options(ndim=2, err_to_str=True).value
                    layout = match_header(values[0], schema, first_column=whole.column)
                    return self._register(schema, sheet.name, whole.row, layout, whole.column, values[1:], table.name,
                                          extras)
        search = HeaderSearch(schema)
        for sheet in self.book.sheets:
            used = sheet.used_range
            values = used.options(ndim=2, err_to_str=True).value
            rows = ((used.row + offset, cells) for offset, cells in enumerate(values))
            found = search.scan(sheet.name, rows, first_column=used.column)
            if found is not None:
                body = values[found.first_item_row - used.row:]
                return self._register(schema, sheet.name, found.row, found.layout, used.column, body, None, extras)
        raise ActionFailed(search.not_found(self.name).message)

    def _register(self, schema: RegisterSchema, sheet: str, header_row: int, layout: HeaderLayout,
                  first_column: int, body: Sequence[Sequence[Any]], table: str | None,
                  extras: bool = False) -> Register:
        first = header_row + layout.rows
        rows = [[_cell_value(value) for value in row] for row in body]
        layout = promote_id_column(layout, schema.role("id"), lambda number: normalise_column(
            [row[number - first_column] if number - first_column < len(row) else None for row in rows]))
        data = ((first + index, row) for index, row in enumerate(rows))
        register = build_register(self.name, sheet, header_row, layout, data, schema.computed_columns,
                                  first_column=first_column, table=table, extras=extras)
        return adopt(register, schema)

    # --- writing ------------------------------------------------------------------------------------------

    def apply(self, marks: Marks) -> None:
        """Apply marks as every writer does (engine.mark_writing): the tool's earlier marks of the kinds being
        replaced come off, then these go on; what Excel through xlwings cannot do is refused in words first."""
        try:
            apply_marks(self, marks)
        except MarksCannotBeApplied as error:
            raise ActionFailed(f"Nothing was changed: {error}.") from None

    def cannot(self, part: MarkPart) -> str | None:
        # the Register tab validates, ranks, marks overdue items and snapshots; feeding and measuring a register
        # (which need these) are the command's: it writes the saved workbook as a package
        command = "xlreg dashboard add" if part == "dashboard sheet" else "xlreg import or xlreg measure"
        return (f"the Register tab does not add {_PART_WORDS[part]} to the open workbook; run {command} on the "
                "saved workbook")

    def read_record(self) -> list[RecordEntry]:
        return self._read_record()

    def write_values(self, block: ColumnValues) -> None:
        self._write_column(block.sheet, block.column, block.first_row, block.values)

    def fill(self, fill: RowBlockFill) -> None:
        self._fill(fill)

    def note(self, note: CellNote, *, ours: bool) -> None:
        self._note(note, ours=ours)

    def findings_sheet(self, listing: FindingsSheet) -> str:
        return self._findings_sheet(listing)

    def remove(self, entry: RecordEntry, underlay: Underlay) -> None:
        self._remove(entry, underlay)

    def write_record(self, entries: list[RecordEntry]) -> None:
        self._write_record(entries)

    def date_formats(self, sheet: str, cells: frozenset[tuple[int, int]]) -> None:
        raise AssertionError("refused by cannot()")

    def dashboard(self, dashboard: Dashboard, current: str | None) -> str:
        raise AssertionError("refused by cannot()")

    def add_column(self, added: AddedColumn) -> None:
        raise AssertionError("refused by cannot()")

    def grow(self, sheet: str, last_row: int) -> None:
        raise AssertionError("refused by cannot()")

    def log(self, rows: LogRows) -> None:
        raise AssertionError("refused by cannot()")

    def _sheet(self, name: str) -> Any:
        return self.book.sheets[name]

    def _write_column(self, sheet_name: str, column: int, first_row: int, values: Sequence[Any]) -> None:
        if not values:
            return
        cells = self._sheet(sheet_name).range((first_row, column), (first_row + len(values) - 1, column))
        formulas = cells.options(ndim=2).formula
        # A live formula computes the same thing: write it back as it was rather than a number over it.
        column_values = [[formula[0] if isinstance(formula[0], str) and formula[0].startswith("=") else value]
                         for formula, value in zip(formulas, values, strict=True)]
        cells.value = column_values

    def _fill(self, fill: RowBlockFill) -> None:
        sheet = self._sheet(fill.sheet)
        block = sheet.range((fill.first_row, fill.first_column), (fill.last_row, fill.last_column))
        if block.color is None:
            block.color = hex_colour(fill.colour)
        else:  # a person's fill somewhere in the block: leave those cells as they are
            for row in range(fill.first_row, fill.last_row + 1):
                for column in range(fill.first_column, fill.last_column + 1):
                    cell = sheet.range((row, column))
                    if cell.color is None:
                        cell.color = hex_colour(fill.colour)

    def _note(self, note: CellNote, *, ours: bool) -> None:
        cell = self._sheet(note.sheet).range((note.row, note.column))
        colour = cell.color
        if colour is None or colour in {_rgb(under) for under in UNDERLAYS}:  # a mark shows over overdue
            cell.color = hex_colour(note.colour)
        self._note_text(cell, note, ours=ours)

    @staticmethod
    def _note_text(cell: Any, note: CellNote, *, ours: bool) -> None:
        """The note's text on the cell: added, or in place of the tool's own; a person's note stays."""
        existing = cell.note
        if existing is None:
            cell.add_note(note.note)
        elif ours:
            existing.text = note.note

    def _findings_sheet(self, listing: FindingsSheet) -> str:
        names = [sheet.name for sheet in self.book.sheets]
        title = unique_title(names, listing.title)
        active = self.book.sheets.active
        sheet = self.book.sheets.add(title, after=self.book.sheets[len(names) - 1])
        rows = [list(listing.header), *[list(row) for row in listing.rows]]
        listed = sheet.range((1, 1), (len(rows), len(listing.header)))
        listed.value = rows
        sheet.range((1, 1), (1, len(listing.header))).font.bold = True
        # An Excel table gives the header its filter buttons: xlwings has no call that only turns a sheet's
        # filter on, and tables.add is the one every engine (Windows, macOS, Lite) implements alike.
        # A table needs a row under its header, which Excel would add itself when there are no findings.
        table = listed if listing.rows else sheet.range((1, 1), (2, len(listing.header)))
        sheet.tables.add(source=table, table_style_name=FINDINGS_TABLE_STYLE)
        for offset, (values, link) in enumerate(zip(listing.rows, listing.links, strict=True), start=2):
            if link:
                sheet.range((offset, 1)).add_hyperlink(f"#{link}", str(values[0]))
        active.activate()
        return title

    # --- the record of the tool's own marks -----------------------------------------------------------------

    def _read_record(self) -> list[RecordEntry]:
        names = [sheet.name for sheet in self.book.sheets]
        if RECORD_SHEET not in names:
            return []
        values = self._sheet(RECORD_SHEET).used_range.options(ndim=2).value
        return [entry for row in values[1:] if row and (entry := RecordEntry.from_row(row)) is not None]

    def _write_record(self, entries: list[RecordEntry]) -> None:
        if RECORD_SHEET in [sheet.name for sheet in self.book.sheets]:
            self._sheet(RECORD_SHEET).delete()
        if not entries:
            return
        active = self.book.sheets.active
        sheet = self.book.sheets.add(RECORD_SHEET, after=self.book.sheets[len(self.book.sheets) - 1])
        rows = [list(RECORD_HEADER), *[list(entry.to_row()) for entry in entries]]
        sheet.range((1, 1), (len(rows), 4)).value = rows
        sheet.visible = SHEET_VERY_HIDDEN
        active.activate()

    def _marked_block(self, entry: RecordEntry) -> Any | None:
        """The cells one of the tool's marks covers; None when there is nothing left to take off (its sheet is
        gone, or the mark was a sheet of the tool's own, which is deleted here)."""
        if entry.sheet not in [sheet.name for sheet in self.book.sheets]:
            return None
        sheet = self._sheet(entry.sheet)
        if entry.is_sheet:
            sheet.delete()
            return None
        return sheet[entry.ref]

    def _remove(self, entry: RecordEntry, underlay: Underlay) -> None:
        block = self._marked_block(entry)
        if block is None:
            return
        colour, ours = block.color, _rgb(entry.colour)  # one read each: every read is a round trip to Excel
        if colour == ours:
            block.color = None
        elif colour is not None:  # mixed: only cells still in the tool's colour
            for cell in block:
                if cell.color == ours:
                    cell.color = None
        if entry.is_note:
            note = block.note
            if note is not None:
                note.delete()
            row, column = block.row, block.column
            under = underlay.colour(entry.sheet, row, column)
            if under and block.color is None:  # the overdue fill the mark was painted over
                block.color = hex_colour(under)

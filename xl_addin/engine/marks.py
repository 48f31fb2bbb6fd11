"""Marks: a plain description of what to change in a workbook, built by the engine, applied by a writer.

Marks are shaped for batching: whole columns of values over one block of rows, and fills over contiguous
blocks of rows, so the xlwings adapter can apply them in a handful of Excel calls and the package writer in
one pass over each sheet (mark_writing is the one order of applying them). Tool-made fills and notes are
recorded by kind so a later run can remove exactly its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from xl_addin.engine.dashboard import Dashboard
from xl_addin.engine.findings import Finding, Severity
from xl_addin.engine.overdue import OverdueItem
from xl_addin.engine.priorities import Priorities
from xl_addin.engine.register import Register
from xl_addin.engine.schema import RegisterSchema
from xl_addin.ooxml.refs import column_letter, range_bounds

MarkKind = Literal["overdue", "finding"]
NumberUnit = Literal["percent", "decimal", "whole"]
MARK_KINDS: tuple[MarkKind, ...] = ("overdue", "finding")
OVERDUE_COLOUR = "FFF8CBAD"
FINDING_COLOURS = {Severity.ERROR: "FFFFC7CE", Severity.WARNING: "FFFFEB9C", Severity.INFO: "FFDDEBF7"}
FINDINGS_SHEET = "Findings"
FINDINGS_HEADER = ("Cell", "ID", "Severity", "Code", "Column", "Value", "Message")
FINDINGS_WIDTHS = (14, 12, 9, 20, 18, 20, 80)

@dataclass(frozen=True)
class ColumnValues:
    """Values for one column from `first_row` down, one per row. Cells holding a formula are left alone."""

    sheet: str
    column: int
    first_row: int
    values: tuple[Any, ...]


@dataclass(frozen=True)
class RowBlockFill:
    """A tool fill over a contiguous block of rows and columns. Cells a person filled are not touched."""

    sheet: str
    first_row: int
    last_row: int
    first_column: int
    last_column: int
    kind: MarkKind
    colour: str


@dataclass(frozen=True)
class CellNote:
    """A tool fill and note on one cell. A note a person wrote is never replaced."""

    sheet: str
    row: int
    column: int
    kind: MarkKind
    colour: str
    note: str


@dataclass(frozen=True)
class FindingsSheet:
    """A sheet listing findings; `links` holds each row's target cell ("'Register'!K14") or ''."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    links: tuple[str, ...]


@dataclass(frozen=True)
class LogRows:
    """Rows appended to a log sheet the tool keeps for people (the Feed log): not a mark, so Clear marks leaves
    it. The sheet is made with `header` when the workbook has none of that title."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    widths: tuple[int, ...] = ()
    replace: bool = False  # the sheet's rows are replaced (the Measurements sheet), not appended to
    # how each row's numbers read ("percent", "decimal", "whole"; None as they are), column by column; dates and
    # moments read as dates whatever this says
    units: tuple[tuple[NumberUnit | None, ...], ...] = ()


@dataclass(frozen=True)
class AddedColumn:
    """A column added after the register's last one (the Source ref an import needs): its header text in the
    header row, formatted like the header cell of column `like`; the register's table, when it is one, grows to
    hold it."""

    sheet: str
    row: int
    column: int
    title: str
    like: int
    table: str | None = None


@dataclass(frozen=True)
class Marks:
    """Everything one action changes. Tool marks of the kinds in `replaces` are removed first.

    `dates` are (sheet row, column) cells whose values are dates (as serial numbers): they get a date format
    when theirs shows none. `grow_to` is the last sheet row the register's table, and the data validation and
    conditional formats over its rows, must reach (rows were appended below it)."""

    sheet: str
    replaces: frozenset[MarkKind] = frozenset()
    values: tuple[ColumnValues, ...] = ()
    fills: tuple[RowBlockFill, ...] = ()
    notes: tuple[CellNote, ...] = ()
    findings_sheet: FindingsSheet | None = None
    log: LogRows | None = None
    dates: frozenset[tuple[int, int]] = frozenset()
    grow_to: int | None = None
    added_columns: tuple[AddedColumn, ...] = ()
    dashboard: Dashboard | None = None  # the Dashboard sheet, in place of the tool's earlier one


# The record of the tool's own marks, which every writer keeps the same way so that marks made through Excel
# and through the xlreg command clear each other: a very hidden sheet, one row per mark.
RECORD_SHEET = "xlreg_marks"
DASHBOARD_ENTRY = "dashboard-sheet"  # the record's entry for the tool's Dashboard sheet (never cleared)
RECORD_HEADER = ("kind", "sheet", "range", "colour")
NOTE_AUTHOR = "xlreg"
NOTE_SIZE = (320, 120)  # width, height in points: room for a finding's message


@dataclass(frozen=True)
class RecordEntry:
    """One tool mark: `kind` is a MarkKind, or MarkKind + "-note" for a note, or "finding-sheet" for a sheet
    the tool added (`sheet` is then its title); `ref` is the cell or block ("B2:N4") and `colour` the ARGB fill."""

    kind: str
    sheet: str
    ref: str
    colour: str

    @classmethod
    def from_row(cls, values: Sequence[Any]) -> RecordEntry | None:
        """An entry from one record-sheet row, or None for a blank row."""
        cells = [str(value) if value is not None else "" for value in [*values[:4], "", "", "", ""][:4]]
        return cls(*cells) if cells[0] else None

    def to_row(self) -> tuple[str, str, str, str]:
        return (self.kind, self.sheet, self.ref, self.colour)

    @property
    def mark_kind(self) -> str:
        return self.kind.split("-")[0]

    @property
    def is_note(self) -> bool:
        return self.kind.endswith("-note")

    @property
    def is_sheet(self) -> bool:
        return self.kind.endswith("-sheet")


# A finding's mark paints over the tool's own overdue fill (a mark must show on an overdue row), and where the
# mark goes, the overdue fill comes back; nothing of the tool's paints over a fill a person gave a cell.
UNDERLAYS = frozenset({OVERDUE_COLOUR})


class Underlay:
    """The tool's overdue fills that stay (the record's entries not being replaced), to put back under a
    finding mark that is taken off."""

    def __init__(self, kept: Iterable[RecordEntry]) -> None:
        self.rows: dict[tuple[str, int], list[tuple[int, int, str]]] = {}
        for entry in kept:
            if entry.is_note or entry.is_sheet or entry.colour not in UNDERLAYS:
                continue
            try:
                first_column, first_row, last_column, last_row = range_bounds(entry.ref)
            except ValueError:
                continue
            for row in range(first_row, last_row + 1):
                self.rows.setdefault((entry.sheet, row), []).append((first_column, last_column, entry.colour))

    def colour(self, sheet: str, row: int, column: int) -> str | None:
        return next((colour for first, last, colour in self.rows.get((sheet, row), ())
                     if first <= column <= last), None)


def fill_entry(fill: RowBlockFill) -> RecordEntry:
    ref = f"{column_letter(fill.first_column)}{fill.first_row}:{column_letter(fill.last_column)}{fill.last_row}"
    return RecordEntry(fill.kind, fill.sheet, ref, fill.colour)


def note_entry(note: CellNote) -> RecordEntry:
    return RecordEntry(f"{note.kind}-note", note.sheet, f"{column_letter(note.column)}{note.row}", note.colour)


def sheet_entry(title: str) -> RecordEntry:
    return RecordEntry("finding-sheet", title, "", "")


def unique_title(existing: Iterable[str], title: str) -> str:
    """`title`, or `title (2)`, `title (3)`... whichever no sheet has yet."""
    names = set(existing)
    candidate, number = title, 2
    while candidate in names:
        candidate = f"{title} ({number})"
        number += 1
    return candidate



def row_blocks(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted row numbers gathered into (first, last) runs of consecutive rows."""
    blocks: list[tuple[int, int]] = []
    for row in sorted(set(rows)):
        if blocks and blocks[-1][1] == row - 1:
            blocks[-1] = (blocks[-1][0], row)
        else:
            blocks.append((row, row))
    return blocks


def _column_block(register: Register, column: int, by_row: dict[int, Any]) -> ColumnValues:
    first, last = min(register.row_numbers), max(register.row_numbers)
    return ColumnValues(register.sheet, column, first, tuple(map(by_row.get, range(first, last + 1))))


def priority_marks(register: Register, schema: RegisterSchema, priorities: Priorities) -> Marks:
    """Write totals and ranks into their columns; rows that get none are cleared."""
    values = []
    if len(register):
        for role, attribute in (("total", "total"), ("rank", "rank")):
            name = schema.role(role)
            if name and name in register.columns:
                by_row = {item.row: getattr(item, attribute) for item in priorities.items}
                values.append(_column_block(register, register.columns[name], by_row))
    return Marks(sheet=register.sheet, values=tuple(values))


def _register_span(register: Register) -> tuple[int, int]:
    numbers = [*register.columns.values(), *register.layout.extra_columns.values()]
    return min(numbers), max(numbers)


def overdue_marks(register: Register, items: Sequence[OverdueItem]) -> Marks:
    """Fill overdue rows across the register; earlier overdue fills that no longer apply are removed."""
    first_column, last_column = _register_span(register)
    fills = tuple(
        RowBlockFill(register.sheet, first, last, first_column, last_column, "overdue", OVERDUE_COLOUR)
        for first, last in row_blocks(item.row for item in items)
    )
    return Marks(sheet=register.sheet, replaces=frozenset({"overdue"}), fills=fills)


def finding_marks(register: Register, findings: Sequence[Finding], id_column: str | None = None) -> Marks:
    """Fill and annotate each cell with a finding, and list every finding on a Findings sheet with the ID of the
    item it is about (from `id_column`)."""
    by_cell: dict[tuple[int, int], list[Finding]] = {}
    for finding in findings:
        if finding.cell and finding.sheet == register.sheet:
            by_cell.setdefault((finding.row, finding.column_number), []).append(finding)
    notes = tuple(
        CellNote(register.sheet, row, column, "finding",
                 FINDING_COLOURS[max(f.severity for f in group)],
                 "\n".join(f"{f.code}: {f.message}" for f in group))
        for (row, column), group in sorted(by_cell.items())
    )
    ids = dict(zip(register.row_numbers, register.cells.get(id_column or "", ()), strict=False))
    rows = tuple((f.location, _plain(ids.get(f.row)) if f.row else None, str(f.severity), f.code, f.column,
                  _plain(f.value), f.message) for f in findings)
    links = tuple(f"'{f.sheet}'!{f.cell}" if f.cell else "" for f in findings)
    sheet = FindingsSheet(FINDINGS_SHEET, FINDINGS_HEADER, rows, links)
    return Marks(sheet=register.sheet, replaces=frozenset({"finding"}), notes=notes, findings_sheet=sheet)


def clear_marks(register_sheet: str, kinds: Iterable[MarkKind] = MARK_KINDS) -> Marks:
    """Remove the tool's own marks of these kinds and nothing else."""
    return Marks(sheet=register_sheet, replaces=frozenset(kinds))


def combine(*parts: Marks) -> Marks:
    """Several actions' marks as one write."""
    findings_sheets = [part.findings_sheet for part in parts if part.findings_sheet]
    return Marks(
        sheet=parts[0].sheet,
        replaces=frozenset().union(*(part.replaces for part in parts)),
        values=tuple(v for part in parts for v in part.values),
        fills=tuple(f for part in parts for f in part.fills),
        notes=tuple(n for part in parts for n in part.notes),
        findings_sheet=findings_sheets[-1] if findings_sheets else None,
    )


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)

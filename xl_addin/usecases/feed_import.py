"""`xlreg import`: read an export, propose items, and write them into the register through the safe writer:
new items in the rows after the last one (the table and its validations and formats grow with them), blank
cells of items imported before filled, and a Feed log row saying what was done.

The register is written in its own layout and words: read through its mapping, new IDs in its own form,
choices in the words it uses for them ("Open" where it writes Open for Identified), and a register without a
Source ref column gets one added to its table (the only thing added beyond the items)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from xl_addin.engine.feeds.findings import finding_proposals
from xl_addin.engine.feeds.mapping import FeedKind, FeedMapping, MappingError
from xl_addin.engine.feeds.merge import ImportPlan, Item, plan_import
from xl_addin.engine.feeds.proposals import Proposal
from xl_addin.engine.feeds.records import RecordsRead, read_records
from xl_addin.engine.feeds.surveys import survey_proposals
from xl_addin.engine.feeds.tickets import ticket_proposals
from xl_addin.engine.marks import AddedColumn, ColumnValues, LogRows, Marks
from xl_addin.engine.migration import numbering_form
from xl_addin.engine.register import Register
from xl_addin.engine.schema import RegisterSchema
from xl_addin.engine.text_dates import DateOrder
from xl_addin.errors import ActionFailed
from xl_addin.ooxml.guard import DEFAULT_LIMITS, Limits
from xl_addin.ooxml.refs import column_letter
from xl_addin.usecases.actions import Output, load_register
from xl_addin.workbook.formats.feed_file import FeedTable, read_feed
from xl_addin.workbook.formats.feed_mapping_file import load_feed_mapping
from xl_addin.workbook.writing.safe_write import WriteResult, write_marks

FEED_LOG = "Feed log"
FEED_LOG_HEADER = ("Imported at", "File", "SHA-256", "Feed", "Mapping", "As of", "Rows read", "Items created",
                   "Items updated", "Proposals already in the register")
FEED_LOG_WIDTHS = (17, 22, 24, 9, 18, 11, 8, 9, 9, 13)  # a longer text wraps: printed one page wide
# The roles a feed fills, in the order they are written.
FEED_ROLES = ("id", "dateRaised", "source", "type", "description", "severity", "owner", "targetDate", "status",
              "successMetric", "baseline", "closureDate", "measuredOutcome", "sourceRef")
DATE_ROLES = {"dateRaised", "targetDate", "closureDate"}
CHOICE_ROLES = ("source", "type", "status", "severity")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class ImportOutcome:
    feed: Path
    mapping: FeedMapping
    table: FeedTable
    records: RecordsRead
    proposals: list[Proposal]
    plan: ImportPlan
    written: WriteResult | None  # None: nothing written (nothing new, or no -o / --in-place: report only)
    not_written: tuple[str, ...]  # roles the register has no column for
    added_column: str | None = None  # the Source ref column added to the register, where it had none
    added_to_table: bool = False  # ... and to the register's table
    closed_left_out: tuple[str, ...] = ()  # findings the log marks closed, left out by the mapping
    would_write: bool = False  # report only: something would have been written


def proposals_for(kind: FeedKind, records: RecordsRead, mapping: FeedMapping, as_of: dt.date, *,
                  severity_column: bool = False) -> tuple[list[Proposal], list[str]]:
    """The feed's proposals, and the findings left out because the log marks them closed."""
    if kind == "findings":
        read = finding_proposals(records.records, as_of=as_of, sources=mapping.sources,
                                 closed_findings=mapping.closed_findings, severity_column=severity_column)
        return read.proposals, read.closed_left_out
    if kind == "tickets":
        return ticket_proposals(records.records, mapping.thresholds, as_of=as_of)[0], []
    return survey_proposals(records.records, mapping.thresholds, as_of=as_of)[0], []


def status_for(state: str, schema: RegisterSchema) -> str | None:
    """The schema's status for where a proposal stands (open, planned, in progress, completed, cancelled)."""
    open_statuses, closed = list(schema.open_statuses), list(schema.closed_statuses)
    completed = list(schema.completed_statuses)
    if state == "completed":
        candidates = completed or closed
    elif state == "cancelled":
        candidates = [status for status in closed if status not in completed] or closed
    else:
        wanted = {"planned": "plan", "in progress": "progress"}.get(state)
        candidates = [status for status in open_statuses if wanted and wanted in status.casefold()] or open_statuses
    return candidates[0] if candidates else None


def own_words(register: Register, schema: RegisterSchema) -> dict[str, dict[str, str]]:
    """role -> choice -> the word the register writes for it most often ("Open" for Identified), where that is
    not the choice itself."""
    found: dict[str, dict[str, str]] = {}
    for role in CHOICE_ROLES:
        column = schema.role(role)
        if not column or column not in register.cells:
            continue
        written: dict[str, Counter[str]] = {}
        for value, count in Counter(v for v in register.cells[column] if isinstance(v, str)).items():
            written.setdefault(value, Counter())[value] += count
        for reading in register.readings:
            if reading.kind == "value" and reading.column == column:
                spelled = written.setdefault(str(reading.read_as), Counter())
                spelled[reading.word] += reading.count
                spelled[str(reading.read_as)] -= reading.count
        words = {choice: spelled.most_common(1)[0][0] for choice, spelled in written.items()
                 if +spelled and spelled.most_common(1)[0][0] != choice}
        if words:
            found[role] = words
    return found


def _serial(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        value = value.date()
    return (value - _EXCEL_EPOCH).days if isinstance(value, dt.date) else value


def _columns(register: Register, schema: RegisterSchema) -> dict[str, str]:
    """role -> the register's column, for the roles a feed fills."""
    found = {}
    for role in FEED_ROLES:
        column = schema.role(role)
        if column and column in register.columns:
            found[role] = column
    return found


def _items(register: Register, columns: dict[str, str]) -> list[Item]:
    return [Item(number, {role: register.cells[column][index] for role, column in columns.items()})
            for index, number in enumerate(register.row_numbers)]


def next_row(register: Register) -> int:
    """The sheet row after the last item (after the header when there is none): where new items go."""
    return max(register.row_numbers, default=register.header_row + register.layout.rows - 1) + 1


def _in_words(role: str, value: Any, words: dict[str, dict[str, str]]) -> Any:
    return words.get(role, {}).get(value, value) if isinstance(value, str) else value


def import_marks(register: Register, columns: dict[str, int], plan: ImportPlan, log: LogRows, *,
                 words: dict[str, dict[str, str]], added: AddedColumn | None = None) -> Marks:
    """New items in the rows after the last item; fills into blank cells; the Feed log row. `columns`: role ->
    the sheet column it is written in."""
    first = next_row(register)
    values: list[ColumnValues] = []
    dates: set[tuple[int, int]] = set()
    cells = [(first + offset, role, value) for offset, item in enumerate(plan.new_items)
             for role, value in item.items()] + plan.fills
    for row, role, value in cells:
        if role not in columns or value is None:
            continue
        column = columns[role]
        values.append(ColumnValues(register.sheet, column, row, (_serial(_in_words(role, value, words)),)))
        if role in DATE_ROLES:
            dates.add((row, column))
    grow_to = first + len(plan.new_items) - 1 if plan.new_items else None
    return Marks(sheet=register.sheet, values=tuple(values), dates=frozenset(dates), grow_to=grow_to, log=log,
                 added_columns=(added,) if added else ())


def _with_status(proposals: list[Proposal], schema: RegisterSchema) -> list[Proposal]:
    """Proposals with the schema's status for where each stands."""
    found = []
    for proposal in proposals:
        values = dict(proposal.values)
        state = values.pop("state", None)
        if state is not None:
            status = status_for(state, schema)
            if status is not None:
                values["status"] = status
        found.append(replace(proposal, values=values))
    return found


def run_import(feed: Path, register_path: Path, schema: RegisterSchema, *, kind: FeedKind, mapping_name: str | None,
               as_of: dt.date, output: Output | None, date_order: DateOrder | None = None,
               limits: Limits = DEFAULT_LIMITS) -> ImportOutcome:
    """Import `feed` into the register; with no `output`, only work out and report what would be written."""
    mapping = load_feed_mapping(mapping_name, kind)
    if date_order:
        mapping = replace(mapping, date_order=date_order)
    table = read_feed(feed, mapping)
    try:
        records = read_records(table.header, table.rows, mapping)
    except MappingError as error:
        raise ActionFailed(str(error)) from None
    register, schema = load_register(register_path, schema, limits)
    columns = _columns(register, schema)
    proposals, left_out = proposals_for(kind, records, mapping, as_of, severity_column="severity" in columns)
    proposals = _with_status(proposals, schema)
    sheet_columns = {role: register.columns[column] for role, column in columns.items()}
    added = None
    if schema.role("sourceRef") is None:
        raise ActionFailed(f"An import needs a column to find its items again by on the next import (role "
                           f"'sourceRef'), and the {schema.title} schema names none: add a Source ref column to the "
                           "schema and name it in x-register roles.")
    if "sourceRef" not in columns:
        added = _source_ref_column(register_path, register, schema)
        sheet_columns["sourceRef"] = added.column
    plan = plan_import(proposals, _items(register, columns), writable=set(sheet_columns),
                       numbered_as=numbering_form(register, schema))
    # severity without a column of its own goes into the description: carried, not left out
    not_written = tuple(role for role in FEED_ROLES if role not in sheet_columns
                        and not (role == "severity" and kind == "findings"))
    written = None
    changes = bool(plan.new_items or plan.fills)
    if plan.new_items:
        _refuse_occupied(register_path, register, schema, len(plan.new_items))
    if changes and output is not None:
        entry = (dt.datetime.now().replace(second=0, microsecond=0), feed.name,
                 hashlib.sha256(feed.read_bytes()).hexdigest(), kind, mapping.name, as_of, records.rows_read,
                 plan.created, plan.updated, plan.skipped)
        log = LogRows(FEED_LOG, FEED_LOG_HEADER, (entry,), FEED_LOG_WIDTHS)
        marks = import_marks(register, sheet_columns, plan, log, words=own_words(register, schema), added=added)
        written = write_marks(register_path, marks, output, limits=limits)
    return ImportOutcome(feed, mapping, table, records, proposals, plan, written, not_written,
                         added.title if added and changes else None, bool(added and added.table), tuple(left_out),
                         would_write=changes and output is None)


def _source_ref_column(path: Path, register: Register, schema: RegisterSchema) -> AddedColumn:
    """The Source ref column to add after the register's last column (to its table, where it is one); refused,
    naming the cell, when that column is not empty."""
    from xl_addin.workbook.reading.reader import open_grid

    title = str(schema.role("sourceRef"))
    column = register.layout.last_column + 1
    header = register.header_row + register.layout.rows - 1
    grid = open_grid(path)
    try:
        for number, cells in grid.rows(register.sheet, min_row=register.header_row, max_row=None, min_col=column,
                                       max_col=column):
            if cells and cells[0] not in (None, ""):
                raise ActionFailed(
                    f"The register has no '{title}' column, which an import needs to find its items again on the "
                    f"next import, and the column after its last one is not empty (cell {column_letter(column)}"
                    f"{number} holds {cells[0]!r}): add a '{title}' column to the register, then import again.")
    finally:
        grid.close()
    return AddedColumn(register.sheet, header, column, title, like=column - 1, table=register.table)


def _refuse_occupied(path: Path, register: Register, schema: RegisterSchema, count: int) -> None:
    """New items go in the rows after the last item; if anything is there already (a totals line, notes below
    the table), nothing is written rather than writing over it. The computed columns' formulas are expected."""
    from xl_addin.workbook.reading.reader import open_grid

    first = next_row(register)
    computed = {register.columns[column.name] for column in schema.columns
                if column.kind == "computed" and column.name in register.columns}
    grid = open_grid(path)
    try:
        for number, cells in grid.rows(register.sheet, min_row=first, max_row=first + count - 1, min_col=1,
                                       max_col=None):
            used = [index for index, value in enumerate(cells, start=1)
                    if index not in computed and value is not None and value != ""]
            if used:
                raise ActionFailed(f"Row {number} of sheet '{register.sheet}', where new item(s) would go after the "
                                   f"last item, is not empty (cell {column_letter(used[0])}{number}); nothing was "
                                   "written. Move what is there, or leave empty rows below the register.")
    finally:
        grid.close()

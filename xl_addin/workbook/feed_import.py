"""`xlreg import`: read an export, propose items, and write them into the register through the safe writer:
new items in the rows after the last one (the table and its validations and formats grow with them), blank
cells of items imported before filled, and a Feed log row saying what was done."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from xl_addin.engine.adopt import DateOrder
from xl_addin.engine.feeds.findings import finding_proposals
from xl_addin.engine.feeds.mapping import FeedKind, FeedMapping, MappingError
from xl_addin.engine.feeds.merge import ImportPlan, Item, plan_import
from xl_addin.engine.feeds.proposals import Proposal
from xl_addin.engine.feeds.records import RecordsRead, read_records
from xl_addin.engine.feeds.surveys import survey_proposals
from xl_addin.engine.feeds.tickets import ticket_proposals
from xl_addin.engine.findings import column_letter
from xl_addin.engine.marks import ColumnValues, LogRows, Marks
from xl_addin.engine.register import Register
from xl_addin.engine.schema import RegisterSchema, numbered_id
from xl_addin.errors import ActionFailed
from xl_addin.workbook.actions import Output, load_register
from xl_addin.workbook.feed_file import FeedTable, read_feed
from xl_addin.workbook.feed_mapping_file import load_feed_mapping
from xl_addin.workbook.guard import DEFAULT_LIMITS, Limits
from xl_addin.workbook.safe_write import WriteResult, write_marks

FEED_LOG = "Feed log"
FEED_LOG_HEADER = ("Imported at", "File", "SHA-256", "Feed", "Mapping", "As of", "Rows read", "Items created",
                   "Items updated", "Proposals already in the register")
FEED_LOG_WIDTHS = (17, 28, 66, 9, 22, 11, 10, 13, 13, 16)
# The roles a feed fills, in the order they are written.
FEED_ROLES = ("id", "dateRaised", "source", "type", "description", "owner", "targetDate", "status",
              "successMetric", "baseline", "sourceRef")
DATE_ROLES = {"dateRaised", "targetDate"}
_EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass(frozen=True)
class ImportOutcome:
    feed: Path
    mapping: FeedMapping
    table: FeedTable
    records: RecordsRead
    proposals: list[Proposal]
    plan: ImportPlan
    written: WriteResult | None  # None: nothing to write (every proposal is in the register already)
    not_written: tuple[str, ...]  # roles the register has no column for


def proposals_for(kind: FeedKind, records: RecordsRead, mapping: FeedMapping, as_of: dt.date) -> list[Proposal]:
    if kind == "findings":
        return finding_proposals(records.records, as_of=as_of, sources=mapping.sources)
    if kind == "tickets":
        return ticket_proposals(records.records, mapping.thresholds, as_of=as_of)[0]
    return survey_proposals(records.records, mapping.thresholds, as_of=as_of)[0]


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


def import_marks(register: Register, columns: dict[str, str], plan: ImportPlan, log: LogRows) -> Marks:
    """New items in the rows after the last item; fills into blank cells; the Feed log row."""
    first = next_row(register)
    values: list[ColumnValues] = []
    dates: set[tuple[int, int]] = set()
    cells = [(first + offset, role, value) for offset, item in enumerate(plan.new_items)
             for role, value in item.items()] + plan.fills
    for row, role, value in cells:
        if role not in columns or value is None:
            continue
        column = register.columns[columns[role]]
        values.append(ColumnValues(register.sheet, column, row, (_serial(value),)))
        if role in DATE_ROLES:
            dates.add((row, column))
    grow_to = first + len(plan.new_items) - 1 if plan.new_items else None
    return Marks(sheet=register.sheet, values=tuple(values), dates=frozenset(dates), grow_to=grow_to, log=log)


def run_import(feed: Path, register_path: Path, schema: RegisterSchema, *, kind: FeedKind, mapping_name: str | None,
               as_of: dt.date, output: Output, date_order: DateOrder | None = None,
               limits: Limits = DEFAULT_LIMITS) -> ImportOutcome:
    mapping = load_feed_mapping(mapping_name, kind)
    if date_order:
        mapping = replace(mapping, date_order=date_order)
    table = read_feed(feed, mapping)
    try:
        records = read_records(table.header, table.rows, mapping)
    except MappingError as error:
        raise ActionFailed(str(error)) from None
    proposals = proposals_for(kind, records, mapping, as_of)
    register = load_register(register_path, schema, limits)
    columns = _columns(register, schema)
    if "sourceRef" not in columns:
        wanted = schema.role("sourceRef") or "Source ref"
        raise ActionFailed(f"The register has no '{wanted}' column, which an import needs to find its items again "
                           "on the next import: add that column to the register (or a column the schema knows "
                           "by that name), then import again.")
    id_column = schema.role("id")
    plan = plan_import(proposals, _items(register, columns), writable=set(columns),
                       numbered_as=numbered_id(schema.column(id_column).pattern) if id_column else None)
    not_written = tuple(role for role in FEED_ROLES if role not in columns)
    written = None
    if plan.new_items:
        _refuse_occupied(register_path, register, schema, len(plan.new_items))
    if plan.new_items or plan.fills:
        log = LogRows(FEED_LOG, FEED_LOG_HEADER, ((
            dt.datetime.now().strftime("%Y-%m-%d %H:%M"), feed.name, hashlib.sha256(feed.read_bytes()).hexdigest(),
            kind, mapping.name, as_of.isoformat(), records.rows_read, plan.created, plan.updated, plan.skipped),),
            FEED_LOG_WIDTHS)
        written = write_marks(register_path, import_marks(register, columns, plan, log), output.target,
                              ignore_lock=output.ignore_lock, limits=limits)
    return ImportOutcome(feed, mapping, table, records, proposals, plan, written, not_written)


def _refuse_occupied(path: Path, register: Register, schema: RegisterSchema, count: int) -> None:
    """New items go in the rows after the last item; if anything is there already (a totals line, notes below
    the table), nothing is written rather than writing over it. The computed columns' formulas are expected."""
    from xl_addin.workbook.reader import open_grid

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

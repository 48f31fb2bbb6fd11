"""`xlreg measure`: each item's metric over the ticket feed before and after its Implemented date, into a
Measurements sheet; Baseline and Measured outcome are filled where they are still blank."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from xl_addin.engine.feeds.mapping import MappingError
from xl_addin.engine.feeds.measure import (
    WEAK_BELOW,
    Measurement,
    MetricKeyError,
    export_span,
    measure,
    parse_metric_key,
)
from xl_addin.engine.feeds.records import read_records
from xl_addin.engine.marks import ColumnValues, LogRows, Marks, NumberUnit
from xl_addin.engine.schema import RegisterSchema
from xl_addin.engine.text_dates import DateOrder
from xl_addin.errors import ActionFailed
from xl_addin.ooxml.guard import DEFAULT_LIMITS, Limits
from xl_addin.usecases.actions import Output, load_register
from xl_addin.workbook.formats.feed_file import read_feed
from xl_addin.workbook.formats.feed_mapping_file import load_feed_mapping
from xl_addin.workbook.writing.safe_write import WriteResult, write_marks

MEASUREMENTS = "Measurements"
HEADER = ("ID", "Metric key", "Measures", "Implemented", "Before: from", "Before: to", "Before: tickets",
          "Before", "After: from", "After: to", "After: tickets", "After", "Note")
WIDTHS = (10, 16, 22, 13, 11, 11, 9, 9, 11, 11, 9, 9, 24)  # a longer text wraps: printed one page wide


@dataclass(frozen=True)
class MeasuredItem:
    item_id: str
    row: int
    key_text: str
    implemented: dt.date | None
    measurement: Measurement | None
    note: str  # why there is no measurement, or what is weak about it


@dataclass(frozen=True)
class MeasureOutcome:
    items: list[MeasuredItem]
    fills: list[tuple[int, str, Any]]
    written: WriteResult | None


def _note(measurement: Measurement, span: tuple[dt.date, dt.date] | None) -> str:
    notes = []
    for name, window in (("before", measurement.before), ("after", measurement.after)):
        if window is not None and not window.covered:
            held = f"{span[0]} to {span[1]}" if span else "no tickets"
            notes.append(f"the window {name} ({window.start} to {window.end - dt.timedelta(days=1)}) is not all in "
                         f"the export (it holds {held}): no figure taken from it")
    weak = [name for name, window in (("before", measurement.before), ("after", measurement.after))
            if window is not None and window.weak]
    if weak:
        notes.append(f"fewer than {WEAK_BELOW} tickets {' and '.join(weak)}: too few to judge a change by")
    if measurement.after is None:
        notes.append(f"outcome once the window after ends on {measurement.due}")
    return "; ".join(notes)


def run_measure(register_path: Path, feed: Path, schema: RegisterSchema, *, mapping_name: str | None,
                as_of: dt.date, days: int, output: Output | None, date_order: DateOrder | None = None,
                limits: Limits = DEFAULT_LIMITS) -> MeasureOutcome:
    mapping = load_feed_mapping(mapping_name, "tickets")
    if date_order:
        mapping = replace(mapping, date_order=date_order)
    table = read_feed(feed, mapping)
    try:
        records = read_records(table.header, table.rows, mapping).records
    except MappingError as error:
        raise ActionFailed(str(error)) from None
    register, schema = load_register(register_path, schema, limits)
    roles = {role: schema.role(role) for role in ("id", "metricKey", "implementedDate", "baseline", "measuredOutcome")}
    for role in ("metricKey", "implementedDate"):
        if not roles[role] or roles[role] not in register.columns:
            raise ActionFailed(f"The register has no '{roles[role] or role}' column: measure needs Metric key and "
                               "Implemented date columns (the template has them).")
    measured: list[MeasuredItem] = []
    fills: list[tuple[int, str, Any]] = []
    span = export_span(records)
    for index, row in enumerate(register.row_numbers):
        def cell(role: str, index: int = index) -> Any:
            column = roles[role]
            return register.cells[column][index] if column and column in register.columns else None
        key_text = cell("metricKey")
        if key_text is None or not str(key_text).strip():
            continue
        item_id = str(cell("id") or f"row {row}")
        implemented = cell("implementedDate")
        implemented = implemented.date() if isinstance(implemented, dt.datetime) else implemented
        try:
            key = parse_metric_key(str(key_text))
        except MetricKeyError as error:
            measured.append(MeasuredItem(item_id, row, str(key_text), None, None, str(error)))
            continue
        if not isinstance(implemented, dt.date):
            measured.append(MeasuredItem(item_id, row, str(key_text), None, None,
                                         "no Implemented date: nothing to measure before and after"))
            continue
        result = measure(records, key, implemented, days=days, as_of=as_of, span=span)
        measured.append(MeasuredItem(item_id, row, str(key_text), implemented, result, _note(result, span)))
        if (cell("baseline") is None and result.before.value is not None and result.before.covered
                and roles["baseline"] in register.columns):
            fills.append((row, "baseline", result.before.describe(key)))
        if (cell("measuredOutcome") is None and result.after is not None and result.after.value is not None
                and result.after.covered and roles["measuredOutcome"] in register.columns):
            fills.append((row, "measuredOutcome", result.after.describe(key)))
    written = None
    if output is not None:
        values = tuple(ColumnValues(register.sheet, register.columns[str(roles[role])], row, (value,))
                       for row, role, value in fills)
        sheet = LogRows(MEASUREMENTS, HEADER, tuple(_sheet_row(item) for item in measured), WIDTHS, replace=True,
                        units=tuple(_sheet_units(item) for item in measured))
        written = write_marks(register_path, Marks(sheet=register.sheet, values=values, log=sheet), output,
                              limits=limits)
    return MeasureOutcome(measured, fills, written)


def _sheet_row(item: MeasuredItem) -> tuple[Any, ...]:
    found = item.measurement
    if found is None:
        return (item.item_id, item.key_text, "", item.implemented, *([None] * 8), item.note)
    before, after = found.before, found.after
    last = dt.timedelta(days=1)
    return (item.item_id, item.key_text, found.key.label, item.implemented,
            before.start, before.end - last, before.tickets, before.value,
            after.start if after else None, after.end - last if after else None,
            after.tickets if after else None, after.value if after else None, item.note)


# How each metric's value reads: a share of tickets as a percentage, hours with their fraction, counts whole
_METRIC_UNITS: dict[str, NumberUnit] = {"breach": "percent", "resolution": "decimal", "count": "whole"}


def _sheet_units(item: MeasuredItem) -> tuple[NumberUnit | None, ...]:
    """The Measurements row's units: ticket counts whole, the before and after values as their metric reads."""
    value: NumberUnit | None = _METRIC_UNITS[item.measurement.key.metric] if item.measurement else None
    return (None, None, None, None, None, None, "whole", value, None, None, "whole", value, None)

"""The management-review snapshot as data: the register frozen with its computed columns, and the review's
tables (counts, overdue, closed and new since the last review, priorities, velocity, the spread of entries).

The JSON form (format `xlreg-snapshot`, described by validators/snapshot.schema.json) and the snapshot
workbook are both rendered from this one structure, so they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from xl_addin.engine.findings import Finding, Severity, define
from xl_addin.engine.overdue import (
    DEFAULT_ESCALATION_DAYS,
    OnHoldItem,
    OverdueItem,
    by_owner,
    on_hold_items,
    overdue_items,
)
from xl_addin.engine.priorities import PriorityItem, compute_priorities
from xl_addin.engine.register import CellError, Register
from xl_addin.engine.review_diff import by_id, change_kind
from xl_addin.engine.roles import ROLES, absence
from xl_addin.engine.schema import RegisterSchema
from xl_addin.engine.validate import check_register

FORMAT = "xlreg-snapshot"
# 2: items as columns (one list of values per column), the headline figures, a unit for each figure, a note on a
# table (the first review's new items are counted, not listed). Version 1 is still read (diff, a later review).
FORMAT_VERSION = 2
BUNCHING_WINDOW_DAYS = 14
# Below this many entries in a year, "more than half in two weeks" says nothing about how the register is kept.
BUNCHING_MIN_ENTRIES = 6
MONTHS_SHOWN = 12
BUNCHED_ENTRIES = define(
    "bunched-entries", "Entries bunched together", Severity.WARNING,
    "(snapshot) More than half of a year's entries were raised within 14 days, as if written up just before an "
    "audit rather than as improvements were found.",
    "{count} of the {total} entries raised in the year to {as_of} were raised within {days} days "
    "({start} to {end}); a register kept day to day shows a steady stream of entries.")
DAYS_OVERDUE = "Days overdue"
BLANK = "(blank)"


# How a figure's value reads: a share as a percentage, a number of days or of items as a whole number.
Unit = Literal["percent", "days", "count"]


@dataclass(frozen=True)
class ReviewTable:
    """One titled table of the review; `key` is its stable name in the JSON."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    unavailable: str | None = None  # why the register cannot fill it (a role without a column), if so
    note: str | None = None  # a line said under the title (what the table leaves out, and why)
    units: tuple[Unit, ...] = ()  # a figure table's unit for each row's value (its second column)


@dataclass(frozen=True)
class Figure:
    """One headline figure of the review: what it counts, its value (None: cannot be worked out) and unit."""

    label: str
    value: float | int | None
    unit: Unit


@dataclass(frozen=True)
class SteadyStream:
    """How evenly entries were raised over the year to the as-of date."""

    entries_in_year: int
    busiest_start: dt.date | None
    busiest_end: dt.date | None
    busiest_entries: int
    bunched: bool
    median_days_to_close: float | None


@dataclass(frozen=True)
class Snapshot:
    """Everything a management review needs from one register at one moment."""

    register_file: str
    register_sha256: str
    sheet: str
    schema_title: str
    as_of: dt.datetime
    previous_review: dt.date | None
    roles: Mapping[str, Any]
    statuses: Mapping[str, tuple[str, ...]]  # open, closed and completed statuses, from the schema
    columns: tuple[str, ...]  # the register sheet's header: the schema's columns, then Days overdue
    items: tuple[Mapping[str, Any], ...]  # one per register row: column -> value, plus "row"
    tables: tuple[ReviewTable, ...]
    steady_stream: SteadyStream
    findings: tuple[Finding, ...]
    # the register's validation findings: (code, severity, count), worst first, so a review never reads a
    # register it does not know is broken
    data_quality: tuple[tuple[str, str, int], ...] = ()
    # how "closed since" and "new since" were decided: by the previous snapshot's states, or by dates
    since_basis: str = ""
    headline: tuple[Figure, ...] = ()  # the figures a review opens with

    def table(self, key: str) -> ReviewTable:
        return next(table for table in self.tables if table.key == key)


def _date(value: Any) -> dt.date | None:
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def last_months(as_of: dt.date, count: int = MONTHS_SHOWN) -> list[str]:
    """The `count` calendar months ending with the as-of month, oldest first, as YYYY-MM."""
    year, month = as_of.year, as_of.month
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


_NO_COLUMN = "\x00no column"


class _Roles:
    """The schema's role columns, read off an item (None where the schema has no such column)."""

    def __init__(self, schema: RegisterSchema) -> None:
        self.schema = schema
        self._columns = {role: schema.role(role) for role in schema.roles}  # asked for on every item
        # each role's column, for reading items in a loop (item.get(roles.names["status"])); a role the schema
        # gives no column reads as a key no item has
        self.names = {role: self._columns.get(role) or _NO_COLUMN for role in {*ROLES, *schema.roles}}

    def get(self, item: Mapping[str, Any], role: str) -> Any:
        column = self._columns.get(role)
        return item.get(column) if column else None

    def columns(self, *roles: str) -> list[str]:
        return [column for column in map(self._columns.get, roles) if column]


def _item_columns(register: Register, names: Sequence[str]) -> list[Sequence[Any]]:
    """The register's values column by column, in the order of `names` (the schema's columns, then the register's
    own); a formula error as its text ('#REF!')."""
    size = len(register)
    columns: list[Sequence[Any]] = []
    for name in names:
        column = register.cells.get(name, register.extras.get(name))
        if column is None:
            columns.append((None,) * size)
        elif CellError in set(map(type, column)):
            columns.append([value.code if isinstance(value, CellError) else value for value in column])
        else:
            columns.append(column)
    return columns


def take_snapshot(register: Register, schema: RegisterSchema, *, as_of: dt.datetime, previous_review: dt.date | None,
                  register_sha256: str, escalation_days: int = DEFAULT_ESCALATION_DAYS,
                  previous: Mapping[str, Any] | None = None) -> Snapshot:
    """Freeze `register` as of `as_of` and build the review's tables. `previous_review` None means every
    item counts as new and every closure as closed since the last review. With the `previous` snapshot's
    document, closed and new items are those whose state changed since it (as `xlreg diff` says), so an item
    closed late with an earlier closure date still shows once."""
    today = as_of.date()
    roles = _Roles(schema)
    priorities = {item.row: item for item in compute_priorities(register, schema).items}
    late = overdue_items(register, schema, as_of=today, escalation_days=escalation_days)
    days_late = {item.row: item.days_overdue for item in late}
    total_column, rank_column = schema.role("total"), schema.role("rank")

    # every column of the register: the schema's, then the register's own (Legacy ref...) in sheet order
    names = [column.name for column in schema.columns]
    names += [name for name in register.extras if name not in names]
    items = []
    for number, values in zip(register.row_numbers, zip(*_item_columns(register, names), strict=True),
                              strict=True):
        item: dict[str, Any] = {"row": number, **dict(zip(names, values, strict=True))}
        if total_column:
            item[total_column] = priorities[number].total
        if rank_column:
            item[rank_column] = priorities[number].rank
        item[DAYS_OVERDUE] = days_late.get(number)
        items.append(item)

    since = previous_review or dt.date.min
    first_review_new = 0  # on a first review, the items counted as new rather than listed
    steady = steady_stream(items, schema, today)
    if previous is not None and schema.role("id"):
        closed_ids, new_ids = closed_and_new(previous, items, schema)
        closed_table = _listed("closed-since", "Closed since the last review", items, roles, closed_ids,
                               ("id", "description", "status", "closureDate", "successMetric", "baseline",
                                "measuredOutcome"))
        new_table = _listed("new-since", "New since the last review", items, roles, new_ids,
                            ("id", "dateRaised", "description", "owner", "status"))
        basis = (f"state changes since the previous snapshot (as of {previous.get('asOf', '?')[:10]}), as xlreg "
                 "diff reports them")
    else:
        closed_table = _closed_since(items, roles, schema, since, today)
        basis = ("Closure date and Date raised after the previous review" if previous_review
                 else "no previous review: every item counts as new")
        if previous_review is None:  # a first review: all of it is new, counted and not listed again
            first_review_new = len(_raised(items, roles, since, today))
            new_table = _new_since([], roles, since, today)
            if first_review_new:
                new_table = replace(new_table, note=f"This is the first review: all {first_review_new} items raised "
                                                    "to date count as new (the Register sheet lists them).")
        else:
            new_table = _new_since(items, roles, since, today)
    tables = [
        *_counts(items, schema),
        _overdue_table(late, schema),
        _overdue_owners(late),
        _on_hold(on_hold_items(register, schema, as_of=today), roles, items),
        closed_table,
        new_table,
        _open_by_priority(items, roles, schema, priorities),
        _unrated(items, roles, schema, priorities),
        _completed_without_outcome(items, roles, schema),
        _per_month("closures-per-month", "Closures per month (improvement velocity)", "Closed",
                   [item.get(roles.names["closureDate"]) for item in items
                    if item.get(roles.names["status"]) in schema.closed_statuses], today),
        _per_month("raised-per-month", "Entries raised per month", "Raised",
                   [item.get(roles.names["dateRaised"]) for item in items], today),
        review_figures(items, roles, schema, today),
        _per_source_per_month(items, roles, today),
    ]
    quality = data_quality(check_register(register, schema, today=today))
    tables.append(ReviewTable("data-quality", "Data quality: validation findings by code",
                              ("Code", "Severity", "Findings"), quality))
    tables = [_explained(table, schema, register.columns) for table in tables]
    findings = (_bunching_finding(register, schema, steady, today),) if steady.bunched else ()
    headline = _headline(items, roles, schema, tables, late, first_review_new, quality)
    return Snapshot(
        register_file=Path(register.file).name, register_sha256=register_sha256, sheet=register.sheet,
        schema_title=schema.title, as_of=as_of, previous_review=previous_review,
        roles=dict(schema.roles),
        statuses={"open": schema.open_statuses, "closed": schema.closed_statuses,
                  "completed": schema.completed_statuses, "onHold": schema.on_hold_statuses},
        columns=(*names, DAYS_OVERDUE),
        items=tuple(items), tables=tuple(tables), steady_stream=steady, findings=findings,
        data_quality=quality, since_basis=basis, headline=headline,
    )


# The review's sections, in the order a management review takes them; each begins a printed page. A table the
# list does not name (a count by a choice column: "by-status", "by-source"...) goes in "The register in numbers".
REVIEW_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Since the last review", ("closed-since", "new-since")),
    ("Overdue and on hold", ("overdue-owners", "overdue-by-owner", "on-hold")),
    ("Priorities", ("open-by-priority", "unrated")),
    ("Effectiveness and velocity", ("review-figures", "completed-without-outcome", "closures-per-month",
                                    "raised-per-month")),
    ("Entries by source", ("entries-per-source",)),
    ("The register in numbers", ()),
    ("Data quality", ("data-quality",)),
)
COUNTS_SECTION = "The register in numbers"


def review_sections(tables: Sequence[ReviewTable]) -> list[tuple[str, list[ReviewTable]]]:
    """The tables by section, in the sections' order (a section with no table left out)."""
    placed = {key: title for title, keys in REVIEW_SECTIONS for key in keys}
    sections: dict[str, list[ReviewTable]] = {title: [] for title, _ in REVIEW_SECTIONS}
    for title, keys in REVIEW_SECTIONS:
        by_key = {table.key: table for table in tables if placed.get(table.key, COUNTS_SECTION) == title}
        sections[title] = [by_key[key] for key in keys if key in by_key] + \
            [table for key, table in by_key.items() if key not in keys]
    return [(title, found) for title, found in sections.items() if found]


@dataclass(frozen=True)
class ReviewChart:
    """A chart drawn from a review table: its first column the categories, its second the counts."""

    key: str  # the table's
    title: str
    kind: Literal["bar", "line"]
    axis_title: str


REVIEW_CHARTS = (
    ReviewChart("by-status", "Items by status", "bar", "Items"),
    ReviewChart("closures-per-month", "Closures per month (last 12 months)", "bar", "Items closed"),
    ReviewChart("raised-per-month", "Entries raised per month (last 12 months)", "line", "Items raised"),
    ReviewChart("overdue-owners", "Overdue items by owner", "bar", "Overdue items"),
)


def count_step(peak: float) -> int:
    """A whole-number tick step for a count axis (1, 2, 5, 10, 20...), about five ticks up to `peak`: left to
    itself Excel puts ticks at 0.5 for small counts."""
    step = 1
    while peak / step > 10:
        step = step * 5 // 2 if str(step).startswith("2") else step * 2
    return step


def review_basis(snapshot: Snapshot) -> list[tuple[str, Any]]:
    """What a review rests on, as label and value: the file and its hash, the moment, the previous review, how
    entries came in, how closed and new items were decided, and the register's data quality."""
    steady = snapshot.steady_stream
    busiest = (f"{steady.busiest_entries} entries from {steady.busiest_start} to {steady.busiest_end}"
               if steady.busiest_start else "no entries in the year")
    verdict = snapshot.findings[0].message if snapshot.findings else "Entries are spread through the year."
    return [
        ("Register file", snapshot.register_file),
        ("SHA-256", snapshot.register_sha256),
        ("As of", snapshot.as_of),
        ("Previous review", snapshot.previous_review or "none: every item counts as new"),
        ("Items", len(snapshot.items)),
        ("Entries raised in the year to the as-of date", steady.entries_in_year),
        (f"Busiest {BUNCHING_WINDOW_DAYS} days", busiest),
        ("Steady stream", verdict),
        ("Median days from raised to closed", None if steady.median_days_to_close is None
         else math.floor(steady.median_days_to_close + 0.5)),
        ("Closed and new since", snapshot.since_basis),
        ("Data quality", quality_line(snapshot)),
    ]


def quality_line(snapshot: Snapshot) -> str:
    """The validation findings in one line, so a review never reads a register it does not know is broken."""
    if not snapshot.data_quality:
        return "no validation findings"
    by_severity = {severity: sum(count for _, level, count in snapshot.data_quality if level == severity)
                   for severity in ("error", "warning", "info")}
    counts = ", ".join(f"{count} {severity}{'s' if count != 1 and severity != 'info' else ''}"
                       for severity, count in by_severity.items())
    return f"{counts} (see the Data quality table; xlreg validate lists them cell by cell)"


def figure_text(value: float | None, unit: Unit) -> str:
    """A figure as a review reads it: a share as a whole percentage, days and counts as whole numbers."""
    if value is None:
        return "n/a"
    if unit == "percent":  # halves rounded up, as Excel's number formats round them
        return f"{math.floor(value * 100 + 0.5)}%"
    return f"{math.floor(value + 0.5):,}"


def _headline(items: Sequence[Mapping[str, Any]], roles: _Roles, schema: RegisterSchema,
              tables: Sequence[ReviewTable], late: Sequence[OverdueItem], first_review_new: int,
              quality: Sequence[tuple[str, str, int]]) -> tuple[Figure, ...]:
    """The figures a review opens with, each from the table that lists it (None where that table cannot be
    filled for this register)."""
    by_key = {table.key: table for table in tables}

    def listed(key: str) -> int | None:
        table = by_key[key]
        return None if table.unavailable else len(table.rows)

    figures = {row[0]: (row[1], unit) for row, unit in zip(by_key["review-figures"].rows,
                                                            by_key["review-figures"].units, strict=True)}
    status_known = roles.schema.role("status") is not None
    open_count = sum(1 for item in items if item.get(roles.names["status"]) in schema.open_statuses)
    new_count = listed("new-since")
    return (
        Figure("Items in the register", len(items), "count"),
        Figure("Open items", open_count if status_known else None, "count"),
        Figure("Overdue items", listed("overdue-by-owner"), "count"),
        Figure("Overdue items to escalate", None if by_key["overdue-by-owner"].unavailable
               else sum(1 for item in late if item.escalate), "count"),
        Figure("On hold", listed("on-hold"), "count"),
        Figure("Closed since the last review", listed("closed-since"), "count"),
        Figure("New since the last review", None if new_count is None else new_count + first_review_new, "count"),
        Figure("Open items not yet rated", listed("unrated"), "count"),
        Figure("On-time closure rate", *figures["On-time closure rate"]),
        Figure("Effectiveness verified", *figures["Effectiveness verified"]),
        Figure("Open items: median age (days)", *figures["Open items: median age (days)"]),
        Figure("Validation errors", sum(count for _, severity, count in quality if severity == "error"), "count"),
    )



def data_quality(found: Sequence[Finding]) -> tuple[tuple[str, str, int], ...]:
    """(code, severity, count), worst severity first, then the most frequent."""
    counted = Counter((finding.code, finding.severity) for finding in found)
    ordered = sorted(counted.items(), key=lambda entry: (-entry[0][1], -entry[1], entry[0][0]))
    return tuple((code, str(severity), count) for (code, severity), count in ordered)


def closed_and_new(previous: Mapping[str, Any], items: Sequence[Mapping[str, Any]],
                   schema: RegisterSchema) -> tuple[list[str], list[str]]:
    """IDs closed since the previous snapshot (open there, closed now) and IDs new since it, by the rule
    `xlreg diff` applies (engine.review_diff)."""
    id_column, status_column = schema.role("id"), schema.role("status")
    before, _ = by_id(previous)
    old_id = previous["roles"].get("id")
    seen_before = {str(item["values"].get(old_id)) for item in previous["items"] if old_id}
    counted = Counter(str(item[id_column]) for item in items if id_column and item.get(id_column) is not None)
    # an ID held twice cannot be followed from one review to the next: the diff leaves it out, and so does this
    now = {str(item[id_column]): item for item in items if id_column and counted[str(item.get(id_column))] == 1}
    old_status = previous["roles"].get("status")
    closed = [key for key, item in now.items() if key in before and status_column and old_status
              and change_kind(before[key].get(old_status), item.get(status_column),
                              set(schema.closed_statuses)) == "closed"]
    return closed, [key for key in now if key not in seen_before]


def _listed(key: str, title: str, items: Sequence[Mapping[str, Any]], roles: _Roles, ids: Sequence[str],
            wanted: tuple[str, ...]) -> ReviewTable:
    columns = roles.columns(*wanted)
    id_column, wanted_ids = roles.schema.role("id"), set(ids)
    chosen = [item for item in items if id_column and str(item.get(id_column)) in wanted_ids]
    return ReviewTable(key, title, tuple(columns), tuple(_pick(item, columns) for item in chosen))


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def review_figures(items: Sequence[Mapping[str, Any]], roles: _Roles, schema: RegisterSchema,
                   today: dt.date) -> ReviewTable:
    """The figures an auditor asks for first: closure on time, the age of what is open, whether completed
    items were shown to work, and corrective actions against improvements."""
    completed = [item for item in items if item.get(roles.names["status"]) in schema.completed_statuses]
    pairs = [(closure, target) for item in completed if (closure := _date(item.get(roles.names["closureDate"])))
             and (target := _date(item.get(roles.names["targetDate"])))]
    on_time = sum(1 for closure, target in pairs if closure <= target)
    open_items = [item for item in items if item.get(roles.names["status"]) in schema.open_statuses]
    ages = sorted(((today - raised).days, str(item.get(roles.names["id"]) or f"row {item['row']}"))
                  for item in open_items if (raised := _date(item.get(roles.names["dateRaised"]))) is not None)
    units: list[Unit] = ["percent", "days", "days", "percent"]
    rows: list[tuple[Any, ...]] = [
        ("On-time closure rate", _share(on_time, len(pairs)),
         f"{on_time} of {len(pairs)} completed items with both dates closed by their target date"),
        ("Open items: median age (days)", statistics.median(age for age, _ in ages) if ages else None,
         f"{len(ages)} open items with a date raised"),
        ("Oldest open item: age (days)", ages[-1][0] if ages else None, ages[-1][1] if ages else "none open"),
    ]
    effective = roles.schema.role("effective")
    if effective:
        verified = sum(1 for item in completed if item.get(roles.names["measuredOutcome"]) is not None
                       and item.get(effective) == "Yes")
        rows.append(("Effectiveness verified", _share(verified, len(completed)),
                     f"{verified} of {len(completed)} completed items with a measured outcome and Effective = Yes"))
    else:
        measured = sum(1 for item in completed if item.get(roles.names["measuredOutcome"]) is not None)
        rows.append(("Effectiveness verified", None,
                     f"not recorded: the register has no Effective column ({measured} of {len(completed)} completed "
                     "items have a measured outcome)"))
    type_column = roles.schema.role("type")
    if type_column:
        for kind in ("Corrective action", "Improvement"):
            of_kind = [item for item in items if item.get(type_column) == kind]
            still_open = sum(1 for item in of_kind if item.get(roles.names["status"]) in schema.open_statuses)
            rows.append((f"{kind}s", len(of_kind), f"{still_open} open, of {len(items)} items"))
            units.append("count")
    return ReviewTable("review-figures", "Review figures", ("Figure", "Value", "Basis"), tuple(rows),
                       units=tuple(units))


def _per_source_per_month(items: Sequence[Mapping[str, Any]], roles: _Roles, today: dt.date) -> ReviewTable:
    """Entries raised per month by source: a steady stream from every source, or bursts from one."""
    months = last_months(today)
    counted = Counter((_month(day), str(item.get(roles.names["source"]) or BLANK)) for item in items
                      if (day := _date(item.get(roles.names["dateRaised"]))) is not None and day <= today)
    sources = sorted({source for month, source in counted if month in months})
    return ReviewTable("entries-per-source", "Entries raised per month by source", ("Month", *sources),
                       tuple((month, *(counted[(month, source)] for source in sources)) for month in months))


# The roles each review table is computed from: without a column for one, the table says so rather than
# showing an empty list as if there were nothing to list.
_TABLE_ROLES: dict[str, tuple[str, ...]] = {
    "overdue-by-owner": ("targetDate", "status"),
    "overdue-owners": ("targetDate", "status"),
    "closed-since": ("status", "closureDate"),
    "new-since": ("dateRaised",),
    "open-by-priority": ("ratings", "status"),
    "unrated": ("ratings", "status"),
    "completed-without-outcome": ("status", "measuredOutcome"),
    "closures-per-month": ("status", "closureDate"),
    "raised-per-month": ("dateRaised",),
    "review-figures": ("status",),
    "on-hold": ("status",),
    "entries-per-source": ("dateRaised", "source"),
}


def _explained(table: ReviewTable, schema: RegisterSchema, present: Mapping[str, int]) -> ReviewTable:
    reasons = [reason for role in _TABLE_ROLES.get(table.key, ()) if (reason := absence(schema, present, role))]
    if table.key == "completed-without-outcome" and not schema.completed_statuses:
        reasons.append(f"the {schema.title} schema lists no completed statuses (x-register completedStatuses)")
    if not reasons:
        return table
    return replace(table, rows=(), unavailable=f"Not available: {reasons[0]}.")


def _counts(items: Sequence[Mapping[str, Any]], schema: RegisterSchema) -> list[ReviewTable]:
    """Items by every choice column (status, source, type, area...), in the schema's order of choices;
    blanks and values outside the list are counted too, so the counts always add up to the register."""
    tables = []
    status = schema.role("status")
    # status first: it is what a review asks about first
    for column in sorted(schema.columns, key=lambda column: column.name != status):
        if column.kind != "choice":
            continue
        counted = Counter(BLANK if item.get(column.name) is None else str(item.get(column.name)) for item in items)
        order = [*column.choices, *sorted(set(counted) - set(column.choices) - {BLANK}), BLANK]
        rows = tuple((value, counted[value]) for value in order if value in column.choices or counted[value])
        slug = column.name.lower().replace(" ", "-")
        tables.append(ReviewTable(f"by-{slug}", f"Items by {column.name}", (column.name, "Items"), rows))
    return tables


def _overdue_table(late: Sequence[OverdueItem], schema: RegisterSchema) -> ReviewTable:
    rows = tuple(
        (owner, item.item_id, item.status or None, item.target_date, item.days_overdue, item.last_update,
         "Yes" if item.escalate else "No")
        for owner, group in by_owner(tuple(late)).items() for item in group
    )
    columns = (schema.role("owner") or "Owner", schema.role("id") or "ID", schema.role("status") or "Status",
               schema.role("targetDate") or "Target date", DAYS_OVERDUE, schema.role("lastUpdate") or "Last update",
               "Escalate")
    return ReviewTable("overdue-by-owner", "Overdue items by owner", columns, rows)


def _overdue_owners(late: Sequence[OverdueItem]) -> ReviewTable:
    rows = tuple((owner, len(group), sum(item.days_overdue for item in group),
                  sum(1 for item in group if item.escalate))
                 for owner, group in by_owner(tuple(late)).items())
    return ReviewTable("overdue-owners", "Overdue items per owner", ("Owner", "Overdue items", DAYS_OVERDUE,
                                                                    "To escalate"), rows)


def _on_hold(paused: Sequence[OnHoldItem], roles: _Roles, items: Sequence[Mapping[str, Any]]) -> ReviewTable:
    """Paused items, longest paused first: not overdue, but a review asks why they wait."""
    by_row = {item["row"]: item for item in items}
    columns = (*roles.columns("id", "description", "owner", "targetDate"), "On hold since", "Days on hold")
    rows = tuple((*_pick(by_row[item.row], roles.columns("id", "description", "owner", "targetDate")), item.since,
                  item.days) for item in sorted(paused, key=lambda item: (-(item.days or 0), item.row)))
    return ReviewTable("on-hold", "On hold (paused, not overdue)", columns, rows)


def _pick(item: Mapping[str, Any], columns: Sequence[str]) -> tuple[Any, ...]:
    return tuple(item.get(column) for column in columns)


def _closed_since(items: Sequence[Mapping[str, Any]], roles: _Roles, schema: RegisterSchema, since: dt.date,
                  today: dt.date) -> ReviewTable:
    columns = roles.columns("id", "description", "status", "closureDate", "successMetric", "baseline",
                            "measuredOutcome")
    closed = [item for item in items if item.get(roles.names["status"]) in schema.closed_statuses
              and (closure := _date(item.get(roles.names["closureDate"]))) is not None and since < closure <= today]
    closed.sort(key=lambda item: (item.get(roles.names["closureDate"]), item["row"]))
    return ReviewTable("closed-since", "Closed since the last review", tuple(columns),
                       tuple(_pick(item, columns) for item in closed))


def _raised(items: Sequence[Mapping[str, Any]], roles: _Roles, since: dt.date,
            today: dt.date) -> list[Mapping[str, Any]]:
    """The items raised after `since`, up to `today`."""
    column = roles.columns("dateRaised")
    if not column:
        return []
    return [item for item in items if (day := _date(item.get(column[0]))) is not None and since < day <= today]


def _new_since(items: Sequence[Mapping[str, Any]], roles: _Roles, since: dt.date, today: dt.date) -> ReviewTable:
    columns = roles.columns("id", "dateRaised", "description", "owner", "status")
    raised = _raised(items, roles, since, today)
    raised.sort(key=lambda item: (item.get(roles.names["dateRaised"]), item["row"]))
    return ReviewTable("new-since", "New since the last review", tuple(columns),
                       tuple(_pick(item, columns) for item in raised))


def _open_by_priority(items: Sequence[Mapping[str, Any]], roles: _Roles, schema: RegisterSchema,
                      priorities: Mapping[int, PriorityItem]) -> ReviewTable:
    """Open items by rank, with rank and total as computed (a register need not have columns for them)."""
    others = roles.columns("id", "targetDate", "owner", "status", "description")
    columns = (schema.role("rank") or "Rank", others[0] if others else "ID", schema.role("total") or "Priority",
               *others[1:])
    ranked = sorted((item for item in items if priorities[item["row"]].rank is not None),
                    key=lambda item: priorities[item["row"]].rank or 0)
    unrated = sum(1 for item in items if item.get(roles.names["status"]) in schema.open_statuses
                  and priorities[item["row"]].total is None)
    note = (f"{unrated} open item{'s are' if unrated != 1 else ' is'} not yet rated, so not ranked: see "
            "'Open items not yet rated'." if unrated else None)
    return ReviewTable("open-by-priority", "Open items by priority", columns,
                       tuple((priorities[item["row"]].rank, *_pick(item, others[:1]), priorities[item["row"]].total,
                              *_pick(item, others[1:])) for item in ranked), note=note)


def _unrated(items: Sequence[Mapping[str, Any]], roles: _Roles, schema: RegisterSchema,
             priorities: Mapping[int, PriorityItem]) -> ReviewTable:
    """Open items without a priority: not yet rated (every imported item starts so), so in no priority table."""
    columns = roles.columns("id", "dateRaised", "description", "owner", "status")
    unrated = [item for item in items if item.get(roles.names["status"]) in schema.open_statuses
               and priorities[item["row"]].total is None]
    return ReviewTable("unrated", "Open items not yet rated", tuple(columns),
                       tuple(_pick(item, columns) for item in unrated))


def _completed_without_outcome(items: Sequence[Mapping[str, Any]], roles: _Roles,
                               schema: RegisterSchema) -> ReviewTable:
    columns = roles.columns("id", "closureDate", "owner", "successMetric", "baseline")
    done = [item for item in items if item.get(roles.names["status"]) in schema.completed_statuses
            and item.get(roles.names["measuredOutcome"]) is None]
    return ReviewTable("completed-without-outcome", "Completed items with no measured outcome", tuple(columns),
                       tuple(_pick(item, columns) for item in done))


def _per_month(key: str, title: str, label: str, days: Sequence[Any], today: dt.date) -> ReviewTable:
    months = last_months(today)
    counted = Counter(_month(day) for day in map(_date, days) if day is not None and day <= today)
    return ReviewTable(key, title, ("Month", label), tuple((month, counted[month]) for month in months))


def steady_stream(items: Sequence[Mapping[str, Any]], schema: RegisterSchema, today: dt.date) -> SteadyStream:
    """The busiest 14-day window of the year to `today`, and whether it holds more than half the year's entries."""
    raised_column, closure_column = schema.role("dateRaised"), schema.role("closureDate")
    year_start = today - dt.timedelta(days=365)
    days = sorted(day for item in items if raised_column
                  and (day := _date(item.get(raised_column))) is not None and year_start < day <= today)
    best, best_start = 0, None
    end = 0
    for start in range(len(days)):
        # entries raised from days[start] to 13 days later
        while end < len(days) and (days[end] - days[start]).days < BUNCHING_WINDOW_DAYS:
            end += 1
        if end - start > best:
            best, best_start = end - start, days[start]
    durations = [(closed - raised).days for item in items
                 if raised_column and closure_column and item.get(schema.role("status") or "") in schema.closed_statuses
                 and (raised := _date(item.get(raised_column))) is not None
                 and (closed := _date(item.get(closure_column))) is not None and closed >= raised]
    return SteadyStream(
        entries_in_year=len(days),
        busiest_start=best_start,
        busiest_end=best_start + dt.timedelta(days=BUNCHING_WINDOW_DAYS - 1) if best_start else None,
        busiest_entries=best,
        bunched=len(days) >= BUNCHING_MIN_ENTRIES and best * 2 > len(days),
        median_days_to_close=float(statistics.median(durations)) if durations else None,
    )


def _bunching_finding(register: Register, schema: RegisterSchema, steady: SteadyStream, today: dt.date) -> Finding:
    column = schema.role("dateRaised") or ""
    return BUNCHED_ENTRIES.at(
        register.file, sheet=register.sheet, column_number=register.columns.get(column, 0), column=column,
        count=steady.busiest_entries, total=steady.entries_in_year, days=BUNCHING_WINDOW_DAYS,
        start=steady.busiest_start, end=steady.busiest_end, as_of=today)

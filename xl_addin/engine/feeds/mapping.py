"""How an export is read: which of its columns holds each field, what its words mean, how it writes dates and
nothing, which row of an event log is the latest, and the thresholds of the trigger rules."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from xl_addin.engine.text_dates import DATE_ORDERS, DateOrder

FeedKind = Literal["findings", "tickets", "csat"]
FEED_KINDS: tuple[FeedKind, ...] = ("findings", "tickets", "csat")
DuplicateRule = Literal["first", "last", "join"]

# The fields each kind of feed reads; the first ones are needed, the others used when present.
FIELDS: dict[FeedKind, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "findings": (("finding_id", "description"),
                 ("finding_type", "finding_date", "source", "severity", "control", "owner", "target_date",
                  "status", "root_cause", "closure_date", "verification")),
    "tickets": (("number", "group", "opened"),
                ("priority", "resolved", "breached", "deadline", "version", "resolution_hours", "state")),
    "csat": (("score", "answered"), ("group", "response_id")),
}
DATE_FIELDS = {"finding_date", "target_date", "closure_date", "opened", "resolved", "deadline", "answered"}
ClosedFindings = Literal["import", "skip"]


@dataclass(frozen=True)
class Thresholds:
    """The trigger rules' numbers (defaults from the source text's examples)."""

    min_tickets: int = 20  # a group's month counts for the breach rule with at least this many tickets
    breach_rate: float = 0.20  # above this share of tickets breaching their SLA
    breach_months: int = 2  # consecutive months
    p1_rising_months: int = 3  # a priority-1 count rising this many months running
    p1_label: str = "1"  # the priority value that is priority 1, after the value map
    satisfaction_below: float = 3.5  # mean score on the scale below
    satisfaction_scale: float = 5.0  # the survey's top score; means are reported on a scale of 5
    satisfaction_months: int = 2
    min_responses: int = 5  # a month with fewer responses does not count for the satisfaction rule


@dataclass(frozen=True)
class FeedMapping:
    name: str
    kind: FeedKind
    columns: Mapping[str, str]  # field -> the export's header
    values: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # field -> export word -> value
    date_order: DateOrder | None = None
    nulls: frozenset[str] = frozenset({"", "?", "NULL", "null", "N/A", "n/a", "-"})
    duplicates: DuplicateRule = "first"  # a header repeated (Jira: Labels, Sprint): which one is read
    latest_by: str | None = None  # field whose highest value marks an item's latest row in an event log
    thresholds: Thresholds = Thresholds()
    sources: Mapping[str, str] = field(default_factory=dict)  # finding source word -> the register's Source
    # a finding the log marks closed: imported as a completed item (with its closure date), or left out
    closed_findings: ClosedFindings = "import"


# What only a register mapping (workbook.mapping_file) has: a feed mapping given one says so.
REGISTER_MAPPING_KEYS = frozenset({"sheet", "header-row", "id-pattern", "choices", "statuses", "source-file"})


class MappingError(Exception):
    """A mapping that cannot be used; the message says what to change."""


def mapping_from_document(document: Mapping[str, Any], name: str) -> FeedMapping:
    """A mapping from its parsed TOML; MappingError when a key is unknown or a value has the wrong form."""
    known = {"kind", "columns", "values", "date-order", "nulls", "duplicate-headers", "latest-by", "thresholds",
             "sources", "description", "closed-findings"}
    if "kind" not in document and set(document) & REGISTER_MAPPING_KEYS:
        raise MappingError(f"{name} is a register mapping (how a register in its own layout reads, from xlreg map), "
                           "not a feed mapping: give it with --mapping, and the export's mapping (a shipped name such "
                           "as findings-log, or a file with kind = ...) with --feed-mapping.")
    unknown = sorted(set(document) - known)
    if unknown:
        raise MappingError(f"{name}: unknown key(s) {', '.join(unknown)}; the keys are {', '.join(sorted(known))}.")
    kind = document.get("kind")
    if kind not in FEED_KINDS:
        raise MappingError(f"{name}: kind must be one of {', '.join(FEED_KINDS)}.")
    columns = document.get("columns", {})
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise MappingError(f"{name}: [columns] maps each field to the export's header, as text.")
    needed, optional = FIELDS[kind]
    stray = sorted(set(columns) - set(needed) - set(optional))
    if stray:
        raise MappingError(f"{name}: [columns] has field(s) {', '.join(stray)} that a {kind} feed does not read; "
                           f"the fields are {', '.join(needed + optional)}.")
    missing = [name_ for name_ in needed if name_ not in columns]
    if missing:
        raise MappingError(f"{name}: [columns] must name the export's column for {', '.join(missing)}.")
    order = document.get("date-order")
    if order is not None and order not in DATE_ORDERS:
        raise MappingError(f"{name}: date-order must be one of {', '.join(DATE_ORDERS)}.")
    duplicates = document.get("duplicate-headers", "first")
    if duplicates not in ("first", "last", "join"):
        raise MappingError(f"{name}: duplicate-headers must be first, last or join.")
    numbers = document.get("thresholds", {})
    try:
        thresholds = Thresholds(**{key.replace("-", "_"): value for key, value in numbers.items()})
    except TypeError as error:
        raise MappingError(f"{name}: [thresholds] {error}".replace("__init__() ", "")) from None
    closed = document.get("closed-findings", "import")
    if closed not in ("import", "skip"):
        raise MappingError(f"{name}: closed-findings must be import (a closed finding comes in completed, with its "
                           "closure date) or skip (it is left out).")
    nulls = document.get("nulls")
    return FeedMapping(closed_findings=closed, name=name, kind=kind, columns=columns, values=document.get("values", {}),
                       date_order=order, duplicates=duplicates, latest_by=document.get("latest-by"),
                       thresholds=thresholds, sources=document.get("sources", {}),
                       **({"nulls": frozenset(nulls)} if nulls is not None else {}))

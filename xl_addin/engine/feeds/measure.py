"""Outcomes measured before and after: an item's metric key names a figure of the ticket feed; it is worked
out over a window before the Implemented date (the baseline) and an equal window after (the outcome, once that
window has passed), with the number of tickets behind each."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from xl_addin.engine.feeds.tickets import is_breached, resolution_hours

METRICS = {
    "resolution": "median resolution time (hours)",
    "breach": "share of tickets breaching their SLA",
    "count": "tickets opened",
}
WEAK_BELOW = 20  # tickets: fewer make a measurement too weak to judge a change by


class MetricKeyError(ValueError):
    """A metric key that does not name a figure; the message says what one looks like."""


@dataclass(frozen=True)
class MetricKey:
    metric: str
    group: str
    priority: str | None

    @property
    def label(self) -> str:
        scope = self.group + (f", priority {self.priority}" if self.priority else "")
        return f"{METRICS[self.metric]}, {scope}"


def parse_metric_key(text: str) -> MetricKey:
    """`resolution:Payroll:2`, `breach:Payroll` or `count:Network:1` (metric, group, optional priority)."""
    parts = [part.strip() for part in str(text).split(":")]
    if len(parts) not in (2, 3) or parts[0] not in METRICS or not parts[1]:
        raise MetricKeyError(f"'{text}' is not a metric key: write METRIC:GROUP or METRIC:GROUP:PRIORITY, with "
                             f"METRIC one of {', '.join(METRICS)} (for example resolution:Payroll:2).")
    return MetricKey(parts[0], parts[1], parts[2] if len(parts) == 3 and parts[2] else None)


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date  # exclusive
    tickets: int
    value: float | None  # None: no ticket to measure on
    covered: bool = True  # the export spans the whole window (else its figure says nothing about it)

    @property
    def weak(self) -> bool:
        return self.tickets < WEAK_BELOW

    def describe(self, key: MetricKey) -> str:
        shown = "no tickets" if self.value is None else (
            f"{self.value:.0%}" if key.metric == "breach" else f"{self.value:g}")
        unit = {"resolution": " h median resolution", "breach": " breached", "count": " tickets"}[key.metric]
        last = self.end - dt.timedelta(days=1)
        return f"{shown}{unit if self.value is not None else ''} (n={self.tickets}, {self.start} to {last})"


@dataclass(frozen=True)
class Measurement:
    key: MetricKey
    before: Window
    after: Window | None  # None until the window after has passed
    due: dt.date  # when the window after ends


def _value(key: MetricKey, records: Sequence[Mapping[str, Any]]) -> float | None:
    if key.metric == "count":
        return float(len(records))
    if not records:
        return None
    if key.metric == "breach":
        return round(sum(1 for record in records if is_breached(record)) / len(records), 4)
    hours = [value for record in records if (value := resolution_hours(record)) is not None]
    return round(statistics.median(hours), 2) if hours else None


def _window(key: MetricKey, records: Sequence[Mapping[str, Any]], start: dt.date, end: dt.date) -> Window:
    chosen = [record for record in records if str(record.get("group")) == key.group
              and (key.priority is None or str(record.get("priority")) == key.priority)
              and start <= record["opened"].date() < end]
    if key.metric == "resolution":
        measured = [record for record in chosen if resolution_hours(record) is not None]
        return Window(start, end, len(measured), _value(key, measured))
    return Window(start, end, len(chosen), _value(key, chosen))


def export_span(records: Sequence[Mapping[str, Any]]) -> tuple[dt.date, dt.date] | None:
    """The first and last day the export holds tickets opened on."""
    days = [record["opened"].date() for record in records if isinstance(record.get("opened"), dt.datetime)]
    return (min(days), max(days)) if days else None


def measure(records: Sequence[Mapping[str, Any]], key: MetricKey, implemented: dt.date, *, days: int,
            as_of: dt.date, span: tuple[dt.date, dt.date] | None = None) -> Measurement:
    """The metric over the window before `implemented` and, once it has passed, the window after; a window the
    export's `span` (export_span) does not cover is marked so, as its figure would count tickets the export
    never held."""
    width = dt.timedelta(days=days)
    span = span if span is not None else export_span(records)

    def covered(window: Window) -> Window:
        inside = span is not None and span[0] <= window.start and window.end - dt.timedelta(days=1) <= span[1]
        return window if inside else replace(window, covered=False)

    before = covered(_window(key, records, implemented - width, implemented))
    due = implemented + width
    after = covered(_window(key, records, implemented, due)) if due <= as_of else None
    return Measurement(key, before, after, due)

"""Tickets are never items one by one: they are counted per group (service or category), priority and month,
and trigger rules propose an item where the figures show a problem that lasts."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from xl_addin.engine.feeds.mapping import Thresholds
from xl_addin.engine.feeds.proposals import Proposal, consecutive_runs, month_of, next_month


@dataclass
class Month:
    """One group's, priority's and month's tickets."""

    tickets: int = 0
    breached: int = 0
    hours: list[float] = field(default_factory=list)

    @property
    def breach_rate(self) -> float:
        return self.breached / self.tickets if self.tickets else 0.0

    @property
    def median_hours(self) -> float | None:
        return statistics.median(self.hours) if self.hours else None


Figures = dict[tuple[str, str, str], Month]  # (group, priority, month) -> figures


def resolution_hours(record: Mapping[str, Any]) -> float | None:
    opened, resolved = record.get("opened"), record.get("resolved")
    if isinstance(opened, dt.datetime) and isinstance(resolved, dt.datetime) and resolved >= opened:
        return (resolved - opened).total_seconds() / 3600
    return None


def is_breached(record: Mapping[str, Any]) -> bool:
    if record.get("breached") is not None:
        return bool(record["breached"])
    deadline, resolved = record.get("deadline"), record.get("resolved")  # GLPI: time_to_resolve
    if isinstance(deadline, dt.datetime) and isinstance(resolved, dt.datetime):
        return resolved > deadline
    left = record.get("resolution_hours")  # Jira: time left on the SLA clock, negative once breached
    return left is not None and left < 0


def monthly_figures(records: Sequence[Mapping[str, Any]], *, before: dt.date) -> Figures:
    """Figures per group, priority and month, for whole months before `before`'s month (a month still
    running would read as a fall)."""
    figures: Figures = defaultdict(Month)
    cut = month_of(before)
    for record in records:
        month = month_of(record["opened"])
        if month >= cut:
            continue
        cell = figures[(str(record["group"]), str(record.get("priority") or "-"), month)]
        cell.tickets += 1
        cell.breached += is_breached(record)
        hours = resolution_hours(record)
        if hours is not None:
            cell.hours.append(hours)
    return dict(figures)


def _percent(rate: float) -> str:
    return f"{rate:.0%}"


def breach_proposals(figures: Figures, limits: Thresholds, *, as_of: dt.date) -> list[Proposal]:
    """A group and priority whose breach rate is above the limit, on enough tickets, for consecutive months."""
    by_line: dict[tuple[str, str], list[str]] = defaultdict(list)
    for (group, priority, month), cell in sorted(figures.items()):
        if cell.tickets >= limits.min_tickets and cell.breach_rate > limits.breach_rate:
            by_line[(group, priority)].append(month)
    proposals = []
    for (group, priority), months in sorted(by_line.items()):
        for run in consecutive_runs(months, limits.breach_months):
            shown = "; ".join(f"{month}: {_percent(figures[(group, priority, month)].breach_rate)} of "
                              f"{figures[(group, priority, month)].tickets}" for month in run)
            last = figures[(group, priority, run[-1])]
            proposals.append(Proposal(f"SLA:{group}:{priority}:{run[0]}", {
                "description": f"SLA breaches in {group}, priority {priority}: more than "
                               f"{_percent(limits.breach_rate)} of tickets breached their SLA for {len(run)} months "
                               f"running ({shown}).",
                "source": "SLA performance", "type": "Improvement", "state": "open", "dateRaised": as_of,
                "successMetric": f"Share of {group} priority {priority} tickets breaching their SLA per month",
                "baseline": f"{_percent(last.breach_rate)} of {last.tickets} tickets ({run[-1]})",
            }))
    return proposals


def priority_one_proposals(figures: Figures, limits: Thresholds, *, as_of: dt.date) -> list[Proposal]:
    """A group whose priority-1 count rose every month for `p1_rising_months` months."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for (group, priority, month), cell in figures.items():
        if priority == limits.p1_label:
            counts[group][month] = cell.tickets
    proposals = []
    for group, by_month in sorted(counts.items()):
        months = sorted(by_month)
        span = [months[0]]
        while span[-1] < months[-1]:
            span.append(next_month(span[-1]))
        rising: list[str] = []
        for month in span:
            if rising and by_month.get(month, 0) > by_month.get(rising[-1], 0):
                rising.append(month)
                continue
            if len(rising) >= limits.p1_rising_months:
                proposals.append(_rising(group, rising, by_month, as_of))
            rising = [month]
        if len(rising) >= limits.p1_rising_months:
            proposals.append(_rising(group, rising, by_month, as_of))
    return proposals


def _rising(group: str, months: list[str], counts: Mapping[str, int], as_of: dt.date) -> Proposal:
    shown = ", ".join(f"{counts.get(month, 0)} in {month}" for month in months)
    return Proposal(f"P1:{group}:{months[0]}", {
        "description": f"Priority-1 incidents in {group} rose {len(months)} months running ({shown}).",
        "source": "Incident/problem trend", "type": "Improvement", "state": "open", "dateRaised": as_of,
        "successMetric": f"Priority-1 incidents per month in {group}",
        "baseline": f"{counts.get(months[-1], 0)} priority-1 incidents ({months[-1]})",
    })


def ticket_proposals(records: Sequence[Mapping[str, Any]], limits: Thresholds, *,
                     as_of: dt.date) -> tuple[list[Proposal], Figures]:
    figures = monthly_figures(records, before=as_of)
    return breach_proposals(figures, limits, as_of=as_of) + priority_one_proposals(figures, limits, as_of=as_of), \
        figures

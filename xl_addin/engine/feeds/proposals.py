"""What a feed proposes for the register: one item per proposal, matched with earlier imports by Source ref."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Proposal:
    """An item a feed proposes: `values` by register role (description, source, type, status, dateRaised,
    successMetric, baseline, owner, targetDate), `source_ref` the key that finds it again on the next import."""

    source_ref: str
    values: dict[str, Any] = field(default_factory=dict)


def month_of(moment: dt.date) -> str:
    return f"{moment:%Y-%m}"


def next_month(month: str) -> str:
    year, number = map(int, month.split("-"))
    return f"{year + number // 12}-{number % 12 + 1:02d}"


def consecutive_runs(months: list[str], length: int) -> list[list[str]]:
    """Runs of at least `length` calendar-consecutive months among sorted `months`."""
    runs: list[list[str]] = []
    current: list[str] = []
    for month in months:
        if current and next_month(current[-1]) == month:
            current.append(month)
        else:
            if len(current) >= length:
                runs.append(current)
            current = [month]
    if len(current) >= length:
        runs.append(current)
    return runs

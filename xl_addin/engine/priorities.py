"""Priority totals and ranks: sum the ratings, rank the open items.

Total = the sum of the ratings (each within its schema range). Open items are ranked by total, highest
first; ties go to the earlier Target date (blank last), then the earlier Date raised, then the ID.
Closed items get no rank; items whose ratings are missing or invalid get neither a total nor a rank.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from xl_addin.engine.register import Register, RegisterRow
from xl_addin.engine.schema import RegisterSchema

_LAST = dt.date.max


@dataclass(frozen=True)
class PriorityItem:
    """One item's computed total and rank (None where it gets none)."""

    row: int
    item_id: str
    status: str
    total: int | None
    rank: int | None
    target_date: dt.date | None
    date_raised: dt.date | None


@dataclass(frozen=True)
class Priorities:
    """Totals and ranks for a whole register, in sheet order; `unrated` names rows with invalid ratings."""

    items: tuple[PriorityItem, ...]

    @property
    def ranked(self) -> list[PriorityItem]:
        return sorted((item for item in self.items if item.rank is not None), key=lambda item: item.rank or 0)

    @property
    def unrated(self) -> list[PriorityItem]:
        return [item for item in self.items if item.total is None]


def _date(value: Any) -> dt.date | None:
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None


def priority_total(row: RegisterRow, schema: RegisterSchema) -> int | None:
    """The sum of the ratings, or None when any rating is missing, not a whole number, or out of range."""
    ratings = schema.roles.get("ratings", [])
    if not ratings:
        return None
    total = 0
    for name in ratings:
        value = row.values.get(name)
        column = schema.column(name)
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        if (column.minimum is not None and value < column.minimum) or (
                column.maximum is not None and value > column.maximum):
            return None
        total += value
    return total


def compute_priorities(register: Register, schema: RegisterSchema) -> Priorities:
    """Totals for every item and ranks for the open ones, by the tie-breaking rules above."""
    id_column = schema.role("id") or ""
    status_column = schema.role("status") or ""
    target_column = schema.role("targetDate") or ""
    raised_column = schema.role("dateRaised") or ""
    open_statuses = set(schema.open_statuses)
    drafts = []
    for row in register.rows:
        drafts.append(PriorityItem(
            row=row.number,
            item_id=str(row.values.get(id_column, "")),
            status=str(row.values.get(status_column, "")),
            total=priority_total(row, schema),
            rank=None,
            target_date=_date(row.values.get(target_column)),
            date_raised=_date(row.values.get(raised_column)),
        ))
    contenders = [item for item in drafts if item.total is not None and item.status in open_statuses]
    contenders.sort(key=lambda item: (-(item.total or 0), item.target_date or _LAST, item.date_raised or _LAST,
                                      item.item_id, item.row))
    ranks = {item.row: position for position, item in enumerate(contenders, start=1)}
    return Priorities(tuple(
        PriorityItem(item.row, item.item_id, item.status, item.total, ranks.get(item.row), item.target_date,
                     item.date_raised)
        for item in drafts
    ))

"""Priority totals and ranks: sum the ratings, rank the open items.

Total = the sum of the ratings (each within its schema range), or their product where the schema says so
(x-register "scoring": "product", a risk's likelihood x impact). Open items are ranked by total, highest
first; ties go to the earlier Target date (blank last), then the earlier Date raised, then the ID.
Closed items get no rank; items whose ratings are missing or invalid get neither a total nor a rank. Items
whose status is neither an open nor a closed one ("In progres", blank) are not ranked either, and are named.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xl_addin.engine.register import Register
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
    """Totals and ranks for a whole register, in sheet order; `unrated` names rows with invalid ratings,
    `off_list` the rated items not ranked because their status is neither open nor closed."""

    items: tuple[PriorityItem, ...]
    off_list: tuple[PriorityItem, ...] = ()

    @property
    def ranked(self) -> list[PriorityItem]:
        return sorted((item for item in self.items if item.rank is not None), key=lambda item: item.rank or 0)

    @property
    def unrated(self) -> list[PriorityItem]:
        return [item for item in self.items if item.total is None]


def _date(value: Any) -> dt.date | None:
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None


def _totals(register: Register, schema: RegisterSchema) -> list[int | None]:
    """Each item's total, column by column: None where a rating is missing, not a whole number or out of range."""
    ratings = schema.roles.get("ratings", [])
    if not ratings or any(name not in register.cells for name in ratings):
        return [None] * len(register)
    product = schema.scoring == "product"
    totals: list[int | None] = [1 if product else 0] * len(register)
    for name in ratings:
        column = schema.column(name)
        low = column.minimum if column.minimum is not None else -(10**18)
        high = column.maximum if column.maximum is not None else 10**18
        good = {value for value in set(register.cells[name])
                if type(value) is int and low <= value <= high}  # type(): True is not a rating of 1
        for index, value in enumerate(register.cells[name]):
            total = totals[index]
            if total is None or value not in good or type(value) is not int:
                totals[index] = None
            else:
                totals[index] = total * value if product else total + value
    return totals


def compute_priorities(register: Register, schema: RegisterSchema) -> Priorities:
    """Totals for every item and ranks for the open ones, by the tie-breaking rules above."""
    size = len(register)

    def column(role: str) -> Sequence[Any]:
        name = schema.role(role)
        return register.cells[name] if name and name in register.cells else [None] * size

    ids, statuses = column("id"), column("status")
    targets, raised = column("targetDate"), column("dateRaised")
    totals = _totals(register, schema)
    open_statuses = set(schema.open_statuses)
    identifiers = ["" if value is None else str(value) for value in ids]
    states = ["" if value is None else str(value) for value in statuses]
    target_dates, raised_dates = list(map(_date, targets)), list(map(_date, raised))
    keys = list(zip([-(total or 0) for total in totals], [day or _LAST for day in target_dates],
                    [day or _LAST for day in raised_dates], identifiers, register.row_numbers, strict=True))
    contenders = sorted((index for index in range(size)
                         if totals[index] is not None and states[index] in open_statuses), key=keys.__getitem__)
    ranks: list[int | None] = [None] * size
    for position, index in enumerate(contenders, start=1):
        ranks[index] = position
    items = tuple(map(PriorityItem, register.row_numbers, identifiers, states, totals, ranks, target_dates,
                      raised_dates))
    known = open_statuses | set(schema.closed_statuses) | set(schema.on_hold_statuses)  # on hold: paused, unranked
    return Priorities(items, tuple(item for item in items if item.total is not None and item.status not in known))

"""Overdue items: target date passed, status neither closed nor on hold; with days overdue, owner and
escalation. Items on hold are listed apart, with how long they have been paused."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from xl_addin.engine.register import Register
from xl_addin.engine.schema import RegisterSchema

DEFAULT_ESCALATION_DAYS = 30
NO_OWNER = "(no owner)"


@dataclass(frozen=True)
class OverdueItem:
    """One overdue item. `escalate` is set when nobody has reported progress for too long."""

    row: int
    item_id: str
    owner: str
    status: str
    target_date: dt.date
    days_overdue: int
    last_update: dt.date | None
    escalate: bool


def _date(value: Any) -> dt.date | None:
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None


def _columns(register: Register, schema: RegisterSchema) -> Callable[[str], Sequence[Any]]:
    """A role's column of values, all None where the register has no column for it."""
    blank = [None] * len(register)

    def column(role: str) -> Sequence[Any]:
        name = schema.role(role)
        return register.cells[name] if name and name in register.cells else blank

    return column


def overdue_items(register: Register, schema: RegisterSchema, *, as_of: dt.date,
                  escalation_days: int = DEFAULT_ESCALATION_DAYS) -> tuple[OverdueItem, ...]:
    """Items whose target date is before `as_of` and whose status is not closed, in sheet order.

    Escalate when Last update is empty or more than `escalation_days` before `as_of`; never when the register
    has no column for the last update (roles.limitations says so), as there is nothing to judge by.
    """
    target_column = schema.role("targetDate")
    if not target_column or target_column not in register.cells:
        return ()
    column = _columns(register, schema)
    targets, statuses = register.cells[target_column], column("status")
    ids, owners, updates = column("id"), column("owner"), column("lastUpdate")
    closed = {*schema.closed_statuses, *schema.on_hold_statuses}  # an item on hold is paused, not late
    judged = schema.role("lastUpdate") in register.cells
    found = []
    # column-wise: only the items whose target has passed are looked at one by one
    for index in [i for i, target in enumerate(targets) if type(target) is dt.date and target < as_of]:
        status = "" if statuses[index] is None else str(statuses[index])
        if status in closed:
            continue
        target = targets[index]
        last_update = _date(updates[index])
        found.append(OverdueItem(
            row=register.row_numbers[index],
            item_id="" if ids[index] is None else str(ids[index]),
            owner=("" if owners[index] is None else str(owners[index])) or NO_OWNER,
            status=status,
            target_date=target,
            days_overdue=(as_of - target).days,
            last_update=last_update,
            escalate=judged and (last_update is None or (as_of - last_update).days > escalation_days),
        ))
    return tuple(found)


@dataclass(frozen=True)
class DueItem:
    """An item due soon: its target date is today or within the days asked, and it is neither closed nor on
    hold."""

    row: int
    item_id: str
    owner: str
    status: str
    target_date: dt.date
    days_left: int


def due_items(register: Register, schema: RegisterSchema, *, as_of: dt.date, within_days: int) -> tuple[DueItem, ...]:
    """Items due from `as_of` to `within_days` after it (both days included), in sheet order."""
    target_column, status_column = schema.role("targetDate"), schema.role("status")
    if not target_column or target_column not in register.cells:
        return ()
    stopped = {*schema.closed_statuses, *schema.on_hold_statuses}
    last = as_of + dt.timedelta(days=within_days)
    column = _columns(register, schema)
    targets, statuses, ids, owners = register.cells[target_column], column("status"), column("id"), column("owner")
    found = []
    for index in [i for i, target in enumerate(targets) if type(target) is dt.date and as_of <= target <= last]:
        status = "" if statuses[index] is None or not status_column else str(statuses[index])
        if status in stopped:
            continue
        found.append(DueItem(
            row=register.row_numbers[index], item_id="" if ids[index] is None else str(ids[index]),
            owner=("" if owners[index] is None else str(owners[index])) or NO_OWNER, status=status,
            target_date=targets[index], days_left=(targets[index] - as_of).days))
    return tuple(found)


@dataclass(frozen=True)
class OnHoldItem:
    """An item on hold: paused, so never overdue. `since` is its Last update (when it was put on hold, as far as
    the register says), and `days` how long ago that was."""

    row: int
    item_id: str
    owner: str
    status: str
    target_date: dt.date | None
    since: dt.date | None
    days: int | None


def on_hold_items(register: Register, schema: RegisterSchema, *, as_of: dt.date) -> tuple[OnHoldItem, ...]:
    """Items at an on-hold status, in sheet order, with how long they have been paused."""
    status_column = schema.role("status")
    paused = set(schema.on_hold_statuses)
    if not paused or not status_column or status_column not in register.cells:
        return ()
    column = _columns(register, schema)
    statuses, ids, owners = register.cells[status_column], column("id"), column("owner")
    targets, updates = column("targetDate"), column("lastUpdate")
    found = []
    for index in [i for i, status in enumerate(statuses) if status in paused]:
        since = _date(updates[index])
        found.append(OnHoldItem(
            row=register.row_numbers[index], item_id="" if ids[index] is None else str(ids[index]),
            owner=("" if owners[index] is None else str(owners[index])) or NO_OWNER, status=str(statuses[index]),
            target_date=_date(targets[index]), since=since, days=(as_of - since).days if since else None))
    return tuple(found)


def by_owner(items: tuple[OverdueItem, ...]) -> dict[str, list[OverdueItem]]:
    """Overdue items grouped by owner, owners with the most overdue days first, items longest overdue first."""
    groups: dict[str, list[OverdueItem]] = defaultdict(list)
    for item in items:
        groups[item.owner].append(item)
    for group in groups.values():
        group.sort(key=lambda item: (-item.days_overdue, item.row))
    return dict(sorted(groups.items(), key=lambda pair: (-sum(i.days_overdue for i in pair[1]), pair[0])))

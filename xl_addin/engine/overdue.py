"""Overdue items: target date passed, status not closed; with days overdue, owner and escalation."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
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


def overdue_items(register: Register, schema: RegisterSchema, *, as_of: dt.date,
                  escalation_days: int = DEFAULT_ESCALATION_DAYS) -> tuple[OverdueItem, ...]:
    """Items whose target date is before `as_of` and whose status is not closed, in sheet order.

    Escalate when Last update is empty or more than `escalation_days` before `as_of`.
    """
    target_column = schema.role("targetDate")
    status_column = schema.role("status") or ""
    if not target_column:
        return ()
    closed = set(schema.closed_statuses)
    found = []
    for row in register.rows:
        target = _date(row.values.get(target_column))
        status = str(row.values.get(status_column, ""))
        if target is None or target >= as_of or status in closed:
            continue
        last_update = _date(row.values.get(schema.role("lastUpdate") or ""))
        stale = last_update is None or (as_of - last_update).days > escalation_days
        found.append(OverdueItem(
            row=row.number,
            item_id=str(row.values.get(schema.role("id") or "", "")),
            owner=str(row.values.get(schema.role("owner") or "", "")) or NO_OWNER,
            status=status,
            target_date=target,
            days_overdue=(as_of - target).days,
            last_update=last_update,
            escalate=stale,
        ))
    return tuple(found)


def by_owner(items: tuple[OverdueItem, ...]) -> dict[str, list[OverdueItem]]:
    """Overdue items grouped by owner, owners with the most overdue days first, items longest overdue first."""
    groups: dict[str, list[OverdueItem]] = defaultdict(list)
    for item in items:
        groups[item.owner].append(item)
    for group in groups.values():
        group.sort(key=lambda item: (-item.days_overdue, item.row))
    return dict(sorted(groups.items(), key=lambda pair: (-sum(i.days_overdue for i in pair[1]), pair[0])))

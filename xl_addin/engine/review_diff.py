"""What changed between two management reviews, from their snapshot JSON: new, removed and closed items,
status changes, target dates moved, priority and owner changes. Items are matched by their ID."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Kinds of change, in the order a review reads them.
KINDS = {
    "new": "New items",
    "closed": "Closed",
    "reopened": "Reopened",
    "status": "Status changes",
    "target-date": "Target dates moved",
    "priority": "Priority changes",
    "owner": "Owner changes",
    "removed": "Removed from the register",
}


@dataclass(frozen=True)
class Change:
    """One change to one item. `days` is how far a target date moved (positive: slipped)."""

    kind: str
    item_id: str
    column: str
    before: Any
    after: Any
    days: int | None = None

    def describe(self) -> str:
        if self.kind == "new":
            return f"{self.item_id}: {self.after}"
        if self.kind == "removed":
            return f"{self.item_id}: {self.before}"
        if self.kind == "target-date":
            if self.before is None or self.after is None:
                return f"{self.item_id}: {self.column} {_shown(self.before)} -> {_shown(self.after)}"
            way = "slipped" if (self.days or 0) > 0 else "pulled in"
            return f"{self.item_id}: {way} {abs(self.days or 0)} days ({self.before} -> {self.after})"
        return f"{self.item_id}: {self.column} {_shown(self.before)} -> {_shown(self.after)}"


def _shown(value: Any) -> str:
    return "(blank)" if value is None else str(value)


@dataclass(frozen=True)
class ReviewChanges:
    register: str
    old_as_of: str
    new_as_of: str
    changes: tuple[Change, ...]
    unmatched: int  # items without an ID, or with an ID used twice, which cannot be followed between reviews


def by_id(document: Mapping[str, Any]) -> tuple[dict[str, Mapping[str, Any]], int]:
    """A snapshot document's items by ID, and how many could not be matched (no ID, or an ID used twice)."""
    id_column = document["roles"].get("id")
    counted: dict[str, list[Mapping[str, Any]]] = {}
    for item in document["items"]:
        key = item["values"].get(id_column) if id_column else None
        if key is not None:
            counted.setdefault(str(key), []).append(item["values"])
    unique = {key: items[0] for key, items in counted.items() if len(items) == 1}
    return unique, len(document["items"]) - len(unique)


def _summary(values: Mapping[str, Any], roles: Mapping[str, Any]) -> str:
    parts = [str(values.get(roles[role])) for role in ("status", "description")
             if roles.get(role) and values.get(roles[role]) is not None]
    return " - ".join(parts)


def diff_snapshots(old: Mapping[str, Any], new: Mapping[str, Any]) -> ReviewChanges:
    roles: Mapping[str, Any] = new["roles"]
    closed = set(new.get("statuses", {}).get("closed", ()))
    before, unmatched_old = by_id(old)
    after, unmatched_new = by_id(new)
    changes: list[Change] = []
    for item_id, values in after.items():
        if item_id not in before:
            changes.append(Change("new", item_id, "", None, _summary(values, roles)))
            continue
        changes += _item_changes(item_id, before[item_id], values, roles, closed)
    changes += [Change("removed", item_id, "", _summary(values, roles), None)
                for item_id, values in before.items() if item_id not in after]
    order = list(KINDS)
    changes.sort(key=lambda change: (order.index(change.kind), change.item_id))
    return ReviewChanges(new["register"]["file"], old["asOf"], new["asOf"], tuple(changes),
                         max(unmatched_old, unmatched_new))


def change_kind(before: Any, after: Any, closed: set[str]) -> str | None:
    """"closed" when a status enters the closed ones, "reopened" when it leaves them, "status" for another
    change, None for none: the one rule for the diff and the snapshot's closed-since table."""
    if before == after:
        return None
    was_closed, is_closed = before in closed, after in closed
    return "closed" if is_closed and not was_closed else "reopened" if was_closed and not is_closed else "status"


def _item_changes(item_id: str, old: Mapping[str, Any], new: Mapping[str, Any], roles: Mapping[str, Any],
                  closed: set[str]) -> list[Change]:
    found = []
    status = roles.get("status")
    if status and old.get(status) != new.get(status):
        kind = change_kind(old.get(status), new.get(status), closed)
        found.append(Change(kind or "status", item_id, status, old.get(status), new.get(status)))
    target = roles.get("targetDate")
    if target and old.get(target) != new.get(target):
        moved = None
        if old.get(target) and new.get(target):
            moved = (dt.date.fromisoformat(new[target]) - dt.date.fromisoformat(old[target])).days
        found.append(Change("target-date", item_id, target, old.get(target), new.get(target), moved))
    for role, kind in (("total", "priority"), ("owner", "owner")):
        column = roles.get(role)
        if column and old.get(column) != new.get(column):
            found.append(Change(kind, item_id, column, old.get(column), new.get(column)))
    return found

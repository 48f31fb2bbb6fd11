"""Proposals against the register: a Source ref seen before fills only the cells still blank (what people
wrote is never overwritten); a new one becomes a new item with the next ID."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from xl_addin.engine.feeds.proposals import Proposal
from xl_addin.engine.id_form import IdForm

_NUMBERED = re.compile(r"^(.*?)(\d+)$")


@dataclass(frozen=True)
class Item:
    """An item already in the register: its sheet row and its values by role."""

    row: int
    values: Mapping[str, Any]


@dataclass
class ImportPlan:
    new_items: list[dict[str, Any]] = field(default_factory=list)  # values by role, with id and sourceRef
    fills: list[tuple[int, str, Any]] = field(default_factory=list)  # (sheet row, role, value)
    created: int = 0
    updated: int = 0
    skipped: int = 0  # proposals already in the register with nothing blank to fill


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def next_ids(existing: Sequence[Any], count: int, default_prefix: str = "IMP-", width: int = 4, *,
             numbered_as: IdForm | None = None) -> list[str]:
    """`count` new IDs after the highest numbered one (IMP-0061, IMP-0062...): in the register's form when it
    numbers (`numbered_as`: its own, or the schema's), else in the prefix and width of the highest there is."""
    if numbered_as is not None and numbered_as.numbered:
        return numbered_as.next_ids(existing, count)
    numbered = [(int(match.group(2)), match.group(1), len(match.group(2)))
                for value in existing if isinstance(value, str) and (match := _NUMBERED.match(value.strip()))]
    if numbered:
        top, prefix, width = max(numbered)
    else:
        top, prefix = 0, default_prefix
    return [f"{prefix}{number:0{width}d}" for number in range(top + 1, top + 1 + count)]


def plan_import(proposals: Sequence[Proposal], items: Sequence[Item], *, writable: set[str],
                numbered_as: IdForm | None = None) -> ImportPlan:
    """What to write: `writable` are the roles the register has a column for (others are left out); new items'
    IDs follow `numbered_as`, the register's numbered ID form, when it has one."""
    by_ref = {str(item.values["sourceRef"]).strip(): item for item in items
              if not _blank(item.values.get("sourceRef"))}
    plan = ImportPlan()
    fresh: list[dict[str, Any]] = []
    for proposal in proposals:
        item = by_ref.get(proposal.source_ref)
        if item is None:
            values = {role: value for role, value in proposal.values.items() if role in writable}
            fresh.append({**values, "sourceRef": proposal.source_ref})
            by_ref[proposal.source_ref] = Item(-1, fresh[-1])  # a feed listing it twice makes one item
            continue
        if item.row < 0:
            continue
        fills = [(item.row, role, value) for role, value in proposal.values.items()
                 if role in writable and _blank(item.values.get(role)) and not _blank(value)]
        plan.fills += fills
        if fills:
            plan.updated += 1
        else:
            plan.skipped += 1
    ids = next_ids([item.values.get("id") for item in items], len(fresh), numbered_as=numbered_as)
    plan.new_items = [{"id": new_id, **values} for new_id, values in zip(ids, fresh, strict=True)]
    plan.created = len(fresh)
    return plan

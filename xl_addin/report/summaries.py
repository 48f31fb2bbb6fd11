"""Short summaries of priorities, overdue items and snapshots, as text for people and JSON for programs."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from xl_addin.engine.overdue import OnHoldItem, OverdueItem, by_owner
from xl_addin.engine.priorities import Priorities
from xl_addin.engine.review_diff import KINDS, ReviewChanges
from xl_addin.report.csv_export import csv_text

if TYPE_CHECKING:
    from xl_addin.usecases.actions import SnapshotOutcome
    from xl_addin.usecases.feed_import import ImportOutcome
    from xl_addin.usecases.feed_measure import MeasureOutcome


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _notes(notes: Sequence[str]) -> list[str]:
    return [f"  Note: {note}" for note in notes]


def priorities_text(file: str, priorities: Priorities, *, top: int = 10, notes: Sequence[str] = ()) -> str:
    ranked = priorities.ranked
    lines = [f"{file}: {len(priorities.items)} items, {len(ranked)} open items ranked", *_notes(notes)]
    unrated = priorities.unrated
    if unrated:
        rows = ", ".join(str(item.row) for item in unrated)
        lines.append(f"  No total for {len(unrated)} item(s) with missing or invalid ratings "
                     f"({'row' if len(unrated) == 1 else 'rows'} {rows})")
    if priorities.off_list:
        named = ", ".join(f"{item.item_id or 'row ' + str(item.row)} ('{item.status}', row {item.row})"
                          if item.status else f"{item.item_id or 'row ' + str(item.row)} (no status, row {item.row})"
                          for item in priorities.off_list)
        lines.append(f"  Not ranked: {len(priorities.off_list)} item(s) whose status is neither open nor closed: "
                     f"{named}; correct the status to rank them")
    if ranked:
        lines.append(f"Top {min(top, len(ranked))} open priorities:")
        for item in ranked[:top]:
            target = f"target {_iso(item.target_date)}" if item.target_date else "no target date"
            lines.append(f"  {item.rank:>3}. {item.item_id:<10} total {item.total:>2}  {target:<18} "
                         f"{item.status} (row {item.row})")
    return "\n".join(lines) + "\n"


def priorities_json(file: str, priorities: Priorities, notes: Sequence[str] = ()) -> str:
    document = {
        "file": file,
        "items": [
            {"row": item.row, "id": item.item_id, "status": item.status, "total": item.total, "rank": item.rank,
             "target_date": _iso(item.target_date), "date_raised": _iso(item.date_raised)}
            for item in priorities.items
        ],
        "unrated_rows": [item.row for item in priorities.unrated],
        "off_list_status_rows": [item.row for item in priorities.off_list],
        "notes": list(notes),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _overdue_record(item: OverdueItem) -> dict[str, Any]:
    return {"row": item.row, "id": item.item_id, "owner": item.owner, "status": item.status,
            "target_date": _iso(item.target_date), "days_overdue": item.days_overdue,
            "last_update": _iso(item.last_update), "escalate": item.escalate}


def _paused(item: OnHoldItem) -> str:
    since = f"since {_iso(item.since)} ({item.days} days)" if item.since else "since when is not recorded"
    return f"{item.item_id or 'row ' + str(item.row)} {since}, {item.owner}, row {item.row}"


def overdue_text(file: str, items: Sequence[OverdueItem], as_of: dt.date, escalation_days: int,
                 notes: Sequence[str] = (), on_hold: Sequence[OnHoldItem] = ()) -> str:
    escalate = sum(1 for item in items if item.escalate)
    lines = [f"{file}: {len(items)} overdue item(s) as of {as_of.isoformat()}"
             + (f", {escalate} to escalate (no update in {escalation_days} days)" if escalate else ""),
             *_notes(notes)]
    for owner, group in by_owner(tuple(items)).items():
        count = f"{len(group)} item{'s' if len(group) != 1 else ''}"
        lines.append(f"  {owner}: {count}, the oldest {group[0].days_overdue} days overdue" if len(group) > 1
                     else f"  {owner}: {count}, {group[0].days_overdue} days overdue")
        for item in group:
            flag = "  ESCALATE" if item.escalate else ""
            lines.append(f"    {item.item_id:<10} {item.days_overdue:>4} days overdue (target "
                         f"{_iso(item.target_date)}), {item.status or '(no status)'}, row {item.row}{flag}")
    if on_hold:
        lines.append(f"On hold, so not overdue ({len(on_hold)}): " + "; ".join(map(_paused, on_hold)))
    return "\n".join(lines) + "\n"


def overdue_json(file: str, items: Sequence[OverdueItem], as_of: dt.date, escalation_days: int,
                 notes: Sequence[str] = (), on_hold: Sequence[OnHoldItem] = ()) -> str:
    document = {
        "file": file,
        "as_of": as_of.isoformat(),
        "escalation_days": escalation_days,
        "items": [_overdue_record(item) for item in items],
        "by_owner": {owner: [item.item_id for item in group] for owner, group in by_owner(tuple(items)).items()},
        "on_hold": [{"row": item.row, "id": item.item_id, "owner": item.owner, "status": item.status,
                     "target_date": _iso(item.target_date), "since": _iso(item.since), "days_on_hold": item.days}
                    for item in on_hold],
        "notes": list(notes),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def snapshot_text(outcome: SnapshotOutcome) -> str:
    """What a snapshot holds, in a few lines, and where it was written."""
    snapshot = outcome.snapshot
    since = snapshot.previous_review
    lines = [f"Snapshot of {snapshot.register_file} as of {snapshot.as_of:%Y-%m-%d %H:%M}: "
             f"{len(snapshot.items)} items.",
             f"Last review: {since} (from {outcome.previous.name})" if outcome.previous else
             f"Last review: {since}" if since else "Last review: none found; every item counts as new."]
    for key in ("overdue-by-owner", "closed-since", "new-since", "open-by-priority", "completed-without-outcome"):
        table = snapshot.table(key)
        lines.append(f"  {table.title}: {table.unavailable or len(table.rows)}")
    median = snapshot.steady_stream.median_days_to_close
    lines.append(f"  Median days from raised to closed: {median if median is not None else 'n/a'}")
    lines += [f"  Warning: {finding.message}" for finding in snapshot.findings]
    lines += [f"Wrote {path}" for path in (outcome.workbook, outcome.report, outcome.document, outcome.pdf) if path]
    if outcome.pdf_note:
        lines.append(outcome.pdf_note)
    return "\n".join(lines) + "\n"


OVERDUE_CSV_COLUMNS = ("Owner", "ID", "Status", "Target date", "Days overdue", "Last update", "Escalate", "Row")


def overdue_csv(file: str, items: Sequence[OverdueItem], as_of: dt.date, escalation_days: int,
                notes: Sequence[str] = (), on_hold: Sequence[OnHoldItem] = ()) -> str:
    """The overdue list by owner as CSV, safe to open in a spreadsheet (rows only: notes are for the text and
    JSON forms)."""
    rows = [(owner, item.item_id, item.status, _iso(item.target_date), item.days_overdue, _iso(item.last_update),
             "yes" if item.escalate else "no", item.row)
            for owner, group in by_owner(tuple(items)).items() for item in group]
    return csv_text(OVERDUE_CSV_COLUMNS, rows)


def changes_text(changes: ReviewChanges) -> str:
    lines = [f"Changes in {changes.register} between the review of {changes.old_as_of} and that of "
             f"{changes.new_as_of}:"]
    if not changes.changes:
        lines.append("  No changes.")
    for kind, heading in KINDS.items():
        group = [change for change in changes.changes if change.kind == kind]
        if group:
            lines.append(f"  {heading} ({len(group)}):")
            lines += [f"    {change.describe()}" for change in group]
    if changes.unmatched:
        lines.append(f"  Note: {changes.unmatched} item(s) have no ID or share one, so they cannot be followed "
                     "from one review to the next.")
    return "\n".join(lines) + "\n"


def changes_json(changes: ReviewChanges) -> str:
    document = {
        "register": changes.register,
        "from": changes.old_as_of,
        "to": changes.new_as_of,
        "changes": [{"kind": c.kind, "id": c.item_id, "column": c.column or None, "before": c.before,
                     "after": c.after, "days": c.days} for c in changes.changes],
        "unmatched": changes.unmatched,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"



def import_text(outcome: ImportOutcome) -> str:
    """What an import read, what it proposed, and what it did with each proposal."""
    read, plan = outcome.records, outcome.plan
    lines = [f"Read {outcome.feed.name} ({outcome.table.where}) with mapping {outcome.mapping.name} "
             f"({outcome.mapping.kind}): {read.rows_read} rows, {read.rows_used} used."]
    lines += [f"  {problem}" for problem in read.problems]
    new_refs = {item["sourceRef"]: item for item in plan.new_items}
    if outcome.proposals:
        lines.append(f"Proposed {len(outcome.proposals)} item(s):")
    for proposal in outcome.proposals:
        new = new_refs.get(proposal.source_ref)
        state = f"new {new.get('id')}" if new else "in the register"
        lines.append(f"  {proposal.source_ref}  [{state}]  {proposal.values.get('description', '')}")
    verb = "Would create" if outcome.would_write else "Created"
    lines.append(f"{verb} {plan.created} item(s); {'would fill' if outcome.would_write else 'filled'} blank cells "
                 f"of {plan.updated}; {plan.skipped} already in the register as they are.")
    if outcome.closed_left_out:
        lines.append(f"Left out, as the mapping's closed-findings = \"skip\" says: {len(outcome.closed_left_out)} "
                     f"finding(s) the log marks closed ({', '.join(outcome.closed_left_out)}).")
    closed = sum(1 for item in plan.new_items if item.get("closureDate"))
    if plan.new_items:
        lines.append("New open items start unrated: rate them (the priority ratings) and give them an owner at "
                     "triage." + (f" {closed} the log marks closed came in closed, with the log's closure date."
                                  if closed else ""))
    if outcome.added_column:
        table = " (its table grows to hold it)" if outcome.added_to_table else ""
        lines.append(f"The register had no '{outcome.added_column}' column, which finds imported items again on the "
                     f"next import: it was added after the register's last column{table}, nothing else.")
    if outcome.not_written:
        lines.append(f"The register has no column for: {', '.join(outcome.not_written)} (left out).")
    return "\n".join(lines) + "\n"


def measure_text(outcome: MeasureOutcome) -> str:
    """Each measured item: its metric before and after, with the tickets behind each figure."""
    lines = []
    for item in outcome.items:
        found = item.measurement
        if found is None:
            lines.append(f"{item.item_id} {item.key_text}: {item.note}")
            continue
        after = found.after.describe(found.key) if found.after else f"due after {found.due}"
        lines.append(f"{item.item_id} {found.key.label}: before {found.before.describe(found.key)}; after {after}"
                     + (f". Note: {item.note}" if item.note else ""))
    if not outcome.items:
        lines.append("No item has a Metric key: nothing to measure.")
    filled = len(outcome.fills)
    lines.append(f"Measured {sum(1 for item in outcome.items if item.measurement)} item(s); {filled} blank "
                 "Baseline or Measured outcome cell(s) " + ("filled." if outcome.written else "to fill (-o or "
                                                            "--in-place writes them and the Measurements sheet)."))
    return "\n".join(lines) + "\n"

"""Audit findings: one item each. A non-conformity becomes a Corrective action; an observation or an
opportunity for improvement an Improvement. A finding keeps its state: one the log marks closed comes in
closed (completed, with its closure date and verification), or is left out when the mapping says so; its
severity is carried, never dropped."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from xl_addin.engine.feeds.proposals import Proposal

DEFAULT_SOURCE = "Internal audit"
# Where a finding stands, in the words audit logs use; the register's own status words are chosen for each
# (workbook.feed_import) by the part it plays.
State = Literal["open", "planned", "in progress", "completed", "cancelled"]
_STATES: dict[str, State] = {
    **dict.fromkeys(("closed", "complete", "completed", "done", "verified", "resolved", "closed verified",
                     "closed - verified", "effective"), "completed"),
    **dict.fromkeys(("withdrawn", "cancelled", "canceled", "rejected", "void", "not accepted", "duplicate"),
                    "cancelled"),
    **dict.fromkeys(("in progress", "in-progress", "wip", "ongoing", "being implemented", "implementing",
                     "awaiting verification", "pending verification"), "in progress"),
    **dict.fromkeys(("planned", "action planned", "accepted", "scheduled"), "planned"),
}


def is_nonconformity(finding_type: Any) -> bool:
    words = " ".join(str(finding_type or "").casefold().replace("-", " ").split())
    return "non conform" in words or "nonconform" in words or words in {"nc", "major", "minor", "major nc",
                                                                        "minor nc"}


def finding_state(status: Any) -> State:
    """Where a finding stands by the log's status word (open when the log says nothing the list knows)."""
    return _STATES.get(" ".join(str(status or "").casefold().split()), "open")


@dataclass(frozen=True)
class FindingsRead:
    proposals: list[Proposal]
    closed_left_out: list[str]  # finding IDs the log marks closed, left out by the mapping's closed-findings


def _date(value: Any) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value if isinstance(value, dt.date) else None


def finding_proposals(records: Sequence[Mapping[str, Any]], *, as_of: dt.date, sources: Mapping[str, str],
                      closed_findings: str = "import", severity_column: bool = False) -> FindingsRead:
    """One proposal per finding; `severity_column`: the register has a column for severity (else it goes into
    the description)."""
    proposals = []
    left_out = []
    for record in records:
        state = finding_state(record.get("status"))
        finding_id = str(record["finding_id"])
        if state in ("completed", "cancelled") and closed_findings == "skip":
            left_out.append(finding_id)
            continue
        raised = _date(record.get("finding_date"))
        notes = [str(note) for note in (record.get("control"),) if note]
        severity = record.get("severity")
        if severity and not severity_column:
            notes.append(f"severity {severity}")
        description = str(record["description"]) + (f" ({'; '.join(notes)})" if notes else "")
        source_word = record.get("source")
        values: dict[str, Any] = {
            "description": description,
            "source": sources.get(str(source_word), DEFAULT_SOURCE) if source_word else DEFAULT_SOURCE,
            "type": "Corrective action" if is_nonconformity(record.get("finding_type")) else "Improvement",
            "state": state,
            "dateRaised": raised or as_of,
        }
        if severity and severity_column:
            values["severity"] = severity
        if record.get("owner"):
            values["owner"] = record["owner"]
        target = _date(record.get("target_date"))
        if target:
            values["targetDate"] = target
        closed = _date(record.get("closure_date"))
        if state in ("completed", "cancelled") and closed:
            values["closureDate"] = closed
        if state == "completed" and record.get("verification"):
            values["measuredOutcome"] = record["verification"]
        proposals.append(Proposal(finding_id, values))
    return FindingsRead(proposals, left_out)

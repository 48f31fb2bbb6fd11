"""Audit findings: one item each. A non-conformity becomes a Corrective action; an observation or an
opportunity for improvement an Improvement."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from xl_addin.engine.feeds.proposals import Proposal

DEFAULT_SOURCE = "Internal audit"


def is_nonconformity(finding_type: Any) -> bool:
    words = " ".join(str(finding_type or "").casefold().replace("-", " ").split())
    return "non conform" in words or "nonconform" in words or words in {"nc", "major", "minor", "major nc",
                                                                        "minor nc"}


def finding_proposals(records: Sequence[Mapping[str, Any]], *, as_of: dt.date,
                      sources: Mapping[str, str]) -> list[Proposal]:
    proposals = []
    for record in records:
        raised = record.get("finding_date")
        control = record.get("control")
        description = str(record["description"])
        if control:
            description = f"{description} ({control})"
        source_word = record.get("source")
        values: dict[str, Any] = {
            "description": description,
            "source": sources.get(str(source_word), DEFAULT_SOURCE) if source_word else DEFAULT_SOURCE,
            "type": "Corrective action" if is_nonconformity(record.get("finding_type")) else "Improvement",
            "status": "Identified",
            "dateRaised": raised.date() if isinstance(raised, dt.datetime) else as_of,
        }
        if record.get("owner"):
            values["owner"] = record["owner"]
        target = record.get("target_date")
        if isinstance(target, dt.datetime):
            values["targetDate"] = target.date()
        proposals.append(Proposal(str(record["finding_id"]), values))
    return proposals

"""Satisfaction surveys: the mean score per group and month (on a scale of 5), and an item where it stays
below the limit. Only scores, dates and groups are read: comments and names never reach the register."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from xl_addin.engine.feeds.mapping import Thresholds
from xl_addin.engine.feeds.proposals import Proposal, consecutive_runs, month_of

Means = dict[tuple[str, str], tuple[float, int]]  # (group, month) -> (mean of 5, responses)


def monthly_means(records: Sequence[Mapping[str, Any]], limits: Thresholds, *, before: dt.date) -> Means:
    scores: dict[tuple[str, str], list[float]] = defaultdict(list)
    cut = month_of(before)
    for record in records:
        month = month_of(record["answered"])
        if month < cut:
            scores[(str(record.get("group") or "All responses"), month)].append(
                float(record["score"]) * 5 / limits.satisfaction_scale)
    return {key: (statistics.fmean(values), len(values)) for key, values in scores.items()}


def survey_proposals(records: Sequence[Mapping[str, Any]], limits: Thresholds, *,
                     as_of: dt.date) -> tuple[list[Proposal], Means]:
    means = monthly_means(records, limits, before=as_of)
    low: dict[str, list[str]] = defaultdict(list)
    for (group, month), (mean, count) in sorted(means.items()):
        if count >= limits.min_responses and mean < limits.satisfaction_below:
            low[group].append(month)
    proposals = []
    for group, months in sorted(low.items()):
        for run in consecutive_runs(months, limits.satisfaction_months):
            shown = "; ".join(f"{month}: {means[(group, month)][0]:.2f} from {means[(group, month)][1]} responses"
                              for month in run)
            mean, count = means[(group, run[-1])]
            proposals.append(Proposal(f"CSAT:{group}:{run[0]}", {
                "description": f"Customer satisfaction for {group} below {limits.satisfaction_below:g} of 5 for "
                               f"{len(run)} months running ({shown}).",
                "source": "Customer satisfaction", "type": "Improvement", "state": "open",
                "dateRaised": as_of,
                "successMetric": f"Mean satisfaction score for {group} per month (of 5)",
                "baseline": f"{mean:.2f} of 5 from {count} responses ({run[-1]})",
            }))
    return proposals, means

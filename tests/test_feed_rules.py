"""The trigger rules on hand-made monthly figures: what proposes an item and what does not."""

from __future__ import annotations

import datetime as dt

from xl_addin.engine.feeds.mapping import Thresholds
from xl_addin.engine.feeds.merge import Item, next_ids, plan_import
from xl_addin.engine.feeds.proposals import Proposal
from xl_addin.engine.feeds.records import read_date
from xl_addin.engine.feeds.tickets import Month, breach_proposals, priority_one_proposals
from xl_addin.engine.id_form import form_of_pattern

AS_OF = dt.date(2026, 11, 25)
LIMITS = Thresholds()


def _month(tickets: int, breached: int = 0) -> Month:
    return Month(tickets=tickets, breached=breached)


def test_priority_one_counts_rising_three_months_running_propose_one_item() -> None:
    figures = {("Payments", "1", "2026-07"): _month(1), ("Payments", "1", "2026-08"): _month(2),
               ("Payments", "1", "2026-09"): _month(4), ("Payments", "1", "2026-10"): _month(3),
               ("Email", "1", "2026-07"): _month(1), ("Email", "1", "2026-08"): _month(2),
               ("Email", "1", "2026-10"): _month(3)}  # September had none: the rise is broken
    (proposal,) = priority_one_proposals(figures, LIMITS, as_of=AS_OF)
    assert proposal.source_ref == "P1:Payments:2026-07"
    assert proposal.values["description"] == ("Priority-1 incidents in Payments rose 3 months running "
                                              "(1 in 2026-07, 2 in 2026-08, 4 in 2026-09).")
    assert proposal.values["baseline"] == "4 priority-1 incidents (2026-09)"


def test_breaches_need_enough_tickets_and_consecutive_months() -> None:
    figures = {("HR", "2", "2026-08"): _month(20, 5), ("HR", "2", "2026-09"): _month(20, 5),  # 25%, 25%
               ("IT", "2", "2026-07"): _month(30, 9), ("IT", "2", "2026-09"): _month(30, 9),  # a gap in August
               ("Ops", "3", "2026-08"): _month(19, 10), ("Ops", "3", "2026-09"): _month(19, 10),  # too few
               ("Fin", "2", "2026-08"): _month(20, 4), ("Fin", "2", "2026-09"): _month(20, 5)}  # 20% is not above
    assert [p.source_ref for p in breach_proposals(figures, LIMITS, as_of=AS_OF)] == ["SLA:HR:2:2026-08"]


def test_dates_as_exports_write_them() -> None:
    assert read_date("29-02-2016 01:16", "dmy") == dt.datetime(2016, 2, 29, 1, 16)
    assert read_date("25/Feb/26 10:17 PM", "dmy") == dt.datetime(2026, 2, 25, 22, 17)
    assert read_date("01-Aug-23", "dmy") == dt.datetime(2023, 8, 1)
    assert read_date("2026-09-03 14:00:00", None) == dt.datetime(2026, 9, 3, 14)
    assert read_date("03/04/2026", None) is None  # ambiguous without a date order


def test_merging_fills_only_blanks_and_numbers_new_items_after_the_highest_id() -> None:
    items = [Item(2, {"id": "IMP-0007", "sourceRef": "A-1", "owner": "Ana", "baseline": None}),
             Item(3, {"id": "IMP-0012", "sourceRef": None})]
    proposals = [Proposal("A-1", {"owner": "Bob", "baseline": "5"}), Proposal("A-2", {"owner": "Cy"}),
                 Proposal("A-2", {"owner": "Cy"})]
    plan = plan_import(proposals, items, writable={"owner", "baseline", "id", "sourceRef"})
    assert plan.fills == [(2, "baseline", "5")] and plan.updated == 1
    assert plan.new_items == [{"id": "IMP-0013", "owner": "Cy", "sourceRef": "A-2"}] and plan.created == 1
    assert next_ids([], 2) == ["IMP-0001", "IMP-0002"] and next_ids(["CAPA-99"], 1) == ["CAPA-100"]
    # a schema whose IDs are numbered its own way (the audit findings example, ^AF-[0-9]{3,}$) numbers new items
    # so, in an empty register too, and counts only the IDs of its form
    audit = form_of_pattern("^AF-[0-9]{3,}$")
    assert next_ids([], 2, numbered_as=audit) == ["AF-001", "AF-002"]
    assert next_ids(["AF-007", "IMP-0099", None], 1, numbered_as=audit) == ["AF-008"]
    plan = plan_import([Proposal("F-9", {})], [], writable={"id", "sourceRef"}, numbered_as=audit)
    assert plan.new_items == [{"id": "AF-001", "sourceRef": "F-9"}]

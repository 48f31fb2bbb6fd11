"""Priorities and overdue on hand-checked registers."""

from __future__ import annotations

import datetime as dt

from xl_addin.engine.marks import overdue_marks, priority_marks, row_blocks
from xl_addin.engine.overdue import by_owner, overdue_items
from xl_addin.engine.priorities import compute_priorities
from xl_addin.engine.register import HeaderLayout, Register, RegisterRow

D = dt.date
RATINGS = ("Customer impact", "Risk reduction", "Efficiency gain", "Compliance")


def register_of(schema, rows: list[dict]) -> Register:
    layout = HeaderLayout({column.name: index for index, column in enumerate(schema.columns, start=1)})
    return Register.from_rows("hand.xlsx", "Register", 1, layout,
                              [RegisterRow(number, values) for number, values in enumerate(rows, start=2)])


def item(item_id: str, status: str, ratings: tuple[int, ...], target: dt.date | None, raised: dt.date,
         **more: object) -> dict:
    values = {"ID": item_id, "Status": status, "Date raised": raised, **dict(zip(RATINGS, ratings))}  # noqa: B905 (fewer ratings = one missing)
    if target:
        values["Target date"] = target
    values.update({key.replace("_", " "): value for key, value in more.items()})
    return values


# The hand-checked example of the closing note: every tie-break rule decides at least one place.
HAND_CHECKED = [
    (item("IMP-0001", "Planned", (3, 3, 3, 3), D(2026, 12, 1), D(2026, 1, 10)), 12, 1),
    (item("IMP-0002", "In progress", (3, 3, 2, 2), D(2026, 11, 1), D(2026, 2, 1)), 10, 2),
    (item("IMP-0003", "Planned", (2, 2, 3, 3), D(2026, 12, 15), D(2026, 1, 5)), 10, 4),
    (item("IMP-0004", "Identified", (3, 2, 3, 2), None, D(2026, 1, 1)), 10, 5),
    (item("IMP-0005", "In progress", (3, 3, 3, 1), D(2026, 12, 15), D(2026, 1, 2)), 10, 3),
    (item("IMP-0006", "Completed", (3, 3, 3, 3), D(2026, 5, 1), D(2026, 1, 2)), 12, None),
    (item("IMP-0007", "Cancelled", (2, 2, 2, 2), D(2026, 5, 1), D(2026, 1, 2)), 8, None),
    (item("IMP-0009", "Planned", (1, 1, 1, 1), D(2026, 12, 15), D(2026, 1, 2)), 4, 7),
    (item("IMP-0008", "Planned", (1, 1, 1, 1), D(2026, 12, 15), D(2026, 1, 2)), 4, 6),
    (item("IMP-0010", "Planned", (4, 1, 1, 1), D(2026, 12, 15), D(2026, 1, 2)), None, None),
    (item("IMP-0011", "Planned", (2, 2, 2), D(2026, 12, 15), D(2026, 1, 2)), None, None),
]


def test_hand_checked_ranks_with_ties(schema) -> None:
    rows = [values for values, _, _ in HAND_CHECKED]
    result = compute_priorities(register_of(schema, rows), schema)
    assert [(i.item_id, i.total, i.rank) for i in result.items] == \
        [(values["ID"], total, rank) for values, total, rank in HAND_CHECKED]
    assert [i.item_id for i in result.unrated] == ["IMP-0010", "IMP-0011"]
    assert [i.item_id for i in result.ranked] == ["IMP-0001", "IMP-0002", "IMP-0005", "IMP-0003", "IMP-0004",
                                                  "IMP-0008", "IMP-0009"]


def test_priority_marks_are_whole_columns(schema) -> None:
    register = register_of(schema, [values for values, _, _ in HAND_CHECKED])
    marks = priority_marks(register, schema, compute_priorities(register, schema))
    total, rank = marks.values
    assert (total.column, total.first_row, rank.column) == (11, 2, 12)
    assert total.values == tuple(t for _, t, _ in HAND_CHECKED)
    assert rank.values == tuple(r for _, _, r in HAND_CHECKED)


def test_overdue_days_owner_and_escalation(schema) -> None:
    as_of = D(2026, 11, 25)
    rows = [
        item("IMP-0001", "In progress", (1, 1, 1, 1), D(2026, 11, 24), D(2026, 1, 1), Owner="Ana",
             Last_update=D(2026, 11, 20)),
        item("IMP-0002", "Planned", (1, 1, 1, 1), D(2026, 10, 1), D(2026, 1, 1), Owner="Ana",
             Last_update=D(2026, 10, 26)),  # 30 days: not yet escalated
        item("IMP-0003", "Planned", (1, 1, 1, 1), D(2026, 10, 1), D(2026, 1, 1), Owner="Ana",
             Last_update=D(2026, 10, 25)),  # 31 days
        item("IMP-0004", "Identified", (1, 1, 1, 1), D(2026, 9, 1), D(2026, 1, 1)),  # no owner, no update
        item("IMP-0005", "Completed", (1, 1, 1, 1), D(2026, 1, 5), D(2026, 1, 1)),
        item("IMP-0006", "Cancelled", (1, 1, 1, 1), D(2026, 1, 5), D(2026, 1, 1)),
        item("IMP-0007", "Planned", (1, 1, 1, 1), as_of, D(2026, 1, 1), Owner="Ben"),  # due today: not overdue
        item("IMP-0008", "Planned", (1, 1, 1, 1), None, D(2026, 1, 1), Owner="Ben"),
    ]
    found = overdue_items(register_of(schema, rows), schema, as_of=as_of)
    assert [(i.item_id, i.days_overdue, i.owner, i.escalate) for i in found] == [
        ("IMP-0001", 1, "Ana", False), ("IMP-0002", 55, "Ana", False), ("IMP-0003", 55, "Ana", True),
        ("IMP-0004", 85, "(no owner)", True)]
    assert {owner: [i.item_id for i in group] for owner, group in by_owner(found).items()} == {
        "Ana": ["IMP-0002", "IMP-0003", "IMP-0001"], "(no owner)": ["IMP-0004"]}
    shorter = overdue_items(register_of(schema, rows), schema, as_of=as_of, escalation_days=7)
    assert [i.escalate for i in shorter] == [False, True, True, True]
    fills = overdue_marks(register_of(schema, rows), found).fills
    assert [(f.first_row, f.last_row, f.first_column, f.last_column) for f in fills] == [(2, 5, 1, len(schema.columns))]


def test_row_blocks() -> None:
    assert row_blocks([9, 2, 3, 4, 7, 8, 12]) == [(2, 4), (7, 9), (12, 12)]
    assert row_blocks([]) == []

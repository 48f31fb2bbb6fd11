from __future__ import annotations

import datetime as dt

from tests.keywords.example import assert_example_holds, findings
from xl_addin.engine.keywords import not_before


def test_example() -> None:
    assert_example_holds(not_before.KEYWORD)


def test_nothing_to_compare_when_a_date_is_missing_or_not_a_date() -> None:
    rows = [{"Target date": dt.date(2026, 1, 1)}, {"Date raised": dt.date(2026, 3, 1), "Target date": "soon"}]
    assert [code for _, _, code in findings(not_before.KEYWORD, rows)] == ["not-a-date"]


def test_the_same_day_is_not_before() -> None:
    day = dt.date(2026, 3, 1)
    assert findings(not_before.KEYWORD, [{"Date raised": day, "Target date": day}]) == []


def test_the_columns_it_names() -> None:
    assert not_before.columns({"Target date": "Date raised"}) == ["Target date", "Date raised"]

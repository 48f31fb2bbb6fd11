from __future__ import annotations

import datetime as dt

from tests.keywords.example import assert_example_holds, findings
from xl_addin.engine.keywords import not_in_future


def test_example() -> None:
    assert_example_holds(not_in_future.KEYWORD)


def test_today_itself_is_not_the_future() -> None:
    today = not_in_future.KEYWORD.example.today
    assert findings(not_in_future.KEYWORD, [{"Date raised": today}]) == []
    assert findings(not_in_future.KEYWORD, [{"Date raised": today + dt.timedelta(days=1)}]) == \
        [(0, "Date raised", "future-date")]

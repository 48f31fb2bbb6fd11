from __future__ import annotations

from tests.keywords.example import assert_example_holds, findings
from xl_addin.engine.keywords import needs_follow_up


def test_example() -> None:
    assert_example_holds(needs_follow_up.KEYWORD)


def test_only_the_value_named_calls_for_a_follow_up() -> None:
    rows = [{"ID": "IMP-0001", "Effective": "Partly"}, {"ID": "IMP-0002", "Effective": "Yes"},
            {"ID": "IMP-0003"}]
    assert findings(needs_follow_up.KEYWORD, rows) == []


def test_a_follow_up_pointing_elsewhere_does_not_count_and_the_message_says_what_to_do() -> None:
    rows = [{"ID": "IMP-0001", "Effective": "No"}, {"ID": "IMP-0002", "Iteration of": "IMP-0009"}]
    assert findings(needs_follow_up.KEYWORD, rows) == [(0, "Effective", "no-follow-up")]
    assert findings(needs_follow_up.KEYWORD, rows, quick=False) == [(0, "Effective", "no-follow-up")]


def test_the_columns_it_names() -> None:
    value = {"when": {"Effective": "No"}, "followUp": "Iteration of", "id": "ID"}
    assert needs_follow_up.columns(value) == ["Effective", "Iteration of", "ID"]

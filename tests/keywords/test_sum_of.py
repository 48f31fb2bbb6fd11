from __future__ import annotations

from tests.keywords.example import assert_example_holds, findings
from xl_addin.engine.keywords import sum_of


def test_example() -> None:
    assert_example_holds(sum_of.KEYWORD)


def test_an_empty_total_is_not_checked() -> None:
    assert findings(sum_of.KEYWORD, [{"Customer impact": 2, "Risk reduction": 3}]) == []


def test_a_total_over_invalid_parts_is_left_to_the_parts_findings() -> None:
    rows = [{"Customer impact": "two", "Risk reduction": 3, "Priority total": 6}]
    assert findings(sum_of.KEYWORD, rows) == [(0, "Customer impact", "wrong-type")]


def test_the_message_adds_up_the_parts() -> None:
    from tests.keywords.example import register_of, schema_for
    from xl_addin.engine.validate import check_register

    schema = schema_for(sum_of.KEYWORD)
    (finding,) = check_register(register_of(schema, sum_of.KEYWORD.example.failing), schema,
                                today=sum_of.KEYWORD.example.today)
    assert finding.message == "Priority total says 6, but Customer impact, Risk reduction add up to 5."

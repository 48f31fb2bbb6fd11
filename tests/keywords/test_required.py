from __future__ import annotations

from tests.keywords.example import assert_example_holds, findings
from xl_addin.engine.keywords import required


def test_example() -> None:
    assert_example_holds(required.KEYWORD)


def test_an_empty_cell_is_missing_and_the_finding_names_the_column() -> None:
    assert findings(required.KEYWORD, [{"ID": "IMP-0001", "Description": None}]) == \
        [(0, "Description", "missing-value")]


def test_inside_an_if_then_rule_it_names_the_status(schema) -> None:
    import datetime as dt

    from tests.keywords.example import register_of
    from xl_addin.engine.validate import check_register

    register = register_of(schema, [{"ID": "IMP-0001", "Status": "Planned"}])
    codes = {(f.column, f.code): f.message for f in check_register(register, schema, today=dt.date(2026, 11, 25))}
    assert codes[("Owner", "required-for-status")] == "Owner is required when Status is Planned, but it is empty."

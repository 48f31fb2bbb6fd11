from __future__ import annotations

from tests.keywords.example import assert_example_holds, findings
from xl_addin.engine.keywords import unique_in_register


def test_example() -> None:
    assert_example_holds(unique_in_register.KEYWORD)


def test_message_names_every_row_holding_the_value() -> None:
    import datetime as dt

    from tests.keywords.example import register_of, schema_for
    from xl_addin.engine.validate import check_register

    schema = schema_for(unique_in_register.KEYWORD)
    register = register_of(schema, [{"ID": "IMP-0001"}, {"ID": "IMP-0002"}, {"ID": "IMP-0001"}])
    (first, second) = check_register(register, schema, today=dt.date(2026, 11, 25))
    assert first.message == "ID 'IMP-0001' is used 2 times in the register (rows 2, 4); each item needs its own."
    assert (first.row, second.row) == (2, 4)


def test_empty_cells_are_not_duplicates_and_only_repeated_values_are_kept() -> None:
    assert findings(unique_in_register.KEYWORD, [{}, {}, {"ID": "IMP-0003"}]) == []
    occurrences = unique_in_register.occurrences(["ID"], {"ID": ["A", "B", "A", None, None]}, [2, 3, 4, 5, 6])
    assert occurrences == {"ID": {"A": (2, 4)}}

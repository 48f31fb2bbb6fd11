"""engine.row_errors reports a row's errors exactly as jsonschema does: keyword, its value, the value, the
path, the place in the schema, the message and the order, on generated rows under the bundled schemas."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import AS_OF
from tests.test_properties import SCHEMA, TEXT, as_register, valid_item
from xl_addin.engine.keywords import register_validator
from xl_addin.engine.row_errors import row_errors
from xl_addin.engine.schema import RegisterSchema
from xl_addin.engine.validate import register_context
from xl_addin.workbook.formats.schema_file import load_schema

SCHEMAS = {"default": SCHEMA, "risk": load_schema(Path(__file__).parent / "schemas" / "risk_register.schema.json")}
ANYTHING = st.one_of(TEXT, st.integers(-5, 20), st.floats(allow_nan=False, allow_infinity=False),
                     st.sampled_from([3.0, 1.0, 0, 1, True, False, "", " ", "Planned", "Completed", "IMP-0001",
                                      "2", "25/11/2026", "x" * 600]),
                     st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)),
                     st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2030, 1, 1)))


@st.composite
def rows(draw: st.DrawFn, schema: RegisterSchema) -> list[dict[str, Any]]:
    """Up to four items: valid ones under the default schema, with cells replaced or removed."""
    names = [column.name for column in schema.columns]
    items = []
    for number in range(draw(st.integers(1, 4))):
        item = dict(draw(valid_item(number % 2 + 1))) if schema is SCHEMA else {}
        for column in draw(st.lists(st.sampled_from(names), max_size=6 if schema is SCHEMA else 12)):
            if draw(st.booleans()) and column in item:
                item.pop(column)
            else:
                item[column] = draw(ANYTHING)
        items.append(item)
    return items


def described(error: Any) -> tuple[Any, ...]:
    return (error.validator, error.validator_value, error.instance, tuple(error.path), tuple(error.schema_path),
            error.message)


@pytest.mark.parametrize("name", SCHEMAS)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_errors_are_jsonschemas(name: str, data: st.DataObject) -> None:
    schema = SCHEMAS[name]
    items = data.draw(rows(schema))
    register = as_register(items, [column.name for column in schema.columns])
    context = register_context(register, schema, today=AS_OF)
    direct = row_errors(schema.document, context)
    assert direct is not None
    validator = register_validator(schema.document, context)
    for item in items:
        assert [described(e) for e in direct(item)] == [described(e) for e in validator.iter_errors(item)]


def test_a_schema_beyond_these_checks_gets_jsonschema() -> None:
    register = as_register([], [column.name for column in SCHEMA.columns])
    context = register_context(register, SCHEMA, today=AS_OF)
    for extra in ({"oneOf": [{"required": ["ID"]}]}, {"properties": {"ID": {"type": "string", "format": "email"}}},
                  {"allOf": [{"if": {"properties": {"Status": {"enum": ["Closed"]}}}, "then": {"required": ["ID"]}}]}):
        assert row_errors({**SCHEMA.document, **extra}, context) is None, extra


@settings(max_examples=200, deadline=None)
@given(values=st.sets(st.one_of(TEXT, st.integers(-5, 20), st.floats(allow_nan=False), st.booleans(),
                                st.sampled_from(["", "x" * 600, 3.0]), st.dates(), st.datetimes()), max_size=12))
def test_a_rule_over_distinct_values_agrees_with_it_value_by_value(values: set[Any]) -> None:
    from xl_addin.engine.value_rules import value_rules

    for spec in [*SCHEMA.document["properties"].values(),
                 {"type": ["integer", "string"], "minLength": 3, "maxLength": 5}, {"const": "Yes"}, {"not": {}}]:
        for rule in value_rules(spec):
            assert rule.breaks_among(set(values)) == {v for v in values if rule.breaks(v)}, (spec, rule.keyword)

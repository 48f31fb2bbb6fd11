"""Property-based: valid rows from the schema give no findings; one wrong cell gives one finding there."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from tests.conftest import AS_OF
from xl_addin.engine.findings import FINDING_TYPES
from xl_addin.engine.header import match_header
from xl_addin.engine.register import CellError, HeaderLayout, Register, RegisterRow, build_register
from xl_addin.engine.schema import header_key
from xl_addin.engine.validate import check_register
from xl_addin.ooxml.refs import column_letter
from xl_addin.resources import default_schema_path
from xl_addin.workbook.formats.schema_file import load_schema

SCHEMA = load_schema(default_schema_path())
STATUS = SCHEMA.role("status") or "Status"
RAISED = SCHEMA.role("dateRaised") or "Date raised"
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
               min_size=1, max_size=30)


def rules_for(status: str) -> tuple[set[str], set[str]]:
    """Columns required and columns that must stay empty at `status`, read from the schema's if/then."""
    required = {c.name for c in SCHEMA.columns if c.required}
    empty: set[str] = set()
    for rule in SCHEMA.document.get("allOf", []):
        if Draft202012Validator(rule["if"]).is_valid({STATUS: status}):
            required |= set(rule["then"].get("required", []))
            empty |= {name for name, spec in rule["then"].get("properties", {}).items() if spec == {"not": {}}}
    return required, empty


@st.composite
def valid_item(draw: st.DrawFn, number: int) -> dict[str, Any]:
    status = draw(st.sampled_from(SCHEMA.column(STATUS).choices))
    required, empty = rules_for(status)
    raised = draw(st.dates(dt.date(2024, 1, 1), AS_OF))
    item: dict[str, Any] = {}
    for column in SCHEMA.columns:
        if column.name in empty or column.kind == "computed":
            continue
        if column.name not in required and not draw(st.booleans()):
            continue
        if column.name == "ID":
            item["ID"] = f"IMP-{number:04d}"
        elif column.name == RAISED:
            item[RAISED] = raised
        elif column.name == STATUS:
            item[STATUS] = status
        elif column.name == "Effective":  # No calls for a follow-up item, a fact about other rows
            item[column.name] = draw(st.sampled_from(["Yes", "Partly"]))
        elif column.kind == "choice":
            item[column.name] = draw(st.sampled_from(column.choices))
        elif column.kind == "rating":
            item[column.name] = draw(st.integers(column.minimum or 1, column.maximum or 3))
        elif column.kind == "date":
            later = column.name in SCHEMA.document["notInFuture"]
            earliest = item.get(SCHEMA.document["notBefore"].get(column.name, RAISED), raised)
            item[column.name] = draw(st.dates(earliest, max(earliest, AS_OF if later else
                                                           AS_OF + dt.timedelta(days=400))))
        else:
            item[column.name] = draw(TEXT.map(str.strip).filter(bool))
    for total, parts in SCHEMA.sums.items():
        if draw(st.booleans()):
            item[total] = sum(item[part] for part in parts)
    return item


def as_register(items: list[dict[str, Any]], order: list[str]) -> Register:
    layout = HeaderLayout({name: index for index, name in enumerate(order, start=1)})
    rows = [RegisterRow(number, item) for number, item in enumerate(items, start=2)]
    return Register.from_rows("fuzz.xlsx", "Register", 1, layout, rows)


items_strategy = st.integers(1, 6).flatmap(lambda n: st.tuples(*[valid_item(i + 1) for i in range(n)]))
order_strategy = st.permutations([column.name for column in SCHEMA.columns])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=items_strategy, order=order_strategy)
def test_valid_rows_give_no_findings(items: tuple[dict[str, Any], ...], order: list[str]) -> None:
    assert check_register(as_register(list(items), order), SCHEMA, today=AS_OF) == []


def wrong_values(item: dict[str, Any]) -> st.SearchStrategy[tuple[str, Any, str]]:
    """(column, wrong value, expected code) for the columns of this item."""
    options: list[st.SearchStrategy[tuple[str, Any, str]]] = []
    for column in SCHEMA.columns:
        name = column.name
        if column.kind == "choice":
            allowed = {choice.casefold() for choice in column.choices}
            options.append(TEXT.map(str.strip).filter(lambda t, a=allowed: t != "" and t.casefold() not in a)
                           .map(lambda t, n=name: (n, t, "not-in-list")))
        elif column.kind == "rating":
            options.append(st.sampled_from([(name, 0, "out-of-range"), (name, 4, "out-of-range"),
                                            (name, "2", "number-as-text"), (name, 1.5, "not-whole-number")]))
        elif column.kind == "date" and (name != RAISED or len(item) > 0):
            options.append(st.just((name, "next week", "not-a-date")))
            if name in SCHEMA.document["notInFuture"] and name != RAISED and name in item:
                options.append(st.just((name, AS_OF + dt.timedelta(days=1), "future-date")))
        elif name == "ID":
            options.append(st.just((name, "IMP-1", "bad-format")))
        elif name in SCHEMA.sums:
            parts = SCHEMA.sums[name]
            correct = sum(item[part] for part in parts)
            options.append(st.integers(4, 12).filter(lambda v, c=correct: v != c)
                           .map(lambda v, n=name: (n, v, "stale-total")))
    return st.one_of(options)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), order=order_strategy)
def test_one_wrong_cell_gives_one_finding_at_that_cell(data: st.DataObject, order: list[str]) -> None:
    items = list(data.draw(items_strategy))
    target = data.draw(st.integers(0, len(items) - 1))
    column, value, code = data.draw(wrong_values(items[target]))
    if column in rules_for(items[target][STATUS])[1]:
        code = "must-be-empty"  # any value in a column that must stay empty is that one finding
    items[target] = {**items[target], column: value}
    found = check_register(as_register(items, order), SCHEMA, today=AS_OF)
    cell = f"{column_letter(order.index(column) + 1)}{target + 2}"
    assert [(finding.cell, finding.code) for finding in found] == [(cell, code)]


@st.composite
def any_item(draw: st.DrawFn, number: int) -> dict[str, Any]:
    """A valid item with up to three cells replaced by arbitrary values of any kind, or removed."""
    item = dict(draw(valid_item(number)))
    anything = st.one_of(st.none(), TEXT, st.integers(-5, 20), st.floats(allow_nan=False, allow_infinity=False),
                         st.booleans(), st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)),
                         st.sampled_from(["Planned", "Completed", "IMP-0001", "2", "25/11/2026"]))
    for column in draw(st.lists(st.sampled_from([c.name for c in SCHEMA.columns]), max_size=3)):
        value = draw(anything)
        if value is None:
            item.pop(column, None)
        else:
            item[column] = value
    return item


# Found by this test: FALSE and 0 are the same ID to the uniqueness count, so both rows must be validated.
_FALSE_AND_ZERO = tuple({"ID": ident, "Date raised": dt.date(2024, 1, 1), "Source": "Internal audit",
                         "Type": "Improvement", "Description": "0", "Customer impact": 1, "Risk reduction": 1,
                         "Efficiency gain": 1, "Compliance": 1, "Status": "Identified"} for ident in (False, 0))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.integers(1, 5).flatmap(lambda n: st.tuples(*[any_item(i % 3 + 1) for i in range(n)])))
@example(items=_FALSE_AND_ZERO)
def test_quick_path_gives_the_same_findings_as_full_validation(items: tuple[dict[str, Any], ...]) -> None:
    register = as_register(list(items), [column.name for column in SCHEMA.columns])
    assert check_register(register, SCHEMA, today=AS_OF, quick=True) == \
        check_register(register, SCHEMA, today=AS_OF, quick=False)


def test_the_default_and_risk_schemas_get_a_quick_path() -> None:
    from pathlib import Path

    from xl_addin.engine.keywords import RegisterContext
    from xl_addin.engine.quick import doubtful_rows

    register = as_register([], [column.name for column in SCHEMA.columns])
    risk = load_schema(Path(__file__).parent / "schemas" / "risk_register.schema.json")
    assert doubtful_rows(SCHEMA.document, RegisterContext(AS_OF), register) == set()
    assert doubtful_rows(risk.document, RegisterContext(AS_OF), register) == set()
    odd = {**SCHEMA.document, "oneOf": [{"required": ["ID"]}]}
    assert doubtful_rows(odd, RegisterContext(AS_OF), register) is None  # beyond it: full validation for all


# --- fuzzing: arbitrary values under odd, permuted headers ----------------------------------------------------

FUZZ_EXAMPLES = 2000 if os.environ.get("CI") else 300
ODD_VALUES = st.one_of(
    st.none(), st.text(max_size=40), st.integers(-(10**12), 10**12), st.floats(), st.booleans(),
    st.dates(), st.datetimes(), st.sampled_from([CellError("#REF!"), CellError("#N/A"), CellError("#DIV/0!")]),
    st.sampled_from(["Planned ", " COMPLETED", "IMP-0001", "=1+1", "\x07bell", "25/11/2026", "2", "", "   "]),
)


@st.composite
def odd_sheet(draw: st.DrawFn) -> tuple[list[Any], list[tuple[int, list[Any]]]]:
    """A header row (schema columns permuted, some dropped, some repeated or re-cased, extras added) and up to
    six rows of arbitrary cells under it."""
    names = [column.name for column in SCHEMA.columns]
    headers: list[Any] = [name for name in draw(st.permutations(names))
                          if name not in draw(st.sets(st.sampled_from(names), max_size=3))]
    for _ in range(draw(st.integers(0, 2))):
        headers.insert(draw(st.integers(0, len(headers))),
                       draw(st.sampled_from([*names, "Notes", "", None, 42])))
    headers = [draw(st.sampled_from([h, h.upper(), f" {h}  "])) if isinstance(h, str) else h for h in headers]
    rows = [(number, [draw(ODD_VALUES) for _ in headers]) for number in range(2, 2 + draw(st.integers(0, 6)))]
    return headers, rows


# Found by this test: a register with items but no ID column made the uniqueness count fail.
NO_ID_COLUMN = ([column.name for column in SCHEMA.columns if column.name != "ID"],
                [(2, [None] * (len(SCHEMA.columns) - 2) + ["0"])])


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(sheet=NO_ID_COLUMN)
@given(sheet=odd_sheet())
def test_the_engine_never_raises_and_every_finding_names_a_real_cell(
        sheet: tuple[list[Any], list[tuple[int, list[Any]]]]) -> None:
    headers, rows = sheet
    layout = match_header(headers, SCHEMA)
    register = build_register("fuzz.xlsx", "Register", 1, layout, rows, SCHEMA.computed_columns)
    found = check_register(register, SCHEMA, today=AS_OF)
    item_rows = set(register.row_numbers)
    for finding in found:
        assert finding.row in {0, 1} | item_rows, finding
        assert 0 <= finding.column_number <= len(headers), finding
        assert finding.code in FINDING_TYPES and finding.message, finding
        if finding.row in item_rows and finding.column_number:
            assert finding.column == str(headers[finding.column_number - 1]).strip() or \
                header_key(finding.column) == header_key(str(headers[finding.column_number - 1])), finding

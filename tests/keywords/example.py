"""Run a register keyword's documented example through the engine, full validation and quick path alike."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from xl_addin.engine.keywords.base import RegisterKeyword
from xl_addin.engine.register import HeaderLayout, Register, RegisterRow
from xl_addin.engine.schema import RegisterSchema, parse_schema
from xl_addin.engine.validate import check_register


def schema_for(keyword: RegisterKeyword) -> RegisterSchema:
    document = {"type": "object", "properties": dict(keyword.example.properties), keyword.name: keyword.example.value}
    return parse_schema(document, Path(f"{keyword.name}.schema.json"))


def register_of(schema: RegisterSchema, rows: Sequence[Mapping[str, Any]]) -> Register:
    layout = HeaderLayout({column.name: number for number, column in enumerate(schema.columns, start=1)})
    items = [RegisterRow(number, dict(values)) for number, values in enumerate(rows, start=2)]
    return Register.from_rows("example.xlsx", "Register", 1, layout, items)


def findings(keyword: RegisterKeyword, rows: Sequence[Mapping[str, Any]], *, quick: bool = True,
             schema: RegisterSchema | None = None) -> list[tuple[int, str, str]]:
    """(item index, column, code) for every finding on the rows."""
    schema = schema or schema_for(keyword)
    found = check_register(register_of(schema, rows), schema, today=keyword.example.today, quick=quick)
    return sorted((finding.row - 2, finding.column, finding.code) for finding in found)


def assert_example_holds(keyword: RegisterKeyword) -> None:
    example = keyword.example
    for quick in (True, False):
        assert findings(keyword, example.passing, quick=quick) == []
        assert findings(keyword, example.failing, quick=quick) == sorted(example.expected)

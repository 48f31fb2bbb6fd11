"""The register's header row: matching headers to the schema's columns, finding the header row in a sheet,
and the findings about the layout (missing, extra and repeated columns; no register at all).

Every reader (calamine, openpyxl, Excel through xlwings) searches with `HeaderSearch`, so a register is
found, or said to be missing, the same way whatever reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from xl_addin.engine.findings import NO_REGISTER, Finding, Severity, column_letter, define
from xl_addin.engine.register import HeaderLayout, Register
from xl_addin.engine.schema import RegisterSchema, header_key

# How far down a sheet the header row may stand (below a title block, say).
HEADER_SEARCH_ROWS = 30

MISSING_COLUMN = define(
    "missing-column", "Missing column", Severity.ERROR,
    "A column the register needs is not in the header row. Reported once, not once per row.",
    "The register has no '{column}' column; add it to the header row.")
MISSING_OPTIONAL_COLUMN = define(
    "missing-optional-column", "Optional column missing", Severity.WARNING,
    "An optional schema column is not in the header row.",
    "The register has no '{column}' column; it is optional, but the template has it.")
UNKNOWN_COLUMN = define(
    "unknown-column", "Extra column", Severity.INFO,
    "A header that is not part of the schema. Extra columns are allowed and are not checked.",
    "Column '{column}' is not part of the register schema; its cells are not checked.")
DUPLICATE_COLUMN = define(
    "duplicate-column", "Column appears twice", Severity.ERROR,
    "Two headers name the same column (ignoring case and spaces); only the first is read.",
    "Column '{column}' appears more than once in the header row; only the first one ({first}) is read.")


def match_header(cells: Sequence[Any], schema: RegisterSchema, *, first_column: int = 1) -> HeaderLayout:
    """Map header cells to schema columns, ignoring case and spacing; note extras and repeats."""
    by_key = {header_key(column.name): column.name for column in schema.columns}
    columns: dict[str, int] = {}
    extra: dict[str, int] = {}
    duplicates: dict[int, tuple[str, int]] = {}
    seen: dict[str, int] = {}
    for offset, cell in enumerate(cells):
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        text = str(cell).strip()
        number = first_column + offset
        key = header_key(text)
        if key in seen:
            duplicates[number] = (text, seen[key])
            continue
        seen[key] = number
        if key in by_key:
            columns[by_key[key]] = number
        else:
            extra[text] = number
    return HeaderLayout(columns, extra, duplicates)


def is_header_match(layout: HeaderLayout, schema: RegisterSchema) -> bool:
    """A row is the register's header when it names at least half the schema's columns (two at least)."""
    return layout.score() >= max(2, (len(schema.columns) + 1) // 2)


@dataclass(frozen=True)
class HeaderFound:
    """A header row that qualifies: the sheet, its row number and how its cells map onto the schema."""

    sheet: str
    row: int
    layout: HeaderLayout


class HeaderSearch:
    """Look for the register's header row, sheet after sheet, in the rows each reader supplies."""

    def __init__(self, schema: RegisterSchema) -> None:
        self.schema = schema

    def scan(self, sheet: str, rows: Iterable[tuple[int, Sequence[Any]]], *,
             first_column: int = 1) -> HeaderFound | None:
        """The first of `rows` (row number, cells), among the first HEADER_SEARCH_ROWS, that is the header."""
        for number, cells in rows:
            if number > HEADER_SEARCH_ROWS:
                break
            layout = match_header(cells, self.schema, first_column=first_column)
            if is_header_match(layout, self.schema):
                return HeaderFound(sheet, number, layout)
        return None

    def not_found(self, file: str) -> Finding:
        """The one finding for a workbook in which no sheet qualified."""
        examples = ", ".join(column.name for column in self.schema.columns[:3])
        name = PurePath(file).name
        reason = (f"No register found in {name}: there is no table named '{self.schema.table}' and no sheet "
                  f"whose header row has the register's columns ({examples}, ...).")
        return NO_REGISTER.at(file, reason=reason)


def conditionally_required(document: Mapping[str, Any]) -> set[str]:
    """Columns some status makes required: they belong in the header even if rows may leave them empty."""
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "then" and isinstance(value, dict):
                    names.update(value.get("required", []))
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(document.get("allOf", []))
    return names


def layout_findings(register: Register, schema: RegisterSchema) -> list[Finding]:
    """Findings about the header row: missing, unknown and repeated columns."""
    found = []
    must_have = {column.name for column in schema.columns if column.required}
    must_have |= conditionally_required(schema.document)
    where: dict[str, Any] = {"sheet": register.sheet, "row": register.header_row}
    for column in schema.columns:
        if column.name in register.columns:
            continue
        kind = MISSING_COLUMN if column.name in must_have else MISSING_OPTIONAL_COLUMN
        found.append(kind.at(register.file, **where, column=column.name))
    for text, number in register.layout.extra_columns.items():
        found.append(UNKNOWN_COLUMN.at(register.file, **where, column_number=number, column=text, value=text))
    for number, (text, first) in register.layout.duplicate_columns.items():
        found.append(DUPLICATE_COLUMN.at(register.file, **where, column_number=number, column=text, value=text,
                                         first=column_letter(first) + str(register.header_row)))
    return found

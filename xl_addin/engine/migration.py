"""Migrating a register kept in its own layout into the template: which values go where, which identifiers
are kept and which are made, and what is kept beside them so that nothing is lost.

Every row is copied in order. Values arrive already read in the register's own words (engine.adopt: words
through value maps, text dates in the order given); identifiers that fit the schema's pattern are kept and
the others replaced by the next free ones; each row's old identifier, sheet and row are kept in a Legacy ref
column; every column outside the schema is copied after the schema's, a single "Priority" number as Legacy
priority (the ratings it stood for are left for people to fill).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from xl_addin.engine.register import CellError, Reading, Register
from xl_addin.engine.schema import RegisterSchema, header_key, numbered_id

LEGACY_REF = "Legacy ref"
LEGACY_PRIORITY = "Legacy priority"


@dataclass(frozen=True)
class NewId:
    """An identifier made for a row whose own did not fit the schema's pattern, or repeated an earlier one."""

    row: int
    old: Any
    new: str
    why: str  # "missing", "does not fit the pattern" or "repeats an earlier one"


@dataclass(frozen=True)
class Migration:
    """The new register's items (schema column or extra column -> value), in the source's order."""

    items: tuple[Mapping[str, Any], ...]
    extra_columns: tuple[str, ...]  # after the schema's: Legacy ref, then the source's own columns
    renamed: Mapping[str, str]  # a source header -> the extra column it was copied to, where they differ
    new_ids: tuple[NewId, ...]
    readings: tuple[Reading, ...]  # words read as choices and dates read from text on the way
    id_note: str = ""  # why identifiers could not be made, when they could not


def legacy_ref(register: Register, index: int, old_id: Any) -> str:
    where = f"{register.sheet} row {register.row_numbers[index]}"
    return f"{old_id} ({where})" if old_id not in (None, "") else f"({where})"


def plan_migration(register: Register, schema: RegisterSchema) -> Migration:
    """The migration of `register` (read with its extra columns) into `schema`'s template."""
    copied = [column.name for column in schema.columns if column.kind != "computed" and column.name in register.cells]
    extras, renamed = _extra_columns(register, schema)
    ids, new_ids, note = _identifiers(register, schema)
    id_column = schema.role("id")
    items = []
    for index in range(len(register)):
        item: dict[str, Any] = {}
        for name in copied:
            value = register.cells[name][index]
            if value is not None:
                item[name] = value.code if isinstance(value, CellError) else value
        if id_column and ids[index] is not None:
            item[id_column] = ids[index]
        old_id = register.cells[id_column][index] if id_column and id_column in register.cells else None
        item[LEGACY_REF] = legacy_ref(register, index, old_id)
        for header, values in register.extras.items():
            if values[index] is not None:
                value = values[index]
                item[renamed.get(header, header)] = value.code if isinstance(value, CellError) else value
        items.append(item)
    return Migration(tuple(items), (LEGACY_REF, *extras), renamed, tuple(new_ids), register.readings, note)


def _extra_columns(register: Register, schema: RegisterSchema) -> tuple[list[str], dict[str, str]]:
    taken = {header_key(column.name) for column in schema.columns} | {header_key(LEGACY_REF)}
    names: list[str] = []
    renamed: dict[str, str] = {}
    for header in register.extras:
        name = LEGACY_PRIORITY if header_key(header) == "priority" and schema.roles.get("ratings") else header
        base, count = name, 1
        while header_key(name) in taken:
            count += 1
            name = f"{base} ({count})"
        taken.add(header_key(name))
        names.append(name)
        if name != header:
            renamed[header] = name
    return names, renamed


def _identifiers(register: Register, schema: RegisterSchema) -> tuple[list[Any], list[NewId], str]:
    """Each row's identifier in the new register: its own where it fits and is the first, else a new one."""
    id_column = schema.role("id")
    if not id_column:
        return [None] * len(register), [], ""
    old = list(register.cells.get(id_column, [None] * len(register)))
    pattern = schema.column(id_column).pattern
    numbered = numbered_id(pattern)
    seen: set[str] = set()
    kept: list[Any] = []
    for value in old:
        fits = isinstance(value, str) and (not pattern or re.search(pattern, value) is not None)
        kept.append(value if fits and value not in seen else None)
        if fits:
            seen.add(value)
    if numbered is None:
        note = "" if all(value is not None for value in kept) else (
            f"{id_column} has a pattern xlreg cannot number ({pattern}); the identifiers that do not fit are copied "
            "as they are, for people to correct.")
        return old, [], note
    used = [number for value in seen if (number := numbered.number(value)) is not None]
    next_number = max(used, default=0) + 1
    new_ids = []
    for index, value in enumerate(kept):
        if value is None:
            made = numbered.format(next_number)
            next_number += 1
            previous = old[index]
            why = ("missing" if previous in (None, "") else
                   "repeats an earlier one" if isinstance(previous, str) and previous in seen else
                   "does not fit the pattern")
            new_ids.append(NewId(register.row_numbers[index], previous, made, why))
            kept[index] = made
    return kept, new_ids, ""

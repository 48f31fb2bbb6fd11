"""Migrating a register kept in its own layout into the template: which values go where, which identifiers
are kept and which are made, and what is kept beside them so that nothing is lost.

Every item is copied in order. Values arrive already read in the register's own words (engine.adopt: words
through value maps, text dates in the order given). Every identifier is kept as it is, since minutes and audit
reports cite it; only a missing one or a repeat of an earlier one is made anew, in the register's own form
(CI-031 after CI-030). Each row's old identifier, sheet and row are kept in a Legacy ref column; a word read as
a choice ("Service review (ACME)" as Customer satisfaction) stays beside it in a "... as written" column; every
column outside the schema is copied after the schema's, a single "Priority" number as Legacy priority (the
ratings it stood for are left for people to fill). The new register carries the register's own form (its ID
pattern, the choices the mapping added) so that every command reads it as its owners keep it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from xl_addin.engine.id_form import IdForm, as_id_text, form_of_pattern
from xl_addin.engine.mapping import RegisterForm
from xl_addin.engine.register import CellError, Reading, Register, Trailing
from xl_addin.engine.schema import RegisterSchema, header_key

LEGACY_REF = "Legacy ref"
LEGACY_PRIORITY = "Legacy priority"
AS_WRITTEN = "{column} as written"


@dataclass(frozen=True)
class NewId:
    """An identifier made for a row that had none, or repeated an earlier one."""

    row: int
    old: Any
    new: str
    why: str  # "missing" or "repeats an earlier one"


@dataclass(frozen=True)
class Migration:
    """The new register's items (schema column or extra column -> value), in the source's order."""

    items: tuple[Mapping[str, Any], ...]
    extra_columns: tuple[str, ...]  # after the schema's: Legacy ref, words as written, then the source's own
    renamed: Mapping[str, str]  # a source header -> the extra column it was copied to, where they differ
    new_ids: tuple[NewId, ...]
    readings: tuple[Reading, ...]  # words read as choices and dates read from text on the way
    id_note: str = ""  # why identifiers could not be made, when they could not
    form: RegisterForm = field(default_factory=RegisterForm)  # the register's own form, carried by the new one
    trailing: Trailing | None = None  # rows below the items, not migrated as items
    kept_ids: int = 0  # identifiers kept as they were


def legacy_ref(register: Register, index: int, old_id: Any) -> str:
    where = f"{register.sheet} row {register.row_numbers[index]}"
    return f"{old_id} ({where})" if old_id not in (None, "") else f"({where})"


def new_register_form(register: Register, schema: RegisterSchema) -> RegisterForm:
    """The form the new register keeps: the mapping's choices and statuses, and its ID form where it is not
    the schema's."""
    given = schema.mapping.form if schema.mapping else RegisterForm()
    pattern = register.id_form.pattern if register.id_form is not None else given.id_pattern
    return replace(given, id_pattern=pattern)


def plan_migration(register: Register, schema: RegisterSchema) -> Migration:
    """The migration of `register` (read with its extra columns) into `schema`'s template."""
    copied = [column.name for column in schema.columns if column.kind != "computed" and column.name in register.cells]
    # a calculated column the register heads in its own words ("Score") holds what its owners worked out: it is
    # kept under that heading, as the new register calculates its own from the ratings
    own_computed = {column.name: register.heading(column.name) for column in schema.columns
                    if column.kind == "computed" and column.name in register.cells
                    and register.heading(column.name) != column.name
                    and any(value is not None for value in register.cells[column.name])}
    ids, new_ids, note = _identifiers(register, schema)
    id_column = schema.role("id")
    as_written = _as_written(register)
    extras, renamed = _extra_columns(register, schema, [name for name, _ in as_written.values()],
                                     list(own_computed.values()))
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
        for name, rows in as_written.values():
            row = register.row_numbers[index]
            if row in rows:
                item[name] = rows[row]
        for name, heading in own_computed.items():
            value = register.cells[name][index]
            if value is not None:
                item[renamed.get(heading, heading)] = value.code if isinstance(value, CellError) else value
        for header, values in register.extras.items():
            if values[index] is not None:
                value = values[index]
                item[renamed.get(header, header)] = value.code if isinstance(value, CellError) else value
        items.append(item)
    kept = sum(1 for index in range(len(register)) if id_column and id_column in register.cells
               and ids[index] is not None and ids[index] == register.cells[id_column][index])
    return Migration(tuple(items), (LEGACY_REF, *extras), renamed, tuple(new_ids), register.readings, note,
                     new_register_form(register, schema), register.trailing, kept)


def _as_written(register: Register) -> dict[str, tuple[str, dict[int, str]]]:
    """For each column whose words were read as choices: the "... as written" column and, by sheet row, the
    word as the register has it."""
    found: dict[str, tuple[str, dict[int, str]]] = {}
    for reading in register.readings:
        if reading.kind != "value" or reading.word == reading.read_as:
            continue
        _, rows = found.setdefault(reading.column, (AS_WRITTEN.format(column=reading.column), {}))
        rows.update(dict.fromkeys(reading.rows or (reading.first_row,), reading.word))
    return found


def _extra_columns(register: Register, schema: RegisterSchema, written: list[str],
                   computed: list[str]) -> tuple[list[str], dict[str, str]]:
    taken = {header_key(column.name) for column in schema.columns} | {header_key(LEGACY_REF)}
    taken |= {header_key(name) for name in written}
    names: list[str] = list(written)
    renamed: dict[str, str] = {}
    for header in [*computed, *register.extras]:
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


def numbering_form(register: Register, schema: RegisterSchema) -> IdForm | None:
    """The form new IDs are made in: the register's own, else the schema's (when it numbers)."""
    if register.id_form is not None:
        return register.id_form
    id_column = schema.role("id")
    pattern = schema.column(id_column).pattern if id_column else ""
    return form_of_pattern(pattern) if pattern else None


def _identifiers(register: Register, schema: RegisterSchema) -> tuple[list[Any], list[NewId], str]:
    """Each row's identifier in the new register: its own, unless it has none or repeats an earlier one."""
    id_column = schema.role("id")
    if not id_column:
        return [None] * len(register), [], ""
    old = list(register.cells.get(id_column, [None] * len(register)))
    seen: set[str] = set()
    kept: list[Any] = []
    for value in old:
        text = as_id_text(value) if not isinstance(value, CellError) else None
        kept.append(text if text is not None and text not in seen else None)
        if text is not None:
            seen.add(text)
    if all(value is not None for value in kept):
        return kept, [], ""
    form = numbering_form(register, schema)
    if form is None or not form.numbered:
        pattern = schema.column(id_column).pattern
        note = (f"{id_column} has a pattern xlreg cannot number ({pattern}); rows without an ID, or repeating an "
                "earlier one, are copied without one, for people to give one.")
        return kept, [], note
    made = iter(form.next_ids(seen, sum(1 for value in kept if value is None)))
    new_ids = []
    for index, value in enumerate(kept):
        if value is None:
            previous = old[index]
            new = next(made)
            why = "missing" if as_id_text(previous) is None else "repeats an earlier one"
            new_ids.append(NewId(register.row_numbers[index], previous, new, why))
            kept[index] = new
    return kept, new_ids, ""

"""Reading a register as its owners keep it: where its items end (engine.extent), the form its IDs follow
(engine.id_form), its words read as the schema's choices (through value maps, and a choice written in another
case or spacing as that choice: "In Progress" as In progress), and dates typed as text read in the order the
organisation writes them (15.03.2026 as day, month, year).

Each reading is kept on the register and reported once per column and word (an info finding naming its cells),
so nothing is read differently without a word; what cannot be read certainly (an ambiguous date with no order
given) is left as it is, for validation to report.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from xl_addin.engine.extent import items_end
from xl_addin.engine.findings import Finding, Severity, define
from xl_addin.engine.id_form import as_id_text, form_of_pattern, register_id_form
from xl_addin.engine.register import Reading, Register
from xl_addin.engine.schema import Column, RegisterSchema, value_key
from xl_addin.engine.text_dates import DATE_ORDERS, DateOrder, order_words, parse_text_date
from xl_addin.ooxml.refs import column_letter

# Cells named one by one in a finding; beyond this, how many more.
CELLS_NAMED = 5

VALUE_MAPPED = define(
    "value-mapped", "Word read as a choice", Severity.INFO,
    "A word of the register's own (\"Done\", or \"In Progress\" for In progress) is read as one of the schema's "
    "choices, through the schema's or the mapping's value map, or ignoring case and spacing; reported once per "
    "column and word, with its cells.",
    "{column}: '{word}' in {cells} is read as '{choice}'.")
DATES_READ = define(
    "dates-read-from-text", "Dates read from text", Severity.INFO,
    "Dates typed as text were read in the date order given (--date-order or the settings key date-order); "
    "reported once per column.",
    "{column}: {count} date{plural} typed as text read as {order} (for example '{example}' as {date}); re-enter "
    "them as dates so that Excel can sort and compare them.")
OWN_ID_FORM = define(
    "own-id-form", "The register's own ID form", Severity.INFO,
    "The register's IDs follow a form of its own (CI-001, 2026/014), taken from the mapping, the workbook or the "
    "IDs themselves; IDs are checked against it instead of the schema's, and new IDs are made in it.",
    "{column}: IDs are checked against this register's own form, like {example} ({pattern}), from {basis}, "
    "instead of the schema's {schema_example}.")
BELOW_REGISTER = define(
    "below-register", "Rows below the register", Severity.INFO,
    "Rows below the items that are not items (a second table, a footer line, the header repeated) are left as "
    "they are: not checked, not migrated as items.",
    "{rows} below the items {are} {what} ('{text}'), not items: left as {they} {are}.")
BELOW_TABLE = define(
    "below-table", "Items below the register's table", Severity.WARNING,
    "Items typed below the register's Excel table are read as items, but the table's sorting, filters, formulas "
    "and data validation leave them out until the table is resized to take them in.",
    "{rows} below the table {table} {are} read as {items}, but the table leaves {them} out (its sorting, filters "
    "and dropdowns): resize the table to take {them} in (Table Design > Resize Table).")


def adopt(register: Register, schema: RegisterSchema) -> Register:
    """The register read in its own words, through the schema's value maps and the mapping the schema carries
    (its value maps, date order and ID form)."""
    mapping = schema.mapping
    form = mapping.form if mapping else None
    register = _identifiers(register, schema, given=form.id_pattern if form else None,
                            origin=form.origin if form else "")
    cells = dict(register.cells)
    readings: list[Reading] = list(register.readings)
    value_maps = mapping.values if mapping else {}
    date_order = mapping.date_order if mapping else None
    for column in schema.columns:
        if column.name not in cells:
            continue
        values = cells[column.name]
        if column.kind == "choice":
            words = _words(column, value_maps.get(column.name, {}))
            cells[column.name], mapped = _map_values(values, words, column.choices, register.row_numbers)
            readings += [Reading("value", column.name, word, choice, len(rows), rows[0], rows)
                         for word, choice, rows in mapped]
        elif column.kind == "date" and date_order is not None:
            cells[column.name], dated = _read_dates(values, date_order, register.row_numbers)
            readings += [Reading("date", column.name, example, date, count, first)
                         for example, date, count, first in dated]
    if readings == list(register.readings) and cells == register.cells:
        return register
    return replace(register, cells=cells, readings=tuple(readings),
                   date_order=date_order or register.date_order)


def _identifiers(register: Register, schema: RegisterSchema, *, given: str | None, origin: str) -> Register:
    """IDs as text (an ID typed as the number 17 is the ID '17'), the form they follow when it is not the
    schema's, and the register cut where its items end."""
    id_column = schema.role("id")
    if not id_column or id_column not in register.cells:
        return items_end(register, schema, None)
    values = register.cells[id_column]
    spec = schema.document.get("properties", {}).get(id_column, {})
    if spec.get("type") == "string" and int in set(map(type, register.distinct(id_column))):
        values = [as_id_text(value) if type(value) is int else value for value in values]
        register = replace(register, cells={**register.cells, id_column: values})
    pattern = schema.column(id_column).pattern
    form = register_id_form(values, pattern, given=given)
    checked = form or (form_of_pattern(pattern) if pattern else None)
    register = items_end(register, schema, checked)
    if form is None:
        return register
    return replace(register, id_form=form, id_form_basis=origin if given else "its IDs")


def _words(column: Column, extra: Mapping[str, str]) -> dict[str, str]:
    """value_key(word) -> choice: the column's choices themselves (so that case and spacing do not matter), the
    schema's value map, then the mapping's words on top."""
    by_key = {value_key(choice): choice for choice in column.choices}
    words = {**by_key, **column.value_map}
    for word, choice in extra.items():
        words[value_key(word)] = by_key.get(value_key(choice), choice)
    return words


def _map_values(values: Sequence[Any], words: Mapping[str, str], choices: Sequence[str],
                rows: Sequence[int]) -> tuple[list[Any], list[tuple[str, str, tuple[int, ...]]]]:
    chosen = set(choices)
    mapping = {value: words[value_key(value)] for value in set(values)
               if type(value) is str and value not in chosen and value_key(value) in words}
    if not mapping:
        return list(values), []
    where: dict[str, list[int]] = {word: [] for word in mapping}
    for row, value in zip(rows, values, strict=True):
        if value in where:
            where[value].append(row)
    return ([mapping.get(value, value) if type(value) is str else value for value in values],
            [(word, mapping[word], tuple(where[word])) for word in sorted(mapping, key=lambda w: where[w][0])])


def _read_dates(values: Sequence[Any], order: DateOrder,
                rows: Sequence[int]) -> tuple[list[Any], list[tuple[str, dt.date, int, int]]]:
    dates: dict[str, dt.date] = {}
    for value in set(values):
        if type(value) is str:
            found = parse_text_date(value, order)
            if len(found) == 1:
                dates[value] = found[0]
    if not dates:
        return list(values), []
    converted = [dates.get(value, value) if type(value) is str else value for value in values]
    first_row, example = min((row, value) for row, value in zip(rows, values, strict=True) if value in dates)
    count = sum(1 for value in values if type(value) is str and value in dates)
    return converted, [(example, dates[example], count, first_row)]


def cells_text(sheet: str, letter: str, rows: Sequence[int]) -> str:
    """'Register!H5, H9 and H12', or with more than CELLS_NAMED cells 'Register!H5, H9, ... and 4 more'."""
    named = [f"{letter}{row}" for row in rows[:CELLS_NAMED]]
    named[0] = f"{sheet}!{named[0]}"
    rest = len(rows) - len(named)
    if rest:
        return f"{', '.join(named)} and {rest} more"
    return named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"


def _order(order: str | None) -> str:
    return next((order_words(known) for known in DATE_ORDERS if known == order), "given")


def reading_findings(register: Register, schema: RegisterSchema) -> list[Finding]:
    """One info finding per column and word read as a choice, per column of dates read from text, for an ID
    form of the register's own, and for rows below the items that are not items."""
    found = []
    for reading in register.readings:
        column = register.heading(reading.column)
        where: dict[str, Any] = {"sheet": register.sheet, "row": reading.first_row,
                                 "column_number": register.columns.get(reading.column, 0), "column": column}
        plural = "" if reading.count == 1 else "s"
        if reading.kind == "value":
            letter = column_letter(register.columns.get(reading.column, 0))
            cells = cells_text(register.sheet, letter, reading.rows or (reading.first_row,))
            found.append(VALUE_MAPPED.at(register.file, **where, value=reading.word, word=reading.word,
                                         choice=reading.read_as, cells=cells))
        else:
            found.append(DATES_READ.at(register.file, **where, value=reading.word, count=reading.count,
                                       plural=plural, order=_order(register.date_order),
                                       example=reading.word, date=reading.read_as.isoformat()))
    id_column = schema.role("id")
    if register.id_form is not None and id_column:
        schema_pattern = schema.column(id_column).pattern
        found.append(OWN_ID_FORM.at(
            register.file, sheet=register.sheet, row=register.header_row,
            column_number=register.columns.get(id_column, 0), column=register.heading(id_column),
            value=register.id_form.example, example=register.id_form.example, pattern=register.id_form.pattern,
            basis=register.id_form_basis, schema_example=form_of_pattern(schema_pattern).example
            if schema_pattern else "form"))
    below = [row for row in register.row_numbers if register.table_end and row > register.table_end]
    if below:
        one = len(below) == 1
        found.append(BELOW_TABLE.at(register.file, sheet=register.sheet, row=below[0], table=register.table,
                                    rows=f"Row {below[0]}" if one else f"Rows {below[0]}-{below[-1]}",
                                    are="is" if one else "are", items="an item" if one else "items",
                                    them="it" if one else "them"))
    trailing = register.trailing
    if trailing is not None:
        one = trailing.first_row == trailing.last_row
        found.append(BELOW_REGISTER.at(register.file, sheet=register.sheet, row=trailing.first_row,
                                       rows=f"Row {trailing.first_row}" if one else
                                       f"Rows {trailing.first_row}-{trailing.last_row}",
                                       are="is" if one else "are", they="it" if one else "they",
                                       what=trailing.what, text=trailing.text[:40]))
    return found


def words_in(readings: Sequence[Reading], column: str) -> Counter[str]:
    """How often each word of a column was read as a choice."""
    return Counter({reading.word: reading.count for reading in readings
                    if reading.kind == "value" and reading.column == column})

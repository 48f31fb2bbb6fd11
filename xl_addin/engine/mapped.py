"""A schema read through a mapping: a register's own form (its ID pattern, the choices and statuses it adds) and
its layout and words (engine.mapping) applied to a schema, checked against it, in plain words when they do not
fit."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from xl_addin.engine.id_form import form_of_pattern
from xl_addin.engine.mapping import STATUS_PARTS, RegisterForm, RegisterMapping
from xl_addin.engine.schema import Column, RegisterSchema, RegisterSchemaError, header_key, value_key
from xl_addin.engine.text_dates import DateOrder


def _named(mapping_source: str) -> str:
    return mapping_source or "The mapping"


def _column_by_name(schema: RegisterSchema, name: str, source: str, what: str) -> Column:
    """The schema column a mapping names by the schema's name, or a plain error saying how to name it."""
    column = next((c for c in schema.columns if c.name == name), None)
    if column is None:
        same = next((c.name for c in schema.columns if header_key(name) in {header_key(h) for h in c.headers}),
                    None)
        hint = (f" The sections are named by the schema's column names: write [{what}.\"{same}\"] for the "
                f"register's '{name}' column." if same else
                f" The sections are named by the schema's column names ({', '.join(c.name for c in schema.columns)}),"
                f" not by the register's headers.")
        raise RegisterSchemaError(f"{_named(source)} has [{what}.\"{name}\"], but '{name}' is not a column of "
                                  f"{schema.title}.{hint}")
    return column


def with_form(schema: RegisterSchema, form: RegisterForm, *, source: str = "") -> RegisterSchema:
    """The schema with a register's own form: its ID pattern in place of the schema's, its added choices
    (statuses in the lists of the part each plays). Rules the schema states for particular statuses stay with
    the schema's own words."""
    if not form:
        return schema
    document: dict[str, Any] = dict(schema.document)
    properties = {name: dict(spec) for name, spec in document.get("properties", {}).items()}
    columns = {column.name: column for column in schema.columns}
    id_column = schema.role("id")
    if form.id_pattern:
        try:
            re.compile(form.id_pattern)
        except re.error as error:
            raise RegisterSchemaError(f"{_named(source)}: id-pattern {form.id_pattern!r} is not a regular expression "
                                      f"({error}).") from None
        if id_column:
            properties[id_column]["pattern"] = form.id_pattern
            columns[id_column] = replace(columns[id_column], pattern=form.id_pattern,
                                         example=form_of_pattern(form.id_pattern).example)
    status_column = schema.role("status")
    added_statuses = dict(form.statuses)
    extra = {name: list(words) for name, words in form.choices.items()}
    if added_statuses and status_column:
        extra.setdefault(status_column, [])
        extra[status_column] += [word for word in added_statuses if word not in extra[status_column]]
    for name, words in extra.items():
        column = _column_by_name(schema, name, source, "choices")
        if column.kind != "choice":
            raise RegisterSchemaError(f"{_named(source)} adds choices to '{name}', which is not a choice column.")
        new = tuple(word for word in words if word not in column.choices)
        columns[name] = replace(column, choices=(*column.choices, *new))
        properties[name]["enum"] = [*properties[name].get("enum", column.choices), *new]
    document["properties"] = properties
    lists = {part: [word for word, plays in added_statuses.items() if plays == part] for part in STATUS_PARTS}
    return replace(
        schema, document=document, columns=tuple(columns[column.name] for column in schema.columns),
        open_statuses=(*schema.open_statuses, *lists["open"]),
        on_hold_statuses=(*schema.on_hold_statuses, *lists["on hold"]),
        closed_statuses=(*schema.closed_statuses, *lists["completed"], *lists["cancelled"]),
        completed_statuses=(*schema.completed_statuses, *lists["completed"]))


def with_mapping(schema: RegisterSchema, mapping: RegisterMapping) -> RegisterSchema:
    """The schema reading the register through the mapping (its headers win over the schema's names and aliases,
    see header.match_header; its words over the schema's value maps, see adopt; its form over the schema's)."""
    formed = with_form(schema, mapping.form, source=mapping.source)
    names = {column.name for column in formed.columns}
    unknown = [target for target in mapping.columns.values() if target and target not in names]
    if unknown:
        raise RegisterSchemaError(f"{_named(mapping.source)} maps a header to '{unknown[0]}', which is not a "
                                  f"column of {schema.title} ({', '.join(sorted(names))}).")
    for name, words in mapping.values.items():
        column = _column_by_name(formed, name, mapping.source, "values")
        if column.kind != "choice":
            raise RegisterSchemaError(f"{_named(mapping.source)} has values for '{name}', which is not a choice "
                                      "column.")
        keys = {value_key(choice): choice for choice in column.choices}
        wrong = [choice for choice in words.values() if value_key(choice) not in keys]
        if wrong:
            raise RegisterSchemaError(f"{_named(mapping.source)} maps a word of '{name}' to '{wrong[0]}', which is "
                                      f"not one of its choices ({', '.join(column.choices)}); add it under "
                                      f"[choices] to make it one.")
    return replace(formed, mapping=mapping)


def with_date_order(schema: RegisterSchema, date_order: DateOrder | None) -> RegisterSchema:
    """The schema reading dates typed as text in `date_order` (over the mapping's)."""
    if date_order is None:
        return schema
    mapping = schema.mapping or RegisterMapping()
    return replace(schema, mapping=replace(mapping, date_order=date_order))


_ID_PATTERNS: dict[tuple[int, str], tuple[RegisterSchema, RegisterSchema]] = {}


def with_id_pattern(schema: RegisterSchema, pattern: str) -> RegisterSchema:
    """The schema checking IDs against a register's own pattern; the same schema object for the same pattern,
    so rules parsed for it are parsed once in a batch of registers numbered alike."""
    key = (id(schema), pattern)
    known = _ID_PATTERNS.get(key)
    if known is not None and known[0] is schema:  # the id of a schema no longer alive may have been reused
        return known[1]
    if len(_ID_PATTERNS) >= 32:
        _ID_PATTERNS.clear()
    derived = replace(with_form(schema, RegisterForm(id_pattern=pattern)), mapping=schema.mapping)
    _ID_PATTERNS[key] = (schema, derived)
    return derived

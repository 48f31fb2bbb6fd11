"""A mapping: how one organisation's register, in its own layout and words, reads as a schema's register.

It names the sheet and header row, which header means which schema column (or is kept as an extra column),
which of its words means which choice, and the order its dates typed as text are written in. `xlreg map`
proposes one; a person edits it; every command can then work on the register where it is (`--mapping`), and
`xlreg migrate` copies it into the template.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from xl_addin.engine.adopt import DateOrder
from xl_addin.engine.schema import RegisterSchema, RegisterSchemaError


@dataclass(frozen=True)
class RegisterMapping:
    """One register's layout and words, as the schema's."""

    sheet: str | None = None
    header_row: int | None = None
    columns: Mapping[str, str | None] = field(default_factory=dict)  # file header -> schema column (None: extra)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # schema column -> word -> choice
    date_order: DateOrder | None = None
    source: str = ""  # the mapping file, for messages


def with_mapping(schema: RegisterSchema, mapping: RegisterMapping) -> RegisterSchema:
    """The schema reading the register through the mapping (its headers win over the schema's names and aliases,
    see header.match_header; its words over the schema's value maps, see adopt)."""
    names = {column.name for column in schema.columns}
    unknown = [target for target in mapping.columns.values() if target and target not in names]
    if unknown:
        raise RegisterSchemaError(f"{mapping.source or 'The mapping'} maps a header to '{unknown[0]}', which is not a "
                                  f"column of {schema.title} ({', '.join(sorted(names))}).")
    for column, words in mapping.values.items():
        choices = next((c.choices for c in schema.columns if c.name == column), None)
        if choices is None:
            raise RegisterSchemaError(f"{mapping.source or 'The mapping'} has values for '{column}', which is not a "
                                      f"column of {schema.title}.")
        wrong = [choice for choice in words.values() if choice not in choices]
        if wrong:
            raise RegisterSchemaError(f"{mapping.source or 'The mapping'} maps a word of '{column}' to '{wrong[0]}', "
                                      f"which is not one of its choices ({', '.join(choices)}).")
    return replace(schema, mapping=mapping)


def with_date_order(schema: RegisterSchema, date_order: DateOrder | None) -> RegisterSchema:
    """The schema reading dates typed as text in `date_order` (over the mapping's)."""
    if date_order is None:
        return schema
    mapping = schema.mapping or RegisterMapping()
    return replace(schema, mapping=replace(mapping, date_order=date_order))

"""A mapping: how one organisation's register, in its own layout and words, reads as a schema's register.

It names the sheet and header row, which header means which schema column (or is kept as an extra column),
which of its words means which choice, the order its dates typed as text are written in, and the register's
own form: the pattern its IDs follow, and choices of its own beside the schema's (statuses with the part each
plays). `xlreg map` proposes one; a person edits it; every command can then work on the register where it is
(`--mapping`), and `xlreg migrate` copies it into the template, its own form with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from xl_addin.engine.text_dates import DateOrder

StatusPart = Literal["open", "on hold", "completed", "cancelled"]
STATUS_PARTS: tuple[StatusPart, ...] = ("open", "on hold", "completed", "cancelled")


@dataclass(frozen=True)
class RegisterForm:
    """What a register has of its own beyond the schema: its ID pattern, choices it adds to choice columns,
    and the part each status it adds plays. Carried by a mapping, and stored in a migrated workbook."""

    id_pattern: str | None = None
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # schema column -> added choices
    statuses: Mapping[str, StatusPart] = field(default_factory=dict)  # added status -> its part
    origin: str = field(default="the mapping", compare=False)  # where it was read: "the mapping", "the workbook"

    def __bool__(self) -> bool:
        return bool(self.id_pattern or self.choices or self.statuses)

    def describe(self) -> str:
        """In words, for a finding or a report."""
        parts = []
        if self.id_pattern:
            parts.append(f"IDs of the pattern {self.id_pattern}")
        for column, added in self.choices.items():
            parts.append(f"{column} choices also {', '.join(added)}")
        if self.statuses:
            parts.append("statuses " + ", ".join(f"{word} ({part})" for word, part in self.statuses.items()))
        return "; ".join(parts)


@dataclass(frozen=True)
class RegisterMapping:
    """One register's layout and words, as the schema's."""

    sheet: str | None = None
    header_row: int | None = None
    columns: Mapping[str, str | None] = field(default_factory=dict)  # file header -> schema column (None: extra)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # schema column -> word -> choice
    date_order: DateOrder | None = None
    form: RegisterForm = RegisterForm()
    source: str = ""  # the mapping file, for messages

"""Reminders to owners: each owner's overdue items and the items due soon, with where each stands in the
workbook, the address to write to, and whether the owner was reminded too recently to be reminded again.

What is overdue and what is due are engine.overdue's, so a reminder lists what `xlreg overdue` lists. An owner's
address comes from the register's Owner email column (its role, or a column headed so) or else the owners file;
an owner with neither is listed as such, never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from xl_addin.engine.overdue import NO_OWNER, due_items, overdue_items
from xl_addin.engine.register import Register
from xl_addin.engine.schema import RegisterSchema
from xl_addin.ooxml.refs import column_letter

DEFAULT_DUE_WITHIN = 14
# headers an Owner email column goes by when the schema names no column for the role (letters only, lower case)
EMAIL_HEADERS = frozenset({"owneremail", "owneremailaddress", "ownersemail", "email", "emailaddress", "ownermail"})
_ADDRESS = re.compile(r"^[^@\s<>(),;:\"]+@[^@\s<>(),;:\"]+\.[^@\s<>(),;:\"]+$")


@dataclass(frozen=True)
class ReminderItem:
    item_id: str
    description: str
    status: str
    target_date: dt.date
    days: int  # overdue: days past the target date; due: days left to it
    overdue: bool
    place: str  # the item's row in the workbook: Register!A12


@dataclass(frozen=True)
class Reminder:
    owner: str
    address: str | None
    overdue: tuple[ReminderItem, ...]
    due: tuple[ReminderItem, ...]


@dataclass(frozen=True)
class Sent:
    """One line of the reminder log: who was reminded of what, when, and how."""

    when: dt.datetime
    owner: str
    address: str
    overdue: int
    due: int
    items: str  # the item IDs, comma-separated
    how: str  # "draft" or "sent"


@dataclass(frozen=True)
class Plan:
    """Who gets a reminder now, and who does not and why."""

    reminders: tuple[Reminder, ...]  # to write or send
    no_address: tuple[Reminder, ...]  # owners with items but no address
    recently: tuple[tuple[Reminder, dt.datetime], ...]  # reminded within --every days: when last
    unowned: tuple[ReminderItem, ...]  # items with no owner to remind


def is_address(text: str) -> bool:
    return bool(_ADDRESS.match(text))


def owner_key(name: str) -> str:
    """Owners match ignoring case and spacing ("ana  costa" is Ana Costa)."""
    return " ".join(name.split()).casefold()


def email_column(register: Register, schema: RegisterSchema) -> Sequence[object] | None:
    """The register's Owner email values: its role's column, else an extra column headed as one."""
    named = schema.role("ownerEmail")
    if named and named in register.cells:
        return register.cells[named]
    for header, values in register.extras.items():
        if re.sub(r"[^a-z]", "", header.casefold()) in EMAIL_HEADERS:
            return values
    return None


def addresses(register: Register, schema: RegisterSchema, listed: Mapping[str, str]) -> dict[str, str]:
    """Each owner's address by owner_key: the first one written beside their items in the register, else the
    one the owners file lists."""
    found = {owner_key(name): address.strip() for name, address in listed.items() if is_address(address.strip())}
    owner, emails = schema.role("owner"), email_column(register, schema)
    if owner and owner in register.cells and emails is not None:
        written: dict[str, str] = {}
        for name, email in zip(register.cells[owner], emails, strict=True):
            if name is not None and isinstance(email, str) and is_address(email.strip()):
                written.setdefault(owner_key(str(name)), email.strip())
        found.update(written)
    return found


def _items(register: Register, schema: RegisterSchema, *, as_of: dt.date,
           due_within: int) -> list[tuple[str, ReminderItem]]:
    index_of = {row: index for index, row in enumerate(register.row_numbers)}
    description = schema.role("description")
    descriptions = register.cells.get(description or "", [None] * len(register))
    first = column_letter(min(register.columns.values(), default=1))

    def item(row: int, item_id: str, status: str, target: dt.date, days: int, overdue: bool) -> ReminderItem:
        text = descriptions[index_of[row]]
        return ReminderItem(item_id or f"row {row}", "" if text is None else str(text), status, target, days,
                            overdue, f"{register.sheet}!{first}{row}")

    late = [(entry.owner, item(entry.row, entry.item_id, entry.status, entry.target_date, entry.days_overdue, True))
            for entry in overdue_items(register, schema, as_of=as_of)]
    soon = [(entry.owner, item(entry.row, entry.item_id, entry.status, entry.target_date, entry.days_left, False))
            for entry in due_items(register, schema, as_of=as_of, within_days=due_within)]
    return late + soon


def plan_reminders(register: Register, schema: RegisterSchema, *, as_of: dt.date, due_within: int,
                   listed: Mapping[str, str], log: Iterable[Sent] = (), every: int | None = None) -> Plan:
    """The reminders for `as_of`: one per owner with overdue items or items due within `due_within` days (the
    longest overdue first, then the soonest due), owners in alphabetical order. With `every`, an owner the log
    shows reminded fewer than `every` days before is left out."""
    known = addresses(register, schema, listed)
    by_owner: dict[str, list[ReminderItem]] = {}
    names: dict[str, str] = {}
    unowned = []
    for owner, entry in _items(register, schema, as_of=as_of, due_within=due_within):
        if owner == NO_OWNER:
            unowned.append(entry)
            continue
        key = owner_key(owner)
        names.setdefault(key, owner.strip())
        by_owner.setdefault(key, []).append(entry)
    last: dict[str, dt.datetime] = {}
    for sent in log:
        key = owner_key(sent.owner)
        if key not in last or sent.when > last[key]:
            last[key] = sent.when
    ready, no_address, recently = [], [], []
    for key in sorted(by_owner, key=lambda key: names[key].casefold()):
        entries = by_owner[key]
        reminder = Reminder(names[key], known.get(key),
                            tuple(sorted((e for e in entries if e.overdue), key=lambda e: -e.days)),
                            tuple(sorted((e for e in entries if not e.overdue), key=lambda e: e.days)))
        if reminder.address is None:
            no_address.append(reminder)
        elif every is not None and key in last and (as_of - last[key].date()).days < every:
            recently.append((reminder, last[key]))
        else:
            ready.append(reminder)
    return Plan(tuple(ready), tuple(no_address), tuple(recently), tuple(unowned))


def sent_line(reminder: Reminder, when: dt.datetime, how: str) -> Sent:
    return Sent(when, reminder.owner, reminder.address or "", len(reminder.overdue), len(reminder.due),
                ", ".join(item.item_id for item in (*reminder.overdue, *reminder.due)), how)

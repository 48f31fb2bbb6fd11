"""Reading a register in its own words: choice words through the schema's value maps ("Done" as Completed), and
dates typed as text read in the order the organisation writes them (15.03.2026 as day, month, year).

Each reading is kept on the register and reported once per column and word (an info finding), so nothing is
read differently without a word; what cannot be read certainly (an ambiguous date with no order given) is left
as it is, for validation to report.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Literal

from xl_addin.engine.findings import Finding, Severity, column_letter, define
from xl_addin.engine.register import Reading, Register
from xl_addin.engine.schema import RegisterSchema, value_key

DateOrder = Literal["dmy", "mdy", "ymd"]
DATE_ORDERS: tuple[DateOrder, ...] = ("dmy", "mdy", "ymd")
_ORDER_WORDS = {"dmy": "day, month, year", "mdy": "month, day, year", "ymd": "year, month, day"}
_MONTHS = {name: number for number, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], start=1) for name in names}
_PARTS = re.compile(r"^\s*([0-9]{1,4}|[A-Za-z]{3,9})[./\- ]+([0-9]{1,2}|[A-Za-z]{3,9})[./\- ,]+([0-9]{2,4})\s*$")

VALUE_MAPPED = define(
    "value-mapped", "Word read as a choice", Severity.INFO,
    "A word of the register's own (\"Done\") is read as one of the schema's choices (Completed), through the "
    "schema's or the mapping's value map; reported once per column and word.",
    "{column}: '{word}' ({count} cell{plural}, first {cell}) is read as '{choice}'.")
DATES_READ = define(
    "dates-read-from-text", "Dates read from text", Severity.INFO,
    "Dates typed as text were read in the date order given (--date-order or the settings key date-order); "
    "reported once per column.",
    "{column}: {count} date{plural} typed as text read as {order} (for example '{example}' as {date}); re-enter "
    "them as dates so that Excel can sort and compare them.")


def parse_text_date(text: str, order: DateOrder | None) -> list[dt.date]:
    """The dates `text` can mean: with `order`, at most one; without, every order it fits (an ISO date or a
    month written as a word has one reading whatever the order)."""
    match = _PARTS.match(text)
    if match is None:
        return []
    parts = list(match.groups())
    named = [index for index, part in enumerate(parts) if part.isalpha()]
    orders: list[DateOrder] = [order] if order else list(DATE_ORDERS)
    if len(parts[0]) == 4 and not named:
        orders = ["ymd"]  # 2026-03-15: a year first is never a day or a month
    readings: list[dt.date] = []
    for candidate in orders:
        day_at, month_at, year_at = (candidate.index("d"), candidate.index("m"), candidate.index("y"))
        if named and named != [month_at]:
            continue
        try:
            month = _MONTHS[parts[month_at].lower()] if named else int(parts[month_at])
            year = int(parts[year_at])
            year += (2000 if year < 70 else 1900) if year < 100 else 0
            reading = dt.date(year, month, int(parts[day_at]))
        except (KeyError, ValueError):
            continue
        if reading not in readings:
            readings.append(reading)
    return readings


def text_date_orders(text: str) -> list[DateOrder]:
    """The date orders under which `text` is a date (15.03.2026: day-month-year only; 03.04.2026: either)."""
    return [order for order in DATE_ORDERS if parse_text_date(text, order)]


def order_words(order: DateOrder) -> str:
    return _ORDER_WORDS[order]


def adopt(register: Register, schema: RegisterSchema, *, date_order: DateOrder | None = None,
          value_maps: Mapping[str, Mapping[str, str]] | None = None) -> Register:
    """The register with its own words read as the schema's: choices through value maps (the schema's, and
    `value_maps` from a mapping on top), and, when `date_order` is given, dates typed as text as dates."""
    cells = dict(register.cells)
    readings: list[Reading] = list(register.readings)
    for column in schema.columns:
        if column.name not in cells:
            continue
        values = cells[column.name]
        if column.kind == "choice":
            extra = (value_maps or {}).get(column.name, {})
            words = {**column.value_map, **{value_key(word): choice for word, choice in extra.items()}}
            if words:
                cells[column.name], mapped = _map_values(values, words, column.choices, register.row_numbers)
                readings += [Reading("value", column.name, word, choice, count, first)
                             for word, choice, count, first in mapped]
        elif column.kind == "date" and date_order is not None:
            cells[column.name], dated = _read_dates(values, date_order, register.row_numbers)
            readings += [Reading("date", column.name, example, date, count, first)
                         for example, date, count, first in dated]
    if readings == list(register.readings):
        return register
    return replace(register, cells=cells, readings=tuple(readings), date_order=date_order or register.date_order)


def _map_values(values: Sequence[Any], words: Mapping[str, str], choices: Sequence[str],
                rows: Sequence[int]) -> tuple[list[Any], list[tuple[str, str, int, int]]]:
    chosen = set(choices)
    mapping = {value: words[value_key(value)] for value in set(values)
               if type(value) is str and value not in chosen and value_key(value) in words}
    if not mapping:
        return list(values), []
    counted = Counter(value for value in values if value in mapping)
    first = {}
    for row, value in zip(rows, values, strict=True):
        if value in mapping and value not in first:
            first[value] = row
    return ([mapping.get(value, value) if type(value) is str else value for value in values],
            [(word, mapping[word], counted[word], first[word]) for word in sorted(mapping, key=first.__getitem__)])


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


def reading_findings(register: Register) -> list[Finding]:
    """One info finding per column and word read as a choice, and per column of dates read from text."""
    found = []
    for reading in register.readings:
        column = register.heading(reading.column)
        where: dict[str, Any] = {"sheet": register.sheet, "row": reading.first_row,
                                 "column_number": register.columns.get(reading.column, 0), "column": column}
        plural = "" if reading.count == 1 else "s"
        if reading.kind == "value":
            cell = f"{register.sheet}!{column_letter(register.columns.get(reading.column, 0))}{reading.first_row}"
            found.append(VALUE_MAPPED.at(register.file, **where, value=reading.word, word=reading.word,
                                         choice=reading.read_as, count=reading.count, plural=plural, cell=cell))
        else:
            found.append(DATES_READ.at(register.file, **where, value=reading.word, count=reading.count,
                                       plural=plural, order=_ORDER_WORDS.get(register.date_order or "", "given"),
                                       example=reading.word, date=reading.read_as.isoformat()))
    return found

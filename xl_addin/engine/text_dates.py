"""Dates typed as text (15.03.2026, 03/04/2026, 3 Nov 2026, 2026-03-15): the dates a text can mean, and the
orders (day-month-year, month-day-year, year-month-day) under which it is a date at all."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

DateOrder = Literal["dmy", "mdy", "ymd"]
DATE_ORDERS: tuple[DateOrder, ...] = ("dmy", "mdy", "ymd")
_ORDER_WORDS = {"dmy": "day, month, year", "mdy": "month, day, year", "ymd": "year, month, day"}
_MONTHS = {name: number for number, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], start=1) for name in names}
_PARTS = re.compile(r"^\s*([0-9]{1,4}|[A-Za-z]{3,9})[./\- ]+([0-9]{1,2}|[A-Za-z]{3,9})[./\- ,]+([0-9]{2,4})\s*$")


def _parts(text: str) -> tuple[list[str], list[int]] | None:
    match = _PARTS.match(text)
    if match is None:
        return None
    parts = list(match.groups())
    return parts, [index for index, part in enumerate(parts) if part.isalpha()]


def parse_text_date(text: str, order: DateOrder | None) -> list[dt.date]:
    """The dates `text` can mean: with `order`, at most one; without, every order it fits (an ISO date or a
    month written as a word has one reading whatever the order)."""
    found = _parts(text)
    if found is None:
        return []
    parts, named = found
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


def one_reading_whatever_the_order(text: str) -> bool:
    """A date written so that it reads one way under any order: a year first (2026-03-15) or a month as a word
    (3 Nov 2026). Such dates say nothing about the order a register writes its other dates in."""
    found = _parts(text)
    if found is None:
        return False
    parts, named = found
    return (len(parts[0]) == 4 and not named) or bool(named)


def text_date_orders(text: str) -> list[DateOrder]:
    """The date orders under which `text` is a date (15.03.2026: day-month-year only; 03.04.2026: either)."""
    return [order for order in DATE_ORDERS if parse_text_date(text, order)]


def order_words(order: DateOrder) -> str:
    return _ORDER_WORDS[order]

"""Column widths and row heights for sheets people print: each column as wide as its header's longest word and
its values (up to a limit past which text wraps), each row as tall as its most wrapped cell, so that nothing
printed is cut off and no column is wider than it needs to be."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

LONGEST = 36  # characters: a longer text wraps within its column
NARROWEST = 8
LINE_HEIGHT = 15.0  # points: one line of the default 11-point font


def text_width(value: Any) -> int:
    """The characters a value takes once shown (a date as yyyy-mm-dd, a moment with its time); its longest line."""
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, float):
        return len(f"{value:,.4g}")
    text = value if isinstance(value, str) else str(value)
    return max(map(len, text.split("\n"))) if "\n" in text else len(text)


def _distinct(values: Sequence[Any]) -> Any:
    """The values, each once (a register repeats its statuses, owners and dates), where they can be hashed; 1 and
    True are one value then, which a column of either kind never notices."""
    try:
        return set(values)
    except TypeError:  # something unhashable: every value
        return values


def column_widths(columns: Sequence[Sequence[Any]], headers: Sequence[Any] = ()) -> list[float]:
    """For each column (its values), a width holding the longest word of its header and its values up to LONGEST
    characters, with room either side; a header longer than that wraps at its spaces."""
    widths: list[float] = []
    for number, values in enumerate(columns):
        header = str(headers[number]) if number < len(headers) and headers[number] is not None else ""
        word = max(map(len, header.split()), default=0)
        longest = max(map(text_width, _distinct(values)), default=0)
        widths.append(max(NARROWEST, word, min(LONGEST, longest)) + 2)
    return widths


def lines(value: Any, width: float) -> int:
    """How many lines a value takes in a column of `width` characters, wrapped at its spaces as Excel wraps it."""
    if not isinstance(value, str) or (len(value) <= width - 2 and "\n" not in value):
        return 1
    room = max(1, int(width) - 2)
    count = 0
    for paragraph in value.split("\n"):
        used = 0
        count += 1
        for word in paragraph.split(" "):
            size = len(word)
            if used and used + 1 + size > room:
                count += 1 + (size - 1) // room
                used = size % room or room
            elif not used and size > room:
                count += (size - 1) // room
                used = size % room or room
            else:
                used += size + (1 if used else 0)
    return count


def row_height(values: Sequence[Any], widths: Sequence[float], columns: Sequence[int] | None = None) -> float | None:
    """The height a row needs for its most wrapped cell; None when one line is enough. `columns`: the only
    columns whose text may wrap (the others' values all fit), to look at no other."""
    most = 1
    for number in range(min(len(values), len(widths))) if columns is None else columns:
        value = values[number] if number < len(values) else None
        if type(value) is str and (len(value) > widths[number] - 2 or "\n" in value):
            most = max(most, lines(value, widths[number]))
    return most * LINE_HEIGHT if most > 1 else None

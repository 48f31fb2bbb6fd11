"""An export's rows as typed records of a feed's fields: nulls as None, words through the value map, dates and
durations read, and of an event log only each item's latest row."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xl_addin.engine.feeds.mapping import DATE_FIELDS, FIELDS, FeedMapping, MappingError
from xl_addin.engine.text_dates import DateOrder, parse_text_date

Record = dict[str, Any]
_TIME = re.compile(r"^(.*?)[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?\s*([AaPp][Mm])?$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DURATION = re.compile(r"^(-)?(\d+):(\d{2})(?::\d{2})?$")
_TRUE = {"true", "yes", "y", "1", "breached"}
_FALSE = {"false", "no", "n", "0", "met", "within"}


@dataclass(frozen=True)
class RecordsRead:
    records: list[Record]
    rows_read: int  # data rows in the export
    rows_used: int  # after nulls, unreadable rows and earlier event-log rows are set aside
    problems: tuple[str, ...]  # one line per kind of row set aside, with a count and an example


def _key(text: Any) -> str:
    return " ".join(str(text).split()).casefold()


def _columns(header: Sequence[Any], mapping: FeedMapping) -> dict[str, list[int]]:
    """field -> the positions of its header (more than one when the export repeats a header)."""
    positions: dict[str, list[int]] = {}
    keys = [_key(cell) if cell is not None else "" for cell in header]
    for name, heading in mapping.columns.items():
        found = [index for index, key in enumerate(keys) if key == _key(heading)]
        if found:
            positions[name] = found
    return positions


def header_score(header: Sequence[Any], mapping: FeedMapping) -> int:
    """How many of the mapping's headers a row holds: the export's header row is the best-scoring row."""
    return len(_columns(header, mapping))


def read_date(value: Any, order: DateOrder | None) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if not isinstance(value, str):
        return None
    text, clock = value.strip(), dt.time()
    timed = _TIME.match(text)
    if timed:
        text, hours, minutes, seconds, half = timed.groups()
        hour = int(hours) % 12 + (12 if half and half.lower() == "pm" else 0) if half else int(hours)
        try:
            clock = dt.time(hour, int(minutes), int(seconds or 0))
        except ValueError:
            return None
    iso = _ISO.match(text)
    readings = [dt.date(*map(int, iso.groups()))] if iso else parse_text_date(text, order)
    return dt.datetime.combine(readings[0], clock) if len(readings) == 1 else None


def _hours(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 3600
    match = _DURATION.match(str(value).strip())
    if not match:
        return None
    sign, hours, minutes = match.groups()
    return (-1 if sign else 1) * (int(hours) + int(minutes) / 60)


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    return True if text in _TRUE else False if text in _FALSE else None


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    try:
        return float(str(value).strip().replace(",", "."))
    except ValueError:
        return None


def _typed(name: str, value: Any, mapping: FeedMapping) -> Any:
    if name in DATE_FIELDS:
        return read_date(value, mapping.date_order)
    if name == "breached":
        return _flag(value)
    if name == "resolution_hours":
        return _hours(value)
    if name in ("score", "version"):
        return _number(value)
    return " ".join(str(value).split()) if isinstance(value, str) else value


def _cell(row: Sequence[Any], positions: list[int], mapping: FeedMapping) -> Any:
    values = [row[index] if index < len(row) else None for index in positions]
    values = [None if value is None or (isinstance(value, str) and value.strip() in mapping.nulls) else value
              for value in values]
    present = [value for value in values if value is not None]
    if not present:
        return None
    if mapping.duplicates == "join":
        return "; ".join(str(value) for value in present)
    return present[-1] if mapping.duplicates == "last" else present[0]


def _mapped(name: str, value: Any, lookups: dict[str, dict[str, Any]]) -> Any:
    lookup = lookups.get(name)
    if not lookup or value is None:
        return value
    return lookup.get(_key(value), value)


def read_records(header: Sequence[Any], rows: Sequence[Sequence[Any]], mapping: FeedMapping) -> RecordsRead:
    """Typed records of the export's rows; MappingError when its header lacks a needed column."""
    positions = _columns(header, mapping)
    needed, _ = FIELDS[mapping.kind]
    lacking = [mapping.columns[name] for name in needed if name not in positions]
    if lacking:
        raise MappingError(f"The export has no column {', '.join(repr(h) for h in lacking)} that mapping "
                           f"{mapping.name} reads; its header is: {', '.join(str(c) for c in header if c)}.")
    records: list[Record] = []
    set_aside: dict[str, list[int]] = {}
    # the value map by field, its words keyed as cells are compared (once, not per cell)
    lookups = {name: {_key(word): meaning for word, meaning in words.items()}
               for name, words in mapping.values.items()}
    for number, row in enumerate(rows, start=1):
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row):
            continue
        record = {name: _typed(name, _mapped(name, _cell(row, at, mapping), lookups), mapping)
                  for name, at in positions.items()}
        empty = [mapping.columns[name] for name in needed if record.get(name) is None]
        if empty:
            set_aside.setdefault(f"no readable {', '.join(empty)}", []).append(number)
            continue
        records.append(record)
    rows_read = sum(1 for row in rows if any(cell not in (None, "") for cell in row))
    if mapping.latest_by:
        records, earlier = _latest(records, mapping)
        if earlier:
            set_aside.setdefault("earlier updates of the same item (an event log keeps its latest row)",
                                 []).extend([0] * earlier)
    problems = tuple(f"{len(rows_)} row(s) set aside: {reason}" for reason, rows_ in set_aside.items())
    return RecordsRead(records, rows_read, len(records), problems)


def _latest(records: list[Record], mapping: FeedMapping) -> tuple[list[Record], int]:
    """Each item's row with the highest `latest_by` value (ServiceNow's sys_mod_count), in first-seen order."""
    key, by = FIELDS[mapping.kind][0][0], mapping.latest_by or ""
    best: dict[Any, Record] = {}
    for record in records:
        current = best.get(record[key])
        if current is None or (record.get(by) or 0) >= (current.get(by) or 0):
            best[record[key]] = record
    return list(best.values()), len(records) - len(best)

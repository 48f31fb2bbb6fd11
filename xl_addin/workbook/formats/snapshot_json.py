"""The snapshot's JSON form: versioned (validators/snapshot.schema.json), fixed key order, ISO dates,
so that two reviews can be compared by a program.

Version 2 holds the items as columns, one list of values per column on a line of its own: a 10,000-item register
is some 30 lines rather than 10,000 objects each repeating every column's name. Version 1 files (items as rows)
are still read: `load_snapshot` gives either version's items in one form, a list of {"row", "values"}.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from xl_addin.engine.findings import finding_record, json_value
from xl_addin.engine.snapshot import BUNCHING_WINDOW_DAYS, FORMAT, FORMAT_VERSION, Snapshot
from xl_addin.errors import ActionFailed, not_found

SCHEMA_FILES = {FORMAT_VERSION: "snapshot.schema.json", 1: "snapshot-v1.schema.json"}


def snapshot_document(snapshot: Snapshot) -> dict[str, Any]:
    """The document `dumps` writes. Cell values stay as the register holds them; dates and times become ISO
    text as they are encoded."""
    steady = snapshot.steady_stream
    window = None
    if steady.busiest_start is not None and steady.busiest_end is not None:
        window = {"from": steady.busiest_start.isoformat(), "to": steady.busiest_end.isoformat(),
                  "entries": steady.busiest_entries}
    return {
        "format": FORMAT,
        "formatVersion": FORMAT_VERSION,
        "register": {"file": snapshot.register_file, "sha256": snapshot.register_sha256, "sheet": snapshot.sheet,
                     "schema": snapshot.schema_title},
        "asOf": snapshot.as_of.isoformat(timespec="seconds"),
        "previousReview": snapshot.previous_review.isoformat() if snapshot.previous_review else None,
        "roles": dict(snapshot.roles),
        "statuses": {kind: list(names) for kind, names in snapshot.statuses.items()},
        "steadyStream": {"windowDays": BUNCHING_WINDOW_DAYS, "entriesInYear": steady.entries_in_year,
                         "busiestWindow": window, "bunched": steady.bunched,
                         "medianDaysToClose": steady.median_days_to_close},
        "findings": [finding_record(finding) for finding in snapshot.findings],
        "dataQuality": {"findings": sum(count for _, _, count in snapshot.data_quality),
                        "byCode": [{"code": code, "severity": severity, "count": count}
                                   for code, severity, count in snapshot.data_quality]},
        "sinceBasis": snapshot.since_basis,
        "headline": [{"label": figure.label, "value": figure.value, "unit": figure.unit}
                     for figure in snapshot.headline],
        "review": [{"key": table.key, "title": table.title, "columns": list(table.columns),
                    "rows": [list(row) for row in table.rows],
                    **({"unavailable": table.unavailable} if table.unavailable else {}),
                    **({"note": table.note} if table.note else {}),
                    **({"units": list(table.units)} if table.units else {})}
                   for table in snapshot.tables],
        "columns": list(snapshot.columns),
        # cell values as they are: the encoder writes dates in ISO form (_as_text), as json_value does
        "items": {"row": [item["row"] for item in snapshot.items],
                  "values": {column: [item.get(column) for item in snapshot.items] for column in snapshot.columns}},
    }


def dumps(document: Mapping[str, Any]) -> str:
    """Indented for people, except that each item and each table row takes one line: the file stays readable
    and line-diffable, and a 10,000-item register does not take seconds to encode (indented JSON is encoded
    in pure Python)."""
    parts = []
    for key, value in document.items():
        if key == "items":
            text = "{\n" + ",\n".join(f"    {_compact(name)}: {_compact(cells) if name == 'row' else _columns(cells)}"
                                     for name, cells in value.items()) + "\n  }"
        elif key == "review":
            text = _lines([_table(table) for table in value], "  ")
        else:
            text = _compact(value, indent=2).replace("\n", "\n  ")
        parts.append(f"  {_compact(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


# One encoder for the one-line values: json.dumps with any option builds a new encoder on every call, about a
# fifth of the encoding time for a 10,000-item register.
def _as_text(value: Any) -> Any:
    return json_value(value)  # called by the encoder only for what JSON has no form for: dates, times...


_ONE_LINE = json.JSONEncoder(ensure_ascii=False, default=_as_text)


def _compact(value: Any, *, indent: int | None = None) -> str:
    if indent is None:
        return _ONE_LINE.encode(value)
    return json.dumps(value, ensure_ascii=False, indent=indent, default=_as_text)


def _columns(columns: Mapping[str, Any]) -> str:
    """The items' values, one column to a line."""
    if not columns:
        return "{}"
    return "{\n" + ",\n".join(f"      {_compact(name)}: {_compact(values)}" for name, values in columns.items()) + \
        "\n    }"


def _lines(texts: list[str], margin: str) -> str:
    """A JSON array with one element per line, closed at `margin`."""
    if not texts:
        return "[]"
    inner = margin + "  "
    return "[\n" + ",\n".join(inner + text.replace("\n", "\n" + inner) for text in texts) + "\n" + margin + "]"


def _table(table: Mapping[str, Any]) -> str:
    fields = [f"  {_compact(key)}: {_compact(value)}" for key, value in table.items() if key != "rows"]
    fields.append('  "rows": ' + _lines([_compact(row) for row in table["rows"]], "  "))
    return "{\n" + ",\n".join(fields) + "\n}"


def load_snapshot(path: Path) -> dict[str, Any]:
    """Read a snapshot JSON of either format version and check it against its format; ActionFailed in plain
    words if it is not one. Its items come as a list of {"row", "values"}, whichever version it is."""
    document = _read_snapshot(path)
    problem = _format_problem(document)
    if problem is not None:
        where, message = problem
        raise ActionFailed(f"{path.name} is not a valid snapshot at {where or 'the top level'}: {message}")
    if document["formatVersion"] == FORMAT_VERSION:
        return {**document, "items": items_as_rows(document)}
    return document


def items_as_rows(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A version 2 document's items (columns of values) as version 1 held them: one {"row", "values"} each."""
    rows, columns = document["items"]["row"], document["items"]["values"]
    names = list(columns)
    values = zip(*columns.values(), strict=True) if names else [()] * len(rows)
    return [{"row": row, "values": dict(zip(names, cells, strict=True))}
            for row, cells in zip(rows, values, strict=True)]


_CELL_KINDS = frozenset({str, int, float, bool, type(None)})  # the format's cell: string, number, boolean, null


def _format_problem(document: dict[str, Any]) -> tuple[str, str] | None:
    """Where the document breaks the snapshot format of its version, and how, or None.

    jsonschema checks the document without its items and table rows, and any item, column or row that a look at
    its value kinds cannot clear (a snapshot of 10,000 items holds about 300,000 cells: seconds through
    jsonschema, milliseconds this way); so every message is jsonschema's, but for columns of items of unequal
    lengths, which no JSON schema can say."""
    version = document["formatVersion"]
    validator = _snapshot_validator(version)
    items: Any = document.get("items")
    tables: list[Any] = document["review"] if isinstance(document.get("review"), list) else []
    if not all(isinstance(table, dict) and isinstance(table.get("rows"), list) for table in tables):
        tables = []  # jsonschema says what is wrong with them
    if version == 1:
        items = items if isinstance(items, list) else []
        emptied: Any = [] if items else items
        item_checks = [(["items", index], [item]) for index, item in enumerate(items) if not _clear_item(item)]
    else:
        columns = _item_columns(items)
        emptied = {**items, "row": [], "values": {name: [] for name in columns}} if columns is not None else items
        clear = columns is None or (all(map(_clear_row, columns.values())) and _clear_rows(items["row"]))
        item_checks = [] if clear else [(["items"], items)]
    skeleton = {**document, **({"items": emptied} if items else {}),
                **({"review": [{**table, "rows": []} for table in tables]} if tables else {})}
    checks: list[tuple[list[Any], dict[str, Any]]] = [([], skeleton)]
    checks += [(place, {**skeleton, "items": part}) for place, part in item_checks]
    for number, table in enumerate(tables):
        checks += [(["review", number, "rows", index], {**skeleton, "review": [
                       {**table, "rows": [row]} if other == number else skeleton["review"][other]
                       for other in range(len(tables))]})
                   for index, row in enumerate(table["rows"]) if not _clear_row(row)]
    for place, part in checks:
        error = next(iter(sorted(validator.iter_errors(part), key=str)), None)
        if error is not None:  # within the one item or row put in, or (place []) elsewhere
            path = [*place, *list(error.absolute_path)[len(place):]]
            return "/".join(str(step) for step in path), error.message
    if version != 1 and (columns := _item_columns(items)) is not None:
        size = len(items["row"])
        for name, cells in columns.items():
            if len(cells) != size:
                return f"items/values/{name}", f"{len(cells)} values for {size} items"
    return None


def _item_columns(items: Any) -> dict[str, Any] | None:
    """A version 2 document's columns of item values, when its items have the form's outline."""
    if type(items) is dict and type(items.get("row")) is list and type(items.get("values")) is dict and \
            all(type(cells) is list for cells in items["values"].values()):
        return items["values"]
    return None


def _clear_rows(rows: list[Any]) -> bool:
    return set(map(type, rows)) <= {int} and (not rows or min(rows) >= 1)


def _clear_item(item: Any) -> bool:
    """Certainly a valid item: {"row": n >= 1, "values": {column: cell}}."""
    return (type(item) is dict and len(item) == 2 and type(item.get("row")) is int and item["row"] >= 1
            and type(values := item.get("values")) is dict and set(map(type, values.values())) <= _CELL_KINDS)


def _clear_row(row: Any) -> bool:
    return type(row) is list and set(map(type, row)) <= _CELL_KINDS


def _read_snapshot(path: Path) -> dict[str, Any]:
    """The JSON of a file that says it is a snapshot of this format version (not yet checked in full)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ActionFailed(not_found("Snapshot", path)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ActionFailed(f"{path.name} is not a snapshot file xlreg can read ({error}).") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ActionFailed(f"{path.name} is not an xlreg snapshot (its 'format' is not '{FORMAT}').")
    if document.get("formatVersion") not in SCHEMA_FILES:
        raise ActionFailed(f"{path.name} is snapshot format version {document.get('formatVersion')}; this xlreg "
                           f"reads versions {', '.join(map(str, sorted(SCHEMA_FILES)))}.")
    return document


@lru_cache(maxsize=2)
def _snapshot_validator(version: int) -> Any:
    from jsonschema import Draft202012Validator

    from xl_addin.resources import validators_dir

    return Draft202012Validator(json.loads((validators_dir() / SCHEMA_FILES[version]).read_text(encoding="utf-8")))


def as_of_of(document: Mapping[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(document["asOf"])


def previous_snapshot(folder: Path, register_file: str, before: dt.datetime) -> tuple[Path, dict[str, Any]] | None:
    """The newest snapshot of the same register in `folder` taken before `before`, if any.

    Files that are not snapshots, or are of another register, are passed over.
    """
    candidates = []
    for path in folder.glob("*.json") if folder.is_dir() else ():
        try:  # a first look only: the one chosen is checked in full below
            document = _read_snapshot(path)
            register, as_of = Path(document["register"]["file"]).name, as_of_of(document)
        except (ActionFailed, KeyError, TypeError, ValueError):
            continue
        if register == Path(register_file).name and as_of < before:
            candidates.append((as_of, path.name, path))
    for _, _, path in sorted(candidates, reverse=True):
        try:
            return path, load_snapshot(path)
        except ActionFailed:
            continue
    return None

"""The snapshot's JSON form: versioned (validators/snapshot.schema.json), fixed key order, ISO dates,
so that two reviews can be compared by a program."""

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

SNAPSHOT_SCHEMA_FILE = "snapshot.schema.json"


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
        "review": [{"key": table.key, "title": table.title, "columns": list(table.columns),
                    "rows": [list(row) for row in table.rows],
                    **({"unavailable": table.unavailable} if table.unavailable else {})}
                   for table in snapshot.tables],
        "columns": list(snapshot.columns),
        # cell values as they are: the encoder writes dates in ISO form (_as_text), as json_value does
        "items": [{"row": item["row"], "values": {column: item.get(column) for column in snapshot.columns}}
                  for item in snapshot.items],
    }


def dumps(document: Mapping[str, Any]) -> str:
    """Indented for people, except that each item and each table row takes one line: the file stays readable
    and line-diffable, and a 10,000-item register does not take seconds to encode (indented JSON is encoded
    in pure Python)."""
    parts = []
    for key, value in document.items():
        if key == "items":
            text = _lines([_compact(item) for item in value], "  ")
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
    """Read a snapshot JSON and check it against its format; ActionFailed in plain words if it is not one."""
    document = _read_snapshot(path)
    problem = _format_problem(document)
    if problem is not None:
        where, message = problem
        raise ActionFailed(f"{path.name} is not a valid snapshot at {where or 'the top level'}: {message}")
    return document


_CELL_KINDS = frozenset({str, int, float, bool, type(None)})  # the format's cell: string, number, boolean, null


def _format_problem(document: dict[str, Any]) -> tuple[str, str] | None:
    """Where the document breaks the snapshot format, and how, or None.

    jsonschema checks the document without its items and table rows, and any item or row that a look at its
    value kinds cannot clear (a snapshot of 10,000 items holds about 300,000 cells: seconds through jsonschema,
    milliseconds this way); so every message is jsonschema's."""
    validator = _snapshot_validator()
    items: list[Any] = document["items"] if isinstance(document.get("items"), list) else []
    tables: list[Any] = document["review"] if isinstance(document.get("review"), list) else []
    if not all(isinstance(table, dict) and isinstance(table.get("rows"), list) for table in tables):
        tables = []  # jsonschema says what is wrong with them
    skeleton = {**document, **({"items": []} if items else {}),
                **({"review": [{**table, "rows": []} for table in tables]} if tables else {})}
    checks: list[tuple[list[Any], dict[str, Any]]] = [([], skeleton)]
    checks += [(["items", index], {**skeleton, "items": [item]})
               for index, item in enumerate(items) if not _clear_item(item)]
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
    return None


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
    if document.get("formatVersion") != FORMAT_VERSION:
        raise ActionFailed(f"{path.name} is snapshot format version {document.get('formatVersion')}; this xlreg "
                           f"reads version {FORMAT_VERSION}.")
    return document


@lru_cache(maxsize=1)
def _snapshot_validator() -> Any:
    from jsonschema import Draft202012Validator

    from xl_addin.resources import validators_dir

    return Draft202012Validator(json.loads((validators_dir() / SNAPSHOT_SCHEMA_FILE).read_text(encoding="utf-8")))


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

"""An export as a header and rows: a CSV file (any common encoding and delimiter) or a workbook (the sheet and
row holding the mapping's headers, under any title block)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xl_addin.engine.feeds.mapping import FeedMapping
from xl_addin.engine.feeds.records import header_score
from xl_addin.errors import ActionFailed, not_found

HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class FeedTable:
    header: list[Any]
    rows: list[list[Any]]
    where: str  # "sheet Findings, header row 4" or "header row 1", for the report


def read_feed(path: Path, mapping: FeedMapping) -> FeedTable:
    if not path.is_file():
        raise ActionFailed(not_found("File", path))
    with path.open("rb") as handle:
        head = handle.read(8)
    # by content, not by name: a workbook saved as .xls or .csv is still read as the workbook it is
    if head.startswith((b"PK", _OLE_MAGIC)) or path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        return _from_workbook(path, mapping)
    return _from_csv(path, mapping)


_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")


def _decoded(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _from_csv(path: Path, mapping: FeedMapping) -> FeedTable:
    try:
        text = _decoded(path.read_bytes())
    except OSError as error:
        raise ActionFailed(f"Could not read {path}: {error.strerror or error}.") from None
    try:
        dialect: Any = csv.Sniffer().sniff(text[:20000], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = [list(row) for row in csv.reader(io.StringIO(text), dialect)]
    return _table(rows, mapping, path, "")


def _from_workbook(path: Path, mapping: FeedMapping) -> FeedTable:
    from python_calamine import CalamineWorkbook

    try:
        with path.open("rb") as handle:
            workbook = CalamineWorkbook.from_filelike(handle)
    except Exception:  # calamine's errors for damaged or unsupported files
        raise ActionFailed(f"{path.name} could not be read as a workbook: it is damaged, password-protected or "
                           "not a spreadsheet. Open it in Excel and save it again, or export it as CSV.") from None
    best: tuple[int, str, list[list[Any]]] | None = None
    for name in workbook.sheet_names:
        rows = [list(row) for row in workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)]
        score = max((header_score(row, mapping) for row in rows[:HEADER_SEARCH_ROWS]), default=0)
        if best is None or score > best[0]:
            best = (score, name, rows)
    if best is None:
        raise ActionFailed(f"{path.name} has no sheets.")
    return _table(best[2], mapping, path, f"sheet {best[1]}, ")


def _table(rows: Sequence[list[Any]], mapping: FeedMapping, path: Path, sheet: str) -> FeedTable:
    scores = [header_score(row, mapping) for row in rows[:HEADER_SEARCH_ROWS]]
    if not scores or max(scores) == 0:
        headers = ", ".join(sorted(set(mapping.columns.values())))
        raise ActionFailed(f"{path.name} has none of the headers mapping {mapping.name} reads ({headers}) in its "
                           f"first {HEADER_SEARCH_ROWS} rows; is it the right export, or the right --mapping?")
    at = scores.index(max(scores))
    cells = [["" if value is None else value for value in row] for row in rows[at + 1:]]
    return FeedTable(list(rows[at]), cells, f"{sheet}header row {at + 1}")

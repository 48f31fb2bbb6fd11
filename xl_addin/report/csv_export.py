"""CSV for people who open it in a spreadsheet: every cell that a spreadsheet would run as a formula is
neutralised, because register text comes from many hands and a cell starting with '=' or '@' can act."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

# What Excel, LibreOffice and Google Sheets treat as the start of a formula (or of a DDE call).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    """The cell as text; text that would start a formula gets a leading apostrophe, which spreadsheets show
    as plain text (OWASP's advice for CSV injection)."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(name) for name in header])
    writer.writerows([neutralise(value) for value in row] for row in rows)
    return buffer.getvalue()

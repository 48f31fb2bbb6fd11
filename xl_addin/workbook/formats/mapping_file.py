"""Read a register mapping from its TOML file (see engine.mapping; `xlreg map` writes one to start from).

    sheet = "Improvements"
    header-row = 4
    date-order = "dmy"
    id-pattern = "^CI-[0-9]{3,}$"       # the form of the register's own IDs

    [columns]
    "Opportunity number" = "ID"
    "Notes" = ""            # kept as an extra column

    [values.Status]
    "Done" = "Completed"

    [choices]               # choices of the register's own, beside the schema's
    Source = ["Major incident review"]

    [statuses]              # statuses of the register's own, and the part each plays
    "Awaiting CAB" = "open"
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xl_addin.engine.mapping import STATUS_PARTS, RegisterForm, RegisterMapping
from xl_addin.engine.text_dates import DATE_ORDERS, DateOrder
from xl_addin.errors import ActionFailed
from xl_addin.workbook.formats.toml_file import read_toml

_KEYS = {"sheet", "header-row", "date-order", "id-pattern", "columns", "values", "choices", "statuses",
         "source-file", "schema"}
# What only a feed mapping has: a register mapping given one is told so, not that its keys are unknown.
FEED_KEYS = {"kind", "nulls", "duplicate-headers", "latest-by", "thresholds", "sources"}


def load_mapping(path: Path) -> RegisterMapping:
    """The mapping in a TOML file; ActionFailed, in plain words, when it cannot be used."""
    return mapping_from(read_toml(path, "mapping file"), source=path.name)


def mapping_from(document: dict[str, Any], *, source: str) -> RegisterMapping:
    if "kind" in document and set(document) & FEED_KEYS:
        raise ActionFailed(f"{source} is a feed mapping (it reads a {document.get('kind')} export), not a register "
                           "mapping: give it to xlreg import or measure with --feed-mapping, and the register's own "
                           "mapping (from xlreg map) with --mapping.")
    unknown = sorted(set(document) - _KEYS)
    if unknown:
        raise ActionFailed(f"The mapping {source} has a key xlreg does not know: '{unknown[0]}' (it knows "
                           f"{', '.join(sorted(_KEYS))}).")
    sheet = document.get("sheet")
    row = document.get("header-row")
    order = document.get("date-order")
    if sheet is not None and not isinstance(sheet, str):
        raise ActionFailed(f"In the mapping {source}, 'sheet' must be a sheet's name.")
    if row is not None and not (isinstance(row, int) and row >= 1):
        raise ActionFailed(f"In the mapping {source}, 'header-row' must be a row number (1 or more).")
    if order is not None and order not in DATE_ORDERS:
        raise ActionFailed(f"In the mapping {source}, 'date-order' must be one of {', '.join(DATE_ORDERS)}; found "
                           f"{order!r}.")
    columns = document.get("columns", {})
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise ActionFailed(f"In the mapping {source}, [columns] must map each header to a column name (or \"\" to "
                           "keep it as an extra column).")
    values = document.get("values", {})
    if not isinstance(values, dict) or not all(isinstance(words, dict) and all(isinstance(v, str)
                                               for v in words.values()) for words in values.values()):
        raise ActionFailed(f"In the mapping {source}, [values.COLUMN] must map each word to one of the column's "
                           "choices.")
    date_order: DateOrder | None = order
    return RegisterMapping(sheet=sheet, header_row=row,
                           columns={header: target or None for header, target in columns.items()},
                           values={column: {word: choice for word, choice in words.items() if choice}
                                   for column, words in values.items()},
                           date_order=date_order, form=form_from(document, source=source), source=source)


def form_from(document: dict[str, Any], *, source: str, origin: str = "") -> RegisterForm:
    """The register's own form in a mapping document (id-pattern, [choices], [statuses])."""
    pattern = document.get("id-pattern")
    if pattern is not None and not (isinstance(pattern, str) and pattern.strip()):
        raise ActionFailed(f"In the mapping {source}, 'id-pattern' must be a regular expression, such as "
                           "\"^CI-[0-9]{3,}$\".")
    choices = document.get("choices", {})
    if not isinstance(choices, dict) or not all(isinstance(words, list) and all(isinstance(w, str) and w.strip()
                                                for w in words) for words in choices.values()):
        raise ActionFailed(f"In the mapping {source}, [choices] must give each column a list of choices of the "
                           "register's own, such as Source = [\"Major incident review\"].")
    statuses = document.get("statuses", {})
    if not isinstance(statuses, dict) or not all(part in STATUS_PARTS for part in statuses.values()):
        raise ActionFailed(f"In the mapping {source}, [statuses] must give each status of the register's own the "
                           f"part it plays: one of {', '.join(repr(p) for p in STATUS_PARTS)}, such as "
                           "\"Awaiting CAB\" = \"open\".")
    return RegisterForm(id_pattern=pattern.strip() if pattern else None,
                        choices={column: tuple(word.strip() for word in words) for column, words in choices.items()},
                        statuses={word.strip(): part for word, part in statuses.items()},
                        origin=origin or f"the mapping {source}")

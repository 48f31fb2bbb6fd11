"""The register's header row: matching headers to the schema's columns, finding the header row in a sheet,
and the findings about the layout (missing, extra and repeated columns; no register at all).

Every reader (calamine, openpyxl, Excel through xlwings) searches with `HeaderSearch`, so a register is
found, or said to be missing, the same way whatever reads it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePath
from typing import Any

from xl_addin.engine.findings import NO_REGISTER, Finding, Severity, define
from xl_addin.engine.id_form import looks_like_ids
from xl_addin.engine.register import HeaderLayout, Register
from xl_addin.engine.schema import RegisterSchema, header_key
from xl_addin.ooxml.refs import column_letter

# How far down a sheet the header row may stand (below a title block, say).
HEADER_SEARCH_ROWS = 30

MISSING_COLUMN = define(
    "missing-column", "Missing column", Severity.ERROR,
    "A column the register needs is not in the header row. Reported once, not once per row.",
    "The register has no '{column}' column{also}; add it to the header row.")
MISSING_OPTIONAL_COLUMN = define(
    "missing-optional-column", "Optional column missing", Severity.WARNING,
    "An optional schema column is not in the header row.",
    "The register has no '{column}' column; it is optional, but the template has it.")
UNKNOWN_COLUMN = define(
    "unknown-column", "Extra column", Severity.INFO,
    "A header that is not part of the schema. Extra columns are allowed and are not checked.",
    "Column '{column}' is not part of the register schema; its cells are not checked.")
DUPLICATE_COLUMN = define(
    "duplicate-column", "Column appears twice", Severity.ERROR,
    "Two headers name the same column (ignoring case and spaces); only the first is read.",
    "Column '{column}' appears more than once in the header row; only the first one ({first}) is read.")


def match_header(cells: Sequence[Any], schema: RegisterSchema, *, first_column: int = 1,
                 group: Sequence[Any] | None = None) -> HeaderLayout:
    """Map header cells to schema columns by name or alias, ignoring case, spacing, punctuation and a remark in
    brackets ("Likelihood (1-5)"); note extras and repeats. With `group` (the row above), a two-row header: a
    sub-column is read by its own text or, failing that, with its group's ("Residual risk Likelihood"), and a
    cell empty below takes the text above (a header merged down both rows)."""
    by_key = schema.header_keys
    columns: dict[str, int] = {}
    extra: dict[str, int] = {}
    duplicates: dict[int, tuple[str, int]] = {}
    headers: dict[str, str] = {}
    seen: dict[str, int] = {}
    width = max(len(cells), len(group) if group is not None else 0)
    above = ""  # the group text over this column (a merged group cell holds it in its first column only)
    for offset in range(width):
        lower = _text(cells[offset] if offset < len(cells) else None)
        upper = _text(group[offset] if group is not None and offset < len(group) else None)
        if upper or not lower:
            above = upper
        texts = [lower, f"{above} {lower}"] if lower and above else [lower or upper]
        if not texts[0]:
            continue
        number = first_column + offset
        target, text = _target(texts, by_key, columns)
        if target is None and header_key(text) in seen and len(texts) > 1:
            text = texts[1]  # a sub-column repeated under another group is its own column
        key = header_key(text)
        if not key:
            continue
        if key in seen:
            duplicates[number] = (text, seen[key])
            continue
        seen[key] = number
        if target is not None:
            columns[target] = number
            if text != target:
                headers[target] = text
        else:
            extra[text] = number
    return HeaderLayout(columns, extra, duplicates, headers, rows=2 if group is not None else 1)


def _without_remark(text: str) -> str:
    """The text without a remark in brackets at its end ("Likelihood (1-5)" -> "Likelihood")."""
    for opening, closing in (("(", ")"), ("[", "]")):
        if text.endswith(closing):
            start = text.rfind(opening)
            if start > 0:
                return text[:start].rstrip()
    return text


def _target(texts: Sequence[str], by_key: Mapping[str, str | None],
            taken: Mapping[str, int]) -> tuple[str | None, str]:
    """The first schema column not yet taken that one of `texts` names (as written, or without a remark in
    brackets at its end), and the text that named it; else None and the first text."""
    for text in texts:
        for variant in (text, _without_remark(text), *_alternatives(text)):
            target = by_key.get(header_key(variant))
            if target is not None and target not in taken:
                return target, text
    return None, texts[0]


def _alternatives(text: str) -> list[str]:
    """The parts of a header that gives a column two names ("Raised by / source", "Owner/Lead")."""
    parts = [part.strip() for part in text.split("/")]
    return [part for part in parts if part] if len(parts) > 1 else []


# A header longer than this is a note or a paragraph, not a column's name: it is kept, cut, as an extra column.
HEADER_LENGTH = 255


def _text(cell: Any) -> str:
    return "" if cell is None else " ".join(str(cell)[:HEADER_LENGTH].split())


MIN_OTHER_COLUMNS = 3


_ID_HINT = re.compile(r"(?:^|[\s_.(-])(?:id|no|nr|num|number|ref|reference|key|code)\W*$|#|^s\.?\s*no\b",
                      re.IGNORECASE)


def names_an_identifier(text: str) -> bool:
    """A header that names an identifier by its form ("Risk ID", "Issue number:", "Sr. No.", "Ref #")."""
    return _ID_HINT.search(text.strip()) is not None


def id_candidates(layout: HeaderLayout) -> list[tuple[str, int]]:
    """The extra columns whose header names an identifier, left to right."""
    return sorted(((text, number) for text, number in layout.extra_columns.items() if names_an_identifier(text)),
                  key=lambda pair: pair[1])


def is_header_match(layout: HeaderLayout, schema: RegisterSchema) -> bool:
    """A row is the register's header when it holds the ID column (by name or alias, or a header naming an
    identifier: "Risk ID", "Sr. No.") and at least three more of the schema's columns; a schema without an ID
    column needs half its columns (two at least)."""
    id_column = schema.role("id")
    if id_column:
        named = id_column in layout.columns or bool(id_candidates(layout))
        others = layout.score() - (id_column in layout.columns)
        return named and others >= min(MIN_OTHER_COLUMNS, len(schema.columns) - 1)
    return layout.score() >= max(2, (len(schema.columns) + 1) // 2)


def promote_id_column(layout: HeaderLayout, id_column: str | None,
                      values_of: Callable[[int], Sequence[Any]]) -> HeaderLayout:
    """The layout with an extra column taken as the ID column, where none is named as such and a column whose
    header names an identifier ("Risk ID", "Sr. No.") holds identifiers."""
    if not id_column or id_column in layout.columns:
        return layout
    for text, number in id_candidates(layout):
        if looks_like_ids(values_of(number), named=True):
            extra = {name: at for name, at in layout.extra_columns.items() if name != text}
            return replace(layout, columns={**layout.columns, id_column: number}, extra_columns=extra,
                           headers={**layout.headers, id_column: text})
    return layout


def sub_headers(upper: Sequence[Any], lower: Sequence[Any]) -> bool:
    """Whether `lower` holds the sub-columns of group cells in `upper` (L, I, Score under a merged "Inherent
    risk"): text only, under the gaps a merged group cell leaves, where the upper row has cells both before and
    beside them."""
    def blank(cell: Any) -> bool:
        return cell is None or cell == ""

    below = [offset for offset, cell in enumerate(lower) if not blank(cell)]
    if len(below) < 2 or not header_like(lower):
        return False
    gaps = [offset for offset in below if offset >= len(upper) or blank(upper[offset])]
    # every sub-column stands under a gap or under its group's first cell, and the groups leave at least one gap
    starts = {offset for offset in below if offset < len(upper) and not blank(upper[offset])
              and offset + 1 < len(upper) and blank(upper[offset + 1])}
    return bool(gaps) and all(offset in starts or offset in gaps for offset in below)


def header_like(cells: Sequence[Any]) -> bool:
    """A row that could be a header: two or more cells, all of them text (an item's row holds dates and
    numbers)."""
    filled = [cell for cell in cells if cell is not None and cell != ""]
    return len(filled) >= 2 and all(isinstance(cell, str) for cell in filled)


@dataclass(frozen=True)
class HeaderFound:
    """A header row that qualifies: the sheet, its (first) row number and how its cells map onto the schema;
    the items start on the row after the header's last row."""

    sheet: str
    row: int
    layout: HeaderLayout

    @property
    def first_item_row(self) -> int:
        return self.row + self.layout.rows


@dataclass(frozen=True)
class _Nearest:
    sheet: str
    row: int
    layout: HeaderLayout
    header_like: bool = True  # all text: a header; a row holding dates or numbers is an item's

    id_named: bool = False  # it names the ID column: of two rows naming as many columns, the register's
    items_below: bool = True  # rows stand below it: without them, no register to guess at

    def rank(self) -> tuple[bool, int, bool]:
        return self.header_like, self.layout.score(), self.id_named


class HeaderSearch:
    """Look for the register's header row, sheet after sheet, in the rows each reader supplies; remember the
    nearest miss, so that "no register" can say where it looked and what was missing."""

    def __init__(self, schema: RegisterSchema, *, only_row: int | None = None) -> None:
        self.schema = schema
        self.only_row = only_row  # a mapping can say where the header is
        self.nearest: _Nearest | None = None

    def scan(self, sheet: str, rows: Iterable[tuple[int, Sequence[Any]]], *,
             first_column: int = 1) -> HeaderFound | None:
        """The first of `rows` (row number, cells), among the first HEADER_SEARCH_ROWS, that is the header: alone,
        or with the row below it when that row holds the sub-columns of a group row (a two-row header reads
        more columns than its upper row alone)."""
        top = [(number, cells) for number, cells in rows if number <= HEADER_SEARCH_ROWS + 1]
        for position, (number, cells) in enumerate(top):
            if number > HEADER_SEARCH_ROWS:
                break
            if self.only_row is not None and number != self.only_row:
                continue
            readings = [match_header(cells, self.schema, first_column=first_column)]
            below = top[position + 1] if position + 1 < len(top) else None
            complete = readings[0].score() == len(self.schema.columns)  # no two-row reading can read more
            if below is not None and below[0] == number + 1 and not complete and (
                    readings[0].score() or readings[0].extra_columns):
                # a group row reads some columns itself, and lends its text to the sub-columns' empty cells
                two_rows = match_header(below[1], self.schema, first_column=first_column, group=cells)
                lower = match_header(below[1], self.schema, first_column=first_column)
                # a two-row header reads more than either row alone, or its lower row names no more than the
                # upper and stands under the upper's group cells (L, I, Score under "Inherent risk")
                if two_rows.score() > max(readings[0].score(), lower.score()) or (
                        two_rows.score() >= readings[0].score() >= lower.score() and sub_headers(cells, below[1])):
                    readings.insert(0, two_rows)
            for layout in readings:
                # a row a mapping names is the header whatever it matches (migrating keeps every column)
                if is_header_match(layout, self.schema) or (self.only_row is not None and layout.last_column):
                    return HeaderFound(sheet, number, layout)
                candidate = _Nearest(sheet, number, layout, header_like(cells),
                                     self.schema.role("id") in layout.columns, below is not None)
                if self.nearest is None or candidate.rank() > self.nearest.rank():
                    self.nearest = candidate
        return None

    def reject(self, found: HeaderFound) -> None:
        """A header taken for the register's by a column headed as an identifier ("Risk ref") whose cells turned
        out to hold no identifiers: the nearest miss, not the register."""
        if self.nearest is None or (True, found.layout.score(), False) > self.nearest.rank():
            self.nearest = _Nearest(found.sheet, found.row, found.layout)

    def not_found(self, file: str) -> Finding:
        """The one finding for a workbook in which no sheet qualified: where it came nearest, and what it lacks."""
        name = PurePath(file).name
        schema = self.schema
        id_column = schema.role("id") or schema.columns[0].name
        need = (f"a register needs its '{id_column}' column (or {_aliases(schema, id_column)}) and at least "
                f"{MIN_OTHER_COLUMNS} more of its columns in one header row")
        nearest = self.nearest
        if nearest is None or not nearest.layout.columns:
            reason = (f"No register found in {name}: there is no table named '{schema.table}', and no sheet has a "
                      f"header row with the register's columns ({', '.join(c.name for c in schema.columns[:3])}, "
                      f"...); {need}.")
            # a row of headers in other words is still where `xlreg map` looks
            if nearest and nearest.header_like and nearest.items_below:
                return NO_REGISTER.at(file, sheet=nearest.sheet, row=nearest.row, reason=reason)
            return NO_REGISTER.at(file, reason=reason)
        layout = nearest.layout
        matched = [layout.heading(column) if layout.heading(column) == column else
                   f"{layout.heading(column)} (as {column})" for column in layout.columns]
        wanted = [column.name for column in schema.columns if column.required or column.name == id_column]
        lacking = [column for column in wanted if column not in layout.columns]
        reason = (f"No register found in {name}. The nearest is sheet '{nearest.sheet}', header row {nearest.row}, "
                  f"with {layout.score()} of the register's {len(schema.columns)} columns: {', '.join(matched)}. "
                  f"It lacks {', '.join(lacking) or 'none of the required ones'}; {need}. If the headers are named "
                  "differently, `xlreg map` proposes a mapping.")
        return NO_REGISTER.at(file, sheet=nearest.sheet, row=nearest.row, reason=reason)


def _aliases(schema: RegisterSchema, column: str) -> str:
    aliases = schema.column(column).aliases[:2] if column in {c.name for c in schema.columns} else ()
    return " or ".join(f"'{alias}'" for alias in aliases) or "a header that names it"


def conditionally_required(document: Mapping[str, Any]) -> set[str]:
    """Columns some status makes required: they belong in the header even if rows may leave them empty."""
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "then" and isinstance(value, dict):
                    names.update(value.get("required", []))
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(document.get("allOf", []))
    return names


def layout_findings(register: Register, schema: RegisterSchema) -> list[Finding]:
    """Findings about the header row: missing, unknown and repeated columns."""
    found = []
    must_have = {column.name for column in schema.columns if column.required}
    must_have |= conditionally_required(schema.document)
    where: dict[str, Any] = {"sheet": register.sheet, "row": register.header_row}
    for column in schema.columns:
        # a column the template gained later: a register made before it is not told to add it (required at some
        # status or not: its rules apply once the column is there)
        if column.name in register.columns or (column.quiet_if_missing and not column.required):
            continue
        kind = MISSING_COLUMN if column.name in must_have else MISSING_OPTIONAL_COLUMN
        also = f" (nor one headed {' or '.join(repr(alias) for alias in column.aliases[:2])})" if column.aliases else ""
        found.append(kind.at(register.file, **where, column=column.name, also=also))
    for text, number in register.layout.extra_columns.items():
        found.append(UNKNOWN_COLUMN.at(register.file, **where, column_number=number, column=text, value=text))
    for number, (text, first) in register.layout.duplicate_columns.items():
        found.append(DUPLICATE_COLUMN.at(register.file, **where, column_number=number, column=text, value=text,
                                         first=column_letter(first) + str(register.header_row)))
    return found

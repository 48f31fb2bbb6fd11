"""A proposed mapping (`xlreg map`): how sure xlreg is that each of a register's headers means a schema column,
which choice each off-list word means, the form the register's IDs follow, and in which order its dates typed
as text are written.

It starts from how the register was read (names and aliases already matched), then looks at what each column
left over holds: identifiers (short, unique, in one form) are the ID column whatever their header says; a
header of a similar name is offered only for a column whose values could be that column's (a "Risk ID" column
of R-001s is never offered as the rating Risk reduction). Each word left over gets the closest choice when it is
really close, else it is kept as a choice of the register's own. The mapping it gives is the one `migrate` uses
when given none.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from xl_addin.engine.header import names_an_identifier
from xl_addin.engine.id_form import IdForm, looks_like_ids
from xl_addin.engine.mapping import RegisterForm, RegisterMapping, StatusPart
from xl_addin.engine.register import Register
from xl_addin.engine.schema import Column, RegisterSchema, header_key, value_key
from xl_addin.engine.text_dates import (
    DATE_ORDERS,
    DateOrder,
    one_reading_whatever_the_order,
    order_words,
    text_date_orders,
)

# Below this similarity a header is not offered as meaning a column at all.
SIMILAR = 0.75
# Words are offered as a choice only when they are this close (In progres -> In progress; not Capacity review ->
# Management review).
CLOSE_WORD = 0.85
# The share of a column's values that must fit a column for its header to be offered as that column.
FITTING = 0.8

HeaderBasis = Literal["names", "given", "guessed"]


@dataclass(frozen=True)
class ColumnMatch:
    """One header of the register and the schema column it is taken to mean (None: kept as an extra)."""

    header: str
    column_number: int
    target: str | None
    how: str  # "name", "alias", "mapping", "similar", "content" or "none"
    sureness: float  # 1.0 for a name or alias, the similarity otherwise


@dataclass(frozen=True)
class WordMatch:
    """One word found in a choice column that is not one of its choices, and the choice it is taken to mean
    (None: kept as a choice of the register's own; `part`: for a status, the part it is taken to play)."""

    column: str
    word: str
    choice: str | None
    how: str  # "value map", "mapping", "case", "similar" or "own"
    count: int
    part: StatusPart | None = None


@dataclass(frozen=True)
class DateEvidence:
    """What the dates typed as text say about their order."""

    order: DateOrder | None
    count: int  # dates typed as text
    example: str  # one that settles the order, or one that shows it is ambiguous
    fits: tuple[DateOrder, ...]  # the orders every one of them fits
    plain: int = 0  # of them, those that read one way whatever the order (2026-01-15, 3 Nov 2026)

    def describe(self) -> str:
        if not self.count:
            return "no dates typed as text"
        if self.plain == self.count:
            return (f"{self.count} date(s) typed as text, each with one reading whatever the order (such as "
                    f"'{self.example}')")
        if self.order:
            return f"{self.count} date(s) typed as text; '{self.example}' can only be {order_words(self.order)}"
        if not self.fits:
            return f"{self.count} date(s) typed as text in more than one order (such as '{self.example}')"
        return (f"{self.count} date(s) typed as text, each of which could be "
                f"{' or '.join(order_words(order) for order in self.fits)} (such as '{self.example}')")


@dataclass(frozen=True)
class Proposal:
    """The whole proposal for one register."""

    file: str
    sheet: str
    header_row: int
    header_rows: int
    items: int
    columns: tuple[ColumnMatch, ...]
    words: tuple[WordMatch, ...]
    dates: DateEvidence
    lacking: tuple[str, ...]  # schema columns no header was taken to mean
    header_basis: HeaderBasis = "names"  # found by its column names, given, or guessed (the nearest row)
    id_form: IdForm | None = None  # the register's own ID form, when it is not the schema's
    ids: int = 0  # the identifiers it was read from
    below: str = ""  # what stands below the items and is not an item, in words
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def form(self) -> RegisterForm:
        choices: dict[str, list[str]] = {}
        statuses: dict[str, StatusPart] = {}
        for match in self.words:
            if match.choice is None and match.part is not None:
                statuses[match.word] = match.part
            elif match.choice is None:
                choices.setdefault(match.column, []).append(match.word)
        return RegisterForm(id_pattern=self.id_form.pattern if self.id_form else None,
                            choices={column: tuple(words) for column, words in choices.items()},
                            statuses=statuses)

    def mapping(self, source: str = "the proposed mapping") -> RegisterMapping:
        return RegisterMapping(
            sheet=self.sheet, header_row=self.header_row,
            columns={match.header: match.target for match in self.columns},
            values=_grouped(self.words), date_order=self.dates.order, form=self.form, source=source)


def _grouped(words: Sequence[WordMatch]) -> dict[str, dict[str, str]]:
    grouped: dict[str, dict[str, str]] = {}
    for match in words:
        if match.choice:
            grouped.setdefault(match.column, {})[match.word] = match.choice
    return grouped


def propose(register: Register, schema: RegisterSchema, *, columns: tuple[ColumnMatch, ...] | None = None,
            header_basis: HeaderBasis = "names") -> Proposal:
    """The proposal for a register as read with its extra columns (its layout holds the headers matched by name,
    alias or mapping). With `columns`, the headers are taken as already proposed (the register was read again
    through them, so that the words and dates of columns matched by content or a similar name are looked at)."""
    columns = columns if columns is not None else _column_matches(register, schema)
    taken = {match.target for match in columns if match.target}
    trailing = register.trailing
    below = (f"rows {trailing.first_row}-{trailing.last_row}: {trailing.what} ('{trailing.text[:40]}'), left as "
             "they are" if trailing else "")
    id_column = schema.role("id")
    ids = sum(1 for value in register.cells.get(id_column or "", ()) if value is not None)
    return Proposal(
        file=register.file, sheet=register.sheet, header_row=register.header_row, header_rows=register.layout.rows,
        items=len(register), columns=columns, words=_word_matches(register, schema, columns),
        dates=_date_evidence(register, schema, columns),
        lacking=tuple(column.name for column in schema.columns if column.name not in taken),
        header_basis=header_basis, id_form=register.id_form, ids=ids, below=below)


def fits_column(column: Column, values: Sequence[Any], *, header: str = "") -> bool:
    """Whether most of a column's values could be `column`'s (numbers within a rating's range, dates or dates
    typed as text, identifiers for the ID column); an empty column fits anything."""
    filled = [value for value in values if value is not None]
    if not filled:
        return True
    if column.kind in ("rating", "number", "computed"):
        low = column.minimum if column.minimum is not None else float("-inf")
        high = column.maximum if column.maximum is not None else float("inf")
        fitting = sum(1 for value in filled if isinstance(value, (int, float)) and not isinstance(value, bool)
                      and low <= value <= high)
    elif column.kind == "date":
        fitting = sum(1 for value in filled if isinstance(value, dt.date)
                      or (isinstance(value, str) and text_date_orders(value)))
    else:
        fitting = sum(1 for value in filled if isinstance(value, str) or column.kind == "text")
    return fitting >= FITTING * len(filled)


def _values(register: Register, header: str, target: str | None) -> Sequence[Any]:
    if target and target in register.cells:
        return register.cells[target]
    return register.extras.get(header, ())


def _column_matches(register: Register, schema: RegisterSchema) -> tuple[ColumnMatch, ...]:
    layout = register.layout
    mapped = {header_key(header) for header in (schema.mapping.columns if schema.mapping else {})}
    matches = []
    for name, number in layout.columns.items():
        heading = layout.heading(name)
        how = "mapping" if header_key(heading) in mapped else "name" if heading == name or header_key(
            heading) == header_key(name) else "content" if name == schema.role("id") and names_an_identifier(
            heading) and header_key(heading) not in {header_key(h) for h in schema.column(name).headers} else "alias"
        matches.append(ColumnMatch(heading, number, name, how, 1.0))
    # xlreg writes totals and ranks itself: a register's own "Priority" number is kept, not taken for them
    written = {schema.role("total"), schema.role("rank")}
    free = {column.name for column in schema.columns if column.name not in layout.columns
            and column.kind != "computed" and column.name not in written}
    extras = sorted(layout.extra_columns.items(), key=lambda pair: pair[1])
    id_column = schema.role("id")
    if id_column in free:
        found = _id_by_content(register, extras)
        if found is not None:
            text, number = found
            free.discard(id_column)
            extras = [(other, at) for other, at in extras if other != text]
            matches.append(ColumnMatch(text, number, id_column, "content", 1.0))
    for text, number in extras:
        values = register.extras.get(text, ())
        fitting = {header: column.name for column in schema.columns if column.name in free
                   and fits_column(column, values, header=text) for header in column.headers}
        target, score = _closest(text, fitting, SIMILAR)
        if target and header_key(text) not in mapped:
            free.discard(target)
            matches.append(ColumnMatch(text, number, target, "similar", score))
        else:
            matches.append(ColumnMatch(text, number, None, "mapping" if header_key(text) in mapped else "none",
                                       score))
    return tuple(sorted(matches, key=lambda match: match.column_number))


def _id_by_content(register: Register, extras: Sequence[tuple[str, int]]) -> tuple[str, int] | None:
    """The extra column that holds the items' identifiers: one whose header names an identifier first, else one
    of unique identifiers with letters in them (R-001)."""
    ranked = sorted(extras, key=lambda pair: (not names_an_identifier(pair[0]), pair[1]))
    for text, number in ranked:
        if looks_like_ids(register.extras.get(text, ()), named=names_an_identifier(text)):
            return text, number
    return None


def _closest(text: str, candidates: Mapping[str, str], cutoff: float) -> tuple[str | None, float]:
    """The candidate's target whose text is most like `text` (ignoring case, spacing and punctuation)."""
    key = header_key(text)
    best, score = None, 0.0
    for candidate, target in candidates.items():
        ratio = difflib.SequenceMatcher(None, key, header_key(candidate)).ratio()
        if ratio > score:
            best, score = target, ratio
    return (best, round(score, 2)) if score >= cutoff else (None, round(score, 2))


def _word_matches(register: Register, schema: RegisterSchema,
                  columns: Sequence[ColumnMatch]) -> tuple[WordMatch, ...]:
    found: list[WordMatch] = []
    given = schema.mapping.values if schema.mapping else {}
    for reading in register.readings:
        if reading.kind != "value":
            continue
        column = schema.column(reading.column)
        how = ("mapping" if value_key(reading.word) in {value_key(w) for w in given.get(reading.column, {})} else
               "case" if value_key(reading.word) == value_key(str(reading.read_as)) else
               "own" if reading.word in column.choices else "value map")
        found.append(WordMatch(reading.column, reading.word, str(reading.read_as), how, reading.count))
    status = schema.role("status")
    for match in columns:
        if match.target is None or match.target not in register.cells:
            continue
        column = schema.column(match.target)
        if column.kind != "choice":
            continue
        counted = Counter(value for value in register.cells[column.name]
                          if isinstance(value, str) and value not in column.choices)
        for word, count in sorted(counted.items()):
            choice, _ = _closest(word, {choice: choice for choice in column.choices}, CLOSE_WORD)
            if choice:
                found.append(WordMatch(column.name, word, choice, "similar", count))
            else:
                found.append(WordMatch(column.name, word, None, "own", count,
                                       "open" if column.name == status else None))
    return tuple(found)


def _date_evidence(register: Register, schema: RegisterSchema, columns: Sequence[ColumnMatch]) -> DateEvidence:
    texts: list[str] = []
    dated = {reading.column for reading in register.readings if reading.kind == "date"}
    for match in columns:
        if match.target and schema.column(match.target).kind == "date" and match.target not in dated:
            texts += [value for value in register.cells.get(match.target, ()) if isinstance(value, str)]
    fits = set(DATE_ORDERS)
    settling = ""
    dates = plain = 0
    for text in texts:
        orders = set(text_date_orders(text))
        if not orders:
            continue  # not a date at all: validation reports it
        dates += 1
        if one_reading_whatever_the_order(text):
            plain += 1
            continue  # 2026-01-15 reads one way under any order: it says nothing about the others
        if len(orders) < len(fits) and orders & fits:
            settling = text
        fits &= orders
    example = settling or next((text for text in texts if text_date_orders(text)
                                and not one_reading_whatever_the_order(text)), "") or next(
        (text for text in texts if text_date_orders(text)), "")
    ordered = tuple(order for order in DATE_ORDERS if order in fits)
    order = ordered[0] if len(ordered) == 1 and dates > plain else None
    return DateEvidence(order, dates, example, ordered if dates > plain else (), plain)

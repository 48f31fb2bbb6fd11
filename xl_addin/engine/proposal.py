"""A proposed mapping (`xlreg map`): how sure xlreg is that each of a register's headers means a schema column,
which choice each off-list word means, and in which order its dates typed as text are written.

It starts from how the register was read (names and aliases already matched), then offers the closest schema
column for each header left over and the closest choice for each word left over, saying how sure it is, so a
person can check the few lines that need it. The mapping it gives is the one `migrate` uses when given none.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from xl_addin.engine.adopt import DATE_ORDERS, DateOrder, order_words, text_date_orders
from xl_addin.engine.mapping import RegisterMapping
from xl_addin.engine.register import Register
from xl_addin.engine.schema import RegisterSchema, header_key, value_key

# Below this similarity a header or word is not offered as meaning a column or choice at all.
SIMILAR = 0.75


@dataclass(frozen=True)
class ColumnMatch:
    """One header of the register and the schema column it is taken to mean (None: kept as an extra)."""

    header: str
    column_number: int
    target: str | None
    how: str  # "name", "alias", "mapping", "similar" or "none"
    sureness: float  # 1.0 for a name or alias, the similarity otherwise


@dataclass(frozen=True)
class WordMatch:
    """One word found in a choice column that is not one of its choices, and the choice it is taken to mean."""

    column: str
    word: str
    choice: str | None
    how: str  # "value map", "mapping", "similar" or "none"
    count: int


@dataclass(frozen=True)
class DateEvidence:
    """What the dates typed as text say about their order."""

    order: DateOrder | None
    count: int  # dates typed as text
    example: str  # one that settles the order, or one that shows it is ambiguous
    fits: tuple[DateOrder, ...]  # the orders every one of them fits

    def describe(self) -> str:
        if not self.count:
            return "no dates typed as text"
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

    def mapping(self, source: str = "the proposed mapping") -> RegisterMapping:
        return RegisterMapping(
            sheet=self.sheet, header_row=self.header_row,
            columns={match.header: match.target for match in self.columns},
            values=_grouped(self.words), date_order=self.dates.order, source=source)


def _grouped(words: Sequence[WordMatch]) -> dict[str, dict[str, str]]:
    grouped: dict[str, dict[str, str]] = {}
    for match in words:
        if match.choice:
            grouped.setdefault(match.column, {})[match.word] = match.choice
    return grouped


def propose(register: Register, schema: RegisterSchema, *,
            columns: tuple[ColumnMatch, ...] | None = None) -> Proposal:
    """The proposal for a register as read (its layout holds the headers matched by name, alias or mapping).
    With `columns`, the headers are taken as already proposed (the register was read again through them, so
    that the words and dates of columns matched by a similar name are looked at too)."""
    columns = columns if columns is not None else _column_matches(register, schema)
    taken = {match.target for match in columns if match.target}
    return Proposal(
        file=register.file, sheet=register.sheet, header_row=register.header_row, header_rows=register.layout.rows,
        items=len(register), columns=columns, words=_word_matches(register, schema, columns),
        dates=_date_evidence(register, schema, columns),
        lacking=tuple(column.name for column in schema.columns if column.name not in taken))


def _column_matches(register: Register, schema: RegisterSchema) -> tuple[ColumnMatch, ...]:
    layout = register.layout
    mapped = {header_key(header) for header in (schema.mapping.columns if schema.mapping else {})}
    matches = []
    for name, number in layout.columns.items():
        heading = layout.heading(name)
        how = "mapping" if header_key(heading) in mapped else "name" if heading == name or header_key(
            heading) == header_key(name) else "alias"
        matches.append(ColumnMatch(heading, number, name, how, 1.0))
    # xlreg writes totals and ranks itself: a register's own "Priority" number is kept, not taken for them
    written = {schema.role("total"), schema.role("rank")}
    free = {column.name for column in schema.columns if column.name not in layout.columns
            and column.kind != "computed" and column.name not in written}
    for text, number in sorted(layout.extra_columns.items(), key=lambda pair: pair[1]):
        target, score = _closest(text, {header: column.name for column in schema.columns if column.name in free
                                        for header in column.headers})
        if target and header_key(text) not in mapped:
            free.discard(target)
            matches.append(ColumnMatch(text, number, target, "similar", score))
        else:
            matches.append(ColumnMatch(text, number, None, "mapping" if header_key(text) in mapped else "none",
                                       score))
    return tuple(sorted(matches, key=lambda match: match.column_number))


def _closest(text: str, candidates: Mapping[str, str]) -> tuple[str | None, float]:
    """The candidate's target whose text is most like `text` (ignoring case, spacing and punctuation)."""
    key = header_key(text)
    best, score = None, 0.0
    for candidate, target in candidates.items():
        ratio = difflib.SequenceMatcher(None, key, header_key(candidate)).ratio()
        if ratio > score:
            best, score = target, ratio
    return (best, round(score, 2)) if score >= SIMILAR else (None, round(score, 2))


def _word_matches(register: Register, schema: RegisterSchema,
                  columns: Sequence[ColumnMatch]) -> tuple[WordMatch, ...]:
    found: list[WordMatch] = []
    mapped_words = {(reading.column, reading.word): reading for reading in register.readings if reading.kind == "value"}
    given = schema.mapping.values if schema.mapping else {}
    for (name, word), reading in mapped_words.items():
        how = "mapping" if value_key(word) in {value_key(w) for w in given.get(name, {})} else "value map"
        found.append(WordMatch(name, word, str(reading.read_as), how, reading.count))
    for match in columns:
        if match.target is None or match.target not in register.cells:
            continue
        column = schema.column(match.target)
        if column.kind != "choice":
            continue
        counted = Counter(value for value in register.cells[column.name]
                          if isinstance(value, str) and value not in column.choices)
        for word, count in sorted(counted.items()):
            choice, _ = _closest(word, {choice: choice for choice in column.choices})
            found.append(WordMatch(column.name, word, choice, "similar" if choice else "none", count))
    return tuple(found)


def _date_evidence(register: Register, schema: RegisterSchema, columns: Sequence[ColumnMatch]) -> DateEvidence:
    texts: list[str] = []
    dated = {reading.column for reading in register.readings if reading.kind == "date"}
    for match in columns:
        if match.target and schema.column(match.target).kind == "date" and match.target not in dated:
            texts += [value for value in register.cells.get(match.target, ()) if isinstance(value, str)]
    fits = set(DATE_ORDERS)
    settling = ""
    dates = 0
    for text in texts:
        orders = set(text_date_orders(text))
        if not orders:
            continue  # not a date at all: validation reports it
        dates += 1
        if len(orders) < len(fits) and orders & fits:
            settling = text
        fits &= orders
    example = settling or next((text for text in texts if text_date_orders(text)), "")
    ordered = tuple(order for order in DATE_ORDERS if order in fits)
    return DateEvidence(ordered[0] if len(ordered) == 1 else None, dates, example, ordered)

"""The Dashboard sheet as data: the register's own state in figures that are formulas over its columns, so that
they recalculate as people type, in Excel and in LibreOffice, with no Python and no add-in.

The formulas are generated here from the schema's roles and statuses (the statuses' own words a mapping or a
value map reads as them included), so the dashboard's "open", "overdue" and "on hold" are the engine's:
overdue is a target date (a date, not text) before TODAY() and a status neither closed nor on hold, as
engine.overdue says. Only COUNTIFS, MINIFS, SUMPRODUCT, DATE, EDATE and TODAY are used: Excel 2019 and later,
Excel for the web and LibreOffice 5.2 and later compute them alike.

Owners cannot be listed by a formula that LibreOffice and older Excel share (UNIQUE is Excel 365's), so the
owners are listed as values when the dashboard is added (`xlreg dashboard add` refreshes them) and their counts
are formulas; a row "(other owners)" counts the overdue items of owners not listed yet, so the table always adds
up to the overdue figure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from xl_addin.engine.schema import RegisterSchema
from xl_addin.engine.snapshot import count_step

DASHBOARD_SHEET = "Dashboard"
LAST_ROW = 1_048_576  # COUNTIFS look at the cells in use only, so a whole column costs nothing
# SUMPRODUCT computes every cell of its ranges: it looks this far below the header (and at least this many rows
# past the register's last item), which no improvement register reaches
SUMPRODUCT_ROWS = 20_000
DUE_WITHIN_DAYS = 30
CLOSED_WITHIN_DAYS = 90
MONTHS = 12
NO_DATE = 2_958_465  # 9999-12-31: what MINIFS stands in for "no date" with, so MIN can pass over it

CellKind = Literal["title", "note", "heading", "header", "label", "count", "percent", "days", "date", "month"]


@dataclass(frozen=True)
class Formula:
    """A cell's formula, without its leading "=" (as SpreadsheetML stores it)."""

    text: str


@dataclass(frozen=True)
class DashboardCell:
    row: int
    column: int
    value: str | int | Formula | None
    kind: CellKind


@dataclass(frozen=True)
class DashboardChart:
    """A native chart over ranges of the Dashboard sheet (A1 ranges on it, without the sheet's name)."""

    title: str
    kind: Literal["bar", "line"]
    categories: str
    series: tuple[tuple[str, str], ...]  # (the cell holding the series' name, its values)
    anchor: tuple[int, int]  # the top-left cell: (column, row)
    dated: bool = False  # its categories are dates (months), not words
    step: int = 1  # the count axis's step: whole numbers, about ten ticks for the register's size when added
    size: tuple[float, float] = (15.0, 7.0)  # width and height in centimetres: 16 rows of LibreOffice, 14 of Excel


@dataclass(frozen=True)
class Dashboard:
    cells: tuple[DashboardCell, ...]
    charts: tuple[DashboardChart, ...]
    widths: tuple[float, ...]
    figures: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # headline label -> (row, column)


@dataclass(frozen=True)
class RegisterPlace:
    """Where the register stands: its sheet, the first row of items, and each column's letters by name."""

    sheet: str
    first_row: int
    last_row: int  # the last row of items now (SUMPRODUCT looks SUMPRODUCT_ROWS past it at least)
    letters: Mapping[str, str]
    # the last row the formulas may look at: the row above what stands below the items and is not an item (a
    # footer, a second table), where there is something; else the sheet's end, so an item added below counts
    end_row: int | None = None
    items: int = 0  # how many items it holds now: the charts' axes are stepped for a register of its size


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _text(value: str) -> str:
    """A text literal for a formula."""
    return '"' + value.replace('"', '""') + '"'


def _equals(word: str) -> str:
    """A COUNTIFS criterion that matches `word` exactly (ignoring case, as Excel's do): "=" first, so that a word
    beginning with "<" or "=" is not read as a comparison, and its wildcards escaped."""
    escaped = word.replace("~", "~~").replace("*", "~*").replace("?", "~?")
    return _text("=" + escaped)


def role_words(schema: RegisterSchema, role: str, choices: Sequence[str]) -> list[str]:
    """The words in the column playing `role` that read as one of `choices`: the choices themselves and each
    word the schema's value map reads as one (a mapping's words included)."""
    name = schema.role(role)
    mapped = schema.column(name).value_map if name else {}
    words = list(dict.fromkeys(choices))
    known = {word.casefold() for word in words}
    return words + [word for word, choice in mapped.items() if choice in choices and word not in known]


def status_words(schema: RegisterSchema, statuses: Sequence[str]) -> list[str]:
    """The words in a register's Status column that read as one of `statuses`."""
    return role_words(schema, "status", statuses)


class _Formulas:
    """The formulas over one register's columns."""

    def __init__(self, schema: RegisterSchema, place: RegisterPlace) -> None:
        self.schema, self.place = schema, place
        end = place.end_row or LAST_ROW
        self._end = end
        self._bounded = min(end, max(place.first_row, place.last_row) + SUMPRODUCT_ROWS)
        self.open = status_words(schema, schema.open_statuses)
        self.closed = status_words(schema, schema.closed_statuses)
        self.completed = status_words(schema, schema.completed_statuses)
        self.paused = status_words(schema, schema.on_hold_statuses)

    def column(self, role_or_name: str, *, bounded: bool = False) -> str | None:
        name = self.schema.role(role_or_name) or role_or_name
        letters = self.place.letters.get(name)
        if letters is None:
            return None
        last = self._bounded if bounded else self._end
        return f"{_quoted(self.place.sheet)}!${letters}${self.place.first_row}:${letters}${last}"

    def count(self, *conditions: str) -> str:
        return f"COUNTIFS({','.join(conditions)})"

    def count_in(self, words: Sequence[str], *conditions: str) -> str:
        """How many rows meet `conditions` with a status among `words`."""
        status = self.column("status")
        if status is None or not words:
            return "0"
        return f"SUMPRODUCT({self.count(status, _any_of(words), *conditions)})"

    def count_any(self, statuses: Sequence[str], column: str, words: Sequence[str]) -> str:
        """How many rows with a status among `statuses` hold one of `words` in `column`: the statuses an array
        across and the words one down, so COUNTIFS counts each pair once."""
        status = self.column("status")
        if status is None or not statuses or not words:
            return "0"
        return f"SUMPRODUCT({self.count(status, _any_of(statuses), column, _any_of(words, down=True))})"

    def late(self, *conditions: str) -> str:
        """Rows meeting `conditions` whose status is neither closed nor on hold (blank counts: as the engine)."""
        status = self.column("status")
        stopped = [*self.closed, *self.paused]
        every = self.count(*conditions)
        if status is None or not stopped:
            return every
        return f"{every}-SUMPRODUCT({self.count(*conditions, status, _any_of(stopped))})"

    def earliest(self, words: Sequence[str], dates: str) -> str:
        """The earliest date in `dates` among rows with a status among `words`, NO_DATE when there is none. MINIFS
        gives 0 for a word no row has, which is raised to NO_DATE so MIN passes over it; SUMPRODUCT makes every
        version of Excel work the array out without its being entered as an array formula."""
        status = self.column("status")
        first = f"_xlfn.MINIFS({dates},{status},{_any_of(words)},{dates},\">0\")"
        return f"SUMPRODUCT(MIN({first}+({first}=0)*{NO_DATE}))"

    def is_one_of(self, words: Sequence[str]) -> str:
        """An array of 1 where a (bounded) row's status is one of `words`, for SUMPRODUCT."""
        status = self.column("status", bounded=True)
        return "((" + "+".join(f"({status}={_text(word)})" for word in words) + ")>0)" if status and words else "0"


def _any_of(words: Sequence[str], *, down: bool = False) -> str:
    """An array constant of criteria matching each of `words` exactly: across (one row) or down."""
    return "{" + (";" if down else ",").join(_equals(word) for word in words) + "}"


def build_dashboard(schema: RegisterSchema, place: RegisterPlace, owners: Sequence[str]) -> Dashboard:
    """The Dashboard sheet for a register standing at `place`, its owners listed as `owners`."""
    f = _Formulas(schema, place)
    cells: list[DashboardCell] = []
    figures: dict[str, tuple[int, int]] = {}

    def put(row: int, column: int, value: str | int | Formula | None, kind: CellKind) -> None:
        cells.append(DashboardCell(row, column, value, kind))

    put(1, 1, "Register dashboard", "title")
    put(2, 1, f"The figures are formulas over the {place.sheet} sheet: they change as the register does. "
              f"As of", "note")
    put(2, 6, Formula("TODAY()"), "date")
    target, raised, closure = f.column("targetDate"), f.column("dateRaised"), f.column("closureDate")
    identifier, description = f.column("id"), f.column("description")
    row = 4
    put(row, 1, "Headline figures", "heading")
    headline = _headline(f, target, raised, closure, identifier, description)
    for offset, (label, formula, kind) in enumerate(headline, start=1):
        put(row + offset, 1, label, "label")
        put(row + offset, 2, formula if formula is not None else "n/a", kind)
        figures[label] = (row + offset, 2)
    row += len(headline) + 2
    charts: list[DashboardChart] = []

    status_choices = schema.column(schema.role("status") or "").choices if schema.role("status") else ()
    row, by_status = _table(put, row, "Items by status", ("Status", "Items"),
                            [(word, Formula(f.count_in(status_words(schema, [word])))) for word in status_choices])
    if by_status:
        charts.append(DashboardChart("Items by status", "bar", by_status[0], ((by_status[1], by_status[2]),),
                                     (5, 4), step=count_step(place.items)))
    source = f.column("source")
    source_choices = schema.column(schema.role("source") or "").choices if schema.role("source") else ()
    if source:
        row, _ = _table(put, row, "Open items by source", ("Source", "Open items"),
                        [(word, Formula(f.count_any(f.open, source, role_words(schema, "source", [word]))))
                         for word in source_choices])
    months = []
    for offset, back in enumerate(range(MONTHS - 1, -1, -1)):
        month = f"$A{row + 2 + offset}"  # the month's first day, in the table's first column (as _table lays out)
        start = f"DATE(YEAR(TODAY()),MONTH(TODAY())-{back},1)"

        def within(dates: str, month: str = month) -> tuple[str, ...]:
            return (dates, f'">="&{month}', dates, f'"<"&EDATE({month},1)')

        raised_count = Formula(f.count(*within(raised))) if raised else None
        closed_count = Formula(f.count_in(f.closed, *within(closure))) if closure else None
        months.append((Formula(start), raised_count, closed_count))
    row, per_month = _table(put, row, f"Raised and closed per month (last {MONTHS} months)",
                            ("Month", "Raised", "Closed"), months, first_kind="month")
    if per_month:
        charts.append(DashboardChart(f"Raised and closed per month (last {MONTHS} months)", "bar", per_month[0],
                                     ((per_month[1], per_month[2]), (per_month[3], per_month[4])), (5, 21),
                                     dated=True, step=count_step(place.items / 4)))
    owner = f.column("owner")
    if owner and target:
        passed = (target, '"<"&TODAY()')
        rows: list[Sequence[str | int | Formula | None]] = [
            (name, Formula(f.late(owner, _equals(name), *passed))) for name in owners]
        rows.append(("(no owner)", Formula(f.late(owner, '""', *passed))))
        overdue_row = figures["Overdue items"][0]
        listed = f"B{row + 2}:B{row + 1 + len(rows)}"  # the rows above, where _table puts them
        rows.append(("(other owners)", Formula(f"B{overdue_row}-SUM({listed})")))
        row, by_owner = _table(put, row, "Overdue items by owner", ("Owner", "Overdue items"), rows)
        if by_owner:
            charts.append(DashboardChart("Overdue items by owner", "bar", by_owner[0],
                                         ((by_owner[1], by_owner[2]),), (5, 38),
                                         step=count_step(place.items / 4)))
    return Dashboard(tuple(cells), tuple(charts), (36, 14, 12, 4), figures)


def _headline(f: _Formulas, target: str | None, raised: str | None, closure: str | None, identifier: str | None,
              description: str | None) -> list[tuple[str, Formula | int | None, CellKind]]:
    passed = (target, '"<"&TODAY()') if target else None
    items = None
    if identifier:
        blank, filled = '""', '"<>"'
        items = f"COUNTA({identifier})" + (f"+COUNTIFS({identifier},{blank},{description},{filled})"
                                           if description else "")
    completed_bounded = f.is_one_of(f.completed)
    closure_b, target_b = f.column("closureDate", bounded=True), f.column("targetDate", bounded=True)
    rate = None
    if closure_b and target_b and f.completed:
        both = f"{completed_bounded}*ISNUMBER({closure_b})*ISNUMBER({target_b})"
        rate = (f"IF(SUMPRODUCT({both})=0,\"n/a\",SUMPRODUCT({both}*({closure_b}<={target_b}))"
                f"/SUMPRODUCT({both}))")
    earliest = f.earliest(f.open, raised) if raised and f.column("status") and f.open else None
    return [
        ("Items in the register", Formula(items) if items else None, "count"),
        ("Open items", Formula(f.count_in(f.open)) if f.open else None, "count"),
        ("Overdue items", Formula(f.late(*passed)) if passed else None, "count"),
        (f"Due in the next {DUE_WITHIN_DAYS} days",
         Formula(f.late(target, '">="&TODAY()', target, f'"<="&TODAY()+{DUE_WITHIN_DAYS}')) if target else None,
         "count"),
        # a schema with no on-hold status has nothing on hold: 0, not a formula
        ("On hold", Formula(f.count_in(f.paused)) if f.paused else 0 if f.column("status") else None, "count"),
        (f"Closed in the last {CLOSED_WITHIN_DAYS} days",
         Formula(f.count_in(f.closed, closure, f'">"&TODAY()-{CLOSED_WITHIN_DAYS}', closure, '"<="&TODAY()'))
         if closure else None, "count"),
        ("On-time closure rate", Formula(rate) if rate else None, "percent"),
        ("Oldest open item: age (days)",
         Formula(f"IF({earliest}={NO_DATE},\"n/a\",TODAY()-{earliest})") if earliest else None, "days"),
    ]


Put = Callable[[int, int, "str | int | Formula | None", CellKind], None]


def _table(put: Put, row: int, title: str, header: Sequence[str],
           rows: Sequence[Sequence[str | int | Formula | None]], *,
           first_kind: CellKind = "label") -> tuple[int, tuple[str, ...]]:
    """A titled table from `row`; the next free row, and the ranges a chart draws from (categories, then each
    series' name cell and values), empty when the table has no rows."""
    put(row, 1, title, "heading")
    for column, name in enumerate(header, start=1):
        put(row + 1, column, name, "header")
    for offset, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            put(row + offset, column, value, first_kind if column == 1 else "count")
    first, last = row + 2, row + 1 + len(rows)
    ranges: tuple[str, ...] = ()
    if rows:
        ranges = (f"$A${first}:$A${last}",)
        for column in range(2, len(header) + 1):
            letter = "ABCDEFGH"[column - 1]
            ranges += (f"${letter}${row + 1}", f"${letter}${first}:${letter}${last}")
    return last + 2, ranges

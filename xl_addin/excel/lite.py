"""The Register buttons in xlwings Lite: Excel on the web, on a Mac or on a locked-down laptop, with Python
running in the browser (Pyodide) and no local install. `xlreg lite` writes the `main.py` whose scripts call
`run`, and the `requirements.txt` that brings xlreg in.

The buttons run the same handlers as the desktop Register tab (excel.ribbon) over `LiteBook`, which keeps to
the part of xlwings' API that Lite's engine answers without a round trip (`LITE_API`). What Lite cannot do,
the buttons do the nearest honest thing and say so:

- Lite cannot read a cell's fill, so a mark cannot tell a fill you gave a cell from none: marks are painted
  and cleared where the tool's record says it painted (a cell you had coloured yourself and that a mark
  covered comes back without your colour after Clear marks).
- Lite cannot read formulas, so computed columns (the template's Priority total) are left to their live
  formula and only the rank is written.
- Lite cannot write files beside the workbook, so Snapshot adds a Review sheet to the workbook (the review
  tables, without charts); save a copy of the workbook as the review's record.
- There is no status bar: each script prints what it found to the Output pane; failures come as an alert.
- Settings files are not read (the browser sees no folders): the default schema and settings apply.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from xl_addin.engine.marks import UNDERLAYS, CellNote, RecordEntry, RowBlockFill, Underlay
from xl_addin.engine.register import Register
from xl_addin.engine.schema import RegisterSchema
from xl_addin.engine.snapshot import Snapshot, figure_text, review_sections, take_snapshot
from xl_addin.errors import ActionFailed, WriteRefused
from xl_addin.excel import ribbon
from xl_addin.excel.book import ExcelBook, hex_colour
from xl_addin.excel.ribbon import TITLE, Button

# The xlwings calls the Lite buttons make, all of which xlwings Lite's engine supports (its documentation's
# "Excel object model" and the engine's own list of what needs an async call): anything else is refused by
# the test engine that stands in for Lite (tests/openpyxl_engine.py, lite=True).
LITE_API = (
    "Book.name", "Book.sheets", "Book.app",
    "Sheets.add", "Sheets.__iter__", "Sheets.__getitem__",
    "Sheet.name", "Sheet.tables", "Sheet.used_range", "Sheet.range", "Sheet.delete", "Sheet.visible (set)",
    "Sheet.activate", "Tables.add", "Table.name", "Table.range",
    "Range.value (get and set)", "Range.options", "Range.row", "Range.column", "Range.shape",
    "Range.color (set only)", "Range.font.bold (set)", "Range.note", "Range.add_note", "Note.text", "Note.delete",
    "Range.add_hyperlink",
    "App.alert",
)
# ... and those it does not: reading a fill or a formula (async only), the status bar, screen updating.
NOT_IN_LITE = ("Range.color (get)", "Range.formula (get)", "App.status_bar", "App.screen_updating")


class LiteBook(ExcelBook):
    """ExcelBook within what xlwings Lite answers: no fill or formula is read."""

    def __init__(self, book: Any) -> None:
        super().__init__(book)
        self._formula_columns: set[tuple[str, int]] = set()

    def read_register(self, schema: RegisterSchema, *, extras: bool = False) -> Register:
        register = super().read_register(schema, extras=extras)
        # the template fills sumOf columns (the Priority total) with a live formula
        self._formula_columns = {(register.sheet, register.columns[name]) for name in schema.sums
                                 if name in register.columns}
        return register

    def _write_column(self, sheet_name: str, column: int, first_row: int, values: Any) -> None:
        if (sheet_name, column) in self._formula_columns or not values:
            return  # a live formula computes it; Lite cannot read formulas to keep them
        cells = self._sheet(sheet_name).range((first_row, column), (first_row + len(values) - 1, column))
        cells.value = [[value] for value in values]

    def _fill(self, fill: RowBlockFill) -> None:
        sheet = self._sheet(fill.sheet)
        sheet.range((fill.first_row, fill.first_column), (fill.last_row, fill.last_column)).color = \
            hex_colour(fill.colour)

    def _note(self, note: CellNote, *, ours: bool) -> None:
        cell = self._sheet(note.sheet).range((note.row, note.column))
        cell.color = hex_colour(note.colour)
        self._note_text(cell, note, ours=ours)

    def _remove(self, entry: RecordEntry, underlay: Underlay) -> None:
        block = self._marked_block(entry)
        if block is None:
            return
        block.color = None
        if entry.is_note:
            note = block.note
            if note is not None:
                note.delete()
            under = underlay.colour(entry.sheet, block.row, block.column)
            if under in UNDERLAYS:
                block.color = hex_colour(under)


def snapshot(book: ExcelBook, run: Button) -> str:
    """The review as a sheet of this workbook: Lite cannot write the snapshot files beside it."""
    register = book.read_register(run.schema)
    as_of = dt.datetime.now().replace(microsecond=0)
    taken = take_snapshot(register, run.schema, as_of=as_of, previous_review=None, register_sha256="",
                          escalation_days=run.escalation_days)
    rows = review_rows(taken)
    names = [sheet.name for sheet in book.book.sheets]
    title = ribbon_title = f"Review {as_of:%Y-%m-%d %H%M}"
    number = 2
    while title in names:
        title, number = f"{ribbon_title} ({number})", number + 1
    sheet = book.book.sheets.add(title, after=book.book.sheets[len(names) - 1])
    width = max(len(row) for row in rows)
    sheet.range((1, 1), (len(rows), width)).value = [[*row, *([None] * (width - len(row)))] for row in rows]
    return f"Snapshot added as the sheet '{title}' ({len(taken.items)} items); save a copy of the workbook to keep it."


def review_rows(snapshot: Snapshot) -> list[list[Any]]:
    """The Review sheet's values: a title, the header lines, then each table with its title and columns."""
    rows: list[list[Any]] = [[f"Management review: {snapshot.schema_title}"],
                             ["Register", snapshot.register_file], ["As of", snapshot.as_of], [], ["Headline figures"]]
    rows += [[figure.label, figure_text(figure.value, figure.unit)] for figure in snapshot.headline]
    for title, tables in review_sections(snapshot.tables):
        rows += [[], [title]]
        for table in tables:
            rows.append([])
            rows.append([table.title])
            rows += [[line] for line in (table.unavailable, table.note) if line]
            if table.unavailable:
                continue
            if table.rows:
                rows.append(list(table.columns))
            for index, values in enumerate(table.rows):
                row = list(values)
                if index < len(table.units) and isinstance(row[1], int | float):  # a figure, as its unit reads
                    row[1] = figure_text(row[1], table.units[index])
                rows.append(row)
            if not table.rows and not table.note:
                rows.append(["(none)"])
    return rows


# Reminders are drafts written to a folder beside the workbook, which the browser Lite runs in has not
HANDLERS = {**{button: handler for button, handler in ribbon.HANDLERS.items() if button != "remind"},
            "snapshot": snapshot}
SCRIPTS = {  # script name in main.py -> button, and what the script's docstring says
    "validate": ("validate", "Check every cell of the register; mark problems and list them on a Findings sheet."),
    "clear_marks": ("clearMarks", "Remove the colours, notes and Findings sheet that the Register buttons added."),
    "priorities": ("priorities", "Add up the ratings and rank the open items, highest first."),
    "overdue": ("overdue", "Colour the rows of open items whose Target date has passed, and list them by owner."),
    "snapshot": ("snapshot", "Add a Review sheet with the management review's tables."),
    "about": ("about", "Which version of xlreg runs the buttons."),
}


today = dt.date.today  # the day that counts as today (the tests fix it)


def run(book: Any, button: str, *, schema: RegisterSchema | None = None) -> str:
    """Run one button on `book` (the workbook Lite passes to a script); print and return what it found."""
    from xl_addin.settings import resolve

    try:
        settings = resolve({}, search=False)
        handler = HANDLERS[button]
        message = handler(LiteBook(book), Button(schema=schema or settings.schema(), today=today(),
                                                 escalation_days=settings["escalation-days"]))
    except (ActionFailed, WriteRefused) as error:
        book.app.alert(str(error), title=TITLE)
        return str(error)
    print(message)
    return message

"""An xlwings engine backed by openpyxl, registered through xlwings' public engine interface, so that the
add-in's code runs through xlwings' own Book / Sheet / Range layer in tests on Linux, where Excel is not.

It implements what the add-in uses, with Excel's semantics where they matter (a multi-cell range reports one
colour only when every cell has it; `None` means no fill), and counts every call that reads or writes cells:
the add-in's promise is that this count does not grow with the register.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from copy import copy
from pathlib import Path
from typing import Any

import openpyxl
import xlwings as xw
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

MIXED = ("mixed",)  # what a block of differently filled cells reports as its colour
NOTE_AUTHOR = "xlreg"
_NO_FILL = PatternFill(fill_type=None)


class CellCalls(Counter[str]):
    """Calls that reach the engine and read or write cells, by kind."""

    @property
    def total(self) -> int:
        return sum(self.values())


class EngineImpl:
    name = "openpyxl-test"
    type = "desktop"

    def __init__(self, *, lite: bool = False) -> None:
        self.calls = CellCalls()
        self.apps = AppsImpl(self)
        # stand in for xlwings Lite: refuse what its engine cannot answer (xl_addin.excel.lite.NOT_IN_LITE)
        self.lite = lite

    def refuse_in_lite(self, what: str) -> None:
        if self.lite:
            raise NotImplementedError(f"{what} is not supported in xlwings Lite")

    def clean_value_data(self, data: Any, dates_handler: Any, empty_as: Any, numbers_handler: Any,
                         err_to_str: bool) -> Any:
        def clean(value: Any) -> Any:
            if value is None or value == "":
                return empty_as
            if isinstance(value, dt.datetime) and dates_handler is not None:
                return dates_handler(value) if dates_handler is not dt.datetime else value
            if isinstance(value, (int, float)) and not isinstance(value, bool) and numbers_handler is not None:
                return numbers_handler(value)
            return value
        return [[clean(value) for value in row] for row in data]

    def prepare_xl_data_element(self, value: Any, options: Any) -> Any:
        return value


class AppsImpl:
    def __init__(self, engine: EngineImpl) -> None:
        self.engine = engine
        self.apps: list[AppImpl] = []

    def add(self, **kwargs: Any) -> AppImpl:
        app = AppImpl(self.engine)
        self.apps.insert(0, app)
        return app

    def keys(self) -> list[int]:
        return list(range(len(self.apps)))

    def __iter__(self) -> Any:
        return iter(self.apps)

    def __len__(self) -> int:
        return len(self.apps)


_NOT_IN_LITE = ("status_bar", "screen_updating")


class AppImpl:
    def __init__(self, engine: EngineImpl) -> None:
        self.engine = engine
        self.books = BooksImpl(self)
        self.screen_updating = True
        self.status_bar: Any = False
        self.status_history: list[Any] = []
        self.alerts: list[str] = []
        self.screen_updating_while_writing: set[bool] = set()

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _NOT_IN_LITE and hasattr(self, "status_history"):
            self.engine.refuse_in_lite(f"App.{name}")
        if name == "status_bar" and hasattr(self, "status_history"):
            self.status_history.append(value)
        super().__setattr__(name, value)

    def __getattribute__(self, name: str) -> Any:
        if name in _NOT_IN_LITE and object.__getattribute__(self, "__dict__").get("status_history") is not None:
            object.__getattribute__(self, "engine").refuse_in_lite(f"App.{name}")
        return object.__getattribute__(self, name)

    def alert(self, prompt: str, title: str, buttons: Any, mode: Any, callback: Any) -> str:
        self.alerts.append(prompt)
        return "ok"

    @property
    def pid(self) -> int:
        return 1

    def activate(self, steal_focus: bool = False) -> None:
        pass


class BooksImpl:
    def __init__(self, app: AppImpl) -> None:
        self.app = app
        self.books: list[BookImpl] = []

    @property
    def active(self) -> BookImpl:
        return self.books[-1]

    def open(self, fullname: str, **kwargs: Any) -> BookImpl:
        book = BookImpl(self.app, Path(fullname))
        self.books.append(book)
        return book

    def __call__(self, name_or_index: Any) -> BookImpl:
        if isinstance(name_or_index, int):
            return self.books[name_or_index - 1]
        return next(book for book in self.books if book.name == name_or_index)

    def __len__(self) -> int:
        return len(self.books)

    def __iter__(self) -> Any:
        return iter(self.books)


class BookImpl:
    def __init__(self, app: AppImpl, path: Path) -> None:
        self.app = app
        self.path = path
        keep_vba = path.suffix.lower() == ".xlsm"
        self.workbook = openpyxl.load_workbook(path, keep_vba=keep_vba, keep_links=True, rich_text=True)
        self.sheets = SheetsImpl(self)

    @property
    def engine(self) -> EngineImpl:
        return self.app.engine

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def fullname(self) -> str:
        return str(self.path)

    def save(self, path: str | None = None, password: str | None = None) -> None:
        self.workbook.save(path or self.path)

    def close(self) -> None:
        self.app.books.books.remove(self)

    def activate(self) -> None:
        pass


class SheetsImpl:
    def __init__(self, book: BookImpl) -> None:
        self.book = book

    @property
    def active(self) -> SheetImpl:
        active = self.book.workbook.active
        assert active is not None
        return SheetImpl(self.book, active.title)

    def __call__(self, name_or_index: Any) -> SheetImpl:
        names = self.book.workbook.sheetnames
        name = names[name_or_index - 1] if isinstance(name_or_index, int) else name_or_index
        if name not in names:
            raise KeyError(name)
        return SheetImpl(self.book, name)

    def __len__(self) -> int:
        return len(self.book.workbook.sheetnames)

    def __iter__(self) -> Any:
        return iter([SheetImpl(self.book, name) for name in self.book.workbook.sheetnames])

    def add(self, before: SheetImpl | None = None, after: SheetImpl | None = None,
            name: str | None = None) -> SheetImpl:
        workbook = self.book.workbook
        index = len(workbook.sheetnames)
        if before is not None:
            index = workbook.sheetnames.index(before.name)
        elif after is not None:
            index = workbook.sheetnames.index(after.name) + 1
        sheet = workbook.create_sheet(name, index)
        workbook.active = workbook.sheetnames.index(sheet.title)
        return SheetImpl(self.book, sheet.title)


class SheetImpl:
    def __init__(self, book: BookImpl, name: str) -> None:
        self.book = book
        self.name = name

    @property
    def sheet(self) -> Worksheet:
        return self.book.workbook[self.name]

    @property
    def index(self) -> int:
        return self.book.workbook.sheetnames.index(self.name) + 1

    def range(self, cell1: Any, cell2: Any = None) -> RangeImpl:
        first = _coords(cell1)
        last = _coords(cell2)[2:] if cell2 is not None else first[2:]
        return RangeImpl(self, first[0], first[1], last[0], last[1])

    @property
    def used_range(self) -> RangeImpl:
        sheet = self.sheet
        return RangeImpl(self, sheet.min_row, sheet.min_column, max(sheet.max_row, 1), max(sheet.max_column, 1))

    @property
    def tables(self) -> TablesImpl:
        return TablesImpl(self, [TableImpl(self, name) for name in self.sheet.tables])

    @property
    def visible(self) -> bool:
        return self.sheet.sheet_state == "visible"

    @visible.setter
    def visible(self, value: Any) -> None:
        self.sheet.sheet_state = "veryHidden" if value == 2 else "visible" if value else "hidden"

    def activate(self) -> None:
        self.book.workbook.active = self.index - 1

    def delete(self) -> None:
        workbook = self.book.workbook
        active = workbook.active.title if workbook.active is not None else None
        workbook.remove(self.sheet)
        if active in workbook.sheetnames:
            workbook.active = workbook.sheetnames.index(active)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SheetImpl) and other.book is self.book and other.name == self.name


def _coords(cell: Any) -> tuple[int, int, int, int]:
    if isinstance(cell, RangeImpl):
        return cell.first_row, cell.first_column, cell.last_row, cell.last_column
    if isinstance(cell, tuple):
        return cell[0], cell[1], cell[0], cell[1]
    first_column, first_row, last_column, last_row = range_boundaries(str(cell).replace("$", ""))
    return first_row, first_column, last_row, last_column


class TablesImpl(list["TableImpl"]):
    def __init__(self, sheet: SheetImpl, tables: list[TableImpl]) -> None:
        super().__init__(tables)
        self.parent = sheet

    def add(self, source_type: Any = None, source: Any = None, link_source: Any = None, has_headers: bool = True,
            destination: Any = None, table_style_name: str | None = None, name: str | None = None) -> TableImpl:
        """Excel's ListObjects.Add over a range with headers: Excel names the table when no name is given."""
        assert has_headers and source_type is None and destination is None
        cells = source.api if hasattr(source, "api") else source
        self.parent.book.engine.calls["table.add"] += 1
        taken = {table for sheet in self.parent.book.workbook.worksheets for table in sheet.tables}
        name = name or next(f"Table{n}" for n in range(1, len(taken) + 2) if f"Table{n}" not in taken)
        table = Table(displayName=name, ref=cells.address.replace("$", ""))
        table.tableStyleInfo = TableStyleInfo(name=table_style_name or "TableStyleMedium2", showRowStripes=True)
        self.parent.sheet.add_table(table)
        return TableImpl(self.parent, name)


class TableImpl:
    def __init__(self, sheet: SheetImpl, name: str) -> None:
        self.parent = sheet
        self.name = name

    @property
    def range(self) -> RangeImpl:
        return self.parent.range(self.parent.sheet.tables[self.name].ref.split(":")[0],
                                 self.parent.sheet.tables[self.name].ref.split(":")[-1])


class NoteImpl:
    def __init__(self, cell: RangeImpl) -> None:
        self.cell = cell

    @property
    def _target(self) -> Any:
        return self.cell.sheet.sheet.cell(self.cell.first_row, self.cell.first_column)

    @property
    def text(self) -> str:
        self.cell.calls["note.text.get"] += 1
        return str(self._target.comment.text)

    @text.setter
    def text(self, value: str) -> None:
        self.cell.calls["note.text.set"] += 1
        self._target.comment = _comment(value)

    def delete(self) -> None:
        self.cell.calls["note.delete"] += 1
        self._target.comment = None


def _comment(text: str) -> Comment:
    comment = Comment(text, NOTE_AUTHOR)
    comment.width, comment.height = 320, 120
    return comment


class FontImpl:
    """Bold only: what the Register tab sets (a Findings sheet's header)."""

    def __init__(self, cells: RangeImpl) -> None:
        self.cells = cells

    def _each(self) -> Any:
        sheet = self.cells.sheet.sheet
        for row in range(self.cells.first_row, self.cells.last_row + 1):
            for column in range(self.cells.first_column, self.cells.last_column + 1):
                yield sheet.cell(row, column)

    @property
    def bold(self) -> bool:
        return all(cell.font.b for cell in self._each())

    @bold.setter
    def bold(self, value: bool) -> None:
        self.cells.calls["font.write"] += 1
        for cell in self._each():
            font = copy(cell.font)
            font.b = value
            cell.font = font


class RangeImpl:
    def __init__(self, sheet: SheetImpl, first_row: int, first_column: int, last_row: int, last_column: int) -> None:
        self.sheet = sheet
        self.first_row, self.first_column = first_row, first_column
        self.last_row, self.last_column = last_row, last_column
        self.max_cells_per_read = None
        self.max_cells_per_write = None

    @property
    def calls(self) -> CellCalls:
        return self.sheet.book.engine.calls

    @property
    def api(self) -> RangeImpl:
        return self  # no native object behind it; xlwings only checks that there is one

    @property
    def font(self) -> FontImpl:
        return FontImpl(self)

    @property
    def row(self) -> int:
        return self.first_row

    @property
    def column(self) -> int:
        return self.first_column

    @property
    def shape(self) -> tuple[int, int]:
        return self.last_row - self.first_row + 1, self.last_column - self.first_column + 1

    def __len__(self) -> int:
        rows, columns = self.shape
        return rows * columns

    @property
    def coords(self) -> tuple[str, int, int, int, int]:
        return self.sheet.name, self.first_row, self.first_column, *self.shape

    @property
    def address(self) -> str:
        return (f"${get_column_letter(self.first_column)}${self.first_row}:"
                f"${get_column_letter(self.last_column)}${self.last_row}")

    def _cells(self) -> list[list[Any]]:
        sheet = self.sheet.sheet
        return [[sheet.cell(row, column) for column in range(self.first_column, self.last_column + 1)]
                for row in range(self.first_row, self.last_row + 1)]

    @property
    def raw_value(self) -> Any:
        self.calls["value.read"] += 1
        return [[_displayed(cell) for cell in row] for row in self._cells()]

    @raw_value.setter
    def raw_value(self, data: Any) -> None:
        self.calls["value.write"] += 1
        self.sheet.book.app.screen_updating_while_writing.add(self.sheet.book.app.__dict__["screen_updating"])
        rows = data if isinstance(data, list) and data and isinstance(data[0], list) else [[data]]
        for row_offset, values in enumerate(rows):
            for column_offset, value in enumerate(values):
                cell = self.sheet.sheet.cell(self.first_row + row_offset, self.first_column + column_offset)
                cell.value = value

    @property
    def formula(self) -> Any:
        self.sheet.book.engine.refuse_in_lite("Reading Range.formula")
        self.calls["formula.read"] += 1
        return [[cell.value if cell.data_type == "f" else _displayed(cell) for cell in row]
                for row in self._cells()]

    @property
    def color(self) -> Any:
        self.sheet.book.engine.refuse_in_lite("Reading Range.color")
        self.calls["color.read"] += 1
        colours = {_fill_colour(cell) for row in self._cells() for cell in row}
        if len(colours) > 1:
            return MIXED
        (colour,) = colours
        return colour

    @color.setter
    def color(self, value: Any) -> None:
        self.calls["color.write"] += 1
        self.sheet.book.app.screen_updating_while_writing.add(self.sheet.book.app.__dict__["screen_updating"])
        if value is None:
            fill = _NO_FILL
        else:
            red, green, blue = (int(value[i:i + 2], 16) for i in (1, 3, 5)) if isinstance(value, str) else value
            argb = f"FF{red:02X}{green:02X}{blue:02X}"
            fill = PatternFill(fill_type="solid", start_color=argb, end_color=argb)
        for row in self._cells():
            for cell in row:
                cell.fill = fill

    @property
    def note(self) -> NoteImpl | None:
        self.calls["note.read"] += 1
        cell = self.sheet.sheet.cell(self.first_row, self.first_column)
        return NoteImpl(self) if cell.comment is not None else None

    def add_note(self, text: str) -> NoteImpl:
        self.calls["note.add"] += 1
        self.sheet.sheet.cell(self.first_row, self.first_column).comment = _comment(text)
        return NoteImpl(self)

    def add_hyperlink(self, address: str, text_to_display: str, screen_tip: str) -> None:
        self.calls["hyperlink.add"] += 1
        cell = self.sheet.sheet.cell(self.first_row, self.first_column)
        cell.value = text_to_display
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=address.lstrip("#"), display=text_to_display)
        cell.style = "Hyperlink"

    def __call__(self, row: int, column: int | None = None) -> RangeImpl:
        if column is None:  # a 1-based position counted along rows, as Excel's Range.Item(n)
            row, column = divmod(row - 1, self.shape[1])
            row, column = row + 1, column + 1
        return RangeImpl(self.sheet, self.first_row + row - 1, self.first_column + column - 1,
                         self.first_row + row - 1, self.first_column + column - 1)


def _displayed(cell: Any) -> Any:
    """What Excel shows: a formula's cached result is not known to openpyxl, so the engine's cached-values
    copy of the workbook supplies it (see OpenpyxlBookImpl.values)."""
    if cell.data_type == "f":
        return None
    if cell.data_type == "e":
        return cell.value  # '#REF!': what err_to_str=True gives
    value = cell.value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def _fill_colour(cell: Any) -> tuple[int, int, int] | None:
    fill = cell.fill
    if fill is None or fill.fill_type is None or fill.fgColor is None or fill.fgColor.rgb is None:
        return None
    rgb = str(fill.fgColor.rgb)[-6:]
    return int(rgb[0:2], 16), int(rgb[2:4], 16), int(rgb[4:6], 16)


def open_book(path: Path, *, lite: bool = False) -> tuple[xw.Book, EngineImpl]:
    """The workbook at `path` opened in a fresh test engine, as an xlwings Book; and the engine. With `lite`,
    the engine refuses what xlwings Lite's engine cannot do."""
    impl = EngineImpl(lite=lite)
    engine = xw.main.Engine(impl=impl)
    xw.engines.add(engine)
    engine.activate()  # xlwings' module-level apps and books now mean this engine
    app = impl.apps.add()
    book = xw.Book(impl=app.books.open(str(path)))
    return book, impl

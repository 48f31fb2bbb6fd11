"""One order of applying marks for every writer (engine.mark_writing), and a writer that cannot do a part of them
refuses the whole in words before anything changes: the xlwings writer asked to write an import's marks."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.openpyxl_engine import open_book
from xl_addin.engine.mark_writing import MarkPart, MarksCannotBeApplied, apply_marks
from xl_addin.engine.marks import (
    FINDINGS_HEADER,
    AddedColumn,
    CellNote,
    ColumnValues,
    FindingsSheet,
    LogRows,
    Marks,
    RecordEntry,
    RowBlockFill,
    Underlay,
)
from xl_addin.errors import ActionFailed
from xl_addin.excel.book import ExcelBook

TEMPLATE = Path(__file__).parents[1] / "workbook_templates" / "improvement_register.xlsx"
EARLIER = [RecordEntry("overdue", "Register", "B5:N5", "FFF8CBAD"),
           RecordEntry("finding", "Register", "C7:C7", "FFFFC7CE"),
           RecordEntry("finding-note", "Register", "C7", "FFFFC7CE"),
           RecordEntry("finding-sheet", "Findings", "", "")]


class Recording:
    """A writer that does what it is asked by writing it down."""

    def __init__(self, refuses: dict[MarkPart, str] | None = None) -> None:
        self.refuses = refuses or {}
        self.steps: list[tuple[Any, ...]] = []
        self.record: list[RecordEntry] | None = None

    def cannot(self, part: MarkPart) -> str | None:
        return self.refuses.get(part)

    def read_record(self) -> list[RecordEntry]:
        return list(EARLIER)

    def remove(self, entry: RecordEntry, underlay: Underlay) -> None:
        self.steps.append(("remove", entry.kind, entry.ref))

    def write_values(self, block: ColumnValues) -> None:
        self.steps.append(("values", block.column))

    def fill(self, fill: RowBlockFill) -> None:
        self.steps.append(("fill", fill.kind, fill.first_row))

    def note(self, note: CellNote, *, ours: bool) -> None:
        self.steps.append(("note", note.row, note.column, ours))

    def findings_sheet(self, listing: FindingsSheet) -> str:
        self.steps.append(("findings sheet", listing.title))
        return listing.title

    def date_formats(self, sheet: str, cells: frozenset[tuple[int, int]]) -> None:
        self.steps.append(("dates", len(cells)))

    def add_column(self, added: AddedColumn) -> None:
        self.steps.append(("column", added.title))

    def grow(self, sheet: str, last_row: int) -> None:
        self.steps.append(("grow", last_row))

    def log(self, rows: LogRows) -> None:
        self.steps.append(("log", rows.title))

    def write_record(self, entries: list[RecordEntry]) -> None:
        self.record = entries


def import_marks() -> Marks:
    return Marks(sheet="Register", replaces=frozenset({"finding"}),
                 values=(ColumnValues("Register", 1, 42, ("CI-0042",)),),
                 fills=(RowBlockFill("Register", 42, 42, 3, 3, "finding", "FFFFC7CE"),),
                 notes=(CellNote("Register", 7, 3, "finding", "FFFFC7CE", "Required"),),
                 findings_sheet=FindingsSheet("Findings", FINDINGS_HEADER, (), ()),
                 log=LogRows("Feed log", ("When",), (("today",),)), dates=frozenset({(42, 9)}), grow_to=42,
                 added_columns=(AddedColumn("Register", 3, 17, "Source ref", 16, "Register"),))


def test_marks_are_applied_in_one_order_and_the_record_says_what_stands() -> None:
    writer = Recording()
    apply_marks(writer, import_marks())
    assert writer.steps == [
        ("remove", "finding", "C7:C7"), ("remove", "finding-note", "C7"), ("remove", "finding-sheet", ""),
        ("values", 1), ("fill", "finding", 42), ("note", 7, 3, True), ("findings sheet", "Findings"), ("dates", 1),
        ("column", "Source ref"), ("grow", 42), ("log", "Feed log")]
    assert writer.record is not None
    assert [entry.kind for entry in writer.record] == ["overdue", "finding", "finding-note", "finding-sheet"]
    assert writer.record[0] == EARLIER[0]  # the overdue mark was not replaced: it stands


def test_a_writer_that_cannot_do_a_part_refuses_all_of_it_first() -> None:
    writer = Recording({"added column": "no columns here", "log sheet": "no logs either"})
    with pytest.raises(MarksCannotBeApplied, match="no columns here; no logs either"):
        apply_marks(writer, import_marks())
    assert writer.steps == [] and writer.record is None


def test_the_register_tab_refuses_an_imports_marks_in_words_and_changes_nothing(tmp_path: Path) -> None:
    book, engine = open_book(shutil.copyfile(TEMPLATE, tmp_path / "r.xlsx"))
    with pytest.raises(ActionFailed) as refused:
        ExcelBook(book).apply(import_marks())
    message = str(refused.value)
    assert message.startswith("Nothing was changed: the Register tab does not add date formats to the open workbook;")
    assert "a column to the open workbook" in message and "a log sheet" in message
    assert "xlreg import or xlreg measure on the saved workbook" in message
    assert not any(key.endswith("write") or key.startswith("table.") for key in engine.calls), engine.calls
    book.impl.workbook.save(tmp_path / "after.xlsx")
    assert openpyxl.load_workbook(tmp_path / "after.xlsx").sheetnames == openpyxl.load_workbook(TEMPLATE).sheetnames

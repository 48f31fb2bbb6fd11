"""The Register tab's buttons, run through xlwings' own Book / Sheet / Range layer over an openpyxl-backed test
engine: the same workbook content as the xlreg command's openpyxl path, and a number of cell-touching calls
that does not grow with the register."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.cases.build_cases import item
from tests.conftest import AS_OF
from tests.openpyxl_engine import EngineImpl, open_book
from xl_addin import resources
from xl_addin.cli import main
from xl_addin.engine.marks import FINDINGS_HEADER, OVERDUE_COLOUR, FindingsSheet, Marks
from xl_addin.excel.book import ExcelBook
from xl_addin.excel.ribbon import on_action
from xl_addin.resources import default_schema_path
from xl_addin.workbook.formats.schema_file import load_schema
from xl_addin.workbook.writing.template import build_workbook

SCHEMA = load_schema(default_schema_path())
LATER = dt.date(2027, 6, 30)
# The same marked blocks whatever the register's size: three bad cells, two blocks of overdue rows.
BAD = {10: {"Compliance": 7}, 20: {"Source": "Gossip"}, 30: {"Owner": None}}
LATE = {40, 41, 60, 61}


def register(path: Path, rows: int) -> Path:
    items = []
    for number in range(1, rows + 1):
        changes: dict[str, Any] = {"Target_date": dt.date(2026, 10, 1) if number in LATE else LATER}
        changes.update({key.replace(" ", "_"): value for key, value in BAD.get(number, {}).items()})
        items.append(item(number, "In progress", **changes))
    build_workbook(SCHEMA, items=items, rows=rows).save(path)
    return path


def content(path: Path) -> dict[str, Any]:
    """What a person sees: sheets (name, visibility, order, the active one), every value or formula, fills,
    note texts and hyperlink targets."""
    workbook = openpyxl.load_workbook(path)
    sheets = {}
    for sheet in workbook.worksheets:
        cells = {}
        for row in sheet.iter_rows():
            for cell in row:
                fill = cell.fill.fgColor.rgb if cell.fill is not None and cell.fill.fill_type else None
                note = cell.comment.text if cell.comment is not None else None
                link = cell.hyperlink.location if cell.hyperlink is not None else None
                if cell.value is not None or fill or note or link:
                    cells[cell.coordinate] = (cell.value, fill, note, link)
        sheets[sheet.title] = (sheet.sheet_state, cells)
    active = workbook.active.title if workbook.active is not None else None
    return {"order": workbook.sheetnames, "active": active, "sheets": sheets}


CLI = {
    "validate": ["validate", "--mark", "--as-of", AS_OF.isoformat()],
    "priorities": ["priorities"],
    "overdue": ["overdue", "--as-of", AS_OF.isoformat()],
    "clearMarks": ["clear"],
}


def through_cli(button: str, source: Path, target: Path) -> None:
    command = CLI[button]
    assert main([command[0], str(source), *command[1:], "-o", str(target), "--force"], out=io.StringIO()) in (0, 1)


def through_ribbon(button: str, source: Path, target: Path) -> tuple[str, EngineImpl, Any]:
    book, engine = open_book(source)
    engine.calls.clear()
    message = on_action(button, book, today=AS_OF)
    book.impl.workbook.save(target)
    return message, engine, book.app.impl


@pytest.fixture(scope="module")
def registers(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("ribbon")
    made = {}
    for rows in (500, 5000):
        plain = register(folder / f"register-{rows}.xlsx", rows)
        marked = folder / f"register-{rows}-marked.xlsx"  # for Clear marks: validated and overdue-marked
        through_cli("validate", plain, folder / "step.xlsx")
        through_cli("overdue", folder / "step.xlsx", marked)
        made[rows] = plain
        made[-rows] = marked
    return made


@pytest.mark.parametrize("button", list(CLI))
def test_each_button_gives_what_the_command_gives_on_5000_rows(button: str, registers: dict[int, Path],
                                                              tmp_path: Path) -> None:
    source = registers[-5000] if button == "clearMarks" else registers[5000]
    through_cli(button, source, tmp_path / "cli.xlsx")
    message, _, app = through_ribbon(button, shutil.copyfile(source, tmp_path / "excel.xlsx"), tmp_path / "xl.xlsx")
    assert content(tmp_path / "xl.xlsx") == content(tmp_path / "cli.xlsx")
    assert app.screen_updating_while_writing <= {False} and app.screen_updating is True
    assert app.alerts == [] and app.status_history[-1] == message


def test_cell_calls_do_not_grow_with_the_register(registers: dict[int, Path], tmp_path: Path) -> None:
    counts: dict[str, dict[int, dict[str, int]]] = {}
    for button in CLI:
        for rows in (500, 5000):
            source = registers[-rows] if button == "clearMarks" else registers[rows]
            work = shutil.copyfile(source, tmp_path / f"{button}-{rows}.xlsx")
            _, engine, _ = through_ribbon(button, work, tmp_path / f"out-{button}-{rows}.xlsx")
            counts.setdefault(button, {})[rows] = dict(engine.calls)
        assert counts[button][500] == counts[button][5000], (button, counts[button])
    print({button: sum(by_rows[5000].values()) for button, by_rows in counts.items()})


def test_the_status_bar_says_what_was_found(registers: dict[int, Path], tmp_path: Path) -> None:
    message, _, app = through_ribbon("validate", shutil.copyfile(registers[500], tmp_path / "r.xlsx"),
                                     tmp_path / "out.xlsx")
    assert message == "Validated 500 rows: 3 errors, 0 warnings; see the Findings sheet."
    assert app.status_history[0] == "Validating the register..."
    findings = openpyxl.load_workbook(tmp_path / "out.xlsx")["Findings"]
    assert all(cell.font.b for cell in findings[1]) and not findings["A2"].font.b  # the header, as the CLI's
    [table] = findings.tables.values()  # filter buttons on the header, as the CLI's autoFilter gives
    assert table.ref == table.autoFilter.ref == "A1:G4" == f"A1:G{findings.max_row}"
    message, _, _ = through_ribbon("overdue", tmp_path / "r.xlsx", tmp_path / "out2.xlsx")
    assert message.startswith("4 overdue items as of 2026-11-25 (Ana Costa 4)")


def test_an_empty_findings_listing_is_still_a_table_excel_accepts(tmp_path: Path) -> None:
    template = Path(__file__).parents[1] / "workbook_templates" / "improvement_register.xlsx"
    book, engine = open_book(shutil.copyfile(template, tmp_path / "r.xlsx"))
    ExcelBook(book).apply(Marks(sheet="Register", findings_sheet=FindingsSheet("Findings", FINDINGS_HEADER, (), ())))
    book.impl.workbook.save(tmp_path / "out.xlsx")
    assert engine.calls["table.add"] == 1
    findings = openpyxl.load_workbook(tmp_path / "out.xlsx")["Findings"]
    [table] = findings.tables.values()  # a table needs a row under its header, as Excel itself would add
    assert table.ref == "A1:G2" and findings["A1"].value == "Cell" and findings["A2"].value is None


def test_a_failure_is_one_plain_dialog_and_changes_nothing(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    assert workbook.active is not None
    workbook.active["A1"] = "Shopping list"
    workbook.save(tmp_path / "not-a-register.xlsx")
    before = content(tmp_path / "not-a-register.xlsx")
    for button in ("validate", "priorities", "overdue", "snapshot", "clearMarks"):
        message, engine, app = through_ribbon(button, tmp_path / "not-a-register.xlsx", tmp_path / "after.xlsx")
        assert app.alerts == [message] and message.startswith("No register found in not-a-register.xlsx")
        assert "Traceback" not in message and engine.calls.get("value.write", 0) == 0
        assert content(tmp_path / "after.xlsx") == before
    message, _, app = through_ribbon("nonsense", tmp_path / "not-a-register.xlsx", tmp_path / "after.xlsx")
    assert app.alerts == [message] and "no button 'nonsense'" in message


def test_snapshot_button_saves_the_pack_beside_the_workbook(registers: dict[int, Path], tmp_path: Path) -> None:
    work = shutil.copyfile(registers[500], tmp_path / "register.xlsx")
    message, _, app = through_ribbon("snapshot", work, tmp_path / "unused.xlsx")
    (pack,) = (tmp_path / "snapshots").glob("register_*.xlsx")
    assert message.startswith(f"Snapshot saved: {pack}") and pack.with_suffix(".json").is_file()
    assert pack.with_suffix(".html").name in message and pack.with_suffix(".html").is_file()
    assert app.alerts == []
    sample = shutil.copyfile(resources.sample_path(), tmp_path / "sample.xlsx")  # a register with its own column
    through_ribbon("snapshot", sample, tmp_path / "unused.xlsx")
    (frozen,) = (tmp_path / "snapshots").glob("sample_*.xlsx")
    assert "Notes" in [cell.value for cell in openpyxl.load_workbook(frozen)["Register"][1]]


def test_about_names_the_version_and_python(registers: dict[int, Path], tmp_path: Path) -> None:
    message, _, app = through_ribbon("about", shutil.copyfile(registers[500], tmp_path / "r.xlsx"), tmp_path / "o.xlsx")
    assert message.startswith("xlreg ") and "Python" in message and app.alerts == [message]


def test_a_mark_on_an_overdue_row_shows_over_the_overdue_fill_in_both_writers(tmp_path: Path) -> None:
    """Overdue first, then Validate: the error mark paints over the tool's overdue fill; cleared, the overdue
    fill comes back under it. The Register tab and the command give the same workbook at each step."""
    items = [item(number, "In progress", Target_date=dt.date(2026, 10, 1) if number in LATE else LATER,
                  **({"Owner": None} if number == 40 else {})) for number in range(1, 80)]
    source = tmp_path / "late.xlsx"
    build_workbook(SCHEMA, items=items, rows=80).save(source)
    owner = f"{chr(ord('A') + [c.name for c in SCHEMA.columns].index('Owner'))}41"
    steps = [("overdue", None), ("validate", "FFFFC7CE"), ("overdue", "FFFFC7CE")]
    cli_path, ribbon_path = source, source
    for number, (button, colour) in enumerate(steps):
        through_cli(button, cli_path, tmp_path / f"cli-{number}.xlsx")
        through_ribbon(button, shutil.copyfile(ribbon_path, tmp_path / f"in-{number}.xlsx"),
                       tmp_path / f"xl-{number}.xlsx")
        cli_path, ribbon_path = tmp_path / f"cli-{number}.xlsx", tmp_path / f"xl-{number}.xlsx"
        assert content(ribbon_path) == content(cli_path), button
        cell = content(cli_path)["sheets"][SCHEMA.sheet][1][owner]
        assert cell[1] == (colour or OVERDUE_COLOUR), (button, cell)
    # validating again after the Owner is given takes the mark off and puts the overdue fill back
    workbook = openpyxl.load_workbook(cli_path)
    workbook[SCHEMA.sheet][owner] = "Mei Tanaka"
    workbook.save(cli_path)
    shutil.copyfile(cli_path, ribbon_path)
    through_cli("validate", cli_path, tmp_path / "cli-last.xlsx")
    through_ribbon("validate", shutil.copyfile(ribbon_path, tmp_path / "in-last.xlsx"), tmp_path / "xl-last.xlsx")
    assert content(tmp_path / "xl-last.xlsx") == content(tmp_path / "cli-last.xlsx")
    assert content(tmp_path / "cli-last.xlsx")["sheets"][SCHEMA.sheet][1][owner][1] == OVERDUE_COLOUR


def test_remind_owners_writes_the_drafts_beside_the_workbook_and_opens_the_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from xl_addin.excel import ribbon

    opened: list[Path] = []
    monkeypatch.setattr(ribbon, "open_folder", opened.append)
    work = shutil.copyfile(resources.sample_path(), tmp_path / "register.xlsx")
    (tmp_path / "owners.toml").write_text('"Ana Costa" = "ana.costa@example.com"\n', encoding="utf-8")
    (tmp_path / "xlreg.toml").write_text('owners = "owners.toml"\n', encoding="utf-8")
    before = content(work)
    message, engine, app = through_ribbon("remind", work, tmp_path / "after.xlsx")
    folder = tmp_path / "register reminders"
    assert opened == [folder] and [path.name for path in folder.iterdir()] == ["Ana Costa.eml"]
    assert message.startswith(f"1 reminder to send in {folder}; no address for ") and "Tom Becker" in message
    assert app.alerts == [] and engine.calls.get("value.write", 0) == 0
    assert content(tmp_path / "after.xlsx") == before  # the open workbook is not written
    # the command writes the same draft for the same day
    assert main(["remind", str(work), "--as-of", AS_OF.isoformat(), "--owners", str(tmp_path / "owners.toml"),
                 "--out", str(tmp_path / "cli")], out=io.StringIO()) == 0
    ours, theirs = (folder / "Ana Costa.eml").read_bytes(), (tmp_path / "cli" / "Ana Costa.eml").read_bytes()

    def body(data: bytes) -> list[str]:  # the date and the message ID differ from one run to the next
        return [line for line in data.decode().splitlines() if not line.startswith(("Date:", "Message-ID:"))
                and "=====" not in line and "boundary" not in line]

    assert body(ours) == body(theirs)

"""The Dashboard sheet: figures that are formulas over the register, generated from the schema's roles and
statuses. LibreOffice recalculates them (opening the workbook with recalculation forced, as every LibreOffice
test here) and each headline figure must equal what the engine computes for the same day; after edits made
through LibreOffice's UNO bridge, as a person makes them, the figures must change as the engine says. The same on
the sample, on a register migrated by `xlreg migrate` and on a register adopted in its own layout and words."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests import ordinary_register as ordinary
from tests.conformance import report
from tests.helpers import refused, run
from tests.libreoffice import LibreOffice, calculate
from xl_addin import resources
from xl_addin.engine.dashboard import DASHBOARD_SHEET, RegisterPlace, build_dashboard
from xl_addin.engine.overdue import NO_OWNER, by_owner, due_items, on_hold_items, overdue_items
from xl_addin.engine.schema import RegisterSchema
from xl_addin.engine.snapshot import take_snapshot
from xl_addin.settings import resolve
from xl_addin.usecases.actions import load_register

HEADLINE = ("Items in the register", "Open items", "Overdue items", "Due in the next 30 days", "On hold",
            "Closed in the last 90 days", "On-time closure rate", "Oldest open item: age (days)")
OWNERS_TABLE = "Overdue items by owner"
# What Excel 2019, Excel for the web and LibreOffice compute alike; a function newer than Excel 2007 is written
# with the _xlfn. prefix the file format asks for, or Excel shows #NAME?
FUNCTIONS = {"COUNTIFS", "COUNTA", "SUMPRODUCT", "MIN", "_xlfn.MINIFS", "IF", "ISNUMBER", "SUM", "DATE", "YEAR",
             "MONTH", "EDATE", "TODAY"}
EXCEL_FORMULA_LIMIT = 8192  # characters: Excel refuses a longer formula (and repairs the file)


def dashboard_cells(path: Path) -> dict[str, str]:
    """Where each headline figure and each owner's count stands on the Dashboard sheet: label -> cell."""
    sheet = openpyxl.load_workbook(path)[DASHBOARD_SHEET]
    labels = [(row[0].value, row[0].row) for row in sheet.iter_rows(min_col=1, max_col=1)]
    cells = {label: f"B{row}" for label, row in labels if label in HEADLINE}
    table = next(row for label, row in labels if label == OWNERS_TABLE)
    for label, row in labels[table + 1:]:  # the table's header row, then one row per owner until a blank
        if label is None:
            break
        cells[f"owner: {label}"] = f"B{row}"
    return cells


def libreoffice_figures(uno_python: Path, path: Path, **edited: Any) -> dict[str, Any]:
    cells = dashboard_cells(path)
    values = calculate(uno_python, path, read=[(DASHBOARD_SHEET, cell) for cell in cells.values()], **edited)
    return dict(zip(cells, values, strict=True))


def engine_figures(path: Path, schema: RegisterSchema, today: dt.date) -> dict[str, Any]:
    """The same figures as the engine computes them (what xlreg overdue, the statuses and the snapshot say)."""
    register, schema = load_register(path, schema)
    late = overdue_items(register, schema, as_of=today)
    snapshot = take_snapshot(register, schema, as_of=dt.datetime.combine(today, dt.time()),
                             previous_review=today - dt.timedelta(days=90), register_sha256="0" * 64)
    review = {row[0]: row[1] for row in snapshot.table("review-figures").rows}
    statuses = register.cells[schema.role("status") or ""]
    figures: dict[str, Any] = {
        "Items in the register": len(register),
        "Open items": sum(1 for status in statuses if status in schema.open_statuses),
        "Overdue items": len(late),
        "Due in the next 30 days": len(due_items(register, schema, as_of=today, within_days=30)),
        "On hold": len(on_hold_items(register, schema, as_of=today)),
        "Closed in the last 90 days": len(snapshot.table("closed-since").rows),
        "On-time closure rate": review["On-time closure rate"],
        "Oldest open item: age (days)": review["Oldest open item: age (days)"],
    }
    figures.update({f"owner: {owner}": len(items) for owner, items in by_owner(late).items()})
    return figures


def assert_same(shown: dict[str, Any], computed: dict[str, Any]) -> None:
    """Each headline figure as the engine has it (the rate to the engine's four places); each owner the engine
    lists with that many overdue items, and every other owner row at 0."""
    for label in HEADLINE:
        if label == "On-time closure rate":
            assert shown[label] == pytest.approx(computed[label], abs=5e-5), label
        else:
            assert shown[label] == computed[label], label
    owners = {label: value for label, value in shown.items() if label.startswith("owner: ")}
    listed = {label: count for label, count in computed.items() if label.startswith("owner: ")}
    for label, count in listed.items():
        key = label if label in owners else "owner: (other owners)"
        assert owners[key] >= count, label
    assert sum(owners.values()) == computed["Overdue items"]
    assert {label: value for label, value in owners.items() if value and label in listed} == \
        {label: count for label, count in listed.items() if label in owners}


@pytest.fixture(scope="module")
def settings_schema() -> RegisterSchema:
    return resolve({}).schema()


# -- the formulas, as data -------------------------------------------------------------------------------------


def _formulas(schema: RegisterSchema) -> list[str]:
    place = RegisterPlace("Register", 2, 61, {column.name: letter for column, letter in
                                             zip(schema.columns, "ABCDEFGHIJKLMNOPQRSTUVWX", strict=False)})
    dashboard = build_dashboard(schema, place, ["Ana Costa", "Tom Becker"])
    return [cell.value.text for cell in dashboard.cells if hasattr(cell.value, "text")]


def test_every_formula_is_within_excels_limits_and_uses_functions_every_version_computes(
        settings_schema: RegisterSchema) -> None:
    formulas = _formulas(settings_schema)
    assert len(formulas) > 30
    for formula in formulas:
        assert len(formula) <= EXCEL_FORMULA_LIMIT
        assert formula.count("(") == formula.count(")")
        used = set(re.findall(r"([A-Za-z_.]+)\(", re.sub(r'"[^"]*"', '""', formula)))
        assert used <= FUNCTIONS, used - FUNCTIONS


def test_the_formulas_read_the_statuses_as_the_schema_says(settings_schema: RegisterSchema) -> None:
    text = "\n".join(_formulas(settings_schema))
    # every status word the schema's value map reads as a status is counted with it ("done" is Completed)
    for word, status in settings_schema.column("Status").value_map.items():
        assert f'"={word}"' in text, (word, status)
    # a word with Excel's wildcards or a leading comparison is matched as written
    schema = replace(settings_schema, on_hold_statuses=("<Paused*?~",))
    assert '"=<Paused~*~?~~"' in "\n".join(_formulas(schema))


# -- LibreOffice recalculates the figures ------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_the_samples_dashboard_shows_what_the_engine_computes(uno_python: Path, tmp_path: Path,
                                                              settings_schema: RegisterSchema) -> None:
    sample = shutil.copyfile(resources.sample_path(), tmp_path / "sample.xlsx")
    shown = libreoffice_figures(uno_python, sample)
    computed = engine_figures(sample, settings_schema, dt.date.today())
    assert_same(shown, computed)
    # and as the command says it: xlreg overdue for the same day
    code, text = run("overdue", str(sample), "--format", "json", "--as-of", dt.date.today().isoformat())
    listed = json.loads(text)
    assert code == 0 and shown["Overdue items"] == len(listed["items"])
    assert shown["On hold"] == len(listed["on_hold"])
    for owner, ids in listed["by_owner"].items():
        assert shown.get(f"owner: {owner}", shown["owner: (other owners)"]) >= len(ids)
    assert shown["Overdue items"] > 5 and shown["On hold"] == 2 and 0 < shown["On-time closure rate"] < 1


@pytest.mark.libreoffice
@pytest.mark.parametrize("example", resources.example_names())
def test_each_example_registers_dashboard_shows_what_the_engine_computes(uno_python: Path, tmp_path: Path,
                                                                        example: str) -> None:
    sample = shutil.copyfile(resources.example_sample_path(example), tmp_path / "sample.xlsx")
    schema = resolve({"schema": f"example:{example}"}).schema()
    assert_same(libreoffice_figures(uno_python, sample), engine_figures(sample, schema, dt.date.today()))


def assert_edits_change_the_figures_as_the_engine_says(uno_python: Path, path: Path, schema: RegisterSchema,
                                                     *, closed_word: str, new_id: str) -> None:
    """Close an overdue item (in the register's own word for it) and type a new overdue item, of an owner the
    dashboard does not list yet, in the first row below the register (below its table, where it has one), as a
    person does in LibreOffice; the figures LibreOffice then shows are the engine's on the saved result."""
    today = dt.date.today()
    before = engine_figures(path, schema, today)
    register, mapped = load_register(path, schema)
    closed = overdue_items(register, mapped, as_of=today)[0]
    letters = {name: openpyxl.utils.get_column_letter(number) for name, number in register.columns.items()}
    below = (register.table_end or max(register.row_numbers)) + 1

    def cell(role: str, row: int) -> str:
        return f"{letters[mapped.role(role) or role]}{row}"

    def day(days: int) -> str:
        return (today + dt.timedelta(days=days)).isoformat()

    sheet = register.sheet
    edits = [
        {"sheet": sheet, "cell": cell("status", closed.row), "text": closed_word},
        {"sheet": sheet, "cell": cell("closureDate", closed.row), "date": day(0)},
        {"sheet": sheet, "cell": cell("id", below), "text": new_id},
        {"sheet": sheet, "cell": cell("description", below), "text": "Added below the register in LibreOffice"},
        {"sheet": sheet, "cell": cell("status", below), "text": "Planned"},
        {"sheet": sheet, "cell": cell("owner", below), "text": "Nadia Quinn"},
        {"sheet": sheet, "cell": cell("dateRaised", below), "date": day(-20)},
        {"sheet": sheet, "cell": cell("targetDate", below), "date": day(-3)},
    ]
    edited = path.with_name(f"{path.stem}-edited.xlsx")
    shown = libreoffice_figures(uno_python, path, edits=edits, save_as=edited)
    after = engine_figures(edited, schema, today)
    assert_same(shown, after)
    # what changed, as a person reads it: one more item, one overdue item closed and one new one overdue
    assert after["Items in the register"] == before["Items in the register"] + 1
    assert after["Overdue items"] == before["Overdue items"]
    assert after["Closed in the last 90 days"] == before["Closed in the last 90 days"] + 1
    assert shown["owner: (other owners)"] == 1  # Nadia Quinn, counted until dashboard add lists her
    owner = f"owner: {closed.owner if closed.owner != NO_OWNER else '(no owner)'}"
    assert shown[owner] == before[owner] - 1


@pytest.mark.libreoffice
def test_edits_made_in_libreoffice_change_the_figures_as_the_engine_says(uno_python: Path, tmp_path: Path,
                                                                         settings_schema: RegisterSchema) -> None:
    sample = shutil.copyfile(resources.sample_path(), tmp_path / "sample.xlsx")
    assert_edits_change_the_figures_as_the_engine_says(uno_python, sample, settings_schema, closed_word="Completed",
                                                       new_id="IMP-0999")


@pytest.mark.libreoffice
def test_a_migrated_register_and_an_adopted_one_show_what_the_engine_computes(
        uno_python: Path, tmp_path: Path, settings_schema: RegisterSchema) -> None:
    register = ordinary.build_register(tmp_path)
    mapping = tmp_path / "ci.toml"
    assert run("map", str(register.path), "-o", str(mapping))[0] == 0
    today = dt.date.today()

    migrated = tmp_path / "migrated.xlsx"
    code, text = run("migrate", str(register.path), "--mapping", str(mapping), "-o", str(migrated))
    assert code == 0, text
    assert_same(libreoffice_figures(uno_python, migrated), engine_figures(migrated, settings_schema, today))
    assert_edits_change_the_figures_as_the_engine_says(uno_python, migrated, settings_schema,
                                                       closed_word="Completed", new_id="CI-999")

    adopted = tmp_path / "adopted.xlsx"
    code, text = run("dashboard", "add", str(register.path), "--mapping", str(mapping), "-o", str(adopted))
    assert code == 0, text
    assert "2 dates in the register are typed as text" in text
    mapped = resolve({"mapping": str(mapping)}).schema()
    shown = libreoffice_figures(uno_python, adopted)
    computed = engine_figures(adopted, mapped, today)
    assert_same(shown, computed)
    # read in the register's own words: "Done" and "closed" closed, "WIP" and "In Progress" open
    assert shown["Open items"] == sum(1 for status in ordinary.STATUSES
                                      if status in ("In Progress", "WIP", "Open", "Planned"))
    assert_edits_change_the_figures_as_the_engine_says(uno_python, adopted, mapped, closed_word="Done",
                                                       new_id="CI-999")


# -- the package: nothing else touched, the parts conform ----------------------------------------------------


def _entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_dashboard_add_touches_nothing_else_and_replaces_only_its_own_sheet(tmp_path: Path) -> None:
    register = ordinary.build_register(tmp_path)
    original = _entries(register.path)
    first = tmp_path / "first.xlsx"
    code, text = run("dashboard", "add", str(register.path), "-o", str(first))
    assert code == 0, text
    written = _entries(first)
    bookkeeping = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"}
    assert {name for name in original if original[name] != written.get(name)} <= bookkeeping
    added = sorted(set(written) - set(original))
    assert added == ["xl/charts/chart1.xml", "xl/charts/chart2.xml", "xl/charts/chart3.xml",
                     "xl/drawings/_rels/drawing1.xml.rels", "xl/drawings/drawing1.xml",
                     "xl/worksheets/_rels/sheet2.xml.rels", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"]
    assert report(first) == []

    # again, in place: the sheet is replaced with its drawing and charts, nothing gathers
    code, text = run("dashboard", "add", str(first), "--in-place")
    assert code == 0, text
    again = _entries(first)

    def kinds(names: Any) -> list[str]:
        return sorted(re.sub(r"\d+", "N", name) for name in names)

    assert kinds(again) == kinds(written)
    kept = set(original) - bookkeeping
    assert {name: again[name] for name in kept} == {name: written[name] for name in kept}
    assert openpyxl.load_workbook(first).sheetnames == ["CI Register", DASHBOARD_SHEET, "xlreg_marks"]
    assert report(first) == []


def test_a_persons_own_dashboard_sheet_is_never_replaced(tmp_path: Path) -> None:
    register = ordinary.build_register(tmp_path)
    workbook = openpyxl.load_workbook(register.path)
    workbook.create_sheet(DASHBOARD_SHEET)["A1"] = "Our own dashboard"
    workbook.save(register.path)
    theirs = {name: data for name, data in _entries(register.path).items() if name.startswith("xl/worksheets/")}
    for _ in range(2):
        code, text = run("dashboard", "add", str(register.path), "--in-place")
        assert code == 0, text
    after = _entries(register.path)
    assert {name: after[name] for name in theirs} == theirs
    assert openpyxl.load_workbook(register.path).sheetnames == ["CI Register", DASHBOARD_SHEET,
                                                                f"{DASHBOARD_SHEET} (2)", "xlreg_marks"]
    # marking and clearing the register's findings leave the record of xlreg's sheet as it was
    path = str(register.path)
    for argv in (("validate", path, "--mark"), ("clear", path), ("dashboard", "add", path)):
        code, text = run(*argv, "--in-place")
        assert code in (0, 1), text
    assert openpyxl.load_workbook(register.path).sheetnames == ["CI Register", DASHBOARD_SHEET,
                                                                f"{DASHBOARD_SHEET} (2)", "xlreg_marks"]


def test_the_bundled_workbooks_dashboards_conform() -> None:
    books = [resources.template_path(), resources.sample_path(),
             *sorted((resources.templates_dir() / "examples").glob("*.xlsx"))]
    for book in books:
        assert DASHBOARD_SHEET in openpyxl.load_workbook(book, read_only=True).sheetnames, book.name
        assert report(book) == [], book.name


def test_dashboard_add_says_what_it_needs_in_words(tmp_path: Path) -> None:
    sample = shutil.copyfile(resources.sample_path(), tmp_path / "sample.xlsx")
    assert "needs -o OUT" in refused("dashboard", "add", str(sample))
    assert "say what to do with the dashboard" in refused("dashboard")
    text_file = tmp_path / "notes.xlsx"
    text_file.write_text("not a workbook", encoding="utf-8")
    message = refused("dashboard", "add", str(text_file), "-o", str(tmp_path / "out.xlsx"))
    assert "Traceback" not in message and "notes.xlsx" in message


@pytest.mark.libreoffice
def test_the_dashboard_prints_on_one_page(libreoffice: LibreOffice, tmp_path: Path) -> None:
    sample = shutil.copyfile(resources.sample_path(), tmp_path / "sample.xlsx")
    pdf = libreoffice.convert(sample, "pdf")
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    headings = ("Register dashboard", "Headline figures", "Items by status", "Open items by source",
                "Raised and closed per month", OWNERS_TABLE)
    printed = [page for page in pages if any(heading in page for heading in headings)]
    assert len(printed) == 1  # the whole sheet, figures, tables and charts' titles, on one page
    assert all(heading in printed[0] for heading in headings)
    assert not re.search(r"Err:\d+|#NAME\?|#VALUE!|#DIV/0!|#REF!", printed[0])
    page = pages.index(printed[0]) + 1  # for people to look at: the page as LibreOffice prints it
    artefacts = Path(__file__).resolve().parent.parent / "test-artefacts"
    artefacts.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-singlefile", "-f", str(page), "-l", str(page), str(pdf),
                    str(artefacts / "dashboard-page")], check=True)

"""Management-review snapshots: golden JSON for the sample, the workbook agrees with it, values only with native
charts, the steady-stream check, and `xlreg diff` reporting exactly a scripted set of changes."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from scripts.demo_fortnight import apply_review_changes
from tests.conftest import AS_OF
from xl_addin.cli import main
from xl_addin.engine.register import HeaderLayout, Register, RegisterRow
from xl_addin.engine.snapshot import take_snapshot
from xl_addin.resources import sample_path
from xl_addin.workbook.formats.snapshot_json import load_snapshot
from xl_addin.workbook.writing.snapshot_book import NONE_SUFFIX

GOLDEN = Path(__file__).parent / "golden" / "sample_snapshot.json"
# The same review written by the snapshot format's version 1 (items as rows): still read by diff and by a later
# review.
GOLDEN_V1 = Path(__file__).parent / "golden" / "sample_snapshot_v1.json"
AS_OF_MOMENT = "2026-11-25T09:00"
LAST_REVIEW = "2026-08-31"


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out=out), out.getvalue()


@pytest.fixture(scope="module")
def sample_snapshot(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("snap")
    register = folder / "sample_register.xlsx"
    shutil.copyfile(sample_path(), register)
    code, text = run("snapshot", str(register), "--as-of", AS_OF_MOMENT, "--since", LAST_REVIEW)
    assert code == 0, text
    stem = folder / "snapshots" / "sample_register_2026-11-25_090000"
    return stem.with_suffix(".xlsx"), stem.with_suffix(".json")


def test_the_sample_snapshot_json_equals_the_golden_file(sample_snapshot: tuple[Path, Path]) -> None:
    _, document_path = sample_snapshot
    produced = load_snapshot(document_path)  # also checks it against validators/snapshot.schema.json
    if os.environ.get("XLREG_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        shutil.copyfile(document_path, GOLDEN)
    assert produced == load_snapshot(GOLDEN)
    assert document_path.read_text(encoding="utf-8") == GOLDEN.read_text(encoding="utf-8")  # key order too


def test_the_review_figures_are_those_format_version_1_held() -> None:
    """Version 2 adds the headline, units, notes, the unrated table and the register's own columns; every table
    and cell version 1 held is as it was."""
    now, then = load_snapshot(GOLDEN), load_snapshot(GOLDEN_V1)
    assert then["formatVersion"] == 1 and now["formatVersion"] == 2
    tables = {table["key"]: table for table in now["review"]}
    for table in then["review"]:
        assert {key: value for key, value in tables[table["key"]].items() if key not in ("units", "note")} == table
    assert [key for key in tables if key not in {table["key"] for table in then["review"]}] == ["unrated"]
    assert [column for column in now["columns"] if column not in then["columns"]] == ["Notes"]
    for old, new in zip(then["items"], now["items"], strict=True):
        assert old["row"] == new["row"]
        assert {column: new["values"][column] for column in old["values"]} == old["values"]


def test_diff_reads_a_version_1_snapshot_beside_a_version_2_one() -> None:
    from xl_addin.engine.review_diff import diff_snapshots

    assert diff_snapshots(load_snapshot(GOLDEN_V1), load_snapshot(GOLDEN)).changes == ()


def test_golden_figures_match_the_sample_by_hand() -> None:
    """A few figures checked by reading the sample register directly, so the golden file is not taken on trust."""
    golden = load_snapshot(GOLDEN)
    tables = {table["key"]: table for table in golden["review"]}
    assert golden["previousReview"] == LAST_REVIEW and golden["asOf"] == "2026-11-25T09:00:00"
    # closed after 2026-08-31: IMP-0043 (2026-10-09), IMP-0046 (2026-10-21), IMP-0042 (2026-11-07)
    assert [row[0] for row in tables["closed-since"]["rows"]] == ["IMP-0043", "IMP-0046", "IMP-0042"]
    # raised after 2026-08-31: IMP-0047 .. IMP-0060
    assert [row[0] for row in tables["new-since"]["rows"]] == [f"IMP-{n:04d}" for n in range(47, 61)]
    # IMP-0039 rates 3+3+3+3 and is the only open item with 12
    assert tables["open-by-priority"]["rows"][0][:3] == [1, "IMP-0039", 12]
    status_counts = dict(map(tuple, tables["by-status"]["rows"]))
    assert sum(status_counts.values()) == 60 == len(golden["items"])
    assert status_counts["In progres"] == 1 and status_counts["(blank)"] == 1  # the planted not-in-list and missing
    assert tables["completed-without-outcome"]["rows"] == [["IMP-0007", "2026-02-15", "Lena Vogel",
                                                            "Duplicate tickets per week", 38]]


def test_the_review_pack_figures_match_the_sample_by_hand() -> None:
    """On-time closure, open items' age, effectiveness, corrective actions against improvements, entries per
    source and the data-quality line, each worked out here from the sample's cells."""
    golden = load_snapshot(GOLDEN)
    tables = {table["key"]: table for table in golden["review"]}
    sheet = openpyxl.load_workbook(sample_path())["Register"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    every = [dict(zip(header, row, strict=False)) for row in rows[1:]]
    # below the items only the Priority total formulas are filled in
    items = [item for item in every if any(value is not None for key, value in item.items() if key != "Priority total")]
    today = dt.date(2026, 11, 25)

    def day(value: Any) -> dt.date | None:
        return value.date() if isinstance(value, dt.datetime) else None

    completed = [item for item in items if item["Status"] == "Completed"]
    both = [item for item in completed if day(item["Closure date"]) and day(item["Target date"])]
    on_time = [item for item in both if day(item["Closure date"]) <= day(item["Target date"])]
    open_items = [item for item in items if item["Status"] in ("Identified", "Planned", "In progress")]
    ages = sorted((today - day(item["Date raised"])).days for item in open_items if day(item["Date raised"]))
    oldest = max(open_items, key=lambda item: (today - day(item["Date raised"])).days)
    figures = {row[0]: row[1:] for row in tables["review-figures"]["rows"]}
    assert figures["On-time closure rate"][0] == round(len(on_time) / len(both), 4)
    assert figures["On-time closure rate"][1].startswith(f"{len(on_time)} of {len(both)} ")
    median = (ages[len(ages) // 2] + ages[(len(ages) - 1) // 2]) / 2
    assert figures["Open items: median age (days)"][0] == median
    assert figures["Oldest open item: age (days)"] == [ages[-1], oldest["ID"]]
    verified = [item for item in completed if item["Measured outcome"] is not None and item["Effective"] == "Yes"]
    assert figures["Effectiveness verified"] == [round(len(verified) / len(completed), 4),
                                                f"{len(verified)} of {len(completed)} completed items with a "
                                                "measured outcome and Effective = Yes"]
    for kind in ("Corrective action", "Improvement"):
        of_kind = [item for item in items if item["Type"] == kind]
        still_open = sum(1 for item in of_kind if item in open_items)
        assert figures[f"{kind}s"] == [len(of_kind), f"{still_open} open, of {len(items)} items"]
    per_source = tables["entries-per-source"]
    for month, *counts in per_source["rows"]:
        for source, count in zip(per_source["columns"][1:], counts, strict=True):
            assert count == sum(1 for item in items if item["Source"] == source and day(item["Date raised"])
                                and f"{day(item['Date raised']):%Y-%m}" == month)
    problems = json.loads((sample_path().parent / "sample_register.problems.json").read_text())
    assert golden["dataQuality"]["findings"] == len(problems)  # exactly the planted problems
    by_code = {entry["code"]: entry["count"] for entry in golden["dataQuality"]["byCode"]}
    assert by_code["duplicate-id"] == 2 and by_code["required-for-status"] == 5
    assert golden["sinceBasis"] == "Closure date and Date raised after the previous review"


def _iso(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    return value


def _table_from_sheet(sheet: Worksheet, title: str) -> tuple[list[str], list[list[Any]]] | None:
    rows = list(sheet.iter_rows(values_only=True))
    start = next((index for index, cells in enumerate(rows) if cells[0] in (title, title + NONE_SUFFIX)), None)
    if start is None:
        return None
    while rows[start + 1][1] is None and rows[start + 1][0] is not None:  # a note under the title
        start += 1
    columns = [cell for cell in rows[start + 1] if cell is not None]
    body = []
    for cells in rows[start + 2:]:
        if all(cell is None for cell in cells):
            break
        body.append([_iso(cell) for cell in cells[:len(columns)]])
    return columns, body


def _cover_lines(workbook_path: Path) -> dict[str, Any]:
    """The Review sheet's label: value lines (the headline figures and what the review rests on)."""
    review = openpyxl.load_workbook(workbook_path)["Review"]
    return {row[0]: row[1] for row in review.iter_rows(values_only=True) if row[0] is not None and len(row) > 1}


def test_every_review_table_in_the_workbook_equals_the_json(sample_snapshot: tuple[Path, Path]) -> None:
    workbook_path, document_path = sample_snapshot
    document = load_snapshot(document_path)
    workbook = openpyxl.load_workbook(workbook_path)
    sections = workbook.sheetnames[2:-1]
    assert workbook.sheetnames[:2] == ["Review", "Charts"] and workbook.sheetnames[-1] == "Register"
    assert sections == ["Since the last review", "Overdue and on hold", "Priorities", "Effectiveness and velocity",
                        "Entries by source", "The register in numbers", "Data quality"]
    assert len(document["review"]) == 18
    for table in document["review"]:
        found = [read for name in sections if (read := _table_from_sheet(workbook[name], table["title"]))]
        assert len(found) == 1, table["key"]
        columns, rows = found[0]
        assert columns == table["columns"], table["key"]
        assert rows == table["rows"], table["key"]
    lines = _cover_lines(workbook_path)
    assert lines["Register file"] == "sample_register.xlsx"
    assert lines["SHA-256"] == document["register"]["sha256"]
    assert lines["Previous review"].date().isoformat() == LAST_REVIEW
    for figure in document["headline"]:
        assert lines[figure["label"]] == figure["value"], figure


def test_the_register_sheet_is_frozen_with_computed_columns(sample_snapshot: tuple[Path, Path]) -> None:
    workbook_path, document_path = sample_snapshot
    document = load_snapshot(document_path)
    sheet = openpyxl.load_workbook(workbook_path)["Register"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == document["columns"] and rows[0][-1] == "Days overdue"
    assert [[_iso(value) for value in row] for row in rows[1:]] == [list(item["values"].values())
                                                                   for item in document["items"]]
    by_id = {item["values"]["ID"]: item["values"] for item in document["items"]}
    assert by_id["IMP-0039"]["Priority total"] == 12 and by_id["IMP-0039"]["Priority rank"] == 1
    assert by_id["IMP-0057"]["Days overdue"] == (AS_OF - dt.date(2025, 12, 1)).days
    assert by_id["IMP-0001"]["Priority rank"] is None  # completed: no rank


def test_the_workbook_is_values_only_with_native_charts_on_the_review_data(
        sample_snapshot: tuple[Path, Path]) -> None:
    workbook_path, _ = sample_snapshot
    with zipfile.ZipFile(workbook_path) as package:
        names = package.namelist()
        sheets = [package.read(name).decode() for name in names if name.startswith("xl/worksheets/sheet")]
        charts = [package.read(name).decode() for name in sorted(names) if re.fullmatch(r"xl/charts/chart\d+\.xml",
                                                                                        name)]
    assert not any("<f>" in sheet or "<f " in sheet for sheet in sheets)
    assert not any("vbaProject" in name or "externalLink" in name for name in names)
    assert len(charts) == 4
    sections = ("'The register in numbers'!", "'Effectiveness and velocity'!", "'Overdue and on hold'!")
    for chart in charts:
        references = re.findall(r"<(?:c:)?f>([^<]+)</(?:c:)?f>", chart)
        assert references and all(reference.startswith(sections) for reference in references), references


def test_text_that_looks_like_a_formula_stays_text(schema, tmp_path: Path) -> None:
    register = _register(schema, [_item(1, dt.date(2026, 3, 1), description="=HYPERLINK(\"http://x\",\"y\")")])
    snapshot = take_snapshot(register, schema, as_of=dt.datetime(2026, 11, 25), previous_review=None,
                             register_sha256="0" * 64)
    from xl_addin.workbook.writing.snapshot_book import build_snapshot_workbook

    path = tmp_path / "snap.xlsx"
    build_snapshot_workbook(snapshot).save(path)
    with zipfile.ZipFile(path) as package:
        assert not any(b"<f>" in package.read(name) for name in package.namelist() if "worksheets" in name)
    assert openpyxl.load_workbook(path)["Register"]["F2"].value == "=HYPERLINK(\"http://x\",\"y\")"


def _word_heights(pdf: Path) -> list[list[float]]:
    """Each page's word heights in points, from pdftotext's word boxes: text printed at 70% is 70% as tall."""
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [[float(low) - float(high) for high, low in re.findall(r'<word [^>]*yMin="([\d.]+)"[^>]*yMax="([\d.]+)"',
                                                                  page)]
            for page in boxes.split("<page ")[1:]]


@pytest.mark.libreoffice
def test_libreoffice_prints_the_snapshot_as_a_pack(sample_snapshot: tuple[Path, Path], libreoffice,
                                                   tmp_path: Path) -> None:
    workbook_path, document_path = sample_snapshot
    document = load_snapshot(document_path)
    # the height of the workbooks' text printed at full size, measured in the same run
    full_size = tmp_path / "full-size.xlsx"
    plain = openpyxl.Workbook()
    assert plain.active is not None
    plain.active["A1"] = "Text at full size"
    plain.save(full_size)
    pdfs = libreoffice.convert_many([workbook_path, full_size], "pdf")
    pdf = pdfs[workbook_path]
    full_height = max(_word_heights(pdfs[full_size])[0])
    heights = _word_heights(pdf)
    scales = [min(page) / full_height for page in heights if page]
    assert min(scales) >= 0.6, [round(scale, 2) for scale in scales]  # no page scaled below 60%
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")
    first = [" ".join(line.split()) for line in pages[0].splitlines()]
    assert first[0] == "Management review: Improvement register" and "Headline figures" in first
    for figure in document["headline"]:  # the Review prints first: the headline figures, rates as percentages
        value = figure["value"]
        shown = f"{round(value * 100)}%" if figure["unit"] == "percent" else f"{round(value)}"
        assert f"{figure['label']} {shown}" in first, figure
    assert "Open items not yet rated 0" in first and "On-time closure rate 74%" in first
    text = "\f".join(pages)
    for words in ("Items by status", "Overdue items by owner", "Closures per month", "Entries raised per month",
                  "IMP-0039"):
        assert words in text, words
    # the Charts sheet prints two charts to a page, none cut by a page break
    titles = ("Items by status", "Closures per month", "Entries raised per month", "Overdue items by owner")
    charts = [[title for title in titles if title in page] for page in pages[1:3]]
    assert charts == [list(titles[:2]), list(titles[2:])], charts
    # then a page or more per section of the tables, each beginning with its title, and the register
    sections = openpyxl.load_workbook(workbook_path).sheetnames[2:-1]
    starts = [page.lstrip().split("\n")[0].strip() for page in pages[3:]]
    assert [start for start in starts if start in sections] == sections
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "4", str(pdf),
                    str(_artefacts() / "snapshot-workbook-page")], check=True)


def _artefacts() -> Path:
    folder = Path(__file__).resolve().parent.parent / "test-artefacts"
    folder.mkdir(exist_ok=True)
    return folder


def test_each_header_fits_its_column_and_figures_print_as_their_units(sample_snapshot: tuple[Path, Path]) -> None:
    workbook = openpyxl.load_workbook(sample_snapshot[0])
    for sheet in workbook.worksheets[2:]:
        for row in sheet.iter_rows():
            for cell in row:
                if not (cell.font.bold and cell.fill.fill_type == "solid" and isinstance(cell.value, str)):
                    continue  # a header cell: bold on the header fill
                width = sheet.column_dimensions[cell.column_letter].width
                longest_word = max(len(word) for word in cell.value.split())
                assert longest_word < width, (sheet.title, cell.coordinate, cell.value, width)
                assert len(cell.value) < width or cell.alignment.wrap_text, (sheet.title, cell.coordinate)
    figures = workbook["Effectiveness and velocity"]
    formats = {row[0].value: row[1].number_format for row in figures.iter_rows() if row[0].value and len(row) > 1}
    assert formats["On-time closure rate"] == "0%" and formats["Effectiveness verified"] == "0%"
    assert formats["Open items: median age (days)"] == "0" and formats["Corrective actions"] == "0"
    review = workbook["Review"]
    shown = {row[0].value: row[1].number_format for row in review.iter_rows() if row[0].value and len(row) > 1}
    assert shown["On-time closure rate"] == "0%" and shown["Open items: median age (days)"] == "0"
    register = workbook["Register"]
    assert register.print_title_rows == "$1:$1" and register.print_title_cols == "$A:$A"
    assert workbook.sheetnames[0] == "Review"


def test_open_items_without_ratings_are_counted_listed_and_said(schema) -> None:
    rated = [_item(number, dt.date(2026, 3, number)) for number in range(1, 5)]
    unrated = [_item(number, dt.date(2026, 4, number)) for number in range(5, 8)]
    for row in unrated:
        row.values["Compliance"] = None  # an imported item starts unrated
    snapshot = take_snapshot(_register(schema, [*rated, *unrated]), schema, as_of=dt.datetime(2026, 11, 25),
                             previous_review=dt.date(2026, 1, 1), register_sha256="0" * 64)
    table = snapshot.table("unrated")
    assert [row[0] for row in table.rows] == ["IMP-0005", "IMP-0006", "IMP-0007"]
    assert len(snapshot.table("open-by-priority").rows) == 4
    assert snapshot.table("open-by-priority").note == ("3 open items are not yet rated, so not ranked: see 'Open "
                                                       "items not yet rated'.")
    figures = {figure.label: figure.value for figure in snapshot.headline}
    assert figures["Open items not yet rated"] == 3 and figures["Open items"] == 7


def test_a_first_review_counts_its_new_items_instead_of_listing_them(schema) -> None:
    items = [_item(number, dt.date(2026, 3, number)) for number in range(1, 9)]
    first = take_snapshot(_register(schema, items), schema, as_of=dt.datetime(2026, 11, 25), previous_review=None,
                          register_sha256="0" * 64)
    table = first.table("new-since")
    assert table.rows == () and table.note == ("This is the first review: all 8 items raised to date count as new "
                                               "(the Register sheet lists them).")
    assert {figure.label: figure.value for figure in first.headline}["New since the last review"] == 8


def _item(number: int, raised: dt.date, *, status: str = "Planned", description: str = "Tidy up") -> RegisterRow:
    values = {"ID": f"IMP-{number:04d}", "Date raised": raised, "Source": "Internal audit", "Type": "Improvement",
              "Area": "Governance", "Description": description, "Customer impact": 2, "Risk reduction": 2,
              "Efficiency gain": 2, "Compliance": 2, "Owner": "Ana Costa", "Status": status}
    return RegisterRow(number + 1, values)


def _register(schema, rows: list[RegisterRow]) -> Register:
    layout = HeaderLayout({column.name: index for index, column in enumerate(schema.columns, start=1)})
    return Register.from_rows("r.xlsx", "Register", 1, layout, rows)


def test_entries_bunched_before_an_audit_are_a_finding_and_an_even_spread_is_not(schema) -> None:
    as_of = dt.datetime(2026, 11, 25)
    audit = dt.date(2026, 10, 1)
    bunched = [_item(n, audit - dt.timedelta(days=n % 10)) for n in range(1, 13)] + \
              [_item(n, dt.date(2026, 1, 5) + dt.timedelta(days=30 * (n - 13))) for n in range(13, 21)]
    found = take_snapshot(_register(schema, bunched), schema, as_of=as_of, previous_review=None,
                          register_sha256="0" * 64)
    assert [finding.code for finding in found.findings] == ["bunched-entries"]
    assert found.steady_stream.busiest_entries == 12 and found.steady_stream.entries_in_year == 20
    assert "2026-09-22 to 2026-10-05" in found.findings[0].message

    even = [_item(n, dt.date(2025, 12, 1) + dt.timedelta(days=15 * n)) for n in range(1, 24)]
    spread = take_snapshot(_register(schema, even), schema, as_of=as_of, previous_review=None,
                           register_sha256="0" * 64)
    assert spread.findings == () and spread.steady_stream.busiest_entries == 1


def test_diff_reports_exactly_the_scripted_changes(tmp_path: Path) -> None:
    register = tmp_path / "sample_register.xlsx"
    shutil.copyfile(sample_path(), register)
    assert run("snapshot", str(register), "--as-of", "2026-11-25T09:00")[0] == 0
    apply_review_changes(register, AS_OF)
    code, text = run("snapshot", str(register), "--as-of", "2026-12-09T09:00")
    assert code == 0 and "from sample_register_2026-11-25_090000.json" in text  # found the earlier one itself
    folder = tmp_path / "snapshots"
    code, report = run("diff", str(folder / "sample_register_2026-11-25_090000.json"),
                       str(folder / "sample_register_2026-12-09_090000.json"), "--format", "json")
    assert code == 0
    changes = {(change["kind"], change["id"], change["before"], change["after"], change["days"])
               for change in json.loads(report)["changes"]}
    assert changes == {
        ("new", "IMP-0061", None, "Identified - Customers were not told about a planned outage; add customer notice "
                                  "to the change calendar procedure.", None),
        ("closed", "IMP-0047", "In progress", "Completed", None),
        ("status", "IMP-0058", "Planned", "In progress", None),
        ("target-date", "IMP-0052", "2027-01-01", "2027-01-31", 30),
        ("target-date", "IMP-0054", "2027-03-06", "2027-02-20", -14),
        ("owner", "IMP-0050", "Priya Shah", "Mei Tanaka", None),
        ("priority", "IMP-0060", 10, 11, None),
    }
    second = load_snapshot(folder / "sample_register_2026-12-09_090000.json")
    assert second["previousReview"] == "2026-11-25"
    assert [row[0] for row in next(t for t in second["review"] if t["key"] == "closed-since")["rows"]] == \
        ["IMP-0047"]


def test_the_snapshot_and_diff_agree_on_closed_and_new_items(tmp_path: Path) -> None:
    """An item closed after the last review but dated before it (closed late in the register) is closed since
    that review by its state, as xlreg diff says, though its Closure date is older."""
    register = tmp_path / "sample_register.xlsx"
    shutil.copyfile(sample_path(), register)
    assert run("snapshot", str(register), "--as-of", "2026-11-25T09:00")[0] == 0
    apply_review_changes(register, AS_OF)
    workbook = openpyxl.load_workbook(register)
    sheet = workbook["Register"]
    header = {cell.value: cell.column for cell in sheet[1]}
    row = next(r for r in range(2, 70) if sheet.cell(r, header["ID"]).value == "IMP-0049")
    assert sheet.cell(row, header["Status"]).value in ("Identified", "Planned", "In progress")
    sheet.cell(row, header["Status"]).value = "Completed"
    sheet.cell(row, header["Closure date"]).value = dt.date(2026, 11, 10)  # before the last review
    workbook.save(register)
    assert run("snapshot", str(register), "--as-of", "2026-12-09T09:00")[0] == 0
    folder = tmp_path / "snapshots"
    report = json.loads(run("diff", str(folder / "sample_register_2026-11-25_090000.json"),
                            str(folder / "sample_register_2026-12-09_090000.json"), "--format", "json")[1])
    by_kind = {kind: sorted(change["id"] for change in report["changes"] if change["kind"] == kind)
               for kind in ("closed", "new")}
    second = load_snapshot(folder / "sample_register_2026-12-09_090000.json")
    tables = {table["key"]: table for table in second["review"]}
    assert sorted(row[0] for row in tables["closed-since"]["rows"]) == by_kind["closed"] == ["IMP-0047", "IMP-0049"]
    assert sorted(row[0] for row in tables["new-since"]["rows"]) == by_kind["new"] == ["IMP-0061"]
    assert second["sinceBasis"].startswith("state changes since the previous snapshot (as of 2026-11-25)")
    lines = _cover_lines(folder / "sample_register_2026-12-09_090000.xlsx")
    assert lines["Closed and new since"] == second["sinceBasis"]
    assert lines["Data quality"].startswith(f"{second['dataQuality']['findings'] - 2} errors")


def test_diff_of_a_snapshot_with_itself_is_empty_and_bad_files_are_refused(
        sample_snapshot: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, document = sample_snapshot
    code, text = run("diff", str(document), str(document))
    assert code == 0 and "No changes." in text
    other = tmp_path / "report.json"
    other.write_text('{"version": 1, "files": []}', encoding="utf-8")
    assert run("diff", str(document), str(other))[0] == 2
    assert "report.json is not an xlreg snapshot" in capsys.readouterr().err


def test_a_snapshot_is_never_overwritten(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    register = tmp_path / "sample_register.xlsx"
    shutil.copyfile(sample_path(), register)
    assert run("snapshot", str(register), "--as-of", AS_OF_MOMENT, "--out-dir", str(tmp_path / "s"))[0] == 0
    before = {path.name: path.read_bytes() for path in (tmp_path / "s").iterdir()}
    assert run("snapshot", str(register), "--as-of", AS_OF_MOMENT, "--out-dir", str(tmp_path / "s"))[0] == 2
    assert "already exists" in capsys.readouterr().err
    assert {path.name: path.read_bytes() for path in (tmp_path / "s").iterdir()} == before


def test_a_register_name_with_dots_keeps_its_date_and_reviews_go_on(tmp_path: Path) -> None:
    register = tmp_path / "CSI register v2.1.xlsx"
    shutil.copyfile(sample_path(), register)
    for moment in ("2026-09-01T09:00", "2026-11-25T09:00"):
        assert run("snapshot", str(register), "--as-of", moment)[0] == 0
    names = sorted(path.name for path in (tmp_path / "snapshots").iterdir())
    assert names == [f"CSI register v2.1_{day}_090000.{suffix}" for day in ("2026-09-01", "2026-11-25")
                     for suffix in ("html", "json", "xlsx")]
    second = json.loads((tmp_path / "snapshots" / names[4]).read_text(encoding="utf-8"))
    assert second["previousReview"] == "2026-09-01"  # the first review was found as the previous one


def test_count_axes_tick_whole_numbers_and_no_review_label_is_cut(sample_snapshot: tuple[Path, Path]) -> None:
    workbook_path, _ = sample_snapshot
    with zipfile.ZipFile(workbook_path) as archive:
        charts = [archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/charts/")]
    assert len(charts) == 4
    for chart in charts:
        unit = re.search(r'<(?:c:)?valAx>.*<(?:c:)?majorUnit val="([^"]+)"/>', chart)
        assert unit and float(unit.group(1)).is_integer() and float(unit.group(1)) >= 1
        assert re.search(r'<(?:c:)?numFmt formatCode="0" sourceLinked="0"/>', chart)
    workbook = openpyxl.load_workbook(workbook_path)
    for sheet in workbook.worksheets:
        if sheet.title == "Charts":
            continue
        labels = [row[0] for row in sheet.iter_rows(values_only=True) if row[0] is not None and len(row) > 1
                  and row[1] is not None]
        if sheet.title == "Review":  # its labels have values beside them (a section's titles run on)
            assert sheet.column_dimensions["A"].width >= max(len(str(label)) for label in labels)


def _broken(document: dict[str, Any], change: str) -> dict[str, Any]:
    broken = json.loads(json.dumps(document))
    items, review = broken["items"], broken["review"]
    version_1 = broken["formatVersion"] == 1
    if change == "cell":
        if version_1:
            items[3]["values"]["ID"] = [1]
        else:
            items["values"]["ID"][3] = [1]
    elif change == "row-number":
        if version_1:
            items[5]["row"] = 0
        else:
            items["row"][5] = 0
    elif change == "extra-key":
        if version_1:
            items[2]["extra"] = 1
        else:
            items["extra"] = 1
    elif change == "table-row":
        review[1]["rows"].append("x")
    elif change == "table-cell":
        review[0]["rows"][0][0] = {"a": 1}
    elif change == "as-of":
        broken["asOf"] = 5
    elif change == "items":
        broken["items"] = "x"
    elif change == "rows":
        review[0]["rows"] = 3
    elif change == "whole-float-row":  # 2.0 is an integer to JSON Schema: still valid
        if version_1:
            items[4]["row"] = 2.0
        else:
            items["row"][4] = 2.0
    return broken


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize("change", ["cell", "row-number", "extra-key", "table-row", "table-cell", "as-of", "items",
                                    "rows", "whole-float-row"])
def test_a_broken_snapshot_is_named_where_jsonschema_over_the_whole_document_names_it(
        tmp_path: Path, change: str, version: int) -> None:
    from jsonschema import Draft202012Validator

    from xl_addin.errors import ActionFailed
    from xl_addin.resources import validators_dir

    golden = GOLDEN if version == 2 else GOLDEN_V1
    document = _broken(json.loads(golden.read_text(encoding="utf-8")), change)
    name = "snapshot.schema.json" if version == 2 else "snapshot-v1.schema.json"
    schema = json.loads((validators_dir() / name).read_text(encoding="utf-8"))
    whole = sorted(Draft202012Validator(schema).iter_errors(document), key=str)
    (tmp_path / "broken.json").write_text(json.dumps(document), encoding="utf-8")
    if not whole:
        assert change == "whole-float-row"
        load_snapshot(tmp_path / "broken.json")
        return
    where = "/".join(str(step) for step in whole[0].absolute_path) or "the top level"
    with pytest.raises(ActionFailed) as raised:
        load_snapshot(tmp_path / "broken.json")
    assert str(raised.value) == f"broken.json is not a valid snapshot at {where}: {whole[0].message}"


def test_columns_of_items_of_unequal_lengths_are_named(tmp_path: Path) -> None:
    from xl_addin.errors import ActionFailed

    document = json.loads(GOLDEN.read_text(encoding="utf-8"))
    document["items"]["values"]["Owner"].pop()
    (tmp_path / "short.json").write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ActionFailed, match=r"short\.json is not a valid snapshot at items/values/Owner: 59 values "
                                           "for 60 items"):
        load_snapshot(tmp_path / "short.json")

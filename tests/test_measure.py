"""`xlreg measure`: an item's metric before and after its Implemented date, checked against figures worked out
by hand on a generated ticket feed."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import openpyxl

from xl_addin import cli, resources

HEADER = ["number", "incident_state", "sys_mod_count", "made_sla", "opened_at", "priority", "assignment_group",
          "resolved_at"]


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return cli.main(list(args), out=out), out.getvalue()


def _ticket(number: int, opened: dt.datetime, hours: int, group: str = "Payroll",
            priority: str = "2 - High") -> list[str]:
    resolved = opened + dt.timedelta(hours=hours)
    return [f"INC{number:07d}", "Closed", "1", "TRUE", opened.strftime("%d-%m-%Y %H:%M"), priority, group,
            resolved.strftime("%d-%m-%Y %H:%M")]


def _feed(path: Path) -> None:
    """Payroll priority 2: 25 tickets before 2026-06-01 resolved in 20..44 hours (median 32); 22 after, in
    5..26 hours (median 15.5). Noise the measurement must leave out: another group, another priority, and
    tickets outside both windows."""
    rows = []
    for index in range(25):
        rows.append(_ticket(index, dt.datetime(2026, 3, 10, 9) + dt.timedelta(days=3 * index), 20 + index))
    for index in range(22):
        rows.append(_ticket(100 + index, dt.datetime(2026, 6, 2, 9) + dt.timedelta(days=3 * index), 5 + index))
    rows.append(_ticket(200, dt.datetime(2026, 4, 1, 9), 500, group="Network"))  # outside IMP-0003's window
    rows.append(_ticket(201, dt.datetime(2026, 4, 1, 9), 500, priority="3 - Moderate"))
    rows.append(_ticket(202, dt.datetime(2026, 1, 5, 9), 500))  # before the window before
    rows.append(_ticket(203, dt.datetime(2026, 9, 5, 9), 500))  # after the window after
    rows.append(_ticket(204, dt.datetime(2026, 11, 20, 9), 5, group="Facilities"))  # the export runs to November
    for index in range(5):  # what the second item measures: five tickets before 2026-10-01
        rows.append(_ticket(300 + index, dt.datetime(2026, 8, 1, 9) + dt.timedelta(days=index), 10,
                            group="Network"))
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([HEADER, *rows])


def _set(path: Path, values: dict[str, dict[str, object]]) -> None:
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Register"]
    header = {cell.value: cell.column for cell in sheet[1]}
    for row in range(2, 62):
        item = sheet.cell(row, header["ID"]).value
        for column, value in values.get(item, {}).items():
            sheet.cell(row, header[column]).value = value
    workbook.save(path)


def test_median_resolution_before_and_after_with_the_tickets_behind_each(tmp_path: Path) -> None:
    register = Path(shutil.copyfile(resources.sample_path(), tmp_path / "register.xlsx"))
    feed = tmp_path / "incidents.csv"
    _feed(feed)
    _set(register, {
        "IMP-0002": {"Metric key": "resolution:Payroll:2", "Implemented date": dt.date(2026, 6, 1),
                     "Baseline": None, "Measured outcome": None},
        "IMP-0003": {"Metric key": "resolution:Network:2", "Implemented date": dt.date(2026, 10, 1),
                     "Baseline": None},
        "IMP-0004": {"Metric key": "speed of Payroll"},
    })
    code, text = run("measure", str(register), "--feed", "tickets", str(feed), "--as-of", "2026-11-25",
                     "--in-place")
    assert code == 0, text
    assert ("IMP-0002 median resolution time (hours), Payroll, priority 2: before 32 h median resolution (n=25, "
            "2026-03-03 to 2026-05-31); after 15.5 h median resolution (n=22, 2026-06-01 to 2026-08-29)") in text
    sheet = openpyxl.load_workbook(register)["Measurements"]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["IMP-0002"][6:8] == (25, 32) and rows["IMP-0002"][10:12] == (22, 15.5)
    assert rows["IMP-0003"][6:8] == (5, 10) and rows["IMP-0003"][10] in (None, "")
    assert "fewer than 20 tickets before" in rows["IMP-0003"][12] and "2026-12-30" in rows["IMP-0003"][12]
    assert "is not a metric key" in rows["IMP-0004"][12]
    items = {row[0]: row for row in openpyxl.load_workbook(register)["Register"].iter_rows(min_row=2,
                                                                                          values_only=True)}
    header = [cell.value for cell in openpyxl.load_workbook(register)["Register"][1]]
    baseline, outcome = header.index("Baseline"), header.index("Measured outcome")
    assert items["IMP-0002"][baseline] == "32 h median resolution (n=25, 2026-03-03 to 2026-05-31)"
    assert items["IMP-0002"][outcome] == "15.5 h median resolution (n=22, 2026-06-01 to 2026-08-29)"
    assert items["IMP-0003"][baseline] == "10 h median resolution (n=5, 2026-07-03 to 2026-09-30)"
    assert items["IMP-0003"][outcome] == 6  # its own value stays; its window after has not passed anyway

    # measuring again replaces the sheet and leaves the filled cells (and anything a person wrote) alone
    _set(register, {"IMP-0002": {"Baseline": "about 30 hours"}})
    assert run("measure", str(register), str(feed), "--as-of", "2026-11-25", "--in-place")[0] == 0
    workbook = openpyxl.load_workbook(register)
    assert workbook.sheetnames.count("Measurements") == 1 and workbook["Measurements"].max_row == 4
    items = {row[0]: row for row in workbook["Register"].iter_rows(min_row=2, values_only=True)}
    assert items["IMP-0002"][baseline] == "about 30 hours"


def test_a_window_the_export_does_not_cover_fills_no_baseline_and_says_so(tmp_path: Path) -> None:
    """The export starts on 2026-01-05: a window before starting in December would count no December tickets
    as if there had been none."""
    register = Path(shutil.copyfile(resources.sample_path(), tmp_path / "register.xlsx"))
    feed = tmp_path / "incidents.csv"
    _feed(feed)
    _set(register, {"IMP-0002": {"Metric key": "count:Payroll:2", "Implemented date": dt.date(2026, 2, 1),
                                 "Baseline": None, "Measured outcome": None}})
    code, text = run("measure", str(register), "--feed", "tickets", str(feed), "--as-of", "2026-11-25",
                     "--in-place")
    assert code == 0, text
    assert ("the window before (2025-11-03 to 2026-01-31) is not all in the export (it holds 2026-01-05 to "
            "2026-11-20): no figure taken from it") in text
    header = [cell.value for cell in openpyxl.load_workbook(register)["Register"][1]]
    items = {row[0]: row for row in openpyxl.load_workbook(register)["Register"].iter_rows(min_row=2,
                                                                                          values_only=True)}
    assert items["IMP-0002"][header.index("Baseline")] is None
    # the window after (2026-02-01 to 2026-05-01) is in the export: 18 tickets, opened 03-10 to 05-01 every 3 days
    assert items["IMP-0002"][header.index("Measured outcome")] == "18 tickets (n=18, 2026-02-01 to 2026-05-01)"


def test_the_measurements_sheet_prints_with_dates_as_dates_and_shares_as_percentages(tmp_path: Path) -> None:
    register = Path(shutil.copyfile(resources.sample_path(), tmp_path / "register.xlsx"))
    feed = tmp_path / "incidents.csv"
    _feed(feed)
    _set(register, {
        "IMP-0002": {"Metric key": "resolution:Payroll:2", "Implemented date": dt.date(2026, 6, 1)},
        "IMP-0005": {"Metric key": "breach:Payroll", "Implemented date": dt.date(2026, 6, 1)},
    })
    assert run("measure", str(register), "--feed", "tickets", str(feed), "--as-of", "2026-11-25", "--in-place")[0] == 0
    workbook = openpyxl.load_workbook(register)
    sheet = workbook["Measurements"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    resolution, breach = rows["IMP-0002"], rows["IMP-0005"]
    assert resolution[4].value == dt.datetime(2026, 3, 3) and resolution[4].is_date  # a date, not its text
    assert breach[7].number_format == "0.00%" and breach[7].value == 0  # no ticket breached: 0.00%
    assert resolution[7].number_format == "0.00" and resolution[6].number_format == "0"
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$1"
    assert all(cell.alignment.wrap_text for cell in sheet[1])  # headers wrap within their columns

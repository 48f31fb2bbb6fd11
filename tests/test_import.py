"""`xlreg import`: items from a ServiceNow event log (aggregated, with trigger rules), an audit-findings log
(one item per finding), Jira, GLPI and survey exports; idempotent by Source ref, filling only blank cells,
growing the register's table, validations and formats, and logging each import."""

from __future__ import annotations

import csv
import io
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.feeds import findings_log, servicenow_event_log
from xl_addin import cli, resources

AS_OF = "2026-11-25"


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return cli.main(list(args), out=out), out.getvalue()


@pytest.fixture
def register(tmp_path: Path) -> Path:
    return Path(shutil.copyfile(resources.sample_path(), tmp_path / "register.xlsx"))


def _items(path: Path) -> dict[str, dict[str, object]]:
    """Items by Source ref, each as header -> value."""
    sheet = openpyxl.load_workbook(path)["Register"]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    found = {}
    for row in rows[1:]:
        values = dict(zip(header, row, strict=False))
        if values.get("Source ref"):
            found[str(values["Source ref"])] = values
    return found


def _edit(path: Path, source_ref: str, **changes: object) -> None:
    """What a person does in Excel: change cells of one item and save."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Register"]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("Source ref")].value == source_ref:
            for column, value in changes.items():
                row[header.index(column.replace("_", " "))].value = value
    workbook.save(path)


def test_a_servicenow_event_log_proposes_one_item_for_the_planted_breach_trend(register: Path,
                                                                               tmp_path: Path) -> None:
    feed = tmp_path / "incidents.csv"
    servicenow_event_log(feed)
    code, text = run("import", str(feed), str(register), "--feed", "tickets", "--mapping", "servicenow-incidents",
                     "--as-of", AS_OF, "--in-place")
    assert code == 0, text
    items = _items(register)
    assert list(items) == ["SLA:Payroll:2:2026-09"]  # not Facilities (too few tickets), not the steady P1s
    item = items["SLA:Payroll:2:2026-09"]
    assert item["Source"] == "SLA performance" and item["Status"] == "Identified" and item["ID"] == "IMP-0061"
    assert "2026-09: 40% of 25; 2026-10: 40% of 25" in str(item["Description"])
    assert item["Success metric"] and item["Baseline"] == "40% of 25 tickets (2026-10)"
    assert "earlier updates of the same item" in text

    before = register.read_bytes()
    code, text = run("import", str(feed), str(register), "--feed", "tickets", "--as-of", AS_OF, "--in-place")
    assert code == 0 and "Nothing was written" in text and register.read_bytes() == before

    _edit(register, "SLA:Payroll:2:2026-09", Owner="Priya Shah", Description="Payroll SLA: swarm rota",
          Baseline=None)
    assert run("import", str(feed), str(register), "--feed", "tickets", "--as-of", AS_OF, "--in-place")[0] == 0
    item = _items(register)["SLA:Payroll:2:2026-09"]
    assert item["Owner"] == "Priya Shah" and item["Description"] == "Payroll SLA: swarm rota"  # kept
    assert item["Baseline"] == "40% of 25 tickets (2026-10)"  # a blank cell is filled again
    log = list(openpyxl.load_workbook(register)["Feed log"].iter_rows(values_only=True))
    assert [row[7:] for row in log[1:]] == [(1, 0, 0), (0, 1, 0)]  # created; then one filled (not the re-run)
    assert log[1][1] == "incidents.csv" and len(log[1][2]) == 64 and log[1][4] == "servicenow-incidents"


def test_free_text_and_names_from_tickets_never_reach_the_register(register: Path, tmp_path: Path) -> None:
    feed = tmp_path / "incidents.csv"
    servicenow_event_log(feed)
    run("import", str(feed), str(register), "--feed", "tickets", "--as-of", AS_OF, "--in-place")
    text = " ".join(str(value) for sheet in openpyxl.load_workbook(register)
                    for row in sheet.iter_rows(values_only=True) for value in row if value is not None)
    assert "Jane Doe" not in text and "Caller" not in text and "cannot log in" not in text


def test_a_findings_log_under_a_title_block_gives_one_item_per_finding(register: Path, tmp_path: Path) -> None:
    feed = tmp_path / "findings.xlsx"
    made = findings_log(feed)
    code, text = run("import", str(feed), str(register), "--feed", "findings", "--as-of", AS_OF, "-o",
                     str(tmp_path / "out.xlsx"))
    assert code == 0, text
    assert "sheet Findings, header row 4" in text
    items = _items(tmp_path / "out.xlsx")
    assert list(items) == [finding for finding, _ in made]
    for finding, kind in made:
        expected = "Corrective action" if kind == "Non-conformity" else "Improvement"
        assert items[finding]["Type"] == expected and items[finding]["Source"] == "Internal audit"
    first = items["AUD-26-001"]
    assert first["Date raised"].date().isoformat() == "2026-03-01"  # "01.03.2026", typed as text
    assert first["Target date"].date().isoformat() == "2026-04-30"
    assert "(ISO 20000-1 8.1; severity Minor)" in first["Description"]
    code, text = run("import", str(feed), str(tmp_path / "out.xlsx"), "--feed", "findings", "--as-of", AS_OF,
                     "--in-place")
    assert code == 0 and "Created 0 item(s)" in text and "Nothing was written" in text


def test_appended_items_grow_the_table_its_validations_and_formats_and_nothing_else(register: Path,
                                                                                    tmp_path: Path) -> None:
    feed = tmp_path / "findings.xlsx"
    findings_log(feed, 150)  # rows 62 to 211: past the table's last row, 201
    out = tmp_path / "out.xlsx"
    assert run("import", str(feed), str(register), "--feed", "findings", "--as-of", AS_OF, "-o", str(out))[0] == 0
    with zipfile.ZipFile(register) as before, zipfile.ZipFile(out) as after:
        table = after.read("xl/tables/table1.xml").decode()
        sheet = after.read("xl/worksheets/sheet1.xml").decode()
        last = re.search(r'<table [^>]*ref="A1:([A-Z]+)211"', table)
        assert last is not None  # the table reaches row 211, over all its columns
        assert sheet.count(f':{last.group(1)}211"') >= 1 and "201\"" not in sheet.split("</sheetData>")[1]
        changed = {name for name in before.namelist() if before.read(name) != after.read(name)}
        added = set(after.namelist()) - set(before.namelist())
    assert changed <= {"xl/worksheets/sheet1.xml", "xl/tables/table1.xml", "xl/workbook.xml", "xl/styles.xml",
                       "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}
    assert len(added) == 1 and added <= {f"xl/worksheets/sheet{n}.xml" for n in range(2, 9)}  # the Feed log
    workbook = openpyxl.load_workbook(out)
    validation = next(v for v in workbook["Register"].data_validations.dataValidation if v.type == "list"
                      and "C2" in str(v.sqref))
    assert "C2:C211" in str(validation.sqref)  # a person typing in row 211 still gets the Source dropdown
    assert workbook["Register"]["B211"].is_date


def _jira(path: Path) -> None:
    """Jira CSV: repeated headers, dates like 25/Feb/26 10:17 PM, SLA time left negative when breached."""
    header = ["Summary", "Issue key", "Status", "Priority", "Component/s", "Labels", "Labels", "Created", "Resolved",
              "Custom field (Time to resolution)", "Comment"]
    rows = []
    for month, breached in (("Aug", 3), ("Sep", 12), ("Oct", 12)):
        for index in range(24):
            rows.append([f"Printer broken for Mr Smith {index}", f"SD-{month}{index}", "Done", "High", "Payroll",
                         "payroll", "urgent", f"{index % 27 + 1:02d}/{month}/26 10:17 PM",
                         f"{index % 27 + 1:02d}/{month}/26 11:47 PM", "-2:15" if index < breached else "3:40",
                         "Called the customer"])
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])


def test_a_jira_export_with_repeated_headers_and_negative_sla_clocks(register: Path, tmp_path: Path) -> None:
    feed = tmp_path / "jira.csv"
    _jira(feed)
    code, text = run("import", str(feed), str(register), "--feed", "tickets", "--mapping", "jira", "--as-of",
                     AS_OF, "--in-place")
    assert code == 0, text
    assert list(_items(register)) == ["SLA:Payroll:2:2026-09"]  # 50% in September and October, 12% in August


def test_a_survey_with_two_date_formats_and_low_scores_for_two_months(register: Path, tmp_path: Path) -> None:
    feed = tmp_path / "survey.csv"
    rows = [["Response ID", "Score", "Response date", "Category", "Comment", "Name"]]
    for month, score in ((8, 4), (9, 3), (10, 3)):
        for index in range(6):
            date = f"{index + 1:02d}/{month:02d}/2026 11:13" if index % 2 else \
                f"{index + 1:02d}-{['Aug', 'Sep', 'Oct'][month - 8]}-26"
            rows.append([f"R{month}{index}", score, date, "Service desk", "Rude agent", "Erika Mustermann"])
    with feed.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    code, text = run("import", str(feed), str(register), "--feed", "csat", "--as-of", AS_OF, "--in-place")
    assert code == 0, text
    item = _items(register)["CSAT:Service desk:2026-09"]
    assert item["Source"] == "Customer satisfaction" and item["Baseline"] == "3.00 of 5 from 6 responses (2026-10)"
    assert "Erika" not in str(item) and "Rude" not in str(item)


def test_glpi_tickets_solved_after_their_deadline_count_as_breaches(register: Path, tmp_path: Path) -> None:
    feed = tmp_path / "glpi.csv"
    rows = [["id", "name", "status", "priority", "itilcategories_id", "date", "solvedate", "time_to_resolve"]]
    for month, late in ((7, 2), (8, 9), (9, 9)):
        for index in range(20):
            opened = f"2026-{month:02d}-{index + 1:02d} 09:00:00"
            deadline = f"2026-{month:02d}-{index + 1:02d} 17:00:00"
            solved = f"2026-{month:02d}-{index + 1:02d} {'18' if index < late else '12'}:00:00"
            rows.append([index, "VPN down", 6, 4, "Network > VPN", opened, solved, deadline])
    with feed.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    code, text = run("import", str(feed), str(register), "--feed", "tickets", "--mapping", "glpi", "--as-of",
                     AS_OF, "--in-place")
    assert code == 0, text
    assert list(_items(register)) == ["SLA:Network > VPN:2:2026-08"]


def test_what_cannot_be_imported_is_said_plainly(register: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    feed = tmp_path / "findings.xlsx"
    findings_log(feed)
    assert run("import", str(feed), str(register), "--feed", "findings", "--mapping", "nosuch", "--in-place")[0] == 2
    message = capsys.readouterr().err
    assert "Mapping not found: nosuch. The shipped feed mappings are findings-log, glpi, jira" in message
    assert run("import", str(feed), str(register), "--feed", "tickets", "--mapping", "findings-log",
               "--in-place")[0] == 2
    assert "reads a findings feed, not tickets" in capsys.readouterr().err
    assert run("import", str(feed), str(register), "--feed", "tickets", "--in-place")[0] == 2
    assert "none of the headers mapping servicenow-incidents reads" in capsys.readouterr().err
    csi = Path(shutil.copyfile(resources.example_sample_path("csi-register"), tmp_path / "csi.xlsx"))
    assert run("import", str(feed), str(csi), "--feed", "findings", "--schema", "example:csi-register",
               "--in-place")[0] == 2
    assert "the CSI register schema names none" in capsys.readouterr().err
    before = register.read_bytes()
    code, text = run("import", str(feed), str(register), "--feed", "findings")  # neither -o nor --in-place
    assert code == 0 and "Would create 6 item(s)" in text
    assert "Nothing was written: add -o OUT (a new workbook) or --in-place (update the register)" in text
    assert register.read_bytes() == before


def test_date_order_reads_the_exports_text_dates_as_told(register: Path, tmp_path: Path) -> None:
    feed = tmp_path / "findings.xlsx"
    findings_log(feed, 2)  # "01.03.2026" and "02.03.2026"
    out = tmp_path / "out.xlsx"
    code, text = run("import", str(feed), str(register), "--feed", "findings", "--date-order", "mdy", "--as-of",
                     AS_OF, "-o", str(out))
    assert code == 0, text
    assert _items(out)["AUD-26-001"]["Date raised"].date().isoformat() == "2026-01-03"  # month first


def test_nothing_below_the_register_is_written_over(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A register whose table ends at its last item, with a totals line under it, is left untouched."""
    workbook = openpyxl.load_workbook(resources.sample_path())
    sheet = workbook["Register"]
    table = sheet.tables["Register"]
    table.ref = re.sub(r"\d+$", "61", table.ref)
    if table.autoFilter is not None:
        table.autoFilter.ref = table.ref
    for row in range(62, 202):  # the template's empty rows, formulas and all
        for cell in sheet[row]:
            cell.value = None
    sheet["F63"] = "Total open: 34"
    register = tmp_path / "plain.xlsx"
    workbook.save(register)
    feed = tmp_path / "findings.xlsx"
    findings_log(feed, 3)
    before = register.read_bytes()
    code, _ = run("import", str(feed), str(register), "--feed", "findings", "--as-of", AS_OF, "--in-place")
    assert code == 2 and register.read_bytes() == before
    assert "Row 63 of sheet 'Register', where new item(s) would go after the last item, is not empty (cell F63)" \
        in capsys.readouterr().err


CORPUS = Path(__file__).resolve().parent / "corpus" / "excel-made"


def test_text_is_written_as_text_whichever_way_a_row_is_edited(tmp_path: Path) -> None:
    """A value written into a row Excel wrote (one cell beside others, and a whole row of columns) is an inline
    string, not a number Excel cannot read; the import writes text this way into people's workbooks."""
    from xl_addin.engine.marks import ColumnValues, Marks
    from xl_addin.workbook.writing.safe_write import Output, write_marks

    source = Path(shutil.copyfile(CORPUS / "006-ignorederrors.xlsx", tmp_path / "source.xlsx"))
    one = tmp_path / "one.xlsx"
    write_marks(source, Marks(sheet="Register", values=(ColumnValues("Register", 15, 1, ("Source ref",)),)),
                Output(one))
    wide = tmp_path / "wide.xlsx"
    write_marks(source, Marks(sheet="Register", values=tuple(
        ColumnValues("Register", column, 2, (f"text {column}",)) for column in range(15, 30))), Output(wide))
    assert openpyxl.load_workbook(one)["Register"]["O1"].value == "Source ref"
    row = [cell.value for cell in openpyxl.load_workbook(wide)["Register"][2]]
    assert row[14:29] == [f"text {column}" for column in range(15, 30)]

"""Registers kept in an organisation's own layout and words: found rather than refused, read through aliases,
value maps and text dates, mapped (`xlreg map`) and migrated (`xlreg migrate`) without losing a value."""

from __future__ import annotations

import datetime as dt
import json
import shlex
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests import registers_in_the_wild as wild
from tests.conftest import AS_OF
from tests.helpers import refused, run
from xl_addin import resources
from xl_addin.engine.findings import Finding, Severity
from xl_addin.engine.mapped import with_date_order, with_mapping
from xl_addin.engine.mapping import RegisterMapping
from xl_addin.engine.migration import LEGACY_PRIORITY, LEGACY_REF
from xl_addin.engine.register import Register
from xl_addin.engine.schema import RegisterSchemaError, parse_schema
from xl_addin.engine.text_dates import parse_text_date, text_date_orders
from xl_addin.engine.validate import check_register
from xl_addin.workbook.formats.mapping_file import load_mapping
from xl_addin.workbook.formats.schema_file import load_schema
from xl_addin.workbook.reading.reader import read_register

TESTS = Path(__file__).parent
ISSUE_LOG = load_schema(TESTS / "schemas" / "issue_log.schema.json")
RISKS = load_schema(resources.example_schema_path("risk-register"))
FINDINGS = load_schema(resources.example_schema_path("audit-findings"))
DEFAULT = load_schema(resources.default_schema_path())


def read(path: Path, schema: Any) -> Register:
    found = read_register(path, schema)
    assert isinstance(found, Register), found.message if isinstance(found, Finding) else found
    return found


def codes(found: list[Finding]) -> list[tuple[str, str]]:
    return sorted((finding.cell or "", finding.code) for finding in found)


# --- 1. aliases and value maps in the schema ----------------------------------------------------------------


def test_an_alias_is_matched_ignoring_case_spacing_punctuation_and_a_remark_in_brackets(tmp_path: Path) -> None:
    shape = wild.risk_register_simple(tmp_path)
    register = read(shape.path, RISKS)
    assert register.columns["Risk ID"] == 1 and register.heading("Risk ID") == "Risk No."
    assert register.columns["Likelihood"] == 4 and register.heading("Likelihood") == "Likelihood (1-5)"
    assert register.cells["Likelihood"] == [3, 2, 2]


def test_findings_name_the_column_as_the_file_heads_it(tmp_path: Path) -> None:
    register = read(wild.csi_register(tmp_path).path, DEFAULT)
    found = check_register(register, DEFAULT, today=AS_OF)
    messages = {f.cell: f.message for f in found if f.cell}
    # CSI-001, CSI-002...: the register's own consistent form is no finding; the schema's IMP-0001 is not forced
    assert not [f for f in found if f.code == "bad-format"]
    assert messages["A4"] == ("Opportunity number: IDs are checked against this register's own form, like CSI-001 "
                              "(^CSI-[0-9]{3,}$), from its IDs, instead of the schema's IMP-0001.")
    assert messages["K6"].startswith("Date required by must be a date, but '30/09/2026' is text")


def test_value_maps_read_a_register_s_own_words_and_say_so_once_per_word(tmp_path: Path) -> None:
    register = read(wild.csi_register(tmp_path).path, DEFAULT)
    assert register.cells["Status"][:4] == ["Completed", "In progress", "Identified", "Identified"]
    found = [f for f in check_register(register, DEFAULT, today=AS_OF) if f.code == "value-mapped"]
    assert [f.message for f in found][:2] == [
        "Status: 'Complete' in CSI Register!L5 is read as 'Completed'.",
        "Status: 'WIP' in CSI Register!L6 is read as 'In progress'."]
    assert {f.severity for f in found} == {Severity.INFO}


def test_the_default_schema_ships_the_iso_and_itil_names() -> None:
    headers = {header for column in DEFAULT.columns for header in column.headers}
    assert {"Improvement ID", "Target completion date", "Implementation status", "Opportunity number",
            "KPI metric", "To be actioned by", "Date required by"} <= headers
    status = DEFAULT.column("Status").value_map
    assert status["done"] == status["complete"] == status["closed"] == "Completed"
    assert status["not started"] == status["open"] == status["new"] == "Identified"
    assert status["wip"] == status["ongoing"] == "In progress"


@pytest.mark.parametrize(("change", "message"), [
    ({"x-aliases": "Ref"}, "x-aliases of 'A' must be a list of headers"),
    ({"x-aliases": ["b"]}, "the header 'B' would mean both 'A' and 'B'"),
    ({"enum": ["x"], "x-valueMap": {"y": "z"}}, "x-valueMap of 'A' maps to 'z', which is not one of its choices"),
])
def test_a_wrong_alias_or_value_map_is_a_plain_schema_error(change: dict[str, Any], message: str) -> None:
    document = {"type": "object", "properties": {"A": {"type": "string", **change}, "B": {"type": "string"}}}
    with pytest.raises(RegisterSchemaError, match=message):
        parse_schema(document, Path("s.json"))


def test_a_mapping_naming_an_unknown_column_or_choice_is_refused() -> None:
    with pytest.raises(RegisterSchemaError, match="maps a header to 'Nope'"):
        with_mapping(DEFAULT, RegisterMapping(columns={"X": "Nope"}, source="m.toml"))
    with pytest.raises(RegisterSchemaError, match="maps a word of 'Status' to 'Finished'"):
        with_mapping(DEFAULT, RegisterMapping(values={"Status": {"Done": "Finished"}}, source="m.toml"))


# --- 2. found, not refused ------------------------------------------------------------------------------------


def test_the_seed_s_nine_column_register_is_found_with_missing_columns_once_and_a_misspelt_status(
        tmp_path: Path) -> None:
    path = wild.seed_register(tmp_path).path
    for extra in ([], ["--table", "Improvements"]):
        code, text = run("validate", str(path), "--format", "json", "--as-of", AS_OF.isoformat(), *extra)
        assert code == 1
        found = json.loads(text)["files"][0]["findings"]
        missing = [f["column"] for f in found if f["code"] in ("missing-column", "missing-optional-column")]
        assert len(missing) == len(set(missing)) == len([c for c in DEFAULT.columns if not c.quiet_if_missing]) - 8
        assert {"Date raised", "Type", "Success metric"} <= set(missing)
        status = [f for f in found if f["code"] == "not-in-list"]
        assert [(f["cell"], f["value"]) for f in status] == [("G3", "In progres")]
        assert "Did you mean 'In progress'?" in status[0]["message"]


def test_a_budget_sheet_is_not_a_register_and_the_message_names_the_nearest(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    budget = workbook.active
    budget.title = "Budget"
    budget.append(["Item", "Owner", "Cost", "Date", "Status"])
    budget.append(["Laptops", "IT", 12000, dt.date(2026, 3, 1), "Approved"])
    seed = workbook.create_sheet("Improvements")
    seed.append(["Improvement ID", "Notes", "Owner", "Status"])
    workbook.save(tmp_path / "budget.xlsx")
    code, _ = run("validate", str(tmp_path / "budget.xlsx"))
    assert code == 2
    found = read_register(tmp_path / "budget.xlsx", DEFAULT)
    assert isinstance(found, Finding) and found.code == "no-register"
    assert found.message.startswith("No register found in budget.xlsx. The nearest is sheet 'Improvements', header "
                                    "row 1, with 3 of the register's 26 columns: Improvement ID (as ID), Owner, "
                                    "Status. It lacks Date raised, Source, Type, Description")
    assert "`xlreg map` proposes a mapping" in found.message


@pytest.mark.parametrize(("build", "schema"), [
    (wild.issue_log, ISSUE_LOG),
    (wild.risk_register_simple, RISKS),
    (wild.risk_register_inherent_residual, RISKS),
    (wild.findings_and_remediation, with_date_order(FINDINGS, "dmy")),
    (wild.iso27001_risk_register, RISKS),
])
def test_public_register_shapes_are_found_and_read(build: Any, schema: Any, tmp_path: Path) -> None:
    shape = build(tmp_path)
    register = read(shape.path, schema)
    assert (register.sheet, register.header_row, len(register)) == (shape.sheet, shape.header_row, len(shape.rows))
    assert register.row_numbers[0] == shape.header_row + register.layout.rows
    ids = schema.role("id")
    assert register.cells[ids] == [row[0] for row in shape.rows]
    status = schema.role("status")
    assert len(register.cells[status]) == len(shape.rows) and None not in register.cells[status]
    headings = [register.heading(name) for name in register.columns] + list(register.layout.extra_columns)
    assert sorted(headings) == sorted(shape.headers)
    assert not register.layout.duplicate_columns


def test_merged_header_cells_under_a_title_read_the_first_cell(tmp_path: Path) -> None:
    register = read(wild.issue_log(tmp_path).path, ISSUE_LOG)
    assert register.columns["Description"] == 4 and register.columns["Priority"] == 6
    assert register.cells["Description"][0] == "Vendor has not confirmed the data migration date."


def test_a_two_row_header_reads_sub_columns_under_their_group(tmp_path: Path) -> None:
    register = read(wild.risk_register_inherent_residual(tmp_path).path, RISKS)
    assert register.layout.rows == 2 and register.row_numbers == (5, 6)
    assert register.cells["Likelihood"] == [4, 3] and register.cells["Impact"] == [5, 4]
    assert register.layout.extra_columns == {"Rating": 6, "Residual risk Likelihood": 8, "Residual risk Impact": 9,
                                             "Residual risk Rating": 10}
    assert register.cells["Risk ID"] == ["R-001", "R-002"]  # merged down both header rows


def test_a_table_with_a_hidden_header_row_is_read_under_the_header_above_it(tmp_path: Path) -> None:
    shape = wild.iso27001_risk_register(tmp_path)
    with __import__("zipfile").ZipFile(shape.path) as package:
        table = package.read("xl/tables/table1.xml").decode()
    assert 'headerRowCount="0"' in table and 'name="Column1"' in table
    register = read(shape.path, RISKS)
    # the group row names no column: the sub-columns' row is the header, the table's rows the items
    assert register.header_row == 4 and register.row_numbers == (5, 6, 7)
    assert register.cells["Treatment due"] == [dt.date(2026, 12, 31), dt.date(2026, 9, 30), None]
    assert register.cells["Risk"] == ["Ransomware", "Theft", "Eavesdropping"]  # Threat, an alias of Risk


# --- 3. text dates --------------------------------------------------------------------------------------------


def test_text_dates_read_in_the_order_given_and_ambiguous_ones_name_both_readings() -> None:
    assert parse_text_date("15.03.2026", "dmy") == [dt.date(2026, 3, 15)]
    assert parse_text_date("15.03.2026", "mdy") == []
    assert parse_text_date("02.04.2026", None) == [dt.date(2026, 4, 2), dt.date(2026, 2, 4)]
    assert parse_text_date("2026-03-15", None) == [dt.date(2026, 3, 15)]
    assert parse_text_date("3 Nov 2026", None) == [dt.date(2026, 11, 3)]
    assert text_date_orders("15.03.2026") == ["dmy"]


def test_findings_workbook_dates_read_with_date_order_and_reported_without(tmp_path: Path) -> None:
    path = wild.findings_and_remediation(tmp_path).path
    code, text = run("validate", str(path), "--schema", "example:audit-findings", "--format", "json",
                     "--as-of", AS_OF.isoformat())
    found = json.loads(text)["files"][0]["findings"]
    as_text = {f["cell"]: f["message"] for f in found if f["code"] == "date-as-text"}
    assert as_text["C4"].endswith("(for example 2026-03-15).")
    assert "2026-04-02 or 2026-02-04; --date-order says which" in as_text["C6"]
    code, text = run("validate", str(path), "--schema", "example:audit-findings", "--date-order", "dmy",
                     "--format", "json", "--as-of", AS_OF.isoformat())
    assert code == 1
    found = json.loads(text)["files"][0]["findings"]
    assert not [f for f in found if f["code"] == "date-as-text"]
    read_from_text = [f for f in found if f["code"] == "dates-read-from-text"]
    assert [f["column"] for f in read_from_text] == ["Date found", "Due date", "Date closed"]


def test_the_settings_file_gives_the_date_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = wild.findings_and_remediation(tmp_path).path
    monkeypatch.chdir(tmp_path)
    code, text = run("overdue", str(path), "--schema", "example:audit-findings", "--as-of", AS_OF.isoformat(),
                     "--format", "json")
    assert code == 0 and json.loads(text)["items"] == []  # due dates typed as text: nothing is known to be late
    (tmp_path / "xlreg.toml").write_text('schema = "example:audit-findings"\ndate-order = "dmy"\n')
    code, text = run("overdue", str(path), "--as-of", AS_OF.isoformat(), "--format", "json")
    assert code == 0 and [item["id"] for item in json.loads(text)["items"]] == ["AF-003"]


# --- 4. xlreg map ---------------------------------------------------------------------------------------------


def test_map_proposes_a_commented_mapping_that_reads_back(tmp_path: Path) -> None:
    shape = wild.csi_register(tmp_path)
    target = tmp_path / "csi.mapping.toml"
    code, text = run("map", str(shape.path), "-o", str(target))
    assert code == 0 and "Dates: 3 date(s) typed as text; '19/03/2026' can only be day, month, year." in text
    toml = target.read_text(encoding="utf-8")
    assert 'sheet = "CSI Register"' in toml and "header-row = 4" in toml and 'date-order = "dmy"' in toml
    assert '"Opportunity number" = "ID"                  # a name the schema knows for ID' in toml
    assert '"Notes" = ""' in toml and "kept as an extra column" in toml
    assert '"WIP" = "In progress"' in toml and '"Raised by" = "Source"' in toml
    # words with no close choice are kept as the register's own choices, not forced onto a wrong one
    assert '[choices]\n' in toml and '"Source" = ["Night shift", "SLA review", "Service desk"]' in toml
    assert 'id-pattern = "^CSI-[0-9]{3,}$"' in toml and "the form of its 4 IDs, such as CSI-001" in toml
    mapping = load_mapping(target)
    assert (mapping.sheet, mapping.header_row, mapping.date_order) == ("CSI Register", 4, "dmy")
    assert mapping.columns["To be actioned by"] == "Owner" and mapping.columns["Priority"] is None
    assert mapping.values["Status"] == {"Complete": "Completed", "WIP": "In progress", "Open": "Identified",
                                        "Not started": "Identified"}
    assert mapping.form.id_pattern == "^CSI-[0-9]{3,}$"
    assert mapping.form.choices == {"Source": ("Night shift", "SLA review", "Service desk")}
    assert run("map", str(shape.path), "-o", str(target))[0] == 2  # never overwritten without --force
    assert run("map", str(shape.path), "-o", str(target), "--force")[0] == 0
    assert run("map", str(shape.path), "-o", str(tmp_path / "m.json"))[0] == 2


def test_map_offers_a_similar_header_and_word_saying_how_sure(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Log"
    sheet.append(["Improvement ID", "Date raised", "Descripton", "Owner", "Target date", "Stat"])
    sheet.append(["IMP-0001", dt.date(2026, 1, 5), "Something", "Ana Costa", dt.date(2026, 2, 1), "In progres"])
    workbook.save(tmp_path / "log.xlsx")
    code, toml = run("map", str(tmp_path / "log.xlsx"))
    assert code == 0
    assert '"Descripton" = "Description"' in toml and "similar name, 95% sure: check" in toml
    assert '"Stat" = "Status"' in toml and "similar name, 89% sure: check" in toml  # like State
    code, toml = run("map", str(tmp_path / "log.xlsx"), "--sheet", "Log", "--header-row", "1")
    assert code == 0 and "header-row = 1" in toml


def test_map_on_a_sheet_that_names_nothing_asks_where_the_header_is(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["Apples", "Pears"])
    workbook.save(tmp_path / "fruit.xlsx")
    message = refused("map", str(tmp_path / "fruit.xlsx"))
    assert "Say where the register's headers are with --sheet NAME and --header-row N." in message
    code, toml = run("map", str(tmp_path / "fruit.xlsx"), "--sheet", "Sheet", "--header-row", "1")
    assert code == 0 and '"Apples" = ""' in toml


# --- 5. --mapping: every command on the register where it is -------------------------------------------------


def _csi_mapping(tmp_path: Path) -> tuple[Path, Path]:
    shape = wild.csi_register(tmp_path)
    mapping = tmp_path / "csi.toml"
    assert run("map", str(shape.path), "-o", str(mapping))[0] == 0
    text = mapping.read_text(encoding="utf-8").replace('"On hold" = ""', '"On hold" = "Planned"')
    mapping.write_text(text, encoding="utf-8")
    return shape.path, mapping


def test_every_command_works_through_a_mapping(tmp_path: Path) -> None:
    path, mapping = _csi_mapping(tmp_path)
    code, text = run("validate", str(path), "--mapping", str(mapping), "--format", "json", "--as-of",
                     AS_OF.isoformat())
    found = json.loads(text)["files"][0]["findings"]
    assert not [f for f in found if f["code"] in ("date-as-text", "not-in-list")]
    assert {f["value"] for f in found if f["code"] == "value-mapped"} >= {"Complete", "WIP"}
    code, text = run("overdue", str(path), "--mapping", str(mapping), "--as-of", AS_OF.isoformat(), "--format",
                     "json")
    # the second CSI-003 is On hold: paused, so not overdue, and listed apart
    report = json.loads(text)
    assert code == 0 and [item["id"] for item in report["items"]] == ["CSI-002", "CSI-003"]
    assert [(item["id"], item["row"]) for item in report["on_hold"]] == [("CSI-003", 9)]
    # a CSI register has no ratings: priorities says so rather than ranking on nothing
    assert refused("priorities", str(path), "--mapping", str(mapping)) == (
        "xlreg: Priorities cannot be worked out for csi_register.xlsx: the register has no 'Customer impact' "
        "column.\n")
    marked = tmp_path / "marked.xlsx"
    assert run("validate", str(path), "--mapping", str(mapping), "--mark", "-o", str(marked), "--as-of",
               AS_OF.isoformat())[0] == 1
    assert run("overdue", str(marked), "--mapping", str(mapping), "--in-place", "--as-of", AS_OF.isoformat())[0] == 0
    sheet = openpyxl.load_workbook(marked)["CSI Register"]
    assert sheet["A5"].fill.fgColor.rgb == "00000000"  # CSI-001 is the register's own form: not a finding
    assert sheet["A9"].fill.fgColor.rgb == "FFFFC7CE"  # CSI-003 a second time is
    assert sheet["C6"].fill.fgColor.rgb == "FFF8CBAD"  # CSI-002 is overdue (30/09/2026, read as a date)
    assert sheet["B6"].fill.fgColor.rgb == "FFDDEBF7"  # where a date was read from text: an info mark
    assert run("snapshot", str(marked), "--mapping", str(mapping), "--as-of", "2026-11-25T09:00")[0] == 0
    assert run("clear", str(marked), "--mapping", str(mapping), "--in-place")[0] == 0
    sheet = openpyxl.load_workbook(marked)["CSI Register"]
    assert sheet["A9"].fill.fill_type is None and "Findings" not in sheet.parent.sheetnames


def test_the_register_tab_reads_through_the_settings_mapping(tmp_path: Path) -> None:
    from tests.openpyxl_engine import open_book
    from xl_addin.excel.ribbon import on_action

    path, mapping = _csi_mapping(tmp_path)
    (tmp_path / "xlreg.toml").write_text(f'mapping = "{mapping.name}"\n', encoding="utf-8")
    book, _ = open_book(path)
    message = on_action("overdue", book, today=AS_OF)
    assert message.startswith("2 overdue items as of 2026-11-25")
    assert message.endswith("The register has no 'Last update' column: no item is marked for escalation, as there "
                            "is no date of the last update to judge by.")



# --- 6. xlreg migrate -----------------------------------------------------------------------------------------


def _cells(path: Path) -> list[dict[str, Any]]:
    """The items of a migrated register: header -> value, for each row below the header."""
    sheet = openpyxl.load_workbook(path)["Register"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    return [{name: value for name, value in zip(header, row, strict=True) if value is not None
             and not (isinstance(value, str) and value.startswith("="))}
            for row in rows[1:] if any(v is not None and not (isinstance(v, str) and v.startswith("=")) for v in row)]


def _as_written(value: Any) -> Any:
    return value.date() if isinstance(value, dt.datetime) else value


def test_map_then_migrate_keeps_every_value_and_a_legacy_ref_per_row(tmp_path: Path) -> None:
    shape = wild.csi_register(tmp_path)
    mapping = tmp_path / "csi.toml"
    assert run("map", str(shape.path), "-o", str(mapping))[0] == 0
    target = tmp_path / "new.xlsx"
    code, text = run("migrate", str(shape.path), "--mapping", str(mapping), "-o", str(target), "--as-of",
                     AS_OF.isoformat())
    assert code == 0 and text.startswith("Migrated 5 items from csi_register.xlsx (sheet 'CSI Register') through "
                                         "csi.toml into")
    items = _cells(target)
    assert len(items) == len(shape.rows)
    mapped = {"Complete": "Completed", "WIP": "In progress", "Open": "Identified", "Not started": "Identified"}
    for source, item in zip(shape.rows, items, strict=True):
        written = {_as_written(value) for value in item.values()}
        for header, value in zip(wild.CSI_HEADERS, source, strict=True):
            if value is None:
                continue
            if isinstance(value, str) and value in mapped:
                value = mapped[value]
            elif isinstance(value, str) and parse_text_date(value, "dmy"):
                value = parse_text_date(value, "dmy")[0]
            assert value in written or item[LEGACY_REF].startswith(f"{value} ("), (header, value, item)
        assert item[LEGACY_REF].endswith(f"(CSI Register row {shape.rows.index(source) + 5})")
        # each word read as a choice is kept beside it, as written
        if source[11] in mapped:
            assert item["Status as written"] == source[11]
    # every unique ID is kept in the register's own form; a missing one and a repeat are made in that form
    assert [item["ID"] for item in items] == ["CSI-001", "CSI-002", "CSI-003", "CSI-004", "CSI-005"]
    assert items[0][LEGACY_REF] == "CSI-001 (CSI Register row 5)"
    assert items[3][LEGACY_REF] == "(CSI Register row 8)"  # no ID given: one is made, the row is kept
    assert items[4][LEGACY_REF] == "CSI-003 (CSI Register row 9)"  # a repeat: made anew, the old one kept
    assert "2 ID(s) kept" not in text and "3 ID(s) kept as they were, in the register's own form" in text
    assert items[0][LEGACY_PRIORITY] == 3 and "Customer impact" not in items[0]  # ratings left to fill
    register = read(target, DEFAULT)  # xlreg validate reads it
    assert len(register) == 5 and register.cells["Status"][:2] == ["Completed", "In progress"]
    assert run("validate", str(target), "--as-of", AS_OF.isoformat())[0] == 1


def test_migrate_without_a_mapping_gives_what_the_proposed_mapping_gives(tmp_path: Path) -> None:
    shape = wild.csi_register(tmp_path)
    mapping = tmp_path / "csi.toml"
    assert run("map", str(shape.path), "-o", str(mapping))[0] == 0
    assert run("migrate", str(shape.path), "--mapping", str(mapping), "-o", str(tmp_path / "a.xlsx"))[0] == 0
    code, text = run("migrate", str(shape.path), "-o", str(tmp_path / "b.xlsx"), "--format", "json")
    assert code == 0
    assert _cells(tmp_path / "a.xlsx") == _cells(tmp_path / "b.xlsx")
    report = json.loads(text)
    assert report["mapping"] is None and report["dateOrder"] == "dmy" and report["items"] == 5
    assert {(v["word"], v["choice"]) for v in report["valuesMapped"]} >= {("WIP", "In progress")}
    assert [d["column"] for d in report["datesConverted"]] == ["Date raised", "Target date"]
    assert [(new["row"], new["old"], new["new"], new["why"]) for new in report["idsGenerated"]] == [
        (8, None, "CSI-004", "missing"), (9, "CSI-003", "CSI-005", "repeats an earlier one")]
    assert report["idsKept"] == 3 and report["idPattern"] == "^CSI-[0-9]{3,}$"
    assert report["renamed"] == {"Priority": LEGACY_PRIORITY}
    assert report["keptAsWritten"] == ["Source as written", "Status as written"]
    assert not any(f["code"] in ("not-in-list", "bad-format") for f in report["findings"])


def test_migrate_keeps_fitting_ids_and_makes_new_ones_after_them(tmp_path: Path) -> None:
    path = wild.seed_register(tmp_path).path
    workbook = openpyxl.load_workbook(path)
    workbook.active["A3"] = "IMP-0001"  # a repeat
    workbook.active["A4"] = "#12"  # not the pattern
    workbook.save(path)
    code, text = run("migrate", str(path), "-o", str(tmp_path / "new.xlsx"), "--format", "json")
    assert code == 0
    report = json.loads(text)
    # a repeat is made anew; an ID that does not fit is still the item's ID (minutes cite it), for validate
    # to report
    assert [(n["old"], n["new"], n["why"]) for n in report["idsGenerated"]] == [
        ("IMP-0001", "IMP-0002", "repeats an earlier one")]
    assert [item["ID"] for item in _cells(tmp_path / "new.xlsx")] == ["IMP-0001", "IMP-0002", "#12"]
    assert [(f["cell"], f["code"]) for f in report["findings"] if f["code"] == "bad-format"] == [("A4", "bad-format")]


def test_migrate_never_overwrites_without_force_nor_its_source(tmp_path: Path) -> None:
    path = wild.seed_register(tmp_path).path
    target = tmp_path / "new.xlsx"
    target.write_bytes(b"keep me")
    assert "already exists; choose another name or add --force" in refused("migrate", str(path), "-o", str(target))
    assert target.read_bytes() == b"keep me"
    assert "is the register being migrated" in refused("migrate", str(path), "-o", str(path), "--force")
    assert "an .xlsx workbook" in refused("migrate", str(path), "-o", str(tmp_path / "new.csv"))
    assert run("migrate", str(path), "-o", str(target), "--force")[0] == 0
    assert read(target, DEFAULT).cells["ID"] == ["IMP-0001", "IMP-0002", "IMP-0003"]


# --- 7. example registers, and what a command says when a role has no column ---------------------------------


@pytest.mark.parametrize("name", resources.example_names())
def test_each_example_register_works_end_to_end(name: str, tmp_path: Path) -> None:
    assert resources.example_names() == ["audit-findings", "capa-log", "csi-register", "risk-register"]
    empty, sample = tmp_path / "empty.xlsx", tmp_path / "sample.xlsx"
    assert run("new", str(empty), "--example", name)[0] == 0
    assert run("new", str(sample), "--example", name, "--sample")[0] == 0
    schema = f"example:{name}"
    assert run("validate", str(empty), "--schema", schema)[0] == 0
    code, text = run("validate", str(sample), "--schema", schema, "--format", "json", "--as-of", AS_OF.isoformat())
    report = json.loads(text)["files"][0]
    assert code == 1 and report["rows_checked"] >= 6
    assert {f["code"] for f in report["findings"]} <= {"required-for-status", "bad-format"}
    assert run("overdue", str(sample), "--schema", schema, "--as-of", AS_OF.isoformat())[0] == 0
    code, _ = run("priorities", str(sample), "--schema", schema)
    assert code == (2 if name == "audit-findings" else 0)
    assert run("snapshot", str(sample), "--schema", schema, "--as-of", "2026-11-25T10:00")[0] == 0


def test_a_risk_register_ranks_by_likelihood_times_impact(tmp_path: Path) -> None:
    sample = tmp_path / "risks.xlsx"
    assert run("new", str(sample), "--example", "risk-register", "--sample")[0] == 0
    code, text = run("priorities", str(sample), "--schema", "example:risk-register", "--format", "json")
    assert code == 0
    ranked = sorted((item for item in json.loads(text)["items"] if item["rank"]), key=lambda item: item["rank"])
    assert [(item["id"], item["total"]) for item in ranked] == [("R-002", 12), ("R-001", 10), ("R-005", 9),
                                                                 ("R-003", 6)]


def test_commands_say_what_they_cannot_compute_for_a_minimal_schema(tmp_path: Path) -> None:
    schema = str(TESTS / "schemas" / "risk_register.schema.json")  # no ratings, target date, owner...
    path = tmp_path / "risks.xlsx"
    assert run("new", str(path), "--schema", schema)[0] == 0
    workbook = openpyxl.load_workbook(path)
    workbook["Risks"].append(["R001", dt.date(2026, 1, 5), "Flood", 2, 3, None, "Open"])
    workbook["Risks"].delete_rows(2)
    workbook.save(path)
    assert "the Risk register schema names no column for the ratings" in refused("priorities", str(path),
                                                                                "--schema", schema)
    assert "the Risk register schema names no column for when the item is due (role 'targetDate')" in refused(
        "overdue", str(path), "--schema", schema)
    code, text = run("snapshot", str(path), "--schema", schema, "--as-of", "2026-11-25T10:00")
    assert code == 0
    assert "New since the last review: Not available: the Risk register schema names no column for when the " \
           "item was raised (role 'dateRaised')." in text
    assert "Overdue items by owner: Not available" in text
    (document,) = (tmp_path / "snapshots").glob("*.json")
    tables = {table["key"]: table for table in json.loads(document.read_text())["review"]}
    assert tables["new-since"]["rows"] == [] and tables["new-since"]["unavailable"].startswith("Not available")
    assert "unavailable" not in tables["by-state"]


def test_overdue_without_a_last_update_column_escalates_nothing_and_says_why(tmp_path: Path) -> None:
    path = wild.seed_register(tmp_path).path
    code, text = run("overdue", str(path), "--as-of", AS_OF.isoformat())
    assert code == 0 and "to escalate" not in text and "ESCALATE" not in text
    assert "Note: The register has no 'Last update' column: no item is marked for escalation" in text
    code, text = run("overdue", str(path), "--as-of", AS_OF.isoformat(), "--format", "json")
    assert json.loads(text)["items"][0]["escalate"] is False and json.loads(text)["notes"]


def test_a_schema_role_naming_no_column_is_a_plain_error() -> None:
    document = {"type": "object", "properties": {"A": {"type": "string"}},
                "x-register": {"roles": {"id": "B"}}}
    with pytest.raises(RegisterSchemaError, match="role 'id' names 'B', which is not one of the schema's columns"):
        parse_schema(document, Path("s.json"))
    document["x-register"] = {"roles": {"identifier": "A"}}
    with pytest.raises(RegisterSchemaError, match="'identifier', which is not a role xlreg knows"):
        parse_schema(document, Path("s.json"))


# --- 8. a person's register stays legible ---------------------------------------------------------------------


def test_priorities_names_the_items_it_cannot_rank_for_an_off_list_status() -> None:
    code, text = run("priorities", str(resources.sample_path()))
    assert code == 0
    assert "Not ranked: 2 item(s) whose status is neither open nor closed: IMP-0017 ('In progres', row 18), " \
           "IMP-0041 (no status, row 42); correct the status to rank them" in text
    code, text = run("overdue", str(resources.sample_path()), "--as-of", AS_OF.isoformat(), "--format", "json")
    assert "IMP-0017" in [item["id"] for item in json.loads(text)["items"]]  # overdue counts it


def test_the_readme_walk_through_runs_on_the_shipped_csi_example(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command of the README's "Bring your own register" block, in order, in a fresh folder."""
    readme = (TESTS.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Bring your own register", 1)[1]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [shlex.split(line.split("#", 1)[0]) for line in block.splitlines() if line.strip()]
    assert [command[1] for command in commands] == ["new", "validate", "map", "validate", "overdue", "migrate",
                                                    "validate"]
    monkeypatch.chdir(tmp_path)
    outputs = []
    for command in commands:
        assert command[0] == "xlreg"
        code, text = run(*command[1:])
        assert code in (0, 1), (command, code)
        outputs.append(text)
    assert "sheet CSI register, 8 items checked" in outputs[1]
    assert '"Opportunity number" = "ID"' in (tmp_path / "my-csi.toml").read_text(encoding="utf-8")
    assert outputs[5].startswith("Migrated 8 items from my-csi.xlsx")
    assert len(read(tmp_path / "improvement-register.xlsx", DEFAULT)) == 8

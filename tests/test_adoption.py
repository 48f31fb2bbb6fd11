"""A register adopted as its owners know it: their IDs, their words, their statuses, their findings' state, one
mapping for every command. The ordinary register (tests/ordinary_register.py) goes through the README's
adoption path end to end; the shapes of registers people publish (tests/registers_in_the_wild.py) migrate with
every ID and every text cell kept and no other row taken for an item."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests import ordinary_register as ordinary
from tests import registers_in_the_wild as wild
from tests.feeds import servicenow_event_log
from tests.helpers import refused, run
from xl_addin import resources
from xl_addin.usecases.adoption import KEPT_SHEET

AS_OF = ordinary.AS_OF.isoformat()


def findings(path: Path, *options: str) -> list[dict[str, Any]]:
    code, text = run("validate", str(path), "--format", "json", "--as-of", AS_OF, *options)
    assert code in (0, 1), text
    found: list[dict[str, Any]] = json.loads(text)["files"][0]["findings"]
    return found


def sheet_rows(path: Path, sheet: str, first_row: int) -> list[dict[str, Any]]:
    """The rows of a sheet from `first_row` on, by the header row above them."""
    rows = list(openpyxl.load_workbook(path)[sheet].iter_rows(min_row=first_row - 1, values_only=True))
    header = rows[0]
    def given(value: Any) -> bool:  # the template's spare rows hold only its formulas
        return value is not None and not (isinstance(value, str) and value.startswith("="))

    return [dict(zip(header, row, strict=True)) for row in rows[1:] if any(map(given, row))]


def _plain(value: Any) -> Any:
    return value.date() if isinstance(value, dt.datetime) else value


@pytest.fixture()
def register(tmp_path: Path) -> ordinary.OrdinaryRegister:
    return ordinary.build_register(tmp_path)


def test_the_ordinary_register_is_checked_in_its_own_words(register: ordinary.OrdinaryRegister,
                                                           tmp_path: Path) -> None:
    before = findings(register.path)
    # the register is found under its title, "Due" is its Target date, "In Progress" its In progress
    assert not [f for f in before if f["code"] in ("missing-column", "no-register")]
    assert not [f for f in before if f["code"] == "bad-format"]  # CI-001...: its own consistent scheme
    own = [f for f in before if f["code"] == "own-id-form"]
    assert [(f["cell"], f["value"]) for f in own] == [("A3", "CI-001")]
    assert not [f for f in before if f["code"] == "not-in-list" and f["value"] == "In Progress"]
    in_progress = next(f for f in before if f["code"] == "value-mapped" and f["value"] == "In Progress")
    assert in_progress["message"] == ("Status: 'In Progress' in CI Register!L13, L14, L15, L16, L17 and 2 more is "
                                      "read as 'In progress'.")
    # a word of the register's own is not offered as a choice it merely shares letters with
    sources = [f for f in before if f["code"] == "not-in-list" and f["column"] == "Raised by / source"]
    assert {f["value"] for f in sources} == {"Service review (ACME)", "Major incident review", "Capacity review"}
    assert not [f for f in sources if "Did you mean" in f["message"]]

    mapping = tmp_path / "ci.toml"
    code, text = run("map", str(register.path), "-o", str(mapping))
    assert code == 0, text
    toml = mapping.read_text(encoding="utf-8")
    assert 'id-pattern = "^CI-[0-9]{3,}$"' in toml and '"Due" = "Target date"' in toml
    assert '"Raised by / source" = "Source"' in toml and 'date-order = "dmy"' in toml
    assert '"In Progress" = "In progress"' in toml and "the choice written in another case or spacing" in toml
    assert '"Source" = ["Capacity review", "Major incident review", "Service review (ACME)"]' in toml
    after = findings(register.path, "--mapping", str(mapping))
    assert not [f for f in after if f["severity"] == "error"], [f["message"] for f in after if f["severity"] == "error"]
    assert len([f for f in before if f["severity"] == "error"]) == 14  # the count the closing note gives

    # on-hold items are paused: past their due date, yet not overdue and not escalated
    code, text = run("overdue", str(register.path), "--mapping", str(mapping), "--as-of", AS_OF, "--format", "json")
    report = json.loads(text)
    on_hold = [row[0] for row in register.rows if row[11] == "On hold"]
    assert on_hold and not set(on_hold) & {item["id"] for item in report["items"]}
    assert [item["id"] for item in report["on_hold"]] == on_hold
    assert all(item["days_on_hold"] > 0 for item in report["on_hold"])


def test_migrate_keeps_every_id_and_every_word(register: ordinary.OrdinaryRegister, tmp_path: Path) -> None:
    mapping = tmp_path / "ci.toml"
    assert run("map", str(register.path), "-o", str(mapping))[0] == 0
    # the quality manager reads two of their sources as the schema's, and keeps the third as their own
    text = mapping.read_text(encoding="utf-8").replace(
        '"Source" = ["Capacity review", "Major incident review", "Service review (ACME)"]',
        '"Source" = ["Capacity review"]\n\n[values."Source"]\n"Service review (ACME)" = "Customer satisfaction"\n'
        '"Major incident review" = "Incident/problem trend"')
    mapping.write_text(text, encoding="utf-8")
    target = tmp_path / "new.xlsx"
    code, report = run("migrate", str(register.path), "--mapping", str(mapping), "-o", str(target), "--as-of", AS_OF)
    assert code == 0, report
    assert "30 ID(s) kept as they were, in the register's own form (^CI-[0-9]{3,}$)" in report
    items = sheet_rows(target, "Register", 2)
    assert [item["ID"] for item in items] == register.ids()
    renamed = {"Ref": "ID", "Raised on": "Date raised", "Raised by / source": "Source", "Due": "Target date",
               "Customer impact (1-3)": "Customer impact", "Risk reduction (1-3)": "Risk reduction",
               "Efficiency (1-3)": "Efficiency gain", "Compliance (1-3)": "Compliance", "Success measure":
               "Success metric", "Outcome": "Measured outcome", "Closed on": "Closure date"}
    for source, item in zip(register.rows, items, strict=True):
        for header, value in zip(ordinary.HEADERS, source, strict=True):
            if value is None:
                continue
            column = renamed.get(header, header)
            written = _plain(item[column])
            if isinstance(value, str) and column == "Date raised":  # typed as text: read day first
                assert written == dt.datetime.strptime(value, "%d/%m/%Y").date(), (header, value, item)
            elif written != value:  # a word read as a choice: kept beside it, as written
                assert item[f"{column} as written"] == value, (header, value, item)
    assert items[1]["Source"] == "Customer satisfaction" and items[1]["Source as written"] == "Service review (ACME)"
    assert items[3]["Source"] == "Capacity review" and items[3]["Source as written"] is None
    # the new register reads its own form from the workbook: its IDs and its own choice are no findings
    new = findings(target)
    assert not [f for f in new if f["code"] in ("bad-format", "not-in-list")]
    assert {f["code"] for f in new if f["severity"] == "error"} == {"required-for-status"}  # Effective, new column
    code, text = run("overdue", str(target), "--as-of", AS_OF, "--format", "json")
    on_hold = [row[0] for row in register.rows if row[11] == "On hold"]
    assert not set(on_hold) & {item["id"] for item in json.loads(text)["items"]}
    # the Python API reads it as the commands do: every column, the engine's totals
    import xl_addin

    frame = xl_addin.open_register(target).to_dataframe()
    assert list(frame["ID"]) == register.ids() and "Comments" in frame.columns
    assert frame["Priority total"].notna().all()  # template formulas not yet calculated: the engine's totals
    assert frame.loc[2, "Priority total"] == sum(register.rows[0][5:9])


def test_feeds_come_into_the_register_in_its_own_layout(register: ordinary.OrdinaryRegister,
                                                        tmp_path: Path) -> None:
    mapping = tmp_path / "ci.toml"
    assert run("map", str(register.path), "-o", str(mapping))[0] == 0
    log = ordinary.findings_log(tmp_path)
    out = tmp_path / "with-findings.xlsx"
    code, text = run("import", str(log), str(register.path), "--feed", "findings", "--mapping", str(mapping),
                     "--as-of", AS_OF, "-o", str(out))
    assert code == 0, text
    assert "it was added after the register's last column, nothing else" in text
    rows = {row["Source ref"]: row for row in sheet_rows(out, "CI Register", register.first_row)
            if row.get("Source ref")}
    assert [row["Ref"] for row in rows.values()] == ["CI-031", "CI-032", "CI-033", "CI-034"]
    closed = rows["AF-2026-02"]
    # closed in the log: closed here, in the register's own word for it, with the log's closure date
    assert closed["Status"] == "Done" and _plain(closed["Closed on"]) == dt.date(2026, 5, 28)
    assert closed["Outcome"] == "Capacity plan reviewed and approved on 2026-05-20"
    assert closed["Raised by / source"] == "External audit"  # a surveillance audit is an external one
    assert "severity Major" in closed["Description"]  # no Severity column: carried in the description
    assert rows["AF-2026-01"]["Status"] == "Open" and rows["AF-2026-04"]["Status"] == "In Progress"
    assert {rows[ref]["Raised by / source"] for ref in ("AF-2026-03", "AF-2026-04")} == {"External audit"}
    header = openpyxl.load_workbook(out)["CI Register"]
    assert header["S3"].value == "Source ref" and header["S3"].fill.fgColor.rgb == header["R3"].fill.fgColor.rgb
    code, text = run("overdue", str(out), "--mapping", str(mapping), "--as-of", AS_OF, "--format", "json")
    late = {item["id"] for item in json.loads(text)["items"]}
    assert "CI-032" not in late and "CI-031" in late
    # the same import again: found by Source ref, nothing written
    before = out.read_bytes()
    code, text = run("import", str(log), str(out), "--feed", "findings", "--mapping", str(mapping), "--as-of", AS_OF,
                     "--in-place")
    assert code == 0 and "Nothing was written: the register already holds everything" in text
    assert out.read_bytes() == before
    # a ticket export too, into the register in its own layout, through the same mapping
    tickets = tmp_path / "incidents.csv"
    servicenow_event_log(tickets)
    code, text = run("import", str(tickets), str(out), "--feed", "tickets", "--feed-mapping", "servicenow-incidents",
                     "--mapping", str(mapping), "--as-of", AS_OF, "--in-place")
    assert code == 0, text
    assert "CI-035" in text


def test_a_closed_finding_can_be_left_out_by_the_mapping(register: ordinary.OrdinaryRegister,
                                                         tmp_path: Path) -> None:
    feed_mapping = tmp_path / "findings.toml"
    shipped = (resources.validators_dir() / "feeds" / "findings-log.toml").read_text(encoding="utf-8")
    feed_mapping.write_text(shipped.replace('kind = "findings"', 'kind = "findings"\nclosed-findings = "skip"'),
                            encoding="utf-8")
    code, text = run("import", str(ordinary.findings_log(tmp_path)), str(register.path), "--feed", "findings",
                     "--feed-mapping", str(feed_mapping), "--as-of", AS_OF)
    assert code == 0, text
    assert "Left out, as the mapping's closed-findings = \"skip\" says: 1 finding(s) the log marks closed " \
           "(AF-2026-02)." in text
    assert "AF-2026-02" not in text.split("Proposed", 1)[1].split("Left out")[0]


def test_a_register_mapping_and_a_feed_mapping_are_never_mistaken(register: ordinary.OrdinaryRegister,
                                                                  tmp_path: Path) -> None:
    mapping = tmp_path / "ci.toml"
    assert run("map", str(register.path), "-o", str(mapping))[0] == 0
    log = ordinary.findings_log(tmp_path)
    message = refused("import", str(log), str(register.path), "--feed", "findings", "--feed-mapping", str(mapping))
    assert "ci is a register mapping (how a register in its own layout reads, from xlreg map), not a feed " \
           "mapping: give it with --mapping" in message
    feed = tmp_path / "feed.toml"
    feed.write_text((resources.validators_dir() / "feeds" / "findings-log.toml").read_text(encoding="utf-8"))
    message = refused("validate", str(register.path), "--mapping", str(feed))
    assert "feed.toml is a feed mapping (it reads a findings export), not a register mapping" in message
    # the old form, --mapping naming the export's mapping, still works
    code, text = run("import", str(log), str(register.path), "--feed", "findings", "--mapping", "findings-log")
    assert code == 0 and "Would create 4 item(s)" in text


@pytest.mark.parametrize("build", wild.PUBLISHED, ids=lambda build: build.__name__)
def test_published_register_shapes_migrate_with_every_id_and_text_kept(build: Any, tmp_path: Path) -> None:
    shape = build(tmp_path)
    target = tmp_path / "new.xlsx"
    code, text = run("migrate", str(shape.path), "-o", str(target))
    assert code == 0, text
    items = sheet_rows(target, "Register", 2)
    assert len(items) == len(shape.rows), text  # no header row, table or footer taken for an item
    assert [item["ID"] for item in items] == [str(row[shape.id_column]) for row in shape.rows]
    for source, item in zip(shape.rows, items, strict=True):
        written = {str(_plain(value)).casefold() for value in item.values() if value is not None}
        for value in source:
            if isinstance(value, str):
                assert value.casefold() in written, (value, item)
    if shape.below:
        kept = list(openpyxl.load_workbook(target)[KEPT_SHEET].iter_rows(min_row=3, values_only=True))
        texts = {value for row in kept for value in row if value is not None}
        assert {value for row in shape.below for value in row if value is not None} <= texts
    code, proposal = run("map", str(shape.path))
    assert '= "Risk reduction"' not in proposal.split("[columns]")[1].split("\n")[1]  # an ID is never a rating


def test_a_row_of_an_item_is_never_taken_for_the_header_without_saying_so(tmp_path: Path) -> None:
    """The header names nothing the schema knows; the first item holds schema words (Compliance, Risk). map
    takes the row of text above the items, and says it guessed."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Log"
    sheet.append(["Ticket", "Topic", "Kind", "When", "Who", "Finish by", "RAG"])
    sheet.append(["L-01", "Compliance", "Risk", dt.date(2026, 3, 1), "Ana Costa", dt.date(2026, 5, 1), "Open"])
    sheet.append(["L-02", "Efficiency", "Risk", dt.date(2026, 3, 9), "Tom Becker", dt.date(2026, 6, 1), "Closed"])
    workbook.save(tmp_path / "log.xlsx")
    code, text = run("map", str(tmp_path / "log.xlsx"))
    assert code == 0
    assert "header-row = 1" in text and "guessed: no row names enough of the schema's columns" in text
    code, text = run("migrate", str(tmp_path / "log.xlsx"), "-o", str(tmp_path / "new.xlsx"))
    assert code == 0 and "Migrated 2 items" in text


def test_backups_are_kept_to_the_number_the_settings_give(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = Path(shutil.copyfile(resources.sample_path(), tmp_path / "register.xlsx"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "xlreg.toml").write_text("keep-backups = 3\n", encoding="utf-8")
    for write in range(5):  # five writes that each change the workbook: marks, then none, then marks...
        command = ["clear", str(path), "--in-place"] if write % 2 else ["validate", str(path), "--mark", "--in-place"]
        assert run(*command)[0] in (0, 1)
    backups = sorted((tmp_path / "xlreg-backups").iterdir())
    assert len(backups) == 3 and all(backup.name.startswith("register.") for backup in backups)
    other = tmp_path / "xlreg-backups" / "notes.20260101-000000-000000.xlsx"  # another workbook's are its own
    other.write_bytes(b"x")
    assert run("clear", str(path), "--in-place")[0] == 0
    assert other.exists() and len(list((tmp_path / "xlreg-backups").glob("register.*"))) == 3


def test_each_message_of_the_list_says_what_to_do(tmp_path: Path) -> None:
    sample = resources.sample_path()
    renamed = Path(shutil.copyfile(sample, tmp_path / "register.xls"))
    found = findings(renamed)
    assert found[0]["code"] == "misnamed-workbook" and found[0]["message"] == (
        "register.xls is an Excel workbook (.xlsx) named as a .xls file; it was checked as the workbook it is. "
        "Rename it to register.xlsx so that Excel opens it without a warning.")
    assert "xlrd" not in json.dumps(found) and len(found) > 10  # read, not refused as damaged
    csv_file = tmp_path / "register.csv"
    csv_file.write_text("ID,Status\nIMP-0001,Open\n", encoding="utf-8")
    code, text = run("validate", str(csv_file), "--format", "json")
    (unreadable,) = json.loads(text)["files"][0]["findings"]
    assert code == 2 and unreadable["message"] == (
        "register.csv is a text file (CSV), not an Excel workbook: to check it as a register, open it in Excel and "
        "save it as an Excel Workbook (.xlsx); to bring its rows into a register as items, use xlreg import.")
    message = refused("import", str(sample), str(csv_file), "--feed", "findings", "-o", str(tmp_path / "x.csv"))
    assert message == ("xlreg: REGISTER register.csv is not a register workbook (.xlsx or .xlsm). The two look "
                       "swapped: the export comes first, then the register: xlreg import register.csv "
                       "sample_register.xlsx ...\n")
    message = refused("validate", str(sample), "--fromat", "json")
    assert "xlreg validate does not take --fromat json (did you mean --format?)" in message
    message = refused("overdue", str(sample), "--inplace")
    assert "xlreg overdue does not take --inplace (did you mean --in-place?)" in message
    message = refused("validat", str(sample))
    assert "'validat' is not an xlreg command. Did you mean validate?" in message
    code, text = run("overdue", str(sample), "--as-of", AS_OF)
    assert "  Priya Shah: 3 items, the oldest 359 days overdue" in text and "in all" not in text
    target = tmp_path / "new.xlsx"
    code, text = run("migrate", str(wild.seed_register(tmp_path).path), "-o", str(target))
    assert f'xlreg validate "{target}" --mark --in-place marks them in the workbook' in text
    out = tmp_path / "marked.xlsx"
    assert run("validate", str(target), "--mark", "-o", str(out))[0] == 1  # the hint's command works

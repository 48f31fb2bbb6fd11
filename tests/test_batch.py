"""Batch validation: a folder of shared workbooks, one report, the same whatever the number of workers."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft7Validator
from lxml import etree

from xl_addin import cli, resources
from xl_addin.settings import resolve

CASES = Path(__file__).parent / "cases"
REF = Path(__file__).resolve().parents[2] / "shared" / "ref" / "reports"


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return cli.main(list(args), out=out), out.getvalue()


@pytest.fixture
def shared_drive(tmp_path: Path) -> Path:
    """Valid, invalid, locked, corrupt and non-Excel files, some in a subfolder."""
    drive = tmp_path / "registers"
    (drive / "team b").mkdir(parents=True)
    shutil.copyfile(CASES / "valid" / "status-every-value.xlsx", drive / "clean.xlsx")
    shutil.copyfile(CASES / "invalid" / "total-stale.xlsx", drive / "team b" / "stale.xlsx")
    shutil.copyfile(CASES / "valid" / "id-valid.xlsx", drive / "team b" / "open in excel.xlsx")
    (drive / "team b" / "~$open in excel.xlsx").write_bytes(b"owner")
    (drive / "corrupt.xlsx").write_bytes(b"PK\x03\x04 broken")
    (drive / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    (drive / "notes.txt").write_text("minutes")
    (drive / "xlreg-backups").mkdir()
    shutil.copyfile(CASES / "invalid" / "total-stale.xlsx", drive / "xlreg-backups" / "stale.old.xlsx")
    return drive


def test_one_report_covers_the_whole_folder_the_same_for_any_jobs(shared_drive: Path) -> None:
    reports = {}
    for jobs in ("1", "2"):
        code, text = run("validate", str(shared_drive), "--format", "json", "--jobs", jobs, "--as-of", "2026-11-25")
        assert code == 2  # a corrupt file is unreadable input
        reports[jobs] = text
    assert reports["1"] == reports["2"]
    files = json.loads(reports["1"])["files"]
    by_name = {Path(f["file"]).name: [(x["cell"], x["code"]) for x in f["findings"]] for f in files}
    assert by_name == {
        "clean.xlsx": [],
        "corrupt.xlsx": [("", "unreadable-file")],
        "old.xls": [("", "unreadable-file")],
        "open in excel.xlsx": [("", "open-in-excel")],
        "stale.xlsx": [("K2", "stale-total")],
    }
    assert [f["file"] for f in files] == sorted(f["file"] for f in files)
    text_1 = run("validate", str(shared_drive), "--jobs", "1", "--as-of", "2026-11-25")[1]
    text_2 = run("validate", str(shared_drive), "--jobs", "2", "--as-of", "2026-11-25")[1]
    assert text_1 == text_2


def test_globs_and_excludes(shared_drive: Path) -> None:
    code, text = run("validate", f"{shared_drive}/**/*.xlsx", "--exclude", "corrupt.xlsx", "--format", "json",
                     "--as-of", "2026-11-25")
    names = sorted(Path(f["file"]).name for f in json.loads(text)["files"])
    assert code == 1 and names == ["clean.xlsx", "open in excel.xlsx", "stale.xlsx"]
    assert run("validate", f"{shared_drive}/*.csv")[0] == 2


def test_max_findings_marks_the_file_partial() -> None:
    code, text = run("validate", str(resources.sample_path()), "--max-findings", "5", "--format", "json")
    (entry,) = json.loads(text)["files"]
    assert code == 1 and entry["partial"] is True and len(entry["findings"]) == 5
    assert "(partial: only the first 5 findings are shown)" in run(
        "validate", str(resources.sample_path()), "--max-findings", "5")[1]


def test_junit_report_validates_against_the_schema(shared_drive: Path) -> None:
    _, text = run("validate", str(shared_drive), "--format", "junit", "--as-of", "2026-11-25")
    schema = etree.XMLSchema(etree.parse(str(REF / "JUnit.xsd")))
    document = etree.fromstring(text.encode())
    schema.assertValid(document)
    failures = document.findall(".//testcase/failure")
    stale = [f for f in failures if f.get("type") == "stale-total"]
    assert len(stale) == 1
    case = stale[0].getparent()
    assert case.get("classname").endswith("stale.xlsx") and case.get("name") == "Register!K2 stale-total"


def test_sarif_report_validates_against_the_schema(shared_drive: Path) -> None:
    _, text = run("validate", str(shared_drive), "--format", "sarif", "--as-of", "2026-11-25")
    document = json.loads(text)
    sarif_schema = json.loads((REF / "sarif-schema-2.1.0.json").read_text())
    errors = list(Draft7Validator(sarif_schema).iter_errors(document))
    assert errors == []
    results = document["runs"][0]["results"]
    stale = next(r for r in results if r["ruleId"] == "stale-total")
    assert stale["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("stale.xlsx")
    assert stale["locations"][0]["logicalLocations"][0]["name"] == "Register!K2"
    assert stale["properties"]["cell"] == "K2"


def test_github_annotations_when_github_actions_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, text = run("validate", str(CASES / "invalid" / "total-stale.xlsx"))
    first = text.splitlines()[0]
    assert code == 1
    assert first.startswith("::error file=") and "title=Register!K2 stale-total::Priority total says 9" in first
    assert run("validate", str(CASES / "invalid" / "total-stale.xlsx"), "--format", "text")[1].startswith(
        str(CASES / "invalid" / "total-stale.xlsx"))


def test_settings_file_is_found_upwards_and_command_line_wins(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    (project / "registers" / "deep").mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        '[tool.xlreg]\nschema = "schemas/risk.json"\nfail-on = "warning"\nexclude = ["*draft*"]\n'
        'escalation-days = 14\n')
    monkeypatch.chdir(project / "registers" / "deep")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    settings = resolve({"fail-on": "never"}).values
    assert settings["fail-on"].value == "never" and settings["fail-on"].source == "command line"
    assert settings["schema"].value == str((project / "schemas" / "risk.json").resolve())
    assert settings["schema"].source == str(project / "pyproject.toml")
    assert settings["escalation-days"].value == 14 and settings["format"].source == "default"
    code, text = run("config", "show")
    assert code == 0 and "escalation-days = 14" in text.replace("  ", " ").replace("  ", " ")
    (project / "xlreg.toml").write_text('fail-on = "sometimes"\n')
    monkeypatch.chdir(project)
    assert run("config", "show")[0] == 2


def test_pre_commit_hook_definition() -> None:
    text = (Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text()
    assert "entry: xlreg validate" in text and "id: xlreg-validate" in text

"""Settings are resolved once, for every command: a settings file's schema, escalation days and exclude
patterns apply wherever they are meant to, whatever the current folder."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest

from xl_addin import cli

RISK_SCHEMA = Path(__file__).parent / "schemas" / "risk_register.schema.json"
TODAY = dt.date(2026, 11, 25)


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return cli.main(list(args), out=out), out.getvalue()


def _risk_schema_with_roles(path: Path) -> None:
    """The tests' risk register, with a review date and the roles priorities and overdue need."""
    document = json.loads(RISK_SCHEMA.read_text())
    document["properties"]["Review by"] = {"format": "date"}
    document["properties"]["Last reviewed"] = {"format": "date"}
    document["x-register"]["roles"].update({"ratings": ["Likelihood", "Impact"], "total": "Exposure",
                                            "targetDate": "Review by", "lastUpdate": "Last reviewed",
                                            "owner": "Treatment owner", "dateRaised": "Identified on",
                                            "closureDate": "Closed on"})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "project"
    _risk_schema_with_roles(folder / "schemas" / "risk.json")
    (folder / "xlreg.toml").write_text('schema = "schemas/risk.json"\nescalation-days = 7\n')
    monkeypatch.chdir(folder)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return folder


def _fill(path: Path) -> None:
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Risks"]
    header = [cell.value for cell in sheet[1]]
    # reviewed 10 days ago: escalated after 7 days, not after the default 30
    item = {"Risk ref": "R001", "Identified on": dt.date(2026, 1, 5), "Hazard": "Data centre flood",
            "Likelihood": 2, "Impact": 3, "State": "Treating", "Treatment owner": "Lena Vogel",
            "Review by": dt.date(2026, 10, 1), "Last reviewed": TODAY - dt.timedelta(days=10)}
    for name, value in item.items():
        sheet.cell(2, header.index(name) + 1, value)
    workbook.save(path)


def test_every_command_uses_the_settings_files_schema_and_escalation_days(project: Path) -> None:
    assert run("new", "risks.xlsx")[0] == 0
    assert "Risks" in openpyxl.load_workbook(project / "risks.xlsx").sheetnames
    _fill(project / "risks.xlsx")

    code, text = run("priorities", "risks.xlsx", "--format", "json")
    assert code == 0 and json.loads(text)["items"][0]["total"] == 5

    code, text = run("overdue", "risks.xlsx", "--format", "json", "--as-of", str(TODAY))
    report = json.loads(text)
    assert code == 0 and report["escalation_days"] == 7 and report["items"][0]["escalate"] is True
    code, text = run("overdue", "risks.xlsx", "--format", "json", "--as-of", str(TODAY), "--escalation-days", "30")
    assert json.loads(text)["items"][0]["escalate"] is False  # the command line wins

    assert run("snapshot", "risks.xlsx", "--as-of", f"{TODAY}T09:00")[0] == 0
    document = json.loads(next((project / "snapshots").glob("*.json")).read_text())
    overdue = next(table for table in document["review"] if table["key"] == "overdue-by-owner")
    assert overdue["rows"][0][0] == "Lena Vogel" and overdue["rows"][0][-1] == "Yes"

    assert run("priorities", "risks.xlsx", "--in-place")[0] == 0
    assert run("clear", "risks.xlsx", "--in-place")[0] == 0
    assert run("validate", "risks.xlsx", "--as-of", str(TODAY))[0] == 0


def test_without_the_settings_file_the_same_workbook_is_no_register(project: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    run("new", "risks.xlsx")
    (project / "xlreg.toml").unlink()
    assert run("priorities", "risks.xlsx")[0] == 2
    assert "No register found in risks.xlsx" in capsys.readouterr().err


def test_config_show_names_the_source_and_the_commands_of_each_key(project: Path) -> None:
    code, text = run("config", "show")
    assert code == 0 and f"Settings file: {project / 'xlreg.toml'}" in text
    line = next(line for line in text.splitlines() if line.startswith("escalation-days"))
    assert "= 7" in line and str(project / "xlreg.toml") in line and "used by overdue, snapshot" in line
    assert "used by validate" in next(line for line in text.splitlines() if line.startswith("fail-on"))


def test_exclude_patterns_are_relative_to_the_settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "shared"
    (project / "registers").mkdir(parents=True)
    (project / "archive" / "2024").mkdir(parents=True)
    clean = Path(__file__).parent / "cases" / "valid" / "id-valid.xlsx"
    stale = Path(__file__).parent / "cases" / "invalid" / "total-stale.xlsx"
    (project / "registers" / "current.xlsx").write_bytes(clean.read_bytes())
    (project / "archive" / "2024" / "old.xlsx").write_bytes(stale.read_bytes())
    (project / "xlreg.toml").write_text('exclude = ["archive/**"]\n')
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    for folder, argument in [(project, "."), (project / "registers", ".."), (project / "archive", "..")]:
        monkeypatch.chdir(folder)
        code, text = run("validate", argument, "--format", "json")
        names = [Path(entry["file"]).name for entry in json.loads(text)["files"]]
        assert (code, names) == (0, ["current.xlsx"]), folder

"""The command line: exit codes, formats and messages, in-process and once through the real entry point."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from xl_addin import cli, resources

CASES = Path(__file__).parent / "cases"


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return cli.main(list(args), out=out), out.getvalue()


def test_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    assert run("validate", str(resources.template_path()))[0] == 0
    assert run("validate", str(resources.sample_path()))[0] == 1
    assert run("validate", str(resources.sample_path()), "--fail-on", "never")[0] == 0
    assert run("validate", str(CASES / "invalid" / "header-missing-optional-column.xlsx"))[0] == 0
    assert run("validate", str(CASES / "invalid" / "header-missing-optional-column.xlsx"),
               "--fail-on", "warning")[0] == 1
    assert run("validate", str(bad), str(resources.sample_path()))[0] == 2
    assert run("validate")[0] == 2
    assert run("validate", "x.xlsx", "--as-of", "25/11/2026")[0] == 2
    assert "not a date in the form YYYY-MM-DD" in capsys.readouterr().err


def test_json_report_carries_every_location_field() -> None:
    code, text = run("validate", str(CASES / "invalid" / "total-stale.xlsx"), "--format", "json",
                     "--as-of", "2026-11-25")
    assert code == 1
    report = json.loads(text)
    assert report["version"] == 1
    assert report["summary"] == {"error": 1, "warning": 0, "info": 0}
    (finding,) = report["files"][0]["findings"]
    assert finding == {
        "code": "stale-total", "severity": "error", "file": str(CASES / "invalid" / "total-stale.xlsx"),
        "sheet": "Register", "cell": "K2", "row": 2, "column": "Priority total", "value": 9,
        "message": "Priority total says 9, but Customer impact, Risk reduction, Efficiency gain, Compliance "
                   "add up to 8.",
    }


def test_text_report_is_grouped_by_row() -> None:
    code, text = run("validate", str(CASES / "invalid" / "last-update-invalid.xlsx"), "--as-of", "2026-11-25")
    lines = text.splitlines()
    assert code == 1
    assert lines[0].endswith("(sheet Register, 3 items checked): 3 errors, 0 warnings, 0 info")
    assert [line.strip() for line in lines if line.strip().startswith("Row")] == ["Row 2", "Row 3", "Row 4"]
    assert lines[-1] == "1 file checked, 0 clean: 3 errors, 0 warnings, 0 info."


def test_bad_schema_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema = tmp_path / "broken.json"
    schema.write_text('{"type": "object", "properties": {"A": {"type": "strng"}}}')
    assert run("validate", str(resources.sample_path()), "--schema", str(schema))[0] == 2
    err = capsys.readouterr().err
    assert "is not a valid JSON Schema at properties/A/type" in err
    schema.write_text('{"properties": {"A": {}}, "notBefore": {"A": "B"}}')
    assert run("validate", str(resources.sample_path()), "--schema", str(schema))[0] == 2
    assert "refers to columns it does not define: B" in capsys.readouterr().err
    schema.write_text("{oops")
    assert run("validate", str(resources.sample_path()), "--schema", str(schema))[0] == 2
    assert "is not valid JSON (line 1" in capsys.readouterr().err


def test_new_creates_and_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "register.xlsx"
    assert run("new", str(path))[0] == 0
    assert path.read_bytes() == resources.template_path().read_bytes()
    assert run("new", str(path), "--sample")[0] == 2
    assert "already exists" in capsys.readouterr().err
    assert path.read_bytes() == resources.template_path().read_bytes()
    assert run("new", str(path), "--sample", "--force")[0] == 0
    assert path.read_bytes() == resources.sample_path().read_bytes()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".xlreg-")]


def test_internal_error_is_one_line_and_exit_3(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    import xl_addin.batch.checking

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(xl_addin.batch.checking, "check_file", explode)
    monkeypatch.delenv("XLREG_DEBUG", raising=False)
    assert run("validate", str(resources.sample_path()))[0] == 3
    err = capsys.readouterr().err
    assert err.startswith("xlreg: internal error (RuntimeError: boom)") and "Traceback" not in err


def test_console_entry_point_runs_as_a_process() -> None:
    script = Path(sys.executable).with_name("xlreg")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "xl_addin"]
    completed = subprocess.run([*command, "validate", str(resources.template_path()), "--format", "json"],
                               capture_output=True, text=True, timeout=60, check=False)
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["summary"]["error"] == 0
    help_text = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=60, check=True).stdout
    assert "Exit codes: 0 clean" in help_text


def test_priorities_and_overdue_json(tmp_path: Path) -> None:
    code, text = run("priorities", str(resources.sample_path()), "--format", "json")
    report = json.loads(text)
    assert code == 0 and len(report["items"]) == 60
    assert report["unrated_rows"] == [22, 24, 26]
    ranks = sorted(item["rank"] for item in report["items"] if item["rank"] is not None)
    assert ranks == list(range(1, len(ranks) + 1))
    code, text = run("overdue", str(resources.sample_path()), "--format", "json", "--as-of", "2026-11-25",
                     "--escalation-days", "60")
    report = json.loads(text)
    assert code == 0 and report["as_of"] == "2026-11-25" and report["escalation_days"] == 60
    first = report["items"][0]
    assert set(first) == {"row", "id", "owner", "status", "target_date", "days_overdue", "last_update", "escalate"}
    assert sum(len(ids) for ids in report["by_owner"].values()) == len(report["items"])


def test_writing_options_are_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sample = str(resources.sample_path())
    assert run("validate", sample, "--mark")[0] == 2
    assert "--mark needs -o OUT" in capsys.readouterr().err
    assert run("validate", sample, "-o", str(tmp_path / "x.xlsx"))[0] == 2
    assert "go with --mark" in capsys.readouterr().err
    assert run("priorities", sample, "-o", sample)[0] == 2
    assert "use --in-place" in capsys.readouterr().err
    assert run("priorities", sample, "-o", "a.xlsx", "--in-place")[0] == 2
    assert run("clear", sample)[0] == 2
    assert not (tmp_path / "x.xlsx").exists()


def test_no_arguments_lists_the_commands_and_version_and_module_entry_work() -> None:
    code, text = run()
    assert code == 0
    for command in ("validate", "priorities", "overdue", "clear", "snapshot", "diff", "new", "addin", "config",
                    "demo"):
        assert f"    {command}" in text, command
    completed = subprocess.run([sys.executable, "-m", "xl_addin", "--version"], capture_output=True, text=True,
                               timeout=60, check=True)
    from xl_addin import __version__
    assert completed.stdout.strip() == f"xlreg {__version__}"


@pytest.mark.parametrize("arguments", [["priorities", "--top", "-3"], ["priorities", "--top", "0"],
                                       ["overdue", "--escalation-days", "-5"], ["validate", "--jobs", "0"]])
def test_negative_counts_are_refused(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    command, *options = arguments
    assert run(command, str(resources.sample_path()), *options)[0] == 2
    assert "is not a whole number of" in capsys.readouterr().err


def test_one_unrated_row_is_a_row(tmp_path: Path) -> None:
    code, text = run("priorities", str(CASES / "invalid" / "ratings-missing.xlsx"))
    assert code == 0 and "No total for 1 item(s) with missing or invalid ratings (row 2)" in text
    assert "(rows 2, 3)" in run("priorities", str(CASES / "invalid" / "ratings-out-of-range.xlsx"))[1]


def test_text_report_keeps_a_long_location_apart_from_its_code(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.load_workbook(CASES / "invalid" / "total-stale.xlsx")
    workbook["Register"].title = "Findings Register"
    path = tmp_path / "long.xlsx"
    workbook.save(path)
    _, text = run("validate", str(path), "--as-of", "2026-11-25")
    line = next(line for line in text.splitlines() if "stale-total" in line)
    assert "Findings Register!K2  stale-total  Priority total says 9" in line

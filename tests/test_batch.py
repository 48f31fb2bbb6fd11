"""Batch validation: a folder of shared workbooks, one report, the same whatever the number of workers."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from lxml import etree

from xl_addin import cli, resources
from xl_addin.settings import resolve

CASES = Path(__file__).parent / "cases"
REF = Path(__file__).resolve().parent / "ref" / "reports"


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


def _junit(*args: str) -> tuple[int, etree._Element]:
    code, text = run("validate", *args, "--format", "junit", "--as-of", "2026-11-25")
    document = etree.fromstring(text.encode())
    etree.XMLSchema(etree.parse(str(REF / "JUnit.xsd"))).assertValid(document)
    return code, document


def _outcomes(document: etree._Element) -> dict[str, str]:
    return {Path(case.get("name")).name: (case[0].tag if len(case) else "pass")
            for case in document.iter("testcase")}


def test_junit_has_one_case_per_file_and_fail_on_decides_what_fails(shared_drive: Path) -> None:
    shutil.copyfile(CASES / "invalid" / "header-missing-optional-column.xlsx", shared_drive / "warned.xlsx")
    code, document = _junit(str(shared_drive))
    assert code == 2  # the corrupt file
    assert _outcomes(document) == {"clean.xlsx": "pass", "corrupt.xlsx": "error", "old.xls": "error",
                                   "open in excel.xlsx": "pass",  # an info finding never fails
                                   "stale.xlsx": "failure", "warned.xlsx": "pass"}
    suite = document.find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("6", "1", "2")
    stale = next(case for case in document.iter("testcase") if case.get("name").endswith("stale.xlsx"))
    assert stale[0].get("message") == "1 error" and "Register!K2" in stale[0].text
    assert "open-in-excel" in suite.find("system-out").text  # listed, though it fails nothing
    assert _outcomes(_junit(str(shared_drive), "--fail-on", "warning")[1])["warned.xlsx"] == "failure"
    never = _outcomes(_junit(str(shared_drive), "--fail-on", "never")[1])
    assert never["stale.xlsx"] == "pass" and never["corrupt.xlsx"] == "error"


def test_exclude_applies_to_files_named_on_the_command_line(shared_drive: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    named = [str(shared_drive / "clean.xlsx"), str(shared_drive / "team b" / "stale.xlsx")]
    code, text = run("validate", *named, "--exclude", "stale*", "--format", "json")
    assert code == 0 and [Path(f["file"]).name for f in json.loads(text)["files"]] == ["clean.xlsx"]
    (shared_drive / "xlreg.toml").write_text('exclude = ["team b/**"]\n')
    monkeypatch.chdir(shared_drive)  # as pre-commit runs, at the top of the repository, naming each file
    code, text = run("validate", "clean.xlsx", "team b/stale.xlsx", "--format", "json")
    assert [Path(f["file"]).name for f in json.loads(text)["files"]] == ["clean.xlsx"]


def test_xlregs_own_output_folders_are_not_walked(shared_drive: Path) -> None:
    (shared_drive / "snapshots").mkdir()
    shutil.copyfile(CASES / "invalid" / "total-stale.xlsx", shared_drive / "snapshots" / "clean_2026-11-25.xlsx")
    files = json.loads(run("validate", str(shared_drive), "--format", "json")[1])["files"]
    assert not any("snapshots" in f["file"] or "xlreg-backups" in f["file"] for f in files)
    named = run("validate", str(shared_drive / "snapshots"), "--format", "json")[1]  # asked for by name
    assert len(json.loads(named)["files"]) == 1


def test_a_missing_folder_or_file_is_said_once_in_one_wording(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, text = run("validate", str(tmp_path / "nosuchdir") + "/")
    assert code == 2 and text == ""  # nothing counted as checked
    assert capsys.readouterr().err == f"xlreg: Folder not found: {tmp_path / 'nosuchdir'}/.\n"
    missing = tmp_path / "nosuch.xlsx"
    for command in (["validate", str(missing)], ["priorities", str(missing), "-o", str(tmp_path / "o.xlsx")],
                    ["snapshot", str(missing)], ["overdue", str(missing)]):
        assert run(*command)[0] == 2
        assert f"File not found: {missing}" in capsys.readouterr().err, command


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


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_stops_promptly_with_the_report_so_far(tmp_path: Path, jobs: str) -> None:
    drive = tmp_path / "many"
    drive.mkdir()
    for index in range(1500):  # far more than can be checked before the interrupt
        os.link(resources.sample_path(), drive / f"team_{index:04d}.xlsx")
    command = [sys.executable, "-m", "xl_addin", "validate", str(drive), "--jobs", jobs, "--as-of", "2026-11-25"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.5)
    assert process.poll() is None, "the run ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    time.sleep(0.2)
    process.send_signal(signal.SIGINT)  # an impatient second Ctrl-C
    started = time.monotonic()
    try:
        out, err = process.communicate(timeout=10)
    finally:
        process.kill()
    assert time.monotonic() - started < 5
    assert process.returncode == 130
    assert "Traceback" not in err and err.strip().endswith("xlreg: interrupted"), err
    checked = int(re.search(r"^(\d+) files? checked", out, re.MULTILINE).group(1))
    assert 0 < checked < 1500
    assert f"Interrupted: {1500 - checked} file(s) were not checked." in out
    time.sleep(0.5)
    assert _processes_mentioning(str(drive)) == [], "workers left running"


def test_a_worker_killed_mid_run_costs_the_run_nothing(tmp_path: Path) -> None:
    drive = tmp_path / "many"
    drive.mkdir()
    for index in range(1500):
        os.link(resources.sample_path(), drive / f"team_{index:04d}.xlsx")
    # -X faulthandler: a run that hangs is made to say where (SIGABRT dumps every thread's stack)
    command = [sys.executable, "-X", "faulthandler", "-m", "xl_addin", "validate", str(drive), "--jobs", "2",
               "--as-of", "2026-11-25"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.5)
    assert process.poll() is None, "the run ended before a worker could be killed"
    [worker] = _children_of(process.pid)
    os.kill(worker, signal.SIGKILL)  # as the kernel's out-of-memory killer would
    try:
        out, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGABRT)
        _, stacks = process.communicate(timeout=30)
        pytest.fail(f"the run hung after its worker was killed; where it was:\n{stacks[-6000:]}")
    finally:
        process.kill()
    # the files it held are checked again, each alone: none of them was to blame, so the report is whole
    assert process.returncode == 1 and "Traceback" not in err, err
    assert re.search(r"^1500 files checked", out, re.MULTILINE) and "Interrupted" not in out
    assert "unreadable" not in out
    time.sleep(0.5)
    assert _processes_mentioning(str(drive)) == [], "workers left running"


def test_the_file_that_ends_its_worker_is_the_one_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from xl_addin.batch import checking, runner, workers
    from xl_addin.batch.checking import BatchOptions
    from xl_addin.workbook.formats.schema_file import load_schema

    paths = [tmp_path / f"team_{index:02d}.xlsx" for index in range(40)]
    for path in paths:
        os.link(resources.sample_path(), path)
    main_process = os.getpid()
    checked = checking.check_one

    def poisoned(path: Path, options: BatchOptions) -> Any:
        if path.name == "team_03.xlsx" and os.getpid() != main_process:
            os.kill(os.getpid(), signal.SIGKILL)  # a file that takes its process down
        return checked(path, options)

    monkeypatch.setattr(checking, "check_one", poisoned)  # forked workers inherit it
    monkeypatch.setattr(runner, "check_one", poisoned)
    monkeypatch.setattr(workers, "check_one", poisoned)
    options = BatchOptions(schema=load_schema(resources.default_schema_path()), today=dt.date(2026, 11, 25))
    results = runner.check_many(paths, options, jobs=2)
    assert [result.file for result in results] == [str(path) for path in paths]
    [lost] = [result for result in results if not result.checked]
    assert lost.file.endswith("team_03.xlsx") and lost.findings[0].code == "unreadable-file"
    assert "ended without an answer" in lost.findings[0].message
    assert all(result.rows_checked == results[0].rows_checked for result in results if result is not lost)


def _children_of(parent: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == parent:
                children.append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    return children


def _processes_mentioning(text: str) -> list[int]:
    """Processes whose command line holds `text` (forked workers keep their parent's)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and text.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found

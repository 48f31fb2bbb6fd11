"""Workbooks other readers handle (tests/corpus/odd/): each gets exit 0, 1 or 2 with one plain line that
names the file and what is wrong, never an internal error; with a register added, each is read (or, for
writing, refused in words) and written without touching the rest."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests import package_view as view

CORPUS = Path(__file__).resolve().parent / "corpus"
ODD = sorted((CORPUS / "odd").glob("*.xlsx"))


def xlreg(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "xl_addin", *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd, check=False)


def with_register(source: Path, folder: Path) -> Path:
    """The workbook with a Register sheet added by the corpus's own script (zip surgery, nothing rewritten)."""
    target = folder / f"register-{source.name}"
    subprocess.run([sys.executable, str(CORPUS / "add_register.py"), str(source), str(target)], check=True,
                   capture_output=True, timeout=120)
    os.chmod(target, stat.S_IRUSR | stat.S_IWUSR)
    return target


def test_the_odd_files_are_there() -> None:
    assert len(ODD) == 11


@pytest.mark.parametrize("source", ODD, ids=lambda path: path.name.split("__")[-1])
def test_each_gets_a_plain_finding_and_no_internal_error(source: Path) -> None:
    run = xlreg("validate", str(source), "--format", "json")
    assert run.returncode in (0, 1, 2), run.stderr
    assert run.stderr == ""
    (finding, *_) = json.loads(run.stdout)["files"][0]["findings"]
    message = finding["message"]
    assert source.name in message and "\n" not in message and "/tmp/" not in message, message
    assert "Traceback" not in message and "Error:" not in message


EXPECTED = {
    "49609.xlsx": "named with backslashes (xl\\styles.xml)",
    "badfile_noWorksheets.xlsx": "lists a sheet 'Tabelle1' whose part xl/worksheets/sheet1.xml is not in the file",
}


@pytest.mark.parametrize("ending, words", EXPECTED.items())
def test_what_is_wrong_is_named(ending: str, words: str) -> None:
    source = next(path for path in ODD if path.name.endswith(ending))
    report = json.loads(xlreg("validate", str(source), "--format", "json").stdout)
    (finding,) = report["files"][0]["findings"]
    assert finding["code"] == "unreadable-file" and words in finding["message"], finding["message"]


READABLE_WITH_A_REGISTER = [
    "DrawingSizeInPx.xlsx",  # a sheet formatted to the last row, beside drawings
    "large_strings.xlsx",  # a 54 MB sheet of long strings that deflates 250 times: no zip bomb
    "57893-many-merges.xlsx",  # 50,000 merged ranges
    "poc-shared-strings.xlsx",  # a sheet calamine cannot parse (openpyxl can)
    "sample-beta.xlsx",  # an Excel 2007 beta file
    "test-issue-176.xlsx",  # a sheet calamine cannot parse
    "test-row-styles.xlsx",  # a sheet state "show" (Excel writes visible)
    "badfile_noWorksheets.xlsx",  # other sheets' parts missing: the register is still read
]


@pytest.mark.parametrize("ending", READABLE_WITH_A_REGISTER)
def test_with_a_register_added_the_register_is_read(ending: str, tmp_path: Path) -> None:
    source = with_register(next(path for path in ODD if path.name.endswith(ending)), tmp_path)
    run = xlreg("validate", str(source), "--format", "json", "--as-of", "2026-11-25")
    assert run.returncode == 1, run.stdout + run.stderr
    entry = json.loads(run.stdout)["files"][0]
    # the corpus script gave the new sheet the part name the missing Tabelle1 was listed with, so Tabelle1,
    # first in the list, now reads as the register
    expected = "Tabelle1" if ending == "badfile_noWorksheets.xlsx" else "Register"
    assert (entry["sheet"], entry["rows_checked"]) == (expected, 5)


@pytest.mark.parametrize("ending", READABLE_WITH_A_REGISTER)
def test_with_a_register_added_writing_keeps_the_rest_or_refuses_in_words(ending: str, tmp_path: Path) -> None:
    original = with_register(next(path for path in ODD if path.name.endswith(ending)), tmp_path)
    work = tmp_path / "work.xlsx"
    shutil.copyfile(original, work)
    run = xlreg("validate", str(work), "--mark", "--in-place", "--as-of", "2024-02-15")
    if ending == "sample-beta.xlsx":  # its formats part is not in the format xlreg (or Excel 2007+) writes
        assert run.returncode == 2 and "pre-release of Excel 2007" in run.stderr, run.stderr
        assert work.read_bytes() == original.read_bytes()
        return
    assert run.returncode == 1, run.stderr
    before, after = view.parts(original), view.parts(work)
    owned = view.owned_parts(original, work, "Register")
    assert [name for name in before if name not in owned and after.get(name) != before[name]] == []
    assert view.notes(work, "Register")["B4"][0] == "xlreg"

"""The bundled sample reports exactly its planted problems; the template is clean; the demo works."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import AS_OF
from tests.helpers import cell_codes
from xl_addin import cli, resources
from xl_addin.usecases.check import check_file


def planted() -> list[tuple[str, str]]:
    problems = json.loads((resources.templates_dir() / "sample_register.problems.json").read_text())
    return sorted((problem["cell"], problem["code"]) for problem in problems)


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
def test_sample_reports_exactly_the_planted_problems(schema, reader: str) -> None:
    result = check_file(resources.sample_path(), schema, today=AS_OF, reader=reader)
    assert result.rows_checked == 60
    assert cell_codes(result) == planted()
    assert [f.message for f in result.findings] == [
        f.message for f in check_file(resources.sample_path(), schema, today=AS_OF, reader="openpyxl").findings]


def test_planted_problems_cover_every_row_rule() -> None:
    codes = {code for _, code in planted()}
    assert {"missing-value", "duplicate-id", "bad-format", "future-date", "not-in-list", "out-of-range",
            "not-whole-number", "number-as-text", "wrong-type", "stale-total", "required-for-status",
            "date-order", "must-be-empty", "date-as-text", "not-a-date", "unknown-column"} <= codes


def test_empty_template_is_clean(tmp_path: Path) -> None:
    out = io.StringIO()
    assert cli.main(["validate", str(resources.template_path())], out=out) == 0
    assert "0 errors, 0 warnings" in out.getvalue()


def test_demo_reports_every_planted_problem_and_exits_1(tmp_path: Path) -> None:
    """Run as a real process through the console entry point's module."""
    completed = subprocess.run([sys.executable, "-m", "xl_addin", "demo", "--dir", str(tmp_path / "demo")],
                               capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 1, completed.stderr
    assert completed.stderr == ""
    for cell, code in planted():
        line = next((line for line in completed.stdout.splitlines() if cell in line.split()), None)
        assert line is not None, cell
        assert code in line.split(), (cell, code, line)
    assert (tmp_path / "demo" / "sample_register.xlsx").is_file()
    assert "Changed: Priority total for 57 items (1 typed-in total(s) corrected" in completed.stdout
    assert "Changed: highlighted" in completed.stdout
    assert "Changed: filled and annotated 24 cells with a finding" in completed.stdout
    import openpyxl

    assert "Findings" in openpyxl.load_workbook(tmp_path / "demo" / "sample_register.xlsx").sheetnames
    assert len(list((tmp_path / "demo" / "snapshots").glob("sample_register_*.json"))) == 1
    assert list((tmp_path / "demo" / "xlreg-backups").glob("sample_register.*.xlsx"))
    assert len(list((tmp_path / "demo" / "reminders").glob("*.eml"))) == 7  # one per owner, at made-up addresses

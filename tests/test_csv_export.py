"""CSV exports never hand a spreadsheet a formula: text starting with = + - @ tab or carriage return is
neutralised, and the text itself survives."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import AS_OF
from xl_addin.cli import main
from xl_addin.report.csv_export import FORMULA_STARTS, csv_text, neutralise
from xl_addin.resources import sample_path

DANGEROUS = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
             "=cmd|' /C calc'!A0"]


def test_each_dangerous_start_is_neutralised_and_kept_readable() -> None:
    for text in DANGEROUS:
        assert neutralise(text) == "'" + text
    assert neutralise("Plain text") == "Plain text" and neutralise(None) == "" and neutralise(-3) == "-3"


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(st.one_of(st.text(), st.integers(), st.none()), min_size=1, max_size=4), max_size=5))
def test_no_exported_cell_starts_a_formula(rows: list[list[object]]) -> None:
    width = max((len(row) for row in rows), default=1)
    text = csv_text([f"c{i}" for i in range(width)], rows)
    for row in csv.reader(io.StringIO(text, newline="")):
        for cell in row:
            assert not (cell.startswith(FORMULA_STARTS) and not cell.lstrip("-").isdigit()), cell


def test_validate_csv_neutralises_a_planted_formula_in_a_register(tmp_path: Path) -> None:
    path = tmp_path / "register.xlsx"
    shutil.copyfile(sample_path(), path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Register"]
    sheet["P2"] = "=HYPERLINK(\"http://evil.example\",\"click\")"  # Success metric, in a Completed row
    sheet["P2"].data_type = "s"
    sheet["C2"] = "@SUM(1+1)"  # Source: not in the list, so its value is in a finding
    workbook.save(path)
    out = io.StringIO()
    assert main(["validate", str(path), "--format", "csv", "--as-of", AS_OF.isoformat()], out=out) == 1
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    planted = [row for row in rows if row["cell"] == "C2"]
    assert planted and planted[0]["value"] == "'@SUM(1+1)" and planted[0]["code"] == "not-in-list"
    assert all(not value.startswith(FORMULA_STARTS) for row in rows for value in row.values() if value)

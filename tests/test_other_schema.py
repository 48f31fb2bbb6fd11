"""Another organisation's register works by swapping the schema: nothing of the improvement register leaks."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import openpyxl

from xl_addin import cli
from xl_addin.resources import default_schema_path
from xl_addin.workbook.formats.schema_file import load_schema

RISK_SCHEMA = Path(__file__).parent / "schemas" / "risk_register.schema.json"


def test_risk_schema_shares_no_column_with_the_default() -> None:
    risk = {c.name.casefold() for c in load_schema(RISK_SCHEMA).columns}
    default = {c.name.casefold() for c in load_schema(default_schema_path()).columns}
    assert risk and not risk & default


def test_new_and_validate_with_another_schema(tmp_path: Path) -> None:
    path = tmp_path / "risks.xlsx"
    assert cli.main(["new", str(path), "--schema", str(RISK_SCHEMA)], out=io.StringIO()) == 0
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Risks"]
    assert list(sheet.tables) == ["Risks"]
    rows = [
        ["R001", dt.date(2026, 1, 5), "Data centre flood", 2, 3, None, "Treating", "Lena Vogel", None],
        ["R001", dt.date(2026, 2, 5), "Key supplier fails", 6, 3, None, "Closed", None, dt.date(2026, 1, 1)],
        ["R3", dt.date(2026, 2, 9), "Staff turnover", 1, 1, 5, "Treating", None, None],
    ]
    for offset, values in enumerate(rows, start=2):
        for column, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(offset, column, value)
    workbook.save(path)
    out = io.StringIO()
    code = cli.main(["validate", str(path), "--schema", str(RISK_SCHEMA), "--format", "json",
                     "--as-of", "2026-11-25"], out=out)
    assert code == 1
    report = json.loads(out.getvalue())
    found = sorted((f["cell"], f["code"]) for f in report["files"][0]["findings"])
    assert found == [
        ("A2", "duplicate-id"), ("A3", "duplicate-id"), ("A4", "bad-format"),
        ("D3", "out-of-range"), ("F4", "stale-total"), ("H4", "required-for-status"), ("I3", "date-order"),
    ]
    messages = {f["cell"]: f["message"] for f in report["files"][0]["findings"]}
    assert messages["H4"] == "Treatment owner is required when State is Treating, but it is empty."
    assert messages["A4"] == "Risk ref must look like R001; found 'R3'."

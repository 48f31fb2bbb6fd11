"""The Python API: the README's example runs as written, the DataFrame is typed by the schema, and a frame is
checked like a register."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import xl_addin
from tests.conftest import AS_OF
from xl_addin import resources

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_example_runs_and_prints_the_samples_items_and_findings() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.search(r"<!-- api-example:start -->\n```python\n(.*?)```\n<!-- api-example:end -->", readme,
                     re.S)
    assert code is not None
    completed = subprocess.run([sys.executable, "-c", code.group(1)], cwd=ROOT, capture_output=True, text=True,
                               timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    lines = completed.stdout.splitlines()
    assert lines[0] == "60 items, 25 findings"
    assert lines[1] == str({"Completed": 19, "In progress": 16, "Planned": 14, "Cancelled": 5, "Identified": 2,
                            "On hold": 2})
    assert lines[3] == "20 overdue"
    assert "S4         future-date" in completed.stdout


def test_the_dataframe_is_typed_by_the_schema() -> None:
    register = xl_addin.open_register(resources.sample_path())
    frame = register.to_dataframe()
    assert frame.index.name == "row" and list(frame.index[:3]) == [2, 3, 4] and len(frame) == 60
    dtypes = {name: str(dtype) for name, dtype in frame.dtypes.items()}
    for column in ("Date raised", "Target date", "Closure date", "Last update"):
        assert dtypes[column].startswith("datetime64"), column
    for column in ("Customer impact", "Risk reduction", "Efficiency gain", "Compliance", "Priority total",
                   "Priority rank"):
        assert dtypes[column] == "Int64", column
    for column in ("Source", "Type", "Area", "Status"):
        assert dtypes[column] == "category", column
        assert list(frame[column].cat.categories) == list(register.schema.column(column).choices)
    assert dtypes["ID"] == dtypes["Description"] == "string"
    assert frame.loc[2, "ID"] == "IMP-0001" and frame.loc[2, "Date raised"] == pd.Timestamp("2025-11-28")
    # a value of the wrong kind is missing in the frame and named by findings()
    assert pd.isna(frame.loc[24, "Risk reduction"])
    assert ("H24", "number-as-text") in {(f.cell, f.code) for f in register.findings(as_of=AS_OF)}


def test_validate_dataframe_names_cells_and_keeps_the_sheets_own() -> None:
    frame = pd.DataFrame({"id": ["IMP-0001", "X-1"], "STATUS": ["Planned", "Parked"]})
    found = xl_addin.validate_dataframe(frame, as_of=AS_OF)
    assert list(found.columns) == ["code", "severity", "cell", "row", "column", "value", "message"]
    cells = set(zip(found["cell"], found["code"], strict=True))
    assert {("A3", "bad-format"), ("B3", "not-in-list")} <= cells
    assert "found 'Parked'" in found.loc[found["cell"] == "B3", "message"].item()
    sample = xl_addin.open_register(resources.sample_path()).to_dataframe()
    on_sheet = xl_addin.validate_dataframe(sample, as_of=AS_OF)
    assert ("S4", "future-date") in set(zip(on_sheet["cell"], on_sheet["code"], strict=True))


def test_a_file_without_a_register_raises_with_the_commands_message(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("not a workbook")
    with pytest.raises(xl_addin.ActionFailed, match="not an Excel workbook"):
        xl_addin.open_register(path)


def test_overdue_and_priorities_match_the_engine() -> None:
    register = xl_addin.open_register(resources.sample_path())
    assert len(register.overdue(as_of=dt.date(2026, 11, 25))) == 20
    assert register.priorities().ranked[0].item_id == "IMP-0039"


def test_the_dataframe_holds_every_column_and_the_engines_totals_and_ranks(tmp_path: Path) -> None:
    register = xl_addin.open_register(resources.sample_path())
    frame = register.to_dataframe()
    # the template's Priority total formulas have no values until Excel saves the file: the engine's totals
    assert frame["Priority total"].notna().sum() == len([item for item in register.priorities().items
                                                         if item.total is not None])
    ranks = {item.row: item.rank for item in register.priorities().items}
    assert [None if pd.isna(value) else int(value) for value in frame["Priority rank"]] == \
        [ranks[row] for row in frame.index]
    assert list(frame.columns)[-1] == "Notes" and frame.loc[5, "Notes"] == "Raised at the March review"
    found = register.findings_dataframe(as_of=AS_OF)
    assert list(found.columns) == ["cell", "code", "severity", "message", "item_id", "row", "column", "value"]
    row = found[found["code"] == "future-date"].iloc[0]
    assert (row["cell"], row["item_id"], row["severity"]) == ("S4", "IMP-0003", "error")
    assert pd.isna(found[found["code"] == "unknown-column"].iloc[0]["item_id"])  # about the header, no item


def test_open_register_reads_through_a_mapping(tmp_path: Path) -> None:
    from tests import ordinary_register

    built = ordinary_register.build_register(tmp_path)
    mapping = tmp_path / "ci.toml"
    from xl_addin import cli

    assert cli.main(["map", str(built.path), "-o", str(mapping)], out=__import__("io").StringIO()) == 0
    register = xl_addin.open_register(built.path, mapping=mapping)
    frame = register.to_dataframe()
    assert list(frame["ID"][:2]) == ["CI-001", "CI-002"] and "Comments" in frame.columns
    assert not [f for f in register.findings(as_of=AS_OF) if f.code == "bad-format"]
    with pytest.raises(xl_addin.ActionFailed, match="Mapping file not found"):
        xl_addin.open_register(built.path, mapping=tmp_path / "none.toml")

"""Every rule has passing and failing reference cases on disk; compare (cell, code) lists exactly."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tests.cases import build_cases
from tests.conftest import AS_OF
from tests.helpers import cell_codes
from xl_addin.engine.findings import Severity
from xl_addin.usecases.check import check_file

CASES_DIR = Path(__file__).parent / "cases"
CASE_FILES = sorted(CASES_DIR.glob("*/*.xlsx"))


def test_every_case_on_disk_comes_from_the_generator() -> None:
    on_disk = {path.stem for path in CASE_FILES}
    assert on_disk == {case.name for case in build_cases.CASES}


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
@pytest.mark.parametrize("path", CASE_FILES, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_reference_case(path: Path, schema, reader: str) -> None:
    """Both readers give exactly the expected findings, so they give identical findings."""
    expected = [tuple(pair) for pair in json.loads(path.with_suffix(".expected.json").read_text())]
    result = check_file(path, schema, today=AS_OF, name=path.name, reader=reader)
    assert cell_codes(result) == sorted(expected)
    worst = result.worst()
    if path.parent.name == "valid":
        assert worst is None or worst < Severity.WARNING
    else:
        assert worst is not None and worst >= Severity.WARNING


@pytest.mark.parametrize("case", build_cases.CASES, ids=lambda case: case.name)
def test_committed_case_matches_its_generator(case: build_cases.Case, tmp_path: Path) -> None:
    build_cases.build_case(case, tmp_path)
    built = next(tmp_path.glob(f"*/{case.name}.xlsx"))
    committed = CASES_DIR / built.parent.name / built.name
    assert committed.with_suffix(".expected.json").read_text() == built.with_suffix(".expected.json").read_text()
    assert _cells(committed) == _cells(built)


def _cells(path: Path) -> list[list[object]]:
    workbook = openpyxl.load_workbook(path)
    return [[cell.value for cell in row] for sheet in workbook.worksheets for row in sheet.iter_rows()]


def test_rules_have_failing_and_passing_cases() -> None:
    """Every row-level code of the schema appears in a failing case; every rule group has a passing case."""
    failing = {code for case in build_cases.CASES for _, _, code in case.expected}
    for code in ["missing-value", "duplicate-id", "bad-format", "future-date", "not-in-list", "out-of-range",
                 "not-whole-number", "number-as-text", "wrong-type", "stale-total", "required-for-status",
                 "date-order", "must-be-empty", "date-as-text", "not-a-date", "missing-column", "unknown-column"]:
        assert code in failing, code
    passing = {case.name.split("-")[0] for case in build_cases.CASES if case.valid}
    assert {"id", "date", "choices", "area", "ratings", "total", "owner", "target", "status", "metric",
            "outcome", "last", "header"} <= passing

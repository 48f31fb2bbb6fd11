"""The template is generated from the schema: regenerating it gives the committed workbook, part by part."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from tests.helpers import package_parts
from xl_addin import resources
from xl_addin.ooxml.refs import column_letter

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rebuilt")
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_workbooks.py"), "--out", str(out)],
                   check=True, capture_output=True, timeout=120)
    return out


@pytest.mark.parametrize("name", ["improvement_register.xlsx", "sample_register.xlsx",
                                  "sample_register.problems.json", "SAMPLE_PROBLEMS.md"])
def test_committed_file_matches_generator(rebuilt: Path, name: str) -> None:
    committed, built = resources.templates_dir() / name, rebuilt / name
    if name.endswith(".xlsx"):
        assert package_parts(committed) == package_parts(built)
    else:
        assert committed.read_text() == built.read_text()


def test_template_layout_follows_schema(schema) -> None:
    workbook = openpyxl.load_workbook(resources.template_path())
    sheet = workbook[schema.sheet]
    headers = [cell.value for cell in sheet[1]]
    assert headers == [column.name for column in schema.columns]
    assert list(sheet.tables) == ["Register"]
    assert sheet.tables["Register"].ref.startswith("A1:")
    assert sheet.freeze_panes == "B2"
    validations = {str(dv.sqref).split(":")[0][:-1] if dv.sqref else "": dv
                   for dv in sheet.data_validations.dataValidation}
    for index, column in enumerate(schema.columns, start=1):
        letter = column_letter(index)
        assert sheet.column_dimensions[letter].width == column.width
        validation = validations.get(letter)
        if column.kind == "choice":
            assert validation.type == "list"
            assert validation.formula1.strip('"').split(",") == list(column.choices)
        if column.kind == "rating":
            assert (validation.type, validation.operator, validation.formula1, validation.formula2) == \
                ("whole", "between", "1", "3")
            assert validation.showErrorMessage and "whole number from 1 to 3" in validation.error
        if column.description and validation is not None:
            assert validation.prompt == column.description[:255]
        if column.kind == "date":
            assert sheet[f"{letter}2"].number_format == "yyyy-mm-dd"
    total = [c.name for c in schema.columns].index("Priority total") + 1
    assert sheet.cell(2, total).value == (
        '=IF(COUNT(G2,H2,I2,J2)<4,"",IF(AND(G2=INT(G2),G2>=1,G2<=3,H2=INT(H2),H2>=1,H2<=3,I2=INT(I2),I2>=1,I2<=3,'
        'J2=INT(J2),J2>=1,J2<=3),SUM(G2,H2,I2,J2),""))')
    rules = [rule for cf in sheet.conditional_formatting for rule in cf.rules]
    assert len(rules) == 1
    assert rules[0].formula == ['AND(ISNUMBER($N2),$N2<TODAY(),$O2<>"Completed",$O2<>"Cancelled",$O2<>"On hold")']

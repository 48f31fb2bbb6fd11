"""Everything a person may have put in a register workbook, read back feature by feature for comparison."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from xl_addin import resources

PERSON_FILL = PatternFill(fill_type="solid", start_color="FF92D050", end_color="FF92D050")


def rich_register(folder: Path, *, chart: bool = False) -> Path:
    """The sample register with a person's own formatting on top: fills (one on an overdue row), a note,
    a data validation, a conditional format, a defined name, a second sheet and optionally a chart."""
    path = folder / "rich.xlsx"
    shutil.copyfile(resources.sample_path(), path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Register"]
    sheet["F3"].fill = PERSON_FILL
    sheet["A58"].fill = PERSON_FILL  # IMP-0057 is overdue in the sample
    sheet["F10"].comment = Comment("Check with the CAB first", "Priya Shah")
    validation = DataValidation(type="textLength", operator="lessThan", formula1="200")
    validation.add("F2:F201")
    sheet.add_data_validation(validation)
    sheet.conditional_formatting.add("G2:J201", CellIsRule(operator="equal", formula=["3"],
                                                           font=openpyxl.styles.Font(bold=True)))
    workbook.defined_names["OpenItems"] = DefinedName("OpenItems", attr_text="Register!$A$2:$A$61")
    sheet.column_dimensions["F"].width = 55
    notes = workbook.create_sheet("Review notes")
    notes["A1"] = "Reviewed at the November management review"
    notes["A2"] = dt.date(2026, 11, 20)
    if chart:
        counts = workbook.create_sheet("Chart data")
        for row in [("Status", "Items"), ("Planned", 12), ("In progress", 14), ("Completed", 20)]:
            counts.append(row)
        bar = BarChart()
        bar.add_data(Reference(counts, min_col=2, min_row=1, max_row=4), titles_from_data=True)
        bar.set_categories(Reference(counts, min_col=1, min_row=2, max_row=4))
        counts.add_chart(bar, "D2")
    workbook.save(path)
    return path


def features(path: Path) -> dict[str, Any]:
    """The person-made features of a workbook, for before/after comparison."""
    workbook = openpyxl.load_workbook(path)
    found: dict[str, Any] = {
        "sheets": [(ws.title, ws.sheet_state) for ws in workbook.worksheets],
        "defined names": {name: dn.attr_text for name, dn in workbook.defined_names.items()},
    }
    for ws in workbook.worksheets:
        if ws.title == "xlreg_marks":
            continue
        found[f"{ws.title}: freeze"] = ws.freeze_panes
        found[f"{ws.title}: widths"] = {k: v.width for k, v in ws.column_dimensions.items()}
        found[f"{ws.title}: validations"] = sorted(((str(dv.sqref), dv.type, dv.formula1)
                                                    for dv in ws.data_validations.dataValidation), key=str)
        found[f"{ws.title}: conditional formats"] = sorted((
            (str(cf.sqref), rule.type, tuple(rule.formula or ())) for cf in ws.conditional_formatting
            for rule in cf.rules), key=str)
        found[f"{ws.title}: tables"] = {name: ws.tables[name].ref for name in ws.tables}
        found[f"{ws.title}: charts"] = len(ws._charts)
    return found


def fills(path: Path) -> dict[tuple[str, str], tuple[Any, Any]]:
    workbook = openpyxl.load_workbook(path)
    return {(ws.title, cell.coordinate): (cell.fill.fill_type, cell.fill.fgColor.rgb)
            for ws in workbook.worksheets for row in ws.iter_rows() for cell in row if cell.fill.fill_type}


def notes(path: Path) -> dict[tuple[str, str], tuple[str, str]]:
    workbook = openpyxl.load_workbook(path)
    return {(ws.title, cell.coordinate): (cell.comment.author, cell.comment.text)
            for ws in workbook.worksheets for row in ws.iter_rows() for cell in row if cell.comment}


def values(path: Path, sheet: str = "Register") -> list[list[Any]]:
    workbook = openpyxl.load_workbook(path)
    return [[cell.value for cell in row] for row in workbook[sheet].iter_rows()]

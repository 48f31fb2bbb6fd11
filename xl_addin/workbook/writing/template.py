"""Build a register workbook from its schema: table, dropdowns, date formats, formulas, live overdue fill."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableColumn, TableFormula, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from xl_addin.engine.schema import Column, RegisterSchema
from xl_addin.ooxml.refs import column_letter

# Empty rows made ready below the items (formulas, formats, dropdowns): enough to type into, few enough that
# printing the sheet gives no pages of empty rows. Typing below them, Excel grows the table and carries its
# formulas, dropdowns and formats down; xlreg import grows them too.
SPARE_ROWS = 20
DATE_FORMAT = "yyyy-mm-dd"
# The live overdue rule colours the text, not the cells: a conditional fill would cover the fill of a cell that
# Validate marked (in Excel as in LibreOffice), hiding the mark on exactly the rows that need attention.
OVERDUE_FONT = Font(color="FF9C0006", bold=True)
HEADER_FILL = PatternFill(fill_type="solid", start_color="FF1F4E78", end_color="FF1F4E78")
# Fixed so that building twice gives the same parts (openpyxl still stamps the save time in docProps).
BUILD_TIME = dt.datetime(2026, 1, 1)
_INLINE_LIST_LIMIT = 255  # Excel's limit for a list typed into the validation itself


def _letters(schema: RegisterSchema, extra: Sequence[str]) -> dict[str, str]:
    names = [column.name for column in schema.columns] + list(extra)
    return {name: column_letter(index) for index, name in enumerate(names, start=1)}


def _total_expression(refs: Sequence[str], parts: Sequence[Column]) -> str:
    """Blank until every rating is a valid whole number in range, as the engine computes it, so an empty row
    shows no 0 and an invalid rating shows no total."""
    joined = ",".join(refs)
    checks = []
    for ref, column in zip(refs, parts, strict=True):
        checks.append(f"{ref}=INT({ref})")
        if column.minimum is not None:
            checks.append(f"{ref}>={column.minimum}")
        if column.maximum is not None:
            checks.append(f"{ref}<={column.maximum}")
    # COUNT first: comparing text would give #VALUE!, and AND does not stop early.
    return f'IF(COUNT({joined})<{len(refs)},"",IF(AND({",".join(checks)}),SUM({joined}),""))'


def total_formula(parts: Sequence[Column], letters: Mapping[str, str], row: int) -> str:
    return "=" + _total_expression([f"{letters[part.name]}{row}" for part in parts], parts)


def _table_formula(parts: Sequence[Column], table: str) -> str:
    return _total_expression([f"{table}[[#This Row],[{part.name}]]" for part in parts], parts)


def overdue_formula(schema: RegisterSchema, letters: Mapping[str, str], row: int) -> str | None:
    """The conditional-format test for an overdue row: target date passed and status neither closed nor on
    hold."""
    target, status = schema.role("targetDate"), schema.role("status")
    if not target or not status or target not in letters or status not in letters:
        return None
    closed = "".join(f',${letters[status]}{row}<>"{name}"'
                     for name in (*schema.closed_statuses, *schema.on_hold_statuses))
    return f"AND(ISNUMBER(${letters[target]}{row}),${letters[target]}{row}<TODAY(){closed})"


def _validation_for(column: Column, lists: Worksheet, lists_used: list[int]) -> DataValidation | None:
    prompt = {"promptTitle": column.name[:32], "prompt": column.description[:255], "showInputMessage": True}
    if column.kind == "choice" and column.choices:
        inline = ",".join(column.choices)
        if len(inline) + 2 <= _INLINE_LIST_LIMIT and not any("," in choice for choice in column.choices):
            source = f'"{inline}"'
        else:
            lists_used.append(1)
            col = column_letter(len(lists_used))
            lists.cell(1, len(lists_used), column.name)
            for offset, choice in enumerate(column.choices, start=2):
                lists.cell(offset, len(lists_used), choice)
            source = f"{lists.title}!${col}$2:${col}${len(column.choices) + 1}"
        return DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True,
                              errorTitle=column.name[:32],
                              error=f"Choose one of: {', '.join(column.choices)}"[:255], **prompt)
    if column.kind == "rating" and column.minimum is not None and column.maximum is not None:
        return DataValidation(type="whole", operator="between", formula1=str(column.minimum),
                              formula2=str(column.maximum), allow_blank=True, showErrorMessage=True,
                              errorTitle=column.name[:32],
                              error=f"{column.name} must be a whole number from {column.minimum} to "
                                    f"{column.maximum}.", **prompt)
    if column.kind == "date":
        return DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True,
                              showErrorMessage=True, errorTitle=column.name[:32],
                              error=f"{column.name} must be a date, for example 2026-11-25.", **prompt)
    if column.description:
        return DataValidation(type=None, allow_blank=True, **prompt)
    return None


def build_workbook(schema: RegisterSchema, *, items: Sequence[Mapping[str, Any]] = (),
                   extra_columns: Sequence[str] = (), rows: int | None = None) -> Workbook:
    """A register workbook for `schema`, optionally filled with items (column name -> value): `rows` data rows
    in all (at least one per item), by default the items and SPARE_ROWS more."""
    rows = max(rows, len(items)) if rows is not None else len(items) + SPARE_ROWS
    letters = _letters(schema, extra_columns)
    names = list(letters)
    last_row = rows + 1
    last_letter = letters[names[-1]]

    workbook = Workbook()
    workbook.properties.creator = "xlreg"
    workbook.properties.created = BUILD_TIME
    sheet = workbook.active
    assert sheet is not None
    sheet.title = schema.sheet
    lists = workbook.create_sheet("Lists")
    lists.sheet_state = "hidden"
    lists_used: list[int] = []

    for index, name in enumerate(names, start=1):
        cell = sheet.cell(1, index, name)
        cell.font = Font(bold=True, color="FFFFFFFF")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = "B2"
    # printed landscape, one page wide, the header repeated on every page
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.print_title_rows = "1:1"

    by_name = {column.name: column for column in schema.columns}
    for name, letter in letters.items():
        column = by_name.get(name)
        sheet.column_dimensions[letter].width = column.width if column else 24
        if column is None:
            continue
        cell_range = f"{letter}2:{letter}{last_row}"
        validation = _validation_for(column, lists, lists_used)
        if validation is not None:
            validation.add(cell_range)
            sheet.add_data_validation(validation)
        number_format = DATE_FORMAT if column.kind == "date" else "0" if column.numeric else None
        for row in range(2, last_row + 1):
            target = sheet.cell(row, names.index(name) + 1)
            if number_format:
                target.number_format = number_format
            if column.kind in ("text",):
                target.alignment = Alignment(wrap_text=True, vertical="top")

    for offset, item in enumerate(items, start=2):
        for name, value in item.items():
            sheet.cell(offset, names.index(name) + 1, value)
    for total, part_names in schema.sums.items():
        column_number = names.index(total) + 1
        parts = [schema.column(name) for name in part_names]
        for row in range(2, last_row + 1):
            cell = sheet.cell(row, column_number)
            if cell.value is None:
                cell.value = total_formula(parts, letters, row)

    table = Table(displayName=schema.table, ref=f"A1:{last_letter}{last_row}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    table.tableColumns = [TableColumn(id=index, name=name) for index, name in enumerate(names, start=1)]
    for column_spec in table.tableColumns:
        if column_spec.name in schema.sums:
            formula = _table_formula([schema.column(n) for n in schema.sums[column_spec.name]], schema.table)
            column_spec.calculatedColumnFormula = TableFormula(attr_text=formula)
    sheet.add_table(table)

    overdue = overdue_formula(schema, letters, 2)
    if overdue:
        sheet.conditional_formatting.add(f"A2:{last_letter}{last_row}",
                                         FormulaRule(formula=[overdue], font=OVERDUE_FONT, stopIfTrue=False))
    if not lists_used:
        workbook.remove(lists)
    return workbook


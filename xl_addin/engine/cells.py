"""Problems a cell has whatever the schema says: formula errors, and control characters in text."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from xl_addin.engine.columns import rows_holding
from xl_addin.engine.findings import Finding, Severity, define
from xl_addin.engine.register import CellError, Register

FORMULA_ERROR = define(
    "formula-error", "Formula error", Severity.ERROR,
    "The cell shows `#REF!`, `#N/A`, `#DIV/0!` or another formula error instead of a value.",
    "{column} shows the error {code}: the formula in this cell is broken (for example it refers to a deleted "
    "cell or finds nothing); fix the formula or type the value.")
CONTROL_CHARACTERS = define(
    "control-characters", "Invisible control characters", Severity.WARNING,
    "Text holds invisible control characters (usually pasted from another system); they print as nothing or "
    "as boxes.",
    "{column} contains invisible control characters ({characters}); retype the text or remove them with "
    "CLEAN().")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def cell_findings(register: Register) -> dict[int, dict[str, Finding]]:
    """Item index -> column -> finding; a column-wise scan, as these are rare."""
    found: dict[int, dict[str, Finding]] = defaultdict(dict)
    for column, values in register.cells.items():
        # tested once per distinct value: almost every column has neither
        odd = {v for v in register.distinct(column)
               if type(v) is CellError or (type(v) is str and _CONTROL.search(v))}
        number = register.columns[column]
        for index in rows_holding(values, odd):
            value = values[index]
            where: dict[str, Any] = {"sheet": register.sheet, "row": register.row_numbers[index],
                                     "column_number": number, "column": register.heading(column)}
            if type(value) is str:
                shown = ", ".join(sorted({f"U+{ord(c):04X}" for c in _CONTROL.findall(value)}))
                found[index][column] = CONTROL_CHARACTERS.at(register.file, **where, value=value, characters=shown)
            else:
                found[index][column] = FORMULA_ERROR.at(register.file, **where, value=value.code, code=value.code)
    return found

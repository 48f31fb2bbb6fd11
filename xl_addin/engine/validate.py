"""Check a register against its schema: the header row, the odd cells, and every item through the schema,
each error turned into a finding people can act on."""

from __future__ import annotations

import datetime as dt

from xl_addin.engine.adopt import reading_findings
from xl_addin.engine.cells import FORMULA_ERROR, cell_findings
from xl_addin.engine.classify import MUST_BE_EMPTY, row_finding
from xl_addin.engine.findings import EMPTY_REGISTER, Finding
from xl_addin.engine.header import layout_findings
from xl_addin.engine.keywords import RegisterContext, register_validator
from xl_addin.engine.keywords.needs_follow_up import follow_ups
from xl_addin.engine.keywords.unique_in_register import occurrences
from xl_addin.engine.mapped import with_id_pattern
from xl_addin.engine.quick import doubtful_rows
from xl_addin.engine.register import Register
from xl_addin.engine.row_errors import row_errors
from xl_addin.engine.schema import RegisterSchema


def register_context(register: Register, schema: RegisterSchema, *, today: dt.date) -> RegisterContext:
    """The facts about the whole register that the row keywords consult."""
    unique = schema.document.get("uniqueInRegister", [])
    follow_up = schema.document.get("needsFollowUp")
    return RegisterContext(today=today, occurrences=occurrences(unique, register.cells, register.row_numbers),
                           follow_ups=follow_ups(follow_up, register.cells) if follow_up else frozenset())


def check_register(register: Register, schema: RegisterSchema, *, today: dt.date,
                   quick: bool = True) -> list[Finding]:
    """Every finding for one register, sorted by place.

    With `quick`, only rows that column-wise checks derived from the schema cannot clear are validated, by
    engine.row_errors; without, every row by jsonschema. The findings are the same either way.
    """
    found = layout_findings(register, schema) + reading_findings(register, schema)
    if register.id_form is not None:  # IDs checked against the register's own form
        schema = with_id_pattern(schema, register.id_form.pattern)
    absent = {column.name for column in schema.columns if column.name not in register.columns}
    context = register_context(register, schema, today=today)
    doubtful = doubtful_rows(schema.document, context, register) if quick else None
    odd_cells = cell_findings(register)
    indexes = sorted({*doubtful, *odd_cells}) if doubtful is not None else range(len(register))
    # Rows the quick checks flag get the same errors without jsonschema (engine.row_errors); a schema beyond
    # them gets jsonschema's validator, built only when a row needs it.
    errors_of = row_errors(schema.document, context) if doubtful is not None else None
    if errors_of is None and len(indexes):
        errors_of = register_validator(schema.document, context).iter_errors
    for index in indexes:
        row = register.row(index)
        odd = odd_cells.get(index, {})
        found += odd.values()
        # A formula error is the one thing to fix in its cell; the schema sees the cell as empty.
        broken = {column for column, finding in odd.items() if finding.code == FORMULA_ERROR.code}
        values = {column: value for column, value in row.values.items() if column not in broken}
        row_findings: dict[tuple[str, str], Finding] = {}
        for error in errors_of(values) if errors_of else ():
            column = str(error.path[0]) if error.path else ""
            if column not in absent and column not in broken:
                finding = row_finding(error, row, register, schema, context)
                row_findings.setdefault((column, finding.code), finding)
        # A cell that must be empty has one thing to fix; what else is wrong with its value is noise.
        emptied = {column for column, code in row_findings if code == MUST_BE_EMPTY.code}
        found += [finding for (column, code), finding in row_findings.items()
                  if column not in emptied or code == MUST_BE_EMPTY.code]
    if not len(register):
        found.append(EMPTY_REGISTER.at(register.file, sheet=register.sheet))
    return sorted(found)

"""Check a register against its schema and turn every schema error into a finding people can act on."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from jsonschema import ValidationError

from xl_addin import findings as F
from xl_addin.fastcheck import doubtful_rows
from xl_addin.findings import Finding, FindingType
from xl_addin.keywords import RegisterContext, register_validator
from xl_addin.register import CellError, Register, RegisterRow, rows_holding
from xl_addin.schema import RegisterSchema

_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "TRUE or FALSE",
    "array": "a list",
    "object": "a record",
    "null": "empty",
}
_TEXT_DATE_FORMATS = ("%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d", "%d-%m-%Y", "%d %b %Y", "%d %B %Y")


def conditionally_required(document: Mapping[str, Any]) -> set[str]:
    """Columns some status makes required: they belong in the header even if rows may leave them empty."""
    names: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "then" and isinstance(value, dict):
                    names.update(value.get("required", []))
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(document.get("allOf", []))
    return names


def layout_findings(register: Register, schema: RegisterSchema) -> list[Finding]:
    """Findings about the header row: missing, unknown and repeated columns."""
    found = []
    must_have = {column.name for column in schema.columns if column.required}
    must_have |= conditionally_required(schema.document)
    for column in schema.columns:
        if column.name in register.columns:
            continue
        kind = F.MISSING_COLUMN if column.name in must_have else F.MISSING_OPTIONAL_COLUMN
        found.append(_finding(kind, register, register.header_row, 0, column=column.name))
    for text, number in register.layout.extra_columns.items():
        found.append(_finding(F.UNKNOWN_COLUMN, register, register.header_row, number, column=text, value=text))
    for number, (text, first) in register.layout.duplicate_columns.items():
        found.append(_finding(F.DUPLICATE_COLUMN, register, register.header_row, number, column=text, value=text,
                              first=F.column_letter(first) + str(register.header_row)))
    return found


def check_register(register: Register, schema: RegisterSchema, *, today: dt.date,
                   quick: bool = True) -> list[Finding]:
    """Every finding for one register, sorted by place.

    With `quick`, only rows that column-wise checks derived from the schema cannot clear get the full
    validation; the findings are the same either way (fastcheck explains why).
    """
    found = layout_findings(register, schema)
    absent = {column.name for column in schema.columns if column.name not in register.columns}
    context = RegisterContext(today=today, occurrences=occurrences(register, schema))
    validator = register_validator(schema.document, context)
    doubtful = doubtful_rows(schema.document, context, register) if quick else None
    odd_cells = cell_findings(register)
    indexes = sorted({*doubtful, *odd_cells}) if doubtful is not None else range(len(register))
    for index in indexes:
        row = register.row(index)
        odd = odd_cells.get(index, {})
        found += odd.values()
        # A formula error is the one thing to fix in its cell; the schema sees the cell as empty.
        broken = {column for column, finding in odd.items() if finding.code == F.FORMULA_ERROR.code}
        values = {column: value for column, value in row.values.items() if column not in broken}
        row_findings: dict[tuple[str, str], Finding] = {}
        for error in validator.iter_errors(values):
            finding = row_finding(error, row, register, schema, context)
            if finding.column not in absent and finding.column not in broken:
                row_findings.setdefault((finding.column, finding.code), finding)
        # A cell that must be empty has one thing to fix; what else is wrong with its value is noise.
        emptied = {column for column, code in row_findings if code == F.MUST_BE_EMPTY.code}
        found += [finding for (column, code), finding in row_findings.items()
                  if column not in emptied or code == F.MUST_BE_EMPTY.code]
    if not len(register):
        found.append(_finding(F.EMPTY_REGISTER, register, 0, 0))
    return sorted(found)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def cell_findings(register: Register) -> dict[int, dict[str, Finding]]:
    """Problems a cell has whatever the schema says: formula errors, control characters in text.

    Item index -> column -> finding; a column-wise scan, as these are rare.
    """
    found: dict[int, dict[str, Finding]] = defaultdict(dict)
    for column, values in register.cells.items():
        # tested once per distinct value: almost every column has neither
        odd = {v for v in set(values) if type(v) is CellError or (type(v) is str and _CONTROL.search(v))}
        number = register.columns[column]
        for index in rows_holding(values, odd):
            value = values[index]
            if type(value) is str:
                shown = ", ".join(sorted({f"U+{ord(c):04X}" for c in _CONTROL.findall(value)}))
                finding_type, fields = F.CONTROL_CHARACTERS, {"characters": shown}
            else:
                finding_type, fields = F.FORMULA_ERROR, {"value": value.code}
            row = register.row_numbers[index]
            found[index][column] = Finding(
                register.file, register.sheet, row, number, finding_type.code, finding_type.severity,
                column=column, value=value if type(value) is str else value.code,
                message=finding_type.message(column=column, **fields))
    return found


def occurrences(register: Register, schema: RegisterSchema) -> dict[str, dict[Any, tuple[int, ...]]]:
    """For each column that must be unique: value -> the rows that hold it (only values held twice or more,
    plus enough to answer for every value: a missing key means 'once')."""
    result: dict[str, dict[Any, tuple[int, ...]]] = {}
    for column in schema.document.get("uniqueInRegister", []):
        if column not in register.cells:
            continue  # the column is missing; that is a finding of its own
        values = register.cells[column]
        counts = Counter(_hashable(value) for value in values if value is not None)
        repeated = {value for value, count in counts.items() if count > 1}
        rows_by_value: dict[Any, list[int]] = defaultdict(list)
        for number, value in zip(register.row_numbers, values, strict=True):
            if value is not None and _hashable(value) in repeated:
                rows_by_value[_hashable(value)].append(number)
        result[column] = {value: tuple(numbers) for value, numbers in rows_by_value.items()}
    return result


def _hashable(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, dt.date)) else repr(value)


def _finding(kind: FindingType, register: Register, row: int, column_number: int, *, column: str = "",
             value: Any = None, **fields: Any) -> Finding:
    message = kind.message(column=column, value=F.describe_value(value), **fields)
    return Finding(file=register.file, sheet=register.sheet, row=row, column_number=column_number,
                   code=kind.code, severity=kind.severity, column=column, value=value, message=message)


def _condition(document: Mapping[str, Any], schema_path: Iterable[Any]) -> str | None:
    """The column an if/then rule depends on (Status, usually), found by walking to the rule's `if`."""
    node: Any = document
    for part in schema_path:
        if part == "then" and isinstance(node, dict):
            properties = node.get("if", {}).get("properties", {})
            return next(iter(properties), None)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return None


def date_readings(text: str) -> list[dt.date]:
    """The dates a piece of text could mean, in the formats people type (25/11/2026, 11/25/2026, 25.11.2026)."""
    readings = []
    for pattern in _TEXT_DATE_FORMATS:
        try:
            reading = dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
        if reading not in readings:
            readings.append(reading)
    return readings


def _looks_numeric(text: str) -> bool:
    try:
        float(text.strip().replace(",", "."))
    except ValueError:
        return False
    return True


def _choice_hint(value: Any, choices: list[Any]) -> str:
    if not isinstance(value, str):
        return ""
    by_key = {str(choice).casefold(): str(choice) for choice in choices}
    close = difflib.get_close_matches(value.casefold(), list(by_key), n=1, cutoff=0.6)
    return f" Did you mean '{by_key[close[0]]}'?" if close else ""


def _range_words(column_schema: Mapping[str, Any]) -> str:
    low, high = column_schema.get("minimum"), column_schema.get("maximum")
    if low is not None and high is not None:
        return f"between {low} and {high}"
    return f"at least {low}" if low is not None else f"at most {high}"


def row_finding(error: ValidationError, row: RegisterRow, register: Register, schema: RegisterSchema,
                context: RegisterContext) -> Finding:
    """One schema error on one row, as a finding at its cell."""
    column = str(error.path[0]) if error.path else ""
    number = register.columns.get(column, 0)
    value = row.values.get(column)
    column_schema: Mapping[str, Any] = schema.document.get("properties", {}).get(column, {})
    kind, fields = _classify(error, row, schema, context, column_schema)
    return _finding(kind, register, row.number, number, column=column, value=value, **fields)


def _classify(error: ValidationError, row: RegisterRow, schema: RegisterSchema, context: RegisterContext,
              column_schema: Mapping[str, Any]) -> tuple[FindingType, dict[str, Any]]:
    keyword = error.validator
    column = str(error.path[0]) if error.path else ""
    value = error.instance
    condition = _condition(schema.document, error.schema_path)
    status = str(row.values.get(condition, "")) if condition else ""
    if keyword == "required":
        if condition:
            return F.REQUIRED_FOR_STATUS, {"status": status, "condition": condition}
        return F.MISSING_VALUE, {}
    if keyword == "not" and condition:
        return F.MUST_BE_EMPTY, {"status": status, "condition": condition}
    if keyword in ("enum", "const"):
        choices = list(error.validator_value) if keyword == "enum" else [error.validator_value]
        listed = ", ".join(str(choice) for choice in choices)
        return F.NOT_IN_LIST, {"choices": listed, "hint": _choice_hint(value, choices)}
    if keyword == "type":
        return _classify_type(error.validator_value, value)
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return F.OUT_OF_RANGE, {"range": _range_words(column_schema)}
    if keyword == "pattern":
        example = schema.column(column).example if column in schema.document.get("properties", {}) else ""
        return F.BAD_FORMAT, {"example": example or f"the pattern {error.validator_value}"}
    if keyword == "format":
        readings = date_readings(value) if isinstance(value, str) else []
        if readings:
            return F.DATE_AS_TEXT, {"suggestion": " or ".join(reading.isoformat() for reading in readings)}
        return F.NOT_A_DATE, {}
    if keyword == "minLength":
        return F.MISSING_VALUE, {}
    if keyword == "uniqueInRegister":
        rows = context.occurrences.get(column, {}).get(_hashable(value), ())
        return F.DUPLICATE_ID, {"count": len(rows), "rows": ", ".join(str(number) for number in rows)}
    if keyword == "notBefore":
        other = error.validator_value[column]
        return F.DATE_ORDER, {"other": other, "other_value": F.describe_value(row.values.get(other))}
    if keyword == "notInFuture":
        return F.FUTURE_DATE, {"today": context.today.isoformat()}
    if keyword == "sumOf":
        parts = error.validator_value[column]
        return F.STALE_TOTAL, {"parts": ", ".join(parts), "expected": sum(row.values[part] for part in parts)}
    return F.INVALID_CELL, {"reason": error.message}


def _classify_type(expected: Any, value: Any) -> tuple[FindingType, dict[str, Any]]:
    wanted = [expected] if isinstance(expected, str) else list(expected)
    numeric = {"integer", "number"} & set(wanted)
    if numeric and "string" not in wanted and isinstance(value, str) and _looks_numeric(value):
        return F.NUMBER_AS_TEXT, {}
    if wanted == ["integer"] and isinstance(value, float):
        return F.NOT_WHOLE_NUMBER, {}
    words = " or ".join(_TYPE_WORDS.get(name, name) for name in wanted)
    return F.WRONG_TYPE, {"expected": words}


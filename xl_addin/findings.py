"""Findings are data: one type per problem, a stable code, and a location made of fields."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.IntEnum):
    """How bad a finding is; higher is worse, so levels compare."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.strip().upper()]


@dataclass(frozen=True)
class FindingType:
    """A kind of problem: its code, title, default severity, description and message template."""

    code: str
    title: str
    severity: Severity
    description: str
    template: str

    def message(self, **fields: Any) -> str:
        return self.template.format(**fields)


FINDING_TYPES: dict[str, FindingType] = {}


def _define(code: str, title: str, severity: Severity, description: str, template: str) -> FindingType:
    finding_type = FindingType(code, title, severity, description, template)
    FINDING_TYPES[code] = finding_type
    return finding_type


E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO

# The file and its layout
UNREADABLE_FILE = _define(
    "unreadable-file", "Unreadable file", E,
    "The file is not an Excel workbook that can be opened.", "{reason}")
NO_REGISTER = _define(
    "no-register", "No register found", E,
    "Neither a table with the register's name nor a sheet whose header row matches the schema was found.",
    "No register found: there is no table named '{table}' and no sheet whose header row has the register's "
    "columns ({examples}, ...).")
MISSING_COLUMN = _define(
    "missing-column", "Missing column", E,
    "A column the schema requires is not in the header row. Reported once, not once per row.",
    "The register has no '{column}' column; add it to the header row.")
MISSING_OPTIONAL_COLUMN = _define(
    "missing-optional-column", "Optional column missing", W,
    "A column the schema defines but does not require is not in the header row.",
    "The register has no '{column}' column; it is optional, but the template has it.")
UNKNOWN_COLUMN = _define(
    "unknown-column", "Extra column", N,
    "A header that is not part of the schema. Extra columns are allowed and are not checked.",
    "Column '{column}' is not part of the register schema; its cells are not checked.")
DUPLICATE_COLUMN = _define(
    "duplicate-column", "Column appears twice", E,
    "Two headers name the same column (ignoring case and spaces); only the first is read.",
    "Column '{column}' appears more than once in the header row; only the first one ({first}) is read.")
OPEN_IN_EXCEL = _define(
    "open-in-excel", "Open in Excel", N,
    "Someone has the workbook open in Excel; the last saved version was checked.",
    "Someone has this workbook open in Excel ({lock} is beside it); the last saved version was checked.")
EMPTY_REGISTER = _define(
    "empty-register", "No items yet", N,
    "The register has a header row but no items.", "The register has no items yet.")

# One cell
MISSING_VALUE = _define(
    "missing-value", "Required value missing", E,
    "A column that every item must fill in is empty.", "{column} is required but empty.")
REQUIRED_FOR_STATUS = _define(
    "required-for-status", "Required at this status", E,
    "A column becomes required once an item reaches a status (for example Owner from Planned on).",
    "{column} is required when {condition} is {status}, but it is empty.")
MUST_BE_EMPTY = _define(
    "must-be-empty", "Must be empty at this status", E,
    "A column that must stay empty until an item reaches a status (for example Closure date).",
    "{column} must be empty while {condition} is {status}; found {value}.")
NOT_IN_LIST = _define(
    "not-in-list", "Not one of the choices", E,
    "A choice column holds something that is not one of its choices.",
    "{column} must be one of {choices}; found {value}.{hint}")
BAD_FORMAT = _define(
    "bad-format", "Wrong format", E,
    "Text that does not follow the column's pattern (for example an ID like IMP-0042).",
    "{column} must look like {example}; found {value}.")
WRONG_TYPE = _define(
    "wrong-type", "Wrong kind of value", E,
    "A value of the wrong kind, such as a number where text belongs.",
    "{column} must be {expected}; found {value}.")
NUMBER_AS_TEXT = _define(
    "number-as-text", "Number stored as text", E,
    "A number typed or pasted as text in a numeric column; Excel cannot add it up.",
    "{column} must be a number, but {value} is stored as text; re-enter it as a number.")
NOT_WHOLE_NUMBER = _define(
    "not-whole-number", "Not a whole number", E,
    "A fraction where a whole number belongs.", "{column} must be a whole number; found {value}.")
OUT_OF_RANGE = _define(
    "out-of-range", "Out of range", E,
    "A number outside the column's allowed range.", "{column} must be {range}; found {value}.")
NOT_A_DATE = _define(
    "not-a-date", "Not a date", E,
    "A date column holds something that is not a date.", "{column} must be a date; found {value}.")
DATE_AS_TEXT = _define(
    "date-as-text", "Date stored as text", E,
    "A date typed as text (for example 25/11/2026 in a cell formatted as text); Excel cannot compare it.",
    "{column} must be a date, but {value} is text that looks like a date; re-enter it as a date "
    "(for example {suggestion}).")
DUPLICATE_ID = _define(
    "duplicate-id", "Used more than once", E,
    "A value that must be unique in the register is used by more than one item.",
    "{column} {value} is used {count} times in the register (rows {rows}); each item needs its own.")
DATE_ORDER = _define(
    "date-order", "Dates in the wrong order", E,
    "One date lies before a date it may not precede (for example Target date before Date raised).",
    "{column} ({value}) is before {other} ({other_value}).")
FUTURE_DATE = _define(
    "future-date", "Date in the future", E,
    "A date that records something that already happened lies in the future.",
    "{column} ({value}) is in the future; today is {today}.")
STALE_TOTAL = _define(
    "stale-total", "Calculated value out of date", E,
    "A calculated column does not match what it is calculated from.",
    "{column} says {value}, but {parts} add up to {expected}.")
FORMULA_ERROR = _define(
    "formula-error", "Formula error", E,
    "The cell shows a formula error (#REF!, #N/A, #DIV/0!...) instead of a value.",
    "{column} shows the error {value}: the formula in this cell is broken (for example it refers to a deleted "
    "cell or finds nothing); fix the formula or type the value.")
CONTROL_CHARACTERS = _define(
    "control-characters", "Invisible control characters", W,
    "Text holds control characters, usually pasted from another system; they print as nothing or as boxes.",
    "{column} contains invisible control characters ({characters}); retype the text or remove them with "
    "CLEAN().")
INVALID_CELL = _define(
    "invalid-value", "Invalid value", E,
    "A value the schema rejects for a reason not covered by a more specific finding.",
    "{column} is not valid: {reason}; found {value}.")

# The register as a whole, over time
BUNCHED_ENTRIES = _define(
    "bunched-entries", "Entries bunched together", W,
    "More than half of a year's entries were raised within a few days, as if written up just before an audit "
    "rather than as improvements were found.",
    "{count} of the {total} entries raised in the year to {as_of} were raised within {days} days "
    "({start} to {end}); a register kept day to day shows a steady stream of entries.")
del E, W, N


def describe_value(value: Any) -> str:
    """Show a cell value the way a person would recognise it in a message."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"'{shown}'"
    return str(value)


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at one place. Locations are 1-based; file-level findings have no row or column."""

    file: str
    sheet: str
    row: int
    column_number: int
    code: str
    severity: Severity = field(compare=False)
    column: str = field(compare=False, default="")
    value: Any = field(compare=False, default=None)
    message: str = field(compare=False, default="")

    @property
    def cell(self) -> str:
        """The A1 address, or '' when the finding is about the file, a row or a column header."""
        if self.row and self.column_number:
            return f"{column_letter(self.column_number)}{self.row}"
        return ""

    @property
    def location(self) -> str:
        """Sheet!A1 when there is a cell, else the sheet, else nothing."""
        if self.cell:
            return f"{self.sheet}!{self.cell}"
        if self.row:
            return f"{self.sheet}!{self.row}:{self.row}"
        return self.sheet

    @property
    def title(self) -> str:
        return FINDING_TYPES[self.code].title


@dataclass(frozen=True)
class FileResult:
    """What checking one workbook found. `partial` is set when findings were capped."""

    file: str
    findings: tuple[Finding, ...]
    rows_checked: int = 0
    sheet: str = ""
    header_row: int = 0
    partial: bool = False

    def count(self, severity: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity == severity)

    def worst(self) -> Severity | None:
        return max((finding.severity for finding in self.findings), default=None)

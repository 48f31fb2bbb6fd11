"""Findings are data: one type per problem, a stable code, and a location made of fields.

A finding is built one way, `FindingType.at(...)`, by the reader, batch runs, validation and the snapshot
alike. Finding types are defined beside what reports them (a keyword's module defines its own); this module
defines the model and the types about a file as a whole.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Any

from xl_addin.ooxml.refs import column_letter


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


FINDING_TYPES: dict[str, FindingType] = {}


@dataclass(frozen=True)
class FindingType:
    """A kind of problem: its code, title, default severity, description and message template.

    `blocks_check` marks the types that mean the file could not be checked at all (unreadable, no register):
    such a finding makes the exit code 2 whatever the fail level.
    """

    code: str
    title: str
    severity: Severity
    description: str
    template: str
    blocks_check: bool = False

    def message(self, **fields: Any) -> str:
        return self.template.format(**fields)

    def at(self, file: str, *, sheet: str = "", row: int = 0, column_number: int = 0, column: str = "",
           value: Any = None, **fields: Any) -> Finding:
        """A finding of this type at a place; the message template gets `column`, `value` (as a person would
        recognise it) and `fields`."""
        message = self.message(column=column, value=describe_value(value), **fields)
        return Finding(file=file, sheet=sheet, row=row, column_number=column_number, code=self.code,
                       severity=self.severity, column=column, value=value, message=message)


def define(code: str, title: str, severity: Severity, description: str, template: str, *,
           blocks_check: bool = False) -> FindingType:
    """Create a finding type and enter it in the catalogue of codes (which the reference is generated from)."""
    if code in FINDING_TYPES:
        raise ValueError(f"finding code {code!r} is defined twice")
    finding_type = FindingType(code, title, severity, description, template, blocks_check)
    FINDING_TYPES[code] = finding_type
    return finding_type


E, W, N = Severity.ERROR, Severity.WARNING, Severity.INFO

UNREADABLE_FILE = define(
    "unreadable-file", "Unreadable file", E,
    "Not an .xlsx/.xlsm workbook, damaged, password-protected or an old .xls; the file was not checked.",
    "{reason}", blocks_check=True)
NO_REGISTER = define(
    "no-register", "No register found", E,
    "Neither a table with the register's name nor a sheet whose header row matches the schema was found.",
    "{reason}", blocks_check=True)
OPEN_IN_EXCEL = define(
    "open-in-excel", "Open in Excel", N,
    "Excel's `~$` lock file is beside the workbook: someone has it open; the last saved version was checked.",
    "Someone has this workbook open in Excel ({lock} is beside it); the last saved version was checked.")
MISNAMED_WORKBOOK = define(
    "misnamed-workbook", "Workbook under another type's name", W,
    "An Excel workbook (.xlsx) saved under another type's extension (.xls): it is checked as what it is, but "
    "Excel warns that its format and extension do not match.",
    "{name} is an Excel workbook (.xlsx) named as a {suffix} file; it was checked as the workbook it is. Rename "
    "it to {renamed} so that Excel opens it without a warning.")
EMPTY_REGISTER = define(
    "empty-register", "No items yet", N,
    "The register has a header row but no items.", "The register has no items yet.")
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
    def kind(self) -> FindingType:
        return FINDING_TYPES[self.code]

    @property
    def title(self) -> str:
        return self.kind.title

    @property
    def blocks_check(self) -> bool:
        """The file could not be checked at all (see FindingType)."""
        return self.kind.blocks_check


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

    @property
    def checked(self) -> bool:
        """False when the file could not be checked at all (unreadable, or no register in it)."""
        return not any(finding.blocks_check for finding in self.findings)


def json_value(value: Any) -> Any:
    """A cell value as JSON holds it: dates and times in ISO form, anything else unusual as text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return str(value)


def finding_record(finding: Finding) -> dict[str, Any]:
    """A finding as a JSON-ready mapping with a fixed key order."""
    return {
        "code": finding.code,
        "severity": str(finding.severity),
        "file": finding.file,
        "sheet": finding.sheet,
        "cell": finding.cell,
        "row": finding.row or None,
        "column": finding.column or None,
        "value": json_value(finding.value),
        "message": finding.message,
    }

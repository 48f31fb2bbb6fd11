"""Check one workbook file: read its register, run the engine, return one result."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from xl_addin.engine.findings import MISNAMED_WORKBOOK, FileResult, Finding
from xl_addin.engine.schema import RegisterSchema
from xl_addin.engine.validate import check_register
from xl_addin.ooxml.guard import DEFAULT_LIMITS, Limits
from xl_addin.ooxml.package import has_workbook_suffix
from xl_addin.workbook.reading.reader import ReaderName, read_register, workbook_schema


def check_file(path: Path, schema: RegisterSchema, *, today: dt.date, name: str | None = None,
               max_findings: int | None = None, reader: ReaderName = "auto",
               limits: Limits = DEFAULT_LIMITS) -> FileResult:
    """Every finding for one file; an unreadable file is a result with one finding, never an exception."""
    schema = workbook_schema(path, schema)
    register = read_register(path, schema, name=name, reader=reader, limits=limits)
    if isinstance(register, Finding):
        return FileResult(file=register.file, findings=(register,))
    found = check_register(register, schema, today=today)
    if not has_workbook_suffix(path):
        found.insert(0, MISNAMED_WORKBOOK.at(register.file, name=path.name, suffix=path.suffix or "extension-less",
                                             renamed=path.with_suffix(".xlsx").name))
    partial = max_findings is not None and len(found) > max_findings
    if partial:
        found = found[:max_findings]
    return FileResult(file=register.file, findings=tuple(found), rows_checked=len(register),
                      sheet=register.sheet, header_row=register.header_row, partial=partial)

"""Render check results; reporters only display, they decide nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from itertools import groupby

from xl_addin.engine.findings import FileResult, Finding, Severity, finding_record, json_value
from xl_addin.report.ci import github_report, junit_report, sarif_report
from xl_addin.report.csv_export import csv_text
from xl_addin.report.run import CheckRun, plural

REPORT_VERSION = 1


def _counts(result: FileResult) -> str:
    return ", ".join(plural(result.count(severity), str(severity)) for severity in reversed(Severity))


def _row_heading(finding: Finding, header_row: int) -> str:
    if finding.row == 0:
        return "Workbook"
    if finding.row == header_row:
        return f"Header row {finding.row}"
    return f"Row {finding.row}"


def text_report(run: CheckRun) -> str:
    """For people: each file, then its findings grouped by row, then a one-line summary."""
    lines: list[str] = []
    for result in run.results:
        where = f"sheet {result.sheet}, {plural(result.rows_checked, 'item')} checked" if result.sheet else ""
        lines.append(f"{result.file}" + (f" ({where})" if where else "") + f": {_counts(result)}")
        # columns as wide as this file's longest location and code, so they never run together
        place_width = max((len(f.location or "-") for f in result.findings), default=0)
        code_width = max((len(f.code) for f in result.findings), default=0)
        for heading, group in groupby(result.findings, key=lambda f: _row_heading(f, result.header_row)):
            lines.append(f"  {heading}")
            for finding in group:
                place = finding.location or "-"
                lines.append(f"    {finding.severity!s:<8}{place:<{place_width}}  {finding.code:<{code_width}}  "
                             f"{finding.message}")
        if result.partial:
            lines.append(f"  (partial: only the first {len(result.findings)} findings are shown)")
    lines.append(summary_line(run.results))
    if run.interrupted:
        lines.append(f"Interrupted: {len(run.not_reached)} file(s) were not checked.")
    return "\n".join(lines) + "\n"


def summary_line(results: Sequence[FileResult]) -> str:
    clean = sum(1 for result in results if (result.worst() or Severity.INFO) < Severity.WARNING)
    totals = {severity: sum(result.count(severity) for result in results) for severity in Severity}
    counted = ", ".join(plural(totals[severity], str(severity)) for severity in reversed(Severity))
    return f"{plural(len(results), 'file')} checked, {clean} clean: {counted}."


def json_report(run: CheckRun) -> str:
    """For programs: a versioned document with every finding and per-file counts."""
    results = run.results
    document = {
        "version": REPORT_VERSION,
        "interrupted": run.interrupted,
        "not_checked": list(run.not_reached),
        "files": [
            {
                "file": result.file,
                "sheet": result.sheet or None,
                "header_row": result.header_row or None,
                "rows_checked": result.rows_checked,
                "partial": result.partial,
                "counts": {str(severity): result.count(severity) for severity in reversed(Severity)},
                "findings": [finding_record(finding) for finding in result.findings],
            }
            for result in results
        ],
        "summary": {str(severity): sum(r.count(severity) for r in results) for severity in reversed(Severity)},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


CSV_COLUMNS = ("file", "sheet", "cell", "row", "column", "severity", "code", "value", "message")


def csv_report(run: CheckRun) -> str:
    """One line per finding, safe to open in a spreadsheet (see csv_export)."""
    rows = [(f.file, f.sheet, f.cell, f.row or "", f.column, str(f.severity), f.code,
             "" if f.value is None else json_value(f.value), f.message)
            for result in run.results for f in result.findings]
    return csv_text(CSV_COLUMNS, rows)


REPORTERS: dict[str, Callable[[CheckRun], str]] = {
    "text": text_report,
    "json": json_report,
    "csv": csv_report,
    "junit": junit_report,
    "sarif": sarif_report,
    "github": github_report,
}

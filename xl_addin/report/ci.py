"""Reports for CI systems: JUnit XML, SARIF 2.1.0 and GitHub workflow annotations."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from xl_addin.engine.catalog import finding_types
from xl_addin.engine.findings import FileResult, Finding, Severity
from xl_addin.version import __version__

_SARIF_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _where(finding: Finding) -> str:
    return finding.location or "(workbook)"


def junit_report(results: Sequence[FileResult]) -> str:
    """One test suite per file, one failing test case per finding, one passing case for a clean file."""
    stamp = dt.datetime.now().replace(microsecond=0).isoformat()
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<testsuites>"]
    for index, result in enumerate(results):
        cases = max(1, len(result.findings))
        lines.append(
            f'  <testsuite name={quoteattr(result.file)} id="{index}" package="xlreg" hostname="localhost" '
            f'timestamp="{stamp}" tests="{cases}" failures="{len(result.findings)}" errors="0" '
            f'time="0">')
        lines.append("    <properties/>")
        if not result.findings:
            lines.append(f'    <testcase name="register is valid" classname={quoteattr(result.file)} time="0"/>')
        for finding in result.findings:
            name = f"{_where(finding)} {finding.code}"
            lines.append(f"    <testcase name={quoteattr(name)} classname={quoteattr(result.file)} time=\"0\">")
            detail = f"{result.file} {_where(finding)} [{finding.severity}] {finding.code}: {finding.message}"
            lines.append(f"      <failure message={quoteattr(finding.message)} type={quoteattr(finding.code)}>"
                         f"{escape(detail)}</failure>")
            lines.append("    </testcase>")
        lines.append("    <system-out/>")
        lines.append("    <system-err/>")
        lines.append("  </testsuite>")
    lines.append("</testsuites>")
    return "\n".join(lines) + "\n"


def _sarif_result(finding: Finding) -> dict[str, Any]:
    location: dict[str, Any] = {
        "physicalLocation": {"artifactLocation": {"uri": finding.file}},
        "logicalLocations": [{"name": _where(finding), "fullyQualifiedName": f"{finding.file}#{_where(finding)}",
                              "kind": "element"}],
    }
    if finding.row:
        region: dict[str, Any] = {"startLine": finding.row}
        if finding.column_number:
            region["startColumn"] = finding.column_number
        location["physicalLocation"]["region"] = region
    return {
        "ruleId": finding.code,
        "level": _SARIF_LEVELS[finding.severity],
        "message": {"text": f"{_where(finding)}: {finding.message}"},
        "locations": [location],
        "properties": {"sheet": finding.sheet, "cell": finding.cell, "column": finding.column},
    }


def sarif_report(results: Sequence[FileResult]) -> str:
    """SARIF 2.1.0: one run, the finding types as rules, each finding with its file and cell."""
    rules = [{"id": kind.code, "name": kind.title.title().replace(" ", ""),
              "shortDescription": {"text": kind.title}, "fullDescription": {"text": kind.description},
              "defaultConfiguration": {"level": _SARIF_LEVELS[kind.severity]}}
             for kind in finding_types()]
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "xlreg", "version": __version__, "rules": rules}},
            "artifacts": [{"location": {"uri": result.file}} for result in results],
            "results": [_sarif_result(finding) for result in results for finding in result.findings],
        }],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_report(results: Sequence[FileResult]) -> str:
    """GitHub Actions workflow commands: one annotation per finding, titled with its cell and code."""
    commands = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    lines = []
    for result in results:
        for finding in result.findings:
            title = f"{_where(finding)} {finding.code}"
            lines.append(f"::{commands[finding.severity]} file={_escape_property(finding.file)},"
                         f"title={_escape_property(title)}::{_escape_data(finding.message)}")
    errors = sum(result.count(Severity.ERROR) for result in results)
    lines.append(f"xlreg: {len(results)} file(s) checked, {errors} error(s)")
    return "\n".join(lines) + "\n"

"""Reports for CI systems: JUnit XML, SARIF 2.1.0 and GitHub workflow annotations."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from xl_addin.engine.findings import FileResult, Finding, Severity
from xl_addin.ooxml import xml_text
from xl_addin.report.run import CheckRun, plural
from xl_addin.version import __version__

# JUnit and SARIF text follows the one XML text policy (xml_text): what XML cannot hold (a cell's control
# characters can reach a message) is written as Excel writes it, _x0007_.
escape, quoteattr = xml_text.escape, xml_text.quoteattr


_SARIF_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _where(finding: Finding) -> str:
    return finding.location or "(workbook)"


def _detail(result: FileResult, findings: Sequence[Finding]) -> str:
    return "\n".join(f"{result.file} {_where(f)} [{f.severity}] {f.code}: {f.message}" for f in findings)


def _junit_case(run: CheckRun, result: FileResult) -> tuple[str, str]:
    """One test case per file: an error when it could not be checked, a failure when findings reach the
    fail level (info never does), else a pass. Returns the case and its outcome."""
    opening = f'    <testcase name={quoteattr(result.file)} classname="xlreg.validate" time="0"'
    if not result.checked:
        blocking = [f for f in result.findings if f.blocks_check]
        reason = blocking[0] if blocking else result.findings[0]
        return (f"{opening}>\n      <error message={quoteattr(reason.message)} type={quoteattr(reason.code)}>"
                f"{escape(_detail(result, result.findings))}</error>\n    </testcase>", "error")
    failing = run.fails(result)
    if not failing:
        return f"{opening}/>", "pass"
    counts = ", ".join(plural(sum(1 for f in failing if f.severity == level), str(level))
                       for level in reversed(Severity) if any(f.severity == level for f in failing))
    worst = max(f.severity for f in failing)
    return (f"{opening}>\n      <failure message={quoteattr(counts)} type=\"{worst}\">"
            f"{escape(_detail(result, failing))}</failure>\n    </testcase>", "failure")


def junit_report(run: CheckRun) -> str:
    """One test suite for the run with one test case per file (see _junit_case); files a Ctrl-C left out are
    skipped cases; every finding, failing or not, is listed in the suite's output."""
    stamp = dt.datetime.now().replace(microsecond=0).isoformat()
    cases = [_junit_case(run, result) for result in run.results]
    skipped = [f'    <testcase name={quoteattr(name)} classname="xlreg.validate" time="0">\n'
               f'      <skipped message="not checked: the run was interrupted"/>\n    </testcase>'
               for name in run.not_reached]
    outcomes = [outcome for _, outcome in cases]
    fail_on = str(run.fail_on) if run.fail_on is not None else "never"
    listing = "\n".join(_detail(result, result.findings) for result in run.results if result.findings)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<testsuites>",
             f'  <testsuite name="xlreg validate" id="0" package="xlreg" hostname="localhost" timestamp="{stamp}" '
             f'tests="{len(cases) + len(skipped)}" failures="{outcomes.count("failure")}" '
             f'errors="{outcomes.count("error")}" skipped="{len(skipped)}" time="0">',
             "    <properties>",
             f'      <property name="fail-on" value="{fail_on}"/>',
             f'      <property name="interrupted" value="{str(run.interrupted).lower()}"/>',
             "    </properties>",
             *(case for case, _ in cases), *skipped,
             f"    <system-out>{escape(listing)}</system-out>",
             "    <system-err/>",
             "  </testsuite>",
             "</testsuites>"]
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
        "message": {"text": xml_text.xstring(f"{_where(finding)}: {finding.message}")},
        "locations": [location],
        "properties": {"sheet": finding.sheet, "cell": finding.cell, "column": finding.column},
    }


def sarif_report(run: CheckRun) -> str:
    """SARIF 2.1.0: one run, the finding types as rules, each finding with its file and cell."""
    from xl_addin.engine.catalog import finding_types  # the whole engine: only SARIF lists every type

    rules = [{"id": kind.code, "name": kind.title.title().replace(" ", ""),
              "shortDescription": {"text": kind.title}, "fullDescription": {"text": kind.description},
              "defaultConfiguration": {"level": _SARIF_LEVELS[kind.severity]}}
             for kind in finding_types()]
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "xlreg", "version": __version__, "rules": rules}},
            "invocations": [{"executionSuccessful": not run.interrupted}],
            "artifacts": [{"location": {"uri": result.file}} for result in run.results],
            "results": [_sarif_result(finding) for result in run.results for finding in result.findings],
        }],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_report(run: CheckRun) -> str:
    """GitHub Actions workflow commands: one annotation per finding, titled with its cell and code."""
    commands = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    lines = []
    results = run.results
    for result in results:
        for finding in result.findings:
            title = f"{_where(finding)} {finding.code}"
            lines.append(f"::{commands[finding.severity]} file={_escape_property(finding.file)},"
                         f"title={_escape_property(title)}::{_escape_data(finding.message)}")
    errors = sum(result.count(Severity.ERROR) for result in results)
    lines.append(f"xlreg: {len(results)} file(s) checked, {errors} error(s)"
                 + (f"; interrupted, {len(run.not_reached)} not checked" if run.interrupted else ""))
    return "\n".join(lines) + "\n"

"""Generate the bundled workbooks from the schemas: the empty template, the sample register, and each example
register's template and sample.

    python scripts/build_workbooks.py [--out DIR]

The sample is about sixty realistic items over a year with deliberately planted problems, at least one per
rule. The planted list is written beside it (sample_register.problems.json and SAMPLE_PROBLEMS.md) from the
same data, so the documentation cannot drift from the workbook.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from example_registers import EXAMPLES  # noqa: E402

from xl_addin.engine.catalog import finding_types  # noqa: E402
from xl_addin.engine.schema import RegisterSchema  # noqa: E402
from xl_addin.ooxml.refs import column_letter  # noqa: E402
from xl_addin.usecases.dashboard import new_register_file  # noqa: E402
from xl_addin.workbook.formats.schema_file import load_schema  # noqa: E402
from xl_addin.workbook.writing.template import build_workbook  # noqa: E402

SAMPLE_AS_OF = dt.date(2026, 11, 25)
OWNERS = ["Priya Shah", "Tom Becker", "Ana Costa", "Jonas Lind", "Mei Tanaka", "Sam Okafor", "Lena Vogel"]

# source, type, area, description, success metric, baseline, outcome
IDEAS: list[tuple[str, str, str, str, str, Any, Any]] = [
    ("Incident/problem trend", "Improvement", "Service delivery",
     "P1 incidents on the payments platform rose three months running; add capacity alerts before peak.",
     "P1 incidents per month", 7, 2),
    ("SLA performance", "Improvement", "Service delivery",
     "Resolution SLO for priority 2 incidents missed for a quarter; add a second-line swarm rota.",
     "P2 incidents resolved within 8h", "81%", "94%"),
    ("Internal audit", "Corrective action", "Documentation",
     "Audit found two change procedures with conflicting approval steps; merge into one controlled document.",
     "Procedures with conflicting steps", 2, 0),
    ("Customer complaint", "Corrective action", "Service delivery",
     "Customer reported password resets taking two days; automate reset via self-service portal.",
     "Median reset time (hours)", 46, 0.2),
    ("Customer satisfaction", "Improvement", "Service delivery",
     "Survey comments say ticket updates are unclear; introduce update templates for the service desk.",
     "CSAT score for ticket updates", 3.4, 4.2),
    ("Management review", "Improvement", "Governance",
     "Management review lacks trend data; add a one-page KPI dashboard to the review pack.",
     "Reviews with trend data", "0 of 2", "2 of 2"),
    ("Staff suggestion", "Improvement", "Service delivery",
     "Service desk suggests a known-error search in the ticket form to cut duplicate tickets.",
     "Duplicate tickets per week", 38, 17),
    ("External benchmark", "Improvement", "Governance",
     "Peer benchmark shows our CAB takes twice as long; introduce standard changes for routine work.",
     "Median CAB lead time (days)", 9, 4),
    ("Regulatory change", "Improvement", "Governance",
     "New data-retention regulation; update the records retention schedule and disposal procedure.",
     "Record types with a retention rule", "60%", "100%"),
    ("Internal audit", "Improvement", "Audit programme",
     "Audit programme covers the same processes each year; plan audits by risk instead.",
     "High-risk processes audited per year", 3, 7),
    ("Incident/problem trend", "Improvement", "Supplier management",
     "Network outages traced to one carrier; add monthly service reviews with the supplier.",
     "Carrier-caused outages per quarter", 5, 1),
    ("SLA performance", "Corrective action", "Supplier management",
     "Hosting supplier missed its availability target twice; agree a service improvement plan.",
     "Monthly availability", "99.2%", "99.8%"),
    ("Customer complaint", "Corrective action", "Documentation",
     "Customers received an outdated service catalogue; put the catalogue under document control.",
     "Catalogue versions in circulation", 3, 1),
    ("Staff suggestion", "Improvement", "Documentation",
     "Runbooks are hard to find; move them into one searchable knowledge base with owners.",
     "Runbooks with a named owner", "40%", "95%"),
    ("Management review", "Improvement", "Audit programme",
     "Review asked for faster closure of audit findings; track findings in this register weekly.",
     "Median days to close a finding", 74, 31),
    ("Customer satisfaction", "Improvement", "Service delivery",
     "Users want status updates during major incidents; publish a status page.",
     "Calls to the desk during major incidents", 420, 130),
    ("Incident/problem trend", "Improvement", "Service delivery",
     "Repeat incidents after changes; add post-implementation checks to the change procedure.",
     "Change-related incidents per month", 12, 5),
    ("External benchmark", "Improvement", "Service delivery",
     "Benchmark shows first-contact resolution below peers; give the desk access to remote tools.",
     "First-contact resolution", "52%", "67%"),
    ("Regulatory change", "Corrective action", "Supplier management",
     "New outsourcing rules need exit plans; add exit plans to every critical supplier contract.",
     "Critical suppliers with an exit plan", 1, 6),
    ("Internal audit", "Corrective action", "Governance",
     "Audit nonconformity: capacity plan not reviewed this year; assign an owner and a review date.",
     "Capacity plan reviews per year", 0, 2),
]
AREAS = ["the service desk", "the data centre team", "the network team", "the application team"]


@dataclass(frozen=True)
class Plant:
    """One deliberate problem: which item, which column, what to put there, what the checker should say."""

    item: int
    column: str
    value: Any
    code: str
    why: str


PLANTS: list[Plant] = [
    Plant(4, "Description", None, "missing-value", "description left empty"),
    Plant(9, "ID", "IMP-0031", "duplicate-id", "ID copied from another row"),
    Plant(30, "ID", "IMP-0031", "duplicate-id", "the other row with that ID"),
    Plant(12, "ID", "IMP-42", "bad-format", "ID typed without the four digits"),
    Plant(14, "Date raised", dt.date(2062, 3, 14), "future-date", "year mistyped as 2062"),
    Plant(16, "Status", "In progres", "not-in-list", "a misspelt status (did you mean In progress?)"),
    Plant(18, "Area", "Service Delivery", "value-mapped", "choice typed with a capital D: read as Service delivery "
          "(reported as info)"),
    Plant(20, "Customer impact", 4, "out-of-range", "rating above 3"),
    Plant(22, "Risk reduction", "2", "number-as-text", "rating stored as text"),
    Plant(24, "Efficiency gain", 2.5, "not-whole-number", "rating with a fraction"),
    Plant(26, "Priority total", 11, "stale-total", "formula overwritten with a typed total"),
    Plant(48, "Owner", None, "required-for-status", "Planned item without an owner"),
    Plant(50, "Target date", None, "required-for-status", "In progress item without a target date"),
    Plant(52, "Success metric", None, "required-for-status", "In progress item without a success metric"),
    Plant(6, "Measured outcome", None, "required-for-status", "Completed item without a measured outcome"),
    Plant(8, "Closure date", None, "required-for-status", "Cancelled item without a closure date"),
    Plant(54, "Closure date", dt.date(2026, 11, 2), "must-be-empty", "closure date on an open item"),
    Plant(56, "Target date", dt.date(2025, 12, 1), "date-order", "target date before the date raised"),
    Plant(10, "Closure date", dt.date(2025, 11, 1), "date-order", "closure date before the date raised"),
    Plant(2, "Closure date", dt.date(2036, 2, 20), "future-date", "closure year mistyped as 2036"),
    Plant(58, "Target date", "15/12/2026", "date-as-text", "target date typed as text"),
    Plant(46, "Last update", "next week", "not-a-date", "words in a date column"),
    Plant(44, "Owner", 4711, "wrong-type", "employee number instead of a name"),
    Plant(40, "Status", None, "missing-value", "status left empty"),
]
EXTRA_COLUMN = "Notes"


def _status_for(index: int, raised: dt.date, rng: random.Random) -> str:
    age = (SAMPLE_AS_OF - raised).days
    if age > 200:
        return rng.choice(["Completed", "Completed", "Completed", "Cancelled", "In progress"])
    if age > 90:
        return rng.choice(["Completed", "In progress", "In progress", "Planned"])
    return rng.choice(["Identified", "Planned", "Planned", "In progress"])


def sample_items(count: int = 60) -> list[dict[str, Any]]:
    """Clean, consistent items spread over the year before the sample's as-of date."""
    rng = random.Random(20261125)
    start = dt.date(2025, 11, 28)
    items = []
    for index in range(count):
        raised = start + dt.timedelta(days=index * 6 + rng.randint(0, 4))
        source, kind, area, description, metric, baseline, outcome = IDEAS[index % len(IDEAS)]
        if index >= len(IDEAS):
            description = description.rstrip(".") + f" ({AREAS[index // len(IDEAS) % len(AREAS)]})."
        status = _status_for(index, raised, rng)
        item: dict[str, Any] = {
            "ID": f"IMP-{index + 1:04d}",
            "Date raised": raised,
            "Source": source,
            "Type": kind,
            "Area": area,
            "Description": description,
            "Customer impact": rng.randint(1, 3),
            "Risk reduction": rng.randint(1, 3),
            "Efficiency gain": rng.randint(1, 3),
            "Compliance": 3 if kind == "Corrective action" else rng.randint(1, 3),
            "Status": status,
        }
        if status != "Identified":
            item["Owner"] = OWNERS[index % len(OWNERS)]
            item["Target date"] = raised + dt.timedelta(days=rng.randint(45, 150))
            item["Success metric"] = metric
            item["Baseline"] = baseline
        if status in ("Completed", "Cancelled"):
            closed = min(raised + dt.timedelta(days=rng.randint(30, 140)), SAMPLE_AS_OF - dt.timedelta(days=3))
            item["Closure date"] = closed
            item["Last update"] = closed
            if status == "Completed":
                item["Measured outcome"] = outcome
                item["Effective"] = "Yes" if outcome is not None else "Partly"
        elif status == "In progress":
            item["Last update"] = min(SAMPLE_AS_OF - dt.timedelta(days=rng.choice([5, 12, 45, 70])),
                                      raised + dt.timedelta(days=200))
            item["Last update"] = max(item["Last update"], raised)
        items.append(item)
    items[3][EXTRA_COLUMN] = "Raised at the March review"
    items[17][EXTRA_COLUMN] = "Waiting for supplier quote"
    return items


def _force_status(item: dict[str, Any], status: str) -> None:
    """Make an item a consistent example of `status` before a problem is planted in it."""
    item["Status"] = status
    item.setdefault("Owner", "Ana Costa")
    item.setdefault("Target date", item["Date raised"] + dt.timedelta(days=90))
    item.setdefault("Success metric", "Tickets reopened per month")
    item.setdefault("Baseline", 14)
    for column in ("Closure date", "Measured outcome", "Effective"):
        item.pop(column, None)
    if status in ("Completed", "Cancelled"):
        item["Closure date"] = item["Date raised"] + dt.timedelta(days=40)
    if status == "Completed":
        item["Measured outcome"] = 6
        item["Effective"] = "Yes"


_STATUS_NEEDED = {48: "Planned", 50: "In progress", 52: "In progress", 6: "Completed", 8: "Cancelled",
                  54: "In progress", 10: "Completed", 2: "Completed", 56: "Planned", 58: "Planned"}
# Paused items: past their target date, but on hold, so neither overdue nor escalated (item -> paused since).
ON_HOLD = {25: dt.date(2026, 9, 1), 43: dt.date(2026, 10, 20)}


def planted_sample(schema: RegisterSchema) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The sample items with their problems planted, and the list of problems (cell, code, why)."""
    items = sample_items()
    for index, status in _STATUS_NEEDED.items():
        _force_status(items[index], status)
    for index, since in ON_HOLD.items():
        _force_status(items[index], "On hold")
        items[index]["Last update"] = since
    # The mistyped year goes on a newly identified item, so no later date is compared with it.
    future = items[14]
    for column in ("Owner", "Target date", "Success metric", "Baseline", "Closure date", "Measured outcome",
                   "Last update"):
        future.pop(column, None)
    future["Status"] = "Identified"
    names = [column.name for column in schema.columns] + [EXTRA_COLUMN]
    problems = []
    for plant in PLANTS:
        if plant.value is None:
            items[plant.item].pop(plant.column, None)
        else:
            items[plant.item][plant.column] = plant.value
        cell = f"{column_letter(names.index(plant.column) + 1)}{plant.item + 2}"
        problems.append({"cell": f"{schema.sheet}!{cell}", "code": plant.code, "why": plant.why})
    problems.append({"cell": f"{schema.sheet}!{column_letter(len(names))}1", "code": "unknown-column",
                     "why": "an extra Notes column (allowed, reported as info)"})
    problems.sort(key=lambda problem: (int("".join(c for c in problem["cell"].split("!")[1] if c.isdigit())),
                                       problem["cell"]))
    return items, problems


def problems_markdown(problems: list[dict[str, Any]]) -> str:
    lines = [
        "# Planted problems in sample_register.xlsx",
        "",
        "Generated by `python scripts/build_workbooks.py`; do not edit. `xlreg demo` should report each of these",
        "and nothing else (today-relative checks use the real date; none of these depend on it before 2036).",
        "",
        "| cell | code | severity | what was planted |",
        "| --- | --- | --- | --- |",
    ]
    for problem in problems:
        severity = {kind.code: kind for kind in finding_types()}[problem["code"]].severity
        lines.append(f"| {problem['cell']} | `{problem['code']}` | {severity} | {problem['why']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "workbook_templates")
    args = parser.parse_args()
    schema = load_schema(ROOT / "validators" / "improvement_register.schema.json")
    args.out.mkdir(parents=True, exist_ok=True)
    # each register is saved with its Dashboard sheet, as `xlreg dashboard add` writes it
    new_register_file(args.out / "improvement_register.xlsx", build_workbook(schema).save, schema)
    items, problems = planted_sample(schema)
    new_register_file(args.out / "sample_register.xlsx",
                      build_workbook(schema, items=items, extra_columns=[EXTRA_COLUMN]).save, schema)
    (args.out / "sample_register.problems.json").write_text(json.dumps(problems, indent=2) + "\n")
    (args.out / "SAMPLE_PROBLEMS.md").write_text(problems_markdown(problems))
    examples = args.out / "examples"
    examples.mkdir(exist_ok=True)
    for name, example_items in EXAMPLES.items():
        example = load_schema(ROOT / "validators" / "examples" / f"{name}.schema.json")
        new_register_file(examples / f"{name}.xlsx", build_workbook(example).save, example)
        new_register_file(examples / f"{name}.sample.xlsx", build_workbook(example, items=example_items, rows=50).save,
                          example)
    print(f"wrote {args.out}/improvement_register.xlsx, sample_register.xlsx, the planted-problem list and the "
          f"examples ({', '.join(EXAMPLES)})")


if __name__ == "__main__":
    main()

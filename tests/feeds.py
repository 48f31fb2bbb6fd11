"""Realistic exports generated for the import tests: a ServiceNow incident event log and an audit-findings log
under a title block, each with what real exports hold (updates per incident, `?` nulls, text dates)."""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

import openpyxl

GROUPS = ("Payroll", "Network", "Service Desk")
MONTHS = ("2026-07", "2026-08", "2026-09", "2026-10")


def _breach_share(group: str, priority: str, month: str) -> float:
    """Payroll priority 2 breaches 40% of its SLAs in September and October: the planted trend."""
    if (group, priority) == ("Payroll", "2 - High") and month in ("2026-09", "2026-10"):
        return 0.40
    return 0.10


def servicenow_event_log(path: Path, *, seed: int = 7) -> int:
    """Write the log; return the number of incidents. Each incident has one to three update rows (the one with
    the highest sys_mod_count is the incident as it stands); earlier rows have `?` for what was not yet known."""
    rng = random.Random(seed)
    rows = []
    number = 10000
    plan = [(group, priority, month, 25) for group in GROUPS for priority in ("2 - High", "3 - Moderate")
            for month in MONTHS]
    plan += [("Network", "1 - Critical", month, 2) for month in MONTHS]  # steady P1s: no trend
    plan += [("Facilities", "3 - Moderate", month, 10) for month in MONTHS]  # breaching, but too few tickets
    for group, priority, month, count in plan:
        year, month_number = map(int, month.split("-"))
        share = 0.5 if group == "Facilities" else _breach_share(group, priority, month)
        breaches = round(count * share)
        for index in range(count):
            number += 1
            opened = dt.datetime(year, month_number, rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59))
            resolved = opened + dt.timedelta(hours=rng.randint(2, 60))
            updates = rng.randint(1, 3)
            for update in range(updates):
                last = update == updates - 1
                rows.append({
                    "number": f"INC{number:07d}", "incident_state": "Closed" if last else "Active",
                    "sys_mod_count": update, "made_sla": ("FALSE" if index < breaches else "TRUE") if last else "?",
                    "caller_id": f"Caller {rng.randint(1, 400)}", "opened_at": opened.strftime("%d-%m-%Y %H:%M"),
                    "category": "Software", "subcategory": "?", "impact": "2 - Medium", "urgency": "2 - Medium",
                    "priority": priority, "assignment_group": group,
                    "resolved_at": resolved.strftime("%d-%m-%Y %H:%M") if last else "?",
                    "closed_at": "?", "short_description": "User cannot log in, says Jane Doe",
                })
    rng.shuffle(rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return number - 10000


FINDING_TYPES = ("Non-conformity", "Observation", "Opportunity for improvement")


def findings_log(path: Path, count: int = 6) -> list[tuple[str, str]]:
    """An audit-findings workbook with a title block above the header and dates typed as text (15.03.2026);
    returns each finding's ID and type."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Findings"
    sheet.append(["Internal audit programme 2026 - findings log"])
    sheet.append(["Prepared by the audit team; confidential"])
    sheet.append([])
    sheet.append(["Finding ID", "Source", "Source ref", "Finding date", "Finding type", "Severity",
                  "Control reference", "Description", "Root cause", "Owner", "Target date", "Status"])
    made = []
    for index in range(count):
        kind = FINDING_TYPES[index % 3]
        finding = f"AUD-26-{index + 1:03d}"
        made.append((finding, kind))
        sheet.append([finding, "Internal audit", "IA-2026-Q1", f"{(index % 27) + 1:02d}.03.2026", kind,
                      "Minor" if kind == "Non-conformity" else "", f"ISO 20000-1 8.{index % 9 + 1}",
                      f"Finding {index + 1}: change records lack an approval step", "Procedure not updated",
                      "Ana Costa" if index % 2 else None, f"30.{(index % 3) + 4:02d}.2026", "Open"])
    workbook.save(path)
    return made

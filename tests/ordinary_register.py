"""An ordinary continual-improvement register as a quality manager keeps it, and the exports kept beside it:
a title line above a header in row 3 headed in the register's own words ("Ref", "Raised on", "Raised by /
source", "Due", ratings "(1-3)"), IDs of its own scheme (CI-001...), status words of its own ("Open", "In
Progress", "WIP", "Done", "closed", "On hold"), sources the schema does not list ("Major incident review",
"Service review (ACME)"), two dates typed as text, and an audit-findings log with a closed external finding.

Everything is generated, with a fixed seed, so the adoption tests can compare the migrated register with it
cell by cell.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Font, PatternFill

D = dt.date
AS_OF = dt.date(2026, 11, 25)
HEADERS = ["Ref", "Raised on", "Raised by / source", "Type", "Description", "Customer impact (1-3)",
           "Risk reduction (1-3)", "Efficiency (1-3)", "Compliance (1-3)", "Owner", "Due", "Status",
           "Success measure", "Baseline", "Outcome", "Closed on", "Last update", "Comments"]
HEADER_ROW = 3
SOURCES = ["Internal audit", "Service review (ACME)", "Major incident review", "Capacity review", "Customer complaint",
           "Management review", "Staff suggestion", "Internal audit"]
OWNERS = ["Ana Costa", "Tom Becker", "Priya Shah", "Jonas Lind", "Mei Tanaka"]
# The statuses as this register writes them, item by item (30 items).
STATUSES = (["Done"] * 6 + ["closed"] * 3 + ["In Progress"] * 7 + ["WIP"] * 3 + ["Open"] * 6 + ["On hold"] * 2
            + ["Cancelled"] * 1 + ["Planned"] * 2)
IDEAS = ["shorten change lead time", "publish the top fixes", "automate the report", "capacity alerts before peak",
         "swarm priority 2 incidents"]
TEXT_DATES = (4, 11)  # items whose Raised on is typed as text, day first (14/01/2026; 01/04/2026 reads both ways)


@dataclass(frozen=True)
class OrdinaryRegister:
    path: Path
    rows: list[list[Any]]  # the items as written, one list per row in HEADERS order
    first_row: int  # the sheet row of the first item

    def ids(self) -> list[str]:
        return [row[0] for row in self.rows]


def build_register(folder: Path) -> OrdinaryRegister:
    rng = random.Random(2026)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "CI Register"
    sheet["A1"] = "Continual improvement register - Service Management Office"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells("A1:R1")
    for column, header in enumerate(HEADERS, start=1):
        cell = sheet.cell(HEADER_ROW, column, header)
        cell.font = Font(bold=True, color="FFFFFFFF")
        cell.fill = PatternFill("solid", start_color="FF305496")
    rows = []
    start = D(2025, 12, 1)
    for index, status in enumerate(STATUSES):
        raised = start + dt.timedelta(days=index * 11)
        closed = status in ("Done", "closed", "Cancelled")
        due = raised + dt.timedelta(days=60 if status == "On hold" else 60 + rng.randint(0, 90))
        row: list[Any] = [
            f"CI-{index + 1:03d}", f"{raised:%d/%m/%Y}" if index in TEXT_DATES else raised,
            SOURCES[index % len(SOURCES)],
            "Corrective action" if index % 4 == 0 else "Improvement",
            f"Improvement {index + 1}: {IDEAS[index % len(IDEAS)]}",
            rng.randint(1, 3), rng.randint(1, 3), rng.randint(1, 3), rng.randint(1, 3),
            None if status == "Open" else OWNERS[index % len(OWNERS)],
            None if status == "Open" else due, status,
            None if status in ("Open", "Planned") else "Changes closed within 5 days",
            None if status in ("Open", "Planned") else 14,
            6 if status in ("Done", "closed") else None,
            min(raised + dt.timedelta(days=40), AS_OF - dt.timedelta(days=2)) if closed else None,
            min(raised + dt.timedelta(days=20), AS_OF - dt.timedelta(days=1)) if status != "Open" else None,
            "Raised at the October review" if index == 7 else None,
        ]
        rows.append(row)
    first = HEADER_ROW + 1
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            if value is not None:
                cell = sheet.cell(first + offset, column, value)
                if isinstance(value, dt.date):
                    cell.number_format = "dd/mm/yyyy"
                elif column == 2:
                    cell.number_format = "@"  # a date typed into a cell formatted as text
    for letter, width in zip("ABCDEFGHIJKLMNOPQR", (8, 11, 22, 17, 46, 9, 9, 9, 9, 14, 11, 12, 28, 9, 9, 11, 11, 24),
                             strict=True):
        sheet.column_dimensions[letter].width = width
    path = folder / "CI register.xlsx"
    workbook.save(path)
    return OrdinaryRegister(path, rows, first)


FINDINGS_HEADER = ["Finding ID", "Source", "Finding date", "Finding type", "Severity", "Control reference",
                   "Description", "Owner", "Target date", "Status", "Closure date", "Verification"]


def findings_log(folder: Path) -> Path:
    """The audit-findings log kept beside the register: internal, surveillance, certification and external
    audits; AF-2026-02, a major non-conformity from the surveillance audit, is closed and verified."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Findings"
    sheet.append(["Audit findings log 2026"])
    sheet.append([])
    sheet.append(FINDINGS_HEADER)
    sheet.append(["AF-2026-01", "Internal audit", "12.02.2026", "Non-conformity", "Minor", "ISO 20000-1 8.5.1",
                  "Emergency changes not reviewed by the CAB", "Tom Becker", "30.04.2026", "Open", None, None])
    sheet.append(["AF-2026-02", "Surveillance audit", "10.03.2026", "Non-conformity", "Major", "ISO 20000-1 8.7.1",
                  "Capacity plan not reviewed this year", "Priya Shah", "31.05.2026", "Closed", "28.05.2026",
                  "Capacity plan reviewed and approved on 2026-05-20"])
    sheet.append(["AF-2026-03", "External audit", "21.09.2026", "Opportunity for improvement", None, "ISO 20000-1 9.1",
                  "Trend customer satisfaction quarterly", "Ana Costa", "31.12.2026", "Open", None, None])
    sheet.append(["AF-2026-04", "Certification audit", "05.10.2026", "Observation", None, "ISO 20000-1 7.5",
                  "Document owners not shown on procedures", "Mei Tanaka", "15.12.2026", "In progress", None, None])
    path = folder / "Audit findings 2026.xlsx"
    workbook.save(path)
    return path

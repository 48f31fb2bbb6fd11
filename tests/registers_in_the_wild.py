"""Registers as organisations keep them, rebuilt from code in the layouts of public templates: titles merged
above the header, merged header cells, two-row headers, dates typed as text, an Excel table whose header row
is hidden. Each builder writes the workbook and returns what a reader should find in it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

D = dt.date


@dataclass(frozen=True)
class Shape:
    """A built workbook and what a reader should find: its sheet, header row, items and some values."""

    path: Path
    sheet: str
    header_row: int
    rows: list[list[Any]]  # the items as written, one list per row, in sheet column order from column A
    headers: list[str]


def _title(sheet: Any, text: str, last_column: str, subtitle: str = "") -> None:
    sheet["A1"] = text
    sheet["A1"].font = Font(bold=True, size=16)
    sheet.merge_cells(f"A1:{last_column}1")
    if subtitle:
        sheet["A2"] = subtitle
        sheet.merge_cells(f"A2:{last_column}2")


def _write(sheet: Any, first_row: int, rows: list[list[Any]]) -> None:
    for offset, values in enumerate(rows):
        for column, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(first_row + offset, column, value)


def issue_log(folder: Path) -> Shape:
    """A project issue log: a title and a subtitle merged across the sheet, a blank row, then the header,
    whose Description spans two merged columns (the text in the first)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Issue Log"
    _title(sheet, "Project Issue Log", "J", "Project: Service desk replacement    Prepared by: PMO")
    headers = ["Issue ID", "Date raised", "Raised by", "Description", None, "Priority", "Owner", "Target date",
               "Status", "Resolution"]
    _write(sheet, 4, [headers])
    sheet.merge_cells("D4:E4")
    for cell in sheet[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
    rows = [
        ["ISS-001", D(2026, 3, 2), "PMO", "Vendor has not confirmed the data migration date.", None, "High",
         "Tom Becker", D(2026, 3, 20), "Closed", "Date agreed for 14 April."],
        ["ISS-002", D(2026, 3, 9), "Service desk", "Knowledge articles not yet exported.", None, "Medium",
         "Ana Costa", D(2026, 4, 30), "Open", None],
        ["ISS-003", D(2026, 4, 1), "Security", "SSO test tenant not available.", None, "High", "Jonas Lind",
         D(2026, 4, 15), "In progress", None],
    ]
    for offset in range(len(rows)):
        sheet.merge_cells(f"D{5 + offset}:E{5 + offset}")
    _write(sheet, 5, rows)
    path = folder / "issue_log.xlsx"
    workbook.save(path)
    return Shape(path, "Issue Log", 4, rows, [h for h in headers if h])


def risk_register_simple(folder: Path) -> Shape:
    """A one-sheet risk register: a title, headers with their scales in brackets, a score per row."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Risk Register"
    _title(sheet, "IT Risk Register", "J")
    headers = ["Risk No.", "Date Identified", "Risk Description", "Likelihood (1-5)", "Impact (1-5)",
               "Risk Score", "Risk Owner", "Mitigation", "Status", "Review Date"]
    _write(sheet, 3, [headers])
    rows = [
        ["R-001", D(2026, 1, 12), "Backup restore never tested end to end.", 3, 4, 12, "Jonas Lind",
         "Quarterly restore test.", "Open", D(2026, 10, 1)],
        ["R-002", D(2026, 2, 3), "Single administrator for the firewall.", 2, 4, 8, "Priya Shah",
         "Train a second administrator.", "In treatment", D(2026, 9, 12)],
        ["R-003", D(2026, 5, 20), "Licence renewal missed.", 2, 2, 4, "Mei Tanaka", "Renewal calendar.",
         "Closed", D(2026, 6, 30)],
    ]
    _write(sheet, 4, rows)
    path = folder / "risk_register_simple.xlsx"
    workbook.save(path)
    return Shape(path, "Risk Register", 3, rows, headers)


def risk_register_inherent_residual(folder: Path) -> Shape:
    """A risk register with a two-row header: Inherent and Residual groups over the same three sub-columns;
    the columns outside a group are merged down both header rows."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Risks"
    _title(sheet, "Operational risk register", "L")
    upper = ["Risk ID", "Risk", "Category", "Inherent risk", None, None, "Controls", "Residual risk", None, None,
             "Owner", "Status"]
    lower = [None, None, None, "Likelihood", "Impact", "Rating", None, "Likelihood", "Impact", "Rating", None,
             None]
    _write(sheet, 3, [upper, lower])
    for letter in "ABCGKL":
        sheet.merge_cells(f"{letter}3:{letter}4")
    sheet.merge_cells("D3:F3")
    sheet.merge_cells("H3:J3")
    rows = [
        ["R-001", "Payments platform outage at peak.", "Availability", 4, 5, 20, "Active-active failover", 2, 5,
         10, "Jonas Lind", "Monitoring"],
        ["R-002", "Supplier fails to patch within SLA.", "Supplier", 3, 4, 12, "Contract penalties", 2, 3, 6,
         "Mei Tanaka", "Treating"],
    ]
    _write(sheet, 5, rows)
    path = folder / "risk_register_two_row.xlsx"
    workbook.save(path)
    return Shape(path, "Risks", 3, rows, ["Risk ID", "Risk", "Category", "Likelihood", "Impact", "Rating",
                                          "Controls", "Residual risk Likelihood", "Residual risk Impact",
                                          "Residual risk Rating", "Owner", "Status"])


FINDINGS_DATES = ["15.03.2026", "02.04.2026", "21.05.2026", "30.06.2026"]


def findings_and_remediation(folder: Path) -> Shape:
    """A findings and remediation workbook: a cover sheet first, then the findings under a title, with every
    date typed as text in day.month.year (some, like 02.04.2026, readable either way on their own)."""
    workbook = openpyxl.Workbook()
    cover = workbook.active
    cover.title = "Cover"
    cover["A1"] = "Audit findings and remediation plan"
    cover["A3"] = "Version"
    cover["B3"] = "1.4"
    sheet = workbook.create_sheet("Findings")
    _title(sheet, "Findings and remediation", "K")
    headers = ["Finding no", "Audit reference", "Date found", "Finding type", "Severity", "Description", "Owner",
               "Due date", "Status", "Verification", "Date closed"]
    _write(sheet, 3, [headers])
    rows = [
        ["AF-001", "IA-2026-01", FINDINGS_DATES[0], "Non-conformity", "Minor",
         "Changes closed without review.", "Tom Becker", FINDINGS_DATES[2], "Closed", "Sample of 10 reviewed.",
         FINDINGS_DATES[3]],
        ["AF-002", "IA-2026-01", FINDINGS_DATES[0], "OFI", None, "Trend customer satisfaction quarterly.",
         "Ana Costa", "31.12.2026", "Open", None, None],
        ["AF-003", "IA-2026-02", FINDINGS_DATES[1], "Observation", None, "Retired service still listed.",
         "Sam Okafor", "15.07.2026", "In progress", None, None],
    ]
    _write(sheet, 4, rows)
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            if isinstance(cell.value, str):
                cell.number_format = "@"
    path = folder / "findings_remediation.xlsx"
    workbook.save(path)
    return Shape(path, "Findings", 3, rows, headers)


def iso27001_risk_register(folder: Path) -> Shape:
    """An ISO 27001 risk register: a two-row header in plain cells (groups over sub-columns) above an Excel
    table of the items whose own header row is hidden (headerRowCount 0, columns named Column1...)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Risk Assessment"
    _title(sheet, "Information security risk assessment (ISO/IEC 27001 clause 6.1.2)", "L")
    upper = ["Risk identification", None, None, None, None, "Risk analysis", None, None, "Risk treatment", None,
             None, None]
    lower = ["Risk ID", "Asset", "Threat", "Vulnerability", "Risk owner", "Likelihood", "Impact", "Risk level",
             "Treatment option", "Controls (Annex A)", "Target date", "Status"]
    _write(sheet, 3, [upper, lower])
    sheet.merge_cells("A3:E3")
    sheet.merge_cells("F3:H3")
    sheet.merge_cells("I3:L3")
    rows = [
        ["R-001", "Customer database", "Ransomware", "Unpatched servers", "Priya Shah", 3, 5, 15, "Mitigate",
         "A.8.8, A.8.13", D(2026, 12, 31), "Treating"],
        ["R-002", "Laptops", "Theft", "No disk encryption on older models", "Tom Becker", 2, 3, 6, "Mitigate",
         "A.8.1, A.8.24", D(2026, 9, 30), "Treating"],
        ["R-003", "Office network", "Eavesdropping", "Guest Wi-Fi on the staff network", "Jonas Lind", 2, 2, 4,
         "Accept", None, None, "Accepted"],
    ]
    _write(sheet, 5, rows)
    table = Table(displayName="Table1", ref=f"A5:L{4 + len(rows)}", headerRowCount=0)
    table.tableColumns = [TableColumn(id=index, name=f"Column{index}") for index in range(1, 13)]
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    sheet.add_table(table)
    path = folder / "iso27001_risk_register.xlsx"
    workbook.save(path)
    return Shape(path, "Risk Assessment", 4, rows, lower)


SEED_HEADERS = ["Improvement ID", "Source", "Description", "Priority", "Owner", "Target completion date", "Status",
                "Measured outcome", "Closure date"]


def seed_register(folder: Path) -> Shape:
    """The register the ISO 20000 text describes, in its nine columns, on a sheet named Improvements."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Improvements"
    rows = [
        ["IMP-0001", "Audit finding", "Merge the two change procedures.", 2, "Tom Becker", D(2026, 3, 31),
         "Completed", "One procedure", D(2026, 3, 28)],
        ["IMP-0002", "Customer complaint", "Automate password resets.", 3, "Ana Costa", D(2026, 12, 31),
         "In progres", None, None],
        ["IMP-0003", "Trend analysis", "Capacity alerts before peak.", 1, "Jonas Lind", D(2026, 6, 30), "Planned",
         None, None],
    ]
    _write(sheet, 1, [SEED_HEADERS, *rows])
    path = folder / "seed_register.xlsx"
    workbook.save(path)
    return Shape(path, "Improvements", 1, rows, SEED_HEADERS)


CSI_HEADERS = ["Opportunity number", "Date raised", "Size", "Timescale", "Description", "Priority", "Benefits",
               "KPI metric", "Raised by", "To be actioned by", "Date required by", "Status", "Notes"]


def csi_register(folder: Path) -> Shape:
    """An ITIL-style CSI register under a title block, with its dates partly typed as text (dd/mm/yyyy) and
    its own status words."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "CSI Register"
    _title(sheet, "Continual Service Improvement Register", "M", "Owner: Service Manager    Reviewed monthly")
    _write(sheet, 4, [CSI_HEADERS])
    rows = [
        ["CSI-001", D(2026, 1, 14), "S", "Short term", "Publish the top twenty fixes as knowledge articles.", 3,
         "Fewer escalations", "First-call resolution", "Service desk", "Priya Shah", D(2026, 4, 30), "Complete",
         None],
        ["CSI-002", "03/02/2026", "M", "Medium term", "Automate the monthly change report.", 2, "Two days saved",
         "Hours on the report", "Management review", "Tom Becker", "30/09/2026", "WIP", "Waiting on tooling"],
        ["CSI-003", "19/03/2026", "S", "Short term", "Status e-mails at each stage of a ticket.", 3,
         "Fewer chasers", "Chaser calls per week", "Customer survey", "Ana Costa", D(2026, 6, 30), "Open", None],
        [None, D(2026, 7, 15), "S", "Short term", "Shift hand-over notes kept in the shift log.", 1, None, None,
         "Night shift", None, None, "Not started", "No number given yet"],
        ["CSI-003", D(2026, 9, 1), "M", "Medium term", "Swarming rota for priority 2 incidents.", 3, None,
         "P2 resolved within 8 hours", "SLA review", "Sam Okafor", D(2026, 10, 31), "On hold", None],
    ]
    _write(sheet, 5, rows)
    path = folder / "csi_register.xlsx"
    workbook.save(path)
    return Shape(path, "CSI Register", 4, rows, CSI_HEADERS)


# --- shapes from registers people publish: IDs headed in their own words, tables and footers below the items,
# a two-row header whose sub-columns name nothing the schema knows, repeated headers ---------------------------


@dataclass(frozen=True)
class Published:
    """A register as published: its items (sheet column order from A, as written), the rows below them that
    are not items, and which column holds the IDs."""

    path: Path
    sheet: str
    header_rows: list[list[Any]]
    rows: list[list[Any]]
    below: list[list[Any]]  # what stands below the items (a table, a footer), as written
    id_column: int = 0


def risk_register_with_owner_table(folder: Path) -> Published:
    """A risk register headed "Risk ID", then a blank row, an owner reference table and a copyright footer."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Risk Register"
    _title(sheet, "Information risk register", "I")
    header = ["Risk ID", "Risk Description", "Category", "Likelihood", "Impact", "Risk Owner", "Mitigation",
              "Status", "Review Date"]
    rows = [[f"R-{index:03d}", f"Risk {index}: {what}", category, 1 + index % 3, 1 + (index * 2) % 3,
             ["Jonas Lind", "Priya Shah", "Mei Tanaka"][index % 3], f"Mitigation {index}", status,
             D(2026, 1 + index, 10)]
            for index, (what, category, status) in enumerate([
                ("backup restore untested", "Availability", "Open"), ("single firewall admin", "People", "Open"),
                ("licence renewal missed", "Supplier", "Closed"), ("phishing of payroll staff", "Security", "Open"),
                ("no DR site for CRM", "Availability", "Open"), ("unpatched VPN appliance", "Security", "Closed"),
                ("key supplier insolvency", "Supplier", "Open"), ("data retention unclear", "Compliance", "Open"),
            ], start=1)]
    below = [["Owner", "Department", "Email"], ["Jonas Lind", "Infrastructure", "jonas.lind@example.org"],
             ["Priya Shah", "Security", "priya.shah@example.org"], ["Mei Tanaka", "Procurement",
                                                                     "mei.tanaka@example.org"]]
    _write(sheet, 3, [header, *rows])
    end = 3 + len(rows)
    _write(sheet, end + 2, below)
    footer = ["(c) 2026 Example Ltd. Confidential - do not distribute."]
    _write(sheet, end + 3 + len(below), [footer])
    path = folder / "risk_register_owner_table.xlsx"
    workbook.save(path)
    return Published(path, "Risk Register", [header], rows, [*below, footer])


def issue_log_numbered(folder: Path) -> Published:
    """An issue log numbered 1, 2, 3 under "Issue number:", with a footer line right under the last item."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Issues"
    header = ["Issue number:", "Date raised", "Issue description", "Raised by", "Owner", "Due date", "Status",
              "Resolution"]
    rows = [[index, D(2026, 2, index * 3), f"Issue {index}: {what}", raiser, owner, D(2026, 4, index * 2), status,
             resolution]
            for index, (what, raiser, owner, status, resolution) in enumerate([
                ("test tenant missing", "PMO", "Tom Becker", "Open", None),
                ("vendor date slipping", "PMO", "Ana Costa", "Closed", "Date agreed"),
                ("knowledge export incomplete", "Service desk", "Ana Costa", "In progress", None),
                ("SSO certificate expires", "Security", "Jonas Lind", "Open", None),
                ("training room booked twice", "HR", "Mei Tanaka", "Closed", "Rebooked"),
            ], start=1)]
    footer = ["Prepared by the PMO; reviewed weekly on Mondays"]
    _write(sheet, 1, [header, *rows, footer])
    path = folder / "issue_log_numbered.xlsx"
    workbook.save(path)
    return Published(path, "Issues", [header], rows, [footer])


def risk_matrix_two_row_header(folder: Path) -> Published:
    """Serial numbers under "Sr. No.", a two-row header whose lower row names nothing the schema knows (L, I,
    Rating under a merged "Inherent risk"), and headers repeated: Vulnerability and For Matrix twice."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Risk assessment"
    upper = ["Sr. No.", "Threat", "Vulnerability", "Inherent risk", None, None, "Vulnerability", "For Matrix",
             "For Matrix", "Owner", "Status"]
    lower = [None, None, None, "L", "I", "Rating", None, None, None, None, None]
    _write(sheet, 1, [upper, lower])
    sheet.merge_cells("D1:F1")
    for letter in "ABCGHIJK":
        sheet.merge_cells(f"{letter}1:{letter}2")
    rows = [[index, f"Threat {index}", f"Weakness {index}", 1 + index % 3, 2, 2 * (1 + index % 3),
             f"Second weakness {index}", f"M{index}", f"N{index}", "Priya Shah", "Open"]
            for index in range(1, 7)]
    _write(sheet, 3, rows)
    path = folder / "risk_matrix_two_row.xlsx"
    workbook.save(path)
    return Published(path, "Risk assessment", [upper, lower], rows, [])


PUBLISHED = (risk_register_with_owner_table, issue_log_numbered, risk_matrix_two_row_header)

"""The register actions on workbook files: read, run the engine, and write marks back safely.

The same engine and marks serve the Excel add-in; only the reading and writing differ there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from xl_addin.errors import ActionFailed
from xl_addin.findings import Finding
from xl_addin.marks import Marks, clear_marks, finding_marks, overdue_marks, priority_marks
from xl_addin.overdue import DEFAULT_ESCALATION_DAYS, OverdueItem, overdue_items
from xl_addin.priorities import Priorities, compute_priorities
from xl_addin.reader import read_register
from xl_addin.register import Register
from xl_addin.safe_write import WriteResult, load_for_update, refuse_if_locked, save_workbook
from xl_addin.schema import RegisterSchema
from xl_addin.validate import check_register
from xl_addin.xlsx_marks import apply_marks


def load_register(path: Path, schema: RegisterSchema) -> Register:
    register = read_register(path, schema)
    if isinstance(register, Finding):
        raise ActionFailed(register.message)
    return register


def write_marks(path: Path, marks: Marks, target: Path) -> WriteResult:
    """Apply marks to the workbook at `path` and save to `target` (which may be `path`) safely.

    The register was read once already for its values; openpyxl must load the file again, with formulas
    rather than their cached values, to write it back without turning formulas into numbers.
    """
    workbook = load_for_update(path)
    apply_marks(workbook, marks)
    return save_workbook(workbook, path, target)


@dataclass(frozen=True)
class PrioritiesOutcome:
    register: Register
    priorities: Priorities
    written: WriteResult | None


def run_priorities(path: Path, schema: RegisterSchema, *, target: Path | None) -> PrioritiesOutcome:
    if target is not None:
        refuse_if_locked(path)
    register = load_register(path, schema)
    priorities = compute_priorities(register, schema)
    written = write_marks(path, priority_marks(register, schema, priorities), target) if target else None
    return PrioritiesOutcome(register, priorities, written)


@dataclass(frozen=True)
class OverdueOutcome:
    register: Register
    items: tuple[OverdueItem, ...]
    as_of: dt.date
    written: WriteResult | None


def run_overdue(path: Path, schema: RegisterSchema, *, as_of: dt.date, target: Path | None,
                escalation_days: int = DEFAULT_ESCALATION_DAYS) -> OverdueOutcome:
    if target is not None:
        refuse_if_locked(path)
    register = load_register(path, schema)
    items = overdue_items(register, schema, as_of=as_of, escalation_days=escalation_days)
    written = write_marks(path, overdue_marks(register, items), target) if target else None
    return OverdueOutcome(register, items, as_of, written)


def run_mark_findings(path: Path, schema: RegisterSchema, *, today: dt.date,
                      target: Path) -> tuple[list[Finding], WriteResult]:
    refuse_if_locked(path)
    register = load_register(path, schema)
    found = check_register(register, schema, today=today)
    return found, write_marks(path, finding_marks(register, found), target)


def run_clear(path: Path, schema: RegisterSchema, *, target: Path) -> WriteResult:
    refuse_if_locked(path)
    register = load_register(path, schema)
    return write_marks(path, clear_marks(register.sheet), target)


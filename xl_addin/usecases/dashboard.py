"""Adding the Dashboard sheet to a register: read where the register stands and who its owners are, build the
sheet's formulas from the schema (engine.dashboard), and write it through the package writer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xl_addin.engine.dashboard import Dashboard, RegisterPlace, build_dashboard
from xl_addin.engine.marks import Marks
from xl_addin.engine.register import Register
from xl_addin.engine.schema import RegisterSchema
from xl_addin.ooxml.guard import DEFAULT_LIMITS, Limits
from xl_addin.ooxml.refs import column_letter
from xl_addin.usecases.actions import load_register, refuse_early
from xl_addin.workbook.writing.atomic import temporary_beside, write_new_file
from xl_addin.workbook.writing.safe_write import Output, WriteResult, write_marks

DASHBOARD_ROLES = ("id", "description", "status", "source", "owner", "targetDate", "dateRaised", "closureDate")


@dataclass(frozen=True)
class DashboardOutcome:
    register: Register
    dashboard: Dashboard
    written: WriteResult
    owners: tuple[str, ...]
    text_dates: int  # target, raised or closure dates typed as text: the formulas cannot count them


def register_place(register: Register) -> RegisterPlace:
    """Where the dashboard's formulas look: the register's sheet, from its first item's row down."""
    first = register.header_row + register.layout.rows
    last = max(register.row_numbers, default=first)
    end = register.trailing.first_row - 1 if register.trailing is not None else None
    letters = {name: column_letter(number) for name, number in register.columns.items()}
    return RegisterPlace(register.sheet, first, last, letters, end, len(register))


def register_owners(register: Register, schema: RegisterSchema) -> tuple[str, ...]:
    """The register's owners, each once, in alphabetical order."""
    column = schema.role("owner")
    values = register.cells.get(column, ()) if column else ()
    return tuple(sorted({str(value).strip() for value in values if value is not None and str(value).strip()},
                        key=str.casefold))


def _text_dates(register: Register, schema: RegisterSchema) -> int:
    names = {schema.role(role) for role in ("targetDate", "dateRaised", "closureDate")}
    return sum(reading.count for reading in register.readings if reading.kind == "date" and reading.column in names)


def add_dashboard(path: Path, schema: RegisterSchema, *, output: Output,
                  limits: Limits = DEFAULT_LIMITS) -> DashboardOutcome:
    """The Dashboard sheet written into the register at `path` (in place of xlreg's earlier one)."""
    refuse_early(path, output)
    register, schema = load_register(path, schema, limits, roles=DASHBOARD_ROLES)
    owners = register_owners(register, schema)
    dashboard = build_dashboard(schema, register_place(register), owners)
    written = write_marks(path, Marks(sheet=register.sheet, dashboard=dashboard), output, limits=limits)
    return DashboardOutcome(register, dashboard, written, owners, _text_dates(register, schema))


def new_register_file(target: Path, save: Callable[[Path], Any], schema: RegisterSchema) -> Path:
    """A new register workbook at `target`, as `save` writes it (openpyxl's), with its Dashboard sheet: the
    template, the examples, a migrated register. It appears whole or not at all."""
    staged = temporary_beside(target)
    try:
        write_new_file(staged, save)
        add_dashboard(staged, schema, output=Output(target))
    finally:
        staged.unlink(missing_ok=True)
    return target

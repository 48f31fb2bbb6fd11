"""Adopting a register kept in its own layout: proposing its mapping (`xlreg map`) and migrating it into the
template (`xlreg migrate`), with the new register checked as it is written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from xl_addin.engine.findings import Finding
from xl_addin.engine.mapped import with_form, with_mapping
from xl_addin.engine.mapping import RegisterMapping
from xl_addin.engine.migration import Migration, plan_migration
from xl_addin.engine.proposal import HeaderBasis, Proposal, propose
from xl_addin.engine.register import Register
from xl_addin.engine.schema import RegisterSchema
from xl_addin.engine.text_dates import DateOrder
from xl_addin.engine.validate import check_register
from xl_addin.errors import ActionFailed
from xl_addin.ooxml.guard import DEFAULT_LIMITS, Limits
from xl_addin.usecases.dashboard import new_register_file
from xl_addin.workbook.formats.register_form import FORM_PROPERTY, form_json
from xl_addin.workbook.reading.reader import open_grid, read_register

# The sheet of the new register that keeps, as they were, the rows found below the source's items.
KEPT_SHEET = "Below the register"


def _read(path: Path, schema: RegisterSchema, limits: Limits) -> Register | Finding:
    return read_register(path, schema, limits=limits, extras=True)


def _located(path: Path, schema: RegisterSchema, *, sheet: str | None, header_row: int | None,
             limits: Limits) -> tuple[Register, HeaderBasis]:
    """The register with every column, found as the commands find it or, when no sheet qualifies, at the
    nearest header row (a register headed mostly in its own words is what map is for); and how its header
    row was found."""
    given = schema.mapping or RegisterMapping()
    basis: HeaderBasis = "given" if header_row or given.header_row else "names"
    if sheet or header_row:
        schema = with_mapping(schema, replace(given, sheet=sheet or given.sheet,
                                              header_row=header_row or given.header_row))
    found = _read(path, schema, limits)
    if isinstance(found, Finding) and found.code == "no-register" and found.sheet and found.row:
        found = _read(path, with_mapping(schema, replace(given, sheet=found.sheet, header_row=found.row)), limits)
        basis = "guessed"
    if isinstance(found, Finding):
        hint = "" if found.code != "no-register" else (
            " Say where the register's headers are with --sheet NAME and --header-row N.")
        raise ActionFailed(found.message + hint)
    return found, basis


def propose_mapping(path: Path, schema: RegisterSchema, *, sheet: str | None = None, header_row: int | None = None,
                    date_order: DateOrder | None = None, limits: Limits = DEFAULT_LIMITS) -> Proposal:
    """The mapping `xlreg map` proposes for the register in `path` (dates are looked at as typed, so the
    schema's date order, if any, is set aside; `date_order` overrides what the dates suggest)."""
    plain = replace(schema, mapping=replace(schema.mapping, date_order=None)) if schema.mapping else schema
    register, basis = _located(path, plain, sheet=sheet, header_row=header_row, limits=limits)
    first = propose(register, plain, header_basis=basis)
    found = {match.header: match.target for match in first.columns if match.how in ("similar", "content")}
    if found:  # read again with those headers taken, so that their words, dates and IDs are looked at
        given = plain.mapping or RegisterMapping()
        again = with_mapping(plain, replace(given, sheet=first.sheet, header_row=first.header_row,
                                            columns={**given.columns, **found}))
        register, _ = _located(path, again, sheet=None, header_row=None, limits=limits)
        first = propose(register, again, columns=first.columns, header_basis=basis)
    if date_order:
        first = replace(first, dates=replace(first.dates, order=date_order))
    return first


@dataclass(frozen=True)
class MigrationOutcome:
    source: Path
    target: Path
    mapping: RegisterMapping
    proposed: bool  # the mapping is the one map would propose (none was given)
    migration: Migration
    items: int
    findings: list[Finding]  # the new register's
    kept_rows: int = 0  # rows below the source's items, copied as they were to the KEPT_SHEET sheet


def run_migrate(path: Path, schema: RegisterSchema, target: Path, *, today: dt.date, force: bool = False,
                limits: Limits = DEFAULT_LIMITS) -> MigrationOutcome:
    """Copy the register in `path` into a new register at `target`, through the schema's mapping or, without
    one, the proposed mapping; then read the new register back and check it."""
    if target.exists() and target.resolve() == path.resolve():
        raise ActionFailed(f"{target.name} is the register being migrated; write the new register to another file.")
    if target.exists() and not force:
        raise ActionFailed(f"{target} already exists; choose another name or add --force to replace it.")
    proposed = schema.mapping is None or not schema.mapping.columns
    mapping = schema.mapping
    if proposed:
        proposal = propose_mapping(path, schema, limits=limits,
                                   date_order=schema.mapping.date_order if schema.mapping else None)
        mapping = replace(proposal.mapping(source="the proposed mapping"),
                          form=schema.mapping.form if schema.mapping and schema.mapping.form else proposal.form)
    assert mapping is not None
    mapped = with_mapping(replace(schema, mapping=None), mapping)
    register, _ = _located(path, mapped, sheet=None, header_row=None, limits=limits)
    migration = plan_migration(register, mapped)
    template = with_form(replace(schema, mapping=None), migration.form)
    from xl_addin.workbook.writing.template import build_workbook  # openpyxl: only writing a register needs it

    workbook = build_workbook(template, items=migration.items, extra_columns=migration.extra_columns)
    kept = _keep_rows_below(workbook, path, register, limits) if register.trailing else 0
    if migration.form:
        from openpyxl.packaging.custom import StringProperty

        workbook.custom_doc_props.append(StringProperty(name=FORM_PROPERTY, value=form_json(migration.form)))
    new_register_file(target, workbook.save, template)
    written = read_register(target, template, limits=limits)
    if isinstance(written, Finding):
        raise ActionFailed(f"The new register {target.name} was written but cannot be read back: {written.message}")
    return MigrationOutcome(path, target, mapping, proposed, migration, len(written),
                            check_register(written, template, today=today), kept)


def _keep_rows_below(workbook: Any, path: Path, register: Register, limits: Limits) -> int:
    """Copy the rows below the source's items (a second table, a footer) as they were, onto a sheet of their
    own, so that migrating loses none of them; the number of rows copied."""
    trailing = register.trailing
    assert trailing is not None
    grid = open_grid(path)
    try:
        rows = list(grid.rows(register.sheet, min_row=trailing.first_row, max_row=trailing.last_row, min_col=1,
                              max_col=None))
    finally:
        grid.close()
    sheet = workbook.create_sheet(KEPT_SHEET)
    sheet.cell(1, 1, f"Rows {trailing.first_row}-{trailing.last_row} of sheet '{register.sheet}' in {path.name}, "
                     f"below the register's items ({trailing.what}), copied as they were.")
    for offset, (_, cells) in enumerate(rows, start=3):
        for column, value in enumerate(cells, start=1):
            if value is not None and value != "":
                sheet.cell(offset, column, value)
    return len(rows)

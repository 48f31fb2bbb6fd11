"""Adopting a register kept in its own layout: proposing its mapping (`xlreg map`) and migrating it into the
template (`xlreg migrate`), with the new register checked as it is written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from xl_addin.engine.adopt import DateOrder
from xl_addin.engine.findings import Finding
from xl_addin.engine.mapping import RegisterMapping, with_mapping
from xl_addin.engine.migration import Migration, plan_migration
from xl_addin.engine.proposal import Proposal, propose
from xl_addin.engine.register import Register
from xl_addin.engine.schema import RegisterSchema
from xl_addin.engine.validate import check_register
from xl_addin.errors import ActionFailed
from xl_addin.workbook.atomic import write_new_file
from xl_addin.workbook.guard import DEFAULT_LIMITS, Limits
from xl_addin.workbook.reader import read_register


def _read(path: Path, schema: RegisterSchema, limits: Limits) -> Register | Finding:
    return read_register(path, schema, limits=limits, extras=True)


def _located(path: Path, schema: RegisterSchema, *, sheet: str | None, header_row: int | None,
             limits: Limits) -> Register:
    """The register with every column, found as the commands find it or, when no sheet qualifies, at the
    nearest header row (a register headed mostly in its own words is what map is for)."""
    given = schema.mapping or RegisterMapping()
    if sheet or header_row:
        schema = with_mapping(schema, replace(given, sheet=sheet or given.sheet,
                                              header_row=header_row or given.header_row))
    found = _read(path, schema, limits)
    if isinstance(found, Finding) and found.code == "no-register" and found.sheet and found.row:
        found = _read(path, with_mapping(schema, replace(given, sheet=found.sheet, header_row=found.row)), limits)
    if isinstance(found, Finding):
        hint = "" if found.code != "no-register" else (
            " Say where the register's headers are with --sheet NAME and --header-row N.")
        raise ActionFailed(found.message + hint)
    return found


def propose_mapping(path: Path, schema: RegisterSchema, *, sheet: str | None = None, header_row: int | None = None,
                    date_order: DateOrder | None = None, limits: Limits = DEFAULT_LIMITS) -> Proposal:
    """The mapping `xlreg map` proposes for the register in `path` (dates are looked at as typed, so the
    schema's date order, if any, is set aside; `date_order` overrides what the dates suggest)."""
    plain = replace(schema, mapping=replace(schema.mapping, date_order=None)) if schema.mapping else schema
    register = _located(path, plain, sheet=sheet, header_row=header_row, limits=limits)
    first = propose(register, plain)
    similar = {match.header: match.target for match in first.columns if match.how == "similar"}
    if similar:  # read again with the similar headers taken, so that their words and dates are looked at
        given = plain.mapping or RegisterMapping()
        again = with_mapping(plain, replace(given, sheet=first.sheet, header_row=first.header_row,
                                            columns={**given.columns, **similar}))
        register = _located(path, again, sheet=None, header_row=None, limits=limits)
        first = propose(register, again, columns=first.columns)
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
        mapping = proposal.mapping(source="the proposed mapping")
    assert mapping is not None
    mapped = with_mapping(schema, mapping)
    register = _located(path, mapped, sheet=None, header_row=None, limits=limits)
    migration = plan_migration(register, mapped)
    template = replace(schema, mapping=None)
    from xl_addin.workbook.template import build_workbook  # openpyxl: only writing a register needs it

    workbook = build_workbook(template, items=migration.items, extra_columns=migration.extra_columns)
    write_new_file(target, workbook.save)
    written = read_register(target, template, limits=limits)
    if isinstance(written, Finding):
        raise ActionFailed(f"The new register {target.name} was written but cannot be read back: {written.message}")
    return MigrationOutcome(path, target, mapping, proposed, migration, len(written),
                            check_register(written, template, today=today))

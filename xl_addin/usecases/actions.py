"""The register actions on workbook files: read, run the engine, and write marks back safely.

The same engine and marks serve the Excel add-in; only the reading and writing differ there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xl_addin.engine.findings import Finding
from xl_addin.engine.marks import Marks, clear_marks, finding_marks, overdue_marks, priority_marks
from xl_addin.engine.overdue import DEFAULT_ESCALATION_DAYS, OnHoldItem, OverdueItem, on_hold_items, overdue_items
from xl_addin.engine.priorities import Priorities, compute_priorities
from xl_addin.engine.register import Register
from xl_addin.engine.roles import limitations, role_columns, unavailable
from xl_addin.engine.schema import RegisterSchema
from xl_addin.engine.snapshot import Snapshot, take_snapshot
from xl_addin.engine.validate import check_register
from xl_addin.errors import ActionFailed, not_found
from xl_addin.ooxml.guard import DEFAULT_LIMITS, Limits
from xl_addin.workbook.formats.snapshot_json import as_of_of, dumps, load_snapshot, previous_snapshot, snapshot_document
from xl_addin.workbook.reading.reader import read_register, workbook_schema
from xl_addin.workbook.writing.atomic import write_new_file
from xl_addin.workbook.writing.locks import lock_file, refuse_if_locked
from xl_addin.workbook.writing.pdf_print import CannotPrint, print_to_pdf
from xl_addin.workbook.writing.safe_write import Output, WriteResult, write_marks


def load_register(path: Path, schema: RegisterSchema, limits: Limits = DEFAULT_LIMITS, *,
                  roles: tuple[str, ...] | None = None, extras: bool = False) -> tuple[Register, RegisterSchema]:
    """The register in the workbook at `path`, and the schema to run the engine with (the workbook's own form
    on top, where it stores one); ActionFailed with the reason when there is none. With `roles`, only the
    columns playing them are taken (ranking or finding overdue items needs few of them); with `extras`, the
    register's own columns too."""
    schema = workbook_schema(path, schema)
    needed = None if roles is None else {name for role in roles for name in role_columns(schema.roles, role)}
    register = read_register(path, schema, limits=limits, needed=needed, extras=extras)
    if isinstance(register, Finding):
        raise ActionFailed(register.message)
    return register, schema


def require_roles(register: Register, schema: RegisterSchema, command: str) -> list[str]:
    """What `command` leaves out on this register; ActionFailed when it cannot run on it at all."""
    reason = unavailable(schema, register.columns, command)
    if reason:
        raise ActionFailed(f"{command.capitalize()} cannot be worked out for {Path(register.file).name}: {reason}.")
    return limitations(schema, register.columns, command)


PRIORITY_ROLES = ("id", "status", "targetDate", "dateRaised", "ratings", "total")
OVERDUE_ROLES = ("id", "status", "targetDate", "owner", "lastUpdate")


def refuse_early(path: Path, output: Output | None) -> None:
    """Before any reading: an in-place write into a workbook open in Excel is refused."""
    if output is not None and output.target.resolve() == path.resolve() and not output.ignore_lock:
        refuse_if_locked(path)


def _write(path: Path, marks: Marks, output: Output | None) -> WriteResult | None:
    if output is None:
        return None
    return write_marks(path, marks, output)


def open_elsewhere(path: Path) -> Path | None:
    """Excel's lock file when someone has the workbook open (what was read is then the last saved version)."""
    return lock_file(path)


@dataclass(frozen=True)
class PrioritiesOutcome:
    register: Register
    priorities: Priorities
    written: WriteResult | None
    notes: tuple[str, ...] = ()  # what could not be computed for this register


def run_priorities(path: Path, schema: RegisterSchema, *, output: Output | None = None,
                   limits: Limits = DEFAULT_LIMITS) -> PrioritiesOutcome:
    refuse_early(path, output)
    register, schema = load_register(path, schema, limits, roles=PRIORITY_ROLES)
    notes = require_roles(register, schema, "priorities")
    if output is not None:
        notes += limitations(schema, register.columns, "priorities written back")
    priorities = compute_priorities(register, schema)
    return PrioritiesOutcome(register, priorities, _write(path, priority_marks(register, schema, priorities), output),
                             tuple(notes))


@dataclass(frozen=True)
class OverdueOutcome:
    register: Register
    items: tuple[OverdueItem, ...]
    as_of: dt.date
    escalation_days: int
    written: WriteResult | None
    notes: tuple[str, ...] = ()
    on_hold: tuple[OnHoldItem, ...] = ()  # paused: not overdue, listed apart


def run_overdue(path: Path, schema: RegisterSchema, *, as_of: dt.date, output: Output | None = None,
                escalation_days: int = DEFAULT_ESCALATION_DAYS, limits: Limits = DEFAULT_LIMITS) -> OverdueOutcome:
    refuse_early(path, output)
    register, schema = load_register(path, schema, limits, roles=OVERDUE_ROLES)
    notes = require_roles(register, schema, "overdue")
    items = overdue_items(register, schema, as_of=as_of, escalation_days=escalation_days)
    return OverdueOutcome(register, items, as_of, escalation_days, _write(path, overdue_marks(register, items), output),
                          tuple(notes), on_hold_items(register, schema, as_of=as_of))


@dataclass(frozen=True)
class MarkOutcome:
    register: Register
    findings: list[Finding]
    written: WriteResult


def run_mark_findings(path: Path, schema: RegisterSchema, *, today: dt.date, output: Output,
                      limits: Limits = DEFAULT_LIMITS) -> MarkOutcome:
    refuse_early(path, output)
    register, schema = load_register(path, schema, limits)
    found = check_register(register, schema, today=today)
    written = write_marks(path, finding_marks(register, found, schema.role("id")), output)
    return MarkOutcome(register, found, written)


def run_clear(path: Path, schema: RegisterSchema, *, output: Output, limits: Limits = DEFAULT_LIMITS) -> WriteResult:
    """Remove the tool's marks; `changed` is False when there were none (in place, nothing is rewritten).

    The record of the tool's marks says where they are, so the register itself is not read."""
    refuse_early(path, output)
    return write_marks(path, clear_marks(schema.sheet), output, limits=limits)


@dataclass(frozen=True)
class SnapshotOutcome:
    snapshot: Snapshot
    workbook: Path
    document: Path
    previous: Path | None  # the earlier snapshot whose date was taken as the last review
    report: Path | None = None  # the one-file HTML report
    pdf: Path | None = None
    pdf_note: str | None = None  # why no PDF was made, when one was asked for


def snapshot_name(register_path: Path, as_of: dt.datetime) -> str:
    return f"{register_path.stem}_{as_of:%Y-%m-%d_%H%M%S}"


def run_snapshot(path: Path, schema: RegisterSchema, *, out_dir: Path | None, as_of: dt.datetime,
                 since: dt.date | None = None, previous: Path | None = None,
                 escalation_days: int = DEFAULT_ESCALATION_DAYS, limits: Limits = DEFAULT_LIMITS,
                 pdf: bool = False) -> SnapshotOutcome:
    """Write `<register>_<as-of>.xlsx`, `.json` and `.html` (and `.pdf` when asked and a browser can print it)
    into `out_dir` (default: `snapshots` beside the register).

    The last review is `since` if given, else the date of the `previous` snapshot, else that of the newest
    earlier snapshot of the same register in `out_dir`; with none, every item counts as new.
    """
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise ActionFailed(not_found("File", path)) from None
    except OSError as error:
        raise ActionFailed(f"Could not read {path}: {error.strerror or error}.") from None
    register, schema = load_register(path, schema, limits, extras=True)  # the frozen copy keeps every column
    folder = out_dir if out_dir is not None else path.parent / "snapshots"
    return write_snapshot(register, schema, folder=folder, register_path=path, as_of=as_of, since=since,
                          previous=previous, register_sha256=hashlib.sha256(content).hexdigest(),
                          escalation_days=escalation_days, pdf=pdf)


def write_snapshot(register: Register, schema: RegisterSchema, *, folder: Path, register_path: Path,
                   as_of: dt.datetime, register_sha256: str, since: dt.date | None = None,
                   previous: Path | None = None, escalation_days: int = DEFAULT_ESCALATION_DAYS,
                   pdf: bool = False) -> SnapshotOutcome:
    """The snapshot pack of a register already read (from a file, or from Excel by the add-in): the workbook,
    the JSON, the HTML report, and with `pdf` the report printed by the machine's browser (a note says why
    not, when it cannot be)."""
    base = folder / snapshot_name(register_path, as_of)
    # added, not swapped: a register named "CSI register v2.1" has a dot that is not a suffix
    workbook_path, document_path, report_path, pdf_path = (base.with_name(base.name + suffix)
                                                           for suffix in (".xlsx", ".json", ".html", ".pdf"))
    for existing in (workbook_path, document_path, report_path, *([pdf_path] if pdf else [])):
        if existing.exists():
            raise ActionFailed(f"{existing} already exists: a snapshot as of {as_of:%Y-%m-%d %H:%M:%S} was taken "
                               "already. Nothing was written.")
    earlier: Path | None = None
    document: dict[str, Any] | None = None
    if since is None:
        found = (previous, load_snapshot(previous)) if previous else \
            previous_snapshot(folder, register_path.name, as_of)
        if found is not None:
            earlier, document = found
            since = as_of_of(document).date()
    snapshot = take_snapshot(register, schema, as_of=as_of, previous_review=since,
                             register_sha256=register_sha256, escalation_days=escalation_days, previous=document)
    from xl_addin.workbook.writing.snapshot_book import build_snapshot_workbook  # only a snapshot needs it

    write_new_file(workbook_path, build_snapshot_workbook(snapshot).save)
    text = dumps(snapshot_document(snapshot))
    write_new_file(document_path, lambda temporary: temporary.write_text(text, encoding="utf-8"))
    from xl_addin.workbook.formats.review_html import review_html  # Jinja2: only a snapshot needs it

    report = review_html(snapshot)
    write_new_file(report_path, lambda temporary: temporary.write_text(report, encoding="utf-8"))
    printed, note = None, None
    if pdf:
        try:
            printed = print_to_pdf(report_path, pdf_path)
        except CannotPrint as error:
            note = str(error)
    return SnapshotOutcome(snapshot, workbook_path, document_path, earlier, report_path, printed, note)

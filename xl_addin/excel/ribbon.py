"""The Register tab's buttons: one Python entry point, `on_action(button id)`, called by the add-in's VBA.

Each button works on the active workbook: it reads the register in one call, runs the same engine as the
xlreg command, and writes the result back through ExcelBook in batched calls, with screen updating off while
writing and the status bar saying what happens and then what was found. A failure shows one dialog in plain
words; as everything is worked out before the first write, it changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xl_addin.engine.findings import Severity
from xl_addin.engine.schema import RegisterSchema
from xl_addin.errors import ActionFailed, WriteRefused
from xl_addin.excel.book import ExcelBook
from xl_addin.version import __version__

TITLE = "Register"


@dataclass(frozen=True)
class Button:
    """What a button runs with: the settings resolved for the workbook (the settings file found from its
    folder upwards, as `xlreg` finds one from the current folder) and the day that counts as today."""

    schema: RegisterSchema
    today: dt.date
    escalation_days: int
    owners: Path | None = None  # the owners file the settings name, for reminders


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def validate(book: ExcelBook, run: Button) -> str:
    from xl_addin.engine.marks import finding_marks
    from xl_addin.engine.validate import check_register

    register = book.read_register(run.schema)
    found = check_register(register, run.schema, today=run.today)
    book.apply(finding_marks(register, found, run.schema.role("id")))
    errors = sum(1 for finding in found if finding.severity == Severity.ERROR)
    warnings = sum(1 for finding in found if finding.severity == Severity.WARNING)
    return (f"Validated {_plural(len(register), 'row')}: {_plural(errors, 'error')}, "
            f"{_plural(warnings, 'warning')}" + ("; see the Findings sheet." if found else "."))


def priorities(book: ExcelBook, run: Button) -> str:
    from xl_addin.engine.marks import priority_marks
    from xl_addin.engine.priorities import compute_priorities
    from xl_addin.engine.roles import limitations
    from xl_addin.usecases.actions import require_roles

    register = book.read_register(run.schema)
    notes = require_roles(register, run.schema, "priorities")
    notes += limitations(run.schema, register.columns, "priorities written back")
    ranked = compute_priorities(register, run.schema)
    book.apply(priority_marks(register, run.schema, ranked))
    top = ranked.ranked[0] if ranked.ranked else None
    lead = f"; first: {top.item_id} ({top.total})" if top else ""
    unrated = f"; {_plural(len(ranked.unrated), 'item')} without a valid rating" if ranked.unrated else ""
    names = ", ".join(item.item_id or f"row {item.row}" for item in ranked.off_list)
    off_list = f"; not ranked, status neither open nor closed: {names}" if names else ""
    return f"Ranked {_plural(len(ranked.ranked), 'open item')}{lead}{unrated}{off_list}." + _noted(notes)


def overdue(book: ExcelBook, run: Button) -> str:
    from xl_addin.engine.marks import overdue_marks
    from xl_addin.engine.overdue import by_owner, overdue_items
    from xl_addin.usecases.actions import require_roles

    register = book.read_register(run.schema)
    notes = require_roles(register, run.schema, "overdue")
    late = overdue_items(register, run.schema, as_of=run.today, escalation_days=run.escalation_days)
    book.apply(overdue_marks(register, late))
    owners = ", ".join(f"{owner} {len(items)}" for owner, items in by_owner(late).items())
    escalate = sum(1 for item in late if item.escalate)
    return (f"{_plural(len(late), 'overdue item')} as of {run.today}" + (f" ({owners})" if owners else "")
            + (f"; {escalate} to escalate." if escalate else ".") + _noted(notes))


def _noted(notes: list[str]) -> str:
    return "".join(f"\n{note}" for note in notes)


def snapshot(book: ExcelBook, run: Button) -> str:
    from xl_addin.usecases.actions import write_snapshot

    register = book.read_register(run.schema, extras=True)  # the frozen copy keeps every column
    path = Path(book.book.fullname)
    if not path.is_file():
        raise ActionFailed("Save the workbook first: the snapshot is kept in a 'snapshots' folder beside it.")
    from xl_addin.workbook.writing.pdf_print import find_browser

    outcome = write_snapshot(register, run.schema, folder=path.parent / "snapshots", register_path=path,
                             as_of=dt.datetime.now().replace(microsecond=0),
                             register_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                             escalation_days=run.escalation_days, pdf=find_browser() is not None)
    also = [path.name for path in (outcome.report, outcome.pdf, outcome.document) if path]
    return f"Snapshot saved: {outcome.workbook} (and {', '.join(also)})."


def remind(book: ExcelBook, run: Button) -> str:
    """Reminders as drafts (.eml) in a folder beside the workbook, which is then opened for sending. The Reminder
    log is the command's to keep (xlreg remind --in-place): the open workbook is not written."""
    from xl_addin.engine.reminders import DEFAULT_DUE_WITHIN, plan_reminders
    from xl_addin.report.reminder_mail import reminder_message
    from xl_addin.usecases.actions import require_roles
    from xl_addin.usecases.remind import read_log, read_owners, write_drafts

    path = Path(book.book.fullname)
    if not path.is_file():
        raise ActionFailed("Save the workbook first: the reminders are written to a folder beside it.")
    register = book.read_register(run.schema, extras=True)  # as it stands in Excel, edits not yet saved too
    require_roles(register, run.schema, "overdue")
    plan = plan_reminders(register, run.schema, as_of=run.today, due_within=DEFAULT_DUE_WITHIN,
                          listed=read_owners(run.owners) if run.owners else {}, log=read_log(path))
    now = dt.datetime.now().replace(microsecond=0)
    messages = [(reminder, reminder_message(reminder, workbook=path.name, register=run.schema.title, as_of=run.today,
                                            due_within=DEFAULT_DUE_WITHIN, sender=None, draft=True, now=now))
                for reminder in plan.reminders]
    folder = path.parent / f"{path.stem} reminders"
    written = write_drafts(messages, folder) if messages else []
    missing = "; no address for " + ", ".join(reminder.owner for reminder in plan.no_address) \
        if plan.no_address else ""
    if written:
        open_folder(folder)
        return f"{_plural(len(written), 'reminder')} to send in {folder}{missing}."
    return f"Nobody to remind as of {run.today}{missing}."


def open_folder(folder: Path) -> None:
    """Show the folder in Finder or File Explorer, where the drafts are opened to send."""
    import os
    import subprocess

    if sys.platform == "win32":
        os.startfile(folder)  # type: ignore[attr-defined]  # Windows only
    else:
        subprocess.run(["open" if sys.platform == "darwin" else "xdg-open", str(folder)], check=False)


def clear_marks(book: ExcelBook, run: Button) -> str:
    from xl_addin.engine.marks import clear_marks as clear

    register = book.read_register(run.schema)
    book.apply(clear(register.sheet))
    return "Removed the Register tab's colours, notes and Findings sheet."


def about(book: ExcelBook, run: Button) -> str:
    return f"xlreg {__version__} in Python {sys.version.split()[0]} ({sys.executable}); schema: {run.schema.path.name}."


Handler = Callable[[ExcelBook, Button], str]
HANDLERS: dict[str, Handler] = {
    "validate": validate,
    "priorities": priorities,
    "overdue": overdue,
    "snapshot": snapshot,
    "remind": remind,
    "clearMarks": clear_marks,
    "about": about,
}
WRITES = {"validate", "priorities", "overdue", "clearMarks"}
STARTING = {"validate": "Validating the register...", "priorities": "Ranking the open items...",
            "overdue": "Looking for overdue items...", "snapshot": "Taking the review snapshot...",
            "remind": "Writing the reminders...",
            "clearMarks": "Clearing the marks...", "about": ""}


def on_action(action_id: str, book: Any = None, *, today: dt.date | None = None,
              schema: RegisterSchema | None = None) -> str:
    """Run one button on `book` (default: the active workbook); return the status-bar message shown."""
    if book is None:
        import xlwings as xw

        # the caller is the add-in itself; the workbook to act on is the active one of that same Excel
        book = xw.Book.caller().app.books.active
    app = book.app
    handler = HANDLERS.get(action_id)
    if handler is None:
        return _fail(app, f"The Register tab has no button '{action_id}'; reinstall the add-in "
                          "(xlreg addin install).")
    try:
        run = _button(book, today=today, schema=schema)
    except ActionFailed as error:
        return _fail(app, str(error))
    screen = app.screen_updating
    app.status_bar = STARTING[action_id] or False
    app.screen_updating = False
    try:
        message = handler(ExcelBook(book), run)
    except (ActionFailed, WriteRefused) as error:
        app.status_bar = False
        return _fail(app, str(error))
    except Exception as error:  # a bug: say so in one dialog rather than a traceback window
        app.status_bar = False
        return _fail(app, f"Something went wrong inside xlreg ({type(error).__name__}: {error}). If some "
                          "colours or notes were added before it stopped, Clear marks removes them. Please "
                          "report this, with the workbook if you can.")
    finally:
        app.screen_updating = screen
    if action_id == "about":
        app.alert(message, title=TITLE)
    app.status_bar = message
    return message


def _button(book: Any, *, today: dt.date | None, schema: RegisterSchema | None) -> Button:
    from xl_addin.settings import resolve
    from xl_addin.workbook.reading.reader import workbook_schema

    path = Path(str(book.fullname))
    settings = resolve({}, start=path.parent) if path.is_file() else resolve({}, search=False)
    chosen = schema or settings.schema()
    # the register's own form (ID pattern, choices of its own) as the saved workbook stores it
    chosen = workbook_schema(path, chosen) if path.is_file() else chosen
    return Button(schema=chosen, today=today or dt.date.today(), escalation_days=settings["escalation-days"],
                  owners=Path(settings["owners"]) if settings["owners"] else None)


def _fail(app: Any, message: str) -> str:
    app.alert(message, title=TITLE)
    return message

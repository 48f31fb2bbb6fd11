"""A reminder as an e-mail message: plain text and HTML parts listing an owner's overdue items and those due
soon, each with its ID, description, target date, days and where it is in the workbook; a subject that says the
counts. A draft carries the X-Unsent header, so Outlook and other mail programs open the .eml file as a message
to send rather than one received."""

from __future__ import annotations

import datetime as dt
import html
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from xl_addin.engine.reminders import Reminder, ReminderItem


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def subject(reminder: Reminder, register: str, due_within: int) -> str:
    parts = []
    if reminder.overdue:
        parts.append(_count(len(reminder.overdue), "overdue item", "overdue items"))
    if reminder.due:
        parts.append(f"{_count(len(reminder.due), 'item', 'items')} due within {due_within} days")
    return f"{register}: {' and '.join(parts)}"


def _when(item: ReminderItem) -> str:
    if item.overdue:
        return _count(item.days, "day overdue", "days overdue")
    return "due today" if item.days == 0 else f"due in {_count(item.days, 'day', 'days')}"


def _text(reminder: Reminder, workbook: str, as_of: dt.date, due_within: int) -> str:
    lines = [f"Hello {reminder.owner},", "",
             f"This is a reminder from the register {workbook}, as of {as_of.isoformat()}.", ""]
    for title, items in ((f"Overdue ({len(reminder.overdue)})", reminder.overdue),
                         (f"Due within {due_within} days ({len(reminder.due)})", reminder.due)):
        if not items:
            continue
        lines += [title, "-" * len(title)]
        for item in items:
            lines += [f"* {item.item_id}: {item.description}",
                      f"  Target date {item.target_date.isoformat()}, {_when(item)}; status {item.status or '(none)'}; "
                      f"in the workbook at {item.place}", ""]
    lines += ["Please update the register: the status, the last update, or a new target date agreed with the "
              "quality manager.", ""]
    return "\n".join(lines)


def _html(reminder: Reminder, workbook: str, as_of: dt.date, due_within: int) -> str:
    def table(title: str, items: tuple[ReminderItem, ...]) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(item.item_id)}</td><td>{html.escape(item.description)}</td>"
            f"<td>{item.target_date.isoformat()}</td><td>{html.escape(_when(item))}</td>"
            f"<td>{html.escape(item.status)}</td><td>{html.escape(item.place)}</td></tr>" for item in items)
        return (f"<h3>{html.escape(title)}</h3><table border=\"1\" cellpadding=\"4\" cellspacing=\"0\">"
                "<tr><th>ID</th><th>Description</th><th>Target date</th><th>When</th><th>Status</th>"
                f"<th>Where</th></tr>{rows}</table>")

    sections = []
    if reminder.overdue:
        sections.append(table(f"Overdue ({len(reminder.overdue)})", reminder.overdue))
    if reminder.due:
        sections.append(table(f"Due within {due_within} days ({len(reminder.due)})", reminder.due))
    return (f"<html><body><p>Hello {html.escape(reminder.owner)},</p>"
            f"<p>This is a reminder from the register {html.escape(workbook)}, as of {as_of.isoformat()}.</p>"
            + "".join(sections)
            + "<p>Please update the register: the status, the last update, or a new target date agreed with the "
              "quality manager.</p></body></html>")


def reminder_message(reminder: Reminder, *, workbook: str, register: str, as_of: dt.date, due_within: int,
                     sender: str | None, draft: bool, now: dt.datetime) -> EmailMessage:
    """The message for one owner. `workbook` names the file, `register` the register (the subject's start)."""
    message = EmailMessage()
    message["Subject"] = subject(reminder, register, due_within)
    message["To"] = reminder.address or ""
    if sender:
        message["From"] = sender
    message["Date"] = format_datetime(now.astimezone())
    message["Message-ID"] = make_msgid(domain="xlreg.invalid")
    if draft:
        message["X-Unsent"] = "1"
    message.set_content(_text(reminder, workbook, as_of, due_within))
    message.add_alternative(_html(reminder, workbook, as_of, due_within), subtype="html")
    return message

"""Reminding owners of what is due: read the register, its owners' addresses and its reminder log, plan who is
reminded (engine.reminders), then write the messages as drafts or send them, and log what went out in the
register's Reminder log sheet (xlreg's own), so that `--every` does not remind an owner twice too soon."""

from __future__ import annotations

import datetime as dt
import re
import smtplib
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from xl_addin.engine.marks import LogRows, Marks
from xl_addin.engine.register import Register
from xl_addin.engine.reminders import Plan, Reminder, Sent, is_address, plan_reminders
from xl_addin.engine.schema import RegisterSchema
from xl_addin.errors import ActionFailed
from xl_addin.ooxml.guard import DEFAULT_LIMITS, Limits
from xl_addin.usecases.actions import load_register, refuse_early, require_roles
from xl_addin.workbook.formats.toml_file import read_toml
from xl_addin.workbook.reading.reader import open_grid
from xl_addin.workbook.writing.atomic import write_new_file
from xl_addin.workbook.writing.safe_write import Output, WriteResult, write_marks

REMINDER_LOG = "Reminder log"
LOG_HEADER = ("Sent", "Owner", "Address", "Overdue items", "Due items", "Items", "How")
LOG_WIDTHS = (18, 22, 30, 13, 10, 40, 8)
SMTP_PORT, SUBMISSION_PORT = 25, 587  # plain SMTP; message submission, where STARTTLS is the rule
SMTP_TIMEOUT = 30


@dataclass(frozen=True)
class RemindPlan:
    register: Register
    schema: RegisterSchema
    plan: Plan
    logged: int  # lines already in the register's reminder log


@dataclass(frozen=True)
class MailServer:
    host: str
    port: int
    starttls: bool = False
    user: str | None = None
    password: str | None = None

    @property
    def name(self) -> str:
        return f"{self.host}:{self.port}"


def mail_server(text: str, *, starttls: bool, user: str | None, password: str | None) -> MailServer:
    """HOST[:PORT] as a server; the port defaults to 587 with STARTTLS, else 25."""
    host, _, port = text.rpartition(":") if re.fullmatch(r".+:\d+", text) else (text, "", "")
    if not host or not re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+", host):
        raise ActionFailed(f"--smtp {text}: give the mail server as HOST or HOST:PORT, for example "
                           "smtp.example.com:587.")
    return MailServer(host, int(port) if port else SUBMISSION_PORT if starttls else SMTP_PORT, starttls, user,
                      password)


def read_owners(path: Path) -> dict[str, str]:
    """The owners file: one line per owner, `"Ana Costa" = "ana.costa@example.com"` (at the top or under
    [owners])."""
    document = read_toml(path, "owners file")
    table = document.get("owners", document)
    if not isinstance(table, dict):
        raise ActionFailed(f"The owners file {path.name} should list owners as \"Name\" = \"address\".")
    bad = [f"{name} = {value!r}" for name, value in table.items() if not isinstance(value, str)
           or not is_address(value.strip())]
    if bad:
        raise ActionFailed(f"The owners file {path.name} has entries that are not an e-mail address: "
                           f"{'; '.join(bad[:3])}. Write each as \"Name\" = \"name@example.com\".")
    return {str(name): value for name, value in table.items()}


def read_log(path: Path) -> list[Sent]:
    """The lines of the register's reminder log, where it has one (a line that does not read is skipped)."""
    grid = open_grid(path)
    try:
        if REMINDER_LOG not in grid.sheet_names:
            return []
        lines = []
        for _, cells in grid.rows(REMINDER_LOG, min_row=2, max_row=None, min_col=1, max_col=len(LOG_HEADER)):
            when, owner, address, overdue, due, items, how = cells
            if isinstance(when, dt.date) and owner:
                moment = when if isinstance(when, dt.datetime) else dt.datetime.combine(when, dt.time())
                lines.append(Sent(moment, str(owner), str(address or ""), _whole(overdue), _whole(due),
                                  str(items or ""), str(how or "")))
        return lines
    finally:
        grid.close()


def _whole(value: Any) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def plan_remind(path: Path, schema: RegisterSchema, *, as_of: dt.date, due_within: int, every: int | None,
                owners: Path | None, output: Output | None, limits: Limits = DEFAULT_LIMITS) -> RemindPlan:
    """Who is reminded of what, for the register at `path`."""
    refuse_early(path, output)
    register, schema = load_register(path, schema, limits, extras=True)
    require_roles(register, schema, "overdue")
    if schema.role("owner") not in register.columns:
        raise ActionFailed(f"Reminders go to the items' owners, and {path.name} has no Owner column.")
    listed = read_owners(owners) if owners else {}
    log = read_log(path)
    plan = plan_reminders(register, schema, as_of=as_of, due_within=due_within, listed=listed, log=log,
                          every=every)
    return RemindPlan(register, schema, plan, len(log))


def draft_name(owner: str, taken: set[str]) -> str:
    """A file name for an owner's draft: their name with what file systems refuse taken out."""
    stem = re.sub(r"[\\/:*?\"<>|\x00-\x1f]+", " ", owner).strip(" .") or "owner"
    name, number = f"{stem}.eml", 2
    while name.casefold() in taken:
        name, number = f"{stem} ({number}).eml", number + 1
    taken.add(name.casefold())
    return name


def write_drafts(messages: Sequence[tuple[Reminder, EmailMessage]], folder: Path) -> list[Path]:
    """Each message as an .eml file in `folder` (made if need be), whole or not at all."""
    taken: set[str] = set()
    written = []
    for reminder, message in messages:
        data = message.as_bytes(policy=policy.SMTP)
        written.append(write_new_file(folder / draft_name(reminder.owner, taken), _writer(data)))
    return written


def _writer(data: bytes) -> Callable[[Path], int]:
    return lambda temporary: temporary.write_bytes(data)


def send(messages: Sequence[tuple[Reminder, EmailMessage]], server: MailServer) -> tuple[list[Reminder], str | None]:
    """Send each message; the reminders sent, and what stopped the rest in a line (None when all went)."""
    sent: list[Reminder] = []
    try:
        with smtplib.SMTP(server.host, server.port, timeout=SMTP_TIMEOUT) as smtp:
            if server.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if server.user:
                smtp.login(server.user, server.password or "")
            for reminder, message in messages:
                smtp.send_message(message)
                sent.append(reminder)
    except smtplib.SMTPAuthenticationError:
        return sent, (f"The mail server {server.name} refused the login for {server.user}: check the user name and "
                      "the password (XLREG_SMTP_PASSWORD).")
    except smtplib.SMTPNotSupportedError:
        return sent, f"The mail server {server.name} does not offer STARTTLS; leave out --starttls or use another port."
    except smtplib.SMTPRecipientsRefused as error:
        return sent, f"The mail server {server.name} refused the address {', '.join(error.recipients)}."
    except smtplib.SMTPSenderRefused as error:
        return sent, f"The mail server {server.name} refused the sender address {error.sender}."
    except smtplib.SMTPException as error:
        return sent, f"The mail server {server.name} did not take the reminders: {_reason(error)}."
    except ssl.SSLError as error:
        return sent, f"The secure connection to the mail server {server.name} failed: {error.reason or error}."
    except OSError as error:
        return sent, f"Could not reach the mail server {server.name}: {error.strerror or error}."
    return sent, None


def _reason(error: smtplib.SMTPException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else error.smtp_error
        return f"{error.smtp_code} {text}"
    return str(error) or type(error).__name__


def log_reminders(path: Path, register: Register, lines: Sequence[Sent], output: Output) -> WriteResult:
    """The lines added to the register's Reminder log sheet."""
    rows = tuple((line.when, line.owner, line.address, line.overdue, line.due, line.items, line.how)
                 for line in lines)
    log = LogRows(REMINDER_LOG, LOG_HEADER, rows, LOG_WIDTHS)
    return write_marks(path, Marks(sheet=register.sheet, log=log), output)

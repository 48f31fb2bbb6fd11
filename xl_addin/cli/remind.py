"""`xlreg remind`: one message per owner listing their overdue items and those due soon, written as drafts to
send (.eml) or sent through a mail server, and logged in the register when it is written."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from xl_addin.cli import common
from xl_addin.cli.common import EXIT_CLEAN, EXIT_USAGE, UsageError
from xl_addin.engine.reminders import DEFAULT_DUE_WITHIN, Reminder

PASSWORD_VARIABLE = "XLREG_SMTP_PASSWORD"


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "remind", help="remind owners of their overdue items and items due soon",
        description="Write one message per owner listing their overdue items and those due within DAYS: as drafts "
                    "(.eml files Outlook and other mail programs open ready to send) or sent through a mail server. "
                    "Addresses come from an Owner email column, else the owners file named in the settings "
                    "(owners = \"owners.toml\"). With -o or --in-place the register's Reminder log records what "
                    "went out, so --every DAYS does not remind an owner twice within DAYS.")
    parser.add_argument("file", type=Path, metavar="REGISTER")
    common.schema_options(parser)
    parser.add_argument("--as-of", type=common.date, metavar="YYYY-MM-DD", help="the day to remind as of "
                        "(default: today)")
    parser.add_argument("--due-within", type=common.non_negative, default=DEFAULT_DUE_WITHIN, metavar="DAYS",
                        help=f"also list items due within DAYS days (default {DEFAULT_DUE_WITHIN})")
    parser.add_argument("--every", type=common.positive, metavar="DAYS",
                        help="leave out owners the Reminder log shows reminded within the last DAYS days")
    parser.add_argument("--owners", type=Path, metavar="FILE",
                        help="owners' addresses, one \"Name\" = \"address\" per line (default: the settings' owners)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--out", type=Path, metavar="DIR", help="write the messages as drafts (.eml) into DIR")
    where.add_argument("--smtp", metavar="HOST[:PORT]", help="send the messages through this mail server")
    parser.add_argument("--from", dest="sender", metavar="ADDRESS", help="with --smtp: the sender's address")
    parser.add_argument("--starttls", action="store_true", help="with --smtp: encrypt the connection (STARTTLS)")
    parser.add_argument("--user", metavar="NAME", help=f"with --smtp: log in as NAME (the password from "
                        f"{PASSWORD_VARIABLE}, else asked for)")
    common.output_options(parser)
    parser.set_defaults(run=run)


def _password(user: str | None) -> str | None:
    if not user:
        return None
    if os.environ.get(PASSWORD_VARIABLE) is not None:
        return os.environ[PASSWORD_VARIABLE]
    if sys.stdin.isatty():
        return getpass.getpass(f"Password for {user}: ")
    raise UsageError(f"--user {user} needs a password: set {PASSWORD_VARIABLE}.")


def run(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin.engine.reminders import sent_line
    from xl_addin.report.reminder_mail import reminder_message
    from xl_addin.usecases import remind

    if args.out is None and args.smtp is None:
        raise UsageError("remind needs --out DIR (write drafts to send) or --smtp HOST[:PORT] --from ADDRESS "
                         "(send them).")
    if args.smtp and not args.sender:
        raise UsageError("--smtp needs --from ADDRESS: the address the reminders come from.")
    if args.smtp is None and (args.starttls or args.user):
        raise UsageError("--starttls and --user go with --smtp.")
    settings = common.settings(args, owners=str(args.owners.resolve()) if args.owners else None)
    server = remind.mail_server(args.smtp, starttls=args.starttls, user=args.user,
                                password=_password(args.user)) if args.smtp else None
    output = common.output(args, args.file)
    as_of = args.as_of or dt.date.today()
    owners = Path(settings["owners"]) if settings["owners"] else None
    planned = remind.plan_remind(args.file, settings.schema(), as_of=as_of, due_within=args.due_within,
                                 every=args.every, owners=owners, output=output, limits=settings.limits())
    plan, now = planned.plan, dt.datetime.now().replace(microsecond=0)
    messages = [(reminder, reminder_message(reminder, workbook=args.file.name, register=planned.schema.title,
                                            as_of=as_of, due_within=args.due_within, sender=args.sender,
                                            draft=server is None, now=now))
                for reminder in plan.reminders]
    out.write(f"Reminders as of {as_of.isoformat()}: overdue items and items due within {args.due_within} days.\n")
    problem = None
    if server is None:
        paths = remind.write_drafts(messages, args.out) if messages else []
        done = list(plan.reminders)
        for reminder, path in zip(done, paths, strict=True):
            out.write(f"  {_line(reminder)} -> {path}\n")
        how = "draft"
    else:
        done, problem = remind.send(messages, server) if messages else ([], None)
        for reminder in done:
            out.write(f"  {_line(reminder)}: sent\n")
        how = "sent"
    if not plan.reminders:
        out.write("  Nobody to remind now.\n")
    if plan.no_address:
        out.write(f"No address for {len(plan.no_address)} owner(s), so no reminder: add an Owner email column to "
                  "the register or list them in the owners file (settings: owners = \"owners.toml\").\n")
        for reminder in plan.no_address:
            out.write(f"  {reminder.owner}: {_counts(reminder)}\n")
    if plan.recently:
        out.write(f"Reminded within the last {args.every} days, so not again now:\n")
        for reminder, when in plan.recently:
            out.write(f"  {reminder.owner} (last reminded {when:%Y-%m-%d %H:%M}): {_counts(reminder)}\n")
    if plan.unowned:
        out.write(f"{len(plan.unowned)} item(s) with no owner to remind: "
                  f"{', '.join(item.item_id for item in plan.unowned[:10])}"
                  f"{' and more' if len(plan.unowned) > 10 else ''}.\n")
    lines = [sent_line(reminder, now, how) for reminder in done]
    if output is not None and lines:
        result = remind.log_reminders(args.file, planned.register, lines, output)
        out.write(f"Logged {len(lines)} reminder(s) in the {remind.REMINDER_LOG} sheet.\n")
        out.write(common.read_note(args.file, output) + common.written(result))
    elif lines:
        out.write(f"Nothing was logged (add --in-place or -o OUT to keep a {remind.REMINDER_LOG} in the register, "
                  "which --every reads).\n")
    if problem:
        sys.stderr.write(f"xlreg: {problem}\n")
        return EXIT_USAGE
    return EXIT_CLEAN


def _counts(reminder: Reminder) -> str:
    return f"{len(reminder.overdue)} overdue, {len(reminder.due)} due soon"


def _line(reminder: Reminder) -> str:
    return f"{reminder.owner} <{reminder.address}>: {_counts(reminder)}"

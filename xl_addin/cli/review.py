"""`xlreg snapshot` (freeze the register for a management review) and `xlreg diff` (what changed between
two reviews)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any, TextIO

from xl_addin.cli import common
from xl_addin.cli.common import EXIT_CLEAN


def add_parsers(commands: Any) -> None:
    snapshot = commands.add_parser(
        "snapshot", help="freeze the register for a management review (workbook, HTML report, JSON; PDF)",
        description="Write <register>_<as-of>.xlsx (values only: the review's figures, charts and tables, and the "
                    "frozen register, laid out to print), .html (the same review as one web page, printable to A4) "
                    "and .json (the same content, for programs and xlreg diff).")
    snapshot.add_argument("file", type=Path, metavar="FILE")
    common.schema_options(snapshot)
    snapshot.add_argument("--out-dir", type=Path, metavar="DIR",
                          help="where to write the snapshot (default: a 'snapshots' folder beside FILE)")
    snapshot.add_argument("--as-of", type=common.moment, metavar="YYYY-MM-DD[THH:MM]",
                          help="the moment the snapshot stands for (default: now)")
    last_review = snapshot.add_mutually_exclusive_group()
    last_review.add_argument("--since", type=common.date, metavar="YYYY-MM-DD",
                             help="date of the last review (default: that of the newest earlier snapshot in DIR)")
    last_review.add_argument("--previous", type=Path, metavar="SNAPSHOT.json",
                             help="take the last review's date from this snapshot")
    common.escalation_option(snapshot)
    snapshot.add_argument("--pdf", action="store_true",
                          help="also print the HTML report to .pdf with the browser installed (Chromium, Chrome or "
                               "Edge), for the minutes")
    snapshot.set_defaults(run=run_snapshot)

    diff = commands.add_parser("diff", help="what changed between two review snapshots",
                               description="Compare two snapshot .json files: new, closed and removed items, "
                                           "status changes, target dates moved, priority and owner changes.")
    diff.add_argument("old", type=Path, metavar="OLD.json")
    diff.add_argument("new", type=Path, metavar="NEW.json")
    diff.add_argument("--format", choices=["text", "json", "html"], default="text",
                      help="html: the changes as one web page, in the review report's style")
    diff.set_defaults(run=run_diff)


def run_snapshot(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin.report import summaries
    from xl_addin.usecases import actions

    settings = common.settings(args)
    as_of = args.as_of or dt.datetime.now().replace(microsecond=0)
    outcome = actions.run_snapshot(args.file, settings.schema(), out_dir=args.out_dir, as_of=as_of,
                                   since=args.since, previous=args.previous,
                                   escalation_days=settings["escalation-days"], limits=settings.limits(),
                                   pdf=args.pdf)
    out.write(summaries.snapshot_text(outcome))
    lock = actions.open_elsewhere(args.file)
    if lock is not None:
        out.write(f"Note: {args.file.name} is open in Excel ({lock.name} is beside it); the snapshot froze its last "
                  "saved version, without changes not yet saved.\n")
    return EXIT_CLEAN


def run_diff(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin.engine.review_diff import diff_snapshots
    from xl_addin.report.summaries import changes_json, changes_text
    from xl_addin.workbook.formats.snapshot_json import load_snapshot

    changes = diff_snapshots(load_snapshot(args.old), load_snapshot(args.new))
    if args.format == "html":
        from xl_addin.workbook.formats.review_html import changes_html

        out.write(changes_html(changes))
    else:
        out.write(changes_json(changes) if args.format == "json" else changes_text(changes))
    return EXIT_CLEAN

"""`xlreg import`: items from audit findings, service-desk tickets and satisfaction surveys."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any, TextIO

from xl_addin.cli import common
from xl_addin.cli.common import EXIT_CLEAN, UsageError

EPILOG = ("Shipped feed mappings: servicenow-incidents, jira, glpi (tickets); survey (csat); findings-log (findings). "
          "Defaults: findings-log, servicenow-incidents, survey. A feed mapping file (TOML) names the export's "
          "columns, its words, dates and nulls, and the trigger thresholds; see the README. Without -o or "
          "--in-place, import only reports what it would write.")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "import", help="propose register items from audit findings, tickets or satisfaction surveys",
        description="Read an export (CSV or workbook) and write the items it proposes into the register: one per "
                    "audit finding; for tickets and surveys, one where the monthly figures cross a trigger rule. "
                    "Items found by their Source ref are never duplicated, and only their blank cells are filled.",
        epilog=EPILOG)
    parser.add_argument("feed_file", type=Path, metavar="FEED", help="the export: .csv, .xlsx or .xlsm")
    parser.add_argument("file", type=Path, metavar="REGISTER", help="the register workbook to write into")
    parser.add_argument("--feed", required=True, choices=["findings", "tickets", "csat"],
                        help="what the export holds")
    common.feed_mapping_options(parser, help_text="the export's mapping: a shipped mapping's name or a mapping file")
    parser.add_argument("--as-of", type=common.date, metavar="YYYY-MM-DD",
                        help="the date of the import (default: today); months from it on are not yet complete")
    parser.add_argument("--date-order", choices=["dmy", "mdy", "ymd"],
                        help="read the export's dates as day-month-year, month-day-year or year-month-day "
                             "(default: the mapping's)")
    common.schema_options(parser, reading=False)
    common.output_options(parser)
    parser.set_defaults(run=run)


def _check_order(feed: Path, register: Path) -> None:
    """The two files the right way round: a workbook given as FEED and a CSV as REGISTER were swapped."""
    if register.suffix.lower() not in WORKBOOK_SUFFIXES:
        swapped = feed.suffix.lower() in WORKBOOK_SUFFIXES
        hint = (f" The two look swapped: the export comes first, then the register: xlreg import {register.name} "
                f"{feed.name} ..." if swapped else "")
        raise UsageError(f"REGISTER {register.name} is not a register workbook (.xlsx or .xlsm).{hint}")


def run(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin.report.summaries import import_text
    from xl_addin.usecases.feed_import import run_import

    _check_order(args.feed_file, args.file)
    feed_mapping = common.split_mappings(args)
    output = common.output(args, args.file)
    settings = common.settings(args)
    outcome = run_import(args.feed_file, args.file, settings.schema(), kind=args.feed, mapping_name=feed_mapping,
                         as_of=args.as_of or dt.date.today(), output=output, date_order=args.date_order,
                         limits=settings.limits())
    out.write(import_text(outcome))
    if outcome.would_write:
        out.write("Nothing was written: add -o OUT (a new workbook) or --in-place (update the register) to write "
                  "these items.\n")
    elif outcome.written is None:
        out.write("Nothing was written: the register already holds everything this feed proposes.\n")
    else:
        out.write(common.read_note(args.file, output) + common.written(outcome.written))
    return EXIT_CLEAN


__all__ = ["UsageError"]

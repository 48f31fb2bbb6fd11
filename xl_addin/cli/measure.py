"""`xlreg measure`: each item's metric before and after its Implemented date, from a ticket export."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any, TextIO

from xl_addin.cli import common
from xl_addin.cli.common import EXIT_CLEAN


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "measure", help="measure each item's metric before and after it was implemented, from a ticket export",
        description="For every item with a Metric key (resolution:GROUP[:PRIORITY], breach:..., count:...) and an "
                    "Implemented date, work the metric out over a window before that date (the baseline) and an "
                    "equal window after (the outcome, once the window has passed), with the number of tickets. "
                    "Written: a Measurements sheet, and Baseline and Measured outcome where they are blank.")
    parser.add_argument("file", type=Path, metavar="REGISTER", help="the register workbook")
    parser.add_argument("feed_file", type=Path, metavar="FEED", help="the ticket export (.csv, .xlsx)")
    parser.add_argument("--feed", choices=["tickets"], default="tickets", help="what the export holds")
    common.feed_mapping_options(parser, help_text="the export's mapping: a shipped ticket mapping "
                                                  "(servicenow-incidents, jira, glpi) or a mapping file")
    parser.add_argument("--window-days", type=common.positive, default=90, metavar="N",
                        help="days before and after the Implemented date (default 90)")
    parser.add_argument("--as-of", type=common.date, metavar="YYYY-MM-DD", help="default: today")
    parser.add_argument("--date-order", choices=["dmy", "mdy", "ymd"], help="how the export writes dates")
    common.schema_options(parser, reading=False)
    common.output_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin.report.summaries import measure_text
    from xl_addin.usecases.feed_measure import run_measure

    feed_mapping = common.split_mappings(args)
    output = common.output(args, args.file)
    settings = common.settings(args)
    outcome = run_measure(args.file, args.feed_file, settings.schema(), mapping_name=feed_mapping,
                          as_of=args.as_of or dt.date.today(), days=args.window_days, output=output,
                          date_order=args.date_order, limits=settings.limits())
    out.write(measure_text(outcome))
    if output is not None:
        out.write(common.read_note(args.file, output) + common.written(outcome.written))
    return EXIT_CLEAN

"""`xlreg priorities`, `xlreg overdue` and `xlreg clear`: report on one register, and with -o or --in-place
write the totals, ranks and highlights into it (or remove them again)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any, TextIO

from xl_addin.cli import common
from xl_addin.cli.common import EXIT_CLEAN, UsageError


def add_parsers(commands: Any) -> None:
    priorities = commands.add_parser("priorities", help="compute priority totals and ranks",
                                     description="Compute priority totals and rank the open items.")
    priorities.add_argument("file", type=Path, metavar="FILE")
    common.schema_options(priorities)
    priorities.add_argument("--format", choices=["text", "json"], default="text")
    priorities.add_argument("--top", type=common.positive, default=10, metavar="N",
                            help="how many top priorities to list (default 10)")
    common.output_options(priorities)
    priorities.set_defaults(run=run_priorities)

    overdue = commands.add_parser("overdue", help="list and highlight overdue items",
                                  description="List overdue items by owner and highlight their rows.")
    overdue.add_argument("file", type=Path, metavar="FILE")
    common.schema_options(overdue)
    overdue.add_argument("--format", choices=["text", "json", "csv"], default="text")
    overdue.add_argument("--as-of", type=common.date, metavar="YYYY-MM-DD",
                         help="the day to measure from (default: today)")
    common.escalation_option(overdue)
    common.output_options(overdue)
    overdue.set_defaults(run=run_overdue)

    clear = commands.add_parser("clear", help="remove the highlights and notes xlreg added",
                                description="Remove the fills, notes and Findings sheet xlreg added; "
                                            "a person's own fills and notes stay.")
    clear.add_argument("file", type=Path, metavar="FILE")
    common.schema_options(clear)
    common.output_options(clear)
    clear.set_defaults(run=run_clear)


def run_priorities(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin.report import summaries
    from xl_addin.usecases import actions

    settings = common.settings(args)
    output = common.output(args, args.file)
    outcome = actions.run_priorities(args.file, settings.schema(), output=output, limits=settings.limits())
    if args.format == "json":
        out.write(summaries.priorities_json(str(args.file), outcome.priorities, outcome.notes))
    else:
        out.write(summaries.priorities_text(str(args.file), outcome.priorities, top=args.top, notes=outcome.notes))
        out.write(common.read_note(args.file, output) + common.written(outcome.written))
    return EXIT_CLEAN


def run_overdue(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin.report import summaries
    from xl_addin.usecases import actions

    settings = common.settings(args)
    as_of = args.as_of or dt.date.today()
    escalation_days = settings["escalation-days"]
    output = common.output(args, args.file)
    outcome = actions.run_overdue(args.file, settings.schema(), as_of=as_of, output=output,
                                  escalation_days=escalation_days, limits=settings.limits())
    render = {"json": summaries.overdue_json, "csv": summaries.overdue_csv}.get(args.format, summaries.overdue_text)
    out.write(render(str(args.file), outcome.items, as_of, escalation_days, outcome.notes, on_hold=outcome.on_hold))
    if args.format == "text":
        out.write(common.read_note(args.file, output) + common.written(outcome.written))
    return EXIT_CLEAN


def run_clear(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin.usecases import actions

    output = common.output(args, args.file)
    if output is None:
        raise UsageError("clear needs -o OUT (a new workbook) or --in-place (update FILE).")
    settings = common.settings(args)
    result = actions.run_clear(args.file, settings.schema(), output=output, limits=settings.limits())
    if result.changed:
        out.write("Removed xlreg's highlights, notes and Findings sheet.\n")
    else:
        out.write("Nothing to clear: the workbook has no highlights, notes or Findings sheet from xlreg.\n")
    out.write(common.read_note(args.file, output) + common.written(result))
    return EXIT_CLEAN

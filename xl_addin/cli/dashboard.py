"""`xlreg dashboard add`: a Dashboard sheet of live figures and charts in the register itself."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from xl_addin.cli import common
from xl_addin.cli.common import EXIT_CLEAN, UsageError


def add_parser(commands: Any) -> None:
    dashboard = commands.add_parser(
        "dashboard", help="add a Dashboard sheet of live figures and charts to a register",
        description="The Dashboard sheet: headline figures, tables and charts whose cells are formulas over the "
                    "register, so they change as people type, in Excel and LibreOffice, with no add-in.")
    actions = dashboard.add_subparsers(dest="dashboard_action", metavar="ACTION")
    add = actions.add_parser(
        "add", help="add the Dashboard sheet (or replace the one xlreg added)",
        description="Add the Dashboard sheet to REGISTER, or replace the one xlreg added before (its list of "
                    "owners is refreshed then); nothing else in the workbook changes.")
    add.add_argument("file", type=Path, metavar="REGISTER")
    common.schema_options(add)
    common.output_options(add)
    add.set_defaults(run=run_add)
    dashboard.set_defaults(run=_no_action)


def _no_action(args: argparse.Namespace, out: TextIO) -> int:
    raise UsageError("say what to do with the dashboard: xlreg dashboard add REGISTER -o OUT (or --in-place).")


def run_add(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin.usecases.dashboard import add_dashboard

    output = common.output(args, args.file)
    if output is None:
        raise UsageError("dashboard add needs -o OUT (a new workbook) or --in-place (update REGISTER).")
    settings = common.settings(args)
    outcome = add_dashboard(args.file, settings.schema(), output=output, limits=settings.limits())
    figures = ", ".join(outcome.dashboard.figures)
    out.write(f"Dashboard: {len(outcome.dashboard.figures)} headline figures ({figures}), "
              f"{len(outcome.dashboard.charts)} charts; overdue items listed for {len(outcome.owners)} owners.\n")
    out.write("Its figures are formulas: they change as the register does. Run xlreg dashboard add again to list "
              "owners added since (until then they are counted under \"(other owners)\").\n")
    if outcome.text_dates:
        out.write(f"{outcome.text_dates} dates in the register are typed as text: the dashboard counts them once "
                  "they are dates (xlreg validate --mark shows where they are).\n")
    out.write(common.read_note(args.file, output) + common.written(outcome.written))
    return EXIT_CLEAN

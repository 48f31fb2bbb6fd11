"""`xlreg validate`: check register workbooks (files, folders, globs) and report; `--mark` writes the findings
into one workbook."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any, TextIO

from xl_addin.cli import common
from xl_addin.cli.common import EXIT_INTERRUPTED, FAIL_LEVELS, UsageError
from xl_addin.errors import not_found


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("validate", help="check register workbooks against the schema",
                                 description="Check register workbooks against the schema.")
    parser.add_argument("files", nargs="+", metavar="PATH",
                        help=".xlsx/.xlsm workbooks, folders (searched recursively) or globs ('**/*.xlsx')")
    common.schema_options(parser)
    parser.add_argument("--format", choices=["text", "json", "csv", "junit", "sarif", "github"],
                        help="report format (default text; github when GITHUB_ACTIONS is set)")
    parser.add_argument("--as-of", type=common.date, metavar="YYYY-MM-DD",
                        help="the date that counts as today for date checks (default: today)")
    parser.add_argument("--fail-on", choices=list(FAIL_LEVELS),
                        help="lowest severity that makes the exit code 1 (default: error)")
    parser.add_argument("--jobs", "-j", type=common.positive, metavar="N",
                        help="worker processes (default: the number of CPUs)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="check the files on a Dask cluster (tcp://host:8786); PATHs may then be s3://, gcs://, "
                             "abfs:// or file:// addresses the workers read directly (needs xlreg[dask])")
    parser.add_argument("--max-findings", type=common.positive, metavar="N",
                        help="report at most N findings per file; the file is marked partial")
    parser.add_argument("--exclude", action="append", metavar="GLOB", help="leave out matching files")
    parser.add_argument("--reader", choices=["auto", "calamine", "columns", "openpyxl"], help=argparse.SUPPRESS)
    parser.add_argument("--mark", action="store_true",
                        help="fill and annotate cells with findings and add a Findings sheet (needs -o or "
                             "--in-place, one FILE)")
    common.output_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin.batch.checking import BatchOptions, Interrupted, interrupts_ignored
    from xl_addin.batch.inputs import collect
    from xl_addin.batch.progress import Progress
    from xl_addin.batch.runner import check_many, default_jobs
    from xl_addin.report.findings import REPORTERS
    from xl_addin.report.run import CheckRun

    settings = common.settings(args, **{"fail-on": args.fail_on, "format": args.format, "jobs": args.jobs,
                                        "max-findings": args.max_findings, "exclude": args.exclude,
                                        "reader": args.reader})
    today = args.as_of or dt.date.today()
    if args.mark:
        return _validate_and_mark(args, settings, today, out)
    if args.output or args.in_place:
        raise UsageError("-o and --in-place go with --mark (validate only writes when asked to mark findings).")
    schema = settings.schema()
    inputs = collect(args.files, exclude=settings.exclude())
    if inputs.missing:
        raise UsageError(" ".join(f"{not_found(_kind(name), name)}." for name in inputs.missing))
    if inputs.unmatched:
        raise UsageError(f"No files match {', '.join(inputs.unmatched)}.")
    if not inputs.files:
        raise UsageError(f"No .xlsx or .xlsm workbooks found in {', '.join(args.files)}.")
    options = BatchOptions(schema=schema, today=today, max_findings=settings["max-findings"],
                           reader=settings["reader"], limits=settings.limits())
    fail_on = FAIL_LEVELS[settings["fail-on"]]
    try:
        with Progress(len(inputs.files)) as progress:
            if args.scheduler:
                from xl_addin.batch.cluster import check_on_cluster

                results = check_on_cluster(inputs.files, options, args.scheduler, progress=progress)
            else:
                results = check_many(inputs.files, options, jobs=settings["jobs"] or default_jobs(),
                                     progress=progress)
    except Interrupted as stop:
        reached = {result.file for result in stop.results}
        run = CheckRun(stop.results, fail_on, tuple(str(p) for p in inputs.files if str(p) not in reached),
                       interrupted=True)
        with interrupts_ignored():  # the report of what was done is written whole, however often Ctrl-C comes
            out.write(REPORTERS[settings["format"]](run))
            out.flush()
            print("xlreg: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    out.write(REPORTERS[settings["format"]](CheckRun(results, fail_on)))
    return common.exit_code(results, fail_on)


def _kind(name: str) -> str:
    """What a missing path was meant to be, for the message: a trailing slash or no suffix reads as a folder."""
    path = Path(name)
    return "Folder" if name.endswith(("/", "\\")) or not path.suffix else "File"


def _validate_and_mark(args: argparse.Namespace, settings: Any, today: dt.date, out: TextIO) -> int:
    from xl_addin.engine.findings import FileResult
    from xl_addin.report.findings import REPORTERS
    from xl_addin.report.run import CheckRun
    from xl_addin.usecases.actions import run_mark_findings

    if len(args.files) != 1:
        raise UsageError("--mark works on one workbook at a time.")
    path = Path(args.files[0])
    output = common.output(args, path)
    if output is None:
        raise UsageError("--mark needs -o OUT (a new workbook) or --in-place (update FILE).")
    outcome = run_mark_findings(path, settings.schema(), today=today, output=output, limits=settings.limits())
    found, register = outcome.findings, outcome.register
    result = FileResult(file=str(path), findings=tuple(found), rows_checked=len(register), sheet=register.sheet,
                        header_row=register.header_row)
    out.write(REPORTERS[settings["format"]](CheckRun([result], FAIL_LEVELS[settings["fail-on"]])))
    if settings["format"] == "text":
        marked = len({f.cell for f in found if f.cell})
        out.write(f"Marked {marked} cell(s) and listed {len(found)} finding(s) on the Findings sheet.\n")
        out.write(common.read_note(path, output) + common.written(outcome.written))
    return common.exit_code([result], FAIL_LEVELS[settings["fail-on"]])

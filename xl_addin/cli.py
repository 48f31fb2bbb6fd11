"""The `xlreg` command: wires a schema, the reader, the engine and a reporter together.

Exit codes: 0 clean (or the action was done), 1 findings at or above the fail level, 2 usage error,
unreadable input or a write that was refused, 3 internal error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from xl_addin import __version__, resources
from xl_addin.atomic import copy_new_file, write_new_file
from xl_addin.errors import ActionFailed, WriteRefused
from xl_addin.findings import FileResult, Severity
from xl_addin.overdue import DEFAULT_ESCALATION_DAYS
from xl_addin.schema import RegisterSchema, RegisterSchemaError, load_schema

if TYPE_CHECKING:
    from xl_addin.safe_write import WriteResult

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
FAIL_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "never": None}


class UsageError(Exception):
    """Something the person asked for cannot be done as asked; exit 2 with the message."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date in the form YYYY-MM-DD") from None


def _moment(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text).replace(tzinfo=None, microsecond=0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD) or a date and time "
                                         "(YYYY-MM-DDTHH:MM)") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xlreg",
        description="Check, prioritise and report on registers kept in Excel (ISO/IEC 20000 improvement "
                    "register by default).",
        epilog="Exit codes: 0 clean, 1 findings at the fail level, 2 usage error or unreadable file, "
               "3 internal error.")
    parser.add_argument("--version", action="version", version=f"xlreg {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check register workbooks against the schema",
                                   description="Check register workbooks against the schema.")
    validate.add_argument("files", nargs="+", metavar="PATH",
                          help=".xlsx/.xlsm workbooks, folders (searched recursively) or globs ('**/*.xlsx')")
    _schema_option(validate)
    validate.add_argument("--format", choices=["text", "json", "csv", "junit", "sarif", "github"],
                          help="report format (default text; github when GITHUB_ACTIONS is set)")
    validate.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD",
                          help="the date that counts as today for date checks (default: today)")
    validate.add_argument("--fail-on", choices=list(FAIL_LEVELS),
                          help="lowest severity that makes the exit code 1 (default: error)")
    validate.add_argument("--jobs", "-j", type=_positive, metavar="N",
                          help="worker processes (default: the number of CPUs)")
    validate.add_argument("--max-findings", type=_positive, metavar="N",
                          help="report at most N findings per file; the file is marked partial")
    validate.add_argument("--exclude", action="append", metavar="GLOB", help="leave out matching files")
    validate.add_argument("--table", metavar="NAME", help="the register's table name (default: the schema's)")
    validate.add_argument("--reader", choices=["auto", "calamine", "openpyxl"], help=argparse.SUPPRESS)
    validate.add_argument("--mark", action="store_true",
                          help="fill and annotate cells with findings and add a Findings sheet (needs -o or "
                               "--in-place, one FILE)")
    _output_options(validate)

    priorities = commands.add_parser("priorities", help="compute priority totals and ranks",
                                     description="Compute priority totals and rank the open items.")
    priorities.add_argument("file", type=Path, metavar="FILE")
    _schema_option(priorities)
    priorities.add_argument("--format", choices=["text", "json"], default="text")
    priorities.add_argument("--top", type=int, default=10, help="how many top priorities to list (default 10)")
    _output_options(priorities)

    overdue = commands.add_parser("overdue", help="list and highlight overdue items",
                                  description="List overdue items by owner and highlight their rows.")
    overdue.add_argument("file", type=Path, metavar="FILE")
    _schema_option(overdue)
    overdue.add_argument("--format", choices=["text", "json", "csv"], default="text")
    overdue.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help="the day to measure from (default: today)")
    _escalation_option(overdue)
    _output_options(overdue)

    clear = commands.add_parser("clear", help="remove the highlights and notes xlreg added",
                                description="Remove the fills, notes and Findings sheet xlreg added; "
                                            "a person's own fills and notes stay.")
    clear.add_argument("file", type=Path, metavar="FILE")
    _schema_option(clear)
    _output_options(clear)

    snapshot = commands.add_parser(
        "snapshot", help="freeze the register for a management review (workbook with charts + JSON)",
        description="Write <register>_<as-of>.xlsx (values only, a Review sheet with tables and charts) and a "
                    ".json with the same content.")
    snapshot.add_argument("file", type=Path, metavar="FILE")
    _schema_option(snapshot)
    snapshot.add_argument("--out-dir", type=Path, metavar="DIR",
                          help="where to write the snapshot (default: a 'snapshots' folder beside FILE)")
    snapshot.add_argument("--as-of", type=_moment, metavar="YYYY-MM-DD[THH:MM]",
                          help="the moment the snapshot stands for (default: now)")
    last_review = snapshot.add_mutually_exclusive_group()
    last_review.add_argument("--since", type=_date, metavar="YYYY-MM-DD",
                             help="date of the last review (default: that of the newest earlier snapshot in DIR)")
    last_review.add_argument("--previous", type=Path, metavar="SNAPSHOT.json",
                             help="take the last review's date from this snapshot")
    _escalation_option(snapshot)

    diff = commands.add_parser("diff", help="what changed between two review snapshots",
                               description="Compare two snapshot .json files: new, closed and removed items, "
                                           "status changes, target dates moved, priority and owner changes.")
    diff.add_argument("old", type=Path, metavar="OLD.json")
    diff.add_argument("new", type=Path, metavar="NEW.json")
    diff.add_argument("--format", choices=["text", "json"], default="text")

    addin = commands.add_parser("addin", help="build, install or remove the Excel add-in (the Register tab)",
                                description="The Register tab for Excel on Windows and macOS.")
    addin.add_argument("action", choices=["build", "install", "remove", "status"])
    addin.add_argument("--out", type=Path, default=Path("dist"), metavar="DIR",
                       help="where build writes xlreg.xlam (default: dist)")

    config = commands.add_parser("config", help="show the effective settings and where each comes from",
                                 description="Settings come from [tool.xlreg] in pyproject.toml or from "
                                             "xlreg.toml, found from the current folder upwards.")
    config.add_argument("action", choices=["show"])

    new = commands.add_parser("new", help="create a new, empty register from the template",
                              description="Create a new register workbook from the template.")
    new.add_argument("path", type=Path, metavar="PATH", help="the .xlsx file to create")
    new.add_argument("--sample", action="store_true", help="copy the sample register (with planted problems)")
    new.add_argument("--force", action="store_true", help="replace PATH if it exists")
    _schema_option(new)

    demo = commands.add_parser("demo", help="try it on the bundled sample register",
                               description="Copy the sample register into a folder and check it.")
    demo.add_argument("--dir", type=Path, default=Path("xlreg-demo"), help="working folder (default: xlreg-demo)")
    return parser


def _escalation_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--escalation-days", type=int, default=DEFAULT_ESCALATION_DAYS, metavar="N",
                        help=f"escalate overdue items with no update for more than N days "
                             f"(default {DEFAULT_ESCALATION_DAYS})")


def _output_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("-o", "--output", type=Path, metavar="OUT", help="write the result to a new workbook OUT")
    group.add_argument("--in-place", action="store_true",
                       help="update FILE itself (atomically, after keeping a backup in xlreg-backups/)")


def _target(args: argparse.Namespace, source: Path) -> Path | None:
    if args.in_place:
        return source
    if args.output is not None and args.output.resolve() == source.resolve():
        raise UsageError("-o names the input file itself; use --in-place to update it.")
    return args.output


def _written(result: WriteResult | None) -> str:
    if result is None:
        return ""
    backup = f" (backup of the original: {result.backup})" if result.backup else ""
    return f"Wrote {result.target}{backup}\n"


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of 1 or more")
    return value


def _schema_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--schema", type=Path, metavar="FILE",
                        help="register schema (JSON Schema); default: the improvement register")


def _load(path: Path | None) -> RegisterSchema:
    try:
        return load_schema(path or resources.default_schema_path())
    except RegisterSchemaError as error:
        raise UsageError(str(error)) from None


def exit_code(results: Sequence[FileResult], fail_on: Severity | None) -> int:
    """2 if any file was unreadable, else 1 if any finding reaches the fail level, else 0."""
    if any(finding.code in ("unreadable-file", "no-register") for r in results for finding in r.findings):
        return EXIT_USAGE
    if fail_on is not None and any((r.worst() or Severity.INFO) >= fail_on for r in results):
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    from xl_addin.config import effective_settings

    given = {"schema": str(args.schema) if getattr(args, "schema", None) else None,
             "fail-on": getattr(args, "fail_on", None), "format": getattr(args, "format", None),
             "jobs": getattr(args, "jobs", None), "max-findings": getattr(args, "max_findings", None),
             "exclude": getattr(args, "exclude", None), "table": getattr(args, "table", None),
             "reader": getattr(args, "reader", None),
             "escalation-days": getattr(args, "escalation_days", None)}
    return {key: setting.value for key, setting in effective_settings(given).items()}


def run_validate(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin.batch import BatchOptions, check_many, default_jobs
    from xl_addin.guard import MIB, Limits
    from xl_addin.inputs import collect
    from xl_addin.progress import Progress
    from xl_addin.reporters import REPORTERS

    settings = _settings(args)
    schema_path = Path(settings["schema"]) if settings["schema"] else None
    schema = _load(schema_path)
    today = args.as_of or dt.date.today()
    if args.mark:
        args.format, args.fail_on = settings["format"], settings["fail-on"]
        return _validate_and_mark(args, schema, today, out)
    if args.output or args.in_place:
        raise UsageError("-o and --in-place go with --mark (validate only writes when asked to mark findings).")
    inputs = collect(args.files, exclude=settings["exclude"])
    if inputs.unmatched:
        raise UsageError(f"No files match {', '.join(inputs.unmatched)}.")
    if not inputs.files:
        raise UsageError(f"No .xlsx or .xlsm workbooks found in {', '.join(args.files)}.")
    limits = Limits(max_part_bytes=settings["max-part-mb"] * MIB, max_total_bytes=settings["max-total-mb"] * MIB)
    options = BatchOptions(schema_path=schema.path, today=today, max_findings=settings["max-findings"],
                           reader=settings["reader"], table=settings["table"], limits=limits)
    with Progress(len(inputs.files)) as progress:
        results = check_many(inputs.files, options, jobs=settings["jobs"] or default_jobs(), progress=progress)
    out.write(REPORTERS[settings["format"]](results))
    return exit_code(results, FAIL_LEVELS[settings["fail-on"]])


def run_config(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin.config import describe, effective_settings

    out.write(describe(effective_settings({})))
    return EXIT_CLEAN


def _validate_and_mark(args: argparse.Namespace, schema: RegisterSchema, today: dt.date, out: TextIO) -> int:
    from xl_addin.actions import run_mark_findings
    from xl_addin.findings import FileResult
    from xl_addin.reporters import REPORTERS

    if len(args.files) != 1:
        raise UsageError("--mark works on one workbook at a time.")
    path = Path(args.files[0])
    target = _target(args, path)
    if target is None:
        raise UsageError("--mark needs -o OUT (a new workbook) or --in-place (update FILE).")
    outcome = run_mark_findings(path, schema, today=today, target=target)
    found, register = outcome.findings, outcome.register
    result = FileResult(file=str(path), findings=tuple(found), rows_checked=len(register), sheet=register.sheet,
                        header_row=register.header_row)
    out.write(REPORTERS[args.format]([result]))
    if args.format == "text":
        marked = len({f.cell for f in found if f.cell})
        out.write(f"Marked {marked} cell(s) and listed {len(found)} finding(s) on the Findings sheet.\n")
        out.write(_written(outcome.written))
    return exit_code([result], FAIL_LEVELS[args.fail_on])


def run_priorities(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin import actions, summaries

    schema = _load(args.schema)
    outcome = actions.run_priorities(args.file, schema, target=_target(args, args.file))
    if args.format == "json":
        out.write(summaries.priorities_json(str(args.file), outcome.priorities))
    else:
        out.write(summaries.priorities_text(str(args.file), outcome.priorities, top=args.top))
        out.write(_written(outcome.written))
    return EXIT_CLEAN


def run_overdue(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin import actions, summaries

    schema = _load(args.schema)
    as_of = args.as_of or dt.date.today()
    outcome = actions.run_overdue(args.file, schema, as_of=as_of, target=_target(args, args.file),
                                  escalation_days=args.escalation_days)
    render = {"json": summaries.overdue_json, "csv": summaries.overdue_csv}.get(args.format, summaries.overdue_text)
    out.write(render(str(args.file), outcome.items, as_of, args.escalation_days))
    if args.format == "text":
        out.write(_written(outcome.written))
    return EXIT_CLEAN


def run_clear(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin import actions

    target = _target(args, args.file)
    if target is None:
        raise UsageError("clear needs -o OUT (a new workbook) or --in-place (update FILE).")
    out.write("Removed xlreg's highlights, notes and Findings sheet.\n" +
              _written(actions.run_clear(args.file, _load(args.schema), target=target)))
    return EXIT_CLEAN


def run_snapshot(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin import actions, summaries

    as_of = args.as_of or dt.datetime.now().replace(microsecond=0)
    outcome = actions.run_snapshot(args.file, _load(args.schema), out_dir=args.out_dir, as_of=as_of,
                                   since=args.since, previous=args.previous, escalation_days=args.escalation_days)
    out.write(summaries.snapshot_text(outcome))
    return EXIT_CLEAN


def run_diff(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin.review_diff import changes_json, changes_text, diff_snapshots
    from xl_addin.snapshot_json import load_snapshot

    changes = diff_snapshots(load_snapshot(args.old), load_snapshot(args.new))
    out.write(changes_json(changes) if args.format == "json" else changes_text(changes))
    return EXIT_CLEAN


def run_addin(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin.addin import install
    from xl_addin.addin.build import AddinBuildError, build_addin

    try:
        if args.action == "build":
            out.write(f"Built {build_addin(args.out)}\n")
            return EXIT_CLEAN
        target = install.current_places()
        if args.action == "install":
            with tempfile.TemporaryDirectory() as folder:
                built = build_addin(Path(folder))
                lines = install.install(built, target, install.interpreter(sys.platform, Path(sys.executable)))
        else:
            lines = install.remove(target) if args.action == "remove" else install.status(target)
    except AddinBuildError as error:
        raise UsageError(str(error)) from None
    out.write("\n".join(lines) + "\n")
    return EXIT_CLEAN


def run_new(args: argparse.Namespace, out: TextIO) -> int:
    path: Path = args.path
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UsageError(f"{path} must end in .xlsx.")
    if path.exists() and not args.force:
        raise UsageError(f"{path} already exists; choose another name or add --force to replace it.")
    if args.sample:
        if args.schema:
            raise UsageError("--sample is the improvement register's sample; it cannot be combined with --schema.")
        copy_new_file(resources.sample_path(), path)
    elif args.schema is None:
        copy_new_file(resources.template_path(), path)
    else:
        from xl_addin.template import build_workbook

        workbook = build_workbook(_load(args.schema))
        write_new_file(path, workbook.save)
    out.write(f"Created {path}\n")
    return EXIT_CLEAN


def run_demo(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin.check import check_file
    from xl_addin.reporters import text_report

    folder: Path = args.dir
    sample = folder / "sample_register.xlsx"
    copy_new_file(resources.sample_path(), sample)
    out.write(f"Copied the sample register to {sample}\n")
    out.write(f"Its planted problems are listed in {resources.templates_dir() / 'SAMPLE_PROBLEMS.md'}\n\n")
    out.write(f"$ xlreg validate {sample}\n")
    schema = _load(None)
    today = dt.date.today()
    result = check_file(sample, schema, today=today, name=str(sample))
    out.write(text_report([result]))

    from xl_addin import actions, summaries

    out.write(f"\n$ xlreg priorities {sample} --in-place\n")
    ranked = actions.run_priorities(sample, schema, target=sample)
    out.write(summaries.priorities_text(str(sample), ranked.priorities, top=5))
    totals = sum(1 for item in ranked.priorities.items if item.total is not None)
    total_column = schema.role("total") or ""
    typed = {row.number: row.values.get(total_column) for row in ranked.register.rows}
    corrected = sum(1 for item in ranked.priorities.items
                    if typed.get(item.row) is not None and typed[item.row] != item.total)
    out.write(f"Changed: Priority total for {totals} items ({corrected} typed-in total(s) corrected, live "
              f"formulas kept) and Priority rank for {len(ranked.priorities.ranked)} open items.\n")
    out.write(f"\n$ xlreg overdue {sample} --in-place\n")
    late = actions.run_overdue(sample, schema, as_of=today, target=sample)
    out.write(summaries.overdue_text(str(sample), late.items, today, DEFAULT_ESCALATION_DAYS))
    out.write(f"Changed: highlighted {len(late.items)} overdue rows; a backup of each version is in "
              f"{sample.parent / 'xlreg-backups'}.\n")
    _demo_snapshots(sample, schema, out)
    out.write(f"\nThe sample is at {sample.resolve()}; open it in Excel to see the cells named above.\n")
    return exit_code([result], Severity.ERROR)


def _demo_snapshots(sample: Path, schema: RegisterSchema, out: TextIO) -> None:
    """Snapshot the sample, make a scripted fortnight of changes, snapshot again and show the differences."""
    from xl_addin import actions, summaries
    from xl_addin.review_changes import apply_review_changes
    from xl_addin.review_diff import changes_text, diff_snapshots
    from xl_addin.snapshot_json import load_snapshot

    folder = sample.parent / "snapshots"
    for earlier in folder.glob(f"{sample.stem}_*"):  # the demo's own, from an earlier run
        earlier.unlink()
    first_moment = dt.datetime.now().replace(microsecond=0)
    out.write(f"\n$ xlreg snapshot {sample} --since {first_moment.date() - dt.timedelta(days=91)}\n")
    first = actions.run_snapshot(sample, schema, out_dir=folder, as_of=first_moment,
                                 since=first_moment.date() - dt.timedelta(days=91))
    out.write(summaries.snapshot_text(first))
    out.write("\n(Two weeks of work: one item closed, one started, two target dates moved, an owner and a rating "
              "changed, one new item.)\n")
    apply_review_changes(sample, first_moment.date())
    second_moment = first_moment + dt.timedelta(days=14)
    out.write(f"$ xlreg snapshot {sample} --as-of {second_moment:%Y-%m-%dT%H:%M:%S}\n")
    second = actions.run_snapshot(sample, schema, out_dir=folder, as_of=second_moment)
    out.write(summaries.snapshot_text(second))
    out.write(f"\n$ xlreg diff {first.document} {second.document}\n")
    out.write(changes_text(diff_snapshots(load_snapshot(first.document), load_snapshot(second.document))))


COMMANDS = {"validate": run_validate, "priorities": run_priorities, "overdue": run_overdue, "clear": run_clear,
            "snapshot": run_snapshot,
            "diff": run_diff, "addin": run_addin, "config": run_config, "new": run_new, "demo": run_demo}


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run one command; return its exit code rather than raising."""
    out = out or sys.stdout
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        return COMMANDS[args.command](args, out)
    except UsageError as error:
        print(f"xlreg: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (ActionFailed, WriteRefused) as error:
        print(f"xlreg: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("xlreg: interrupted", file=sys.stderr)
        return EXIT_USAGE
    except Exception as error:
        if os.environ.get("XLREG_DEBUG"):
            raise
        print(f"xlreg: internal error ({type(error).__name__}: {error}). This is a bug in xlreg, not in your "
              "workbook; set XLREG_DEBUG=1 to see the details.", file=sys.stderr)
        return EXIT_INTERNAL


def entry_point() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entry_point()

"""What the commands share: exit codes, option types and options, settings, and the writing options."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xl_addin.engine.findings import FileResult, Severity
from xl_addin.engine.overdue import DEFAULT_ESCALATION_DAYS

if TYPE_CHECKING:
    from xl_addin.settings import Settings
    from xl_addin.workbook.writing.safe_write import Output, WriteResult

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # as a shell reports a process stopped by Ctrl-C (128 + SIGINT)
FAIL_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "never": None}


class UsageError(Exception):
    """Something the person asked for cannot be done as asked; exit 2 with the message."""


def date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date in the form YYYY-MM-DD") from None


def moment(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text).replace(tzinfo=None, microsecond=0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD) or a date and time "
                                         "(YYYY-MM-DDTHH:MM)") from None


def _whole_number(text: str, lowest: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = lowest - 1
    if value < lowest:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of {lowest} or more")
    return value


def positive(text: str) -> int:
    return _whole_number(text, 1)


def non_negative(text: str) -> int:
    return _whole_number(text, 0)


def schema_options(parser: argparse.ArgumentParser, *, table: bool = True, reading: bool = True) -> None:
    parser.add_argument("--schema", metavar="FILE",
                        help="register schema (JSON Schema), or example:NAME for a shipped example register "
                             "(xlreg new --help lists them); default: the settings file's, else the improvement "
                             "register")
    if table:
        parser.add_argument("--table", metavar="NAME", help="the register's table name (default: the schema's)")
    if reading:
        parser.add_argument("--mapping", type=Path, metavar="M.toml",
                            help="read a register kept in its own layout and words through this mapping "
                                 "(xlreg map proposes one)")
        parser.add_argument("--date-order", choices=["dmy", "mdy", "ymd"],
                            help="read dates typed as text as day-month-year, month-day-year or year-month-day")


def escalation_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--escalation-days", type=non_negative, metavar="N",
                        help=f"escalate overdue items with no update for more than N days "
                             f"(default {DEFAULT_ESCALATION_DAYS})")


def output_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("-o", "--output", type=Path, metavar="OUT", help="write the result to a new workbook OUT")
    group.add_argument("--in-place", action="store_true",
                       help="update FILE itself (atomically, after keeping a backup in xlreg-backups/)")
    parser.add_argument("--force", action="store_true", help="with -o: replace OUT if it exists")
    parser.add_argument("--ignore-lock", action="store_true",
                        help="with --in-place: write even though Excel's lock file (~$FILE) is beside the workbook "
                             "(only when Excel is not running and a crash left the lock behind)")


def settings(args: argparse.Namespace, **given: Any) -> Settings:
    """The settings for this run: the command line's options over the settings file's over the defaults."""
    from xl_addin.settings import resolve

    mapping = getattr(args, "mapping", None)
    options = {"schema": str(args.schema) if getattr(args, "schema", None) else None,
               "table": getattr(args, "table", None), "mapping": str(mapping.resolve()) if mapping else None,
               "date-order": getattr(args, "date_order", None),
               "escalation-days": getattr(args, "escalation_days", None), **given}
    return resolve(options)


def output(args: argparse.Namespace, source: Path) -> Output | None:
    """Where a writing command writes: the source itself, a new file, or nowhere (report only)."""
    from xl_addin.workbook.writing.safe_write import Output

    keep = settings(args)["keep-backups"]
    if args.in_place:
        return Output(source, ignore_lock=args.ignore_lock, keep_backups=keep)
    out: Path | None = args.output
    if out is None:
        return None
    if out.resolve() == source.resolve():
        raise UsageError("-o names the input file itself; use --in-place to update it.")
    if out.suffix.lower() != source.suffix.lower():
        raise UsageError(f"-o {out.name}: the new workbook must be a {source.suffix} file like {source.name} "
                         f"(for example {out.with_suffix(source.suffix).name}).")
    if out.exists() and not args.force:
        raise UsageError(f"{out} already exists; choose another name or add --force to replace it.")
    return Output(out)


def read_note(source: Path, result: Output | None) -> str:
    """When Excel has the workbook open and a copy is written, say which version was read."""
    from xl_addin.usecases.actions import open_elsewhere

    lock = open_elsewhere(source)
    if lock is None or result is None or result.target.resolve() == source.resolve():
        return ""
    return (f"Note: {source.name} is open in Excel ({lock.name} is beside it); this is its last saved version, "
            "without changes not yet saved.\n")


def written(result: WriteResult | None) -> str:
    if result is None:
        return ""
    if not result.changed and result.backup is None and result.target.exists():
        return f"{result.target} already holds this; nothing was changed.\n"
    backup = f" (backup of the original: {result.backup})" if result.backup else ""
    return f"Wrote {result.target}{backup}\n"


def exit_code(results: Sequence[FileResult], fail_on: Severity | None) -> int:
    """2 if any file could not be checked, else 1 if any finding reaches the fail level, else 0."""
    if not all(result.checked for result in results):
        return EXIT_USAGE
    if fail_on is not None and any((r.worst() or Severity.INFO) >= fail_on for r in results):
        return EXIT_FINDINGS
    return EXIT_CLEAN


def feed_mapping_options(parser: argparse.ArgumentParser, *, help_text: str) -> None:
    """--feed-mapping for the export, and --mapping for the register in its own layout (as every command)."""
    parser.add_argument("--feed-mapping", metavar="NAME|FILE", help=help_text)
    parser.add_argument("--mapping", type=Path, metavar="M.toml",
                        help="read the register through its mapping (xlreg map proposes one), as every command "
                             "does; a feed mapping given here (a shipped name or a file with kind = ...) is taken "
                             "as --feed-mapping")


def split_mappings(args: argparse.Namespace) -> str | None:
    """The feed mapping to use; --mapping given a feed mapping (how import and measure were used before they
    read register mappings) is taken as the feed's, and the register is read without one."""
    from xl_addin.workbook.formats.feed_mapping_file import is_feed_mapping, shipped_mappings

    given: Path | None = args.mapping
    if given is not None and is_feed_mapping(str(given)):
        if args.feed_mapping:
            raise UsageError(f"--mapping {given} and --feed-mapping {args.feed_mapping} are both feed mappings; give "
                             "the export's with --feed-mapping and the register's own (from xlreg map) with "
                             "--mapping.")
        args.mapping = None
        return str(given)
    if given is not None and not given.exists() and not given.suffix:
        raise UsageError(f"Mapping not found: {given}. The shipped feed mappings are "
                         f"{', '.join(shipped_mappings())} (give one with --feed-mapping); a register's own mapping "
                         "is a .toml file from xlreg map (--mapping FILE.toml).")
    return args.feed_mapping

"""The `xlreg` command: wires a schema, the reader, the engine and a reporter together.

Exit codes: 0 clean, 1 findings at or above the fail level, 2 usage error or unreadable input,
3 internal error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from xl_addin import __version__, resources
from xl_addin.findings import FileResult, Severity
from xl_addin.schema import RegisterSchema, RegisterSchemaError, load_schema

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
FAIL_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "never": None}


class UsageError(Exception):
    """Something the person asked for cannot be done as asked; exit 2 with the message."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date in the form YYYY-MM-DD") from None


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
    validate.add_argument("files", nargs="+", type=Path, metavar="FILE", help=".xlsx or .xlsm workbooks")
    _schema_option(validate)
    validate.add_argument("--format", choices=["text", "json"], default="text", help="report format")
    validate.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD",
                          help="the date that counts as today for date checks (default: today)")
    validate.add_argument("--fail-on", choices=list(FAIL_LEVELS), default="error",
                          help="lowest severity that makes the exit code 1 (default: error)")

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


def run_validate(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin.check import check_file
    from xl_addin.reporters import REPORTERS

    schema = _load(args.schema)
    today = args.as_of or dt.date.today()
    results = [check_file(path, schema, today=today, name=str(path)) for path in args.files]
    out.write(REPORTERS[args.format](results))
    return exit_code(results, FAIL_LEVELS[args.fail_on])


def _replace_with(source: Path, target: Path) -> None:
    """Copy into a temporary file beside the target, then rename, so a half-written file never appears."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".xlreg-", suffix=target.suffix, dir=target.parent)
    os.close(handle)
    try:
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def run_new(args: argparse.Namespace, out: TextIO) -> int:
    path: Path = args.path
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UsageError(f"{path} must end in .xlsx.")
    if path.exists() and not args.force:
        raise UsageError(f"{path} already exists; choose another name or add --force to replace it.")
    if args.sample:
        if args.schema:
            raise UsageError("--sample is the improvement register's sample; it cannot be combined with --schema.")
        _replace_with(resources.sample_path(), path)
    elif args.schema is None:
        _replace_with(resources.template_path(), path)
    else:
        from xl_addin.template import build_workbook

        schema = _load(args.schema)
        with tempfile.TemporaryDirectory() as folder:
            built = Path(folder) / path.name
            build_workbook(schema).save(built)
            _replace_with(built, path)
    out.write(f"Created {path}\n")
    return EXIT_CLEAN


def run_demo(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin.check import check_file
    from xl_addin.reporters import text_report

    folder: Path = args.dir
    sample = folder / "sample_register.xlsx"
    _replace_with(resources.sample_path(), sample)
    out.write(f"Copied the sample register to {sample}\n")
    out.write(f"Its planted problems are listed in {resources.templates_dir() / 'SAMPLE_PROBLEMS.md'}\n\n")
    out.write(f"$ xlreg validate {sample}\n")
    schema = _load(None)
    result = check_file(sample, schema, today=dt.date.today(), name=str(sample))
    out.write(text_report([result]))
    out.write(f"\nThe sample is at {sample.resolve()}; open it in Excel to see the cells named above.\n")
    return exit_code([result], Severity.ERROR)


COMMANDS = {"validate": run_validate, "new": run_new, "demo": run_demo}


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

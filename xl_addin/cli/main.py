"""The `xlreg` command: each command's module adds its parser and the function that runs it; `main` wires a
run to its command and turns every failure into a message and an exit code, never a traceback.

Exit codes: 0 clean (or the action was done), 1 findings at or above the fail level, 2 usage error,
unreadable input or a write that was refused, 3 internal error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from xl_addin.cli import actions, addin, adopt, config, demo, feeds, lite, measure, new, review, validate
from xl_addin.cli.common import EXIT_CLEAN, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_USAGE, UsageError
from xl_addin.errors import ActionFailed, WriteRefused
from xl_addin.version import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xlreg",
        description="Check, prioritise and report on registers kept in Excel (ISO/IEC 20000 improvement "
                    "register by default).",
        epilog="Exit codes: 0 clean, 1 findings at the fail level, 2 usage error or unreadable file, "
               "3 internal error. Settings: xlreg.toml or [tool.xlreg] in pyproject.toml (xlreg config show).")
    parser.add_argument("--version", action="version", version=f"xlreg {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    validate.add_parser(commands)
    actions.add_parsers(commands)
    review.add_parsers(commands)
    new.add_parser(commands)
    adopt.add_parsers(commands)
    feeds.add_parser(commands)
    measure.add_parser(commands)
    addin.add_parser(commands)
    lite.add_parser(commands)
    config.add_parser(commands)
    demo.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run one command; return its exit code rather than raising."""
    out = out or sys.stdout
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if args.command is None:
        out.write(parser.format_help())
        return EXIT_CLEAN
    try:
        return int(args.run(args, out))
    except (UsageError, ActionFailed, WriteRefused) as error:
        print(f"xlreg: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("xlreg: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:
        if os.environ.get("XLREG_DEBUG"):
            raise
        print(f"xlreg: internal error ({type(error).__name__}: {error}). This is a bug in xlreg, not in your "
              "workbook; set XLREG_DEBUG=1 to see the details.", file=sys.stderr)
        return EXIT_INTERNAL


def entry_point() -> None:
    sys.exit(main())

"""The `xlreg` command: each command's module adds its parser and the function that runs it; `main` wires a
run to its command and turns every failure into a message and an exit code, never a traceback.

Exit codes: 0 clean (or the action was done), 1 findings at or above the fail level, 2 usage error,
unreadable input or a write that was refused, 3 internal error.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from xl_addin.cli import (
    actions,
    addin,
    adopt,
    config,
    dashboard,
    demo,
    feeds,
    lite,
    measure,
    new,
    remind,
    review,
    validate,
)
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
    dashboard.add_parser(commands)
    remind.add_parser(commands)
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
        _check_command(parser, list(sys.argv[1:] if argv is None else argv))
        args, unknown = parser.parse_known_args(argv)
        if unknown:
            (_subcommand(parser, args.command) or parser).error(unknown_options(parser, args, unknown))
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


def _subcommand(parser: argparse.ArgumentParser, name: str | None) -> argparse.ArgumentParser | None:
    for action in parser._actions:  # argparse keeps its subcommands here and nowhere public
        if isinstance(action, argparse._SubParsersAction) and name in action.choices:
            chosen: argparse.ArgumentParser = action.choices[name]
            return chosen
    return None


def unknown_options(parser: argparse.ArgumentParser, args: argparse.Namespace, unknown: Sequence[str]) -> str:
    """The message for arguments the command does not take, with the option each one most likely meant."""
    chosen = _subcommand(parser, getattr(args, "command", None)) or parser
    known = [option for action in chosen._actions for option in action.option_strings if option.startswith("--")]
    parts: list[str] = []
    for position, text in enumerate(unknown):
        if not text.startswith("-") and position and unknown[position - 1].startswith("-"):
            parts[-1] = parts[-1].replace(unknown[position - 1], f"{unknown[position - 1]} {text}", 1)
            continue  # the value of the option before it
        word = text.split("=", 1)[0]
        close = difflib.get_close_matches(word, known, n=1, cutoff=0.6) if word.startswith("-") else []
        if not close and word.startswith("-") and not word.startswith("--"):
            close = difflib.get_close_matches("-" + word, known, n=1, cutoff=0.6)
        parts.append(f"{text} (did you mean {close[0]}?)" if close else text)
    command = getattr(args, "command", None)
    where = f"xlreg {command}" if command else "xlreg"
    return f"{where} does not take {', '.join(parts)}; see {where} --help"


def _check_command(parser: argparse.ArgumentParser, argv: Sequence[str]) -> None:
    """A command name that is not one, with the nearest if there is one (argparse lists them all)."""
    if not argv or argv[0].startswith("-"):
        return
    names = next((list(action.choices) for action in parser._actions
                  if isinstance(action, argparse._SubParsersAction)), [])
    if argv[0] not in names:
        close = difflib.get_close_matches(argv[0], names, n=1, cutoff=0.6)
        hint = f" Did you mean {close[0]}?" if close else ""
        parser.error(f"'{argv[0]}' is not an xlreg command.{hint} The commands are {', '.join(names)}.")


def entry_point() -> None:
    sys.exit(main())

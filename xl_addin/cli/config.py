"""`xlreg config show`: the effective settings, where each comes from and which commands use it."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from xl_addin.cli.common import EXIT_CLEAN


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("config", help="show the effective settings and where each comes from",
                                 description="Settings come from [tool.xlreg] in pyproject.toml or from "
                                             "xlreg.toml, found from the current folder upwards.")
    parser.add_argument("action", choices=["show"])
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin.settings import describe, resolve

    settings = resolve({})
    found = f"Settings file: {settings.file}" if settings.file else \
        "No settings file found (xlreg.toml, or [tool.xlreg] in pyproject.toml, in this folder or above)."
    out.write(found + "\n" + describe(settings))
    return EXIT_CLEAN

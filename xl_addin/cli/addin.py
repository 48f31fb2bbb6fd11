"""`xlreg addin build | install | remove | status`: the Register tab for desktop Excel."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from xl_addin.cli.common import EXIT_CLEAN, UsageError


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("addin", help="build, install or remove the Excel add-in (the Register tab)",
                                 description="The Register tab for Excel on Windows and macOS.")
    parser.add_argument("action", choices=["build", "install", "remove", "status"])
    parser.add_argument("--out", type=Path, default=Path("dist"), metavar="DIR",
                        help="where build writes xlreg.xlam (default: dist)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin.excel.addin import install
    from xl_addin.excel.addin.build import AddinBuildError, build_addin

    try:
        if args.action == "build":
            out.write(f"Built {build_addin(args.out)}\n")
            return EXIT_CLEAN
        target = install.current_places()
        if args.action == "install":
            import tempfile

            with tempfile.TemporaryDirectory() as folder:
                built = build_addin(Path(folder))
                lines = install.install(built, target, install.interpreter(sys.platform, Path(sys.executable)))
        else:
            lines = install.remove(target) if args.action == "remove" else install.status(target)
    except AddinBuildError as error:
        raise UsageError(str(error)) from None
    out.write("\n".join(lines) + "\n")
    return EXIT_CLEAN

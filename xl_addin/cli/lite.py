"""`xlreg lite`: the files that give the Register buttons to xlwings Lite (Excel on the web, Mac, Windows)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from xl_addin.cli.common import EXIT_CLEAN, UsageError


def add_parser(commands: Any) -> None:
    parser = commands.add_parser(
        "lite", help="write main.py and requirements.txt for xlwings Lite (no local Python needed)",
        description="Write the main.py (one script per Register button) and requirements.txt to paste into "
                    "xlwings Lite's editor, for Excel on the web, on a Mac or where Python cannot be installed.")
    parser.add_argument("--out", type=Path, default=Path("xlreg-lite"), metavar="DIR",
                        help="where to write them (default: xlreg-lite)")
    parser.add_argument("--wheel-url", metavar="URL",
                        help="where your organisation keeps xlreg's wheel, if not on the package index")
    parser.add_argument("--force", action="store_true", help="replace files already in DIR")
    parser.set_defaults(run=run)


def _writer(text: str) -> Callable[[Path], int]:
    return lambda path: path.write_text(text, encoding="utf-8")


def run(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin.excel.lite_files import main_py, requirements_txt
    from xl_addin.workbook.writing.atomic import write_new_file

    files = {"main.py": main_py(), "requirements.txt": requirements_txt(args.wheel_url)}
    existing = [name for name in files if (args.out / name).exists()]
    if existing and not args.force:
        raise UsageError(f"{args.out / existing[0]} already exists; choose another --out or add --force.")
    for name, text in files.items():
        write_new_file(args.out / name, _writer(text))
    out.write(f"Wrote {args.out / 'main.py'} and {args.out / 'requirements.txt'}. In Excel: Home > xlwings Lite, "
              "paste requirements.txt into its requirements.txt tab and main.py into main.py; each Register "
              "button is then a script to run.\n")
    return EXIT_CLEAN

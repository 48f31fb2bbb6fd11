"""`xlreg new`: a new register workbook from the template (or from a schema's generated template)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from xl_addin import resources
from xl_addin.cli import common
from xl_addin.cli.common import EXIT_CLEAN, UsageError


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("new", help="create a new, empty register from the template",
                                 description="Create a new register workbook from the template.")
    parser.add_argument("path", type=Path, metavar="PATH", help="the .xlsx file to create")
    parser.add_argument("--sample", action="store_true", help="copy the sample register (with planted problems)")
    parser.add_argument("--example", choices=resources.example_names(), metavar="NAME",
                        help="start from an example register instead of the improvement register: "
                             f"{', '.join(resources.example_names())} (check it with --schema example:NAME)")
    parser.add_argument("--force", action="store_true", help="replace PATH if it exists")
    common.schema_options(parser, table=False, reading=False)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin.workbook.writing.atomic import copy_new_file

    path: Path = args.path
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UsageError(f"{path} must end in .xlsx.")
    if path.exists() and not args.force:
        raise UsageError(f"{path} already exists; choose another name or add --force to replace it.")
    settings = common.settings(args)
    if args.example:
        if args.schema:
            raise UsageError("--example brings its own schema; it cannot be combined with --schema.")
        source = resources.example_sample_path(args.example) if args.sample else \
            resources.example_template_path(args.example)
        copy_new_file(source, path)
        out.write(f"Created {path} ({args.example}{', sample' if args.sample else ''}). Its schema: "
                  f"--schema example:{args.example}\n")
        return EXIT_CLEAN
    if args.sample:
        if settings["schema"]:
            raise UsageError("--sample is the improvement register's sample; it cannot be combined with a schema "
                             f"(set by {settings.values['schema'].source}).")
        copy_new_file(resources.sample_path(), path)
    elif not settings["schema"]:
        copy_new_file(resources.template_path(), path)
    else:
        from xl_addin.usecases.dashboard import new_register_file
        from xl_addin.workbook.writing.template import build_workbook

        schema = settings.schema(mapped=False)
        new_register_file(path, build_workbook(schema).save, schema)
    out.write(f"Created {path}\n")
    return EXIT_CLEAN

"""`xlreg map` and `xlreg migrate`: adopting a register kept in its own layout and words."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any, TextIO

from xl_addin.cli import common
from xl_addin.cli.common import EXIT_CLEAN, UsageError


def add_parsers(commands: Any) -> None:
    mapper = commands.add_parser(
        "map", help="propose how a register in its own layout reads as the schema's (a mapping file to edit)",
        description="Propose a mapping for a register kept in its own layout and words: which header means "
                    "which column (and how sure), which word means which choice, how dates typed as text are "
                    "ordered. Edit it, then give it to any command with --mapping, or to migrate.")
    mapper.add_argument("file", type=Path, metavar="FILE")
    common.schema_options(mapper, table=False)
    mapper.add_argument("--sheet", metavar="NAME", help="the sheet the register is on (default: found)")
    mapper.add_argument("--header-row", type=common.positive, metavar="N",
                        help="the row of its headers (default: found)")
    mapper.add_argument("-o", "--output", type=Path, metavar="MAPPING.toml",
                        help="write the mapping to this file (default: print it)")
    mapper.add_argument("--force", action="store_true", help="replace MAPPING.toml if it exists")
    mapper.set_defaults(run=run_map)

    migrate = commands.add_parser(
        "migrate", help="copy a register kept in its own layout into a new register from the template",
        description="Build a new register from the template (or --schema's) holding every row and column of "
                    "FILE: values through the mapping's words, text dates converted, identifiers kept or made, "
                    "the old identifier and row in Legacy ref, other columns kept at the end. Without --mapping, "
                    "the mapping xlreg map would propose is used.")
    migrate.add_argument("file", type=Path, metavar="FILE")
    common.schema_options(migrate, table=False)
    migrate.add_argument("-o", "--output", type=Path, metavar="NEW.xlsx", required=True,
                         help="the new register to write")
    migrate.add_argument("--force", action="store_true", help="replace NEW.xlsx if it exists")
    migrate.add_argument("--format", choices=["text", "json"], default="text", help="the migration report's form")
    migrate.add_argument("--as-of", type=common.date, metavar="YYYY-MM-DD",
                         help="check the new register's dates as of this day (default: today)")
    migrate.set_defaults(run=run_migrate)


def run_map(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin.report.mapping_toml import mapping_toml, proposal_text
    from xl_addin.usecases.adoption import propose_mapping
    from xl_addin.workbook.writing.atomic import write_new_file

    target: Path | None = args.output
    if target is not None:
        if target.suffix.lower() != ".toml":
            raise UsageError(f"-o {target.name}: a mapping is a .toml file (for example {target.stem}.toml).")
        if target.exists() and not args.force:
            raise UsageError(f"{target} already exists; choose another name or add --force to replace it.")
    settings = common.settings(args)
    schema = settings.schema()
    proposal = propose_mapping(args.file, schema, sheet=args.sheet, header_row=args.header_row,
                               date_order=settings["date-order"], limits=settings.limits())
    text = mapping_toml(proposal, schema)
    if target is None:
        out.write(text)
        return EXIT_CLEAN
    write_new_file(target, lambda temporary: temporary.write_text(text, encoding="utf-8"))
    out.write(proposal_text(proposal) + f"Wrote {target}: check the lines marked 'check', then use it with "
              f"--mapping {target.name}.\n")
    return EXIT_CLEAN


def run_migrate(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin.report.migration import migration_json, migration_text
    from xl_addin.usecases.adoption import run_migrate as migrate

    target: Path = args.output
    if target.suffix.lower() != ".xlsx":
        raise UsageError(f"-o {target.name}: the new register is an .xlsx workbook (for example {target.stem}.xlsx).")
    settings = common.settings(args)
    outcome = migrate(args.file, settings.schema(), target, today=args.as_of or dt.date.today(), force=args.force,
                      limits=settings.limits())
    out.write(migration_json(outcome) if args.format == "json" else migration_text(outcome))
    return EXIT_CLEAN

"""`xlreg demo`: the sample register copied into a folder, then checked, ranked, highlighted, marked and
frozen for a review, each step shown as the command that does it."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any, TextIO

from xl_addin import resources
from xl_addin.cli.common import exit_code
from xl_addin.engine.findings import Severity


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("demo", help="try it on the bundled sample register",
                                 description="Copy the sample register into a folder and check, rank, "
                                             "highlight, mark and snapshot it.")
    parser.add_argument("--dir", type=Path, default=Path("xlreg-demo"), help="working folder (default: xlreg-demo)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from xl_addin.report import summaries
    from xl_addin.report.findings import text_report
    from xl_addin.report.run import CheckRun
    from xl_addin.usecases import actions
    from xl_addin.usecases.check import check_file
    from xl_addin.workbook.formats.schema_file import load_schema
    from xl_addin.workbook.writing.atomic import copy_new_file

    folder: Path = args.dir
    sample = folder / "sample_register.xlsx"
    copy_new_file(resources.sample_path(), sample)
    out.write(f"Copied the sample register to {sample}\n")
    out.write(f"Its planted problems are listed in {resources.templates_dir() / 'SAMPLE_PROBLEMS.md'}\n\n")
    schema = load_schema(resources.default_schema_path())
    today = dt.date.today()

    out.write(f"$ xlreg validate {sample}\n")
    result = check_file(sample, schema, today=today, name=str(sample))
    out.write(text_report(CheckRun([result])))

    out.write(f"\n$ xlreg priorities {sample} --in-place\n")
    ranked = actions.run_priorities(sample, schema, output=actions.Output(sample))
    out.write(summaries.priorities_text(str(sample), ranked.priorities, top=5))
    totals = sum(1 for item in ranked.priorities.items if item.total is not None)
    total_column = schema.role("total") or ""
    typed = {row.number: row.values.get(total_column) for row in ranked.register.rows}
    corrected = sum(1 for item in ranked.priorities.items
                    if typed.get(item.row) is not None and typed[item.row] != item.total)
    out.write(f"Changed: Priority total for {totals} items ({corrected} typed-in total(s) corrected, live "
              f"formulas kept) and Priority rank for {len(ranked.priorities.ranked)} open items.\n")

    out.write(f"\n$ xlreg overdue {sample} --in-place\n")
    late = actions.run_overdue(sample, schema, as_of=today, output=actions.Output(sample))
    out.write(summaries.overdue_text(str(sample), late.items, today, late.escalation_days, on_hold=late.on_hold))
    out.write(f"Changed: highlighted {len(late.items)} overdue rows.\n")

    out.write(f"\n$ xlreg validate {sample} --mark --in-place\n")
    marked = actions.run_mark_findings(sample, schema, today=today, output=actions.Output(sample))
    cells = len({finding.cell for finding in marked.findings if finding.cell})
    out.write(f"Changed: filled and annotated {cells} cells with a finding and listed all "
              f"{len(marked.findings)} on a Findings sheet; `xlreg clear` removes them again. A backup of each "
              f"version is in {sample.parent / 'xlreg-backups'}.\n")

    moment = dt.datetime.now().replace(microsecond=0)
    since = moment.date() - dt.timedelta(days=91)
    out.write(f"\n$ xlreg snapshot {sample} --since {since}\n")
    folder_of_snapshots = sample.parent / "snapshots"
    for earlier in folder_of_snapshots.glob(f"{sample.stem}_*"):  # the demo's own, from an earlier run
        earlier.unlink()
    out.write(summaries.snapshot_text(actions.run_snapshot(sample, schema, out_dir=folder_of_snapshots,
                                                           as_of=moment, since=since)))
    owners = folder / "owners.toml"  # the sample's owners at made-up addresses, as an organisation lists its own
    names = sorted({str(row.values.get(schema.role("owner") or "")) for row in late.register.rows} - {"None"})
    owners.write_text("".join(f'"{name}" = "{name.lower().replace(" ", ".")}@example.com"\n' for name in names
                              if name.replace(" ", "").isalpha()), encoding="utf-8")
    out.write(f"\n$ xlreg remind {sample} --owners {owners} --out {folder / 'reminders'}\n")
    _run_remind(["remind", str(sample), "--owners", str(owners), "--out", str(folder / "reminders")], out)
    out.write(f"\nThe sample is at {sample.resolve()}; open it in Excel to see the cells named above, and its "
              "Dashboard sheet: figures and charts that change as you edit the register.\n")
    return exit_code([result], Severity.ERROR)


def _run_remind(argv: list[str], out: TextIO) -> None:
    """`xlreg remind` itself, parsed by its own parser."""
    from xl_addin.cli import remind

    parser = argparse.ArgumentParser(prog="xlreg")
    remind.add_parser(parser.add_subparsers())
    args = parser.parse_args(argv)
    args.run(args, out)

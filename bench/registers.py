"""Generate large improvement registers for benchmarks, with a known number of planted single-cell errors.

    python bench/registers.py --rows 10000 --out /tmp/register_10k.xlsx
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402
from openpyxl.cell import WriteOnlyCell  # noqa: E402

from xl_addin.resources import default_schema_path  # noqa: E402
from xl_addin.workbook.formats.schema_file import load_schema  # noqa: E402

# column -> a wrong value and the finding it must produce; each touches one cell only
PLANTED = [
    ("Status", "Parked", "not-in-list"),  # not "Done": the default schema reads that as Completed
    ("Customer impact", 5, "out-of-range"),
    ("Risk reduction", "2", "number-as-text"),
    ("ID", None, "bad-format"),  # filled per row so it stays unique
    ("Last update", "next week", "not-a-date"),
]


def item(number: int, rng: random.Random) -> dict[str, Any]:
    raised = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 600))
    status = rng.choice(["Identified", "Planned", "In progress", "Completed", "Cancelled"])
    values: dict[str, Any] = {
        "ID": f"IMP-{number:06d}", "Date raised": raised, "Source": "SLA performance", "Type": "Improvement",
        "Area": "Service delivery", "Description": f"Improve resolution time for queue {number % 97}",
        "Customer impact": rng.randint(1, 3), "Risk reduction": rng.randint(1, 3),
        "Efficiency gain": rng.randint(1, 3), "Compliance": rng.randint(1, 3), "Status": status,
    }
    if status != "Identified":
        values |= {"Owner": f"Owner {number % 41}", "Target date": raised + dt.timedelta(days=90),
                   "Success metric": "Median resolution hours", "Baseline": 30}
    if status in ("Completed", "Cancelled"):
        values["Closure date"] = raised + dt.timedelta(days=60)
    if status == "Completed":
        values["Measured outcome"] = 21
        values["Effective"] = "Yes"
    if status == "In progress":
        values["Last update"] = raised + dt.timedelta(days=10)
    return values


def write_register(path: Path, rows: int, *, error_rate: float = 0.02, seed: int = 7) -> list[tuple[str, str]]:
    """Write a register of `rows` items; return the planted errors as (cell, code), sorted."""
    schema = load_schema(default_schema_path())
    names = [column.name for column in schema.columns]
    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Register")
    sheet.append(names)
    planted = []
    for number in range(1, rows + 1):
        values = item(number, rng)
        if rng.random() < error_rate:
            column, wrong, code = PLANTED[number % len(PLANTED)]
            values[column] = wrong if wrong is not None else f"IMP{number:06d}"
            planted.append((f"{chr(64 + names.index(column) + 1)}{number + 1}", code))
        cells = []
        for name in names:
            value = values.get(name)
            cell = WriteOnlyCell(sheet, value)
            if isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    workbook.save(path)
    return sorted(planted)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    planted = write_register(args.out, args.rows)
    print(f"wrote {args.out}: {args.rows} rows, {len(planted)} planted errors")


if __name__ == "__main__":
    main()

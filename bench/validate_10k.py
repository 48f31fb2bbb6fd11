"""Wall time of `xlreg validate` on a 10,000-row register, next to a plain openpyxl read of the same file.

    python bench/validate_10k.py [--rows N]

Both run as whole processes in the same run; the ratio is xlreg's time over the raw read's.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from registers import write_register  # noqa: E402

RAW_READ = ("import openpyxl, sys\n"
            "wb = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)\n"
            "n = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))\n")


def timed(command: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    return time.perf_counter() - started, completed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"register_{args.rows}.xlsx"
        planted = write_register(path, args.rows)
        raw, _ = timed([sys.executable, "-c", RAW_READ, str(path)])
        xlreg, completed = timed([sys.executable, "-m", "xl_addin", "validate", str(path), "--format", "json",
                                  "--as-of", "2026-11-25"])
        report = json.loads(completed.stdout)
        found = sorted((f["cell"], f["code"]) for f in report["files"][0]["findings"] if f["severity"] == "error")
    print(f"rows: {args.rows}, planted errors: {len(planted)}, found: {len(found)}, "
          f"all planted found exactly: {found == planted}")
    print(f"openpyxl read-only raw read (baseline): {raw:.2f} s")
    print(f"xlreg validate:                          {xlreg:.2f} s  ({args.rows / xlreg:,.0f} rows/s)")
    print(f"ratio xlreg / raw read:                  {xlreg / raw:.2f}x")


if __name__ == "__main__":
    main()

"""Write-back benchmark: each writing command with --in-place on a 100,000-row register, against a whole-process
calamine read of the same file measured in the same run; and the cost of what else a workbook holds.

    python bench/write_bench.py [--rows 100000] [--repeat 3]

Prints, for each command, the best wall time of `--repeat` runs (each on a fresh copy), its peak memory and
its ratio to the calamine read (target: 3x or less). Then validate --mark on a five-item register alone and
beside a
sheet formatted to the last row with drawings, and beside 50,000 merged ranges (tests/corpus/odd/), each
with its ratio to the register alone. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from registers import write_register  # noqa: E402
from validate_bench import CALAMINE_READ, measure  # noqa: E402

ODD = HERE.parent / "tests" / "corpus" / "odd"
ADD_REGISTER = HERE.parent / "tests" / "corpus" / "add_register.py"
COMMANDS = {
    "priorities --in-place": ["priorities"],
    "overdue --in-place": ["overdue", "--as-of", "2026-11-25"],
    "validate --mark --in-place": ["validate", "--mark", "--as-of", "2026-11-25"],
    "clear --in-place": ["clear"],
}


def xlreg(command: list[str], path: Path) -> list[str]:
    return [sys.executable, "-m", "xl_addin", command[0], str(path), *command[1:], "--in-place"]


def best(runs: list[dict]) -> dict:
    return min(runs, key=lambda result: result["seconds"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        register = work / "register.xlsx"
        write_register(register, args.rows)
        print(f"{args.rows:,} rows, {register.stat().st_size / 1e6:.1f} MB on disk")
        calamine_runs, command_runs = [], {label: [] for label in COMMANDS}
        marked = work / "marked.xlsx"  # what clear works on: a validated and overdue-marked register
        shutil.copyfile(register, marked)
        for command in (COMMANDS["validate --mark --in-place"], COMMANDS["overdue --in-place"]):
            subprocess.run(xlreg(command, marked), check=False, capture_output=True)
        for _ in range(args.repeat):  # alternate, so a slow spell of the machine hits both alike
            calamine_runs.append(measure([sys.executable, "-c", CALAMINE_READ, str(register)]))
            for label, command in COMMANDS.items():
                copy = work / "copy.xlsx"
                shutil.copyfile(marked if command[0] == "clear" else register, copy)
                result = measure(xlreg(command, copy))
                if result["code"] not in (0, 1):
                    sys.exit(f"{label} failed: {result['err']}")
                command_runs[label].append(result)
                shutil.rmtree(work / "xlreg-backups", ignore_errors=True)
        baseline = best(calamine_runs)
        label = "calamine whole-process read"
        print(f"  {label:<30} {baseline['seconds']:>7.2f} s {baseline['rss_kb'] / 1024:>6.0f} MB   1.00x  (baseline)")
        for label, runs in command_runs.items():
            result = best(runs)
            ratio = result["seconds"] / baseline["seconds"]
            print(f"  {label:<30} {result['seconds']:>7.2f} s {result['rss_kb'] / 1024:>6.0f} MB {ratio:>6.2f}x  "
                  f"({'met' if ratio <= 3 else 'NOT met'}: target 3x)")
        neighbours(work, args.repeat)
    return 0


def neighbours(work: Path, repeat: int) -> None:
    """Marking a five-item register alone, and beside heavy sheets it does not touch."""
    if not ODD.is_dir():
        print("(tests/corpus/odd not found: the cost of other sheets is not measured)")
        return
    cases = {
        "register alone": None,
        "beside a sheet formatted to the last row and drawings":
            ODD / "ClosedXML+ClosedXML__ClosedXML.Tests~Resource~TryToLoad~DrawingSizeInPx.xlsx",
        "beside 50,000 merged ranges": ODD / "apache+poi__test-data~spreadsheet~57893-many-merges.xlsx",
    }
    alone = work / "alone.xlsx"
    write_register(alone, 5)
    print("\nvalidate --mark --in-place on five items:")
    baseline = None
    for label, source in cases.items():
        target = work / f"{label.split()[0]}.xlsx"
        if source is None:
            shutil.copyfile(alone, target)
        else:
            subprocess.run([sys.executable, str(ADD_REGISTER), str(source), str(target)], check=True,
                           capture_output=True)
        runs = []
        for _ in range(repeat):
            copy = work / "neighbour.xlsx"
            shutil.copyfile(target, copy)
            runs.append(measure(xlreg(COMMANDS["validate --mark --in-place"], copy)))
        result = best(runs)
        baseline = baseline or result["seconds"]
        print(f"  {label:<56} {result['seconds']:>6.2f} s {result['rss_kb'] / 1024:>6.0f} MB "
              f"{result['seconds'] / baseline:>6.2f}x")


if __name__ == "__main__":
    sys.exit(main())

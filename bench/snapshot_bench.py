"""Wall time of `xlreg snapshot` on a 10,000-row register next to `xlreg validate` on the same file.

    python bench/snapshot_bench.py [--rows N] [--repeat K]

All run as whole processes in the same run (best of K); each ratio is the command's time over validate's on the
same register. A snapshot after an earlier one reads that one's JSON, as every review after the first does.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from installed import as_installed  # noqa: E402
from registers import write_register  # noqa: E402

XLREG = [sys.executable, "-m", "xl_addin"]


def best_of(repeat: int, make_command: Callable[[int], list[str]]) -> float:
    times = []
    for attempt in range(repeat):
        command = make_command(attempt)
        started = time.perf_counter()
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - started)
        if completed.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(command)} failed ({completed.returncode}): {completed.stderr}")
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(as_installed())
    with tempfile.TemporaryDirectory() as folder:
        register = Path(folder) / "register.xlsx"
        write_register(register, args.rows)
        validate = best_of(args.repeat, lambda _: [*XLREG, "validate", str(register), "--jobs", "1"])
        # each first snapshot in a folder of its own; then, in one folder, a snapshot after an earlier one
        # (it reads the earlier JSON: closed and new items follow state changes), as every later review does
        snapshot = best_of(args.repeat, lambda attempt: [*XLREG, "snapshot", str(register), "--as-of",
                                                         f"2026-11-25T09:{attempt:02d}",
                                                         "--out-dir", str(Path(folder) / f"first-{attempt}")])
        sizes = sorted(path.stat().st_size for path in (Path(folder) / "first-0").iterdir())
        later_folder = Path(folder) / "reviews"
        subprocess.run([*XLREG, "snapshot", str(register), "--as-of", "2026-08-31T09:00", "--out-dir",
                        str(later_folder)], capture_output=True, check=True)
        later = best_of(args.repeat, lambda attempt: [*XLREG, "snapshot", str(register), "--as-of",
                                                      f"2026-11-25T10:{attempt:02d}", "--out-dir",
                                                      str(later_folder)])
        documents = sorted(str(path) for path in later_folder.glob("*.json"))
        diff = best_of(args.repeat, lambda _: [*XLREG, "diff", documents[0], documents[-1]])
    print(f"{args.rows:,} rows, best of {args.repeat}")
    print(f"  xlreg validate                    {validate:6.2f} s")
    print(f"  xlreg snapshot                    {snapshot:6.2f} s   ({snapshot / validate:.2f}x validate; "
          f"files of {sizes[0] / 1e6:.1f} and {sizes[-1] / 1e6:.1f} MB)")
    print(f"  xlreg snapshot after an earlier   {later:6.2f} s   ({later / validate:.2f}x validate)")
    print(f"  xlreg diff of two snapshots       {diff:6.2f} s   ({diff / validate:.2f}x validate)")


if __name__ == "__main__":
    main()

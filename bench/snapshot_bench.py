"""Wall time of `xlreg snapshot` on a 10,000-row register next to `xlreg validate` on the same file.

    python bench/snapshot_bench.py [--rows N] [--repeat K]

Both run as whole processes in the same run (best of K); the ratio is the snapshot's time over validate's.
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
        snapshot = best_of(args.repeat, lambda attempt: [*XLREG, "snapshot", str(register), "--as-of",
                                                         f"2026-11-25T09:{attempt:02d}",
                                                         "--out-dir", str(Path(folder) / "snapshots")])
        sizes = sorted(path.stat().st_size for path in (Path(folder) / "snapshots").iterdir())
    print(f"{args.rows:,} rows, best of {args.repeat}")
    print(f"  xlreg validate  {validate:6.2f} s")
    print(f"  xlreg snapshot  {snapshot:6.2f} s   ({snapshot / validate:.2f}x validate; "
          f"files of {sizes[0] / 1e6:.1f} and {sizes[-1] / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()

"""Batch-validation benchmark: xlreg against raw reads and frictionless, each measured as a whole process.

    python bench/validate_bench.py [--sizes 1000 10000 100000] [--folder 500]

Needs frictionless for the peer comparison (pip install "frictionless[excel]"); without it that column is
left out. With fastexcel and pyarrow installed it also times fastexcel's column-major read (every cell as text,
so it cannot serve xlreg); with xlreg's native column reader built (native/), xlreg validate also runs with
calamine alone. Prints wall time, rows per second, peak memory, ratios, planted errors found, and the start-up
figures (import time, `xlreg --help`). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from installed import as_installed  # noqa: E402
from registers import write_register  # noqa: E402

# Runs a command and reports its own peak memory: RUSAGE_CHILDREN of this small parent is the child's.
MEASURE = ("import resource, subprocess, sys, json\n"
           "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
           "print(json.dumps({'code': p.returncode, 'rss_kb': resource.getrusage(resource.RUSAGE_CHILDREN)"
           ".ru_maxrss, 'out': p.stdout[-20000000:], 'err': p.stderr[-2000:]}))\n")

CALAMINE_READ = ("import python_calamine, sys\n"
                 "wb = python_calamine.CalamineWorkbook.from_path(sys.argv[1])\n"
                 "print(sum(len(r) for r in wb.get_sheet_by_index(0).to_python()))\n")
OPENPYXL_READ = ("import openpyxl, sys\n"
                 "wb = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)\n"
                 "print(sum(len(r) for r in wb.worksheets[0].iter_rows(values_only=True)))\n")
# Column-major Arrow in Rust, every column as text: the only way fastexcel reads a column that mixes kinds (its
# strict mode refuses one), and so a text "2" and the number 2, or a text date and a date, read alike.
FASTEXCEL_READ = ("import fastexcel, sys\n"
                  "sheet = fastexcel.read_excel(sys.argv[1]).load_sheet(0, header_row=None, dtypes='string', "
                  "schema_sample_rows=None)\n"
                  "table = sheet.to_arrow()\n"
                  "print(table.num_rows * table.num_columns)\n")
FRICTIONLESS = r'''
import json, sys
from frictionless import Resource, Schema, validate
enum = lambda *v: {"enum": list(v)}
fields = [
 {"name": "ID", "type": "string", "constraints": {"required": True, "unique": True, "pattern": "IMP-[0-9]{4,}"}},
 {"name": "Date raised", "type": "date", "constraints": {"required": True}},
 {"name": "Source", "type": "string", "constraints": enum("Internal audit", "Management review",
   "Customer satisfaction", "Customer complaint", "Incident/problem trend", "SLA performance",
   "Staff suggestion", "External benchmark", "Regulatory change")},
 {"name": "Type", "type": "string", "constraints": enum("Improvement", "Corrective action")},
 {"name": "Area", "type": "string", "constraints": enum("Service delivery", "Governance", "Documentation",
   "Supplier management", "Audit programme", "Other")},
 {"name": "Description", "type": "string", "constraints": {"required": True}},
] + [{"name": n, "type": "integer", "constraints": {"required": True, "minimum": 1, "maximum": 3}}
     for n in ("Customer impact", "Risk reduction", "Efficiency gain", "Compliance")] + [
 {"name": "Priority total", "type": "integer"}, {"name": "Priority rank", "type": "integer"},
 {"name": "Owner", "type": "string"}, {"name": "Target date", "type": "date"},
 {"name": "Status", "type": "string", "constraints": {"required": True, **enum("Identified", "Planned",
   "In progress", "Completed", "Cancelled")}},
 {"name": "Success metric", "type": "string"}, {"name": "Baseline", "type": "any"},
 {"name": "Measured outcome", "type": "any"}, {"name": "Closure date", "type": "date"},
 {"name": "Last update", "type": "date"}]
import os
folder, name = os.path.split(os.path.abspath(sys.argv[1]))
report = validate(Resource(name, basepath=folder, schema=Schema.from_descriptor({"fields": fields})),
                  limit_errors=10**9)
if any(error.type == "resource-error" for task in report.tasks for error in task.errors):
    sys.exit("frictionless could not validate: " + str(report.tasks[0].errors[0]))
cells = []
for task in report.tasks:
    for error in task.errors:
        row, field = getattr(error, "row_number", None), getattr(error, "field_number", None)
        if row and field:
            cells.append(f"{chr(64 + field)}{row}")
print(json.dumps(cells))
'''


def measure(command: list[str]) -> dict[str, Any]:
    started = time.perf_counter()
    completed = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True,
                               check=True)
    result = json.loads(completed.stdout)
    result["seconds"] = time.perf_counter() - started
    return result


def xlreg(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "xl_addin", "validate", *arguments]


def planted_found(report_text: str, planted: list[tuple[str, str]]) -> int:
    report = json.loads(report_text)
    found = {(f["cell"], f["code"]) for file in report["files"] for f in file["findings"]}
    return sum(1 for pair in planted if pair in found)


def row(label: str, result: dict[str, Any], rows: int, baseline: float, found: str = "") -> str:
    return (f"  {label:<26} {result['seconds']:>8.2f} s {rows / result['seconds']:>12,.0f} rows/s "
            f"{result['rss_kb'] / 1024:>8.0f} MB {result['seconds'] / baseline:>8.2f}x  {found}")


def best(command: list[str], repeat: int) -> dict[str, Any]:
    return min((measure(command) for _ in range(repeat)), key=lambda result: result["seconds"])


def direct(command: list[str], repeat: int) -> float:
    """Best wall time of the command itself, without the wrapper that reads its peak memory (which starts an
    interpreter of its own, about 0.03 s)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
    return min(times)


def bench_sizes(sizes: list[int], folder: Path, have_frictionless: bool) -> None:
    for size in sizes:
        path = folder / f"register_{size}.xlsx"
        planted = write_register(path, size)
        repeat = 3 if size <= 10_000 else 1  # small files: timings wander by more than the work takes
        print(f"\n{size:,} rows, {len(planted)} planted single-cell errors (best of {repeat})")
        print(f"  {'':<26} {'wall':>10} {'throughput':>19} {'peak':>11} {'vs calamine':>9}  planted found")
        calamine = best([sys.executable, "-c", CALAMINE_READ, str(path)], repeat)
        print(row("calamine raw read", calamine, size, calamine["seconds"]))
        raw = best([sys.executable, "-c", OPENPYXL_READ, str(path)], repeat)
        print(row("openpyxl raw read", raw, size, calamine["seconds"]))
        if _importable("fastexcel") and _importable("pyarrow"):
            columnar = best([sys.executable, "-c", FASTEXCEL_READ, str(path)], repeat)
            print(row("fastexcel read, as text", columnar, size, calamine["seconds"], "(cell kinds lost)"))
        ours = best(xlreg(str(path), "--format", "json", "--as-of", "2026-11-25"), repeat)
        print(row("xlreg validate", ours, size, calamine["seconds"],
                  f"{planted_found(ours['out'], planted)}/{len(planted)}"))
        if _importable("xlreg_columns"):  # the same run without the native column reader, for comparison
            plain = best(xlreg(str(path), "--format", "json", "--as-of", "2026-11-25", "--reader", "calamine"),
                         repeat)
            print(row("  calamine only", plain, size, calamine["seconds"],
                      f"{planted_found(plain['out'], planted)}/{len(planted)}; report identical: "
                      f"{plain['out'] == ours['out']}"))
        if have_frictionless:
            peer = measure([sys.executable, "-c", FRICTIONLESS, str(path)])
            cells = set(json.loads(peer["out"] or "[]"))
            print(row("frictionless validate", peer, size, calamine["seconds"],
                      f"{sum(1 for cell, _ in planted if cell in cells)}/{len(planted)} (cells)"))
            print(f"  xlreg is {peer['seconds'] / ours['seconds']:.1f}x faster than frictionless; "
                  f"{ours['seconds'] / calamine['seconds']:.2f}x the calamine raw read")
        if size <= 10_000:  # what a pre-commit hook or a button click waits for
            ours_direct = direct(xlreg(str(path), "--format", "json", "--as-of", "2026-11-25"), 5)
            calamine_direct = direct([sys.executable, "-c", CALAMINE_READ, str(path)], 5)
            print(f"  timed directly (no wrapper), best of 5: xlreg validate {ours_direct:.3f} s, calamine raw read "
                  f"{calamine_direct:.3f} s")


def bench_folder(count: int, folder: Path) -> None:
    shared = folder / "shared-drive"
    shared.mkdir()
    planted_total = 0
    for index in range(count):
        planted_total += len(write_register(shared / f"team_{index:03d}.xlsx", 50, seed=index))
    print(f"\n{count} registers of 50 rows ({planted_total} planted errors)")
    # alternate the two, three times each, and keep each one's best: this machine's timings wander by a third
    runs: dict[str, list[dict[str, Any]]] = {"1": [], "2": []}
    for _ in range(3):
        for jobs in runs:
            runs[jobs].append(measure(xlreg(str(shared), "--jobs", jobs, "--format", "json", "--as-of", "2026-11-25")))
    one, two = (min(runs[jobs], key=lambda run: run["seconds"]) for jobs in ("1", "2"))
    same = all(run["out"] == one["out"] for run in runs["1"] + runs["2"])
    for jobs, best in (("1", one), ("2", two)):
        every = ", ".join(f"{run['seconds']:.2f}" for run in runs[jobs])
        print(f"  --jobs {jobs}: {best['seconds']:.2f} s ({count / best['seconds']:.0f} files/s), best of 3 "
              f"(runs: {every})")
    print(f"  throughput ratio jobs 2 / jobs 1: {one['seconds'] / two['seconds']:.2f}x; identical reports: {same}")
    ceiling = _two_independent_halves(shared, folder)
    print(f"  ceiling on this machine: two separate `--jobs 1` processes, each on half the files, together take "
          f"{ceiling:.2f} s, {one['seconds'] / ceiling:.2f}x one process on all of them")


def _two_independent_halves(shared: Path, folder: Path) -> float:
    """No pool, no hand-over: what two CPUs give this work when nothing is shared (best of 3)."""
    files = sorted(shared.iterdir())
    halves = [folder / "half-a", folder / "half-b"]
    for half, part in zip(halves, (files[: len(files) // 2], files[len(files) // 2:]), strict=True):
        half.mkdir()
        for file in part:
            os.link(file, half / file.name)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        running = [subprocess.Popen(xlreg(str(half), "--jobs", "1", "--format", "json", "--as-of", "2026-11-25"),
                                    stdout=subprocess.DEVNULL) for half in halves]
        for process in running:
            process.wait()
        times.append(time.perf_counter() - started)
    return min(times)


def bench_cluster(folder: Path) -> None:
    """The same 500 registers through `--scheduler` on a LocalCluster of two single-threaded workers."""
    try:
        from distributed import LocalCluster
    except ImportError:
        print("\ncluster: dask not installed (pip install 'xlreg[dask]')")
        return
    shared = folder / "shared-drive"
    count = sum(1 for _ in shared.iterdir())
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None, silence_logs=50) as cluster:
        runs = [measure(xlreg(str(shared), "--scheduler", cluster.scheduler_address, "--format", "json",
                              "--as-of", "2026-11-25")) for _ in range(3)]
    best = min(run["seconds"] for run in runs)
    per_worker = count / best / 2
    print(f"\ncluster of 2 workers (LocalCluster, this machine): {count} registers in {best:.2f} s "
          f"(best of 3, start-up and connection included): {count / best:.0f} files/s, {per_worker:.0f} per worker")
    for workers in (8, 32, 128):
        print(f"  100,000 such files on {workers} workers at that rate: about "
              f"{100_000 / (per_worker * workers) / 60:.1f} minutes")


def bench_start_up() -> None:
    importtime = subprocess.run([sys.executable, "-X", "importtime", "-c", "import xl_addin"],
                                capture_output=True, text=True, check=True).stderr
    total = sum(int(line.split("|")[0].split(":")[1]) for line in importtime.splitlines()[1:] if "|" in line)
    helps = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "xl_addin", "--help"], capture_output=True, check=True)
        helps.append(time.perf_counter() - started)
    bare = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], capture_output=True, check=True)
        bare.append(time.perf_counter() - started)
    probe = ("import io, sys; from xl_addin import cli, resources; "
             "cli.main(['validate', str(resources.sample_path())], out=io.StringIO()); "
             "print(sorted(m for m in ('pandas', 'xlwings') if m in sys.modules))")
    heavy = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    print("\nstart-up")
    print(f"  import xl_addin (self time of all imports): {total / 1000:.1f} ms")
    print(f"  xlreg --help: best {min(helps) * 1000:.0f} ms (bare interpreter {min(bare) * 1000:.0f} ms, "
          f"ratio {min(helps) / min(bare):.1f}x)")
    print(f"  heavy modules imported on the validate path: {heavy}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    parser.add_argument("--folder", type=int, default=500, help="how many 50-row registers (0 to skip)")
    args = parser.parse_args()
    have_frictionless = shutil.which("frictionless") is not None or _importable("frictionless")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; frictionless: "
          f"{'yes' if have_frictionless else 'not installed'}; native column reader: "
          f"{'built' if _importable('xlreg_columns') else 'not built'}; {as_installed()}")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        bench_sizes(args.sizes, folder, have_frictionless)
        if args.folder:
            bench_folder(args.folder, folder)
            bench_cluster(folder)
    bench_start_up()


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


if __name__ == "__main__":
    main()

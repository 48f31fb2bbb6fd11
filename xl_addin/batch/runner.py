"""Check many workbooks, in parallel worker processes, with results in input order."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

from xl_addin.engine.findings import OPEN_IN_EXCEL, FileResult
from xl_addin.engine.schema import RegisterSchema
from xl_addin.workbook.check import check_file
from xl_addin.workbook.guard import DEFAULT_LIMITS, Limits
from xl_addin.workbook.reader import ReaderName
from xl_addin.workbook.safe_write import lock_file


@dataclass(frozen=True)
class BatchOptions:
    """Everything a worker needs, small enough to send to another process (the schema with its mapping)."""

    schema: RegisterSchema
    today: dt.date
    max_findings: int | None = None
    reader: ReaderName = "auto"
    limits: Limits = DEFAULT_LIMITS


def check_one(path: Path, options: BatchOptions) -> FileResult:
    """One file, as a worker runs it."""
    result = check_file(path, options.schema, today=options.today, name=str(path),
                        max_findings=options.max_findings, reader=options.reader, limits=options.limits)
    lock = lock_file(path)
    if lock is None:
        return result
    note = OPEN_IN_EXCEL.at(str(path), sheet=result.sheet, lock=lock.name)
    return replace(result, findings=tuple(sorted((*result.findings, note))))


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def check_many(paths: Sequence[Path], options: BatchOptions, *, jobs: int = 1,
               progress: Callable[[int, int], None] | None = None) -> list[FileResult]:
    """Results in the order of `paths`, whatever order the workers finish in."""
    if jobs <= 1 or len(paths) <= 1:
        results = []
        for done, path in enumerate(paths, start=1):
            results.append(check_one(path, options))
            if progress:
                progress(done, len(paths))
        return results
    # Files go to the workers in batches: one task per small file would spend as long on the hand-over
    # between processes as on the checking.
    size = max(1, min(8, len(paths) // (jobs * 8)))
    batches = [list(range(start, min(start + size, len(paths)))) for start in range(0, len(paths), size)]
    ordered: list[FileResult | None] = [None] * len(paths)
    done = 0
    with ProcessPoolExecutor(max_workers=min(jobs, len(batches))) as pool:
        futures = {pool.submit(check_batch, [paths[i] for i in batch], options): batch for batch in batches}
        for future in as_completed(futures):
            for index, result in zip(futures[future], future.result(), strict=True):
                ordered[index] = result
            done += len(futures[future])
            if progress:
                progress(done, len(paths))
    return [result for result in ordered if result is not None]


def check_batch(paths: Sequence[Path], options: BatchOptions) -> list[FileResult]:
    return [check_one(path, options) for path in paths]

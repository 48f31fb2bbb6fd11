"""Check many workbooks, here or in worker processes (batch.workers), with results in input order; Ctrl-C stops
the run and keeps what was finished."""

from __future__ import annotations

import os
from collections.abc import Sequence

from xl_addin.batch.checking import BatchOptions, Interrupted, Progress, check_one
from xl_addin.batch.inputs import Source
from xl_addin.engine.findings import FileResult


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def check_many(paths: Sequence[Source], options: BatchOptions, *, jobs: int = 1,
               progress: Progress | None = None) -> list[FileResult]:
    """Results in the order of `paths`, whatever order the workers finish in. Raises Interrupted on Ctrl-C."""
    if jobs <= 1 or len(paths) <= 1:
        return _check_here(paths, options, progress)
    from xl_addin.batch.workers import check_in_workers  # multiprocessing: only when there are workers

    return check_in_workers(paths, options, jobs, progress)


def _check_here(paths: Sequence[Source], options: BatchOptions, progress: Progress | None) -> list[FileResult]:
    results: list[FileResult] = []
    try:
        for path in paths:
            results.append(check_one(path, options))
            if progress:
                progress(len(results), len(paths))
    except KeyboardInterrupt:
        raise Interrupted(results) from None
    return results



"""Checking files for a batch run, as the main process, a worker process or a cluster worker does it: the options
a run sends to its workers, one file, a batch of files, and how a run is cut into batches."""

from __future__ import annotations

import datetime as dt
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace

from xl_addin.batch.inputs import Source
from xl_addin.batch.remote import local_copy
from xl_addin.engine.findings import OPEN_IN_EXCEL, UNREADABLE_FILE, FileResult
from xl_addin.engine.schema import RegisterSchema
from xl_addin.ooxml.guard import DEFAULT_LIMITS, Limits
from xl_addin.usecases.check import check_file
from xl_addin.workbook.reading.reader import ReaderName
from xl_addin.workbook.writing.locks import lock_file

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BatchOptions:
    """Everything a worker needs, small enough to send to another process (the schema with its mapping)."""

    schema: RegisterSchema
    today: dt.date
    max_findings: int | None = None
    reader: ReaderName = "auto"
    limits: Limits = DEFAULT_LIMITS


class Interrupted(Exception):
    """Ctrl-C stopped the run; `results` are the files finished before it, in input order."""

    def __init__(self, results: list[FileResult]) -> None:
        super().__init__("interrupted")
        self.results = results


def check_one(path: Source, options: BatchOptions) -> FileResult:
    """One file, as a worker runs it; a file in a store is fetched by the worker itself."""
    if isinstance(path, str):
        return _check_fetched(path, options)
    result = check_file(path, options.schema, today=options.today, name=str(path),
                        max_findings=options.max_findings, reader=options.reader, limits=options.limits)
    lock = lock_file(path)
    if lock is None:
        return result
    note = OPEN_IN_EXCEL.at(str(path), sheet=result.sheet, lock=lock.name)
    return replace(result, findings=tuple(sorted((*result.findings, note))))


def _check_fetched(url: str, options: BatchOptions) -> FileResult:
    with local_copy(url) as local:
        if isinstance(local, str):  # could not be fetched: the reason
            return FileResult(file=url, findings=(UNREADABLE_FILE.at(url, reason=local),))
        return check_file(local, options.schema, today=options.today, name=url, max_findings=options.max_findings,
                          reader=options.reader, limits=options.limits)


def check_batch(batch: Sequence[tuple[int, Source]], options: BatchOptions) -> dict[int, FileResult]:
    """A batch of files by their place in the run, as a pool or a cluster worker runs it."""
    return {index: check_one(path, options) for index, path in batch}


def batches_for(count: int, jobs: int) -> list[range]:
    """About eight tasks per worker so the last ones finish together, but never more than eight files a task:
    one task per small file would spend as long on the hand-over between processes as on the checking."""
    size = max(1, min(8, count // (jobs * 8)))
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


@contextmanager
def interrupts_ignored() -> Iterator[None]:
    """Ctrl-C has no effect inside (while stopping workers, or writing the report of an interrupted run)."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)

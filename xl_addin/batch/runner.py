"""Check many workbooks, in parallel worker processes, with results in input order; Ctrl-C stops the run and
keeps what was finished."""

from __future__ import annotations

import datetime as dt
import gc
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from xl_addin.batch.inputs import Source
from xl_addin.batch.remote import local_copy
from xl_addin.engine.findings import OPEN_IN_EXCEL, UNREADABLE_FILE, FileResult
from xl_addin.engine.schema import RegisterSchema
from xl_addin.workbook.check import check_file
from xl_addin.workbook.guard import DEFAULT_LIMITS, Limits
from xl_addin.workbook.locks import lock_file
from xl_addin.workbook.reader import ReaderName

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

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


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def check_many(paths: Sequence[Source], options: BatchOptions, *, jobs: int = 1,
               progress: Progress | None = None) -> list[FileResult]:
    """Results in the order of `paths`, whatever order the workers finish in. Raises Interrupted on Ctrl-C."""
    if jobs <= 1 or len(paths) <= 1:
        return _check_here(paths, options, progress)
    return _check_in_workers(paths, options, jobs, progress)


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


def batches_for(count: int, jobs: int) -> list[range]:
    """About eight tasks per worker so the last ones finish together, but never more than eight files a task:
    one task per small file would spend as long on the hand-over between processes as on the checking."""
    size = max(1, min(8, count // (jobs * 8)))
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


def _check_in_workers(paths: Sequence[Source], options: BatchOptions, jobs: int,
                      progress: Progress | None) -> list[FileResult]:
    """`jobs - 1` worker processes and this one: the main process would otherwise sit waiting, and every file it
    checks itself costs no hand-over. Each worker is handed its next batch the moment it returns one (from the
    pool's result thread), so it never waits on this process; this process takes batches from the other end."""
    batches = deque(batches_for(len(paths), jobs))
    workers = min(jobs - 1, len(batches))
    finished: dict[int, FileResult] = {}
    failures: list[BaseException] = []
    returned = threading.Semaphore(0)  # one release per batch a worker returns (or fails on)
    pool = None

    def hand_over() -> bool:
        try:
            batch = batches.popleft()  # deque: safe between threads
        except IndexError:
            return False
        assert pool is not None
        pool.apply_async(_check_batch, ([(index, paths[index]) for index in batch],), callback=done,
                         error_callback=failed)
        return True

    def done(results: dict[int, FileResult]) -> None:  # in the pool's result thread
        finished.update(results)
        hand_over()
        returned.release()

    def failed(error: BaseException) -> None:
        failures.append(error)
        returned.release()

    gc.freeze()  # the forked workers share the engine's objects; the collector touching them would copy every page
    pool = _context().Pool(workers, initializer=_start_worker, initargs=(options,))
    try:
        for _ in range(workers):
            hand_over()
        while not failures:
            try:
                batch = batches.pop()
            except IndexError:
                break
            finished.update(check_batch([(index, paths[index]) for index in batch], options))
            if progress:
                progress(len(finished), len(paths))
        while len(finished) < len(paths) and not failures:
            returned.acquire(timeout=0.05)  # wakes for each batch returned, and for Ctrl-C
            if progress:
                progress(len(finished), len(paths))
        if failures:
            raise failures[0]
        pool.close()
    except KeyboardInterrupt:
        with interrupts_ignored():  # a second Ctrl-C while the workers are stopped must not leave them behind
            pool.terminate()
            pool.join()
        raise Interrupted([finished[index] for index in sorted(finished)]) from None
    except BaseException:
        pool.terminate()
        raise
    pool.join()
    return [finished[index] for index in range(len(paths))]


def _context() -> BaseContext:
    """Fork where it is safe (Linux): workers start with the engine already imported, so a run of many small
    files does not pay the imports once per worker. Elsewhere a fresh interpreter (fork is unsafe on macOS)."""
    import multiprocessing

    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


_worker_options: BatchOptions | None = None


def _start_worker(options: BatchOptions) -> None:
    """Workers leave Ctrl-C to the main process, which stops them; the options arrive once, not per task."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _worker_options
    _worker_options = options


def _check_batch(batch: list[tuple[int, Source]]) -> dict[int, FileResult]:
    assert _worker_options is not None, "worker started without options"
    return check_batch(batch, _worker_options)


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

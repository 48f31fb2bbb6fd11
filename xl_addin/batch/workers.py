"""Check files in `jobs - 1` worker processes and in this one, in batches; Ctrl-C stops them all, and a worker
that ends without answering (killed for lack of memory, say) costs the run only a second look at the files then
handed out, each in a process of its own, so that only the file that ended it is reported as not checked.

This process checks batches too: it would otherwise sit waiting, and every file it checks costs no hand-over.
Each worker is handed its next batch the moment it returns one (from the pool's result thread), so it never
waits on this process, which takes batches from the other end.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from multiprocessing.context import ForkContext, SpawnContext

from xl_addin.batch.checking import (
    BatchOptions,
    Interrupted,
    Progress,
    batches_for,
    check_batch,
    check_one,
    interrupts_ignored,
)
from xl_addin.batch.inputs import Source
from xl_addin.engine.findings import UNREADABLE_FILE, FileResult

ENDED = ("xlreg's check of this file ended without an answer (its process was killed, perhaps for lack of "
         "memory); check it on its own with --jobs 1")


def check_in_workers(paths: Sequence[Source], options: BatchOptions, jobs: int,
                     progress: Progress | None) -> list[FileResult]:
    """Results in the order of `paths`. Raises Interrupted on Ctrl-C, with the files finished."""
    batches = deque(batches_for(len(paths), jobs))
    finished: dict[int, FileResult] = {}
    try:
        while batches:
            # one of the files held when a worker ended ended it: each is checked alone, so that only that one
            # is reported as not checked; the rest of the run goes on in a new pool
            for index in _run_pool(paths, options, min(jobs - 1, len(batches)), batches, finished, progress):
                finished[index] = _check_alone(paths[index], options)
    except KeyboardInterrupt:
        raise Interrupted([finished[index] for index in sorted(finished)]) from None
    return [finished[index] for index in range(len(paths))]


def _run_pool(paths: Sequence[Source], options: BatchOptions, workers: int, batches: deque[range],
              finished: dict[int, FileResult], progress: Progress | None) -> list[int]:
    """Check `batches` with `workers` worker processes and this process until none are left or a worker ends;
    the indexes then handed out and not answered (those left in `batches` are for the next pool).

    concurrent.futures' pool, not multiprocessing's: when a worker is killed it fails the work handed out
    (BrokenProcessPool) where multiprocessing's can wait for ever on a queue lock the dead worker held."""
    failures: list[BaseException] = []
    broken = threading.Event()
    returned = threading.Semaphore(0)  # one release per batch a worker returns (or fails on)
    held: dict[int, range] = {}  # batches handed to workers and not yet answered, by their first index
    before = _children()
    gc.freeze()  # the forked workers share the engine's objects; the collector touching them would copy every page
    executor = ProcessPoolExecutor(max(1, workers), mp_context=_context(), initializer=_start_worker,
                                   initargs=(options,))

    def hand_over() -> None:
        if broken.is_set():
            return
        try:
            batch = batches.popleft()  # deque: safe between threads
        except IndexError:
            return
        held[batch.start] = batch
        try:
            future = executor.submit(_check_batch, [(index, paths[index]) for index in batch])
        except (BrokenProcessPool, RuntimeError):  # broken, or shut down after Ctrl-C
            broken.set()
            returned.release()
            return
        future.add_done_callback(done)

    def done(future: Future[dict[int, FileResult]]) -> None:  # in the pool's thread, or this one
        error = None if future.cancelled() else future.exception()
        if future.cancelled() or isinstance(error, BrokenProcessPool):
            broken.set()
        elif error is not None:
            failures.append(error)
        else:
            results = future.result()
            finished.update(results)
            held.pop(min(results), None)
            hand_over()
        returned.release()

    try:
        for _ in range(max(1, workers)):
            hand_over()
        while not failures and not broken.is_set():
            try:
                batch = batches.pop()
            except IndexError:
                break
            finished.update(check_batch([(index, paths[index]) for index in batch], options))
            if progress:
                progress(len(finished), len(paths))
        while held and not failures and not broken.is_set():
            returned.acquire(timeout=0.05)  # wakes for each batch returned, and for Ctrl-C
            if progress:
                progress(len(finished), len(paths))
        if failures:
            raise failures[0]
    except BaseException:
        with interrupts_ignored():  # a second Ctrl-C while the workers are stopped must not leave them behind
            _stop(executor, _children() - before)
        raise
    executor.shutdown(wait=True, cancel_futures=True)  # its thread is done with `held` once this returns
    if broken.is_set():
        return sorted(index for batch in held.values() for index in batch if index not in finished)
    return []


def _stop(executor: ProcessPoolExecutor, workers: set[int]) -> None:
    """Stop the workers now: they ignore Ctrl-C, and a shutdown alone waits for the batches they hold."""
    executor.shutdown(wait=False, cancel_futures=True)
    for pid in workers:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:  # ended already
            continue
    executor.shutdown(wait=True)


def _check_alone(path: Source, options: BatchOptions) -> FileResult:
    """One file in a process of its own: its result, or, if that process ends without one, the file reported
    as not checked."""
    receiving, sending = _context().Pipe(duplex=False)
    process = _context().Process(target=_check_and_send, args=(path, options, sending), daemon=True)
    process.start()
    sending.close()
    try:
        result: FileResult | None = receiving.recv()
    except EOFError:  # it ended without sending
        result = None
    except KeyboardInterrupt:
        process.kill()
        raise
    finally:
        receiving.close()
        process.join()
    return result if result is not None else FileResult(file=str(path),
                                                        findings=(UNREADABLE_FILE.at(str(path), reason=ENDED),))


def _check_and_send(path: Source, options: BatchOptions, sending: Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sending.send(check_one(path, options))
    sending.close()


def _children() -> set[int]:
    return {process.pid for process in multiprocessing.active_children() if process.pid is not None}


def _context() -> ForkContext | SpawnContext:
    """Fork where it is safe (Linux): workers start with the engine already imported, so a run of many small
    files does not pay the imports once per worker. Elsewhere a fresh interpreter (fork is unsafe on macOS)."""
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

"""Check files on a Dask distributed cluster (`validate --scheduler ADDRESS`): the same batches and the same
results, in input order, as a local run; workers read files in object storage themselves (see remote)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xl_addin.batch.checking import BatchOptions, Interrupted, Progress, batches_for, check_batch
from xl_addin.batch.inputs import Source
from xl_addin.engine.findings import FileResult
from xl_addin.errors import ActionFailed

CONNECT_SECONDS = 10


def _connect(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError:
        raise ActionFailed('--scheduler needs Dask: pip install "xlreg[dask]".') from None
    try:
        return Client(address, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError, ValueError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ActionFailed(f"Could not reach the Dask scheduler at {address} within {CONNECT_SECONDS} seconds: is "
                           f"it running, and is the address right? ({reason})") from None


def check_on_cluster(paths: Sequence[Source], options: BatchOptions, address: str, *,
                     progress: Progress | None = None) -> list[FileResult]:
    """Results in the order of `paths`. Raises Interrupted on Ctrl-C (what finished is kept, the rest is
    cancelled on the cluster) and ActionFailed when the scheduler cannot be reached."""
    from distributed import as_completed

    client = _connect(address)
    finished: dict[int, FileResult] = {}
    try:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        tasks = [[(index, paths[index]) for index in batch] for batch in batches_for(len(paths), workers)]
        futures = client.map(check_batch, tasks, options=options, pure=False)
        try:
            for future in as_completed(futures):
                finished.update(future.result())
                if progress:
                    progress(len(finished), len(paths))
        except KeyboardInterrupt:
            client.cancel(futures)
            raise Interrupted([finished[index] for index in sorted(finished)]) from None
    finally:
        client.close()
    return [finished[index] for index in range(len(paths))]

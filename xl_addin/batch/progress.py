"""A progress line on standard error, shown only to a person at a terminal and only for long runs."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO

SHOW_AFTER_SECONDS = 1.0


class Progress:
    """Call with (done, total) as files finish; prints nothing unless stderr is a terminal and it takes a while."""

    def __init__(self, total: int, *, stream: TextIO | None = None) -> None:
        self.total = total
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.shown = False
        self.enabled = self.stream.isatty() and total > 1

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or time.monotonic() - self.started < SHOW_AFTER_SECONDS:
            return
        width = 30
        filled = width * done // max(total, 1)
        self.stream.write(f"\rChecking [{'#' * filled}{'.' * (width - filled)}] {done}/{total} files")
        self.stream.flush()
        self.shown = True

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self.shown:
            self.stream.write("\r" + " " * 70 + "\r")
            self.stream.flush()

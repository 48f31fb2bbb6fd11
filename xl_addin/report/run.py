"""What one `validate` run hands its reporters: the results, the level that fails, and what Ctrl-C left out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xl_addin.engine.findings import FileResult, Finding, Severity


@dataclass(frozen=True)
class CheckRun:
    results: Sequence[FileResult]
    fail_on: Severity | None = Severity.ERROR  # None: no finding fails the run
    not_reached: tuple[str, ...] = ()  # files a Ctrl-C stopped the run before
    interrupted: bool = False

    def fails(self, result: FileResult) -> list[Finding]:
        """The findings of a checked file that fail it at this run's level; info never does."""
        level = self.fail_on
        if level is None:
            return []
        return [f for f in result.findings if f.severity >= max(level, Severity.WARNING)]


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 or word == 'info' else 's'}"

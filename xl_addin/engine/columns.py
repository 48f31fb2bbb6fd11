"""Column-wise helpers: a register is held column by column, and most checks look at each distinct value once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import compress
from typing import Any

IsBad = Callable[[Any], bool]  # a test of one cell value: True when the value needs the full validation


def rows_holding(column: Sequence[Any], values: Iterable[Any]) -> Iterator[int]:
    """Indexes of the cells holding any of `values`, found in C (compress over a membership map).
    `values` must not mix True/1 or False/0, which compare equal; callers test bool cells apart."""
    wanted = set(values)
    if not wanted:
        return iter(())
    return compress(range(len(column)), map(wanted.__contains__, column))


def bad_values(column: Sequence[Any], tests: Sequence[IsBad]) -> Iterator[int]:
    """Indexes of the non-empty cells that fail any of `tests`; each distinct value is tested once."""
    distinct = set(column)
    distinct.discard(None)
    bad = {v for v in distinct if any(test(v) for test in tests)}
    if any(type(v) is bool for v in distinct) or any(type(v) is bool for v in bad):
        # True == 1 and False == 0: membership cannot tell them apart, so compare by type and value
        bad_pairs = {(type(v), v) for v in bad}
        return (i for i, v in enumerate(column) if v is not None and (type(v), v) in bad_pairs)
    return rows_holding(column, bad)

"""Column-wise helpers: a register is held column by column, and most checks look at each distinct value once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from itertools import compress
from typing import Any

IsBad = Callable[[Any], bool]  # a test of one cell value: True when the value needs the full validation
BadAmong = Callable[[set[Any]], set[Any]]  # the same test over a column's distinct values: those it fails


def rows_holding(column: Sequence[Any], values: Iterable[Any]) -> Iterator[int]:
    """Indexes of the cells holding any of `values`, found in C (compress over a membership map).
    `values` must not mix True/1 or False/0, which compare equal; callers test bool cells apart."""
    wanted = set(values)
    if not wanted:
        return iter(())
    return compress(range(len(column)), map(wanted.__contains__, column))


def bad_values(column: Sequence[Any], tests: Sequence[IsBad], among: Sequence[BadAmong] | None = None,
               distinct_values: AbstractSet[Any] | None = None) -> Iterator[int]:
    """Indexes of the non-empty cells that fail any of `tests`; each distinct value is tested once, or, with
    `among` (the same tests, each over the set of distinct values at once), the distinct values as a whole.
    `distinct_values`: the column's distinct values, when known already."""
    distinct = set(column) if distinct_values is None else set(distinct_values)
    distinct.discard(None)
    # True == 1 and False == 0, and a set keeps only one of each pair: where the column may mix them (a 0 or 1
    # is there: its type is only known from a scan, in C), test (type, value) pairs instead
    if (0 in distinct or 1 in distinct) and bool in set(map(type, column)):
        pairs = {(type(v), v) for v in column if v is not None}
        bad_pairs = {(kind, v) for kind, v in pairs if any(test(v) for test in tests)}
        return (i for i, v in enumerate(column) if v is not None and (type(v), v) in bad_pairs)
    if among is not None:
        bad = set().union(*(test(distinct) for test in among))
    else:
        bad = {v for v in distinct if any(test(v) for test in tests)}
    return rows_holding(column, bad)

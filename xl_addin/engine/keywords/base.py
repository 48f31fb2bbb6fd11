"""What every register keyword is made of, and the facts about the whole register they consult."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeGuard

from xl_addin.engine.findings import FindingType

Cells = Mapping[str, Sequence[Any]]  # column name -> one normalised value per item


@dataclass(frozen=True)
class RegisterContext:
    """Facts about the whole register that row keywords consult."""

    today: dt.date
    # column -> value -> the sheet rows holding it (only values held more than once)
    occurrences: Mapping[str, Mapping[Any, tuple[int, ...]]] = field(default_factory=dict)
    # IDs some item's follow-up column points to (needsFollowUp)
    follow_ups: frozenset[str] = frozenset()


class ErrorLike(Protocol):
    """What a finding is made from: the fields of jsonschema's ValidationError that engine.row_errors fills
    the same way without jsonschema."""

    @property
    def message(self) -> str: ...
    @property
    def validator(self) -> Any: ...  # the keyword
    @property
    def validator_value(self) -> Any: ...
    @property
    def instance(self) -> Any: ...
    @property
    def path(self) -> Sequence[Any]: ...
    @property
    def schema_path(self) -> Sequence[Any]: ...


@dataclass(frozen=True)
class RowError:
    """An error on one row: a register keyword's (path: its column), or one engine.row_errors reports as
    jsonschema would, with the keyword, its value and where in the schema it stands."""

    message: str
    path: tuple[str, ...]
    instance: Any
    validator: Any = None
    validator_value: Any = None
    schema_path: tuple[Any, ...] = ()


class SubschemaValidity(Protocol):
    """jsonschema's `validator.evolve(schema=...).is_valid(value)`, which a keyword may ask of a column's schema."""

    def evolve(self, *, schema: Mapping[str, Any]) -> Any: ...


@dataclass(frozen=True)
class SchemaError:
    """One schema error on one item, with what classifying it needs beyond the error itself."""

    error: ErrorLike
    values: Mapping[str, Any]  # the item's non-empty values
    context: RegisterContext
    condition: str | None  # the column an if/then rule depends on (Status, usually), if any
    heading: Callable[[str], str] = str  # a column as the file heads it, for messages

    @property
    def column(self) -> str:
        return str(self.error.path[0]) if self.error.path else ""

    @property
    def status(self) -> str:
        return str(self.values.get(self.condition, "")) if self.condition else ""


@dataclass(frozen=True)
class Example:
    """Rows (column -> value) under the keyword's value, and the findings expected: (row index, column, code)."""

    value: Any
    properties: Mapping[str, Any]
    passing: tuple[Mapping[str, Any], ...]
    failing: tuple[Mapping[str, Any], ...]
    expected: tuple[tuple[int, str, str], ...]  # for the failing rows
    today: dt.date = dt.date(2026, 11, 25)


KeywordCheck = Callable[[RegisterContext, SubschemaValidity, Any, Any, Mapping[str, Any]], Iterator[RowError]]
# Rows (0-based item indexes) the full validation must see for this keyword; None cells are empty.
QuickCheck = Callable[[Any, RegisterContext, Cells, int], Iterable[int]]
Classify = Callable[[SchemaError], tuple[FindingType, dict[str, Any]]]


@dataclass(frozen=True)
class RegisterKeyword:
    """One schema keyword and everything about it: how it checks a row, the form its value takes, the columns
    it names, the column-wise quick check that clears certainly-valid rows, the finding types it reports and
    how an error becomes one of them, and a passing and a failing example (tested and documented)."""

    name: str
    summary: str
    check: KeywordCheck
    value_form: Mapping[str, Any] | None  # None for a standard keyword whose form jsonschema checks
    columns: Callable[[Any], list[str]]
    quick: QuickCheck
    finding_types: tuple[FindingType, ...]
    classify: Classify
    example: Example


def is_date(value: Any) -> TypeGuard[dt.date]:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


COLUMN_LIST: Mapping[str, Any] = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}


def listed(value: Any) -> list[str]:
    return [str(name) for name in value]


def row_error(message: str, *, path: list[str], instance: Any) -> RowError:
    """A register keyword's error on one row."""
    return RowError(message, tuple(path), instance)

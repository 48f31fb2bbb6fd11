"""The register keywords: what a per-row JSON Schema cannot say on its own (uniqueness across rows, one date
not before another, today-relative dates, calculated columns), plus `required` with the column as data.

One module per keyword holds all of it (see base.RegisterKeyword). Each is registered with
`jsonschema.validators.extend`, so one schema file holds the whole contract; the facts they need from outside
the row (today's date, how often a value occurs) travel in a RegisterContext.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from xl_addin.engine.keywords import (
    needs_follow_up,
    not_before,
    not_in_future,
    required,
    sum_of,
    unique_in_register,
)
from xl_addin.engine.keywords.base import KeywordCheck, RegisterContext, RegisterKeyword, is_date

if TYPE_CHECKING:
    from jsonschema import FormatChecker, ValidationError
    from jsonschema.protocols import Validator

KEYWORDS: dict[str, RegisterKeyword] = {
    keyword.name: keyword
    for keyword in (required.KEYWORD, unique_in_register.KEYWORD, not_before.KEYWORD, not_in_future.KEYWORD,
                    sum_of.KEYWORD, needs_follow_up.KEYWORD)
}

__all__ = ["KEYWORDS", "RegisterContext", "RegisterKeyword", "register_validator"]


def _checks_date(instance: object) -> bool:
    return is_date(instance)


@lru_cache(maxsize=1)
def date_format() -> FormatChecker:
    """Only `date`: a cell holds a date or it does not; jsonschema's other formats are about strings."""
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    checker.checks("date")(_checks_date)
    return checker

# Where a register's context travels: inside the root schema handed to the validator, since the register
# keywords all stand at the root and receive it. Building a validator class costs ~2 ms; this way there is one.
CONTEXT_KEY = "x-xlreg-context"


def _from_root(function: KeywordCheck) -> Any:
    from jsonschema import ValidationError

    def keyword(validator: Validator, value: Any, instance: Any,
                schema: Mapping[str, Any]) -> Iterator[ValidationError]:
        for error in function(schema.get(CONTEXT_KEY), validator, value, instance, schema):  # type: ignore[arg-type]
            yield ValidationError(error.message, path=error.path, instance=error.instance)
    return keyword


@lru_cache(maxsize=1)
def _validator_class() -> Any:
    from jsonschema import Draft202012Validator
    from jsonschema.validators import extend

    return extend(Draft202012Validator, {name: _from_root(keyword.check) for name, keyword in KEYWORDS.items()})


def register_validator(schema: Mapping[str, Any], context: RegisterContext) -> Validator:
    """A validator for one register's rows: Draft 2020-12 plus the register keywords bound to `context`."""
    validator: Validator = _validator_class()({**schema, CONTEXT_KEY: context}, format_checker=date_format())
    return validator

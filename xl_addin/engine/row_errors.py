"""A row's schema errors as jsonschema reports them (keyword, its value, message, path, place in the schema,
and order), without jsonschema, for the schemas engine.value_rules covers.

Importing jsonschema and building its validator costs more than checking a small register's doubtful rows,
and each row it validates costs about 120 us; these checks cost a few microseconds a row. The findings are
the same either way (tests/test_row_errors.py compares the errors with jsonschema's on generated rows).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from xl_addin.engine.keywords import KEYWORDS, RegisterContext
from xl_addin.engine.keywords.base import RowError
from xl_addin.engine.value_rules import StatusRule, ValueRule, schema_rules, value_rules

RowErrors = Callable[[Mapping[str, Any]], Iterator[RowError]]  # a row's non-empty values -> its errors


class _Subschema:
    """What a register keyword may ask of a column's schema: jsonschema's evolve(schema=...).is_valid(v). A
    column's schema from the document comes with the rules parsed for it already (`known`, by identity)."""

    def __init__(self, known: Mapping[int, Sequence[ValueRule]], rules: Sequence[ValueRule] = ()) -> None:
        self._known = known
        self._rules = rules

    def evolve(self, *, schema: Mapping[str, Any]) -> _Subschema:
        rules = self._known.get(id(schema))
        return _Subschema(self._known, rules if rules is not None else value_rules(schema))

    def is_valid(self, value: Any) -> bool:
        return not any(rule.breaks(value) for rule in self._rules)


def row_errors(document: Mapping[str, Any], context: RegisterContext) -> RowErrors | None:
    """The errors of one row under `document`, or None when the schema is beyond these checks."""
    parsed = schema_rules(document)
    if parsed is None:
        return None
    columns, statuses = parsed.columns, parsed.statuses
    subschema = _Subschema({id(spec): columns[name] for name, spec in document.get("properties", {}).items()})
    steps: list[Callable[[Mapping[str, Any]], Iterator[RowError]]] = []
    for keyword, value in document.items():  # jsonschema reports keyword by keyword, in the schema's order
        if keyword == "properties":
            steps.append(lambda row: _column_errors(columns, row))
        elif keyword == "allOf":
            steps.append(lambda row: _status_errors(statuses, context, subschema, row))
        elif keyword in KEYWORDS:
            steps.append(_keyword_step(keyword, value, context, subschema, document, (keyword,)))

    def errors(row: Mapping[str, Any]) -> Iterator[RowError]:
        for step in steps:
            yield from step(row)
    return errors


def _keyword_step(keyword: str, value: Any, context: RegisterContext, subschema: _Subschema,
                  schema: Mapping[str, Any], schema_path: tuple[Any, ...]
                  ) -> Callable[[Mapping[str, Any]], Iterator[RowError]]:
    check = KEYWORDS[keyword].check

    def step(row: Mapping[str, Any]) -> Iterator[RowError]:
        for error in check(context, subschema, value, row, schema):
            yield RowError(error.message, error.path, error.instance, keyword, value, schema_path)
    return step


def _column_errors(columns: Mapping[str, list[ValueRule]], row: Mapping[str, Any]) -> Iterator[RowError]:
    for name, rules in columns.items():
        if name not in row:
            continue
        value = row[name]
        for rule in rules:
            if rule.breaks(value):
                yield RowError(rule.message(value), (name,), value, rule.keyword, rule.argument,
                               ("properties", name, rule.keyword))


def _status_errors(statuses: list[StatusRule], context: RegisterContext, subschema: _Subschema,
                   row: Mapping[str, Any]) -> Iterator[RowError]:
    for index, rule in enumerate(statuses):
        status = row.get(rule.column)
        if type(status) is not str or status not in rule.values:
            continue
        for key in rule.then_keys:
            if key == "required":
                required = list(rule.required)
                yield from _keyword_step("required", required, context, subschema, {"required": required},
                                         ("allOf", index, "then", "required"))(row)
            else:
                for name in rule.emptied:
                    if name in row:
                        yield RowError(f"{row[name]!r} should not be valid under {{}}", (name,), row[name], "not",
                                       {}, ("allOf", index, "then", "properties", name, "not"))

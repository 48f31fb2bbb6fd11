"""The schema constructs the engine checks without jsonschema: the tests one column's schema makes of a value,
and the status rules (`allOf` of `if` one column's value `then` required or must-be-empty columns).

Each test answers exactly as jsonschema (Draft 2020-12) does, and says what jsonschema would say: engine.quick
uses the tests column-wise to clear valid rows, engine.row_errors uses them to report a row's errors. For a
schema using anything else `schema_rules` gives None, and every row gets jsonschema's full validation.
"""

from __future__ import annotations

import datetime as dt
import numbers
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from xl_addin.engine.keywords import KEYWORDS

ANNOTATIONS = frozenset({"description", "title", "examples", "$comment", "default", "x-excel", "x-aliases",
                         "x-valueMap", "x-quietIfMissing", "deprecated", "readOnly"})
# The exact Python types that pass each JSON type at once; other values get jsonschema's own reading.
_FAST_TYPES: dict[str, frozenset[type]] = {
    "string": frozenset({str}), "integer": frozenset({int}), "number": frozenset({int, float}),
    "boolean": frozenset({bool}),
}
_NUMBER = (int, float)


class _Unsupported(Exception):
    """A schema construct these checks do not cover."""


_ROOT_KEYWORDS = frozenset({"$schema", "$id", "title", "description", "$comment", "x-register", "type",
                            "properties", "allOf", *KEYWORDS})


def _root_supported(document: Mapping[str, Any]) -> None:
    """Raise _Unsupported unless the schema's root holds only what these checks (and the register keywords)
    cover."""
    if set(document) - _ROOT_KEYWORDS or document.get("type", "object") != "object":
        raise _Unsupported("root")


def _is_type(name: str, v: Any) -> bool:
    """jsonschema's reading of the JSON types: a bool is no number, 3.0 is an integer."""
    if name == "string":
        return isinstance(v, str)
    if name == "boolean":
        return isinstance(v, bool)
    if isinstance(v, bool):
        return False
    if name == "integer":
        return isinstance(v, int) or (isinstance(v, float) and v.is_integer())
    return isinstance(v, numbers.Number)


def _not_of_types(fast: frozenset[type], names: tuple[str, ...], v: Any) -> bool:
    # type() first: almost every value passes there, without the slower reading below
    return type(v) not in fast and not any(_is_type(name, v) for name in names)


def _not_a_choice(choices: frozenset[str], v: Any) -> bool:
    return type(v) is not str or v not in choices


def _below(bound: float, v: Any) -> bool:
    return type(v) in _NUMBER and v < bound


def _above(bound: float, v: Any) -> bool:
    return type(v) in _NUMBER and v > bound


def _unmatched(pattern: re.Pattern[str], v: Any) -> bool:
    return type(v) is str and pattern.search(v) is None


def _shorter(length: int, v: Any) -> bool:
    return type(v) is str and len(v) < length


def _longer(length: int, v: Any) -> bool:
    return type(v) is str and len(v) > length


def _not_a_date(v: Any) -> bool:
    return type(v) is not dt.date


def _anything(v: Any) -> bool:
    return True


# The same tests over a column's distinct values at once: most columns hold one kind of value, so a look at
# the kinds present (in C) settles the test for all of them; a 100,000-row register has columns of 100,000
# distinct texts.

def _kinds(distinct: set[Any]) -> set[type]:
    return set(map(type, distinct))


def _among_not_of_types(fast: frozenset[type], names: tuple[str, ...], distinct: set[Any]) -> set[Any]:
    if _kinds(distinct) <= fast:
        return set()
    return {v for v in distinct if _not_of_types(fast, names, v)}


def _among_not_choices(choices: frozenset[str], distinct: set[Any]) -> set[Any]:
    return distinct - choices  # a value that is not text is in no set of texts


def _texts(distinct: set[Any]) -> set[str]:
    return distinct if _kinds(distinct) == {str} else {v for v in distinct if type(v) is str}


def _among_shorter(length: int, distinct: set[Any]) -> set[Any]:
    texts = _texts(distinct)
    if not texts or min(map(len, texts)) >= length:
        return set()
    return {v for v in texts if len(v) < length}


def _among_longer(length: int, distinct: set[Any]) -> set[Any]:
    texts = _texts(distinct)
    if not texts or max(map(len, texts)) <= length:
        return set()
    return {v for v in texts if len(v) > length}


def _among_not_dates(distinct: set[Any]) -> set[Any]:
    if _kinds(distinct) == {dt.date}:
        return set()
    return {v for v in distinct if type(v) is not dt.date}


def _one_by_one(breaks: Callable[[Any], bool], distinct: set[Any]) -> set[Any]:
    return set(filter(breaks, distinct))


@dataclass(frozen=True)
class ValueRule:
    """One keyword of a column's schema: whether a (non-empty) value breaks it, the same over a set of
    distinct values (those that break it), and jsonschema's message."""

    keyword: str
    argument: Any
    breaks: Callable[[Any], bool]
    message: Callable[[Any], str]
    breaks_among: Callable[[set[Any]], set[Any]]


def _says(template: str, argument: Any, v: Any) -> str:
    return template.format(v=v, a=argument)


def _rule(keyword: str, argument: Any, breaks: Callable[[Any], bool], template: str, *, shown: Any = None,
          among: Callable[[set[Any]], set[Any]] | None = None) -> ValueRule:
    """`template` is jsonschema's message: {v} the value, {a} the keyword's value (or `shown`)."""
    return ValueRule(keyword, argument, breaks, partial(_says, template, argument if shown is None else shown),
                     among or partial(_one_by_one, breaks))


def value_rules(spec: Mapping[str, Any]) -> list[ValueRule]:
    """The rules of one column's schema, in the schema's order (the order jsonschema reports them)."""
    rules: list[ValueRule] = []
    for keyword, argument in spec.items():
        if keyword in ANNOTATIONS:
            continue
        if keyword == "type":
            names = (argument,) if isinstance(argument, str) else tuple(argument)
            if any(name not in _FAST_TYPES for name in names):
                raise _Unsupported(keyword)
            fast = frozenset().union(*(_FAST_TYPES[name] for name in names))
            rules.append(_rule(keyword, argument, partial(_not_of_types, fast, names), "{v!r} is not of type {a}",
                               shown=", ".join(repr(name) for name in names),
                               among=partial(_among_not_of_types, fast, names)))
        elif keyword in ("enum", "const"):
            choices = frozenset(argument if keyword == "enum" else [argument])
            if not all(isinstance(choice, str) for choice in choices):
                raise _Unsupported(keyword)
            rules.append(_rule(keyword, argument, partial(_not_a_choice, choices),
                               "{v!r} is not one of {a!r}" if keyword == "enum" else "{a!r} was expected",
                               among=partial(_among_not_choices, choices)))
        elif keyword == "minimum":
            rules.append(_rule(keyword, argument, partial(_below, argument), "{v!r} is less than the minimum of {a!r}"))
        elif keyword == "maximum":
            rules.append(_rule(keyword, argument, partial(_above, argument),
                               "{v!r} is greater than the maximum of {a!r}"))
        elif keyword == "pattern":
            rules.append(_rule(keyword, argument, partial(_unmatched, re.compile(argument)),
                               "{v!r} does not match {a!r}"))
        elif keyword == "minLength":
            rules.append(_rule(keyword, argument, partial(_shorter, argument),
                               "{v!r} should be non-empty" if argument == 1 else "{v!r} is too short",
                               among=partial(_among_shorter, argument)))
        elif keyword == "maxLength":
            rules.append(_rule(keyword, argument, partial(_longer, argument),
                               "{v!r} is expected to be empty" if argument == 0 else "{v!r} is too long",
                               among=partial(_among_longer, argument)))
        elif keyword == "format" and argument == "date":
            rules.append(_rule(keyword, argument, _not_a_date, "{v!r} is not a {a!r}", among=_among_not_dates))
        elif keyword == "not" and argument == {}:
            rules.append(_rule(keyword, argument, _anything, "{v!r} should not be valid under {a!r}"))
        else:
            raise _Unsupported(keyword)
    return rules


@dataclass(frozen=True)
class StatusRule:
    """`if` {column} is one of {values} `then` {required} columns are filled and {emptied} columns are empty;
    `then_keys` keeps the order the `then` schema names them in."""

    column: str
    values: frozenset[str]
    required: tuple[str, ...]
    emptied: tuple[str, ...]
    then_keys: tuple[str, ...]


def _status_rules(document: Mapping[str, Any]) -> list[StatusRule]:
    rules = []
    for rule in document.get("allOf", ()):
        then = rule.get("then", {})
        emptied = then.get("properties", {})
        if set(rule) - {"if", "then"} or set(then) - {"required", "properties"} or \
                any(spec != {"not": {}} for spec in emptied.values()):
            raise _Unsupported("allOf")
        column, values = _condition(rule)
        rules.append(StatusRule(column, values, tuple(then.get("required", ())), tuple(emptied), tuple(then)))
    return rules


def _condition(rule: Mapping[str, Any]) -> tuple[str, frozenset[str]]:
    """An `if` of the form {properties: {P: {enum|const}}, required: [P]}: the column and its values."""
    condition = rule.get("if", {})
    properties = condition.get("properties", {})
    if set(condition) - {"properties", "required"} or len(properties) != 1:
        raise _Unsupported("if")
    ((column, spec),) = properties.items()
    if condition.get("required") != [column] or set(spec) - {"enum", "const"}:
        raise _Unsupported("if")
    values = spec["enum"] if "enum" in spec else [spec["const"]]
    if not all(isinstance(value, str) for value in values):
        raise _Unsupported("if")
    return column, frozenset(values)


@dataclass(frozen=True)
class SchemaRules:
    """A schema's row rules as these checks read them: each column's value rules and the status rules."""

    columns: Mapping[str, list[ValueRule]]
    statuses: list[StatusRule]


# Parsed once per schema document, not once per file of a batch; the document itself is kept as the key's
# owner, so an id is never taken for another document's.
_PARSED: dict[int, tuple[Mapping[str, Any], SchemaRules | None]] = {}


def schema_rules(document: Mapping[str, Any]) -> SchemaRules | None:
    """The document's rules, or None when it uses anything these checks do not cover."""
    known = _PARSED.get(id(document))
    if known is not None and known[0] is document:
        return known[1]
    try:
        _root_supported(document)
        rules: SchemaRules | None = SchemaRules(
            {name: value_rules(spec) for name, spec in document.get("properties", {}).items()},
            _status_rules(document))
    except _Unsupported:
        rules = None
    if len(_PARSED) >= 16:
        _PARSED.clear()
    _PARSED[id(document)] = (document, rules)
    return rules

"""The register's contract: a JSON Schema (2020-12) for one row, plus column metadata for the template.

Parsing only: reading a schema file is the workbook layer's (`xl_addin.workbook.formats.schema_file`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal

from xl_addin.engine.id_form import form_of_pattern
from xl_addin.engine.keywords import KEYWORDS
from xl_addin.engine.mapping import RegisterMapping
from xl_addin.engine.roles import role_problems

ColumnKind = Literal["text", "date", "choice", "rating", "number", "computed"]
Scoring = Literal["sum", "product"]
SCORINGS: tuple[Scoring, ...] = ("sum", "product")
_KINDS = ("text", "date", "choice", "rating", "number", "computed")


class RegisterSchemaError(Exception):
    """The schema file itself is wrong; the message says how, in plain words."""


_NOT_WORD = re.compile(r"[\W_]+")


@lru_cache(maxsize=8192)  # the same headers come back in every file of a batch
def header_key(text: str) -> str:
    """Headers match ignoring case, spacing and punctuation ("Target date", "TARGET-DATE", "target_date")."""
    return _NOT_WORD.sub("", text.casefold())


def value_key(text: str) -> str:
    """Choice values match a value map ignoring case and spacing."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Column:
    """One column of the register as the schema describes it."""

    name: str
    kind: ColumnKind
    required: bool
    description: str = ""
    width: float = 12
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    example: str = ""
    pattern: str = ""  # the regular expression its values must match (JSON Schema "pattern")
    aliases: tuple[str, ...] = ()  # other headers that mean this column (x-aliases)
    value_map: Mapping[str, str] = field(default_factory=dict)  # value_key(other word) -> choice (x-valueMap)
    # x-quietIfMissing: a column the template gained later (Source ref, Effective); a register made before it
    # is not told to add it, and its rules apply once it is there
    quiet_if_missing: bool = False

    @property
    def numeric(self) -> bool:
        return self.kind in ("rating", "number", "computed")

    @property
    def headers(self) -> tuple[str, ...]:
        """The column's name and its aliases."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class RegisterSchema:
    """A loaded, checked schema with its columns in template order."""

    path: Path
    document: Mapping[str, Any]
    columns: tuple[Column, ...]
    table: str
    sheet: str
    roles: Mapping[str, Any] = field(default_factory=dict)
    open_statuses: tuple[str, ...] = ()
    closed_statuses: tuple[str, ...] = ()
    # closed with the work done (Completed), as opposed to closed and dropped (Cancelled)
    completed_statuses: tuple[str, ...] = ()
    # paused (On hold): neither open nor closed, never overdue or escalated, listed apart in the review
    on_hold_statuses: tuple[str, ...] = ()
    scoring: Scoring = "sum"  # how ratings combine into the priority total (a risk's likelihood x impact)
    mapping: RegisterMapping | None = None  # how one organisation's register reads as this one (engine.mapping)

    @property
    def title(self) -> str:
        return str(self.document.get("title", self.table))

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    def role(self, name: str) -> str | None:
        """The column that plays a role (id, status, owner...), if the schema names one."""
        value = self.roles.get(name)
        return value if isinstance(value, str) else None

    @cached_property
    def header_keys(self) -> Mapping[str, str | None]:
        """Each header the schema knows (names, aliases, a mapping's headers), by header_key, and the column
        it means (None: a mapping's extra column, kept as it is). Made once: every sheet's header is matched
        against it."""
        keys: dict[str, str | None] = {header_key(header): column.name for column in self.columns
                                       for header in column.headers}
        if self.mapping is not None:  # a mapping's headers win: mapped to a column, or kept as an extra (None)
            keys.update({header_key(header): target for header, target in self.mapping.columns.items()})
        return keys

    @property
    def computed_columns(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.kind == "computed")

    @property
    def sums(self) -> Mapping[str, list[str]]:
        return self.document.get("sumOf", {})


def _kind_of(name: str, spec: Mapping[str, Any]) -> ColumnKind:
    declared = spec.get("x-excel", {}).get("kind")
    if declared is not None:
        if declared not in _KINDS:
            raise RegisterSchemaError(
                f"Column '{name}': x-excel kind must be one of {', '.join(_KINDS)}; found '{declared}'.")
        return declared
    if "enum" in spec:
        return "choice"
    if spec.get("format") == "date":
        return "date"
    if spec.get("type") in ("integer", "number"):
        return "number"
    return "text"


def _example_for(spec: Mapping[str, Any]) -> str:
    examples = spec.get("examples")
    if examples:
        return str(examples[0])
    pattern = spec.get("pattern", "")
    form = form_of_pattern(pattern)  # a readable stand-in for simple ID patterns such as ^IMP-[0-9]{4,}$
    if form.numbered and form.example != pattern:
        return form.example
    return f"the pattern {pattern}" if pattern else ""


def _aliases(name: str, spec: Mapping[str, Any], path: Path) -> tuple[str, ...]:
    aliases = spec.get("x-aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(alias, str) and alias.strip() for alias in aliases):
        raise RegisterSchemaError(f"{path.name}: x-aliases of '{name}' must be a list of headers.")
    return tuple(aliases)


def _value_map(name: str, spec: Mapping[str, Any], path: Path) -> dict[str, str]:
    found = spec.get("x-valueMap", {})
    choices = [str(choice) for choice in spec.get("enum", ())]
    if not isinstance(found, dict) or not all(isinstance(v, str) for v in found.values()):
        raise RegisterSchemaError(f"{path.name}: x-valueMap of '{name}' must map words to its choices.")
    wrong = [value for value in found.values() if value not in choices]
    if wrong:
        raise RegisterSchemaError(f"{path.name}: x-valueMap of '{name}' maps to '{wrong[0]}', which is not one of "
                                  f"its choices ({', '.join(choices)}).")
    return {value_key(word): choice for word, choice in found.items()}


def _referenced_columns(document: Mapping[str, Any]) -> list[str]:
    """Columns named by the register keywords that stand at the schema's top level."""
    return [name for keyword in KEYWORDS.values() if keyword.value_form is not None and keyword.name in document
            for name in keyword.columns(document[keyword.name])]


def parse_schema(document: Mapping[str, Any], path: Path, *, bundled: bool = False) -> RegisterSchema:
    """Check a schema document and describe its columns; raise RegisterSchemaError if it is unusable.

    A `bundled` schema (shipped with xlreg, its JSON Schema checked by the test suite) skips that check, which
    would import jsonschema on every start-up, before any row needs it."""
    if not bundled:
        _check_json_schema(document, path)
    properties = document.get("properties")
    if not isinstance(properties, dict) or not properties:
        raise RegisterSchemaError(f"{path.name} has no 'properties': it must list the register's columns.")
    unknown = [name for name in _referenced_columns(document) if name not in properties]
    if unknown:
        raise RegisterSchemaError(f"{path.name} refers to columns it does not define: {', '.join(unknown)}.")
    required = set(document.get("required", []))
    columns = tuple(
        Column(
            name=name,
            kind=_kind_of(name, spec),
            required=name in required,
            description=str(spec.get("description", "")),
            width=float(spec.get("x-excel", {}).get("width", 12)),
            choices=tuple(str(choice) for choice in spec.get("enum", ())),
            minimum=spec.get("minimum"),
            maximum=spec.get("maximum"),
            example=_example_for(spec),
            pattern=str(spec.get("pattern", "")),
            aliases=_aliases(name, spec, path),
            value_map=_value_map(name, spec, path),
            quiet_if_missing=spec.get("x-quietIfMissing") is True,
        )
        for name, spec in properties.items()
    )
    owners: dict[str, str] = {}
    for column in columns:
        for header in column.headers:
            other = owners.setdefault(header_key(header), column.name)
            if other != column.name:
                raise RegisterSchemaError(f"{path.name}: the header '{header}' would mean both '{other}' and "
                                          f"'{column.name}' (names and x-aliases match ignoring case, spacing and "
                                          "punctuation).")
    register = document.get("x-register", {})
    problems = role_problems(register.get("roles", {}), [column.name for column in columns])
    if problems:
        raise RegisterSchemaError(f"{path.name}: {problems[0]}.")
    scoring = register.get("scoring", "sum")
    if scoring not in SCORINGS:
        raise RegisterSchemaError(f"{path.name}: x-register 'scoring' must be sum or product; found {scoring!r}.")
    return RegisterSchema(
        path=path,
        document=document,
        columns=columns,
        table=str(register.get("table", "Register")),
        sheet=str(register.get("sheet", register.get("table", "Register"))),
        roles=register.get("roles", {}),
        open_statuses=tuple(register.get("openStatuses", ())),
        closed_statuses=tuple(register.get("closedStatuses", ())),
        completed_statuses=tuple(register.get("completedStatuses", ())),
        on_hold_statuses=tuple(register.get("onHoldStatuses", ())),
        scoring=scoring,
    )


def _check_json_schema(document: Mapping[str, Any], path: Path) -> None:
    """The document is valid JSON Schema, and each register keyword's value has the keyword's form."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(document)
    except SchemaError as error:
        where = "/".join(str(part) for part in error.absolute_path) or "the top level"
        raise RegisterSchemaError(f"{path.name} is not a valid JSON Schema at {where}: {error.message}") from None
    for keyword in KEYWORDS.values():
        if keyword.value_form is not None and keyword.name in document:
            errors = sorted(Draft202012Validator(keyword.value_form).iter_errors(document[keyword.name]), key=str)
            if errors:
                raise RegisterSchemaError(f"{path.name}: '{keyword.name}' is malformed: {errors[0].message}")

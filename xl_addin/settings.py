"""Settings, resolved once for every command: `[tool.xlreg]` in a pyproject.toml or an xlreg.toml, the nearest
one found from a folder upwards (the current folder for the command line, the workbook's folder for the
Register tab). Options given on the command line win over the file, the file over the defaults; each value
knows where it came from, and each key which commands use it, for `xlreg config show`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from xl_addin import resources
from xl_addin.batch.inputs import ExcludeRule
from xl_addin.engine.mapped import with_date_order, with_mapping
from xl_addin.engine.overdue import DEFAULT_ESCALATION_DAYS
from xl_addin.engine.schema import RegisterSchema, RegisterSchemaError
from xl_addin.errors import ActionFailed
from xl_addin.ooxml.guard import MIB, Limits
from xl_addin.workbook.formats.mapping_file import load_mapping
from xl_addin.workbook.formats.schema_file import load_schema
from xl_addin.workbook.formats.toml_file import read_toml
from xl_addin.workbook.writing.safe_write import DEFAULT_KEEP_BACKUPS

READERS = ("validate", "priorities", "overdue", "clear", "snapshot", "Register tab")
WRITERS = ("validate --mark", "priorities", "overdue", "clear", "import", "measure", "Register tab")
SETTINGS_FILES = ("xlreg.toml", "pyproject.toml")


@dataclass(frozen=True)
class Key:
    """One setting: its default, what values it takes and which commands use it."""

    default: Any
    used_by: tuple[str, ...]
    choices: tuple[str, ...] = ()
    whole_number: bool = False
    patterns: bool = False


KEYS: dict[str, Key] = {
    "schema": Key(None, (*READERS, "new", "map", "migrate")),
    "table": Key(None, READERS),
    "mapping": Key(None, (*READERS, "migrate", "import", "measure")),
    "date-order": Key(None, (*READERS, "map", "migrate"), choices=("dmy", "mdy", "ymd")),
    # owners' e-mail addresses for reminders, "Name" = "address" (the register's Owner email column comes first)
    "owners": Key(None, ("remind", "Register tab")),
    "escalation-days": Key(DEFAULT_ESCALATION_DAYS, ("overdue", "snapshot", "Register tab"), whole_number=True),
    "fail-on": Key("error", ("validate",), choices=("error", "warning", "never")),
    "exclude": Key([], ("validate",), patterns=True),
    "max-findings": Key(None, ("validate",), whole_number=True),
    "jobs": Key(None, ("validate",), whole_number=True),
    "format": Key("text", ("validate",), choices=("text", "json", "csv", "junit", "sarif", "github")),
    "reader": Key("auto", ("validate",), choices=("auto", "calamine", "columns", "openpyxl")),
    # backups of a workbook kept in xlreg-backups/ by the writing commands, the oldest removed first
    "keep-backups": Key(DEFAULT_KEEP_BACKUPS, WRITERS, whole_number=True),
    # size limits checked before a workbook is parsed (see workbook.guard.Limits)
    "max-part-mb": Key(1024, READERS, whole_number=True),
    "max-total-mb": Key(2048, READERS, whole_number=True),
}


@dataclass(frozen=True)
class Setting:
    value: Any
    source: str  # "default", "command line", "environment (...)" or the settings file's path


@dataclass(frozen=True)
class Settings:
    """The effective settings of one run."""

    values: Mapping[str, Setting]
    file: Path | None = None

    def __getitem__(self, key: str) -> Any:
        return self.values[key].value

    def schema(self, *, mapped: bool = True) -> RegisterSchema:
        """The register schema these settings name (the bundled one by default), with the table name set, and
        read through the mapping and date order the settings give (unless `mapped` is off)."""
        try:
            path = resources.schema_path(self["schema"])
        except KeyError as error:
            raise ActionFailed(f"There is no example register '{error.args[0]}'; the examples are "
                               f"{', '.join(resources.example_names())}.") from None
        try:
            schema = load_schema(path)
            if self["table"]:
                schema = replace(schema, table=self["table"])
            if mapped and self["mapping"]:
                schema = with_mapping(schema, load_mapping(Path(self["mapping"])))
            return with_date_order(schema, self["date-order"]) if mapped else schema
        except RegisterSchemaError as error:
            raise ActionFailed(str(error)) from None

    def limits(self) -> Limits:
        return Limits(max_part_bytes=self["max-part-mb"] * MIB, max_total_bytes=self["max-total-mb"] * MIB)

    def exclude(self) -> tuple[ExcludeRule, ...]:
        return tuple(self["exclude"])


def find_settings_file(start: Path) -> tuple[Path, Mapping[str, Any]] | None:
    """The nearest xlreg.toml, or pyproject.toml with a [tool.xlreg] table, from `start` upwards."""
    for folder in [start, *start.parents]:
        candidate = folder / "xlreg.toml"
        if candidate.is_file():
            return candidate, read_toml(candidate, "settings file")
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            table = read_toml(candidate, "settings file").get("tool", {}).get("xlreg")
            if isinstance(table, dict):
                return candidate, table
    return None


def _checked(key: str, value: Any, source: str, folder: Path) -> Any:
    """A value from a settings file, checked, with paths and patterns made relative to the file's folder."""
    if key not in KEYS:
        raise ActionFailed(f"Unknown setting '{key}' in {source}; the settings are: {', '.join(KEYS)}.")
    spec = KEYS[key]
    if spec.choices and value not in spec.choices:
        raise ActionFailed(f"Setting '{key}' in {source} must be one of {', '.join(spec.choices)}; found {value!r}.")
    if spec.whole_number and not (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
        raise ActionFailed(f"Setting '{key}' in {source} must be a whole number of 0 or more; found {value!r}.")
    if spec.patterns:
        if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise ActionFailed(f"Setting '{key}' in {source} must be a list of patterns, such as [\"archive/**\"].")
        return [ExcludeRule(pattern, folder) for pattern in value]
    if key in ("schema", "table", "mapping", "owners") and not isinstance(value, str):
        raise ActionFailed(f"Setting '{key}' in {source} must be text; found {value!r}.")
    if key in ("schema", "mapping", "owners") and not value.startswith(resources.EXAMPLE_PREFIX):
        return str((folder / value).resolve()) if not Path(value).is_absolute() else value
    return value


def resolve(command_line: Mapping[str, Any], *, start: Path | None = None, search: bool = True,
            environment: Mapping[str, str] | None = None) -> Settings:
    """The effective settings: defaults, then the settings file found from `start` (default: the current
    folder) upwards unless `search` is off, then the command line. Command-line patterns are relative to the
    current folder."""
    values = {key: Setting(spec.default, "default") for key, spec in KEYS.items()}
    environment = os.environ if environment is None else environment
    if environment.get("GITHUB_ACTIONS") == "true":
        values["format"] = Setting("github", "environment (GITHUB_ACTIONS)")
    found = find_settings_file(start or Path.cwd()) if search else None
    if found is not None:
        path, table = found
        for raw_key, value in table.items():
            key = raw_key.replace("_", "-")
            values[key] = Setting(_checked(key, value, str(path), path.parent), str(path))
    for key, value in command_line.items():
        if value is None or value == []:
            continue
        if KEYS[key].patterns:
            value = [ExcludeRule(pattern, Path.cwd()) for pattern in value]
        values[key] = Setting(value, "command line")
    return Settings(values, found[0] if found else None)


def describe(settings: Settings) -> str:
    """Each key, its value, where the value came from and which commands use it."""
    width = max(len(key) for key in settings.values)
    lines = []
    for key, setting in settings.values.items():
        shown = f"{key:<{width}} = {_show(setting.value):<32}"
        lines.append(f"{shown} ({setting.source}; used by {', '.join(KEYS[key].used_by)})")
    return "\n".join(lines) + "\n"


def _show(value: Any) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) if value else "(none)"
    return str(value)

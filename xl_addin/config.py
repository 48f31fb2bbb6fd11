"""Settings from `[tool.xlreg]` in pyproject.toml or from xlreg.toml, found from the current folder upwards.

Command-line options win over the file, the file over the defaults; each effective setting knows where it
came from, for `xlreg config show`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from xl_addin.errors import ActionFailed

DEFAULTS: dict[str, Any] = {
    "schema": None,
    "table": None,
    "fail-on": "error",
    "exclude": [],
    "escalation-days": 30,
    "max-findings": None,
    "jobs": None,
    "format": "text",
    "reader": "auto",
    # size limits checked before a workbook is parsed (see guard.Limits)
    "max-part-mb": 1024,
    "max-total-mb": 2048,
}
_CHOICES = {"fail-on": ("error", "warning", "never"), "format": ("text", "json", "csv", "junit", "sarif", "github"),
            "reader": ("auto", "calamine", "openpyxl")}


@dataclass(frozen=True)
class Setting:
    value: Any
    source: str  # "default", "command line", "environment" or the config file's path


def find_config(start: Path) -> tuple[Path, Mapping[str, Any]] | None:
    """The nearest xlreg.toml, or pyproject.toml with a [tool.xlreg] table, from `start` upwards."""
    for folder in [start, *start.parents]:
        candidate = folder / "xlreg.toml"
        if candidate.is_file():
            return candidate, _read(candidate)
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            table = _read(candidate).get("tool", {}).get("xlreg")
            if isinstance(table, dict):
                return candidate, table
    return None


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ActionFailed(f"The settings file {path} could not be read: {error}") from None


def _checked(key: str, value: Any, source: str, folder: Path) -> Any:
    if key not in DEFAULTS:
        known = ", ".join(DEFAULTS)
        raise ActionFailed(f"Unknown setting '{key}' in {source}; the settings are: {known}.")
    if key in _CHOICES and value not in _CHOICES[key]:
        raise ActionFailed(f"Setting '{key}' in {source} must be one of {', '.join(_CHOICES[key])}; found {value!r}.")
    whole = ("escalation-days", "max-findings", "jobs", "max-part-mb", "max-total-mb")
    if key in whole and not (isinstance(value, int) and value >= 0):
        raise ActionFailed(f"Setting '{key}' in {source} must be a whole number; found {value!r}.")
    if key == "exclude" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        raise ActionFailed(f"Setting 'exclude' in {source} must be a list of patterns.")
    if key == "schema" and isinstance(value, str):
        return str((folder / value).resolve()) if not Path(value).is_absolute() else value
    return value


def effective_settings(command_line: Mapping[str, Any], *, start: Path | None = None,
                       environment: Mapping[str, str] | None = None) -> dict[str, Setting]:
    """Each setting's value and where it came from."""
    settings = {key: Setting(value, "default") for key, value in DEFAULTS.items()}
    environment = os.environ if environment is None else environment
    if environment.get("GITHUB_ACTIONS") == "true":
        settings["format"] = Setting("github", "environment (GITHUB_ACTIONS)")
    found = find_config(start or Path.cwd())
    if found is not None:
        path, table = found
        for raw_key, value in table.items():
            key = raw_key.replace("_", "-")
            settings[key] = Setting(_checked(key, value, str(path), path.parent), str(path))
    for key, value in command_line.items():
        if value is not None and value != []:
            settings[key] = Setting(value, "command line")
    return settings


def describe(settings: Mapping[str, Setting]) -> str:
    width = max(len(key) for key in settings)
    lines = [f"{key:<{width}} = {_show(setting.value):<40} ({setting.source})" for key, setting in settings.items()]
    return "\n".join(lines) + "\n"


def _show(value: Any) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, list):
        return ", ".join(value) if value else "(none)"
    return str(value)

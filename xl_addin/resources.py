"""Where the bundled schema and workbooks are, installed from a wheel or run from a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _bundled(folder: str) -> Path:
    # A wheel carries the folders inside the package; a checkout keeps them beside it.
    inside = _PACKAGE / folder
    return inside if inside.is_dir() else _PACKAGE.parent / folder


def validators_dir() -> Path:
    return _bundled("validators")


def templates_dir() -> Path:
    return _bundled("workbook_templates")


def default_schema_path() -> Path:
    return validators_dir() / "improvement_register.schema.json"


def template_path() -> Path:
    return templates_dir() / "improvement_register.xlsx"


def sample_path() -> Path:
    return templates_dir() / "sample_register.xlsx"

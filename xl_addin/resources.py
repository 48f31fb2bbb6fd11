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


EXAMPLE_PREFIX = "example:"


def example_names() -> list[str]:
    """The example registers shipped with the package (csi-register, capa-log, ...)."""
    folder = validators_dir() / "examples"
    return sorted(path.name.removesuffix(".schema.json") for path in folder.glob("*.schema.json"))


def example_schema_path(name: str) -> Path:
    return validators_dir() / "examples" / f"{name}.schema.json"


def example_template_path(name: str) -> Path:
    return templates_dir() / "examples" / f"{name}.xlsx"


def example_sample_path(name: str) -> Path:
    return templates_dir() / "examples" / f"{name}.sample.xlsx"


def schema_path(named: str | None) -> Path:
    """The schema a setting names: a file, `example:NAME` for a shipped example, or None for the default.
    An unknown example raises KeyError with the names there are."""
    if not named:
        return default_schema_path()
    if named.startswith(EXAMPLE_PREFIX):
        name = named.removeprefix(EXAMPLE_PREFIX)
        if name not in example_names():
            raise KeyError(name)
        return example_schema_path(name)
    return Path(named)

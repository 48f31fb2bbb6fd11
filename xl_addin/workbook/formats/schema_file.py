"""Read a register schema from a JSON file; the engine parses and checks it."""

from __future__ import annotations

import json
from pathlib import Path

from xl_addin.engine.schema import RegisterSchema, RegisterSchemaError, parse_schema
from xl_addin.errors import not_found


def load_schema(path: Path) -> RegisterSchema:
    """Read and check a schema file."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RegisterSchemaError(not_found("Schema file", path)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise RegisterSchemaError(f"Schema file {path} could not be read: {error}") from None
    except json.JSONDecodeError as error:
        raise RegisterSchemaError(
            f"Schema file {path.name} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from None
    if not isinstance(document, dict):
        raise RegisterSchemaError(f"Schema file {path.name} must hold a JSON object.")
    return parse_schema(document, path, bundled=_is_bundled(path))


def _is_bundled(path: Path) -> bool:
    from xl_addin.resources import validators_dir

    return path.resolve().is_relative_to(validators_dir().resolve())

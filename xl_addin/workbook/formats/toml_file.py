"""The one reader of TOML files (settings, register mappings, feed mappings), with the one fallback for Python
3.10, where the standard library has no TOML reader."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from xl_addin.errors import ActionFailed, not_found


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """A TOML file's document; ActionFailed, in plain words naming `what` it is ("mapping file"), when it cannot
    be read."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ActionFailed(not_found(what[:1].upper() + what[1:], path)) from None
    except UnicodeDecodeError:
        raise ActionFailed(f"The {what} {path} is not UTF-8 text; save it as UTF-8.") from None
    except OSError as error:
        raise ActionFailed(f"The {what} {path} could not be read: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ActionFailed(f"The {what} {path.name} is not valid TOML ({error}).") from None

"""Create a file so that it appears whole or not at all: write beside it, flush to disk, then rename."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from xl_addin.errors import WriteRefused


def write_new_file(target: Path, write: Callable[[Path], Any]) -> Path:
    """Call `write` on a temporary path in the target's folder, then rename it to `target`.

    A crash, a full disk or a refused permission leaves no partial file behind; the message says which.
    """
    temporary = temporary_beside(target)
    try:
        write(temporary)
        fsync_file(temporary)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except OSError as error:
        raise WriteRefused(os_message(error, target)) from None
    finally:
        temporary.unlink(missing_ok=True)
    return target


def temporary_beside(target: Path, *, after: str = "") -> Path:
    """A new, empty file in the target's folder (so that renaming it over the target is atomic), its folder made
    if need be; WriteRefused, in words and followed by `after`, when the folder cannot take it."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".xlreg-", suffix=target.suffix, dir=target.parent)
    except OSError as error:
        raise WriteRefused(os_message(error, target) + after) from None
    os.close(handle)
    return Path(name)


def fsync_file(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def copy_new_file(source: Path, target: Path) -> Path:
    return write_new_file(target, lambda temporary: shutil.copyfile(source, temporary))


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def os_message(error: OSError, target: Path) -> str:
    """An operating-system error in words a person can act on."""
    reason = error.strerror or str(error)
    if error.errno == 28:  # ENOSPC
        reason = "the disk is full"
    elif isinstance(error, PermissionError):
        reason = "permission denied"
    return f"Could not write {target.name}: {reason}."

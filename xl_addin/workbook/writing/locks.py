"""Whether someone has a workbook open in Excel: Excel keeps an owner file (`~$name`) beside it."""

from __future__ import annotations

from pathlib import Path

from xl_addin.errors import WriteRefused


def lock_file(path: Path) -> Path | None:
    """Excel's owner file for `path` when the workbook is open in Excel, else None."""
    name = path.name
    # Excel writes ~$ + name, dropping leading characters for long names.
    for candidate in (f"~${name}", f"~${name[1:]}", f"~${name[2:]}"):
        lock = path.with_name(candidate)
        if lock.exists():
            return lock
    return None


def refuse_if_locked(path: Path) -> None:
    lock = lock_file(path)
    if lock is not None:
        raise WriteRefused(
            f"{path.name} is open in Excel (its lock file {lock.name} is beside it). Close it in Excel and try "
            "again; if Excel is not running (a crash can leave the lock file behind), add --ignore-lock. Nothing "
            "was changed.")

"""Turn the files, folders and globs a person names into the workbooks to check, in a stable order."""

from __future__ import annotations

import fnmatch
import glob
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from xl_addin.batch.remote import excluded_by, is_url, list_workbooks

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
# Found in folders and reported (as unreadable, with the reason) rather than silently passed over.
SPREADSHEET_SUFFIXES = (*WORKBOOK_SUFFIXES, ".xls", ".xlsb", ".ods")
# xlreg's own output (snapshots are values-only copies, backups are old versions) and tool folders.
SKIPPED_FOLDERS = ("snapshots", "xlreg-backups", ".git", "__pycache__", "node_modules")


@dataclass(frozen=True)
class ExcludeRule:
    """A glob that leaves files out, relative to the folder it was written for: a settings file's folder, or
    the current folder for `--exclude`. A pattern without a slash also matches a file's name anywhere."""

    pattern: str
    base: Path

    def matches(self, path: Path) -> bool:
        if fnmatch.fnmatch(path.name, self.pattern):
            return True
        try:
            relative = path.resolve().relative_to(self.base.resolve())
        except ValueError:
            return False
        return fnmatch.fnmatch(relative.as_posix(), self.pattern)

    def __str__(self) -> str:
        return self.pattern


Source = Path | str  # a local file, or the address of one in a store (s3://bucket/registers/a.xlsx)


@dataclass(frozen=True)
class Inputs:
    files: tuple[Source, ...]
    unmatched: tuple[str, ...]  # globs that matched nothing
    missing: tuple[str, ...]  # files and folders named that do not exist
    skipped: int  # lock, temporary and non-spreadsheet files found in folders


def is_scratch_file(path: Path) -> bool:
    """Excel's lock files, LibreOffice's, temporary and xlreg's own working files."""
    name = path.name
    return (name.startswith(("~$", ".~lock.", ".xlreg-")) or name.endswith((".tmp", "#"))
            or (name.startswith("~") and "." not in name))


def _excluded(path: Path, exclude: Sequence[ExcludeRule]) -> bool:
    return any(rule.matches(path) for rule in exclude)


def _from_folder(folder: Path, exclude: Sequence[ExcludeRule]) -> tuple[list[Path], int]:
    found, skipped = [], 0
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or any(part in SKIPPED_FOLDERS for part in path.relative_to(folder).parts[:-1]):
            continue
        if is_scratch_file(path) or path.suffix.lower() not in SPREADSHEET_SUFFIXES or _excluded(path, exclude):
            skipped += 1
            continue
        found.append(path)
    return found, skipped


def collect(arguments: Sequence[str], *, exclude: Sequence[ExcludeRule] = ()) -> Inputs:
    """Files as given (even a wrong kind: it is reported) unless excluded, folders recursively, globs expanded."""
    files: list[Source] = []
    unmatched: list[str] = []
    missing: list[str] = []
    skipped = 0
    for argument in arguments:
        if is_url(argument):
            listing = list_workbooks(argument, suffixes=SPREADSHEET_SUFFIXES, skipped_folders=SKIPPED_FOLDERS,
                                     excluded=excluded_by([rule.pattern for rule in exclude]))
            if not listing.found:
                (unmatched if glob.has_magic(argument) else missing).append(argument)
            files += listing.files
            skipped += listing.skipped
            continue
        path = Path(argument)
        if path.is_dir():
            found, passed_over = _from_folder(path, exclude)
            files += found
            skipped += passed_over
        elif not path.exists() and glob.has_magic(argument):
            matches = [Path(m) for m in sorted(glob.glob(argument, recursive=True)) if Path(m).is_file()]
            kept = [m for m in matches if not is_scratch_file(m) and not _excluded(m, exclude)
                    and m.suffix.lower() in SPREADSHEET_SUFFIXES
                    and not any(part in SKIPPED_FOLDERS for part in m.parts[:-1])]
            skipped += len(matches) - len(kept)
            if not matches:
                unmatched.append(argument)
            files += kept
        elif not path.exists():
            missing.append(argument)
        elif _excluded(path, exclude):  # a hook that passes file names must be able to leave some out
            skipped += 1
        else:
            files.append(path)
    unique = list(dict.fromkeys(files))
    return Inputs(tuple(unique), tuple(unmatched), tuple(missing), skipped)

"""Workbooks on object storage and other fsspec file systems (`s3://`, `gcs://`, `abfs://`, `file://`): found
by listing the store, and copied by the process that checks them, so a cluster's workers read the store
directly and the machine that started the run never holds the files."""

from __future__ import annotations

import fnmatch
import glob
import re
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from xl_addin.errors import ActionFailed, not_found

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")
# the extra to install for each protocol, for the message when its file system is missing
EXTRAS = {"s3": "s3", "s3a": "s3", "gs": "gcs", "gcs": "gcs", "abfs": "abfs", "az": "abfs", "abfss": "abfs"}


def is_url(text: str) -> bool:
    return bool(_URL.match(text))


@dataclass(frozen=True)
class Listing:
    files: list[str]
    skipped: int
    found: bool  # False: nothing at that address (a missing folder, a glob matching nothing)


def _file_system(url: str) -> tuple[Any, str]:
    try:
        import fsspec
    except ImportError:
        raise ActionFailed(f"Reading {url} needs fsspec: pip install \"xlreg[dask]\".") from None
    try:
        return fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as error:
        protocol = url.split("://", 1)[0].lower()
        extra = EXTRAS.get(protocol)
        hint = f' pip install "xlreg[{extra}]"' if extra else ""
        raise ActionFailed(f"xlreg cannot read {protocol}:// addresses here ({error}).{hint}") from None


def list_workbooks(url: str, *, suffixes: Sequence[str], skipped_folders: Sequence[str],
                   excluded: Any) -> Listing:
    """The workbooks at `url`: one file, every workbook under a folder (recursively), or a glob's matches.
    `excluded(name, path)` says whether an exclude rule leaves a file out."""
    fs, root = _file_system(url)
    protocol = url.split("://", 1)[0]
    try:
        if glob.has_magic(root):
            candidates, base = sorted(fs.glob(root)), None
        elif fs.isdir(root):
            candidates, base = sorted(fs.find(root)), root.rstrip("/")
        elif fs.exists(root):
            return Listing([url], 0, True)
        else:
            return Listing([], 0, False)
    except Exception as error:  # each store's library has its own errors (credentials, network, permissions)
        raise ActionFailed(f"Could not list {url}: {_reason(error)}") from None
    files, skipped = [], 0
    for path in candidates:
        parts = PurePosixPath(path[len(base) + 1:] if base else path).parts
        if any(part in skipped_folders for part in parts[:-1]):
            continue
        name = PurePosixPath(path).name
        if PurePosixPath(name).suffix.lower() not in suffixes or name.startswith(("~$", ".~lock.")) \
                or excluded(name, path):
            skipped += 1
            continue
        files.append(f"{protocol}://{path}")
    return Listing(files, skipped, bool(candidates))


def excluded_by(patterns: Sequence[str]) -> Any:
    """Exclude patterns for store addresses: matched against the file's name and its path in the store."""
    def excluded(name: str, path: str) -> bool:
        return any(fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(path, f"*{pattern}") for pattern in patterns)
    return excluded


@contextmanager
def local_copy(url: str) -> Iterator[Path | str]:
    """The workbook at `url` as a local file for as long as it is checked; a message instead when it cannot be
    fetched (the caller reports it as an unreadable file)."""
    fs, path = _file_system(url)
    with tempfile.TemporaryDirectory(prefix="xlreg-") as folder:
        local = Path(folder) / PurePosixPath(path).name
        try:
            fs.get_file(path, str(local))
        except FileNotFoundError:
            yield not_found("File", url)
            return
        except Exception as error:  # as for listing: the store's own errors, reported on the file
            yield f"Could not fetch {url}: {_reason(error)}"
            return
        yield local


def _reason(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__

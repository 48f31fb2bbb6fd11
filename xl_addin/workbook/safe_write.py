"""Write a workbook without ever losing data.

- Refuse when Excel has the workbook open (its `~$` owner file lies beside it).
- Save to a temporary file in the target's folder, compare the package with the original part by part, and
  refuse, naming what would be lost, when openpyxl dropped or rewrote anything it does not own.
- Keep a backup of the original, fsync, then rename over the target in one step.
On refusal or any failure the original is untouched and the temporary file is removed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import tempfile
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.workbook.workbook import Workbook

from xl_addin.errors import WriteRefused
from xl_addin.workbook.atomic import os_message

BACKUP_FOLDER = "xlreg-backups"


@dataclass(frozen=True)
class WriteResult:
    target: Path
    backup: Path | None


# What openpyxl cannot round-trip, by the part names that carry it.
_PART_KINDS: list[tuple[str, str]] = [
    (r"^xl/charts/", "charts"),
    (r"^xl/chartsheets/", "chart sheets"),
    (r"^xl/media/", "images"),
    (r"^xl/drawings/(?!.*\.vml$)", "drawings (shapes, charts or images)"),  # VML holds notes: openpyxl owns
    (r"^xl/pivotTables/", "pivot tables"),
    (r"^xl/pivotCache/", "pivot caches"),
    (r"^xl/slicers/", "slicers"),
    (r"^xl/slicerCaches/", "slicers"),
    (r"^xl/timelines/", "timelines"),
    (r"^xl/timelineCaches/", "timelines"),
    (r"^xl/externalLinks/", "external links"),
    (r"^xl/activeX/", "ActiveX controls"),
    (r"^xl/ctrlProps/", "form controls"),
    (r"^xl/threadedComments/", "threaded comments"),
    (r"^xl/persons/", "threaded comment authors"),
    (r"^xl/model/", "a data model"),
    (r"^xl/queryTables/", "query tables"),
    (r"^xl/connections\.xml$", "data connections"),
    (r"^customXml/", "custom XML parts"),
    (r"^xl/vbaProject\.bin$", "macros (VBA)"),
    (r"^xl/embeddings/", "embedded objects"),
]
# Excel 2010+ extensions inside sheet XML that openpyxl drops.
_SHEET_EXTENSIONS = [
    (b"x14:dataValidation", "data validation lists from other sheets (x14 extension)"),
    (b"x14:conditionalFormatting", "conditional formats with Excel 2010 features (x14 extension)"),
    (b"x14:sparklineGroup", "sparklines"),
    (b"x14:slicerList", "slicers"),
]


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
            "again; nothing was changed.")


def load_for_update(path: Path) -> Workbook:
    """Load a workbook to change it, keeping macros and links openpyxl can carry."""
    refuse_if_locked(path)
    keep_vba = path.suffix.lower() == ".xlsm"
    try:
        with warnings.catch_warnings():
            # openpyxl warns about parts it will drop; the package comparison before saving names those.
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(path, keep_vba=keep_vba, keep_links=True, rich_text=True)
    except Exception as error:  # openpyxl raises many types for damaged packages
        raise WriteRefused(f"{path.name} could not be opened for writing ({type(error).__name__}: {error}); "
                           "nothing was changed.") from None


def _inventory(path: Path) -> tuple[dict[str, set[str]], dict[str, int]]:
    """Kind -> hashes of the parts of that kind; and counts of the extensions inside sheets."""
    kinds: dict[str, set[str]] = {}
    extensions: dict[str, int] = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                data = archive.read(name)
                for marker, label in _SHEET_EXTENSIONS:
                    extensions[label] = extensions.get(label, 0) + data.count(b"<" + marker)
            for pattern, label in _PART_KINDS:
                if re.search(pattern, name):
                    digest = hashlib.sha256(archive.read(name)).hexdigest()
                    kinds.setdefault(label, set()).add(digest)
    return kinds, extensions


def what_would_be_lost(original: Path, written: Path) -> list[str]:
    """Plain descriptions of what the written package dropped or changed of what openpyxl does not own."""
    before, before_extensions = _inventory(original)
    after, after_extensions = _inventory(written)
    lost = []
    for label, digests in before.items():
        missing = digests - after.get(label, set())
        if missing:
            lost.append(f"{label} ({len(missing)} of {len(digests)} would be dropped or rewritten)")
    for label, count in before_extensions.items():
        if count > after_extensions.get(label, 0):
            lost.append(label)
    return sorted(set(lost))


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _fsync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # some platforms cannot open folders; the rename is still atomic
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _backup(original: Path, now: dt.datetime) -> Path:
    folder = original.parent / BACKUP_FOLDER
    folder.mkdir(exist_ok=True)
    backup = folder / f"{original.stem}.{now:%Y%m%d-%H%M%S-%f}{original.suffix}"
    shutil.copy2(original, backup)
    _fsync(backup)
    return backup


def _default_save(workbook: Workbook, path: Path) -> None:
    workbook.save(path)


def save_workbook(workbook: Workbook, source: Path, target: Path) -> WriteResult:
    """Save `workbook` (loaded from `source`) to `target`, which may be `source` itself."""
    in_place = target.resolve() == source.resolve()
    refuse_if_locked(source)
    if not in_place and target.exists():
        refuse_if_locked(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".xlreg-", suffix=target.suffix, dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        _default_save(workbook, temporary)
        lost = what_would_be_lost(source, temporary)
        if lost:
            raise WriteRefused(
                f"Nothing was written: saving {source.name} through xlreg would lose " + "; ".join(lost) + ". "
                "The workbook was not changed; use the Excel add-in for this workbook instead.")
        # mkstemp makes the file private; give the result the permissions the workbook had.
        shutil.copymode(target if target.exists() else source, temporary)
        _fsync(temporary)
        backup = _backup(source, dt.datetime.now()) if in_place else None
        os.replace(temporary, target)
        _fsync_folder(target.parent)
        return WriteResult(target=target, backup=backup)
    except OSError as error:
        raise WriteRefused(_os_message(error, target)) from None
    finally:
        temporary.unlink(missing_ok=True)


def _os_message(error: OSError, target: Path) -> str:
    return os_message(error, target) + " The original workbook was not changed."

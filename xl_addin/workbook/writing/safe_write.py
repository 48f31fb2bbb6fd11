"""Write marks into a workbook without ever losing data.

- In place: refuse when Excel has the workbook open (its `~$` owner file lies beside it; `ignore_lock` for a
  lock left by a crash) or when the file is read-only.
- Build the new package in a temporary file in the target's folder (package_marks: only what xlreg owns is
  edited, every other entry is copied as its compressed bytes).
- Before anything is replaced, check the result against the original: every entry xlreg does not own is
  there with the same bytes, every relationship still leads to a part, and the entries xlreg wrote parse.
  Otherwise refuse, naming the part; the original is untouched.
- Keep a backup of the original, flush to disk, then rename over the target in one step.
On refusal or any failure the original is untouched and the temporary file is removed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from defusedxml import ElementTree

from xl_addin.engine.mark_writing import MarksCannotBeApplied, apply_marks
from xl_addin.engine.marks import Marks
from xl_addin.errors import WriteRefused
from xl_addin.ooxml import package_edit
from xl_addin.ooxml.guard import DEFAULT_LIMITS, Limits, check_package
from xl_addin.ooxml.notes import NotesUnreadable
from xl_addin.ooxml.package import NotAWorkbook, sniff
from xl_addin.ooxml.package_edit import PackageUnreadable
from xl_addin.ooxml.package_session import CannotWrite
from xl_addin.ooxml.sheet_edit import MadeBadXml
from xl_addin.ooxml.styles import StylesUnreadable
from xl_addin.ooxml.zip_package import PackageTooLarge, same_entry
from xl_addin.workbook.writing.atomic import fsync_file, os_message, temporary_beside
from xl_addin.workbook.writing.locks import refuse_if_locked
from xl_addin.workbook.writing.package_marks import PackageMarks

BACKUP_FOLDER = "xlreg-backups"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_XML_SUFFIXES = (".xml", ".rels", ".vml")
# What a part is, for a person, by where it lives in the package.
PART_KINDS = (
    ("xl/charts/", "a chart"), ("xl/chartsheets/", "a chart sheet"), ("xl/media/", "an image"),
    ("xl/drawings/", "a drawing"), ("xl/pivotTables/", "a pivot table"), ("xl/pivotCache/", "a pivot cache"),
    ("xl/slicers/", "a slicer"), ("xl/timelines/", "a timeline"), ("xl/externalLinks/", "an external link"),
    ("xl/activeX/", "an ActiveX control"), ("xl/ctrlProps/", "a form control"),
    ("xl/threadedComments/", "threaded comments"), ("xl/model/", "the data model"),
    ("xl/queryTables/", "a query table"), ("customXml/", "custom XML"), ("xl/vbaProject", "the macros (VBA)"),
    ("xl/embeddings/", "an embedded object"), ("xl/worksheets/", "a worksheet"), ("docProps/", "the properties"),
    ("xl/printerSettings/", "printer settings"),
)


# Backups of one workbook kept in its xlreg-backups folder (the settings key keep-backups); the oldest go first.
DEFAULT_KEEP_BACKUPS = 10


@dataclass(frozen=True)
class Output:
    """Where a writing action writes: `target` (the workbook itself for in place), whether a lock file left
    beside the workbook by a crashed Excel is to be ignored, and how many backups of it to keep."""

    target: Path
    ignore_lock: bool = False
    keep_backups: int = DEFAULT_KEEP_BACKUPS


@dataclass(frozen=True)
class WriteResult:
    target: Path
    backup: Path | None
    changed: bool = True  # False: the workbook already held exactly this, so it was left as it was


def describe_part(name: str) -> str:
    kind = next((label for prefix, label in PART_KINDS if name.startswith(prefix)), "")
    return f"{name} ({kind})" if kind else name


def refuse_if_read_only(path: Path) -> None:
    """A file marked read-only is not replaced, even by a user the system would let replace it."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise WriteRefused(f"{path.name} is read-only; nothing was changed. Make it writable (in its "
                           "properties) to update it, or write a new workbook with -o.")


def check_kept(original: Path, written: Path, owned: set[str], streamed: frozenset[str] = frozenset()) -> None:
    """Refuse, naming the part, unless every entry of `original` that is not `owned` is in `written` with the
    same bytes, every relationship in `written` leads to a part, and the entries xlreg wrote parse as XML.

    A `streamed` sheet is not parsed again here: every piece of XML written into it was checked as it was made
    (sheet_edit), and the bytes around those pieces are the original's."""
    with original.open("rb") as before_file, written.open("rb") as after_file, \
            zipfile.ZipFile(before_file) as before, zipfile.ZipFile(after_file) as after:
        kept = {info.filename: info for info in after.infolist()}
        for info in before.infolist():
            if info.filename in owned:
                continue
            other = kept.get(info.filename)
            if other is None:
                raise WriteRefused(f"Nothing was written: the new {original.name} would have lost its part "
                                   f"{describe_part(info.filename)}. The workbook was not changed.")
            if not same_entry(before_file, info, after_file, other):
                raise WriteRefused(f"Nothing was written: the new {original.name} would have changed its part "
                                   f"{describe_part(info.filename)}. The workbook was not changed.")
        names, originals = set(kept), set(before.namelist())
        for name in names:
            if name.endswith(".rels"):
                source = _rels_source(name)
                for _, _, target in package_edit.relationships(after.read(name), source):
                    if target not in names and target.rstrip("/") not in names and target in originals:
                        raise WriteRefused(f"Nothing was written: in the new {original.name}, {source} would "
                                           f"point to {target}, which it would no longer have. The workbook was not "
                                           "changed.")
        for name in (owned & names) - streamed:
            if name.lower().endswith(_XML_SUFFIXES) and (name not in originals or _parses(before, name)) \
                    and not _parses(after, name):
                raise WriteRefused(f"Nothing was written: xlreg's change to {name} in {original.name} did not come "
                                   "out as well-formed XML (a bug in xlreg). The workbook was not changed.")


def _rels_source(rels: str) -> str:
    folder, base = rels.rsplit("/_rels/", 1) if "/_rels/" in rels else ("", rels.split("_rels/", 1)[-1])
    return f"{folder}/{base[:-len('.rels')]}" if folder else base[:-len(".rels")]


def _parses(archive: zipfile.ZipFile, name: str) -> bool:
    """Whether the entry is well-formed XML (streamed through expat; a document type declaration fails it)."""
    parser = expat.ParserCreate()

    def refuse(*args: object) -> None:
        raise ValueError("document type declaration")

    parser.StartDoctypeDeclHandler = refuse
    try:
        with archive.open(name) as stream:
            while chunk := stream.read(1 << 20):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except (expat.ExpatError, ValueError):
        return False
    return True


def _fsync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # some platforms cannot open folders; the rename is still atomic
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


_BACKUP_STAMP = re.compile(r"\.\d{8}-\d{6}-\d{6}$")


def _backup(original: Path, now: dt.datetime, keep: int = DEFAULT_KEEP_BACKUPS) -> Path:
    """A copy of the workbook in its backups folder; of that workbook's backups, the `keep` newest stay."""
    folder = original.parent / BACKUP_FOLDER
    folder.mkdir(exist_ok=True)
    backup = folder / f"{original.stem}.{now:%Y%m%d-%H%M%S-%f}{original.suffix}"
    shutil.copy2(original, backup)
    fsync_file(backup)
    ours = sorted(path for path in folder.iterdir() if path.suffix == original.suffix
                  and path.stem.startswith(original.stem + ".")
                  and _BACKUP_STAMP.fullmatch(path.stem[len(original.stem):]) is not None)
    for old in ours[:max(0, len(ours) - max(1, keep))]:
        old.unlink(missing_ok=True)
    return backup


@dataclass(frozen=True)
class _Built:
    owned: set[str]  # the entries xlreg may have changed
    streamed: frozenset[str]  # sheets edited as a stream (their new XML was checked as it was made)
    changed: bool


def _write_package(source: Path, marks: Marks, temporary: Path, limits: Limits = DEFAULT_LIMITS) -> _Built:
    """Build the new package in `temporary`; the package is checked against the size limits and for document
    type declarations before any of its XML is parsed."""
    sniff(source)
    with source.open("rb") as handle, zipfile.ZipFile(handle) as archive, temporary.open("wb") as target:
        check_package(archive, source.name, limits)
        package = PackageMarks(archive)
        apply_marks(package, marks)
        changed = package.write(handle, target)
        return _Built(package.owned, package.streamed, changed)


def write_marks(source: Path, marks: Marks, output: Output, *, limits: Limits = DEFAULT_LIMITS) -> WriteResult:
    """Apply `marks` to the workbook at `source` and write it to the output's target, which may be `source`
    itself."""
    target, ignore_lock = output.target, output.ignore_lock
    in_place = target.resolve() == source.resolve()
    if in_place:
        if not ignore_lock:
            refuse_if_locked(source)
        refuse_if_read_only(source)
    elif target.exists():
        refuse_if_locked(target)
    temporary = temporary_beside(target, after=_NOT_CHANGED)
    try:
        built = _write_package(source, marks, temporary, limits)
        if in_place and not built.changed:
            return WriteResult(target=target, backup=None, changed=False)
        check_kept(source, temporary, built.owned, built.streamed)
        # mkstemp makes the file private; give the result the permissions the workbook had.
        shutil.copymode(target if target.exists() else source, temporary)
        fsync_file(temporary)
        backup = _backup(source, dt.datetime.now(), output.keep_backups) if in_place else None
        os.replace(temporary, target)
        _fsync_folder(target.parent)
        return WriteResult(target=target, backup=backup)
    except MadeBadXml as error:
        raise WriteRefused(f"Nothing was written: xlreg's change to {source.name} did not come out as well-formed XML "
                           f"(a bug in xlreg: {error}). The workbook was not changed.") from None
    except MarksCannotBeApplied as error:
        raise WriteRefused(f"Nothing was written: {error}. The workbook was not changed.") from None
    except (CannotWrite, StylesUnreadable, NotesUnreadable, PackageUnreadable, NotAWorkbook) as error:
        raise WriteRefused(f"Nothing was written: {source.name} cannot be changed safely: {error}. The workbook "
                           "was not changed.") from None
    except PackageTooLarge:
        raise WriteRefused(f"Nothing was written: {source.name} is too large to be rewritten (over 4 GB). The "
                           "workbook was not changed.") from None
    except (zipfile.BadZipFile, ElementTree.ParseError) as error:
        raise WriteRefused(f"Nothing was written: {source.name} is damaged ({error}). The workbook was not "
                           "changed.") from None
    except OSError as error:
        raise WriteRefused(_os_message(error, target)) from None
    finally:
        temporary.unlink(missing_ok=True)


_NOT_CHANGED = " The original workbook was not changed."


def _os_message(error: OSError, target: Path) -> str:
    return os_message(error, target) + _NOT_CHANGED

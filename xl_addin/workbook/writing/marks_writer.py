"""Apply marks to a workbook file by editing its package: only what xlreg owns changes.

xlreg owns: the cells it writes (computed values, the formats of the cells it fills), the cell formats list
(appended to), its notes in the sheet's notes parts, its own sheets (the Findings sheet, the record of its
marks) and the entries that list parts (the workbook's sheets, relationships, content types). Every other
entry of the package is copied as its compressed bytes; `owned` names what may differ, for the check made
before the original is replaced (safe_write).
"""

from __future__ import annotations

import math
import posixpath
import re
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from xl_addin.engine.marks import (
    FINDINGS_WIDTHS,
    NOTE_AUTHOR,
    RECORD_HEADER,
    RECORD_SHEET,
    UNDERLAYS,
    AddedColumn,
    CellNote,
    FindingsSheet,
    LogRows,
    Marks,
    RecordEntry,
    RowBlockFill,
    Underlay,
    fill_entry,
    note_entry,
    sheet_entry,
    unique_title,
)
from xl_addin.ooxml import package_edit as edit
from xl_addin.ooxml.notes import Notes
from xl_addin.ooxml.package import sheet_parts, workbook_part
from xl_addin.ooxml.refs import RANGE_PARTS, column_letter, column_number, range_bounds
from xl_addin.ooxml.sheet_edit import Restyle, RowEdit, SheetEditor
from xl_addin.ooxml.styles import StyleSheet
from xl_addin.ooxml.xml_text import escape, quoteattr
from xl_addin.ooxml.zip_package import CHUNK, PackageWriter, deflate

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STYLES_REL = edit.REL + "/styles"
_IDMAP = re.compile(rb'<o:idmap\b[^>]*\sdata="([^"]*)"')
_ROW_NUMBER = re.compile(rb'<(?:[\w.-]+:)?row\b[^>]*?\sr="(\d+)"')
_SQREF = re.compile(rb'(<(?:[\w.-]+:)?(?:conditionalFormatting|dataValidation)\b[^>]*?\ssqref=")([^"]*)(")')
_XM_SQREF = re.compile(rb"(<xm:sqref>)([^<]*)(</xm:sqref>)")
_TABLE_REF = re.compile(r'(<(?:[\w.-]+:)?(?:table|autoFilter)\b[^>]*?\sref=")([^"]*)(")')
_LEGACY_DRAWING = re.compile(rb"<(?:[\w.-]+:)?legacyDrawing\b[^>]*?/>")
# CT_Worksheet's elements that come after legacyDrawing: a new one goes before the first of them
_AFTER_LEGACY_DRAWING = re.compile(rb"<(?:[\w.-]+:)?(?:legacyDrawingHF|drawingHF|picture|oleObjects|controls|"
                                   rb"webPublishItems|tableParts|extLst)\b|</(?:[\w.-]+:)?worksheet>")
# big sheets are compressed a little less: the time goes into writing, the size barely changes
FAST_LEVEL_ABOVE = 8 << 20


class CannotWrite(Exception):
    """Something in the workbook that xlreg would have to change cannot be changed safely; the message says what
    (and nothing was written)."""


@dataclass
class _SheetPlan:
    """The edits to one worksheet part, row by row."""

    part: str
    rows: dict[int, RowEdit] = field(default_factory=lambda: defaultdict(RowEdit))
    notes: Notes | None = None
    tail_edits: list[Callable[[bytes], bytes]] = field(default_factory=list)

    def restyle(self, row: int, first: int, last: int, change: Restyle) -> None:
        self.rows[row].formats.append((first, last, change))


class PackageMarks:
    """Marks applied to one workbook package; `write` produces the new package."""

    def __init__(self, source: Path, archive: zipfile.ZipFile, record: list[RecordEntry]) -> None:
        self.source = source
        self.archive = archive
        self.names = {info.filename for info in archive.infolist()}
        self.lower_names = {name.lower() for name in self.names}
        self.workbook_part = workbook_part(archive)
        self.workbook = archive.read(self.workbook_part).decode("utf-8")
        if "purl.oclc.org/ooxml" in self.workbook[:4000]:
            raise CannotWrite("it is saved as Strict Open XML, which xlreg does not write into; save it in Excel as "
                              "an ordinary Excel Workbook (.xlsx) and try again")
        self.workbook_rels_part = edit.rels_name(self.workbook_part)
        self.workbook_rels = self._text(self.workbook_rels_part)
        self.content_types = self._text("[Content_Types].xml") or ""
        self.sheets = sheet_parts(archive)
        styles = [target for _, kind, target in edit.relationships(self.workbook_rels, self.workbook_part)
                  if kind == STYLES_REL]
        if not styles or styles[0] not in self.names:
            raise CannotWrite("it has no formats part (styles), which every workbook Excel saves has")
        self.styles_part = styles[0]
        self.styles = StyleSheet(archive.read(self.styles_part))
        self.record = record
        self.plans: dict[str, _SheetPlan] = {}
        self._restyles: dict[tuple[str, str], Restyle] = {}
        self.replaced: dict[str, bytes] = {}
        self.added: dict[str, bytes] = {}
        self.removed: set[str] = set()
        # sheets of the tool's to remove: kept until the end, as a new sheet of the same title takes the place
        self.leaving: set[str] = set()
        self.owned: set[str] = {self.workbook_part, self.workbook_rels_part, "[Content_Types].xml", self.styles_part}

    def _text(self, name: str) -> str | None:
        return self.archive.read(name).decode("utf-8") if name in self.names else None

    def _plan(self, sheet: str) -> _SheetPlan | None:
        part = self.sheets.get(sheet)
        if part is None or part not in self.names:
            return None
        if part not in self.plans:
            self.plans[part] = _SheetPlan(part)
            self.owned |= {part, edit.rels_name(part)}
        return self.plans[part]

    # --- marks -> plans ---------------------------------------------------------------------------------------

    def apply(self, marks: Marks) -> None:
        kept = [entry for entry in self.record if entry.mark_kind not in marks.replaces]
        underlay = Underlay(kept)
        for entry in self.record:
            if entry.mark_kind in marks.replaces:
                self._remove(entry, underlay)
        for block in marks.values:
            plan = self._plan(block.sheet)
            if plan is not None:
                rows, column = plan.rows, block.column
                for row, value in zip(range(block.first_row, block.first_row + len(block.values)), block.values,
                                      strict=True):
                    rows[row].values[column] = value
        kept += [self._fill(fill) for fill in marks.fills]
        kept += [self._note(note) for note in marks.notes]
        if marks.findings_sheet is not None:
            kept.append(self._findings_sheet(marks.findings_sheet))
        if marks.dates:
            date_plan = self._plan(marks.sheet)
            if date_plan is not None:
                for row, column in sorted(marks.dates):
                    date_plan.restyle(row, column, column, self.styles.with_date_format)
        for added in marks.added_columns:
            self._add_column(added)
        if marks.grow_to is not None:
            self._grow(marks.sheet, marks.grow_to)
        if marks.log is not None:
            self._log(marks.log)
        for title in sorted(self.leaving):
            self._remove_sheet(title)
        self._write_record(kept)

    def _unfill(self, colour: str) -> Restyle:
        """Take the tool's fill of `colour` off a cell (one function per colour: rows share what it decides)."""
        key = ("unfill", colour)
        if key not in self._restyles:
            styles = self.styles
            self._restyles[key] = lambda current: styles.without_fill(current) \
                if styles.has_tool_fill(current, colour) else None
        return self._restyles[key]

    def _fill_with(self, colour: str) -> Restyle:
        """Give a cell that has no fill the tool's fill of `colour`."""
        key = ("fill", colour)
        if key not in self._restyles:
            styles = self.styles
            self._restyles[key] = lambda current: None if styles.has_fill(current) else \
                styles.with_fill(current, colour)
        return self._restyles[key]

    def _mark_with(self, colour: str) -> Restyle:
        """Give a cell the tool's mark of `colour`: over no fill, or over the tool's own overdue fill."""
        key = ("mark", colour)
        if key not in self._restyles:
            styles = self.styles

            def mark(current: int) -> int | None:
                if not styles.has_fill(current) or any(styles.has_tool_fill(current, under) for under in UNDERLAYS):
                    return styles.with_fill(current, colour)
                return None

            self._restyles[key] = mark
        return self._restyles[key]

    def _remove(self, entry: RecordEntry, underlay: Underlay) -> None:
        if entry.is_sheet:
            self.leaving.add(entry.sheet)
            return
        plan = self._plan(entry.sheet)
        if plan is None:
            return
        try:
            first_column, first_row, last_column, last_row = range_bounds(entry.ref)
        except ValueError:
            return  # not a place xlreg wrote: nothing of the tool's to take off
        unfill = self._unfill(entry.colour)
        for row in range(first_row, last_row + 1):
            plan.restyle(row, first_column, last_column, unfill)
            if entry.is_note:
                for column in range(first_column, last_column + 1):
                    self._notes(plan).remove((row, column))
                    under = underlay.colour(entry.sheet, row, column)
                    if under:  # the overdue fill the mark was painted over
                        plan.restyle(row, column, column, self._fill_with(under))

    def _fill(self, fill: RowBlockFill) -> RecordEntry:
        plan = self._plan(fill.sheet)
        if plan is not None:
            fill_with = self._fill_with(fill.colour)
            for row in range(fill.first_row, fill.last_row + 1):
                plan.restyle(row, fill.first_column, fill.last_column, fill_with)
        return fill_entry(fill)

    def _note(self, note: CellNote) -> RecordEntry:
        plan = self._plan(note.sheet)
        if plan is not None:
            plan.restyle(note.row, note.column, note.column, self._mark_with(note.colour))
            self._notes(plan).add((note.row, note.column), note.note)
        return note_entry(note)

    # --- notes ------------------------------------------------------------------------------------------------

    def _notes(self, plan: _SheetPlan) -> Notes:
        if plan.notes is None:
            rels = self._text(edit.rels_name(plan.part))
            found = {kind.rsplit("/", 1)[-1]: target for _, kind, target in edit.relationships(rels, plan.part)}
            comments, vml = found.get("comments"), found.get("vmlDrawing")
            plan.notes = Notes.read(self.archive.read(comments) if comments in self.names else None,
                                    self.archive.read(vml) if vml in self.names else None,
                                    author=NOTE_AUTHOR, first_block=self._free_vml_block())
            self.owned |= {name for name in (comments, vml) if name}
        return plan.notes

    def _free_vml_block(self) -> int:
        blocks = [0]
        for name in self.names:
            if name.lower().endswith(".vml"):
                for found in _IDMAP.findall(self.archive.read(name)):
                    blocks += [int(block) for block in found.split(b",") if block.strip().isdigit()]
        return max(blocks) + 1

    def _notes_parts(self, plan: _SheetPlan) -> Callable[[bytes], bytes]:
        """Write the sheet's notes parts; return the edit its XML's tail needs (a legacyDrawing in or out)."""
        notes = plan.notes
        if notes is None or not notes.changed:
            return bytes
        rels_part = edit.rels_name(plan.part)
        rels = self._text(rels_part)
        found = {kind.rsplit("/", 1)[-1]: (rel_id, target) for rel_id, kind, target in
                 edit.relationships(rels, plan.part)}
        tail_edit: Callable[[bytes], bytes] = bytes
        if notes.empty:
            for key in ("comments", "vmlDrawing"):
                if key in found:
                    rel_id, target = found[key]
                    if key == "vmlDrawing" and b"<v:shape " in notes.vml_bytes():
                        self.replaced[target] = notes.vml_bytes()  # it holds other shapes (form controls)
                        continue
                    rels = edit.remove_relationship(rels or "", rel_id)
                    self.removed.add(target)
                    self.content_types = edit.remove_override(self.content_types, target)
                    if key == "vmlDrawing":
                        tail_edit = _remove_legacy_drawing(rel_id)
            self._set(rels_part, rels)
            return tail_edit
        if "comments" in found:
            self.replaced[found["comments"][1]] = notes.comments_bytes()
        else:
            part = self._free_name("xl/comments{}.xml")
            self.added[part] = notes.comments_bytes()
            rel_id = edit.new_relationship_id(rels)
            rels = edit.add_relationship(rels, rel_id, edit.COMMENTS_REL, edit.relative_target(plan.part, part))
            self.content_types = edit.add_override(self.content_types, part, edit.COMMENTS_TYPE)
        if "vmlDrawing" in found:
            self.replaced[found["vmlDrawing"][1]] = notes.vml_bytes()
        else:
            part = self._free_name("xl/drawings/vmlDrawing{}.vml")
            self.added[part] = notes.vml_bytes()
            rel_id = edit.new_relationship_id(rels)
            rels = edit.add_relationship(rels, rel_id, edit.VML_REL, edit.relative_target(plan.part, part))
            self.content_types = edit.ensure_default(self.content_types, "vml", edit.VML_TYPE)
            tail_edit = _add_legacy_drawing(rel_id)
        self._set(rels_part, rels)
        return tail_edit

    def _set(self, part: str, text: str | None) -> None:
        if text is None:
            return
        if part in self.names:
            self.replaced[part] = text.encode("utf-8")
        else:
            self.added[part] = text.encode("utf-8")
        self.owned.add(part)

    def _free_name(self, pattern: str) -> str:
        number = 1
        while pattern.format(number).lower() in self.lower_names | {name.lower() for name in self.added}:
            number += 1
        return pattern.format(number)

    # --- sheets -----------------------------------------------------------------------------------------------

    def _sheet_names(self) -> list[str]:
        return [name for name, _ in edit.sheet_entries(self.workbook)]

    def _add_sheet(self, title: str, xml: bytes, *, state: str | None = None, before_last: bool = False) -> None:
        folder = posixpath.dirname(self.workbook_part)
        part = self._free_name(posixpath.join(folder, "worksheets", "sheet{}.xml"))
        rel_id = edit.new_relationship_id(self.workbook_rels)
        self.workbook_rels = edit.add_relationship(self.workbook_rels, rel_id, edit.WORKSHEET_REL,
                                                   edit.relative_target(self.workbook_part, part))
        self.workbook = edit.add_sheet(self.workbook, title, rel_id, state=state, before_last=before_last)
        self.content_types = edit.add_override(self.content_types, part, edit.WORKSHEET_TYPE)
        self.added[part] = xml
        self.owned.add(part)
        self.sheets[title] = part

    def _remove_sheet(self, title: str) -> None:
        entry = next((match for name, match in edit.sheet_entries(self.workbook) if name == title), None)
        if entry is None:
            return
        part = self.sheets.get(title)
        rel_id = edit.sheet_relationship_id(entry)
        self.workbook = edit.remove_sheet(self.workbook, title)
        if self.workbook_rels and rel_id:
            self.workbook_rels = edit.remove_relationship(self.workbook_rels, rel_id)
        if part:
            self.content_types = edit.remove_override(self.content_types, part)
            for name in (part, edit.rels_name(part)):
                if name in self.names:
                    self.removed.add(name)
                self.added.pop(name, None)
                self.owned.add(name)
            self.sheets.pop(title, None)

    def _findings_sheet(self, listing: FindingsSheet) -> RecordEntry:
        title = unique_title([name for name in self._sheet_names() if name not in self.leaving], listing.title)
        bold = self.styles.font_format(bold=True)
        link = self.styles.font_format(hyperlink=True)
        rows = [_row(1, listing.header, style=bold)]
        links = []
        for number, (values, target) in enumerate(zip(listing.rows, listing.links, strict=True), start=2):
            rows.append(_row(number, values, first_style=link if target else None))
            if target:
                links.append(f"<hyperlink ref=\"A{number}\" location={quoteattr(target)} "
                             f"display={quoteattr(str(values[0]))}/>")
        last = f"{column_letter(len(listing.header))}{max(1, len(listing.rows) + 1)}"
        xml = _listing_sheet(rows, FINDINGS_WIDTHS, f'<autoFilter ref="A1:{last}"/>'
                             + (f"<hyperlinks>{''.join(links)}</hyperlinks>" if links else ""))
        part = self.sheets.get(title)
        if title in self.leaving and part in self.names:  # the earlier Findings sheet: new content in its place
            self.leaving.discard(title)
            self.replaced[part] = xml.encode("utf-8")
            self.owned |= {part, edit.rels_name(part)}
            if edit.rels_name(part) in self.names:  # links or settings Excel added to it go with the old content
                self.removed.add(edit.rels_name(part))
        else:  # before the record of the tool's marks when that is last, where the Register tab puts it too
            names = self._sheet_names()
            self._add_sheet(title, xml.encode("utf-8"), before_last=bool(names) and names[-1] == RECORD_SHEET)
        return sheet_entry(title)

    def _log(self, log: LogRows) -> None:
        """Rows below the last of the log sheet (or in its place, to replace), or a new log sheet (before the
        tool's record, if that is last)."""
        part = self.sheets.get(log.title)
        exists = part is not None and log.title in self._sheet_names() and part in self.names
        if part is not None and exists and not log.replace:
            last = max((int(number) for number in _ROW_NUMBER.findall(self.archive.read(part))), default=0)
            plan = self._plan(log.title)
            assert plan is not None
            for number, values in enumerate(log.rows, start=last + 1):
                for column, value in enumerate(values, start=1):
                    if value is not None and value != "":
                        plan.rows[number].values[column] = value
            return
        bold = self.styles.font_format(bold=True)
        rows = [_row(1, log.header, style=bold), *(_row(n, values) for n, values in enumerate(log.rows, start=2))]
        xml = _listing_sheet(rows, log.widths)
        if exists and part is not None:  # replaced whole: what was there is the previous run's
            self.replaced[part] = xml.encode("utf-8")
            self.owned |= {part, edit.rels_name(part)}
            return
        names = self._sheet_names()
        self._add_sheet(log.title, xml.encode("utf-8"), before_last=bool(names) and names[-1] == RECORD_SHEET)

    def _grow(self, sheet: str, last_row: int) -> None:
        """Grow the sheet's table to `last_row`, with the validations and conditional formats that reached its
        last row, so the rows appended below it are part of the register (and a person typing in the next row
        still gets the dropdowns)."""
        part = self.sheets.get(sheet)
        plan = self._plan(sheet)
        if part is None or plan is None:
            return
        rels = self._text(edit.rels_name(part))
        for _, kind, target in edit.relationships(rels, part):
            if not kind.endswith("/table") or target not in self.names:
                continue
            text = self._current(target)
            found = _TABLE_REF.search(text)
            bounds = RANGE_PARTS.match(found.group(2)) if found else None
            if bounds is None or int(bounds.group(4)) >= last_row:
                continue
            end = int(bounds.group(4))
            self._set(target, _grow_table(text, end, last_row))
            plan.tail_edits.append(_grow_ranges(end, last_row))

    def _current(self, part: str) -> str:
        """A part as xlreg has it so far: as changed by an earlier step of this write, else as in the file."""
        found = self.replaced.get(part, self.added.get(part))
        return (found if found is not None else self.archive.read(part)).decode("utf-8")

    def _add_column(self, added: AddedColumn) -> None:
        """A header cell after the register's last column, formatted like its neighbour; the register's table
        (when it ends on that neighbour) made one column wider, with the new column named as its header."""
        part = self.sheets.get(added.sheet)
        plan = self._plan(added.sheet)
        if part is None or plan is None:
            return
        plan.rows[added.row].values[added.column] = added.title
        style = _cell_style(self.archive, part, added.row, added.like)
        if style:
            plan.restyle(added.row, added.column, added.column, lambda current: style)
        if added.table is None:
            return
        for _, kind, target in edit.relationships(self._text(edit.rels_name(part)), part):
            if not kind.endswith("/table") or target not in self.names:
                continue
            text = self._current(target)
            if f'name="{added.table}"' not in text and f'displayName="{added.table}"' not in text:
                continue
            self._set(target, _widen_table(text, added))

    def _write_record(self, entries: list[RecordEntry]) -> None:
        exists = RECORD_SHEET in self._sheet_names()
        if not entries:
            if exists:
                self._remove_sheet(RECORD_SHEET)
            return
        rows = [_row(1, RECORD_HEADER), *(_row(n, entry.to_row()) for n, entry in enumerate(entries, start=2))]
        xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">'
               f"<sheetData>{''.join(rows)}</sheetData></worksheet>").encode()
        if exists and self.sheets.get(RECORD_SHEET) in self.names:
            part = self.sheets[RECORD_SHEET]
            self.replaced[part] = xml
            self.owned.add(part)
        else:
            self._add_sheet(RECORD_SHEET, xml, state="veryHidden")

    # --- the new package --------------------------------------------------------------------------------------

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.plans or self.replaced)

    def write(self, source: BinaryIO, target: BinaryIO) -> bool:
        """Write the new package to `target` (`source` is the original file, open for reading); False when it
        came out the same as the original in every entry."""
        edited: dict[str, tuple[BinaryIO | None, int, int, int]] = {}
        try:
            for part, plan in self.plans.items():
                edited[part] = self._edit_sheet(plan)
            self._set(self.workbook_rels_part, self.workbook_rels)
            self.replaced[self.workbook_part] = self.workbook.encode("utf-8")
            self.replaced["[Content_Types].xml"] = self.content_types.encode("utf-8")
            self.replaced[self.styles_part] = self.styles.to_bytes()
            changed = bool(self.removed) or any(name not in self.names for name in self.added)
            writer = PackageWriter(target, comment=self.archive.comment)
            for info in self.archive.infolist():
                name = info.filename
                if name in self.removed:
                    continue
                deflated, crc, size, compressed = edited.get(name, (None, 0, 0, 0))
                if deflated is not None:
                    writer.write_deflated(name, deflated, crc=crc, size=size, compressed=compressed, like=info)
                    changed = True
                elif name in self.replaced and self.replaced[name] != self.archive.read(name):
                    writer.write(name, [self.replaced[name]], like=info)
                    changed = True
                else:
                    writer.copy(source, info)
            for name, data in self.added.items():
                if name not in self.names:
                    writer.write(name, [data])
            writer.close()
            return changed
        finally:
            for deflated, *_ in edited.values():
                if deflated is not None:
                    deflated.close()

    def _edit_sheet(self, plan: _SheetPlan) -> tuple[BinaryIO | None, int, int, int]:
        """The edited sheet, deflated to one side; None in place of it when nothing in it changed."""
        notes_edit = self._notes_parts(plan)

        def tail_edit(tail: bytes) -> bytes:
            for change in (notes_edit, *plan.tail_edits):
                tail = change(tail)
            return tail

        editor = SheetEditor(plan.rows)
        info = self.archive.getinfo(plan.part)
        level = 1 if info.file_size > FAST_LEVEL_ABOVE else 6
        deflated: BinaryIO = tempfile.TemporaryFile()  # noqa: SIM115  (closed by write())
        with self.archive.open(info) as stream:
            chunks = iter(lambda: stream.read(CHUNK), b"")
            crc, size, compressed = deflate(editor.edit(chunks, tail_edit), deflated, level=level)
        if editor.protected and editor.changed:
            deflated.close()
            sheet = next((name for name, part in self.sheets.items() if part == plan.part), plan.part)
            raise CannotWrite(f"the sheet '{sheet}' is protected (Review > Unprotect Sheet in Excel); xlreg does "
                              "not change a protected sheet")
        if not editor.changed:
            deflated.close()
            return None, crc, size, compressed
        return deflated, crc, size, compressed


def _listing_sheet(rows: Sequence[str], widths: Sequence[float], after: str = "") -> str:
    """A sheet of its own listing `rows` (XML) under a header row frozen at the top; `after` follows the rows."""
    columns = "".join(f'<col min="{n}" max="{n}" width="{w}" customWidth="1"/>' for n, w in enumerate(widths, start=1))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
            'state="frozen"/></sheetView></sheetViews>' + (f"<cols>{columns}</cols>" if columns else "")
            + f"<sheetData>{''.join(rows)}</sheetData>{after}</worksheet>")


def _grown(ranges: str, end: int, last_row: int) -> str:
    """Each range of a reference list ("A2:A201 C2:C201") that ends on row `end`, made to end on `last_row`."""
    grown = []
    for piece in ranges.split():
        match = RANGE_PARTS.match(piece)
        if match and int(match.group(4)) == end and int(match.group(2)) <= end:
            piece = f"{match.group(1)}{match.group(2)}:{match.group(3)}{last_row}"
        grown.append(piece)
    return " ".join(grown)


def _grow_table(text: str, end: int, last_row: int) -> str:
    """The table part with its range (and its filter's) reaching `last_row`."""
    return _TABLE_REF.sub(lambda found: found.group(1) + _grown(found.group(2), end, last_row) + found.group(3), text)


def _grow_ranges(end: int, last_row: int) -> Callable[[bytes], bytes]:
    def grow(tail: bytes) -> bytes:
        def one(found: re.Match[bytes]) -> bytes:
            return found.group(1) + _grown(found.group(2).decode(), end, last_row).encode() + found.group(3)
        return _XM_SQREF.sub(one, _SQREF.sub(one, tail))
    return grow


_TABLE_COLUMNS = re.compile(r'(<(?:[\w.-]+:)?tableColumns\b[^>]*?\scount=")(\d+)(")')
_TABLE_COLUMN_ID = re.compile(r'<(?:[\w.-]+:)?tableColumn\b[^>]*?\sid="(\d+)"')
_TABLE_COLUMNS_END = re.compile(r"</((?:[\w.-]+:)?)tableColumns>")


def _widen_table(text: str, added: AddedColumn) -> str:
    """The table part with its range (and its filter's) one column wider, and the new column listed."""
    letter = column_letter(added.column)

    def widen(found: re.Match[str]) -> str:
        match = RANGE_PARTS.match(found.group(2))
        if match is None or column_number(match.group(3).lstrip("$")) != added.column - 1:
            return found.group(0)
        return f"{found.group(1)}{match.group(1)}{match.group(2)}:{letter}{match.group(4)}{found.group(3)}"

    widened = _TABLE_REF.sub(widen, text)
    if widened == text:
        return text  # the table does not end where the new column starts: it is left as it is
    next_id = max((int(found) for found in _TABLE_COLUMN_ID.findall(widened)), default=0) + 1
    widened = _TABLE_COLUMNS.sub(lambda found: f"{found.group(1)}{int(found.group(2)) + 1}{found.group(3)}",
                                 widened, count=1)
    return _TABLE_COLUMNS_END.sub(lambda found: f'<{found.group(1)}tableColumn id="{next_id}" '
                                                f'name={quoteattr(added.title)}/></{found.group(1)}tableColumns>',
                                  widened, count=1)


def _cell_style(archive: zipfile.ZipFile, part: str, row: int, column: int) -> int | None:
    """The format (cellXfs index) of one cell near the top of a sheet (a header cell), read from the start of
    the sheet's XML only as far as its row."""
    reference = f'r="{column_letter(column)}{row}"'.encode()
    head = b""
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK):
            head += chunk
            at = head.find(reference)
            if at >= 0:
                end = head.find(b">", at)
                if end < 0:
                    continue
                start = head.rfind(b"<", 0, at)
                found = re.search(rb'\ss="(\d+)"', head[start:end])
                return int(found.group(1)) if found else None
            if re.search(rb'<(?:[\w.-]+:)?row\b[^>]*\sr="' + str(row + 1).encode() + rb'"', head) \
                    or len(head) > 8 * CHUNK:
                return None
    return None


def _add_legacy_drawing(rel_id: str) -> Callable[[bytes], bytes]:
    element = f'<legacyDrawing xmlns:r="{edit.REL}" r:id="{rel_id}"/>'.encode()

    def add(tail: bytes) -> bytes:
        found = _AFTER_LEGACY_DRAWING.search(tail)
        position = found.start() if found else len(tail)
        return tail[:position] + element + tail[position:]
    return add


def _remove_legacy_drawing(rel_id: str) -> Callable[[bytes], bytes]:
    def remove(tail: bytes) -> bytes:
        return re.sub(rb"<(?:[\w.-]+:)?legacyDrawing\b[^>]*\"" + re.escape(rel_id.encode()) + rb"\"[^>]*/>", b"",
                      tail, count=1)
    return remove


def _cell_xml(reference: str, value: Any, style: int | None) -> str:
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f'<c r="{reference}"{s}/>' if s else ""
    if isinstance(value, bool):
        return f'<c r="{reference}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return f'<c r="{reference}"{s}><v>{value}</v></c>'
    return f'<c r="{reference}"{s} t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def _row(number: int, values: Any, *, style: int | None = None, first_style: int | None = None) -> str:
    cells = "".join(_cell_xml(f"{column_letter(column)}{number}", value,
                              first_style if column == 1 and first_style else style)
                    for column, value in enumerate(values, start=1))
    return f'<row r="{number}">{cells}</row>'

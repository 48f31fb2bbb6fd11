"""One edit of a workbook package: the parts replaced, added and removed; sheets added and removed (with the
workbook's list of sheets, its relationships and the content types kept in step); worksheets edited row by row
as streams (sheet_edit) with their notes parts (notes); and the new package written with every other entry
copied as its compressed bytes. `owned` names each entry the edit may have changed, for the check made before
an original is replaced.

It knows nothing of registers: what to change is decided by its caller (workbook.writing.package_marks).
"""

from __future__ import annotations

import posixpath
import re
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO

from xl_addin.ooxml import package_edit as edit
from xl_addin.ooxml.charts import CHART_REL, DRAWING_REL
from xl_addin.ooxml.notes import Notes, add_legacy_drawing, remove_legacy_drawing
from xl_addin.ooxml.package import sheet_parts, workbook_part
from xl_addin.ooxml.sheet_edit import Restyle, RowEdit, SheetEditor
from xl_addin.ooxml.styles import StyleSheet
from xl_addin.ooxml.zip_package import CHUNK, PackageWriter, deflate

STYLES_REL = edit.REL + "/styles"
_IDMAP = re.compile(rb'<o:idmap\b[^>]*\sdata="([^"]*)"')
_ROW_NUMBER = re.compile(rb'<(?:[\w.-]+:)?row\b[^>]*?\sr="(\d+)"')
# big sheets are compressed a little less: the time goes into writing, the size barely changes
FAST_LEVEL_ABOVE = 8 << 20
TailEdit = Callable[[bytes], bytes]


class CannotWrite(Exception):
    """Something in the workbook that would have to change cannot be changed safely; the message says what (and
    nothing was written)."""


@dataclass
class SheetPlan:
    """The edits to one worksheet part, row by row, and to what follows its rows (its tail)."""

    part: str
    rows: dict[int, RowEdit] = field(default_factory=lambda: defaultdict(RowEdit))
    notes: Notes | None = None
    tail_edits: list[TailEdit] = field(default_factory=list)

    def restyle(self, row: int, first: int, last: int, change: Restyle) -> None:
        self.rows[row].formats.append((first, last, change))

    def write(self, row: int, column: int, value: object) -> None:
        self.rows[row].values[column] = value


class PackageSession:
    """An edit of one workbook package, open for reading in `archive`; `write` produces the new package."""

    def __init__(self, archive: zipfile.ZipFile, *, notes_author: str) -> None:
        self.archive = archive
        self.notes_author = notes_author
        self.names = {info.filename for info in archive.infolist()}
        self.lower_names = {name.lower() for name in self.names}
        self.workbook_part = workbook_part(archive)
        self.workbook = archive.read(self.workbook_part).decode("utf-8")
        if "purl.oclc.org/ooxml" in self.workbook[:4000]:
            raise CannotWrite("it is saved as Strict Open XML, which xlreg does not write into; save it in Excel as "
                              "an ordinary Excel Workbook (.xlsx) and try again")
        self.workbook_rels_part = edit.rels_name(self.workbook_part)
        self.workbook_rels = self.text(self.workbook_rels_part)
        self.content_types = self.text("[Content_Types].xml") or ""
        self.sheets = sheet_parts(archive)
        styles = [target for _, kind, target in edit.relationships(self.workbook_rels, self.workbook_part)
                  if kind == STYLES_REL]
        if not styles or styles[0] not in self.names:
            raise CannotWrite("it has no formats part (styles), which every workbook Excel saves has")
        self.styles_part = styles[0]
        self.styles = StyleSheet(archive.read(self.styles_part))
        self.plans: dict[str, SheetPlan] = {}
        self.replaced: dict[str, bytes] = {}
        self.added: dict[str, bytes] = {}
        self.removed: set[str] = set()
        self.owned: set[str] = {self.workbook_part, self.workbook_rels_part, "[Content_Types].xml", self.styles_part}
        self.print_titles: dict[str, str] = {}  # sheet title -> the rows printed atop each of its pages

    # --- parts ------------------------------------------------------------------------------------------------

    def text(self, name: str) -> str | None:
        """A part of the original package as text, or None when there is none."""
        return self.archive.read(name).decode("utf-8") if name in self.names else None

    def current(self, part: str) -> str:
        """A part as this edit has it so far: as changed by an earlier step, else as in the file."""
        found = self.replaced.get(part, self.added.get(part))
        return (found if found is not None else self.archive.read(part)).decode("utf-8")

    def set(self, part: str, text: str | bytes | None) -> None:
        """A part's new content (a new part when the package has none of that name)."""
        if text is None:
            return
        data = text.encode("utf-8") if isinstance(text, str) else text
        if part in self.names:
            self.replaced[part] = data
        else:
            self.added[part] = data
        self.owned.add(part)

    def free_name(self, pattern: str) -> str:
        """The first of pattern.format(1), (2)... that no part has (ignoring case, as zip readers may)."""
        taken = self.lower_names | {name.lower() for name in self.added}
        number = 1
        while pattern.format(number).lower() in taken:
            number += 1
        return pattern.format(number)

    def relationships_of(self, part: str) -> list[tuple[str, str, str]]:
        """(id, type, target part) of each of a part's relationships."""
        return edit.relationships(self.text(edit.rels_name(part)), part)

    def last_row(self, part: str) -> int:
        """The number of the last row a worksheet part holds."""
        return max((int(number) for number in _ROW_NUMBER.findall(self.archive.read(part))), default=0)

    # --- sheets -----------------------------------------------------------------------------------------------

    def plan(self, sheet: str) -> SheetPlan | None:
        """The edits to make to a worksheet (None: the workbook has no such sheet, or its part is missing)."""
        part = self.sheets.get(sheet)
        if part is None or part not in self.names:
            return None
        if part not in self.plans:
            self.plans[part] = SheetPlan(part)
            self.owned |= {part, edit.rels_name(part)}
        return self.plans[part]

    def sheet_names(self) -> list[str]:
        return [name for name, _ in edit.sheet_entries(self.workbook)]

    def add_sheet(self, title: str, xml: bytes, *, state: str | None = None, before_last: bool = False) -> None:
        folder = posixpath.dirname(self.workbook_part)
        part = self.free_name(posixpath.join(folder, "worksheets", "sheet{}.xml"))
        rel_id = edit.new_relationship_id(self.workbook_rels)
        self.workbook_rels = edit.add_relationship(self.workbook_rels, rel_id, edit.WORKSHEET_REL,
                                                   edit.relative_target(self.workbook_part, part))
        self.workbook = edit.add_sheet(self.workbook, title, rel_id, state=state, before_last=before_last)
        self.content_types = edit.add_override(self.content_types, part, edit.WORKSHEET_TYPE)
        self.added[part] = xml
        self.owned.add(part)
        self.sheets[title] = part

    def replace_sheet(self, title: str, xml: bytes) -> None:
        """A sheet's content replaced whole; what Excel related to the old content (links, settings) goes."""
        part = self.sheets[title]
        self.replaced[part] = xml
        self.owned |= {part, edit.rels_name(part)}
        if edit.rels_name(part) in self.names:
            self.removed.add(edit.rels_name(part))

    def add_part(self, pattern: str, data: bytes, content_type: str) -> str:
        """A new part named by the first free number in `pattern` ("xl/charts/chart{}.xml"); its name."""
        part = self.free_name(pattern)
        self.added[part] = data
        self.owned.add(part)
        self.content_types = edit.add_override(self.content_types, part, content_type)
        return part

    def relate(self, source: str, kind: str, target: str, rel_id: str | None = None) -> str:
        """A relationship from `source` to `target` (both part names), added to the source's relationships part
        as this edit has it so far; its id."""
        rels_part = edit.rels_name(source)
        found = self.added.get(rels_part, self.replaced.get(rels_part))
        rels = found.decode("utf-8") if found is not None else self.text(rels_part)
        rel_id = rel_id or edit.new_relationship_id(rels)
        self.set(rels_part, edit.add_relationship(rels, rel_id, kind, edit.relative_target(source, target)))
        return rel_id

    def _drawn(self, part: str) -> list[str]:
        """The drawings a sheet part shows and the charts in them: parts that go with the sheet."""
        found = []
        for _, kind, target in self.relationships_of(part):
            if kind == DRAWING_REL and target in self.names:
                found.append(target)
                found += [chart for _, inner, chart in self.relationships_of(target)
                          if inner == CHART_REL and chart in self.names]
        return found

    def remove_sheet(self, title: str) -> None:
        entry = next((match for name, match in edit.sheet_entries(self.workbook) if name == title), None)
        if entry is None:
            return
        part = self.sheets.get(title)
        for drawn in self._drawn(part) if part and part in self.names else ():  # its drawings and charts go too
            for name in (drawn, edit.rels_name(drawn)):
                if name in self.names:
                    self.removed.add(name)
                    self.owned.add(name)
            self.content_types = edit.remove_override(self.content_types, drawn)
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

    # --- notes ------------------------------------------------------------------------------------------------

    def notes(self, plan: SheetPlan) -> Notes:
        """The sheet's notes, read once, to add the author's notes to and take them off."""
        if plan.notes is None:
            found = {kind.rsplit("/", 1)[-1]: target for _, kind, target in self.relationships_of(plan.part)}
            comments, vml = found.get("comments"), found.get("vmlDrawing")
            plan.notes = Notes.read(self.archive.read(comments) if comments in self.names else None,
                                    self.archive.read(vml) if vml in self.names else None,
                                    author=self.notes_author, first_block=self._free_vml_block())
            self.owned |= {name for name in (comments, vml) if name}
        return plan.notes

    def _free_vml_block(self) -> int:
        """The first block of VML shape ids no drawing of the workbook uses (ids must be unique across it)."""
        blocks = [0]
        for name in self.names:
            if name.lower().endswith(".vml"):
                for found in _IDMAP.findall(self.archive.read(name)):
                    blocks += [int(block) for block in found.split(b",") if block.strip().isdigit()]
        return max(blocks) + 1

    def _notes_parts(self, plan: SheetPlan) -> TailEdit:
        """Write the sheet's notes parts; return the edit its XML's tail needs (a legacyDrawing in or out)."""
        notes = plan.notes
        if notes is None or not notes.changed:
            return bytes
        rels_part = edit.rels_name(plan.part)
        rels = self.text(rels_part)
        found = {kind.rsplit("/", 1)[-1]: (rel_id, target) for rel_id, kind, target in
                 edit.relationships(rels, plan.part)}
        tail_edit: TailEdit = bytes
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
                        tail_edit = remove_legacy_drawing(rel_id)
            self.set(rels_part, rels)
            return tail_edit
        if "comments" in found:
            self.replaced[found["comments"][1]] = notes.comments_bytes()
        else:
            part = self.free_name("xl/comments{}.xml")
            self.added[part] = notes.comments_bytes()
            rel_id = edit.new_relationship_id(rels)
            rels = edit.add_relationship(rels, rel_id, edit.COMMENTS_REL, edit.relative_target(plan.part, part))
            self.content_types = edit.add_override(self.content_types, part, edit.COMMENTS_TYPE)
        if "vmlDrawing" in found:
            self.replaced[found["vmlDrawing"][1]] = notes.vml_bytes()
        else:
            part = self.free_name("xl/drawings/vmlDrawing{}.vml")
            self.added[part] = notes.vml_bytes()
            rel_id = edit.new_relationship_id(rels)
            rels = edit.add_relationship(rels, rel_id, edit.VML_REL, edit.relative_target(plan.part, part))
            self.content_types = edit.ensure_default(self.content_types, "vml", edit.VML_TYPE)
            tail_edit = add_legacy_drawing(rel_id)
        self.set(rels_part, rels)
        return tail_edit

    # --- the new package --------------------------------------------------------------------------------------

    def write(self, source: BinaryIO, target: BinaryIO) -> bool:
        """Write the new package to `target` (`source` is the original file, open for reading); False when it
        came out the same as the original in every entry."""
        edited: dict[str, tuple[BinaryIO | None, int, int, int]] = {}
        try:
            for part, plan in self.plans.items():
                edited[part] = self._edit_sheet(plan)
            self.set(self.workbook_rels_part, self.workbook_rels)
            names = self.sheet_names()
            for title, rows in self.print_titles.items():  # by where each sheet stands once all are in place
                if title in names:
                    self.workbook = edit.set_print_titles(self.workbook, names.index(title), title, rows)
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

    def _edit_sheet(self, plan: SheetPlan) -> tuple[BinaryIO | None, int, int, int]:
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

"""A sheet's notes (legacy comments): the comments part, which holds their text and author, and the VML drawing,
which holds the box Excel shows. xlreg's own notes are those written by the author "xlreg"; they are added
and removed by splicing their elements in and out, so a person's notes (their text, formatting, boxes, and
the notes that stand for threaded comments) stay exactly as they were.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from defusedxml import ElementTree

from xl_addin.ooxml.package_edit import REL
from xl_addin.ooxml.refs import cell, range_bounds
from xl_addin.ooxml.xml_text import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_COMMENT = re.compile(r"<((?:[\w.-]+:)?)comment\b([^>]*?)(?:/>|>.*?</\1comment>)", re.S)
_AUTHOR = re.compile(r"<((?:[\w.-]+:)?)author\b[^>]*?(?:/>|>(.*?)</\1author>)", re.S)
_SHAPE = re.compile(r"<v:shape\b[^>]*>.*?</v:shape>", re.S)
_ANCHOR_CELL = re.compile(r"<x:Row>\s*(\d+)\s*</x:Row>\s*<x:Column>\s*(\d+)\s*</x:Column>", re.S)
_SHAPE_ID = re.compile(r'id="_x0000_s(\d+)"')
_IDMAP = re.compile(r'<o:idmap\b[^>]*\sdata="([^"]*)"')
SHAPES_PER_BLOCK = 1024

VML_HEAD = ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel">'
            '<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{blocks}"/></o:shapelayout>')
NOTE_SHAPETYPE = ('<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
                  'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
                  '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>')


class NotesUnreadable(Exception):
    """The notes of a sheet are in a form xlreg cannot add to safely."""


def _cell(reference: str) -> tuple[int, int] | None:
    """(row, column) of a note's cell reference, or None when it is not one."""
    try:
        column, row, last_column, last_row = range_bounds(reference)
    except ValueError:
        return None
    return (row, column) if (column, row) == (last_column, last_row) else None


@dataclass
class Notes:
    """The notes of one sheet: who wrote the note at each cell, and the edits to make."""

    comments: str | None  # the comments part's text, None when the sheet has none yet
    vml: str | None  # the VML drawing's text, None when the sheet has none yet
    author: str
    authors: list[str] = field(default_factory=list)
    by_cell: dict[tuple[int, int], int] = field(default_factory=dict)  # (row, column) -> author index
    added: dict[tuple[int, int], str] = field(default_factory=dict)
    removed: set[tuple[int, int]] = field(default_factory=set)
    first_block: int = 1  # the VML id block a new drawing may use (shape ids are unique across the workbook)

    @classmethod
    def read(cls, comments: bytes | None, vml: bytes | None, *, author: str, first_block: int) -> Notes:
        notes = cls(comments.decode("utf-8") if comments is not None else None,
                    vml.decode("utf-8", errors="surrogateescape") if vml is not None else None,
                    author, first_block=first_block)
        if notes.comments is not None:
            try:
                root = ElementTree.fromstring(comments)
            except ElementTree.ParseError as error:
                raise NotesUnreadable(f"its notes cannot be read ({error})") from None
            for element in root.iter():
                tag = element.tag.rsplit("}", 1)[-1]
                if tag == "author":
                    notes.authors.append(element.text or "")
                elif tag == "comment":
                    cell = _cell(element.get("ref", ""))
                    if cell is not None:
                        notes.by_cell[cell] = int(element.get("authorId", "0"))
        return notes

    def is_ours(self, cell: tuple[int, int]) -> bool:
        index = self.by_cell.get(cell)
        return index is not None and 0 <= index < len(self.authors) and self.authors[index] == self.author

    def has_note(self, cell: tuple[int, int]) -> bool:
        return (cell in self.by_cell and cell not in self.removed) or cell in self.added

    def remove(self, cell: tuple[int, int]) -> None:
        """Remove xlreg's note at the cell, if the note there is xlreg's."""
        if self.is_ours(cell):
            self.removed.add(cell)
        self.added.pop(cell, None)

    def add(self, cell: tuple[int, int], text: str) -> bool:
        """Put xlreg's note at the cell, unless a person's note is there; True when it is xlreg's note now."""
        if cell in self.by_cell and not self.is_ours(cell):
            return False
        if self.is_ours(cell):
            self.removed.add(cell)
        self.added[cell] = text
        return True

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)

    @property
    def empty(self) -> bool:
        """No note at all is left (after the edits)."""
        return not self.added and not (set(self.by_cell) - self.removed)

    # --- the comments part -------------------------------------------------------------------------------------

    def comments_bytes(self) -> bytes:
        text = self.comments or (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<comments xmlns="{MAIN}">'
                                 "<authors></authors><commentList></commentList></comments>")
        prefix = re.match(r"(?:<\?[^>]*\?>\s*)?<((?:[\w.-]+:)?)comments\b", text)
        p = prefix.group(1) if prefix else ""
        if self.added and self.author not in self.authors:
            self.authors.append(self.author)
            if re.search(rf"<{re.escape(p)}authors\s*/>", text):
                text = re.sub(rf"<{re.escape(p)}authors\s*/>", f"<{p}authors></{p}authors>", text, count=1)
            text = text.replace(f"</{p}authors>", f"<{p}author>{escape(self.author)}</{p}author></{p}authors>", 1)
        ours = self.authors.index(self.author) if self.author in self.authors else -1

        def keep(match: re.Match[str]) -> str:
            reference = re.search(r'\sref="([^"]*)"', match.group(2))
            author = re.search(r'\sauthorId="(\d+)"', match.group(2))
            cell = _cell(reference.group(1)) if reference else None
            mine = author is not None and int(author.group(1)) == ours
            return "" if mine and cell in self.removed else match.group(0)

        text = _COMMENT.sub(keep, text)
        added = "".join(
            f'<{p}comment ref="{cell(column, row)}" authorId="{ours}"><{p}text><{p}t xml:space="preserve">'
            f"{escape(note)}</{p}t></{p}text></{p}comment>" for (row, column), note in sorted(self.added.items()))
        if re.search(rf"<{re.escape(p)}commentList\s*/>", text):
            text = re.sub(rf"<{re.escape(p)}commentList\s*/>", f"<{p}commentList></{p}commentList>", text, count=1)
        return text.replace(f"</{p}commentList>", added + f"</{p}commentList>", 1).encode("utf-8")

    # --- the VML drawing ---------------------------------------------------------------------------------------

    def vml_bytes(self) -> bytes:
        text = self.vml
        if text is None:
            blocks = max(1, -(-len(self.added) // SHAPES_PER_BLOCK))
            ids = ",".join(str(self.first_block + index) for index in range(blocks))
            text = VML_HEAD.format(blocks=ids) + NOTE_SHAPETYPE + "</xml>"

        def keep(match: re.Match[str]) -> str:
            shape = match.group(0)
            anchor = _ANCHOR_CELL.search(shape)
            if 'ObjectType="Note"' not in shape or anchor is None:
                return shape
            cell = (int(anchor.group(1)) + 1, int(anchor.group(2)) + 1)
            return "" if cell in self.removed or cell in self.added else shape

        text = _SHAPE.sub(keep, text)
        if 'id="_x0000_t202"' not in text:
            text = _insert_before_end(text, NOTE_SHAPETYPE)
        first = self._first_shape_id(text)
        if first is None:  # the drawing's id blocks are full: give the new boxes blocks of their own
            blocks = max(1, -(-len(self.added) // SHAPES_PER_BLOCK))
            ids = ",".join(str(self.first_block + index) for index in range(blocks))
            text = _IDMAP.sub(lambda match: match.group(0)[:-1] + "," + ids + '"', text, count=1)
            first = self.first_block * SHAPES_PER_BLOCK + 1
        shapes = [_note_shape(first + offset, row, column, offset)
                  for offset, ((row, column), _) in enumerate(sorted(self.added.items()))]
        return _insert_before_end(text, "".join(shapes)).encode("utf-8", errors="surrogateescape")

    def _first_shape_id(self, text: str) -> int | None:
        """The first free shape id after the drawing's own, if the added boxes fit in its id blocks."""
        used = [int(number) for number in _SHAPE_ID.findall(text)]
        blocks = sorted(int(block) for found in _IDMAP.findall(text) for block in found.split(",") if block.strip())
        if not blocks:
            return None if self.added else 1
        first = max([blocks[0] * SHAPES_PER_BLOCK + 1, *(number + 1 for number in used)])
        last = (blocks[-1] + 1) * SHAPES_PER_BLOCK
        return first if first + len(self.added) - 1 <= last else None


def _insert_before_end(text: str, addition: str) -> str:
    end = text.rfind("</xml>")
    if end < 0:
        raise NotesUnreadable("its notes' drawing has no end")
    return text[:end] + addition + text[end:]


def _note_shape(shape_id: int, row: int, column: int, order: int) -> str:
    """A note's box, hidden until the cell is pointed at, beside the cell (VML counts rows and columns from 0)."""
    anchor = f"{column}, 15, {max(row - 2, 0)}, 10, {column + 3}, 15, {max(row - 2, 0) + 5}, 4"
    return (f'<v:shape id="_x0000_s{shape_id}" type="#_x0000_t202" style="position:absolute;margin-left:60pt;'
            f"margin-top:2pt;width:240pt;height:90pt;z-index:{order + 1};visibility:hidden\" "
            'fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
            '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
            '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
            '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
            f"<x:Anchor>{anchor}</x:Anchor><x:AutoFill>False</x:AutoFill>"
            f"<x:Row>{row - 1}</x:Row><x:Column>{column - 1}</x:Column></x:ClientData></v:shape>")


_LEGACY_DRAWING_AFTER = re.compile(rb"<(?:[\w.-]+:)?(?:legacyDrawingHF|drawingHF|picture|oleObjects|controls|"
                                   rb"webPublishItems|tableParts|extLst)\b|</(?:[\w.-]+:)?worksheet>")


def add_legacy_drawing(rel_id: str) -> Callable[[bytes], bytes]:
    """An edit of a sheet's tail: the legacyDrawing that shows its notes, where CT_Worksheet's order puts it
    (before the first of the elements that follow legacyDrawing)."""
    element = f'<legacyDrawing xmlns:r="{REL}" r:id="{rel_id}"/>'.encode()

    def add(tail: bytes) -> bytes:
        found = _LEGACY_DRAWING_AFTER.search(tail)
        position = found.start() if found else len(tail)
        return tail[:position] + element + tail[position:]
    return add


def remove_legacy_drawing(rel_id: str) -> Callable[[bytes], bytes]:
    """An edit of a sheet's tail: the legacyDrawing of that relationship taken out."""
    def remove(tail: bytes) -> bytes:
        return re.sub(rb"<(?:[\w.-]+:)?legacyDrawing\b[^>]*\"" + re.escape(rel_id.encode()) + rb"\"[^>]*/>", b"",
                      tail, count=1)
    return remove

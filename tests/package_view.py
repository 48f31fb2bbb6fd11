"""Read a workbook package the plain way, for tests that check what a write changed: parts, the register
sheet's cells and formats, notes. Independent of the writer under test (standard library XML only)."""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    folder, base = posixpath.split(part)
    name = posixpath.join(folder, "_rels", base + ".rels")
    if name not in archive.namelist():
        return {}
    found = {}
    for rel in ElementTree.fromstring(archive.read(name)).iter(f"{PACKAGE_REL}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        found[rel.get("Id", "")] = (rel.get("Type", "").rsplit("/", 1)[-1], resolved)
    return found


def workbook_part(archive: zipfile.ZipFile) -> str:
    for _, (kind, target) in _rels(archive, "").items():
        if kind == "officeDocument":
            return target
    return "xl/workbook.xml"


def sheets(path: Path) -> dict[str, tuple[str, str]]:
    """Sheet name -> (part, state), in workbook order."""
    with zipfile.ZipFile(path) as archive:
        book = workbook_part(archive)
        rels = _rels(archive, book)
        found = {}
        for sheet in ElementTree.fromstring(archive.read(book)).iter(f"{MAIN}sheet"):
            found[sheet.get("name", "")] = (rels[sheet.get(f"{REL}id", "")][1], sheet.get("state", "visible"))
        return found


def related(path: Path, part: str) -> dict[str, str]:
    """Relationship type (last word) -> target part, for one part."""
    with zipfile.ZipFile(path) as archive:
        return {kind: target for kind, target in _rels(archive, part).values()}


def styles_part(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return related(path, workbook_part(archive))["styles"]


def cell_formats(path: Path, sheet: str) -> dict[str, int]:
    part = sheets(path)[sheet][0]
    root = ElementTree.fromstring(parts(path)[part])
    return {cell.get("r", ""): int(cell.get("s", "0")) for cell in root.iter(f"{MAIN}c")}


def cell_values(path: Path, sheet: str) -> dict[str, str]:
    part = sheets(path)[sheet][0]
    root = ElementTree.fromstring(parts(path)[part])
    found = {}
    for cell in root.iter(f"{MAIN}c"):
        value = cell.find(f"{MAIN}v")
        text = cell.find(f"{MAIN}is/{MAIN}t")
        found[cell.get("r", "")] = (value.text if value is not None else text.text if text is not None else "") or ""
    return found


def fill_of(path: Path, format_index: int) -> tuple[str, str]:
    """(pattern type, foreground ARGB) of a cell format's fill."""
    root = ElementTree.fromstring(parts(path)[styles_part(path)])
    xfs = root.find(f"{MAIN}cellXfs")
    fills = root.find(f"{MAIN}fills")
    assert xfs is not None and fills is not None
    xf = list(xfs)[format_index]
    pattern = list(fills)[int(xf.get("fillId", "0"))].find(f"{MAIN}patternFill")
    if pattern is None:
        return ("", "")
    colour = pattern.find(f"{MAIN}fgColor")
    return pattern.get("patternType", ""), (colour.get("rgb", "") if colour is not None else "").upper()


def notes(path: Path, sheet: str) -> dict[str, tuple[str, str]]:
    """Cell -> (author, text) of the sheet's notes."""
    part = sheets(path)[sheet][0]
    comments = related(path, part).get("comments")
    if comments is None:
        return {}
    root = ElementTree.fromstring(parts(path)[comments])
    authors = [author.text or "" for author in root.iter(f"{MAIN}author")]
    return {comment.get("ref", ""): (authors[int(comment.get("authorId", "0"))],
                                     "".join(t.text or "" for t in comment.iter(f"{MAIN}t")))
            for comment in root.iter(f"{MAIN}comment")}


def vml_note_cells(path: Path, sheet: str) -> set[str]:
    """Cells that have a note box in the sheet's VML drawing."""
    part = sheets(path)[sheet][0]
    vml = related(path, part).get("vmlDrawing")
    if vml is None:
        return set()
    text = parts(path)[vml].decode("utf-8", errors="replace")
    found = set()
    for shape in re.findall(r"<v:shape\b.*?</v:shape>", text, re.S):
        row = re.search(r"<x:Row>\s*(\d+)", shape)
        column = re.search(r"<x:Column>\s*(\d+)", shape)
        if 'ObjectType="Note"' in shape and row and column:
            number, letters = int(column.group(1)) + 1, ""
            while number:
                number, rest = divmod(number - 1, 26)
                letters = chr(65 + rest) + letters
            found.add(f"{letters}{int(row.group(1)) + 1}")
    return found


def owned_parts(before: Path, after: Path, sheet: str) -> set[str]:
    """The parts a marks write may change: the sheet and its notes, formats, and the lists of parts; and any part
    that one of the two packages has and the other not (xlreg's own sheets)."""
    owned = {"[Content_Types].xml"}
    for path in (before, after):
        with zipfile.ZipFile(path) as archive:
            book = workbook_part(archive)
        owned |= {book, posixpath.join(posixpath.dirname(book), "_rels", posixpath.basename(book) + ".rels"),
                  styles_part(path)}
        part = sheets(path)[sheet][0]
        folder, base = posixpath.split(part)
        owned |= {part, posixpath.join(folder, "_rels", base + ".rels")}
        owned |= {target for kind, target in related(path, part).items() if kind in ("comments", "vmlDrawing")}
    for name, (part, _) in {**sheets(before), **sheets(after)}.items():
        if name in ("Findings", "xlreg_marks"):
            folder, base = posixpath.split(part)
            owned |= {part, posixpath.join(folder, "_rels", base + ".rels")}
    return owned

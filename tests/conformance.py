"""Whether a workbook is one Excel opens without repair: its parts against the Office Open XML schemas, and
against the rules Excel enforces that no schema states.

- Schemas: every XML part against the ECMA-376 Transitional schemas and Office's extension schemas, after
  Markup Compatibility processing, as the Open XML SDK validates them (openxml-audit, a Python port of the
  SDK's validator and its schema data).
- Excel's rules: rows and cells in order with `r` agreeing; style, font, fill, border, number-format, dxf and
  shared-string indexes in range; merged ranges and tables not overlapping; each table's column names equal to
  its header cells; every note with its VML shape and no note shape without a note; VML shape ids and id blocks
  unique across the workbook; every relationship id resolving to a part that exists and has a content type;
  sheet names and defined names valid and unique.

Calibrated on the Excel-made corpus (tests/corpus/excel-made): no report there. `report(path)` lists what is
wrong, one line each; `only` limits it to some parts (those a command wrote).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections import Counter
from collections.abc import Collection, Iterator
from pathlib import Path

from lxml import etree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
M = f"{{{MAIN}}}"
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
_RANGE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")
_SHAPE_ID = re.compile(r"_x0000_s(\d+)")
_BAD_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")
_NAME = re.compile(r"^(?:_xlnm\.)?[A-Za-z_\\][\w.\\?]*$")
BUILT_IN_NUMBER_FORMATS = 164  # ids below this are Excel's own

# Where openxml-audit's schema data and ECMA-376 or Excel disagree, the standard and Excel are right (Excel wrote
# the corpus): calibrated here, as (part, the error's words, the end of its path).
SCHEMA_DISAGREEMENTS = (
    # Excel 365 writes rich-data arrays with t="r" values, newer than the SDK's schema data
    ("xl/richData/rdarray.xml", "Invalid value for attribute 't'", ""),
)
# ECMA-376 Transitional makes a font's and a run's properties (CT_Font, CT_RPrElt) a choice, in any order; the
# SDK's data fixes one order, which Excel itself does not always follow
_ANY_ORDER = re.compile(r"/(?:font|rPr)\[\d+\]$")


def column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _bounds(ref: str) -> tuple[int, int, int, int] | None:
    match = _RANGE.match(ref)
    if match is None:
        return None
    first = (column_number(match.group(1)), int(match.group(2)))
    last = (column_number(match.group(3)), int(match.group(4))) if match.group(3) else first
    return first[0], first[1], last[0], last[1]


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return not (a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1])


class Package:
    """A workbook's parts, relationships and content types, parsed once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with zipfile.ZipFile(path) as archive:
            self.parts = {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}
        self._trees: dict[str, etree._Element] = {}
        types = self.tree("[Content_Types].xml")
        self.defaults = {node.get("Extension", "").lower() for node in types.iter(f"{{{CT}}}Default")}
        self.overrides = {node.get("PartName", "").lstrip("/") for node in types.iter(f"{{{CT}}}Override")}

    def tree(self, name: str) -> etree._Element:
        if name not in self._trees:
            self._trees[name] = etree.fromstring(self.parts[name], etree.XMLParser(resolve_entities=False,
                                                                                  huge_tree=True))
        return self._trees[name]

    def rels(self, part: str) -> dict[str, tuple[str, str, str]]:
        """id -> (type, target part, target mode) of a part's relationships."""
        folder, base = posixpath.split(part)
        name = posixpath.join(folder, "_rels", base + ".rels") if part else "_rels/.rels"
        if name not in self.parts:
            return {}
        found = {}
        for node in self.tree(name).iter(f"{{{PKG_REL}}}Relationship"):
            target, mode = node.get("Target", ""), node.get("TargetMode", "Internal")
            resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(folder, target))
            found[node.get("Id", "")] = (node.get("Type", ""), resolved, mode)
        return found

    def has_content_type(self, part: str) -> bool:
        return part in self.overrides or posixpath.splitext(part)[1].lstrip(".").lower() in self.defaults

    def workbook(self) -> str:
        return next(target for kind, target, _ in self.rels("").values() if kind.endswith("/officeDocument"))

    def sheets(self) -> list[tuple[str, str]]:
        """(name, part) of each worksheet, in workbook order."""
        book = self.workbook()
        rels = self.rels(book)
        found = []
        for sheet in self.tree(book).iter(f"{M}sheet"):
            kind, target, _ = rels.get(sheet.get(f"{{{REL}}}id", ""), ("", "", ""))
            if kind.endswith("/worksheet") and target in self.parts:
                found.append((sheet.get("name", ""), target))
        return found

    def related(self, part: str, suffix: str) -> list[str]:
        return [target for kind, target, _ in self.rels(part).values()
                if kind.endswith(suffix) and target in self.parts]


def schema_reports(path: Path, only: Collection[str] | None = None) -> list[str]:
    """Each schema error in the workbook's parts (those in `only`, if given), as Excel's own SDK finds them."""
    from openxml_audit import FileFormat, OpenXmlValidator, ValidationErrorType

    validator = OpenXmlValidator(file_format=FileFormat.MICROSOFT_365, semantic_validation=False, max_errors=0)
    reports = []
    for error in validator.validate(str(path)).errors:
        if error.error_type not in (ValidationErrorType.SCHEMA, ValidationErrorType.MARKUP_COMPATIBILITY):
            continue
        part = error.part_uri.lstrip("/")
        if only is not None and part not in only:
            continue
        if any(part == where and text in error.description and error.path.endswith(tail)
               for where, text, tail in SCHEMA_DISAGREEMENTS):
            continue
        if error.description.startswith("Unexpected element") and _ANY_ORDER.search(error.path):
            continue
        reports.append(f"{part}: schema: {error.description} ({error.path})")
    return reports


def _rows_and_cells(package: Package, part: str) -> Iterator[str]:
    previous_row = 0
    for row in package.tree(part).iter(f"{M}row"):
        number = int(row.get("r", previous_row + 1))
        if number <= previous_row:
            yield f"{part}: row {number} comes after row {previous_row}"
        previous_row = number
        previous_column = 0
        for cell in row.iter(f"{M}c"):
            reference = cell.get("r")
            if reference is None:
                previous_column += 1
                continue
            match = _CELL_REF.match(reference)
            if match is None:
                yield f"{part}: cell reference {reference!r} is not A1"
                continue
            column = column_number(match.group(1))
            if int(match.group(2)) != number:
                yield f"{part}: cell {reference} stands in row {number}"
            if column <= previous_column:
                yield f"{part}: cell {reference} comes after column {previous_column} in row {number}"
            previous_column = column


def _styles(package: Package) -> tuple[dict[str, int], list[tuple[int, int, int, int]], set[int]]:
    """Counts of fonts, fills, borders, cellXfs and dxfs; each xf's (font, fill, border, numFmt); custom formats."""
    book = package.workbook()
    styles = package.related(book, "/styles")
    if not styles:
        return {}, [], set()
    root = package.tree(styles[0])
    counts = {}
    for name, child in (("fonts", "font"), ("fills", "fill"), ("borders", "border"), ("cellXfs", "xf"),
                        ("cellStyleXfs", "xf"), ("dxfs", "dxf")):
        holder = root.find(f"{M}{name}")
        counts[name] = len(holder.findall(f"{M}{child}")) if holder is not None else 0
    xfs = [(int(xf.get("fontId", 0)), int(xf.get("fillId", 0)), int(xf.get("borderId", 0)),
            int(xf.get("numFmtId", 0))) for xf in root.iterfind(f"{M}cellXfs/{M}xf")]
    formats = {int(fmt.get("numFmtId", -1)) for fmt in root.iterfind(f"{M}numFmts/{M}numFmt")}
    return counts, xfs, formats


def _indexes(package: Package, sheets: list[tuple[str, str]]) -> Iterator[str]:
    counts, xfs, formats = _styles(package)
    if not counts:
        return
    for position, (font, fill, border, number_format) in enumerate(xfs):
        if font >= counts["fonts"] or fill >= counts["fills"] or border >= counts["borders"]:
            yield f"styles: cell format {position} points past the fonts, fills or borders"
        if number_format >= BUILT_IN_NUMBER_FORMATS and number_format not in formats:
            yield f"styles: cell format {position} uses number format {number_format}, which is not defined"
    strings = package.related(package.workbook(), "/sharedStrings")
    shared = len(package.tree(strings[0]).findall(f"{M}si")) if strings else 0
    for _, part in sheets:
        root = package.tree(part)
        for node in root.iter(f"{M}c", f"{M}row", f"{M}col"):
            style = node.get("s") if node.tag != f"{M}col" else node.get("style")
            if style is not None and int(style) >= counts["cellXfs"]:
                yield f"{part}: {node.get('r', node.tag)} uses format {style} of {counts['cellXfs']}"
            if node.tag == f"{M}c" and node.get("t") == "s":
                value = node.find(f"{M}v")
                if value is not None and value.text and not 0 <= int(value.text) < shared:
                    yield f"{part}: {node.get('r')} uses shared string {value.text} of {shared}"
        for rule in root.iter(f"{M}cfRule"):
            dxf = rule.get("dxfId")
            if dxf is not None and int(dxf) >= counts["dxfs"]:
                yield f"{part}: a conditional format uses dxf {dxf} of {counts['dxfs']}"


def _tables(package: Package, sheets: list[tuple[str, str]]) -> Iterator[str]:
    names: Counter[str] = Counter()
    for _, part in sheets:
        root = package.tree(part)
        merged = [(ref, bounds) for node in root.iter(f"{M}mergeCell")
                  if (bounds := _bounds(ref := node.get("ref", ""))) is not None]
        taken: list[tuple[str, tuple[int, int, int, int]]] = []
        for ref, bounds in merged:
            for other, other_bounds in taken:
                if _overlap(bounds, other_bounds):
                    yield f"{part}: merged ranges {other} and {ref} overlap"
            taken.append((ref, bounds))
        values = _cell_texts(package, root)
        tables: list[tuple[str, tuple[int, int, int, int]]] = []
        for table_part in package.related(part, "/table"):
            table = package.tree(table_part)
            names[table.get("displayName", "").casefold()] += 1
            bounds = _bounds(table.get("ref", ""))
            if bounds is None:
                yield f"{table_part}: ref {table.get('ref')!r} is not a range"
                continue
            for other, other_bounds in tables:
                if _overlap(bounds, other_bounds):
                    yield f"{table_part}: the table overlaps {other}"
            for ref, merged_bounds in merged:
                if _overlap(bounds, merged_bounds):
                    yield f"{table_part}: the table overlaps the merged range {ref}"
            tables.append((table_part, bounds))
            columns = [node.get("name", "") for node in table.iterfind(f"{M}tableColumns/{M}tableColumn")]
            if len(columns) != bounds[2] - bounds[0] + 1:
                yield f"{table_part}: {len(columns)} columns for a range {bounds[2] - bounds[0] + 1} wide"
            if table.get("headerRowCount", "1") != "0":
                for offset, name in enumerate(columns):
                    header = values.get((bounds[1], bounds[0] + offset))
                    if header is not None and header != name:
                        yield f"{table_part}: column {name!r} is headed {header!r} on the sheet"
    for name, count in names.items():
        if count > 1:
            yield f"workbook: the table name {name!r} is used {count} times"


def _cell_texts(package: Package, root: etree._Element) -> dict[tuple[int, int], str]:
    strings = package.related(package.workbook(), "/sharedStrings")
    shared = ["".join(item.itertext()) for item in package.tree(strings[0]).iterfind(f"{M}si")] if strings else []
    texts = {}
    for cell in root.iter(f"{M}c"):
        match = _CELL_REF.match(cell.get("r", ""))
        if match is None:
            continue
        kind, value = cell.get("t", "n"), cell.find(f"{M}v")
        if kind == "inlineStr":
            text = "".join(node.text or "" for node in cell.iter(f"{M}t"))
        elif kind == "s" and value is not None and value.text and int(value.text) < len(shared):
            text = shared[int(value.text)]
        elif value is not None and value.text is not None:
            text = value.text
        else:
            continue
        texts[(int(match.group(2)), column_number(match.group(1)))] = text
    return texts


def _notes(package: Package, sheets: list[tuple[str, str]]) -> Iterator[str]:
    blocks: Counter[int] = Counter()
    shape_ids: Counter[str] = Counter()
    for name in package.parts:
        if not name.lower().endswith(".vml"):
            continue
        text = package.parts[name].decode("utf-8", "replace")
        for found in re.findall(r'<o:idmap\b[^>]*\sdata="([^"]*)"', text):
            blocks.update(int(block) for block in found.split(",") if block.strip().isdigit())
        shape_ids.update(f"{number}" for number in _SHAPE_ID.findall(" ".join(
            re.findall(r'<v:shape\b[^>]*\sid="([^"]*)"', text))))
    for block, count in blocks.items():
        if count > 1:
            yield f"drawings: VML id block {block} is claimed by {count} drawings"
    for shape, count in shape_ids.items():
        if count > 1:
            yield f"drawings: VML shape id _x0000_s{shape} is used {count} times"
    for _, part in sheets:
        comments = package.related(part, "/comments")
        drawings = package.related(part, "/vmlDrawing")
        noted = set()
        for comments_part in comments:
            for comment in package.tree(comments_part).iter(f"{M}comment"):
                match = _CELL_REF.match(comment.get("ref", ""))
                if match:
                    noted.add((int(match.group(2)) - 1, column_number(match.group(1)) - 1))
        shaped = set()
        for drawing in drawings:
            text = package.parts[drawing].decode("utf-8", "replace")
            for data in re.findall(r'<x:ClientData\s+ObjectType="Note"\s*>(.*?)</x:ClientData>', text, re.S):
                row = re.search(r"<x:Row>\s*(\d+)\s*</x:Row>", data)
                column = re.search(r"<x:Column>\s*(\d+)\s*</x:Column>", data)
                if row and column:
                    shaped.add((int(row.group(1)), int(column.group(1))))
        for row, column in sorted(noted - shaped):
            yield f"{part}: the note at row {row + 1}, column {column + 1} has no VML shape"
        for row, column in sorted(shaped - noted):
            yield f"{part}: a note shape at row {row + 1}, column {column + 1} has no note"


def _relationships(package: Package, only: Collection[str] | None) -> Iterator[str]:
    for name in package.parts:
        if name.endswith(".rels") or (only is not None and name not in only and name + ".rels" not in only):
            continue
        rels = package.rels(name) if name != "[Content_Types].xml" else {}
        for rel_id, (_, target, mode) in rels.items():
            if mode == "External":
                continue
            if target not in package.parts:
                yield f"{name}: relationship {rel_id} leads to {target}, which the package does not have"
            elif not package.has_content_type(target):
                yield f"{name}: relationship {rel_id} leads to {target}, which has no content type"
        if not name.endswith((".xml", ".vml")) or name == "[Content_Types].xml":
            continue
        try:
            root = package.tree(name)
        except etree.XMLSyntaxError as error:
            yield f"{name}: not well-formed XML ({error})"
            continue
        for node in root.iter():
            for attribute, value in node.attrib.items():
                if attribute.startswith(f"{{{REL}}}") and value and value not in rels:
                    yield f"{name}: r:{attribute.split('}')[1]}={value!r} names no relationship of the part"


def _names(package: Package, sheets: list[tuple[str, str]]) -> Iterator[str]:
    seen: Counter[str] = Counter(name.casefold() for name, _ in sheets)
    for name, _ in sheets:
        if not name or len(name) > 31 or _BAD_SHEET_CHARACTERS.search(name) or name[0] == "'" or name[-1] == "'":
            yield f"workbook: the sheet name {name!r} is not one Excel accepts"
    for name, count in seen.items():
        if count > 1:
            yield f"workbook: the sheet name {name!r} is used {count} times"
    defined: Counter[tuple[str, str]] = Counter()
    for node in package.tree(package.workbook()).iter(f"{M}definedName"):
        name = node.get("name", "")
        defined[(name.casefold(), node.get("localSheetId", ""))] += 1
        if not _NAME.match(name) or _CELL_REF.match(name.upper()):
            yield f"workbook: the defined name {name!r} is not one Excel accepts"
    for (name, _scope), count in defined.items():
        if count > 1:
            yield f"workbook: the defined name {name!r} is defined {count} times in one scope"


def rule_reports(path: Path, only: Collection[str] | None = None) -> list[str]:
    """Each breach of the rules Excel enforces that no schema states."""
    package = Package(path)
    sheets = package.sheets()
    checked = [(name, part) for name, part in sheets if only is None or part in only]
    reports: list[str] = []
    for _, part in checked:
        reports += _rows_and_cells(package, part)
    reports += _indexes(package, checked)
    reports += _tables(package, checked)
    reports += _notes(package, checked if only is not None else sheets)
    reports += _relationships(package, only)
    reports += _names(package, sheets)
    return reports


def report(path: Path, only: Collection[str] | None = None) -> list[str]:
    """Everything wrong with the workbook (with `only`, in those parts): schema errors, then Excel's rules."""
    return schema_reports(path, only) + rule_reports(path, only)


def changed_parts(original: Path, written: Path) -> set[str]:
    """The parts of `written` that are new or differ from `original`'s."""
    with zipfile.ZipFile(original) as before, zipfile.ZipFile(written) as after:
        old = {info.filename: info.CRC for info in before.infolist()}
        return {info.filename for info in after.infolist() if old.get(info.filename) != info.CRC}




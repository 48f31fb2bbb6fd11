"""The workbook as a zip package: which sheets and tables it has, read without trusting its XML."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

from xl_addin.ooxml.package_edit import PackageUnreadable, relationships, rels_name
from xl_addin.ooxml.refs import range_bounds
from xl_addin.ooxml.xml_text import from_xstring

_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class NotAWorkbook(Exception):
    """The file cannot be read as an .xlsx/.xlsm workbook; the message says why in plain words."""


@dataclass(frozen=True)
class TablePart:
    """An Excel table (ListObject): its name and cell range on a sheet."""

    name: str
    sheet: str
    ref: str
    header_rows: int


def _parse(archive: zipfile.ZipFile, name: str) -> Element:
    """A part's XML; a part that is not well-formed XML is named in the refusal."""
    try:
        return ElementTree.fromstring(archive.read(name))
    except ElementTree.ParseError as error:
        raise NotAWorkbook(f"its part {name} is damaged: it is not well-formed XML ({error}).") from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def check_part_names(archive: zipfile.ZipFile) -> None:
    """Refuse, saying so, a package whose parts are named with backslashes (xl\\workbook.xml): a program wrote
    Windows paths into the zip, and Excel does not read it either."""
    odd = next((name for name in archive.namelist() if "\\" in name), None)
    if odd is not None:
        raise NotAWorkbook(f"its parts are named with backslashes ({odd}) instead of the forward slashes of the "
                           "Excel format; the program that made it wrote Windows folder names into the file. Open it "
                           "in Excel or LibreOffice and save it again as .xlsx.")


def missing_sheet_parts(archive: zipfile.ZipFile, sheets: dict[str, str]) -> list[tuple[str, str]]:
    """(sheet, part) for each sheet the workbook lists whose part is not in the package."""
    names = set(archive.namelist())
    return [(sheet, part) for sheet, part in sheets.items() if part not in names]


def _internal_relationships(archive: zipfile.ZipFile, part: str) -> list[tuple[str, str, str]]:
    """(id, type, target part name) for each of one part's internal relationships."""
    name = rels_name(part)
    if name not in archive.namelist():
        return []
    try:
        return relationships(archive.read(name), part)
    except PackageUnreadable:
        _parse(archive, name)  # names the part and what is wrong with it
        raise


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id -> target part name, for one part's internal relationships."""
    return {rel_id: target for rel_id, _, target in _internal_relationships(archive, part)}


def sniff(path: Path) -> None:
    """Raise NotAWorkbook with a plain reason when the file is clearly not an Office Open XML workbook."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except FileNotFoundError:
        raise NotAWorkbook(f"File not found: {path}") from None  # the wording of xl_addin.errors.not_found
    except IsADirectoryError:
        raise NotAWorkbook(f"{path} is a folder, not a workbook.") from None
    except OSError as error:
        raise NotAWorkbook(f"{path.name} could not be opened: {error.strerror or error}.") from None
    if head.startswith(_OLE_MAGIC):
        if _is_encrypted_ole(path):
            raise NotAWorkbook(
                f"{path.name} is password-protected (encrypted); remove the password in Excel "
                "(File > Info > Protect Workbook) and check it again.")
        raise NotAWorkbook(
            f"{path.name} is an old-style Excel 97-2003 (.xls) workbook; open it in Excel and save it as .xlsx.")
    if not head.startswith(b"PK"):
        raise NotAWorkbook(_not_a_workbook(path, head))


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
_TEXT_SUFFIXES = (".csv", ".tsv", ".txt")


def has_workbook_suffix(path: Path) -> bool:
    return path.suffix.lower() in WORKBOOK_SUFFIXES


def _not_a_workbook(path: Path, head: bytes) -> str:
    """Why a file that is no zip package is not a workbook, in words that say what to do."""
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):  # what web pages export as "Excel" often is
        return (f"{path.name} is a web page or XML file, not an Excel workbook (.xlsx or .xlsm): open it in Excel "
                "and save it as an Excel Workbook (.xlsx).")
    if path.suffix.lower() in _TEXT_SUFFIXES or (head and all(32 <= b < 127 or b in b"\t\r\n" for b in head)):
        return (f"{path.name} is a text file (CSV), not an Excel workbook: to check it as a register, open it in "
                "Excel and save it as an Excel Workbook (.xlsx); to bring its rows into a register as items, use "
                "xlreg import.")
    return (f"{path.name} is not an Excel workbook (.xlsx or .xlsm): its content is not a workbook's. Open it in "
            "Excel and save it as an Excel Workbook (.xlsx).")


def _is_encrypted_ole(path: Path) -> bool:
    # Encrypted OOXML is an OLE container whose directory names an EncryptedPackage stream (UTF-16).
    with path.open("rb") as handle:
        data = handle.read(1 << 20)
    return "EncryptedPackage".encode("utf-16-le") in data


def workbook_part(archive: zipfile.ZipFile) -> str:
    """The name of the workbook part, from the package's root relationships."""
    names = set(archive.namelist())
    if "_rels/.rels" in names:
        try:  # a damaged root index does not hide a workbook part where Excel keeps it
            found = relationships(archive.read("_rels/.rels"), "")
        except PackageUnreadable:
            found = []
        for _, kind, target in found:
            if kind.endswith("/officeDocument") and target in names:
                return target
    if "xl/workbook.xml" in names:
        return "xl/workbook.xml"
    if "content.xml" in names:
        raise NotAWorkbook("the file is an OpenDocument spreadsheet (.ods), not an Excel workbook; "
                           "save it as .xlsx.")
    raise NotAWorkbook("the file is a zip archive but not an Excel workbook (it has no workbook part).")


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> worksheet part name, in workbook order."""
    book = workbook_part(archive)
    rels = _relationships(archive, book)
    sheets = {}
    for sheet in _parse(archive, book).iter():
        if _local(sheet.tag) != "sheet":  # in any namespace: Excel 2007 betas wrote their own
            continue
        target = rels.get(sheet.get(f"{_REL}id", ""))
        if target:
            sheets[sheet.get("name", "")] = target
    return sheets


def book_part(archive: zipfile.ZipFile, book: str, kind: str) -> str | None:
    """The workbook's part of a kind ("/sharedStrings", "/styles"), by its relationship type; None if it has
    none in the package."""
    names = set(archive.namelist())
    return next((target for target in _typed_relationships(archive, book, kind) if target in names), None)


_NOT_1904 = re.compile(rb"""\bdate1904\s*=\s*["'](?:0|false)["']""")


def may_count_from_1904(workbook: bytes) -> bool:
    """Whether the workbook part may set the 1904 date system (Excel for Mac before 2011), in which every date
    serial means a day four years later; a byte search that errs towards yes."""
    return b"date1904" in workbook and not _NOT_1904.search(workbook)


_TABLE_RELATIONSHIP = "/relationships/table"


def _typed_relationships(archive: zipfile.ZipFile, part: str, suffix: str) -> list[str]:
    """Targets of one part's internal relationships whose type ends with `suffix`."""
    return [target for _, kind, target in _internal_relationships(archive, part) if kind.endswith(suffix)]


def tables(archive: zipfile.ZipFile, sheets: dict[str, str] | None = None) -> list[TablePart]:
    """Every table in the workbook, with the sheet it stands on.

    Tables are found through each sheet's relationships, so the (possibly huge) sheet XML is never parsed.
    """
    found = []
    names = set(archive.namelist())
    for sheet, part in (sheets if sheets is not None else sheet_parts(archive)).items():
        for target in _typed_relationships(archive, part, _TABLE_RELATIONSHIP):
            if target not in names:
                continue
            table = _parse(archive, target)
            found.append(TablePart(
                name=table.get("name") or table.get("displayName") or "",
                sheet=sheet,
                ref=table.get("ref", ""),
                header_rows=int(table.get("headerRowCount", "1")),
            ))
    return found


_ERROR_CELL = b' t="e"'


def has_error_cells(archive: zipfile.ZipFile, sheets: dict[str, str] | None = None) -> bool:
    """Whether any worksheet holds a formula error (#REF!, #N/A...): a byte search, no XML parsing."""
    for part in (sheets if sheets is not None else sheet_parts(archive)).values():
        if part not in archive.namelist():
            continue
        with archive.open(part) as stream:
            tail = b""
            while chunk := stream.read(1 << 20):
                if _ERROR_CELL in tail + chunk[:len(_ERROR_CELL)] or _ERROR_CELL in chunk:
                    return True
                tail = chunk[-len(_ERROR_CELL):]
    return False


_CELL_WITH_CONTENT = re.compile(rb'<(?:[\w.-]+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?c>)', re.S)
_CELL_REFERENCE = re.compile(rb'\sr="([A-Z]+)(\d+)"')


def formulas_without_values(archive: zipfile.ZipFile, sheet: str, letters: set[str]) -> set[tuple[str, int]]:
    """(column letters, row) of the cells in those columns that hold a formula and no value yet: a workbook
    made by a program that wrote formulas without computing them (openpyxl, xlreg's template) until Excel
    saves it."""
    part = sheet_parts(archive).get(sheet)
    if part is None or part not in archive.namelist() or not letters:
        return set()
    wanted = {letter.encode() for letter in letters}
    found = set()
    for match in _CELL_WITH_CONTENT.finditer(archive.read(part)):
        reference = _CELL_REFERENCE.search(match.group(1))
        content = match.group(2) or b""
        if reference and reference.group(1) in wanted and re.search(rb"<(?:[\w.-]+:)?f\b", content) \
                and not re.search(rb"<(?:[\w.-]+:)?v>[^<]", content):
            found.add((reference.group(1).decode(), int(reference.group(2))))
    return found


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def sheet_texts(archive: zipfile.ZipFile, part: str) -> Iterator[tuple[int, dict[int, str]]]:
    """Each row of a (small) worksheet as its number and its cells' text by column: inline strings, shared
    strings and values alike, `_xHHHH_` read as the character it stands for."""
    shared: list[str] | None = None
    for position, row in enumerate(ElementTree.fromstring(archive.read(part)).iter(f"{_MAIN}row"), start=1):
        values: dict[int, str] = {}
        previous = 0
        for cell in row.iter(f"{_MAIN}c"):
            kind, value = cell.get("t", "n"), cell.find(f"{_MAIN}v")
            if kind == "inlineStr":
                found = cell.find(f"{_MAIN}is")
                text = _string_text(found) if found is not None else ""
            elif kind == "s" and value is not None:
                shared = _shared_strings(archive) if shared is None else shared
                index = int(value.text or "0") if (value.text or "0").isdigit() else -1
                text = shared[index] if 0 <= index < len(shared) else ""
            else:
                text = value.text or "" if value is not None else ""
            try:
                column = range_bounds(cell.get("r", ""))[0]
            except ValueError:  # a cell without its reference is in the column after the one before it
                column = previous + 1
            previous = column
            values[column] = from_xstring(text)
        number = row.get("r")
        yield (int(number) if number and number.isdigit() else position), values


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    names = [name for name in archive.namelist() if name.lower().endswith("sharedstrings.xml")]
    if not names:
        return []
    root = ElementTree.fromstring(archive.read(names[0]))
    return [_string_text(item) for item in root.iter(f"{_MAIN}si")]


def _string_text(item: Element) -> str:
    """A string item's text: its own, or its runs' (not the phonetic guide a Japanese text may carry)."""
    return "".join(node.text or "" for child in item if child.tag in (f"{_MAIN}t", f"{_MAIN}r")
                   for node in ([child] if child.tag == f"{_MAIN}t" else child.iter(f"{_MAIN}t")))

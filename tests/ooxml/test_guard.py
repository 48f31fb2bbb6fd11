"""The package guard refuses, before any XML is parsed, what only an attack would be (a zip bomb, a document type
declaration however it is hidden) and lets every workbook Excel made through."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tests.ooxml.parts import CORPUS, sheet, workbook_bytes
from xl_addin.ooxml.guard import MIB, Limits, check_package
from xl_addin.ooxml.package import NotAWorkbook

SMALL = Limits(max_part_bytes=8 * MIB, max_total_bytes=12 * MIB, max_parts=20, ratio_applies_above=MIB,
               max_prolog_bytes=4096)


def archive(parts: dict[str, bytes | str]) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(workbook_bytes(dict(parts))))


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.xls[xm]")), ids=lambda path: path.name)
def test_every_workbook_excel_made_passes(path: Path) -> None:
    with zipfile.ZipFile(path) as package:
        check_package(package, path.name)


@pytest.mark.parametrize("prolog", [
    '<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaa">]>',
    '<?xml version="1.0"?>\n<!-- a comment -->  <!-- and -- another --><!DOCTYPE x SYSTEM "file:///etc/passwd">',
    "\ufeff<!DOCTYPE x>",
    "<!--" + "padding " * 600 + "-->",  # a prolog longer than any honest one
])
def test_a_document_type_declaration_is_refused_however_it_is_hidden(prolog: str) -> None:
    with pytest.raises(NotAWorkbook, match="document type declaration"):
        check_package(archive({"xl/worksheets/sheet1.xml": prolog + sheet("")}), "book.xlsx", SMALL)
    utf16 = (prolog + sheet("")).encode("utf-16")
    with pytest.raises(NotAWorkbook, match="document type declaration"):
        check_package(archive({"xl/styles.xml": utf16}), "book.xlsx", SMALL)


def test_a_zip_bomb_is_refused_and_an_honest_repetitive_sheet_is_not() -> None:
    padded = sheet('<row r="1"><c r="A1"><v>1</v></c></row>' + " " * (3 * MIB))
    with pytest.raises(NotAWorkbook, match="zip bomb"):
        check_package(archive({"xl/worksheets/sheet1.xml": padded}), "bomb.xlsx", SMALL)
    repetitive = sheet("".join(f'<row r="{row}"><c r="A{row}" t="s"><v>0</v></c></row>' for row in range(1, 80_000)))
    check_package(archive({"xl/worksheets/sheet1.xml": repetitive}), "long.xlsx", SMALL)
    with pytest.raises(NotAWorkbook, match="beyond the size limits"):
        check_package(archive({"xl/worksheets/sheet1.xml": " " * (9 * MIB)}), "big.xlsx", SMALL)


def test_too_many_parts_or_too_much_in_all() -> None:
    many = {f"xl/media/image{number}.png": b"x" for number in range(30)}
    with pytest.raises(NotAWorkbook, match="more than the limit of 20"):
        check_package(archive(many), "many.xlsx", SMALL)
    heavy = {f"xl/media/image{number}.bin": bytes(5 * MIB) for number in range(3)}
    with pytest.raises(NotAWorkbook, match="would expand to"):
        check_package(archive(heavy), "heavy.xlsx", SMALL)

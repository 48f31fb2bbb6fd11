"""The formats part is only ever appended to: a fill added and taken off returns a cell to its own format, twice
adds nothing, and every entry already there keeps its index and its bytes."""

from __future__ import annotations

import zipfile

import pytest
from defusedxml import ElementTree

from tests.ooxml.parts import CORPUS, MAIN, STYLES
from xl_addin.ooxml.styles import StyleSheet, StylesUnreadable

TOOL = "FFFFC7CE"
M = f"{{{MAIN}}}"


def excel_styles() -> bytes:
    with zipfile.ZipFile(CORPUS / "016-cf.xlsx") as archive:
        return archive.read("xl/styles.xml")


@pytest.mark.parametrize("data", [STYLES.encode(), excel_styles()], ids=["minimal", "excel"])
def test_fills_added_and_taken_off(data: bytes) -> None:
    styles = StyleSheet(data)
    count = len(ElementTree.fromstring(data).find(f"{M}cellXfs"))
    filled = styles.with_fill(1, TOOL)
    assert filled == count and styles.with_fill(1, TOOL) == filled
    assert styles.has_fill(filled) and styles.has_tool_fill(filled, TOOL.lower())
    assert not styles.has_fill(1) and not styles.has_tool_fill(filled, "FF00FF00")
    assert styles.without_fill(filled) == 1  # the cell's own format again, not a copy of it
    assert styles.with_fill(filled, TOOL) == filled
    written = styles.to_bytes()
    root = ElementTree.fromstring(written)
    xfs = root.find(f"{M}cellXfs")
    assert len(xfs) == count + 1 and xfs.get("count") == str(count + 1)
    assert root.find(f"{M}fills").get("count") == str(len(root.find(f"{M}fills")))
    new, own = dict(xfs[filled].attrib), dict(xfs[1].attrib)
    assert new.pop("applyFill") == "1" and int(new.pop("fillId")) >= 2
    own.pop("applyFill", None), own.pop("fillId", None)
    assert new == own and [child.tag for child in xfs[filled]] == [child.tag for child in xfs[1]]
    # every entry already there keeps its bytes: the original is the new part with the additions taken out
    assert StyleSheet(written).with_fill(1, TOOL) == filled


def test_an_unchanged_part_is_given_back_byte_for_byte() -> None:
    data = excel_styles()
    styles = StyleSheet(data)
    styles.has_fill(0)
    assert styles.to_bytes() is data


def test_only_appended() -> None:
    data = STYLES.encode()
    styles = StyleSheet(data)
    styles.with_fill(0, TOOL)
    styles.font_format(bold=True)
    styles.with_date_format(1)
    written = styles.to_bytes().decode()
    original = data.decode()
    # each section's original entries come first, as they were
    for section in ("fonts", "fills", "cellXfs"):
        before = original[original.index(f"<{section}"):original.index(f"</{section}>")]
        after = written[written.index(f"<{section}"):written.index(f"</{section}>")]
        assert after.split(">", 1)[1].startswith(before.split(">", 1)[1])


def test_date_and_font_formats() -> None:
    styles = StyleSheet(STYLES.encode())
    dated = styles.with_date_format(1)
    assert styles.with_date_format(dated) == dated  # a format with a number format keeps it
    bold = styles.font_format(bold=True)
    link = styles.font_format(hyperlink=True)
    assert bold != link and styles.font_format(bold=True) == bold
    root = ElementTree.fromstring(styles.to_bytes())
    xfs, fonts = root.find(f"{M}cellXfs"), root.find(f"{M}fonts")
    assert xfs[dated].get("numFmtId") == "14" and xfs[dated].find(f"{M}alignment") is not None
    assert fonts[int(xfs[bold].get("fontId"))].find(f"{M}b") is not None
    assert fonts[int(xfs[link].get("fontId"))].find(f"{M}u") is not None


@pytest.mark.parametrize("data, words", [
    (b"not xml", "cannot be read"),
    (b'<styleSheet xmlns="http://purl.oclc.org/ooxml/spreadsheetml/main"/>', "Strict Open XML"),
    (f'<styleSheet xmlns="{MAIN}"><fonts/><fills/></styleSheet>'.encode(), "no list of cell formats"),
])
def test_a_part_xlreg_cannot_extend_is_refused(data: bytes, words: str) -> None:
    with pytest.raises(StylesUnreadable, match=words):
        StyleSheet(data)

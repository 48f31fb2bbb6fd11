"""Notes: xlreg's are added and taken off by splicing; a person's note, its text, formatting and box stay as they
were, byte for byte, and every box has a shape id of its own, inside its drawing's id blocks."""

from __future__ import annotations

import re
import zipfile

from defusedxml import ElementTree

from tests.ooxml.parts import CORPUS, MAIN, REL
from xl_addin.ooxml.notes import SHAPES_PER_BLOCK, Notes, add_legacy_drawing, remove_legacy_drawing

PERSON_CELL = (420, 2)  # B420, Amol's note


def excel_notes(first_block: int = 5) -> tuple[Notes, bytes, bytes]:
    with zipfile.ZipFile(CORPUS / "018-comments.xlsx") as archive:
        comments, vml = archive.read("xl/comments1.xml"), archive.read("xl/drawings/vmlDrawing1.vml")
    return Notes.read(comments, vml, author="xlreg", first_block=first_block), comments, vml


def shape_ids(vml: bytes) -> list[int]:
    return [int(found) for found in re.findall(rb'id="_x0000_s(\d+)"', vml)]


def test_a_persons_note_is_never_replaced_or_taken_off() -> None:
    notes = excel_notes()[0]
    assert notes.has_note(PERSON_CELL) and not notes.is_ours(PERSON_CELL)
    assert not notes.add(PERSON_CELL, "xlreg's word")
    notes.remove(PERSON_CELL)
    assert not notes.changed


def test_notes_added_beside_a_persons_keep_it_byte_for_byte() -> None:
    notes, comments, vml = excel_notes()
    assert notes.add((5, 3), "Required: Owner is empty & <nobody> was named\x07")
    assert notes.add((6, 3), "Second")
    new_comments, new_vml = notes.comments_bytes(), notes.vml_bytes()
    person = re.search(rb"<comment .*?</comment>", comments, re.S).group(0)
    assert person in new_comments
    person_shape = re.search(rb"<v:shape .*?</v:shape>", vml, re.S).group(0)
    assert person_shape in new_vml
    root = ElementTree.fromstring(new_comments)
    authors = [author.text for author in root.iter(f"{{{MAIN}}}author")]
    assert authors == ["Amol", "xlreg"]
    ours = {comment.get("ref"): "".join(comment.itertext()) for comment in root.iter(f"{{{MAIN}}}comment")
            if comment.get("authorId") == "1"}
    assert ours == {"C5": "Required: Owner is empty & <nobody> was named_x0007_", "C6": "Second"}
    ids = shape_ids(new_vml)
    assert len(ids) == len(set(ids)) == 3
    assert all(SHAPES_PER_BLOCK < number <= 2 * SHAPES_PER_BLOCK for number in ids)  # the drawing's block 1


def test_notes_taken_off_again_give_the_parts_back() -> None:
    notes, comments, vml = excel_notes()
    notes.add((5, 3), "Mine")
    again = Notes.read(notes.comments_bytes(), notes.vml_bytes(), author="xlreg", first_block=5)
    assert again.is_ours((5, 3)) and not again.is_ours(PERSON_CELL)
    again.remove((5, 3))
    assert not again.empty
    back = again.comments_bytes()
    assert re.sub(rb"<author>xlreg</author>", b"", back) == comments
    assert again.vml_bytes() == vml


def test_a_first_drawing_takes_a_block_of_ids_no_other_drawing_uses() -> None:
    notes = Notes.read(None, None, author="xlreg", first_block=3)
    for row in range(2, 2 + SHAPES_PER_BLOCK + 5):  # more boxes than one block holds
        notes.add((row, 4), f"note {row}")
    vml = notes.vml_bytes()
    assert re.search(rb'<o:idmap v:ext="edit" data="3,4"/>', vml)
    ids = shape_ids(vml)
    assert len(set(ids)) == SHAPES_PER_BLOCK + 5
    assert min(ids) > 3 * SHAPES_PER_BLOCK and max(ids) <= 5 * SHAPES_PER_BLOCK
    comments = ElementTree.fromstring(notes.comments_bytes())
    assert len(list(comments.iter(f"{{{MAIN}}}comment"))) == SHAPES_PER_BLOCK + 5


def test_the_legacy_drawing_goes_where_the_worksheets_order_puts_it() -> None:
    tail = b'<pageMargins left="0.7"/><tableParts count="1"><tablePart r:id="rId1"/></tableParts></worksheet>'
    added = add_legacy_drawing("rIdXlreg1")(tail)
    assert added == (b'<pageMargins left="0.7"/><legacyDrawing xmlns:r="' + REL.encode() + b'" r:id="rIdXlreg1"/>'
                     b'<tableParts count="1"><tablePart r:id="rId1"/></tableParts></worksheet>')
    assert remove_legacy_drawing("rIdXlreg1")(added) == tail
    assert add_legacy_drawing("rId2")(b"</worksheet>") == b'<legacyDrawing xmlns:r="' + REL.encode() + \
        b'" r:id="rId2"/></worksheet>'

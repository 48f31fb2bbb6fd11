"""Edits to the parts that list other parts splice one element in or out; every other byte stays."""

from __future__ import annotations

import pytest

from tests.ooxml.parts import CONTENT_TYPES, MAIN, PACKAGE_REL, REL, WORKBOOK_RELS
from xl_addin.ooxml.package_edit import (
    COMMENTS_TYPE,
    WORKSHEET_REL,
    WORKSHEET_TYPE,
    PackageUnreadable,
    add_override,
    add_relationship,
    add_sheet,
    ensure_default,
    new_relationship_id,
    relationships,
    relative_target,
    rels_name,
    remove_override,
    remove_relationship,
    remove_sheet,
    sheet_entries,
    sheet_relationship_id,
)

WORKBOOK = (f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><bookViews><workbookView firstSheet="2" activeTab="2"/>'
            '</bookViews><sheets><sheet name="Register" sheetId="1" r:id="rId1"/>'
            '<sheet name="Notes &amp; links" sheetId="4" r:id="rId2"/><sheet name="Chart" sheetId="7" r:id="rId3"/>'
            '</sheets><definedNames><definedName name="_xlnm.Print_Area" localSheetId="0">Register!$A$1:$C$9'
            '</definedName><definedName name="Scoped" localSheetId="1">1</definedName>'
            '<definedName name="Later" localSheetId="2">2</definedName></definedNames></workbook>')


def test_names_and_targets() -> None:
    assert rels_name("xl/worksheets/sheet1.xml") == "xl/worksheets/_rels/sheet1.xml.rels"
    assert rels_name("xl/workbook.xml") == "xl/_rels/workbook.xml.rels"
    assert relative_target("xl/worksheets/sheet1.xml", "xl/comments1.xml") == "../comments1.xml"
    assert relative_target("xl/workbook.xml", "xl/worksheets/sheet9.xml") == "worksheets/sheet9.xml"


def test_a_relationship_added_and_removed_leaves_the_part_as_it_was() -> None:
    rel_id = new_relationship_id(WORKBOOK_RELS)
    assert rel_id not in WORKBOOK_RELS
    added = add_relationship(WORKBOOK_RELS, rel_id, WORKSHEET_REL, "worksheets/sheet2.xml")
    assert added.startswith(WORKBOOK_RELS[:-len("</Relationships>")])
    assert relationships(added, "xl/workbook.xml")[-1] == (rel_id, WORKSHEET_REL, "xl/worksheets/sheet2.xml")
    assert new_relationship_id(added) != rel_id
    assert remove_relationship(added, rel_id) == WORKBOOK_RELS


def test_relationships_parts_made_or_opened_as_needed() -> None:
    made = add_relationship(None, "rId1", WORKSHEET_REL, "a.xml")
    assert relationships(made, "xl/b.xml") == [("rId1", WORKSHEET_REL, "xl/a.xml")]
    opened = add_relationship(f'<x:Relationships xmlns:x="{PACKAGE_REL}"/>', "rId1", WORKSHEET_REL, "a.xml")
    assert opened == (f'<x:Relationships xmlns:x="{PACKAGE_REL}"><x:Relationship Id="rId1" Type="{WORKSHEET_REL}" '
                      'Target="a.xml"/></x:Relationships>')
    with pytest.raises(PackageUnreadable):
        add_relationship("<Relationships>", "rId1", WORKSHEET_REL, "a.xml")


def test_content_types_added_once_and_removed() -> None:
    added = add_override(CONTENT_TYPES, "xl/comments1.xml", COMMENTS_TYPE)
    assert added.count("/xl/comments1.xml") == 1
    assert add_override(added, "xl/comments1.xml", COMMENTS_TYPE) == added
    assert add_override(CONTENT_TYPES, "xl/worksheets/SHEET1.xml", WORKSHEET_TYPE) == CONTENT_TYPES  # as zip readers
    assert remove_override(added, "xl/comments1.xml") == CONTENT_TYPES
    with_vml = ensure_default(CONTENT_TYPES, "vml", "application/vnd.openxmlformats-officedocument.vmlDrawing")
    assert 'Extension="vml"' in with_vml
    assert ensure_default(with_vml, "vml", "x") == with_vml
    assert ensure_default(CONTENT_TYPES, "XML", "x") == CONTENT_TYPES


def test_sheets_listed_added_and_removed_with_what_counts_them_by_position() -> None:
    assert [name for name, _ in sheet_entries(WORKBOOK)] == ["Register", "Notes & links", "Chart"]
    assert [sheet_relationship_id(entry) for _, entry in sheet_entries(WORKBOOK)] == ["rId1", "rId2", "rId3"]
    added = add_sheet(WORKBOOK, "Findings <1>", "rId9")
    assert sheet_entries(added)[-1][0] == "Findings <1>"
    assert 'sheetId="8"' in added and 'r:id="rId9"' in added
    hidden = add_sheet(WORKBOOK, "Record", "rId9", state="hidden", before_last=True)
    assert [name for name, _ in sheet_entries(hidden)] == ["Register", "Notes & links", "Record", "Chart"]
    assert 'state="hidden"' in hidden

    removed = remove_sheet(WORKBOOK, "Notes & links")
    assert [name for name, _ in sheet_entries(removed)] == ["Register", "Chart"]
    assert 'name="Scoped"' not in removed  # a name scoped to the removed sheet goes with it
    assert 'localSheetId="0">Register' in removed and 'name="Later" localSheetId="1"' in removed
    assert 'firstSheet="1" activeTab="1"' in removed
    assert remove_sheet(WORKBOOK, "No such sheet") == WORKBOOK
    last = remove_sheet(WORKBOOK, "Chart")
    assert 'activeTab="1"' in last  # the last sheet's tab goes to the one before


def test_a_sheet_added_to_a_workbook_with_its_own_relationship_prefix() -> None:
    workbook = (f'<x:workbook xmlns:x="{MAIN}" xmlns:rel="{REL}"><x:sheets><x:sheet name="A" sheetId="1" '
                'rel:id="rId1"/></x:sheets></x:workbook>')
    added = add_sheet(workbook, "B", "rId2")
    assert '<x:sheet name="B" sheetId="2" rel:id="rId2"/></x:sheets>' in added
    bare = add_sheet(f'<workbook xmlns="{MAIN}"><sheets></sheets></workbook>', "B", "rId2")
    assert f'<sheet xmlns:r="{REL}" name="B" sheetId="1" r:id="rId2"/>' in bare

"""Tables grow and widen with the register, and the ranges that follow a table's rows follow it; a table that does
not end where the register does is left as it is."""

from __future__ import annotations

from tests.ooxml.parts import MAIN, archive_of, sheet, workbook_bytes
from xl_addin.ooxml.tables import cell_style, grow_ranges, grow_table, names_table, table_last_row, widen_table

TABLE = (f'<table xmlns="{MAIN}" id="1" name="Register" displayName="Register" ref="A1:C41">'
         '<autoFilter ref="A1:C41"/><tableColumns count="3"><tableColumn id="1" name="ID"/>'
         '<tableColumn id="2" name="Description"/><tableColumn id="4" name="Owner"/></tableColumns>'
         '<tableStyleInfo name="TableStyleMedium2" showRowStripes="1"/></table>')


def test_a_table_grows_to_its_new_last_row() -> None:
    assert table_last_row(TABLE) == 41
    assert names_table(TABLE, "Register") and not names_table(TABLE, "Reg")
    grown = grow_table(TABLE, 41, 45)
    assert grown == TABLE.replace("A1:C41", "A1:C45")
    assert grow_table(TABLE, 40, 45) == TABLE  # it does not end there: not the register's table


def test_validations_and_formats_over_the_rows_follow() -> None:
    tail = (b'<conditionalFormatting sqref="D2:D41 F2:F41 H2:H10"><cfRule type="expression"/></conditionalFormatting>'
            b'<dataValidations count="1"><dataValidation type="list" sqref="$E$2:$E$41"><formula1>"a"</formula1>'
            b'</dataValidation></dataValidations><extLst><x14:dataValidation><xm:sqref>G2:G41</xm:sqref>'
            b"</x14:dataValidation></extLst></worksheet>")
    grown = grow_ranges(41, 45)(tail)
    assert b'sqref="D2:D45 F2:F45 H2:H10"' in grown
    assert b'sqref="$E$2:$E$45"' in grown
    assert b"<xm:sqref>G2:G45</xm:sqref>" in grown
    assert grown.replace(b"45", b"41") == tail


def test_a_table_widened_by_a_column_lists_it_under_its_header() -> None:
    widened = widen_table(TABLE, 4, 'Source "ref" & note')
    assert 'ref="A1:D41"' in widened and '<autoFilter ref="A1:D41"/>' in widened
    assert '<tableColumns count="4">' in widened
    assert "<tableColumn id=\"5\" name='Source \"ref\" &amp; note'/></tableColumns>" in widened
    assert widen_table(TABLE, 6, "Far") == TABLE  # the table does not end just before that column


def test_a_header_cells_format_is_read_from_the_top_of_the_sheet() -> None:
    rows = '<row r="1"><c r="A1" s="3" t="inlineStr"><is><t>ID</t></is></c><c r="B1" t="s"><v>0</v></c></row>'
    archive = archive_of(workbook_bytes({"xl/worksheets/sheet1.xml": sheet(rows)}))
    assert cell_style(archive, "xl/worksheets/sheet1.xml", 1, 1) == 3
    assert cell_style(archive, "xl/worksheets/sheet1.xml", 1, 2) is None
    assert cell_style(archive, "xl/worksheets/sheet1.xml", 1, 9) is None

"""The sheet editor's ways of finding a row's cells (ooxml.row_edit) give the same bytes as reading every cell, on
random rows of every kind a worksheet holds; what they write says what was asked; and an edit undone gives the
original part back, byte for byte."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from xl_addin.ooxml.refs import column_letter
from xl_addin.ooxml.row_edit import STRATEGIES, RowEdit
from xl_addin.ooxml.sheet_edit import MadeBadXml, SheetEditor, Strategy
from xl_addin.ooxml.xml_text import escape, from_xstring

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ONE_WAY: list[tuple[Strategy, ...]] = [(strategy,) for strategy in STRATEGIES if strategy != "general"]
# The columns given their own format in <cols>: a cell made there takes it, as in Excel.
COLUMN_FORMATS = {3: 2, 4: 2, 12: 5}
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)


@dataclass(frozen=True)
class RandomCell:
    column: int
    kind: str
    style: int
    value: Any
    with_reference: bool

    def xml(self, row: int, prefix: str) -> str:
        reference = f' r="{column_letter(self.column)}{row}"' if self.with_reference else ""
        style = f' s="{self.style}"' if self.style else ""
        tag = f"{prefix}c"
        if self.kind == "empty":
            return f"<{tag}{reference}{style}/>"
        if self.kind == "number":
            inner, typed = f"<{prefix}v>{self.value}</{prefix}v>", ""
        elif self.kind == "shared":
            inner, typed = f"<{prefix}v>{self.value}</{prefix}v>", ' t="s"'
        elif self.kind == "inline":
            text = escape(self.value)
            inner, typed = f'<{prefix}is><{prefix}t xml:space="preserve">{text}</{prefix}t></{prefix}is>', \
                ' t="inlineStr"'
        elif self.kind == "rich":
            inner = (f"<{prefix}is><{prefix}r><{prefix}rPr><{prefix}b/></{prefix}rPr><{prefix}t>{escape(self.value)}"
                     f"</{prefix}t></{prefix}r><{prefix}r><{prefix}t>!</{prefix}t></{prefix}r></{prefix}is>")
            typed = ' t="inlineStr"'
        elif self.kind == "formula":
            inner, typed = f"<{prefix}f>A1+{self.value}</{prefix}f><{prefix}v>{self.value + 1}</{prefix}v>", ""
        else:  # boolean
            inner, typed = f"<{prefix}v>{self.value}</{prefix}v>", ' t="b"'
        return f"<{tag}{reference}{style}{typed}>{inner}</{tag}>"


def random_cell(column: int) -> st.SearchStrategy[RandomCell]:
    kinds = {
        "empty": st.none(),
        "number": st.one_of(st.integers(-10**6, 10**6), st.floats(-1e6, 1e6, allow_nan=False).map(repr)),
        "shared": st.integers(0, 40),
        "inline": TEXT,
        "rich": TEXT,
        "formula": st.integers(0, 99),
        "boolean": st.sampled_from([0, 1]),
    }
    return st.sampled_from(sorted(kinds)).flatmap(lambda kind: st.builds(
        RandomCell, st.just(column), st.just(kind), st.sampled_from([0, 0, 1, 2, 3, 12]), kinds[kind],
        st.sampled_from([True, True, True, True, False])))


@st.composite
def random_row(draw: st.DrawFn) -> list[RandomCell]:
    columns = sorted(draw(st.sets(st.integers(1, 14), max_size=10)))
    cells = [draw(random_cell(column)) for column in columns]
    # a cell without a reference takes the column after the one before it: only where that is its column
    return [cell if cell.with_reference or cell.column == (columns[index - 1] + 1 if index else 1)
            else RandomCell(cell.column, cell.kind, cell.style, cell.value, True)
            for index, cell in enumerate(cells)]


def restyle_up(style: int) -> int | None:
    return style + 10 if style < 10 else None


def restyle_down(style: int) -> int | None:
    return style - 10 if style >= 10 else None


def marked(style: int) -> int | None:
    return style + 100


def unmarked(style: int) -> int | None:
    return style - 100 if style >= 100 else None


def restyle_to_four(style: int) -> int | None:
    return 4


def restyle_to_none(style: int) -> int | None:
    return 0


@st.composite
def random_edit(draw: st.DrawFn) -> RowEdit:
    values = draw(st.dictionaries(
        st.integers(1, 16),
        st.one_of(st.none(), st.integers(-999, 999), st.floats(-1e6, 1e6, allow_nan=False), TEXT),
        max_size=8))
    formats = []
    for _ in range(draw(st.integers(0, 2))):
        first = draw(st.integers(1, 16))
        last = draw(st.integers(first, 16))
        restyle = draw(st.sampled_from([restyle_up, restyle_down, restyle_to_four, restyle_to_none]))
        formats.append((first, last, restyle))
    return RowEdit(values, formats)


@dataclass(frozen=True)
class RandomRow:
    number: int
    cells: list[RandomCell]
    spans: bool
    row_format: int | None
    self_closing: bool

    def inherited(self, column: int) -> int:
        return self.row_format if self.row_format is not None else COLUMN_FORMATS.get(column, 0)


@dataclass(frozen=True)
class RandomSheet:
    prefix: str
    rows: list[RandomRow]

    def xml(self) -> bytes:
        return sheet_xml(self.prefix, self.rows)

    def as_excel_writes_it(self) -> RandomSheet:
        """The same sheet without what Excel never writes and an edit cannot tell from nothing: empty cells in
        the format they would have anyway, rows with nothing but their number, references left out, spans."""
        rows = []
        for row in self.rows:
            cells = [RandomCell(cell.column, cell.kind, cell.style, cell.value, True) for cell in row.cells
                     if not (cell.kind == "empty" and cell.style == row.inherited(cell.column))]
            if cells or row.row_format is not None:
                rows.append(RandomRow(row.number, cells, False, row.row_format, not cells))
        return RandomSheet(self.prefix, rows)


@st.composite
def random_sheet(draw: st.DrawFn) -> tuple[RandomSheet, dict[int, RowEdit]]:
    prefix = draw(st.sampled_from(["", "", "x:"]))
    numbers = sorted(draw(st.sets(st.integers(1, 30), min_size=1, max_size=6)))
    rows = []
    for number in numbers:
        cells = draw(random_row())
        rows.append(RandomRow(number, cells, draw(st.booleans()), draw(st.sampled_from([None, None, 3])),
                              not cells and draw(st.booleans())))
    edits = draw(st.dictionaries(st.integers(1, 32), random_edit(), min_size=1, max_size=6))
    return RandomSheet(prefix, rows), edits


def sheet_xml(prefix: str, rows: list[RandomRow]) -> bytes:
    namespace = f'xmlns:x="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    columns = "".join(f'<{prefix}col min="{column}" max="{column}" width="9" style="{style}"/>'
                      for column, style in COLUMN_FORMATS.items())
    body = []
    for row in rows:
        attributes = f' r="{row.number}"'
        if row.spans:
            attributes += ' spans="2:9"'
        if row.row_format is not None:
            attributes += f' s="{row.row_format}" customFormat="1"'
        cells = "".join(cell.xml(row.number, prefix) for cell in row.cells)
        body.append(f"<{prefix}row{attributes}/>" if row.self_closing else
                    f"<{prefix}row{attributes}>{cells}</{prefix}row>")
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<{prefix}worksheet {namespace}>'
            f"<{prefix}cols>{columns}</{prefix}cols><{prefix}sheetData>{''.join(body)}</{prefix}sheetData>"
            f'<{prefix}pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
            f"</{prefix}worksheet>").encode()


def edited(xml: bytes, rows: dict[int, RowEdit], strategies: tuple[Strategy, ...] = STRATEGIES) -> bytes:
    # a fresh RowEdit per run: an edit remembers its columns, and must not carry anything else between runs
    fresh = {number: RowEdit(dict(edit.values), list(edit.formats)) for number, edit in rows.items()}
    return b"".join(SheetEditor(fresh, strategies).edit([xml]))


def cells_of(xml: bytes) -> dict[tuple[int, int], etree._Element]:
    """Every cell by (row, column), the column of a cell without a reference worked out as Excel does."""
    found = {}
    for row in etree.fromstring(xml).iter(f"{{{MAIN}}}row"):
        number = int(row.get("r"))
        column = 0
        for cell in row.iter(f"{{{MAIN}}}c"):
            reference = cell.get("r")
            column = column_number(reference) if reference else column + 1
            assert (number, column) not in found, f"two cells at row {number}, column {column}"
            found[number, column] = cell
    return found


def as_referenced(cell: etree._Element, row: int, column: int) -> tuple[object, ...]:
    """A cell's attributes and content, with the reference it stands for (an edit may write the one a cell left
    implied)."""
    attributes = {**cell.attrib, "r": f"{column_letter(column)}{row}"}
    return sorted(attributes.items()), [etree.tostring(child) for child in cell]


def column_number(reference: str) -> int:
    letters = reference.rstrip("0123456789")
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def value_of(cell: etree._Element) -> Any:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        return from_xstring("".join(cell.itertext()))
    value = cell.findtext(f"{{{MAIN}}}v")
    if value is None:
        return None
    return float(value) if kind == "n" else value


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_sheet())
def test_every_way_of_finding_cells_gives_the_same_bytes_as_reading_every_cell(
        case: tuple[RandomSheet, dict[int, RowEdit]]) -> None:
    xml, rows = case[0].xml(), case[1]
    general = edited(xml, rows, ())
    for strategies in [*ONE_WAY, STRATEGIES]:
        assert edited(xml, rows, strategies) == general, strategies


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_sheet())
def test_what_is_written_is_what_was_asked_and_nothing_else_moves(
        case: tuple[RandomSheet, dict[int, RowEdit]]) -> None:
    xml, rows = case[0].xml(), case[1]
    result = edited(xml, rows)
    before, after = cells_of(xml), cells_of(result)
    for (number, column), cell in before.items():
        edit = rows.get(number)
        if edit is None or column not in edit.columns():
            assert (number, column) in after, "a cell nobody asked about is gone"
            assert as_referenced(after[number, column], number, column) == as_referenced(cell, number, column)
    for number, edit in rows.items():
        for column, value in edit.values.items():
            cell = after.get((number, column))
            original = before.get((number, column))
            if original is not None and original.find(f"{{{MAIN}}}f") is not None:
                assert cell is not None and cell.find(f"{{{MAIN}}}f") is not None, "a formula was overwritten"
            elif value is None:
                assert cell is None or value_of(cell) is None
            else:
                assert cell is not None
                written = value_of(cell)
                assert written == (value if isinstance(value, str) else float(value))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_sheet(), st.sets(st.integers(1, 16), min_size=1, max_size=5), st.integers(-999, 999))
def test_an_edit_undone_gives_the_original_bytes(case: tuple[RandomSheet, dict[int, RowEdit]], columns: set[int],
                                                 number: int) -> None:
    """Numbers into the columns a row has no cell in and every format raised, then the numbers emptied and the
    formats lowered again: the part is what it was."""
    xml = case[0].as_excel_writes_it().xml()
    present = cells_of(xml)
    rows = sorted({row for row, _ in present} | {3})
    for strategies in [*ONE_WAY, ()]:
        forward = {row: RowEdit({column: number for column in columns if (row, column) not in present},
                                [(1, 16, marked)]) for row in rows}
        back = {row: RowEdit({column: None for column in columns if (row, column) not in present},
                             [(1, 16, unmarked)]) for row in rows}
        there = edited(xml, forward, strategies)
        assert there != xml
        assert edited(there, back, strategies) == xml, strategies


def test_a_row_written_without_references_is_edited_at_the_right_cells() -> None:
    xml = sheet_xml("", [RandomRow(2, [RandomCell(1, "number", 0, 1, False), RandomCell(2, "number", 0, 2, False),
                                       RandomCell(3, "shared", 0, 0, False)], False, None, False)])
    for strategies in [*ONE_WAY, STRATEGIES, ()]:
        result = cells_of(edited(xml, {2: RowEdit({2: 7, 5: "new"})}, strategies))
        assert value_of(result[2, 1]) == 1.0
        assert value_of(result[2, 2]) == 7.0
        assert value_of(result[2, 5]) == "new"


def test_a_cell_taken_out_or_put_in_before_one_without_its_reference_does_not_move_it() -> None:
    cells = [RandomCell(column, "number", 0, column, column != 1) for column in (1, 2, 3, 4)]
    xml = sheet_xml("", [RandomRow(2, [cells[0], *(RandomCell(c.column, c.kind, c.style, c.value, False)
                                                   for c in cells[1:])], False, None, False)])
    for strategies in [*ONE_WAY, STRATEGIES, ()]:
        taken_out = cells_of(edited(xml, {2: RowEdit({2: None})}, strategies))
        assert {column: value_of(cell) for (_, column), cell in taken_out.items()} == {1: 1.0, 3: 3.0, 4: 4.0}


def test_a_cell_made_in_a_formatted_column_takes_the_columns_format() -> None:
    xml = sheet_xml("", [RandomRow(2, [RandomCell(1, "number", 0, 1, True)], False, None, False)])
    result = cells_of(edited(xml, {2: RowEdit({3: 5, 5: 6}), 4: RowEdit({12: "x"})}))
    assert result[2, 3].get("s") == "2"
    assert result[2, 5].get("s") is None
    assert result[4, 12].get("s") == "5"


def test_text_xml_cannot_hold_is_written_as_excel_writes_it() -> None:
    xml = sheet_xml("", [RandomRow(2, [RandomCell(1, "number", 0, 1, True)], False, None, False)])
    pasted = "tab\there, bell\x07 and _x0041_ as typed"
    result = edited(xml, {2: RowEdit({2: pasted})})
    assert b"bell_x0007_" in result and b"_x005F_x0041_" in result
    assert value_of(cells_of(result)[2, 2]) == pasted


def test_a_piece_that_is_not_well_formed_is_refused_before_anything_is_given() -> None:
    editor = SheetEditor({2: RowEdit({1: 1})})
    editor._made(b"<c r='A2'><v>1</c>")
    try:
        b"".join(editor.edit([sheet_xml("", [])]))
    except MadeBadXml as error:
        assert "what xlreg wrote" in str(error)
    else:
        raise AssertionError("a piece of bad XML went through")

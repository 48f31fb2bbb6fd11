"""Rows edited by their shape: registers repeat a few row shapes (the same columns filled, in the same formats)
many times, so what changes in a row of a given shape is worked out once, as templates around the row number
checked once, and applied to every row of that shape with byte operations (see row_edit for the other ways)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from xl_addin.ooxml.refs import column_letter_bytes, column_number
from xl_addin.ooxml.row_edit import STYLE, ReadInFull, RowContext, RowEdit, number_text, row_xml, set_attributes, spans

_HEADS = re.compile(rb'(<c r="([A-Z]{1,3})\d+"([^>]*?)(/?)>)')
_DROPPED = b"\0dropped"  # in place of a template: the cell goes


@dataclass
class _ShapePlan:
    """What changes in every row of one shape, as templates around the row number: (piece index, text before
    the row number, text after it, the column whose value follows or None, appended to the piece or in its
    place)."""

    changes: list[tuple[int, bytes, bytes, int | None, bool]] = field(default_factory=list)
    added_columns: set[int] = field(default_factory=set)
    opening: set[tuple[bytes, bytes]] = field(default_factory=set)  # opening tags only: checked with their cell

    def add(self, index: int, before: bytes, after: bytes, column: int | None, *, appended: bool,
            opening: bool = False) -> None:
        self.changes.append((index, before, after, column, appended))
        if opening:
            self.opening.add((before, after))


class ShapeEditor:
    """Rows whose cells are written as Excel writes them (unprefixed, the reference first), by their shape."""

    def __init__(self, context: RowContext) -> None:
        self.context = context
        self._plans: dict[tuple[Any, ...], _ShapePlan] = {}

    def edit(self, prefix: bytes, head: bytes, body: bytes, row: int, edit: RowEdit, row_format: int | None) \
            -> bytes | None:
        """The row edited, or None when nothing in it changes; ReadInFull for a row this does not cover."""
        if prefix or row_format is not None or not body or any(isinstance(value, str)
                                                               for value in edit.values.values()):
            raise ReadInFull  # its templates hold numbers; text goes another way
        pieces = _HEADS.split(body)
        count = len(pieces) // 5
        if body.count(b"<c") != count:
            raise ReadInFull
        shape = (tuple(pieces[2::5]), tuple(pieces[3::5]), tuple(pieces[4::5]), tuple(edit.values),
                 tuple((first, last, id(change)) for first, last, change in edit.formats))
        plan = self._plans.get(shape)
        if plan is None:
            plan = self._plans[shape] = self._plan(pieces[2::5], pieces[3::5], pieces[4::5], edit)
        if not plan.changes:
            return None
        digits = b"%d" % row
        values = edit.values
        # templates made and checked once per shape: only the row number and the values differ from row to row
        for index, before, after, column, appended in plan.changes:
            if before is _DROPPED:
                text = b""
            elif column is None:
                text = before + digits + after
            else:
                text = before + digits + after + number_text(values[column]) + b"</v></c>"
            pieces[index] = pieces[index] + text if appended else text
        pieces[2::5] = pieces[3::5] = pieces[4::5] = [b""] * count
        new_body = b"".join(pieces)
        if b"spans" in head:
            head = spans(head, plan.added_columns)
        return row_xml(b"", head, new_body)

    def _plan(self, cell_letters: list[bytes], rests: list[bytes], slashes: list[bytes], edit: RowEdit) -> _ShapePlan:
        """For one row shape: the cells that change (their new opening, or the whole cell when it gets a value)
        and the cells to add before each, as templates around the row number; each template is checked to
        be well-formed here, once."""
        context = self.context
        plan = _ShapePlan()
        columns = [column_number(name) for name in cell_letters]
        index_of = {column: index for index, column in enumerate(columns)}
        for column in edit.columns():
            index = index_of.get(column)
            inherited = context.column_formats.get(column, 0)
            current = inherited
            attributes = b""
            if index is not None:
                style = STYLE.search(rests[index])
                current = int(style.group(1)) if style else 0
                attributes = rests[index]
            restyle = context.format_of(edit, column) if edit.formats else None
            new_style = restyle(current) if restyle is not None else None
            has_value = column in edit.values and edit.values[column] is not None
            if index is not None:
                if column in edit.values and not slashes[index]:
                    raise ReadInFull  # a value into a cell that holds something: looked at one by one
                if has_value and b" t=" in attributes:
                    raise ReadInFull
                if new_style is None and not has_value and column not in edit.values:
                    continue
                if new_style is not None:
                    attributes = set_attributes(attributes, {b"s": str(new_style).encode() if new_style else None})
                elif not has_value:
                    continue  # an empty value into an empty cell: nothing changes
                before = b'<c r="' + cell_letters[index]
                if slashes[index] and not has_value and new_style == inherited and not STYLE.sub(b"", attributes):
                    plan.add(5 * index + 1, _DROPPED, b"", None, appended=False)  # an empty cell in the format
                    # it would have anyway is no cell
                elif not slashes[index]:
                    plan.add(5 * index + 1, before, b'"' + attributes + b">", None, appended=False, opening=True)
                elif has_value:
                    plan.add(5 * index + 1, before, b'"' + attributes + b"><v>", column, appended=False)
                else:
                    plan.add(5 * index + 1, before, b'"' + attributes + b"/>", None, appended=False)
            else:
                style_now = new_style if new_style is not None else current
                if not has_value and style_now == inherited:
                    continue  # nothing to add
                attributes = b' s="%d"' % style_now if style_now else b""
                place = next((position for position, other in enumerate(columns) if other > column), len(columns))
                before = b'<c r="' + column_letter_bytes(column)
                if has_value:
                    plan.add(5 * place, before, b'"' + attributes + b"><v>", column, appended=True)
                else:
                    plan.add(5 * place, before, b'"' + attributes + b"/>", None, appended=True)
                plan.added_columns.add(column)
        for _, before, after, valued, _ in plan.changes:
            if before is _DROPPED:
                continue
            closing = b"</c>" if (before, after) in plan.opening else b"0</v></c>" if valued is not None else b""
            context.made(before + b"1" + after + closing)
        plan.changes.sort(key=lambda change: change[0])  # cells added before a cell keep their column order
        return plan

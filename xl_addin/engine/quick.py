"""Column-wise checks, derived from the schema, that clear rows which are certainly valid, so only doubtful
rows are validated one by one (by engine.row_errors; these cost well under 1 us a cell).

A row they do not flag is one the full validation would find nothing in. They are built only from the schema
constructs engine.value_rules understands exactly; a schema using anything else gets no quick path and every
row is validated in full, so findings never depend on this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import compress, repeat
from operator import is_, is_not
from typing import Any

from xl_addin.engine.columns import bad_values
from xl_addin.engine.keywords import KEYWORDS, RegisterContext
from xl_addin.engine.register import Register
from xl_addin.engine.value_rules import schema_rules


def doubtful_rows(document: Mapping[str, Any], context: RegisterContext, register: Register) -> set[int] | None:
    """Indexes of the items that need the full validation, or None when the schema is beyond these checks.

    Columns missing from the register are not checked: findings about them are dropped anyway.
    """
    parsed = schema_rules(document)
    if parsed is None:
        return None
    cells = register.cells
    flagged: set[int] = set()
    positions = range(len(register))
    for name, column_rules in parsed.columns.items():
        if name in cells and column_rules:
            flagged.update(bad_values(cells[name], [rule.breaks for rule in column_rules],
                                      [rule.breaks_among for rule in column_rules], register.distinct(name)))
    for name, keyword in KEYWORDS.items():
        if name in document:
            flagged.update(keyword.quick(document[name], context, cells, len(register)))
    for rule in parsed.statuses:
        if rule.column not in cells or not rule.values & register.distinct(rule.column):
            continue  # no item is at these statuses
        applying = list(compress(positions, map(rule.values.__contains__, cells[rule.column])))
        # a column filled in everywhere (or empty everywhere) settles its part of the rule without a look at rows
        for name in rule.required:
            if name in cells and None in register.distinct(name):
                flagged.update(compress(applying, map(is_, map(cells[name].__getitem__, applying), repeat(None))))
        for name in rule.emptied:
            if name in cells and len(register.distinct(name)) > (None in register.distinct(name)):
                flagged.update(compress(applying, map(is_not, map(cells[name].__getitem__, applying),
                                                      repeat(None))))
    return flagged

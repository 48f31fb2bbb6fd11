"""The migration report (`xlreg migrate`): every word read as a choice, every date read from text, every
identifier made, every column kept, and the findings of the new register; as text and as JSON."""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

from xl_addin.engine.adopt import cells_text
from xl_addin.engine.findings import Severity, finding_record, json_value

if TYPE_CHECKING:
    from xl_addin.usecases.adoption import MigrationOutcome

KEPT_SHEET = "Below the register"  # workbook.adoption's sheet of rows found below the items


def _document(outcome: MigrationOutcome) -> dict[str, Any]:
    migration = outcome.migration
    mapping = outcome.mapping
    return {
        "source": outcome.source.name,
        "target": str(outcome.target),
        "mapping": mapping.source if not outcome.proposed else None,
        "sheet": mapping.sheet,
        "headerRow": mapping.header_row,
        "dateOrder": mapping.date_order,
        "items": outcome.items,
        "columns": {header: target or None for header, target in mapping.columns.items()},
        "extraColumns": list(migration.extra_columns),
        "renamed": dict(migration.renamed),
        "valuesMapped": [{"column": r.column, "word": r.word, "choice": r.read_as, "cells": r.count,
                          "firstRow": r.first_row, "rows": list(r.rows)}
                         for r in migration.readings if r.kind == "value"],
        "keptAsWritten": [name for name in migration.extra_columns if name.endswith(" as written")],
        "datesConverted": [{"column": r.column, "example": r.word, "as": json_value(r.read_as), "cells": r.count,
                            "firstRow": r.first_row} for r in migration.readings if r.kind == "date"],
        "idsGenerated": [{"row": new.row, "old": json_value(new.old), "new": new.new, "why": new.why}
                         for new in migration.new_ids],
        "idsKept": migration.kept_ids,
        "idPattern": migration.form.id_pattern,
        "addedChoices": {column: list(words) for column, words in migration.form.choices.items()},
        "addedStatuses": dict(migration.form.statuses),
        "idNote": migration.id_note or None,
        "belowTheRegister": None if migration.trailing is None else {
            "firstRow": migration.trailing.first_row, "lastRow": migration.trailing.last_row,
            "what": migration.trailing.what, "copiedTo": KEPT_SHEET},
        "findings": [finding_record(finding) for finding in outcome.findings],
    }


def migration_json(outcome: MigrationOutcome) -> str:
    return json.dumps(_document(outcome), indent=2, ensure_ascii=False) + "\n"


_LISTED = 20  # identifiers made, listed one by one in the text report


def migration_text(outcome: MigrationOutcome) -> str:
    migration = outcome.migration
    how = "the proposed mapping (xlreg map shows it)" if outcome.proposed else outcome.mapping.source
    sheet = outcome.mapping.sheet or outcome.source.name
    lines = [f"Migrated {outcome.items} items from {outcome.source.name} (sheet '{sheet}') "
             f"through {how} into {outcome.target}."]
    id_column = "ID"
    if migration.kept_ids:
        form = f", in the register's own form ({migration.form.id_pattern})" if migration.form.id_pattern else ""
        lines.append(f"  {migration.kept_ids} ID(s) kept as they were{form}.")
    for reading in migration.readings:
        if reading.kind == "value":
            where = cells_text(sheet, "", reading.rows or (reading.first_row,)).replace(f"{sheet}!", "rows ", 1)
            kept = f"; the word kept in '{reading.column} as written'" if reading.word != reading.read_as else ""
            lines.append(f"  {reading.column}: '{reading.word}' written as '{reading.read_as}' ({where}){kept}")
        else:
            lines.append(f"  {reading.column}: {reading.count} date(s) typed as text written as dates "
                         f"(such as '{reading.word}' as {reading.read_as.isoformat()})")
    for column, words in migration.form.choices.items():
        lines.append(f"  {column}: kept as choices of the register's own: {', '.join(words)}")
    for word, part in migration.form.statuses.items():
        lines.append(f"  Status '{word}' kept as a status of the register's own ({part})")
    for new in migration.new_ids[:_LISTED]:
        if new.why == "missing":
            lines.append(f"  {sheet} row {new.row}: no {id_column}; {new.new} made")
        else:
            lines.append(f"  {sheet} row {new.row}: {id_column} '{new.old}' {new.why}; {new.new} made (the old "
                         "one is kept in Legacy ref)")
    if len(migration.new_ids) > _LISTED:
        lines.append(f"  ... and {len(migration.new_ids) - _LISTED} more IDs made (--format json lists them all)")
    if migration.id_note:
        lines.append(f"  {migration.id_note}")
    lines.append(f"  Kept after the register's columns: {', '.join(migration.extra_columns)}"
                 + (" (" + ", ".join(f"{old} as {new}" for old, new in migration.renamed.items()) + ")"
                    if migration.renamed else ""))
    if migration.trailing is not None:
        trailing = migration.trailing
        rows = (f"Row {trailing.first_row}" if trailing.first_row == trailing.last_row
                else f"Rows {trailing.first_row}-{trailing.last_row}")
        lines.append(f"  {rows} below the items ({trailing.what}, "
                     f"'{trailing.text[:40]}') are not items: copied as they were to the sheet '{KEPT_SHEET}'.")
    counts = Counter(finding.severity for finding in outcome.findings)
    lines.append(f"The new register: {counts[Severity.ERROR]} errors, {counts[Severity.WARNING]} warnings, "
                 f"{counts[Severity.INFO]} info (xlreg validate \"{outcome.target}\" lists them; "
                 f"xlreg validate \"{outcome.target}\" --mark --in-place marks them in the workbook).")
    return "\n".join(lines) + "\n"

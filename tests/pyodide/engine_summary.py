"""What the engine makes of a register, as plain JSON: run under CPython and under Pyodide, the two must match.

Reads the workbook at `REGISTER` (set by the caller) with the default schema, as of 2026-11-25, and prints one
JSON document: the rows read, every finding, the priorities, the overdue items and the snapshot's tables.
"""

import datetime as dt
import json
from pathlib import Path

from xl_addin import resources
from xl_addin.engine.overdue import overdue_items
from xl_addin.engine.priorities import compute_priorities
from xl_addin.engine.snapshot import take_snapshot
from xl_addin.engine.validate import check_register
from xl_addin.workbook.formats.schema_file import load_schema
from xl_addin.workbook.reading.reader import read_register

AS_OF = dt.date(2026, 11, 25)


def _plain(value):
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def summary(path):
    schema = load_schema(resources.default_schema_path())
    register = read_register(Path(path), schema, reader="openpyxl")
    findings = check_register(register, schema, today=AS_OF)
    priorities = compute_priorities(register, schema)
    late = overdue_items(register, schema, as_of=AS_OF)
    snapshot = take_snapshot(register, schema, as_of=dt.datetime(2026, 11, 25, 9), previous_review=None,
                             register_sha256="0" * 64)
    return {
        "rows": len(register),
        "findings": [[f.code, f.cell, f.message] for f in findings],
        "priorities": [[item.item_id, item.total, item.rank] for item in priorities.items],
        "overdue": [[item.item_id, item.days_overdue, item.escalate] for item in late],
        "tables": {table.key: [[_plain(value) for value in row] for row in table.rows]
                   for table in snapshot.tables},
    }


if __name__ == "__main__":
    import sys

    print(json.dumps(summary(sys.argv[1]), sort_keys=True))

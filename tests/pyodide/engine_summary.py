"""What the engine makes of a register through the public API, as plain JSON: run under CPython and under Pyodide,
the two must match.

Opens the workbook with `xl_addin.open_register(path)` and its defaults (the default schema, the default reader)
as a script in xlwings Lite or JupyterLite would, and prints one JSON document as of 2026-11-25: the rows read,
every finding, the priorities, the overdue items and the snapshot's tables.
"""

import datetime as dt
import json

import xl_addin
from xl_addin.engine.snapshot import take_snapshot

AS_OF = dt.date(2026, 11, 25)


def _plain(value):
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def summary(path):
    register = xl_addin.open_register(path)
    findings = register.findings(as_of=AS_OF)
    priorities = register.priorities()
    late = register.overdue(as_of=AS_OF)
    snapshot = take_snapshot(register.register, register.schema, as_of=dt.datetime(2026, 11, 25, 9),
                             previous_review=None, register_sha256="0" * 64)
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

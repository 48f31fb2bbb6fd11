"""The review as one HTML file: the snapshot's headline figures, charts (inline SVG) and tables, readable on a
phone, printable from a browser to A4 with each section from a new page, and made to be read by screen readers
(tables with their headers and captions, each chart with its text). No script, and nothing fetched: it opens
from a shared folder or an e-mail as it is.

Rendered with Jinja2 from templates/ (review.html.j2, changes.html.j2), autoescaped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from xl_addin.engine.review_diff import KINDS, ReviewChanges
from xl_addin.engine.snapshot import (
    REVIEW_CHARTS,
    ReviewTable,
    Snapshot,
    figure_text,
    review_basis,
    review_sections,
)
from xl_addin.workbook.formats.review_charts import draw

TEMPLATES = Path(__file__).resolve().parent / "templates"


@cache
def _environment() -> Environment:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.filters["cell"] = cell_text
    return environment


def cell_text(value: Any) -> str:
    """A table cell as the review shows it: a date as yyyy-mm-dd, a moment to the minute, numbers as written."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}" if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.4g}"
    return str(value)


def _rows(table: ReviewTable) -> list[list[str]]:
    """The table's rows as text, a figure's value by its unit."""
    rows = [[cell_text(value) for value in row] for row in table.rows]
    for index, unit in enumerate(table.units):
        value = table.rows[index][1]
        rows[index][1] = figure_text(value, unit) if isinstance(value, int | float) else cell_text(value)
    return rows


SHORT = 16  # characters: a column whose cells are all this short or shorter is not wrapped (IDs, dates)
# rows: a longer table is listed this far in the report (a review reads the top of a list; the workbook has it all)
LISTED = 100


def _table(table: ReviewTable) -> dict[str, Any]:
    """A table for the template: its rows as text (the first LISTED of a long one, with a note of the rest), and
    each column's classes (numbers set right, short text kept on one line)."""
    left_out = max(0, len(table.rows) - LISTED)
    if left_out:
        more = (f"The first {LISTED} of {len(table.rows):,} are listed here; the snapshot workbook and its JSON "
                "hold them all.")
        table = replace(table, rows=table.rows[:LISTED], units=table.units[:LISTED],
                        note=f"{table.note} {more}" if table.note else more)
    rows = _rows(table)
    classes = []
    for column in range(len(table.columns)):
        values = [row[column] for row in table.rows if column < len(row) and row[column] is not None]
        numeric = bool(values) and all(isinstance(value, int | float) and not isinstance(value, bool)
                                       for value in values)
        short = all(len(row[column]) <= SHORT for row in rows if column < len(row))
        classes.append(" ".join(name for name, wanted in (("number", numeric), ("short", short)) if wanted))
    return {"table": table, "rows": rows, "classes": classes}


def review_html(snapshot: Snapshot) -> str:
    """The review report of `snapshot`, as a complete HTML document."""
    tables = {table.key: table for table in snapshot.tables}
    charts = [drawn for number, chart in enumerate(REVIEW_CHARTS, start=1)
              if chart.key in tables and (drawn := draw(chart, tables[chart.key], number)) is not None]
    sections = [{"title": title, "tables": [_table(table) for table in found]}
                for title, found in review_sections(snapshot.tables)]
    return _environment().get_template("review.html.j2").render(
        snapshot=snapshot,
        as_of=f"{snapshot.as_of:%Y-%m-%d %H:%M}",
        headline=[{"label": figure.label, "text": figure_text(figure.value, figure.unit)}
                  for figure in snapshot.headline],
        basis=[(label, cell_text(value)) for label, value in review_basis(snapshot)],
        charts=charts,
        sections=sections,
        findings=[finding.message for finding in snapshot.findings],
    )


def changes_html(changes: ReviewChanges) -> str:
    """What changed between two reviews (`xlreg diff`), as a complete HTML document in the review's style."""
    groups = [{"title": title, "changes": [change for change in changes.changes if change.kind == kind]}
              for kind, title in KINDS.items()]
    return _environment().get_template("changes.html.j2").render(
        changes=changes, groups=[group for group in groups if group["changes"]], shown=cell_text)

"""The review's charts as inline SVG, for the HTML report: the same charts the snapshot workbook draws in Excel
(engine.snapshot.REVIEW_CHARTS), from the same tables. Each is an image with its text alternative (a title, and a
description that gives every value), drawn to a view box so that it scales to any width; no script, no font or
image fetched."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from xl_addin.engine.snapshot import ReviewChart, ReviewTable, count_step
from xl_addin.ooxml.xml_text import escape

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 72  # room for the count axis and the category labels
BAR_COLOUR, LINE_COLOUR, GRID_COLOUR, TEXT_COLOUR = "#2f5597", "#c55a11", "#d9d9d9", "#262626"


@dataclass(frozen=True)
class DrawnChart:
    """A chart ready for the page: its title, its SVG markup, and its text alternative."""

    key: str
    title: str
    svg: str
    description: str


def draw(chart: ReviewChart, table: ReviewTable, number: int) -> DrawnChart | None:
    """The chart of `table`; None when the table cannot be filled for this register."""
    if table.unavailable:
        return None
    labels = [str(row[0]) for row in table.rows]
    values = [row[1] if len(row) > 1 and isinstance(row[1], int | float) else 0 for row in table.rows]
    description = (f"{chart.title}: " + ", ".join(f"{label} {value:g}" for label, value in zip(labels, values,
                                                                                             strict=True))
                   if labels else f"{chart.title}: none.")
    body = _plot(chart, labels, values) if labels else _empty()
    ids = f"chart-{number}"
    svg = (f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{ids}-title {ids}-desc" '
           f'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" font-size="12" fill="{TEXT_COLOUR}">'
           f'<title id="{ids}-title">{escape(chart.title)}</title><desc id="{ids}-desc">{escape(description)}</desc>'
           f"{body}</svg>")
    return DrawnChart(chart.key, chart.title, svg, description)


def _empty() -> str:
    return f'<text x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">None</text>'


def _plot(chart: ReviewChart, labels: Sequence[str], values: Sequence[float]) -> str:
    step = count_step(max(values, default=0))
    top = max(step, -(-max(values, default=0) // step) * step)
    inner_width, inner_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = inner_width / len(labels)

    def y(value: float) -> float:
        return TOP + inner_height * (1 - value / top)

    parts = []
    for tick in range(0, int(top) + 1, step):  # the count axis: whole numbers only
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                     f'stroke="{GRID_COLOUR}"/><text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" '
                     f'text-anchor="end">{tick}</text>')
    parts.append(f'<text transform="translate(14 {TOP + inner_height / 2}) rotate(-90)" text-anchor="middle">'
                 f"{escape(chart.axis_title)}</text>")
    centres = [LEFT + slot * (index + 0.5) for index in range(len(labels))]
    if chart.kind == "line":
        points = " ".join(f"{x:.1f},{y(value):.1f}" for x, value in zip(centres, values, strict=True))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{LINE_COLOUR}" stroke-width="2.5"/>')
        parts += [f'<circle cx="{x:.1f}" cy="{y(value):.1f}" r="3.5" fill="{LINE_COLOUR}"/>'
                  for x, value in zip(centres, values, strict=True)]
    else:
        bar = min(48.0, slot * 0.7)
        parts += [f'<rect x="{x - bar / 2:.1f}" y="{y(value):.1f}" width="{bar:.1f}" '
                  f'height="{TOP + inner_height - y(value):.1f}" fill="{BAR_COLOUR}"/>'
                  for x, value in zip(centres, values, strict=True)]
    parts += [f'<text x="{x:.1f}" y="{y(value) - 5:.1f}" text-anchor="middle" font-size="11">{value:g}</text>'
              for x, value in zip(centres, values, strict=True)]
    parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + inner_height}" y2="{TOP + inner_height}" '
                 f'stroke="{TEXT_COLOUR}"/>')
    slanted = len(labels) > 6 or max(map(len, labels)) * 6.5 > slot
    for x, label in zip(centres, labels, strict=True):
        shown = escape(label if len(label) <= 18 else label[:17] + "…")
        if slanted:
            parts.append(f'<text transform="translate({x:.1f} {TOP + inner_height + 14}) rotate(-35)" '
                         f'text-anchor="end">{shown}</text>')
        else:
            parts.append(f'<text x="{x:.1f}" y="{TOP + inner_height + 18}" text-anchor="middle">{shown}</text>')
    return "".join(parts)

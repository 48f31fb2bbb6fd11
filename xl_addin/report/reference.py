"""The reference of finding codes and register keywords, generated from the code that defines them, so the
documentation cannot drift from what xlreg reports (`python scripts/build_docs.py` writes it into the README;
a test fails when the README is stale)."""

from __future__ import annotations

import json
from typing import Any

from xl_addin.engine.catalog import finding_types, register_keywords
from xl_addin.engine.keywords.base import RegisterKeyword


def finding_codes_table() -> str:
    """A Markdown table: every finding code with its severity and what it means."""
    lines = ["| code | severity | meaning |", "| --- | --- | --- |"]
    for kind in finding_types():
        lines.append(f"| `{kind.code}` | {kind.severity} | {kind.description} |")
    return "\n".join(lines) + "\n"


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _rows(rows: tuple[Any, ...]) -> str:
    return "; ".join(json.dumps({key: _plain(value) for key, value in row.items()}, ensure_ascii=False)
                     for row in rows)


def keyword_section(keyword: RegisterKeyword) -> str:
    example = keyword.example
    value = json.dumps({keyword.name: example.value}, ensure_ascii=False)
    codes = ", ".join(f"`{kind.code}`" for kind in keyword.finding_types)
    expected = ", ".join(f"`{code}` on {column} (item {index + 1})" for index, column, code in example.expected)
    return (f"- **`{keyword.name}`**: {keyword.summary}. Reports {codes}.\n"
            f"  Example `{value}`, checked on {example.today}: passes for {_rows(example.passing)}; fails for "
            f"{_rows(example.failing)} with {expected}.\n")


def keywords_reference() -> str:
    """A Markdown list: each register keyword, what it says, what it reports, and its tested example."""
    return "".join(keyword_section(keyword) for keyword in register_keywords())


SECTIONS = {"finding-codes": finding_codes_table, "keywords": keywords_reference}


def render(text: str) -> str:
    """`text` with each generated section (between `<!-- name:start -->` and `<!-- name:end -->`) rewritten."""
    for name, build in SECTIONS.items():
        start, end = f"<!-- {name}:start -->\n", f"<!-- {name}:end -->"
        before, found, rest = text.partition(start)
        if not found:
            raise ValueError(f"no {start.strip()} marker")
        _, found_end, after = rest.partition(end)
        if not found_end:
            raise ValueError(f"no {end} marker")
        text = before + start + build() + end + after
    return text

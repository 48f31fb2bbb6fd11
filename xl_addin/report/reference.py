"""The reference of finding codes, register keywords, schema roles and example registers, generated from the
code that defines them, so the documentation cannot drift from what xlreg reports (`python
scripts/build_docs.py` writes it into the README; a test fails when the README is stale)."""

from __future__ import annotations

import json
from typing import Any

from xl_addin import resources
from xl_addin.engine.catalog import finding_types, register_keywords
from xl_addin.engine.keywords.base import RegisterKeyword
from xl_addin.engine.roles import ROLES
from xl_addin.workbook.formats.schema_file import load_schema


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


def roles_table() -> str:
    """A Markdown table: each x-register role, what its column holds, which commands need it, and what the
    others leave out without it."""
    lines = ["| role | its column holds (improvement register) | needed by | without it |", "| --- | --- | --- | --- |"]
    for role in ROLES.values():
        needed = ", ".join(f"`{command}`" for command in role.needed_by) or "none"
        without = "; ".join(f"{command}: {effect}" for command, effect in role.without.items()) or "-"
        kind = " (a list)" if role.many else ""
        lines.append(f"| `{role.key}`{kind} | {role.meaning} ({role.example}) | {needed} | {without} |")
    return "\n".join(lines) + "\n"


def examples_list() -> str:
    """A Markdown list of the example registers shipped with the package."""
    lines = []
    for name in resources.example_names():
        schema = load_schema(resources.example_schema_path(name))
        columns = ", ".join(column.name for column in schema.columns)
        lines.append(f"- **`{name}`**, {schema.title}: {schema.document.get('description', '')} Columns: "
                     f"{columns}.")
    return "\n".join(lines) + "\n"


SECTIONS = {"finding-codes": finding_codes_table, "keywords": keywords_reference, "roles": roles_table,
            "examples": examples_list}


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

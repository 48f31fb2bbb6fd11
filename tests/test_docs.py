"""The README's reference of finding codes and register keywords is generated from the code and never stale."""

from __future__ import annotations

from pathlib import Path

from xl_addin.engine.catalog import finding_types, register_keywords
from xl_addin.report.reference import render

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_generated_reference_in_the_readme_is_up_to_date() -> None:
    text = README.read_text(encoding="utf-8")
    assert render(text) == text, "README.md is stale: run python scripts/build_docs.py"


def test_every_finding_code_and_keyword_is_in_it() -> None:
    text = README.read_text(encoding="utf-8")
    assert [kind.code for kind in finding_types() if f"| `{kind.code}` |" not in text] == []
    assert [keyword.name for keyword in register_keywords() if f"**`{keyword.name}`**" not in text] == []

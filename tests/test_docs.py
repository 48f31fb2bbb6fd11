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


def test_the_catalogue_alone_knows_every_finding_type() -> None:
    """In a fresh interpreter (nothing else imported), the generated reference is the README's: every module
    that defines finding types is imported by the catalogue."""
    import subprocess
    import sys

    script = Path(__file__).resolve().parent.parent / "scripts" / "build_docs.py"
    completed = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=60,
                               check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr

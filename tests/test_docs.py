"""The README's table of finding codes lists every code the engine can report."""

from __future__ import annotations

from pathlib import Path

from xl_addin.engine.findings import FINDING_TYPES

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_finding_code_is_documented() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [code for code in FINDING_TYPES if f"`{code}`" not in text]
    assert missing == []

"""Every register keyword has its module, its test module and an example; the schema check uses their forms."""

from __future__ import annotations

from pathlib import Path

import pytest

from xl_addin.engine.catalog import register_keywords
from xl_addin.engine.schema import RegisterSchemaError, parse_schema

HERE = Path(__file__).parent


def _module(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


@pytest.mark.parametrize("keyword", register_keywords(), ids=lambda keyword: keyword.name)
def test_each_keyword_has_a_test_module_and_finding_types(keyword) -> None:
    assert (HERE / f"test_{_module(keyword.name)}.py").is_file()
    assert keyword.finding_types and keyword.example.failing and keyword.example.expected


def test_a_malformed_keyword_value_is_refused_in_plain_words() -> None:
    with pytest.raises(RegisterSchemaError, match="'sumOf' is malformed"):
        parse_schema({"properties": {"A": {}}, "sumOf": {"A": []}}, Path("bad.json"))
    with pytest.raises(RegisterSchemaError, match="refers to columns it does not define: B"):
        parse_schema({"properties": {"A": {}}, "uniqueInRegister": ["B"]}, Path("bad.json"))

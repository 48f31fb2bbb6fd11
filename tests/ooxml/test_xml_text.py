"""The one XML text policy: whatever text a person gave, written as element text or as an attribute, an XML
parser reads back exactly (what XML 1.0 cannot hold as Excel's `_xHHHH_`), and Excel's own `_xHHHH_` reads as the
character it stands for."""

from __future__ import annotations

from xml.parsers import expat

from hypothesis import given
from hypothesis import strategies as st

from xl_addin.ooxml.xml_text import escape, from_xstring, quoteattr, xstring

# Any text a cell can be given, the characters XML cannot hold and lookalikes of Excel's escapes included
ANY_TEXT = st.lists(st.one_of(
    st.characters(codec="utf-8", exclude_categories=["Cs"]),
    st.sampled_from(["\x00", "\x07", "\x1b", "\r", "\n", "\t", "\ufffe", "\uffff", "\ud800", "_x0041_", "_x005F_",
                     "_X00e9_", "&", "<", "]]>", '"', "'"]))).map("".join)


def parsed_text(xml: str) -> str:
    found: list[str] = []
    parser = expat.ParserCreate("UTF-8")
    parser.CharacterDataHandler = found.append
    parser.Parse(xml.encode("utf-8"), True)
    return "".join(found)


def parsed_attribute(xml: str) -> str:
    found: dict[str, str] = {}
    parser = expat.ParserCreate("UTF-8")
    parser.StartElementHandler = lambda name, attributes: found.update(attributes)
    parser.Parse(xml.encode("utf-8"), True)
    return found["v"]


@given(ANY_TEXT)
def test_element_text_reads_back_as_written(text: str) -> None:
    assert from_xstring(parsed_text(f"<t>{escape(text)}</t>")) == text


@given(ANY_TEXT)
def test_an_attribute_reads_back_as_written(text: str) -> None:
    assert from_xstring(parsed_attribute(f"<t v={quoteattr(text)}/>")) == text


def test_what_xml_cannot_hold_is_written_as_excel_writes_it() -> None:
    assert xstring("bell\x07 escape\x1b") == "bell_x0007_ escape_x001B_"
    assert xstring("_x0041_ as typed") == "_x005F_x0041_ as typed"
    assert from_xstring("_x0007__x001B_") == "\x07\x1b"
    assert from_xstring("_x005F_x0041_") == "_x0041_"
    assert escape("a & b < c > d\r\n") == "a &amp; b &lt; c &gt; d&#13;\n"
    assert xstring("plain text") == "plain text"

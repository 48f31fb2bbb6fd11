"""Text for XML, as xml.sax.saxutils makes it (same output), without its import of urllib, http and email:
about 17 ms of every start of a command that may write a workbook."""

from __future__ import annotations


def escape(text: str) -> str:
    """Element text: &, < and > escaped."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    """A quoted attribute value: line breaks and tabs as character references, quoted as saxutils quotes."""
    text = escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"' + text.replace('"', "&quot;") + '"'

"""The one policy for text xlreg writes into XML: cells, its own sheets, notes, tables, JUnit and SARIF reports.

XML 1.0 cannot hold most control characters (U+0000-U+001F but tab, line feed and carriage return), U+FFFE,
U+FFFF or an unpaired surrogate, even escaped. Excel writes such a character in a string as `_xHHHH_` (ECMA-376
Part 1, 22.9.2.19 ST_Xstring) and reads it back as the character; a text that itself holds `_xHHHH_` has its
underscore written as `_x005F_`, so that it reads back as written. Everything else is escaped as XML requires.

Plain functions, without xml.sax (its import pulls in urllib, http and email: ~17 ms of each writing command's
start); element text and attribute values come out as xml.sax.saxutils makes them when there is nothing to
encode.
"""

from __future__ import annotations

import re

# What XML 1.0 cannot hold, and a literal _xHHHH_ whose underscore must be escaped to survive a round trip
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]|_(?=x[0-9A-Fa-f]{4}_)")
_XSTRING = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _encoded(found: re.Match[str]) -> str:
    return f"_x{ord(found.group(0)):04X}_"


def xstring(text: str) -> str:
    """`text` with what XML cannot hold written as Excel writes it (`_x0007_`), and a literal `_x0041_` kept."""
    return _UNWRITABLE.sub(_encoded, text) if _UNWRITABLE.search(text) else text


def from_xstring(text: str) -> str:
    """The text an ST_Xstring stands for: `_x0007_` as U+0007, `_x005F_x0041_` as `_x0041_`."""
    return _XSTRING.sub(lambda found: chr(int(found.group(1), 16)), text) if "_x" in text else text


def escape(text: str) -> str:
    """Element text: what XML cannot hold as `_xHHHH_`, then &, < and > escaped, and a carriage return as a
    character reference (a parser reads a bare one as a line feed: the text would not read back as written)."""
    return xstring(text).replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;").replace("\r", "&#13;")


def quoteattr(text: str) -> str:
    """A quoted attribute value: escaped as element text, line breaks and tabs as character references, quoted
    as saxutils quotes."""
    text = escape(text).replace("\n", "&#10;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    return '"' + text.replace('"', "&quot;") + '"'

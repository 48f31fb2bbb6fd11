"""The cell formats of a new workbook (`xl/styles.xml`): each distinct look a cell is given (a font, a fill, a
number format, an alignment) becomes one cell format, registered the first time it is asked for. For editing a
workbook people made, see `styles` (which only appends to theirs)."""

from __future__ import annotations

from dataclasses import dataclass

from xl_addin.ooxml.sheet_rows import MAIN
from xl_addin.ooxml.xml_text import quoteattr

# Excel's built-in number formats, which a file names by number only
BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10,
                   "mm-dd-yy": 14, "h:mm:ss": 21}
FIRST_CUSTOM_FORMAT = 164


@dataclass(frozen=True)
class Look:
    """How a cell looks. The default look (all unset) is cell format 0."""

    bold: bool = False
    size: float | None = None  # points; None: the workbook's 11
    fill: str | None = None  # a solid fill's ARGB colour, FFD9E1F2
    number_format: str | None = None
    horizontal: str | None = None  # left, center, right
    vertical: str | None = None  # top, center, bottom
    wrap: bool = False


class NewStyles:
    """Cell formats registered as cells ask for them; `part()` is the styles part that holds them."""

    def __init__(self) -> None:
        self._ids: dict[Look, int] = {Look(): 0}
        self._xfs: list[str] = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
        self._fonts: dict[tuple[bool, float | None], int] = {(False, None): 0}
        self._fills: dict[str, int] = {}  # after the two every styles part starts with (none, gray125)
        self._formats: dict[str, int] = {}

    def id(self, look: Look) -> int:
        """The cell format of `look` (its s attribute)."""
        found = self._ids.get(look)
        if found is None:
            found = self._ids[look] = self._register(look)
        return found

    def _register(self, look: Look) -> int:
        font = self._fonts.setdefault((look.bold, look.size), len(self._fonts))
        fill = self._fills.setdefault(look.fill, len(self._fills) + 2) if look.fill else 0
        number = 0
        if look.number_format:
            number = BUILTIN_FORMATS.get(look.number_format) or self._formats.setdefault(
                look.number_format, FIRST_CUSTOM_FORMAT + len(self._formats))
        applied = "".join([' applyFont="1"' if font else "", ' applyFill="1"' if fill else "",
                           ' applyNumberFormat="1"' if number else ""])
        aligned = {"horizontal": look.horizontal, "vertical": look.vertical, "wrapText": "1" if look.wrap else None}
        alignment = " ".join(f'{name}="{value}"' for name, value in aligned.items() if value)
        body = f'<alignment {alignment}/></xf>' if alignment else ""
        self._xfs.append(f'<xf numFmtId="{number}" fontId="{font}" fillId="{fill}" borderId="0" xfId="0"{applied}'
                         + (' applyAlignment="1">' + body if alignment else "/>"))
        return len(self._xfs) - 1

    def part(self) -> bytes:
        formats = "".join(f"<numFmt numFmtId=\"{number}\" formatCode={quoteattr(code)}/>"
                          for code, number in self._formats.items())
        fonts = "".join(f"<font>{'<b/>' if bold else ''}<sz val=\"{size or 11:g}\"/><name val=\"Calibri\"/>"
                        "<family val=\"2\"/></font>" for bold, size in self._fonts)
        fills = "".join(f'<fill><patternFill patternType="solid"><fgColor rgb="{colour}"/><bgColor indexed="64"/>'
                        "</patternFill></fill>" for colour in self._fills)
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{MAIN}">'
                + (f'<numFmts count="{len(self._formats)}">{formats}</numFmts>' if self._formats else "")
                + f'<fonts count="{len(self._fonts)}">{fonts}</fonts>'
                + f'<fills count="{len(self._fills) + 2}"><fill><patternFill patternType="none"/></fill>'
                  f'<fill><patternFill patternType="gray125"/></fill>{fills}</fills>'
                + '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
                + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                + f'<cellXfs count="{len(self._xfs)}">{"".join(self._xfs)}</cellXfs>'
                + '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
                + "</styleSheet>").encode()

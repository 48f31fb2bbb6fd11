"""The workbook's cell formats (`xl/styles.xml`), read to tell filled cells from empty ones and edited only by
appending: new fills, fonts and cell formats go at the end of their lists, so every existing index keeps its
meaning. A cell is given a tool fill by pointing it at a copy of its own format with that fill, and loses it by
pointing it back at the format without it; both are looked up among the formats already there first, so
marking twice adds nothing and clearing returns the cell to its own format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NO_FILL = ("none", "")
_ATTRIBUTE = re.compile(r'\s([\w:]+)="([^"]*)"')


class StylesUnreadable(Exception):
    """The styles part is not one xlreg can extend safely."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


@dataclass
class _Section:
    """One list in the styles part (fills, fonts, cellXfs): raw text of each entry, and where the list ends."""

    name: str
    prefix: str
    items: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.items) + len(self.added)

    def append(self, text: str) -> int:
        self.added.append(text)
        return len(self) - 1

    def index_of(self, text: str) -> int:
        """The entry written exactly so, appended if the list has none: twice equals once."""
        entries = [*self.items, *self.added]
        return entries.index(text) if text in entries else self.append(text)


def _section(text: str, name: str) -> _Section | None:
    opening = re.search(rf"<((?:[\w.-]+:)?){name}\b[^>]*?(/?)>", text)
    if opening is None:
        return None
    prefix = opening.group(1)
    if opening.group(2) == "/":
        return _Section(name, prefix)
    close = text.index(f"</{prefix}{name}>", opening.end())
    body = text[opening.end():close]
    item = {"fills": "fill", "fonts": "font", "cellXfs": "xf"}[name]
    pattern = re.compile(rf"<{re.escape(prefix)}{item}\b[^>]*?(?:/>|>.*?</{re.escape(prefix)}{item}>)", re.S)
    return _Section(name, prefix, [match.group(0) for match in pattern.finditer(body)])


def _attributes(xf: str) -> dict[str, str]:
    head = xf[:xf.index(">")]
    return dict(_ATTRIBUTE.findall(head))


def _children(xf: str) -> str:
    head_end = xf.index(">")
    return "" if xf[head_end - 1] == "/" else xf[head_end + 1:xf.rindex("<")]


def _with_attributes(xf: str, changes: dict[str, str | None]) -> str:
    """The xf's text with attributes set (or removed, for None), other attributes and children as they were."""
    head_end = xf.index(">")
    closing = "/>" if xf[head_end - 1] == "/" else ">"
    head = xf[:head_end - (1 if closing == "/>" else 0)].rstrip()
    rest = xf[head_end + 1:]
    for name, value in changes.items():
        present = re.search(rf'\s{re.escape(name)}="[^"]*"', head)
        if value is None:
            head = head[:present.start()] + head[present.end():] if present else head
        elif present:
            head = head[:present.start()] + f' {name}="{value}"' + head[present.end():]
        else:
            head += f' {name}="{value}"'
    return head + closing + rest


class StyleSheet:
    """The styles part, read once; `to_bytes()` gives it back with only appended entries (and their counts)."""

    def __init__(self, data: bytes) -> None:
        self.original = data
        try:
            self.text = data.decode("utf-8")
            root = ElementTree.fromstring(data)
        except (UnicodeDecodeError, ElementTree.ParseError) as error:
            raise StylesUnreadable(f"its formats part cannot be read ({error})") from None
        if not root.tag.startswith("{" + _MAIN + "}"):
            raise StylesUnreadable("its formats part is not in the format Excel 2007 and later write (it comes from a "
                                   "pre-release of Excel 2007, or is Strict Open XML); open it in Excel and save it "
                                   "again as .xlsx")
        fills, fonts, xfs = (_section(self.text, name) for name in ("fills", "fonts", "cellXfs"))
        if fills is None or fonts is None or xfs is None or not xfs.items:
            raise StylesUnreadable("its formats part has no list of cell formats")
        self.fills, self.fonts, self.xfs = fills, fonts, xfs
        self._fill_kinds = [self._fill_kind(element) for element in self._children(root, "fills", "fill")]
        self._memo: dict[tuple[str, int, str], int] = {}

    @staticmethod
    def _children(root: Element, section: str, item: str) -> list[Element]:
        for child in root:
            if _local(child.tag) == section:
                return [element for element in child if _local(element.tag) == item]
        return []

    @staticmethod
    def _fill_kind(fill: Element) -> tuple[str, str]:
        """(pattern type, foreground ARGB) of a fill; gradient fills count as filled."""
        for child in fill:
            if _local(child.tag) == "gradientFill":
                return "gradient", ""
            if _local(child.tag) == "patternFill":
                colour = ""
                for part in child:
                    if _local(part.tag) == "fgColor":
                        colour = part.get("rgb", "").upper()
                return child.get("patternType", ""), colour
        return "", ""

    @property
    def changed(self) -> bool:
        return bool(self.fills.added or self.fonts.added or self.xfs.added)

    def _xf(self, index: int) -> str:
        items = [*self.xfs.items, *self.xfs.added]
        return items[index] if 0 <= index < len(items) else items[0]

    def _fill_of(self, xf: int) -> tuple[str, str]:
        fill = int(_attributes(self._xf(xf)).get("fillId", "0"))
        return self._fill_kinds[fill] if 0 <= fill < len(self._fill_kinds) else ("", "")

    def has_fill(self, xf: int) -> bool:
        """Whether cells in this format are filled (by a person, or by the tool)."""
        return self._fill_of(xf)[0] not in _NO_FILL

    def has_tool_fill(self, xf: int, colour: str) -> bool:
        kind, rgb = self._fill_of(xf)
        return kind == "solid" and rgb == colour.upper()

    def _find(self, wanted: dict[str, str], children: str, fill_test: tuple[str, str] | None) -> int | None:
        for index in range(len(self.xfs)):
            text = self._xf(index)
            attributes = _attributes(text)
            fill = int(attributes.pop("fillId", "0"))
            attributes.pop("applyFill", None)
            if attributes != wanted or _children(text) != children:
                continue
            kind = self._fill_kinds[fill] if 0 <= fill < len(self._fill_kinds) else ("", "")
            if (fill_test is None and kind[0] in _NO_FILL) or (fill_test is not None and kind == fill_test):
                return index
        return None

    def with_fill(self, xf: int, colour: str) -> int:
        """The format `xf` with a solid tool fill of `colour` (ARGB), reusing one that is there already."""
        key = ("with", xf, colour)
        if key not in self._memo:
            text = self._xf(xf)
            attributes = _attributes(text)
            attributes.pop("fillId", None)
            attributes.pop("applyFill", None)
            found = self._find(attributes, _children(text), ("solid", colour.upper()))
            if found is None:
                found = self.xfs.append(_with_attributes(text, {"fillId": str(self._tool_fill(colour)),
                                                                "applyFill": "1"}))
            self._memo[key] = found
        return self._memo[key]

    def without_fill(self, xf: int) -> int:
        """The format `xf` without its fill, preferring one that is there already (the cell's own before the tool
        filled it)."""
        key = ("without", xf, "")
        if key not in self._memo:
            text = self._xf(xf)
            attributes = _attributes(text)
            attributes.pop("fillId", None)
            attributes.pop("applyFill", None)
            found = self._find(attributes, _children(text), None)
            if found is None:
                found = self.xfs.append(_with_attributes(text, {"fillId": "0", "applyFill": None}))
            self._memo[key] = found
        return self._memo[key]

    def with_date_format(self, xf: int) -> int:
        """The format `xf` showing a date: itself when it has a number format already (a date format, or one
        a person chose), else the same with Excel's short date (built-in 14, shown in the reader's locale)."""
        key = ("date", xf, "")
        if key not in self._memo:
            text = self._xf(xf)
            if int(_attributes(text).get("numFmtId", "0")) != 0:
                self._memo[key] = xf
            else:
                self._memo[key] = self.xfs.index_of(_with_attributes(text, {"numFmtId": "14",
                                                                             "applyNumberFormat": "1"}))
        return self._memo[key]

    def _tool_fill(self, colour: str) -> int:
        for index, kind in enumerate(self._fill_kinds):
            if kind == ("solid", colour.upper()):
                return index
        p = self.fills.prefix
        index = self.fills.append(f'<{p}fill><{p}patternFill patternType="solid"><{p}fgColor rgb="{colour}"/>'
                                  f'<{p}bgColor indexed="64"/></{p}patternFill></{p}fill>')
        self._fill_kinds.append(("solid", colour.upper()))
        return index

    def builtin_format(self, number_format: int) -> int:
        """A cell format with one of Excel's built-in number formats (9 "0%", 10 "0.00%", 14 a short date, 22 a
        date and time, 1 "0", 2 "0.00"), the default font and no fill."""
        key = ("number", number_format, "")
        if key not in self._memo:
            self._memo[key] = self.xfs.index_of(_with_attributes(self._xf(0), {"numFmtId": str(number_format),
                                                                                "applyNumberFormat": "1"}))
        return self._memo[key]

    def wrapped(self, xf: int) -> int:
        """The format `xf` with its text wrapped within the column, from the top of the cell."""
        key = ("wrapped", xf, "")
        if key not in self._memo:
            text = self._xf(xf)
            p = self.xfs.prefix
            children = re.sub(rf"<{re.escape(p)}alignment\b[^>]*/>", "", _children(text))
            head = _with_attributes(text, {"applyAlignment": "1"})
            head = head[:head.index(">") + 1] if head[head.index(">") - 1] != "/" else head[:-2] + ">"
            self._memo[key] = self.xfs.index_of(f'{head}<{p}alignment vertical="top" wrapText="1"/>{children}'
                                                f"</{p}xf>")
        return self._memo[key]

    def font_format(self, *, bold: bool = False, hyperlink: bool = False) -> int:
        """A cell format with the default font made bold, or in the blue underlined hyperlink look."""
        key = ("font", int(bold), "link" if hyperlink else "")
        if key not in self._memo:
            p = self.fonts.prefix
            base = self.fonts.items[0] if self.fonts.items else f"<{p}font></{p}font>"
            base = re.sub(rf"<{re.escape(p)}(?:b|u)\b[^>]*/>", "", base)
            if hyperlink:
                base = re.sub(rf"<{re.escape(p)}color\b[^>]*/>", "", base)
            extra = (f"<{p}b/>" if bold else "") + (f'<{p}u/><{p}color rgb="FF0563C1"/>' if hyperlink else "")
            base = base[:-2] + f">{extra}</{p}font>" if base.endswith("/>") else base.replace(">", ">" + extra, 1)
            font = self.fonts.index_of(base)
            self._memo[key] = self.xfs.index_of(_with_attributes(self._xf(0), {"fontId": str(font),
                                                                                "applyFont": "1"}))
        return self._memo[key]

    def to_bytes(self) -> bytes:
        """The part with the appended entries and updated counts; unchanged bytes if nothing was added."""
        if not self.changed:
            return self.original
        text = self.text
        for section in (self.xfs, self.fonts, self.fills):  # from the end of the part backwards: offsets hold
            if not section.added:
                continue
            text = self._extend(text, section)
        return text.encode("utf-8")

    @staticmethod
    def _extend(text: str, section: _Section) -> str:
        opening = re.search(rf"<{re.escape(section.prefix)}{section.name}\b([^>]*?)(/?)>", text)
        assert opening is not None
        added = "".join(section.added)
        count = len(section)
        attributes = re.sub(r'\scount="\d+"', "", opening.group(1))
        head = f'<{section.prefix}{section.name} count="{count}"{attributes}>'
        if opening.group(2) == "/":
            return text[:opening.start()] + head + added + f"</{section.prefix}{section.name}>" + \
                text[opening.end():]
        close = text.index(f"</{section.prefix}{section.name}>", opening.end())
        return text[:opening.start()] + head + text[opening.end():close] + added + text[close:]

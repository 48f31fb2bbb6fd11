"""Microsoft's customUI schemas, made compilable by libxml2: the published files re-declare, in several derived
complex types, attributes (or attribute groups) that their base type already brings ("Duplicate attribute
use"). Each such re-declaration is removed in memory, one at a time as libxml2 names it; nothing else changes."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

XSD = "{http://www.w3.org/2001/XMLSchema}"
SCHEMAS = Path(__file__).resolve().parent / "ref" / "customui"


def customui_schema(name: str = "customui14.xsd") -> etree.XMLSchema:
    document = etree.parse(str(SCHEMAS / name))
    for _ in range(200):
        try:
            return etree.XMLSchema(document)
        except etree.XMLSchemaParseError as error:
            found = re.search(r"complex type '(\w+)': Duplicate attribute use '(\w+)'", str(error))
            if found is None:
                raise
            complex_type, attribute = found.groups()
            (definition,) = document.getroot().findall(f"{XSD}complexType[@name='{complex_type}']")
            duplicates = [a for a in definition.iter(f"{XSD}attribute") if a.get("name") == attribute]
            if not duplicates:  # brought twice by attribute groups: the base type already has the group
                groups = {g.get("name") for g in document.getroot().findall(f"{XSD}attributeGroup")
                          if any(a.get("name") == attribute for a in g.iter(f"{XSD}attribute"))}
                duplicates = [ref for ref in definition.iter(f"{XSD}attributeGroup") if ref.get("ref") in groups]
            if not duplicates:
                raise
            duplicates[-1].getparent().remove(duplicates[-1])
    raise RuntimeError("the customUI schema still does not compile")

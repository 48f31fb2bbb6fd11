"""Edits to the parts that say which parts a workbook has: the workbook's list of sheets, relationships and
content types. Each edit splices one element in or out of the part's text; everything else in it stays as it
was, byte for byte.
"""

from __future__ import annotations

import posixpath
import re

from defusedxml import ElementTree

from xl_addin.ooxml.xml_text import escape as escape_text
from xl_addin.ooxml.xml_text import quoteattr

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET_REL = REL + "/worksheet"
COMMENTS_REL = REL + "/comments"
VML_REL = REL + "/vmlDrawing"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_TYPE = "application/vnd.openxmlformats-officedocument.vmlDrawing"


class PackageUnreadable(Exception):
    """A part that lists other parts cannot be edited safely; the message names it."""


def rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def relative_target(source: str, target: str) -> str:
    """`target` as a relationship of `source` writes it (relative to the source's folder)."""
    return posixpath.relpath(target, posixpath.dirname(source) or ".")


def _close_tag(text: str, name: str, where: str) -> tuple[int, str]:
    """The position of the last `</name>` (any prefix) and the prefix used."""
    found = list(re.finditer(rf"</((?:[\w.-]+:)?){name}\s*>", text))[-1:]
    if not found:
        raise PackageUnreadable(f"{where} has no </{name}>")
    return found[0].start(), found[0].group(1)


def _open_self_closing(text: str, name: str) -> str:
    """`<name .../>` made `<name ...></name>`, so that an element can go inside."""
    match = re.search(rf"<((?:[\w.-]+:)?){name}\b([^>]*?)/>", text)
    if match is None:
        return text
    return text[:match.start()] + f"<{match.group(1)}{name}{match.group(2)}></{match.group(1)}{name}>" + \
        text[match.end():]


# --- relationships ------------------------------------------------------------------------------------------

def new_relationship_id(rels: str | None) -> str:
    used = set(re.findall(r'\sId="([^"]*)"', rels or ""))
    number = 1
    while f"rIdXlreg{number}" in used:
        number += 1
    return f"rIdXlreg{number}"


def add_relationship(rels: str | None, rel_id: str, kind: str, target: str) -> str:
    text = rels or (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    f'<Relationships xmlns="{PACKAGE_REL}"></Relationships>')
    text = _open_self_closing(text, "Relationships")
    end, prefix = _close_tag(text, "Relationships", "a relationships part")
    element = f"<{prefix}Relationship Id={quoteattr(rel_id)} Type={quoteattr(kind)} Target={quoteattr(target)}/>"
    return text[:end] + element + text[end:]


def remove_relationship(rels: str, rel_id: str) -> str:
    return re.sub(rf'<(?:[\w.-]+:)?Relationship\b[^>]*\sId="{re.escape(rel_id)}"[^>]*?(?:/>|>\s*</(?:[\w.-]+:)?'
                  r"Relationship>)", "", rels, count=1)


def relationships(rels: bytes | str | None, source: str) -> list[tuple[str, str, str]]:
    """(id, type, target part name) of a part's internal relationships (the one reader of them: package
    inspection and editing both go through it)."""
    if not rels:
        return []
    try:
        root = ElementTree.fromstring(rels)
    except ElementTree.ParseError as error:
        raise PackageUnreadable(f"the relationships of {source} cannot be read ({error})") from None
    folder = posixpath.dirname(source)
    found = []
    for element in root.iter(f"{{{PACKAGE_REL}}}Relationship"):
        if element.get("TargetMode") == "External":
            continue
        target = element.get("Target", "")
        name = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        found.append((element.get("Id", ""), element.get("Type", ""), name))
    return found


# --- content types --------------------------------------------------------------------------------------------

def add_override(types: str, part: str, content_type: str) -> str:
    if re.search(rf'PartName="/{re.escape(part)}"', types, re.I):
        return types
    end, prefix = _close_tag(types, "Types", "[Content_Types].xml")
    return types[:end] + f"<{prefix}Override PartName={quoteattr('/' + part)} ContentType={quoteattr(content_type)}/>" \
        + types[end:]


def remove_override(types: str, part: str) -> str:
    return re.sub(rf'<(?:[\w.-]+:)?Override\b[^>]*\sPartName="/{re.escape(part)}"[^>]*/>', "", types, count=1,
                  flags=re.I)


def ensure_default(types: str, extension: str, content_type: str) -> str:
    if re.search(rf'<(?:[\w.-]+:)?Default\b[^>]*\sExtension="{re.escape(extension)}"', types, re.I):
        return types
    end, prefix = _close_tag(types, "Types", "[Content_Types].xml")
    return types[:end] + f"<{prefix}Default Extension={quoteattr(extension)} ContentType={quoteattr(content_type)}/>" \
        + types[end:]


# --- the workbook's sheets -------------------------------------------------------------------------------------

_SHEET = re.compile(r"<((?:[\w.-]+:)?)sheet\b([^>]*?)/>")


def sheet_entries(workbook: str) -> list[tuple[str, re.Match[str]]]:
    """(name, element) for each sheet in the workbook's list, in order."""
    sheets = re.search(r"<((?:[\w.-]+:)?)sheets\b[^>]*>(.*?)</\1sheets>", workbook, re.S)
    if sheets is None:
        return []
    found = []
    for match in _SHEET.finditer(workbook, sheets.start(2), sheets.end(2)):
        name = re.search(r'\sname="([^"]*)"', match.group(2))
        found.append((_unescape(name.group(1)) if name else "", match))
    return found


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'") \
        .replace("&amp;", "&")


def add_sheet(workbook: str, name: str, rel_id: str, *, state: str | None = None,
              before_last: bool = False) -> str:
    """The workbook with a sheet added at the end of its list, or just before its last sheet (which then moves
    up one place: only for a last sheet nothing refers to by position, such as the tool's own record)."""
    ids = [int(found) for found in re.findall(r'<(?:[\w.-]+:)?sheet\b[^>]*\ssheetId="(\d+)"', workbook)]
    root = re.search(r"<((?:[\w.-]+:)?)workbook\b([^>]*)>", workbook)
    declared = re.search(r'\sxmlns:([\w.-]+)="' + re.escape(REL) + '"', root.group(2) if root else "")
    r = declared.group(1) if declared else "r"
    namespace = "" if declared else f' xmlns:r="{REL}"'
    end, prefix = _close_tag(workbook, "sheets", "the workbook part")
    visibility = f' state="{state}"' if state else ""
    element = (f"<{prefix}sheet{namespace} name={quoteattr(name)} sheetId=\"{max(ids, default=0) + 1}\"{visibility} "
               f"{r}:id={quoteattr(rel_id)}/>")
    if before_last:
        entries = sheet_entries(workbook)
        if entries:
            end = entries[-1][1].start()
    return workbook[:end] + element + workbook[end:]


_DEFINED_NAMES = re.compile(r"<((?:[\w.-]+:)?)definedNames\b[^>]*?(/?)>")
# What CT_Workbook puts after definedNames: a new definedNames goes before the first of them
_AFTER_DEFINED_NAMES = re.compile(r"<(?:[\w.-]+:)?(?:calcPr|oleSize|customWorkbookViews|pivotCaches|smartTagPr|"
                                  r"smartTagTypes|webPublishing|fileRecoveryPr|webPublishObjects|extLst)\b|"
                                  r"</(?:[\w.-]+:)?workbook>")


def set_print_titles(workbook: str, position: int, sheet: str, rows: str) -> str:
    """The workbook with the rows (`$1:$1`) printed at the top of each page of the sheet at `position` (from 0),
    in place of any it had."""
    quoted = "'" + sheet.replace("'", "''") + "'"
    workbook = re.sub(rf'<((?:[\w.-]+:)?)definedName\b[^>]*\sname="_xlnm\.Print_Titles"[^>]*\slocalSheetId='
                      rf'"{position}"[^>]*>.*?</\1definedName>', "", workbook, flags=re.S)
    sheets_end, prefix = _close_tag(workbook, "sheets", "the workbook part")
    found = _DEFINED_NAMES.search(workbook)
    name = (f'<{prefix}definedName name="_xlnm.Print_Titles" localSheetId="{position}">'
            f"{escape_text(quoted)}!{rows}</{prefix}definedName>")
    if found is None:
        at = _AFTER_DEFINED_NAMES.search(workbook, sheets_end)
        place = at.start() if at else len(workbook)
        return workbook[:place] + f"<{prefix}definedNames>{name}</{prefix}definedNames>" + workbook[place:]
    if found.group(2) == "/":
        return workbook[:found.start()] + f"<{prefix}definedNames>{name}</{prefix}definedNames>" + \
            workbook[found.end():]
    end, _ = _close_tag(workbook, "definedNames", "the workbook part")
    return workbook[:end] + name + workbook[end:]


_CALC_PR = re.compile(r"<((?:[\w.-]+:)?)calcPr\b([^>]*?)(/?)>")
# What CT_Workbook puts after calcPr: a new calcPr goes before the first of them
_AFTER_CALC_PR = re.compile(r"<(?:[\w.-]+:)?(?:oleSize|customWorkbookViews|pivotCaches|smartTagPr|smartTagTypes|"
                            r"webPublishing|fileRecoveryPr|webPublishObjects|extLst)\b|</(?:[\w.-]+:)?workbook>")


def calculate_on_load(workbook: str) -> str:
    """The workbook marked to be recalculated in full when it is opened: formulas written without their values
    (a sheet added by a program) are worked out then, whatever the version of Excel that saved the file."""
    found = _CALC_PR.search(workbook)
    if found is not None:
        attributes = re.sub(r'\sfullCalcOnLoad="[^"]*"', "", found.group(2))
        return (workbook[:found.start()] + f'<{found.group(1)}calcPr{attributes} fullCalcOnLoad="1"{found.group(3)}>'
                + workbook[found.end():])
    sheets_end, prefix = _close_tag(workbook, "sheets", "the workbook part")
    at = _AFTER_CALC_PR.search(workbook, sheets_end)
    place = at.start() if at else len(workbook)
    return workbook[:place] + f'<{prefix}calcPr fullCalcOnLoad="1"/>' + workbook[place:]


def sheet_relationship_id(element: re.Match[str]) -> str:
    found = re.search(r'\s[\w.-]+:id="([^"]*)"', element.group(2))
    return found.group(1) if found else ""


def remove_sheet(workbook: str, name: str) -> str:
    """The workbook without the named sheet; names, views and print areas that count sheets by position are
    renumbered so they keep pointing at the same sheets."""
    entries = sheet_entries(workbook)
    position = next((index for index, (sheet, _) in enumerate(entries) if sheet == name), None)
    if position is None:
        return workbook
    match = entries[position][1]
    workbook = workbook[:match.start()] + workbook[match.end():]
    last = len(entries) - 1

    def renumber(found: re.Match[str]) -> str:
        number = int(found.group(2))
        shifted = number > position or number == position == last  # the last sheet's tab goes to the one before
        return f'{found.group(1)}="{max(number - 1, 0) if shifted else number}"'

    # a name scoped to the removed sheet goes with it
    workbook = re.sub(rf'<((?:[\w.-]+:)?)definedName\b[^>]*\slocalSheetId="{position}"[^>]*>.*?</\1definedName>',
                      "", workbook, flags=re.S)
    workbook = re.sub(r'(\slocalSheetId|\sactiveTab|\sfirstSheet)="(\d+)"', renumber, workbook)
    return workbook

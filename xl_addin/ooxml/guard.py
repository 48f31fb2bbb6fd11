"""Checks made on a workbook package before any XML in it is parsed: size limits against zip bombs, and
no document type declarations (the door to entity expansion and external entities).

Both read only the zip directory and the first bytes of each part, so a hostile file costs next to nothing.
"""

from __future__ import annotations

import codecs
import zipfile
from dataclasses import dataclass

from xl_addin.ooxml.package import NotAWorkbook

MIB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """What a workbook may expand to. The defaults admit any register Excel itself can hold comfortably
    (a 1,048,576-row sheet of 20 columns is some 400 MB of XML) and refuse what only a bomb would be."""

    max_part_bytes: int = 1024 * MIB
    max_total_bytes: int = 2048 * MIB
    max_parts: int = 10_000
    # Real sheet XML compresses 5 to 40 times; a bomb, hundreds or thousands of times.
    max_ratio: float = 200.0
    ratio_applies_above: int = 16 * MIB
    max_prolog_bytes: int = 64 * 1024


DEFAULT_LIMITS = Limits()
_XML_SUFFIXES = (".xml", ".rels", ".vml")


def check_package(archive: zipfile.ZipFile, file_name: str, limits: Limits = DEFAULT_LIMITS) -> None:
    """Raise NotAWorkbook, in plain words, if the package breaks a limit or declares a DTD in any XML part."""
    entries = archive.infolist()
    if len(entries) > limits.max_parts:
        raise NotAWorkbook(f"{file_name} holds {len(entries):,} parts, more than the limit of "
                           f"{limits.max_parts:,}; it was not read.")
    total = 0
    for entry in entries:
        total += entry.file_size
        ratio = entry.file_size / max(entry.compress_size, 1)
        too_big = entry.file_size > limits.max_part_bytes
        # a high ratio alone is no proof: a sheet of long, repeated strings deflates hundreds of times too. An
        # XML part that expands that much is read once, as a stream, for what it holds; other parts are only
        # ever copied, never expanded.
        suspicious = entry.file_size > limits.ratio_applies_above and ratio > limits.max_ratio
        if too_big or (suspicious and entry.filename.lower().endswith(_XML_SUFFIXES) and _padded(archive, entry)):
            raise NotAWorkbook(
                f"{file_name} was not read: its part {entry.filename} would expand from "
                f"{entry.compress_size / MIB:,.1f} MB to {entry.file_size / MIB:,.0f} MB ({ratio:,.0f} times)"
                + (", beyond the size limits for a workbook" if too_big else ", most of it empty padding") +
                ". It may be a 'zip bomb'.")
    if total > limits.max_total_bytes:
        raise NotAWorkbook(f"{file_name} was not read: it would expand to {total / MIB:,.0f} MB, beyond the "
                           f"limit of {limits.max_total_bytes / MIB:,.0f} MB.")
    for entry in entries:
        if entry.filename.lower().endswith(_XML_SUFFIXES) and _declares_dtd(archive, entry, limits):
            raise NotAWorkbook(
                f"{file_name} was not read: its part {entry.filename} contains a document type declaration "
                "(<!DOCTYPE>), which Excel never writes and which can be used to attack the reader "
                "(entity expansion, external entities).")


# No cell or string in a workbook holds more than 32,767 characters (at most 128 KB of UTF-8), so XML in which a
# whole megabyte passes without a single tag is padding.
PADDING = MIB


def _padded(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bool:
    """Whether an XML part holds a stretch of PADDING bytes without any markup; read as a stream, in chunks."""
    since_tag = 0
    with archive.open(entry) as stream:
        while chunk := stream.read(MIB):
            last = chunk.rfind(b"<")
            if last < 0:
                since_tag += len(chunk)
            else:
                first = chunk.find(b"<")
                if since_tag + first > PADDING:
                    return True
                gaps = chunk[first:last].split(b"<")
                if any(len(gap) > PADDING for gap in gaps):
                    return True
                since_tag = len(chunk) - last - 1
            if since_tag > PADDING:
                return True
    return False


# Nearly every prolog ends within its first few hundred bytes: look there first, at most once further.
_FIRST_LOOK = 4096


def _declares_dtd(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limits: Limits) -> bool:
    """True when the part's prolog (everything before the root element) holds a DTD, or is too long to be
    an honest one."""
    with archive.open(entry) as stream:
        head = stream.read(min(_FIRST_LOOK, limits.max_prolog_bytes))
        verdict = _prolog_verdict(head, whole=len(head) < _FIRST_LOOK, limit=limits.max_prolog_bytes)
        if verdict is None:
            head += stream.read(limits.max_prolog_bytes - len(head))
            verdict = _prolog_verdict(head, whole=True, limit=limits.max_prolog_bytes)
    return bool(verdict)


def _prolog_verdict(head: bytes, *, whole: bool, limit: int) -> bool | None:
    """Whether `head` (the part's first bytes; `whole`: all there is to read, or all that will be) shows a DTD
    or a prolog longer than `limit`; None when it ends before the prolog does."""
    text = _decode(head)
    position = 0
    while True:
        position = _skip_space(text, position)
        if not whole and len(text) - position < 16:
            return None  # a declaration may begin right at the end
        if text.startswith("<?", position):
            end, closing = text.find("?>", position), "?>"
        elif text.startswith("<!--", position):
            end, closing = text.find("-->", position), "-->"
        else:
            # "<!DOCTYPE" (or any other declaration) is refused; the root element, or something that is not
            # XML at all, ends the prolog and is left to the parser
            return text.startswith("<!", position)
        if end < 0:
            # a prolog of comments longer than the limit: no workbook has one
            return None if not whole else len(head) >= limit
        position = end + len(closing)  # past "-->" whole: after its "--" a ">" looked like the root element


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n\ufeff":
        position += 1
    return position


def _decode(head: bytes) -> str:
    for bom, encoding in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):].decode(encoding, errors="replace")
    if head.startswith(b"<\x00"):
        return head.decode("utf-16-le", errors="replace")
    if head.startswith(b"\x00<"):
        return head.decode("utf-16-be", errors="replace")
    return head.decode("utf-8", errors="replace")

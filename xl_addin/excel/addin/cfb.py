"""A minimal MS-CFB (compound file) writer, version 3, for the add-in's `vbaProject.bin`.

512-byte sectors; streams under 4096 bytes live in the mini stream (64-byte mini sectors); each storage's
children form a red-black tree ordered by name length, then by upper-cased name. Timestamps and CLSIDs are
zero, so the same streams always give the same bytes. Good for the few hundred kilobytes of a VBA project
(a single header-held FAT index covers up to about 7 MB).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREE, END_OF_CHAIN, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1
_HEADER_FAT_SLOTS = 109


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: list[_Entry] = field(default_factory=list)
    index: int = 0
    left: int = NO_STREAM
    right: int = NO_STREAM
    child: int = NO_STREAM
    colour: int = _BLACK
    start: int = END_OF_CHAIN


def _order(entry: _Entry) -> tuple[int, str]:
    return len(entry.name), entry.name.upper()


def write_compound_file(streams: dict[str, bytes]) -> bytes:
    """A compound file holding `streams`, keyed by path ('PROJECT', 'VBA/dir')."""
    root = _Entry("Root Entry", _ROOT)
    for path, data in streams.items():
        *folders, name = path.split("/")
        parent = root
        for folder in folders:
            found = next((c for c in parent.children if c.name == folder and c.kind == _STORAGE), None)
            if found is None:
                found = _Entry(folder, _STORAGE)
                parent.children.append(found)
            parent = found
        parent.children.append(_Entry(name, _STREAM, data))
    entries = _number(root)
    _link_trees(root)

    small = [e for e in entries if e.kind == _STREAM and len(e.data) < MINI_CUTOFF]
    large = [e for e in entries if e.kind == _STREAM and len(e.data) >= MINI_CUTOFF]
    mini_stream = bytearray()
    mini_fat: list[int] = []
    for entry in small:
        if not entry.data:
            entry.start = END_OF_CHAIN
            continue
        count = -(-len(entry.data) // MINI_SECTOR)
        entry.start = len(mini_fat)
        mini_fat += [len(mini_fat) + i + 1 for i in range(count - 1)] + [END_OF_CHAIN]
        mini_stream += entry.data.ljust(count * MINI_SECTOR, b"\x00")

    # Lay out regular sectors: directory, mini FAT, mini stream, large streams, then the FAT itself.
    directory = _directory(entries)
    mini_fat_bytes = struct.pack(f"<{len(mini_fat)}I", *mini_fat) if mini_fat else b""
    blobs: list[tuple[str, bytes]] = [("directory", directory), ("minifat", mini_fat_bytes),
                                      ("ministream", bytes(mini_stream))]
    blobs += [(f"stream{e.index}", e.data) for e in large]
    fat: list[int] = []
    starts: dict[str, int] = {}
    for key, blob in blobs:
        count = -(-len(blob) // SECTOR)
        starts[key] = len(fat) if count else END_OF_CHAIN
        fat += [len(fat) + i + 1 for i in range(count - 1)] + ([END_OF_CHAIN] if count else [])
    fat_sectors = 1
    while fat_sectors * (SECTOR // 4) < len(fat) + fat_sectors:
        fat_sectors += 1
    if fat_sectors > _HEADER_FAT_SLOTS:
        raise ValueError("the project is too large for this compound-file writer")
    fat_start = len(fat)
    fat += [FAT_SECTOR] * fat_sectors
    fat += [FREE] * (fat_sectors * (SECTOR // 4) - len(fat))

    root.start = starts["ministream"] if mini_stream else END_OF_CHAIN
    root.data = bytes(mini_stream)
    for entry in large:
        entry.start = starts[f"stream{entry.index}"]
    # the directory was serialised before start sectors were known; do it again now
    directory = _directory(entries)
    blobs[0] = ("directory", directory)

    header = _header(fat_sectors=fat_sectors, fat_start=fat_start, directory_start=starts["directory"],
                     mini_fat_start=starts["minifat"] if mini_fat else END_OF_CHAIN,
                     mini_fat_sectors=-(-len(mini_fat_bytes) // SECTOR))
    body = b"".join(blob.ljust(-(-len(blob) // SECTOR) * SECTOR, b"\x00") for _, blob in blobs)
    return header + body + struct.pack(f"<{len(fat)}I", *fat)


def _number(root: _Entry) -> list[_Entry]:
    """Directory order: the root, then each storage's children depth first."""
    entries = [root]
    pending = [root]
    while pending:
        entry = pending.pop(0)
        for child in sorted(entry.children, key=_order):
            child.index = len(entries)
            entries.append(child)
            pending.append(child)
    return entries


def _link_trees(entry: _Entry) -> None:
    """Each storage's children as a balanced binary search tree, coloured as a valid red-black tree:
    black everywhere except the deepest level of a tree that is not perfect, which is red."""
    children = sorted(entry.children, key=_order)
    if children:
        depth = len(children).bit_length() - 1  # the deepest level of a median-split tree
        perfect = len(children) == (1 << (depth + 1)) - 1
        entry.child = _build(children, 0, depth, perfect)
    for child in entry.children:
        _link_trees(child)


def _build(nodes: list[_Entry], level: int, deepest: int, perfect: bool) -> int:
    if not nodes:
        return NO_STREAM
    middle = len(nodes) // 2
    node = nodes[middle]
    node.colour = _RED if level == deepest and not perfect and deepest > 0 else _BLACK
    node.left = _build(nodes[:middle], level + 1, deepest, perfect)
    node.right = _build(nodes[middle + 1:], level + 1, deepest, perfect)
    return node.index


# An unused directory entry (MS-CFB 2.6.3): all zeros but for its sibling and child ids, which are NOSTREAM.
_UNUSED_ENTRY = struct.pack("<64sHBBIII16sI8s8sIQ", bytes(64), 0, 0, 0, NO_STREAM, NO_STREAM, NO_STREAM,
                            bytes(16), 0, bytes(8), bytes(8), 0, 0)


def _directory(entries: list[_Entry]) -> bytes:
    """The directory sectors: the entries, then unused entries to the end of the last sector."""
    directory = b"".join(_directory_entry(e) for e in entries)
    unused = (-len(directory) % SECTOR) // len(_UNUSED_ENTRY)
    return directory + _UNUSED_ENTRY * unused


def _directory_entry(entry: _Entry) -> bytes:
    name = (entry.name + "\x00").encode("utf-16-le")
    if len(name) > 64:
        raise ValueError(f"stream name too long: {entry.name}")
    size = len(entry.data) if entry.kind != _STORAGE else 0
    return struct.pack("<64sHBBIII16sI8s8sIQ", name, len(name), entry.kind, entry.colour, entry.left,
                       entry.right, entry.child, bytes(16), 0, bytes(8), bytes(8),
                       entry.start if entry.kind != _STORAGE else 0, size)


def _header(*, fat_sectors: int, fat_start: int, directory_start: int, mini_fat_start: int,
            mini_fat_sectors: int) -> bytes:
    fat_slots = [fat_start + i for i in range(fat_sectors)] + [FREE] * (_HEADER_FAT_SLOTS - fat_sectors)
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", _MAGIC, bytes(16), 0x003E, 0x0003, 0xFFFE, 9, 6, bytes(6),
                         0, fat_sectors, directory_start, 0, MINI_CUTOFF, mini_fat_start, mini_fat_sectors,
                         END_OF_CHAIN, 0)
    return header + struct.pack(f"<{_HEADER_FAT_SLOTS}I", *fat_slots)

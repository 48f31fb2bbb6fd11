"""Write a workbook package entry by entry: every entry xlreg does not own is copied as its raw compressed
bytes (never re-deflated, so a 54 MB sheet elsewhere costs a file copy), owned entries are written anew.

Entries keep their order; new entries go at the end. Local headers are written with the sizes and CRC that
the central directory holds (a source's data descriptors are not carried over), which every reader accepts.
"""

from __future__ import annotations

import queue
import struct
import threading
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from xl_addin.runtime import can_start_threads

_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_LOCAL_SIGNATURE, _CENTRAL_SIGNATURE, _END_SIGNATURE = b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06"
_DATA_DESCRIPTOR_FLAG = 0x08
_UTF8_FLAG = 0x800
_ZIP64_LIMIT = 0xFFFFFFFF
CHUNK = 1 << 20


class PackageTooLarge(Exception):
    """An entry or the package needs ZIP64, which a workbook within the size limits never does."""


def _dos_time(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    return (hour << 11) | (minute << 5) | (second // 2), ((max(year, 1980) - 1980) << 9) | (month << 5) | day


def name_bytes(info: zipfile.ZipInfo) -> bytes:
    """The entry name as the source stored it (UTF-8 when flagged, else code page 437)."""
    return info.orig_filename.encode("utf-8" if info.flag_bits & _UTF8_FLAG else "cp437")


def raw_data(source: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The entry's compressed bytes as stored, in chunks, read from its local header's end."""
    source.seek(info.header_offset)
    header = source.read(_LOCAL.size)
    if len(header) < _LOCAL.size or header[:4] != _LOCAL_SIGNATURE:
        raise zipfile.BadZipFile(f"the entry {info.filename} has no local header")
    fields = _LOCAL.unpack(header)
    source.seek(fields[9] + fields[10], 1)  # name and extra field
    left = info.compress_size
    while left:
        chunk = source.read(min(CHUNK, left))
        if not chunk:
            raise zipfile.BadZipFile(f"the entry {info.filename} is cut short")
        left -= len(chunk)
        yield chunk


def deflate(chunks: Iterable[bytes], target: BinaryIO, *, level: int = 6) -> tuple[int, int, int]:
    """Write `chunks` raw-deflated to `target`; return (CRC-32, size, compressed size).

    zlib lets go of the interpreter while it works, so the compressing is done in a thread of its own, beside
    whatever makes the chunks (an edited sheet, say), where a thread can start."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    if not can_start_threads():  # Pyodide: compressed in line
        crc = size = compressed = 0
        for chunk in chunks:
            crc, size = zlib.crc32(chunk, crc), size + len(chunk)
            packed = compressor.compress(chunk)
            compressed += len(packed)
            target.write(packed)
        packed = compressor.flush()
        target.write(packed)
        return crc, size, compressed + len(packed)
    work: queue.Queue[bytes | None] = queue.Queue(maxsize=8)
    totals = [0, 0, 0]  # CRC, size, compressed size
    failure: list[BaseException] = []

    def compress() -> None:
        try:
            while (chunk := work.get()) is not None:
                totals[0] = zlib.crc32(chunk, totals[0])
                totals[1] += len(chunk)
                packed = compressor.compress(chunk)
                totals[2] += len(packed)
                target.write(packed)
            packed = compressor.flush()
            totals[2] += len(packed)
            target.write(packed)
        except BaseException as error:  # reported in the calling thread
            failure.append(error)
            while work.get() is not None:  # let the producer finish
                pass

    worker = threading.Thread(target=compress, daemon=True)
    worker.start()
    try:
        pending: list[bytes] = []
        size = 0
        for chunk in chunks:
            pending.append(chunk)
            size += len(chunk)
            if size >= CHUNK:  # a few large pieces hand over better than many small ones
                work.put(b"".join(pending))
                pending, size = [], 0
        if pending:
            work.put(b"".join(pending))
    finally:
        work.put(None)
        worker.join()
    if failure:
        raise failure[0]
    return totals[0], totals[1], totals[2]


@dataclass
class _Written:
    info: zipfile.ZipInfo
    name: bytes
    offset: int


class PackageWriter:
    """Writes a zip package to an open binary file: raw copies of source entries and new entries."""

    def __init__(self, target: BinaryIO, *, comment: bytes = b"") -> None:
        self.target = target
        self.comment = comment
        self.entries: list[_Written] = []

    def _local_header(self, info: zipfile.ZipInfo, name: bytes, flags: int) -> bytes:
        time, date = _dos_time(info.date_time)
        return _LOCAL.pack(_LOCAL_SIGNATURE, info.extract_version, flags, info.compress_type, time, date,
                           info.CRC, info.compress_size, info.file_size, len(name), 0) + name

    def copy(self, source: BinaryIO, info: zipfile.ZipInfo) -> None:
        """Copy a source entry's compressed bytes as they are."""
        if info.compress_size > _ZIP64_LIMIT or info.file_size > _ZIP64_LIMIT:
            raise PackageTooLarge(info.filename)
        name = name_bytes(info)
        flags = info.flag_bits & ~_DATA_DESCRIPTOR_FLAG
        offset = self.target.tell()
        self.target.write(self._local_header(info, name, flags))
        for chunk in raw_data(source, info):
            self.target.write(chunk)
        copied = zipfile.ZipInfo(info.filename, info.date_time)
        for attribute in ("compress_type", "CRC", "compress_size", "file_size", "external_attr", "internal_attr",
                          "create_system", "create_version", "extract_version", "comment"):
            setattr(copied, attribute, getattr(info, attribute))
        copied.flag_bits = flags
        self.entries.append(_Written(copied, name, offset))

    def write(self, name: str, chunks: Iterable[bytes], *, like: zipfile.ZipInfo | None = None,
              level: int = 6) -> None:
        """A new entry, deflated from `chunks` as they come (the sizes are patched into its header after).
        `like` gives the date and attributes of the entry it replaces."""
        info = self._new_info(name, like)
        encoded = name_bytes(like) if like is not None else name.encode("utf-8")
        offset = self.target.tell()
        self.target.write(self._local_header(info, encoded, info.flag_bits))
        info.CRC, info.file_size, info.compress_size = deflate(chunks, self.target, level=level)
        if info.file_size > _ZIP64_LIMIT or info.compress_size > _ZIP64_LIMIT:
            raise PackageTooLarge(name)
        end = self.target.tell()
        self.target.seek(offset)
        self.target.write(self._local_header(info, encoded, info.flag_bits))
        self.target.seek(end)
        self.entries.append(_Written(info, encoded, offset))

    def write_deflated(self, name: str, deflated: BinaryIO, *, crc: int, size: int, compressed: int,
                       like: zipfile.ZipInfo | None = None) -> None:
        """A new entry whose raw deflated bytes were made beforehand (an edited sheet, streamed to one side)."""
        info = self._new_info(name, like)
        encoded = name_bytes(like) if like is not None else name.encode("utf-8")
        info.CRC, info.file_size, info.compress_size = crc, size, compressed
        if size > _ZIP64_LIMIT or compressed > _ZIP64_LIMIT:
            raise PackageTooLarge(name)
        offset = self.target.tell()
        self.target.write(self._local_header(info, encoded, info.flag_bits))
        deflated.seek(0)
        while chunk := deflated.read(CHUNK):
            self.target.write(chunk)
        self.entries.append(_Written(info, encoded, offset))

    @staticmethod
    def _new_info(name: str, like: zipfile.ZipInfo | None) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, like.date_time if like is not None else (1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = like.external_attr if like is not None else 0o600 << 16
        info.create_system = like.create_system if like is not None else 0
        info.extract_version = info.create_version = 20
        info.CRC = info.compress_size = info.file_size = 0
        encoded = name.encode("utf-8")
        info.flag_bits = (like.flag_bits & _UTF8_FLAG) if like is not None else \
            (_UTF8_FLAG if any(byte > 127 for byte in encoded) else 0)
        return info

    def close(self) -> None:
        """Write the central directory and its end record."""
        start = self.target.tell()
        for entry in self.entries:
            info = entry.info
            time, date = _dos_time(info.date_time)
            self.target.write(_CENTRAL.pack(
                _CENTRAL_SIGNATURE, (info.create_system << 8) | info.create_version, info.extract_version,
                info.flag_bits, info.compress_type, time, date, info.CRC, info.compress_size, info.file_size,
                len(entry.name), 0, len(info.comment), 0, info.internal_attr, info.external_attr, entry.offset))
            self.target.write(entry.name + info.comment)
        size = self.target.tell() - start
        if len(self.entries) > 0xFFFF or start > _ZIP64_LIMIT:
            raise PackageTooLarge("the package")
        self.target.write(_END.pack(_END_SIGNATURE, 0, 0, len(self.entries), len(self.entries), size, start,
                                    len(self.comment)) + self.comment)


def same_entry(first: BinaryIO, first_info: zipfile.ZipInfo, second: BinaryIO, second_info: zipfile.ZipInfo) -> bool:
    """Whether two entries hold the same bytes, compared as stored (compressed) and by CRC and size."""
    if (first_info.CRC, first_info.file_size, first_info.compress_size, first_info.compress_type) != \
            (second_info.CRC, second_info.file_size, second_info.compress_size, second_info.compress_type):
        return False
    return all(a == b for a, b in zip(raw_data(first, first_info), raw_data(second, second_info), strict=False))

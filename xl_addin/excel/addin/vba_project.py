"""Edit a VBA project (MS-OVBA) taken from a template: replace or rename standard modules' source.

A replaced module gets its source compressed as the whole module stream and MODULEOFFSET 0 in the `dir`
stream, so the host compiles it from source (no performance cache). A renamed module also changes its name
records in `dir`, its line in the `PROJECT` stream and its entry in `PROJECTwm`.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass

from xl_addin.excel.addin.ovba import compress, decompress

_PROJECT_VERSION = 0x0009  # its size field says 4, its body is 6 bytes
_CODE_PAGE = 0x0003
_PROJECT_NAME = 0x0004
_MODULE_NAME, _MODULE_NAME_UNICODE = 0x0019, 0x0047
_MODULE_STREAM_NAME, _MODULE_STREAM_NAME_UNICODE = 0x001A, 0x0032
_MODULE_OFFSET = 0x0031


@dataclass
class _Record:
    id: int
    body: bytes

    def pack(self) -> bytes:
        size = 4 if self.id == _PROJECT_VERSION else len(self.body)
        return struct.pack("<HI", self.id, size) + self.body


def _records(dir_stream: bytes) -> list[_Record]:
    records = []
    index = 0
    while index < len(dir_stream):
        record_id, size = struct.unpack_from("<HI", dir_stream, index)
        index += 6
        if record_id == _PROJECT_VERSION:
            size = 6
        records.append(_Record(record_id, dir_stream[index:index + size]))
        index += size
    return records


@dataclass(frozen=True)
class Module:
    name: str
    stream: str
    offset: int


class VbaProject:
    """The streams of a vbaProject.bin, keyed by path ('VBA/dir'), with module-level edits."""

    def __init__(self, streams: dict[str, bytes]) -> None:
        self.streams = dict(streams)
        self._dir = _records(decompress(self.streams["VBA/dir"]))
        code_page = next(r for r in self._dir if r.id == _CODE_PAGE)
        self.encoding = f"cp{struct.unpack('<H', code_page.body)[0]}"

    @classmethod
    def from_file(cls, data: bytes) -> VbaProject:
        import olefile

        container = olefile.OleFileIO(io.BytesIO(data))
        return cls({"/".join(path): container.openstream(path).read() for path in container.listdir()})

    def modules(self) -> list[Module]:
        found, name, stream = [], "", ""
        for record in self._dir:
            if record.id == _MODULE_NAME:
                name = record.body.decode(self.encoding)
            elif record.id == _MODULE_STREAM_NAME:
                stream = record.body.decode(self.encoding)
            elif record.id == _MODULE_OFFSET:
                found.append(Module(name, stream, struct.unpack("<I", record.body)[0]))
        return found

    def source(self, module: str) -> str:
        (found,) = [m for m in self.modules() if m.name == module]
        return decompress(self.streams[f"VBA/{found.stream}"][found.offset:]).decode(self.encoding)

    def replace_module(self, module: str, source: str, *, new_name: str | None = None) -> None:
        """Give `module` this source (and, with `new_name`, that name), to be compiled from source."""
        old = next(m for m in self.modules() if m.name == module)
        name = new_name or module
        current = ""
        for record in self._dir:
            if record.id == _MODULE_NAME:
                current = record.body.decode(self.encoding)
            if current != module:
                continue
            if record.id in (_MODULE_NAME, _MODULE_STREAM_NAME):
                record.body = name.encode(self.encoding)
            elif record.id in (_MODULE_NAME_UNICODE, _MODULE_STREAM_NAME_UNICODE):
                record.body = name.encode("utf-16-le")
            elif record.id == _MODULE_OFFSET:
                record.body = struct.pack("<I", 0)
        del self.streams[f"VBA/{old.stream}"]
        self.streams[f"VBA/{name}"] = compress(source.replace("\r\n", "\n").replace("\n", "\r\n").encode(self.encoding))
        if name != module:
            self._rename_in_project(module, name)

    def rename_project(self, name: str) -> None:
        """The project's name, as the VBA editor shows it."""
        for record in self._dir:
            if record.id == _PROJECT_NAME:
                record.body = name.encode(self.encoding)
        lines = self.streams["PROJECT"].decode(self.encoding).split("\r\n")
        lines = [f'Name="{name}"' if line.startswith("Name=") else line for line in lines]
        self.streams["PROJECT"] = "\r\n".join(lines).encode(self.encoding)

    def _rename_in_project(self, old: str, new: str) -> None:
        lines = self.streams["PROJECT"].decode(self.encoding).split("\r\n")
        renamed = []
        for line in lines:
            if line == f"Module={old}":
                line = f"Module={new}"
            elif line.startswith(f"{old}="):  # its window position in the [Workspace] section
                line = new + line[len(old):]
            renamed.append(line)
        self.streams["PROJECT"] = "\r\n".join(renamed).encode(self.encoding)
        names = self._name_map()
        self.streams["PROJECTwm"] = b"".join(
            (new if name == old else name).encode(self.encoding) + b"\x00"
            + (new if name == old else name).encode("utf-16-le") + b"\x00\x00" for name in names) + b"\x00\x00"

    def _name_map(self) -> list[str]:
        data = self.streams["PROJECTwm"]
        names, index = [], 0
        while index < len(data) and data[index:index + 2] != b"\x00\x00":
            end = data.index(b"\x00", index)
            names.append(data[index:end].decode(self.encoding))
            index = end + 1
            # the UTF-16 copy ends with a 2-byte NUL on an even offset from its start
            start = index
            while data[index:index + 2] != b"\x00\x00" or (index - start) % 2:
                index += 1
            index += 2
        return names

    def to_streams(self) -> dict[str, bytes]:
        streams = dict(self.streams)
        streams["VBA/dir"] = compress(b"".join(record.pack() for record in self._dir))
        return streams

"""The package writer: entries it does not own are copied as their compressed bytes, in their order, with their
names and dates; new entries are deflated as they come; what it writes every zip reader reads."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tests.ooxml.parts import CORPUS
from xl_addin.ooxml.zip_package import CHUNK, PackageTooLarge, PackageWriter, deflate, same_entry

EXCEL_MADE = sorted(CORPUS.glob("*.xls[xm]"))


@pytest.mark.parametrize("path", EXCEL_MADE[::4], ids=lambda path: path.name)
def test_a_package_copied_entry_by_entry_is_the_same_package(path: Path) -> None:
    target = io.BytesIO()
    with path.open("rb") as source, zipfile.ZipFile(source) as archive:
        writer = PackageWriter(target, comment=archive.comment)
        for info in archive.infolist():
            writer.copy(source, info)
        writer.close()
        copied = zipfile.ZipFile(target)
        assert copied.testzip() is None
        assert [info.filename for info in copied.infolist()] == archive.namelist()
        for original, copy in zip(archive.infolist(), copied.infolist(), strict=True):
            assert copy.date_time == original.date_time
            assert same_entry(source, original, target, copy)


def test_new_entries_deflated_as_they_come_and_replaced_ones_keep_their_place() -> None:
    source = io.BytesIO()
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.xml", "<a/>")
        archive.writestr("Überblick.xml", "<b/>")
    target = io.BytesIO()
    with zipfile.ZipFile(source) as archive:
        writer = PackageWriter(target)
        first, second = archive.infolist()
        writer.write("a.xml", (b"<a>%d</a>" % number for number in range(100_000)), like=first)
        writer.copy(source, second)
        writer.write("new.xml", [b"<new/>"])
        writer.close()
    written = zipfile.ZipFile(target)
    assert written.testzip() is None
    assert written.namelist() == ["a.xml", "Überblick.xml", "new.xml"]
    assert written.read("a.xml") == b"".join(b"<a>%d</a>" % number for number in range(100_000))
    assert written.getinfo("a.xml").date_time == first.date_time


def test_entries_with_data_descriptors_are_copied_without_them() -> None:
    class Unseekable(io.RawIOBase):  # zipfile writes data descriptors to a stream it cannot seek
        def __init__(self) -> None:
            self.data = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, chunk: bytes) -> int:  # type: ignore[override]
            self.data += chunk
            return len(chunk)

    stream = Unseekable()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("sheet.xml", "w") as entry:
        entry.write(b"<sheet/>" * 1000)
    source = io.BytesIO(bytes(stream.data))
    info = zipfile.ZipFile(source).infolist()[0]
    assert info.flag_bits & 0x08
    target = io.BytesIO()
    writer = PackageWriter(target)
    writer.copy(source, info)
    writer.close()
    copied = zipfile.ZipFile(target)
    assert not copied.infolist()[0].flag_bits & 0x08
    assert copied.read("sheet.xml") == b"<sheet/>" * 1000


def test_deflated_to_one_side_then_written() -> None:
    side = io.BytesIO()
    crc, size, compressed = deflate([b"x" * CHUNK, b"y" * 10], side)
    assert size == CHUNK + 10 and compressed == len(side.getvalue()) < size
    target = io.BytesIO()
    writer = PackageWriter(target)
    writer.write_deflated("big.xml", side, crc=crc, size=size, compressed=compressed)
    writer.close()
    assert zipfile.ZipFile(target).read("big.xml") == b"x" * CHUNK + b"y" * 10


def test_an_entry_that_would_need_zip64_is_refused_before_anything_is_copied() -> None:
    info = zipfile.ZipInfo("huge.xml")
    info.file_size = 1 << 33
    with pytest.raises(PackageTooLarge):
        PackageWriter(io.BytesIO()).copy(io.BytesIO(), info)


def test_a_failure_while_compressing_reaches_the_caller() -> None:
    class Full(io.BytesIO):
        def write(self, chunk: bytes) -> int:  # type: ignore[override]
            raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        deflate([b"x" * CHUNK] * 20, Full())


def test_where_no_thread_can_start_the_same_bytes_are_deflated_in_line(monkeypatch: pytest.MonkeyPatch) -> None:
    chunks = [b"<row>%d</row>" % number for number in range(50_000)]
    threaded = io.BytesIO()
    expected = deflate(chunks, threaded)
    monkeypatch.setattr("xl_addin.ooxml.zip_package.can_start_threads", lambda: False)
    in_line = io.BytesIO()
    assert deflate(chunks, in_line) == expected
    assert in_line.getvalue() == threaded.getvalue()

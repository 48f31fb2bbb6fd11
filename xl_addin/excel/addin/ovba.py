"""MS-OVBA 2.4.1 compression: how a VBA project stores module source and its `dir` stream.

A compressed container is a signature byte (1) and chunks of up to 4096 decompressed bytes. Each chunk has a
2-byte header (size - 3 in 12 bits, signature 0b011, bit 15 set when compressed) and then token sequences: a
flag byte, then eight tokens, each a literal byte (flag bit 0) or a 2-byte copy token (flag bit 1) that
repeats earlier bytes of the same chunk. A copy token splits its 16 bits into offset and length by how far
into the chunk it stands.
"""

from __future__ import annotations

import struct

CHUNK = 4096
_MIN_MATCH = 3


class CorruptContainer(ValueError):
    pass


def _offset_bits(position: int) -> int:
    """Bits of a copy token given to the offset, for a token at `position` bytes into its chunk."""
    return max(4, (position - 1).bit_length())


def decompress(data: bytes) -> bytes:
    if not data or data[0] != 1:
        raise CorruptContainer("not a compressed VBA container (signature byte is not 1)")
    out = bytearray()
    index = 1
    while index < len(data):
        if index + 2 > len(data):
            raise CorruptContainer("truncated chunk header")
        (header,) = struct.unpack_from("<H", data, index)
        size = (header & 0x0FFF) + 3
        end = min(index + size, len(data))
        index += 2
        chunk_start = len(out)
        if not header & 0x8000:
            out += data[index:index + CHUNK]
            index += CHUNK
            continue
        while index < end:
            flags = data[index]
            index += 1
            for bit in range(8):
                if index >= end:
                    break
                if not flags >> bit & 1:
                    out.append(data[index])
                    index += 1
                    continue
                (token,) = struct.unpack_from("<H", data, index)
                index += 2
                bits = _offset_bits(len(out) - chunk_start)
                offset = (token >> (16 - bits)) + 1
                length = (token & (0xFFFF >> bits)) + 3
                start = len(out) - offset
                if start < chunk_start:
                    raise CorruptContainer("copy token reaches before its chunk")
                for step in range(length):  # byte by byte: a match may overlap what it produces
                    out.append(out[start + step])
    return bytes(out)


def compress(data: bytes) -> bytes:
    out = bytearray(b"\x01")
    for chunk_start in range(0, len(data), CHUNK):
        out += _compress_chunk(data[chunk_start:chunk_start + CHUNK])
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    body = bytearray()
    # positions where each 3-byte prefix occurs, most recent last: a match search without scanning the chunk
    seen: dict[bytes, list[int]] = {}
    position = 0
    while position < len(chunk):
        flag_at = len(body)
        body.append(0)
        flags = 0
        for bit in range(8):
            if position >= len(chunk):
                break
            offset, length = _longest_match(chunk, position, seen)
            if length >= _MIN_MATCH:
                bits = _offset_bits(position)
                body += struct.pack("<H", ((offset - 1) << (16 - bits)) | (length - 3))
                flags |= 1 << bit
                for step in range(length):
                    _remember(chunk, position + step, seen)
                position += length
            else:
                body.append(chunk[position])
                _remember(chunk, position, seen)
                position += 1
        body[flag_at] = flags
    if len(body) >= CHUNK:  # no gain: store raw, padded to a full chunk
        return struct.pack("<H", 0x3000 | (CHUNK - 1)) + chunk.ljust(CHUNK, b"\x00")
    return struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + bytes(body)


def _remember(chunk: bytes, position: int, seen: dict[bytes, list[int]]) -> None:
    if position + _MIN_MATCH <= len(chunk):
        seen.setdefault(chunk[position:position + _MIN_MATCH], []).append(position)


def _longest_match(chunk: bytes, position: int, seen: dict[bytes, list[int]]) -> tuple[int, int]:
    bits = _offset_bits(position)
    max_length = min((0xFFFF >> bits) + 3, len(chunk) - position)
    max_offset = 1 << bits
    best_offset, best_length = 0, 0
    if max_length < _MIN_MATCH:
        return 0, 0
    for candidate in reversed(seen.get(chunk[position:position + _MIN_MATCH], ())):
        offset = position - candidate
        if offset > max_offset:
            break  # older candidates are further away still
        length = _MIN_MATCH
        while length < max_length and chunk[candidate + length] == chunk[position + length]:
            length += 1
        if length > best_length:
            best_offset, best_length = offset, length
            if length == max_length:
                break
    return best_offset, best_length

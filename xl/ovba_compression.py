"""MS-OVBA compression (the LZ77 variant of VBA project streams), per [MS-OVBA] 2.4.1.

Why this exists: ``ms-ovba`` (which lays out the VBA project) delegates compression to
``ms-ovba-compression`` 1.0.1, whose output is corrupt for any stream longer than about
650 bytes (oletools and the package's own decompressor both read back garbage), so
:mod:`xl.build` swaps this compressor in while ms-ovba writes the project. It follows
the specification's algorithm ("Compression", 2.4.1.3.6-2.4.1.3.19) and is checked in
the tests against oletools' independent decompressor (the one olevba uses).
"""

from __future__ import annotations

import struct

__all__ = ["OvbaCompressor", "compress"]

_CHUNK = 4096
_SIGNATURE = 0x01
_CHUNK_SIGNATURE = 0b011 << 12
_CHUNK_COMPRESSED = 0x8000
_MIN_MATCH = 3
_MAX_CANDIDATES = 64


def _copy_token_help(difference: int) -> tuple[int, int]:
    """(bit_count, maximum_length) for a position ``difference`` bytes into the chunk."""
    bit_count = 4
    while (1 << bit_count) < difference:
        bit_count += 1
    return bit_count, (0xFFFF >> bit_count) + 3


def _compress_chunk(data: bytes) -> bytes:
    """One compressed chunk (header included) for at most 4096 decompressed bytes."""
    out = bytearray()
    heads: dict[bytes, list[int]] = {}
    pos = 0
    end = len(data)
    while pos < end:
        flag_index = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= end:
                break
            bit_count, max_length = _copy_token_help(pos)
            best_length = 0
            best_offset = 0
            key = data[pos : pos + _MIN_MATCH]
            if len(key) == _MIN_MATCH:
                limit = min(max_length, end - pos)
                for candidate in reversed(heads.get(key, [])[-_MAX_CANDIDATES:]):
                    length = _MIN_MATCH
                    while length < limit and data[candidate + length] == data[pos + length]:
                        length += 1
                    if length > best_length:
                        best_length, best_offset = length, pos - candidate
                        if length == limit:
                            break
            if best_length >= _MIN_MATCH:
                token = ((best_offset - 1) << (16 - bit_count)) | (best_length - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                step = best_length
            else:
                out.append(data[pos])
                step = 1
            for p in range(pos, min(pos + step, end - _MIN_MATCH + 1)):
                heads.setdefault(data[p : p + _MIN_MATCH], []).append(p)
            pos += step
        out[flag_index] = flags
    if len(out) > _CHUNK:
        if len(data) != _CHUNK:
            raise ValueError("incompressible final chunk cannot be stored raw")
        header = (_CHUNK - 1) | _CHUNK_SIGNATURE  # raw chunk: 4096 bytes as they are
        return struct.pack("<H", header) + data
    header = (len(out) + 2 - 3) | _CHUNK_SIGNATURE | _CHUNK_COMPRESSED
    return struct.pack("<H", header) + bytes(out)


def compress(data: bytes) -> bytes:
    """A CompressedContainer holding ``data``."""
    out = bytearray([_SIGNATURE])
    for start in range(0, len(data), _CHUNK):
        out += _compress_chunk(data[start : start + _CHUNK])
    return bytes(out)


class OvbaCompressor:
    """Drop-in for ``ms_ovba_compression.ms_ovba.MsOvba`` (only ``compress`` is used)."""

    def compress(self, data: bytes) -> bytes:
        """A CompressedContainer holding ``data``."""
        return compress(bytes(data))

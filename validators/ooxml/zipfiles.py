"""Zip reading and writing for the packages the project reads and writes.

Three writers, for three needs: rewrite_zip copies a package part by part (the one that holds
parts in memory), reproducible_zip streams new entries made by zip_entry, MemoryZip builds a
small package in an anonymous memory file (the split reader's parts). Every entry written here
carries the fixed REPRODUCIBLE_STAMP unless it keeps its source's, so that the same content
gives the same bytes.
"""

from __future__ import annotations

import os
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

# Fixed stamp for every part of a workbook, so that the same content gives the same bytes.
REPRODUCIBLE_STAMP = (1980, 1, 1, 0, 0, 0)


def zip_entry(name: str, external_attr: int = 0) -> zipfile.ZipInfo:
    """A deflated zip entry with the fixed stamp, so that the same content gives the same bytes."""
    entry = zipfile.ZipInfo(name, date_time=REPRODUCIBLE_STAMP)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = external_attr
    return entry


@dataclass(frozen=True)
class Chunks:
    """A part too large to hold whole: its bytes as pieces, written one by one as they come, and an
    upper bound of its length (zipfile then writes Zip64 headers only when the bound needs them)."""

    pieces: Iterable[bytes]
    size_bound: int


def rewrite_zip(source: str | Path, target: str | Path,
                edit: Callable[[str, bytes], bytes | Chunks | None] | None = None,
                *, add: Iterable[tuple[str, bytes]] = (), restamp: bool = False, mode: int | None = None) -> None:
    """Copy the zip source to target part by part (target may be source).

    edit(name, data) returns the part's new bytes, Chunks (a large part streamed, never joined), or
    None to drop it; `add` appends new parts, dated like the source's first part. With restamp
    every part gets REPRODUCIBLE_STAMP and, when mode is given, those permission bits: the same
    parts then always give the same bytes. Without restamp each part keeps its own entry (date,
    attributes) from source.
    """
    with zipfile.ZipFile(source) as zin:
        parts = [(info, zin.read(info.filename)) for info in zin.infolist()]
    stamp = parts[0][0].date_time if parts else REPRODUCIBLE_STAMP
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zout:
        for info, data in parts:
            if edit is not None and (data := edit(info.filename, data)) is None:
                continue
            if restamp:
                info = zip_entry(info.filename, info.external_attr if mode is None else mode << 16)
            if isinstance(data, Chunks):
                _write_chunks(zout, info, data)
            else:
                zout.writestr(info, data)
        for name, data in add:
            zout.writestr(zipfile.ZipInfo(name, date_time=stamp), data, zipfile.ZIP_DEFLATED)


def _write_chunks(zout, info, chunks: Chunks) -> None:
    """One part from its pieces; the size bound given beforehand decides Zip64 (zipfile stores the real size)."""
    entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
    entry.file_size = chunks.size_bound
    with zout.open(entry, "w") as out:
        for piece in chunks.pieces:
            out.write(piece)


def reproducible_zip(path: str | Path) -> zipfile.ZipFile:
    """A zip file open for writing entries made by zip_entry, streamed with .open(entry, "w")
    (the annotated copy writes a register's sheet this way, never holding it whole; rewrite_zip
    holds every part in memory)."""
    return zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)


def write_text_part(zout: zipfile.ZipFile, name: str, content, external_attr: int = 0) -> None:
    """A part from a text or an iterator of texts, encoded as UTF-8 in a few large writes."""
    with zout.open(zip_entry(name, external_attr), "w") as dst:
        batch, size = [], 0
        for piece in ([content] if isinstance(content, str) else content):
            batch.append(piece)
            size += len(piece)
            if size > 1 << 20:  # a few large writes: each write costs a compressor call
                dst.write("".join(batch).encode("utf-8"))
                batch, size = [], 0
        dst.write("".join(batch).encode("utf-8"))


def data_offset(raw, part: zipfile.ZipInfo) -> int:
    """Where a part's stored (compressed) bytes start in the zip file `raw`, after its local header."""
    raw.seek(part.header_offset)
    header = raw.read(30)
    if header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("local header")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    return part.header_offset + 30 + name_length + extra_length


def fast_zlib():
    """ISA-L's zlib when installed: it inflates 2.3 times and checksums 8 times faster than zlib
    (docs/sviluppo/performance.md); the standard zlib otherwise."""
    try:
        from isal import isal_zlib

        return isal_zlib
    except ImportError:
        return zlib


INFLATE_IN = 8 * 1024**2  # compressed bytes inflated at a time (few calls: each gives the GIL away)
INFLATE_OUT = 8 * INFLATE_IN  # at most this much out of one call (a bomb never inflates at once)


def inflated_blocks(raw, part: zipfile.ZipInfo, *, block: int = INFLATE_IN, out_block: int = INFLATE_OUT):
    """A stored or deflated part of the zip file `raw` in blocks, never more than its declared size
    (zipfile.BadZipFile when truncated, larger than declared or otherwise compressed)."""
    if part.compress_type not in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED):
        raise zipfile.BadZipFile("compression")
    raw.seek(data_offset(raw, part))
    left, produced = part.compress_size, 0
    inflate = fast_zlib().decompressobj(-15) if part.compress_type == zipfile.ZIP_DEFLATED else None
    while left > 0:
        data = raw.read(min(left, block))
        if not data:
            raise zipfile.BadZipFile("truncated")
        left -= len(data)
        while data:
            out, data = (inflate.decompress(data, out_block), inflate.unconsumed_tail) if inflate else (data, b"")
            produced += len(out)
            if produced > part.file_size:
                raise zipfile.BadZipFile("larger than declared")
            if out:
                yield out
    if inflate:
        tail = inflate.flush()
        if produced + len(tail) > part.file_size:
            raise zipfile.BadZipFile("larger than declared")
        if tail:
            yield tail


def stored_bytes(raw, part: zipfile.ZipInfo) -> bytes:
    """The compressed bytes of a part, as stored in the zip file `raw`."""
    raw.seek(data_offset(raw, part))
    return raw.read(part.compress_size)


class MemoryZip:
    """A small zip in an anonymous memory file (Linux memfd, never on disk): parts copied as stored
    (compressed bytes and all), then one last part appended piece by piece, stored uncompressed."""

    def __init__(self, kept: list[tuple[zipfile.ZipInfo, bytes]], last_part: str, crc32=zlib.crc32):
        self.fd = os.memfd_create("registro-parte")
        self.crc32 = crc32
        self.entries: list[tuple[bytes, int, int, int, int, int]] = []  # name, method, crc, csize, size, offset
        self.offset = 0
        for info, data in kept:
            self._entry(info.filename.encode("utf-8"), info.compress_type, info.CRC, len(data), info.file_size, [data])
        self.last_name = last_part.encode("utf-8")
        self.last_offset = self.offset
        self._write(self._local(self.last_name, zipfile.ZIP_STORED, 0, 0, 0))
        self.last_crc = self.last_size = 0

    def _local(self, name: bytes, method: int, crc: int, csize: int, size: int) -> bytes:
        return struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0x800, method, 0, 0x21, crc, csize, size, len(name), 0) + name

    def _write(self, data) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view):]
        self.offset += len(data)

    def _entry(self, name, method, crc, csize, size, pieces) -> None:
        self.entries.append((name, method, crc, csize, size, self.offset))
        self._write(self._local(name, method, crc, csize, size))
        for piece in pieces:
            self._write(piece)

    @property
    def sheet_size(self) -> int:
        """Bytes of the last part so far."""
        return self.last_size

    def add(self, data: bytes) -> None:
        """Append bytes to the last part."""
        self.last_crc = self.crc32(data, self.last_crc)
        self.last_size += len(data)
        self._write(data)

    def finish(self) -> int:
        """Write the zip's directory; the memory file's descriptor."""
        if self.last_size >= 0xFFFFFFFF:
            raise ValueError("part too large for a plain zip")
        os.pwrite(self.fd, self._local(self.last_name, zipfile.ZIP_STORED, self.last_crc, self.last_size,
                                       self.last_size), self.last_offset)
        self.entries.append((self.last_name, zipfile.ZIP_STORED, self.last_crc, self.last_size, self.last_size,
                             self.last_offset))
        directory = b"".join(
            struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0x800, method, 0, 0x21, crc, csize, size,
                        len(name), 0, 0, 0, 0, 0, offset) + name
            for name, method, crc, csize, size, offset in self.entries)
        start = self.offset
        self._write(directory)
        self._write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(self.entries), len(self.entries),
                                len(directory), start, 0))
        return self.fd

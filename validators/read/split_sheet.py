"""A large .xlsx worksheet read in row ranges side by side: the same cells, on every core.

calamine reads one sheet on one core. For a sheet whose XML is large (a region's month, a
year), the XML is inflated once here and cut between rows into a few parts; each part becomes a
small package in memory (the workbook's own parts copied byte for byte, plus that part of the
sheet) that calamine reads in its own thread. The parts' cells are put back together at their
own row and column, so the frame equals the one a single read of the whole sheet gives
(`whole_sheet`); a test compares the two on varied sheets.

Only what can be cut safely is cut: anything unusual (rows without their number, CDATA or
comments in the sheet, a part larger than declared) and the sheet is read whole instead. The
packages live in anonymous memory files (Linux `memfd`, ooxml/zipfiles.py's MemoryZip), never on
disk: a register holds personal data.
"""

from __future__ import annotations

import itertools
import os
import re
import sys
import tempfile
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl

from registro.validators.ooxml.package import Package
from registro.validators.ooxml.parts import rels_name
from registro.validators.ooxml.zipfiles import MemoryZip, fast_zlib, inflated_blocks, stored_bytes
from registro.validators.parallel import threads_available, workers

# A sheet whose XML is smaller than this is read whole: splitting it gains little.
SPLIT_BYTES = 64 * 1024**2
PART_MIN_BYTES = 16 * 1024**2
# More parts start the threads sooner and end them together; each part costs a package's opening.
PARTS_PER_THREAD = 1
FIRST_PART_EXTRA = 10  # percent
BLOCK = 8 * 1024**2  # compressed bytes inflated at a time (few calls: each gives the GIL away)
OUT_BLOCK = 8 * BLOCK  # at most this much XML out of one call (a bomb never inflates at once)
HEAD_LIMIT = 4 * 1024**2  # the rows must start within this many bytes of the sheet's XML
# Parts each small package carries besides its piece of the sheet (the rest is not read by calamine).
KEPT_TYPES = ("/styles", "/sharedStrings", "/theme")


_ANY_ROW = re.compile(rb"<(\w+:)?row[\s>/]")  # a row's start tag, any namespace prefix


class _Unsplittable(Exception):
    """This sheet is read whole (the reason is for debugging only)."""


def whole_sheet(reader, sheet: str) -> pl.DataFrame:
    """Every cell of a sheet of an open fastexcel reader as text, from row 1 (what read_in_parts reproduces)."""
    return reader.load_sheet(sheet, header_row=None, skip_rows=0, dtypes="string").to_polars()


def read_in_parts(path: Path, sheet: str, *, split_bytes: int | None = None, part_bytes: int | None = None,
                  threads: int | None = None) -> pl.DataFrame | None:
    """The sheet's cells as whole_sheet gives them, read in parts side by side; None when the
    sheet is read whole instead (small, not splittable, or no threads or memory files here).

    split_bytes: the XML size from which a sheet is split (SPLIT_BYTES); part_bytes: the XML of
    one part (by default the sheet's divided into PARTS_PER_THREAD parts per thread)."""
    threads = threads or workers()
    split_bytes = SPLIT_BYTES if split_bytes is None else split_bytes
    if threads < 2 or not threads_available() or not hasattr(os, "memfd_create") or sys.platform != "linux":
        return None
    try:
        with zipfile.ZipFile(path) as zin:
            package = _Package(zin, sheet)
            if package.sheet_info.file_size < split_bytes:
                return None
            size = part_bytes or max(PART_MIN_BYTES, package.sheet_info.file_size // (PARTS_PER_THREAD * threads))
            with open(path, "rb") as raw:
                return _read(package, raw, sheet, size, threads)
    except Exception:  # _Unsplittable, or a part calamine could not read: the whole read decides
        return None


class _Package:
    """Where the sheet is in the package, and the parts copied into every small package."""

    def __init__(self, zin: zipfile.ZipFile, sheet: str):
        package = Package(zin)
        part = package.sheet_part(sheet)
        if part is None:
            raise _Unsplittable("sheet part not found")
        self.sheet_part = part
        self.sheet_info = zin.getinfo(part)
        if self.sheet_info.compress_type not in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED):
            raise _Unsplittable("compression")
        kept = {"[Content_Types].xml", "_rels/.rels", package.workbook, rels_name(package.workbook)}
        kept |= set(package.workbook_parts(KEPT_TYPES))
        self.kept = [zin.getinfo(n) for n in sorted(kept) if n in package.names]


def _inflated(raw, info: zipfile.ZipInfo):
    """The sheet's XML in blocks, never more than its declared size."""
    try:
        yield from inflated_blocks(raw, info, block=BLOCK, out_block=OUT_BLOCK)
    except zipfile.BadZipFile as exc:
        raise _Unsplittable(str(exc)) from None


class _Sheet:
    """The sheet XML's shape: what comes before the rows, how a row starts, how to close a part."""

    def __init__(self, head: bytes):
        data = re.search(rb"<(\w+:)?sheetData\b[^>]*?(/?)>", head)
        root = re.search(rb"<(?![?!])([\w:]+)", head)
        if not data or data.group(2) or not root:
            raise _Unsplittable("no rows")
        p = data.group(1) or b""
        self.prefix, self.p = head[:data.end()], p
        self.rows_start = data.end()
        self.row = re.compile(rb"<" + re.escape(p) + rb"row[\s>/]")
        self.close = b"</" + p + b"sheetData></" + root.group(1) + b">"

    def row_number(self, data: bytes, at: int) -> int | None:
        """The r attribute of the row tag starting at `at`."""
        end = data.find(b">", at)
        m = re.search(rb'\sr\s*=\s*"(\d+)"', data[at:end]) if end > 0 else None
        return int(m.group(1)) if m else None

    def marker_row(self, number: int) -> bytes:
        """A row holding one cell in column A: every part's cells then start at column A."""
        p = self.p
        return (b'<%srow r="%d"><%sc r="A%d" t="inlineStr"><%sis><%st>x</%st></%sis></%sc></%srow>'
                % (p, number, p, number, p, p, p, p, p, p))

    def marker_in_first_row(self, data: bytes, at: int) -> tuple[bytes, bool]:
        """data with a column-A cell put into the row starting at `at` if it has none (True then)."""
        end = data.index(b">", at)
        number = self.row_number(data, at)
        after = data[end + 1:end + 200]
        first = re.match(rb"\s*<" + re.escape(self.p) + rb'c\b[^>]*?\sr\s*=\s*"([A-Z]+)\d+"', after)
        if data[end - 1:end] != b"/" and (first is None and re.match(rb"\s*<" + re.escape(self.p) + rb"c\b", after)
                                          or first is not None and first.group(1) == b"A"):
            return data, False
        p = self.p
        cell = b'<%sc r="A%d" t="inlineStr"><%sis><%st>x</%st></%sis></%sc>' % (p, number, p, p, p, p, p)
        if data[end - 1:end] == b"/":
            return data[:end - 1] + b">" + cell + b"</" + p + b"row>" + data[end + 1:], True
        return data[:end + 1] + cell + data[end + 1:], True


_CRC32 = fast_zlib().crc32


def _load(fd: int, sheet: str, skip: int, folder: str) -> pl.DataFrame:
    """Read one small package (closing its memory file): its rows from row skip + 1."""
    import fastexcel

    link = os.path.join(folder, f"parte-{fd}.xlsx")  # calamine picks the format from the extension
    try:
        os.symlink(f"/proc/self/fd/{fd}", link)
        reader = fastexcel.read_excel(link)
    finally:
        if os.path.lexists(link):
            os.unlink(link)
        os.close(fd)
    return reader.load_sheet(sheet, header_row=None, skip_rows=skip, dtypes="string").to_polars()


def _head(blocks) -> bytes:
    """The sheet's XML up to a little past the start of its first row."""
    head = b""
    for block in blocks:
        head += block
        data = re.search(rb"<(\w+:)?sheetData\b", head)
        row = _ANY_ROW.search(head, data.end()) if data else None
        if row and head.find(b">", row.start()) > 0 and len(head) - row.start() > 512 or len(head) > HEAD_LIMIT:
            break
    return head


def _read(package: _Package, raw, sheet: str, part_bytes: int, threads: int) -> pl.DataFrame:
    kept = [(info, stored_bytes(raw, info)) for info in package.kept]
    blocks = _inflated(raw, package.sheet_info)
    head = _head(blocks)
    shape = _Sheet(head)
    first = shape.row.search(head, shape.rows_start)
    if first is None or shape.row_number(head, first.start()) is None:
        raise _Unsplittable("first row without a number")
    head, marked_first = shape.marker_in_first_row(head, first.start())
    first_number = last_number = shape.row_number(head, first.start())

    # The first part starts while the next ones are still being inflated: it is made larger by
    # about the time that takes, so that the parts end together.
    first_bytes = part_bytes + part_bytes * FIRST_PART_EXTRA // 100
    pending = threading.BoundedSemaphore(threads + 1)  # small packages in memory at once
    futures = []

    def task(fd: int, skip: int) -> pl.DataFrame:
        try:
            return _load(fd, sheet, skip, folder)
        finally:
            pending.release()

    def start_part(number: int | None) -> MemoryZip:
        pending.acquire()
        part = MemoryZip(kept, package.sheet_part, _CRC32)
        part.add(shape.prefix)
        if number is not None:  # a marker row just above the part's first row, then skipped
            part.add(shape.marker_row(number - 1))
        return part

    def submit(part: MemoryZip, skip: int) -> None:
        fd = part.finish()
        futures.append((pool.submit(task, fd, skip), fd, skip))

    with tempfile.TemporaryDirectory(prefix="registro-") as folder, \
            ThreadPoolExecutor(max_workers=threads, thread_name_prefix="registro-parte") as pool:
        try:
            current, skip = None, 0
            current = start_part(None)
            carry, seen = b"", len(shape.prefix)
            for block in itertools.chain([head[len(shape.prefix):]], blocks):
                _check_danger(carry, block)
                carry, pos = block[-16:], 0
                seen += len(block)
                while current.sheet_size + len(block) - pos >= (wanted := part_bytes if futures else first_bytes):
                    cut = shape.row.search(block, pos + max(0, wanted - current.sheet_size))
                    number = shape.row_number(block, cut.start()) if cut else None
                    left = package.sheet_info.file_size - (seen - len(block) + cut.start()) if cut else 0
                    if number is None or number <= last_number or left < part_bytes // 2:
                        break  # (no last part smaller than half a part)
                    current.add(block[pos:cut.start()])
                    current.add(shape.close)
                    submit(current, skip)
                    current, skip, last_number, pos = None, number - 1, number, cut.start()
                    current = start_part(number)
                current.add(block[pos:] if pos else block)
            submit(current, skip)
        except BaseException:
            for future, fd, _ in futures:
                if future.cancel():
                    os.close(fd)
                    pending.release()
            if current is not None and current.fd not in {fd for _, fd, _ in futures}:
                os.close(current.fd)
            raise
        frames = [(future.result(), skip) for future, _, skip in futures]
    return _joined(frames, marked_first, first_number)


def _check_danger(carry: bytes, block: bytes) -> None:
    """Refuse a block holding '<!' (a comment or CDATA, where a row tag may hide): looked for as
    '!' (rare in a sheet, found at memchr speed), then the character before it."""
    at = block.find(b"!")
    while at != -1:
        if (block[at - 1:at] if at else carry[-1:]) == b"<":
            raise _Unsplittable("CDATA or comment in the sheet")
        at = block.find(b"!", at + 1)


def _joined(frames: list[tuple[pl.DataFrame, int]], marked_first: bool, first_number: int) -> pl.DataFrame:
    """The parts' rows one after the other (with the empty rows between them), as one frame."""
    pieces, height = [], 0
    for frame, skip in frames:
        if frame.height == 0:
            continue
        if skip > height:
            pieces.append(pl.DataFrame({frame.columns[0]: pl.Series([None] * (skip - height), dtype=pl.String)}))
            height = skip
        pieces.append(frame)
        height += frame.height
    out = pl.concat(pieces, how="diagonal")
    out = out.select(sorted(out.columns, key=lambda c: int(c.rsplit("_", 1)[-1])))
    if marked_first:  # the marker cell put into the first row
        first = out.columns[0]
        out = out.with_columns(pl.when(pl.int_range(pl.len()) == first_number - 1).then(None)
                               .otherwise(pl.col(first)).alias(first))
    lead = 0
    while lead < out.width - 1 and out[:, lead].null_count() == out.height:
        lead += 1
    out = out[:, lead:]
    return out.rename({c: f"__UNNAMED__{i}" for i, c in enumerate(out.columns)})

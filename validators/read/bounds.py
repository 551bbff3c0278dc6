"""Memory bounded by a sheet's content, not by where its farthest cell sits (.xlsx, .xlsm).

calamine allocates a sheet's whole grid, from its first to its last cell: a value left in
XFD1048576 asks for 512 GB and the process aborts (no Python exception can catch it). So before
calamine sees a package, each worksheet's <dimension> is read; Excel, LibreOffice and openpyxl
write it exactly. When it spans more than SAFE_CELLS, or far more rows than the XML holds (or
is missing), the sheet's cells are scanned: the register's columns are the first run of used columns with gaps of at most
COLUMN_GAP, its rows the first run of used rows (in those columns) with gaps of at most ROW_GAP.
Cells outside are stray: they are taken out of a copy of the package in memory, which is read
instead, and counted in the summary. A sheet still too sparse after that is refused.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

SAFE_CELLS = 1 << 24  # 16.7 M cells (a million rows of 16 columns): about 512 MB in calamine's grid
COLUMN_GAP = 26  # empty columns inside a register's columns
ROW_GAP = 1000  # empty rows inside a register's rows
MIN_ROW_BYTES = 16  # fewer XML bytes per row of the dimension: a sparse sheet, scanned
MAX_SHEET_XML = 512 * 1024**2  # the XML of a sheet that is scanned and rewritten in memory
UNDIMENSIONED_SCAN_BYTES = 64 * 1024**2  # a sheet without <dimension> is scanned up to this XML size

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\sref\s*=\s*\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")
_CELL = re.compile(rb"<((?:\w+:)?)c\b([^>]*?)(/>|>.*?</\1c>)", re.S)
_REF = re.compile(rb"\sr\s*=\s*\"([A-Z]{1,3})(\d{1,7})\"")


class TooSparse(Exception):
    """The sheet's cells span too large an area even without stray cells (Italian message)."""


@dataclass(frozen=True)
class Trimmed:
    package: bytes  # the package without the stray cells
    stray: int  # cells left out
    farthest: str  # the farthest of them (A1 reference)


def column_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _letters(index: int) -> str:
    """16384 -> 'XFD' (the A1 helper of render/ is out of read/'s reach)."""
    return _letters((index - 1) // 26) + chr(65 + (index - 1) % 26) if index else ""


def _first_run(values: list[int], gap: int) -> tuple[int, int]:
    """(first, last) of the first run of sorted distinct values whose steps are at most gap + 1."""
    first = last = values[0]
    for v in values[1:]:
        if v - last > gap + 1:
            break
        last = v
    return first, last


def _needs_scan(head: bytes, xml_size: int) -> bool:
    """Whether a sheet may hold stray cells: its dimension spans more than SAFE_CELLS, or many
    more rows than its XML could hold (a row of a register takes well over MIN_ROW_BYTES)."""
    m = _DIMENSION.search(head)
    if not m or not m.group(3):  # no dimension (a sheet not saved by Excel or LibreOffice): scan if small
        return m is None and xml_size <= UNDIMENSIONED_SCAN_BYTES  # a single cell: nothing to fear
    rows = int(m.group(4)) - int(m.group(2)) + 1
    cols = column_index(m.group(3)) - column_index(m.group(1)) + 1
    return rows * cols > SAFE_CELLS or rows > ROW_GAP and xml_size < rows * MIN_ROW_BYTES


def _trim_sheet(xml: bytes) -> tuple[bytes, int, str]:
    """(the sheet without stray cells, how many, the farthest one). Three passes over the cells'
    references, keeping only sets of distinct columns and rows (never a list of every cell)."""
    def refs():
        for m in _CELL.finditer(xml):
            ref = _REF.search(m.group(2))
            if ref:
                yield column_index(ref.group(1)), int(ref.group(2))

    used = {c for c, _ in refs()}
    if not used:
        return xml, 0, ""
    cols = _first_run(sorted(used), COLUMN_GAP)
    rows = _first_run(sorted({r for c, r in refs() if cols[0] <= c <= cols[1]}), ROW_GAP)

    def inside(c: int, r: int) -> bool:
        return cols[0] <= c <= cols[1] and rows[0] <= r <= rows[1]

    kept = stray = 0
    far = (0, 0)
    for c, r in refs():
        if inside(c, r):
            kept += 1
        else:
            stray += 1
            far = max(far, (r, c))
    area = (cols[1] - cols[0] + 1) * (rows[1] - rows[0] + 1)
    if area > max(SAFE_CELLS, 2 * kept):
        raise TooSparse(f"le celle del foglio occupano {rows[1] - rows[0] + 1} righe per {cols[1] - cols[0] + 1} "
                        "colonne con pochi valori: togliere le celle sparse e salvarlo di nuovo")
    if not stray:
        return xml, 0, ""

    def keep(m: re.Match) -> bytes:
        ref = _REF.search(m.group(2))
        return m.group(0) if ref is None or inside(column_index(ref.group(1)), int(ref.group(2))) else b""

    return _CELL.sub(keep, xml), stray, f"{_letters(far[1])}{far[0]}"


def trimmed(path: Path) -> Trimmed | None:
    """The package without stray cells when a worksheet spans more than SAFE_CELLS; None when
    every sheet is as compact as its content (the file is read as it is). TooSparse when a sheet
    is too sparse even so; zipfile errors for a damaged package (the reader's message then)."""
    with zipfile.ZipFile(path) as z:
        sheets = [i for i in z.infolist() if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")]
        wide = []
        for info in sheets:
            with z.open(info) as fh:
                if _needs_scan(fh.read(64 * 1024), info.file_size):
                    wide.append(info)
        if not wide:
            return None
        changed: dict[str, bytes] = {}
        stray, farthest = 0, ""
        for info in wide:
            if info.file_size > MAX_SHEET_XML:
                raise TooSparse("un foglio ha celle sparse in un'area troppo grande da controllare: togliere le "
                                "celle sparse e salvarlo di nuovo")
            xml, count, far = _trim_sheet(z.read(info))
            if count:
                changed[info.filename] = xml
                stray += count
                farthest = farthest or far
        if not changed:
            return None
        out = BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as w:
            for info in z.infolist():
                w.writestr(info.filename, changed.get(info.filename) or z.read(info))
    return Trimmed(out.getvalue(), stray, farthest)

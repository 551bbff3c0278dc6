"""Safe output files: written atomically, never onto an input, text cells defused for Excel."""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from registro.validators.errors import UsageError

# A text cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def defuse(value):
    """Neutralise a text that a spreadsheet would run as a formula (prefix with an apostrophe)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def check_target(target: Path, inputs: Iterable[Path]) -> None:
    """Refuse to write onto one of the input files."""
    target = Path(target).resolve()
    for p in inputs:
        try:
            if Path(p).resolve() == target or (target.exists() and Path(p).exists() and os.path.samefile(p, target)):
                raise UsageError(f"il file di uscita '{target}' coincide con un file di ingresso: scegliere un altro nome.")
        except OSError:
            continue


@contextmanager
def atomic_path(target: str | Path, inputs: Iterable[Path] = ()):
    """Yield the path to write target's new file to; on success the file takes target's place in one
    step, never onto an input, with an Italian one-liner when target is open in Excel (output_set.py)."""
    from registro.validators.output_set import OutputSet, is_staged

    if is_staged(Path(target)):  # already aside: the run's OutputSet puts it in place
        yield Path(target)
        return
    with OutputSet(inputs) as out:
        yield out.aside(target)


# Fixed stamp for every part of a workbook, so that the same content gives the same bytes.
REPRODUCIBLE_STAMP = (1980, 1, 1, 0, 0, 0)


def zip_entry(name: str, external_attr: int = 0):
    """A deflated zip entry with the fixed stamp, so that the same content gives the same bytes."""
    import zipfile

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
    """Copy the zip source to target part by part (target may be source): the one zip writer of the project.

    edit(name, data) returns the part's new bytes, Chunks (a large part streamed, never joined), or
    None to drop it; `add` appends new parts, dated like the source's first part. With restamp
    every part gets REPRODUCIBLE_STAMP and, when mode is given, those permission bits: the same
    parts then always give the same bytes. Without restamp each part keeps its own entry (date,
    attributes) from source.
    """
    import zipfile

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
    import zipfile

    entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
    entry.file_size = chunks.size_bound
    with zout.open(entry, "w") as out:
        for piece in chunks.pieces:
            out.write(piece)


def save_workbook(workbook, path: str | Path, *, document_time=None, mode: int | None = None) -> None:
    """Save an openpyxl workbook reproducibly: fixed document dates (document_time, default
    REPRODUCIBLE_STAMP) and zip entries (see rewrite_zip; mode sets the entries' permission bits)."""
    import datetime as dt
    import zipfile

    from openpyxl.writer.excel import ExcelWriter

    stamp = document_time or dt.datetime(*REPRODUCIBLE_STAMP)
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    # ExcelWriter directly: openpyxl's save_workbook would stamp "modified" with the current time.
    ExcelWriter(workbook, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    rewrite_zip(path, path, restamp=True, mode=mode)


def reproducible_zip(path: str | Path):
    """A zip file open for writing entries made by zip_entry, streamed with .open(entry, "w")
    (the annotated copy writes a register's sheet this way, never holding it whole; rewrite_zip
    holds every part in memory)."""
    import zipfile

    return zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)


UTF8 = ("utf-8", "utf-8-sig")


def write_frame_csv(path: str | Path, frame, headers: list[str] | None, *, delimiter: str, line_end: str,
                    encoding: str = "utf-8-sig") -> None:
    """A frame as CSV straight into a file (UTF-8, with the BOM for utf-8-sig): the header line as
    csv.writer writes it, then the rows by polars, empty text and null as empty cells, quoting
    where needed (the same text as csv.writer, without building it in memory first)."""
    import csv
    import io

    import polars as pl

    if encoding not in UTF8:
        raise ValueError(f"write_frame_csv writes UTF-8, not {encoding}")
    head = io.StringIO()
    if headers:
        csv.writer(head, delimiter=delimiter, lineterminator=line_end).writerow(headers)
    with open(path, "wb") as out:
        out.write(head.getvalue().encode(encoding))  # utf-8-sig puts the BOM first
        frame.with_columns(pl.col(pl.String).replace("", None)).write_csv(
            out, include_header=False, separator=delimiter, line_terminator=line_end, quote_char='"',
            quote_style="necessary", null_value="")

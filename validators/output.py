"""Safe output files: written atomically, never onto an input, text cells defused for Excel.

The zip writing these files rest on is in ooxml/zipfiles.py."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable

from registro.validators.errors import UsageError
from registro.validators.ooxml.zipfiles import REPRODUCIBLE_STAMP, rewrite_zip

# A text cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_REGEX = {"\t": r"\t", "\r": r"\r", "-": r"\-", "^": r"\^", "]": r"\]", "\\": r"\\"}
TRIGGERS = "^[" + "".join(_REGEX.get(c, c) for c in FORMULA_TRIGGERS) + "]"  # the same, as a regular expression


def defuse(value):
    """Neutralise a text that a spreadsheet would run as a formula (prefix with an apostrophe)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def defused(value):
    """defuse as a polars expression on a text column."""
    import polars as pl

    return pl.when(value.str.contains(TRIGGERS)).then(pl.lit("'") + value).otherwise(value)


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

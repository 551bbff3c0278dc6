"""Safe output files: written atomically, never onto an input, text cells defused for Excel."""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable

from validators.errors import UsageError

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
    """Yield a temporary path beside target; on success it replaces target in one step."""
    target = Path(target)
    check_target(target, inputs)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# Fixed stamp for every part of a workbook, so that the same content gives the same bytes.
REPRODUCIBLE_STAMP = (1980, 1, 1, 0, 0, 0)


def zip_entry(name: str, external_attr: int = 0):
    """A deflated zip entry with the fixed stamp, so that the same content gives the same bytes."""
    import zipfile

    entry = zipfile.ZipInfo(name, date_time=REPRODUCIBLE_STAMP)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = external_attr
    return entry


def save_workbook(workbook, path: str | Path) -> None:
    """Save an openpyxl workbook reproducibly: fixed document dates and zip timestamps."""
    import datetime as dt
    import zipfile

    from openpyxl.writer.excel import ExcelWriter

    stamp = dt.datetime(*REPRODUCIBLE_STAMP)
    workbook.properties.created = stamp
    workbook.properties.modified = stamp
    # ExcelWriter directly: openpyxl's save_workbook would stamp "modified" with the current time.
    ExcelWriter(workbook, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as target:
        for info, data in parts:
            fixed = zipfile.ZipInfo(info.filename, date_time=REPRODUCIBLE_STAMP)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, data)


def reproducible_zip(path: str | Path):
    """A zip file open for writing entries made by zip_entry, streamed with .open(entry, "w")
    (the annotated copy writes a register's sheet this way, never holding it whole)."""
    import zipfile

    return zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True)

"""What an archive folder may hold, the leftovers of an interrupted change, the upgrade from schema 1,
and the status of an archive (no polars: `registro archivio stato` answers from here at once).

    ARCHIVE/archivio.json                              metadata: schema, key fingerprint, partitions, index
    ARCHIVE/storico-<id>.parquet                       the history index (registro.validators.archive.index)
    ARCHIVE/dati/mese=2026-10/sede=ancona/righe.parquet   the dataset folder: partitions and nothing else
    ARCHIVE/lavoro/                                    staging: files of a change not yet in place
    ARCHIVE/giornale.json                              the intent journal of a change under way (journal.py)
    ARCHIVE/.registro.lock, .registro-scrittura.lock   the locks

Schema 1 (version 0.1) kept `mese=…/sede=…/part-<id>.parquet` at the top level, beside the
metadata and the index, where no Parquet reader could take the folder as it is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from registro.validators.archive import journal
from registro.validators.archive.meta import (DATA, IGNORED, JOURNAL, LOCK, META, MONTH_DIR, OFFICE_DIR, PART, PART_NAME,
                                              STAGING, WRITER_LOCK, HISTORY_FILE, Partition, file_lock, foreign,
                                              history_file, not_found, partition_file, partitions, read_meta,
                                              remove_empty_dirs)
from registro.validators.errors import ArchiveError

OURS = {META, LOCK, WRITER_LOCK, JOURNAL}


def check_folder(folder: Path, meta: dict, *, remove_leftovers: bool) -> list[str]:
    """Refuse foreign files; list (and with remove_leftovers delete) what an interrupted change left:
    staged files, an unreferenced history index, temporary metadata, empty partition folders."""
    if meta["versione_schema"] == 1:
        leftovers = _check_schema1(folder, meta)
    else:
        leftovers = _check_schema2(folder, meta, staging=remove_leftovers)
    if remove_leftovers:
        for path in leftovers:
            if os.path.isdir(path):
                os.rmdir(path)
            else:
                os.unlink(path)
        remove_empty_dirs(folder / DATA)
        if (folder / STAGING).is_dir():
            for sub in sorted((p for p in (folder / STAGING).rglob("*") if p.is_dir()), reverse=True):
                sub.rmdir()
    return leftovers


def _top_level(folder: Path, meta: dict, entry: os.DirEntry, leftovers: list[str]) -> bool:
    """Whether a top-level entry is ours and not a partition folder (leftovers appended)."""
    if entry.name in OURS or entry.name in IGNORED:
        return True
    if entry.name.startswith((f".{META}-", f".{JOURNAL}-")) and entry.name.endswith(".tmp"):
        leftovers.append(entry.path)
        return True
    if HISTORY_FILE.match(entry.name) and entry.is_file():
        if entry.name != history_file(meta):
            leftovers.append(entry.path)
        return True
    return False


def _check_schema2(folder: Path, meta: dict, *, staging: bool) -> list[str]:
    referenced = {p.file for p in partitions(meta)}
    leftovers: list[str] = []
    for entry in os.scandir(folder):
        if _top_level(folder, meta, entry, leftovers):
            continue
        if entry.name == STAGING and entry.is_dir():
            if staging:  # only a writer knows that no other writer is staging files there
                leftovers += [str(p) for p in journal.staged(folder)]
            continue
        if not (entry.name == DATA and entry.is_dir()):
            raise foreign(entry.path)
        for month, office, part in _partition_entries(os.scandir(entry.path)):
            if part.name != PART_NAME or not part.is_file():
                raise foreign(part.path)
            if f"{DATA}/{month.name}/{office.name}/{part.name}" not in referenced:
                raise ArchiveError(f"file estraneo nell'archivio: '{part.path}' non è registrato in {META} "
                                   "(i programmi che leggono la cartella dati/ ne conterebbero le righe): "
                                   "spostarlo altrove, poi eseguire 'registro archivio verifica'.")
    return leftovers


def _partition_entries(months):
    """(month, office, part) directory entries below the month folders given (names in IGNORED
    skipped); a month or office entry not shaped as a partition folder raises foreign()."""
    for month in months:
        if month.name in IGNORED:
            continue
        if not (MONTH_DIR.match(month.name) and month.is_dir()):
            raise foreign(month.path)
        for office in os.scandir(month.path):
            if office.name in IGNORED:
                continue
            if not (OFFICE_DIR.match(office.name) and office.is_dir()):
                raise foreign(office.path)
            for part in os.scandir(office.path):
                if part.name not in IGNORED:
                    yield month, office, part


def _check_schema1(folder: Path, meta: dict) -> list[str]:
    referenced = {p.file for p in partitions(meta)}
    leftovers: list[str] = []
    months = (entry for entry in os.scandir(folder) if not _top_level(folder, meta, entry, leftovers))
    for month, office, part in _partition_entries(months):
        if not (PART.match(part.name) and part.is_file()):
            raise foreign(part.path)
        if f"{month.name}/{office.name}/{part.name}" not in referenced:
            leftovers.append(part.path)
    return leftovers


def upgrade_plan(meta: dict) -> tuple[list[tuple[str, str]], dict]:
    """From schema 1: each partition file moved to its place in dati/, and the metadata that says so."""
    parts = partitions(meta)
    moves = [(p.file, partition_file(p.month, p.office)) for p in parts]
    renamed = dict(moves)
    new = dict(meta, versione_schema=2, partizioni=[replace(p, file=renamed[p.file]).to_json() for p in parts])
    if history_file(meta):
        new["storico"] = dict(meta["storico"], partizioni=[renamed.get(f, f) for f in meta["storico"]["partizioni"]])
    return moves, new


@dataclass
class Status:
    """What `registro archivio stato` shows: the partitions and where the dataset folder is."""

    folder: Path
    schema: int
    partitions: list[Partition]
    notices: list[str] = field(default_factory=list)  # an interrupted change completed on the way

    @property
    def data_folder(self) -> Path | None:
        """The folder of Hive partitions for other programs (None for schema 1: `verifica` upgrades it)."""
        return self.folder.absolute() / DATA if self.schema >= 2 else None


def status(folder: Path) -> Status:
    """The partitions of an archive, from its metadata (shared lock, layout checked)."""
    folder = Path(folder)
    if not (folder / META).exists():
        raise not_found(folder)
    notices: list[str] = []
    while True:
        with file_lock(folder / LOCK, exclusive=False):
            if not (folder / JOURNAL).exists():  # under the shared lock a journal is a killed writer's
                meta = read_meta(folder)
                check_folder(folder, meta, remove_leftovers=False)
                return Status(folder, meta["versione_schema"], partitions(meta), notices)
        notices += journal.recover(folder)

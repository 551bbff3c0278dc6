"""The history index: the three columns the checks read of every archived row, in one file.

    ARCHIVE/storico-<id>.parquet   pseudonimo, codice_servizio, data, parte

`parte` is the row's partition: its position in the list archivio.json keeps beside the index's
name (`storico: {file, partizioni}`). Reading one file instead of one per (month, office)
makes a month checked against five years of archive cost a few hundredths of a second instead
of tenths (780 partition files: 0.11-0.4 s; the index: 0.03-0.05 s).

The index is derived data, written with every import and removal under a new name before the
metadata commit (a process killed before it leaves an unreferenced file, removed as a leftover),
and rebuilt from the partition files by `registro archivio verifica` when it is missing or does
not match them. An archive written without one is read partition by partition.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import polars as pl

from registro.validators.archive.meta import Partition
from registro.validators.archive.meta import history_file as referenced
from registro.validators.errors import ArchiveError

COLUMNS = {"pseudonimo": pl.UInt64(), "codice_servizio": pl.String(), "data": pl.Date(), "parte": pl.UInt32()}
ROW_COLUMNS = ["pseudonimo", "codice_servizio", "data"]


def new_name() -> str:
    return f"storico-{uuid.uuid4().hex}.parquet"


def entry(name: str, parts: list[Partition]) -> dict:
    """What archivio.json keeps of an index: its file and the partition files in `parte` order."""
    return {"file": name, "partizioni": [p.file for p in parts]}


def from_partitions(folder: Path, parts: list[Partition]) -> pl.DataFrame:
    """The index of partitions read from their files (each file's rows in the count its metadata records)."""
    if not parts:
        return pl.DataFrame(schema=COLUMNS)
    rows = pl.scan_parquet([folder / p.file for p in parts], hive_partitioning=False).select(ROW_COLUMNS).collect()
    if rows.height != sum(p.rows for p in parts):
        raise ArchiveError("le righe dei file dell'archivio non corrispondono ai suoi metadati: eseguire "
                           "'registro archivio verifica' per trovare il file danneggiato.")
    counts = pl.Series([p.rows for p in parts], dtype=pl.UInt32)
    parte = pl.int_range(len(parts), eager=True, dtype=pl.UInt32).repeat_by(counts).explode()
    return rows.with_columns(parte.alias("parte"))


def carried(index: pl.DataFrame, old: list[str], kept: list[Partition]) -> pl.DataFrame:
    """The rows of an index (partitions `old`, in parte order) that belong to `kept`, renumbered in kept's order."""
    place = {file: i for i, file in enumerate(p.file for p in kept)}
    mapping = {i: place[f] for i, f in enumerate(old) if f in place}
    if not mapping:
        return pl.DataFrame(schema=COLUMNS)
    return index.filter(pl.col("parte").is_in(list(mapping))).with_columns(
        pl.col("parte").replace_strict(mapping, return_dtype=pl.UInt32))


def rows_of(frame: pl.DataFrame, parte: int) -> pl.DataFrame:
    """Index rows for the archived rows of one new partition."""
    return frame.select(ROW_COLUMNS).cast({k: COLUMNS[k] for k in ROW_COLUMNS}).with_columns(
        pl.lit(parte, dtype=pl.UInt32).alias("parte"))


def read(folder: Path, meta: dict, parts: list[Partition]) -> pl.DataFrame | None:
    """The index as the metadata describes it (None without one); ArchiveError when it does not
    match the partitions (damaged or stale: `registro archivio verifica` rebuilds it)."""
    name = referenced(meta)
    if name is None:
        return None
    listed = meta["storico"].get("partizioni")
    by_file = {p.file: p for p in parts}
    try:
        if not isinstance(listed, list) or set(listed) != set(by_file) or len(listed) != len(by_file):
            raise ValueError("partitions")
        index = pl.read_parquet(folder / name)
        if dict(index.schema) != COLUMNS or index.height != sum(p.rows for p in parts):
            raise ValueError("rows")
    except (OSError, ValueError, pl.exceptions.PolarsError):
        raise ArchiveError(f"l'indice dello storico dell'archivio '{folder}' ({name}) manca o non corrisponde alle "
                           "partizioni: eseguire 'registro archivio verifica', che lo ricostruisce.") from None
    return index


def listed_keys(meta: dict, parts: list[Partition]) -> list[tuple[str, str]]:
    """The (month, office slug) of each `parte` number, in order."""
    by_file = {p.file: p.key for p in parts}
    return [by_file[f] for f in meta["storico"]["partizioni"]]

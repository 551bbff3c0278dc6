"""Archived rows as history for the checks: each person's first date of each prerequisite service.

validators.check asks a history source for the persons of the registers being checked (their
normalised codici fiscali), the services that are some service's prerequisite, and the
(office, month) pairs of those registers, which the archive must not answer for (the registers
replace them). The pseudonyms of those persons are computed with the archive's key, matched
against the archived rows, and mapped back to the caller's codici fiscali in memory only.

The archive's rows of prerequisite services can be read while the registers are being read
(`prefetch`): reading a spreadsheet leaves the second core idle, and the lookup that remains
after the reading is a filter on rows already in memory.
"""

from __future__ import annotations

import threading
from pathlib import Path

import polars as pl

from validators.archive.meta import Partition, office_slug
from validators.archive.store import Archive
from validators.errors import ArchiveError

_COLUMNS = ["pseudonimo", "codice_servizio", "data"]


class ArchiveHistory:
    """The history source of validators.check.checked for one archive."""

    def __init__(self, archive: Archive):
        if archive.key is None:
            raise ValueError("an archive used as history needs its key")
        self.archive = archive
        self._codes: list[str] | None = None
        self._rows: pl.DataFrame | None = None
        self._parts: list[Partition] = []  # the partitions of _rows, in their order
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    @property
    def description(self) -> str:
        """How the report names this history."""
        return f"archivio {self.archive.folder}"

    def prefetch(self, codes: list[str]) -> None:
        """Start reading the archived rows in the background (every row: a filter inside the scan
        costs more than it saves; the persons, known only after the reading, are filtered later)."""
        self._codes = sorted(codes)

        def run():
            try:
                with self.archive.reading():
                    parts = self.archive.partitions
                    self._rows = self._scan([self.archive.folder / p.file for p in parts], None)
                    self._parts = parts
            except BaseException as exc:  # noqa: BLE001 - re-raised by firsts(), in the caller's thread
                self._error = exc

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def firsts(self, persons: pl.Series, codes: list[str], exclude: set[tuple[str, str]]) -> pl.DataFrame:
        """codice_fiscale, codice_servizio, data: the first archived date of each (person, code).

        persons are normalised codici fiscali; exclude holds (office as written, 'AAAA-MM') pairs.
        """
        empty = pl.DataFrame(schema={"codice_fiscale": pl.String, "codice_servizio": pl.String, "data": pl.Date})
        persons = persons.drop_nulls().unique()
        if persons.is_empty() or not codes:
            return empty
        known = pl.DataFrame({"codice_fiscale": persons}).with_columns(
            self.archive.pseudonyms(persons).alias("pseudonimo"))
        wanted = pl.col("pseudonimo").is_in(known["pseudonimo"].implode())
        skip = {(month, office_slug(office)) for office, month in exclude}
        if self._thread is not None and self._codes == sorted(codes):
            self._thread.join()
            if self._error is not None:
                raise self._error
            rows = _without(self._rows, self._parts, skip).filter(wanted)
        else:
            with self.archive.reading():
                rows = self._scan(self.archive.files(exclude=skip), wanted)
        found = rows.filter(pl.col("codice_servizio").is_in(codes)).group_by("pseudonimo", "codice_servizio").agg(
            pl.col("data").min())
        return found.join(known, on="pseudonimo").select("codice_fiscale", "codice_servizio", "data")

    def _scan(self, files: list[Path], condition: pl.Expr | None) -> pl.DataFrame:
        query = self.archive.scan(files, _COLUMNS)
        return self.archive.collect(query if condition is None else query.filter(condition))


def _without(rows: pl.DataFrame, parts: list[Partition], skip: set[tuple[str, str]]) -> pl.DataFrame:
    """The rows of the partitions not in skip, by position: the files were read in the order of
    parts, each with the row count its metadata records (a file that disagrees is damaged)."""
    if rows.height != sum(p.rows for p in parts):
        raise ArchiveError("le righe dei file dell'archivio non corrispondono ai suoi metadati: eseguire "
                           "'registro archivio verifica' per trovare il file danneggiato.")
    if not skip:
        return rows
    kept, start = [], 0
    for p in parts:
        if p.key not in skip:
            kept.append(rows.slice(start, p.rows))
        start += p.rows
    return pl.concat(kept) if kept else rows.clear()

"""Archived rows as history for the checks: each person's dates of the services the per-person rules read.

registro.validators.check asks a history source for the persons of the registers being checked (their
normalised codici fiscali), the services those rules look for (prerequisites, companions, repeated services), and the
(office, month) pairs of those registers, which the archive must not answer for (the registers
replace them). The pseudonyms of those persons are computed with the archive's key, matched
against the archived rows, and mapped back to the caller's codici fiscali in memory only.

The archive's history index (registro.validators.archive.index: every archived row's person, code,
date and partition, in one file) is read while the registers are being read (`prefetch`):
reading a spreadsheet leaves the second core idle, and the lookup that remains after the
reading is a filter on rows already in memory.
"""

from __future__ import annotations

import threading

import polars as pl

from registro.validators.archive.meta import office_slug
from registro.validators.archive.store import Archive


class ArchiveHistory:
    """The history source of registro.validators.check.checked for one archive."""

    def __init__(self, archive: Archive):
        if archive.key is None:
            raise ValueError("an archive used as history needs its key")
        self.archive = archive
        self._rows: pl.DataFrame | None = None
        self._keys: list[tuple[str, str]] = []  # (month, office slug) of each `parte` of _rows
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    @property
    def description(self) -> str:
        """How the report names this history."""
        return f"archivio {self.archive.folder}"

    def prefetch(self, codes: list[str]) -> None:
        """Start reading the history index in the background (every row: the persons, known only
        after the reading, and the codes are filtered later; a filter while reading costs more)."""

        def run():
            try:
                with self.archive.reading():
                    self._rows, self._keys = self.archive.history_rows()
            except BaseException as exc:  # noqa: BLE001 - re-raised by dates(), in the caller's thread
                self._error = exc

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def dates(self, persons: pl.Series, codes: list[str], exclude: set[tuple[str, str]]) -> pl.DataFrame:
        """codice_fiscale, codice_servizio, data: the distinct archived dates of each (person, code).

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
        if self._thread is not None:
            self._thread.join()
            if self._error is not None:
                raise self._error
            rows = self._rows
        else:
            with self.archive.reading():
                rows, self._keys = self.archive.history_rows()
        # the persons of the month first (integers, the most selective): the rest runs on their few rows
        rows = rows.filter(wanted)
        left_out = [i for i, key in enumerate(self._keys) if key in skip]
        keep = pl.col("codice_servizio").is_in(codes)
        if left_out:
            keep = keep & ~pl.col("parte").is_in(left_out)
        found = rows.filter(keep).select("pseudonimo", "codice_servizio", "data").unique()
        return found.join(known, on="pseudonimo").select("codice_fiscale", "codice_servizio", "data")

"""Archived rows as history for the checks: each person's first date of each prerequisite service.

validators.check asks a history source for the persons of the registers being checked (their
normalised codici fiscali), the services that are some service's prerequisite, and the
(office, month) pairs of those registers, which the archive must not answer for (the registers
replace them). The pseudonyms of those persons are computed with the archive's key, matched
against the archived rows, and mapped back to the caller's codici fiscali in memory only.
"""

from __future__ import annotations

import polars as pl

from validators.archive.store import Archive, office_slug


class ArchiveHistory:
    """The history source of validators.check.checked for one archive."""

    def __init__(self, archive: Archive):
        if archive.key is None:
            raise ValueError("an archive used as history needs its key")
        self.archive = archive

    @property
    def description(self) -> str:
        """How the report names this history."""
        return f"archivio {self.archive.folder}"

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
        skip = {(month, office_slug(office)) for office, month in exclude}
        with self.archive.reading():
            files = self.archive.files(exclude=skip)
            query = (
                self.archive.scan(files, ["pseudonimo", "codice_servizio", "data"])
                .filter(pl.col("codice_servizio").is_in(codes) & pl.col("pseudonimo").is_in(known["pseudonimo"].implode()))
                .group_by("pseudonimo", "codice_servizio")
                .agg(pl.col("data").min())
            )
            found = self.archive.collect(query)
        return found.join(known, on="pseudonimo").select("codice_fiscale", "codice_servizio", "data")

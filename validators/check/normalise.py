"""Text cells -> typed, canonical values, and the catalogue's facts joined onto each row.

Everything is vectorised: free-text columns are mapped through their (few) distinct values,
codici fiscali are checked once per distinct value.
"""

from __future__ import annotations

import polars as pl

from registro.validators.check import fiscal
from registro.validators.check.frame import BY_NAME
from registro.validators.check.parse import duration_as_typed, parse_dates, parse_minutes
from registro.validators.catalogue import Catalogue
from registro.validators.text import norm_key, service_code_part

USER_TYPES = {"persona": "persona", "azienda": "azienda", "impresa": "azienda", "ditta": "azienda",
              "datoredilavoro": "azienda", "p": "persona", "a": "azienda"}


def _mapped(column: str, mapping_fn, dtype=pl.String) -> pl.Expr:
    """Map a text column through a Python function applied once per distinct value."""
    return pl.col(column).map_batches(
        lambda s: s.replace_strict(
            {v: mapping_fn(v) for v in s.unique().drop_nulls().to_list()}, default=None, return_dtype=dtype
        ),
        return_dtype=dtype,
    )


def _per_distinct(column: str, make, dtype) -> pl.Expr:
    """Evaluate the vectorised expression make(column) once per distinct value, then map back."""
    def run(s: pl.Series) -> pl.Series:
        distinct = s.unique().drop_nulls()
        values = distinct.to_frame(column).select(make(column)).to_series()
        return s.replace_strict(distinct, values, default=None, return_dtype=dtype)

    return pl.col(column).map_batches(run, return_dtype=dtype)


def catalogue_frame(cat: Catalogue) -> pl.DataFrame:
    """One row per catalogue entry with the facts the rules need."""
    rows = []
    for s in cat.services.values():
        d = s.duration
        rows.append({
            "_codice": s.code,
            "_c_nome": s.name,
            "_c_lep": s.lep,
            "_c_registrabile": s.registrable,
            "_c_motivo": s.not_registrable_reason,
            "_c_destinatario": s.target,
            "_c_programmi": list(s.programmes) if s.programmes else None,
            "_c_programma_implicito": s.implied_programme,
            "_c_fonte_programmi": s.programmes_source,
            "_c_min": d.minimum if d else None,
            "_c_medio": d.average if d else None,
            "_c_max": d.maximum if d else None,
            "_c_replica": s.automatic_from,
        })
    names = ("_codice", "_c_nome", "_c_lep", "_c_registrabile", "_c_motivo", "_c_destinatario", "_c_programmi",
             "_c_programma_implicito", "_c_fonte_programmi", "_c_min", "_c_medio", "_c_max", "_c_replica")
    return pl.DataFrame(rows, schema={name: BY_NAME[name].dtype for name in names})  # types as declared in frame.py


def normalise(frame: pl.DataFrame, cat: Catalogue) -> pl.DataFrame:
    """Add the canonical columns (prefixed '_') used by rules, totals and export."""
    programmes = cat.programme_aliases()
    modalities = cat.modality_aliases()
    known = set(cat.services)
    # Dates and durations have few distinct values: parse each once. Codici fiscali are
    # cleaned and checked once per distinct cell, for both user types (picked below).
    codes = fiscal.cell_verdicts(frame["Codice fiscale"])
    # A time value in Durata is shown as typed ("0:30", not calamine's "1899-12-30 00:30:00").
    frame = frame.with_columns(_per_distinct("Durata (min)", duration_as_typed, pl.String))
    minutes = _per_distinct("Durata (min)", parse_minutes, pl.Int64)
    out = frame.with_columns(
        _per_distinct("Data", parse_dates, pl.Date).alias("_data"),
        _mapped("Codice servizio", service_code_part).alias("_codice_testo"),
        _mapped("Programma", lambda v: programmes.get(norm_key(v))).alias("_programma_noto"),
        _mapped("Tipo utente", lambda v: USER_TYPES.get(norm_key(v))).alias("_tipo"),
        _mapped("Modalità", lambda v: modalities.get(norm_key(v))).alias("_modalita"),
        codes["_cf"],
        _mapped("Operatore", lambda v: " ".join(v.split()).casefold()).alias("_operatore"),
        _mapped("Sede", lambda v: " ".join(v.split())).alias("_sede"),
        minutes.alias("_durata"),
        (pl.col("Durata (min)").is_not_null() & minutes.is_null()).alias("_durata_errata"),
    )
    out = out.with_columns(
        pl.when(pl.col("_codice_testo").is_in(list(known))).then(pl.col("_codice_testo")).alias("_codice"),
        pl.when(pl.col("Programma").is_null())
        .then(pl.lit(cat.default_programme.code))
        .otherwise(pl.col("_programma_noto"))
        .alias("_programma"),
    )
    out = out.with_columns(fiscal.pick_verdicts(out["_tipo"], codes))
    out = out.join(catalogue_frame(cat), on="_codice", how="left", maintain_order="left")
    return out.with_columns(programme_of_row(cat))


def programme_of_row(cat: Catalogue) -> pl.Expr:
    """`_programma`, with a company's blank (or default) programme read as the one its service implies.

    A company has no programme of its own: on a service reserved to exactly one programme (the
    catalogue's `implied_programme`, e.g. L.68 for S.1-S.3) its row is counted under that programme.
    """
    implied = pl.col("_c_programma_implicito")
    company_default = (pl.col("_tipo") == "azienda") & (pl.col("_programma") == cat.default_programme.code)
    return pl.when(company_default & implied.is_not_null()).then(implied).otherwise(pl.col("_programma")).alias("_programma")

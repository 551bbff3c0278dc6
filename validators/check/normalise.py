"""Text cells -> typed, canonical values, and the catalogue's facts joined onto each row.

Everything is vectorised: free-text columns are mapped through their (few) distinct values,
codici fiscali are checked once per distinct value.
"""

from __future__ import annotations

import polars as pl

from registro.validators.check import fiscal
from registro.validators.check.frame import BY_NAME
from registro.validators.catalogue import Catalogue
from registro.validators.text import norm_key, service_code_part

EXCEL_EPOCH = pl.date(1899, 12, 30)
# Excel serial numbers accepted as dates: 1954-10-14 .. 2173-10-14 (plausible register dates).
SERIAL_MIN, SERIAL_MAX = 20000, 100000
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


def parse_dates(column: str) -> pl.Expr:
    """Excel dates (ISO text from calamine), dd/mm/yyyy, d/m/yy, yyyy-mm-dd, or Excel serials."""
    s = pl.col(column).str.strip_chars()
    iso = s.str.extract(r"^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$", 1).str.to_date("%Y-%m-%d", strict=False)
    parts = s.str.extract_groups(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
    year = parts.struct.field("3")
    year = pl.when(year.str.len_chars() == 2).then(pl.lit("20") + year).otherwise(year)
    dmy = pl.concat_str([year, parts.struct.field("2").str.zfill(2), parts.struct.field("1").str.zfill(2)], separator="-")
    dmy = dmy.str.to_date("%Y-%m-%d", strict=False)
    number = s.cast(pl.Float64, strict=False)
    serial = pl.when(number.is_between(SERIAL_MIN, SERIAL_MAX) & (number == number.floor())).then(
        EXCEL_EPOCH + pl.duration(days=number.cast(pl.Int64))
    )
    return pl.coalesce(iso, dmy, serial.cast(pl.Date))


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


def _whole_minutes(column: str) -> tuple[pl.Expr, pl.Expr]:
    """(minutes as Int64 or null, True when the cell is filled but not a positive whole number)."""
    number = pl.col(column).str.replace(",", ".").cast(pl.Float64, strict=False)
    whole = (number == number.floor()) & (number > 0) & (number < 1e7)
    minutes = pl.when(whole).then(number.cast(pl.Int64))
    return minutes, pl.col(column).is_not_null() & ~whole.fill_null(False)


def normalise(frame: pl.DataFrame, cat: Catalogue) -> pl.DataFrame:
    """Add the canonical columns (prefixed '_') used by rules, totals and export."""
    programmes = cat.programme_aliases()
    modalities = cat.modality_aliases()
    known = set(cat.services)
    # Dates and durations have few distinct values: parse each once. Codici fiscali are
    # cleaned and checked once per distinct cell, for both user types (picked below).
    codes = fiscal.cell_verdicts(frame["Codice fiscale"])
    minutes = _per_distinct("Durata (min)", lambda c: _whole_minutes(c)[0], pl.Int64)
    minutes_bad = _per_distinct("Durata (min)", lambda c: _whole_minutes(c)[1], pl.Boolean).fill_null(False)
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
        minutes_bad.alias("_durata_errata"),
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

"""Cross-row checks on the checked files: duplicate rows and an operator's daily load."""

from __future__ import annotations

import polars as pl

from validators.rules.context import Context, RowCheck, day

DUPLICATE_KEYS = ("_cf", "_codice", "_data", "_operatore")
DAY_KEYS = ("_operatore", "_data")


def annotate(frame: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    """Add _dup_* (repeats of an earlier row) and _giorno_* (overloaded operator days).

    Both work on the few rows concerned: rows whose four keys repeat (found with one hash
    pass) and the days over the limit (found by summing first), so a million clean rows cost
    a few tenths of a second. History rows come after the checked ones and count for neither.
    """
    current = ~pl.col("_storico")
    keyed = current & pl.all_horizontal(pl.col(k).is_not_null() for k in DUPLICATE_KEYS)
    repeats = (
        frame.filter(keyed)
        .select("_idx", "_riga", "_file", *DUPLICATE_KEYS)
        .filter(pl.struct(DUPLICATE_KEYS).is_duplicated())
        .select(
            "_idx",
            (pl.int_range(pl.len()).over(DUPLICATE_KEYS) > 0).alias("_dup"),
            pl.col("_riga").first().over(DUPLICATE_KEYS).alias("_dup_prima"),
            pl.col("_file").first().over(DUPLICATE_KEYS).alias("_dup_file"),
        )
    )
    # Minutes that count toward a working day: recorded, else the standard average, only for
    # services whose standard maximum (or average, when no maximum is printed) fits in a day.
    limit = ctx.options.workday_minutes
    fits = pl.coalesce("_c_max", "_c_medio") <= limit
    minutes = pl.when(fits).then(pl.coalesce("_durata", "_c_medio")).otherwise(0).fill_null(0)
    worked = (
        frame.filter(current & pl.col("_operatore").is_not_null() & pl.col("_data").is_not_null())
        .select("_idx", "_riga", *DAY_KEYS, minutes.alias("_m"))
    )
    overloaded = (
        worked.group_by(DAY_KEYS).agg(pl.col("_m").sum().alias("_giorno_minuti"))
        .filter(pl.col("_giorno_minuti") > limit)
    )
    days = (
        worked.join(overloaded, on=DAY_KEYS, how="inner", maintain_order="left")
        .group_by(DAY_KEYS, maintain_order=True)
        .agg(pl.col("_idx").first(), pl.col("_giorno_minuti").first(),
             pl.col("_riga").cast(pl.String).str.join(", ").alias("_giorno_righe"))
        .select("_idx", "_giorno_minuti", "_giorno_righe")
    )
    return (
        frame.join(repeats, on="_idx", how="left", maintain_order="left")
        .join(days, on="_idx", how="left", maintain_order="left")
        .with_columns(pl.col("_dup").fill_null(False))
    )


def crossrow_checks(ctx: Context) -> list[RowCheck]:
    """riga.duplicata and operatore.giornata_eccessiva."""
    limit = ctx.options.workday_minutes
    other_file = pl.when(pl.col("_dup_file") != pl.col("_file")).then(pl.lit(" del file ") + pl.col("_dup_file")).otherwise(pl.lit(""))
    minutes = pl.col("_giorno_minuti")
    hours = pl.format("{} h {} min", minutes // 60, (minutes % 60).cast(pl.String).str.zfill(2))
    return [
        RowCheck("riga.duplicata", "Codice servizio", pl.col("_dup"),
                 {"codice": pl.col("_codice"), "data": day(pl.col("_data")), "prima_riga": pl.col("_dup_prima"),
                  "altro_file": other_file}),
        RowCheck("operatore.giornata_eccessiva", "Operatore", minutes.is_not_null(),
                 {"operatore": pl.col("Operatore"), "data": day(pl.col("_data")), "minuti": minutes, "ore": hours,
                  "limite": pl.lit(limit), "righe": pl.col("_giorno_righe")}),
    ]

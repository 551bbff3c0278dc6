"""Cross-row checks on the checked files: duplicate rows and an operator's daily load."""

from __future__ import annotations

import polars as pl

from registro.validators.check.rules.context import Context, RowCheck, day

DUPLICATE_KEYS = ("_cf", "_codice", "_data", "_operatore")
DAY_KEYS = ("_operatore", "_data")


def repeats(frame: pl.LazyFrame) -> pl.LazyFrame:
    """_idx and _dup, _dup_prima, _dup_file of the checked rows whose four keys repeat.

    Only those few rows (found with one hash pass) are numbered within their group; the
    first of a group is not a duplicate. History rows come after the checked ones and never count.
    """
    keyed = ~pl.col("_storico") & pl.all_horizontal(pl.col(k).is_not_null() for k in DUPLICATE_KEYS)
    return (
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


def overloaded_days(frame: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """_idx (first row of the day) and _giorno_minuti, _giorno_righe of operator days over the limit.

    Day totals are summed first; the list of rows is built for the overloaded days only.
    """
    # Minutes that count toward a working day: recorded, else the standard average, only for
    # services whose standard maximum (or average, when no maximum is printed) fits in a day.
    limit = ctx.options.workday_minutes
    fits = pl.coalesce("_c_max", "_c_medio") <= limit
    minutes = pl.when(fits).then(pl.coalesce("_durata", "_c_medio")).otherwise(0).fill_null(0)
    worked = (
        frame.filter(~pl.col("_storico") & pl.col("_operatore").is_not_null() & pl.col("_data").is_not_null())
        .select("_idx", "_riga", *DAY_KEYS, minutes.alias("_m"))
    )
    overloaded = (
        worked.group_by(DAY_KEYS).agg(pl.col("_m").sum().alias("_giorno_minuti"))
        .filter(pl.col("_giorno_minuti") > limit)
    )
    return (
        worked.join(overloaded, on=DAY_KEYS, how="inner", maintain_order="left")
        .group_by(DAY_KEYS, maintain_order=True)
        .agg(pl.col("_idx").first(), pl.col("_giorno_minuti").first(),
             pl.col("_riga").cast(pl.String).str.join(", ").alias("_giorno_righe"))
        .select("_idx", "_giorno_minuti", "_giorno_righe")
    )


def finish(frame: pl.DataFrame) -> pl.DataFrame:
    """After joining repeats(): rows that repeat nothing are not duplicates."""
    return frame.with_columns(pl.col("_dup").fill_null(False))


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

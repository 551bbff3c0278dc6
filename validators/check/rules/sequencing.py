"""Per-person sequencing: a service's prerequisites (from the catalogue) must come first.

Joins against each person's first date of each service, over the checked files and the
history: linear in the number of rows, never a loop over rows.
"""

from __future__ import annotations

import polars as pl

from registro.validators.check.rules.context import Context, RowCheck, day

_FIELDS = ("_seq_stato", "_seq_prereq", "_seq_nome", "_seq_data_prereq", "_seq_gravita", "_seq_fonte")


def _prerequisites(ctx: Context) -> pl.DataFrame:
    cat = ctx.catalogue
    rows = [
        (s.code, p.code, cat.services[p.code].name, p.severity, p.source)
        for s in cat.registrable for p in s.prerequisites
    ]
    return pl.DataFrame(rows, schema={c: pl.String for c in ("_codice", "_seq_prereq", "_seq_nome", "_seq_gravita", "_seq_fonte")},
                        orient="row")


def found(frame: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """_idx and the _seq_* columns of the rows whose prerequisite is out of order ('invertito') or missing."""
    usable = pl.col("_cf").is_not_null() & pl.col("_codice").is_not_null() & pl.col("_data").is_not_null()
    prerequisites = _prerequisites(ctx)
    firsts = (  # only for the services that are some service's prerequisite
        frame.filter(usable & pl.col("_codice").is_in(prerequisites["_seq_prereq"].unique().implode()))
        .group_by("_cf", "_codice")
        .agg(pl.col("_data").min().alias("_seq_data_prereq"))
        .rename({"_codice": "_seq_prereq"})
    )
    return (
        frame.filter(usable & ~pl.col("_storico"))
        .select("_idx", "_cf", "_codice", "_data")
        .join(prerequisites.lazy(), on="_codice")
        .join(firsts, on=["_cf", "_seq_prereq"], how="left")
        .with_columns(
            pl.when(pl.col("_seq_data_prereq").is_null()).then(pl.lit("assente"))
            .when(pl.col("_seq_data_prereq") > pl.col("_data")).then(pl.lit("invertito"))
            .alias("_seq_stato")
        )
        .filter(pl.col("_seq_stato").is_not_null())
        # with several prerequisites, report the inverted one first
        .sort("_idx", pl.col("_seq_stato") == "invertito", descending=[False, True])
        .unique("_idx", keep="first")
        .select("_idx", *_FIELDS)
    )


def sequencing_checks(ctx: Context) -> list[RowCheck]:
    """The two sequencing rules, reading the columns of found() joined onto the rows."""
    common = {"codice": pl.col("_codice"), "prerequisito": pl.col("_seq_prereq"), "nome_prerequisito": pl.col("_seq_nome")}
    return [
        RowCheck("sequenza.ordine_invertito", "Codice servizio", pl.col("_seq_stato") == "invertito",
                 {**common, "data": day(pl.col("_data")), "data_prerequisito": day(pl.col("_seq_data_prereq")),
                  "fonte": pl.col("_seq_fonte")},
                 severity=pl.col("_seq_gravita")),
        RowCheck("sequenza.prerequisito_assente", "Codice servizio", pl.col("_seq_stato") == "assente", common),
    ]

"""Per-person sequencing: a service's prerequisites (from the catalogue) must come first.

Joins against each person's first date of each service, over the checked files and the
history: linear in the number of rows, never a loop over rows.
"""

from __future__ import annotations

import polars as pl

from registro.validators.check.rules.context import Context, RowCheck, day

_FIELDS = ("_seq_stato", "_seq_prereq", "_seq_nome", "_seq_data_prereq", "_seq_gravita", "_seq_fonte")


def _alternatives(names: list[str]) -> str:
    """'A.1', 'A.1 o A.2', 'A.1, A.2 o A.3'."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " o " + names[-1]


def _prerequisites(ctx: Context) -> pl.DataFrame:
    """One row per (service, prerequisite, code that meets it): a prerequisite with alternatives
    (B.1 <- A.1, A.2 or A.3) has one row per alternative, all with the same _seq_prereq."""
    cat = ctx.catalogue
    rows = [
        (s.code, _alternatives(list(p.codes)), _alternatives([cat.services[c].name for c in p.codes]),
         p.severity, p.source, code, p.target)
        for s in cat.registrable for p in s.prerequisites for code in p.codes
    ]
    names = ("_codice", "_seq_prereq", "_seq_nome", "_seq_gravita", "_seq_fonte", "_seq_codice", "_seq_tipo")
    return pl.DataFrame(rows, schema={c: pl.String for c in names}, orient="row")


def found(frame: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """_idx and the _seq_* columns of the rows whose prerequisite is out of order ('invertito') or missing.

    A prerequisite is met by the earliest date of any of its codes; one limited to a person's
    rows (destinatario: persona) is not looked for on a company's rows.
    """
    usable = pl.col("_cf").is_not_null() & pl.col("_codice").is_not_null() & pl.col("_data").is_not_null()
    prerequisites = _prerequisites(ctx)
    firsts = (  # only for the services that are some service's prerequisite
        frame.filter(usable & pl.col("_codice").is_in(prerequisites["_seq_codice"].unique().implode()))
        .group_by("_cf", "_codice")
        .agg(pl.col("_data").min().alias("_seq_data_prereq"))
        .rename({"_codice": "_seq_codice"})
    )
    return (
        frame.filter(usable & ~pl.col("_storico"))
        .select("_idx", "_cf", "_codice", "_data", "_tipo")
        .join(prerequisites.lazy(), on="_codice")
        .filter(pl.col("_seq_tipo").is_null() | (pl.col("_seq_tipo") == pl.col("_tipo")))
        .join(firsts, on=["_cf", "_seq_codice"], how="left")
        .group_by("_idx", "_seq_prereq")
        .agg(pl.col("_data", "_seq_nome", "_seq_gravita", "_seq_fonte").first(), pl.col("_seq_data_prereq").min())
        .with_columns(
            pl.when(pl.col("_seq_data_prereq").is_null()).then(pl.lit("assente"))
            .when(pl.col("_seq_data_prereq") > pl.col("_data")).then(pl.lit("invertito"))
            .alias("_seq_stato")
        )
        .filter(pl.col("_seq_stato").is_not_null())
        # with several prerequisites, report the inverted one first
        .sort("_idx", pl.col("_seq_stato") == "invertito", "_seq_prereq", descending=[False, True, False])
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

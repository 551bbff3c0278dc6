"""Per-person procedures beyond prerequisites: companion services, repeated and same-moment services.

What each service needs comes from the catalogue (accompagnato_da, ripetizione,
non_stesso_giorno); every query is a join or an as-of join over the checked files and the
history, linear in the number of rows, never a loop over rows. Only rows of the checked files
are reported; history rows (--storico, --archivio) are only looked at.
"""

from __future__ import annotations

import polars as pl

from registro.validators.catalogue import Catalogue
from registro.validators.check.rules.context import Context, RowCheck, day

_S = pl.String
USABLE = pl.col("_cf").is_not_null() & pl.col("_codice").is_not_null() & pl.col("_data").is_not_null()
COMPANION_FIELDS = ("_acc_mancanti", "_acc_codici", "_acc_fonte")
REPEAT_FIELDS = ("_rip_data_prec", "_rip_dopo", "_rip_nome_dopo", "_rip_altrimenti", "_rip_fonte")
SAME_DAY_FIELDS = ("_sg_codice", "_sg_nome", "_sg_fonte")


def _table(rows: list[tuple], names: tuple[str, ...]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={n: _S for n in names}, orient="row")


def _companions(ctx: Context) -> pl.DataFrame:
    """(service, companion, name, programme or None, source): one row per programme the companion is required for."""
    cat = ctx.catalogue
    rows = [
        (s.code, c.code, cat.services[c.code].name, programme, c.source)
        for s in cat.registrable for c in s.companions for programme in (c.programmes or (None,))
    ]
    return _table(rows, ("_codice", "_acc_codice", "_acc_nome", "_acc_programma", "_acc_fonte"))


def _repetitions(ctx: Context) -> pl.DataFrame:
    cat = ctx.catalogue
    rows = [
        (s.code, r.after, cat.services[r.after].name, r.instead, r.source)
        for s in cat.registrable if (r := s.repetition)
    ]
    return _table(rows, ("_codice", "_rip_dopo", "_rip_nome_dopo", "_rip_altrimenti", "_rip_fonte"))


def _same_day(ctx: Context) -> pl.DataFrame:
    cat = ctx.catalogue
    rows = [
        (s.code, n.code, cat.services[n.code].name, n.source)
        for s in cat.registrable if (n := s.not_same_day)
    ]
    return _table(rows, ("_codice", "_sg_codice", "_sg_nome", "_sg_fonte"))


def history_codes(catalogue: Catalogue) -> set[str]:
    """The codes these rules look for in a person's history (companions, repeated services and what
    renews them, the services another must not share a day with)."""
    codes: set[str] = set()
    for s in catalogue.registrable:
        codes.update(c.code for c in s.companions)
        if s.repetition:
            codes.update((s.code, s.repetition.after))
        if s.not_same_day:
            codes.add(s.not_same_day.code)
    return codes


def _current(frame: pl.LazyFrame, table: pl.DataFrame, *extra: str) -> pl.LazyFrame:
    """The usable rows of the checked files whose code appears in `table`, joined with it."""
    return (
        frame.filter(USABLE & ~pl.col("_storico") & pl.col("_codice").is_in(table["_codice"].unique().implode()))
        .select("_idx", "_cf", "_codice", "_data", *extra)
        .join(table.lazy(), on="_codice")
    )


def _present(frame: pl.LazyFrame, codes: pl.Series, code_as: str, date_as: str = "_data") -> pl.LazyFrame:
    """Distinct (person, code, date) of the rows (history included) with one of `codes`."""
    return (
        frame.filter(USABLE & pl.col("_codice").is_in(codes.unique().implode()))
        .select("_cf", pl.col("_codice").alias(code_as), pl.col("_data").alias(date_as))
        .unique()
    )


def missing_companions(frame: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """_idx and _acc_* of the rows lacking a companion service for the same person on the same day."""
    table = _companions(ctx)
    present = _present(frame, table["_acc_codice"], "_acc_codice")
    return (
        _current(frame, table, "_programma")
        .filter(pl.col("_acc_programma").is_null() | (pl.col("_acc_programma") == pl.col("_programma")))
        .join(present, on=["_cf", "_acc_codice", "_data"], how="anti")
        .sort("_idx", "_acc_codice")
        .group_by("_idx", maintain_order=True)
        .agg(
            pl.format("{} ({})", "_acc_codice", "_acc_nome").str.join(" né ").alias("_acc_mancanti"),
            pl.col("_acc_codice").str.join(" e ").alias("_acc_codici"),
            pl.col("_acc_fonte").unique(maintain_order=True).str.join("»; «").alias("_acc_fonte"),
        )
    )


def repeated(frame: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """_idx and _rip_* of the rows that repeat a service of the same person (on an earlier day)
    with no renewing service (a new DID) after that earlier one and up to the row's day."""
    table = _repetitions(ctx)
    earlier = _present(frame, table["_codice"], "_codice", "_rip_data_prec").sort("_rip_data_prec")
    renewals = _present(frame, table["_rip_dopo"], "_rip_dopo", "_rip_data_dopo").sort("_rip_data_dopo")
    return (
        _current(frame, table)
        .sort("_data")
        .join_asof(earlier, left_on="_data", right_on="_rip_data_prec", by=["_cf", "_codice"],
                   strategy="backward", allow_exact_matches=False, check_sortedness=False)
        .filter(pl.col("_rip_data_prec").is_not_null())
        .join_asof(renewals, left_on="_data", right_on="_rip_data_dopo", by=["_cf", "_rip_dopo"], strategy="backward",
                   check_sortedness=False)  # both sides sorted on the date above (polars cannot check it with `by`)
        .filter(pl.col("_rip_data_dopo").is_null() | (pl.col("_rip_data_dopo") <= pl.col("_rip_data_prec")))
        .select("_idx", *REPEAT_FIELDS)
    )


def same_day(frame: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """_idx and _sg_* of the rows on the same day as the service they must follow "in momenti successivi"."""
    table = _same_day(ctx)
    present = _present(frame, table["_sg_codice"], "_sg_codice")
    return (
        _current(frame, table)
        .join(present, on=["_cf", "_sg_codice", "_data"], how="semi")
        .unique("_idx", keep="first")
        .select("_idx", *SAME_DAY_FIELDS)
    )


def queries(frame: pl.LazyFrame, ctx: Context) -> list[pl.LazyFrame]:
    """The three queries, each giving a few rows to join onto the frame by _idx."""
    return [missing_companions(frame, ctx), repeated(frame, ctx), same_day(frame, ctx)]


def needing_history(frame: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """_idx of the rows whose verdict an archived row could change: a missing companion, a repeatable
    service (an earlier one may be archived) or one that must not share a day with another."""
    watched = [s.code for s in ctx.catalogue.registrable if s.repetition or s.not_same_day]
    return pl.concat([
        missing_companions(frame, ctx).select("_idx"),
        frame.filter(USABLE & ~pl.col("_storico") & pl.col("_codice").is_in(watched)).select("_idx"),
    ])


def procedure_checks(ctx: Context) -> list[RowCheck]:
    """sequenza.passaggio_mancante, sequenza.ripetuto and sequenza.stesso_giorno."""
    code, date = pl.col("_codice"), day(pl.col("_data"))
    return [
        RowCheck("sequenza.passaggio_mancante", "Codice servizio", pl.col("_acc_mancanti").is_not_null(),
                 {"codice": code, "data": date, "mancanti": pl.col("_acc_mancanti"), "codici": pl.col("_acc_codici"),
                  "fonte": pl.col("_acc_fonte")}),
        RowCheck("sequenza.ripetuto", "Codice servizio", pl.col("_rip_data_prec").is_not_null(),
                 {"codice": code, "data": date, "data_precedente": day(pl.col("_rip_data_prec")),
                  "dopo": pl.col("_rip_dopo"), "nome_dopo": pl.col("_rip_nome_dopo"),
                  "altrimenti": pl.col("_rip_altrimenti"), "fonte": pl.col("_rip_fonte")}),
        RowCheck("sequenza.stesso_giorno", "Codice servizio", pl.col("_sg_codice").is_not_null(),
                 {"codice": code, "data": date, "altro": pl.col("_sg_codice"), "nome_altro": pl.col("_sg_nome"),
                  "fonte": pl.col("_sg_fonte")}),
    ]

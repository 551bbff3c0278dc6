"""Row-level checks: one register row at a time, facts from the catalogue joined on the row.

Each check marks the rows that fail (`bad`) and says how to fill its message. Guards keep one
mistake from cascading: an unknown code is not also reported as a programme or target problem.
"""

from __future__ import annotations

import polars as pl

from registro.validators.catalogue.view import suggest_codes
from registro.validators.ooxml.text import TRUNCATED, too_long_expr
from registro.validators.read.register import COLUMNS, REQUIRED
from registro.validators.check.rules.context import Context, RowCheck, day

AUDIENCE = {"persona": "alle persone", "azienda": "alle aziende", "entrambi": "a persone e aziende"}
WHO = {"persona": "una persona", "azienda": "un'azienda"}


def _validity(start, end) -> str:
    if start and end:
        return f"valido dal {start:%d/%m/%Y} al {end:%d/%m/%Y}"
    if start:
        return f"valido dal {start:%d/%m/%Y}"
    return f"valido fino al {end:%d/%m/%Y}"


def _outside(date: pl.Expr, start, end) -> pl.Expr:
    out = pl.lit(False)
    if start:
        out = out | (date < pl.lit(start))
    if end:
        out = out | (date > pl.lit(end))
    return out


def _suggestion(cat):
    def suggest(code: str) -> str:
        close = suggest_codes(cat, code)
        return f" Forse si intendeva {' o '.join(close)}?" if close else ""

    return pl.col("_codice_testo").map_batches(
        lambda s: s.replace_strict({v: suggest(v) for v in s.unique().drop_nulls().to_list()}, default="", return_dtype=pl.String),
        return_dtype=pl.String,
    )


def _programme_not_admitted(cat, registrable: pl.Expr, code: pl.Expr) -> RowCheck:
    """A programme the service is not reserved to, or a person's programme on a company row."""
    programme = pl.col("_programma")
    reserved = pl.col("_c_programmi").is_not_null() & ~pl.col("_c_programmi").list.contains(programme).fill_null(False)
    company_ok = [p.code for p in cat.programmes if p.for_companies]
    company_service = pl.col("_c_destinatario").is_in(["azienda", "entrambi"])
    persons_only = (pl.col("_tipo") == "azienda") & company_service & ~programme.is_in(company_ok)
    return RowCheck(
        "programma.non_ammesso", "Programma",
        registrable & programme.is_not_null() & (reserved | persons_only),
        {"codice": code, "programma": programme,
         "ammessi": pl.when(reserved).then(pl.col("_c_programmi").list.join(", "))
         .otherwise(pl.lit(f"{' o '.join(company_ok)} sulle righe di un'azienda")),
         "motivo": pl.when(reserved).then(pl.lit("Tabella regionale: «") + pl.col("_c_fonte_programmi") + pl.lit("»."))
         .otherwise(programme + pl.lit(" è un programma delle persone e un'azienda non ha un programma proprio."))},
    )


def row_checks(ctx: Context) -> list[RowCheck]:
    """All single-row checks, in registry order."""
    cat, opt = ctx.catalogue, ctx.options
    date, code = pl.col("_data"), pl.col("_codice")
    registrable = pl.col("_c_registrabile").fill_null(False)
    checks = [RowCheck("campo.obbligatorio", column, pl.col(column).is_null()) for column in REQUIRED]

    checks.append(RowCheck(
        "data.non_valida", "Data",
        pl.col("Data").is_not_null() & (date.is_null() | (date > pl.lit(opt.today))),
        {"dettaglio": pl.when(date > pl.lit(opt.today)).then(pl.lit(f" (è successiva a oggi, {opt.today:%d/%m/%Y})")).otherwise(pl.lit(""))},
    ))
    if opt.month:
        first, last = opt.month
        checks.append(RowCheck(
            "data.fuori_periodo", "Data",
            (date <= pl.lit(opt.today)) & ~date.is_between(pl.lit(first), pl.lit(last)),
            {"data": day(date), "mese": pl.lit(f"{first:%m/%Y}")},
        ))
    checks.append(RowCheck(
        "data.fuori_catalogo", "Data",
        (date <= pl.lit(opt.today)) & _outside(date, cat.valid_from, cat.valid_to),
        {"data": day(date), "versione": pl.lit(cat.version), "validita": pl.lit(_validity(cat.valid_from, cat.valid_to))},
    ))

    checks += [
        RowCheck("codice.sconosciuto", "Codice servizio",
                 pl.col("Codice servizio").is_not_null() & code.is_null(),
                 {"suggerimento": _suggestion(cat)}),
        RowCheck("codice.non_registrabile", "Codice servizio",
                 code.is_not_null() & ~registrable,
                 {"codice": code, "motivo": pl.col("_c_motivo")}),
        RowCheck("codice.automatico", "Codice servizio",
                 pl.col("_c_replica").is_not_null(),
                 {"codice": code, "nome": pl.col("_c_nome"), "replica": pl.col("_c_replica")}),
        RowCheck("programma.sconosciuto", "Programma",
                 pl.col("Programma").is_not_null() & pl.col("_programma").is_null(),
                 {"programmi": pl.lit(", ".join(p.code for p in cat.programmes))}),
        _programme_not_admitted(cat, registrable, code),
    ]

    limited = [p for p in cat.programmes if p.valid_from or p.valid_to]
    if limited:
        bad = pl.lit(False)
        validity = pl.lit("")
        for p in limited:
            bad = bad | ((pl.col("_programma") == p.code) & _outside(date, p.valid_from, p.valid_to))
            validity = pl.when(pl.col("_programma") == p.code).then(pl.lit(_validity(p.valid_from, p.valid_to))).otherwise(validity)
        checks.append(RowCheck(
            "programma.non_attivo", "Programma", bad & (date <= pl.lit(opt.today)),
            {"programma": pl.col("_programma"), "data": day(date), "validita": validity},
        ))

    tipo = pl.col("_tipo")
    checks += [
        RowCheck("utente.tipo_non_valido", "Tipo utente", pl.col("Tipo utente").is_not_null() & tipo.is_null()),
        RowCheck("utente.destinatario_errato", "Codice servizio",
                 registrable & tipo.is_not_null() & (pl.col("_c_destinatario") != "entrambi") & (pl.col("_c_destinatario") != tipo),
                 {"codice": code, "nome": pl.col("_c_nome"),
                  "destinatario": pl.col("_c_destinatario").replace_strict(AUDIENCE, default=None),
                  "tipo": tipo.replace_strict(WHO, default=None)}),
        RowCheck("cf.non_valido", "Codice fiscale", pl.col("_cf_esito") == "non_valido",
                 {"tipo": tipo.replace_strict(WHO, default=None), "dettaglio": pl.col("_cf_dettaglio")}),
        RowCheck("cf.provvisorio", "Codice fiscale", pl.col("_cf_esito") == "provvisorio"),
        RowCheck("modalita.non_valida", "Modalità", pl.col("Modalità").is_not_null() & pl.col("_modalita").is_null(),
                 {"modalita": pl.lit(" o ".join(m.code for m in cat.modalities))}),
        RowCheck("durata.non_valida", "Durata (min)", pl.col("_durata_errata")),
    ]

    low, high, minutes = pl.col("_c_min"), pl.col("_c_max"), pl.col("_durata")
    span = pl.when(high.is_null()).then(pl.lit("almeno ") + low.cast(pl.String)).otherwise(
        pl.concat_str([low.cast(pl.String), high.cast(pl.String)], separator="–")
    )
    checks.append(RowCheck(
        "durata.fuori_intervallo", "Durata (min)",
        registrable & minutes.is_not_null() & ((low.is_not_null() & (minutes < low)) | (high.is_not_null() & (minutes > high))),
        {"minuti": minutes, "codice": code, "intervallo": span},
    ))
    # A text longer than a cell: every output cuts it (ooxml.text), the report says where.
    checks += [RowCheck("testo.troncato", column, too_long_expr(pl.col(column)).fill_null(False),
                        {"caratteri": pl.col(column).str.len_chars().map_elements(
                            lambda n: f"{n:,}".replace(",", "."), return_dtype=pl.String),
                         "segno": pl.lit(TRUNCATED)})
               for column in COLUMNS]
    return checks

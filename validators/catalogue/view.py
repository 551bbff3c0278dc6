"""Renderings of the catalogue: flat records (CSV/JSON), a terminal table, one service in full."""

from __future__ import annotations

import csv
import difflib
from typing import IO

from registro.validators.catalogue import Catalogue, Service
from registro.validators.errors import UsageError
from registro.validators.text import service_code_part

RECORD_FIELDS = (
    "codice", "lep", "nome_lep", "gruppo", "nome_gruppo", "nome", "registrabile", "destinatario",
    "programmi", "minuti_min", "minuti_medio", "minuti_max", "provenienza_durata",
    "durata_ereditata_da", "automatica_da", "prerequisiti",
)


def suggest_codes(catalogue: Catalogue, code: str, n: int = 3) -> list[str]:
    """The catalogue codes closest to a mistyped one."""
    return difflib.get_close_matches(code, list(catalogue.services), n=n, cutoff=0.5)


def find_service(catalogue: Catalogue, text: str) -> Service:
    """The service for a code typed by the user, or UsageError with suggestions."""
    code = service_code_part(text)
    if code in catalogue.services:
        return catalogue.services[code]
    hint = suggest_codes(catalogue, code)
    extra = f" Forse si intendeva {' o '.join(hint)}?" if hint else ""
    raise UsageError(f"il codice '{text}' non esiste nel catalogo {catalogue.version}.{extra}")


def duration_label(service: Service) -> str:
    """'ereditata da B.1', 'incompleta', 'assente' or 'tabella'."""
    d = service.duration
    if d is None:
        return ""
    if d.provenance == "ereditata":
        return f"ereditata da {d.inherited_from}"
    return d.provenance


def service_record(catalogue: Catalogue, s: Service, full: bool = False) -> dict:
    """A flat, JSON-friendly record of one service (with the texts when full=True)."""
    lep = catalogue.lep(s.lep)
    d = s.duration
    rec = {
        "codice": s.code,
        "lep": s.lep,
        "nome_lep": lep.name,
        "gruppo": s.group or "",
        "nome_gruppo": lep.groups.get(s.group, "") if s.group else "",
        "nome": s.name,
        "registrabile": s.registrable,
        "destinatario": s.target or "",
        "programmi": ", ".join(s.programmes) if s.programmes else "tutti",
        "minuti_min": d.minimum if d else None,
        "minuti_medio": d.average if d else None,
        "minuti_max": d.maximum if d else None,
        "provenienza_durata": d.provenance if d else "",
        "durata_ereditata_da": (d.inherited_from or "") if d else "",
        "automatica_da": s.automatic_from or "",
        "prerequisiti": ", ".join(f"{p.code} ({p.severity})" for p in s.prerequisites),
    }
    if full:
        rec.update(
            {
                "motivo_non_registrabile": s.not_registrable_reason or "",
                "nota_destinatario": s.target_note or "",
                "fonte_programmi": s.programmes_source or "",
                "nota_durata": (d.note or "") if d else "",
                "nota_automatica": s.automatic_note or "",
                "prerequisiti_fonti": [
                    {"codice": p.code, "gravita": p.severity, "fonte": p.source} for p in s.prerequisites
                ],
                "sap": list(s.sap),
                "procedura": catalogue.procedure_text(s) or "",
                "procedura_da": s.procedure_from or "",
            }
        )
    return rec


def write_csv(records: list[dict], out: IO[str]) -> None:
    """Records as CSV with ';' (what Italian Excel expects)."""
    writer = csv.DictWriter(out, fieldnames=RECORD_FIELDS, delimiter=";", extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)


def _minutes(rec: dict) -> str:
    return "/".join("–" if rec[k] is None else str(rec[k]) for k in ("minuti_min", "minuti_medio", "minuti_max"))


def print_table(console, catalogue: Catalogue, records: list[dict]) -> None:
    """The catalogue as a terminal table, durations not printed in the table marked in colour."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(
        title=f"{catalogue.title} – {catalogue.authority} (versione {catalogue.version})",
        caption="* durata non stampata nella tabella regionale: vedere 'registro catalogo --codice X'",
        header_style="bold",
    )
    for name in ("Codice", "LEP", "Servizio", "Destinatario", "Programmi", "Minuti min/medio/max", "Provenienza"):
        table.add_column(name, overflow="fold")
    for rec in records:
        provenance = rec["provenienza_durata"]
        style = {"tabella": "", "ereditata": "yellow", "incompleta": "red", "assente": "red"}.get(provenance, "dim")
        label = f"ereditata da {rec['durata_ereditata_da']}" if provenance == "ereditata" else provenance
        minutes = _minutes(rec) if rec["registrabile"] else "non registrabile"
        if provenance not in ("tabella", ""):
            minutes += " *"
        table.add_row(
            rec["codice"], rec["lep"], escape(rec["nome"]), rec["destinatario"], rec["programmi"],
            f"[{style}]{minutes}[/]" if style else minutes,
            f"[{style}]{label}[/]" if style else label,
        )
    console.print(table)
    registrable = sum(1 for r in records if r["registrabile"])
    console.print(f"{registrable} servizi registrabili su {len(records)} voci mostrate.")


def programme_records(catalogue: Catalogue) -> list[dict]:
    """The programmes as flat records: validity, who may carry them, where they come from."""
    def day(d):
        return d.isoformat() if d else None

    return [
        {
            "codice": p.code,
            "nome": p.name,
            "sinonimi": list(p.synonyms),
            "predefinito": p.default,
            "valido_dal": day(p.valid_from),
            "valido_al": day(p.valid_to),
            "destinatario": p.target,
            "da_tabella": p.from_table,
            "fonte": p.source or (catalogue.title if p.from_table else ""),
            "servizi_riservati": [s.code for s in catalogue.registrable if s.programmes and p.code in s.programmes],
            "nota": p.note or "",
        }
        for p in catalogue.programmes
    ]


def reserved_runs(catalogue: Catalogue, programme: str) -> str:
    """The services reserved to a programme, consecutive ones in table order as a range: 'G.1–G.3, S.1–S.3'."""
    runs: list[list[str]] = []
    previous = False
    for s in catalogue.registrable:
        reserved = bool(s.programmes) and programme in s.programmes
        if reserved and previous:
            runs[-1].append(s.code)
        elif reserved:
            runs.append([s.code])
        previous = reserved
    return ", ".join(r[0] if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def it_date(iso: str | None) -> str:
    """'2024-01-01' -> '01/01/2024'; None -> '–'."""
    return "–" if iso is None else "/".join(reversed(iso.split("-")))


def print_programmes(console, catalogue: Catalogue) -> None:
    """The programmes as a terminal table: validity, target, source (table or law), reserved services."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="Programmi", header_style="bold",
                  caption="vuoto = " + catalogue.default_programme.code + "; le date si cambiano nel catalogo "
                          "(valido_dal, valido_al)")
    for name in ("Codice", "Nome", "Valido dal", "Valido al", "Per", "Fonte", "Servizi riservati"):
        table.add_column(name, overflow="fold")
    for rec in programme_records(catalogue):
        source = rec["fonte"] if rec["da_tabella"] else f"{rec['fonte']} (non dalla tabella regionale)"
        table.add_row(
            rec["codice"], escape(rec["nome"]), it_date(rec["valido_dal"]), it_date(rec["valido_al"]),
            "persone" if rec["destinatario"] == "persona" else "persone e aziende", escape(source),
            reserved_runs(catalogue, rec["codice"]) or "nessuno (ammesso su tutti i servizi non riservati)",
        )
    console.print(table)


def print_service(console, catalogue: Catalogue, s: Service) -> None:
    """One service in full, with the sentences of the table behind each fact."""
    from rich.markup import escape
    from rich.table import Table

    rec = service_record(catalogue, s, full=True)
    table = Table(show_header=False, title=f"{s.code} – {s.name}", title_justify="left", expand=True)
    table.add_column("Campo", style="bold", no_wrap=True)
    table.add_column("Valore", overflow="fold")
    lep = f"{rec['lep']} – {rec['nome_lep']}"
    if rec["gruppo"]:
        lep += f" / {rec['gruppo']} – {rec['nome_gruppo']}"
    rows = [("LEP", lep), ("Registrabile", "sì" if s.registrable else f"no: {rec['motivo_non_registrabile']}")]
    if s.registrable:
        rows.append(("Destinatario", rec["destinatario"] + (f" ({rec['nota_destinatario']})" if rec["nota_destinatario"] else "")))
        programmes = rec["programmi"]
        if s.programmes:
            programmes += f" – dalla tabella: «{rec['fonte_programmi']}»"
        rows.append(("Programmi ammessi", programmes))
        if s.implied_programme and s.target in ("azienda", "entrambi"):
            rows.append(("Programma di un'azienda", f"{s.implied_programme} anche con Programma vuoto (o "
                         f"{catalogue.default_programme.code}): un'azienda non ha un programma proprio"))
        minutes = f"{_minutes(rec)} ({duration_label(s)})"
        if rec["nota_durata"]:
            minutes += f" – {rec['nota_durata']}"
        rows.append(("Minuti min/medio/max", minutes))
        if s.automatic_from:
            rows.append(("Registrazione automatica", f"JA la registra replicando {s.automatic_from}. {rec['nota_automatica']}"))
        for p in s.prerequisites:
            rows.append(("Prerequisito", f"{p.code} prima di {s.code} (se invertito: {p.severity}) – «{p.source}»"))
        for sap in s.sap:
            rows.append(("Attività SAP", ", ".join(f"{k}: {v}" for k, v in sap.items())))
    procedure = rec["procedura"]
    if rec["procedura_da"]:
        procedure = f"(dalla riga di {rec['procedura_da']}) {procedure}"
    rows.append(("Procedure Regione Marche", procedure or "–"))
    for k, v in rows:
        table.add_row(k, escape(v))
    console.print(table)

"""The catalogue in the terminal and as listings: services as a table, CSV or JSON, one service in full,
the programmes (`registro catalogo`). The records come from registro.validators.catalogue.view."""

from __future__ import annotations

import csv
import json
from typing import IO

from registro.validators.catalogue import Catalogue, Service
from registro.validators.catalogue.view import (RECORD_FIELDS, duration_label, it_date, programme_records,
                                                reserved_runs, service_record)


def service_records(catalogue: Catalogue, *, all_entries: bool = False) -> list[dict]:
    """The flat records of the registrable services (all_entries: also the entries that are not)."""
    return [service_record(catalogue, s) for s in catalogue.services.values() if all_entries or s.registrable]


def catalogue_json(catalogue: Catalogue, *, all_entries: bool = False) -> str:
    """The catalogue as JSON: version, programmes and services."""
    payload = {"versione": catalogue.version, "programmi": programme_records(catalogue),
               "servizi": service_records(catalogue, all_entries=all_entries)}
    return json.dumps(payload, ensure_ascii=False, indent=2)


def service_json(catalogue: Catalogue, service: Service) -> str:
    """One service in full as JSON."""
    return json.dumps(service_record(catalogue, service, full=True), ensure_ascii=False, indent=2)


def valid_line(path, catalogue: Catalogue) -> str:
    """What `catalogo --verifica` says of a catalogue file that loaded without errors."""
    return (f"Catalogo valido: {path} (versione {catalogue.version}, "
            f"{len(catalogue.registrable)} servizi registrabili, {len(catalogue.programmes)} programmi).")


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

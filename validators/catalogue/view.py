"""The catalogue for people: a typed code looked up (with suggestions), services and programmes as flat
records (what the CSV/JSON listings, the guide's tables and the template show; registro.validators.render.catalogue
prints them)."""

from __future__ import annotations

import difflib

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

"""Register rows for the template tests, chosen from the catalogue, and the totals Python expects for them.

The expected totals are computed here directly from the rows and the catalogue, independently of the
template's formulas: a service is a row; its minutes are the Durata when filled, else the catalogue's
average (0 when the catalogue has none).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from registro.validators.catalogue import Catalogue, Service

TODAY = dt.date(2026, 11, 1)
PERSONS = ["RSSMRA80A01H501U", "BNCLRA85M41D451W", "VRDGPP90C12A271Y", "NREFNC75T10E388T", "GLLSRA99H55I608H"]
COMPANY = "00743110157"  # a valid partita IVA
OFFICES = ["Ancona", "Jesi", "Fabriano"]
OPERATORS = ["Maria Rossi", "Luca Bianchi", "Anna Verdi"]
UNLISTED_OPERATOR = "Paolo Neri"  # typed although not in Elenchi: counted under "Non in elenco"
EXCEL_EPOCH = dt.date(1899, 12, 30)


def serial(day: dt.date) -> int:
    """The spreadsheet serial number of a date."""
    return (day - EXCEL_EPOCH).days


def typed(rows: list[dict], first: int = 2, sheet: str = "Registro") -> list[dict]:
    """The LibreOffice driver's `set` operations that type rows (by contract column) from row `first` on."""
    from registro.validators.read.register import COLUMNS

    ops = []
    for r, row in enumerate(rows, start=first):
        for letter, name in zip("ABCDEFGHIJ", COLUMNS):
            value = row[name]
            if value is not None:
                value = serial(value) if isinstance(value, dt.date) else value
                ops.append({"op": "set", "sheet": sheet, "cell": f"{letter}{r}", "value": value})
    return ops


def label(service: Service) -> str:
    """The dropdown label of a service, as the operator picks it."""
    return f"{service.code} - {service.name}"


def _eligible(cat: Catalogue, s: Service) -> bool:
    return not s.prerequisites and not s.companions and not s.automatic_from and s.duration is not None


def sample_services(cat: Catalogue) -> list[Service]:
    """For each LEP, the first registrable service with no prerequisite and no automatic registration."""
    chosen: dict[str, Service] = {}
    for s in cat.registrable:
        if s.lep not in chosen and _eligible(cat, s):
            chosen[s.lep] = s
    return list(chosen.values())


def row_for(cat: Catalogue, s: Service, i: int, *, minutes: int | None = None, operator: str | None = None) -> dict:
    """A row that passes every rule of `registro valida` for service s (i varies people, days, offices).

    A company row leaves Programma blank, as an office writes it: the service implies its programme.
    """
    company = s.target == "azienda"
    programme = s.programmes[0] if s.programmes and not company else None
    day = dt.date(2026, 10, 1 + i % 28)
    if programme:
        valid_to = cat.programme(programme).valid_to
        if valid_to and day > valid_to:
            day = valid_to
    return {
        "Data": day,
        "Sede": OFFICES[i % len(OFFICES)],
        "Operatore": operator or OPERATORS[i % len(OPERATORS)],
        "Tipo utente": "Azienda" if company else "Persona",
        "Codice fiscale": COMPANY if company else PERSONS[i % len(PERSONS)],
        "Programma": programme,
        "Codice servizio": label(s),
        "Durata (min)": minutes,
        "Modalità": "A distanza" if i % 2 else "In presenza",
        "Note": None,
    }


def sample_rows(cat: Catalogue) -> list[dict]:
    """Valid rows over every LEP, with and without Durata, one by an operator not in the list, persons in the
    programmes that came after the table, companies on every service reserved to a programme (Programma blank)."""
    rows = []
    for i, s in enumerate(sample_services(cat)):
        d = s.duration
        minutes = d.maximum if i % 3 == 0 and d.maximum else None  # within the standard range
        rows.append(row_for(cat, s, i, minutes=minutes))
    free = next(s for s in sample_services(cat) if s.target == "persona" and s.programmes is None)
    for p in cat.programmes:
        if not p.from_table:
            rows.append(row_for(cat, free, len(rows)) | {"Programma": p.code})
    for s in cat.registrable:
        if s.target == "azienda" and s.programmes and _eligible(cat, s):
            rows.append(row_for(cat, s, len(rows)))
    # Last: the row by an operator not in the list.
    rows.append(row_for(cat, sample_services(cat)[0], len(rows), minutes=None, operator=UNLISTED_OPERATOR))
    return rows


def minutes_of(cat: Catalogue, row: dict) -> int:
    """Durata if filled, else the catalogue average (0 when missing)."""
    if row["Durata (min)"] is not None:
        return row["Durata (min)"]
    code = row["Codice servizio"].split(" - ", 1)[0]
    d = cat.services[code].duration
    return (d.average or 0) if d else 0


def expected_totals(cat: Catalogue, rows: list[dict]) -> dict[str, dict[str, tuple[int, int]]]:
    """{'operatore'|'lep'|'sede': {key: (services, minutes)}} computed in Python from the rows."""
    out: dict[str, dict[str, list[int]]] = {k: defaultdict(lambda: [0, 0]) for k in ("operatore", "lep", "sede")}
    for row in rows:
        code = row["Codice servizio"].split(" - ", 1)[0]
        minutes = minutes_of(cat, row)
        for kind, key in (("operatore", row["Operatore"]), ("lep", cat.services[code].lep), ("sede", row["Sede"])):
            out[kind][key][0] += 1
            out[kind][key][1] += minutes
    return {kind: {k: (v[0], v[1]) for k, v in d.items()} for kind, d in out.items()}

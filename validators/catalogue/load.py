"""The regional service catalogue: the YAML data file, its loader and its own validation.

Nothing here knows about a specific service code: every fact (eligibility, target, durations,
prerequisites) is read from the data file. It imports nothing of ours but the leaf modules
errors and text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from registro.validators.errors import CatalogueError
from registro.validators.yamlfile import read_yaml
from registro.validators.text import norm_key

DEFAULT_PATH = Path(__file__).with_name("data") / "catalogo.yaml"

TARGETS = ("persona", "azienda", "entrambi")
PROGRAMME_TARGETS = ("persona", "entrambi")
PROVENANCES = ("tabella", "ereditata", "incompleta", "assente")
SEVERITIES = ("errore", "avviso")
_PROCEDURE_FIELDS = ("accompagnato_da", "ripetizione", "non_stesso_giorno")


@dataclass(frozen=True)
class Duration:
    """Standard minutes of a service and where they come from."""

    minimum: int | None
    average: int | None
    maximum: int | None
    provenance: str
    inherited_from: str | None = None
    note: str | None = None

    @property
    def printed(self) -> bool:
        """True when all three values are printed on the table's row."""
        return self.provenance == "tabella"


@dataclass(frozen=True)
class Prerequisite:
    """A service that must precede another one for the same person (any one of `codes` will do)."""

    code: str
    severity: str
    source: str
    alternatives: tuple[str, ...] = ()  # other codes that count as this prerequisite (A.2, A.3 for A.1)
    target: str | None = None  # "persona": the prerequisite holds on a person's rows only

    @property
    def codes(self) -> tuple[str, ...]:
        """The code and its alternatives: registering any one of them meets the prerequisite."""
        return (self.code, *self.alternatives)

    def applies_to(self, user_type: str) -> bool:
        """Whether a row of a 'persona' or an 'azienda' needs this prerequisite."""
        return self.target is None or self.target == user_type


@dataclass(frozen=True)
class Companion:
    """A service registered for the same person on the same day as another (B.2 with B.1)."""

    code: str
    programmes: tuple[str, ...] | None  # required only on rows of these programmes (None: always)
    source: str

    def required_for(self, programme: str | None) -> bool:
        """Whether a row of that programme needs the companion."""
        return self.programmes is None or programme in self.programmes


@dataclass(frozen=True)
class Repetition:
    """A service a person gets again only after `after` (a new DID); otherwise `instead` is registered."""

    after: str
    instead: str
    source: str


@dataclass(frozen=True)
class NotSameDay:
    """A service that follows `code` "in momenti successivi": not on the same day for the same person."""

    code: str
    source: str


@dataclass(frozen=True)
class Service:
    """One entry of the regional table."""

    code: str
    lep: str
    group: str | None
    name: str
    registrable: bool
    not_registrable_reason: str | None
    target: str | None
    target_note: str | None
    programmes: tuple[str, ...] | None
    programmes_source: str | None
    duration: Duration | None
    automatic_from: str | None
    automatic_note: str | None
    prerequisites: tuple[Prerequisite, ...]
    sap: tuple[dict, ...]
    procedure: str | None
    procedure_from: str | None
    companions: tuple[Companion, ...] = ()
    repetition: Repetition | None = None
    not_same_day: NotSameDay | None = None

    def allows_programme(self, programme: str) -> bool:
        """Whether a row with this programme may carry this service."""
        return self.programmes is None or programme in self.programmes

    @property
    def implied_programme(self) -> str | None:
        """The programme a company row with a blank (or default) Programma is counted under.

        Set when the service is reserved to exactly one programme (S.1-S.3: L.68); the loader makes
        sure that programme is one a company may carry.
        """
        return self.programmes[0] if self.programmes and len(self.programmes) == 1 else None

    def serves(self, user_type: str) -> bool:
        """Whether the service may be registered for a 'persona' or an 'azienda'."""
        return self.target == "entrambi" or self.target == user_type


@dataclass(frozen=True)
class Programme:
    """A programme a service may be delivered under (Ordinario, GG, ...)."""

    code: str
    name: str
    default: bool
    synonyms: tuple[str, ...]
    valid_from: dt.date | None
    valid_to: dt.date | None
    note: str | None = None
    target: str = "entrambi"  # "persona": a person's programme, not admitted on a company row
    from_table: bool = True  # False for programmes that came after the regional table
    source: str | None = None  # the law (or table) the programme comes from

    @property
    def for_companies(self) -> bool:
        """Whether a company row may carry this programme."""
        return self.target == "entrambi"

    def valid_on(self, day: dt.date) -> bool:
        """Whether the programme is in force on that day."""
        return (self.valid_from is None or day >= self.valid_from) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass(frozen=True)
class Lep:
    """A LEP (livello essenziale delle prestazioni) with its sub-groups."""

    letter: str
    name: str
    groups: dict[str, str]


@dataclass(frozen=True)
class Modality:
    """A delivery modality with the spellings accepted for it."""

    code: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    """The whole catalogue, as loaded and checked from its data file."""

    version: str
    title: str
    authority: str
    valid_from: dt.date
    valid_to: dt.date | None
    notice: str
    programmes: tuple[Programme, ...]
    modalities: tuple[Modality, ...]
    leps: tuple[Lep, ...]
    services: dict[str, Service]
    path: str
    _lookup: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def registrable(self) -> list[Service]:
        """The services that can be registered in JA, in table order."""
        return [s for s in self.services.values() if s.registrable]

    @property
    def default_programme(self) -> Programme:
        """The programme used when a row leaves Programma blank."""
        return next(p for p in self.programmes if p.default)

    def lep(self, letter: str) -> Lep:
        """The LEP with that letter."""
        return next(x for x in self.leps if x.letter == letter)

    def programme(self, code: str) -> Programme | None:
        """The programme with that canonical code, or None."""
        return next((p for p in self.programmes if p.code == code), None)

    def procedure_text(self, service: Service) -> str | None:
        """The "Procedure Regione Marche" text that applies to a service."""
        if service.procedure:
            return service.procedure
        if service.procedure_from:
            return self.services[service.procedure_from].procedure
        return None

    def programme_aliases(self) -> dict[str, str]:
        """Normalised spelling -> canonical programme code (codes, names and synonyms)."""
        out: dict[str, str] = {}
        for p in self.programmes:
            for text in (p.code, p.name, *p.synonyms):
                out[norm_key(text)] = p.code
        return out

    def modality_aliases(self) -> dict[str, str]:
        """Normalised spelling -> canonical modality."""
        out: dict[str, str] = {}
        for m in self.modalities:
            for text in (m.code, *m.synonyms):
                out[norm_key(text)] = m.code
        return out


# ---------------------------------------------------------------------------------------------
# Loading and checking


class _Checker:
    """Reads raw YAML values and raises CatalogueError naming the entry and the field."""

    def __init__(self, path: str):
        self.path = path

    def fail(self, entry: str, fieldname: str, problem: str) -> None:
        raise CatalogueError(
            f"Catalogo '{self.path}': voce '{entry}', campo '{fieldname}': {problem}"
        )

    def text(self, raw: dict, key: str, entry: str, required: bool = True) -> str | None:
        value = raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(entry, key, "manca o è vuoto.")
            return None
        if not isinstance(value, (str, int, float)):
            self.fail(entry, key, f"atteso un testo, trovato {value!r}.")
        return str(value).strip()

    def date(self, raw: dict, key: str, entry: str, required: bool = False) -> dt.date | None:
        value = raw.get(key)
        if value is None:
            if required:
                self.fail(entry, key, "manca (data nel formato AAAA-MM-GG).")
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(entry, key, f"'{value}' non è una data valida (formato AAAA-MM-GG).")
        return None

    def minutes(self, raw: dict, key: str, entry: str) -> int | None:
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            self.fail(entry, f"durata.{key}", f"'{value}' non è un numero intero positivo di minuti.")
        return value

    def flag(self, raw: dict, key: str, entry: str, default: bool) -> bool:
        value = raw.get(key, default)
        if not isinstance(value, bool):
            self.fail(entry, key, f"atteso true o false, trovato {value!r}.")
        return value

    def period(self, start: dt.date | None, end: dt.date | None, entry: str) -> None:
        if start and end and end < start:
            self.fail(entry, "valido_al", f"{end.isoformat()} precede valido_dal {start.isoformat()}.")


def _as_list(ck: _Checker, raw: Any, entry: str, key: str) -> list:
    if raw is None:
        return []
    if not isinstance(raw, list):
        ck.fail(entry, key, "atteso un elenco.")
    return raw


def _parse_duration(ck: _Checker, raw: Any, code: str) -> Duration:
    if not isinstance(raw, dict):
        ck.fail(code, "durata", "manca (indicare minimo, medio, massimo e provenienza).")
    mn, avg, mx = (ck.minutes(raw, k, code) for k in ("minimo", "medio", "massimo"))
    provenance = ck.text(raw, "provenienza", code)
    if provenance not in PROVENANCES:
        ck.fail(code, "durata.provenienza", f"'{provenance}' non è tra {', '.join(PROVENANCES)}.")
    values = [v for v in (mn, avg, mx) if v is not None]
    if values != sorted(values):
        ck.fail(code, "durata", f"deve valere minimo <= medio <= massimo (trovati {mn}/{avg}/{mx}).")
    present = len(values)
    if provenance in ("tabella", "ereditata") and present != 3:
        ck.fail(code, "durata", f"con provenienza '{provenance}' servono minimo, medio e massimo.")
    if provenance == "incompleta" and present not in (1, 2):
        ck.fail(code, "durata", "con provenienza 'incompleta' servono uno o due valori, non tutti.")
    if provenance == "assente" and present:
        ck.fail(code, "durata", "con provenienza 'assente' i minuti devono essere vuoti.")
    inherited = ck.text(raw, "ereditata_da", code, required=False)
    if provenance == "ereditata" and not inherited:
        ck.fail(code, "durata.ereditata_da", "obbligatorio quando la provenienza è 'ereditata'.")
    return Duration(mn, avg, mx, provenance, inherited, ck.text(raw, "nota", code, required=False))


def _parse_service(ck: _Checker, raw: Any, index: int, programmes: set[str]) -> Service:
    if not isinstance(raw, dict):
        ck.fail(f"servizi[{index + 1}]", "servizi", "ogni servizio deve essere una voce con campi.")
    code = ck.text(raw, "codice", f"servizi[{index + 1}]")
    registrable = ck.flag(raw, "registrabile", code, True)
    target = ck.text(raw, "destinatario", code, required=registrable)
    if registrable and target not in TARGETS:
        ck.fail(code, "destinatario", f"'{target}' non è tra {', '.join(TARGETS)}.")
    allowed = raw.get("programmi")
    if allowed is not None:
        allowed = tuple(str(p) for p in _as_list(ck, allowed, code, "programmi"))
        for p in allowed:
            if p not in programmes:
                ck.fail(code, "programmi", f"programma '{p}' sconosciuto (programmi: {', '.join(sorted(programmes))}).")
        if not allowed:
            ck.fail(code, "programmi", "elenco vuoto: ometterlo per ammettere tutti i programmi.")
    prereqs = []
    for p in _as_list(ck, raw.get("prerequisiti"), code, "prerequisiti"):
        if not isinstance(p, dict):
            ck.fail(code, "prerequisiti", "ogni prerequisito ha codice, gravita e fonte.")
        severity = ck.text(p, "gravita", code) or ""
        if severity not in SEVERITIES:
            ck.fail(code, "prerequisiti.gravita", f"'{severity}' non è tra {', '.join(SEVERITIES)}.")
        alternatives = tuple(str(x) for x in _as_list(ck, p.get("oppure"), code, "prerequisiti.oppure"))
        only_for = ck.text(p, "destinatario", code, required=False)
        if only_for is not None and only_for not in ("persona", "azienda"):
            ck.fail(code, "prerequisiti.destinatario", f"'{only_for}' non è tra persona, azienda.")
        prereqs.append(Prerequisite(ck.text(p, "codice", code), severity, ck.text(p, "fonte", code, required=False) or "",
                                    alternatives, only_for))
    companions = []
    for c in _as_list(ck, raw.get("accompagnato_da"), code, "accompagnato_da"):
        if not isinstance(c, dict):
            ck.fail(code, "accompagnato_da", "ogni servizio che accompagna ha codice, fonte e (facoltativi) programmi.")
        only = c.get("programmi")
        only = tuple(str(x) for x in _as_list(ck, only, code, "accompagnato_da.programmi")) if only is not None else None
        for x in only or ():
            if x not in programmes:
                ck.fail(code, "accompagnato_da.programmi", f"programma '{x}' sconosciuto.")
        companions.append(Companion(ck.text(c, "codice", code), only, ck.text(c, "fonte", code)))
    repetition = _parse_repetition(ck, raw.get("ripetizione"), code)
    same_day = raw.get("non_stesso_giorno")
    if same_day is not None and not isinstance(same_day, dict):
        ck.fail(code, "non_stesso_giorno", "attesi i campi codice e fonte.")
    auto = raw.get("registrazione_automatica")
    if auto is not None and not isinstance(auto, dict):
        ck.fail(code, "registrazione_automatica", "attesi i campi replica e nota.")
    sap = tuple(dict(x) for x in _as_list(ck, raw.get("sap"), code, "sap"))
    return Service(
        code=code,
        lep=ck.text(raw, "lep", code),
        group=ck.text(raw, "gruppo", code, required=False),
        name=ck.text(raw, "nome", code),
        registrable=registrable,
        not_registrable_reason=ck.text(raw, "motivo_non_registrabile", code, required=not registrable),
        target=target,
        target_note=ck.text(raw, "nota_destinatario", code, required=False),
        programmes=allowed,
        programmes_source=ck.text(raw, "fonte_programmi", code, required=allowed is not None),
        duration=_parse_duration(ck, raw.get("durata"), code) if registrable else None,
        automatic_from=ck.text(auto, "replica", code) if auto else None,
        automatic_note=ck.text(auto, "nota", code, required=False) if auto else None,
        prerequisites=tuple(prereqs),
        sap=sap,
        procedure=ck.text(raw, "procedura", code, required=False),
        procedure_from=ck.text(raw, "procedura_da", code, required=False),
        companions=tuple(companions),
        repetition=repetition,
        not_same_day=NotSameDay(ck.text(same_day, "codice", code), ck.text(same_day, "fonte", code)) if same_day else None,
    )


def _parse_repetition(ck: _Checker, raw: Any, code: str) -> Repetition | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        ck.fail(code, "ripetizione", "attesi i campi dopo, altrimenti e fonte.")
    return Repetition(ck.text(raw, "dopo", code), ck.text(raw, "altrimenti", code), ck.text(raw, "fonte", code))


def _check_references(ck: _Checker, services: dict[str, Service], leps: dict[str, Lep]) -> None:
    for s in services.values():
        if s.lep not in leps:
            ck.fail(s.code, "lep", f"LEP '{s.lep}' non definito nell'elenco 'lep'.")
        if s.group and s.group not in leps[s.lep].groups:
            ck.fail(s.code, "gruppo", f"sotto-gruppo '{s.group}' non definito nel LEP {s.lep}.")
        refs = [("prerequisiti", c) for p in s.prerequisites for c in p.codes]
        refs += [("accompagnato_da", c.code) for c in s.companions]
        if s.repetition:
            refs += [("ripetizione.dopo", s.repetition.after), ("ripetizione.altrimenti", s.repetition.instead)]
        if s.not_same_day:
            refs.append(("non_stesso_giorno", s.not_same_day.code))
        refs += [("registrazione_automatica.replica", s.automatic_from), ("procedura_da", s.procedure_from)]
        if s.duration:
            refs.append(("durata.ereditata_da", s.duration.inherited_from))
        for fieldname, ref in refs:
            if ref is None:
                continue
            if ref not in services:
                ck.fail(s.code, fieldname, f"il codice '{ref}' non esiste nel catalogo.")
            if fieldname == "prerequisiti" and (ref == s.code or not services[ref].registrable):
                ck.fail(s.code, fieldname, f"'{ref}' non può essere un prerequisito di {s.code}.")
            if fieldname != "prerequisiti" and fieldname.split(".")[0] in _PROCEDURE_FIELDS and (
                    ref == s.code or not services[ref].registrable):
                ck.fail(s.code, fieldname, f"'{ref}' non è un servizio registrabile diverso da {s.code}.")


def _parse_programme(ck: _Checker, p: dict, code: str, start, end, synonyms: tuple[str, ...]) -> Programme:
    target = ck.text(p, "destinatario", code, required=False) or "entrambi"
    if target not in PROGRAMME_TARGETS:
        ck.fail(code, "destinatario", f"'{target}' non è tra {', '.join(PROGRAMME_TARGETS)}.")
    from_table = ck.flag(p, "da_tabella", code, True)
    source = ck.text(p, "fonte", code, required=not from_table)
    if not from_table and start is None:
        ck.fail(code, "valido_dal", "obbligatorio per un programma che non viene dalla tabella (da_tabella: false): "
                "indicare la data di inizio (AAAA-MM-GG).")
    return Programme(code, ck.text(p, "nome", code), ck.flag(p, "predefinito", code, False), synonyms,
                     start, end, ck.text(p, "nota", code, required=False), target, from_table, source)


def _check_programme_spellings(ck: _Checker, programmes: list[Programme]) -> None:
    """Each spelling (code, name, synonym, compared as norm_key) names one programme only."""
    owner: dict[str, str] = {}
    for p in programmes:
        for text in (p.code, p.name, *p.synonyms):
            other = owner.setdefault(norm_key(text), p.code)
            if other != p.code:
                ck.fail(p.code, "sinonimi", f"'{text}' indica già il programma {other}.")


def _check_company_programmes(ck: _Checker, services: dict[str, Service], programmes: dict[str, Programme]) -> None:
    """A service for companies reserved to programmes: one programme, which a company may carry (implied)."""
    for s in services.values():
        if not (s.registrable and s.programmes and s.target in ("azienda", "entrambi")):
            continue
        if len(s.programmes) > 1:
            ck.fail(s.code, "programmi", "un servizio per le aziende può essere riservato a un solo programma "
                    "(quello implicito per le righe di un'azienda con Programma vuoto).")
        if not programmes[s.programmes[0]].for_companies:
            ck.fail(s.code, "programmi", f"il programma '{s.programmes[0]}' è solo per le persone "
                    "(destinatario: persona), ma il servizio è anche per le aziende.")


def parse_catalogue(raw: Any, path: str) -> Catalogue:
    """Build and check a Catalogue from the parsed YAML document."""
    ck = _Checker(path)
    if not isinstance(raw, dict):
        ck.fail("(documento)", "(radice)", "il file non contiene un catalogo (attese le chiavi versione, programmi, lep, servizi).")
    top = "(catalogo)"
    version = ck.text(raw, "versione", top)
    valid_from = ck.date(raw, "valido_dal", top, required=True)
    valid_to = ck.date(raw, "valido_al", top)
    ck.period(valid_from, valid_to, top)

    programmes = []
    for i, p in enumerate(_as_list(ck, raw.get("programmi"), top, "programmi")):
        if not isinstance(p, dict):
            ck.fail(f"programmi[{i + 1}]", "programmi", "ogni programma ha codice e nome.")
        code = ck.text(p, "codice", f"programmi[{i + 1}]")
        start, end = ck.date(p, "valido_dal", code), ck.date(p, "valido_al", code)
        ck.period(start, end, code)
        synonyms = tuple(str(x) for x in _as_list(ck, p.get("sinonimi"), code, "sinonimi"))
        programmes.append(_parse_programme(ck, p, code, start, end, synonyms))
    codes = [p.code for p in programmes]
    if not programmes:
        ck.fail(top, "programmi", "serve almeno un programma.")
    if len(set(codes)) != len(codes):
        dup = next(c for c in codes if codes.count(c) > 1)
        ck.fail(dup, "codice", "programma duplicato.")
    if sum(p.default for p in programmes) != 1:
        ck.fail(top, "programmi", "esattamente un programma deve avere 'predefinito: true'.")
    _check_programme_spellings(ck, programmes)
    default = next(p for p in programmes if p.default)
    if not default.for_companies:
        ck.fail(default.code, "destinatario", "il programma predefinito (cella vuota) vale anche per le aziende: "
                "indicare 'entrambi'.")

    modalities = []
    for i, m in enumerate(_as_list(ck, raw.get("modalita"), top, "modalita")):
        if not isinstance(m, dict):
            ck.fail(f"modalita[{i + 1}]", "modalita", "ogni modalità ha codice e sinonimi.")
        code = ck.text(m, "codice", f"modalita[{i + 1}]")
        modalities.append(Modality(code, tuple(str(x) for x in _as_list(ck, m.get("sinonimi"), code, "sinonimi"))))
    if not modalities:
        ck.fail(top, "modalita", "serve almeno una modalità di erogazione.")

    leps: dict[str, Lep] = {}
    for i, x in enumerate(_as_list(ck, raw.get("lep"), top, "lep")):
        if not isinstance(x, dict):
            ck.fail(f"lep[{i + 1}]", "lep", "ogni LEP ha lettera e nome.")
        letter = ck.text(x, "lettera", f"lep[{i + 1}]")
        if letter in leps:
            ck.fail(letter, "lettera", "LEP duplicato.")
        groups = {}
        for g in _as_list(ck, x.get("gruppi"), letter, "gruppi"):
            if not isinstance(g, dict):
                ck.fail(letter, "gruppi", "ogni sotto-gruppo ha codice e nome.")
            groups[ck.text(g, "codice", letter)] = ck.text(g, "nome", letter)
        leps[letter] = Lep(letter, ck.text(x, "nome", letter), groups)

    services: dict[str, Service] = {}
    for i, s in enumerate(_as_list(ck, raw.get("servizi"), top, "servizi")):
        service = _parse_service(ck, s, i, set(codes))
        if service.code in services:
            ck.fail(service.code, "codice", "codice duplicato nel catalogo.")
        services[service.code] = service
    if not any(s.registrable for s in services.values()):
        ck.fail(top, "servizi", "nessun servizio registrabile.")
    _check_references(ck, services, leps)
    _check_company_programmes(ck, services, {p.code: p for p in programmes})

    return Catalogue(
        version=version,
        title=ck.text(raw, "titolo", top, required=False) or "",
        authority=ck.text(raw, "ente", top, required=False) or "",
        valid_from=valid_from,
        valid_to=valid_to,
        notice=ck.text(raw, "avvertenza", top, required=False) or "",
        programmes=tuple(programmes),
        modalities=tuple(modalities),
        leps=tuple(leps.values()),
        services=services,
        path=path,
    )


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load and check the catalogue file (the bundled one when path is None)."""
    return _load(str(Path(path).resolve()) if path else str(DEFAULT_PATH))


@lru_cache(maxsize=8)
def _load(path: str) -> Catalogue:
    return parse_catalogue(read_yaml(path, f"Catalogo '{path}'", CatalogueError), path)

"""Deterministic generator of realistic, coherent registers (for the tests and the benchmarks).

Every fact comes from the catalogue: which services a person or a firm may receive under a
programme, their prerequisites (always registered earlier or the same day; one of the
alternatives when there are several), the services that accompany another on the same day, the
services that follow another "in momenti successivi" (on a later day), their standard
durations (recorded durations stay inside [minimum, maximum]) and the programmes' validity.
People get valid, unique codici fiscali, firms valid partite IVA; dates are working days of the
period, never after `today`; operators never work more than a day's minutes; no row repeats.

    rows = generate_rows(5000, month="2026-10", seed=1)
    write_xlsx("registro.xlsx", rows)

    python -m benchmarks.generator registro.xlsx --righe 1000000 --mese 2025
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import math
import random
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.calendar_it import months_before, parse_period, working_days
from benchmarks.people import Registry
from benchmarks.writers import write_csv, write_xlsx

__all__ = ["OFFICES", "Register", "generate", "generate_rows", "history_rows", "write_csv", "write_xlsx"]

# The CPI towns of the Marche, weighted by the size of their catchment.
OFFICES: dict[str, int] = {
    "Ancona": 16, "Jesi": 8, "Senigallia": 7, "Fabriano": 5, "Macerata": 9, "Civitanova Marche": 8,
    "Pesaro": 12, "Fano": 9, "Urbino": 4, "Ascoli Piceno": 8, "San Benedetto del Tronto": 8,
    "Fermo": 9, "Tolentino": 4,
}
NOTES = ("primo colloquio", "richiamare la persona", "documenti consegnati", "su appuntamento",
         "inviato CV all'azienda", "colloquio telefonico", "in attesa di riscontro", "aggiornata la SAP")
DEFAULT_PROGRAMME_SHARE = 0.62  # people with no specific programme; the others share the rest
FIRM_SHARE = 0.07  # journeys of firms among all journeys
PERSON_AGES = (16, 67)
JOURNEY_SIZES, JOURNEY_WEIGHTS = (1, 2, 3, 4, 5, 6), (28, 28, 20, 12, 8, 4)
_JOURNEY_CUMULATIVE = list(itertools.accumulate(JOURNEY_WEIGHTS))
LOAD_FACTOR = 0.7  # staff is sized so that the busiest day of an office uses 70% of its minutes


@dataclass(frozen=True)
class _Offer:
    """What the generator needs to know about one registrable service."""

    code: str
    long_text: str
    programmes: tuple[str, ...] | None
    low: int | None  # recorded durations are drawn in [low, high]
    high: int | None
    average: int | None
    counts: bool  # whether its minutes count toward an operator's day (validator's rule)
    prerequisites: tuple[tuple[tuple[str, ...], str | None], ...]  # (codes that meet it, user type or None)
    weight: float
    companions: tuple[tuple[str, tuple[str, ...] | None], ...] = ()  # (code, programmes or None): same day
    later_than: str | None = None  # registered on a later day than this code (non_stesso_giorno)


@dataclass
class Register:
    """A generated register: rows of the period, rows of the months before, injected mistakes."""

    rows: list[list]
    history: list[list] = field(default_factory=list)
    injected: list[tuple[int, str]] = field(default_factory=list)  # (index in rows, rule id)
    operators: dict[str, list[str]] = field(default_factory=dict)  # office -> operator names


class _Catalogue:
    """The catalogue's facts, arranged for drawing journeys quickly."""

    def __init__(self, cat, first: dt.date, last: dt.date, workday_minutes: int):
        self.cat = cat
        self.default = cat.default_programme.code
        # Only programmes in force over the whole period are ever used.
        self.programmes = [p.code for p in cat.programmes if p.valid_on(first) and p.valid_on(last)]
        self.offers: dict[str, _Offer] = {}
        for s in cat.registrable:
            if s.automatic_from:
                continue  # JA registers it by itself
            d = s.duration
            low = d.minimum if d else None
            high = (d.maximum or (d.average and 2 * d.average) or (low and 2 * low)) if d else None
            average = d.average if d else None
            bound = (d.maximum if d and d.maximum is not None else average)
            self.offers[s.code] = _Offer(
                s.code, f"{s.code} - {s.name}", s.programmes, low, high, average,
                bound is not None and bound <= workday_minutes,
                tuple((p.codes, p.target) for p in s.prerequisites), 1.0 / (average or 60),
                tuple((c.code, c.programmes) for c in s.companions),
                s.not_same_day.code if s.not_same_day else None,
            )
        self._targets = {s.code: s.target for s in cat.registrable}
        self.implied = {s.code: s.implied_programme for s in cat.registrable if s.implied_programme}
        self._pools: dict[tuple[str, str], tuple[list[str], list[float]]] = {}
        self._depth: dict[str, int] = {}

    def eligible(self, code: str, kind: str, programme: str, seen=()) -> bool:
        """Whether the service, and every prerequisite before it, fits this user and programme."""
        offer = self.offers.get(code)
        if offer is None or self._targets[code] not in (kind, "entrambi") or code in seen:
            return False
        if offer.programmes is not None and programme not in offer.programmes:
            return False
        seen = (*seen, code)
        return all(self.alternatives(codes, kind, programme, seen) for codes, target in offer.prerequisites
                   if target in (None, kind)) and all(
            self.eligible(c, kind, programme, seen) for c in self.companions(code, programme))

    def alternatives(self, codes: tuple[str, ...], kind: str, programme: str, seen=()) -> list[str]:
        """The codes among a prerequisite's alternatives that this user and programme may receive.

        A code already on the way (`seen`) counts: B.3 accompanies B.1 and also requires it.
        """
        return [c for c in codes if c in seen or self.eligible(c, kind, programme, seen)]

    def companions(self, code: str, programme: str) -> list[str]:
        """The services registered with `code` on the same day for a user of that programme."""
        return [c for c, only in self.offers[code].companions if only is None or programme in only]

    def pool(self, kind: str, programme: str) -> tuple[list[str], list[float]]:
        """(codes, cumulative weights) of the services a user may receive; short ones are commoner."""
        key = (kind, programme)
        if key not in self._pools:
            codes = [c for c in self.offers if self.eligible(c, kind, programme)]
            self._pools[key] = (codes, list(itertools.accumulate(self.offers[c].weight for c in codes)))
        return self._pools[key]

    def programmes_for(self, kind: str) -> list[str]:
        """The default programme, those some service for this kind of user is reserved to, and (for persons)
        the programmes no service is reserved to (GOL, SFL, ADI: their persons get the unrestricted services)."""
        named = {p for c, o in self.offers.items() if self._targets[c] in (kind, "entrambi") for p in o.programmes or ()}
        reserving = {p for o in self.offers.values() for p in o.programmes or ()}
        free = {p.code for p in self.cat.programmes if kind == "persona" and p.code not in reserving}
        return [p for p in self.programmes if (p == self.default or p in named or p in free) and self.pool(kind, p)[0]]

    def depth(self, code: str) -> int:
        """Length of the longest prerequisite chain before the service (any alternative, any user)."""
        if code not in self._depth:
            self._depth[code] = 1 + max((self.depth(c) for codes, _ in self.offers[code].prerequisites for c in codes),
                                        default=-1)
        return self._depth[code]

    def journey(self, rng: random.Random, kind: str, programme: str) -> list[tuple[str, bool]]:
        """(code, same day as the code before) for one user: prerequisites included, in an order that
        respects them, each service's companions right after it on the same day."""
        codes, cumulative = self.pool(kind, programme)
        size = rng.choices(JOURNEY_SIZES, cum_weights=_JOURNEY_CUMULATIVE)[0]
        chosen: dict[str, None] = {}
        for code in rng.choices(codes, cum_weights=cumulative, k=size):
            self._with_prerequisites(code, chosen, rng, kind, programme)
        glued = {c for code in chosen for c in self.companions(code, programme)}
        order: list[tuple[str, bool]] = []
        for code in sorted(chosen, key=self.depth):
            if code in glued:
                continue
            order.append((code, False))
            order += [(c, True) for c in self.companions(code, programme)]
        return order

    def _with_prerequisites(self, code: str, chosen: dict[str, None], rng, kind: str, programme: str) -> None:
        for codes, target in self.offers[code].prerequisites:
            if target not in (None, kind) or any(c in chosen for c in codes):
                continue
            options = self.alternatives(codes, kind, programme)
            self._with_prerequisites(options[int(rng.random() * len(options))], chosen, rng, kind, programme)
        chosen[code] = None
        for c in self.companions(code, programme):
            chosen[c] = None


def _load_catalogue(catalogue):
    from registro.validators.catalogue import Catalogue, load_catalogue

    return catalogue if isinstance(catalogue, Catalogue) else load_catalogue(catalogue)


def generate(n_rows: int, month: str = "2026-10", seed: int = 1, offices=None, error_rate: float = 0.0, *,
             today: dt.date | None = None, history_months: int = 0, workday_minutes: int = 432,
             catalogue=None) -> Register:
    """A register of `n_rows` rows dated in `month` ('AAAA-MM', or 'AAAA' for a year).

    `history_months` earlier months are generated too (journeys that started before the period);
    with `error_rate` > 0 that share of the period's rows gets one known mistake each.
    """
    rng = random.Random(seed)
    first, last = parse_period(month)
    if today is not None:
        last = min(last, today)
    start = months_before(first, history_months) if history_months else first
    days = working_days(start, last)
    current_from = bisect.bisect_left(days, first)
    if current_from >= len(days):
        raise ValueError(f"nessun giorno lavorativo nel periodo {month} fino a {today}")
    names = list(offices or OFFICES)
    office_weights = list(itertools.accumulate(OFFICES.get(o, 6) for o in names))
    cat = _Catalogue(_load_catalogue(catalogue), start, last, workday_minutes)
    people = Registry(rng)
    # Draw journeys until the period holds n_rows rows. A row: [day index, office index, kind,
    # code fiscal, programme, service code, minutes recorded or None, minutes counted].
    drafts: list[list] = []
    current = 0
    born_ref = days[-1]
    person_programmes = cat.programmes_for("persona")
    person_weights = _cumulative(person_programmes, cat.default, DEFAULT_PROGRAMME_SHARE)
    firm_programmes = cat.programmes_for("azienda")
    firm_weights = _cumulative(firm_programmes, cat.default, 0.85)
    n_days = len(days)
    draw = rng.random
    while current < n_rows:
        if draw() < FIRM_SHARE:
            kind, user = "azienda", people.firm(born_ref)
            programme = rng.choices(firm_programmes, cum_weights=firm_weights)[0]
        else:
            kind, user = "persona", people.person(born_ref, PERSON_AGES)
            programme = rng.choices(person_programmes, cum_weights=person_weights)[0]
        office = bisect.bisect_left(office_weights, draw() * office_weights[-1])
        day = int(draw() * n_days)
        days_of: dict[str, int] = {}
        for i, (code, same_day) in enumerate(cat.journey(rng, kind, programme)):
            if current == n_rows and not same_day:
                break  # the period is full (a service's companions still join it)
            offer = cat.offers[code]
            if i and not same_day and (draw() > 0.45 or days_of.get(offer.later_than) == day):
                day += 1 + int(draw() * 12)  # next visit within a few weeks
            if day >= n_days:
                break  # the journey goes on after the period
            days_of[code] = day
            minutes = None
            if offer.low is not None and draw() < 0.9:
                minutes = offer.low + 5 * int(draw() * ((offer.high - offer.low) // 5 + 1))
            counted = (minutes if minutes is not None else offer.average or 0) if offer.counts else 0
            drafts.append([day, office, kind, user, programme, code, minutes, counted])
            if day >= current_from:
                current += 1
    operators = _assign_operators(drafts, names, people, rng, workday_minutes)
    drafts.sort(key=lambda d: (d[0], d[1], d[8]))
    rows = [_row(d, days, names, operators, cat, rng) for d in drafts]
    split = next((i for i, d in enumerate(drafts) if d[0] >= current_from), len(drafts))
    register = Register(rows[split:], rows[:split], [], {names[i]: ops for i, ops in enumerate(operators)})
    if error_rate > 0:
        from benchmarks.mistakes import inject

        register.rows, register.injected = inject(register.rows, error_rate, rng, cat.cat, first, days[-1])
        if len(register.rows) > EXCEL_DATA_ROWS:  # the mistakes that add a row must not overflow a sheet
            register.rows = register.rows[:EXCEL_DATA_ROWS]
            register.injected = [(i, kind) for i, kind in register.injected if i < EXCEL_DATA_ROWS]
    return register


# An .xlsx sheet holds 1,048,576 rows: the header and this many register rows.
EXCEL_DATA_ROWS = 1_048_575


def _cumulative(programmes: list[str], default: str, share: float) -> list[float]:
    """Cumulative weights: `share` for the default programme, the rest split evenly."""
    rest = (1 - share) / max(1, len(programmes) - 1)
    return list(itertools.accumulate(share if p == default else rest for p in programmes))


def _assign_operators(drafts, names, people, rng, limit) -> list[list[str]]:
    """Give every row an operator of its office whose day still has room; size each office's staff."""
    load: dict[tuple[int, int], int] = {}
    for d in drafts:
        load[d[1], d[0]] = load.get((d[1], d[0]), 0) + d[7]
    busiest = [0] * len(names)
    for (office, _), minutes in load.items():
        busiest[office] = max(busiest[office], minutes)
    operators = [[people.operator() for _ in range(max(2, math.ceil(b / (limit * LOAD_FACTOR))))] for b in busiest]
    used: dict[tuple[int, int, int], int] = {}
    for d in drafts:
        staff = operators[d[1]]
        first = int(rng.random() * len(staff))
        for k in range(len(staff)):
            who = (first + k) % len(staff)
            key = (d[1], who, d[0])
            if used.get(key, 0) + d[7] <= limit:
                break
        else:  # everybody is full that day: the office takes on one more operator
            staff.append(people.operator())
            who = len(staff) - 1
            key = (d[1], who, d[0])
        used[key] = used.get(key, 0) + d[7]
        d.append(who)
    return operators


def _row(d, days, names, operators, cat: _Catalogue, rng: random.Random) -> list:
    """One register row in contract column order, with the spellings offices really use."""
    day, office, kind, user, programme, code, minutes, _, who = d
    if programme == cat.default:
        programme_text = None if rng.random() < 0.6 else programme
    elif kind == "azienda" and programme == cat.implied.get(code):
        # A company has no programme of its own: offices mostly leave it blank (the service implies it).
        draw = rng.random()
        programme_text = None if draw < 0.6 else cat.default if draw < 0.7 else programme
    else:
        programme_text = programme
    code_text = cat.offers[code].long_text if rng.random() < 0.15 else code
    modality = "In presenza" if rng.random() < 0.75 else "A distanza"
    note = rng.choice(NOTES) if rng.random() < 0.08 else None
    return [days[day], names[office], operators[office][who], "Persona" if kind == "persona" else "Azienda",
            user, programme_text, code_text, minutes, modality, note]


def generate_rows(n_rows: int, month: str = "2026-10", seed: int = 1, offices=None, error_rate: float = 0.0,
                  **kwargs) -> list[list]:
    """The rows of a generated register (contract column order: Data ... Note)."""
    return generate(n_rows, month, seed, offices, error_rate, **kwargs).rows


def history_rows(n_rows: int, month: str = "2026-10", seed: int = 1, offices=None, **kwargs) -> list[list]:
    """The month before `month` of the same generated register (for --storico)."""
    return generate(n_rows, month, seed, offices, history_months=1, **kwargs).history


def main(argv=None) -> None:
    """Command line: write a generated register (.xlsx or .csv)."""
    parser = argparse.ArgumentParser(description="Genera un registro realistico e coerente (.xlsx o .csv).")
    parser.add_argument("file", type=Path)
    parser.add_argument("--righe", type=int, default=5000)
    parser.add_argument("--mese", default="2026-10", help="AAAA-MM oppure AAAA (un anno)")
    parser.add_argument("--seme", type=int, default=1)
    parser.add_argument("--errori", type=float, default=0.0, help="quota di righe con un errore (0-1)")
    parser.add_argument("--oggi", type=dt.date.fromisoformat, default=None)
    parser.add_argument("--uffici", help="sedi separate da virgole (predefinite: tutte)")
    parser.add_argument("--csv", type=Path, help="scrive le stesse righe anche in questo file .csv")
    parser.add_argument("--storico", type=Path, help="scrive anche il mese precedente in questo file")
    parser.add_argument("--per-sede", type=Path, metavar="CARTELLA",
                        help="scrive anche le stesse righe divise per sede, un .xlsx per sede in questa cartella")
    parser.add_argument("--mesi-storico", type=int, default=1,
                        help="con --storico: quanti mesi prima; con più di un mese, un file per trimestre "
                             "(NOME_AAAA-T1.csv ...) accanto al file indicato")
    args = parser.parse_args(argv)
    offices = args.uffici.split(",") if args.uffici else None
    register = generate(args.righe, args.mese, args.seme, offices, error_rate=args.errori, today=args.oggi,
                        history_months=args.mesi_storico if args.storico else 0)
    history = [(args.storico, register.history)]
    if args.storico and args.mesi_storico > 1:
        history = [(args.storico.with_name(f"{args.storico.stem}_{quarter}{args.storico.suffix}"), rows)
                   for quarter, rows in by_quarter(register.history).items()]
        register.history = []
    for path, rows in ((args.file, register.rows), (args.csv, register.rows), *history):
        if path:
            (write_csv if path.suffix.lower() == ".csv" else write_xlsx)(path, rows)
    if args.per_sede:
        args.per_sede.mkdir(parents=True, exist_ok=True)
        by_office: dict[str, list] = {}
        for row in register.rows:
            by_office.setdefault(str(row[1]), []).append(row)
        for office, rows in by_office.items():
            write_xlsx(args.per_sede / f"registro_{office.lower().replace(' ', '_')}.xlsx", rows)


def by_quarter(rows: list[list]) -> dict[str, list[list]]:
    """Rows grouped by quarter of their date ('2025-T1' ...), in date order (files stay under Excel's row limit)."""
    out: dict[str, list[list]] = {}
    for row in rows:
        out.setdefault(f"{row[0].year}-T{(row[0].month - 1) // 3 + 1}", []).append(row)
    return out


if __name__ == "__main__":
    main()

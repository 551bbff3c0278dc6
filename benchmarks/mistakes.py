"""Known mistakes injected into generated rows, one per chosen row, each named by the rule it breaks.

The mix cycles through the kinds below, so a share of bad rows spreads evenly over them. A
mistake can also trip other rules (a wrong codice fiscale hides the person's earlier services
from the sequencing rules): `injected` lists what was done, not every problem that follows.
The kinds in ADDED do not change a row: they add one after it (a copy, the same service again a
day later, the service that must follow it on another day), and the added row carries the rule.
"""

from __future__ import annotations

import datetime as dt
import random

from registro.validators.text import service_code_part

ROW_MISTAKES = (
    "cf.non_valido", "codice.sconosciuto", "data.fuori_periodo", "data.non_valida", "modalita.non_valida",
    "durata.non_valida", "durata.fuori_intervallo", "campo.obbligatorio", "utente.destinatario_errato",
    "programma.non_ammesso", "programma.sconosciuto", "utente.tipo_non_valido", "codice.non_registrabile",
    "riga.duplicata", "sequenza.passaggio_mancante", "sequenza.ripetuto", "sequenza.stesso_giorno",
)
ADDED = frozenset({"riga.duplicata", "sequenza.passaggio_mancante", "sequenza.ripetuto", "sequenza.stesso_giorno"})
DATA, SEDE, OPERATORE, TIPO, CF, PROGRAMMA, CODICE, DURATA, MODALITA, NOTE = range(10)
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _wrong_check(code: str) -> str:
    last = code[-1]
    if last.isdigit():
        return code[:-1] + str((int(last) + 1) % 10)
    return code[:-1] + _ALPHABET[(_ALPHABET.index(last) + 1) % 26]


class _Mutator:
    """Applies one kind of mistake to a row, when that kind makes sense for the row."""

    def __init__(self, cat, first: dt.date, rng: random.Random, last: dt.date | None = None):
        self.cat, self.first, self.rng, self.last = cat, first, rng, last
        self.not_registrable = [s.code for s in cat.services.values() if not s.registrable]
        # code -> the service registered "in momenti successivi" after it (D.1 -> D.2)
        self.followers = {s.not_same_day.code: s.code for s in cat.registrable if s.not_same_day}

    def derive(self, kind: str, row: list) -> list | None:
        """The row an ADDED kind puts after `row`, or None when the kind does not apply to it."""
        s = self.service(row)
        if kind == "riga.duplicata":
            return list(row)
        if not isinstance(row[DATA], dt.date) or row[TIPO] != "Persona" or s is None:
            return None
        programme = row[PROGRAMMA] or self.cat.default_programme.code
        next_day = row[DATA] + dt.timedelta(days=1)
        if kind == "sequenza.stesso_giorno" and s.code in self.followers:
            # the follower (D.2) on the very day of the service it must follow (D.1)
            return [*row[:CODICE], self.followers[s.code], None, *row[MODALITA:]]
        if self.last is None or next_day > self.last:
            return None
        if kind == "sequenza.passaggio_mancante" and any(c.required_for(programme) for c in s.companions):
            return [next_day, *row[1:]]  # the DID again the next day, without its companions
        if kind == "sequenza.ripetuto" and s.repetition:
            return [next_day, *row[1:]]  # a second PSP with no new DID in between
        return None

    def service(self, row):
        return self.cat.services.get(service_code_part(row[CODICE]))

    def apply(self, kind: str, row: list) -> bool:
        """Mutate the row in place; False when the kind does not apply to it."""
        s = self.service(row)
        if kind == "cf.non_valido":
            row[CF] = _wrong_check(row[CF])
        elif kind == "codice.sconosciuto":
            code = s.code + "9"
            while code in self.cat.services:
                code += "9"
            row[CODICE] = code
        elif kind == "data.fuori_periodo":
            row[DATA] = self.first - dt.timedelta(days=self.rng.randint(1, 25))
        elif kind == "data.non_valida":
            row[DATA] = f"31/02/{self.first.year}"
        elif kind == "modalita.non_valida":
            row[MODALITA] = "Mista"
        elif kind == "durata.non_valida":
            row[DURATA] = self.rng.choice(("mezz'ora", "-15", "circa 1h"))
        elif kind == "durata.fuori_intervallo":
            if not (s.duration and s.duration.minimum and s.duration.minimum >= 2):
                return False
            row[DURATA] = s.duration.minimum // 2  # shorter, so no operator's day grows longer
        elif kind == "campo.obbligatorio":
            row[SEDE] = None
        elif kind == "utente.destinatario_errato":
            if row[TIPO] != "Persona" or s.target != "persona":
                return False
            row[TIPO] = "Azienda"
        elif kind == "programma.non_ammesso":
            allowed = s.programmes
            # A company's Ordinario (or blank) on a reserved service is read as the implied programme.
            company = row[TIPO] == "Azienda"
            other = [p.code for p in self.cat.programmes
                     if allowed and p.code not in allowed and p.valid_on(self.first) and not (company and p.default)]
            if not other:
                return False
            row[PROGRAMMA] = other[0]
        elif kind == "programma.sconosciuto":
            row[PROGRAMMA] = "Reddito di inclusione"
        elif kind == "utente.tipo_non_valido":
            row[TIPO] = "Privato"
        elif kind == "codice.non_registrabile":
            row[CODICE] = self.rng.choice(self.not_registrable)
        else:
            raise ValueError(kind)
        return True


def inject(rows: list[list], rate: float, rng: random.Random, cat, first: dt.date,
           last: dt.date | None = None) -> tuple[list[list], list[tuple[int, str]]]:
    """(new rows, [(row index, rule id)]) with `rate` of the rows given one mistake each.

    Kinds take turns; each turn looks for a random untouched row the kind applies to (a
    programme mistake needs a service reserved to some programmes, for instance). `last` is the
    period's last day (the kinds that add a row a day later need it).
    """
    mutator = _Mutator(cat, first, rng, last)
    kinds: dict[int, str] = {}
    added: dict[int, list] = {}
    for turn in range(min(len(rows), round(len(rows) * rate))):
        for k in range(len(ROW_MISTAKES)):
            kind = ROW_MISTAKES[(turn + k) % len(ROW_MISTAKES)]
            extra: list = []

            def applies(row, kind=kind, extra=extra):
                if kind not in ADDED:
                    return mutator.apply(kind, row)
                derived = mutator.derive(kind, row)
                extra[:] = [derived] if derived is not None else []
                return derived is not None

            i = _untouched_row(rows, kinds, rng, applies)
            if i is not None:
                kinds[i] = kind
                if extra:
                    added[i] = extra[0]
                break
    out: list[list] = []
    injected: list[tuple[int, str]] = []
    for i, row in enumerate(rows):
        out.append(row)
        if i in added:
            out.append(added[i])
        if i in kinds:
            injected.append((len(out) - 1, kinds[i]))
    return out, injected


def _untouched_row(rows, taken, rng, mutate, attempts: int = 200) -> int | None:
    """Index of a random row not taken yet that `mutate` accepted (and changed), or None."""
    for _ in range(attempts):
        i = int(rng.random() * len(rows))
        if i not in taken and mutate(rows[i]):
            return i
    return None

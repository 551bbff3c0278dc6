"""A small deterministic multi-office month for the totals and export tests.

Each office gets its own .xlsx register (as the offices send them), with several operators,
persons and companies; a few rows carry one deliberate error each, and the test knows which.
Codes are picked from the catalogue by their facts (no prerequisites, all programmes), plus
the codes without any standard duration, so the generator follows catalogue changes. Companies
also get the services reserved to one programme (S.1-S.3, L.68) with Programma blank, as offices
write them; some persons are in the programmes that came after the regional table (GOL, SFL, ADI).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from stdnum import luhn
from stdnum.it import codicefiscale

from registro.validators.catalogue import Catalogue, load_catalogue
from registro.validators.read.register import COLUMNS

CONSONANTS = "BCDFGLMNPRSTVZ"
MONTH_LETTERS = "ABCDEHLMPRST"


@dataclass
class GenRow:
    """One generated register row and what the test needs to know about it."""

    file: Path
    row: int  # Excel row number
    date: dt.date | None
    office: str
    operator: str
    user_type: str
    cf: str
    code: str
    minutes: int | None
    modality: str
    note: str | None
    bad: str | None  # the error deliberately put in the row, or None
    programme: str | None = None  # the Programma cell (None: blank)


def person_cf(rng: random.Random) -> str:
    """A valid codice fiscale with a real birth date."""
    body = (
        "".join(rng.choice(CONSONANTS) for _ in range(6))
        + f"{rng.randint(50, 99):02d}"
        + rng.choice(MONTH_LETTERS)
        + f"{rng.randint(1, 28) + rng.choice((0, 40)):02d}"
        + rng.choice("ABDFHL") + f"{rng.randint(100, 999)}"
    )
    return body + codicefiscale.calc_check_digit(body)


def company_vat(rng: random.Random) -> str:
    """A valid partita IVA (office code 001-100)."""
    body = f"{rng.randint(0, 9999999):07d}{rng.randint(1, 100):03d}"
    return body + luhn.calc_check_digit(body)


def usable_codes(cat: Catalogue) -> tuple[list[str], list[str], list[str]]:
    """(person codes, company codes, person codes without standard duration) safe to generate."""
    simple = [s for s in cat.registrable
              if not s.prerequisites and not s.companions and not s.automatic_from and s.duration]
    plain = [s for s in simple if s.programmes is None]
    full = [s for s in simple if None not in (s.duration.minimum, s.duration.average, s.duration.maximum)]
    persons = [s.code for s in full if s.target in ("persona", "entrambi") and s.programmes is None]
    # A company's blank Programma is accepted everywhere: on a reserved service it means the implied one.
    companies = [s.code for s in full if s.target == "azienda" and (s.programmes is None or s.implied_programme)]
    absent = [s.code for s in plain if s.target == "persona" and s.duration.provenance == "assente"]
    return persons, companies, absent


def write_month(folder: Path, *, seed: int = 7, year: int = 2026, month: int = 10,
                offices=("Ancona", "Jesi", "Fabriano"), operators=3, persons=10, services=18,
                catalogue: Catalogue | None = None) -> list[GenRow]:
    """Write one register per office in folder and return every data row written."""
    cat = catalogue or load_catalogue()
    rng = random.Random(seed)
    person_codes, company_codes, absent_codes = usable_codes(cat)
    later = [p for p in cat.programmes if not p.from_table]  # GOL, SFL, ADI: persons only, no reserved service
    names = ["Maria Rossi", "Luca Verdi", "Anna Bianchi", "Giulia Neri", "Paolo Gialli", "Sara Blu",
             "Marco Viola", "Elena Grigi", "Davide Rosa", "Chiara Verde"]
    folder.mkdir(parents=True, exist_ok=True)
    out: list[GenRow] = []
    for k, office in enumerate(offices):
        path = folder / f"registro_{office.lower()}.xlsx"
        wb = Workbook()
        ws = wb.active
        ws.title = "Registro"
        ws.append([f"Registro dei servizi - CPI {office} - {month:02d}/{year}"])  # title row above the header
        ws.append(list(COLUMNS))
        staff = names[k * operators:(k + 1) * operators]
        people = [person_cf(rng) for _ in range(persons)]
        # Every other person is in one of the later programmes, the same in all their rows.
        enrolled = {cf: later[i // 2 % len(later)] for i, cf in enumerate(people) if later and i % 2}
        firms = [company_vat(rng) for _ in range(3)]
        excel_row = 2
        for j, operator in enumerate(staff):
            for n in range(services):
                excel_row += 1
                day = dt.date(year, month, rng.randint(1, 28))
                spelled = operator.upper() if (j == 0 and n % 5 == 0) else operator  # same person, other case
                if rng.random() < 0.15:
                    user_type, cf, code = "Azienda", rng.choice(firms), rng.choice(company_codes)
                else:
                    user_type, cf = "Persona", rng.choice(people)
                    code = rng.choice(absent_codes) if absent_codes and n % 9 == 4 else rng.choice(person_codes)
                d = cat.services[code].duration
                choice = rng.random()
                if choice < 0.2 or d.average is None:
                    minutes = None if choice < 0.5 or d.average is None else rng.randint(15, 60)
                elif choice < 0.9:
                    minutes = rng.randint(d.minimum, d.maximum)
                else:
                    minutes = d.maximum + 30  # outside the standard range: an avviso, still counted
                row = GenRow(path, excel_row, day, office, spelled, user_type, cf, code, minutes,
                             rng.choice(["In presenza", "A distanza"]), None, None)
                programme = enrolled.get(cf) if user_type == "Persona" else None
                if programme and programme.valid_on(day):
                    row.programme = programme.code
                bad = (n * 7 + j * 3 + k) % 23
                if bad == 0:
                    row.code, row.bad = "Z.99", "codice.sconosciuto"
                elif bad == 11:
                    row.date, row.bad = None, "data.non_valida"
                elif bad == 17 and user_type == "Persona":
                    row.cf, row.bad = cf[:15] + ("A" if cf[15] != "A" else "B"), "cf.non_valido"
                elif bad == 5:
                    row.modality, row.bad = "Via piccione", "modalita.non_valida"
                out.append(row)
                date_cell = ("31/02/2026" if row.date is None
                             else row.date.strftime("%d/%m/%Y") if n % 4 == 0 else row.date)
                ws.append([date_cell, office, spelled, user_type, row.cf, row.programme,
                           row.code, row.minutes, row.modality, row.note])
        wb.save(path)
    return out

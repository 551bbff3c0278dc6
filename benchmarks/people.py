"""Invented people and firms with valid Italian codes: codici fiscali and partite IVA.

The codes are built by the official rules (python-stdnum computes the check characters), so
they pass the validator; the names and places are common Italian ones, not real persons.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random

from stdnum import luhn
from stdnum.it import codicefiscale

MALE = (
    "Marco Luca Andrea Giuseppe Francesco Alessandro Matteo Lorenzo Davide Simone Stefano Paolo Roberto "
    "Giovanni Antonio Mario Fabio Riccardo Daniele Michele Emanuele Gabriele Tommaso Filippo Nicola "
    "Claudio Massimo Sergio Alberto Enrico Federico Giacomo Leonardo Pietro Salvatore Vincenzo Carlo "
    "Diego Edoardo Samuele Ahmed Mohamed Youssef Ion Andrei Arben Elvis Omar Karim Rajesh"
).split()
FEMALE = (
    "Giulia Francesca Chiara Sara Martina Valentina Alessia Elena Federica Silvia Laura Anna Maria "
    "Paola Roberta Elisa Simona Barbara Monica Claudia Serena Cristina Giorgia Ilaria Beatrice Alice "
    "Aurora Sofia Camilla Noemi Marta Veronica Daniela Patrizia Rita Lucia Teresa Angela Giovanna "
    "Fatima Amina Ioana Mihaela Ana Blerta Enkela Olena Nadia Priya"
).split()
SURNAMES = tuple(s.replace("_", " ") for s in (  # '_' joins two-word surnames
    "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti "
    "De_Luca Mancini Costa Giordano Rizzo Lombardi Moretti Barbieri Fontana Santoro Mariani Rinaldi "
    "Caruso Ferrara Galli Martini Leone Longo Gentile Martinelli Vitale Lombardo Serra Coppola "
    "De_Santis D'Angelo Marchetti Parisi Villa Conte Ferraro Ferri Fabbri Bianco Marini Grasso "
    "Valentini Messina Sala De_Angelis Gatti Pellegrini Palumbo Sanna Farina Rizzi Monti Cattaneo "
    "Morelli Amato Silvestri Mazza Testa Grassi Pellegrino Carbone Giuliani Benedetti Barone Rossetti "
    "Caputo Montanari Guerra Palmieri Bernardi Martino Fiore De_Rosa Ferretti Bellini Basile Riva "
    "Donati Piras Vitali Battaglia Sartori Neri Costantini Milani Pagano Ruggiero Sorrentino D'Amico "
    "Orlando Negri Cardinali Pieroni Marinelli Pierini Giacomini Mancinelli Cingolani "
    "Bartolucci Santarelli Paolucci Morbidelli Carloni Sabbatini Bravi Luzi Tittarelli Cesaroni "
    "Giacchetti Mazzanti Cecchini Bugari Santini Bocci Rocchetti Pigini Magnaterra Falcioni "
    "Hoxha Popescu Benali El_Amrani Kaur Singh Shehu Ionescu Kovalenko Diallo"
).split())

# Cadastral (Belfiore) codes of birthplaces: the Marche towns with a CPI, a few other Italian
# cities and some foreign states (Z codes), weighted toward the region.
BIRTHPLACES = (
    ("A271", 14), ("E388", 6), ("I608", 6), ("D451", 5), ("E783", 6), ("C770", 5), ("G479", 9),
    ("D488", 7), ("L500", 2), ("A462", 5), ("H769", 5), ("D542", 4), ("L191", 2), ("H501", 4),
    ("F205", 2), ("F839", 2), ("A944", 1), ("Z100", 3), ("Z129", 3), ("Z330", 3), ("Z210", 1),
    ("Z222", 1), ("Z138", 1), ("Z338", 1),
)
# Provincial VAT office codes of the Marche provinces (Pesaro-Urbino, Ancona, Macerata, Ascoli).
VAT_OFFICES = ("041", "042", "043", "044")

_VOWELS = set("AEIOU")
_MONTHS = "ABCDEHLMPRST"
_OMOCODIA = "LMNPQRSTUV"
_OMOCODIA_POSITIONS = (14, 13, 12, 10, 9, 7, 6)  # replaced right to left on clashes


def _letters(text: str) -> str:
    return "".join(c for c in text.upper() if "A" <= c <= "Z")


def surname_code(surname: str) -> str:
    """The three letters of a surname in a codice fiscale."""
    s = _letters(surname)
    consonants = [c for c in s if c not in _VOWELS]
    vowels = [c for c in s if c in _VOWELS]
    return "".join(consonants + vowels + ["X", "X", "X"])[:3]


def name_code(name: str) -> str:
    """The three letters of a first name (1st, 3rd and 4th consonant when there are four or more)."""
    s = _letters(name)
    consonants = [c for c in s if c not in _VOWELS]
    if len(consonants) >= 4:
        return consonants[0] + consonants[2] + consonants[3]
    vowels = [c for c in s if c in _VOWELS]
    return "".join(consonants + vowels + ["X", "X", "X"])[:3]


def codice_fiscale(surname: str, name: str, female: bool, born: dt.date, place: str) -> str:
    """The codice fiscale of a person (check character by python-stdnum)."""
    day = born.day + (40 if female else 0)
    body = f"{surname_code(surname)}{name_code(name)}{born.year % 100:02d}{_MONTHS[born.month - 1]}{day:02d}{place}"
    return body + codicefiscale.calc_check_digit(body)


def omocodia(code: str, level: int) -> str:
    """The code with its `level` rightmost digits replaced by letters, as done for namesakes."""
    chars = list(code[:15])
    for pos in _OMOCODIA_POSITIONS[:level]:
        chars[pos] = _OMOCODIA[int(chars[pos])]
    body = "".join(chars)
    return body + codicefiscale.calc_check_digit(body)


def partita_iva(number: int, office: str) -> str:
    """An 11-digit partita IVA: 7-digit firm number, VAT office code, Luhn check digit."""
    body = f"{number:07d}{office}"
    return body + luhn.calc_check_digit(body)


class Registry:
    """Hands out unique people, firms and operator names from one random generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.codes: set[str] = set()
        self.operator_names: set[str] = set()
        self._places = [p for p, _ in BIRTHPLACES]
        self._place_weights = list(itertools.accumulate(w for _, w in BIRTHPLACES))
        self._surname_codes = [surname_code(s) for s in SURNAMES]
        self._name_codes = ([name_code(n) for n in MALE], [name_code(n) for n in FEMALE])
        self._firm_numbers = 0

    def person(self, today: dt.date, ages: tuple[int, int]) -> str:
        """A new unique codice fiscale for a person of an age in `ages` on `today`."""
        rng = self.rng
        random = rng.random
        female = random() < 0.5
        names = self._name_codes[female]
        name = names[int(random() * len(names))]
        surname = self._surname_codes[int(random() * len(SURNAMES))]
        low, high = ages[0] * 365 + 1, ages[1] * 365 + 300
        born = today - dt.timedelta(days=low + int(random() * (high - low)))
        place = rng.choices(self._places, cum_weights=self._place_weights)[0]
        day = born.day + (40 if female else 0)
        body = f"{surname}{name}{born.year % 100:02d}{_MONTHS[born.month - 1]}{day:02d}{place}"
        code = body + codicefiscale.calc_check_digit(body)
        level, base = 0, code
        while code in self.codes:  # a namesake born the same day in the same place
            level += 1
            if level > len(_OMOCODIA_POSITIONS):  # every variant taken (only in huge registers): someone else
                return self.person(today, ages)
            code = omocodia(base, level)
        self.codes.add(code)
        return code

    def firm(self, today: dt.date) -> str:
        """A new unique partita IVA (or, for one firm in ten, the owner's codice fiscale)."""
        rng = self.rng
        if rng.random() < 0.1:
            return self.person(today, (25, 65))
        while True:
            code = partita_iva(rng.randint(1, 9_999_999), rng.choice(VAT_OFFICES))
            if code not in self.codes:
                self.codes.add(code)
                return code

    def operator(self) -> str:
        """A new operator's 'Nome Cognome', unique in the region."""
        rng = self.rng
        while True:
            female = rng.random() < 0.6
            name = f"{rng.choice(FEMALE if female else MALE)} {rng.choice(SURNAMES)}"
            if name.casefold() not in self.operator_names:
                self.operator_names.add(name.casefold())
                return name

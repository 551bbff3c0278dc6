"""Measurement behind docs/guida/codice-fiscale.md's decision not to check birthplaces against a list of comuni.

Needs python-codicefiscale, which is not a dependency of registro: install it in a separate
environment, then `python -m benchmarks.luoghi_nascita`. Prints, for the list of comuni and foreign
states (suppressed ones too) shipped by that package: its size and load time, how many public valid
vectors and generated codes it would flag, how many adjacent transpositions in codes with real
birthplaces pass every other check (the errors only such a list could still catch), the share of
invented codes with an unknown place, and the time to check 340,000 distinct codes.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import polars as pl
from stdnum.it import codicefiscale

from tests.support.month_generator import person_cf
from tests.support.vettori_pubblici import VECTORS
from registro.validators.check import fiscal

OMOCODIA = str.maketrans("LMNPQRSTUV", "0123456789")


def place(code: str) -> str:
    return code[11] + code[12:15].translate(OMOCODIA)


def load_places() -> set[str]:
    import codicefiscale as package  # python-codicefiscale

    data = Path(package.__file__).parent / "data"
    codes: set[str] = set()
    for name in ("municipalities.json", "countries.json", "deleted-countries.json"):
        codes |= {x["code"] for x in json.loads((data / name).read_text(encoding="utf-8")) if x["code"] != "ND"}
    return codes


def _body(rng: random.Random, places: list[str]) -> str:
    return ("".join(rng.choice("BCDFGHLMNPRSTVZ") for _ in range(6)) + f"{rng.randint(40, 99):02d}"
            + rng.choice("ABCDEHLMPRST") + f"{rng.randint(1, 28) + rng.choice((0, 40)):02d}" + rng.choice(places))


def main() -> None:
    start = time.perf_counter()
    places = load_places()
    print(f"codici nell'elenco: {len(places)}, lettura {time.perf_counter() - start:.2f} s")
    valid = sorted({fiscal.clean(c) for g in VECTORS if g.user_type == "persona" and g.ours == "ok" for c in g.codes})
    valid = [c for c in valid if len(c) == 16]
    print(f"vettori pubblici validi: {len(valid)}, fuori elenco: {[c for c in valid if place(c) not in places]}")
    rng = random.Random(1)
    generated = [person_cf(rng) for _ in range(10_000)]
    print(f"codici del generatore di test fuori elenco: {sum(place(c) not in places for c in generated)} su 10000")
    real = sorted(places)
    passed = caught = tried = 0
    for _ in range(20_000):
        body = _body(rng, real)
        code = body + codicefiscale.calc_check_digit(body)
        for i in range(15):
            swapped = code[:i] + code[i + 1] + code[i] + code[i + 2:]
            if swapped != code:
                tried += 1
                if fiscal.verdict("persona", swapped)[0] == "ok":
                    passed += 1
                    caught += place(swapped) not in places
    print(f"scambi di caratteri vicini: {tried}, passano ogni controllo: {passed}, con luogo sconosciuto: {caught}")
    invented = [rng.choice("ABCDEFGHIJKLMZ") + f"{rng.randint(0, 999):03d}" for _ in range(100_000)]
    print(f"codici inventati con luogo sconosciuto: {sum(p not in places for p in invented) / len(invented):.0%}")
    codes = pl.Series([c for c in (_body(rng, real) for _ in range(340_000))])
    start = time.perf_counter()
    found = codes.str.slice(11, 1) + codes.str.slice(12, 3).str.replace_many(list("LMNPQRSTUV"), list("0123456789"))
    unknown = (~found.is_in(pl.Series(real).implode())).sum()
    print(f"controllo di 340000 codici distinti: {time.perf_counter() - start:.2f} s ({unknown} sconosciuti)")


if __name__ == "__main__":
    main()

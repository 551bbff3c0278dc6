"""README sections generated from the code's registries (rules, register columns).

`python -m validators.render.readme` rewrites them in README.md; a test fails when they are stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from validators.read.register import FIELDS
from validators.check.rules.registry import readme_table

README = Path(__file__).parents[2] / "README.md"
VALUES = {
    "Data": "data di Excel o gg/mm/aaaa",
    "Tipo utente": "Persona o Azienda",
    "Codice fiscale": "16 caratteri (persona) o partita IVA di 11 cifre (azienda)",
    "Programma": "Ordinario, GG, RdC, AdR, L.68 (vuoto = Ordinario)",
    "Codice servizio": "\"A.1\" oppure \"A.1 - nome del servizio\"",
    "Durata (min)": "minuti interi (vuoto = durata standard)",
    "Modalità": "In presenza o A distanza",
}


def columns_table() -> str:
    """Rows of the register-columns table (the header lines live in the README)."""
    return "\n".join(
        f"| {f.name} | {'sì' if f.required else 'no'} | {VALUES.get(f.name, 'testo')} | "
        f"{', '.join(s for s in f.synonyms if s != f.name)} |"
        for f in FIELDS
    )


SECTIONS = {"colonne": columns_table, "regole": readme_table}


def render(text: str) -> str:
    """The README text with every generated section rewritten."""
    for name, make in SECTIONS.items():
        pattern = re.compile(rf"(<!-- {name}:inizio -->\n).*?(<!-- {name}:fine -->)", re.S)
        text = pattern.sub(lambda m: m.group(1) + make() + "\n" + m.group(2), text)
    return text


if __name__ == "__main__":
    current = README.read_text(encoding="utf-8")
    updated = render(current)
    if updated != current:
        README.write_text(updated, encoding="utf-8")
        print("README.md aggiornato.")
    sys.exit(0)

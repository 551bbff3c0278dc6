"""Tables of the user guide generated from the code's registries (rules, register columns, programmes).

A generated table sits between `<!-- NAME:inizio -->` and `<!-- NAME:fine -->` in a page of docs/guida/
(regole.md, controllare-un-mese.md, catalogo.md). `python -m registro.validators.render.doc_tables`
rewrites them; a test fails when one is stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from registro.validators.catalogue import load_catalogue
from registro.validators.catalogue.view import it_date, programme_records, reserved_runs
from registro.validators.read.register import FIELDS
from registro.validators.render.rules import markdown as rules_table

ROOT = Path(__file__).parents[2]
GUIDE = ROOT / "docs" / "guida"
VALUES = {
    "Data": "data di Excel, gg/mm/aaaa (anche con l'ora) o '2 marzo 2026'",
    "Tipo utente": "Persona o Azienda",
    "Codice fiscale": "16 caratteri (persona) o partita IVA di 11 cifre (azienda)",
    "Programma": None,  # from the catalogue: see _programmes()
    "Codice servizio": "\"A.1\" oppure \"A.1 - nome del servizio\"",
    "Durata (min)": "minuti interi, un'ora come 0:30, '30 min', '1h30' (vuoto = durata standard)",
    "Modalità": "In presenza o A distanza",
}


def _programmes() -> str:
    """The Programma values, from the bundled catalogue."""
    cat = load_catalogue()
    return (f"{', '.join(p.code for p in cat.programmes)} (vuoto = {cat.default_programme.code}; "
            "per un'azienda vuoto = il programma riservato del servizio, se c'è)")


def columns_table() -> str:
    """Rows of the register-columns table (the header lines live in the page)."""
    values = VALUES | {"Programma": _programmes()}
    return "\n".join(
        f"| {f.name} | {'sì' if f.required else 'no'} | {values.get(f.name, 'testo')} | "
        f"{', '.join(s for s in f.synonyms if s != f.name)} |"
        for f in FIELDS
    )


def programmes_table() -> str:
    """Rows of the programmes table: source, validity, who, reserved services (from the bundled catalogue)."""
    cat = load_catalogue()
    lines = []
    for rec in programme_records(cat):
        if rec["valido_dal"] and rec["valido_al"]:
            valid = f"dal {it_date(rec['valido_dal'])} al {it_date(rec['valido_al'])}"
        elif rec["valido_dal"] or rec["valido_al"]:
            valid = f"dal {it_date(rec['valido_dal'])}" if rec["valido_dal"] else f"fino al {it_date(rec['valido_al'])}"
        else:
            valid = "sempre"
        name = f"{rec['codice']} – {rec['nome']}" + (" (predefinito: cella vuota)" if rec["predefinito"] else "")
        source = "tabella regionale" if rec["da_tabella"] else rec["fonte"]
        who = "persone" if rec["destinatario"] == "persona" else "persone e aziende"
        lines.append(f"| {name} | {source} | {valid} | {who} | {reserved_runs(cat, rec['codice']) or 'nessuno'} |")
    return "\n".join(lines)


SECTIONS = {"colonne": columns_table, "regole": rules_table, "programmi": programmes_table}


def render(text: str) -> str:
    """The text of a page with every generated section it holds rewritten."""
    for name, make in SECTIONS.items():
        pattern = re.compile(rf"(<!-- {name}:inizio -->\n).*?(<!-- {name}:fine -->)", re.S)
        text = pattern.sub(lambda m: m.group(1) + make() + "\n" + m.group(2), text)
    return text


def pages() -> list[Path]:
    """The pages that may hold generated tables: README.md and the user guide."""
    return [ROOT / "README.md", *sorted(GUIDE.glob("*.md"))]


if __name__ == "__main__":
    for page in pages():
        current = page.read_text(encoding="utf-8")
        updated = render(current)
        if updated != current:
            page.write_text(updated, encoding="utf-8")
            print(f"{page.relative_to(ROOT)} aggiornato.")
    sys.exit(0)

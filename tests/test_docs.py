"""The documentation against the code: generated tables, links and anchors, the figures of the bundled
example quoted in the text and in captions, the messages quoted in 'Problemi frequenti', README's shape."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest

from registro.validators.render.doc_tables import SECTIONS, pages, render

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = [README, ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").rglob("*.md"))]
FENCE = re.compile(r"^```.*?^```", re.S | re.M)


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _prose(path: Path) -> str:
    """The page without its fenced code blocks."""
    return FENCE.sub("", path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# Generated tables

def test_le_tabelle_generate_della_guida_sono_aggiornate():
    for page in pages():
        text = page.read_text(encoding="utf-8")
        assert render(text) == text, (f"{_rel(page)} non aggiornato: eseguire "
                                      "'python -m registro.validators.render.doc_tables'")


def test_ogni_tabella_generata_sta_in_una_sola_pagina():
    for name in SECTIONS:
        holders = [_rel(p) for p in pages() if f"<!-- {name}:inizio -->" in p.read_text(encoding="utf-8")]
        assert len(holders) == 1, (name, holders)
    regole = (ROOT / "docs" / "guida" / "regole.md").read_text(encoding="utf-8")
    assert "`codice.sconosciuto`" in regole
    assert "| Codice fiscale | sì |" in (ROOT / "docs" / "guida" / "controllare-un-mese.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Links and anchors

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped (letters with accents kept), spaces to '-'."""
    text = re.sub(r"`|\*\*|<[^>]+>", "", heading.strip()).lower()
    text = "".join(ch for ch in text if ch in " -_" or unicodedata.category(ch)[0] in "LN")
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    for line in _prose(path).splitlines():
        if m := re.match(r"#{1,6} (.+)", line):
            base = _anchor(m.group(1))
            n = seen.get(base, 0)
            seen[base] = n + 1
            out.add(base if n == 0 else f"{base}-{n}")
    return out


def test_l_ancora_di_un_titolo_e_quella_di_github():
    assert _anchor("Archivio dei mesi controllati: `registro archivio`") == "archivio-dei-mesi-controllati-registro-archivio"
    assert _anchor("Le colonne dell'archivio") == "le-colonne-dellarchivio"
    assert _anchor("Archivi della versione 0.1") == "archivi-della-versione-01"
    assert _anchor("registro archivio aggiungi") == "registro-archivio-aggiungi"


@pytest.mark.parametrize("page", DOCS, ids=_rel)
def test_ogni_collegamento_relativo_e_ogni_ancora_esistono(page):
    broken = []
    for target in LINK.findall(_prose(page)):
        if re.match(r"[a-z]+:", target):  # http(s), mailto: not checked here
            continue
        file_part, _, anchor = target.partition("#")
        dest = (page.parent / file_part).resolve() if file_part else page
        if not dest.exists():
            broken.append(f"{target}: il file non esiste")
        elif anchor and (dest.suffix != ".md" or anchor not in _anchors(dest)):
            broken.append(f"{target}: ancora '#{anchor}' assente")
    assert not broken, f"{_rel(page)}: " + "; ".join(broken)


def test_la_guida_ha_una_pagina_per_ogni_lavoro_e_l_indice_le_collega_tutte():
    guide = ROOT / "docs" / "guida"
    expected = {"README", "compilare-il-modello", "controllare-un-mese", "catalogo", "regole", "codice-fiscale",
                "tempi-e-carichi", "file-per-ja", "archivio", "componente-excel", "dati-personali",
                "problemi-frequenti", "comandi"}
    assert expected <= {p.stem for p in guide.glob("*.md")}
    index = LINK.findall((guide / "README.md").read_text(encoding="utf-8"))
    assert expected - {"README"} <= {Path(t.partition("#")[0]).stem for t in index}


# ---------------------------------------------------------------------------------------------
# Figures of the bundled example

CIFRA = re.compile(r"([\d][\d.,]*)\s*<!-- cifra: (\w+) -->")


@cache
def example_figures() -> dict[str, float]:
    """What the bundled example gives, as `scripts/esempio.sh` runs it (September as history)."""
    import registro
    from registro import CheckOptions

    options = CheckOptions(month="2026-10", today=dt.date(2026, 11, 1), history=[ROOT / "esempi" / "storico_settembre.csv"])
    checked = registro.check([ROOT / "esempi" / "registro_esempio.csv"], options)
    report, totals = checked.report, registro.totals(checked)
    result = registro.export_plan(checked).result()
    return {
        "righe": report.rows, "errori": report.errors, "avvisi": report.warnings, "problemi": len(report.problems),
        "righe_con_errori": totals.rows_excluded, "esportate": result.exported, "scartate": result.rejected,
        "ore": totals.total["ore"],
    }


def _number(text: str) -> float:
    """An Italian number as written in the docs: '1.234' thousands, '22,92' decimals."""
    return float(text.rstrip(".,").replace(".", "").replace(",", "."))


def _tagged() -> list[tuple[str, str, str]]:
    return [(_rel(p), name, value) for p in DOCS for value, name in CIFRA.findall(p.read_text(encoding="utf-8"))]


def test_le_cifre_dell_esempio_citate_nei_documenti_sono_quelle_che_l_esempio_produce():
    figures = example_figures()
    tagged = _tagged()
    assert {"problemi", "righe", "esportate", "scartate", "errori"} <= {name for _, name, _ in tagged}
    wrong = [f"{page}: {name} = {value}, l'esempio dà {figures.get(name)}" for page, name, value in tagged
             if name not in figures or _number(value) != figures[name]]
    assert not wrong, "; ".join(wrong)


def test_il_bilancio_e_i_conteggi_dell_esempio_scritti_nei_documenti_sono_quelli_di_oggi():
    """The sentences the program prints for the example, wherever they are quoted (code blocks too)."""
    f = example_figures()
    balance = f"{f['righe']} righe lette = {f['esportate']} esportate + {f['scartate']} scartate"
    counts = f"{f['errori']} errori in {f['righe_con_errori']} righe"
    for page in DOCS:
        text = re.sub(r"<!-- cifra: \w+ -->", "", page.read_text(encoding="utf-8"))
        for found in re.findall(r"\d+ righe lette = \d+ esportate \+ \d+ scartate(?! \(esclus)", text):
            assert found == balance, f"{_rel(page)}: '{found}', l'esempio stampa '{balance}'"
        for found in re.findall(r"\d+ errori in \d+ righe", text):
            assert found == counts, f"{_rel(page)}: '{found}', l'esempio stampa '{counts}'"
        for found in re.findall(r"Controllate (\d+) righe in 1 file", text):
            assert int(found) == f["righe"], f"{_rel(page)}: 'Controllate {found} righe', l'esempio ne ha {f['righe']}"


def _captions(path: Path) -> list[str]:
    """The italic paragraph after each picture."""
    text = _prose(path)
    return re.findall(r"^!\[[^\]]*\]\([^)]+\)\n\n?(\*[^*].*?\*)(?:\n\n|\n?$)", text, re.S | re.M)


def test_ogni_numero_nella_didascalia_di_un_immagine_e_una_cifra_controllata():
    captions = [(p, c) for p in DOCS for c in _captions(p)]
    assert len(captions) >= 3
    for page, caption in captions:
        bare = re.sub(r"[\d][\d.,]*\s*<!-- cifra: \w+ -->", "", caption)
        numbers = re.findall(r"(?<![\w.])\d[\d.,]*(?!\w)", bare)
        assert not numbers, f"{_rel(page)}: numeri {numbers} nella didascalia senza <!-- cifra: NOME -->: {caption}"


def test_ogni_immagine_dei_documenti_e_scritta_da_uno_script():
    scripts = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "scripts").glob("immagin*.py"))
    used = {Path(t).name for p in DOCS for t in LINK.findall(_prose(p)) if t.endswith(".png")}
    assert used == {p.name for p in (ROOT / "docs" / "img").glob("*.png")}, "immagini non usate o mancanti"
    for name in used:
        assert f'"{name}"' in scripts or f"'{name}'" in scripts, f"{name}: nessuno script la genera"


# ---------------------------------------------------------------------------------------------
# README as a landing page; no history in the docs

def test_il_readme_e_una_pagina_d_ingresso():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250
    head = "\n".join(lines[:60])
    assert "## Installazione" in head and "registro mese" in head and "## Avvio rapido" in head


HISTORY = re.compile(r"Prima di questa modifica|\bprima (?:erano|era|si leggeva|davano|dava|costava)\b|"
                     r"\bbefore this change\b|\bused to\b|\bpreviously\b", re.I)


@pytest.mark.parametrize("page", [p for p in DOCS if p.name != "CHANGELOG.md"], ids=_rel)
def test_nessuna_frase_racconta_cio_che_il_codice_faceva_prima(page):
    found = HISTORY.findall(page.read_text(encoding="utf-8"))
    assert not found, f"{_rel(page)}: {found} (la storia va nel CHANGELOG)"


# ---------------------------------------------------------------------------------------------
# Messages quoted in 'Problemi frequenti' and README: the program still writes them

def _quotes(path: Path) -> list[str]:
    """Block quotes of a page (consecutive '> ' lines joined), and README's `Riga ...` examples."""
    quotes, current = [], []
    for line in [*_prose(path).splitlines(), ""]:
        if line.startswith("> "):
            current.append(line[2:].strip())
        elif current:
            quotes.append(" ".join(current))
            current = []
    if path == README:
        quotes += re.findall(r"`(Riga \d+, [^`]+)`", _prose(path))
    return quotes


def _two_months(path):
    """The register's sheet copied as a second sheet 'Novembre': two sheets with the register's headers."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb.copy_worksheet(wb["Ottobre"]).title = "Novembre"
    wb.save(path)
    return path


def _messages(tmp_path: Path) -> str:
    """Every message of the cases the page quotes: the bundled example, damaged registers, mistyped commands."""
    from click.testing import CliRunner

    import registro
    from registro import CheckOptions
    from registro.cli import main
    from tests.support.registri import riga, write_xlsx

    options = CheckOptions(month="2026-10", today=dt.date(2026, 11, 1), history=[ROOT / "esempi" / "storico_settembre.csv"])
    registers = [ROOT / "esempi" / "registro_esempio.csv",
                 _two_months(write_xlsx(tmp_path / "registro_jesi.xlsx", [riga()], sheet="Ottobre")),
                 write_xlsx(tmp_path / "registro_fano.xlsx", [riga()], headers=[
                     "Data", "Sede", "Operatore", "Tipo utente", "Codice fiscale", "Programma", "Codice servizio",
                     "Durata (min)", "Tipo di erogazione", "Note"])]
    (tmp_path / "finto.xlsx").write_text("non sono un foglio di calcolo", encoding="utf-8")
    registers.append(tmp_path / "finto.xlsx")
    texts = [p.message for r in registers for p in registro.check([r], options).report.problems]
    for args in (["valid"], ["valida", "non_esiste.xlsx"], ["valida", "esempi", "--mese", "2026-13"],
                 ["archivio", "stato", "--archivio", str(tmp_path / "nessuno")]):
        texts.append(CliRunner().invoke(main, args, prog_name="registro").output)
    return " ".join(" ".join(texts).split())


@pytest.mark.parametrize("page", [README, ROOT / "docs" / "guida" / "problemi-frequenti.md"], ids=_rel)
def test_ogni_messaggio_citato_e_scritto_dal_programma(page, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    quotes = _quotes(page)
    assert quotes
    corpus = _messages(tmp_path)
    for quote in quotes:
        position = 0
        for fragment in " ".join(quote.split()).split("…"):  # '…' stands for a file or folder name
            found = corpus.find(fragment, position)
            assert found >= 0, f"{_rel(page)}: il programma non scrive più «{quote}» («{fragment}» non trovato)"
            position = found + len(fragment)

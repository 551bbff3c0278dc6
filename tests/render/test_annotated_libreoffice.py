"""The streaming annotated copy shows in LibreOffice what the openpyxl-based copy showed (values,
colours, comments, Verifica), plus the layout of issue 16; its Verifica links jump to the cell.

The reference is the former openpyxl writer, kept in tests/support/annotated_openpyxl.py. Both
copies are made of the same registers (one written by openpyxl with inline strings, one saved by
LibreOffice itself, with shared strings and its own styles) and read back through UNO.
"""

from __future__ import annotations

import re

import pytest

from tests.support.registri import CF, TODAY, riga, write_xlsx
from tests.support.annotated_openpyxl import annotate as annotate_openpyxl
from tests.support.libreoffice import Job
from tests.support.api import validate
from registro.validators.render.annotated import annotate
from registro.validators.render.outcome import title

pytestmark = pytest.mark.libreoffice

ROWS = [riga(), riga(codice="ZZ", cf=CF["laura"]), riga(durata=25, cf=CF["sara"]), riga(sede=None, cf=CF["franco"]),
        riga(cf=CF["giuseppe"], tipo="Privato", durata=25), riga(note="visto")]
LAST = len(ROWS) + 1


def _ops(verifica_rows: int) -> list[dict]:
    return [
        {"op": "look", "sheet": "Registro", "range": f"A1:K{LAST}"},
        {"op": "sheet_layout", "sheet": "Registro", "columns": 11},
        {"op": "look", "sheet": "Verifica", "range": f"A1:G{verifica_rows + 1}"},
        {"op": "sheet_layout", "sheet": "Verifica", "columns": 7},
    ]


@pytest.fixture(scope="module")
def seen(libreoffice, tmp_path_factory):
    """{source kind: {"old"/"new": LibreOffice answers, "report": Report}} for both registers."""
    tmp = tmp_path_factory.mktemp("annotata")
    plain = write_xlsx(tmp / "registro.xlsx", ROWS)
    saved = tmp / "salvato_da_libreoffice.xlsx"
    libreoffice.run(plain, [{"op": "save_as", "path": str(saved)}])
    out = {}
    jobs = []
    for kind, source in (("openpyxl", plain), ("libreoffice", saved)):
        report = validate([source], today=TODAY)
        old = annotate_openpyxl(source, report, tmp / f"{kind}_vecchia.xlsx")
        new = annotate(source, report, tmp / f"{kind}_nuova.xlsx")
        out[kind] = {"report": report}
        problems = len(report.problems)
        jobs.append(Job(old, _ops(problems)))
        jobs.append(Job(new, _ops(problems) + [{"op": "follow_link", "sheet": "Verifica", "cell": f"A{i}"}
                                               for i in range(2, problems + 2)]))
    results = libreoffice.run_many(jobs)
    for i, kind in enumerate(("openpyxl", "libreoffice")):
        out[kind]["old"], out[kind]["new"] = results[2 * i], results[2 * i + 1]
    return out


KINDS = ("openpyxl", "libreoffice")


@pytest.mark.parametrize("kind", KINDS)
def test_le_celle_del_registro_si_vedono_come_prima(seen, kind):
    old, new = seen[kind]["old"][0], seen[kind]["new"][0]
    for r, (row_old, row_new) in enumerate(zip(old, new), start=1):
        for c, (a, b) in enumerate(zip(row_old, row_new), start=1):
            where = f"riga {r}, colonna {c}"
            assert a["string"] == b["string"], where
            assert a["back_color"] == b["back_color"], where
            assert bool(a["comment"]) == bool(b["comment"]), where
    coloured = {(r, c) for r, row in enumerate(new, 1) for c, cell in enumerate(row, 1) if cell["back_color"]}
    assert {(3, 7), (4, 8), (5, 2), (6, 4), (6, 8)} <= coloured and new[2][10]["back_color"] == "FFC7CE"


@pytest.mark.parametrize("kind", KINDS)
def test_i_commenti_dicono_il_titolo_della_regola_invece_dell_id(seen, kind):
    old, new = seen[kind]["old"][0], seen[kind]["new"][0]
    titles = {p.rule: title(p.rule) for p in seen[kind]["report"].problems}
    compared = 0
    for row_old, row_new in zip(old, new):
        for a, b in zip(row_old, row_new):
            if not a["comment"]:
                continue
            expected = []
            for line in a["comment"].split("\n"):
                rule, message = re.match(r"\[([^\]]+)\] (.*)", line).groups()
                expected.append(f"{titles[rule]}: {message.split(': ', 1)[1]}")
            assert b["comment"] == "\n".join(expected)
            assert not b["comment"].startswith(tuple(titles) + ("[",))
            compared += 1
    assert compared >= 4


@pytest.mark.parametrize("kind", KINDS)
def test_verifica_ha_gli_stessi_problemi_con_il_titolo_e_l_id_in_fondo(seen, kind):
    old, new = seen[kind]["old"][2], seen[kind]["new"][2]
    assert [c["string"] for c in new[0]] == ["Cella", "Riga", "Colonna", "Problema", "Gravità", "Messaggio", "Regola"]
    titles = {p.rule: title(p.rule) for p in seen[kind]["report"].problems}
    for a, b in zip(old[1:], new[1:]):
        riga_, colonna, regola, gravita, messaggio = (c["string"] for c in a[:5])
        values = [c["string"] for c in b]
        assert values[1:5] == [riga_, colonna, titles[regola], gravita] and values[6] == regola
        assert messaggio.endswith(": " + values[5])


@pytest.mark.parametrize("kind", KINDS)
def test_i_link_di_verifica_portano_alla_cella_anche_in_libreoffice(seen, kind):
    old, new = seen[kind]["old"][2], seen[kind]["new"][2]
    assert all(link.startswith("file:") for row in old[1:] for link in row[0]["links"])  # the former external links
    problems = seen[kind]["report"].problems
    columns = {"Codice servizio": "G", "Durata (min)": "H", "Sede": "B", "Tipo utente": "D"}
    landed = seen[kind]["new"][4:]
    assert landed == [f"Registro.{columns.get(p.column, 'A')}{p.row}" for p in problems]
    assert all(row[0]["links"] and row[0]["links"][0].startswith("#") for row in new[1:])


@pytest.mark.parametrize("kind", KINDS)
def test_intestazione_fissa_filtro_e_stampa_su_una_pagina_di_larghezza(seen, kind):
    problems = len(seen[kind]["report"].problems)
    register, verifica = seen[kind]["new"][1], seen[kind]["new"][3]
    assert register["frozen"] == [0, 1] and register["autofilter"] == f"A1:K{LAST}"
    assert verifica["frozen"] == [0, 1] and verifica["autofilter"] == f"A1:G{problems + 1}"
    for layout in (register, verifica):
        assert layout["title_rows"] == "1:1" and layout["landscape"] and layout["pages_wide"] == 1
    before = seen[kind]["old"][1]
    assert before["autofilter"] is None and before["title_rows"] is None  # what issue 16 asked to change
    assert register["column_widths"][10] > 2 * before["column_widths"][10]  # the Esito column reads
    esito = seen[kind]["new"][0]
    assert all(row[10]["wrap"] for row in esito[1:]) and esito[0][10]["bold"]


def test_la_copia_annotata_dell_esempio_si_stampa_in_poche_pagine(libreoffice, tmp_path):
    """The bundled example's copy printed 16 A4 pages (columns split, empty pages): now the Registro sheet fits
    the page width and the pages follow its rows (2 pages without the example's four avvisi of issue 23, whose
    long messages quoting the regional table add rows' height: 4)."""
    from pathlib import Path

    root = Path(__file__).parents[2]
    report = validate([root / "esempi" / "registro_esempio.csv"], history=[root / "esempi" / "storico_settembre.csv"],
                      month="2026-10", today=TODAY)
    copy = annotate(root / "esempi" / "registro_esempio.csv", report, tmp_path / "registro_annotato.xlsx")
    pdf = tmp_path / "copia.pdf"
    libreoffice.run(copy, [{"op": "export_pdf", "path": str(pdf)}])
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert pages <= 4

"""The add-in on a Book built from the real template (every sheet, formulas included) with filled rows."""

from __future__ import annotations

from openpyxl import load_workbook

from tests.support.books import actions, make_book
from tests.support.registri import CF, PIVA, riga
from registro.validators.read.register import COLUMNS
from registro.xl_addin import main
from registro.xl_addin.build.template import build_template


def _template_book(tmp_path, rows):
    path = build_template(tmp_path / "registro.xlsx", rows=40)
    wb = load_workbook(path)
    ws = wb["Registro"]
    header = [c.value for c in ws[1]]
    for i, r in enumerate(rows, start=2):
        for c in COLUMNS:
            ws.cell(i, header.index(c) + 1, r[c])
    sheets = {s.title: [[c for c in row] for row in s.iter_rows(values_only=True)] for s in wb.worksheets}
    return make_book(sheets, name="registro.xlsx"), header


def test_main_sul_modello_compilato_scrive_esito_dopo_le_colonne_calcolate(tmp_path):
    rows = [riga(), riga(codice="E.3", durata=90, cf=CF["laura"]), riga(codice="P.1", durata=60, tipo="Azienda", cf=PIVA)]
    book, header = _template_book(tmp_path, rows)
    summary = main(book)
    assert summary["valida"]["righe"] == 3 and summary["valida"]["errori"] == 1
    assert summary["esporta"]["esportate"] == 2 and summary["esporta"]["scartate"] == 1
    acts = actions(book)
    esito = next(a for a in acts if a["func"] == "setValues" and a["sheet_position"] == 0)
    used = max(i for i, h in enumerate(header) if h not in (None, ""))
    assert esito["start_column"] == used + 1 and esito["values"][0] == ["Esito"]
    assert esito["values"][2][0].startswith("ERRORE: il servizio E.3 è riservato a GG")
    # only the Esito column and the colours of the faulty cells touch the Registro sheet
    registro_writes = {a["func"] for a in acts if a.get("sheet_position") == 0}
    assert registro_writes <= {"setValues", "setRangeColor"}
    assert [a["args"][1] for a in acts if a["func"] == "addSheet"] == ["Verifica", "Totali", "Export JA", "Scarti"]

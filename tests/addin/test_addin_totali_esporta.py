"""The add-in's totali, esporta and main() on real xlwings Books."""

from __future__ import annotations

import csv

from openpyxl.utils import get_column_letter

from tests.support.books import actions, make_book
from tests.support.registri import CF, riga
from registro.validators.read.register import COLUMNS
from registro.xl_addin import main
from registro.xl_addin.actions import esporta, totali


def _book(rows, **kwargs):
    return make_book({"Registro": [list(COLUMNS)] + [[r[c] for c in COLUMNS] for r in rows], "Istruzioni": [["x"]]}, **kwargs)


ROWS = [riga(), riga(codice="ZZ", cf=CF["laura"]), riga(codice="C.1", durata=None, cf=CF["sara"], sede="Jesi")]


def _sheet_actions(book, name, func):
    """The actions `func` on a sheet right after it was added, up to the next sheet added (actions run in order)."""
    acts = actions(book)
    start = max(i for i, a in enumerate(acts) if a["func"] == "addSheet" and a["args"][1] == name)
    position = acts[start]["args"][0]
    following = []
    for a in acts[start + 1:]:
        if a["func"] == "addSheet":
            break
        if a["func"] == func and a["sheet_position"] == position:
            following.append(a)
    return following


def _sheet_writes(book, name):
    """The values written into a sheet right after it was added."""
    return _sheet_actions(book, name, "setValues")


def _sheet_grid(book, name):
    """The sheet's cells as rows (from A1), put together from every block written into it."""
    cells = {}
    for a in _sheet_writes(book, name):
        for i, row in enumerate(a["values"]):
            for j, value in enumerate(row):
                cells[a["start_row"] + i, a["start_column"] + j] = value
    height, width = max(r for r, _ in cells) + 1, max(c for _, c in cells) + 1
    return [[cells.get((r, c)) for c in range(width)] for r in range(height)]


def _tables(book, name):
    """(range, table name) of the Excel tables added to a sheet."""
    return [(a["args"][0], a["args"][3]) for a in _sheet_actions(book, name, "addTable")]


def test_totali_ricostruisce_il_foglio_con_i_raggruppamenti():
    book = _book(ROWS)
    summary = totali(book)
    assert summary["righe_conteggiate"] == 2 and summary["righe_escluse"] == 1
    values = [[v for v in row if v is not None] or [None] for row in _sheet_grid(book, "Totali")]
    first = [r[0] for r in values]
    assert {"Per sede", "Per operatore", "Per LEP"} <= set(first)
    office = values[first.index("Per sede") + 1:first.index("Per operatore") - 1]
    assert office[0][:2] == ["Sede", "Servizi"] and sorted(r[0] for r in office[1:]) == ["Ancona", "Jesi"]
    hours = dict((r[0], r[1]) for r in values[:7])
    assert hours["Ore"] == round((15 + 90) / 60, 2)
    for code in CF.values():
        assert code not in str(values)


def test_esporta_senza_file_system_scrive_i_fogli_export_e_scarti():
    book = _book(ROWS)
    summary = esporta(book)
    assert summary == {"esportate": 2, "scartate": 1, "lette": 3, "messaggio": summary["messaggio"]}
    ja = _sheet_writes(book, "Export JA")[0]["values"]
    assert ja[0][0] == "codice_fiscale" and len(ja) == 3
    scarti = _sheet_writes(book, "Scarti")[0]["values"]
    assert scarti[1][2] == 3 and scarti[1][5] == "Codice servizio sconosciuto" and "codice.sconosciuto" in scarti[1][-1]
    (alert,) = [a for a in actions(book) if a["func"] == "alert"]
    assert "3 righe lette = 2 esportate + 1 scartata" in alert["args"][0]


def test_esporta_classico_scrive_i_file_accanto_alla_cartella(tmp_path, monkeypatch):
    monkeypatch.setattr("registro.xl_addin.workbook.book_folder", lambda book: tmp_path)
    book = _book(ROWS, name="ottobre.xlsx")
    assert esporta(book)["esportate"] == 2
    with open(tmp_path / "ottobre_ja.csv", encoding="utf-8-sig") as fh:
        assert len(list(csv.reader(fh, delimiter=";"))) == 3
    assert (tmp_path / "ottobre_scarti.xlsx").exists()
    assert not [a for a in actions(book) if a["func"] == "addSheet"]


def test_main_con_il_file_per_ja_aperto_in_excel_avvisa_di_chiuderlo_e_non_scrive_gli_scarti(tmp_path, monkeypatch):
    """Windows: a JA file left open in Excel cannot be replaced; the alert says which one to close."""
    from registro.validators import output_set

    monkeypatch.setattr("registro.xl_addin.workbook.book_folder", lambda book: tmp_path)
    (tmp_path / "ottobre_ja.csv").write_text("di prima", encoding="utf-8")
    real_open = open

    def sharing_violation(file, mode="r", *args, **kwargs):
        if str(file).endswith("ottobre_ja.csv") and "+" in mode:
            raise PermissionError(13, "sharing violation", str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(output_set, "open", sharing_violation, raising=False)
    book = _book(ROWS, name="ottobre.xlsx")
    summary = main(book)
    assert "chiudere 'ottobre_ja.csv' in Excel e ripetere il comando" in summary["errore"]
    assert (tmp_path / "ottobre_ja.csv").read_text(encoding="utf-8") == "di prima"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ottobre_ja.csv"]


def test_main_esegue_le_tre_azioni_con_un_solo_avviso_riassuntivo():
    book = _book(ROWS)
    summary = main(book)
    assert set(summary) == {"valida", "totali", "esporta"}
    acts = actions(book)
    assert [a["args"][1] for a in acts if a["func"] == "addSheet"] == ["Verifica", "Totali", "Export JA", "Scarti"]
    (alert,) = [a for a in acts if a["func"] == "alert"]
    assert "Controllate 3 righe" in alert["args"][0] and "2 esportate" in alert["args"][0]


def test_main_su_una_cartella_senza_registro_mostra_un_messaggio():
    book = make_book({"Foglio1": [["a"]], "Foglio2": [["b"]]}, name="altro.xlsx")
    summary = main(book)
    (alert,) = [a for a in actions(book) if a["func"] == "alert"]
    assert "non ha un foglio 'Registro'" in alert["args"][0] and "errore" in summary


def test_esporta_senza_file_system_scrive_i_codici_come_testo():
    book = _book(ROWS)
    esporta(book, alert=False)
    acts = actions(book)
    for name in ("Export JA", "Scarti"):
        start = max(i for i, a in enumerate(acts) if a["func"] == "addSheet" and a["args"][1] == name)
        following = [a["func"] for a in acts[start + 1:]]
        formats = [a for a in acts[start + 1:] if a["func"] == "setNumberFormat"]
        # The block is formatted as text before its values arrive: 00743110157 keeps its zeros in Excel.
        assert formats and formats[0]["args"] == ["@"], name
        assert following.index("setNumberFormat") < following.index("setValues"), name


def test_main_controlla_il_registro_una_volta_sola_come_registro_mese(monkeypatch):
    import registro
    import registro.xl_addin.actions as module

    checks, months = [], []
    real_check, real_month = module.check_values, registro.month

    def counted_check(*args, **kwargs):
        checks.append(1)
        return real_check(*args, **kwargs)

    def counted_month(checked, **kwargs):
        months.append(checked)
        return real_month(checked, **kwargs)

    monkeypatch.setattr(module, "check_values", counted_check)
    monkeypatch.setattr(registro, "month", counted_month)
    summary = main(_book(ROWS))
    assert len(checks) == 1 and len(months) == 1  # one check; totals and export from it
    assert summary["totali"]["righe_conteggiate"] == summary["esporta"]["esportate"] == 2


def test_le_tabelle_dei_fogli_del_componente_hanno_il_filtro_di_una_tabella_excel():
    book = _book(ROWS)
    totali(book)
    esporta(book)
    grid = _sheet_grid(book, "Totali")
    tables = _tables(book, "Totali")
    assert [name for _, name in tables] == ["Totali_1", "Totali_2", "Totali_3"]
    for (ref, _), title in zip(tables, ("Per sede", "Per operatore", "Per LEP")):
        first = int(ref.split(":")[0].lstrip("$A").replace("$", ""))
        assert grid[first - 2][0] == title and grid[first - 1][0] in ("Sede", "Operatore", "LEP")  # header row
    for sheet, name in (("Export JA", "Export_JA"), ("Scarti", "Scarti")):
        cells = _sheet_grid(book, sheet)  # the whole block written, header included
        assert _tables(book, sheet) == [(f"$A$1:${get_column_letter(len(cells[0]))}${len(cells)}", name)]

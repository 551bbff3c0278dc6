"""Reading registers: header detection, synonyms, formats, row numbers, unusable files."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from tests.support.registri import CF, MONTH, TODAY, register_sheet, riga, write_csv, write_ods, write_xlsx
from tests.support.api import validate, validate_values
from registro.validators.read.register import COLUMNS


def _rules(report):
    return [(p.row, p.rule) for p in report.problems]


def test_intestazione_sotto_un_titolo_e_numeri_di_riga_di_excel(tmp_path):
    rows = [riga(), riga(codice="ZZ")]
    path = write_xlsx(tmp_path / "r.xlsx", rows, title_rows=[["Registro CPI Ancona"], [], ["ottobre 2026"], []])
    report = validate([path], month=MONTH, today=TODAY)
    assert report.rows == 2
    assert _rules(report) == [(7, "codice.sconosciuto")]


def test_righe_vuote_saltate_senza_spostare_i_numeri(tmp_path):
    wb, ws = register_sheet([riga()])
    ws.append([])
    ws.append([])
    ws.append([riga(codice="ZZ")[c] for c in COLUMNS])
    wb.save(tmp_path / "r.xlsx")
    report = validate([tmp_path / "r.xlsx"], today=TODAY)
    assert report.rows == 2 and _rules(report) == [(5, "codice.sconosciuto")]


def test_intestazioni_con_sinonimi_maiuscole_accenti_e_colonne_in_piu(tmp_path):
    headers = ["DATA", "cpi", "Operatrice", "tipo", "C.F.", "misura", "cod. servizio", "minuti", "MODALITA'", "nota"]
    wb = Workbook()
    ws = wb.active
    ws.append(["Colonna extra"] + headers)
    ws.append(["x"] + [riga()[c] for c in COLUMNS])
    wb.save(tmp_path / "r.xlsx")
    report = validate([tmp_path / "r.xlsx"], today=TODAY)
    assert report.rows == 1 and report.problems == []


def test_colonne_obbligatorie_mancanti_uscita_2(tmp_path):
    headers = [c for c in COLUMNS if c != "Codice fiscale"]
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    wb.save(tmp_path / "r.xlsx")
    report = validate([tmp_path / "r.xlsx"], today=TODAY)
    (p,) = report.problems
    assert p.rule == "colonne.mancanti" and "'Codice fiscale'" in p.message and p.row is None
    assert report.exit_code == 2


def test_foglio_registro_mancante_con_piu_fogli_si_legge_quello_con_le_intestazioni(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [riga()], sheet="Ottobre", extra_sheets=("Note",))
    report = validate([path], today=TODAY)
    assert report.problems == [] and report.rows == 1
    assert report.notes == [(str(path), "nessun foglio 'Registro': letto il foglio 'Ottobre', l'unico visibile con "
                                        "le intestazioni del registro")]
    assert validate([path], today=TODAY, sheet="ottobre").problems == []
    wrong = validate([path], today=TODAY, sheet="Novembre")
    assert [p.rule for p in wrong.problems] == ["foglio.mancante"] and "Ottobre, Note" in wrong.problems[0].message


def test_unico_foglio_con_altro_nome_e_letto(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [riga()], sheet="Foglio1")
    assert validate([path], today=TODAY).problems == []


def test_testo_rinominato_xlsx_e_illeggibile(tmp_path):
    path = tmp_path / "finto.xlsx"
    path.write_text("non sono un foglio di calcolo", encoding="utf-8")
    report = validate([path], today=TODAY)
    assert [p.rule for p in report.problems] == ["file.illeggibile"] and report.exit_code == 2


@pytest.mark.parametrize("delimiter, encoding", [(";", "utf-8-sig"), (",", "utf-8"), (";", "cp1252")])
def test_i_csv_con_separatori_e_codifiche_diversi_sono_letti(tmp_path, delimiter, encoding):
    rows = [riga(modalita="A distanza", note="attività"), riga(cf=CF["laura"], codice="ZZ")]
    path = write_csv(tmp_path / "r.csv", rows, delimiter=delimiter, encoding=encoding)
    report = validate([path], today=TODAY)
    assert report.rows == 2 and _rules(report) == [(3, "codice.sconosciuto")]


@pytest.mark.parametrize("text", ["03/10/2026", "3/10/26", "2026-10-03", "03.10.2026", "46298"])
def test_i_formati_di_data_comuni_sono_accettati(tmp_path, text):
    path = write_xlsx(tmp_path / "r.xlsx", [riga(data=text)])
    assert validate([path], month=MONTH, today=TODAY).problems == []


def test_ods_e_letto(tmp_path):
    path = write_ods(tmp_path / "r.ods", [riga(), riga(cf=CF["laura"], codice="ZZ")])
    report = validate([path], month=MONTH, today=TODAY)
    assert report.rows == 2 and _rules(report) == [(3, "codice.sconosciuto")]


def test_una_cartella_con_piu_sedi_e_letta_per_intero_ignorando_altri_file(tmp_path):
    folder = tmp_path / "ottobre"
    folder.mkdir()
    write_xlsx(folder / "ancona.xlsx", [riga()])
    write_csv(folder / "jesi.csv", [riga(sede="Jesi", cf=CF["laura"])])
    (folder / "leggimi.txt.bak").write_text("ignorato")
    report = validate([folder], month=MONTH, today=TODAY)
    assert report.rows == 2 and len(report.files) == 2 and report.problems == []


def test_valori_di_una_cartella_aperta_in_excel():
    values = [["Titolo"], list(COLUMNS), [dt.datetime(2026, 10, 1), "Ancona", "Maria Rossi", "Persona", CF["mario"],
                                          None, "A.1", 15.0, "In presenza", None]]
    report = validate_values(values, name="registro.xlsx", today=TODAY)
    assert report.rows == 1 and report.problems == []
    values.append([dt.datetime(2026, 10, 1), "Ancona", "Maria Rossi", "Persona", CF["mario"], None, "ZZ", 15.0,
                   "In presenza", None])
    assert _rules(validate_values(values, name="registro.xlsx", today=TODAY)) == [(4, "codice.sconosciuto")]

"""Every rule of the registry has a minimal failing case and a minimal passing case, built in code."""

from __future__ import annotations

import datetime as dt
from string import Formatter

import pytest

from tests.support.registri import CF, MONTH, PIVA, TODAY, register_sheet, riga, write_csv, write_xlsx
from tests.support.api import validate
from registro.validators.messages import REJECTS, SHEET, TERMINAL, field_names, template, text
from registro.validators.rules import RULES
from registro.validators.read.register import COLUMNS

D = dt.date


def _day(n):
    return D(2026, 10, n)


# A person's intake on 01/10/2026: accoglienza, DID and SAP the same day.
INTAKE = [riga(), riga(codice="B.1", durata=25), riga(codice="B.2", durata=25)]

# rule id -> (rows that break it, Excel row expected to carry it, rows that respect it)
CASES = {
    "campo.obbligatorio": ([riga(operatore=None)], 2, [riga()]),
    "data.non_valida": ([riga(data="31/02/2026")], 2, [riga(data="3/10/26")]),
    "data.fuori_periodo": ([riga(data=D(2026, 9, 30))], 2, [riga(data=D(2026, 10, 31))]),
    "data.fuori_catalogo": ([riga(data=D(2018, 12, 31))], 2, [riga(data=D(2019, 1, 1))]),
    "codice.sconosciuto": ([riga(codice="F1.09")], 2, [riga(codice=" f1.9 ", durata=60)]),
    "codice.non_registrabile": ([riga(codice="F")], 2, [riga(codice="F1.2", durata=300)]),
    "codice.automatico": ([riga(codice="O.2", durata=None)], 2, [riga(codice="F1.15", durata=60)]),
    "programma.sconosciuto": ([riga(programma="PON-X")], 2, [riga(programma="Garanzia Giovani")]),
    "programma.non_ammesso": ([riga(codice="E.3", durata=90)], 2, [riga(codice="E.3", durata=90, programma="GG")]),
    "programma.non_attivo": ([riga(codice="C.1", durata=90, programma="RdC")], 2,
                             [riga(codice="C.1", durata=90, programma="RdC", data=D(2023, 10, 2))]),
    "utente.tipo_non_valido": ([riga(tipo="Privato")], 2, [riga(tipo="persona")]),
    "utente.destinatario_errato": ([riga(codice="P.1", durata=60)], 2,
                                   [riga(codice="P.1", durata=60, tipo="Azienda", cf=PIVA)]),
    "cf.non_valido": ([riga(cf="RSSMRA80A01H501X")], 2, [riga(cf="rss mra 80a01 h501u")]),
    "cf.provvisorio": ([riga(cf="12345678903")], 2, [riga()]),
    "modalita.non_valida": ([riga(modalita="Via fax")], 2, [riga(modalita="online")]),
    "durata.non_valida": ([riga(durata="12,5")], 2, [riga(durata=None)]),
    "durata.fuori_intervallo": ([riga(durata=25)], 2, [riga(durata=20)]),
    "testo.troncato": ([riga(note="x" * 32_768)], 2, [riga(note="😀" * 16_383 + "x")]),  # 32,767 UTF-16 units
    "sequenza.ordine_invertito": (
        [riga(codice="D.2", durata=45, data=_day(5)), riga(codice="D.1", durata=45, data=_day(6))], 2,
        [riga(codice="D.2", durata=45, data=_day(7)), riga(codice="D.1", durata=45, data=_day(6))]),
    "sequenza.prerequisito_assente": ([riga(codice="D.2", durata=45)], 2,
                                      [riga(codice="D.2", durata=45, data=_day(5)), riga(codice="D.1", durata=45, data=_day(2)),
                                       riga(codice="B.1", durata=25), riga(codice="B.2", durata=25), riga(codice="A.1")]),
    "sequenza.passaggio_mancante": ([riga(), riga(codice="B.1", durata=25)], 3,
                                    [riga(), riga(codice="B.1", durata=25), riga(codice="B.2", durata=25)]),
    "sequenza.ripetuto": (INTAKE + [riga(codice="D.1", durata=45), riga(codice="D.1", durata=45, data=_day(8))], 6,
                          INTAKE + [riga(codice="D.1", durata=45), riga(codice="D.2", durata=45, data=_day(8))]),
    "sequenza.stesso_giorno": (INTAKE + [riga(codice="D.1", durata=45), riga(codice="D.2", durata=45)], 6,
                               INTAKE + [riga(codice="D.1", durata=45), riga(codice="D.2", durata=45, data=_day(8))]),
    "riga.duplicata": ([riga(), riga(cf=CF["laura"]), riga()], 4, [riga(), riga(operatore="Luca Verdi")]),
    # E.2 (max 480 minutes) and K.3 (max 2160) do not fit in a day: they do not count.
    "operatore.giornata_eccessiva": (
        [riga(codice="E.2", durata=240), riga(codice="E.4", durata=180, cf=CF["laura"]),
         riga(codice="E.6", durata=180, cf=CF["sara"]), riga(codice="C.1", durata=90, cf=CF["franco"])], 2,
        [riga(codice="E.2", durata=240), riga(codice="E.4", durata=180, cf=CF["laura"]),
         riga(codice="E.6", durata=180, cf=CF["sara"]), riga(codice="K.3", durata=900, cf=CF["franco"])]),
}


def _bytes(path, data: bytes):
    path.write_bytes(data)
    return path


def _merged(path, cells, title=False):
    wb, ws = register_sheet([], header=False)
    for row in ([["CPI di Ancona"]] if title else []) + [list(COLUMNS), [riga()[c] for c in COLUMNS]]:
        ws.append(row)
    ws.merge_cells(cells)
    wb.save(path)
    return path


# File-level rule id -> (writer of a file that breaks it, writer of a file that respects it)
FILE_CASES = {
    "file.illeggibile": (lambda p: _bytes(p, b""), lambda p: write_xlsx(p, [riga()])),
    "foglio.mancante": (lambda p: write_xlsx(p, [riga()], sheet="Dati", extra_sheets=("Altro",), headers=["x"] * 10),
                        # a single sheet is the register; so is the only visible sheet with the headers
                        lambda p: write_xlsx(p, [riga()], sheet="Dati", extra_sheets=("Altro",))),
    "colonne.mancanti": (lambda p: write_xlsx(p, [riga()], headers=[c for c in COLUMNS if c != "Codice fiscale"]),
                         lambda p: write_xlsx(p, [riga()], title_rows=[["CPI di Ancona"]],
                                              headers=["CF" if c == "Codice fiscale" else c.upper() for c in COLUMNS])),
    # Two headers naming Data equally; "Data (gg/mm/aaaa)" alone is Data, a hint in parentheses.
    # The Data header merged with the row below it; a title merged across the columns above the header.
    "intestazione.unita": (lambda p: _merged(p, "A1:A2"), lambda p: _merged(p, "A1:J1", title=True)),
    "colonne.doppie": (lambda p: write_xlsx(p, [riga()], headers=["Data", *COLUMNS[1:-1], "Data (gg/mm/aaaa)"]),
                       lambda p: write_xlsx(p, [riga()], headers=["Data (gg/mm/aaaa)", *COLUMNS[1:]])),
}


def test_ogni_regola_ha_un_caso_che_fallisce_e_uno_che_passa():
    assert set(CASES) | set(FILE_CASES) == {r.id for r in RULES}
    assert set(FILE_CASES) == {r.id for r in RULES if r.file_level}


# Rules whose cases are written as CSV: calamine cuts an .xlsx cell to 32,767 characters as it
# reads it (Excel never writes a longer one), a CSV cell has no limit.
CSV_CASES = {"testo.troncato"}


def _check(tmp_path, rows, name="registro.xlsx", **kwargs):
    path = (write_csv if name.endswith(".csv") else write_xlsx)(tmp_path / name, rows)
    return validate([path], **{"month": MONTH, "today": TODAY, **kwargs})


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_il_caso_sbagliato_viola_la_regola_sulla_riga_giusta(tmp_path, rule_id):
    bad, row, _ = CASES[rule_id]
    report = _check(tmp_path, bad, "registro.csv" if rule_id in CSV_CASES else "registro.xlsx")
    hits = [p for p in report.problems if p.rule == rule_id]
    assert hits, [p.message for p in report.problems]
    assert hits[0].row == row
    assert hits[0].message.startswith(f"Riga {row}, '")
    expected = next(r for r in RULES if r.id == rule_id).severity
    assert hits[0].severity == expected
    _carries_its_named_values(hits[0])


def _carries_its_named_values(p):
    """A problem holds the named values of its rule's templates, and every wording is made of them."""
    assert set(p.fields) == set(field_names(p.rule)) and all(isinstance(v, str) for v in p.fields.values())
    for wording in (TERMINAL, SHEET, REJECTS):
        shown = text(p, wording)
        used = [name for _, name, _, _ in Formatter().parse(template(p.rule, wording)) if name in p.fields]
        assert all(p.fields[name] in shown for name in used), (wording, shown)
    assert p.message == text(p, TERMINAL)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_il_caso_corretto_rispetta_la_regola(tmp_path, rule_id):
    _, _, good = CASES[rule_id]
    report = _check(tmp_path, good, "registro.csv" if rule_id in CSV_CASES else "registro.xlsx")
    assert not [p.message for p in report.problems if p.rule == rule_id]


@pytest.mark.parametrize("rule_id", sorted(FILE_CASES))
def test_il_file_sbagliato_e_rifiutato_con_la_sola_regola_di_file(tmp_path, rule_id):
    bad, _ = FILE_CASES[rule_id]
    report = validate([bad(tmp_path / "registro.xlsx")], month=MONTH, today=TODAY)
    assert [(p.rule, p.row, p.severity) for p in report.problems] == [(rule_id, None, "errore")]
    assert report.exit_code == 2
    _carries_its_named_values(report.problems[0])


@pytest.mark.parametrize("rule_id", sorted(FILE_CASES))
def test_il_file_corretto_e_letto_senza_problemi(tmp_path, rule_id):
    _, good = FILE_CASES[rule_id]
    report = validate([good(tmp_path / "registro.xlsx")], month=MONTH, today=TODAY)
    assert report.problems == [] and report.rows == 1 and report.exit_code == 0


def test_i_casi_corretti_non_hanno_alcun_problema_tranne_i_prerequisiti(tmp_path):
    # The passing cases are clean registers, except that A.1/D.1 are not preceded by history.
    for rule_id, (_, _, good) in CASES.items():
        report = _check(tmp_path, good, name=f"{rule_id}.xlsx", month=None)
        others = [p for p in report.problems if p.rule != "sequenza.prerequisito_assente"]
        assert others == [], (rule_id, [p.message for p in others])


# ------------------------------------------------------------------------------------------------
# Behaviours of single rules


def test_d2_senza_d1_precedente_e_un_avviso(tmp_path):
    report = _check(tmp_path, [riga(codice="D.2", durata=45)])
    (p,) = [p for p in report.problems if p.rule == "sequenza.prerequisito_assente"]
    assert p.severity == "avviso" and "D.1" in p.message and report.exit_code == 0


def test_b1_prima_di_a1_e_solo_un_avviso(tmp_path):
    rows = [riga(codice="B.1", durata=25, data=_day(2)), riga(codice="A.1", data=_day(3))]
    (p,) = [p for p in _check(tmp_path, rows).problems if p.rule == "sequenza.ordine_invertito"]
    assert p.severity == "avviso"


def test_il_prerequisito_nello_storico_soddisfa_la_sequenza(tmp_path):
    history = write_xlsx(tmp_path / "settembre.xlsx", [riga(codice="D.1", durata=45, data=D(2026, 9, 10))])
    current = write_xlsx(tmp_path / "ottobre.xlsx", [riga(codice="D.2", durata=45)])
    report = validate([current], history=[history], month=MONTH, today=TODAY)
    assert not [p for p in report.problems if p.rule.startswith("sequenza")]
    assert report.files == [str(current)] and report.history == [str(history)]


def test_i_problemi_dello_storico_non_sono_riportati(tmp_path):
    history = write_xlsx(tmp_path / "settembre.xlsx", [riga(codice="XX", data=D(2026, 9, 10))])
    current = write_xlsx(tmp_path / "ottobre.xlsx", [riga()])
    report = validate([current], history=[history], month=MONTH, today=TODAY)
    assert report.problems == [] and report.rows == 1


def test_la_data_futura_non_e_valida(tmp_path):
    report = _check(tmp_path, [riga(data=D(2026, 11, 2))], month=None)
    (p,) = report.problems
    assert p.rule == "data.non_valida" and "successiva a oggi" in p.message


def test_codice_con_nome_spazi_e_trattino_unicode_e_accettato(tmp_path):
    report = _check(tmp_path, [riga(codice="  a.1 – Accoglienza  ")])
    assert report.problems == []


def test_un_codice_sconosciuto_suggerisce_i_piu_vicini(tmp_path):
    (p,) = _check(tmp_path, [riga(codice="F1.09")]).problems
    assert "Forse si intendeva F1.9" in p.message and p.value == "F1.09"


def test_m53_e_riservato_a_gg_anche_se_del_blocco_l68(tmp_path):
    rows = [riga(codice="M5.3", durata=60, programma="L.68"), riga(codice="M5.3", durata=60, programma="GG", cf=CF["laura"])]
    problems = _check(tmp_path, rows).problems
    assert [(p.row, p.rule) for p in problems] == [(2, "programma.non_ammesso")]


def test_k3_e_ammesso_per_persona_e_per_azienda(tmp_path):
    rows = [riga(codice="K.3", durata=900), riga(codice="K.3", durata=900, tipo="Azienda", cf=PIVA)]
    assert _check(tmp_path, rows).problems == []


def test_un_azienda_con_partita_iva_errata_ha_cf_non_valido(tmp_path):
    (p,) = _check(tmp_path, [riga(codice="Q.1", durata=60, tipo="Azienda", cf="01234567890")]).problems
    assert p.rule == "cf.non_valido" and "partita IVA" in p.message


def test_la_giornata_lavorativa_si_configura_con_workday_minutes(tmp_path):
    rows = [riga(codice="E.1", durata=120), riga(codice="C.1", durata=120, cf=CF["laura"])]
    assert not _check(tmp_path, rows).problems
    report = _check(tmp_path, rows, workday_minutes=200)
    assert [p.rule for p in report.problems] == ["operatore.giornata_eccessiva"]


def test_escludi_non_applica_la_regola_indicata(tmp_path):
    report = _check(tmp_path, [riga(durata=25)], exclude=["durata.fuori_intervallo"])
    assert report.problems == []


def test_doppione_tra_due_file_indica_l_altro_file(tmp_path):
    a = write_xlsx(tmp_path / "ancona.xlsx", [riga()])
    b = write_xlsx(tmp_path / "ancona_bis.xlsx", [riga()])
    report = validate([a, b], month=MONTH, today=TODAY)
    (p,) = report.problems
    assert p.rule == "riga.duplicata" and p.file == str(b) and "ancona.xlsx" in p.message

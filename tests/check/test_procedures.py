"""Every procedure of the regional table a register can show (issue 23), on registers built in code.

Accoglienza by programme, programmes as the table says, companion services, repeated and
same-moment services, missing prerequisites; across months with --storico and --archivio.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support import api
from tests.support.registri import CF, PIVA, riga, write_xlsx
from registro.validators.catalogue.load import parse_catalogue
from registro.validators.errors import CatalogueError
from registro.validators.yamlfile import read_yaml
from registro.validators.catalogue import DEFAULT_PATH

D = dt.date
TODAY_2026, TODAY_2023 = D(2026, 11, 1), D(2023, 12, 31)


def _check(tmp_path, rows, *, today=TODAY_2026, name="registro.xlsx", **kwargs):
    return api.validate([write_xlsx(tmp_path / name, rows)], today=today, **kwargs)


def _rules(report):
    return [(p.row, p.rule, p.severity) for p in report.problems]


def _day(n, year=2026, month=10):
    return D(year, month, n)


def _intake(programme=None, *, day=1, year=2026, month=10, cf=CF["mario"]):
    """A person's intake the table's way: accoglienza, DID and SAP on one day (+ B.3 for GG)."""
    when = _day(day, year, month)
    welcome = {"GG": "A.2", "RdC": "A.3"}.get(programme, "A.1")
    rows = [riga(codice=welcome, data=when, programma=programme, cf=cf)]
    if programme == "RdC":
        rows.append(riga(codice="B.4", durata=25, data=when, programma=programme, cf=cf))
    rows += [riga(codice="B.1", durata=25, data=when, programma=programme, cf=cf),
             riga(codice="B.2", durata=25, data=when, programma=programme, cf=cf)]
    if programme == "GG":
        rows.append(riga(codice="B.3", durata=25, data=when, programma=programme, cf=cf))
    return rows


# -- Done when ------------------------------------------------------------------------------------

def test_l_accoglienza_gg_a2_b1_b2_b3_nello_stesso_giorno_non_ha_problemi(tmp_path):
    assert _check(tmp_path, _intake("GG")).problems == []


def test_l_accoglienza_rdc_del_2023_a3_b4_b1_b2_non_ha_problemi(tmp_path):
    assert _check(tmp_path, _intake("RdC", year=2023), today=TODAY_2023).problems == []


def test_b1_senza_b2_nello_stesso_giorno_e_solo_l_avviso_passaggio_mancante(tmp_path):
    rows = [riga(), riga(codice="B.1", durata=25)]
    report = _check(tmp_path, rows)
    assert _rules(report) == [(3, "sequenza.passaggio_mancante", "avviso")]
    (p,) = report.problems
    assert "non risulta B.2 (Predisposizione o aggiornamento della SAP) nello stesso giorno di B.1 (01/10/2026)" in p.message
    assert "nella stessa giornata abbia già ricevuto i servizi preliminari" in p.message
    assert "Registrare B.2 del 01/10/2026 per la stessa persona" in p.message
    assert report.exit_code == 0


def test_b2_in_un_altro_giorno_non_accompagna_la_b1(tmp_path):
    rows = [riga(), riga(codice="B.1", durata=25), riga(codice="B.2", durata=25, data=_day(2))]
    assert _rules(_check(tmp_path, rows)) == [(3, "sequenza.passaggio_mancante", "avviso")]


def test_b2_di_un_altra_persona_non_accompagna_la_b1(tmp_path):
    rows = [riga(), riga(codice="B.1", durata=25), riga(codice="B.2", durata=25, cf=CF["laura"])]
    assert _rules(_check(tmp_path, rows)) == [(3, "sequenza.passaggio_mancante", "avviso")]


def test_b1_gg_senza_b3_e_solo_l_avviso_passaggio_mancante(tmp_path):
    rows = [r for r in _intake("GG") if r["Codice servizio"] != "B.3"]
    report = _check(tmp_path, rows)
    assert _rules(report) == [(3, "sequenza.passaggio_mancante", "avviso")]
    assert "non risulta B.3 (GG: Attivazione Profiling)" in report.problems[0].message
    assert "si aggiunge alla DID" in report.problems[0].message


def test_b1_gg_senza_b2_ne_b3_e_un_solo_avviso_che_li_nomina_entrambi(tmp_path):
    rows = [riga(codice="A.2", programma="GG"), riga(codice="B.1", durata=25, programma="GG")]
    report = _check(tmp_path, rows)
    assert _rules(report) == [(3, "sequenza.passaggio_mancante", "avviso")]
    assert "B.2 (Predisposizione o aggiornamento della SAP) né B.3 (GG: Attivazione Profiling)" in report.problems[0].message
    assert "Registrare B.2 e B.3 del 01/10/2026" in report.problems[0].message


def test_b1_non_gg_non_richiede_b3(tmp_path):
    assert _check(tmp_path, _intake()).problems == []


def test_d1_ripetuto_senza_nuova_did_e_solo_l_avviso_ripetuto(tmp_path):
    rows = _intake() + [riga(codice="D.1", durata=45), riga(codice="D.1", durata=45, data=_day(15))]
    report = _check(tmp_path, rows)
    assert _rules(report) == [(6, "sequenza.ripetuto", "avviso")]
    message = report.problems[0].message
    assert "D.1 del 15/10/2026 ripete quello del 01/10/2026 della stessa persona senza una nuova B.1 (DID)" in message
    assert "Registrare D.2 per l'aggiornamento del PSP" in message


def test_d1_dopo_una_nuova_did_non_e_ripetuto(tmp_path):
    rows = _intake() + [riga(codice="D.1", durata=45)] + _intake(day=15)[1:] + [riga(codice="D.1", durata=45, data=_day(15))]
    assert _check(tmp_path, rows).problems == []


def test_d1_di_due_persone_non_e_ripetuto(tmp_path):
    rows = (_intake() + [riga(codice="D.1", durata=45)] + _intake(cf=CF["laura"], day=15)
            + [riga(codice="D.1", durata=45, data=_day(15), cf=CF["laura"])])
    assert _check(tmp_path, rows).problems == []


def test_m3_1_ripetuto_senza_nuova_did_e_ripetuto_con_l_invito_a_m3_2(tmp_path):
    rows = _intake("L.68") + [riga(codice="M3.1", durata=45, programma="L.68"),
                              riga(codice="M3.1", durata=45, programma="L.68", data=_day(20))]
    report = _check(tmp_path, rows)
    assert _rules(report) == [(6, "sequenza.ripetuto", "avviso")]
    assert "Registrare M3.2 per l'aggiornamento del PSP" in report.problems[0].message


def test_d2_nello_stesso_giorno_del_d1_e_solo_l_avviso_stesso_giorno(tmp_path):
    rows = _intake() + [riga(codice="D.1", durata=45), riga(codice="D.2", durata=45)]
    report = _check(tmp_path, rows)
    assert _rules(report) == [(6, "sequenza.stesso_giorno", "avviso")]
    assert "D.2 del 01/10/2026 è nello stesso giorno di D.1" in report.problems[0].message
    assert "avverrà in momenti successivi" in report.problems[0].message


def test_m3_3_nello_stesso_giorno_di_m3_1_e_stesso_giorno(tmp_path):
    rows = _intake("L.68") + [riga(codice="M3.1", durata=45, programma="L.68"),
                              riga(codice="M3.3", durata=45, programma="L.68")]
    assert _rules(_check(tmp_path, rows)) == [(6, "sequenza.stesso_giorno", "avviso")]


def test_m3_3_in_un_giorno_successivo_non_ha_problemi(tmp_path):
    rows = _intake("L.68") + [riga(codice="M3.1", durata=45, programma="L.68"),
                              riga(codice="M3.3", durata=45, programma="L.68", data=_day(9))]
    assert _check(tmp_path, rows).problems == []


def test_m3_1_senza_did_e_solo_l_avviso_prerequisito_assente(tmp_path):
    report = _check(tmp_path, [riga(codice="M3.1", durata=45, programma="L.68")])
    assert _rules(report) == [(2, "sequenza.prerequisito_assente", "avviso")]
    assert "non risulta B.1 (DID), che precede M3.1" in report.problems[0].message


def test_m3_1_prima_della_did_e_un_errore_come_d1(tmp_path):
    rows = [riga(codice="M3.1", durata=45, programma="L.68")] + _intake("L.68", day=5)
    report = _check(tmp_path, rows)
    assert _rules(report) == [(2, "sequenza.ordine_invertito", "errore")]


def test_m6_3_senza_m6_1_per_una_persona_e_solo_l_avviso_prerequisito_assente(tmp_path):
    report = _check(tmp_path, [riga(codice="M6.3", durata=1500, programma="L.68")])
    assert _rules(report) == [(2, "sequenza.prerequisito_assente", "avviso")]
    assert "non risulta M6.1" in report.problems[0].message


def test_m6_4_senza_m6_1_per_una_persona_e_prerequisito_assente(tmp_path):
    report = _check(tmp_path, [riga(codice="M6.4", durata=600, programma="L.68")])
    assert _rules(report) == [(2, "sequenza.prerequisito_assente", "avviso")]


def test_m6_3_per_un_azienda_non_richiede_m6_1(tmp_path):
    assert _check(tmp_path, [riga(codice="M6.3", durata=1500, tipo="Azienda", cf=PIVA)]).problems == []


def test_m6_3_dopo_m6_1_della_persona_non_ha_problemi(tmp_path):
    rows = [riga(codice="M6.1", durata=240, programma="L.68"),
            riga(codice="M6.3", durata=1500, programma="L.68", data=_day(8))]
    assert _check(tmp_path, rows).problems == []


def test_rdc_su_m3_1_nel_2023_non_ha_problemi(tmp_path):
    rows = _intake("RdC", year=2023) + [riga(codice="M3.1", durata=45, programma="RdC", data=D(2023, 10, 2))]
    assert _check(tmp_path, rows, today=TODAY_2023).problems == []


def test_rdc_su_m3_1_nel_2024_e_programma_non_attivo(tmp_path):
    rows = _intake("L.68", year=2024) + [riga(codice="M3.1", durata=45, programma="RdC", data=D(2024, 10, 2))]
    assert _rules(_check(tmp_path, rows)) == [(5, "programma.non_attivo", "errore")]


def test_adr_su_g4_nel_2023_non_ha_problemi(tmp_path):
    report = _check(tmp_path, [riga(codice="G.4", durata=30, programma="AdR", data=D(2023, 10, 2))], today=TODAY_2023)
    assert report.problems == []


def test_g4_con_un_programma_diverso_da_rdc_e_adr_non_e_ammesso(tmp_path):
    report = _check(tmp_path, [riga(codice="G.4", durata=30, programma="GG", data=D(2023, 10, 2))], today=TODAY_2023)
    assert _rules(report) == [(2, "programma.non_ammesso", "errore")]
    assert "riservato a RdC, AdR" in report.problems[0].message


def test_m3_2_con_programma_gg_non_e_ammesso(tmp_path):
    rows = _intake("GG") + [riga(codice="M3.1", durata=45, programma="GG")]
    assert _rules(_check(tmp_path, rows)) == [(6, "programma.non_ammesso", "errore")]


@pytest.mark.parametrize("welcome, programme", [("A.1", None), ("A.2", "GG"), ("A.3", "RdC")])
def test_la_did_dopo_una_qualsiasi_accoglienza_non_e_un_prerequisito_assente(tmp_path, welcome, programme):
    today = TODAY_2023 if programme == "RdC" else TODAY_2026
    when = D(2023, 10, 2) if programme == "RdC" else _day(1)
    rows = [riga(codice=welcome, data=when, programma=programme),
            riga(codice="B.1", durata=25, data=when), riga(codice="B.2", durata=25, data=when)]
    assert _check(tmp_path, rows, today=today).problems == []


def test_la_did_senza_alcuna_accoglienza_nomina_le_tre_accoglienze(tmp_path):
    rows = [riga(codice="B.1", durata=25), riga(codice="B.2", durata=25)]
    report = _check(tmp_path, rows)
    assert _rules(report) == [(2, "sequenza.prerequisito_assente", "avviso")]
    assert ("non risulta A.1, A.2 o A.3 (Accoglienza e prima informazione, Adesione a GG o Accoglienza "
            "beneficiario RdC)") in report.problems[0].message


def test_la_did_prima_dell_accoglienza_gg_e_ordine_invertito_con_la_data_dell_accoglienza(tmp_path):
    rows = [riga(codice="B.1", durata=25), riga(codice="B.2", durata=25),
            riga(codice="A.2", programma="GG", data=_day(3))]
    report = _check(tmp_path, rows)
    assert _rules(report) == [(2, "sequenza.ordine_invertito", "avviso")]
    assert "solo il 03/10/2026" in report.problems[0].message


def test_le_nuove_regole_si_escludono_con_escludi(tmp_path):
    rows = [riga(), riga(codice="B.1", durata=25)]
    assert _check(tmp_path, rows, exclude=frozenset({"sequenza.passaggio_mancante"})).problems == []


# -- Across months: --storico and --archivio -------------------------------------------------------

def test_il_d1_nello_storico_rende_ripetuto_il_d1_del_mese(tmp_path):
    history = write_xlsx(tmp_path / "settembre.xlsx", _intake(month=9) + [riga(codice="D.1", durata=45, data=D(2026, 9, 1))])
    current = write_xlsx(tmp_path / "ottobre.xlsx", [riga(codice="D.1", durata=45, data=_day(6))])
    report = api.validate([current], history=[history], month="2026-10", today=TODAY_2026)
    assert _rules(report) == [(2, "sequenza.ripetuto", "avviso")]
    assert "ripete quello del 01/09/2026" in report.problems[0].message


def test_una_nuova_did_nel_mese_dopo_il_d1_dello_storico_non_e_ripetuto(tmp_path):
    history = write_xlsx(tmp_path / "settembre.xlsx", _intake(month=9) + [riga(codice="D.1", durata=45, data=D(2026, 9, 1))])
    current = write_xlsx(tmp_path / "ottobre.xlsx", _intake(day=6)[1:] + [riga(codice="D.1", durata=45, data=_day(6))])
    report = api.validate([current], history=[history], month="2026-10", today=TODAY_2026)
    assert report.problems == []


def test_la_did_e_il_d1_nello_storico_soddisfano_m3_1_e_d2_del_mese(tmp_path):
    history = write_xlsx(tmp_path / "settembre.xlsx", _intake(month=9) + [riga(codice="D.1", durata=45, data=D(2026, 9, 1))])
    current = write_xlsx(tmp_path / "ottobre.xlsx", [riga(codice="D.2", durata=45, data=_day(6)),
                                                     riga(codice="M3.1", durata=45, programma="L.68", data=_day(6))])
    report = api.validate([current], history=[history], month="2026-10", today=TODAY_2026)
    assert report.problems == []


def test_con_l_archivio_il_d1_archiviato_rende_ripetuto_il_d1_del_mese(tmp_path):
    september = write_xlsx(tmp_path / "settembre.xlsx", _intake(month=9) + [riga(codice="D.1", durata=45, data=D(2026, 9, 1))])
    api.archive_add([september], tmp_path / "archivio", month="2026-09", today=TODAY_2026)
    archive = api_open(tmp_path / "archivio")
    current = write_xlsx(tmp_path / "ottobre.xlsx", [riga(codice="D.1", durata=45, data=_day(6))])
    with_archive = api.validate([current], archive=archive, month="2026-10", today=TODAY_2026)
    with_files = api.validate([current], history=[september], month="2026-10", today=TODAY_2026)
    assert _rules(with_archive) == _rules(with_files) == [(2, "sequenza.ripetuto", "avviso")]


def test_con_l_archivio_la_did_archiviata_dopo_il_d1_non_rende_ripetuto(tmp_path):
    september = write_xlsx(tmp_path / "settembre.xlsx", _intake(month=9) + [riga(codice="D.1", durata=45, data=D(2026, 9, 1))]
                           + _intake(month=9, day=20)[1:])
    api.archive_add([september], tmp_path / "archivio", month="2026-09", today=TODAY_2026)
    current = write_xlsx(tmp_path / "ottobre.xlsx", [riga(codice="D.1", durata=45, data=_day(6))])
    report = api.validate([current], archive=api_open(tmp_path / "archivio"), month="2026-10", today=TODAY_2026)
    assert report.problems == []


def api_open(folder):
    import registro

    return registro.open_archive(folder, None)


# -- The catalogue states the procedures as data ---------------------------------------------------

def _raw():
    return read_yaml(str(DEFAULT_PATH), "catalogo", CatalogueError)


def _service(raw, code):
    return next(s for s in raw["servizi"] if s["codice"] == code)


@pytest.mark.parametrize("field, value, message", [
    ("accompagnato_da", [{"codice": "Z.9", "fonte": "x"}], "campo 'accompagnato_da': il codice 'Z.9' non esiste"),
    ("accompagnato_da", [{"codice": "B.2", "programmi": ["XYZ"], "fonte": "x"}], "programma 'XYZ' sconosciuto"),
    ("accompagnato_da", [{"codice": "B.2"}], "campo 'fonte': manca"),
    ("ripetizione", {"dopo": "A.1", "altrimenti": "F", "fonte": "x"}, "campo 'ripetizione.altrimenti': 'F' non è un servizio registrabile"),
    ("ripetizione", "B.1", "campo 'ripetizione': attesi i campi"),
    ("non_stesso_giorno", {"codice": "B.1", "fonte": "x"}, "campo 'non_stesso_giorno': 'B.1' non è un servizio registrabile diverso"),
])
def test_il_catalogo_con_una_procedura_sbagliata_nomina_voce_e_campo(field, value, message):
    raw = _raw()
    _service(raw, "B.1")[field] = value
    with pytest.raises(CatalogueError) as exc:
        parse_catalogue(raw, "catalogo.yaml")
    assert "voce 'B.1'" in str(exc.value) and message in str(exc.value)


def test_un_alternativa_di_prerequisito_sconosciuta_e_un_errore_del_catalogo():
    raw = _raw()
    _service(raw, "B.1")["prerequisiti"][0]["oppure"] = ["A.9"]
    with pytest.raises(CatalogueError, match="voce 'B.1', campo 'prerequisiti': il codice 'A.9' non esiste"):
        parse_catalogue(raw, "catalogo.yaml")


def test_le_procedure_del_catalogo_citano_la_frase_della_tabella():
    from registro.validators.catalogue import load_catalogue

    table = (DEFAULT_PATH.parents[3] / "docs" / "fonte" / "allegato2_tabella_attivita.txt").read_text(encoding="utf-8")
    flat = " ".join(table.split())
    cat = load_catalogue()
    sentences = [c.source for s in cat.registrable for c in s.companions]
    sentences += [s.repetition.source for s in cat.registrable if s.repetition]
    sentences += [s.not_same_day.source for s in cat.registrable if s.not_same_day]
    assert len(sentences) == 6
    for sentence in sentences:
        for piece in sentence.split("[...]"):
            assert " ".join(piece.split()).strip(" .") in flat, piece

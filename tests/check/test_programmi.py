"""Programmes after the regional table (GOL, SFL, ADI) and company rows, whose programme is implied by the service."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json

import pytest
import yaml
from click.testing import CliRunner

from registro.cli import main
from tests.support.registri import CF, MONTH, PIVA, TODAY, riga, write_xlsx
from registro import totals as totals_of
from tests.support.api import check, export, validate
from registro.validators.catalogue import DEFAULT_PATH, load_catalogue
from registro.validators.catalogue.load import parse_catalogue
from registro.validators.errors import CatalogueError

D = dt.date
CAT = load_catalogue()
NEW = ("GOL", "SFL", "ADI")
STARTS = {"GOL": D(2022, 1, 1), "SFL": D(2023, 9, 1), "ADI": D(2024, 1, 1)}
COMPANY_RESERVED = [s.code for s in CAT.registrable if s.target == "azienda" and s.programmes]


def _check(tmp_path, rows, **kwargs):
    path = write_xlsx(tmp_path / "registro.xlsx", rows)
    return validate([path], **{"month": MONTH, "today": TODAY, **kwargs})


def azienda(codice, programma=None, **kw):
    return riga(codice=codice, durata=45, tipo="Azienda", cf=PIVA, programma=programma, **kw)


# ---------------------------------------------------------------------------------------------
# The catalogue data


@pytest.mark.parametrize("code", NEW)
def test_gol_sfl_adi_sono_nel_catalogo_con_fonte_data_e_fuori_tabella(code):
    p = CAT.programme(code)
    assert p is not None and not p.from_table and p.source and p.valid_from == STARTS[code]
    assert p.valid_to is None and p.synonyms and p.target == "persona"


def test_la_fonte_nomina_la_norma():
    assert "5 novembre 2021" in CAT.programme("GOL").source
    assert "DL 48/2023" in CAT.programme("SFL").source and "DL 48/2023" in CAT.programme("ADI").source
    assert all(p.from_table for p in CAT.programmes if p.code not in NEW)


@pytest.mark.parametrize("code", NEW)
def test_i_nuovi_programmi_ammettono_ogni_codice_libero_e_nessun_codice_riservato(code):
    for s in CAT.registrable:
        assert s.allows_programme(code) == (s.programmes is None), s.code


def test_un_servizio_per_aziende_riservato_implica_il_suo_programma():
    assert COMPANY_RESERVED == ["S.1", "S.2", "S.3"]
    assert {CAT.services[c].implied_programme for c in COMPANY_RESERVED} == {"L.68"}
    assert CAT.services["P.1"].implied_programme is None


def _raw():
    with open(DEFAULT_PATH, encoding="utf-8") as f:
        return yaml.safe_load(f)


RAW = _raw()


def _programme(raw, code):
    return next(p for p in raw["programmi"] if p["codice"] == code)


@pytest.mark.parametrize("change, where, problem", [
    (lambda r: _programme(r, "GOL").pop("fonte"), "voce 'GOL', campo 'fonte'", "manca"),
    (lambda r: _programme(r, "ADI").update(da_tabella="no"), "voce 'ADI', campo 'da_tabella'", "true o false"),
    (lambda r: _programme(r, "SFL").pop("valido_dal"), "voce 'SFL', campo 'valido_dal'", "da_tabella: false"),
    (lambda r: _programme(r, "GG").update(destinatario="azienda"), "voce 'GG', campo 'destinatario'", "persona, entrambi"),
    (lambda r: _programme(r, "Ordinario").update(destinatario="persona"), "voce 'Ordinario', campo 'destinatario'",
     "anche per le aziende"),
    (lambda r: _programme(r, "L.68").update(destinatario="persona"), "voce 'M6.3', campo 'programmi'", "solo per le persone"),
    (lambda r: next(s for s in r["servizi"] if s["codice"] == "S.2").update(programmi=["L.68", "GOL"]),
     "voce 'S.2', campo 'programmi'", "un solo programma"),
    (lambda r: _programme(r, "SFL")["sinonimi"].append("Garanzia Giovani"), "voce 'SFL', campo 'sinonimi'", "GG"),
])
def test_i_nuovi_campi_dei_programmi_sono_verificati_in_italiano(change, where, problem):
    raw = copy.deepcopy(RAW)
    change(raw)
    with pytest.raises(CatalogueError) as e:
        parse_catalogue(raw, "catalogo.yaml")
    assert where in str(e.value) and problem in str(e.value), str(e.value)


def test_la_regione_puo_spostare_la_data_di_inizio_nel_catalogo(tmp_path):
    raw = copy.deepcopy(RAW)
    _programme(raw, "GOL")["valido_dal"] = "2022-06-01"
    path = tmp_path / "catalogo_marche.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    rows = [riga(codice="C.1", durata=90, programma="GOL", data=D(2022, 3, 1))]
    default = _check(tmp_path, rows, month=None)
    regional = _check(tmp_path, rows, month=None, catalogue=path)
    assert [p.rule for p in default.problems] == []
    assert [p.rule for p in regional.problems] == ["programma.non_attivo"]


def test_registro_catalogo_mostra_i_programmi_con_la_fonte():
    table = CliRunner().invoke(main, ["catalogo"], terminal_width=250).output
    assert "Programmi" in table and all(f"│ {code} " in table for code in NEW) and "DL 48/2023" in table
    data = json.loads(CliRunner().invoke(main, ["catalogo", "--formato", "json"]).output)
    programmes = {p["codice"]: p for p in data["programmi"]}
    assert {c: (programmes[c]["da_tabella"], programmes[c]["valido_dal"]) for c in NEW} == {
        c: (False, d.isoformat()) for c, d in STARTS.items()}
    assert "5 novembre 2021" in programmes["GOL"]["fonte"] and programmes["GG"]["servizi_riservati"][0] == "A.2"
    assert programmes["ADI"]["servizi_riservati"] == [] and programmes["GG"]["da_tabella"]


def test_la_scheda_di_s1_dice_il_programma_implicito_delle_aziende():
    out = " ".join(CliRunner().invoke(main, ["catalogo", "--codice", "S.1"], terminal_width=200).output.split())
    assert "Programma di un'azienda" in out and "L.68 anche con Programma vuoto" in out
    out = CliRunner().invoke(main, ["catalogo", "--codice", "P.1"], terminal_width=200).output
    assert "Programma di un'azienda" not in out


# ---------------------------------------------------------------------------------------------
# Persons in GOL, SFL, ADI


@pytest.mark.parametrize("code", NEW)
def test_una_persona_in_un_nuovo_programma_e_accettata_su_un_codice_libero(tmp_path, code):
    rows = [riga(codice="C.1", durata=90, programma=code), riga(codice="E.1", durata=120, programma=code, cf=CF["laura"])]
    assert _check(tmp_path, rows).problems == []


@pytest.mark.parametrize("code, synonym", [("GOL", "Programma GOL"), ("SFL", "supporto formazione lavoro"),
                                           ("ADI", "Assegno di inclusione")])
def test_i_sinonimi_dei_nuovi_programmi(tmp_path, code, synonym):
    checked = check([write_xlsx(tmp_path / "r.xlsx", [riga(codice="C.1", durata=90, programma=synonym)])],
                    month=MONTH, today=TODAY)
    assert checked.report.problems == [] and checked.table()["programma"].to_list() == [code]


@pytest.mark.parametrize("code", NEW)
def test_un_nuovo_programma_prima_del_suo_inizio_non_e_attivo(tmp_path, code):
    start = STARTS[code]
    before = _check(tmp_path, [riga(codice="C.1", durata=90, programma=code, data=start - dt.timedelta(days=1))], month=None)
    assert [p.rule for p in before.problems] == ["programma.non_attivo"]
    assert f"{start:%d/%m/%Y}" in before.problems[0].message
    assert _check(tmp_path, [riga(codice="C.1", durata=90, programma=code, data=start)], month=None).problems == []


@pytest.mark.parametrize("code", NEW)
def test_un_nuovo_programma_su_un_codice_riservato_non_e_ammesso(tmp_path, code):
    (p,) = _check(tmp_path, [riga(codice="E.3", durata=90, programma=code)]).problems
    assert p.rule == "programma.non_ammesso" and "riservato a GG" in p.message


# ---------------------------------------------------------------------------------------------
# Company rows


@pytest.mark.parametrize("code", ["S.1", "S.2", "S.3"])
@pytest.mark.parametrize("programme", [None, "Ordinario", "ord", "L.68"])
def test_azienda_con_programma_vuoto_o_ordinario_su_s_e_accettata_come_l68(tmp_path, code, programme):
    checked = check([write_xlsx(tmp_path / "r.xlsx", [azienda(code, programme)])], month=MONTH, today=TODAY)
    assert checked.report.problems == []
    assert checked.table()["programma"].to_list() == ["L.68"]


def test_azienda_con_programma_vuoto_e_accettata_su_ogni_servizio_per_aziende(tmp_path):
    company = [s for s in CAT.registrable if s.target in ("azienda", "entrambi")]
    rows = [riga(codice=s.code, durata=s.duration.average or s.duration.minimum, tipo="Azienda", cf=PIVA,
                 data=D(2026, 10, 1 + i)) for i, s in enumerate(company)]
    assert _check(tmp_path, rows).problems == []


@pytest.mark.parametrize("programme", ["GG", "RdC", "AdR", "GOL", "SFL", "ADI"])
@pytest.mark.parametrize("code", ["S.1", "P.1", "K.3"])
def test_il_programma_di_una_persona_su_una_riga_di_azienda_non_e_ammesso(tmp_path, programme, code):
    day = D(2023, 10, 2) if programme == "RdC" else D(2026, 10, 1)
    row = azienda(code, programme, data=day) | {"Durata (min)": CAT.services[code].duration.average}
    (p,) = _check(tmp_path, [row], month=None).problems
    assert p.rule == "programma.non_ammesso" and p.row == 2
    assert programme in p.message
    if code == "S.1":
        assert "riservato a L.68" in p.message
    else:
        assert "programma delle persone" in p.message


def test_la_stessa_persona_in_gg_su_k3_e_accettata(tmp_path):
    assert _check(tmp_path, [riga(codice="K.3", durata=900, programma="GG")]).problems == []


def test_una_persona_su_s1_resta_un_errore_di_destinatario(tmp_path):
    rules = [p.rule for p in _check(tmp_path, [riga(codice="S.1", durata=45)]).problems]
    assert "utente.destinatario_errato" in rules


def test_l68_implicito_nei_totali_e_nell_export(tmp_path):
    rows = [azienda("S.1"), azienda("S.2", "Ordinario", data=D(2026, 10, 2)),
            azienda("P.1", data=D(2026, 10, 3)) | {"Durata (min)": 60}]
    path = write_xlsx(tmp_path / "r.xlsx", rows)
    checked = check([path], month=MONTH, today=TODAY)
    assert checked.report.problems == []
    totals = totals_of(checked)
    assert (totals.rows_counted, totals.rows_excluded) == (3, 0)
    result = export([path], tmp_path / "ja.csv", month=MONTH, today=TODAY)
    exported = list(csv.DictReader(io.StringIO((tmp_path / "ja.csv").read_text(encoding="utf-8-sig")), delimiter=";"))
    assert [r["programma"] for r in exported] == ["L.68", "L.68", "Ordinario"]
    assert (result.exported, result.rejected) == (3, 0)


def test_i_servizi_riservati_si_leggono_come_intervalli_della_tabella():
    from registro.validators.catalogue.view import reserved_runs

    assert reserved_runs(CAT, "L.68") == "M1.1–M5.2, M5.5–M6.4, S.1–S.3"
    assert reserved_runs(CAT, "GG") == "A.2, B.3, E.3, F1.3–F1.4, M5.3–M5.4"
    assert [reserved_runs(CAT, code) for code in NEW] == ["", "", ""]

"""The catalogue data file is faithful to the regional table and its loader rejects broken files."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from registro.cli import main
from registro.validators.catalogue import DEFAULT_PATH, load_catalogue
from registro.validators.errors import CatalogueError

SOURCE = Path(__file__).parents[2] / "docs" / "fonte" / "allegato2_tabella_attivita.txt"
CODE = re.compile(r"^[A-S](\d+)?(\.\d+)?$")


def _table_rows():
    """(code, printed name, printed integers) for every coded row of the source text."""
    rows = []
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        f = line.split("\t")
        # F2.1 sits in column 8 (after the "F2" group line), F2.2-F2.4 in column 1.
        for pos in (7, 2, 0):
            if pos + 1 < len(f) and CODE.match(f[pos].strip()) and (pos != 0 or not f[2].strip()):
                name = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", f[pos + 1])).strip()
                numbers = [int(x) for x in f if x.strip().isdigit()]
                rows.append((f[pos].strip(), name, numbers))
                break
    return rows


TABLE = _table_rows()
REGISTRABLE_CODES = [c for c, _, _ in TABLE if c not in ("F", "M")]


def test_il_catalogo_ha_102_codici_registrabili_e_le_voci_f_m_n(cat):
    assert len(cat.registrable) == 102
    assert len(REGISTRABLE_CODES) == 102
    assert [s.code for s in cat.registrable] == REGISTRABLE_CODES
    for code in ("F", "M", "N"):
        assert not cat.services[code].registrable
        assert cat.services[code].not_registrable_reason


def test_ogni_codice_della_tabella_ha_il_nome_stampato(cat):
    for code, name, _ in TABLE:
        if code in ("F", "M"):
            continue
        assert cat.services[code].name == name, code


def test_ogni_durata_stampata_coincide_con_la_tabella(cat):
    checked = 0
    for code, _, numbers in TABLE:
        if len(numbers) == 3:
            d = cat.services[code].duration
            assert (d.minimum, d.average, d.maximum) == tuple(numbers), code
            assert d.provenance == "tabella", code
            checked += 1
    assert checked == 102 - len(BLANK) - 5  # minus G.4, O.2 (incomplete) and F2.1-F2.3 (none)


@pytest.mark.parametrize(
    "code, expected",
    [("A.1", (10, 15, 20)), ("E.2", (120, 240, 480)), ("K.3", (540, 1500, 2160)),
     ("M6.4", (240, 600, 960)), ("P.1", (30, 75, 120)), ("F1.1", (60, 120, 180)), ("G.3", (120, 240, 360))],
)
def test_le_durate_del_catalogo_sono_quelle_della_tabella_regionale(cat, code, expected):
    d = cat.services[code].duration
    assert (d.minimum, d.average, d.maximum) == expected


def _expand(spec: str) -> list[str]:
    out = []
    for part in spec.split(","):
        part = part.strip()
        if "–" in part:
            start, end = part.split("–")
            prefix, a = start.rsplit(".", 1)
            b = end.rsplit(".", 1)[1]
            out += [f"{prefix}.{i}" for i in range(int(a), int(b) + 1)]
        else:
            out.append(part)
    return out


# The list of blank-duration rows given by the seed's README.
BLANK = _expand(
    "B.2–B.4, C.2, D.2, F1.4–F1.9, F1.11–F1.16, H.2–H.8, I.2–I.3, M2.2, M3.2–M3.3, M4.2–M4.3, "
    "M5.2–M5.9, M5.11–M5.16, P.2, Q.2, R.2–R.3, S.2–S.3"
)


def test_le_durate_non_stampate_sono_marcate_con_la_loro_origine(cat):
    for code in BLANK:
        d = cat.services[code].duration
        assert d.provenance == "ereditata", code
        assert d.inherited_from in cat.services and d.note, code
    assert cat.services["G.4"].duration.provenance == "incompleta"
    assert cat.services["G.4"].duration.maximum is None
    assert cat.services["O.2"].duration.provenance == "incompleta"
    for code in ("F2.1", "F2.2", "F2.3"):
        d = cat.services[code].duration
        assert d.provenance == "assente" and d.average is None


def test_le_restrizioni_di_programma_seguono_la_tabella(cat):
    restricted = {s.code: s.programmes for s in cat.registrable if s.programmes}
    gg = {c for c, p in restricted.items() if p == ("GG",)}
    assert gg == {"A.2", "B.3", "E.3", "F1.3", "F1.4", "M5.3", "M5.4"}
    assert {c for c, p in restricted.items() if p == ("RdC",)} == {"A.3", "B.4", "L2"}
    assert {c for c, p in restricted.items() if p == ("AdR",)} == {"G.1", "G.2", "G.3"}
    # G.4: "assegnazione di AdR per beneficiari del RdC"; M3.1-M3.3: "in caso di utenti RdC ... PpL".
    assert restricted["G.4"] == ("RdC", "AdR")
    assert {c for c, p in restricted.items() if p == ("L.68", "RdC")} == {"M3.1", "M3.2", "M3.3"}
    l68 = {c for c, p in restricted.items() if p == ("L.68",)}
    m_codes = {s.code for s in cat.registrable if s.lep == "M"} - {"M5.3", "M5.4", "M3.1", "M3.2", "M3.3"}
    assert l68 == m_codes | {"S.1", "S.2", "S.3"}
    assert all(cat.services[c].programmes_source for c in restricted)


def test_i_servizi_p_q_r_s_sono_per_le_aziende_k3_e_m63_per_entrambi(cat):
    for s in cat.registrable:
        if s.lep in "PQRS":
            assert s.target == "azienda", s.code
        elif s.code in ("K.3", "M6.3"):
            assert s.target == "entrambi" and s.target_note
        else:
            assert s.target == "persona", s.code


def test_o2_e_automatica_da_f1_15_e_le_attivita_sap(cat):
    assert cat.services["O.2"].automatic_from == "F1.15"
    assert cat.services["F1.15"].name == "Laboratori: Autoimprenditorialità"
    assert cat.services["A.3"].sap[0]["attivita"] == "A05"
    assert cat.services["B.4"].sap[0]["attivita"] == "RC1"
    assert cat.services["D.1"].sap[0] == {
        "programma": "RdC", "progetto": "08 - Reddito di Cittadinanza", "attivita": "A02",
        "descrizione": "patto di attivazione ed eventuale profiling",
    }
    assert cat.services["G.4"].sap[0] == {"sezione": "6", "politica_nome": "AdRdC", "attivita": "R01", "politica": "09", "evento": "01"}


def test_i_prerequisiti_del_catalogo_sono_quelli_della_tabella_regionale(cat):
    pairs = {(s.code, " o ".join(p.codes), p.severity, p.target) for s in cat.registrable for p in s.prerequisites}
    expected = {
        ("B.1", "A.1 o A.2 o A.3", "avviso", None), ("B.3", "B.1", "errore", None), ("B.4", "A.3", "errore", None),
        ("D.1", "B.1", "errore", None), ("D.2", "D.1", "errore", None), ("E.6", "E.5", "errore", None),
        ("F3.2", "F3.1", "errore", None), ("G.2", "G.1", "errore", None), ("G.3", "G.1", "errore", None),
        ("M1.2", "B.1", "errore", None), ("M3.1", "B.1", "errore", None), ("M3.2", "M3.1", "errore", None),
        ("M3.3", "M3.1", "errore", None), ("M6.2", "M6.1", "errore", None),
        ("M6.3", "M6.1", "errore", "persona"), ("M6.4", "M6.1", "errore", "persona"),
    }
    assert pairs == expected


def test_le_procedure_del_catalogo_sono_quelle_della_tabella_regionale(cat):
    companions = {(s.code, c.code, c.programmes) for s in cat.registrable for c in s.companions}
    assert companions == {("B.1", "B.2", None), ("B.1", "B.3", ("GG",))}
    repeated = {(s.code, s.repetition.after, s.repetition.instead) for s in cat.registrable if s.repetition}
    assert repeated == {("D.1", "B.1", "D.2"), ("M3.1", "B.1", "M3.2")}
    same_day = {(s.code, s.not_same_day.code) for s in cat.registrable if s.not_same_day}
    assert same_day == {("D.2", "D.1"), ("M3.3", "M3.1")}


def test_ogni_servizio_ha_il_testo_della_procedura_regionale_o_lo_eredita(cat):
    missing = [s.code for s in cat.registrable if not cat.procedure_text(s)]
    # F2 has no "Procedure Regione Marche" text in the extraction.
    assert missing == ["F2.1", "F2.2", "F2.3", "F2.4"]


# ------------------------------------------------------------------------------------------------
# Broken catalogue files


def _raw():
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def _write(tmp_path, raw) -> Path:
    path = tmp_path / "catalogo.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _service(raw, code):
    return next(s for s in raw["servizi"] if s["codice"] == code)


def _broken(mutate):
    raw = copy.deepcopy(_raw())
    mutate(raw)
    return raw


BROKEN = {
    "minimo_maggiore_del_medio": (
        lambda r: _service(r, "A.1")["durata"].update(minimo=30), "voce 'A.1', campo 'durata'", "minimo <= medio <= massimo"),
    "programma_sconosciuto": (
        lambda r: _service(r, "A.2").update(programmi=["PON-X"]), "voce 'A.2', campo 'programmi'", "programma 'PON-X' sconosciuto"),
    "prerequisito_inesistente": (
        lambda r: _service(r, "D.2")["prerequisiti"][0].update(codice="D.9"), "voce 'D.2', campo 'prerequisiti'", "'D.9' non esiste"),
    "codice_duplicato": (
        lambda r: r["servizi"].append(copy.deepcopy(_service(r, "A.1"))), "voce 'A.1', campo 'codice'", "duplicato"),
    "data_non_valida": (
        lambda r: r.update(valido_dal="2019-02-30"), "campo 'valido_dal'", "non è una data valida"),
    "periodo_invertito": (
        lambda r: r["programmi"][2].update(valido_dal="2024-01-01", valido_al="2023-12-31"), "voce 'RdC', campo 'valido_al'", "precede"),
    "destinatario_sconosciuto": (
        lambda r: _service(r, "P.1").update(destinatario="impresa"), "voce 'P.1', campo 'destinatario'", "'impresa'"),
    "ereditata_senza_origine": (
        lambda r: _service(r, "B.2")["durata"].pop("ereditata_da"), "voce 'B.2', campo 'durata.ereditata_da'", "obbligatorio"),
    "minuti_non_interi": (
        lambda r: _service(r, "C.1")["durata"].update(medio="novanta"), "voce 'C.1', campo 'durata.medio'", "numero intero"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_un_catalogo_rotto_da_un_errore_in_italiano_che_nomina_voce_e_campo(tmp_path, case):
    mutate, where, what = BROKEN[case]
    path = _write(tmp_path, _broken(mutate))
    with pytest.raises(CatalogueError) as err:
        load_catalogue(path)
    assert where in str(err.value) and what in str(err.value)


def test_un_catalogo_yaml_illeggibile_indica_la_riga(tmp_path):
    path = tmp_path / "rotto.yaml"
    path.write_text("versione: [1\nservizi: :\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="YAML non valido alla riga"):
        load_catalogue(path)


def test_un_nuovo_programma_si_aggiunge_modificando_solo_i_dati(tmp_path):
    def add_programme(raw):
        raw["programmi"].append({"codice": "PON-X", "nome": "Programma regionale di esempio", "valido_dal": "2025-01-01",
                                 "da_tabella": False, "fonte": "Delibera regionale di esempio"})
        _service(raw, "C.2")["programmi"] = ["PON-X", "Ordinario"]
        _service(raw, "C.2")["fonte_programmi"] = "Delibera regionale di esempio"

    cat = load_catalogue(_write(tmp_path, _broken(add_programme)))
    assert cat.programme("PON-X").valid_from.year == 2025 and not cat.programme("PON-X").from_table
    assert cat.programme("PON-X").for_companies  # destinatario omitted: persons and companies
    assert cat.services["C.2"].allows_programme("PON-X")
    assert not cat.services["C.2"].allows_programme("GG")


# ------------------------------------------------------------------------------------------------
# registro catalogo


def test_registro_catalogo_mostra_i_102_codici_e_marca_le_durate_non_stampate():
    result = CliRunner().invoke(main, ["catalogo"], terminal_width=200)
    assert result.exit_code == 0
    assert "102 servizi registrabili" in result.output
    assert "ereditata da B.1" in result.output and "incompleta" in result.output and "assente" in result.output


def test_registro_catalogo_codice_mostra_la_scheda_completa():
    result = CliRunner().invoke(main, ["catalogo", "--codice", " d.2 "], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "D.1 prima di D.2" in result.output and "ereditata da D.1" in result.output


def test_registro_catalogo_codice_sconosciuto_suggerisce():
    result = CliRunner().invoke(main, ["catalogo", "--codice", "F1.09"])
    assert result.exit_code == 2
    assert "Forse si intendeva F1.9" in result.output
    assert "Traceback" not in result.output


def test_registro_catalogo_stampa_csv_e_json_per_altri_programmi():
    out = CliRunner().invoke(main, ["catalogo", "--formato", "csv"]).output
    rows = list(csv.DictReader(io.StringIO(out), delimiter=";"))
    assert len(rows) == 102 and rows[0]["codice"] == "A.1" and rows[0]["minuti_medio"] == "15"
    data = json.loads(CliRunner().invoke(main, ["catalogo", "--formato", "json", "--tutti"]).output)
    assert len(data["servizi"]) == 105
    one = json.loads(CliRunner().invoke(main, ["catalogo", "--codice", "O.2", "--formato", "json"]).output)
    assert one["automatica_da"] == "F1.15" and one["provenienza_durata"] == "incompleta"


def test_registro_catalogo_verifica_accetta_un_catalogo_valido_e_rifiuta_uno_rotto(tmp_path):
    ok = CliRunner().invoke(main, ["catalogo", "--verifica", str(DEFAULT_PATH)])
    assert ok.exit_code == 0 and "Catalogo valido" in ok.output and "102 servizi registrabili" in ok.output
    bad = _write(tmp_path, _broken(BROKEN["minimo_maggiore_del_medio"][0]))
    result = CliRunner().invoke(main, ["catalogo", "--verifica", str(bad)])
    assert result.exit_code == 2
    assert "voce 'A.1', campo 'durata'" in result.output

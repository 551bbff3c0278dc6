"""registro esporta: the clean file for JA, the rejects and the balance of rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
import zipfile
from pathlib import Path

import polars as pl
import pytest
from openpyxl import load_workbook

from tests.support.registri import run_from_root
from registro.validators.export import plan as export_module
from registro import export as export_of
from tests.support.api import check, export
from registro.validators.errors import BalanceError, ProfileError
from registro.validators.export.profile import DEFAULT_PATH, FIELDS, load_profile

ROOT = Path(__file__).parents[2]
EXAMPLE = ["esempi/registro_esempio.csv"]
EXAMPLE_OPTIONS = ["--storico", "esempi/storico_settembre.csv", "--mese", "2026-10", "--oggi", "2026-11-01"]
TODAY = dt.date(2026, 11, 1)


run = run_from_root


def read_csv(path: Path, delimiter=";", encoding="utf-8-sig") -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode(encoding)), delimiter=delimiter))


def read_rejects(path: Path) -> list[dict]:
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def flat(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------------
# Nothing lost


def test_mese_generato_esportate_piu_scartate_uguale_righe_lette(month, tmp_path):
    folder, rows = month
    result = export([folder], tmp_path / "ja.csv", rejects=tmp_path / "scarti.xlsx", month="2026-10", today=TODAY)
    exported = read_csv(tmp_path / "ja.csv")
    rejected = read_rejects(tmp_path / "scarti.xlsx")
    assert result.rows_read == len(rows)
    assert len(exported) == result.exported == sum(1 for r in rows if r.bad is None)
    assert len(rejected) == result.rejected == sum(1 for r in rows if r.bad)
    assert len(exported) + len(rejected) == len(rows) and result.balanced
    # Every generated bad row is in the rejects with its file (named from the folder given), row and reason.
    expected = {(Path(r.file).relative_to(folder).as_posix(), r.row): r.bad for r in rows if r.bad}
    assert {(x["File"], x["Riga"]): x["Regole (codici)"] for x in rejected} == expected
    assert all(x["Errori"].startswith(f"Riga {x['Riga']}, ") for x in rejected)
    # Every good row is exported exactly once (codice fiscale, date, code identify them here).
    good = sorted((r.cf, r.date.strftime("%d/%m/%Y"), r.code) for r in rows if r.bad is None)
    assert sorted((x["codice_fiscale"], x["data_servizio"], x["codice_servizio"]) for x in exported) == good


def test_mese_generato_aziende_su_s_con_programma_vuoto_e_persone_in_gol_sfl_adi_esportate(month, tmp_path):
    folder, rows = month
    from registro.validators.catalogue import load_catalogue

    cat = load_catalogue()
    good = [r for r in rows if r.bad is None]
    reserved = [r for r in good if r.user_type == "Azienda" and cat.services[r.code].implied_programme]
    assert reserved and {r.code for r in reserved} <= {"S.1", "S.2", "S.3"} and all(r.programme is None for r in reserved)
    assert {r.programme for r in good if r.user_type == "Persona"} == {None, "GOL", "SFL", "ADI"}
    export([folder], tmp_path / "ja.csv", month="2026-10", today=TODAY)
    by_row = {(x["codice_fiscale"], x["data_servizio"], x["codice_servizio"]): x["programma"]
              for x in read_csv(tmp_path / "ja.csv")}
    expected = {(r.cf, r.date.strftime("%d/%m/%Y"), r.code):
                r.programme or cat.services[r.code].implied_programme or cat.default_programme.code for r in good}
    assert by_row == expected


def test_esempio_incluso_stampa_il_bilancio_ed_esce_con_zero(tmp_path):
    res = run("esporta", *EXAMPLE, *EXAMPLE_OPTIONS, "-o", tmp_path / "ja.csv", "--scarti", tmp_path / "scarti.xlsx")
    assert res.exit_code == 0, res.output
    assert "33 righe lette = 18 esportate + 15 scartate" in res.output
    assert "15 righe scartate perché con errori" in flat(res.output)
    assert len(read_csv(tmp_path / "ja.csv")) == 18
    rejected = read_rejects(tmp_path / "scarti.xlsx")
    assert len(rejected) == 15
    assert rejected[0]["File"] == "esempi/registro_esempio.csv" and rejected[0]["Riga"] == 12
    assert "campo obbligatorio" in rejected[0]["Errori"]


def test_le_righe_con_soli_avvisi_sono_esportate(tmp_path):
    checked = check([ROOT / EXAMPLE[0]], history=[ROOT / "esempi/storico_settembre.csv"], month="2026-10",
                    today=TODAY)
    warned_only = {(p.file, p.row) for p in checked.report.problems if p.severity == "avviso"} - \
        checked.report.rows_with_errors()
    assert len(warned_only) == 8
    result = export_of(checked, tmp_path / "ja.csv", profile=None)
    assert result.exported == 33 - len(checked.report.rows_with_errors())
    durations = [r["durata_minuti"] for r in read_csv(tmp_path / "ja.csv")]
    assert "300" in durations  # D.2 of 300 minutes: only an avviso (durata.fuori_intervallo)


def test_senza_scarti_indicati_gli_scarti_vanno_accanto_al_file_per_ja(tmp_path):
    res = run("esporta", *EXAMPLE, *EXAMPLE_OPTIONS, "-o", tmp_path / "ja.csv")
    assert res.exit_code == 0, res.output
    assert len(read_rejects(tmp_path / "ja_scarti.xlsx")) == 15


def test_se_i_conti_non_tornano_non_scrive_nulla_ed_esce_con_due(tmp_path, monkeypatch):
    real = export_module.rejected_rows
    monkeypatch.setattr(export_module, "rejected_rows", lambda frame, report: real(frame, report)[1:])
    res = run("esporta", *EXAMPLE, *EXAMPLE_OPTIONS, "-o", tmp_path / "ja.csv")
    assert res.exit_code == 2
    assert "i conti non tornano: 33 righe lette, 18 esportate + 14 scartate" in flat(res.output)
    assert "registro_esempio.csv riga 12" in flat(res.output)
    assert not (tmp_path / "ja.csv").exists() and not (tmp_path / "ja_scarti.xlsx").exists()


def test_una_riga_contata_due_volte_non_fa_tornare_i_conti(tmp_path):
    checked = check([ROOT / EXAMPLE[0]], month="2026-10", today=TODAY)
    _, identities = export_module.records(checked.clean(), load_profile())
    rejected = export_module.rejected_rows(checked.rejected_cells(), checked.report)
    with pytest.raises(BalanceError):
        twice = pl.concat([identities.head(identities.height - 1), identities.head(1)])
        export_module.check_balance(checked.table(), twice, rejected)


def test_il_bilancio_confronta_file_e_riga_insieme_con_le_ripetizioni():
    def table(*rows):
        return pl.DataFrame(list(rows), schema={"file": pl.String, "riga": pl.Int64}, orient="row")

    same = export_module._same_rows
    assert same(table(("a.xlsx", 2), ("b.xlsx", 2), ("a.xlsx", 3)), table(("a.xlsx", 3), ("a.xlsx", 2), ("b.xlsx", 2)))
    assert not same(table(("a.xlsx", 2), ("b.xlsx", 3)), table(("a.xlsx", 3), ("b.xlsx", 2)))  # rows of other files
    assert not same(table(("a.xlsx", 2), ("a.xlsx", 3)), table(("a.xlsx", 2), ("a.xlsx", 2)))  # one row twice
    assert same(table(), table())


def test_file_inutilizzabile_esce_con_due_e_esporta_gli_altri(tmp_path):
    broken = tmp_path / "rotto.xlsx"
    broken.write_bytes(b"PK\x03\x04 non un vero xlsx")
    res = run("esporta", ROOT / EXAMPLE[0], broken, "--oggi", "2026-11-01", "-o", tmp_path / "ja.csv")
    assert res.exit_code == 2
    text = flat(res.output)
    assert text.startswith(f"file.illeggibile: File '{broken}'") and "Risultati senza i file inutilizzabili" in text
    assert (tmp_path / "ja.csv").exists()


def test_l_api_rifiuta_di_esportare_un_insieme_parziale_se_non_richiesto(tmp_path):
    import registro

    broken = tmp_path / "rotto.xlsx"
    broken.write_bytes(b"PK\x03\x04 non un vero xlsx")
    checked = registro.check([ROOT / EXAMPLE[0], broken])
    with pytest.raises(registro.FileProblem, match="Nessun risultato prodotto"):
        registro.export(checked, tmp_path / "ja.csv")
    assert not (tmp_path / "ja.csv").exists()


# ---------------------------------------------------------------------------------------------
# Normalised values and order


def test_valori_normalizzati_nel_file_per_ja(tmp_path):
    reg = tmp_path / "r.csv"
    reg.write_text(
        "Data;Sede;Operatore;Tipo utente;Codice fiscale;Programma;Codice servizio;Durata (min);Modalità\n"
        "2026-10-01; Ancona ;Maria   Rossi;persona;rss mra 80a01 h501u;garanzia giovani;a.2 - Accoglienza GG;;online\n",
        encoding="utf-8")
    result = export([reg], tmp_path / "ja.csv", today=TODAY)
    assert result.exported == 1, read_rejects(tmp_path / "ja_scarti.xlsx")
    [row] = read_csv(tmp_path / "ja.csv")
    assert row == {"codice_fiscale": "RSSMRA80A01H501U", "tipo_utente": "Persona", "data_servizio": "01/10/2026",
                   "codice_servizio": "A.2", "programma": "GG", "modalita_erogazione": "A distanza",
                   "durata_minuti": "", "sede": "Ancona", "operatore": "Maria Rossi"}


def test_partita_iva_con_prefisso_it_esportata_in_11_cifre(tmp_path):
    reg = tmp_path / "r.csv"
    reg.write_text(
        "Data;Sede;Operatore;Tipo utente;Codice fiscale;Programma;Codice servizio;Durata (min);Modalità\n"
        "2026-10-01;Ancona;Maria Rossi;Azienda;IT 00743110157;;P.1;;In presenza\n"
        "2026-10-02;Ancona;Maria Rossi;Azienda;it-00743110157;;P.1;;In presenza\n"
        "2026-10-03;Ancona;Maria Rossi;Azienda;\uff29\uff34\uff1a００７４３１１０１５７;;P.1;;In presenza\n",
        encoding="utf-8")
    result = export([reg], tmp_path / "ja.csv", today=TODAY)
    assert result.exported == 3, read_rejects(tmp_path / "ja_scarti.xlsx")
    assert [row["codice_fiscale"] for row in read_csv(tmp_path / "ja.csv")] == ["00743110157"] * 3


def test_ordine_deterministico_per_sede_data_operatore_cf_codice(month, tmp_path):
    folder, _ = month
    export([folder], tmp_path / "ja.csv", month="2026-10", today=TODAY)
    rows = read_csv(tmp_path / "ja.csv")

    def key(r):
        return (r["sede"], dt.datetime.strptime(r["data_servizio"], "%d/%m/%Y"), r["operatore"].casefold(),
                r["codice_fiscale"], r["codice_servizio"])

    assert [key(r) for r in rows] == sorted(key(r) for r in rows)
    assert [r["sede"] for r in rows][0] == "Ancona" and [r["sede"] for r in rows][-1] == "Jesi"


def test_esportazione_ripetuta_da_file_identici_byte_per_byte(month, tmp_path):
    folder, _ = month
    for n in (1, 2):
        export([folder], tmp_path / f"ja{n}.csv", rejects=tmp_path / f"s{n}.xlsx", month="2026-10", today=TODAY)
        export([folder], tmp_path / f"ja{n}.xlsx", rejects=tmp_path / f"s{n}.csv", month="2026-10", today=TODAY)
    for a, b in (("ja1.csv", "ja2.csv"), ("s1.xlsx", "s2.xlsx"), ("ja1.xlsx", "ja2.xlsx"), ("s1.csv", "s2.csv")):
        assert (tmp_path / a).read_bytes() == (tmp_path / b).read_bytes(), a


def test_csv_per_ja_con_punto_e_virgola_e_bom(tmp_path):
    export([ROOT / EXAMPLE[0]], tmp_path / "ja.csv", month="2026-10", today=TODAY)
    raw = (tmp_path / "ja.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfcodice_fiscale;tipo_utente;data_servizio;")
    assert b"\r\n" in raw


def test_xlsx_per_ja_ha_intestazioni_e_valori_del_profilo(tmp_path):
    export([ROOT / EXAMPLE[0]], tmp_path / "ja.xlsx", month="2026-10", today=TODAY)
    wb = load_workbook(tmp_path / "ja.xlsx")
    assert wb.sheetnames == ["JA"]
    rows = list(wb["JA"].iter_rows(values_only=True))
    assert list(rows[0]) == load_profile().headers
    assert rows[1][2] == "01/10/2026"


# ---------------------------------------------------------------------------------------------
# Safety


def test_valori_che_sembrano_formule_sono_neutralizzati(tmp_path):
    reg = tmp_path / "r.csv"
    reg.write_text(
        "Data;Sede;Operatore;Tipo utente;Codice fiscale;Codice servizio;Durata (min);Modalità;Note\n"
        "01/10/2026;+Ancona;=HYPERLINK(\"http://x\");Persona;RSSMRA80A01H501U;A.1;15;In presenza;-2+3\n"
        "01/10/2026;@Jesi;\tTab;Persona;RSSMRA80A01H501U;Z.1;15;In presenza;=1+1\n",
        encoding="utf-8")
    profile = tmp_path / "p.yaml"
    profile.write_text(DEFAULT_PATH.read_text(encoding="utf-8") + "  - campo: note\n    intestazione: note\n",
                       encoding="utf-8")
    export([reg], tmp_path / "ja.csv", rejects=tmp_path / "s.xlsx", profile=profile, today=TODAY)
    [row] = read_csv(tmp_path / "ja.csv")
    assert (row["sede"], row["operatore"], row["note"]) == ("'+Ancona", "'=HYPERLINK(\"http://x\")", "'-2+3")
    [rejected] = read_rejects(tmp_path / "s.xlsx")
    assert (rejected["Sede"], rejected["Note"]) == ("'@Jesi", "'=1+1")
    export([reg], tmp_path / "ja.xlsx", rejects=tmp_path / "s.csv", profile=profile, today=TODAY)
    values = [v for r in load_workbook(tmp_path / "ja.xlsx").active.iter_rows(values_only=True) for v in r]
    assert "'+Ancona" in values and "'-2+3" in values
    assert not any(isinstance(v, str) and v.startswith(("=", "+", "-", "@")) for v in values)


@pytest.mark.parametrize("option", ["-o", "--scarti"])
def test_non_scrive_mai_sopra_un_file_di_ingresso(tmp_path, option):
    reg = tmp_path / "registro.csv"
    shutil.copy(ROOT / EXAMPLE[0], reg)
    before = reg.read_bytes()
    args = ["-o", reg] if option == "-o" else ["-o", tmp_path / "ja.csv", "--scarti", reg]
    res = run("esporta", reg, "--oggi", "2026-11-01", *args)
    assert res.exit_code == 2 and "coincide con un file di ingresso" in flat(res.output)
    assert reg.read_bytes() == before
    assert not (tmp_path / "ja.csv").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["registro.csv"]  # no temporary file left behind


def test_file_per_ja_e_scarti_devono_essere_diversi(tmp_path):
    res = run("esporta", *EXAMPLE, *EXAMPLE_OPTIONS, "-o", tmp_path / "x.xlsx", "--scarti", tmp_path / "x.xlsx")
    assert res.exit_code == 2 and "devono essere diversi" in res.output


def test_scrittura_atomica_un_errore_lascia_intatto_il_file_precedente(tmp_path, monkeypatch):
    target = tmp_path / "ja.csv"
    target.write_bytes(b"versione precedente")

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export_module, "_write_rows_xlsx", broken)
    res = run("esporta", *EXAMPLE, *EXAMPLE_OPTIONS, "-o", target)
    assert res.exit_code == 2
    assert target.read_bytes() == b"versione precedente"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ja.csv"]


def test_formato_del_file_per_ja_non_supportato(tmp_path):
    res = run("esporta", *EXAMPLE, *EXAMPLE_OPTIONS, "-o", tmp_path / "ja.txt")
    assert res.exit_code == 2 and "usare .csv o .xlsx" in res.output


# ---------------------------------------------------------------------------------------------
# Profile


def test_profilo_predefinito_e_valido_e_usa_solo_campi_noti():
    profile = load_profile()
    assert profile.date_format == "%d/%m/%Y" and profile.delimiter == ";" and profile.encoding == "utf-8-sig"
    assert all(c.field in FIELDS for c in profile.columns)


def test_profilo_rinomina_riordina_toglie_colonne_e_cambia_formati(tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text(
        "nome: Prova\nformato_data: '%Y-%m-%d'\nseparatore: ','\ncodifica: cp1252\nfine_riga: lf\n"
        "colonne:\n"
        "  - {campo: data, intestazione: Data}\n"
        "  - {campo: codice_fiscale, intestazione: CF}\n"
        "  - {campo: modalita, intestazione: Modalità, valori: {In presenza: P, A distanza: D}}\n"
        "  - {campo: codice_servizio, intestazione: Servizio}\n",
        encoding="utf-8")
    res = run("esporta", *EXAMPLE, *EXAMPLE_OPTIONS, "-o", tmp_path / "ja.csv", "--profilo", profile)
    assert res.exit_code == 0, res.output
    raw = (tmp_path / "ja.csv").read_bytes()
    assert raw.startswith("Data,CF,Modalità,Servizio\n".encode("cp1252"))
    assert b"\r\n" not in raw
    rows = read_csv(tmp_path / "ja.csv", delimiter=",", encoding="cp1252")
    assert rows[0] == {"Data": "2026-10-01", "CF": "BNCLRA85M41D451W", "Modalità": "D", "Servizio": "A.1"}
    assert "(profilo: Prova)" in res.output


def test_carattere_non_rappresentabile_in_cp1252_e_un_errore_chiaro(tmp_path):
    reg = tmp_path / "r.csv"
    reg.write_text("Data;Sede;Operatore;Tipo utente;Codice fiscale;Codice servizio;Modalità\n"
                   "01/10/2026;Ancona;Łucja Nowak;Persona;RSSMRA80A01H501U;A.1;In presenza\n", encoding="utf-8")
    profile = tmp_path / "p.yaml"
    profile.write_text(DEFAULT_PATH.read_text(encoding="utf-8").replace("codifica: utf-8-sig", "codifica: cp1252"),
                       encoding="utf-8")
    res = run("esporta", reg, "--oggi", "2026-11-01", "-o", tmp_path / "ja.csv", "--profilo", profile)
    assert res.exit_code == 2
    assert "'Ł'" in res.output and "riga 2" in res.output and "utf-8-sig" in res.output
    assert not (tmp_path / "ja.csv").exists()


@pytest.mark.parametrize("text,field", [
    ("colonne:\n  - {campo: codice_fiscal, intestazione: CF}\n", "colonne[1].campo"),
    ("colonne:\n  - {campo: data, intestazione: ''}\n", "colonne[1].intestazione"),
    ("colonne:\n  - {campo: data, intestazione: A}\n  - {campo: data, intestazione: B}\n", "colonne[2].campo"),
    ("colonne:\n  - {campo: data, intestazione: A}\n  - {campo: sede, intestazione: a}\n", "colonne[2].intestazione"),
    ("colonne:\n  - {campo: data, intestazione: A, formato: x}\n", "colonne[1].formato"),
    ("colonne:\n  - {campo: data, intestazione: A, valori: [1, 2]}\n", "colonne[1].valori"),
    ("colonne: []\n", "colonne"),
    ("codifica: latin-9\ncolonne:\n  - {campo: data, intestazione: A}\n", "codifica"),
    ("separatore: ';;'\ncolonne:\n  - {campo: data, intestazione: A}\n", "separatore"),
    ("formato_data: '%d/%m'\ncolonne:\n  - {campo: data, intestazione: A}\n", "formato_data"),
    ("fine_riga: cr\ncolonne:\n  - {campo: data, intestazione: A}\n", "fine_riga"),
    ("intestazione: forse\ncolonne:\n  - {campo: data, intestazione: A}\n", "intestazione"),
    ("foglio: 'a/b'\ncolonne:\n  - {campo: data, intestazione: A}\n", "foglio"),
    ("versione: 2\ncolonne:\n  - {campo: data, intestazione: A}\n", "versione"),
    ("delimitatore: ','\ncolonne:\n  - {campo: data, intestazione: A}\n", "delimitatore"),
])
def test_profilo_non_valido_indica_il_campo(tmp_path, text, field):
    profile = tmp_path / "p.yaml"
    profile.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError, match=re.escape(f"campo '{field}'")):
        load_profile(profile)


def test_profilo_non_valido_da_riga_di_comando_esce_con_due(tmp_path):
    profile = tmp_path / "p.yaml"
    profile.write_text("colonne:\n  - {campo: cf, intestazione: CF}\n", encoding="utf-8")
    res = run("esporta", *EXAMPLE, *EXAMPLE_OPTIONS, "-o", tmp_path / "ja.csv", "--profilo", profile)
    assert res.exit_code == 2
    assert "campo 'colonne[1].campo': 'cf' non è un campo disponibile" in flat(res.output)
    res = run("esporta", *EXAMPLE, *EXAMPLE_OPTIONS, "-o", tmp_path / "ja.csv", "--profilo", tmp_path / "manca.yaml")
    assert res.exit_code == 2 and "file non trovato" in res.output
    (tmp_path / "rotto.yaml").write_text("colonne: [\n", encoding="utf-8")
    res = run("esporta", *EXAMPLE, *EXAMPLE_OPTIONS, "-o", tmp_path / "ja.csv", "--profilo", tmp_path / "rotto.yaml")
    assert res.exit_code == 2 and "YAML non valido" in res.output


# ---------------------------------------------------------------------------------------------
# The README's main command (scripts/esempio.py)


def test_il_comando_principale_del_readme_produce_rapporto_riepilogo_e_file_ja(tmp_path):
    """Run the registro commands of scripts/esempio.py (without its set-up) with uscita/ in tmp_path."""
    import runpy

    commands = runpy.run_path(str(ROOT / "scripts/esempio.py"))["COMMANDS"]
    assert [c[:2] for c in commands] == [["archivio", "aggiungi"], ["mese", "esempi/registro_esempio.csv"]]
    codes = []
    for command in commands:  # September into the archive, then the whole month in one command
        args = [str(tmp_path / a) if a == "uscita" or a.startswith("uscita/") else a for a in command]
        codes.append(run(*args))
    assert [r.exit_code for r in codes] == [0, 1], codes[-1].output  # the example has errors on purpose
    assert (tmp_path / "uscita/archivio").is_dir()
    for name in ("rapporto.xlsx", "rapporto.json", "registro_esempio_annotato.xlsx", "riepilogo.xlsx", "ja.csv",
                 "scarti.xlsx"):
        assert (tmp_path / "uscita" / name).is_file(), name
    assert len(read_csv(tmp_path / "uscita/ja.csv")) == 18
    with zipfile.ZipFile(tmp_path / "uscita/riepilogo.xlsx") as z:
        assert sum(n.startswith("xl/charts/chart") for n in z.namelist()) == 3

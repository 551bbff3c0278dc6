"""The one naming rule of files derived from input files (registro.output_names): the file's own name
when unique, else prefixed by the nearest folders that tell it apart; used by valida --annota, mese
and the add-in (docs/guida/file-in-uscita.md)."""

from __future__ import annotations

from pathlib import Path

from registro import output_names
from registro.validators.render.annotated import annotated_names
from tests.support.registri import riga, run_from_root, write_csv, write_xlsx

run = run_from_root


def copy(_source, label):
    return f"{label}_annotato.xlsx"


def names(*paths, taken=()):
    return list(output_names([Path(p) for p in paths], copy, taken=taken).values())


def test_un_nome_unico_resta_il_nome_del_file():
    assert names("uffici/ancona.xlsx", "uffici/jesi.xlsx") == ["ancona_annotato.xlsx", "jesi_annotato.xlsx"]


def test_lo_stesso_nome_in_due_cartelle_prende_il_nome_della_cartella():
    assert names("/r/Ancona/registro.xlsx", "/r/Macerata/registro.xlsx") == [
        "Ancona_registro_annotato.xlsx", "Macerata_registro_annotato.xlsx"]


def test_cartelle_annidate_diverse_solo_in_alto_si_uniscono_fin_dove_serve():
    assert names("/r/Ancona/centro/registro.xlsx", "/r/Macerata/centro/registro.xlsx", "/r/Fano/registro.xlsx") == [
        "Ancona_centro_registro_annotato.xlsx", "Macerata_centro_registro_annotato.xlsx", "Fano_registro_annotato.xlsx"]


def test_le_cartelle_in_comune_a_tutti_non_entrano_nel_nome():
    assert names("/dati/2026/10/Ancona/registro.xlsx", "/dati/2026/10/Jesi/registro.xlsx") == [
        "Ancona_registro_annotato.xlsx", "Jesi_registro_annotato.xlsx"]


def test_nomi_diversi_solo_per_maiuscole_sono_lo_stesso_nome_come_in_windows():
    assert names("/r/a/Registro.xlsx", "/r/b/registro.xlsx") == ["a_Registro_annotato.xlsx", "b_registro_annotato.xlsx"]
    assert names("/r/x/Ancona/registro.xlsx", "/r/y/ANCONA/registro.xlsx") == [
        "x_Ancona_registro_annotato.xlsx", "y_ANCONA_registro_annotato.xlsx"]


def test_stesso_nome_con_estensioni_diverse_nella_stessa_cartella_prende_l_estensione():
    assert names("/r/registro.xlsx", "/r/registro.csv") == ["registro_xlsx_annotato.xlsx", "registro_csv_annotato.xlsx"]


def test_un_nome_di_ingresso_uguale_al_nome_di_un_altra_uscita_non_si_scontra():
    # Ancona_registro.xlsx's copy would be Ancona_registro_annotato.xlsx, as Ancona/registro.xlsx's
    got = names("/r/Ancona_registro.xlsx", "/r/Ancona/registro.xlsx", "/r/Jesi/registro.xlsx")
    assert got == ["Ancona_registro_xlsx_annotato.xlsx", "Ancona_registro_annotato.xlsx", "Jesi_registro_annotato.xlsx"]


def test_un_nome_gia_preso_nella_cartella_di_uscita_non_e_mai_dato():
    assert names("/r/registro.xlsx", taken=["REGISTRO_annotato.xlsx"]) == ["registro_xlsx_annotato.xlsx"]


def test_la_copia_non_prende_mai_il_nome_di_un_registro_nella_cartella_di_uscita(tmp_path):
    sources = [tmp_path / "registro.xlsx", tmp_path / "registro_annotato.xlsx"]
    got = annotated_names(sources, tmp_path)
    assert got[sources[0]] != sources[1] and len(set(got.values()) | set(sources)) == 4


def test_con_le_macro_la_copia_resta_xlsm_e_non_si_scontra_con_la_xlsx():
    got = annotated_names([Path("/r/a/registro.xlsm"), Path("/r/b/registro.xlsx")], Path("/u"))
    assert [p.name for p in got.values()] == ["registro_annotato.xlsm", "registro_annotato.xlsx"]


def _two_offices(tmp_path):
    for office in ("ancona", "macerata"):
        (tmp_path / office).mkdir()
    ancona = write_xlsx(tmp_path / "ancona" / "registro.xlsx", [riga(sede="Ancona", codice="ZZ")])
    macerata = write_xlsx(tmp_path / "macerata" / "registro.xlsx", [riga(sede="Macerata", codice="ZZ")])
    return ancona, macerata


def test_valida_con_due_uffici_scrive_due_copie_annotate_con_il_nome_dell_ufficio(tmp_path):
    ancona, macerata = _two_offices(tmp_path)
    result = run("valida", ancona, macerata, "--annota", tmp_path / "uscita")
    assert result.exit_code == 1, result.output
    written = sorted(p.name for p in (tmp_path / "uscita").iterdir())
    assert written == ["ancona_registro_annotato.xlsx", "macerata_registro_annotato.xlsx"]
    assert result.output.count("Copia annotata scritta in") == 2


def test_mese_con_due_uffici_scrive_due_copie_annotate_con_il_nome_dell_ufficio(tmp_path):
    ancona, macerata = _two_offices(tmp_path)
    fano = write_csv(tmp_path / "fano.csv", [riga(sede="Fano", codice="ZZ")])
    result = run("mese", ancona, macerata, fano, "--mese", "2026-10", "--oggi", "2026-11-01", "-o", tmp_path.parent / "uscita")
    assert result.exit_code == 1, result.output
    written = sorted(p.name for p in (tmp_path.parent / "uscita").glob("*_annotato.xlsx"))
    assert written == ["ancona_registro_annotato.xlsx", "fano_annotato.xlsx", "macerata_registro_annotato.xlsx"]


def test_mese_nomina_l_ufficio_anche_quando_solo_un_registro_ha_problemi(tmp_path):
    """A folder of offices whose registers share a name: the one copy written says which office it is."""
    (tmp_path / "ottobre" / "ancona").mkdir(parents=True)
    (tmp_path / "ottobre" / "macerata").mkdir()
    write_xlsx(tmp_path / "ottobre" / "ancona" / "registro.xlsx", [riga(sede="Ancona", codice="ZZ")])
    write_xlsx(tmp_path / "ottobre" / "macerata" / "registro.xlsx", [riga(sede="Macerata")])
    result = run("mese", tmp_path / "ottobre", "--mese", "2026-10", "--oggi", "2026-11-01", "-o", tmp_path / "uscita")
    assert result.exit_code == 1, result.output
    assert sorted(p.name for p in (tmp_path / "uscita").glob("*_annotato.xlsx")) == ["ancona_registro_annotato.xlsx"]


def test_valida_con_un_registro_e_una_cartella_scrive_la_copia_nella_cartella(tmp_path):
    ancona, _ = _two_offices(tmp_path)
    (tmp_path / "copie").mkdir()
    assert run("valida", ancona, "--annota", tmp_path / "copie").exit_code == 1
    assert [p.name for p in (tmp_path / "copie").iterdir()] == ["registro_annotato.xlsx"]
    assert run("valida", ancona, "--annota", tmp_path / "copia.xlsx").exit_code == 1
    assert (tmp_path / "copia.xlsx").is_file()

"""Folders of offices' folders: searched in their subfolders, files named by their path relative to
the folder given, what is left out listed with the reason, one unusable file never stops the others."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from registro.cli import main
from registro.validators.read import discover
from tests.support.registri import CF, riga, write_csv, write_xlsx

OFFICES = ("Ancona", "Jesi", "Fabriano", "Senigallia", "Osimo", "Macerata", "Civitanova", "Tolentino", "Fermo",
           "Ascoli", "San Benedetto", "Pesaro", "Urbino")


def _run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_una_cartella_di_tredici_sottocartelle_di_uffici_e_letta_tutta(tmp_path):
    for i, office in enumerate(OFFICES):
        (tmp_path / office).mkdir()
        write_xlsx(tmp_path / office / "registro.xlsx", [riga(sede=office), riga(sede=office, cf=CF["laura"])])
    found = discover.find([tmp_path])
    assert found.names == sorted((f"{o}/registro.xlsx" for o in OFFICES), key=str.casefold)
    result = _run("valida", tmp_path, "--oggi", "2026-11-01")
    assert result.exit_code == 0, result.output
    assert "Controllate 26 righe in 13 file" in result.output


def test_gli_errori_di_una_sottocartella_non_sono_persi_e_il_file_e_nominato_dal_percorso_relativo(tmp_path):
    write_xlsx(tmp_path / "registro.xlsx", [riga()])
    (tmp_path / "Jesi").mkdir()
    write_xlsx(tmp_path / "Jesi" / "registro.xlsx", [riga(sede="Jesi", codice="ZZ.9")])
    result = _run("valida", tmp_path, "--oggi", "2026-11-01", "--rapporto", tmp_path.parent / "r.json")
    assert result.exit_code == 1, result.output
    assert "Jesi/registro.xlsx" in result.output
    report = json.loads((tmp_path.parent / "r.json").read_text())
    assert report["file"] == ["registro.xlsx", "Jesi/registro.xlsx"]
    assert {p["file"] for p in report["problemi"]} == {"Jesi/registro.xlsx"}


def test_file_di_blocco_altre_estensioni_e_cartelle_nascoste_sono_elencati_con_il_motivo(tmp_path):
    write_xlsx(tmp_path / "registro.xlsx", [riga()])
    (tmp_path / "~$registro.xlsx").write_bytes(b"\x00" * 165)
    (tmp_path / "Jesi").mkdir()
    write_csv(tmp_path / "Jesi" / "registro.csv", [riga(sede="Jesi")])
    (tmp_path / "Jesi" / ".~lock.registro.csv#").write_text("utente,pc;")
    (tmp_path / "Jesi" / "istruzioni.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / ".nascosta").mkdir()
    write_xlsx(tmp_path / ".nascosta" / "vecchio.xlsx", [riga(codice="ZZ.9")])
    result = _run("valida", tmp_path, "--oggi", "2026-11-01", "--rapporto", tmp_path.parent / "r.json")
    assert result.exit_code == 0, result.output
    out = _flat(result.output)
    assert "Controllate 2 righe in 2 file" in out
    assert "Lasciati fuori (non letti): 4 file" in out
    assert "~$registro.xlsx: è il file temporaneo che Excel crea mentre il registro è aperto" in out
    assert "Jesi/.~lock.registro.csv#: è il file temporaneo che LibreOffice crea" in out
    assert "Jesi/istruzioni.pdf: estensione '.pdf': non è un registro" in out
    assert ".nascosta: cartella nascosta" in out
    left = json.loads((tmp_path.parent / "r.json").read_text())["esclusi"]
    assert [e["file"] for e in left] == [".nascosta", "~$registro.xlsx", "Jesi/.~lock.registro.csv#",
                                         "Jesi/istruzioni.pdf"]


def test_una_cartella_di_sole_cose_non_lette_dice_cosa_ha_trovato(tmp_path):
    (tmp_path / "Jesi").mkdir()
    (tmp_path / "Jesi" / "note.docx").write_bytes(b"PK")
    result = _run("valida", tmp_path)
    assert result.exit_code == 2
    assert "Jesi/note.docx: estensione '.docx'" in _flat(result.output)


def test_lo_stesso_nome_in_due_cartelle_indicate_resta_distinto(tmp_path):
    for office in ("Ancona", "Jesi"):
        (tmp_path / office).mkdir()
        write_xlsx(tmp_path / office / "registro.xlsx", [riga(sede=office)])
    found = discover.find([tmp_path / "Ancona", tmp_path / "Jesi", tmp_path / "Jesi" / "registro.xlsx"])
    assert found.names == [(tmp_path / "Ancona" / "registro.xlsx").as_posix(),
                           (tmp_path / "Jesi" / "registro.xlsx").as_posix()]  # the same file given twice: once


def test_un_file_illeggibile_in_una_cartella_non_ferma_gli_altri_e_il_mese_scrive_i_loro_risultati(tmp_path):
    month = tmp_path / "ottobre"
    (month / "Ancona").mkdir(parents=True)
    (month / "Jesi").mkdir()
    write_xlsx(month / "Ancona" / "registro.xlsx", [riga(), riga(cf=CF["laura"], codice="ZZ.9")])
    (month / "Jesi" / "registro.xlsx").write_bytes(b"PK\x03\x04 danneggiato")
    out = tmp_path / "uscita"
    result = _run("mese", month, "--oggi", "2026-11-01", "-o", out)
    assert result.exit_code == 2, result.output
    text = _flat(result.output)
    assert text.index("Jesi/registro.xlsx") < text.index("Ancona/registro.xlsx")  # the unusable one first
    assert "file.illeggibile: File 'Jesi/registro.xlsx'" in text
    assert "2 righe lette = 1 esportata + 1 scartata" in text
    assert "Totali e file per JA senza il file inutilizzabile Jesi/registro.xlsx" in text
    assert {p.name for p in out.iterdir()} >= {"rapporto.xlsx", "rapporto.json", "riepilogo.xlsx", "ja.csv",
                                                "scarti.xlsx", "registro_annotato.xlsx"}
    report = json.loads((out / "rapporto.json").read_text())
    assert report["problemi"][0]["file"] == "Jesi/registro.xlsx" and report["problemi"][0]["regola"] == "file.illeggibile"


def test_il_file_di_blocco_di_excel_indicato_per_nome_ha_il_suo_messaggio(tmp_path):
    write_xlsx(tmp_path / "registro.xlsx", [riga()])
    lock = tmp_path / "~$registro.xlsx"
    lock.write_bytes(b"\x0cMaria Rossi" + b"\x00" * 150)
    result = _run("valida", lock)
    assert result.exit_code == 2
    assert ("è il file temporaneo che Excel crea mentre il registro è aperto: non contiene dati; il registro vero è "
            "'registro.xlsx'") in _flat(result.output)
    lo = tmp_path / ".~lock.registro.xlsx#"
    lo.write_text("Maria Rossi,PC01,/home,07.12.2026 10:00,")
    result = _run("valida", lo)
    assert result.exit_code == 2 and "è il file temporaneo che LibreOffice crea" in _flat(result.output)


def test_il_rapporto_xlsx_elenca_note_e_file_lasciati_fuori(tmp_path):
    from openpyxl import load_workbook

    (tmp_path / "in").mkdir()
    write_xlsx(tmp_path / "in" / "registro.xlsx", [riga()], sheet="Ottobre", extra_sheets=("Note",))
    (tmp_path / "in" / "~$registro.xlsx").write_bytes(b"\x00" * 10)
    result = _run("valida", tmp_path / "in", "--oggi", "2026-11-01", "--rapporto", tmp_path / "r.xlsx")
    assert result.exit_code == 0, result.output
    rows = [r for r in load_workbook(tmp_path / "r.xlsx")["Riepilogo"].iter_rows(values_only=True) if r and r[0]]
    labels = {r[0]: r[1] for r in rows if r[0] in ("Nota", "Lasciato fuori")}
    assert labels["Nota"].startswith("registro.xlsx: nessun foglio 'Registro': letto il foglio 'Ottobre'")
    assert labels["Lasciato fuori"].startswith("~$registro.xlsx: è il file temporaneo che Excel crea")

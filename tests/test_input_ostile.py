"""Broken and hostile inputs: a clear Italian message or row-level problems, never a crash or a change."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from tests.registri import CF, register_sheet, riga, write_csv, write_xlsx
from validators.read import guard
from validators.read.register import COLUMNS


def _run(path: Path, *extra):
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = CliRunner().invoke(main, ["valida", str(path), "--oggi", "2026-11-01", "--mostra", "50", *extra])
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before, "il file di ingresso è stato modificato"
    return result


def _unusable(path: Path, words: str):
    result = _run(path)
    assert result.exit_code == 2, result.output
    assert "file.illeggibile" in result.output or "colonne.mancanti" in result.output or "foglio.mancante" in result.output
    assert words in result.output.replace("\n", " ").replace("│", " ").replace("  ", " "), result.output
    return result


def _xlsx_bytes(rows=None) -> bytes:
    buf = io.BytesIO()
    wb, _ = register_sheet(rows or [riga()])
    wb.save(buf)
    return buf.getvalue()


def _with_part(name: str, data: bytes) -> bytes:
    """A valid register whose zip gets one part replaced or added."""
    src = zipfile.ZipFile(io.BytesIO(_xlsx_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            if item.filename != name:
                z.writestr(item, src.read(item))
        z.writestr(name, data)
    return out.getvalue()


# ------------------------------------------------------------------------------------------------
# Files that cannot be used: exit 2, one message naming the file


def test_file_vuoto(tmp_path):
    (tmp_path / "r.csv").write_bytes(b"")
    _unusable(tmp_path / "r.csv", "il file è vuoto")


def test_xlsx_di_zero_byte(tmp_path):
    (tmp_path / "r.xlsx").write_bytes(b"")
    _unusable(tmp_path / "r.xlsx", "il file è vuoto")


def test_testo_rinominato_xlsx(tmp_path):
    (tmp_path / "r.xlsx").write_text("Data;Sede\n01/10/2026;Ancona\n", encoding="utf-8")
    _unusable(tmp_path / "r.xlsx", "non è un file Excel o LibreOffice valido")


def test_zip_troncato(tmp_path):
    data = _xlsx_bytes()
    (tmp_path / "r.xlsx").write_bytes(data[: len(data) // 2])
    _unusable(tmp_path / "r.xlsx", "danneggiato o incompleto")


def test_cartella_protetta_da_password(tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile

    out = tmp_path / "r.xlsx"
    with open(out, "wb") as fh:
        OOXMLFile(io.BytesIO(_xlsx_bytes())).encrypt("segreto", fh)
    _unusable(out, "protetto da password")


def test_senza_foglio_registro(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [riga()], sheet="Dati", extra_sheets=("Altro",))
    _unusable(path, "manca il foglio 'Registro'")


def test_intestazione_scritta_male(tmp_path):
    headers = [("Codce fiscale" if c == "Codice fiscale" else c) for c in COLUMNS]
    path = write_xlsx(tmp_path / "r.xlsx", [riga()], headers=headers)
    _unusable(path, "'Codce fiscale' invece di 'Codice fiscale'")


def test_csv_binario(tmp_path):
    (tmp_path / "r.csv").write_bytes(b"\x00\x01\x02binario\x00" * 10)
    _unusable(tmp_path / "r.csv", "dati binari")


def test_bomba_zip_in_sharedstrings(tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "MAX_RATIO_PART_BYTES", 1024**2)
    huge = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + b"<si><t>" + b"a" * 8 * 1024**2 + b"</t></si></sst>"
    (tmp_path / "r.xlsx").write_bytes(_with_part("xl/sharedStrings.xml", huge))
    _unusable(tmp_path / "r.xlsx", "zip bomb")


def test_limite_di_dimensione_decompressa(tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "MAX_UNCOMPRESSED_BYTES", 1000)
    (tmp_path / "r.xlsx").write_bytes(_xlsx_bytes())
    _unusable(tmp_path / "r.xlsx", "oltre il limite")


def test_espansione_di_entita_xml(tmp_path):
    payload = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
               b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>')
    (tmp_path / "r.xlsx").write_bytes(_with_part("xl/sharedStrings.xml", payload))
    _unusable(tmp_path / "r.xlsx", "DOCTYPE/ENTITY")


def test_troppe_righe(tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "MAX_ROWS", 5)
    path = write_csv(tmp_path / "r.csv", [riga()] * 10)
    _unusable(path, "oltre il limite di 5")


def test_openpyxl_usa_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


# ------------------------------------------------------------------------------------------------
# Files that are read: row-level problems only


def test_xls_vecchio_formato_e_letto(tmp_path):
    import xlwt  # test dependency: writes a real Excel 97-2003 file

    wb = xlwt.Workbook()
    ws = wb.add_sheet("Registro")
    for j, c in enumerate(COLUMNS):
        ws.write(0, j, c)
    for j, v in enumerate(["01/10/2026", "Ancona", "Maria Rossi", "Persona", CF["mario"], "", "A.1", 15, "In presenza", ""]):
        ws.write(1, j, v)
    wb.save(str(tmp_path / "r.xls"))
    assert _run(tmp_path / "r.xls").exit_code == 0
    # the same old file renamed .xlsx is still read
    (tmp_path / "r2.xlsx").write_bytes((tmp_path / "r.xls").read_bytes())
    assert _run(tmp_path / "r2.xlsx").exit_code == 0


def test_titolo_sopra_e_intestazione_alla_riga_5(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [riga()], title_rows=[["CPI di Ancona"], ["Registro di ottobre"], [], []])
    assert _run(path).exit_code == 0


def test_celle_unite(tmp_path):
    wb, ws = register_sheet(header=False)
    ws.append(["Registro unito"])
    ws.merge_cells("A1:J1")
    ws.append(list(COLUMNS))
    for r in (riga(), riga(cf=CF["laura"]), riga(cf=CF["sara"])):
        ws.append([r[c] for c in COLUMNS])
    ws.merge_cells("B3:B5")  # Sede written once for three rows
    wb.save(tmp_path / "r.xlsx")
    result = _run(tmp_path / "r.xlsx")
    assert result.exit_code == 1 and "Riga 4, 'Sede': campo obbligatorio vuoto" in result.output


def test_errori_di_formula(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [riga(codice="#N/A"), riga(cf=CF["laura"], data="#REF!")])
    result = _run(path)
    assert result.exit_code == 1
    assert "Riga 2, 'Codice servizio': campo obbligatorio vuoto (o con un errore di formula" in result.output


def test_date_come_numeri_e_testi_vari(tmp_path):
    rows = [riga(data=46296), riga(data="2/10/26", cf=CF["laura"]), riga(data="2026-10-05", cf=CF["sara"]),
            riga(data=dt.datetime(2026, 10, 6, 9, 30), cf=CF["franco"])]
    assert _run(write_xlsx(tmp_path / "r.xlsx", rows), "--mese", "2026-10").exit_code == 0


def test_sistema_di_date_1904(tmp_path):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb, _ = register_sheet()
    wb.epoch = CALENDAR_MAC_1904  # the cell's date is written as a serial of the 1904 system on save
    wb.active.append([riga()[c] for c in COLUMNS])
    wb.save(tmp_path / "r.xlsx")
    assert _run(tmp_path / "r.xlsx", "--mese", "2026-10").exit_code == 0


def test_codici_con_spazi_maiuscole_e_trattini_unicode(tmp_path):
    rows = [riga(codice=" a.1 "), riga(codice="A.1 — Accoglienza", cf=CF["laura"]), riga(codice="a . 1", cf=CF["sara"])]
    assert _run(write_xlsx(tmp_path / "r.xlsx", rows)).exit_code == 0


def test_codice_fiscale_minuscolo_e_con_spazi(tmp_path):
    assert _run(write_xlsx(tmp_path / "r.xlsx", [riga(cf=" rssmra 80a01 h501u ")])).exit_code == 0


def test_cella_di_32000_caratteri(tmp_path):
    result = _run(write_xlsx(tmp_path / "r.xlsx", [riga(codice="X" * 32000)]))
    assert result.exit_code == 1 and "X" * 100 not in result.output


def test_foglio_con_l_ultima_riga_di_excel_usata(tmp_path):
    wb, ws = register_sheet([riga()])
    ws.cell(1_048_576, 10, "nota in fondo")
    wb.save(tmp_path / "r.xlsx")
    result = _run(tmp_path / "r.xlsx")
    assert "Controllate 2 righe" in result.output  # the stray note is a row without the required fields


def test_collegamenti_esterni_e_macro(tmp_path):
    data = _with_part("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 finto progetto VBA")
    data_io = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in data_io.infolist():
            z.writestr(item, data_io.read(item))
        z.writestr("xl/externalLinks/externalLink1.xml",
                   '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
    (tmp_path / "r.xlsm").write_bytes(out.getvalue())
    assert _run(tmp_path / "r.xlsm").exit_code == 0


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig", "utf-16"])
def test_csv_con_codifiche_diverse(tmp_path, encoding):
    path = write_csv(tmp_path / "r.csv", [riga(note="attività già svolta")], encoding=encoding)
    assert _run(path).exit_code == 0

"""Broken and hostile inputs: a clear Italian message or row-level problems, never a crash or a change."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from registro.cli import main
from tests.support.registri import CF, register_sheet, riga, write_csv, write_xlsx
from registro.validators.read import guard
from registro.validators.rules import RULES
from registro.validators.read.register import COLUMNS

FILE_RULES = {r.id for r in RULES if r.file_level}


def _run(path: Path, *extra):
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = CliRunner().invoke(main, ["valida", str(path), "--oggi", "2026-11-01", "--mostra", "50", *extra])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before, "il file di ingresso è stato modificato"
    return result


def test_il_controllo_dei_casi_ostili_fallisce_se_compare_un_traceback(tmp_path, monkeypatch):
    import registro.validators.render.report_files

    monkeypatch.setattr(registro.validators.render.report_files, "render_text", lambda console, *a, **k: console.print("Traceback (most recent call last):"))
    with pytest.raises(AssertionError, match="Traceback"):
        _run(write_csv(tmp_path / "r.csv", [riga()]))


def _unusable(path: Path, rule: str, words: str):
    """The file is refused with exit 2 and one message carrying the file-level rule and the words."""
    result = _run(path)
    assert result.exit_code == 2, result.output
    assert re.search(rf"^{re.escape(rule)}: File ", result.output, re.M), result.output
    assert [other for other in FILE_RULES - {rule} if other in result.output] == [], result.output
    assert words in result.output.replace("\n", " ").replace("│", " ").replace("  ", " "), result.output
    return result


def _xlsx_bytes(rows=None) -> bytes:
    buf = io.BytesIO()
    wb, _ = register_sheet(rows or [riga()])
    wb.save(buf)
    return buf.getvalue()


def _register_without(target, name: str) -> zipfile.ZipFile:
    """A zip (file or buffer) open for writing with every part of a valid register but `name`."""
    src = zipfile.ZipFile(io.BytesIO(_xlsx_bytes()))
    z = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED)
    for item in src.infolist():
        if item.filename != name:
            z.writestr(item, src.read(item))
    return z


def _with_part(name: str, data: bytes) -> bytes:
    """A valid register whose zip gets one part replaced or added."""
    out = io.BytesIO()
    with _register_without(out, name) as z:
        z.writestr(name, data)
    return out.getvalue()


# ------------------------------------------------------------------------------------------------
# Files that cannot be used: exit 2, one message naming the file


def test_un_file_vuoto_e_rifiutato_come_illeggibile(tmp_path):
    (tmp_path / "r.csv").write_bytes(b"")
    _unusable(tmp_path / "r.csv", "file.illeggibile", "il file è vuoto")


def test_un_xlsx_di_zero_byte_e_rifiutato_come_vuoto(tmp_path):
    (tmp_path / "r.xlsx").write_bytes(b"")
    _unusable(tmp_path / "r.xlsx", "file.illeggibile", "il file è vuoto")


def test_un_testo_rinominato_xlsx_e_rifiutato_come_non_excel(tmp_path):
    (tmp_path / "r.xlsx").write_text("Data;Sede\n01/10/2026;Ancona\n", encoding="utf-8")
    _unusable(tmp_path / "r.xlsx", "file.illeggibile", "non è un file Excel o LibreOffice valido")


def test_uno_zip_troncato_e_rifiutato_come_danneggiato(tmp_path):
    data = _xlsx_bytes()
    (tmp_path / "r.xlsx").write_bytes(data[: len(data) // 2])
    _unusable(tmp_path / "r.xlsx", "file.illeggibile", "danneggiato o incompleto")


def test_una_cartella_protetta_da_password_e_rifiutata(tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile

    out = tmp_path / "r.xlsx"
    with open(out, "wb") as fh:
        OOXMLFile(io.BytesIO(_xlsx_bytes())).encrypt("segreto", fh)
    _unusable(out, "file.illeggibile", "protetto da password")


def test_un_file_senza_foglio_registro_e_senza_intestazioni_in_alcun_foglio_e_rifiutato(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [riga()], sheet="Dati", extra_sheets=("Altro",), headers=["x"] * 10)
    result = _unusable(path, "foglio.mancante", "manca il foglio 'Registro'")
    assert "--foglio NOME" in result.output


def test_senza_foglio_registro_si_legge_l_unico_foglio_visibile_con_le_intestazioni(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [riga()], sheet="Dati", extra_sheets=("Altro",))
    result = _run(path)
    assert result.exit_code == 0, result.output
    assert "letto il foglio 'Dati'" in " ".join(result.output.split())


def test_un_foglio_nascosto_con_le_intestazioni_non_e_scelto(tmp_path):
    from openpyxl import load_workbook

    path = write_xlsx(tmp_path / "r.xlsx", [riga()], sheet="Dati", extra_sheets=("Altro",))
    wb = load_workbook(path)
    wb["Dati"].sheet_state = "hidden"
    wb.active = 1
    wb.save(path)
    _unusable(path, "foglio.mancante", "nessun foglio visibile ha le intestazioni")


def test_due_fogli_con_le_intestazioni_danno_un_messaggio_con_entrambi_e_foglio(tmp_path):
    from openpyxl import load_workbook

    path = write_xlsx(tmp_path / "r.xlsx", [riga()], sheet="Ottobre", extra_sheets=("Novembre",))
    wb = load_workbook(path)
    wb["Novembre"].append(list(COLUMNS))
    wb.save(path)
    result = _unusable(path, "foglio.mancante", "'Ottobre', 'Novembre'")
    assert "--foglio NOME" in result.output
    ok = CliRunner().invoke(main, ["valida", str(path), "--oggi", "2026-11-01", "--foglio", "Ottobre"])
    assert ok.exit_code == 0, ok.output


def test_un_intestazione_scritta_male_e_rifiutata_indicando_il_nome_giusto(tmp_path):
    headers = [("Codce fiscale" if c == "Codice fiscale" else c) for c in COLUMNS]
    path = write_xlsx(tmp_path / "r.xlsx", [riga()], headers=headers)
    _unusable(path, "colonne.mancanti", "'Codce fiscale' invece di 'Codice fiscale'")


def test_un_csv_con_dati_binari_e_rifiutato(tmp_path):
    (tmp_path / "r.csv").write_bytes(b"\x00\x01\x02binario\x00" * 10)
    _unusable(tmp_path / "r.csv", "file.illeggibile", "dati binari")


def test_una_bomba_zip_in_sharedstrings_e_rifiutata(tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "MAX_RATIO_PART_BYTES", 1024**2)
    huge = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + b"<si><t>" + b"a" * 8 * 1024**2 + b"</t></si></sst>"
    (tmp_path / "r.xlsx").write_bytes(_with_part("xl/sharedStrings.xml", huge))
    _unusable(tmp_path / "r.xlsx", "file.illeggibile", "zip bomb")


SST_HEAD = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>'


def _bomb(path: Path, megabytes: int, noise: int, *, declared: int | None = None,
          part: str = "xl/sharedStrings.xml") -> Path:
    """A register whose `part` is a text of `megabytes` MB written through zipfile in 1 MB pieces
    (never held in memory). Each piece is 'a' repeated plus `noise` random bytes: 0 gives deflate's
    ~1000:1, 4000 about 200:1. With `declared`, the zip's directory and local header then lie
    about the part's size, saying `declared` bytes (as a hand-made bomb would)."""
    import random
    import struct

    rnd = random.Random(0)
    with _register_without(path, part) as z:
        info = zipfile.ZipInfo(part)
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w") as fh:
            fh.write(SST_HEAD)
            for _ in range(megabytes):
                fh.write(b"a" * (1024**2 - noise) + bytes(rnd.randrange(97, 123) for _ in range(noise)))
            fh.write(b"</t></si></sst>")
    if declared is not None:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo(part)
        data = bytearray(path.read_bytes())
        struct.pack_into("<I", data, info.header_offset + 22, declared)  # local header
        directory = data.rfind(b"PK\x01\x02", 0, data.rfind(part.encode()))
        struct.pack_into("<I", data, directory + 24, declared)  # central directory
        path.write_bytes(bytes(data))
        with zipfile.ZipFile(path) as z:
            assert z.getinfo(part).file_size == declared
    return path


def _no_reading(monkeypatch):
    """Make any decompression by the guard or any parsing by calamine fail the test."""
    import fastexcel

    def forbidden(*args, **kwargs):
        raise AssertionError("il file è stato decompresso o letto")

    monkeypatch.setattr(guard, "_inflated_size", forbidden)
    monkeypatch.setattr(fastexcel, "read_excel", forbidden)


@pytest.mark.lento  # builds a 200 MB part
def test_bomba_zip_oltre_100_a_1_e_64_mb_rifiutata_dalle_dimensioni_dichiarate(tmp_path, monkeypatch):
    path = _bomb(tmp_path / "registro_ottobre.xlsx", 200, noise=4000)
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/sharedStrings.xml")
    ratio = info.file_size / info.compress_size
    assert info.file_size > 64 * 1024**2 and 150 < ratio < 500, ratio  # under the old 500:1 threshold
    _no_reading(monkeypatch)  # refused from the central directory, before inflating anything
    result = _unusable(path, "file.illeggibile", "zip bomb")
    line = next(ln for ln in result.output.splitlines() if "zip bomb" in ln)
    assert "registro_ottobre.xlsx" in line and "'xl/sharedStrings.xml'" in line and f"({ratio:.0f}:1, 200 MB" in line
    assert "salvarlo di nuovo" in line and "non aprirlo" in line


@pytest.mark.lento  # a 300 MB bomb, measured in two child processes
def test_bomba_zip_non_consuma_memoria(tmp_path):
    """In a separate process: refusing a 300 MB bomb costs no more memory than a tiny register
    (calamine reading that part would take about 1 GB)."""
    import subprocess
    import sys

    bomb = _bomb(tmp_path / "bomba.xlsx", 300, noise=0)
    small = tmp_path / "piccolo.xlsx"
    small.write_bytes(_xlsx_bytes())
    script = ("import resource, sys\nfrom cli import main\n"
              "try:\n    main(['valida', sys.argv[1], '--oggi', '2026-11-01'])\n"
              "except SystemExit as e:\n    print('uscita', e.code)\n"
              "print('memoria', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n")
    peaks = {}
    for path in (small, bomb):
        out = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True,
                             cwd=Path(__file__).parents[2], check=True).stdout
        assert ("uscita 2" in out) == (path == bomb), out
        peaks[path.name] = int(out.rsplit("memoria", 1)[1]) * 1024
    assert peaks["bomba.xlsx"] < peaks["piccolo.xlsx"] + 64 * 1024**2, peaks


def test_bomba_zip_con_dimensione_dichiarata_falsa(tmp_path):
    # The directory says 1,000 bytes; the part really inflates to 100 MB (calamine would read it all).
    path = _bomb(tmp_path / "r.xlsx", 100, noise=0, declared=1000)
    _unusable(path, "file.illeggibile", "dichiara 1000 byte ma decompressa ne occupa di più")


def test_bomba_zip_con_dimensione_falsa_sotto_i_limiti_e_rapporto_vero_oltre_100_a_1(tmp_path):
    # 60 MB declared (under 64 MB, so the declared sizes pass): the first 16 MB inflate at ~1000:1.
    path = _bomb(tmp_path / "r.xlsx", 100, noise=0, declared=60 * 1024**2)
    _unusable(path, "file.illeggibile", "compressa in modo anomalo (oltre 100:1)")


def test_un_foglio_grande_e_molto_ripetitivo_come_quelli_veri_non_e_una_bomba(tmp_path):
    # Excel's whole-column formatting writes a row element for each of the 1,048,576 rows: about
    # 80 MB at 28:1, the most compressible real sheet measured; a real register is about 10:1.
    path = tmp_path / "r.xlsx"
    with _register_without(path, "xl/worksheets/sheet1.xml") as z:
        with z.open("xl/worksheets/sheet1.xml", "w") as fh:
            for start in range(1, 1048577, 4096):
                fh.write("".join(f'<row r="{i}" spans="1:10" s="1" customFormat="1" x14ac:dyDescent="0.25"/>'
                                 for i in range(start, start + 4096)).encode())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size > 64 * 1024**2 and 20 < info.file_size / info.compress_size < 100
    guard.check_zip(path)  # no exception


def test_oltre_la_dimensione_decompressa_massima_il_file_e_rifiutato(tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "MAX_UNCOMPRESSED_BYTES", 1000)
    (tmp_path / "r.xlsx").write_bytes(_xlsx_bytes())
    _unusable(tmp_path / "r.xlsx", "file.illeggibile", "oltre il limite")


def test_un_xml_con_entita_dichiarate_e_rifiutato(tmp_path):
    payload = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
               b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>')
    (tmp_path / "r.xlsx").write_bytes(_with_part("xl/sharedStrings.xml", payload))
    _unusable(tmp_path / "r.xlsx", "file.illeggibile", "DOCTYPE/ENTITY")


def test_oltre_il_numero_massimo_di_righe_il_file_e_rifiutato(tmp_path, monkeypatch):
    monkeypatch.setattr(guard, "MAX_ROWS", 5)
    path = write_csv(tmp_path / "r.csv", [riga()] * 10)
    _unusable(path, "file.illeggibile", "oltre il limite di 5")


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


def test_con_un_titolo_sopra_l_intestazione_alla_riga_5_e_trovata(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [riga()], title_rows=[["CPI di Ancona"], ["Registro di ottobre"], [], []])
    assert _run(path).exit_code == 0


def test_una_cella_unita_vale_per_ogni_riga_del_suo_intervallo(tmp_path):
    wb, ws = register_sheet(header=False)
    ws.append(["Registro unito"])
    ws.merge_cells("A1:J1")
    ws.append(list(COLUMNS))
    for r in (riga(), riga(cf=CF["laura"]), riga(cf=CF["sara"])):
        ws.append([r[c] for c in COLUMNS])
    ws.merge_cells("B3:B5")  # Sede written once for three rows
    wb.save(tmp_path / "r.xlsx")
    result = _run(tmp_path / "r.xlsx")
    assert result.exit_code == 0, result.output
    assert "celle unite nelle colonne Sede;" in result.output  # the title's merge is above the header


def test_gli_errori_di_formula_sono_campi_obbligatori_vuoti(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [riga(codice="#N/A"), riga(cf=CF["laura"], data="#REF!")])
    result = _run(path)
    assert result.exit_code == 1
    assert "Riga 2, 'Codice servizio': campo obbligatorio vuoto (o con un errore di formula" in result.output


def test_date_come_numeri_e_testi_vari_sono_lette(tmp_path):
    rows = [riga(data=46296), riga(data="2/10/26", cf=CF["laura"]), riga(data="2026-10-05", cf=CF["sara"]),
            riga(data=dt.datetime(2026, 10, 6, 9, 30), cf=CF["franco"])]
    assert _run(write_xlsx(tmp_path / "r.xlsx", rows), "--mese", "2026-10").exit_code == 0


def test_le_date_del_sistema_1904_sono_lette(tmp_path):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb, _ = register_sheet()
    wb.epoch = CALENDAR_MAC_1904  # the cell's date is written as a serial of the 1904 system on save
    wb.active.append([riga()[c] for c in COLUMNS])
    wb.save(tmp_path / "r.xlsx")
    assert _run(tmp_path / "r.xlsx", "--mese", "2026-10").exit_code == 0


def test_codici_con_spazi_minuscole_e_trattini_unicode_sono_accettati(tmp_path):
    rows = [riga(codice=" a.1 "), riga(codice="A.1 — Accoglienza", cf=CF["laura"]), riga(codice="a . 1", cf=CF["sara"])]
    assert _run(write_xlsx(tmp_path / "r.xlsx", rows)).exit_code == 0


def test_un_codice_fiscale_minuscolo_e_con_spazi_e_accettato(tmp_path):
    assert _run(write_xlsx(tmp_path / "r.xlsx", [riga(cf=" rssmra 80a01 h501u ")])).exit_code == 0


def test_codice_fiscale_incollato_con_caratteri_invisibili(tmp_path):
    # Zero-width and no-break spaces, dashes and full-width digits are removed; any other invisible
    # character is named with its position instead of "17 caratteri invece di 16".
    pasted = "RSSMRA\u200b80A01\u00a0H501U"
    assert _run(write_xlsx(tmp_path / "ok.xlsx", [riga(cf=pasted), riga(cf="ＢＮＣＬＲＡ８５Ｍ４１Ｄ４５１Ｗ")])).exit_code == 0
    result = _run(write_xlsx(tmp_path / "r.xlsx", [riga(cf="RSSM\u200eRA80A01H501U")]))
    output = " ".join(result.output.split())
    assert result.exit_code == 1 and "carattere invisibile U+200E in posizione 5" in output, result.output
    assert "caratteri invece di 16" not in output


def test_una_cella_di_32000_caratteri_non_e_stampata_per_intero(tmp_path):
    result = _run(write_xlsx(tmp_path / "r.xlsx", [riga(codice="X" * 32000)]))
    assert result.exit_code == 1 and "X" * 100 not in result.output


def test_una_nota_nell_ultima_riga_di_excel_e_ignorata_e_contata(tmp_path):
    wb, ws = register_sheet([riga()])
    ws.cell(1_048_576, 10, "nota in fondo")
    wb.save(tmp_path / "r.xlsx")
    result = _run(tmp_path / "r.xlsx")
    assert result.exit_code == 0 and "Controllata 1 riga" in result.output, result.output
    assert "ignorata 1 cella fuori dalle colonne o molto sotto le righe del registro (la più lontana: J1048576)" \
        in " ".join(result.output.split())


def test_una_nota_poco_sotto_il_registro_resta_una_riga_senza_campi(tmp_path):
    wb, ws = register_sheet([riga()])
    ws.cell(40, 10, "nota in fondo")
    wb.save(tmp_path / "r.xlsx")
    result = _run(tmp_path / "r.xlsx")
    assert result.exit_code == 1 and "Controllate 2 righe" in result.output


def test_collegamenti_esterni_e_macro_non_impediscono_la_lettura(tmp_path):
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
def test_i_csv_in_codifiche_diverse_sono_letti(tmp_path, encoding):
    path = write_csv(tmp_path / "r.csv", [riga(note="attività già svolta")], encoding=encoding)
    assert _run(path).exit_code == 0

"""Windows habits (issue 26): paths as users type them, output redirected in a code page, files
opened with Excel. What Linux can show: a folder named like a Windows path is one name here, so a
message that quotes it as given shows its backslashes untouched."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from registro.cli import main
from tests.support.registri import CF, MONTH, PIVA, TODAY, riga, write_csv, write_xlsx

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "esempi/registro_esempio.csv"
EXAMPLE_OPTIONS = ["--mese", "2026-10", "--oggi", "2026-11-01"]


def flat(text: str) -> str:
    return " ".join(text.split())


def test_cartelle_con_lettera_di_unita_e_barre_rovesciate_sono_mostrate_come_scritte(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = Path(r"C:\Registri\2026-10")
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / EXAMPLE.name)
    result = CliRunner().invoke(main, ["mese", r"C:\Registri\2026-10", *EXAMPLE_OPTIONS, "-o", r"C:\Registri\uscita",
                                       "--mostra", "0"])
    assert result.exit_code == 1, result.output  # the example has errors on purpose
    assert r"File scritti in C:\Registri\uscita:" in result.output
    assert (tmp_path / r"C:\Registri\uscita" / "ja.csv").is_file()


@pytest.mark.parametrize("given", [r"\\server\cpi\2026-10", r"C:\Registri\2026-10\registro.xlsx",
                                   r"D:\Registri\Sede Fano\ottobre.xlsx"])
def test_un_percorso_windows_che_non_esiste_e_citato_come_scritto(tmp_path, monkeypatch, given):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["valida", given])
    assert result.exit_code == 2
    assert f"'{given}' non esiste" in result.output  # not repr's doubled backslashes
    assert given.replace("\\", "\\\\") not in result.output and given.replace("\\", "/") not in result.output


def test_un_file_illeggibile_in_una_cartella_windows_e_nominato_col_suo_percorso(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = Path(r"\\server\cpi\2026-10")
    folder.mkdir()
    (folder / "rotto.xlsx").write_bytes(b"non un file Excel")
    result = CliRunner().invoke(main, ["valida", str(folder / "rotto.xlsx")])
    assert result.exit_code == 2
    assert "rotto.xlsx" in result.output and "\\\\\\\\server" not in result.output


def _redirected(args, encoding, tmp_path):
    """Run `python -m registro args` with stdout and stderr redirected to files in `encoding`."""
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    out, err = tmp_path / f"out-{encoding}.txt", tmp_path / f"err-{encoding}.txt"
    with open(out, "wb") as fo, open(err, "wb") as fe:
        code = subprocess.run([sys.executable, "-m", "registro", *args], stdout=fo, stderr=fe, cwd=tmp_path,
                              env=env, timeout=300).returncode
    return code, out.read_bytes().decode(encoding), err.read_bytes().decode(encoding)


@pytest.mark.parametrize("encoding", ["ascii", "cp850", "cp1252"])
def test_uscita_rediretta_nella_codifica_della_console_non_fallisce(tmp_path, encoding):
    code, out, err = _redirected(["valida", str(EXAMPLE), *EXAMPLE_OPTIONS, "--mostra", "40"], encoding, tmp_path)
    assert code == 1, err  # the example's errors, not a failure of the output
    assert "Controllate 33 righe" in out and "UnicodeEncodeError" not in err + out
    expected = "Gravità" if encoding != "ascii" else "Gravit?"  # an accent the code page lacks becomes '?'
    assert expected in out
    code, out, err = _redirected(["modello", "--lite", "--pacchetto", r"C:\Registri\registro.whl"], encoding, tmp_path)
    assert code == 2 and "UnicodeEncodeError" not in err
    assert r"'C:\Registri\registro.whl'" in err and ("è un file" if encoding != "ascii" else "? un file") in err


def _texts(path: Path) -> set[str]:
    """Every text cell of a workbook; a number that equals the partita IVA fails (its zero is lost)."""
    texts = set()
    for ws in load_workbook(path):
        for row in ws.iter_rows():
            for cell in row:
                assert cell.value != int(PIVA), (path.name, cell.coordinate, "partita IVA written as a number")
                if isinstance(cell.value, str):
                    texts.add(cell.value)
    return texts


def test_i_file_aperti_con_excel_conservano_zeri_iniziali_e_accenti(tmp_path):
    """Excel reads a CSV as UTF-8 only with the BOM, and a code in an .xlsx cell keeps its leading zero
    only as text: the partita IVA 00743110157 and the accents of Forlì and Niccolò survive both."""
    same = {"sede": "Forlì", "operatore": "Niccolò Bianchi"}
    rows = [riga(**same), riga(codice="P.1", durata=60, tipo="Azienda", cf=PIVA, **same),
            riga(codice="X.9", durata=60, tipo="Azienda", cf=PIVA, **same)]  # rejected: unknown code
    for register in (write_xlsx(tmp_path / "registro.xlsx", rows), write_csv(tmp_path / "registro.csv", rows)):
        out = tmp_path / f"uscita-{register.suffix[1:]}"
        result = CliRunner().invoke(main, ["mese", str(register), "--mese", MONTH, "--oggi", TODAY.isoformat(),
                                           "-o", str(out)])
        assert result.exit_code == 1, result.output
        raw = (out / "ja.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads UTF-8
        text = raw.decode("utf-8-sig")
        assert PIVA in text and "Forlì" in text and "Niccolò Bianchi" in text
        rejects = _texts(out / "scarti.xlsx")
        assert {PIVA, "Forlì", "Niccolò Bianchi"} <= rejects
        assert {PIVA, "Forlì", "Niccolò Bianchi"} <= _texts(out / f"{register.stem}_annotato.xlsx")
        assert "Gravità" in _texts(out / "rapporto.xlsx")
        assert "Forlì" in _texts(out / "riepilogo.xlsx")

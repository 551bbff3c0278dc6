"""A run's outputs all or none (registro.OutputSet): a failure at any output step, a killed run, a
target open in Excel or a folder in its place leave the previous complete set, or nothing new, and
say in Italian which step failed (docs/guida/file-in-uscita.md)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from registro.validators import api
from registro.validators import output_set
from registro.validators.export import plan
from registro.validators.render import annotated, report_files, totals_workbook
from tests.support.registri import ROOT, riga, run_from_root, write_csv, write_xlsx

run = run_from_root
MONTH = ["--mese", "2026-10", "--oggi", "2026-11-01"]
SET = ["ja.csv", "jesi_annotato.xlsx", "rapporto.json", "rapporto.xlsx",
       "registro_annotato.xlsx", "riepilogo.xlsx", "scarti.xlsx"]


def registers(tmp_path: Path, extra: int = 0) -> list[Path]:
    (tmp_path / "ancona").mkdir(exist_ok=True)
    ancona = write_xlsx(tmp_path / "ancona" / "registro.xlsx",
                        [riga(sede="Ancona", codice="ZZ"), *[riga(sede="Ancona") for _ in range(extra)]])
    jesi = write_csv(tmp_path / "jesi.csv", [riga(sede="Jesi", codice="ZZ")])
    return [ancona, jesi]


def contents(folder: Path) -> dict[str, bytes]:
    """Every entry of the folder, hidden ones included (a leftover staging folder shows as a name)."""
    return {p.name: p.read_bytes() if p.is_file() else b"<cartella>" for p in folder.iterdir()} if folder.exists() else {}


def failing(real, name: str):
    """real, but for a file called name: writes half of it, then the disk is full."""

    def writer(*args, **kwargs):
        path = next((a for a in args if isinstance(a, Path) and a.name == name), None)
        if path is None:
            return real(*args, **kwargs)
        path.write_bytes(b"PK\x03\x04 mezzo file")
        raise OSError(28, "No space left on device", str(path))

    return writer


# Each output step of `registro mese`, and where its writer is.
STEPS = {
    "rapporto.json": (report_files, "write_report"),
    "rapporto.xlsx": (report_files, "write_report"),
    "registro_annotato.xlsx": (annotated, "annotate"),
    "jesi_annotato.xlsx": (annotated, "annotate"),
    "riepilogo.xlsx": (totals_workbook, "write_totals"),
    "ja.csv": (plan, "write_frame_csv"),
    "scarti.xlsx": (plan, "_write_rows_xlsx"),
}


@pytest.mark.parametrize("step", sorted(STEPS))
def test_mese_che_fallisce_a_un_passo_lascia_i_file_di_prima_e_nomina_il_passo(tmp_path, monkeypatch, step):
    inputs, out = registers(tmp_path), tmp_path / "uscita"
    first = run("mese", *inputs, *MONTH, "-o", out)
    assert first.exit_code == 1, first.output
    before = contents(out)
    assert sorted(before) == SET
    inputs = registers(tmp_path, extra=3)  # the next run would write other files
    module, name = STEPS[step]
    monkeypatch.setattr(module, name, failing(getattr(module, name), step))
    result = run("mese", *inputs, *MONTH, "-o", out)
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert f"scrittura di '{step}' non riuscita" in text and "No space left on device" in text
    assert "Nessun file di uscita è stato scritto" in text and "Traceback" not in text
    assert contents(out) == before


@pytest.mark.parametrize("step", ["riepilogo.xlsx", "jesi_annotato.xlsx", "scarti.xlsx"])
def test_mese_che_fallisce_nella_prima_corsa_non_lascia_nulla(tmp_path, monkeypatch, step):
    module, name = STEPS[step]
    monkeypatch.setattr(module, name, failing(getattr(module, name), step))
    result = run("mese", *registers(tmp_path), *MONTH, "-o", tmp_path / "uscita")
    assert result.exit_code == 2, result.output
    assert contents(tmp_path / "uscita") == {}


def test_mese_con_archivia_che_fallisce_nell_archivio_non_mette_al_loro_posto_i_file(tmp_path, monkeypatch):
    inputs, out = registers(tmp_path), tmp_path / "uscita"

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(api, "archive_add", broken)
    result = run("mese", *inputs, *MONTH, "-o", out, "--archivio", tmp_path / "archivio", "--archivia")
    assert result.exit_code == 2
    assert "archiviazione del mese non riuscita" in " ".join(result.output.split())
    assert contents(out) == {}


KILLED = """
import sys, time
from pathlib import Path
from registro.validators.render import totals_workbook
from registro.cli import main

def slow(totals, path, inputs=()):
    Path(path).write_bytes(b"PK mezzo file")
    Path(sys.argv[1]).write_text("scrivo")
    time.sleep(60)

totals_workbook.write_totals = slow
main(sys.argv[2:])
"""


def test_mese_ucciso_mentre_scrive_lascia_i_file_di_prima_e_la_corsa_dopo_pulisce(tmp_path):
    inputs, out = registers(tmp_path), tmp_path / "uscita"
    assert run("mese", *inputs, *MONTH, "-o", out).exit_code == 1
    before = contents(out)
    marker = tmp_path / "scrivo"
    script = tmp_path / "ucciso.py"
    script.write_text(KILLED, encoding="utf-8")
    process = subprocess.Popen([sys.executable, str(script), str(marker), "mese", *map(str, registers(tmp_path, 3)),
                                *MONTH, "-o", str(out)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    after = contents(out)
    leftovers = [n for n in after if n.startswith(output_set.STAGING)]
    assert len(leftovers) == 1  # the killed run's staging folder, hidden
    assert {n: v for n, v in after.items() if n not in leftovers} == before
    assert run("mese", *inputs, *MONTH, "-o", out).exit_code == 1
    assert sorted(contents(out)) == SET  # the next run deleted the killed run's folder


KILLED_WHILE_PLACING = """
import os, signal, sys
from pathlib import Path
from registro.validators import output_set
from registro.cli import main

real, placed = output_set._rename, []

def rename(src, dst):
    if Path(src).parent.name.startswith(output_set.STAGING) and not Path(src).name.startswith(output_set.BACKUP):
        placed.append(dst)
        if len(placed) == 4:
            os.kill(os.getpid(), signal.SIGKILL)
    real(src, dst)

output_set._rename = rename
main(sys.argv[1:])
"""


def test_mese_ucciso_mentre_mette_i_file_al_loro_posto_e_disfatto_dalla_corsa_dopo(tmp_path):
    inputs, out = registers(tmp_path), tmp_path / "uscita"
    assert run("mese", *inputs, *MONTH, "-o", out).exit_code == 1
    (out / "nota.txt").write_text("mia")  # a file of the user's, not of the run
    before = contents(out)
    script = tmp_path / "ucciso.py"
    script.write_text(KILLED_WHILE_PLACING, encoding="utf-8")
    three = registers(tmp_path, 3)
    killed = subprocess.run([sys.executable, str(script), "mese", *map(str, three), *MONTH, "-o", str(out)],
                            cwd=ROOT, capture_output=True)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    half = contents(out)
    assert {n: v for n, v in half.items() if not n.startswith(output_set.STAGING)} != before  # a half set
    output_set.sweep(out)  # what the next run in the folder does first
    assert contents(out) == before


def test_un_file_aperto_in_excel_e_una_riga_in_italiano_e_nessun_file_cambia(tmp_path, monkeypatch):
    """Windows refuses to write or rename a workbook open in Excel (a sharing violation, PermissionError)."""
    inputs, out = registers(tmp_path), tmp_path / "uscita"
    assert run("mese", *inputs, *MONTH, "-o", out).exit_code == 1
    before = contents(out)
    real_open = open

    def sharing_violation(file, mode="r", *args, **kwargs):
        if Path(file).name == "riepilogo.xlsx" and Path(file).parent == out and "+" in mode:
            raise PermissionError(13, "The process cannot access the file because it is being used by another "
                                      "process", str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(output_set, "open", sharing_violation, raising=False)
    result = run("mese", *registers(tmp_path, 2), *MONTH, "-o", out)
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "chiudere 'riepilogo.xlsx' in Excel e ripetere il comando" in text
    assert "Traceback" not in text and text.count("Errore:") == 1
    assert contents(out) == before


def test_un_file_che_non_si_puo_spostare_a_meta_riporta_indietro_quelli_gia_spostati(tmp_path, monkeypatch):
    """The check passes, then renaming the fourth previous file aside fails (Windows: opened in the
    meantime): the three already aside go back."""
    inputs, out = registers(tmp_path), tmp_path / "uscita"
    assert run("mese", *inputs, *MONTH, "-o", out).exit_code == 1
    before = contents(out)
    real, moved = output_set._rename, []

    def rename(src, dst):
        if Path(src).parent == out:
            moved.append(src)
            if len(moved) == 4:
                raise PermissionError(13, "Permission denied", str(src))
        real(src, dst)

    monkeypatch.setattr(output_set, "_rename", rename)
    result = run("mese", *registers(tmp_path, 2), *MONTH, "-o", out)
    assert result.exit_code == 2
    assert f"chiudere '{Path(moved[3]).name}' in Excel" in " ".join(result.output.split())
    assert contents(out) == before


def test_un_file_nuovo_che_non_si_puo_mettere_al_suo_posto_riporta_i_file_di_prima(tmp_path, monkeypatch):
    inputs, out = registers(tmp_path), tmp_path / "uscita"
    assert run("mese", *inputs, *MONTH, "-o", out).exit_code == 1
    before = contents(out)
    real, placed = output_set._rename, []

    def rename(src, dst):
        if Path(dst).parent == out:
            placed.append(dst)
            if len(placed) == 3:
                raise OSError(5, "Input/output error", str(dst))
        real(src, dst)

    monkeypatch.setattr(output_set, "_rename", rename)
    result = run("mese", *registers(tmp_path, 2), *MONTH, "-o", out)
    assert result.exit_code == 2
    assert "nessun file di uscita è stato cambiato" in " ".join(result.output.split())
    assert contents(out) == before


def test_una_cartella_al_posto_di_un_file_di_uscita_e_una_riga_in_italiano(tmp_path):
    (tmp_path / "uscita" / "riepilogo.xlsx").mkdir(parents=True)
    result = run("mese", *registers(tmp_path), *MONTH, "-o", tmp_path / "uscita")
    assert result.exit_code == 2
    assert "al posto del file di uscita" in " ".join(result.output.split())
    assert contents(tmp_path / "uscita") == {"riepilogo.xlsx": b"<cartella>"}


def test_totali_con_due_file_li_scrive_entrambi_o_nessuno(tmp_path, monkeypatch):
    inputs = registers(tmp_path)
    monkeypatch.setattr(totals_workbook, "_write_csv", failing(totals_workbook._write_csv, "dettaglio.csv"))
    result = run("totali", *inputs, *MONTH, "-o", tmp_path / "riepilogo.xlsx", "-o", tmp_path / "dettaglio.csv")
    assert result.exit_code == 2
    assert not (tmp_path / "riepilogo.xlsx").exists() and not (tmp_path / "dettaglio.csv").exists()


def test_due_uscite_con_lo_stesso_nome_sono_rifiutate_prima_di_scrivere(tmp_path):
    inputs = registers(tmp_path)
    result = run("totali", *inputs, *MONTH, "-o", tmp_path / "riepilogo.xlsx", "-o", tmp_path / "RIEPILOGO.xlsx")
    assert result.exit_code == 2 and "avrebbero lo stesso nome" in " ".join(result.output.split())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ancona", "jesi.csv"]


def test_valida_scrive_rapporto_e_copie_annotate_tutti_o_nessuno(tmp_path, monkeypatch):
    inputs = registers(tmp_path)
    monkeypatch.setattr(annotated, "annotate", failing(annotated.annotate, "jesi_annotato.xlsx"))
    result = run("valida", *inputs, "--rapporto", tmp_path / "rapporto.xlsx", "--annota", tmp_path / "copie")
    assert result.exit_code == 2
    assert "scrittura di 'jesi_annotato.xlsx' non riuscita" in " ".join(result.output.split())
    assert not (tmp_path / "rapporto.xlsx").exists() and list((tmp_path / "copie").iterdir()) == []


def test_esporta_scrive_il_file_per_ja_e_gli_scarti_entrambi_o_nessuno(tmp_path, monkeypatch):
    inputs = registers(tmp_path)
    monkeypatch.setattr(plan, "_write_rows_xlsx", failing(plan._write_rows_xlsx, "scarti.xlsx"))
    result = run("esporta", *inputs, *MONTH, "-o", tmp_path / "ja.csv", "--scarti", tmp_path / "scarti.xlsx")
    assert result.exit_code == 2
    assert "scrittura di 'scarti.xlsx' non riuscita" in " ".join(result.output.split())
    assert not (tmp_path / "ja.csv").exists() and not (tmp_path / "scarti.xlsx").exists()


def test_mese_senza_file_utilizzabili_toglie_totali_e_file_per_ja_della_corsa_precedente(tmp_path):
    """A run that can write only its report (no input usable) must not leave the previous run's ja.csv
    beside it, to be loaded into JA as if it were this run's. (With some usable inputs their totals
    and JA file are written: tests/cli/test_mese.py.)"""
    inputs, out = registers(tmp_path), tmp_path / "uscita"
    assert run("mese", *inputs, *MONTH, "-o", out).exit_code == 1
    broken = tmp_path / "fano.xlsx"
    broken.write_bytes(b"non un foglio di calcolo")
    result = run("mese", broken, *MONTH, "-o", out)
    assert result.exit_code == 2, result.output
    assert "Tolti riepilogo.xlsx, ja.csv, scarti.xlsx: erano di una corsa precedente" in " ".join(result.output.split())
    assert sorted(contents(out)) == ["jesi_annotato.xlsx", "rapporto.json", "rapporto.xlsx", "registro_annotato.xlsx"]


def test_un_file_da_togliere_aperto_in_excel_ferma_tutto(tmp_path, monkeypatch):
    inputs, out = registers(tmp_path), tmp_path / "uscita"
    assert run("mese", *inputs, *MONTH, "-o", out).exit_code == 1
    before = contents(out)
    broken = tmp_path / "fano.xlsx"
    broken.write_bytes(b"non un foglio di calcolo")
    real_open = open

    def sharing_violation(file, mode="r", *args, **kwargs):
        if Path(file) == out / "ja.csv" and "+" in mode:
            raise PermissionError(13, "sharing violation", str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(output_set, "open", sharing_violation, raising=False)
    result = run("mese", *inputs, broken, *MONTH, "-o", out)
    assert result.exit_code == 2 and "chiudere 'ja.csv' in Excel" in " ".join(result.output.split())
    assert contents(out) == before

"""Faults, bad input and privacy of the archive: damaged or foreign files, newer schema, wrong or
missing key; no codice fiscale in any archive file (killed and concurrent imports:
test_archive_dataset.py)."""

import json
import os
import shutil
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from registro.cli import main
from tests.support.months import MONTHS, TODAY
from tests.support import api
from registro.validators.archive.store import Archive
from registro.validators.errors import ArchiveError

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def _one_error_line(result, *words):
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())  # one message, however the terminal wraps it
    assert text.startswith("Errore:") and text.count("Errore:") == 1 and "Traceback" not in text, result.output
    for w in words:
        assert w in text, result.output


def test_un_file_estraneo_nell_archivio_e_un_errore_chiaro(archive_copy, months):
    (archive_copy / "appunti.txt").write_text("note")
    _one_error_line(_cli("archivio", "stato", "--archivio", archive_copy), "file estraneo", "appunti.txt")
    _one_error_line(_cli("valida", months.files[MONTHS[5]][0], "--archivio", archive_copy), "file estraneo")
    (archive_copy / "appunti.txt").unlink()
    # in dati/ a Parquet file the metadata does not list would be counted by every reader of the folder
    stray = archive_copy / "dati" / "mese=2026-09" / "sede=ancona" / "righe.parquet"
    stray.parent.mkdir(parents=True)
    shutil.copy(next(archive_copy.rglob("righe.parquet")), stray)
    _one_error_line(_cli("archivio", "verifica", "--archivio", archive_copy), "non è registrato", str(stray))
    stray.rename(stray.with_name("copia.parquet"))
    _one_error_line(_cli("archivio", "stato", "--archivio", archive_copy), "file estraneo", "copia.parquet")


def _italian_only(result):
    """No library text and no raw bytes in an archive message (polars says 'parquet: File out of
    specification ... magic bytes "PAR1" ... got "<bytes>"')."""
    text = " ".join(result.output.split())
    for word in ("parquet:", "File out of", "magic", "PAR1", "specification", "Error:", "Error ", "\\x"):
        assert word not in text, text
    assert text.isprintable(), text


def test_un_file_di_partizione_danneggiato_e_un_errore_chiaro(archive_copy, months):
    part = next(archive_copy.rglob("righe.parquet"))
    part.write_bytes(part.read_bytes()[:200])
    result = _cli("archivio", "verifica", "--archivio", archive_copy)
    _one_error_line(result, "danneggiato", str(part), "non è un file Parquet leggibile")
    _italian_only(result)
    result = _cli("totali", "--archivio", archive_copy)
    _one_error_line(result, "danneggiato", "registro archivio verifica")
    _italian_only(result)
    # the history of the checks comes from the history index, written when the partition was sound
    assert _cli("valida", *months.files[MONTHS[5]], "--archivio", archive_copy).exit_code == 0


def test_un_parquet_estraneo_o_alterato_e_un_errore_chiaro(archive_copy):
    part = next(archive_copy.rglob("righe.parquet"))
    pl.DataFrame({"x": [1, 2]}).write_parquet(part)
    _one_error_line(_cli("archivio", "verifica", "--archivio", archive_copy), "estraneo", part.name)
    other = next(p for p in archive_copy.rglob("righe.parquet") if p != part)
    frame = pl.read_parquet(other)
    frame.head(3).write_parquet(other)
    _one_error_line(_cli("archivio", "verifica", "--archivio", archive_copy), "alterato", "ha 3 righe")
    frame.write_parquet(other)
    part.unlink()
    _one_error_line(_cli("archivio", "verifica", "--archivio", archive_copy), "mancante", "rimuovi")


def test_un_indice_dello_storico_alterato_ferma_il_controllo_e_verifica_lo_ricostruisce(archive_copy, months):
    def by_partition(frame):  # each row with its partition's file instead of its number in the index
        listed = json.loads((archive_copy / "archivio.json").read_text())["storico"]["partizioni"]
        frame = frame.with_columns(pl.col("parte").replace_strict(dict(enumerate(listed)), return_dtype=pl.String))
        return frame.sort(frame.columns)

    (history,) = archive_copy.glob("storico-*.parquet")
    sound = by_partition(pl.read_parquet(history))
    pl.read_parquet(history).head(3).write_parquet(history)
    june = months.files[MONTHS[5]]
    _one_error_line(_cli("valida", *june, "--archivio", archive_copy), "indice dello storico",
                    "registro archivio verifica")
    result = _cli("archivio", "verifica", "--archivio", archive_copy)
    assert result.exit_code == 0 and "indice dello storico ricostruito" in " ".join(result.output.split())
    (rebuilt,) = archive_copy.glob("storico-*.parquet")
    assert rebuilt != history and not history.exists()
    assert by_partition(pl.read_parquet(rebuilt)).equals(sound)
    assert _cli("valida", *june, "--archivio", archive_copy, "--mese", MONTHS[5], "--oggi", TODAY.isoformat()).exit_code == 0
    # an index with the right number of rows but other contents is found by verifica too
    pl.read_parquet(rebuilt).with_columns(pl.col("data") - pl.duration(days=400)).write_parquet(rebuilt)
    assert "indice dello storico ricostruito" in " ".join(_cli("archivio", "verifica", "--archivio",
                                                               archive_copy).output.split())


def test_un_archivio_di_una_versione_piu_recente_e_un_errore_chiaro(archive_copy):
    meta = json.loads((archive_copy / "archivio.json").read_text())
    meta["versione_schema"] = 99
    (archive_copy / "archivio.json").write_text(json.dumps(meta))
    _one_error_line(_cli("archivio", "stato", "--archivio", archive_copy), "versione più recente", "schema 99",
                    "aggiornare registro")


def test_metadati_danneggiati_o_di_altro_programma(archive_copy):
    (archive_copy / "archivio.json").write_text("{tronco")
    _one_error_line(_cli("archivio", "stato", "--archivio", archive_copy), "danneggiato")
    (archive_copy / "archivio.json").write_text('{"formato": "altro"}')
    _one_error_line(_cli("archivio", "stato", "--archivio", archive_copy), "non è il file di un archivio")


def test_chiave_sbagliata_o_mancante_e_un_errore_mai_un_confronto_silenzioso(tmp_path, archive_copy, months):
    wrong = tmp_path / "altra.chiave"
    wrong.write_text(os.urandom(32).hex())
    june = months.files[MONTHS[5]]
    _one_error_line(_cli("valida", *june, "--archivio", archive_copy, "--chiave", wrong), "non è quella dell'archivio")
    _one_error_line(_cli("archivio", "aggiungi", *june, "--archivio", archive_copy, "--chiave", wrong),
                    "non è quella")
    _one_error_line(_cli("archivio", "verifica", "--archivio", archive_copy, "--chiave", wrong), "non è quella")
    (tmp_path / "archivio.chiave").rename(tmp_path / "spostata.chiave")
    _one_error_line(_cli("valida", *june, "--archivio", archive_copy), "chiave dell'archivio non trovata")
    (tmp_path / "rotta.chiave").write_text("non una chiave")
    _one_error_line(_cli("valida", *june, "--archivio", archive_copy, "--chiave", tmp_path / "rotta.chiave"),
                    "non è una chiave")
    ok = _cli("valida", *june, "--archivio", archive_copy, "--chiave", tmp_path / "spostata.chiave")
    assert ok.exit_code == 0, ok.output


def test_archivio_mancante_o_cartella_non_vuota(tmp_path, months):
    june = months.files[MONTHS[5]]
    _one_error_line(_cli("valida", *june, "--archivio", tmp_path / "nessuno"), "archivio non trovato",
                    "registro archivio aggiungi")
    full = tmp_path / "piena"
    full.mkdir()
    (full / "foto.jpg").write_bytes(b"x")
    _one_error_line(_cli("archivio", "aggiungi", *june, "--archivio", full), "non è vuota")


def test_la_chiave_nasce_con_l_archivio_fuori_dalla_cartella_leggibile_solo_dal_proprietario(tmp_path, months):
    folder = tmp_path / "nuovo"
    api.archive_add(months.files[MONTHS[0]][:1], folder, month=MONTHS[0], today=TODAY)
    key = tmp_path / "nuovo.chiave"
    assert key.exists() and not list(folder.rglob("*.chiave"))
    if os.name == "posix":
        assert key.stat().st_mode & 0o777 == 0o600
    meta = json.loads((folder / "archivio.json").read_text())
    assert key.read_text().strip() not in json.dumps(meta)
    assert meta["chiave"] == Archive.open(folder).key.fingerprint
    with pytest.raises(ArchiveError, match="dentro l'archivio"):
        Archive.open(tmp_path / "altro", tmp_path / "altro" / "k.chiave", create=True)


def test_nessun_codice_fiscale_in_alcun_file_dell_archivio(months, five_months_archive):
    codes = {c for m in MONTHS[:5] for p in months.files[m] for c in (r[4] for r in months.rows[p])}
    assert len(codes) > 1000
    files = [p for p in five_months_archive.rglob("*") if p.is_file()]
    assert any(p.suffix == ".parquet" for p in files) and any(p.name == "archivio.json" for p in files)
    needles = [c.encode() for c in codes] + [c.lower().encode() for c in codes]
    for path in files:
        raw = path.read_bytes()
        assert not [n for n in needles if n in raw], path
        if path.suffix == ".parquet":
            frame = pl.read_parquet(path)
            text = frame.select(pl.all().cast(pl.String)).unpivot()["value"].drop_nulls()
            assert not text.str.to_uppercase().is_in(list(codes)).any(), path
            assert not text.str.contains("|".join(sorted(codes)[:500])).any(), path
            assert "note" not in [c.lower() for c in frame.columns] and "codice_fiscale" not in frame.columns

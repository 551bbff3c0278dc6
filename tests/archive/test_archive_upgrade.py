"""An archive of version 0.1 (schema 1, written by tests/support/archive_v1.py as 0.1 wrote it) is read
as it is by read-only commands, and upgraded in place by `verifica` or the first import, every row kept."""

import json
import os
import shutil

import polars as pl
import pytest
from click.testing import CliRunner

from registro.cli import main
from tests.support import api
from registro.validators.archive.layout import status
from registro.validators.archive.store import Archive
from tests.support import engines
from tests.support.archive_v1 import write_v1
from tests.support.months import MONTHS, TODAY


def _cli(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def _flat(result) -> str:
    return " ".join(result.output.split())


def _snapshot(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.endswith(".lock")}


def _content(folder):
    return Archive.open(folder, need_key=False).table().drop("importato").sort("data", "file", "riga")


@pytest.fixture(scope="session")
def v1_archive(tmp_path_factory, months):
    """Five months in an archive of schema 1 with an interrupted import's leftovers; never modified."""
    folder = tmp_path_factory.mktemp("v1") / "archivio"
    write_v1(folder, [(m, months.files[m]) for m in MONTHS[:5]], TODAY)
    return folder


@pytest.fixture
def v1_copy(tmp_path, v1_archive):
    folder = tmp_path / "v1" / "archivio"
    shutil.copytree(v1_archive, folder)
    shutil.copy2(v1_archive.with_name("archivio.chiave"), folder.with_name("archivio.chiave"))
    return folder


def test_i_comandi_di_sola_lettura_leggono_lo_schema_1_senza_toccarlo(v1_copy, months, five_months_archive):
    before = _snapshot(v1_copy)
    result = _cli("archivio", "stato", "--archivio", v1_copy)
    assert result.exit_code == 0 and "schema 1" in _flat(result) and "registro archivio verifica" in _flat(result)
    doc = json.loads(_cli("archivio", "stato", "--archivio", v1_copy, "--json").output)
    assert doc["versione_schema"] == 1 and doc["cartella_dati"] is None and "verifica" in doc["da_fare"]
    june = months.files[MONTHS[5]]
    with_v1 = api.validate(june, archive=v1_copy, month=MONTHS[5], today=TODAY)
    with_new = api.validate(june, archive=five_months_archive, month=MONTHS[5], today=TODAY)
    assert with_v1.problems == with_new.problems == []
    assert _content(v1_copy).equals(_content(five_months_archive))
    assert _snapshot(v1_copy) == before


def test_verifica_aggiorna_lo_schema_1_in_posto_senza_perdere_una_riga(v1_copy, five_months_archive):
    before = _content(v1_copy)
    rows = sum(p.rows for p in status(v1_copy).partitions)
    result = _cli("archivio", "verifica", "--archivio", v1_copy)
    assert result.exit_code == 0, result.output
    text = _flat(result)
    assert "Archivio aggiornato dallo schema 1 allo schema 2: 15 partizioni spostate" in text
    assert text.count("Tolto il file di un'importazione interrotta") == 2 and ".archivio.json-" in text
    assert "Archivio integro: schema 2, chiave corretta" in text and f"15 partizioni, {rows} righe" in text
    assert "indice dello storico ricostruito" not in text  # the index of 0.1 is kept, renamed partitions and all
    after = status(v1_copy)
    assert after.schema == 2 and sum(p.rows for p in after.partitions) == rows
    assert _content(v1_copy).equals(before) and before.equals(_content(five_months_archive))
    assert {p.name for p in v1_copy.iterdir()} - {"lavoro"} == {  # lavoro/: staging, made by the first write
        "archivio.json", ".registro.lock", ".registro-scrittura.lock", "dati",
        json.loads((v1_copy / "archivio.json").read_text())["storico"]["file"]}
    expected = {(p.month, p.office): p.rows for p in after.partitions}
    for engine in engines.ENGINES:
        assert engines.counts(engine, v1_copy / "dati") == expected, engine
    if os.name == "posix":
        for path in [v1_copy, *v1_copy.rglob("*")]:
            assert path.stat().st_mode & 0o777 == (0o700 if path.is_dir() else 0o600), path
    again = _cli("archivio", "verifica", "--archivio", v1_copy)
    assert again.exit_code == 0 and "aggiornato" not in _flat(again) and "Tolto" not in _flat(again)


def test_la_prima_importazione_aggiorna_lo_schema_1_e_poi_importa(v1_copy, months, archive_copy):
    june = months.files[MONTHS[5]]
    result = _cli("archivio", "aggiungi", *june, "--mese", MONTHS[5], "--oggi", TODAY.isoformat(),
                  "--archivio", v1_copy)
    assert result.exit_code == 0, result.output
    assert "Archivio aggiornato dallo schema 1 allo schema 2" in _flat(result)
    api.archive_add(june, archive_copy, month=MONTHS[5], today=TODAY)
    assert _content(v1_copy).equals(_content(archive_copy))
    assert status(v1_copy).schema == 2
    assert pl.read_parquet(next(v1_copy.glob("storico-*.parquet"))).height == sum(
        p.rows for p in status(v1_copy).partitions)
    assert Archive.open(v1_copy).verify().history_rebuilt is False

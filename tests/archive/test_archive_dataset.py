"""The archive as an open dataset: DuckDB, pyarrow, pandas and polars read its dati/ folder with their
default options and see the rows of `registro archivio stato`, after imports, during and after a
replacement killed at each step, while another process imports; concurrent imports equal the same
imports in sequence; files readable by their owner only; `stato --json`."""

import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from benchmarks.generator import write_csv
from registro.cli import main
from tests.support import api
from registro.validators.archive.layout import status
from registro.validators.archive.store import ROW_SCHEMA, Archive
from registro.validators.errors import ArchiveError
from tests.support import engines
from tests.support.months import MONTHS, TODAY

ROOT = Path(__file__).resolve().parents[2]
MARCH = MONTHS[2]


def _cli(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def _flat(result) -> str:
    return " ".join(result.output.split())


def _stato(folder: Path) -> dict[tuple[str, str], int]:
    return {(p.month, p.office): p.rows for p in status(folder).partitions}


def _content(folder: Path) -> pl.DataFrame:
    """The archived rows, the time of the import aside."""
    return Archive.open(folder, need_key=False).table().drop("importato").sort("data", "file", "riga")


@pytest.fixture(scope="session")
def six_months_archive(tmp_path_factory, months):
    folder = tmp_path_factory.mktemp("sei") / "archivio"
    for month in MONTHS:
        api.archive_add(months.files[month], folder, month=month, today=TODAY)
    return folder


@pytest.mark.parametrize("engine", engines.ENGINES)
def test_ogni_motore_legge_la_cartella_dati_con_le_righe_di_stato_e_tipi_sensati(engine, six_months_archive, months):
    expected = _stato(six_months_archive)
    assert sum(expected.values()) == sum(len(r) for r in months.rows.values())  # every generated row archived
    columns, counts, table = engines.read(engine, six_months_archive / "dati")
    assert counts == expected
    assert sorted(columns) == sorted([*ROW_SCHEMA, "mese", "sede"])  # mese and sede once, from the path
    if engine == "polars":
        assert table.schema["data"] == pl.Date and table.schema["durata_minuti"] == pl.Int64
        assert table.schema["mese"] == pl.String and table.schema["importato"] == pl.Datetime("us", "UTC")
    elif engine == "pandas":
        assert isinstance(table["data"].dropna().iloc[0], dt.date)
        assert str(table["riga"].dtype) == "int64" and str(table["avvisi"].dtype) == "uint32"
        assert str(table["durata_minuti"].dtype) == "float64"  # numpy has no integer with missing values (docs/guida/archivio.md)
    else:
        import pyarrow as pa

        assert table.schema.field("data").type == pa.date32()
        assert table.schema.field("durata_minuti").type == pa.int64()
        assert pa.types.is_string(table.schema.field("sede").type) or pa.types.is_large_string(
            table.schema.field("sede").type)


def test_stato_json_da_cartella_dati_schema_e_partizioni(six_months_archive):
    result = _cli("archivio", "stato", "--archivio", six_months_archive, "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["cartella_dati"] == str(six_months_archive.absolute() / "dati") and doc["versione_schema"] == 2
    archive = Archive.open(six_months_archive, need_key=False)
    assert [(p["mese"], p["sede"], p["righe"], p["persone"]) for p in doc["partizioni"]] == [
        (p.month, p.office, p.rows, p.persons) for p in archive.partitions]
    assert doc["righe"] == sum(p.rows for p in archive.partitions) and doc["mesi"] == list(MONTHS)
    assert all(Path(p["file"]).is_file() for p in doc["partizioni"])
    text = _cli("archivio", "stato", "--archivio", six_months_archive)
    assert f"Cartella dei dati: {six_months_archive.absolute() / 'dati'}" in _flat(text)


def test_la_cartella_dati_contiene_solo_le_partizioni(six_months_archive):
    dati = six_months_archive / "dati"
    files = [p.relative_to(dati).as_posix() for p in dati.rglob("*") if p.is_file()]
    assert files and all(re.fullmatch(r"mese=\d{4}-\d{2}/sede=[a-z0-9-]+/righe\.parquet", f) for f in files)
    top = {p.name for p in six_months_archive.iterdir()}
    assert "archivio.json" in top and any(n.startswith("storico-") for n in top) and "dati" in top


def test_le_cartelle_di_una_partizione_nuova_ancora_senza_file_non_disturbano_i_lettori(archive_copy):
    # a new partition's folders are made just before its file is put in place
    (archive_copy / "dati" / "mese=2026-12" / "sede=ancona").mkdir(parents=True)
    (archive_copy / "dati" / "mese=2026-05" / "sede=osimo").mkdir()
    expected = _stato(archive_copy)
    for engine in engines.ENGINES:
        assert engines.counts(engine, archive_copy / "dati") == expected, engine
    assert _cli("archivio", "verifica", "--archivio", archive_copy).exit_code == 0
    assert not (archive_copy / "dati" / "mese=2026-12").exists()


# ---------------------------------------------------------------------------------------------
# Killed imports, readers during a replacement, concurrent imports

# A child process that imports and stops (sleeps, to be killed) at a chosen step of the write:
#   lavoro        after the first staged partition file (before the journal: rolled back)
#   giornale      after the journal, before any file is put in place (rolled forward from here on)
#   sostituzione  after the first partition file is put in place
#   metadati      every file in place, before archivio.json
#   fine          after archivio.json, before the journal is deleted
#   lento         sleeps 3 s before staging each file (holding the writer lock), then goes on
#   passo         sleeps 0.4 s before putting each file in place, then goes on
CHILD = """
import sys, time, datetime as dt
from pathlib import Path
from registro.validators.archive import journal, store
from tests.support import api

marker, point, folder, month, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
calls = {"parquet": 0, "replace": 0}

def ready():
    Path(marker).write_text("pronto")

def pause():
    ready()
    time.sleep(120)

real_parquet, real_json, real_replace = store._write_parquet, journal.write_json, journal._replace

def parquet(frame, path):
    if point == "lento":
        ready()
        time.sleep(3)
    real_parquet(frame, path)
    calls["parquet"] += 1
    if point == "lavoro" and calls["parquet"] == 1:
        pause()

def write_json(path, doc):
    if point == "metadati" and path.name == "archivio.json":
        pause()
    real_json(path, doc)
    if (point, path.name) in (("giornale", "giornale.json"), ("fine", "archivio.json")):
        pause()

def replace(src, dst):
    if point == "passo":
        ready()
        time.sleep(0.4)
    real_replace(src, dst)
    calls["replace"] += 1
    if point == "sostituzione" and calls["replace"] == 1:
        pause()

store._write_parquet, journal.write_json, journal._replace = parquet, write_json, replace
api.archive_add(files, folder, month=month, today=dt.date(2026, 7, 1))
"""


def _child(tmp_path, point, folder, month, files, name="marker"):
    marker = tmp_path / name
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(marker), point, str(folder), month, *map(str, files)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not marker.exists():
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read().decode())
        assert time.monotonic() < deadline, "the child never reached the pause"
        time.sleep(0.02)
    return proc


def _halved(tmp_path, months, month) -> list[Path]:
    """The registers of a month with the first half of their rows: a replacement that changes every count."""
    out = []
    for path in months.files[month]:
        target = tmp_path / "meta" / path.name
        target.parent.mkdir(exist_ok=True)
        write_csv(target, months.rows[path][: len(months.rows[path]) // 2])
        out.append(target)
    return out


@pytest.fixture
def replacement(tmp_path, months, five_months_archive):
    """(the halved March registers, the archive after importing them in this process: the reference)."""
    files = _halved(tmp_path, months, MARCH)
    reference = tmp_path / "riferimento" / "archivio"
    shutil.copytree(five_months_archive, reference)
    shutil.copy2(five_months_archive.with_name("archivio.chiave"), reference.with_name("archivio.chiave"))
    api.archive_add(files, reference, month=MARCH, today=TODAY)
    return files, reference


def _each_partition_old_or_new(folder, old, new):
    """Every engine sees every partition whole, as it was or as it will be; which one, per partition."""
    seen = None
    for engine in engines.ENGINES:
        counts = engines.counts(engine, folder / "dati")
        assert set(counts) == set(old), engine
        assert all(counts[k] in (old[k], new[k]) for k in counts), (engine, counts)
        state = {k for k in counts if counts[k] != old[k]}
        assert seen is None or state == seen, engine
        seen = state
    return seen


@pytest.mark.parametrize("point, next_command", [
    ("lavoro", ["archivio", "verifica", "--archivio"]),
    ("giornale", ["archivio", "stato", "--archivio"]),
    ("sostituzione", ["valida", "{june}", "--archivio"]),
    ("metadati", ["totali", "--archivio"]),
    ("fine", ["archivio", "verifica", "--archivio"]),
])
def test_un_importazione_uccisa_in_ogni_passo_e_vista_intera_prima_o_dopo_e_il_comando_seguente_la_chiude(
        tmp_path, months, archive_copy, replacement, point, next_command):
    files, reference = replacement
    old, new = _stato(archive_copy), _stato(reference)
    changed = {k for k in old if old[k] != new[k]}
    assert len(changed) == 3
    before = _content(archive_copy)
    proc = _child(tmp_path, point, archive_copy, MARCH, files)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    state = _each_partition_old_or_new(archive_copy, old, new)
    expected_state = {"lavoro": 0, "giornale": 0, "sostituzione": 1, "metadati": 3, "fine": 3}[point]
    assert len(state) == expected_state
    args = [a.replace("{june}", str(months.files[MONTHS[5]][0])) for a in next_command] + [archive_copy]
    result = _cli(*args)
    assert result.exit_code in (0, 1), result.output
    text = _flat(result)
    if point == "lavoro":
        assert "Annullata un'operazione interrotta" in text and "lavoro" in text
        assert _stato(archive_copy) == old and _content(archive_copy).equals(before)
    else:
        assert "Completata l'importazione interrotta (giornale.json)" in text
        assert _stato(archive_copy) == new and _content(archive_copy).equals(_content(reference))
    assert not (archive_copy / "giornale.json").exists() or point == "lavoro"
    final = _stato(archive_copy)
    for engine in engines.ENGINES:
        assert engines.counts(engine, archive_copy / "dati") == final, engine
    check = _cli("archivio", "verifica", "--archivio", archive_copy)
    assert check.exit_code == 0 and "interrotta" not in _flat(check), check.output
    assert not list((archive_copy / "lavoro").glob("*"))


def test_un_lettore_durante_una_sostituzione_non_vede_mai_righe_doppie_o_a_meta(
        tmp_path, months, archive_copy, replacement):
    files, reference = replacement
    old, new = _stato(archive_copy), _stato(reference)
    proc = _child(tmp_path, "passo", archive_copy, MARCH, files)
    reads, polars_errors, states = 0, 0, set()
    while proc.poll() is None or reads < 8:
        for engine in engines.ENGINES:
            try:
                counts = engines.counts(engine, archive_copy / "dati")
            except BaseException as exc:  # noqa: BLE001 - polars panics are BaseExceptions
                # polars reads a file's footer when it plans and its pages when it runs, by name:
                # a file replaced in between stops it with an error (never with wrong rows; docs/guida/archivio.md)
                if engine != "polars" or isinstance(exc, (KeyboardInterrupt, SystemExit)):
                    raise
                polars_errors += 1
                continue
            reads += 1
            assert set(counts) == set(old), (engine, counts)
            assert all(counts[k] in (old[k], new[k]) for k in counts), (engine, counts)
            states.add(frozenset(k for k in counts if counts[k] != old[k]))
    assert proc.wait(60) == 0, proc.stderr.read().decode()
    assert reads >= 8 and len(states) >= 2  # the reads saw the replacement under way
    assert _stato(archive_copy) == new
    for engine in engines.ENGINES:
        assert engines.counts(engine, archive_copy / "dati") == new


def test_due_importazioni_insieme_danno_l_archivio_delle_stesse_in_sequenza(tmp_path, months, archive_copy):
    may, june = MONTHS[4], MONTHS[5]
    Archive.open(archive_copy).remove(month=may)  # four months archived; May and June arrive together
    sequence = tmp_path / "sequenza" / "archivio"
    shutil.copytree(archive_copy, sequence)
    shutil.copy2(archive_copy.with_name("archivio.chiave"), sequence.with_name("archivio.chiave"))
    api.archive_add(months.files[may], sequence, month=may, today=TODAY)
    api.archive_add(months.files[june], sequence, month=june, today=TODAY)
    # June imported while May's import (started first) is writing its files: June's check must see May
    slow = _child(tmp_path, "lento", archive_copy, may, months.files[may])
    other = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "m2"), "nessuno", str(archive_copy), june,
                            *map(str, months.files[june])], cwd=ROOT, capture_output=True)
    assert other.returncode == 0, other.stderr.decode()
    assert slow.wait(120) == 0, slow.stderr.read().decode()
    assert _content(archive_copy).equals(_content(sequence))
    assert _stato(archive_copy) == _stato(sequence)
    alone = api.validate(months.files[june], month=june, today=TODAY)  # June without May warns; with May, not
    assert alone.problems and _content(sequence).filter(pl.col("avvisi") > 0).is_empty()


def _writer_lock_held(folder: Path) -> bool:
    """Whether someone holds the archive's writer lock (another open file cannot take it at once)."""
    import fcntl

    with open(folder / ".registro-scrittura.lock", "rb") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        return False


@pytest.mark.skipif(os.name != "posix", reason="the probe uses flock")
@pytest.mark.parametrize("how", ["archivio aggiungi", "mese --archivia", "month_pass(store=True)"])
def test_ogni_importazione_tiene_il_blocco_di_scrittura_dal_controllo_alla_fine(tmp_path, months, archive_copy,
                                                                                 monkeypatch, how):
    from registro.validators import api as engine

    held, real = [], engine.check_registers

    def check_registers(*args, **kwargs):  # the history is read during the check: the lock must be held
        held.append(_writer_lock_held(archive_copy))
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "check_registers", check_registers)
    june, files = MONTHS[5], months.files[MONTHS[5]]
    if how == "archivio aggiungi":
        result = _cli("archivio", "aggiungi", *files, "--mese", june, "--oggi", TODAY, "--archivio", archive_copy)
    elif how == "mese --archivia":
        result = _cli("mese", *files, "--mese", june, "--oggi", TODAY, "--archivio", archive_copy, "--archivia",
                      "--senza-excel", "-o", tmp_path / "uscita")
    else:
        api.month_pass(files, tmp_path / "uscita", month=june, today=TODAY, archive=archive_copy, store=True,
                       excel=False)
    if how != "month_pass(store=True)":
        assert result.exit_code in (0, 1), result.output
    assert held == [True] and not _writer_lock_held(archive_copy)
    assert {p.month for p in status(archive_copy).partitions} == set(MONTHS)


def test_un_file_tenuto_aperto_da_un_altro_programma_e_un_errore_in_italiano_e_verifica_completa(
        tmp_path, months, archive_copy, replacement, monkeypatch):
    from registro.validators.archive import journal

    files, reference = replacement
    real, calls = journal._rename, {"n": 0}

    def busy(src, dst):  # Windows refuses to replace a file that Power BI holds open: the second one here
        calls["n"] += 1
        if calls["n"] >= 2:
            raise PermissionError(13, "Access is denied")
        real(src, dst)

    monkeypatch.setattr(journal, "_rename", busy)
    monkeypatch.setattr(journal, "WINDOWS", True)
    monkeypatch.setattr(journal, "_RETRIES", 3)
    monkeypatch.setattr(journal.time, "sleep", lambda s: None)
    result = CliRunner().invoke(main, ["archivio", "aggiungi", *map(str, files), "--mese", MARCH, "--oggi",
                                       TODAY.isoformat(), "--archivio", str(archive_copy)])
    assert result.exit_code == 2
    text = _flat(result)
    assert text.count("Errore:") == 1 and "aperto in un altro programma" in text and "registro archivio verifica" in text
    assert "Access is denied" not in text and calls["n"] == 4  # the first file in place, the second tried 3 times
    monkeypatch.undo()
    done = _cli("archivio", "verifica", "--archivio", archive_copy)
    assert done.exit_code == 0 and "Completata l'importazione interrotta" in _flat(done), done.output
    assert _content(archive_copy).equals(_content(reference))


# ---------------------------------------------------------------------------------------------
# Modes

MODES = """
import os, sys, datetime as dt
os.umask(int(sys.argv[1], 8))
from tests.support import api
from registro.validators.archive.store import Archive
folder, files = sys.argv[2], sys.argv[3:]
api.archive_add(files, folder, month="2026-01", today=dt.date(2026, 7, 1))
api.archive_add(files[:1], folder, month="2026-01", today=dt.date(2026, 7, 1))  # a replacement
Archive.open(folder).remove(office="Jesi")
Archive.open(folder).verify()
"""


@pytest.mark.skipif(os.name != "posix", reason="Windows has no owner/group/other modes (docs/guida/dati-personali.md)")
@pytest.mark.parametrize("umask", ["022", "000"])
def test_file_e_cartelle_dell_archivio_leggibili_solo_dal_proprietario_con_ogni_umask(tmp_path, months, umask):
    folder = tmp_path / "archivio"
    run = subprocess.run([sys.executable, "-c", MODES, umask, str(folder), *map(str, months.files[MONTHS[0]])],
                         cwd=ROOT, capture_output=True)
    assert run.returncode == 0, run.stderr.decode()
    entries = [folder, *folder.rglob("*")]
    assert any(p.name == "righe.parquet" for p in entries) and any(p.name.startswith("storico-") for p in entries)
    modes = {p.relative_to(tmp_path).as_posix(): oct(p.stat().st_mode & 0o777) for p in entries}
    assert {k: m for k, m in modes.items() if m != ("0o700" if (tmp_path / k).is_dir() else "0o600")} == {}
    assert oct(folder.with_name("archivio.chiave").stat().st_mode & 0o777) == "0o600"


def test_un_archivio_con_un_giornale_illeggibile_e_un_errore_chiaro(archive_copy):
    (archive_copy / "giornale.json").write_text("{rotto")
    result = _cli("archivio", "stato", "--archivio", archive_copy)
    assert result.exit_code == 2 and "giornale.json" in _flat(result) and "danneggiato" in _flat(result)
    with pytest.raises(ArchiveError, match="danneggiato"):
        Archive.open(archive_copy)


# ---------------------------------------------------------------------------------------------
# The guide's column list (docs/guida/archivio.md)

GUIDE_TYPES = {"testo": pl.String(), "data": pl.Date(), "intero": pl.Int64(), "intero a 64 bit senza segno": pl.UInt64(),
                "intero a 32 bit senza segno": pl.UInt32(), "data e ora (UTC)": pl.Datetime("us", "UTC")}


def test_le_colonne_della_guida_sono_quelle_dei_file_con_i_loro_tipi(six_months_archive):
    text = (ROOT / "docs" / "guida" / "archivio.md").read_text(encoding="utf-8")
    section = text[text.index("## Le colonne dell'archivio"):]
    section = section[:section.index("\n## ", 5)]
    documented = dict(re.findall(r"^\| `(\w+)` \| ([^|]+?) \|", section, re.M))
    schema = pl.read_parquet_schema(next((six_months_archive / "dati").rglob("righe.parquet")))
    assert list(documented) == ["mese", "sede", *schema]
    assert {name: GUIDE_TYPES[documented[name]] for name in schema} == dict(schema)
    assert documented["mese"] == documented["sede"] == "testo (dalla cartella)"
    hive = pl.scan_parquet(six_months_archive / "dati", hive_partitioning=True).collect_schema()
    assert hive["mese"] == hive["sede"] == pl.String
